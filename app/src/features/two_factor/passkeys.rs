//! Passkeys and security keys: the WebAuthn ceremonies (with `webauthn-rs` on the server and the
//! browser's own API in two small islands), adding, naming and removing a key, and using one after
//! the password or before a dangerous action. They need JavaScript (the browser's WebAuthn API);
//! without it the islands say so, and the authenticator app and recovery codes work fully.

use leptos::prelude::*;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{Field, Problem};

/// The drafts the ceremonies' server-side state waits in between their two steps.
#[cfg(feature = "ssr")]
const REGISTERING: &str = "passkey_registration";
#[cfg(feature = "ssr")]
const AUTHENTICATING: &str = "passkey_authentication";

/// The relying party: this service at its public address. A loopback address is served as
/// `localhost`: a WebAuthn relying party is a domain name, never an IP address.
#[cfg(feature = "ssr")]
fn relying_party(public_url: &str) -> Result<webauthn_rs::Webauthn, AppError> {
    use webauthn_rs::prelude::Url;
    let mut url =
        Url::parse(public_url).map_err(|e| crate::ssr::request::failed(&e.to_string()))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "[::1]" | "::1"));
    if loopback {
        let _ = url.set_host(Some("localhost"));
    }
    let id = url.host_str().unwrap_or("localhost").to_owned();
    webauthn_rs::WebauthnBuilder::new(&id, &url)
        .and_then(|b| b.rp_name("Gatehouse").build())
        .map_err(|e| crate::ssr::request::failed(&e.to_string()))
}

/// A stable, opaque handle for the person (WebAuthn's user id): not their email, not their row.
#[cfg(feature = "ssr")]
fn user_handle(user: domain::UserId) -> webauthn_rs::prelude::Uuid {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("gatehouse-webauthn-user:{}", user.0).as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    webauthn_rs::prelude::Uuid::from_bytes(bytes)
}

/// Step one of adding a passkey: the options for the browser (JSON), the ceremony's state kept
/// as this browser's draft.
#[server(endpoint = "two_factor_passkey_options")]
pub async fn two_factor_passkey_options() -> Result<String, AppError> {
    use crate::ssr::{request::failed, request::internal, request::state, require_user};
    let ctx = require_user()?;
    let st = state()?;
    let keys = domain::features::two_factor::status(&st.services(), ctx.user.id)
        .await
        .map_err(|e| internal(&e))?
        .passkeys;
    let exclude: Vec<webauthn_rs::prelude::CredentialID> = keys
        .iter()
        .filter_map(|k| serde_json::from_str::<webauthn_rs::prelude::Passkey>(&k.passkey).ok())
        .map(|p| p.cred_id().clone())
        .collect();
    let email = ctx.user.email.to_string();
    let name = format!("{} {}", ctx.user.first_name, ctx.user.last_name);
    let (options, registering) = relying_party(&st.public_url)?
        .start_passkey_registration(user_handle(ctx.user.id), &email, &name, Some(exclude))
        .map_err(|e| failed(&e.to_string()))?;
    crate::ssr::drafts::save(REGISTERING, &registering).await?;
    serde_json::to_string(&options).map_err(|e| failed(&e.to_string()))
}

