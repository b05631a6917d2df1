//! Form drafts on the server (`domain::model::draft`): a multi-step form's answers so far, and a
//! failed form's problems with what was typed, kept under a random token in one strictly necessary
//! cookie instead of in the address. Nothing a person types into a form appears in a URL.
//!
//! The cookie's value is the token, followed by `.p` while a failed form's problems wait for the
//! page that shows them: only then does a page look them up, so other pages cost no query.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use domain::model::draft::{DraftKey, NewDraft, DRAFT_SECONDS};
use domain::storage::Drafts;
use domain::values::clock::SecretToken;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::error::AppError;
use crate::ssr::request::{current, failed, state};

pub const FORM_COOKIE: &str = "gatehouse_form";
/// The name behind HTTPS (see `SECURE_SESSION_COOKIE` for why `__Host-`).
pub const SECURE_FORM_COOKIE: &str = "__Host-gatehouse_form";

pub fn form_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_FORM_COOKIE
    } else {
        FORM_COOKIE
    }
}

/// What the browser's form cookie says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormCookie {
    pub token: SecretToken,
    /// A failed form's problems wait for their page.
    pub problems_waiting: bool,
}

/// The form cookie among the request's cookies; anything malformed is no cookie.
pub fn read_form_cookie(headers: &HeaderMap, secure: bool) -> Option<FormCookie> {
    let name = form_cookie_name(secure);
    let value = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)?
        .1;
    let (token, waiting) = match value.strip_suffix(".p") {
        Some(t) => (t, true),
        None => (value, false),
    };
    Some(FormCookie {
        token: SecretToken::from_presented(token)?,
        problems_waiting: waiting,
    })
}

/// The `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure behind HTTPS, and gone after the
/// drafts' lifetime.
pub fn form_cookie_header(cookie: &FormCookie, secure: bool) -> String {
    let name = form_cookie_name(secure);
    let mark = if cookie.problems_waiting { ".p" } else { "" };
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{name}={}{mark}; Path=/; HttpOnly; SameSite=Lax; Max-Age={DRAFT_SECONDS}{secure}",
        cookie.token.expose()
    )
}

/// A failed form's problems as kept: the page they belong to, and the server function's own
/// encoding of its error, which that page's form reads back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptProblems {
    pub page: String,
    pub function: String,
    pub error: String,
}

/// Put on a page's request by the server's middleware when this browser's problems for that page
/// were waiting: the page's form shows them.
#[derive(Debug, Clone)]
pub struct FormProblems(pub KeptProblems);

/// Gives the page's forms the problems kept for it, as if they had come back from the server
/// function itself. Called in every page's context.
pub fn provide_form_problems() {
    let kept = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<FormProblems>().cloned());
    if let Some(FormProblems(k)) = kept {
        provide_context(leptos::server::ServerActionError::new(
            &k.function,
            &k.error,
        ));
    }
}

/// This request's form cookie, or a new one, which the response then sets.
fn browser() -> Result<SecretToken, AppError> {
    let st = state()?;
    let parts = use_context::<axum::http::request::Parts>()
        .ok_or_else(|| failed("the request is missing"))?;
    if let Some(c) = read_form_cookie(&parts.headers, st.secure_cookies) {
        return Ok(c.token);
    }
    let token = SecretToken::generate(st.tokens.as_ref());
    let cookie = FormCookie {
        token: token.clone(),
        problems_waiting: false,
    };
    if let (Some(res), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&form_cookie_header(&cookie, st.secure_cookies)),
    ) {
        res.append_header(SET_COOKIE, v);
    }
    Ok(token)
}

fn owner() -> Option<domain::model::user::UserId> {
    current().map(|c| c.user.id)
}

/// Keeps `value` as this browser's draft of `form`, for the person signed in (or nobody).
pub async fn save<T: Serialize>(form: &str, value: &T) -> Result<(), AppError> {
    let st = state()?;
    let payload = serde_json::to_string(value).map_err(|e| failed(&e.to_string()))?;
    let now = st.clock.now();
    let draft = NewDraft::new(
        browser()?.hash(),
        form,
        owner(),
        payload,
        now,
        DRAFT_SECONDS,
    )
    .ok_or(AppError::TooLarge)?;
    st.store
        .save_draft(&draft, now)
        .await
        .map_err(|e| failed(&e.to_string()))
}

/// This browser's draft of `form`, when the same person wrote it and it has not expired.
pub async fn load<T: DeserializeOwned>(form: &str) -> Result<Option<T>, AppError> {
    let st = state()?;
    let Some(parts) = use_context::<axum::http::request::Parts>() else {
        return Ok(None);
    };
    let Some(cookie) = read_form_cookie(&parts.headers, st.secure_cookies) else {
        return Ok(None);
    };
    let browser = cookie.token.hash();
    let key = DraftKey {
        browser: &browser,
        form,
        owner: owner(),
        now: st.clock.now(),
    };
    let payload = st
        .store
        .draft(&key)
        .await
        .map_err(|e| failed(&e.to_string()))?;
    // A draft that no longer reads as this form's (written by an older version) is no draft.
    Ok(payload.and_then(|p| serde_json::from_str(&p).ok()))
}

/// Forgets this browser's draft of `form`: it was sent.
pub async fn forget(form: &str) -> Result<(), AppError> {
    let st = state()?;
    let Some(parts) = use_context::<axum::http::request::Parts>() else {
        return Ok(());
    };
    let Some(cookie) = read_form_cookie(&parts.headers, st.secure_cookies) else {
        return Ok(());
    };
    st.store
        .delete_draft(&cookie.token.hash(), form)
        .await
        .map_err(|e| failed(&e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookie: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, HeaderValue::from_str(cookie).expect("header"));
        h
    }

    #[test]
    fn the_cookie_says_its_token_and_whether_problems_wait() {
        let t = "a".repeat(43);
        let plain =
            read_form_cookie(&headers(&format!("x=1; gatehouse_form={t}")), false).expect("cookie");
        assert_eq!(plain.token.expose(), t);
        assert!(!plain.problems_waiting);
        let waiting =
            read_form_cookie(&headers(&format!("gatehouse_form={t}.p; y=2")), false).expect("p");
        assert!(waiting.problems_waiting);
        // Written back, each reads as it was.
        for c in [plain, waiting] {
            let set = form_cookie_header(&c, false);
            let value = set.split(';').next().expect("pair");
            assert_eq!(read_form_cookie(&headers(value), false), Some(c));
        }
    }

    #[test]
    fn behind_https_only_the_host_prefixed_cookie_counts() {
        let t = "b".repeat(43);
        assert!(read_form_cookie(&headers(&format!("gatehouse_form={t}")), true).is_none());
        let c = read_form_cookie(&headers(&format!("__Host-gatehouse_form={t}")), true)
            .expect("cookie");
        let set = form_cookie_header(&c, true);
        assert!(set.starts_with("__Host-gatehouse_form=") && set.ends_with("; Secure"));
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"));
    }

    #[test]
    fn a_malformed_cookie_is_no_cookie() {
        for bad in [
            "gatehouse_form=short",
            "gatehouse_form=<script>",
            "gatehouse_form=.p",
        ] {
            assert!(read_form_cookie(&headers(bad), false).is_none(), "{bad}");
        }
    }
}
