//! The service's pages: plain HTML, every value from a token escaped.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::gatehouse::SignedIn;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn page(body: &str) -> Response {
    Html(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Claims service</title></head>\
         <body><main><h1>Claims service</h1>{body}</main></body></html>"
    ))
    .into_response()
}

/// What happened (escaped here), and the way to sign in again.
pub fn problem(status: StatusCode, text: &str) -> Response {
    let body = format!(
        "<p>{}</p><p><a href=\"/login\">Sign in</a></p>",
        escape(text)
    );
    (status, page(&body)).into_response()
}

pub fn not_signed_in() -> Response {
    page("<p>You are not signed in.</p><p><a href=\"/login\">Sign in with Gatehouse</a></p>")
}

pub fn signed_out() -> Response {
    let text = "You have been signed out: your role or your sign-in at Gatehouse has ended.";
    problem(StatusCode::OK, text)
}

fn list(items: impl Iterator<Item = String>) -> String {
    let items: String = items.map(|i| format!("<li>{}</li>", escape(&i))).collect();
    format!("<ul>{items}</ul>")
}

/// Who is signed in, the role they act as, and its capabilities and reach.
pub fn role(s: &SignedIn) -> Response {
    let r = &s.role;
    let types = if r.payment_types.is_empty() {
        "every payment type".to_owned()
    } else {
        r.payment_types.join(", ")
    };
    let mut body = format!(
        "<p>Signed in as {}.</p><p>Acting as {} at {} ({}): may approve payments for {}.</p>",
        escape(&s.who),
        escape(&r.role.name),
        escape(&r.organisation.name),
        escape(&r.organisation.ods_code),
        escape(&types),
    );
    body += "<h2>Capabilities</h2>";
    body += &if r.capabilities.is_empty() {
        "<p>None.</p>".to_owned()
    } else {
        list(r.capabilities.iter().cloned())
    };
    if let Some(clusters) = &r.clusters {
        let each = clusters
            .iter()
            .map(|c| format!("{}: {}", c.name, c.ods_codes.join(", ")));
        body += &format!("<h2>Restricted to clusters</h2>{}", list(each));
    }
    if let Some(level) = &r.approval_level {
        body += &format!("<p>Approval level: {}.</p>", escape(level));
    }
    body +=
        "<p><a href=\"/login?switch=1\">Switch role</a></p><p><a href=\"/logout\">Sign out</a></p>";
    page(&body)
}
