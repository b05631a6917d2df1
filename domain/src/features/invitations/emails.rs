//! The emails an invitation sends: the invitation itself, and the notes to an account the
//! inviter could not see or that is disabled.

use super::*;

/// The invitation email; `link` is the real link when sending, a placeholder in the preview.
pub fn email(c: &Checked, inviter: &str, link: &str) -> NewEmail {
    let action = if c.invitee.existing.is_some() {
        "Open this secure link and sign in to add the role to your account"
    } else {
        "Open this secure link to set your password and start using Gatehouse"
    };
    NewEmail {
        to: c.invitee.email.clone(),
        subject: "Gatehouse: you have been invited".into(),
        body: format!(
            "Dear {},\n\n{} has invited you to Gatehouse as {} at {} ({}).\n\n\
             {}{action}. It works once and expires in 7 days:\n{link}\n\n\
             If you were not expecting this, you can ignore this email.\n",
            crate::model::outbox::quoted(&c.first_name),
            crate::model::outbox::quoted(inviter),
            c.role.name,
            c.organisation.name,
            c.organisation.code.as_str(),
            temporary(c),
        ),
    }
}

/// The email for an account that the inviter could not see, found at Send: it greets nobody by
/// the names the inviter typed, and asks the owner to sign in.
pub fn email_to_unseen_account(c: &Checked, inviter: &str, link: &str) -> NewEmail {
    NewEmail {
        to: c.invitee.email.clone(),
        subject: "Gatehouse: you have been invited".into(),
        body: format!(
            "Hello,\n\n{} has invited you to Gatehouse as {} at {} ({}).\n\n\
             {}You already have a Gatehouse account. Open this secure link to add the role to it: \
             you will be asked to sign in, or to set your password if you have not set one yet. \
             It works once and expires in 7 days:\n{link}\n\n\
             If you were not expecting this, you can ignore this email.\n",
            crate::model::outbox::quoted(inviter),
            c.role.name,
            c.organisation.name,
            c.organisation.code.as_str(),
            temporary(c),
        ),
    }
}

/// The paragraph that says a temporary role's last day, or nothing.
fn temporary(c: &Checked) -> String {
    c.ends
        .as_ref()
        .map(|(_, day)| format!("This access is temporary: it ends after {day}.\n\n"))
        .unwrap_or_default()
}

/// The email for a disabled account found at Send: no invitation is made, and its owner is told.
pub fn email_to_disabled_account(c: &Checked, inviter: &str) -> NewEmail {
    NewEmail {
        to: c.invitee.email.clone(),
        subject: "Gatehouse: an invitation could not be made".into(),
        body: format!(
            "Hello,\n\n{} tried to invite you to Gatehouse as {} at {} ({}), but your \
             account is disabled, so no invitation was made.\n\n\
             If you need access, contact the Service Desk and ask for your account to be \
             enabled.\n",
            crate::model::outbox::quoted(inviter),
            c.role.name,
            c.organisation.name,
            c.organisation.code.as_str(),
        ),
    }
}
