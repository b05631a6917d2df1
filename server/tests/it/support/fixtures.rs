//! Named builders for what a test needs beyond the demo data: people, organisations, roles held
//! or waited for, invitations, and the states an account can be in. Tests say what they make
//! ("a pending registration at Hillside") and get its id back, instead of writing SQL with ids
//! picked by hand. The rows are those the product writes; ids are the database's own.

use super::{demo_email, TestApp};

/// How an assignment came about, as the product records it.
#[derive(Clone, Copy)]
pub enum Origin {
    Admin,
    Registration,
    Request,
    Invitation,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Admin => "admin",
            Origin::Registration => "registration",
            Origin::Request => "request",
            Origin::Invitation => "invitation",
        }
    }
}

/// Quotes a text for SQL.
fn text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl TestApp {
    /// The id of a demo user, by the local part of their address (`account.admin`).
    pub async fn demo_user(&self, local: &str) -> i64 {
        self.user_by_email(&demo_email(local)).await
    }

    pub async fn user_by_email(&self, email: &str) -> i64 {
        self.scalar(&format!(
            "SELECT id FROM users WHERE email = {}",
            text(email)
        ))
        .await
    }

    /// The id of an organisation by its ODS code.
    pub async fn organisation(&self, code: &str) -> i64 {
        self.scalar(&format!(
            "SELECT id FROM organisations WHERE code = {}",
            text(code)
        ))
        .await
    }

    /// The id of a role of the catalogue by its name.
    pub async fn role(&self, name: &str) -> i64 {
        self.scalar(&format!("SELECT id FROM roles WHERE name = {}", text(name)))
            .await
    }

    /// A person with no role, whose account is `status` (`pending`, `active` or `disabled`).
    pub async fn add_person(&self, email: &str, first: &str, last: &str, status: &str) -> i64 {
        self.scalar(&format!(
            "INSERT INTO users (email, first_name, last_name, status, created_at) \
             VALUES ({}, {}, {}, {}, 1) RETURNING id",
            text(email),
            text(first),
            text(last),
            text(status)
        ))
        .await
    }

    /// A person who signs in with the demo password, active, with no role yet.
    pub async fn add_signing_in_person(&self, email: &str, first: &str, last: &str) -> i64 {
        self.scalar(&format!(
            "INSERT INTO users (email, first_name, last_name, status, password_hash, created_at) \
             SELECT {}, {}, {}, 'active', password_hash, 0 FROM users WHERE email = {} \
             RETURNING id",
            text(email),
            text(first),
            text(last),
            text(&demo_email("account.admin"))
        ))
        .await
    }

    /// `role` for `user` at `org`, in `status` (`active`, `pending` or `revoked`).
    pub async fn add_assignment(
        &self,
        user: i64,
        org: i64,
        role: i64,
        status: &str,
        origin: Origin,
        reason: Option<&str>,
    ) -> i64 {
        self.scalar(&format!(
            "INSERT INTO role_assignments \
             (user_id, organisation_id, role_id, status, created_at, origin, role_reason) \
             VALUES ({user}, {org}, {role}, {}, 1, {}, {}) RETURNING id",
            text(status),
            text(origin.as_str()),
            reason.map_or("NULL".into(), text)
        ))
        .await
    }

    /// An invitation to `assignment` (a pending one), sent by `by`, that has not expired. Its
    /// token is not a real one: nobody can open it by link.
    pub async fn add_invitation(&self, user: i64, assignment: i64, by: i64, token: &str) -> i64 {
        self.scalar(&format!(
            "INSERT INTO invitations \
             (token_hash, user_id, assignment_id, invited_by, created_at, expires_at) \
             VALUES ({}, {user}, {assignment}, {by}, 1, 4000000000) RETURNING id",
            text(token)
        ))
        .await
    }

    /// An organisation below `parent` (its path follows the parent's).
    pub async fn add_organisation(
        &self,
        code: &str,
        name: &str,
        kind: &str,
        type_label: &str,
        parent: i64,
    ) -> i64 {
        let id = self
            .scalar(&format!(
                "INSERT INTO organisations (code, name, kind, type_label, parent_id, path, start_date) \
                 SELECT {}, {}, {}, {}, id, path, '2022-07-01' FROM organisations WHERE id = {parent} \
                 RETURNING id",
                text(code),
                text(name),
                text(kind),
                text(type_label)
            ))
            .await;
        self.sql(&format!(
            "UPDATE organisations SET path = path || '{id}/' WHERE id = {id}"
        ))
        .await;
        id
    }

    /// Disables an account, as the Disable page would (without its audit event).
    pub async fn set_account_status(&self, user: i64, status: &str) {
        self.sql(&format!(
            "UPDATE users SET status = {} WHERE id = {user}",
            text(status)
        ))
        .await;
    }

    /// Locks an account, as five wrong passwords would.
    pub async fn lock_account(&self, user: i64) {
        self.sql(&format!(
            "UPDATE users SET locked_at = 1, failed_sign_ins = 5 WHERE id = {user}"
        ))
        .await;
    }
}
