// The rows of access reviews as storage reads them. Included once per backend by `backends.rs`,
// with `Db` set.

/// The columns of a review's summary, from `access_reviews r` and its starter `s` and completer
/// `c`, with the counts of its rows marked (each an index range of its own).
const REVIEW_COLUMNS: &str = "r.id, r.title, s.email AS started_by, r.started_at, r.due_at, r.unreviewed, r.repeat_days, \
     r.completed_at, c.email AS completed_by, \
     r.total, \
     (SELECT COUNT(*) FROM access_review_items i WHERE i.review_id = r.id AND i.decision = 'keep') AS kept, \
     (SELECT COUNT(*) FROM access_review_items i WHERE i.review_id = r.id AND i.decision = 'end') AS to_end";

fn review_summary(r: &DbRow, roots: Vec<domain::storage::ReviewRoot>) -> StoreResult<domain::storage::ReviewSummary> {
    let unreviewed: String = r.try_get("unreviewed").map_err(map)?;
    Ok(domain::storage::ReviewSummary {
        id: domain::storage::ReviewId(r.try_get("id").map_err(map)?),
        title: r.try_get("title").map_err(map)?,
        roots,
        started_by: r.try_get("started_by").map_err(map)?,
        started_at: Timestamp(r.try_get("started_at").map_err(map)?),
        due_at: Timestamp(r.try_get("due_at").map_err(map)?),
        unreviewed: domain::storage::Unreviewed::parse(&unreviewed).ok_or_else(|| corrupt("unreviewed"))?,
        repeat_days: r.try_get::<Option<i32>, _>("repeat_days").map_err(map)?.map(i64::from),
        completed_at: r.try_get::<Option<i64>, _>("completed_at").map_err(map)?.map(Timestamp),
        completed_by: r.try_get("completed_by").map_err(map)?,
        total: i64::from(r.try_get::<i32, _>("total").map_err(map)?),
        kept: r.try_get("kept").map_err(map)?,
        to_end: r.try_get("to_end").map_err(map)?,
    })
}

/// The areas of these reviews, by review.
async fn review_roots(
    pool: &sqlx::Pool<Db>,
    ids: &[i64],
) -> StoreResult<HashMap<i64, Vec<domain::storage::ReviewRoot>>> {
    let mut out: HashMap<i64, Vec<domain::storage::ReviewRoot>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut args = Args::default();
    let list: Vec<String> = ids.iter().map(|id| args.push(Arg::Int(*id))).collect();
    let sql = format!(
        "SELECT rr.review_id, rr.organisation_id, rr.subtree, o.path FROM access_review_roots rr \
         JOIN organisations o ON o.id = rr.organisation_id WHERE rr.review_id IN ({}) \
         ORDER BY rr.review_id, o.path",
        list.join(", ")
    );
    let rows = bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
        .fetch_all(pool)
        .await
        .map_err(map)?;
    for r in &rows {
        out.entry(r.try_get("review_id").map_err(map)?)
            .or_default()
            .push(domain::storage::ReviewRoot {
                organisation: OrgId(r.try_get("organisation_id").map_err(map)?),
                path: OrgPath::from_stored(r.try_get("path").map_err(map)?),
                subtree: r.try_get("subtree").map_err(map)?,
            });
    }
    Ok(out)
}

/// The condition that a row `i` of a review lies in the area's roots (one parameter per root).
fn roots_condition(roots: &[domain::storage::ReviewRoot], args: &mut Args) -> String {
    let parts: Vec<String> = roots
        .iter()
        .map(|r| {
            if r.subtree {
                path_prefix("o.path", r.path.as_str(), PREFIX_BY_LIKE, args)
            } else {
                format!("o.id = {}", args.push(Arg::Int(r.organisation.0)))
            }
        })
        .collect();
    if parts.is_empty() {
        "1 = 0".to_owned()
    } else {
        format!("({})", parts.join(" OR "))
    }
}

