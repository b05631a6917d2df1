use domain::storage::StoreError;

/// Unique constraints become `Conflict` (the domain turns them into field errors); everything
/// else is a backend failure whose cause is logged, never shown.
pub(crate) fn map(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(db.constraint().unwrap_or("unique").to_owned())
        }
        _ => StoreError::Backend(Box::new(e)),
    }
}

pub(crate) fn corrupt(what: &str) -> StoreError {
    StoreError::Backend(format!("unexpected value in column {what}").into())
}
