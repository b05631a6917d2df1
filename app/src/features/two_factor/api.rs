//! The server functions of two-factor authentication. Their endpoints start `two_factor_`: the
//! ones a session that must first enter a code or set up a second factor may still reach.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};

/// My Profile → Two-factor authentication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusView {
    pub app: bool,
    pub passkeys: Vec<PasskeyView>,
    pub recovery_codes_left: i64,
    /// The policy asks a second factor of the role the session acts as.
    pub required: bool,
}

/// One of the person's passkeys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasskeyView {
    pub id: i64,
    pub name: String,
    pub added: String,
    pub last_used: String,
}

/// Setting up an authenticator app: the QR code (SVG) and the secret to type instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetupView {
    pub qr_svg: String,
    pub secret: String,
    /// The policy sent the person here: nothing else works until it is done.
    pub forced: bool,
}

/// What the code page says: after the password, or before a dangerous action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptView {
    pub step_up: bool,
    /// Which second factors the person has.
    pub app: bool,
    pub passkeys: bool,
    /// Demo mode only: the demo administrators' secret.
    pub demo_secret: Option<String>,
}

/// A dangerous action's form, kept while its person entered a code again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingAction {
    /// The server function's address the form was sent to.
    pub endpoint: String,
    /// The form's fields, as they were filled in.
    pub fields: Vec<(String, String)>,
    /// The page the form was on.
    pub back: String,
}

#[server(endpoint = "two_factor_status")]
pub async fn two_factor_status() -> Result<StatusView, AppError> {
    use crate::ssr::{request::internal, request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    let s = domain::features::two_factor::status(&st.services(), ctx.user.id)
        .await
        .map_err(|e| internal(&e))?;
    let role = ctx.actor.as_ref().and_then(|a| st.catalogue.role(a.role));
    let when = crate::ssr::uk_time::date_time;
    Ok(StatusView {
        app: s.app,
        passkeys: s
            .passkeys
            .iter()
            .map(|k| PasskeyView {
                id: k.id,
                name: k.name.clone(),
                added: when(k.created_at),
                last_used: k.last_used_at.map(when).unwrap_or_else(|| "Not yet".into()),
            })
            .collect(),
        recovery_codes_left: s.recovery_codes_left,
        required: st.mfa.requires(role),
    })
}

/// Begins (or shows again) the app being set up.
#[server(endpoint = "two_factor_setup")]
pub async fn two_factor_setup() -> Result<SetupView, AppError> {
    use crate::ssr::{request::internal, request::state, require_user};
    use domain::features::two_factor::TwoFactorError;
    let ctx = require_user()?;
    let st = state()?;
    let secret = match domain::features::two_factor::begin_app(&st.services(), ctx.user.id).await {
        Ok(s) => s,
        Err(TwoFactorError::AlreadySetUp) => {
            leptos_axum::redirect("/my-profile/two-factor");
            return Err(AppError::NotFound);
        }
        Err(e) => return Err(internal(&e)),
    };
    Ok(SetupView {
        qr_svg: qr_svg(&secret.provisioning_uri(ctx.user.email.as_str())),
        secret: secret.grouped(),
        forced: ctx.gate == Some(domain::model::second_factor::Gate::Enrol),
    })
}

/// The QR code of `text` as an SVG element (its XML declaration left out: it goes inside a page).
#[cfg(feature = "ssr")]
fn qr_svg(text: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return String::new();
    };
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    match svg.find("<svg") {
        Some(at) => svg[at..].to_owned(),
        None => svg,
    }
}

/// The first code from the app confirms it; the recovery codes are shown next, once.
#[server(endpoint = "two_factor_confirm")]
pub async fn two_factor_confirm(code: String) -> Result<(), AppError> {
    use crate::ssr::{
        request::client_address, request::internal, request::invalid, request::state, require_user,
    };
    use domain::features::two_factor::TwoFactorError;
    let ctx = require_user()?;
    if domain::rules::totp::normalise_code(&code).is_none() {
        return Err(invalid(vec![Problem::TotpMissing(Field::Code)], vec![]));
    }
    let st = state()?;
    match domain::features::two_factor::confirm_app(
        &st.services(),
        &ctx,
        &code,
        client_address().as_deref(),
    )
    .await
    {
        Ok(codes) => {
            crate::ssr::drafts::save(super::CODES_DRAFT, &codes).await?;
            leptos_axum::redirect("/two-factor/recovery-codes");
            Ok(())
        }
        Err(TwoFactorError::WrongCode) => {
            Err(invalid(vec![Problem::TotpWrong(Field::Code)], vec![]))
        }
        Err(TwoFactorError::NotSetUp) => {
            leptos_axum::redirect("/my-profile/two-factor");
            Ok(())
        }
        Err(e) => Err(internal(&e)),
    }
}

/// The recovery codes just made, shown once: read, then forgotten.
#[server(endpoint = "two_factor_shown_codes")]
pub async fn two_factor_shown_codes() -> Result<Vec<String>, AppError> {
    crate::ssr::require_user()?;
    let codes = crate::ssr::drafts::load::<Vec<String>>(super::CODES_DRAFT)
        .await?
        .unwrap_or_default();
    crate::ssr::drafts::forget(super::CODES_DRAFT).await?;
    Ok(codes)
}

/// Ten new recovery codes in place of the old.
#[server(endpoint = "two_factor_new_codes")]
pub async fn two_factor_new_codes() -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::internal, request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    match domain::features::two_factor::new_codes(&st.services(), &ctx, client_address().as_deref())
        .await
    {
        Ok(codes) => {
            crate::ssr::drafts::save(super::CODES_DRAFT, &codes).await?;
            leptos_axum::redirect("/two-factor/recovery-codes");
            Ok(())
        }
        Err(domain::features::two_factor::TwoFactorError::NotSetUp) => {
            leptos_axum::redirect("/my-profile/two-factor");
            Ok(())
        }
        Err(e) => Err(internal(&e)),
    }
}

