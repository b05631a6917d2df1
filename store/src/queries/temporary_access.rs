// Roles that end by themselves on a date. Included once per backend by `backends.rs`, with `Db`
// set.

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
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::TemporaryAccess {
        fn set_role_end(&self, assignment: AssignmentId, ends_at: Option<Timestamp>, audit: &NewAudit) -> bool;
        fn expire_roles(&self, now: Timestamp) -> domain::storage::ExpirySweep;
    });
}
