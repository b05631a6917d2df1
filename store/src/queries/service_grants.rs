// The grants of connected services: codes, refresh tokens, ending, back-channel logouts.
// Included once per backend by `backends.rs`, with `Db` set.

use domain::model::connected_service::{
    GrantEnd, GrantRecord, NewCode, NewGrant, PendingLogout, Redemption, Refresh,
};
use domain::model::session::SessionPolicy;
use domain::storage::{ClusterReach, LiveGrant};

const GRANT_COLUMNS: &str = "g.id AS grant_id, g.service_id, c.client_id, g.user_id AS grant_user, g.assignment_id, \
     g.session_hash, g.scope, g.nonce, g.auth_time, g.amr";

fn grant_row(r: &DbRow) -> StoreResult<GrantRecord> {
    Ok(GrantRecord {
        id: r.try_get("grant_id").map_err(map)?,
        service: ServiceId(r.try_get("service_id").map_err(map)?),
        client_id: r.try_get("client_id").map_err(map)?,
        user: UserId(r.try_get("grant_user").map_err(map)?),
        assignment: AssignmentId(r.try_get("assignment_id").map_err(map)?),
        session: TokenHash::from_stored(r.try_get("session_hash").map_err(map)?),
        scope: r.try_get("scope").map_err(map)?,
        nonce: r.try_get("nonce").map_err(map)?,
        auth_time: Timestamp(r.try_get("auth_time").map_err(map)?),
        amr: r.try_get("amr").map_err(map)?,
    })
}

/// The joins and the condition that make a grant good at `$1` under idle `$2` and absolute `$3`
/// time-outs: the one definition both reading a grant and ending lapsed ones use.
const LIVE_JOINS: &str = "FROM service_grants g \
     JOIN connected_services c ON c.id = g.service_id \
     JOIN users u ON u.id = g.user_id \
     JOIN role_assignments a ON a.id = g.assignment_id \
     JOIN sessions s ON s.id_hash = g.session_hash AND s.user_id = g.user_id";
const LIVE_WHERE: &str = "g.ended_at IS NULL AND c.enabled AND u.status = 'active' AND a.status = 'active' \
     AND (a.ends_at IS NULL OR a.ends_at > $1) \
     AND s.last_seen_at > $1 - $2 AND s.created_at > $1 - $3";

/// Ends a grant if it has not ended, and queues its back-channel logout when the service was
/// using it (its code was redeemed) and asked for them: whether it ended now.
async fn end_one(tx: &mut sqlx::Transaction<'_, Db>, id: &str, why: GrantEnd, now: Timestamp) -> StoreResult<bool> {
    let done = sqlx::query("UPDATE service_grants SET ended_at = $1, ended_reason = $2 WHERE id = $3 AND ended_at IS NULL")
        .bind(now.0)
        .bind(why.as_str())
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(map)?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO logout_outbox (grant_id, service_id, uri, subject, created_at, next_attempt_at) \
         SELECT g.id, g.service_id, c.backchannel_logout_uri, CAST(g.user_id AS TEXT), $1, $1 \
         FROM service_grants g JOIN connected_services c ON c.id = g.service_id \
         WHERE g.id = $2 AND g.redeemed_at IS NOT NULL AND c.backchannel_logout_uri IS NOT NULL",
    )
    .bind(now.0)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map_err(map)?;
    // Its codes and refresh tokens are worth nothing now.
    sqlx::query("DELETE FROM refresh_tokens WHERE grant_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(map)?;
    Ok(true)
}

/// A rotated session keeps the grants made in it (a role switch, a second factor): they follow
/// its new id, as long as it is the same person's.
async fn follow_grants(tx: &mut sqlx::Transaction<'_, Db>, old: &TokenHash, new: &NewSession) -> StoreResult<()> {
    sqlx::query("UPDATE service_grants SET session_hash = $1 WHERE session_hash = $2 AND user_id = $3 AND ended_at IS NULL")
        .bind(new.id_hash.as_str())
        .bind(old.as_str())
        .bind(new.user.0)
        .execute(&mut **tx)
        .await
        .map_err(map)?;
    Ok(())
}