/// Removes the person's own app and recovery codes.
#[server(endpoint = "two_factor_remove")]
pub async fn two_factor_remove() -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::internal, request::state, require_user};
    use domain::features::two_factor::TwoFactorError;
    let ctx = require_user()?;
    let st = state()?;
    match domain::features::two_factor::remove(&st.services(), &ctx, client_address().as_deref())
        .await
    {
        Ok(()) | Err(TwoFactorError::NotSetUp) => {
            leptos_axum::redirect("/my-profile/two-factor?removed");
            Ok(())
        }
        Err(e) => Err(internal(&e)),
    }
}

#[server(endpoint = "two_factor_prompt")]
pub async fn two_factor_prompt() -> Result<PromptView, AppError> {
    use crate::ssr::{request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    let s = domain::features::two_factor::status(&st.services(), ctx.user.id)
        .await
        .map_err(|e| crate::ssr::request::internal(&e))?;
    Ok(PromptView {
        step_up: ctx.gate.is_none(),
        app: s.app,
        passkeys: !s.passkeys.is_empty(),
        demo_secret: st.demo.then(|| super::DEMO_TOTP_SECRET.to_owned()),
    })
}

/// A code from the app, or a recovery code (`method=recovery`): after the password, it
/// finishes signing in; otherwise it confirms a dangerous action. Wrong codes count towards the
/// lock-out; the one that locks the account signs the session out.
#[server(endpoint = "two_factor_code")]
pub async fn two_factor_code(
    code: String,
    #[server(default)] method: Option<String>,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr::{request::invalid, request::state, require_user};
    use domain::features::two_factor::Purpose;
    use domain::model::second_factor::{Gate, Method};
    let ctx = require_user()?;
    let method = match method.as_deref() {
        Some("recovery") => Method::RecoveryCode,
        _ => Method::App,
    };
    let wrong = match method {
        Method::RecoveryCode => Problem::RecoveryCodeWrong(Field::Code),
        Method::App | Method::Passkey => Problem::TotpWrong(Field::Code),
    };
    if method == Method::App && domain::rules::totp::normalise_code(&code).is_none() {
        return Err(invalid(vec![Problem::TotpMissing(Field::Code)], vec![]));
    }
    if ctx.gate == Some(Gate::Enrol) {
        leptos_axum::redirect("/two-factor/set-up");
        return Ok(());
    }
    // Nothing to enter a code for: no attempt is counted.
    if !ctx.has_second_factor {
        leptos_axum::redirect("/my-profile/two-factor");
        return Ok(());
    }
    let purpose = match ctx.gate {
        Some(Gate::Code) => Purpose::SignIn,
        _ => Purpose::StepUp,
    };
    let st = state()?;
    let services = st.services();
    let who = crate::ssr::request::ClientInfo::of_request();
    let client = who.client();
    let agent = client.agent();
    let outcome = domain::features::two_factor::verify(
        &services,
        &ctx,
        &code,
        method,
        purpose,
        (client.address, agent),
    )
    .await;
    let to =
        after_second_factor(&st, &ctx, outcome, wrong, next.as_deref(), client.address).await?;
    leptos_axum::redirect(&to);
    Ok(())
}

/// Where a second factor's outcome sends the person: after the password, the session's new
/// cookie and where signing in lands; before a dangerous action, back to `next`; a wrong one,
/// `wrong` at its field; the one that locked the account, Sign in, signed out.
#[cfg(feature = "ssr")]
pub(crate) async fn after_second_factor(
    st: &crate::ssr::AppState,
    ctx: &domain::access::actor::RequestContext,
    outcome: Result<
        Option<domain::values::clock::SecretToken>,
        domain::features::two_factor::CodeError,
    >,
    wrong: Problem,
    next: Option<&str>,
    address: Option<&str>,
) -> Result<String, AppError> {
    use crate::ssr::{request::internal, request::invalid, set_session_cookie};
    use domain::features::two_factor::CodeError;
    let services = st.services();
    match outcome {
        Ok(Some(token)) => {
            set_session_cookie(&token, st.secure_cookies);
            let landing = domain::features::sign_in::landing_for(&services, &ctx.user)
                .await
                .map_err(|e| internal(&e))?;
            Ok(crate::features::sign_in::api::after_sign_in(landing, next))
        }
        Ok(None) => Ok(next
            .and_then(domain::model::session::return_path)
            .unwrap_or("/")
            .to_owned()),
        Err(CodeError::Wrong) => Err(invalid(vec![wrong], vec![])),
        Err(CodeError::Locked) => {
            domain::features::sign_in::sign_out(&services, ctx, address)
                .await
                .map_err(|e| internal(&e))?;
            crate::ssr::request::clear_session_cookie(st.secure_cookies);
            Ok("/sign-in?locked".into())
        }
        Err(CodeError::Store(e)) => Err(internal(&e)),
    }
}

/// The dangerous action waiting for its person to enter a code again: read, then forgotten
/// (the page shows it as a form to send).
#[server(endpoint = "two_factor_pending")]
pub async fn two_factor_pending() -> Result<Option<PendingAction>, AppError> {
    crate::ssr::require_user()?;
    let pending = crate::ssr::drafts::load::<PendingAction>(super::STEP_UP_DRAFT).await?;
    crate::ssr::drafts::forget(super::STEP_UP_DRAFT).await?;
    Ok(pending)
}