fn review_item(r: &DbRow) -> StoreResult<domain::storage::ReviewItem> {
    let decision: Option<String> = r.try_get("decision").map_err(map)?;
    let outcome: Option<String> = r.try_get("outcome").map_err(map)?;
    Ok(domain::storage::ReviewItem {
        assignment: AssignmentId(r.try_get("assignment_id").map_err(map)?),
        user: UserId(r.try_get("user_id").map_err(map)?),
        first_name: r.try_get("first_name").map_err(map)?,
        last_name: r.try_get("last_name").map_err(map)?,
        email: r.try_get("email").map_err(map)?,
        org_code: r.try_get("org_code").map_err(map)?,
        org_name: r.try_get("org_name").map_err(map)?,
        role_name: r.try_get("role_name").map_err(map)?,
        payment_types: r.try_get("payment_types").map_err(map)?,
        clusters: r.try_get("clusters").map_err(map)?,
        last_signed_in: r.try_get::<Option<i64>, _>("last_signed_in_at").map_err(map)?.map(Timestamp),
        last_used: Timestamp(r.try_get("last_used_at").map_err(map)?),
        granted_by: r.try_get("granted_by").map_err(map)?,
        granted_at: Timestamp(r.try_get("granted_at").map_err(map)?),
        decision: decision
            .map(|d| domain::storage::Decision::parse(&d).ok_or_else(|| corrupt("decision")))
            .transpose()?,
        reason: r.try_get("reason").map_err(map)?,
        decided_by: r.try_get("decided_by_email").map_err(map)?,
        outcome: outcome
            .map(|o| domain::storage::Outcome::parse(&o).ok_or_else(|| corrupt("outcome")))
            .transpose()?,
        active_now: r.try_get::<bool, _>("active_now").map_err(map)?,
    })
}

