// Connected services and their signing keys. Included once per backend by `backends.rs`,
// with `Db` set.

use domain::model::connected_service::{ConnectedService, ServiceId, ServiceSettings, SigningKey};

const SERVICE_COLUMNS: &str = "id, client_id, name, redirect_uris, post_logout_redirect_uris, \
     backchannel_logout_uri, secret_hash, enabled, created_at, updated_at";

fn lines(text: String) -> Vec<String> {
    text.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

fn service_row(r: &DbRow) -> StoreResult<ConnectedService> {
    Ok(ConnectedService {
        id: ServiceId(r.try_get("id").map_err(map)?),
        client_id: r.try_get("client_id").map_err(map)?,
        name: r.try_get("name").map_err(map)?,
        redirect_uris: lines(r.try_get("redirect_uris").map_err(map)?),
        post_logout_redirect_uris: lines(r.try_get("post_logout_redirect_uris").map_err(map)?),
        backchannel_logout_uri: r.try_get("backchannel_logout_uri").map_err(map)?,
        secret_hash: r.try_get::<Option<String>, _>("secret_hash").map_err(map)?.map(TokenHash::from_stored),
        enabled: r.try_get("enabled").map_err(map)?,
        created_at: Timestamp(r.try_get("created_at").map_err(map)?),
        updated_at: Timestamp(r.try_get("updated_at").map_err(map)?),
    })
}

impl domain::storage::ConnectedServices for crate::Backend<Db> {
    async fn connected_services(&self) -> StoreResult<Vec<ConnectedService>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {SERVICE_COLUMNS} FROM connected_services ORDER BY name, id")))
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        rows.iter().map(service_row).collect()
    }

    async fn connected_service(&self, id: ServiceId) -> StoreResult<Option<ConnectedService>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {SERVICE_COLUMNS} FROM connected_services WHERE id = $1")))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        row.as_ref().map(service_row).transpose()
    }

    async fn service_by_client_id(&self, client_id: &str) -> StoreResult<Option<ConnectedService>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {SERVICE_COLUMNS} FROM connected_services WHERE client_id = $1")))
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        row.as_ref().map(service_row).transpose()
    }

    async fn add_service(
        &self,
        client_id: &str,
        settings: &ServiceSettings,
        secret: Option<&TokenHash>,
        now: Timestamp,
        audit: &NewAudit,
    ) -> StoreResult<ServiceId> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO connected_services (client_id, name, redirect_uris, post_logout_redirect_uris, \
             backchannel_logout_uri, secret_hash, enabled, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $7) RETURNING id",
        )
        .bind(client_id)
        .bind(&settings.name)
        .bind(settings.redirect_uris.join("\n"))
        .bind(settings.post_logout_redirect_uris.join("\n"))
        .bind(&settings.backchannel_logout_uri)
        .bind(secret.map(TokenHash::as_str))
        .bind(now.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(map)?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(ServiceId(id))
    }

    async fn change_service(&self, id: ServiceId, settings: &ServiceSettings, now: Timestamp, audit: &NewAudit) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query(
            "UPDATE connected_services SET name = $1, redirect_uris = $2, post_logout_redirect_uris = $3, \
             backchannel_logout_uri = $4, updated_at = $5 WHERE id = $6",
        )
        .bind(&settings.name)
        .bind(settings.redirect_uris.join("\n"))
        .bind(settings.post_logout_redirect_uris.join("\n"))
        .bind(&settings.backchannel_logout_uri)
        .bind(now.0)
        .bind(id.0)
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

    async fn set_service_enabled(&self, id: ServiceId, enabled: bool, now: Timestamp, audit: &NewAudit) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query("UPDATE connected_services SET enabled = $1, updated_at = $2 WHERE id = $3 AND enabled <> $1")
            .bind(enabled)
            .bind(now.0)
            .bind(id.0)
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

    async fn replace_service_secret(&self, id: ServiceId, secret: &TokenHash, now: Timestamp, audit: &NewAudit) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query(
            "UPDATE connected_services SET secret_hash = $1, updated_at = $2 WHERE id = $3 AND secret_hash IS NOT NULL",
        )
        .bind(secret.as_str())
        .bind(now.0)
        .bind(id.0)
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

    async fn signing_keys(&self) -> StoreResult<Vec<SigningKey>> {
        let rows = sqlx::query(
            "SELECT kid, public_jwk, private_key, created_at, signs_from, retired_at FROM signing_keys \
             ORDER BY signs_from, kid",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        rows.iter()
            .map(|r| {
                Ok(SigningKey {
                    kid: r.try_get("kid").map_err(map)?,
                    public_jwk: r.try_get("public_jwk").map_err(map)?,
                    private_key: r.try_get("private_key").map_err(map)?,
                    created_at: Timestamp(r.try_get("created_at").map_err(map)?),
                    signs_from: Timestamp(r.try_get("signs_from").map_err(map)?),
                    retired_at: r.try_get::<Option<i64>, _>("retired_at").map_err(map)?.map(Timestamp),
                })
            })
            .collect()
    }

    async fn add_signing_key(&self, key: &SigningKey, retire_others_at: Timestamp) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        sqlx::query("UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL")
            .bind(retire_others_at.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        sqlx::query(
            "INSERT INTO signing_keys (kid, public_jwk, private_key, created_at, signs_from, retired_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&key.kid)
        .bind(&key.public_jwk)
        .bind(&key.private_key)
        .bind(key.created_at.0)
        .bind(key.signs_from.0)
        .bind(key.retired_at.map(|t| t.0))
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        tx.commit().await.map_err(map)?;
        Ok(())
    }
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::ConnectedServices {
        fn connected_services(&self) -> Vec<ConnectedService>;
        fn connected_service(&self, id: ServiceId) -> Option<ConnectedService>;
        fn service_by_client_id(&self, client_id: &str) -> Option<ConnectedService>;
        fn add_service(&self, client_id: &str, settings: &ServiceSettings, secret: Option<&TokenHash>, now: Timestamp, audit: &NewAudit) -> ServiceId;
        fn change_service(&self, id: ServiceId, settings: &ServiceSettings, now: Timestamp, audit: &NewAudit) -> bool;
        fn set_service_enabled(&self, id: ServiceId, enabled: bool, now: Timestamp, audit: &NewAudit) -> bool;
        fn replace_service_secret(&self, id: ServiceId, secret: &TokenHash, now: Timestamp, audit: &NewAudit) -> bool;
        fn signing_keys(&self) -> Vec<SigningKey>;
        fn add_signing_key(&self, key: &SigningKey, retire_others_at: Timestamp) -> ();
    });
}
