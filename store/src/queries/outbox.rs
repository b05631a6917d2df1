// The email outbox. Included once per backend by `backends.rs`, with `Db` set.
//
// A claim is one statement, so no two workers ever hold the same row: PostgreSQL's subquery locks
// the rows it picks and skips those another claimer holds (`claim_lock!`); SQLite serialises
// writers and runs a single instance anyway.

/// Writes emails into the outbox inside the caller's transaction.
async fn queue_emails_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    emails: &[NewEmail],
    at: Timestamp,
) -> StoreResult<()> {
    for e in emails {
        sqlx::query(
            "INSERT INTO outbox (recipient, subject, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(e.to.as_str())
        .bind(&e.subject)
        .bind(&e.body)
        .bind(at.0)
        .execute(&mut **tx)
        .await
        .map_err(map)?;
    }
    Ok(())
}

/// The longest error kept per row: enough for an SMTP reply, not a whole transcript.
const LAST_ERROR_CHARS: usize = 500;

fn outbox_row(r: &DbRow) -> StoreResult<OutboxEmail> {
    Ok(OutboxEmail {
        id: r.try_get("id").map_err(map)?,
        to: r.try_get("recipient").map_err(map)?,
        subject: r.try_get("subject").map_err(map)?,
        body: r.try_get("body").map_err(map)?,
        created_at: Timestamp(r.try_get("created_at").map_err(map)?),
        attempts: r.try_get("attempts").map_err(map)?,
        sent_at: r
            .try_get::<Option<i64>, _>("sent_at")
            .map_err(map)?
            .map(Timestamp),
        last_error: r.try_get("last_error").map_err(map)?,
    })
}

impl domain::storage::Outbox for crate::Backend<Db> {
    #[tracing::instrument(skip_all)]
    async fn claim_emails(&self, now: Timestamp, limit: i64) -> StoreResult<Vec<OutboxEmail>> {
        let rows = sqlx::query(concat!(
            "UPDATE outbox SET claimed_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox \
                 WHERE sent_at IS NULL AND next_attempt_at <= $1 \
                   AND (claimed_until IS NULL OR claimed_until < $1) \
                 ORDER BY id LIMIT $3",
            claim_lock!(),
            ") RETURNING id, recipient, subject, body, created_at, \
               CAST(attempts AS BIGINT) AS attempts, sent_at, last_error",
        ))
        .bind(now.0)
        .bind(now.plus_seconds(domain::model::outbox::CLAIM_LEASE_SECONDS).0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        let mut claimed = rows
            .iter()
            .map(outbox_row)
            .collect::<StoreResult<Vec<_>>>()?;
        // RETURNING promises no order; oldest first keeps sending fair.
        claimed.sort_by_key(|e| e.id);
        Ok(claimed)
    }

    #[tracing::instrument(skip_all)]
    async fn mark_sent(&self, id: i64, at: Timestamp) -> StoreResult<()> {
        sqlx::query(
            // The last error stays: the operator's page shows why a sent email took several tries.
            // The body goes once sent: it may hold a single-use link, which is kept in clear
            // only for as long as it must be.
            "UPDATE outbox SET sent_at = COALESCE(sent_at, $2), claimed_until = NULL, body = '' WHERE id = $1",
        )
        .bind(id)
        .bind(at.0)
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn mark_failed(&self, id: i64, now: Timestamp, error: &str) -> StoreResult<()> {
        let error: String = error.chars().take(LAST_ERROR_CHARS).collect();
        // It reads, then writes: on SQLite the write lock is taken first, or a writer committing
        // in between (an email queued meanwhile) makes the update fail at once, and the email
        // stayed claimed, unrecorded, until its lease ended.
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        let row = sqlx::query("SELECT CAST(attempts AS BIGINT) AS attempts FROM outbox WHERE id = $1 AND sent_at IS NULL")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map)?;
        // Already sent (a late failure report after a retry succeeded) or gone: nothing to retry.
        let Some(row) = row else { return Ok(()) };
        let attempts: i64 = row.try_get("attempts").map_err(map)?;
        let next = now.plus_seconds(domain::model::outbox::backoff_seconds(attempts));
        sqlx::query(
            "UPDATE outbox SET claimed_until = NULL, last_error = $2, next_attempt_at = $3 \
             WHERE id = $1 AND sent_at IS NULL",
        )
        .bind(id)
        .bind(error)
        .bind(next.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        tx.commit().await.map_err(map)?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(count = emails.len()))]
    async fn enqueue_emails(&self, emails: &[NewEmail], at: Timestamp) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        for e in emails {
            sqlx::query(
                "INSERT INTO outbox (recipient, subject, body, created_at, next_attempt_at) \
                 VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(e.to.as_str())
            .bind(e.subject.as_str())
            .bind(e.body.as_str())
            .bind(at.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        }
        tx.commit().await.map_err(map)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn outbox(&self, limit: i64) -> StoreResult<Vec<OutboxEmail>> {
        let rows = sqlx::query(
            "SELECT id, recipient, subject, body, created_at, CAST(attempts AS BIGINT) AS attempts, \
                    sent_at, last_error \
             FROM outbox ORDER BY id DESC LIMIT $1",
        )
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        rows.iter().map(outbox_row).collect()
    }
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::Outbox {
        fn claim_emails(&self, now: Timestamp, limit: i64) -> Vec<OutboxEmail>;
        fn mark_sent(&self, id: i64, at: Timestamp) -> ();
        fn mark_failed(&self, id: i64, now: Timestamp, error: &str) -> ();
        fn enqueue_emails(&self, emails: &[NewEmail], at: Timestamp) -> ();
        fn outbox(&self, limit: i64) -> Vec<OutboxEmail>;
    });
}
