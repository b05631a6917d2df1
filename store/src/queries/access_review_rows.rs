// The rows of access reviews as storage reads them. Included once per backend by `backends.rs`,
// with `Db` set.

/// The columns of a review's summary, from `access_reviews r` and its starter `s` and completer
/// `c`, with the counts of its rows (each an index range of its own).
const REVIEW_COLUMNS: &str = "r.id, r.title, s.email AS started_by, r.started_at, r.due_at, r.unreviewed, r.repeat_days, \
     r.completed_at, c.email AS completed_by, \
     (SELECT COUNT(*) FROM access_review_items i WHERE i.review_id = r.id) AS total, \
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
        total: r.try_get("total").map_err(map)?,
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
                format!("o.path LIKE {}", args.push(Arg::Text(format!("{}%", r.path.as_str()))))
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

