//! Pages rendered side by side must each come back whole. Two faults of server-side rendering
//! showed only under concurrency, never one request at a time:
//! - a page title read after the page's reactive values were disposed panicked, and the browser
//!   got a closed connection (about 2 in 100 requests of a form page at 20 at once);
//! - a resource created inside the signed-in guard's render was created again on the real
//!   render, and the first copy's result never arrived, so the page never finished;
//! - (seen once in CI) a page answered with the policy meant for responses that run nothing, so
//!   its own scripts were blocked and it never hydrated.
//!
//! So this renders every kind of page many times at once and asserts that every answer is a
//! whole page. It measures no time (machines are noisy); it counts broken answers, which must be
//! none.

use std::time::Duration;

use crate::support::*;
use reqwest::header::{ACCEPT, CONTENT_SECURITY_POLICY};
use tokio::task::JoinSet;

/// Each page this many times, this many at once.
const ROUNDS: usize = 200;
const AT_ONCE: usize = 20;

async fn hammer(browser: &Browser, paths: &[&str]) -> Vec<String> {
    let mut failures = Vec::new();
    let mut jobs = JoinSet::new();
    let mut queue = paths
        .iter()
        .flat_map(|p| std::iter::repeat_n(p.to_string(), ROUNDS))
        .collect::<Vec<_>>();
    // Interleave the pages, as real traffic would be.
    queue.sort_by_key(|p| p.len() % 7);
    let mut queue = queue.into_iter();
    loop {
        while jobs.len() < AT_ONCE {
            let Some(path) = queue.next() else { break };
            let client = browser.client.clone();
            let url = format!("{}{path}", browser.base);
            jobs.spawn(async move {
                let answer = tokio::time::timeout(Duration::from_secs(20), async {
                    let res = client.get(&url).header(ACCEPT, "text/html").send().await?;
                    let status = res.status();
                    let policy = res
                        .headers()
                        .get(CONTENT_SECURITY_POLICY)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    Ok::<_, reqwest::Error>((status, policy, res.text().await?))
                })
                .await;
                match answer {
                    Ok(Ok((status, policy, body))) if status == 200 && body.contains("</html>") => {
                        // A page whose policy does not allow its own scripts never hydrates.
                        let nonce = body
                            .split("<script nonce=\"")
                            .nth(1)
                            .and_then(|rest| rest.split('"').next())
                            .unwrap_or("no inline script");
                        (!policy.contains(&format!("'nonce-{nonce}'"))).then(|| {
                            format!("{path}: policy {policy:?} does not allow nonce {nonce:?}")
                        })
                    }
                    Ok(Ok((status, _, body))) => Some(format!(
                        "{path}: {status}, {} bytes, ends {:?}",
                        body.len(),
                        &body[body.len().saturating_sub(120)..]
                    )),
                    Ok(Err(e)) => Some(format!("{path}: {e:?}")),
                    Err(_) => Some(format!("{path}: no whole answer in 20 s")),
                }
            });
        }
        match jobs.join_next().await {
            Some(done) => failures.extend(done.expect("request task")),
            None => break,
        }
    }
    failures
}

#[tokio::test]
async fn every_page_comes_back_whole_under_concurrent_load() {
    let app = TestApp::start_with(|c| c.rate_limit_per_minute = 1_000_000).await;

    let visitor = app.browser();
    let signed_out = [
        "/sign-in",
        "/activate?token=not-a-real-token",
        "/reset-password?token=not-a-real-token",
        "/forgotten-password",
        "/register",
    ];

    let admin = app.browser();
    assert_eq!(location(&admin.sign_in("account.admin").await), "/");
    let administrator = [
        "/",
        "/users",
        "/pending-actions",
        "/notifications",
        "/my-profile/notification-settings",
        "/my-profile/details/change-password",
        "/my-profile/sessions",
        "/my-account",
        "/select-account",
    ];

    let desk = app.browser();
    desk.sign_in("service.desk").await;
    let service_desk = ["/locked-accounts", "/outbox", "/roles"];

    let (a, b, c) = tokio::join!(
        hammer(&visitor, &signed_out),
        hammer(&admin, &administrator),
        hammer(&desk, &service_desk),
    );
    let failures: Vec<String> = a.into_iter().chain(b).chain(c).collect();
    let requests = (signed_out.len() + administrator.len() + service_desk.len()) * ROUNDS;
    assert!(
        failures.is_empty(),
        "{} of {requests} pages did not come back whole; the first: {:#?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
}

/// A file keeps its own status beside pages that answer 404. Leptos's fallback, which served the
/// files before, copied onto a file the status of another request's render (here a user page that
/// is not found): a browser test got /pkg/gatehouse.wasm whole, with a 404, and its page never
/// hydrated. Against that fallback this test gets the file's bytes with a 404 within a second.
#[tokio::test]
async fn files_keep_their_status_beside_pages_not_found() {
    let site = std::env::temp_dir().join(format!("gatehouse_site_{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(site.join("pkg")).expect("site root");
    std::fs::write(site.join("pkg/gatehouse.js"), "// the hydration script\n").expect("file");
    let root = site.display().to_string();
    let app = TestApp::start_with(move |c| {
        c.rate_limit_per_minute = 1_000_000;
        c.site_root = Some(root);
    })
    .await;
    let visitor = app.browser();
    assert_eq!(location(&visitor.sign_in("account.admin").await), "/");
    let mut jobs = JoinSet::new();
    let mut failures = Vec::new();
    for i in 0..(ROUNDS * 10) {
        let (client, base) = (visitor.client.clone(), visitor.base.clone());
        jobs.spawn(async move {
            let (path, want) = match i % 4 {
                0 => ("/no-such-page", 404),
                2 => ("/users/99999999", 404),
                _ => ("/pkg/gatehouse.js", 200),
            };
            let res = client
                .get(format!("{base}{path}"))
                .send()
                .await
                .expect("answer");
            let status = res.status().as_u16();
            let body = res.text().await.expect("body");
            let whole = want != 200 || body == "// the hydration script\n";
            (status != want || !whole).then(|| format!("{path}: {status}, {} bytes", body.len()))
        });
        if jobs.len() >= AT_ONCE {
            failures.extend(
                jobs.join_next()
                    .await
                    .and_then(|done| done.expect("request task")),
            );
        }
    }
    failures.extend(jobs.join_all().await.into_iter().flatten());
    let _ = std::fs::remove_dir_all(&site);
    assert!(failures.is_empty(), "{failures:#?}");
}
