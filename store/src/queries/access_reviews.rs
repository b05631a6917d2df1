// Access reviews. Included once per backend by `backends.rs`, with `Db` set.

impl domain::storage::AccessReviews for crate::Backend<Db> {
    #[tracing::instrument(skip_all)]
    async fn start_review(
        &self,
        r: &domain::storage::NewReview,
        scope: &domain::Scope,
    ) -> StoreResult<(domain::storage::ReviewId, i64)> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        let id: i64 = sqlx::query(
            "INSERT INTO access_reviews (title, started_by, started_at, due_at, unreviewed, repeat_days) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&r.title)
        .bind(r.started_by.0)
        .bind(r.started_at.0)
        .bind(r.due_at.0)
        .bind(r.unreviewed.key())
        .bind(r.repeat_days.map(|d| d as i32))
        .fetch_one(&mut *tx)
        .await
        .map_err(map)?
        .try_get("id")
        .map_err(map)?;
        for root in &r.roots {
            sqlx::query("INSERT INTO access_review_roots (review_id, organisation_id, subtree) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(root.organisation.0)
                .bind(root.subtree)
                .execute(&mut *tx)
                .await
                .map_err(map)?;
        }
        // The snapshot, in one statement: every role active and not past its end at the start,
        // at an organisation of the area that is also in the reviewer's scope.
        let mut args = Args::default();
        let review = args.push(Arg::Int(id));
        let now = args.push(Arg::Int(r.started_at.0));
        let area = roots_condition(&r.roots, &mut args);
        let scope = scope_condition(scope, &mut args);
        let sql = format!(
            "INSERT INTO access_review_items (review_id, assignment_id, user_id, sort_key, first_name, last_name, \
               email, organisation_id, org_code, org_name, role_name, payment_types, clusters, \
               last_signed_in_at, last_used_at, granted_by, granted_at) \
             SELECT {review}, a.id, u.id, lower(u.last_name) || ' ' || lower(u.first_name), u.first_name, \
               u.last_name, u.email, o.id, o.code, o.name, rr.name, \
               COALESCE((SELECT string_agg(pt.name, ', ' ORDER BY pt.sort_order) FROM assignment_payment_types apt \
                  JOIN payment_types pt ON pt.code = apt.payment_type WHERE apt.assignment_id = a.id), ''), \
               COALESCE((SELECT string_agg(c.name, ', ' ORDER BY c.name) FROM assignment_clusters ac \
                  JOIN clusters c ON c.id = ac.cluster_id WHERE ac.assignment_id = a.id AND c.retired_at IS NULL), ''), \
               u.last_signed_in_at, COALESCE(u.last_signed_in_at, u.created_at), g.email, COALESCE(a.decided_at, a.created_at) \
             FROM role_assignments a JOIN organisations o ON o.id = a.organisation_id \
               JOIN users u ON u.id = a.user_id JOIN roles rr ON rr.id = a.role_id \
               LEFT JOIN users g ON g.id = a.decided_by \
             WHERE a.status = 'active' AND (a.ends_at IS NULL OR a.ends_at > {now}) AND {area} AND {scope}"
        );
        let rows = bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
            .execute(&mut *tx)
            .await
            .map_err(map)?
            .rows_affected() as i64;
        if rows == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok((domain::storage::ReviewId(0), 0));
        }
        sqlx::query("UPDATE access_reviews SET total = $1 WHERE id = $2")
            .bind(rows as i32)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        sqlx::query(
            "INSERT INTO access_review_orgs (review_id, organisation_id) \
             SELECT DISTINCT review_id, organisation_id FROM access_review_items WHERE review_id = $1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        insert_audit(&mut *tx, &r.audit).await?;
        tx.commit().await.map_err(map)?;
        Ok((domain::storage::ReviewId(id), rows))
    }

    #[tracing::instrument(skip_all)]
    async fn reviews(&self, scope: &domain::Scope, limit: i64) -> StoreResult<Vec<domain::storage::ReviewSummary>> {
        let mut args = Args::default();
        let scope = scope_condition(scope, &mut args);
        let limit = row_count(limit);
        let sql = format!(
            "SELECT {REVIEW_COLUMNS} FROM access_reviews r JOIN users s ON s.id = r.started_by \
               LEFT JOIN users c ON c.id = r.completed_by \
             WHERE r.id IN (SELECT rr.review_id FROM access_review_roots rr \
               JOIN organisations o ON o.id = rr.organisation_id WHERE {scope}) \
             ORDER BY r.started_at DESC, r.id DESC LIMIT {limit}"
        );
        let rows = bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.try_get("id").map_err(map)).collect::<StoreResult<_>>()?;
        let mut roots = review_roots(&self.pool, &ids).await?;
        rows.iter()
            .zip(ids)
            .map(|(r, id)| review_summary(r, roots.remove(&id).unwrap_or_default()))
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn review(&self, id: domain::storage::ReviewId) -> StoreResult<Option<domain::storage::ReviewSummary>> {
        let sql = format!(
            "SELECT {REVIEW_COLUMNS} FROM access_reviews r JOIN users s ON s.id = r.started_by \
               LEFT JOIN users c ON c.id = r.completed_by WHERE r.id = $1"
        );
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?
        else {
            return Ok(None);
        };
        let mut roots = review_roots(&self.pool, &[id.0]).await?;
        Ok(Some(review_summary(&row, roots.remove(&id.0).unwrap_or_default())?))
    }

    #[tracing::instrument(skip_all)]
    async fn review_items(
        &self,
        q: &domain::storage::ItemQuery,
    ) -> StoreResult<(Vec<domain::storage::ReviewItem>, i64)> {
        use domain::storage::ItemState;
        // The review's organisations that lie outside the viewer's scope now (an organisation
        // moved since the review started, say): usually none. Found among the few the snapshot
        // recorded, so the count and the page below need no join per row.
        let mut args = Args::default();
        let review = args.push(Arg::Int(q.review.0));
        let scope = scope_condition(&q.scope, &mut args);
        let outside_sql = format!(
            "SELECT o.id FROM access_review_orgs ro JOIN organisations o ON o.id = ro.organisation_id \
             WHERE ro.review_id = {review} AND NOT ({scope})"
        );
        let outside: Vec<i64> = bind_args!(sqlx::query_scalar(sqlx::AssertSqlSafe(outside_sql)), args)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        let mut args = Args::default();
        let review = args.push(Arg::Int(q.review.0));
        let mut filter = format!("FROM access_review_items i WHERE i.review_id = {review}");
        match q.state {
            ItemState::All => {}
            ItemState::NotReviewed => filter.push_str(" AND i.decision IS NULL"),
            ItemState::Kept => filter.push_str(" AND i.decision = 'keep'"),
            ItemState::ToEnd => filter.push_str(" AND i.decision = 'end'"),
        }
        if let Some(code) = &q.org_code {
            filter.push_str(&format!(
                " AND i.organisation_id = (SELECT id FROM organisations WHERE code = {})",
                args.push(Arg::Text(code.clone()))
            ));
        }
        if let Some(before) = q.signed_in_before {
            filter.push_str(&format!(
                " AND i.last_used_at <= {}",
                args.push(Arg::Int(before.0))
            ));
        }
        if !outside.is_empty() {
            let list: Vec<String> = outside.iter().map(|o| args.push(Arg::Int(*o))).collect();
            filter.push_str(&format!(" AND i.organisation_id NOT IN ({})", list.join(", ")));
        }
        // Every row: the snapshot's own count. Otherwise counted, through an index range.
        let unfiltered = q.state == ItemState::All
            && q.org_code.is_none()
            && q.signed_in_before.is_none()
            && outside.is_empty();
        let count_sql = if unfiltered {
            format!("SELECT CAST(total AS BIGINT) AS n FROM access_reviews WHERE id = {review}")
        } else {
            format!("SELECT COUNT(*) AS n {filter}")
        };
        let total: i64 = bind_args!(sqlx::query(sqlx::AssertSqlSafe(count_sql)), args.clone())
            .fetch_one(&self.pool)
            .await
            .map_err(map)?
            .try_get("n")
            .map_err(map)?;
        // The page's keys first, from the index alone however deep the page; then its rows.
        let limit = row_count(q.limit);
        let offset = row_count(q.offset);
        let now = args.push(Arg::Int(q.now.0));
        let sql = format!(
            "SELECT i.*, d.email AS decided_by_email, \
               CASE WHEN a.status = 'active' AND (a.ends_at IS NULL OR a.ends_at > {now}) THEN TRUE ELSE FALSE END AS active_now \
             FROM (SELECT i.assignment_id {filter} ORDER BY i.sort_key, i.assignment_id LIMIT {limit} OFFSET {offset}) page \
               JOIN access_review_items i ON i.review_id = {review} AND i.assignment_id = page.assignment_id \
               JOIN role_assignments a ON a.id = i.assignment_id LEFT JOIN users d ON d.id = i.decided_by \
             ORDER BY i.sort_key, i.assignment_id"
        );
        let rows = bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        let items = rows.iter().map(review_item).collect::<StoreResult<Vec<_>>>()?;
        Ok((items, total))
    }

    #[tracing::instrument(skip_all)]
    async fn mark_items(&self, m: &domain::storage::ItemMarks<'_>) -> StoreResult<i64> {
        if m.items.is_empty() {
            return Ok(0);
        }
        let mut args = Args::default();
        let decision = args.push(Arg::MaybeText(m.decision.map(|d| d.key().to_owned())));
        let reason = args.push(Arg::MaybeText(m.reason.map(str::to_owned)));
        let by = args.push(Arg::Int(m.by.0));
        let at = args.push(Arg::Int(m.at.0));
        let review = args.push(Arg::Int(m.review.0));
        let list: Vec<String> = m.items.iter().map(|a| args.push(Arg::Int(a.0))).collect();
        let scope = scope_condition(m.scope, &mut args);
        // Only while the review is open, never the marker's own rows, only rows in scope.
        let sql = format!(
            "UPDATE access_review_items SET decision = {decision}, reason = {reason}, \
               decided_by = CASE WHEN {decision} IS NULL THEN NULL ELSE {by} END, \
               decided_at = CASE WHEN {decision} IS NULL THEN NULL ELSE {at} END \
             WHERE review_id = {review} AND assignment_id IN ({ids}) AND user_id <> {by} \
               AND EXISTS (SELECT 1 FROM access_reviews r WHERE r.id = {review} AND r.completed_at IS NULL) \
               AND organisation_id IN (SELECT o.id FROM organisations o WHERE {scope})",
            ids = list.join(", "),
        );
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        // Completion takes the review's row first; marking waits for it, then finds it closed.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM access_reviews WHERE id = $1{}",
            row_lock!()
        )))
        .bind(m.review.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map)?;
        let n = bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
            .execute(&mut *tx)
            .await
            .map_err(map)?
            .rows_affected() as i64;
        tx.commit().await.map_err(map)?;
        Ok(n)
    }

    #[tracing::instrument(skip_all)]
    async fn complete_review(
        &self,
        c: &domain::storage::Completion<'_>,
    ) -> StoreResult<Option<domain::storage::CompletionReport>> {
        complete_in(&self.pool, c).await
    }

    #[tracing::instrument(skip_all)]
    async fn due_repeats(&self, now: Timestamp) -> StoreResult<Vec<domain::storage::RepeatDue>> {
        // Through the partial index of the scheduled reviews not yet started again: few rows.
        let rows = sqlx::query(
            "SELECT id, title, started_by, started_at, due_at, unreviewed, repeat_days FROM access_reviews \
             WHERE repeat_days IS NOT NULL AND repeated_as IS NULL AND started_at + repeat_days * 86400 <= $1 \
             ORDER BY started_at, id",
        )
        .bind(now.0)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.try_get("id").map_err(map)).collect::<StoreResult<_>>()?;
        let mut roots = review_roots(&self.pool, &ids).await?;
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id").map_err(map)?;
                let unreviewed: String = r.try_get("unreviewed").map_err(map)?;
                let started: i64 = r.try_get("started_at").map_err(map)?;
                let due: i64 = r.try_get("due_at").map_err(map)?;
                Ok(domain::storage::RepeatDue {
                    id: domain::storage::ReviewId(id),
                    title: r.try_get("title").map_err(map)?,
                    roots: roots.remove(&id).unwrap_or_default(),
                    started_by: UserId(r.try_get("started_by").map_err(map)?),
                    due_days: ((due - started) / 86_400).max(1),
                    unreviewed: domain::storage::Unreviewed::parse(&unreviewed).ok_or_else(|| corrupt("unreviewed"))?,
                    repeat_days: i64::from(r.try_get::<i32, _>("repeat_days").map_err(map)?),
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn claim_repeat(&self, id: domain::storage::ReviewId) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE access_reviews SET repeated_as = 0 WHERE id = $1 AND repeated_as IS NULL")
            .bind(id.0)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(done.rows_affected() == 1)
    }

    #[tracing::instrument(skip_all)]
    async fn set_repeated_as(&self, id: domain::storage::ReviewId, next: domain::storage::ReviewId) -> StoreResult<()> {
        sqlx::query("UPDATE access_reviews SET repeated_as = $1 WHERE id = $2")
            .bind(next.0)
            .bind(id.0)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn overdue_reviews(
        &self,
        now: Timestamp,
        since: Timestamp,
    ) -> StoreResult<Vec<domain::storage::OverdueReview>> {
        let rows = sqlx::query(
            "SELECT r.id, r.title, r.started_by, \
               (SELECT COUNT(*) FROM access_review_items i WHERE i.review_id = r.id AND i.decision IS NULL) AS unreviewed \
             FROM access_reviews r WHERE r.completed_at IS NULL AND r.due_at <= $1 \
               AND (r.reminded_at IS NULL OR r.reminded_at <= $2) ORDER BY r.due_at, r.id",
        )
        .bind(now.0)
        .bind(since.0)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        rows.iter()
            .map(|r| {
                Ok(domain::storage::OverdueReview {
                    id: domain::storage::ReviewId(r.try_get("id").map_err(map)?),
                    title: r.try_get("title").map_err(map)?,
                    started_by: UserId(r.try_get("started_by").map_err(map)?),
                    unreviewed: r.try_get("unreviewed").map_err(map)?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn record_review_reminder(
        &self,
        id: domain::storage::ReviewId,
        user: UserId,
        notice: &str,
        at: Timestamp,
        since: Timestamp,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        let done = sqlx::query(
            "UPDATE access_reviews SET reminded_at = $1 WHERE id = $2 AND completed_at IS NULL \
               AND (reminded_at IS NULL OR reminded_at <= $3)",
        )
        .bind(at.0)
        .bind(id.0)
        .bind(since.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        insert_notice(&mut *tx, user, notice, at).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::AccessReviews {
        fn start_review(&self, r: &domain::storage::NewReview, scope: &domain::Scope) -> (domain::storage::ReviewId, i64);
        fn reviews(&self, scope: &domain::Scope, limit: i64) -> Vec<domain::storage::ReviewSummary>;
        fn review(&self, id: domain::storage::ReviewId) -> Option<domain::storage::ReviewSummary>;
        fn review_items(&self, q: &domain::storage::ItemQuery) -> (Vec<domain::storage::ReviewItem>, i64);
        fn mark_items(&self, m: &domain::storage::ItemMarks<'_>) -> i64;
        fn complete_review(&self, c: &domain::storage::Completion<'_>) -> Option<domain::storage::CompletionReport>;
        fn due_repeats(&self, now: Timestamp) -> Vec<domain::storage::RepeatDue>;
        fn claim_repeat(&self, id: domain::storage::ReviewId) -> bool;
        fn set_repeated_as(&self, id: domain::storage::ReviewId, next: domain::storage::ReviewId) -> ();
        fn overdue_reviews(&self, now: Timestamp, since: Timestamp) -> Vec<domain::storage::OverdueReview>;
        fn record_review_reminder(&self, id: domain::storage::ReviewId, user: UserId, notice: &str, at: Timestamp, since: Timestamp) -> bool;
    });
}
