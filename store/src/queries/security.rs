// Lock-out and passwords. Included once per backend by `backends.rs`, with `Db` set.

impl domain::storage::Security for crate::Backend<Db> {
    #[tracing::instrument(skip_all)]
    async fn reserve_sign_in(&self, user: UserId, limit: i64) -> StoreResult<Option<i64>> {
        // One statement: the row lock it takes makes parallel attempts count one after another.
        let row = sqlx::query(
            "UPDATE users SET failed_sign_ins = failed_sign_ins + 1 \
             WHERE id = $1 AND locked_at IS NULL AND failed_sign_ins < $2 \
             RETURNING failed_sign_ins",
        )
        .bind(user.0)
        .bind(limit)
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?;
        row.map(|r| r.try_get::<i32, _>("failed_sign_ins").map(i64::from).map_err(map))
            .transpose()
    }

    async fn clear_failed_sign_ins(&self, user: UserId) -> StoreResult<()> {
        sqlx::query("UPDATE users SET failed_sign_ins = 0 WHERE id = $1 AND failed_sign_ins <> 0")
            .bind(user.0)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn lock_account(&self, user: UserId, audit: &NewAudit, email: &NewEmail) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query("UPDATE users SET locked_at = $1 WHERE id = $2 AND locked_at IS NULL")
            .bind(audit.at.0)
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        insert_audit(&mut *tx, audit).await?;
        queue_emails_in(&mut tx, std::slice::from_ref(email), audit.at).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    #[tracing::instrument(skip_all)]
    async fn unlock_account(&self, user: UserId, audit: &NewAudit) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query(
            "UPDATE users SET locked_at = NULL, failed_sign_ins = 0 WHERE id = $1 AND locked_at IS NOT NULL",
        )
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

    async fn locked_at(&self, user: UserId) -> StoreResult<Option<Timestamp>> {
        let row = sqlx::query("SELECT locked_at FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        Ok(match row {
            Some(r) => r.try_get::<Option<i64>, _>("locked_at").map_err(map)?.map(Timestamp),
            None => None,
        })
    }

    async fn locked_accounts(&self, limit: i64) -> StoreResult<Vec<LockedAccount>> {
        let sql = format!(
            "SELECT id AS user_id, email, first_name, last_name, status, locked_at FROM users \
             WHERE locked_at IS NOT NULL ORDER BY locked_at DESC, id LIMIT {}",
            row_count(limit)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        rows.iter()
            .map(|r| {
                Ok(LockedAccount {
                    user: user_row(r)?,
                    locked_at: Timestamp(r.try_get("locked_at").map_err(map)?),
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn replace_password_reset(
        &self,
        user: UserId,
        token: &TokenHash,
        expires_at: Timestamp,
        email: &NewEmail,
        audit: &NewAudit,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        sqlx::query("DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL")
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        sqlx::query(
            "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token.as_str())
        .bind(user.0)
        .bind(audit.at.0)
        .bind(expires_at.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        insert_audit(&mut *tx, audit).await?;
        queue_emails_in(&mut tx, std::slice::from_ref(email), audit.at).await?;
        tx.commit().await.map_err(map)
    }

    async fn password_reset(&self, token: &TokenHash, now: Timestamp) -> StoreResult<TokenState> {
        let row = sqlx::query("SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1")
            .bind(token.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        row.map_or(Ok(TokenState::Unknown), |r| token_state(&r, now))
    }

    #[tracing::instrument(skip_all)]
    async fn reset_password(
        &self,
        token: &TokenHash,
        password: &PasswordHash,
        now: Timestamp,
        audit: &NewAudit,
        email: &NewEmail,
    ) -> StoreResult<Option<UserId>> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let row = sqlx::query(
            "UPDATE password_resets SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING user_id",
        )
        .bind(now.0)
        .bind(token.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map)?;
        let Some(row) = row else {
            tx.rollback().await.map_err(map)?;
            return Ok(None);
        };
        let user: i64 = row.try_get("user_id").map_err(map)?;
        // A disabled or locked account stays as it is: the link must not reopen it.
        let done = sqlx::query(
            "UPDATE users SET password_hash = $1, failed_sign_ins = 0 \
             WHERE id = $2 AND status = 'active' AND locked_at IS NULL",
        )
        .bind(password.as_phc())
        .bind(user)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(None);
        }
        // Whoever else knew the old password is signed out everywhere.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        // Every other unused link dies with this one.
        sqlx::query("DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL")
            .bind(user)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        insert_audit(&mut *tx, audit).await?;
        queue_emails_in(&mut tx, std::slice::from_ref(email), now).await?;
        tx.commit().await.map_err(map)?;
        Ok(Some(UserId(user)))
    }

    #[tracing::instrument(skip_all)]
    async fn change_password(
        &self,
        user: UserId,
        keep: &TokenHash,
        password: &PasswordHash,
        audit: &NewAudit,
        email: &NewEmail,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password.as_phc())
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user.0)
            .bind(keep.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        sqlx::query("DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL")
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        insert_audit(&mut *tx, audit).await?;
        queue_emails_in(&mut tx, std::slice::from_ref(email), audit.at).await?;
        tx.commit().await.map_err(map)
    }
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::Security {
        fn reserve_sign_in(&self, user: UserId, limit: i64) -> Option<i64>;
        fn clear_failed_sign_ins(&self, user: UserId) -> ();
        fn lock_account(&self, user: UserId, audit: &NewAudit, email: &NewEmail) -> bool;
        fn unlock_account(&self, user: UserId, audit: &NewAudit) -> bool;
        fn locked_at(&self, user: UserId) -> Option<Timestamp>;
        fn locked_accounts(&self, limit: i64) -> Vec<domain::storage::LockedAccount>;
        fn replace_password_reset(&self, user: UserId, token: &TokenHash, expires_at: Timestamp, email: &NewEmail, audit: &NewAudit) -> ();
        fn password_reset(&self, token: &TokenHash, now: Timestamp) -> TokenState;
        fn reset_password(&self, token: &TokenHash, password: &PasswordHash, now: Timestamp, audit: &NewAudit, email: &NewEmail) -> Option<UserId>;
        fn change_password(&self, user: UserId, keep: &TokenHash, password: &PasswordHash, audit: &NewAudit, email: &NewEmail) -> ();
    });
}
