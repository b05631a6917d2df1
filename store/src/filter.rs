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

/// The condition that organisation `o` lies in `scope`: its id for a single organisation, a path
/// prefix per subtree (a range scan on the indexed path column).
pub(crate) fn scope_condition(scope: &Scope, args: &mut Args) -> String {
    if let Some(id) = scope.single() {
        return format!("o.id = {}", args.push(Arg::Int(id.0)));
    }
    if scope.is_everything() {
        return "1 = 1".to_owned();
    }
    let parts: Vec<String> = scope
        .subtree_roots()
        .iter()
        .map(|root| {
            format!(
                "o.path LIKE {}",
                args.push(Arg::Text(format!("{}%", root.as_str())))
            )
        })
        .collect();
    if parts.is_empty() {
        "1 = 0".to_owned()
    } else {
        format!("({})", parts.join(" OR "))
    }
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

/// Binds every value of `Args` to a query, in order.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
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
