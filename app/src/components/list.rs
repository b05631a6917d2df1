//! Pieces of list pages: the search box (a GET form, so a search is a bookmarkable URL and works
//! without JavaScript), paging links, and the success notice after a change.

use leptos::prelude::*;

/// A cell of a responsive table: the column's heading, shown beside the value on a phone where
/// the table stacks, then the value. `long` marks a value that may be one long unbroken string
/// (an email address, or free text someone typed): only such a value may break mid-string, and
/// only where it must. `date` keeps a date on one line (a browser otherwise breaks "1974-04-01"
/// at a hyphen).
#[component]
pub fn Cell(
    heading: &'static str,
    value: String,
    #[prop(optional)] long: bool,
    #[prop(optional)] date: bool,
) -> impl IntoView {
    let class = if long {
        Some("gh-break")
    } else if date {
        Some("gh-date")
    } else {
        None
    };
    view! {
        <td class="nhsuk-table__cell">
            <span class="nhsuk-table-responsive__heading" aria-hidden="true">{heading}" "</span>
            {match class {
                Some(class) => view! { <span class=class>{value}</span> }.into_any(),
                None => value.into_any(),
            }}
        </td>
    }
}

/// "Search by ODS code or name" as a GET form to `action` (`?q=`).
#[component]
pub fn SearchBox(action: &'static str, value: String) -> impl IntoView {
    view! {
        <form method="get" action=action role="search">
            <div class="nhsuk-form-group">
                <label class="nhsuk-label" for="q">"Search by ODS code or name"</label>
                <input class="nhsuk-input nhsuk-u-width-two-thirds" id="q" name="q" type="search" value=value/>
            </div>
            <button class="nhsuk-button nhsuk-button--secondary" type="submit">"Search"</button>
        </form>
    }
}

/// "1 user", "2 users": a count with its noun, singular for one.
pub fn count_of(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// What an organisation search found, out of `n` matches of which the page shows at most
/// `shown`: "1 organisation found.", "N organisations found.", or, when the search was cut,
/// "Showing the first 20: type more of the name or the ODS code."
pub fn organisations_found(n: usize, shown: usize) -> String {
    if n > shown {
        format!(
            "More organisations match than can be listed. Showing the first {shown}: type more \
             of the name or the ODS code."
        )
    } else {
        format!(
            "{} found.",
            count_of(n as i64, "organisation", "organisations")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_a_cut_search_says_so() {
        assert_eq!(count_of(1, "user", "users"), "1 user");
        assert_eq!(count_of(0, "user", "users"), "0 users");
        assert_eq!(organisations_found(1, 20), "1 organisation found.");
        assert_eq!(organisations_found(20, 20), "20 organisations found.");
        assert!(organisations_found(21, 20).starts_with("More organisations match"));
        assert!(organisations_found(21, 20).contains("Showing the first 20"));
    }
}

/// "Page x of y" with Previous and Next links where there are such pages.
#[component]
pub fn Paging(
    label: &'static str,
    summary: String,
    previous: Option<String>,
    next: Option<String>,
) -> impl IntoView {
    view! {
        <nav class="gh-paging" aria-label=label>
            <p class="nhsuk-body">{summary}</p>
            <ul class="nhsuk-list gh-paging__list">
                {previous.map(|href| view! { <li><a href=href>"Previous page"</a></li> })}
                {next.map(|href| view! { <li><a href=href>"Next page"</a></li> })}
            </ul>
        </nav>
    }
}

/// The notice a page shows after a change went through.
#[component]
pub fn SuccessNotice(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <div class="nhsuk-inset-text gh-success" role="status">
            <span class="nhsuk-u-visually-hidden">"Success: "</span>
            <p>{message}</p>
        </div>
    }
}

/// The `page` query parameter as a number (1 when absent or unreadable).
pub fn page_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let query = leptos_router::hooks::use_query_map();
    move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
    }
}

/// The `:id` path parameter as a number (0, which nothing has, when unreadable).
pub fn id_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0)
    }
}
