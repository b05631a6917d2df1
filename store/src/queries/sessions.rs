// Server-side sessions. Included once per backend by `backends.rs`, with `Db` set.

fn insert_session(s: &NewSession) -> sqlx::query::Query<'_, Db, <Db as sqlx::Database>::Arguments> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, assignment_id, created_at, last_seen_at, client_address, user_agent, amr, second_factor_at) \
         VALUES ($1, $2, $3, $4, $9, $5, $6, $7, $8)",
    )
    .bind(s.id_hash.as_str())
    .bind(s.user.0)
    .bind(s.assignment.map(|a| a.0))
    .bind(s.proof.signed_in_at.unwrap_or(s.now).0)
    .bind(s.client.as_deref())
    .bind(s.agent.as_deref())
    .bind(s.proof.amr.as_str())
    .bind(s.proof.second_factor_at.map(|t| t.0))
    .bind(s.now.0)
}

/// A session of the user started now: what "Dormant" is measured from.
fn note_session_start(s: &NewSession) -> sqlx::query::Query<'_, Db, <Db as sqlx::Database>::Arguments> {
    sqlx::query("UPDATE users SET last_signed_in_at = $1 WHERE id = $2")
        .bind(s.now.0)
        .bind(s.user.0)
}

impl domain::storage::Sessions for crate::Backend<Db> {
    async fn create_session(&self, s: &NewSession, audit: &NewAudit) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        insert_session(s).execute(&mut *tx).await.map_err(map)?;
        note_session_start(s).execute(&mut *tx).await.map_err(map)?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn session_context(&self, id: &TokenHash) -> StoreResult<Option<SessionContext>> {
        let row = sqlx::query(
            "SELECT s.id_hash, s.assignment_id, s.created_at, s.last_seen_at, s.amr, s.second_factor_at, \
                    u.id AS user_id, u.email, u.first_name, u.last_name, u.status, \
                    a.id AS acting_id, a.role_id, a.ends_at, \
                    o.id AS org_id, o.code AS org_code, o.name AS org_name, o.kind AS org_kind, o.path AS org_path, \
                    EXISTS (SELECT 1 FROM assignment_clusters ac WHERE ac.assignment_id = a.id) AS clustered, \
                    EXISTS (SELECT 1 FROM assignment_payment_types ap WHERE ap.assignment_id = a.id) AS paid, \
                    (SELECT COUNT(*) FROM role_assignments r WHERE r.user_id = u.id AND r.status = 'active') AS active_roles, \
                    (EXISTS (SELECT 1 FROM authenticator_apps t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL) \
                     OR EXISTS (SELECT 1 FROM passkeys k WHERE k.user_id = u.id)) AS has_second_factor \
             FROM sessions s \
             JOIN users u ON u.id = s.user_id \
             LEFT JOIN role_assignments a ON a.id = s.assignment_id AND a.status = 'active' \
             LEFT JOIN organisations o ON o.id = a.organisation_id \
             WHERE s.id_hash = $1",
        )
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?;
        let Some(r) = row else { return Ok(None) };
        let user = user_row(&r)?;
        let session = SessionRecord {
            id_hash: TokenHash::from_stored(r.try_get("id_hash").map_err(map)?),
            user: user.id,
            assignment: r.try_get::<Option<i64>, _>("assignment_id").map_err(map)?.map(AssignmentId),
            created_at: Timestamp(r.try_get("created_at").map_err(map)?),
            last_seen_at: Timestamp(r.try_get("last_seen_at").map_err(map)?),
            proof: domain::model::session::SessionProof {
                amr: r.try_get("amr").map_err(map)?,
                second_factor_at: r.try_get::<Option<i64>, _>("second_factor_at").map_err(map)?.map(Timestamp),
                signed_in_at: Some(Timestamp(r.try_get("created_at").map_err(map)?)),
            },
        };
        let acting = match r.try_get::<Option<i64>, _>("acting_id").map_err(map)? {
            Some(a) => Some(ActingAs {
                assignment: AssignmentId(a),
                role: RoleId(r.try_get("role_id").map_err(map)?),
                organisation: org_ref_row(&r)?,
                // A second query only for the few assignments restricted to clusters.
                clusters: if r.try_get::<bool, _>("clustered").map_err(map)? {
                    restriction_of(&self.pool, a).await?
                } else {
                    None
                },
                payment_types: if r.try_get::<bool, _>("paid").map_err(map)? {
                    payment_types_of(&self.pool, a).await?
                } else {
                    Vec::new()
                },
                ends_at: r.try_get::<Option<i64>, _>("ends_at").map_err(map)?.map(Timestamp),
            }),
            None => None,
        };
        let active_roles: i64 = r.try_get("active_roles").map_err(map)?;
        Ok(Some(SessionContext {
            session,
            user,
            acting,
            active_roles,
            has_second_factor: r.try_get::<bool, _>("has_second_factor").map_err(map)?,
        }))
    }

