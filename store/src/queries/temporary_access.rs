// Roles that end by themselves on a date. Included once per backend by `backends.rs`, with `Db`
// set.

/// Whether the assignment `a` (an alias) ended on its date: what the sweep writes (revoked, at
/// its end, by nobody). Lists read it as "Expired" rather than "Revoked".
fn ended_on_its_date(a: &str) -> String {
    format!(
        "CASE WHEN {a}.status = 'revoked' AND {a}.ends_at IS NOT NULL AND {a}.decided_at = {a}.ends_at \
           AND {a}.decided_by IS NULL THEN TRUE ELSE FALSE END"
    )
}

impl domain::storage::TemporaryAccess for crate::Backend<Db> {
    #[tracing::instrument(skip_all)]
    async fn set_role_end(
        &self,
        assignment: AssignmentId,
        ends_at: Option<Timestamp>,
        audit: &NewAudit,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query("UPDATE role_assignments SET ends_at = $1 WHERE id = $2 AND status = 'active'")
            .bind(ends_at.map(|e| e.0))
            .bind(assignment.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    #[tracing::instrument(skip_all)]
    async fn expire_roles(&self, now: Timestamp) -> StoreResult<domain::storage::ExpirySweep> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        // The UPDATE takes each row it ends, so a sweep running beside this one finds it no
        // longer active and writes no second event for it.
        let ended = sqlx::query(
            "UPDATE role_assignments SET status = 'revoked', decided_at = ends_at, decided_by = NULL \
             WHERE status = 'active' AND ends_at IS NOT NULL AND ends_at <= $1 \
             RETURNING user_id, organisation_id, ends_at",
        )
        .bind(now.0)
        .fetch_all(&mut *tx)
        .await
        .map_err(map)?;
        for r in &ended {
            let audit = NewAudit::anonymous(
                AuditAction::AccessExpired,
                Timestamp(r.try_get("ends_at").map_err(map)?),
                None,
            )
            .target(UserId(r.try_get("user_id").map_err(map)?))
            .at_organisation(OrgId(r.try_get("organisation_id").map_err(map)?));
            insert_audit(&mut *tx, &audit).await?;
        }
        let next: Option<i64> = sqlx::query(
            "SELECT MIN(ends_at) AS next FROM role_assignments WHERE status = 'active' AND ends_at IS NOT NULL",
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(map)?
        .try_get("next")
        .map_err(map)?;
        tx.commit().await.map_err(map)?;
        Ok(domain::storage::ExpirySweep {
            ended: ended.len(),
            next_end: next.map(Timestamp),
        })
    }

    #[tracing::instrument(skip_all)]
    async fn ending_roles(&self, now: Timestamp, within: i64) -> StoreResult<Vec<domain::storage::EndingRole>> {
        let rows = sqlx::query(
            "SELECT a.id, a.user_id, a.ends_at, a.end_reminders, u.email, u.first_name, u.notify_by_email, \
                    r.name AS role_name, o.name AS org_name, o.code AS org_code, o.id AS org_id, o.path AS org_path, \
                    u.last_name \
             FROM role_assignments a JOIN users u ON u.id = a.user_id \
               JOIN roles r ON r.id = a.role_id JOIN organisations o ON o.id = a.organisation_id \
             WHERE a.status = 'active' AND a.ends_at IS NOT NULL AND a.ends_at > $1 AND a.ends_at <= $2 \
               AND a.end_reminders < 2 \
             ORDER BY a.ends_at, a.id",
        )
        .bind(now.0)
        .bind(now.0 + within)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        rows.iter()
            .map(|r| {
                let email: String = r.try_get("email").map_err(map)?;
                let reminded: i32 = r.try_get("end_reminders").map_err(map)?;
                Ok(domain::storage::EndingRole {
                    assignment: AssignmentId(r.try_get("id").map_err(map)?),
                    user: UserId(r.try_get("user_id").map_err(map)?),
                    email: EmailAddress::parse(&email).map_err(|_| corrupt("email"))?,
                    first_name: r.try_get("first_name").map_err(map)?,
                    notify_by_email: r.try_get("notify_by_email").map_err(map)?,
                    role_name: r.try_get("role_name").map_err(map)?,
                    last_name: r.try_get("last_name").map_err(map)?,
                    org_id: OrgId(r.try_get("org_id").map_err(map)?),
                    org_path: OrgPath::from_stored(r.try_get("org_path").map_err(map)?),
                    org_name: r.try_get("org_name").map_err(map)?,
                    org_code: r.try_get("org_code").map_err(map)?,
                    ends_at: Timestamp(r.try_get("ends_at").map_err(map)?),
                    reminded: u8::try_from(reminded).map_err(|_| corrupt("end_reminders"))?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn record_end_reminder(&self, r: &domain::storage::EndReminder) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query(
            "UPDATE role_assignments SET end_reminders = $1 WHERE id = $2 AND status = 'active' AND end_reminders < $1",
        )
        .bind(i32::from(r.stage))
        .bind(r.assignment.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        insert_notice(&mut *tx, r.user, &r.notice, r.at).await?;
        if let Some(email) = &r.email {
            queue_emails_in(&mut tx, std::slice::from_ref(email), r.at).await?;
        }
        for admin in &r.administrators {
            insert_notice(&mut *tx, *admin, &r.administrator_notice, r.at).await?;
        }
        queue_emails_in(&mut tx, &r.administrator_emails, r.at).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    #[tracing::instrument(skip_all)]
    async fn unused_accounts(&self, before: Timestamp, limit: i64) -> StoreResult<Vec<domain::storage::UnusedAccount>> {
        // Through the partial index on when each active, unexempt account was last used.
        let rows = sqlx::query(
            "SELECT id, email, first_name FROM users \
             WHERE status = 'active' AND dormancy_exempt_reason IS NULL \
               AND COALESCE(last_signed_in_at, created_at) < $1 \
               AND (enabled_at IS NULL OR enabled_at < $1) \
             ORDER BY COALESCE(last_signed_in_at, created_at), id LIMIT $2",
        )
        .bind(before.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        rows.iter()
            .map(|r| {
                let email: String = r.try_get("email").map_err(map)?;
                Ok(domain::storage::UnusedAccount {
                    user: UserId(r.try_get("id").map_err(map)?),
                    email: EmailAddress::parse(&email).map_err(|_| corrupt("email"))?,
                    first_name: r.try_get("first_name").map_err(map)?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn disable_unused(&self, user: UserId, before: Timestamp, audit: &NewAudit, email: &NewEmail) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        // Still unused now: a sign-in, an enabling or an exemption since the search wins.
        let done = sqlx::query(
            "UPDATE users SET status = 'disabled' \
             WHERE id = $1 AND status = 'active' AND dormancy_exempt_reason IS NULL \
               AND COALESCE(last_signed_in_at, created_at) < $2 \
               AND (enabled_at IS NULL OR enabled_at < $2)",
        )
        .bind(user.0)
        .bind(before.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        insert_audit(&mut *tx, audit).await?;
        queue_emails_in(&mut tx, std::slice::from_ref(email), audit.at).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    #[tracing::instrument(skip_all)]
    async fn set_dormancy_exemption(&self, user: UserId, reason: Option<&str>, audit: &NewAudit) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query("UPDATE users SET dormancy_exempt_reason = $1 WHERE id = $2")
            .bind(reason)
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    #[tracing::instrument(skip_all)]
    async fn dormancy_exemption(&self, user: UserId) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT dormancy_exempt_reason FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        Ok(match row {
            Some(r) => r.try_get("dormancy_exempt_reason").map_err(map)?,
            None => None,
        })
    }
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::TemporaryAccess {
        fn set_role_end(&self, assignment: AssignmentId, ends_at: Option<Timestamp>, audit: &NewAudit) -> bool;
        fn expire_roles(&self, now: Timestamp) -> domain::storage::ExpirySweep;
        fn ending_roles(&self, now: Timestamp, within: i64) -> Vec<domain::storage::EndingRole>;
        fn record_end_reminder(&self, r: &domain::storage::EndReminder) -> bool;
        fn unused_accounts(&self, before: Timestamp, limit: i64) -> Vec<domain::storage::UnusedAccount>;
        fn disable_unused(&self, user: UserId, before: Timestamp, audit: &NewAudit, email: &NewEmail) -> bool;
        fn set_dormancy_exemption(&self, user: UserId, reason: Option<&str>, audit: &NewAudit) -> bool;
        fn dormancy_exemption(&self, user: UserId) -> Option<String>;
    });
}
