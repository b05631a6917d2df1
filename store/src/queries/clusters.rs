// Service Provider Clusters. Included once per backend by `backends.rs`, with `Db` set.

const ORG_COLUMNS: &str = "o.id, o.code, o.name, o.kind, o.type_label, o.parent_id, o.path, \
     o.start_date, o.end_date, o.contract_type, o.multi_level_approval";

fn cluster_row(r: &DbRow) -> StoreResult<domain::model::cluster::Cluster> {
    Ok(domain::model::cluster::Cluster {
        id: domain::model::cluster::ClusterId(r.try_get("id").map_err(map)?),
        owner: OrgId(r.try_get("organisation_id").map_err(map)?),
        short_name: r.try_get("short_name").map_err(map)?,
        name: r.try_get("name").map_err(map)?,
        description: r.try_get("description").map_err(map)?,
        members: r.try_get("members").map_err(map)?,
        created_at: Timestamp(r.try_get("created_at").map_err(map)?),
        retired_at: r.try_get::<Option<i64>, _>("retired_at").map_err(map)?.map(Timestamp),
    })
}

const CLUSTER_SELECT: &str = "SELECT c.id, c.organisation_id, c.short_name, c.name, c.description, \
        c.created_at, c.retired_at, \
        (SELECT COUNT(*) FROM cluster_members m WHERE m.cluster_id = c.id) AS members \
     FROM clusters c";

async fn insert_members(
    conn: &mut <Db as sqlx::Database>::Connection,
    id: i64,
    members: &[OrgId],
) -> StoreResult<()> {
    // One statement per 500 members: no query per row, and well inside every placeholder limit.
    for chunk in members.chunks(500) {
        let mut args = Args::default();
        let cluster = args.push(Arg::Int(id));
        let values: Vec<String> = chunk
            .iter()
            .map(|m| format!("({cluster}, {})", args.push(Arg::Int(m.0))))
            .collect();
        let sql = format!(
            "INSERT INTO cluster_members (cluster_id, organisation_id) VALUES {}",
            values.join(", ")
        );
        bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
            .execute(&mut *conn)
            .await
            .map_err(map)?;
    }
    Ok(())
}

/// The payment types a new or changed assignment is restricted to.
async fn insert_payment_types(
    conn: &mut <Db as sqlx::Database>::Connection,
    assignment: i64,
    payment_types: &[String],
) -> StoreResult<()> {
    for p in payment_types {
        sqlx::query("INSERT INTO assignment_payment_types (assignment_id, payment_type) VALUES ($1, $2)")
            .bind(assignment)
            .bind(p)
            .execute(&mut *conn)
            .await
            .map_err(map)?;
    }
    Ok(())
}

/// Restricts an assignment to these clusters, in one statement per 500. Only live clusters of the
/// organisation the assignment is held at can be assigned: any other is `Missing`.
async fn insert_assignment_clusters(
    conn: &mut <Db as sqlx::Database>::Connection,
    assignment: i64,
    clusters: &[domain::model::cluster::ClusterId],
) -> StoreResult<()> {
    for chunk in clusters.chunks(500) {
        let mut args = Args::default();
        let a = args.push(Arg::Int(assignment));
        let values: Vec<String> = chunk
            .iter()
            .map(|c| format!("({a}, {})", args.push(Arg::Int(c.0))))
            .collect();
        let sql = format!(
            "INSERT INTO assignment_clusters (assignment_id, cluster_id) \
             SELECT v.column1, v.column2 FROM (VALUES {}) AS v \
             JOIN clusters k ON k.id = v.column2 AND k.retired_at IS NULL \
             JOIN role_assignments r ON r.id = v.column1 AND r.organisation_id = k.organisation_id",
            values.join(", ")
        );
        let done = bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
            .execute(&mut *conn)
            .await
            .map_err(map)?;
        if done.rows_affected() != chunk.len() as u64 {
            return Err(StoreError::Missing(Gone::Cluster));
        }
    }
    Ok(())
}

impl domain::storage::Clusters for crate::Backend<Db> {
    async fn organisations_by_codes(&self, codes: &[OdsCode]) -> StoreResult<Vec<(Organisation, String)>> {
        let mut out = Vec::with_capacity(codes.len());
        for chunk in codes.chunks(500) {
            let mut args = Args::default();
            let list: Vec<String> = chunk
                .iter()
                .map(|c| args.push(Arg::Text(c.as_str().to_owned())))
                .collect();
            let sql = format!(
                "SELECT {ORG_COLUMNS}, COALESCE(p.name, '') AS parent_name FROM organisations o \
                 LEFT JOIN organisations p ON p.id = o.parent_id WHERE o.code IN ({})",
                list.join(", ")
            );
            let rows = bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
                .fetch_all(&self.pool)
                .await
                .map_err(map)?;
            for r in &rows {
                out.push((organisation_row(r)?, r.try_get::<String, _>("parent_name").map_err(map)?));
            }
        }
        Ok(out)
    }

