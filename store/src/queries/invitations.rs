// Invitations. Included once per backend by `backends.rs`, with `Db` set.

impl domain::storage::Invitations for crate::Backend<Db> {
    #[tracing::instrument(skip_all)]
    async fn create_invitation(&self, i: &domain::storage::NewInvitation) -> StoreResult<Option<i64>> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        let mut email_out = &i.email_out;
        let user: i64 = match i.existing {
            Some(u) => {
                // Locked, so two invitations of one person to one role cannot both pass.
                sqlx::query(concat!("SELECT id FROM users WHERE id = $1", row_lock!()))
                    .bind(u.0)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(map)?
                    .ok_or_else(|| StoreError::Missing(Gone::User))?;
                u.0
            }
            // The inviter saw no account at this address; whether there is one (outside their
            // scope) is settled here, under a lock, and told to the address's owner only.
            None => match sqlx::query(concat!("SELECT id, status FROM users WHERE email = $1", row_lock!()))
                .bind(i.email.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(map)?
            {
                Some(found) => {
                    let id: i64 = found.try_get("id").map_err(map)?;
                    let status: String = found.try_get("status").map_err(map)?;
                    if status == "disabled" {
                        queue_emails_in(&mut tx, std::slice::from_ref(&i.email_if_disabled), i.at).await?;
                        for event in [&i.audit, &i.audit_if_disabled] {
                            let mut event = event.clone();
                            event.target_user = Some(UserId(id));
                            insert_audit(&mut *tx, &event).await?;
                        }
                        tx.commit().await.map_err(map)?;
                        return Ok(None);
                    }
                    email_out = &i.email_if_account;
                    id
                }
                None => sqlx::query(
                "INSERT INTO users (email, first_name, last_name, status, password_hash, created_at) \
                 VALUES ($1, $2, $3, 'pending', NULL, $4) RETURNING id",
            )
            .bind(i.email.as_str())
            .bind(&i.first_name)
            .bind(&i.last_name)
            .bind(i.at.0)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match map(e) {
                StoreError::Conflict(_) => StoreError::Conflict(Taken::Account),
                other => other,
            })?
            .try_get("id")
            .map_err(map)?,
            },
        };
        let held = sqlx::query(
            "SELECT COUNT(*) AS n FROM role_assignments \
             WHERE user_id = $1 AND organisation_id = $2 AND role_id = $3 AND status IN ('pending', 'active')",
        )
        .bind(user)
        .bind(i.organisation.0)
        .bind(i.role.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(map)?;
        if held.try_get::<i64, _>("n").map_err(map)? > 0 {
            tx.rollback().await.map_err(map)?;
            return Err(StoreError::Conflict(Taken::Invitation));
        }
        let assignment: i64 = sqlx::query(
            "INSERT INTO role_assignments (user_id, organisation_id, role_id, status, created_at, origin, decided_by, ends_at) \
             VALUES ($1, $2, $3, 'pending', $4, 'invitation', $5, $6) RETURNING id",
        )
        .bind(user)
        .bind(i.organisation.0)
        .bind(i.role.0)
        .bind(i.at.0)
        .bind(i.invited_by.0)
        .bind(i.ends_at.map(|e| e.0))
        .fetch_one(&mut *tx)
        .await
        .map_err(map)?
        .try_get("id")
        .map_err(map)?;
        let id: i64 = sqlx::query(
            "INSERT INTO invitations (token_hash, user_id, assignment_id, invited_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(i.token.as_str())
        .bind(user)
        .bind(assignment)
        .bind(i.invited_by.0)
        .bind(i.at.0)
        .bind(i.expires_at.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(map)?
        .try_get("id")
        .map_err(map)?;
        queue_emails_in(&mut tx, std::slice::from_ref(email_out), i.at).await?;
        let mut audit = i.audit.clone();
        audit.target_user = Some(UserId(user));
        insert_audit(&mut *tx, &audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(Some(id))
    }

    async fn invitation_by_token(
        &self,
        token: &TokenHash,
        now: Timestamp,
    ) -> StoreResult<Option<domain::storage::InvitationState>> {
        let row = sqlx::query(
            "SELECT i.user_id, i.expires_at, i.used_at, i.withdrawn_at, a.status AS a_status, \
                    u.email, u.first_name, u.last_name, u.password_hash IS NOT NULL AS has_password, \
                    r.name AS role_name, \
                    o.id AS org_id, o.code AS org_code, o.name AS org_name, o.kind AS org_kind, o.path AS org_path \
             FROM invitations i \
             JOIN users u ON u.id = i.user_id \
             JOIN role_assignments a ON a.id = i.assignment_id \
             JOIN roles r ON r.id = a.role_id \
             JOIN organisations o ON o.id = a.organisation_id \
             WHERE i.token_hash = $1",
        )
        .bind(token.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(map)?;
        let Some(r) = row else { return Ok(None) };
        let email: String = r.try_get("email").map_err(map)?;
        let valid = r.try_get::<Option<i64>, _>("used_at").map_err(map)?.is_none()
            && r.try_get::<Option<i64>, _>("withdrawn_at").map_err(map)?.is_none()
            && r.try_get::<i64, _>("expires_at").map_err(map)? > now.0
            && r.try_get::<String, _>("a_status").map_err(map)? == "pending";
        Ok(Some(domain::storage::InvitationState {
            user: UserId(r.try_get("user_id").map_err(map)?),
            email: EmailAddress::parse(&email).map_err(|_| corrupt("email"))?,
            first_name: r.try_get("first_name").map_err(map)?,
            last_name: r.try_get("last_name").map_err(map)?,
            has_password: r.try_get("has_password").map_err(map)?,
            organisation: org_ref_row(&r)?,
            role_name: r.try_get("role_name").map_err(map)?,
            valid,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn accept_invitation(
        &self,
        token: &TokenHash,
        now: Timestamp,
        new_account: Option<(&PasswordHash, &str, &str)>,
        audit: &NewAudit,
    ) -> StoreResult<Option<UserId>> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let row = sqlx::query(
            "UPDATE invitations SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND withdrawn_at IS NULL AND expires_at > $1 \
             RETURNING user_id, assignment_id",
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
        let assignment: i64 = row.try_get("assignment_id").map_err(map)?;
        let role = sqlx::query(
            "UPDATE role_assignments SET status = 'active', decided_at = $1 WHERE id = $2 AND status = 'pending'",
        )
        .bind(now.0)
        .bind(assignment)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        let account_ok = match new_account {
            None => {
                let n = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE id = $1 AND status = 'active'")
                    .bind(user)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map)?;
                n.try_get::<i64, _>("n").map_err(map)? == 1
            }
            Some((hash, first, last)) => {
                sqlx::query(
                    "UPDATE users SET password_hash = $1, first_name = $2, last_name = $3, status = 'active' \
                     WHERE id = $4 AND status = 'pending' AND password_hash IS NULL",
                )
                .bind(hash.as_phc())
                .bind(first)
                .bind(last)
                .bind(user)
                .execute(&mut *tx)
                .await
                .map_err(map)?
                .rows_affected()
                    == 1
            }
        };
        if role.rows_affected() == 0 || !account_ok {
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

    async fn pending_invitations(
        &self,
        user: UserId,
    ) -> StoreResult<Vec<domain::storage::PendingInvitation>> {
        let rows = sqlx::query(
            "SELECT i.id, i.created_at, i.expires_at, a.role_id, a.ends_at, r.name AS role_name, \
                    o.id AS org_id, o.code AS org_code, o.name AS org_name, o.kind AS org_kind, o.path AS org_path \
             FROM invitations i \
             JOIN role_assignments a ON a.id = i.assignment_id \
             JOIN roles r ON r.id = a.role_id \
             JOIN organisations o ON o.id = a.organisation_id \
             WHERE i.user_id = $1 AND i.used_at IS NULL AND i.withdrawn_at IS NULL AND a.status = 'pending' \
             ORDER BY i.created_at, i.id",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        rows.iter()
            .map(|r| {
                Ok(domain::storage::PendingInvitation {
                    id: r.try_get("id").map_err(map)?,
                    organisation: org_ref_row(r)?,
                    role: RoleId(r.try_get("role_id").map_err(map)?),
                    role_name: r.try_get("role_name").map_err(map)?,
                    created_at: Timestamp(r.try_get("created_at").map_err(map)?),
                    expires_at: Timestamp(r.try_get("expires_at").map_err(map)?),
                    ends_at: r.try_get::<Option<i64>, _>("ends_at").map_err(map)?.map(Timestamp),
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn replace_invitation(
        &self,
        id: i64,
        token: &TokenHash,
        expires_at: Timestamp,
        email: &NewEmail,
        audit: &NewAudit,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query(
            "UPDATE invitations SET token_hash = $1, expires_at = $2 \
             WHERE id = $3 AND used_at IS NULL AND withdrawn_at IS NULL",
        )
        .bind(token.as_str())
        .bind(expires_at.0)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        queue_emails_in(&mut tx, std::slice::from_ref(email), audit.at).await?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }

    #[tracing::instrument(skip_all)]
    async fn withdraw_invitation(&self, id: i64, audit: &NewAudit) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let row = sqlx::query(
            "UPDATE invitations SET withdrawn_at = $1 \
             WHERE id = $2 AND used_at IS NULL AND withdrawn_at IS NULL RETURNING assignment_id",
        )
        .bind(audit.at.0)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map)?;
        let Some(row) = row else {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        };
        let assignment: i64 = row.try_get("assignment_id").map_err(map)?;
        sqlx::query(
            "UPDATE role_assignments SET status = 'withdrawn', decided_at = $1, decided_by = $2 \
             WHERE id = $3 AND status = 'pending'",
        )
        .bind(audit.at.0)
        .bind(audit.actor.map(|u| u.0))
        .bind(assignment)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::Invitations {
        fn create_invitation(&self, i: &domain::storage::NewInvitation) -> Option<i64>;
        fn invitation_by_token(&self, token: &TokenHash, now: Timestamp) -> Option<domain::storage::InvitationState>;
        fn accept_invitation(&self, token: &TokenHash, now: Timestamp, new_account: Option<(&PasswordHash, &str, &str)>, audit: &NewAudit) -> Option<UserId>;
        fn pending_invitations(&self, user: UserId) -> Vec<domain::storage::PendingInvitation>;
        fn replace_invitation(&self, id: i64, token: &TokenHash, expires_at: Timestamp, email: &NewEmail, audit: &NewAudit) -> bool;
        fn withdraw_invitation(&self, id: i64, audit: &NewAudit) -> bool;
    });
}