    async fn touch_session(&self, id: &TokenHash, now: Timestamp) -> StoreResult<bool> {
        // Only forward: when a session falls due, every request of it in flight finds it due,
        // and each used to write it, one after another on the row's lock (on PostgreSQL each
        // holding a connection while it waited for the one before it to commit). Now the
        // first write wins; the rest find the row already moved once it commits, and change
        // nothing. Two instances whose clocks differ cannot move it back either.
        let done = sqlx::query(
            "UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2 AND last_seen_at < $1",
        )
        .bind(now.0)
        .bind(id.as_str())
        .execute(&self.pool)
        .await
        .map_err(map)?;
        Ok(done.rows_affected() == 1)
    }

    async fn rotate_session(&self, old: &TokenHash, new: &NewSession, audit: &NewAudit) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(old.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        insert_session(new).execute(&mut *tx).await.map_err(map)?;
        follow_grants(&mut tx, old, new).await?;
        note_session_start(new).execute(&mut *tx).await.map_err(map)?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(())
    }

    async fn sessions_of(&self, user: UserId) -> StoreResult<Vec<SessionSummary>> {
        let rows = sqlx::query(
            "SELECT id_hash, created_at, last_seen_at, client_address, user_agent FROM sessions \
             WHERE user_id = $1 ORDER BY created_at DESC, id_hash",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        rows.iter()
            .map(|r| {
                Ok(SessionSummary {
                    id_hash: TokenHash::from_stored(r.try_get("id_hash").map_err(map)?),
                    created_at: Timestamp(r.try_get("created_at").map_err(map)?),
                    last_seen_at: Timestamp(r.try_get("last_seen_at").map_err(map)?),
                    client: r.try_get("client_address").map_err(map)?,
                    agent: r.try_get("user_agent").map_err(map)?,
                })
            })
            .collect()
    }

    async fn end_other_sessions(&self, user: UserId, keep: &TokenHash, audit: &NewAudit) -> StoreResult<u64> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user.0)
            .bind(keep.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(0);
        }
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(done.rows_affected())
    }

    async fn end_session(&self, id: &TokenHash, audit: &NewAudit) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(())
    }

    async fn delete_session(&self, id: &TokenHash) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::Sessions {
        fn create_session(&self, s: &NewSession, audit: &NewAudit) -> ();
        fn session_context(&self, id: &TokenHash) -> Option<SessionContext>;
        fn touch_session(&self, id: &TokenHash, now: Timestamp) -> bool;
        fn rotate_session(&self, old: &TokenHash, new: &NewSession, audit: &NewAudit) -> ();
        fn delete_session(&self, id: &TokenHash) -> ();
        fn end_session(&self, id: &TokenHash, audit: &NewAudit) -> ();
        fn sessions_of(&self, user: UserId) -> Vec<domain::model::session::SessionSummary>;
        fn end_other_sessions(&self, user: UserId, keep: &TokenHash, audit: &NewAudit) -> u64;
    });
}