/// Completes a review: what `AccessReviews::complete_review` promises, in one transaction.
async fn complete_in(
    pool: &sqlx::Pool<Db>,
    c: &domain::storage::Completion<'_>,
) -> StoreResult<Option<domain::storage::CompletionReport>> {
    let mut tx = pool.begin_with(begin_write!()).await.map_err(map)?;
    // The row that decides who completes: a second completer finds it completed (waiting
    // for the first on PostgreSQL, behind the write lock on SQLite) and does nothing.
    let closed = sqlx::query(
        "UPDATE access_reviews SET completed_at = $1, completed_by = $2 WHERE id = $3 AND completed_at IS NULL \
         RETURNING unreviewed",
    )
    .bind(c.at.0)
    .bind(c.by.0)
    .bind(c.review.0)
    .fetch_optional(&mut *tx)
    .await
    .map_err(map)?;
    let Some(closed) = closed else {
        tx.rollback().await.map_err(map)?;
        return Ok(None);
    };
    let unreviewed: String = closed.try_get("unreviewed").map_err(map)?;
    if unreviewed == "end" {
        sqlx::query(
            "UPDATE access_review_items SET decision = 'end', reason = 'Not reviewed by the time the review was completed', \
               decided_at = $1 WHERE review_id = $2 AND decision IS NULL AND user_id <> $3",
        )
        .bind(c.at.0)
        .bind(c.review.0)
        .bind(c.by.0)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
    }
    // Rows marked to end, in the completer's scope, whose role is still active and usable.
    let mut args = Args::default();
    let at = args.push(Arg::Int(c.at.0));
    let by = args.push(Arg::Int(c.by.0));
    let review = args.push(Arg::Int(c.review.0));
    let scope = scope_condition(c.scope, &mut args);
    let ended = format!(
        "UPDATE role_assignments SET status = 'revoked', decided_at = {at}, decided_by = {by} \
         WHERE status = 'active' AND (ends_at IS NULL OR ends_at > {at}) AND id IN \
           (SELECT i.assignment_id FROM access_review_items i JOIN organisations o ON o.id = i.organisation_id \
            WHERE i.review_id = {review} AND i.decision = 'end' AND i.user_id <> {by} AND {scope})"
    );
    let ended = bind_args!(sqlx::query(sqlx::AssertSqlSafe(ended)), args)
        .execute(&mut *tx)
        .await
        .map_err(map)?
        .rows_affected() as i64;
    // What became of each row: ended by this completion (revoked at this instant by this
    // completer), marked to end but ended already, or kept.
    sqlx::query(
        "UPDATE access_review_items SET outcome = CASE \
           WHEN decision = 'end' AND EXISTS (SELECT 1 FROM role_assignments a WHERE a.id = assignment_id \
             AND a.status = 'revoked' AND a.decided_at = $1 AND a.decided_by = $2) THEN 'ended' \
           WHEN decision = 'end' AND EXISTS (SELECT 1 FROM role_assignments a WHERE a.id = assignment_id \
             AND (a.status <> 'active' OR (a.ends_at IS NOT NULL AND a.ends_at <= $1))) THEN 'already_ended' \
           ELSE 'kept' END \
         WHERE review_id = $3",
    )
    .bind(c.at.0)
    .bind(c.by.0)
    .bind(c.review.0)
    .execute(&mut *tx)
    .await
    .map_err(map)?;
    // An audit event and a notice for each role ended, and an email to each holder who takes
    // email: one statement each, however many rows.
    sqlx::query(
        "INSERT INTO audit_events (at, actor_user_id, acting_as, action, target_user_id, organisation_id, reason, origin) \
         SELECT $1, $2, $3, $4, i.user_id, i.organisation_id, \
           $7 || i.role_name || ' at ' || i.org_code || ': ' || COALESCE(i.reason, ''), $6 \
         FROM access_review_items i WHERE i.review_id = $5 AND i.outcome = 'ended'",
    )
    .bind(c.at.0)
    .bind(c.by.0)
    .bind(c.acting_as.clone())
    .bind(AuditAction::AccessEndedByReview.key())
    .bind(c.review.0)
    .bind(c.origin.clone())
    .bind(format!("Access review {}: ", c.review.0))
    .execute(&mut *tx)
    .await
    .map_err(map)?;
    sqlx::query(
        "INSERT INTO notifications (user_id, body, assignment_id, created_at) \
         SELECT i.user_id, 'Your access as ' || i.role_name || ' at ' || i.org_name || ' (' || i.org_code || \
           ') has been ended by an access review. Reason: ' || COALESCE(i.reason, '') || \
           ' If you still need it, ask an administrator of ' || i.org_name || ', or request access again from My Profile.', \
           NULL, $1 \
         FROM access_review_items i WHERE i.review_id = $2 AND i.outcome = 'ended'",
    )
    .bind(c.at.0)
    .bind(c.review.0)
    .execute(&mut *tx)
    .await
    .map_err(map)?;
    sqlx::query(
        "INSERT INTO outbox (recipient, subject, body, created_at, next_attempt_at) \
         SELECT u.email, 'Your Gatehouse access at ' || i.org_name || ' has ended', \
           'Your access as ' || i.role_name || ' at ' || i.org_name || ' (' || i.org_code || \
           ') has been ended by an access review.' || $3 || 'Reason: ' || COALESCE(i.reason, '') || \
           $3 || 'If you still need it, ask an administrator of ' || i.org_name || \
           ', or sign in to Gatehouse and request access again from My Profile.' || $3 || \
           'You receive this email because your Notification Settings ask for emails.' || $4, $1, $1 \
         FROM access_review_items i JOIN users u ON u.id = i.user_id \
         WHERE i.review_id = $2 AND i.outcome = 'ended' AND u.notify_by_email",
    )
    .bind(c.at.0)
    .bind(c.review.0)
    .bind("\n\n")
    .bind("\n")
    .execute(&mut *tx)
    .await
    .map_err(map)?;
    insert_audit(&mut *tx, &c.audit).await?;
    let counts = sqlx::query(
        "SELECT \
           (SELECT COUNT(*) FROM access_review_items WHERE review_id = $1 AND outcome = 'kept') AS kept, \
           (SELECT COUNT(*) FROM access_review_items WHERE review_id = $1 AND outcome = 'already_ended') AS already",
    )
    .bind(c.review.0)
    .fetch_one(&mut *tx)
    .await
    .map_err(map)?;
    let report = domain::storage::CompletionReport {
        kept: counts.try_get("kept").map_err(map)?,
        ended,
        already_ended: counts.try_get("already").map_err(map)?,
    };
    tx.commit().await.map_err(map)?;
    Ok(Some(report))
}
