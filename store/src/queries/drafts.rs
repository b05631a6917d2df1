// Form drafts. Included once per backend by `backends.rs`, with `Db` set.

impl domain::storage::Drafts for crate::Backend<Db> {
    async fn save_draft(&self, d: &NewDraft, now: Timestamp) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        sqlx::query("DELETE FROM form_drafts WHERE expires_at <= $1")
            .bind(now.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        sqlx::query(
            "INSERT INTO form_drafts (browser, form, owner_id, payload, expires_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (browser, form) DO UPDATE SET \
             owner_id = excluded.owner_id, payload = excluded.payload, expires_at = excluded.expires_at",
        )
        .bind(d.browser.as_str())
        .bind(&d.form)
        .bind(d.owner.map(|u| u.0))
        .bind(&d.payload)
        .bind(d.expires_at.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        tx.commit().await.map_err(map)
    }

    async fn draft(&self, key: &DraftKey<'_>) -> StoreResult<Option<String>> {
        // `IS NOT DISTINCT FROM` is PostgreSQL's; SQLite spells it `IS`. Both read it this way.
        sqlx::query_scalar(
            "SELECT payload FROM form_drafts \
             WHERE browser = $1 AND form = $2 AND expires_at > $3 \
               AND ((owner_id IS NULL AND $4 IS NULL) OR owner_id = $4)",
        )
        .bind(key.browser.as_str())
        .bind(key.form)
        .bind(key.now.0)
        .bind(key.owner.map(|u| u.0))
        .fetch_optional(&self.pool)
        .await
        .map_err(map)
    }

    async fn take_draft(&self, key: &DraftKey<'_>) -> StoreResult<Option<String>> {
        // One statement, so two requests racing for the same problems cannot both show them. A
        // draft found expired or someone else's is deleted all the same: nobody may read it.
        let row: Option<(String, Option<i64>, i64)> = sqlx::query_as(
            "DELETE FROM form_drafts WHERE browser = $1 AND form = $2 \
             RETURNING payload, owner_id, expires_at",
        )
        .bind(key.browser.as_str())
        .bind(key.form)
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?;
        Ok(row.and_then(|(payload, owner, expires)| {
            (owner == key.owner.map(|u| u.0) && expires > key.now.0).then_some(payload)
        }))
    }

    async fn delete_draft(&self, browser: &TokenHash, form: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM form_drafts WHERE browser = $1 AND form = $2")
            .bind(browser.as_str())
            .bind(form)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::Drafts {
        fn save_draft(&self, d: &NewDraft, now: Timestamp) -> ();
        fn draft(&self, key: &DraftKey<'_>) -> Option<String>;
        fn take_draft(&self, key: &DraftKey<'_>) -> Option<String>;
        fn delete_draft(&self, browser: &TokenHash, form: &str) -> ();
    });
}