/// Step two: the browser's answer checked against the kept state, and the key kept under its
/// name. Answers where to go next (the recovery codes when they were just made).
#[server(endpoint = "two_factor_passkey_add")]
pub async fn two_factor_passkey_add(name: String, credential: String) -> Result<String, AppError> {
    use crate::ssr::{
        request::client_address, request::internal, request::invalid, request::state, require_user,
    };
    use domain::features::two_factor::TwoFactorError;
    let ctx = require_user()?;
    if let Err(e) = domain::features::two_factor::passkey_name(&name) {
        let problem = match e {
            TwoFactorError::PasskeyNameTooLong => Problem::PasskeyNameTooLong(Field::Name),
            _ => Problem::PasskeyNameMissing(Field::Name),
        };
        return Err(invalid(vec![problem], vec![]));
    }
    let st = state()?;
    let registering =
        crate::ssr::drafts::load::<webauthn_rs::prelude::PasskeyRegistration>(REGISTERING).await?;
    crate::ssr::drafts::forget(REGISTERING).await?;
    let answer =
        serde_json::from_str::<webauthn_rs::prelude::RegisterPublicKeyCredential>(&credential);
    let key = match (registering, answer) {
        (Some(r), Ok(a)) => relying_party(&st.public_url)?
            .finish_passkey_registration(&a, &r)
            .ok(),
        _ => None,
    };
    let Some(key) = key else {
        return Err(invalid(vec![Problem::PasskeyNotMade(Field::Name)], vec![]));
    };
    let stored =
        serde_json::to_string(&key).map_err(|e| crate::ssr::request::failed(&e.to_string()))?;
    // The key's id as WebAuthn writes it (base64url).
    let credential_id = serde_json::to_value(key.cred_id())
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or_else(|| crate::ssr::request::failed("a passkey without an id"))?;
    match domain::features::two_factor::add_passkey(
        &st.services(),
        &ctx,
        &name,
        &credential_id,
        &stored,
        client_address().as_deref(),
    )
    .await
    {
        Ok(Some(codes)) => {
            crate::ssr::drafts::save(super::CODES_DRAFT, &codes).await?;
            Ok("/two-factor/recovery-codes".into())
        }
        Ok(None) => Ok("/my-profile/two-factor?added".into()),
        Err(TwoFactorError::PasskeyTaken) => {
            Err(invalid(vec![Problem::PasskeyTaken(Field::Name)], vec![]))
        }
        Err(e) => Err(internal(&e)),
    }
}

/// Removes one of the person's own passkeys.
#[server(endpoint = "two_factor_passkey_remove")]
pub async fn two_factor_passkey_remove(id: i64) -> Result<(), AppError> {
    use crate::ssr::{
        request::client_address, request::internal, request::not_found, request::state,
        require_user,
    };
    use domain::features::two_factor::TwoFactorError;
    let ctx = require_user()?;
    let st = state()?;
    match domain::features::two_factor::remove_passkey(
        &st.services(),
        &ctx,
        id,
        client_address().as_deref(),
    )
    .await
    {
        Ok(()) => {
            leptos_axum::redirect("/my-profile/two-factor?removed-key");
            Ok(())
        }
        Err(TwoFactorError::NotFound) => Err(not_found()),
        Err(e) => Err(internal(&e)),
    }
}

/// Step one of using a passkey: the challenge for the person's own keys (JSON).
#[server(endpoint = "two_factor_passkey_challenge")]
pub async fn two_factor_passkey_challenge() -> Result<String, AppError> {
    use crate::ssr::{
        request::failed, request::internal, request::not_found, request::state, require_user,
    };
    let ctx = require_user()?;
    let st = state()?;
    let keys: Vec<webauthn_rs::prelude::Passkey> =
        domain::features::two_factor::status(&st.services(), ctx.user.id)
            .await
            .map_err(|e| internal(&e))?
            .passkeys
            .iter()
            .filter_map(|k| serde_json::from_str(&k.passkey).ok())
            .collect();
    if keys.is_empty() {
        return Err(not_found());
    }
    let (challenge, authenticating) = relying_party(&st.public_url)?
        .start_passkey_authentication(&keys)
        .map_err(|e| failed(&e.to_string()))?;
    crate::ssr::drafts::save(AUTHENTICATING, &authenticating).await?;
    serde_json::to_string(&challenge).map_err(|e| failed(&e.to_string()))
}

