//! Dynamic WHERE clauses, built only from fixed fragments and numbered placeholders: every value
//! a user or a scope supplies is bound, in the order it was pushed.

use domain::Scope;

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
    MaybeInt(Option<i64>),
    MaybeText(Option<String>),
}

/// The values of a dynamic query, numbered as they are pushed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Args {
    pub values: Vec<Arg>,
}

impl Args {
    /// Adds a value and returns its placeholder (`$n`).
    pub fn push(&mut self, value: Arg) -> String {
        self.values.push(value);
        format!("${}", self.values.len())
    }
}

/// The condition that `column` (an organisation path) starts with `prefix`. PostgreSQL: a LIKE,
/// right whatever the database's collation. SQLite: a range (paths compare byte by byte there),
/// because SQLite prepares a statement again each time a LIKE's pattern is bound anew; with the
/// scope's LIKE every signed-in page re-prepared its queries, an eighth of its time in the
/// profile.
pub(crate) fn path_prefix(column: &str, prefix: &str, by_like: bool, args: &mut Args) -> String {
    if by_like {
        format!(
            "{column} LIKE {}",
            args.push(Arg::Text(format!("{prefix}%")))
        )
    } else {
        let low = args.push(Arg::Text(prefix.to_owned()));
        let high = args.push(Arg::Text(format!("{prefix}\u{10FFFF}")));
        format!("({column} >= {low} AND {column} < {high})")
    }
}

/// The condition that organisation `o` lies in `scope`: its id for a single organisation, a path
/// prefix per subtree (a range scan on the indexed path column). `by_like` is the backend's
/// choice of [`path_prefix`].
pub(crate) fn scope_condition_in(scope: &Scope, args: &mut Args, by_like: bool) -> String {
    in_scope(scope, args, by_like, "o.id", "o.path")
}

/// The condition that assignment `a` lies in `scope`, from the assignment's own copy of its
/// organisation's path (kept right by triggers): the same rule as [`scope_condition_in`],
/// answered from one index of the assignments without reading each one's organisation.
pub(crate) fn area_condition_in(scope: &Scope, args: &mut Args, by_like: bool) -> String {
    in_scope(scope, args, by_like, "a.organisation_id", "a.org_path")
}

fn in_scope(scope: &Scope, args: &mut Args, by_like: bool, id: &str, path: &str) -> String {
    if let Some(org) = scope.single() {
        return format!("{id} = {}", args.push(Arg::Int(org.0)));
    }
    if scope.is_everything() {
        return "1 = 1".to_owned();
    }
    let parts: Vec<String> = scope
        .subtree_roots()
        .iter()
        .map(|root| path_prefix(path, root.as_str(), by_like, args))
        .collect();
    if parts.is_empty() {
        "1 = 0".to_owned()
    } else {
        format!("({})", parts.join(" OR "))
    }
}

/// A LIMIT's or OFFSET's number, written into the SQL rather than bound: SQLite (3.51 here)
/// prepares a statement again each time a parameter of its LIMIT or OFFSET is bound, and with
/// them bound the Users page spent a third of its time in SQLite's parser (the profile in the
/// README). An integer cannot carry SQL.
pub(crate) fn row_count(n: i64) -> String {
    n.max(0).to_string()
}

/// `%text%` for `LIKE … ESCAPE '\'`, lower-cased, with LIKE's wildcards in `text` taken literally.
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The condition that `expr` (already lower-cased in SQL) starts with `text`: a LIKE with a
/// trailing wildcard where the index is a pattern index (PostgreSQL), a range otherwise (SQLite,
/// whose `lower()` folds ASCII only, so the text is folded the same way).
pub(crate) fn prefix_condition(expr: &str, text: &str, by_like: bool, args: &mut Args) -> String {
    if by_like {
        let mut pattern = String::new();
        for c in text.to_lowercase().chars() {
            if matches!(c, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('%');
        format!("{expr} LIKE {} ESCAPE '\\'", args.push(Arg::Text(pattern)))
    } else {
        let low = text.to_ascii_lowercase();
        let high = format!("{low}\u{10FFFF}");
        let a = args.push(Arg::Text(low));
        let b = args.push(Arg::Text(high));
        format!("({expr} >= {a} AND {expr} < {b})")
    }
}

/// Binds every value of `Args` to a query, in order. A dynamic statement is kept prepared only
/// where the backend says so (`PLAN_DYNAMIC_EACH_TIME` in its module): PostgreSQL plans a
/// statement it has kept for any values after five runs, and such a generic plan cannot see what a
/// name prefix or a scope's path selects (the Users search over 100,000 users took 1.3 to 2.7 s,
/// seven times in 2,000, with one). An unnamed statement is planned for the values it is run with.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut q = $query.persistent(!PLAN_DYNAMIC_EACH_TIME);
        for a in &$args.values {
            q = match a {
                crate::filter::Arg::Text(t) => q.bind(t.clone()),
                crate::filter::Arg::Int(n) => q.bind(*n),
                crate::filter::Arg::MaybeInt(n) => q.bind(*n),
                crate::filter::Arg::MaybeText(t) => q.bind(t.clone()),
            };
        }
        q
    }};
}
pub(crate) use bind_args;
