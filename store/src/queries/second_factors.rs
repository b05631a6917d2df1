// Second factors. Included once per backend by `backends.rs`, with `Db` set.

/// Recovery codes are a way back to a second factor: with none left, they go.
async fn drop_codes_without_factor(tx: &mut sqlx::Transaction<'_, Db>, user: UserId) -> StoreResult<()> {
    sqlx::query(
        "DELETE FROM recovery_codes WHERE user_id = $1 \
         AND NOT EXISTS (SELECT 1 FROM authenticator_apps WHERE user_id = $1 AND confirmed_at IS NOT NULL) \
         AND NOT EXISTS (SELECT 1 FROM passkeys WHERE user_id = $1)",
    )
    .bind(user.0)
    .execute(&mut **tx)
    .await
    .map_err(map)?;
    Ok(())
}

async fn insert_recovery_codes(
    tx: &mut sqlx::Transaction<'_, Db>,
    user: UserId,
    codes: &[String],
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut **tx)
        .await
        .map_err(map)?;
    for code in codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)")
            .bind(user.0)
            .bind(code)
            .bind(now.0)
            .execute(&mut **tx)
            .await
            .map_err(map)?;
    }
    Ok(())
}

impl domain::storage::SecondFactors for crate::Backend<Db> {
    async fn passkeys(&self, user: UserId) -> StoreResult<Vec<domain::storage::StoredPasskey>> {
        let rows = sqlx::query(
            "SELECT id, credential_id, name, passkey, created_at, last_used_at FROM passkeys \
             WHERE user_id = $1 ORDER BY id",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        rows.iter()
            .map(|r| {
                Ok(domain::storage::StoredPasskey {
                    id: r.try_get("id").map_err(map)?,
                    credential_id: r.try_get("credential_id").map_err(map)?,
                    name: r.try_get("name").map_err(map)?,
                    passkey: r.try_get("passkey").map_err(map)?,
                    created_at: Timestamp(r.try_get("created_at").map_err(map)?),
                    last_used_at: r.try_get::<Option<i64>, _>("last_used_at").map_err(map)?.map(Timestamp),
                })
            })
            .collect()
    }

    async fn add_passkey(&self, user: UserId, key: &domain::storage::StoredPasskey, audit: &NewAudit) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        let taken = sqlx::query("SELECT 1 FROM passkeys WHERE credential_id = $1")
            .bind(&key.credential_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map)?
            .is_some();
        if taken {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        let added = sqlx::query(
            "INSERT INTO passkeys (user_id, credential_id, name, passkey, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user.0)
        .bind(&key.credential_id)
        .bind(&key.name)
        .bind(&key.passkey)
        .bind(key.created_at.0)
        .execute(&mut *tx)
        .await;
        match added.map_err(map) {
            Ok(_) => {}
            // Two requests with one key at once: the other kept it.
            Err(StoreError::Conflict(_)) => {
                tx.rollback().await.map_err(map)?;
                return Ok(false);
            }
            Err(e) => return Err(e),
        }
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    async fn remove_passkey(&self, user: UserId, id: i64, audit: &NewAudit) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query("DELETE FROM passkeys WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        drop_codes_without_factor(&mut tx, user).await?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    async fn remove_app(&self, user: UserId, audit: &NewAudit) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query("DELETE FROM authenticator_apps WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        drop_codes_without_factor(&mut tx, user).await?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    async fn passkey_used(&self, user: UserId, credential_id: &str, passkey: &str, now: Timestamp) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE passkeys SET passkey = $1, last_used_at = $2 WHERE user_id = $3 AND credential_id = $4",
        )
        .bind(passkey)
        .bind(now.0)
        .bind(user.0)
        .bind(credential_id)
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(done.rows_affected() == 1)
    }

    async fn authenticator_app(&self, user: UserId) -> StoreResult<Option<domain::storage::StoredApp>> {
        let row = sqlx::query("SELECT secret, confirmed_at, last_step FROM authenticator_apps WHERE user_id = $1")
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        row.map(|r| {
            Ok(domain::storage::StoredApp {
                secret: r.try_get("secret").map_err(map)?,
                confirmed_at: r.try_get::<Option<i64>, _>("confirmed_at").map_err(map)?.map(Timestamp),
                last_step: r.try_get("last_step").map_err(map)?,
            })
        })
        .transpose()
    }

    async fn begin_app(&self, user: UserId, secret: &str, now: Timestamp) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        let confirmed = sqlx::query(
            concat!("SELECT 1 FROM authenticator_apps WHERE user_id = $1 AND confirmed_at IS NOT NULL", row_lock!()),
        )
        .bind(user.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map)?
        .is_some();
        if confirmed {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        sqlx::query("DELETE FROM authenticator_apps WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        sqlx::query("INSERT INTO authenticator_apps (user_id, secret, created_at) VALUES ($1, $2, $3)")
            .bind(user.0)
            .bind(secret)
            .bind(now.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    async fn confirm_app(&self, user: UserId, step: i64, codes: &[String], audit: &NewAudit) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        let done = sqlx::query(
            "UPDATE authenticator_apps SET confirmed_at = $1, last_step = $2 \
             WHERE user_id = $3 AND confirmed_at IS NULL",
        )
        .bind(audit.at.0)
        .bind(step)
        .bind(user.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        insert_recovery_codes(&mut tx, user, codes, audit.at).await?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    async fn take_step(&self, user: UserId, step: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE authenticator_apps SET last_step = $1 \
             WHERE user_id = $2 AND confirmed_at IS NOT NULL AND last_step < $1",
        )
        .bind(step)
        .bind(user.0)
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(done.rows_affected() == 1)
    }

    async fn use_recovery_code(&self, user: UserId, hash: &str, now: Timestamp) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now.0)
        .bind(user.0)
        .bind(hash)
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(done.rows_affected() == 1)
    }

    async fn recovery_codes_left(&self, user: UserId) -> StoreResult<i64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user.0)
            .fetch_one(&self.pool)
            .await
            .map_err(map)?;
        Ok(n)
    }

    async fn replace_recovery_codes(&self, user: UserId, codes: &[String], audit: &NewAudit) -> StoreResult<()> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        insert_recovery_codes(&mut tx, user, codes, audit.at).await?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(())
    }