/// Step two: the key's answer. After the password it finishes signing in; otherwise it confirms
/// a dangerous action. A failed answer counts towards the lock-out. Answers where to go next.
#[server(endpoint = "two_factor_passkey_use")]
pub async fn two_factor_passkey_use(
    credential: String,
    #[server(default)] next: Option<String>,
) -> Result<String, AppError> {
    use crate::ssr::{request::state, require_user};
    use domain::features::two_factor::Purpose;
    use domain::model::second_factor::Gate;
    let ctx = require_user()?;
    let purpose = match ctx.gate {
        Some(Gate::Code) => Purpose::SignIn,
        Some(Gate::Enrol) => return Ok("/two-factor/set-up".into()),
        None => Purpose::StepUp,
    };
    // Nothing to use: no attempt is counted.
    if !ctx.has_second_factor {
        return Ok("/my-profile/two-factor".into());
    }
    let st = state()?;
    let services = st.services();
    let authenticating =
        crate::ssr::drafts::load::<webauthn_rs::prelude::PasskeyAuthentication>(AUTHENTICATING)
            .await?;
    crate::ssr::drafts::forget(AUTHENTICATING).await?;
    let answer =
        serde_json::from_str::<webauthn_rs::prelude::PublicKeyCredential>(&credential).ok();
    let rp = relying_party(&st.public_url)?;
    let who = crate::ssr::request::ClientInfo::of_request();
    let client = who.client();
    let agent = client.agent();
    let verify = |keys: &[domain::storage::StoredPasskey]| {
        let (state, answer) = (authenticating?, answer?);
        let result = rp.finish_passkey_authentication(&answer, &state).ok()?;
        keys.iter().find_map(|k| {
            let mut key: webauthn_rs::prelude::Passkey = serde_json::from_str(&k.passkey).ok()?;
            if key.cred_id() != result.cred_id() {
                return None;
            }
            key.update_credential(&result);
            Some((k.credential_id.clone(), serde_json::to_string(&key).ok()?))
        })
    };
    let outcome = domain::features::two_factor::use_passkey(
        &services,
        &ctx,
        purpose,
        (client.address, agent),
        verify,
    )
    .await;
    super::api::after_second_factor(
        &st,
        &ctx,
        outcome,
        Problem::PasskeyRefused(Field::Code),
        next.as_deref(),
        client.address,
    )
    .await
}

/// My Profile → Two-factor authentication → Add a passkey: its name, then the browser's own
/// dialog. Without JavaScript the island's text says passkeys need it.
#[island]
pub fn AddPasskey() -> impl IntoView {
    let (error, set_error) = signal(None::<String>);
    let (name, set_name) = signal(String::new());
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(target_arch = "wasm32")]
        leptos::task::spawn_local(async move {
            match client::add(name.get_untracked()).await {
                Ok(to) => {
                    let _ = window().location().assign(&to);
                }
                Err(e) => set_error.set(Some(e)),
            }
        });
        #[cfg(not(target_arch = "wasm32"))]
        let _ = (name, set_error);
    };
    view! {
        <form class="gh-passkey" on:submit=add novalidate>
            <div class=move || if error.get().is_some() { "nhsuk-form-group nhsuk-form-group--error" } else { "nhsuk-form-group" }>
                <label class="nhsuk-label" for="passkey-name">"Name for the passkey"</label>
                <div class="nhsuk-hint" id="passkey-name-hint">"So you can tell your keys apart, for example: work laptop, or blue security key"</div>
                {move || error.get().map(|e| view! {
                    <span class="nhsuk-error-message" id="passkey-name-error" role="alert">
                        <span class="nhsuk-u-visually-hidden">"Error: "</span>{e}
                    </span>
                })}
                <input class="nhsuk-input" id="passkey-name" name="name" type="text" maxlength="60"
                    aria-describedby="passkey-name-hint"
                    on:input=move |ev| set_name.set(event_target_value(&ev)) disabled=move || !ready.get()/>
            </div>
            <p class="nhsuk-body gh-needs-js" hidden=move || ready.get()>"Adding a passkey needs JavaScript, which is off in this browser. The authenticator app works without it."</p>
            <button class="nhsuk-button nhsuk-button--secondary" type="submit" disabled=move || !ready.get()>"Add a passkey"</button>
        </form>
    }
}

/// "Use your passkey", after the password or before a dangerous action.
#[island]
pub fn UsePasskey(next: String) -> impl IntoView {
    let (error, set_error) = signal(None::<String>);
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    let go = move |_: leptos::ev::MouseEvent| {
        #[cfg(target_arch = "wasm32")]
        {
            let next = next.clone();
            leptos::task::spawn_local(async move {
                match client::authenticate(next).await {
                    Ok(to) => {
                        let _ = window().location().assign(&to);
                    }
                    Err(e) => set_error.set(Some(e)),
                }
            });
        }
        #[cfg(not(target_arch = "wasm32"))]
        let _ = (&next, set_error);
    };
    view! {
        <div class="gh-passkey">
            {move || error.get().map(|e| view! {
                <div class="nhsuk-error-summary" role="alert" tabindex="-1">
                    <h2 class="nhsuk-error-summary__title">"There is a problem"</h2>
                    <div class="nhsuk-error-summary__body"><p>{e}</p></div>
                </div>
            })}
            <p class="nhsuk-body gh-needs-js" hidden=move || ready.get()>"Using a passkey needs JavaScript, which is off in this browser. Use your authenticator app or a recovery code."</p>
            <button class="nhsuk-button nhsuk-button--secondary" type="button" on:click=go disabled=move || !ready.get()>"Use your passkey"</button>
        </div>
    }
}

