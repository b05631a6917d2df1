//! The claims service: an example web service that signs its users in through Gatehouse with
//! OpenID Connect, shows the one role each acts as, asks Gatehouse on every page whether that
//! sign-in is still good (introspection), and ends sessions when Gatehouse says so (back-channel
//! logout). Sessions live in memory: an example, not a production service.

mod gatehouse;
mod pages;

use std::collections::HashMap;
use std::error::Error;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use openidconnect::{ClientId, ClientSecret, CsrfToken, IssuerUrl};
use serde::Deserialize;

use gatehouse::{Gatehouse, Pending, SignedIn};
use pages::problem;

const COOKIE: &str = "claims_session";

#[derive(Default)]
struct Session {
    pending: Option<Pending>,
    signed_in: Option<SignedIn>,
    /// Gatehouse ended the sign-in (back-channel logout): said once, on the next page.
    ended: bool,
}

struct App {
    gatehouse: Gatehouse,
    sessions: Mutex<HashMap<String, Session>>,
}

impl App {
    fn sessions(&self) -> MutexGuard<'_, HashMap<String, Session>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

type Shared = Arc<App>;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// A failure at start-up, said with its causes; then exit.
fn fail(what: &str, error: &dyn Error) -> ! {
    eprintln!("claims-service: {what}: {}", gatehouse::chain(error));
    std::process::exit(1)
}

#[tokio::main]
async fn main() {
    let issuer = env_or("GATEHOUSE_ISSUER", "http://127.0.0.1:3000");
    let issuer = IssuerUrl::new(issuer).unwrap_or_else(|e| fail("GATEHOUSE_ISSUER", &e));
    let client_id = ClientId::new(env_or("CLIENT_ID", "claims-service"));
    let demo_secret = "claims-service-demo-secret-not-for-real-use";
    let client_secret = ClientSecret::new(env_or("CLIENT_SECRET", demo_secret));
    let service_url = env_or("SERVICE_URL", "http://localhost:4000");
    let service_url = service_url.trim_end_matches('/');
    // Gatehouse may still be starting (the browser tests start both at once): a minute's grace.
    let mut tries = 0;
    let gatehouse = loop {
        match Gatehouse::discover(
            issuer.clone(),
            client_id.clone(),
            client_secret.clone(),
            service_url,
        )
        .await
        {
            Ok(g) => break g,
            Err(e) if tries >= 60 => fail("reaching Gatehouse", &*e),
            Err(_) => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    };

    let app = Arc::new(App {
        gatehouse,
        sessions: Mutex::new(HashMap::new()),
    });
    let router = Router::new()
        .route("/", get(home))
        .route("/login", get(login))
        .route("/callback", get(callback))
        .route("/logout", get(logout))
        .route("/backchannel-logout", post(backchannel_logout))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:4000")
        .await
        .unwrap_or_else(|e| fail("listening on 127.0.0.1:4000", &e));
    println!("claims-service: open {service_url}");
    axum::serve(listener, router)
        .await
        .unwrap_or_else(|e| fail("serving", &e));
}

fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .map(str::to_owned)
}

/// `GET /`: the role, once Gatehouse has said the sign-in is still good.
async fn home(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let id = session_id(&headers);
    let signed_in = match id.as_deref() {
        None => None,
        Some(id) => {
            let mut sessions = app.sessions();
            if sessions.get(id).is_some_and(|s| s.ended) {
                sessions.remove(id);
                return pages::signed_out();
            }
            sessions.get(id).and_then(|s| s.signed_in.clone())
        }
    };
    let Some(signed_in) = signed_in else {
        return pages::not_signed_in();
    };
    // An expired access token says nothing either way: sign in again, which happens at once
    // while the Gatehouse session lasts.
    if Instant::now() >= signed_in.expires_at {
        return Redirect::to("/login").into_response();
    }
    match app.gatehouse.is_active(&signed_in.access_token).await {
        Ok(true) => pages::role(&signed_in),
        Ok(false) => {
            if let Some(id) = id.as_deref() {
                app.sessions().remove(id);
            }
            pages::signed_out()
        }
        Err(e) => {
            eprintln!("claims-service: introspection failed: {e}");
            let text = "Gatehouse could not be asked whether you are still signed in. Try again.";
            problem(StatusCode::BAD_GATEWAY, text)
        }
    }
}

#[derive(Deserialize)]
struct LoginQuery {
    switch: Option<String>,
}

/// `GET /login` (`?switch=1` to choose another role): off to Gatehouse, with what its answer
/// must match kept in the session.
async fn login(
    State(app): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    let (url, pending) = app.gatehouse.authorize(q.switch.as_deref() == Some("1"));
    let id = {
        let mut sessions = app.sessions();
        let id = session_id(&headers)
            .filter(|id| sessions.contains_key(id))
            .unwrap_or_else(|| CsrfToken::new_random_len(32).into_secret());
        sessions.entry(id.clone()).or_default().pending = Some(pending);
        id
    };
    let cookie = format!("{COOKIE}={id}; HttpOnly; SameSite=Lax; Path=/");
    ([(header::SET_COOKIE, cookie)], Redirect::to(&url)).into_response()
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
}

/// `GET /callback`: Gatehouse's answer, checked against the session, its code exchanged.
async fn callback(
    State(app): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let started = session_id(&headers).and_then(|id| {
        let pending = app.sessions().get_mut(&id)?.pending.take()?;
        Some((id, pending))
    });
    let Some((id, pending)) = started else {
        let text = "This sign-in was not started here, or has already finished.";
        return problem(StatusCode::BAD_REQUEST, text);
    };
    if q.state.as_deref() != Some(pending.state.secret().as_str()) {
        return problem(
            StatusCode::BAD_REQUEST,
            "The answer is not for this sign-in.",
        );
    }
    let issuer = app.gatehouse.issuer.as_str();
    if q.iss.as_deref().is_some_and(|iss| iss != issuer) {
        return problem(StatusCode::BAD_REQUEST, "The answer is not from Gatehouse.");
    }
    if let Some(error) = q.error {
        let text = format!("Gatehouse did not sign you in ({error}).");
        return problem(StatusCode::FORBIDDEN, &text);
    }
    let Some(code) = q.code else {
        return problem(StatusCode::BAD_REQUEST, "Gatehouse sent no code.");
    };
    match app.gatehouse.sign_in(pending, code).await {
        Ok(signed_in) => {
            let mut sessions = app.sessions();
            let session = sessions.entry(id).or_default();
            session.signed_in = Some(signed_in);
            session.ended = false;
            Redirect::to("/").into_response()
        }
        Err(why) => {
            eprintln!("claims-service: sign-in failed: {why}");
            problem(
                StatusCode::BAD_GATEWAY,
                &format!("Signing in failed: {why}"),
            )
        }
    }
}

/// `GET /logout`: forgotten here, then signed out at Gatehouse, which sends the browser back.
async fn logout(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let ended = session_id(&headers).and_then(|id| app.sessions().remove(&id));
    let to = match ended.and_then(|s| s.signed_in) {
        Some(s) => app.gatehouse.end_session_url(&s.id_token),
        None => "/".to_owned(),
    };
    let cookie = format!("{COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
    ([(header::SET_COOKIE, cookie)], Redirect::to(&to)).into_response()
}

#[derive(Deserialize)]
struct LogoutForm {
    logout_token: String,
}

/// `POST /backchannel-logout`: Gatehouse ending a sign-in; each session of it ends here.
async fn backchannel_logout(
    State(app): State<Shared>,
    form: Result<Form<LogoutForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let (sid, sub) = match app.gatehouse.check_logout_token(&form.logout_token).await {
        Ok(ends) => ends,
        Err(why) => {
            eprintln!("claims-service: a logout token was refused: {why}");
            return StatusCode::BAD_REQUEST.into_response();
        }
    };
    for session in app.sessions().values_mut() {
        // Gatehouse always names the sign-in (`sid`); a token naming only `sub` ends them all.
        let hit = session.signed_in.as_ref().is_some_and(|s| match &sid {
            Some(sid) => s.sid.as_ref() == Some(sid),
            None => s.sub == sub,
        });
        if hit {
            session.signed_in = None;
            session.ended = true;
        }
    }
    ([(header::CACHE_CONTROL, "no-store")], StatusCode::OK).into_response()
}
