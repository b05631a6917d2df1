// The Users section and the audit trail. Included once per backend by `backends.rs`, with `Db` set.

/// Appends one audit event inside the caller's transaction.
async fn insert_audit<'e, E>(ex: E, e: &NewAudit) -> StoreResult<()>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    sqlx::query(
        "INSERT INTO audit_events (at, actor_user_id, acting_as, action, target_user_id, organisation_id, reason, origin) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.at.0)
    .bind(e.actor.map(|u| u.0))
    .bind(e.acting_as.clone())
    .bind(e.action.key())
    .bind(e.target_user.map(|u| u.0))
    .bind(e.organisation.map(|o| o.0))
    .bind(e.reason.clone())
    .bind(e.origin.clone())
    .execute(ex)
    .await
    .map_err(map)?;
    Ok(())
}

fn user_sort_column(s: domain::storage::UserSort) -> &'static str {
    match s {
        domain::storage::UserSort::FirstName => "lower(u.first_name)",
        domain::storage::UserSort::LastName => "lower(u.last_name)",
        domain::storage::UserSort::Email => "u.email",
    }
}

/// The "Pending Role Review" columns: the oldest pending registration and access request of the
/// user that the viewer reviews. Computed for the rows of one page only.
fn pending_columns(q: &domain::storage::UserQuery, args: &mut Args) -> String {
    let arms = review_condition(&q.review, args);
    // Registrations are reviewed in Pending Actions, access requests on the user's page. The
    // assignment's own copy of its organisation's path answers the area, from the user's index
    // of assignments (user, path, origin, status): no organisation is read.
    format!(
        "(SELECT MIN(a.id) FROM role_assignments a \
          WHERE a.user_id = u.id AND a.status = 'pending' AND a.origin NOT IN ('invitation', 'request') AND {arms}) AS pending_review, \
         (SELECT MIN(a.id) FROM role_assignments a \
          WHERE a.user_id = u.id AND a.status = 'pending' AND a.origin = 'request' AND {arms}) AS pending_request"
    )
}

/// The columns of a user that a search reads (the page, its sort and the visibility rule).
const SEARCHED_COLUMNS: &str = "id, first_name, last_name, email, status, created_at, last_signed_in_at";

