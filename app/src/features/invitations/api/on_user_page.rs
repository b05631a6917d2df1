//! The invitations on a user's page: those still waiting, resent or withdrawn by an administrator.

use super::*;

/// The user's invitations still waiting, in the viewer's scope.
#[server(endpoint = "user_invitations")]
pub async fn user_invitations(user: i64) -> Result<Vec<InvitationRow>, AppError> {
    use crate::ssr::{request::state, require_actor};
    let (_, actor) = require_actor()?;
    let st = state()?;
    let list =
        domain::features::invitations::pending_of(&st.services(), &actor, domain::UserId(user))
            .await
            .map_err(|e| invite_error(e, vec![]))?;
    Ok(list
        .into_iter()
        .map(|i| InvitationRow {
            id: i.id,
            organisation: format!("{} ({})", i.organisation.name, i.organisation.code),
            role_name: i.role_name,
            sent: crate::ssr::uk_time::date(i.created_at),
            expires: crate::ssr::uk_time::date(i.expires_at),
        })
        .collect())
}

/// Resend (a new link replaces the old) or Withdraw, after Confirm.
#[server(endpoint = "change_invitation")]
pub async fn change_invitation(user: i64, invitation: i64, change: String) -> Result<(), AppError> {
    use crate::ssr::{request::client_address, request::state, require_actor};
    let (ctx, actor) = require_actor()?;
    let st = state()?;
    let c = st.services();
    let origin = client_address();
    let id = domain::UserId(user);
    let done = match change.as_str() {
        "resend" => domain::features::invitations::resend(
            &c,
            &actor,
            &inviter_name(&ctx),
            id,
            invitation,
            &crate::ssr::uk_time::last_day_words,
            origin.as_deref(),
        )
        .await
        .map(|_| "invite-resent"),
        "withdraw" => {
            domain::features::invitations::withdraw(&c, &actor, id, invitation, origin.as_deref())
                .await
                .map(|_| "invite-withdrawn")
        }
        _ => return Err(crate::ssr::request::not_found()),
    }
    .map_err(|e| invite_error(e, vec![]))?;
    leptos_axum::redirect(&format!("/users/{user}?done={done}"));
    Ok(())
}
