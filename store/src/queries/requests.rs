// Access requests: a pending role assignment with origin 'request'. Included once per backend
// by `backends.rs`.

macro_rules! request_select {
    () => {
        "SELECT a.id, a.user_id, a.role_id, a.status, a.role_reason, a.reason, a.created_at, a.ends_at, r.name AS role_name, \
                u.first_name, u.last_name, u.email, u.notify_by_email, \
                o.id AS org_id, o.code AS org_code, o.name AS org_name, o.kind AS org_kind, o.path AS org_path \
         FROM role_assignments a \
         JOIN users u ON u.id = a.user_id \
         JOIN roles r ON r.id = a.role_id \
         JOIN organisations o ON o.id = a.organisation_id "
    };
}

fn request_row(r: &DbRow) -> StoreResult<domain::storage::RequestRow> {
    let status: String = r.try_get("status").map_err(map)?;
    let email: String = r.try_get("email").map_err(map)?;
    Ok(domain::storage::RequestRow {
        id: AssignmentId(r.try_get("id").map_err(map)?),
        user: UserId(r.try_get("user_id").map_err(map)?),
        first_name: r.try_get("first_name").map_err(map)?,
        last_name: r.try_get("last_name").map_err(map)?,
        email: EmailAddress::parse(&email).map_err(|_| corrupt("email"))?,
        notify_by_email: r.try_get("notify_by_email").map_err(map)?,
        organisation: org_ref_row(r)?,
        role: RoleId(r.try_get("role_id").map_err(map)?),
        role_name: r.try_get("role_name").map_err(map)?,
        reason: r.try_get::<Option<String>, _>("role_reason").map_err(map)?.unwrap_or_default(),
        status: AssignmentStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
        decision_reason: r.try_get("reason").map_err(map)?,
        created_at: Timestamp(r.try_get("created_at").map_err(map)?),
        ends_at: r.try_get::<Option<i64>, _>("ends_at").map_err(map)?.map(Timestamp),
    })
}

impl crate::Backend<Db> {
    /// Locks the person the request belongs to, so that decisions and withdrawals about one
    /// person's roles happen one after the other (two conflicting approvals included).
    async fn lock_requester(tx: &mut sqlx::Transaction<'_, Db>, id: AssignmentId) -> StoreResult<Option<i64>> {
        let row = sqlx::query(concat!(
            "SELECT id FROM users WHERE id = (SELECT user_id FROM role_assignments WHERE id = $1 AND origin = 'request')",
            row_lock!()
        ))
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await
        .map_err(map)?;
        row.map(|r| r.try_get("id").map_err(map)).transpose()
    }
}

impl domain::storage::Requests for crate::Backend<Db> {
    #[tracing::instrument(skip_all)]
    async fn create_request(&self, req: &domain::storage::NewRequest) -> StoreResult<AssignmentId> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        let row = sqlx::query(
            "INSERT INTO role_assignments (user_id, organisation_id, role_id, status, origin, role_reason, created_at, ends_at) \
             VALUES ($1, $2, $3, 'pending', 'request', $4, $5, $6) RETURNING id",
        )
        .bind(req.user.0)
        .bind(req.organisation.0)
        .bind(req.role.0)
        .bind(&req.reason)
        .bind(req.at.0)
        .bind(req.ends_at.map(|e| e.0))
        .fetch_one(&mut *tx)
        .await
        // One open request per person, organisation and role (a partial unique index).
        .map_err(|e| match map(e) {
            StoreError::Conflict(_) => StoreError::Conflict(Taken::Request),
            other => other,
        })?;
        let id: i64 = row.try_get("id").map_err(map)?;
        for reviewer in &req.notify {
            sqlx::query("INSERT INTO notifications (user_id, body, assignment_id, created_at) VALUES ($1, $2, $3, $4)")
                .bind(reviewer.0)
                .bind(&req.notice)
                .bind(id)
                .bind(req.at.0)
                .execute(&mut *tx)
                .await
                .map_err(map)?;
        }
        queue_emails_in(&mut tx, &req.emails, req.at).await?;
        insert_audit(&mut *tx, &req.audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(AssignmentId(id))
    }

    #[tracing::instrument(skip_all)]
    async fn own_assignments(&self, user: UserId) -> StoreResult<Vec<domain::storage::OwnAssignment>> {
        use domain::storage::Accounts;
        let views = self.assignments_of(user).await?;
        let rows = sqlx::query("SELECT id, origin, reason, created_at FROM role_assignments WHERE user_id = $1")
            .bind(user.0)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        let mut extra: HashMap<i64, (String, Option<String>, i64)> = HashMap::new();
        for r in &rows {
            extra.insert(
                r.try_get("id").map_err(map)?,
                (r.try_get("origin").map_err(map)?, r.try_get("reason").map_err(map)?, r.try_get("created_at").map_err(map)?),
            );
        }
        let mut out: Vec<domain::storage::OwnAssignment> = views
            .into_iter()
            .map(|view| {
                let (origin, reason, created) = extra.remove(&view.id.0).unwrap_or_default();
                domain::storage::OwnAssignment {
                    requested: origin == "request",
                    invited: origin == "invitation",
                    decision_reason: (view.status == AssignmentStatus::Rejected).then_some(reason).flatten(),
                    created_at: Timestamp(created),
                    view,
                }
            })
            .collect();
        out.sort_by(|a, b| b.created_at.0.cmp(&a.created_at.0).then(b.view.id.0.cmp(&a.view.id.0)));
        Ok(out)
    }