impl domain::storage::ServiceGrants for crate::Backend<Db> {
    async fn start_grant(&self, grant: &NewGrant, code: &NewCode, audit: &NewAudit) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        sqlx::query(
            "INSERT INTO service_grants (id, service_id, user_id, assignment_id, session_hash, scope, nonce, \
             auth_time, amr, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&grant.id)
        .bind(grant.service.0)
        .bind(grant.user.0)
        .bind(grant.assignment.0)
        .bind(grant.session.as_str())
        .bind(&grant.scope)
        .bind(&grant.nonce)
        .bind(grant.auth_time.0)
        .bind(&grant.amr)
        .bind(grant.now.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        sqlx::query(
            "INSERT INTO authorization_codes (code_hash, grant_id, redirect_uri, code_challenge, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(code.hash.as_str())
        .bind(&grant.id)
        .bind(&code.redirect_uri)
        .bind(&code.challenge)
        .bind(code.expires_at.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(())
    }

    async fn redeem_code(&self, hash: &TokenHash, now: Timestamp) -> StoreResult<Redemption> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {GRANT_COLUMNS}, k.redirect_uri, k.code_challenge, k.expires_at, k.used_at \
             FROM authorization_codes k JOIN service_grants g ON g.id = k.grant_id \
             JOIN connected_services c ON c.id = g.service_id WHERE k.code_hash = $1{}",
            row_lock!()
        )))
        .bind(hash.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map)?;
        let Some(r) = row else {
            tx.rollback().await.map_err(map)?;
            return Ok(Redemption::Unknown);
        };
        let grant = grant_row(&r)?;
        if r.try_get::<Option<i64>, _>("used_at").map_err(map)?.is_some() {
            end_one(&mut tx, &grant.id, GrantEnd::Replayed, now).await?;
            tx.commit().await.map_err(map)?;
            return Ok(Redemption::Replayed);
        }
        sqlx::query("UPDATE authorization_codes SET used_at = $1 WHERE code_hash = $2")
            .bind(now.0)
            .bind(hash.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        tx.commit().await.map_err(map)?;
        Ok(Redemption::Redeemed {
            grant: Box::new(grant),
            redirect_uri: r.try_get("redirect_uri").map_err(map)?,
            challenge: r.try_get("code_challenge").map_err(map)?,
            expires_at: Timestamp(r.try_get("expires_at").map_err(map)?),
        })
    }

    async fn keep_refresh_token(&self, grant: &str, hash: &TokenHash, now: Timestamp) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        sqlx::query("UPDATE service_grants SET redeemed_at = $1 WHERE id = $2 AND redeemed_at IS NULL")
            .bind(now.0)
            .bind(grant)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        sqlx::query("INSERT INTO refresh_tokens (token_hash, grant_id, created_at) VALUES ($1, $2, $3)")
            .bind(hash.as_str())
            .bind(grant)
            .bind(now.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        tx.commit().await.map_err(map)?;
        Ok(())
    }

