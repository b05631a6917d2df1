// Users and role assignments. Included once per backend by `backends.rs`, with `Db` set.

fn user_row(r: &DbRow) -> StoreResult<User> {
    let email: String = r.try_get("email").map_err(map)?;
    let status: String = r.try_get("status").map_err(map)?;
    Ok(User {
        id: UserId(r.try_get("user_id").map_err(map)?),
        email: EmailAddress::parse(&email).map_err(|_| corrupt("email"))?,
        first_name: r.try_get("first_name").map_err(map)?,
        last_name: r.try_get("last_name").map_err(map)?,
        status: AccountStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
    })
}

impl domain::storage::Accounts for crate::Backend<Db> {
    #[tracing::instrument(skip_all)]
    async fn insert_user(&self, u: &NewUser) -> StoreResult<UserId> {
        let row = sqlx::query(
            "INSERT INTO users (email, first_name, last_name, status, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(u.email.as_str())
        .bind(u.first_name.as_str())
        .bind(u.last_name.as_str())
        .bind(u.status.as_str())
        .bind(u.password_hash.as_ref().map(|h| h.as_phc().to_owned()))
        .bind(u.created_at.0)
        .fetch_one(&self.pool)
        .await
        .map_err(map)?;
        Ok(UserId(row.try_get("id").map_err(map)?))
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        let row = sqlx::query("SELECT id AS user_id, email, first_name, last_name, status FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        row.as_ref().map(user_row).transpose()
    }

    async fn credentials(&self, email: &EmailAddress) -> StoreResult<Option<Credentials>> {
        let row = sqlx::query("SELECT id, status, password_hash FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        let Some(r) = row else { return Ok(None) };
        let status: String = r.try_get("status").map_err(map)?;
        Ok(Some(Credentials {
            user: UserId(r.try_get("id").map_err(map)?),
            status: AccountStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
            password_hash: r.try_get::<Option<String>, _>("password_hash").map_err(map)?.map(PasswordHash::from_phc),
        }))
    }

    async fn count_users(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(&self.pool).await.map_err(map)?;
        row.try_get("n").map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn insert_assignment(&self, a: &NewAssignment) -> StoreResult<AssignmentId> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let row = sqlx::query(
            "INSERT INTO role_assignments (user_id, organisation_id, role_id, status, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(a.user.0)
        .bind(a.organisation.0)
        .bind(a.role.0)
        .bind(a.status.as_str())
        .bind(a.created_at.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(map)?;
        let id: i64 = row.try_get("id").map_err(map)?;
        insert_payment_types(&mut tx, id, &a.payment_types).await?;
        tx.commit().await.map_err(map)?;
        Ok(AssignmentId(id))
    }

    #[tracing::instrument(skip_all)]
    async fn assignments_of(&self, user: UserId) -> StoreResult<Vec<AssignmentView>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.role_id, a.status, r.name AS role_name, a.ends_at, {expired} AS expired, \
                    o.id AS org_id, o.code AS org_code, o.name AS org_name, o.kind AS org_kind, o.path AS org_path \
             FROM role_assignments a \
             JOIN roles r ON r.id = a.role_id \
             JOIN organisations o ON o.id = a.organisation_id \
             WHERE a.user_id = $1 \
             ORDER BY o.name, r.sort_order, a.id",
            expired = ended_on_its_date("a"),
        )))
        .bind(user.0)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        let restrictions = sqlx::query(
            "SELECT p.assignment_id, p.payment_type FROM assignment_payment_types p \
             JOIN role_assignments a ON a.id = p.assignment_id \
             JOIN payment_types t ON t.code = p.payment_type \
             WHERE a.user_id = $1 ORDER BY t.sort_order",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        let mut by_assignment: HashMap<i64, Vec<String>> = HashMap::new();
        for r in &restrictions {
            by_assignment
                .entry(r.try_get("assignment_id").map_err(map)?)
                .or_default()
                .push(r.try_get("payment_type").map_err(map)?);
        }
        // Retired clusters are listed too, named as retired: a role limited to them reaches
        // nothing, and showing no cluster would read as "the whole organisation".
        let clustered = sqlx::query(
            "SELECT ac.assignment_id, c.short_name, \
                    CASE WHEN c.retired_at IS NULL THEN c.name ELSE c.name || ' (retired)' END AS name \
             FROM assignment_clusters ac \
             JOIN clusters c ON c.id = ac.cluster_id \
             JOIN role_assignments a ON a.id = ac.assignment_id \
             WHERE a.user_id = $1 ORDER BY c.name",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        let mut clusters: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        for r in &clustered {
            clusters
                .entry(r.try_get("assignment_id").map_err(map)?)
                .or_default()
                .push((r.try_get("short_name").map_err(map)?, r.try_get("name").map_err(map)?));
        }
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id").map_err(map)?;
                let status: String = r.try_get("status").map_err(map)?;
                Ok(AssignmentView {
                    id: AssignmentId(id),
                    user,
                    organisation: org_ref_row(r)?,
                    role: RoleId(r.try_get("role_id").map_err(map)?),
                    role_name: r.try_get("role_name").map_err(map)?,
                    status: AssignmentStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
                    payment_types: by_assignment.remove(&id).unwrap_or_default(),
                    clusters: clusters.remove(&id).unwrap_or_default(),
                    ends_at: r.try_get::<Option<i64>, _>("ends_at").map_err(map)?.map(Timestamp),
                    expired: r.try_get::<bool, _>("expired").map_err(map)?,
                })
            })
            .collect()
    }
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::Accounts {
        fn insert_user(&self, user: &NewUser) -> UserId;
        fn user(&self, id: UserId) -> Option<User>;
        fn credentials(&self, email: &EmailAddress) -> Option<Credentials>;
        fn count_users(&self) -> i64;
        fn insert_assignment(&self, a: &NewAssignment) -> AssignmentId;
        fn assignments_of(&self, user: UserId) -> Vec<AssignmentView>;
    });
}