    async fn access_request(&self, id: AssignmentId) -> StoreResult<Option<domain::storage::RequestRow>> {
        let sql = concat!(request_select!(), "WHERE a.id = $1 AND a.origin = 'request'");
        let row = sqlx::query(sql).bind(id.0).fetch_optional(&self.pool).await.map_err(map)?;
        row.as_ref().map(request_row).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn withdraw_request(&self, id: AssignmentId, user: UserId, at: Timestamp, audit: &NewAudit) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        Self::lock_requester(&mut tx, id).await?;
        let done = sqlx::query(
            "UPDATE role_assignments SET status = 'withdrawn', decided_by = $1, decided_at = $2 \
             WHERE id = $3 AND user_id = $1 AND status = 'pending' AND origin = 'request'",
        )
        .bind(user.0)
        .bind(at.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        // Nothing is left for the reviewers to do.
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE assignment_id = $2 AND read_at IS NULL")
            .bind(at.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    #[tracing::instrument(skip_all)]
    async fn decide_request(&self, v: &domain::storage::RequestVerdict) -> StoreResult<domain::storage::RequestOutcome> {
        use domain::storage::RequestOutcome;
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        let Some(requester) = Self::lock_requester(&mut tx, v.id).await? else {
            tx.rollback().await.map_err(map)?;
            return Ok(RequestOutcome::Missing);
        };
        let done = if v.approve {
            // Never two roles that may not be held together at one organisation (tier 1, tier 2).
            sqlx::query(
                "UPDATE role_assignments SET status = 'active', decided_by = $1, decided_at = $2, ends_at = $4 \
                 WHERE id = $3 AND status = 'pending' AND origin = 'request' \
                   AND NOT EXISTS (SELECT 1 FROM role_assignments c \
                                   JOIN role_conflicts k ON k.other_role_id = c.role_id \
                                   WHERE c.user_id = role_assignments.user_id \
                                     AND c.organisation_id = role_assignments.organisation_id \
                                     AND c.status = 'active' AND k.role_id = role_assignments.role_id)",
            )
            .bind(v.by.0)
            .bind(v.at.0)
            .bind(v.id.0)
            .bind(v.ends_at.map(|e| e.0))
            .execute(&mut *tx)
            .await
            .map_err(map)?
        } else {
            sqlx::query(
                "UPDATE role_assignments SET status = 'rejected', reason = $1, decided_by = $2, decided_at = $3 \
                 WHERE id = $4 AND status = 'pending' AND origin = 'request'",
            )
            .bind(&v.reason)
            .bind(v.by.0)
            .bind(v.at.0)
            .bind(v.id.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?
        };
        if done.rows_affected() == 0 {
            let status: Option<String> = sqlx::query("SELECT status FROM role_assignments WHERE id = $1")
                .bind(v.id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map)?
                .map(|r| r.try_get("status"))
                .transpose()
                .map_err(map)?;
            tx.rollback().await.map_err(map)?;
            return Ok(match status.as_deref().and_then(AssignmentStatus::parse) {
                Some(AssignmentStatus::Pending) => RequestOutcome::Conflicting,
                Some(s) => RequestOutcome::AlreadyDecided(s),
                None => RequestOutcome::Missing,
            });
        }
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE assignment_id = $2 AND read_at IS NULL")
            .bind(v.at.0)
            .bind(v.id.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        insert_notice(&mut *tx, UserId(requester), &v.notice, v.at).await?;
        if let Some(email) = &v.email {
            queue_emails_in(&mut tx, std::slice::from_ref(email), v.at).await?;
        }
        insert_audit(&mut *tx, &v.audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(RequestOutcome::Decided)
    }
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::Requests {
        fn create_request(&self, r: &domain::storage::NewRequest) -> AssignmentId;
        fn own_assignments(&self, user: UserId) -> Vec<domain::storage::OwnAssignment>;
        fn access_request(&self, id: AssignmentId) -> Option<domain::storage::RequestRow>;
        fn withdraw_request(&self, id: AssignmentId, user: UserId, at: Timestamp, audit: &NewAudit) -> bool;
        fn decide_request(&self, v: &domain::storage::RequestVerdict) -> domain::storage::RequestOutcome;
    });
}