    async fn grant_of_refresh_token(&self, hash: &TokenHash) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT grant_id FROM refresh_tokens WHERE token_hash = $1")
            .bind(hash.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map)
    }

    async fn rotate_refresh_token(&self, old: &TokenHash, new: &TokenHash, now: Timestamp) -> StoreResult<Refresh> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {GRANT_COLUMNS}, t.used_at, g.ended_at FROM refresh_tokens t \
             JOIN service_grants g ON g.id = t.grant_id \
             JOIN connected_services c ON c.id = g.service_id WHERE t.token_hash = $1{}",
            row_lock!()
        )))
        .bind(old.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map)?;
        let Some(r) = row else {
            tx.rollback().await.map_err(map)?;
            return Ok(Refresh::Unknown);
        };
        let grant = grant_row(&r)?;
        if r.try_get::<Option<i64>, _>("ended_at").map_err(map)?.is_some() {
            tx.rollback().await.map_err(map)?;
            return Ok(Refresh::Unknown);
        }
        if r.try_get::<Option<i64>, _>("used_at").map_err(map)?.is_some() {
            end_one(&mut tx, &grant.id, GrantEnd::Replayed, now).await?;
            tx.commit().await.map_err(map)?;
            return Ok(Refresh::Reused);
        }
        sqlx::query("UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2")
            .bind(now.0)
            .bind(old.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        sqlx::query("INSERT INTO refresh_tokens (token_hash, grant_id, created_at) VALUES ($1, $2, $3)")
            .bind(new.as_str())
            .bind(&grant.id)
            .bind(now.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        tx.commit().await.map_err(map)?;
        Ok(Refresh::Rotated(grant))
    }

    async fn live_grant(&self, id: &str, now: Timestamp, policy: SessionPolicy) -> StoreResult<Option<LiveGrant>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {GRANT_COLUMNS}, u.id AS user_id, u.email, u.first_name, u.last_name, u.status, \
                    a.role_id, a.ends_at, o.id AS org_id, o.code AS org_code, o.name AS org_name, \
                    o.kind AS org_kind, o.path AS org_path, o.multi_level_approval, \
                    EXISTS (SELECT 1 FROM assignment_clusters ac WHERE ac.assignment_id = a.id) AS clustered, \
                    EXISTS (SELECT 1 FROM assignment_payment_types ap WHERE ap.assignment_id = a.id) AS paid \
             {LIVE_JOINS} JOIN organisations o ON o.id = a.organisation_id \
             WHERE g.id = $4 AND {LIVE_WHERE}"
        )))
        .bind(now.0)
        .bind(policy.idle_seconds)
        .bind(policy.absolute_seconds)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?;
        let Some(r) = row else { return Ok(None) };
        let grant = grant_row(&r)?;
        let a = grant.assignment.0;
        let clustered: bool = r.try_get("clustered").map_err(map)?;
        // One query for both what the role reaches (the paths) and what the claim names.
        let (clusters, members) = if clustered {
            let (reach, paths) = cluster_reach_of(&self.pool, a).await?;
            (reach, Some(paths))
        } else {
            (Vec::new(), None)
        };
        let acting = ActingAs {
            assignment: grant.assignment,
            role: RoleId(r.try_get("role_id").map_err(map)?),
            organisation: org_ref_row(&r)?,
            clusters: members,
            payment_types: if r.try_get::<bool, _>("paid").map_err(map)? {
                payment_types_of(&self.pool, a).await?
            } else {
                Vec::new()
            },
            ends_at: r.try_get::<Option<i64>, _>("ends_at").map_err(map)?.map(Timestamp),
        };
        Ok(Some(LiveGrant {
            user: user_row(&r)?,
            multi_level_approval: r.try_get("multi_level_approval").map_err(map)?,
            grant,
            acting,
            clusters,
        }))
    }

    async fn end_grant(&self, id: &str, why: GrantEnd, now: Timestamp) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let ended = end_one(&mut tx, id, why, now).await?;
        tx.commit().await.map_err(map)?;
        Ok(ended)
    }

    async fn end_lapsed_grants(&self, now: Timestamp, policy: SessionPolicy) -> StoreResult<u64> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        let ids: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT x.id FROM service_grants x WHERE x.ended_at IS NULL \
             AND x.id NOT IN (SELECT g.id {LIVE_JOINS} WHERE {LIVE_WHERE})"
        )))
        .bind(now.0)
        .bind(policy.idle_seconds)
        .bind(policy.absolute_seconds)
        .fetch_all(&mut *tx)
        .await
        .map_err(map)?;
        let mut ended = 0;
        for id in &ids {
            if end_one(&mut tx, id, GrantEnd::Lapsed, now).await? {
                ended += 1;
            }
        }
        // Codes nobody came for are of no use once they have expired.
        sqlx::query("DELETE FROM authorization_codes WHERE expires_at < $1")
            .bind(now.0 - 3600)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        tx.commit().await.map_err(map)?;
        Ok(ended)
    }

    async fn due_logouts(&self, now: Timestamp, limit: i64) -> StoreResult<Vec<PendingLogout>> {
        let rows = sqlx::query(
            "SELECT l.id, l.grant_id, c.client_id, l.uri, l.subject, l.attempts FROM logout_outbox l \
             JOIN connected_services c ON c.id = l.service_id \
             WHERE l.sent_at IS NULL AND l.next_attempt_at <= $1 ORDER BY l.next_attempt_at, l.id LIMIT $2",
        )
        .bind(now.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        rows.iter()
            .map(|r| {
                Ok(PendingLogout {
                    id: r.try_get("id").map_err(map)?,
                    grant: r.try_get("grant_id").map_err(map)?,
                    client_id: r.try_get("client_id").map_err(map)?,
                    uri: r.try_get("uri").map_err(map)?,
                    subject: r.try_get("subject").map_err(map)?,
                    attempts: r.try_get("attempts").map_err(map)?,
                })
            })
            .collect()
    }

    async fn logout_delivered(&self, id: i64, now: Timestamp) -> StoreResult<()> {
        sqlx::query("UPDATE logout_outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2")
            .bind(now.0)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    async fn logout_failed(&self, id: i64, error: &str, next_attempt_at: Timestamp) -> StoreResult<()> {
        sqlx::query("UPDATE logout_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3")
            .bind(error)
            .bind(next_attempt_at.0)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }
}

/// The live clusters an assignment is restricted to, each with the ODS codes of its members, and
/// the paths of those members: what `restriction_of` gives, so that a role whose clusters are all
/// retired still reaches nothing (no paths), never its whole organisation.
async fn cluster_reach_of(pool: &sqlx::Pool<Db>, assignment: i64) -> StoreResult<(Vec<ClusterReach>, Vec<OrgPath>)> {
    let rows = sqlx::query(
        "SELECT c.id, c.name, o.code, o.path FROM assignment_clusters ac \
         JOIN clusters c ON c.id = ac.cluster_id AND c.retired_at IS NULL \
         LEFT JOIN cluster_members m ON m.cluster_id = c.id \
         LEFT JOIN organisations o ON o.id = m.organisation_id \
         WHERE ac.assignment_id = $1 ORDER BY c.name, c.id, o.code",
    )
    .bind(assignment)
    .fetch_all(pool)
    .await
    .map_err(map)?;
    let mut out: Vec<(i64, ClusterReach)> = Vec::new();
    let mut paths = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("id").map_err(map)?;
        if out.last().is_none_or(|(last, _)| *last != id) {
            out.push((id, ClusterReach { name: r.try_get("name").map_err(map)?, ods_codes: Vec::new() }));
        }
        if let (Some(code), Some((_, c))) = (r.try_get::<Option<String>, _>("code").map_err(map)?, out.last_mut()) {
            c.ods_codes.push(code);
        }
        if let Some(path) = r.try_get::<Option<String>, _>("path").map_err(map)? {
            paths.push(OrgPath::from_stored(path));
        }
    }
    Ok((out.into_iter().map(|(_, c)| c).collect(), paths))
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::ServiceGrants {
        fn start_grant(&self, grant: &NewGrant, code: &NewCode, audit: &NewAudit) -> ();
        fn redeem_code(&self, hash: &TokenHash, now: Timestamp) -> Redemption;
        fn keep_refresh_token(&self, grant: &str, hash: &TokenHash, now: Timestamp) -> ();
        fn grant_of_refresh_token(&self, hash: &TokenHash) -> Option<String>;
        fn rotate_refresh_token(&self, old: &TokenHash, new: &TokenHash, now: Timestamp) -> Refresh;
        fn live_grant(&self, id: &str, now: Timestamp, policy: SessionPolicy) -> Option<LiveGrant>;
        fn end_grant(&self, id: &str, why: GrantEnd, now: Timestamp) -> bool;
        fn end_lapsed_grants(&self, now: Timestamp, policy: SessionPolicy) -> u64;
        fn due_logouts(&self, now: Timestamp, limit: i64) -> Vec<PendingLogout>;
        fn logout_delivered(&self, id: i64, now: Timestamp) -> ();
        fn logout_failed(&self, id: i64, error: &str, next_attempt_at: Timestamp) -> ();
    });
}