/// The FROM and WHERE of a users search, with the user as `u`. Placeholders are numbered in the
/// order they appear (SQLite numbers `$n` that way), so callers push arguments in the order the
/// SQL text uses them.
fn user_search_filter(q: &domain::storage::UserQuery, args: &mut Args) -> String {
    let text = q.text.trim();
    let (source, hits) = if text.is_empty() {
        ("users u".to_owned(), String::new())
    } else {
        let first = prefix_condition("lower(first_name)", text, PREFIX_BY_LIKE, args);
        let last = prefix_condition("lower(last_name)", text, PREFIX_BY_LIKE, args);
        let email = prefix_condition("email", text, PREFIX_BY_LIKE, args);
        // By organisation: only organisations inside the scope, or a search for an outside code
        // would tell which visible people hold (or were invited to) roles there.
        let code = args.push(Arg::Text(text.to_uppercase()));
        let code_scope = scope_condition(&q.scope, args);
        let org_name = prefix_condition("lower(o.name)", text, PREFIX_BY_LIKE, args);
        let name_scope = scope_condition(&q.scope, args);
        let by_organisation = format!(
            "SELECT h.user_id FROM role_assignments h JOIN organisations o ON o.id = h.organisation_id WHERE o.code = {code} AND {code_scope} \
             UNION ALL SELECT h.user_id FROM role_assignments h JOIN organisations o ON o.id = h.organisation_id WHERE {org_name} AND {name_scope}"
        );
        if IDS_BEFORE_PEOPLE && !q.scope.is_everything() {
            // PostgreSQL, for a viewer with an area: the matches' ids from the name and email
            // indexes alone (each carries the id, migration 0024), tested against the area and
            // the visibility rule by id, and only then the people read. "smi" matches 1,862
            // people in a country of 100,000, of whom a regional administrator sees 197; reading
            // every match's row first, and removing duplicates from whole rows, was a third of
            // the search's time. The account's status is read only for an invitation never
            // accepted. The people are MATERIALIZED so that the page's sort cannot walk the
            // users table in name order instead: the planner takes the window's count for free
            // under a LIMIT, and so walked all 100,000 people for a national viewer's page
            // (20 s). A national viewer keeps the pass below: every match is in its area.
            let area = area_condition(&q.scope, args);
            let visible = visible("f.id", "(SELECT s.status FROM users s WHERE s.id = f.id)");
            return format!(
                "FROM (WITH people AS MATERIALIZED (SELECT {SEARCHED_COLUMNS} FROM users WHERE id IN (SELECT f.id FROM \
                   (SELECT id FROM users WHERE {first} UNION SELECT id FROM users WHERE {last} \
                    UNION SELECT id FROM users WHERE {email} UNION {by_organisation}) f \
                   WHERE EXISTS (SELECT 1 FROM role_assignments a WHERE a.user_id = f.id AND {area} AND {visible}))) \
                 SELECT * FROM people) u"
            );
        }
        if IDS_BEFORE_PEOPLE {
            // PostgreSQL, for a national viewer: the name and email matches in one pass over
            // the table (a BitmapOr of the three indexes), which also removes duplicates.
            (
                format!(
                    "(SELECT {SEARCHED_COLUMNS} FROM users WHERE {first} OR {last} OR {email} \
                      UNION SELECT {SEARCHED_COLUMNS} FROM users WHERE id IN ({by_organisation})) u"
                ),
                String::new(),
            )
        } else {
            // SQLite: each search path is its own indexed lookup, united. UNION ALL: IN () does
            // not mind a user found twice, and UNION's removal of duplicates cost a temporary
            // B-tree per arm.
            (
                "users u".to_owned(),
                format!(
                    "u.id IN (SELECT id FROM users WHERE {first} \
                      UNION ALL SELECT id FROM users WHERE {last} \
                      UNION ALL SELECT id FROM users WHERE {email} \
                      UNION ALL {by_organisation}) AND "
                ),
            )
        }
    };
    // A user is in scope when they hold an assignment there that makes them visible
    // (`domain::rules::visibility::makes_visible`, the same rule in SQL): anything but an invitation never
    // accepted, unless the account exists only through invitations. For a national scope no
    // organisation needs looking up for each match; otherwise the assignment's own copy of its
    // organisation's path answers, from one index, without reading the organisation.
    if q.scope.is_everything() {
        return format!(
            "FROM {source} WHERE {hits}EXISTS (SELECT 1 FROM role_assignments a WHERE a.user_id = u.id AND {visible})",
            visible = visible("u.id", "u.status"),
        );
    }
    let area = area_condition(&q.scope, args);
    format!(
        "FROM {source} WHERE {hits}EXISTS (SELECT 1 FROM role_assignments a \
          WHERE a.user_id = u.id AND {area} AND {visible})",
        visible = visible("u.id", "u.status"),
    )
}

/// `domain::rules::visibility::makes_visible` for an assignment `a` of the user whose id is `id`
/// and whose account's status is `status` (SQL expressions).
fn visible(id: &str, status: &str) -> String {
    format!(
        "(a.origin <> 'invitation' OR a.status IN ('active', 'revoked') \
         OR ({status} <> 'active' AND NOT EXISTS (SELECT 1 FROM role_assignments x WHERE x.user_id = {id} \
             AND (x.origin <> 'invitation' OR x.status IN ('active', 'revoked')))))"
    )
}

/// The columns [`role_line`] reads, from the aliases of the assignment, its organisation and its
/// role.
fn role_line_columns(a: &str, o: &str, r: &str) -> String {
    format!(
        "{o}.code AS role_org_code, {o}.name AS role_org_name, {r}.name AS role_name, \
         {a}.status AS role_status, {a}.origin AS role_origin, {a}.created_at AS role_since, \
         {expired} AS role_expired",
        expired = ended_on_its_date(a),
    )
}

fn last_signed_in(r: &DbRow) -> StoreResult<Option<Timestamp>> {
    Ok(r.try_get::<Option<i64>, _>("last_signed_in_at").map_err(map)?.map(Timestamp))
}