/// The browser half. The WebAuthn JSON the server writes goes to the browser's own parsers
/// (`PublicKeyCredential.parseCreationOptionsFromJSON`, `parseRequestOptionsFromJSON`) and the
/// key's answer comes back through its own `toJSON()`: no WebAuthn types or base64 code in the
/// WebAssembly. A browser without them (older than 2024) is told to use the app instead.
#[cfg(target_arch = "wasm32")]
mod client {
    use js_sys::{Function, Object, Reflect, JSON};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use super::*;
    use crate::error::{Field, Problem};

    /// What an island says when the browser or the key said no.
    fn refusal(e: &AppError) -> String {
        e.problems()
            .first()
            .map(|p| p.message().to_owned())
            .unwrap_or_else(|| {
                "Your passkey could not be used. Try again, or use your authenticator app or a recovery code."
                    .to_owned()
            })
    }

    fn failed() -> String {
        "Your browser or key did not finish. Try again, or use your authenticator app or a recovery code."
            .to_owned()
    }

    fn unsupported() -> String {
        "This browser cannot use passkeys with Gatehouse. Use your authenticator app or a recovery code, or a newer browser."
            .to_owned()
    }

    /// `PublicKeyCredential[parser](json.publicKey)`, as the options `navigator.credentials`
    /// takes: `{ publicKey: ... }`.
    fn options(json: &str, parser: &str) -> Result<JsValue, String> {
        let parsed = JSON::parse(json).map_err(|_| failed())?;
        let public_key = Reflect::get(&parsed, &"publicKey".into()).map_err(|_| failed())?;
        let class =
            Reflect::get(&window(), &"PublicKeyCredential".into()).map_err(|_| unsupported())?;
        let parse: Function = Reflect::get(&class, &parser.into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(unsupported)?;
        let public_key = parse.call1(&class, &public_key).map_err(|_| failed())?;
        let options = Object::new();
        Reflect::set(&options, &"publicKey".into(), &public_key).map_err(|_| failed())?;
        Ok(options.into())
    }

    /// The key's answer as WebAuthn JSON, from its own `toJSON()`.
    fn answer(credential: &JsValue) -> Result<String, String> {
        let to_json: Function = Reflect::get(credential, &"toJSON".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(unsupported)?;
        let json = to_json.call0(credential).map_err(|_| failed())?;
        JSON::stringify(&json)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(failed)
    }

    /// Adds a passkey named `name`: answers where to go next, or what went wrong.
    pub async fn add(name: String) -> Result<String, String> {
        if name.trim().is_empty() {
            return Err(Problem::PasskeyNameMissing(Field::Name)
                .message()
                .to_owned());
        }
        let json = two_factor_passkey_options()
            .await
            .map_err(|e| refusal(&e))?;
        let options = options(&json, "parseCreationOptionsFromJSON")?;
        let promise = window()
            .navigator()
            .credentials()
            .create_with_options(options.unchecked_ref())
            .map_err(|_| failed())?;
        let made = JsFuture::from(promise).await.map_err(|_| failed())?;
        two_factor_passkey_add(name, answer(&made)?)
            .await
            .map_err(|e| refusal(&e))
    }

    /// Uses one of the person's passkeys: answers where to go next, or what went wrong.
    pub async fn authenticate(next: String) -> Result<String, String> {
        let json = two_factor_passkey_challenge()
            .await
            .map_err(|e| refusal(&e))?;
        let options = options(&json, "parseRequestOptionsFromJSON")?;
        let promise = window()
            .navigator()
            .credentials()
            .get_with_options(options.unchecked_ref())
            .map_err(|_| failed())?;
        let used = JsFuture::from(promise).await.map_err(|_| failed())?;
        let next = (!next.is_empty()).then_some(next);
        two_factor_passkey_use(answer(&used)?, next)
            .await
            .map_err(|e| refusal(&e))
    }
}
