// Self-registration, its review and activation. Included once per backend by `backends.rs`.

macro_rules! registration_select {
    () => {
        "SELECT a.id, a.user_id, a.created_at, a.role_reason, a.role_id, a.status, a.reason, \
                u.first_name, u.last_name, u.email, u.status AS user_status, r.name AS role_name, \
                o.id AS org_id, o.code AS org_code, o.name AS org_name, o.kind AS org_kind, o.path AS org_path, \
                d.first_name AS decider_first, d.last_name AS decider_last \
         FROM role_assignments a \
         JOIN users u ON u.id = a.user_id \
         JOIN organisations o ON o.id = a.organisation_id \
         JOIN roles r ON r.id = a.role_id \
         LEFT JOIN users d ON d.id = a.decided_by "
    };
}

/// The deepest tree `holders_above` looks up in one indexed query (platform, region, ICB,
/// sub-ICB location, practice and some to spare).
const MAX_DEPTH: usize = 8;

fn registration_row(r: &DbRow) -> StoreResult<RegistrationRow> {
    let status: String = r.try_get("status").map_err(map)?;
    let user_status: String = r.try_get("user_status").map_err(map)?;
    let email: String = r.try_get("email").map_err(map)?;
    let decider_first: Option<String> = r.try_get("decider_first").map_err(map)?;
    let decider_last: Option<String> = r.try_get("decider_last").map_err(map)?;
    Ok(RegistrationRow {
        assignment: AssignmentId(r.try_get("id").map_err(map)?),
        user: UserId(r.try_get("user_id").map_err(map)?),
        created_at: Timestamp(r.try_get("created_at").map_err(map)?),
        role_reason: r.try_get::<Option<String>, _>("role_reason").map_err(map)?.unwrap_or_default(),
        first_name: r.try_get("first_name").map_err(map)?,
        last_name: r.try_get("last_name").map_err(map)?,
        email: EmailAddress::parse(&email).map_err(|_| corrupt("email"))?,
        organisation: org_ref_row(r)?,
        role: RoleId(r.try_get("role_id").map_err(map)?),
        role_name: r.try_get("role_name").map_err(map)?,
        status: AssignmentStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
        user_status: AccountStatus::parse(&user_status).ok_or_else(|| corrupt("user status"))?,
        decided_by: match (decider_first, decider_last) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            _ => None,
        },
        reason: r.try_get("reason").map_err(map)?,
    })
}

/// What a link's row (user_id, expires_at, used_at) is worth at `now`: activation and reset links.
fn token_state(r: &DbRow, now: Timestamp) -> StoreResult<TokenState> {
    let user = UserId(r.try_get("user_id").map_err(map)?);
    let expires_at: i64 = r.try_get("expires_at").map_err(map)?;
    Ok(if r.try_get::<Option<i64>, _>("used_at").map_err(map)?.is_some() {
        TokenState::Used
    } else if expires_at <= now.0 {
        TokenState::Expired { user }
    } else {
        TokenState::Valid { user }
    })
}

/// The column a listing sorts by, and what a page of ids must join to read it.
fn sort_column(s: RegistrationSort) -> (&'static str, &'static str) {
    const USERS: &str = "JOIN users u ON u.id = a.user_id";
    match s {
        RegistrationSort::Created => ("a.created_at", ""),
        RegistrationSort::RoleReason => ("a.role_reason", ""),
        RegistrationSort::FirstName => ("u.first_name", USERS),
        RegistrationSort::LastName => ("u.last_name", USERS),
        RegistrationSort::Organisation => ("o.name", "JOIN organisations o ON o.id = a.organisation_id"),
        RegistrationSort::Role => ("r.sort_order", "JOIN roles r ON r.id = a.role_id"),
        RegistrationSort::Email => ("u.email", USERS),
        RegistrationSort::IsApproved => ("CASE WHEN a.status = 'active' THEN 1 ELSE 0 END", ""),
    }
}

