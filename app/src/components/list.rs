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
    /// Left out on a phone, where a long list of stacked rows would otherwise be pages long.
    #[prop(optional)]
    wide_only: bool,
) -> impl IntoView {
    let class = if long {
        Some("gh-break")
    } else if date {
        Some("gh-date")
    } else {
        None
    };
    view! {
        <td class=if wide_only { "nhsuk-table__cell gh-wide-only" } else { "nhsuk-table__cell" }>
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

/// "1,204": a count as people read it.
pub fn thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
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
    fn counts_read_with_thousands_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(312), "312");
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

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
    // The NHS.UK pagination component: previous and next with their arrows, under the count.
    let any = previous.is_some() || next.is_some();
    view! {
        <p class="nhsuk-body gh-paging">{summary}</p>
        {any.then(|| view! {
            <nav class="nhsuk-pagination nhsuk-pagination--numbered" role="navigation" aria-label=label>
                {previous.map(|href| view! {
                    <a href=href class="nhsuk-pagination__previous" rel="prev">
                        <svg class="nhsuk-icon nhsuk-icon--arrow-left" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true">
                            <path d="M10.7 6.3c.4.4.4 1 0 1.4L7.4 11H19a1 1 0 0 1 0 2H7.4l3.3 3.3c.4.4.4 1 0 1.4a1 1 0 0 1-1.4 0l-5-5A1 1 0 0 1 4 12c0-.3.1-.5.3-.7l5-5a1 1 0 0 1 1.4 0Z"/>
                        </svg>
                        <span class="nhsuk-pagination__title">"Previous"<span class="nhsuk-u-visually-hidden">" page"</span></span>
                    </a>
                })}
                {next.map(|href| view! {
                    <a href=href class="nhsuk-pagination__next" rel="next">
                        <span class="nhsuk-pagination__title">"Next"<span class="nhsuk-u-visually-hidden">" page"</span></span>
                        <svg class="nhsuk-icon nhsuk-icon--arrow-right" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true">
                            <path d="m14.7 6.3 5 5c.2.2.3.4.3.7 0 .3-.1.5-.3.7l-5 5a1 1 0 0 1-1.4-1.4l3.3-3.3H5a1 1 0 0 1 0-2h11.6l-3.3-3.3a1 1 0 1 1 1.4-1.4Z"/>
                        </svg>
                    </a>
                })}
            </nav>
        })}
    }
}

/// The notice a page shows after a change went through: the NHS.UK notification banner, success
/// variant (a live region, so it is read out when the page opens).
#[component]
pub fn SuccessNotice(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <div class="nhsuk-notification-banner nhsuk-notification-banner--success gh-success" data-module="nhsuk-notification-banner"
            role="alert" aria-labelledby="nhsuk-notification-banner-title">
            <div class="nhsuk-notification-banner__header">
                <h2 class="nhsuk-notification-banner__title" id="nhsuk-notification-banner-title">"Success"</h2>
            </div>
            <div class="nhsuk-notification-banner__content">
                <p class="nhsuk-notification-banner__heading">{message}</p>
            </div>
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

/// The `:id` and `:assignment` path parameters of a page about one role of a user, as numbers
/// (0, which nothing has, when unreadable).
pub fn id_and_assignment_params() -> impl Fn() -> (i64, i64) + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        let p = params.read();
        let n = |k: &str| p.get(k).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
        (n("id"), n("assignment"))
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