    async fn cluster_named(&self, owner: OrgId, name_key: &str) -> StoreResult<Option<domain::model::cluster::ClusterId>> {
        let row = sqlx::query(
            "SELECT id FROM clusters WHERE organisation_id = $1 AND name_key = $2 AND retired_at IS NULL",
        )
        .bind(owner.0)
        .bind(name_key)
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?;
        row.map(|r| Ok(domain::model::cluster::ClusterId(r.try_get("id").map_err(map)?)))
            .transpose()
    }

    async fn cluster_by_short_name(&self, short_name: &str) -> StoreResult<Option<domain::model::cluster::Cluster>> {
        let sql = format!("{CLUSTER_SELECT} WHERE c.short_name = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(short_name)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        row.as_ref().map(cluster_row).transpose()
    }

    async fn clusters_of(&self, owner: OrgId, search: &str) -> StoreResult<Vec<domain::model::cluster::Cluster>> {
        let sql = format!(
            "{CLUSTER_SELECT} WHERE c.organisation_id = $1 \
               AND ($2 = '' OR c.short_name = $3 OR c.name_key LIKE $4 ESCAPE '\\') \
             ORDER BY c.created_at DESC, c.id DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(owner.0)
            .bind(search)
            .bind(search.to_uppercase())
            .bind(contains_pattern(search))
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        rows.iter().map(cluster_row).collect()
    }

    async fn cluster_members(&self, id: domain::model::cluster::ClusterId) -> StoreResult<Vec<(Organisation, String)>> {
        let sql = format!(
            "SELECT {ORG_COLUMNS}, COALESCE(p.name, '') AS parent_name \
             FROM cluster_members m JOIN organisations o ON o.id = m.organisation_id \
             LEFT JOIN organisations p ON p.id = o.parent_id \
             WHERE m.cluster_id = $1 ORDER BY o.code"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        rows.iter()
            .map(|r| Ok((organisation_row(r)?, r.try_get::<String, _>("parent_name").map_err(map)?)))
            .collect()
    }

    async fn create_cluster(&self, c: &domain::model::cluster::ClusterChange) -> StoreResult<domain::model::cluster::ClusterId> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let row = sqlx::query(
            "INSERT INTO clusters (organisation_id, short_name, name, name_key, description, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(c.owner.0)
        .bind(&c.short_name)
        .bind(&c.name)
        .bind(domain::features::clusters::name_key(&c.name))
        .bind(&c.description)
        .bind(c.at.0)
        .bind(c.by.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(map)?;
        let id: i64 = row.try_get("id").map_err(map)?;
        insert_members(&mut tx, id, &c.members).await?;
        insert_audit(&mut *tx, &c.audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(domain::model::cluster::ClusterId(id))
    }

    async fn update_cluster(&self, id: domain::model::cluster::ClusterId, c: &domain::model::cluster::ClusterChange) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query(
            "UPDATE clusters SET name = $1, name_key = $2, description = $3 \
             WHERE id = $4 AND organisation_id = $5 AND retired_at IS NULL",
        )
        .bind(&c.name)
        .bind(domain::features::clusters::name_key(&c.name))
        .bind(&c.description)
        .bind(id.0)
        .bind(c.owner.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Missing(Gone::Cluster));
        }
        sqlx::query("DELETE FROM cluster_members WHERE cluster_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        insert_members(&mut tx, id.0, &c.members).await?;
        insert_audit(&mut *tx, &c.audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(())
    }

    async fn retire_cluster(&self, id: domain::model::cluster::ClusterId, at: Timestamp, audit: &NewAudit) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query("UPDATE clusters SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL")
            .bind(at.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Missing(Gone::Cluster));
        }
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(())
    }

}

impl domain::storage::Grants for crate::Backend<Db> {
    async fn add_user(&self, u: &domain::storage::AddedUser) -> StoreResult<UserId> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let row = sqlx::query(
            "INSERT INTO users (email, first_name, last_name, status, password_hash, created_at, phone, mobile) \
             VALUES ($1, $2, $3, $4, NULL, $5, $6, $7) RETURNING id",
        )
        .bind(u.user.email.as_str())
        .bind(u.user.first_name.as_str())
        .bind(u.user.last_name.as_str())
        .bind(u.user.status.as_str())
        .bind(u.user.created_at.0)
        .bind(&u.phone)
        .bind(u.mobile.as_deref())
        .fetch_one(&mut *tx)
        .await
        .map_err(map)?;
        let user: i64 = row.try_get("id").map_err(map)?;
        for g in &u.grants {
            let row = sqlx::query(
                "INSERT INTO role_assignments (user_id, organisation_id, role_id, status, created_at, origin, ends_at) \
                 VALUES ($1, $2, $3, 'active', $4, 'admin', $5) RETURNING id",
            )
            .bind(user)
            .bind(g.organisation.0)
            .bind(g.role.0)
            .bind(u.user.created_at.0)
            .bind(u.ends_at.map(|e| e.0))
            .fetch_one(&mut *tx)
            .await
            .map_err(map)?;
            let assignment: i64 = row.try_get("id").map_err(map)?;
            insert_payment_types(&mut tx, assignment, &g.payment_types).await?;
            insert_assignment_clusters(&mut tx, assignment, &g.clusters).await?;
        }
        sqlx::query(
            "INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, 'activation', $3, $4)",
        )
        .bind(u.token.as_str())
        .bind(user)
        .bind(u.user.created_at.0)
        .bind(u.expires_at.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        queue_emails_in(&mut tx, std::slice::from_ref(&u.email), u.user.created_at).await?;
        let mut audit = u.audit.clone();
        audit.target_user = Some(UserId(user));
        insert_audit(&mut *tx, &audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(UserId(user))
    }

    async fn grant_roles(&self, g: &domain::storage::GrantedRoles) -> StoreResult<()> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        // Under a lock on the user, so that two racing submissions see each other's roles.
        let user = sqlx::query(concat!("SELECT id FROM users WHERE id = $1", row_lock!()))
            .bind(g.user.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(map)?;
        if user.is_none() {
            return Err(StoreError::Missing(Gone::User));
        }
        for grant in &g.grants {
            // Never a role held or waited for there, nor one that may not sit beside an active
            // role there (tier 1 and tier 2).
            let row = sqlx::query(
                "INSERT INTO role_assignments (user_id, organisation_id, role_id, status, created_at, origin, ends_at) \
                 SELECT $1, $2, $3, 'active', $4, 'admin', $9 \
                 WHERE NOT EXISTS (SELECT 1 FROM role_assignments h \
                                   WHERE h.user_id = $5 AND h.organisation_id = $6 \
                                     AND ((h.role_id = $7 AND h.status IN ('active', 'pending')) \
                                       OR (h.status = 'active' AND EXISTS (SELECT 1 FROM role_conflicts k \
                                           WHERE k.role_id = $8 AND k.other_role_id = h.role_id)))) \
                 RETURNING id",
            )
            .bind(g.user.0)
            .bind(grant.organisation.0)
            .bind(grant.role.0)
            .bind(g.at.0)
            .bind(g.user.0)
            .bind(grant.organisation.0)
            .bind(grant.role.0)
            .bind(grant.role.0)
            .bind(g.ends_at.map(|e| e.0))
            .fetch_optional(&mut *tx)
            .await
            .map_err(map)?;
            let Some(row) = row else {
                return Err(StoreError::Conflict(Taken::RoleHeld));
            };
            let assignment: i64 = row.try_get("id").map_err(map)?;
            insert_payment_types(&mut tx, assignment, &grant.payment_types).await?;
            insert_assignment_clusters(&mut tx, assignment, &grant.clusters).await?;
        }
        queue_emails_in(&mut tx, std::slice::from_ref(&g.email), g.at).await?;
        for audit in &g.audits {
            insert_audit(&mut *tx, audit).await?;
        }
        tx.commit().await.map_err(map)?;
        Ok(())
    }

    async fn restrict_assignment(
        &self,
        assignment: AssignmentId,
        role: domain::RoleId,
        payment_types: &[String],
        clusters: &[domain::model::cluster::ClusterId],
        audit: &NewAudit,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        // Under a lock on the user, as Add Organisation takes it, so the two cannot race.
        let user = sqlx::query(concat!(
            "SELECT id FROM users WHERE id = (SELECT user_id FROM role_assignments WHERE id = $1 AND status = 'active')",
            row_lock!()
        ))
        .bind(assignment.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map)?;
        if user.is_none() {
            return Err(StoreError::Missing(Gone::ActiveAssignment));
        }
        // The same role, or one not held, waited for, nor conflicting at that organisation.
        let changed = sqlx::query(
            "UPDATE role_assignments SET role_id = $1 WHERE id = $2 AND status = 'active' \
             AND NOT EXISTS (SELECT 1 FROM role_assignments h \
                             WHERE h.user_id = role_assignments.user_id \
                               AND h.organisation_id = role_assignments.organisation_id \
                               AND h.id <> role_assignments.id \
                               AND ((h.role_id = $3 AND h.status IN ('active', 'pending')) \
                                 OR (h.status = 'active' AND EXISTS (SELECT 1 FROM role_conflicts k \
                                     WHERE k.role_id = $4 AND k.other_role_id = h.role_id))))",
        )
        .bind(role.0)
        .bind(assignment.0)
        .bind(role.0)
        .bind(role.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::Conflict(Taken::RoleHeld));
        }
        for table in ["assignment_payment_types", "assignment_clusters"] {
            // The table's name is one of the two above, never input.
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE assignment_id = $1")))
                .bind(assignment.0)
                .execute(&mut *tx)
                .await
                .map_err(map)?;
        }
        insert_payment_types(&mut tx, assignment.0, payment_types).await?;
        insert_assignment_clusters(&mut tx, assignment.0, clusters).await?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(())
    }

    async fn set_assignment_clusters(
        &self,
        assignment: AssignmentId,
        clusters: &[domain::model::cluster::ClusterId],
        audit: Option<&NewAudit>,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        sqlx::query("DELETE FROM assignment_clusters WHERE assignment_id = $1")
            .bind(assignment.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        insert_assignment_clusters(&mut tx, assignment.0, clusters).await?;
        if let Some(audit) = audit {
            insert_audit(&mut *tx, audit).await?;
        }
        tx.commit().await.map_err(map)?;
        Ok(())
    }
}

/// The members of the live clusters an assignment is restricted to, or `None` when it is
/// restricted to no cluster at all. An assignment whose clusters have all been retired is still
/// restricted: to nothing (`Some` of no paths). Reading it as unrestricted would hand its holder
/// the whole organisation the moment the last cluster retired.
async fn restriction_of(pool: &sqlx::Pool<Db>, assignment: i64) -> StoreResult<Option<Vec<OrgPath>>> {
    let rows = sqlx::query(
        "SELECT o.path FROM assignment_clusters ac \
         JOIN clusters c ON c.id = ac.cluster_id \
         LEFT JOIN cluster_members m ON m.cluster_id = c.id AND c.retired_at IS NULL \
         LEFT JOIN organisations o ON o.id = m.organisation_id \
         WHERE ac.assignment_id = $1",
    )
    .bind(assignment)
    .fetch_all(pool)
    .await
    .map_err(map)?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut paths = Vec::with_capacity(rows.len());
    for r in &rows {
        if let Some(p) = r.try_get::<Option<String>, _>("path").map_err(map)? {
            paths.push(OrgPath::from_stored(p));
        }
    }
    Ok(Some(paths))
}

/// The payment types an assignment is restricted to, in the catalogue's order.
async fn payment_types_of(pool: &sqlx::Pool<Db>, assignment: i64) -> StoreResult<Vec<String>> {
    let rows = sqlx::query(
        "SELECT ap.payment_type FROM assignment_payment_types ap \
         JOIN payment_types t ON t.code = ap.payment_type \
         WHERE ap.assignment_id = $1 ORDER BY t.sort_order",
    )
    .bind(assignment)
    .fetch_all(pool)
    .await
    .map_err(map)?;
    rows.iter()
        .map(|r| r.try_get::<String, _>("payment_type").map_err(map))
        .collect()
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::Clusters {
        fn organisations_by_codes(&self, codes: &[OdsCode]) -> Vec<(Organisation, String)>;
        fn cluster_named(&self, owner: OrgId, name_key: &str) -> Option<domain::model::cluster::ClusterId>;
        fn cluster_by_short_name(&self, short_name: &str) -> Option<domain::model::cluster::Cluster>;
        fn clusters_of(&self, owner: OrgId, search: &str) -> Vec<domain::model::cluster::Cluster>;
        fn cluster_members(&self, id: domain::model::cluster::ClusterId) -> Vec<(Organisation, String)>;
        fn create_cluster(&self, c: &domain::model::cluster::ClusterChange) -> domain::model::cluster::ClusterId;
        fn update_cluster(&self, id: domain::model::cluster::ClusterId, c: &domain::model::cluster::ClusterChange) -> ();
        fn retire_cluster(&self, id: domain::model::cluster::ClusterId, at: Timestamp, audit: &NewAudit) -> ();
    });
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::Grants {
        fn add_user(&self, u: &domain::storage::AddedUser) -> UserId;
        fn grant_roles(&self, g: &domain::storage::GrantedRoles) -> ();
        fn restrict_assignment(&self, assignment: AssignmentId, role: domain::RoleId, payment_types: &[String], clusters: &[domain::model::cluster::ClusterId], audit: &NewAudit) -> ();
        fn set_assignment_clusters(&self, assignment: AssignmentId, clusters: &[domain::model::cluster::ClusterId], audit: Option<&NewAudit>) -> ();
    });
}
