// In-app notifications and the email setting. Included once per backend by `backends.rs`.

/// Writes one in-app notice, about nothing to review, inside the caller's transaction.
async fn insert_notice<'e, E>(ex: E, user: UserId, body: &str, at: Timestamp) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    sqlx::query("INSERT INTO notifications (user_id, body, assignment_id, created_at) VALUES ($1, $2, NULL, $3)")
        .bind(user.0)
        .bind(body)
        .bind(at.0)
        .execute(ex)
        .await
        .map_err(map)?;
    Ok(())
}

impl domain::storage::Notifications for crate::Backend<Db> {
    async fn notifications(&self, user: UserId, limit: i64) -> StoreResult<Vec<Notification>> {
        let sql = format!(
            "SELECT n.id, n.body, n.assignment_id, n.created_at, n.read_at, \
                    CASE WHEN a.origin = 'request' THEN a.user_id END AS request_of \
             FROM notifications n LEFT JOIN role_assignments a ON a.id = n.assignment_id \
             WHERE n.user_id = $1 ORDER BY n.created_at DESC, n.id DESC LIMIT {}",
            row_count(limit)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user.0)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        rows.iter()
            .map(|r| {
                Ok(Notification {
                    id: r.try_get("id").map_err(map)?,
                    body: r.try_get("body").map_err(map)?,
                    regarding: r.try_get::<Option<i64>, _>("assignment_id").map_err(map)?.map(AssignmentId),
                    request_of: r.try_get::<Option<i64>, _>("request_of").map_err(map)?.map(UserId),
                    created_at: Timestamp(r.try_get("created_at").map_err(map)?),
                    read: r.try_get::<Option<i64>, _>("read_at").map_err(map)?.is_some(),
                })
            })
            .collect()
    }

    async fn unread_notifications(&self, user: UserId) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user.0)
            .fetch_one(&self.pool)
            .await
            .map_err(map)?;
        row.try_get("n").map_err(map)
    }

    async fn mark_notifications_read(&self, user: UserId, at: Timestamp) -> StoreResult<()> {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(at.0)
            .bind(user.0)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    async fn notify_by_email(&self, user: UserId) -> StoreResult<bool> {
        let row = sqlx::query("SELECT notify_by_email FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?
            .ok_or_else(|| StoreError::Missing(Gone::User))?;
        row.try_get("notify_by_email").map_err(map)
    }

    async fn set_notify_by_email(&self, user: UserId, on: bool) -> StoreResult<()> {
        sqlx::query("UPDATE users SET notify_by_email = $1 WHERE id = $2")
            .bind(on)
            .bind(user.0)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::Notifications {
        fn notifications(&self, user: UserId, limit: i64) -> Vec<Notification>;
        fn unread_notifications(&self, user: UserId) -> i64;
        fn mark_notifications_read(&self, user: UserId, at: Timestamp) -> ();
        fn notify_by_email(&self, user: UserId) -> bool;
        fn set_notify_by_email(&self, user: UserId, on: bool) -> ();
    });
}