/// The WHERE clause of a registration listing and the values it binds: registrations whose
/// person has not yet activated the account, for any arm's roles within that arm's scope. It
/// reads the assignment alone (its copies of the path and of the account's state), which one
/// index of waiting registrations answers.
fn registration_filter(q: &RegistrationQuery) -> (String, Args) {
    let mut args = Args::default();
    let arms = review_condition(&q.arms, &mut args);
    let sql = format!(
        "WHERE a.origin = 'registration' AND a.account_pending = TRUE AND a.status IN ('pending', 'active') AND {arms} "
    );
    (sql, args)
}

impl domain::storage::Registrations for crate::Backend<Db> {
    #[tracing::instrument(skip_all)]
    async fn holders_above(&self, path: &OrgPath) -> StoreResult<Vec<Holder>> {
        let ids: Vec<i64> = path
            .as_str()
            .split('/')
            .filter_map(|s| s.parse::<i64>().ok())
            .collect();
        let Some(last) = ids.last().copied() else {
            return Ok(Vec::new());
        };
        if ids.len() > MAX_DEPTH {
            return Err(StoreError::Backend("organisation tree deeper than supported".into()));
        }
        let mut query = sqlx::query(
            "SELECT u.id AS user_id, u.email, u.notify_by_email, a.id AS assignment_id, a.role_id, \
                    o.id AS org_id, o.code AS org_code, o.name AS org_name, o.kind AS org_kind, o.path AS org_path, \
                    EXISTS (SELECT 1 FROM assignment_clusters ac WHERE ac.assignment_id = a.id) AS clustered \
             FROM role_assignments a \
             JOIN users u ON u.id = a.user_id \
             JOIN organisations o ON o.id = a.organisation_id \
             WHERE a.organisation_id IN ($1, $2, $3, $4, $5, $6, $7, $8) \
               AND a.status = 'active' AND u.status = 'active' \
             ORDER BY u.id, a.id",
        );
        for i in 0..MAX_DEPTH {
            query = query.bind(ids.get(i).copied().unwrap_or(last));
        }
        let rows = query.fetch_all(&self.pool).await.map_err(map)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let email: String = r.try_get("email").map_err(map)?;
            let assignment: i64 = r.try_get("assignment_id").map_err(map)?;
            out.push(Holder {
                user: UserId(r.try_get("user_id").map_err(map)?),
                email: EmailAddress::parse(&email).map_err(|_| corrupt("email"))?,
                notify_by_email: r.try_get("notify_by_email").map_err(map)?,
                assignment: AssignmentId(assignment),
                role: RoleId(r.try_get("role_id").map_err(map)?),
                organisation: org_ref_row(r)?,
                // Read only for the few holders restricted to clusters.
                clusters: if r.try_get::<bool, _>("clustered").map_err(map)? {
                    restriction_of(&self.pool, assignment).await?
                } else {
                    None
                },
            });
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    async fn register(&self, reg: &NewRegistration) -> StoreResult<AssignmentId> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        let existing = sqlx::query(concat!("SELECT id, status, password_hash FROM users WHERE email = $1", row_lock!()))
            .bind(reg.email.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map)?;
        let user_id = match existing {
            Some(row) => {
                let id: i64 = row.try_get("id").map_err(map)?;
                let status: String = row.try_get("status").map_err(map)?;
                let hash: Option<String> = row.try_get("password_hash").map_err(map)?;
                if status != AccountStatus::Pending.as_str() || hash.is_some() {
                    return Err(StoreError::Conflict(Taken::Account));
                }
                let open = sqlx::query(
                    "SELECT organisation_id, role_id, status FROM role_assignments \
                     WHERE user_id = $1 AND status IN ('pending', 'active')",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await
                .map_err(map)?;
                for a in &open {
                    let same = a.try_get::<i64, _>("organisation_id").map_err(map)? == reg.organisation.0
                        && a.try_get::<i64, _>("role_id").map_err(map)? == reg.role.0;
                    if same {
                        return Err(StoreError::Conflict(Taken::Registration));
                    }
                }
                if !open.is_empty() {
                    return Err(StoreError::Conflict(Taken::Account));
                }
                // A pending account whose earlier requests were all rejected may ask again.
                sqlx::query("UPDATE users SET first_name = $1, last_name = $2 WHERE id = $3")
                    .bind(reg.first_name.as_str())
                    .bind(reg.last_name.as_str())
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(map)?;
                id
            }
            None => {
                let row = sqlx::query(
                    "INSERT INTO users (email, first_name, last_name, status, password_hash, created_at) \
                     VALUES ($1, $2, $3, 'pending', NULL, $4) RETURNING id",
                )
                .bind(reg.email.as_str())
                .bind(reg.first_name.as_str())
                .bind(reg.last_name.as_str())
                .bind(reg.at.0)
                .fetch_one(&mut *tx)
                .await
                // Two identical submissions racing: the loser asked for the same thing.
                .map_err(|e| match map(e) {
                    StoreError::Conflict(_) => StoreError::Conflict(Taken::Registration),
                    other => other,
                })?;
                row.try_get("id").map_err(map)?
            }
        };
        let row = sqlx::query(
            "INSERT INTO role_assignments (user_id, organisation_id, role_id, status, origin, role_reason, created_at) \
             VALUES ($1, $2, $3, 'pending', 'registration', $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(reg.organisation.0)
        .bind(reg.role.0)
        .bind(domain::rules::review::SELF_REGISTRATION_REASON)
        .bind(reg.at.0)
        .fetch_one(&mut *tx)
        .await
        // At most one open registration per person (a partial unique index): a racing twin.
        .map_err(|e| match map(e) {
            StoreError::Conflict(_) => StoreError::Conflict(Taken::Registration),
            other => other,
        })?;
        let assignment: i64 = row.try_get("id").map_err(map)?;
        for reviewer in &reg.notify {
            sqlx::query(
                "INSERT INTO notifications (user_id, body, assignment_id, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(reviewer.0)
            .bind(&reg.notice)
            .bind(assignment)
            .bind(reg.at.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        }
        queue_emails_in(&mut tx, &reg.emails, reg.at).await?;
        let mut audit = reg.audit.clone();
        audit.actor = Some(UserId(user_id));
        audit.target_user = Some(UserId(user_id));
        insert_audit(&mut *tx, &audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(AssignmentId(assignment))
    }

    #[tracing::instrument(skip_all)]
    async fn registrations(&self, q: &RegistrationQuery) -> StoreResult<(Vec<RegistrationRow>, i64)> {
        let (filter, args) = registration_filter(q);
        let direction = if q.descending { "DESC" } else { "ASC" };
        let count_sql = format!("SELECT COUNT(*) AS n FROM role_assignments a {filter}");
        // Built only from fixed fragments and placeholder numbers (see registration_filter).
        let count = bind_args!(sqlx::query(sqlx::AssertSqlSafe(count_sql)), args);
        let (limit, offset) = (row_count(q.limit), row_count(q.offset));
        let (column, join) = sort_column(q.sort);
        let order = format!("ORDER BY {column} {direction}, a.id {direction}");
        // The page's ids first, joining only what the sort needs; the rest is read for them alone.
        let list_sql = format!(
            "WITH page AS MATERIALIZED (SELECT a.id FROM role_assignments a {join} {filter} {order} LIMIT {limit} OFFSET {offset}) \
             {} WHERE a.id IN (SELECT id FROM page) {order}",
            registration_select!(),
        );
        let list = bind_args!(sqlx::query(sqlx::AssertSqlSafe(list_sql)), args);
        let total: i64 = count.fetch_one(&self.pool).await.map_err(map)?.try_get("n").map_err(map)?;
        // A limit of 0 asks for the count alone (Home's tile).
        if q.limit <= 0 {
            return Ok((Vec::new(), total));
        }
        let rows = list
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        let rows = rows.iter().map(registration_row).collect::<StoreResult<Vec<_>>>()?;
        Ok((rows, total))
    }

    async fn registration(&self, id: AssignmentId) -> StoreResult<Option<RegistrationRow>> {
        let sql = concat!(registration_select!(), "WHERE a.id = $1 AND a.origin = 'registration'");
        let row = sqlx::query(sql).bind(id.0).fetch_optional(&self.pool).await.map_err(map)?;
        row.as_ref().map(registration_row).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn decide_registration(&self, v: &Verdict) -> StoreResult<DecideOutcome> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let (status, reason, ends_at) = match &v.outcome {
            VerdictOutcome::Approve { ends_at, .. } => (AssignmentStatus::Active, None, *ends_at),
            VerdictOutcome::Reject { reason } => (AssignmentStatus::Rejected, Some(reason.clone()), None),
        };
        let done = sqlx::query(
            "UPDATE role_assignments SET status = $1, reason = $2, decided_by = $3, decided_at = $4, ends_at = $6 \
             WHERE id = $5 AND status = 'pending' AND origin = 'registration'",
        )
        .bind(status.as_str())
        .bind(reason)
        .bind(v.by.0)
        .bind(v.at.0)
        .bind(v.assignment.0)
        .bind(ends_at.map(|e| e.0))
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            let sql = concat!(registration_select!(), "WHERE a.id = $1 AND a.origin = 'registration'");
            let row = sqlx::query(sql).bind(v.assignment.0).fetch_optional(&self.pool).await.map_err(map)?;
            return Ok(match row.as_ref().map(registration_row).transpose()? {
                Some(r) => DecideOutcome::AlreadyDecided { by: r.decided_by, status: r.status },
                None => DecideOutcome::Missing,
            });
        }
        if let VerdictOutcome::Approve { token, expires_at, .. } = &v.outcome {
            sqlx::query(
                "INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at) \
                 SELECT $1, user_id, 'activation', $2, $3 FROM role_assignments WHERE id = $4",
            )
            .bind(token.as_str())
            .bind(v.at.0)
            .bind(expires_at.0)
            .bind(v.assignment.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        }
        // The reviewers' notifications about it have been dealt with.
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE assignment_id = $2 AND read_at IS NULL")
            .bind(v.at.0)
            .bind(v.assignment.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        queue_emails_in(&mut tx, std::slice::from_ref(&v.email), v.at).await?;
        insert_audit(&mut *tx, &v.audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(DecideOutcome::Decided)
    }

    async fn replace_activation(
        &self,
        user: UserId,
        token: &TokenHash,
        at: Timestamp,
        expires_at: Timestamp,
        email: &NewEmail,
        audit: Option<&NewAudit>,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        // Only for an account still waiting to be activated: a resend racing the activation
        // must not mail a link to an account that no longer needs one.
        let pending = sqlx::query(concat!(
            "SELECT id FROM users WHERE id = $1 AND status = 'pending' AND password_hash IS NULL",
            row_lock!()
        ))
        .bind(user.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map)?;
        if pending.is_none() {
            tx.rollback().await.map_err(map)?;
            return Err(StoreError::Missing(Gone::PendingAccount));
        }
        sqlx::query("DELETE FROM user_tokens WHERE user_id = $1 AND purpose = 'activation' AND used_at IS NULL")
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        sqlx::query(
            "INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, 'activation', $3, $4)",
        )
        .bind(token.as_str())
        .bind(user.0)
        .bind(at.0)
        .bind(expires_at.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        queue_emails_in(&mut tx, std::slice::from_ref(email), at).await?;
        if let Some(audit) = audit {
            insert_audit(&mut *tx, audit).await?;
        }
        tx.commit().await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn delete_registration(&self, id: AssignmentId, audit: &NewAudit) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        // Locked, so a decision racing the deletion either comes first or finds nothing.
        let row = sqlx::query(concat!(
            "SELECT a.user_id FROM role_assignments a JOIN users u ON u.id = a.user_id \
             WHERE a.id = $1 AND a.origin = 'registration' AND u.status = 'pending'",
            row_lock!()
        ))
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map)?;
        let Some(row) = row else {
            return Ok(false);
        };
        let user: i64 = row.try_get("user_id").map_err(map)?;
        // Its activation link dies with it, whatever else the person has.
        sqlx::query("DELETE FROM user_tokens WHERE user_id = $1 AND used_at IS NULL")
            .bind(user)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        for sql in [
            "DELETE FROM notifications WHERE assignment_id = $1",
            "DELETE FROM assignment_payment_types WHERE assignment_id = $1",
            "DELETE FROM role_assignments WHERE id = $1",
        ] {
            sqlx::query(sql).bind(id.0).execute(&mut *tx).await.map_err(map)?;
        }
        let others = sqlx::query("SELECT COUNT(*) AS n FROM role_assignments WHERE user_id = $1")
            .bind(user)
            .fetch_one(&mut *tx)
            .await
            .map_err(map)?;
        if others.try_get::<i64, _>("n").map_err(map)? == 0 {
            // Nothing else is theirs: an account that never started leaves no trace.
            for sql in [
                "DELETE FROM user_tokens WHERE user_id = $1",
                "DELETE FROM notifications WHERE user_id = $1",
                "DELETE FROM sessions WHERE user_id = $1",
                "DELETE FROM users WHERE id = $1",
            ] {
                sqlx::query(sql).bind(user).execute(&mut *tx).await.map_err(map)?;
            }
        }
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    async fn activation_token(&self, token: &TokenHash, now: Timestamp) -> StoreResult<TokenState> {
        let row = sqlx::query(
            "SELECT user_id, expires_at, used_at FROM user_tokens WHERE token_hash = $1 AND purpose = 'activation'",
        )
        .bind(token.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?;
        row.map_or(Ok(TokenState::Unknown), |r| token_state(&r, now))
    }

    #[tracing::instrument(skip_all)]
    async fn activate(&self, token: &TokenHash, password: &PasswordHash, now: Timestamp, audit: &NewAudit) -> StoreResult<Option<UserId>> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let row = sqlx::query(
            "UPDATE user_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND purpose = 'activation' AND used_at IS NULL AND expires_at > $1 \
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
        let done = sqlx::query(
            "UPDATE users SET password_hash = $1, status = 'active' WHERE id = $2 AND status = 'pending'",
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
        let mut audit = audit.clone();
        audit.actor = Some(UserId(user));
        audit.target_user = Some(UserId(user));
        insert_audit(&mut *tx, &audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(Some(UserId(user)))
    }
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::Registrations {
        fn holders_above(&self, path: &OrgPath) -> Vec<Holder>;
        fn register(&self, r: &NewRegistration) -> AssignmentId;
        fn registrations(&self, q: &RegistrationQuery) -> (Vec<RegistrationRow>, i64);
        fn registration(&self, id: AssignmentId) -> Option<RegistrationRow>;
        fn decide_registration(&self, v: &Verdict) -> DecideOutcome;
        fn replace_activation(&self, user: UserId, token: &TokenHash, at: Timestamp, expires_at: Timestamp, email: &NewEmail, audit: Option<&NewAudit>) -> ();
        fn delete_registration(&self, id: AssignmentId, audit: &NewAudit) -> bool;
        fn activation_token(&self, token: &TokenHash, now: Timestamp) -> TokenState;
        fn activate(&self, token: &TokenHash, password: &PasswordHash, now: Timestamp, audit: &NewAudit) -> Option<UserId>;
    });
}
