//! The invitation's link: opening it, and accepting as a new person or by signing in.

use super::*;

/// What the invitation link offers.
#[server(endpoint = "invitation_link")]
pub async fn invitation_link(token: String) -> Result<LinkOffer, AppError> {
    use crate::ssr::request::state;
    let st = state()?;
    Ok(
        match domain::features::invitations::link(&st.services(), &token).await {
            Ok(s) if s.valid && s.has_password => LinkOffer::Existing {
                email: s.email.as_str().to_owned(),
                org_name: format!("{} ({})", s.organisation.name, s.organisation.code),
                role_name: s.role_name,
            },
            Ok(s) if s.valid => LinkOffer::New {
                email: s.email.as_str().to_owned(),
                first_name: s.first_name,
                last_name: s.last_name,
                org_name: format!("{} ({})", s.organisation.name, s.organisation.code),
                role_name: s.role_name,
            },
            Ok(_) | Err(domain::features::invitations::InviteError::LinkNotValid) => {
                LinkOffer::NotValid
            }
            Err(e) => return Err(invite_error(e, vec![])),
        },
    )
}

/// A new person accepts: names and password; then Sign in.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    first_name: String,
    last_name: String,
    password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::state};
    let echo = vec![
        (Field::FirstName, short(&first_name)),
        (Field::LastName, short(&last_name)),
    ];
    let mut problems = Vec::new();
    let first = domain::PersonName::parse(&first_name)
        .map_err(|e| problems.push(Problem::from_name(Field::FirstName, e)))
        .ok();
    let last = domain::PersonName::parse(&last_name)
        .map_err(|e| problems.push(Problem::from_name(Field::LastName, e)))
        .ok();
    let parsed = crate::ssr::request::new_password(&password, &confirm_password)
        .map_err(|p| problems.extend(p))
        .ok();
    let (Some(first), Some(last), Some(new_password), true) =
        (first, last, parsed, problems.is_empty())
    else {
        return Err(invalid(problems, echo));
    };
    let st = state()?;
    domain::features::invitations::accept_new(
        &st.services(),
        &token,
        &first,
        &last,
        &new_password,
        client_address().as_deref(),
    )
    .await
    .map_err(|e| invite_error(e, echo))?;
    leptos_axum::redirect("/sign-in?activated=1");
    Ok(())
}

/// An existing user accepts by signing in through the link; the role is added and they are
/// signed in (choosing an account when they now hold several).
#[server(endpoint = "accept_invitation_signed")]
pub async fn accept_invitation_signed(token: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{
        current, request::client_address, request::internal, request::state, set_session_cookie,
    };
    let Ok(pw) = domain::Password::parse(&password) else {
        return Err(invalid(
            vec![Problem::PasswordEmpty(Field::Password)],
            vec![],
        ));
    };
    let st = state()?;
    let origin = client_address();
    let email = domain::features::invitations::accept_existing(
        &st.services(),
        &token,
        &pw,
        origin.as_deref(),
    )
    .await
    .map_err(|e| invite_error(e, vec![]))?;
    let previous = current().map(|c| c.session.clone());
    let who = crate::ssr::request::ClientInfo::of_request();
    let signed_in = domain::features::sign_in::sign_in(
        &st.services(),
        previous.as_ref(),
        &email,
        &pw,
        who.client(),
    )
    .await
    .map_err(|e| match e {
        domain::features::sign_in::SignInError::Store(e) => internal(&e),
        domain::features::sign_in::SignInError::NotRecognised => {
            invalid(vec![Problem::NotRecognised(Field::Password)], vec![])
        }
        domain::features::sign_in::SignInError::Disabled => {
            invalid(vec![Problem::AccountDisabled(Field::Password)], vec![])
        }
    })?;
    set_session_cookie(&signed_in.token, st.secure_cookies);
    leptos_axum::redirect(signed_in.landing.path());
    Ok(())
}