    async fn remove_second_factor(
        &self,
        user: UserId,
        audit: &NewAudit,
        end_sessions: bool,
        email: Option<&NewEmail>,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        let apps = sqlx::query("DELETE FROM authenticator_apps WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?
            .rows_affected();
        let keys = sqlx::query("DELETE FROM passkeys WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?
            .rows_affected();
        let codes = sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?
            .rows_affected();
        if apps + keys + codes == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        if end_sessions {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.0)
                .execute(&mut *tx)
                .await
                .map_err(map)?;
        }
        insert_audit(&mut *tx, audit).await?;
        if let Some(email) = email {
            queue_emails_in(&mut tx, std::slice::from_ref(email), audit.at).await?;
        }
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    async fn rotate_after_second_factor(&self, old: &TokenHash, new: &NewSession, audit: &NewAudit) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(old.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        insert_session(new).execute(&mut *tx).await.map_err(map)?;
        follow_grants(&mut tx, old, new).await?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(())
    }

    async fn note_second_factor(&self, session: &TokenHash, amr: &str, now: Timestamp, audit: Option<&NewAudit>) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        sqlx::query("UPDATE sessions SET amr = $1, second_factor_at = $2 WHERE id_hash = $3")
            .bind(amr)
            .bind(now.0)
            .bind(session.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        if let Some(audit) = audit {
            insert_audit(&mut *tx, audit).await?;
        }
        tx.commit().await.map_err(map)?;
        Ok(())
    }
}

once! {
    dispatch!(domain::storage::SecondFactors {
        fn passkeys(&self, user: UserId) -> Vec<domain::storage::StoredPasskey>;
        fn add_passkey(&self, user: UserId, key: &domain::storage::StoredPasskey, audit: &NewAudit) -> bool;
        fn remove_passkey(&self, user: UserId, id: i64, audit: &NewAudit) -> bool;
        fn remove_app(&self, user: UserId, audit: &NewAudit) -> bool;
        fn passkey_used(&self, user: UserId, credential_id: &str, passkey: &str, now: Timestamp) -> bool;
        fn authenticator_app(&self, user: UserId) -> Option<domain::storage::StoredApp>;
        fn begin_app(&self, user: UserId, secret: &str, now: Timestamp) -> bool;
        fn confirm_app(&self, user: UserId, step: i64, codes: &[String], audit: &NewAudit) -> bool;
        fn take_step(&self, user: UserId, step: i64) -> bool;
        fn use_recovery_code(&self, user: UserId, hash: &str, now: Timestamp) -> bool;
        fn recovery_codes_left(&self, user: UserId) -> i64;
        fn replace_recovery_codes(&self, user: UserId, codes: &[String], audit: &NewAudit) -> ();
        fn remove_second_factor(&self, user: UserId, audit: &NewAudit, end_sessions: bool, email: Option<&NewEmail>) -> bool;
        fn rotate_after_second_factor(&self, old: &TokenHash, new: &NewSession, audit: &NewAudit) -> ();
        fn note_second_factor(&self, session: &TokenHash, amr: &str, now: Timestamp, audit: Option<&NewAudit>) -> ();
    });
}