/// A role of a user as lists show it; `None` where the outer join found none.
fn role_line(r: &DbRow) -> StoreResult<Option<domain::model::assignment::RoleLine>> {
    let Some(status) = r.try_get::<Option<String>, _>("role_status").map_err(map)? else {
        return Ok(None);
    };
    let origin: String = r.try_get("role_origin").map_err(map)?;
    Ok(Some(domain::model::assignment::RoleLine {
        org_code: r.try_get("role_org_code").map_err(map)?,
        org_name: r.try_get("role_org_name").map_err(map)?,
        role_name: r.try_get("role_name").map_err(map)?,
        status: AssignmentStatus::parse(&status).ok_or_else(|| corrupt("role status"))?,
        origin: domain::model::assignment::AssignmentOrigin::parse(&origin)
            .ok_or_else(|| corrupt("role origin"))?,
        since: Timestamp(r.try_get("role_since").map_err(map)?),
        expired: r.try_get::<bool, _>("role_expired").map_err(map)?,
    }))
}

fn audit_event_row(r: &DbRow) -> StoreResult<AuditEvent> {
    let action: String = r.try_get("action").map_err(map)?;
    Ok(AuditEvent {
        id: r.try_get("id").map_err(map)?,
        at: Timestamp(r.try_get("at").map_err(map)?),
        actor_email: r.try_get("actor_email").map_err(map)?,
        acting_as: r.try_get("acting_as").map_err(map)?,
        action: AuditAction::parse(&action).ok_or_else(|| corrupt("action"))?,
        target_email: r.try_get("target_email").map_err(map)?,
        organisation_code: r.try_get("org_code").map_err(map)?,
        organisation_name: r.try_get("org_name").map_err(map)?,
        reason: r.try_get("reason").map_err(map)?,
        origin: r.try_get("origin").map_err(map)?,
    })
}

