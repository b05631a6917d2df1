use domain::storage::{StoreError, Taken};

/// Unique constraints become `Conflict` with what was taken (the domain turns it into a field
/// error); everything else is a backend failure whose cause is logged, never shown.
pub(crate) fn map(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(taken(db.constraint(), db.message()))
        }
        _ => StoreError::Backend(Box::new(e)),
    }
}

/// What a unique violation means, from the constraint's name (PostgreSQL: `users_email_key`) or,
/// where the backend names none, its message (SQLite: "UNIQUE constraint failed: users.email").
/// Where a query knows better (a racing twin of a request, say), it says so itself.
fn taken(constraint: Option<&str>, message: &str) -> Taken {
    let said = constraint.unwrap_or(message);
    let on = |table: &str, column: &str| {
        said.contains(&format!("{table}.{column}")) || said.contains(&format!("{table}_{column}"))
    };
    if on("users", "email") {
        Taken::Account
    } else if said.contains("clusters_live_name") || on("clusters", "organisation_id") {
        Taken::ClusterName
    } else if on("organisations", "code") {
        Taken::OrganisationCode
    } else if said.contains("one_open_request") {
        Taken::Request
    } else if said.contains("one_registration") {
        Taken::Registration
    } else {
        Taken::Other
    }
}

pub(crate) fn corrupt(what: &str) -> StoreError {
    StoreError::Backend(format!("unexpected value in column {what}").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_names_and_sqlite_messages_become_meanings() {
        assert_eq!(taken(Some("users_email_key"), ""), Taken::Account);
        assert_eq!(
            taken(None, "UNIQUE constraint failed: users.email"),
            Taken::Account
        );
        assert_eq!(
            taken(Some("organisations_code_key"), ""),
            Taken::OrganisationCode
        );
        assert_eq!(taken(Some("clusters_live_name"), ""), Taken::ClusterName);
        assert_eq!(
            taken(Some("role_assignments_one_open_request"), ""),
            Taken::Request
        );
        assert_eq!(taken(Some("sessions_pkey"), ""), Taken::Other);
    }
}