impl domain::storage::Users for crate::Backend<Db> {
    #[tracing::instrument(skip_all)]
    async fn search_users(
        &self,
        q: &domain::storage::UserQuery,
    ) -> StoreResult<(Vec<domain::storage::UserRow>, i64)> {
        // With nothing typed: the page straight from the sort's index, stopping at its end, and
        // the total counted on its own, only up to `count_up_to + 1`; a count of every match
        // beside the page read every person of a region, which grew with the country. With text:
        // the matches are the prefix's, gathered from the name indexes and sorted whatever
        // happens, so one pass counts them beside the page (a window count), and a second
        // statement would plan and gather them all again. Then, for the page's rows only, the
        // pending columns and the role shown.
        let searched = !q.text.trim().is_empty();
        let window = if searched { ", COUNT(*) OVER () AS total" } else { "" };
        let mut args = Args::default();
        let filter = user_search_filter(q, &mut args);
        let limit = row_count(q.limit);
        let offset = row_count(q.offset);
        let pending = pending_columns(q, &mut args);
        let first_scope = scope_condition(&q.scope, &mut args);
        let count_area = area_condition(&q.scope, &mut args);
        let dir = if q.descending { "DESC" } else { "ASC" };
        let order = format!("{} {dir}, u.id {dir}", user_sort_column(q.sort));
        // `shown` is MATERIALIZED so that its subqueries run once a row: SQLite folded it into
        // the outer query and ran the first-role subquery twice, once for the row and once more
        // for the join on its result.
        let sql = format!(
            "WITH page AS (SELECT u.id, u.first_name, u.last_name, u.email, u.status, u.created_at, u.last_signed_in_at{window} \
               {filter} ORDER BY {order} LIMIT {limit} OFFSET {offset}), \
             shown AS MATERIALIZED (SELECT u.*, {pending}, \
               (SELECT a.id FROM role_assignments a JOIN organisations o ON o.id = a.organisation_id \
                 WHERE a.user_id = u.id AND {first_scope} AND {visible} \
                 ORDER BY CASE a.status WHEN 'active' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END, o.name, a.id LIMIT 1) AS first_role, \
               (SELECT COUNT(*) FROM role_assignments a \
                 WHERE a.user_id = u.id AND {count_area} AND {visible}) AS roles_in_scope \
               FROM page u) \
             SELECT u.*, {columns} FROM shown u \
               LEFT JOIN role_assignments ra ON ra.id = u.first_role \
               LEFT JOIN organisations ro ON ro.id = ra.organisation_id \
               LEFT JOIN roles rr ON rr.id = ra.role_id \
             ORDER BY {order}",
            columns = role_line_columns("ra", "ro", "rr"),
            visible = visible("u.id", "u.status"),
        );
        let rows = bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        let counted: Option<i64> = match (searched, rows.first()) {
            (true, Some(r)) => Some(r.try_get("total").map_err(map)?),
            _ => None,
        };
        let rows = rows
            .iter()
            .map(|r| {
                let status: String = r.try_get("status").map_err(map)?;
                Ok(domain::storage::UserRow {
                    id: UserId(r.try_get("id").map_err(map)?),
                    first_name: r.try_get("first_name").map_err(map)?,
                    last_name: r.try_get("last_name").map_err(map)?,
                    email: r.try_get("email").map_err(map)?,
                    status: AccountStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
                    pending_review: r
                        .try_get::<Option<i64>, _>("pending_review")
                        .map_err(map)?
                        .map(AssignmentId),
                    pending_request: r
                        .try_get::<Option<i64>, _>("pending_request")
                        .map_err(map)?
                        .map(AssignmentId),
                    added: Timestamp(r.try_get("created_at").map_err(map)?),
                    last_signed_in: last_signed_in(r)?,
                    first_role: role_line(r)?,
                    roles_in_scope: r.try_get("roles_in_scope").map_err(map)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let most = q.count_up_to.saturating_add(1);
        // The window's count where there is one (a search with text); a first page that is not full holds every
        // match; otherwise count, as far as asked.
        let total = if let Some(n) = counted {
            n.min(most)
        } else if q.offset == 0 && (rows.len() as i64) < q.limit {
            (rows.len() as i64).min(most)
        } else {
            let mut count_args = Args::default();
            let filter = user_search_filter(q, &mut count_args);
            let cap = row_count(most);
            let sql = format!("SELECT COUNT(*) AS n FROM (SELECT 1 AS one {filter} LIMIT {cap}) c");
            bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql)), count_args)
                .fetch_one(&self.pool)
                .await
                .map_err(map)?
                .try_get("n")
                .map_err(map)?
        };
        Ok((rows, total))
    }

    #[tracing::instrument(skip_all)]
    async fn user_roles(
        &self,
        q: &domain::storage::UserQuery,
    ) -> StoreResult<Vec<domain::storage::UserRoleRow>> {
        let mut args = Args::default();
        let filter = user_search_filter(q, &mut args);
        let scope = scope_condition(&q.scope, &mut args);
        let limit = row_count(q.limit);
        // The matches' ids first (the search's own index paths), then their roles in scope.
        let sql = format!(
            "SELECT u.first_name, u.last_name, u.email, u.status, u.created_at, u.last_signed_in_at, {columns} \
             FROM users u JOIN role_assignments a ON a.user_id = u.id \
               JOIN organisations o ON o.id = a.organisation_id JOIN roles rr ON rr.id = a.role_id \
             WHERE u.id IN (SELECT u.id {filter}) AND {scope} AND {visible} \
             ORDER BY lower(u.last_name), lower(u.first_name), u.id, o.name, rr.sort_order, a.id LIMIT {limit}",
            columns = role_line_columns("a", "o", "rr"),
            visible = visible("u.id", "u.status"),
        );
        let rows = bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get("status").map_err(map)?;
                Ok(domain::storage::UserRoleRow {
                    first_name: r.try_get("first_name").map_err(map)?,
                    last_name: r.try_get("last_name").map_err(map)?,
                    email: r.try_get("email").map_err(map)?,
                    account: AccountStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
                    added: Timestamp(r.try_get("created_at").map_err(map)?),
                    last_signed_in: last_signed_in(r)?,
                    role: role_line(r)?.ok_or_else(|| corrupt("role"))?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    async fn revoke_assignments(
        &self,
        user: UserId,
        under: &OrgPath,
        scope: &domain::Scope,
        audit: &NewAudit,
    ) -> StoreResult<usize> {
        let mut args = Args::default();
        let at = args.push(Arg::Int(audit.at.0));
        let by = args.push(Arg::MaybeInt(audit.actor.map(|u| u.0)));
        let who = args.push(Arg::Int(user.0));
        let under = path_prefix("o.path", under.as_str(), PREFIX_BY_LIKE, &mut args);
        let scope = scope_condition(scope, &mut args);
        let sql = format!(
            "UPDATE role_assignments SET status = 'revoked', decided_at = {at}, decided_by = {by} \
             WHERE user_id = {who} AND status = 'active' AND organisation_id IN \
               (SELECT o.id FROM organisations o WHERE {under} AND {scope})"
        );
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        let n = done.rows_affected() as usize;
        if n == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(0);
        }
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(n)
    }

    #[tracing::instrument(skip_all)]
    async fn set_disabled(&self, user: UserId, disabled: bool, audit: &NewAudit) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = if disabled {
            sqlx::query("UPDATE users SET status = 'disabled' WHERE id = $1 AND status <> 'disabled'")
                .bind(user.0)
                .execute(&mut *tx)
                .await
                .map_err(map)?
        } else {
            sqlx::query(
                "UPDATE users SET status = CASE WHEN password_hash IS NULL THEN 'pending' ELSE 'active' END, \
                        enabled_at = $2 \
                 WHERE id = $1 AND status = 'disabled'",
            )
            .bind(user.0)
            .bind(audit.at.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?
        };
        if done.rows_affected() == 0 {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        }
        if disabled {
            // Every session of the account ends at once.
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.0)
                .execute(&mut *tx)
                .await
                .map_err(map)?;
        }
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(true)
    }
}

impl domain::storage::Audit for crate::Backend<Db> {
    async fn record_audit(&self, e: &NewAudit) -> StoreResult<()> {
        insert_audit(&self.pool, e).await
    }

    #[tracing::instrument(skip_all)]
    async fn audit_events(&self, q: &AuditQuery) -> StoreResult<(Vec<AuditEvent>, i64)> {
        let mut args = Args::default();
        let scope = scope_condition(&q.scope, &mut args);
        let mut conds = vec![if q.include_unplaced {
            format!("({scope} OR e.organisation_id IS NULL)")
        } else {
            scope
        }];
        if let Some(user) = q.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            let actor = prefix_condition("au.email", user, PREFIX_BY_LIKE, &mut args);
            let target = prefix_condition("tu.email", user, PREFIX_BY_LIKE, &mut args);
            conds.push(format!("({actor} OR {target})"));
        }
        if let Some(action) = q.action {
            conds.push(format!("e.action = {}", args.push(Arg::Text(action.key().to_owned()))));
        }
        if let Some(from) = q.from {
            conds.push(format!("e.at >= {}", args.push(Arg::Int(from.0))));
        }
        if let Some(until) = q.until {
            conds.push(format!("e.at < {}", args.push(Arg::Int(until.0))));
        }
        let filter = format!(
            "FROM audit_events e \
             LEFT JOIN organisations o ON o.id = e.organisation_id \
             LEFT JOIN users au ON au.id = e.actor_user_id \
             LEFT JOIN users tu ON tu.id = e.target_user_id \
             WHERE {}",
            conds.join(" AND ")
        );
        let count_sql = format!("SELECT COUNT(*) AS n {filter}");
        let total: i64 = bind_args!(sqlx::query(sqlx::AssertSqlSafe(count_sql)), args.clone())
            .fetch_one(&self.pool)
            .await
            .map_err(map)?
            .try_get("n")
            .map_err(map)?;
        let limit = row_count(q.limit);
        let offset = row_count(q.offset);
        let sql = format!(
            "SELECT e.id, e.at, au.email AS actor_email, e.acting_as, e.action, tu.email AS target_email, \
                    o.code AS org_code, o.name AS org_name, e.reason, e.origin \
             {filter} ORDER BY e.at DESC, e.id DESC LIMIT {limit} OFFSET {offset}"
        );
        let rows = bind_args!(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        let events = rows.iter().map(audit_event_row).collect::<StoreResult<Vec<_>>>()?;
        Ok((events, total))
    }
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::Users {
        fn search_users(&self, q: &domain::storage::UserQuery) -> (Vec<domain::storage::UserRow>, i64);
        fn user_roles(&self, q: &domain::storage::UserQuery) -> Vec<domain::storage::UserRoleRow>;
        fn revoke_assignments(&self, user: UserId, under: &OrgPath, scope: &domain::Scope, audit: &NewAudit) -> usize;
        fn set_disabled(&self, user: UserId, disabled: bool, audit: &NewAudit) -> bool;
    });
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::Audit {
        fn record_audit(&self, e: &NewAudit) -> ();
        fn audit_events(&self, q: &AuditQuery) -> (Vec<AuditEvent>, i64);
    });
}
