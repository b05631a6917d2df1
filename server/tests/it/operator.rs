//! The operator's command line and the probes of a load balancer. A database with no users gets
//! its first Service Desk account from `gatehouse create-service-desk`, on SQLite and on
//! PostgreSQL: the printed link sets the password, the person signs in as the Service Desk, and
//! the audit trail names the operator. `/healthz` and `/readyz` answer without a session, and
//! `/readyz` says 503 once the database is gone.

use reqwest::StatusCode;
use server::config::Source;

use crate::support::*;

const STRONG: &str = "Quiet-Harbour-93!";

/// Runs `gatehouse create-service-desk` against `app`'s database, with `app`'s address as the
/// public URL (so the link opens there), and answers what it printed.
async fn create_service_desk(
    app: &TestApp,
    email: &str,
    first: &str,
    last: &str,
) -> Result<String, String> {
    let (url, base) = (app.database_url.clone(), app.base.clone());
    let flags = move |name: &str| match name {
        "DATABASE_URL" => Some(url.clone()),
        "GATEHOUSE_PUBLIC_URL" => Some(base.clone()),
        _ => None,
    };
    server::commands::create_service_desk(&Source::new(&flags), email, first, last)
        .await
        .map_err(|e| e.to_string())
}

/// The link in what the command printed, as a path on the app.
fn link_in(said: &str, app: &TestApp) -> String {
    let line = said
        .lines()
        .find(|l| l.contains("/activate?token="))
        .unwrap_or_else(|| panic!("no link in {said:?}"));
    line.trim()
        .strip_prefix(app.base.as_str())
        .unwrap_or_else(|| panic!("the link is not on the public URL: {line}"))
        .to_owned()
}

/// The whole first run of a production database: no users, then the first administrator.
async fn the_first_service_desk_signs_in_and_the_operator_is_audited(app: TestApp) {
    let email = "first.desk@example.nhs.uk";
    let said = create_service_desk(&app, email, "Fran", "First")
        .await
        .expect("made");
    assert!(said.contains("Made a Service Desk account"), "{said}");
    let link = link_in(&said, &app);

    let desk = app.browser();
    let page = desk.get(&link).await.text().await.expect("page");
    assert!(page.contains("Set your password"), "{page}");
    let token = link.split("token=").nth(1).expect("token").to_owned();
    let set = desk
        .post(
            "activate",
            &[
                ("token", &token),
                ("password", STRONG),
                ("confirm_password", STRONG),
            ],
            Js::Off,
            "/activate",
        )
        .await;
    assert_eq!(location(&set), "/sign-in?activated=1");
    // The link works once.
    let again = desk.get(&link).await.text().await.expect("page");
    assert!(again.contains("This link has already been used"), "{again}");

    let signed_in = desk
        .post(
            "sign_in",
            &[("email", email), ("password", STRONG)],
            Js::Off,
            "/sign-in",
        )
        .await;
    assert_eq!(location(&signed_in), "/");
    let viewer = desk.viewer().await;
    assert_eq!(viewer["acting"]["role_name"], "Service Desk", "{viewer}");
    let audit = desk.get("/audit").await.text().await.expect("audit");
    assert!(audit.contains("operator (command line)"), "{audit}");

    // A second run for the same address changes nothing and says so.
    let second = create_service_desk(&app, email, "Fran", "First")
        .await
        .expect("answered");
    assert!(
        second.contains("holds the Service Desk role already: nothing changed"),
        "{second}"
    );
    assert!(!second.contains("token="), "{second}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_service_desk_makes_the_first_administrator_on_sqlite() {
    let app = TestApp::start_with(|c| c.demo = false).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM users").await, 0);
    the_first_service_desk_signs_in_and_the_operator_is_audited(app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_service_desk_makes_the_first_administrator_on_postgres() {
    let Some(url) = fresh_postgres().await else {
        return;
    };
    let app = TestApp::start_with(|c| {
        c.database_url = url;
        c.demo = false;
    })
    .await;
    the_first_service_desk_signs_in_and_the_operator_is_audited(app).await;
}

#[tokio::test]
async fn an_existing_account_gains_the_role_and_a_disabled_one_is_refused() {
    let app = TestApp::start().await;
    let said = create_service_desk(&app, &demo_email("staff.one"), "", "")
        .await
        .expect("added");
    assert!(
        said.contains("now holds the Service Desk role; they sign in with their own password"),
        "{said}"
    );
    assert!(
        !said.contains("token="),
        "no link for an account with a password: {said}"
    );
    let staff = app.browser();
    staff.sign_in("staff.one").await;
    let choices = staff
        .get("/select-account")
        .await
        .text()
        .await
        .expect("page");
    assert!(choices.contains("Service Desk"), "{choices}");

    let disabled = app.demo_user("staff.two").await;
    app.set_account_status(disabled, "disabled").await;
    let refused = create_service_desk(&app, &demo_email("staff.two"), "", "")
        .await
        .expect_err("refused");
    assert!(
        refused.contains("disabled account: enable it first"),
        "{refused}"
    );

    // A new address needs the person's names, and no account is made without them.
    let unnamed = create_service_desk(&app, "nobody.yet@example.nhs.uk", "", "Last")
        .await
        .expect_err("refused");
    assert!(unnamed.contains("--first-name: Enter a name"), "{unnamed}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM users WHERE email = 'nobody.yet@example.nhs.uk'")
            .await,
        0
    );
}

#[tokio::test]
async fn the_probes_answer_without_a_session_and_readiness_fails_without_the_database() {
    let app = TestApp::start().await;
    let probe = app.browser();
    let alive = probe.get("/healthz").await;
    assert_eq!(alive.status(), StatusCode::OK);
    assert!(alive.headers().get("set-cookie").is_none());
    let ready = probe.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.expect("body"), "ready\n");

    app.store.close().await;
    let gone = probe.get("/readyz").await;
    assert_eq!(gone.status(), StatusCode::SERVICE_UNAVAILABLE);
    // The process still answers: the balancer should wait for the database, not restart it.
    assert_eq!(probe.get("/healthz").await.status(), StatusCode::OK);
}

/// Runs the real binary, as an operator would, and answers its exit status and output.
fn gatehouse(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(args)
        // Nothing from the developer's own environment or gatehouse.env file.
        .env_remove("DATABASE_URL")
        .env("GATEHOUSE_CONFIG_FILE", "/nonexistent/gatehouse.env")
        .output()
        .expect("the binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_command_explains_itself_and_the_version_names_its_revision() {
    for command in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["import-ods", "--help"],
        vec!["create-service-desk", "--help"],
        vec!["check-config", "--help"],
        vec!["help", "create-service-desk"],
    ] {
        let (ok, out, err) = gatehouse(&command);
        assert!(ok, "{command:?}: {err}");
        assert!(out.contains("Usage: gatehouse"), "{command:?}: {out}");
    }
    let (ok, out, _) = gatehouse(&["--version"]);
    assert!(ok);
    let revision = out
        .trim()
        .strip_prefix(concat!("gatehouse ", env!("CARGO_PKG_VERSION"), " ("))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("no revision in {out:?}"));
    assert!(
        revision == "unknown" || revision.chars().all(|c| c.is_ascii_hexdigit()),
        "{revision}"
    );
}

#[test]
fn a_wrong_setting_stops_with_its_name_and_a_flag_wins_over_the_environment() {
    let (ok, out, _) = gatehouse(&["check-config", "--database-url", "postgres://u:s3cret@db/g"]);
    assert!(ok);
    assert!(out.contains("postgres://u:***@db/g"), "{out}");
    assert!(!out.contains("s3cret"), "{out}");
    let (ok, _, err) = gatehouse(&["check-config", "--session-idle-minutes", "soon"]);
    assert!(!ok);
    assert!(
        err.contains("GATEHOUSE_SESSION_IDLE_MINUTES is not valid: \"soon\""),
        "{err}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["check-config", "--lock-after-failures", "7"])
        .env("GATEHOUSE_LOCK_AFTER_FAILURES", "3")
        .env("GATEHOUSE_CONFIG_FILE", "/nonexistent/gatehouse.env")
        .output()
        .expect("runs");
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.lines()
            .any(|l| l.contains("GATEHOUSE_LOCK_AFTER_FAILURES") && l.trim_end().ends_with(" 7")),
        "{out}"
    );
}

#[tokio::test]
async fn serve_without_migrating_refuses_a_database_behind_and_migrate_brings_it_up() {
    let path = std::env::temp_dir().join(format!("gatehouse_migrate_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite://{}", path.display());
    let (ok, _, err) = gatehouse(&["serve", "--no-migrate", "--database-url", &url]);
    assert!(!ok);
    assert!(err.contains("run `gatehouse migrate` first"), "{err}");
    let (ok, out, err) = gatehouse(&["migrate", "--database-url", &url]);
    assert!(ok, "{err}");
    assert!(out.contains("schema is up to date"), "{out}");
    let store = store::connect_with(&url, store::Migrations::Check)
        .await
        .expect("up to date");
    store.close().await;
    let _ = std::fs::remove_file(&path);
}

/// When something fails on our side the user is given a reference to quote, the same as the
/// request's `X-Request-Id` (and its log lines' `id`), with or without JavaScript; a reference
/// someone wrote into a crafted URL is not shown.
#[tokio::test]
async fn a_failure_gives_the_user_the_reference_of_the_request_in_the_logs() {
    let app = TestApp::start().await;
    let b = app.browser();
    let signed_in = app.browser();
    signed_in.sign_in("account.admin").await;
    app.store.close().await;
    // A signed-in request whose session cannot even be looked up gets the bare page, with its
    // reference too.
    let bare = signed_in.get("/").await;
    assert_eq!(bare.status(), StatusCode::SERVICE_UNAVAILABLE);
    let bare_id = bare
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("a request id")
        .to_owned();
    let text = bare.text().await.expect("page");
    assert!(text.contains(&bare_id), "{text}");
    let email = demo_email("account.admin");
    let form = [("email", email.as_str()), ("password", PASSWORD)];

    let res = b.post("sign_in", &form, Js::Off, "/sign-in").await;
    let id = res
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("a request id")
        .to_owned();
    assert!(app::error::is_reference(&id), "{id}");
    // With the database down the failure cannot be kept on the server: its reference (and
    // nothing typed) travels in the address instead.
    let back = location(&res);
    let typed: String = form_urlencoded::byte_serialize(email.as_bytes()).collect();
    assert!(!back.contains(&email) && !back.contains(&typed), "{back}");
    let page = b
        .get(back.trim_start_matches(&app.base))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains(&format!("quote this reference to the Service Desk: {id}")),
        "{page}"
    );

    // The same error, written by someone else into a link with words of their own as the
    // reference: a page shows only the problems the server kept for this browser, so the link
    // shows the plain form.
    use base64::Engine;
    let forged = base64::engine::general_purpose::URL_SAFE
        .encode(r#"{"Internal":{"reference":"CALL 0800 000000"}}"#);
    let page = app
        .browser()
        .get(&format!("/sign-in?__path=%2Fapi%2Fsign_in&__err={forged}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Sign in"), "{page}");
    assert!(
        !page.contains("Sorry, there is a problem with the service"),
        "{page}"
    );
    assert!(!page.contains("0800"), "{page}");

    let first = id;
    let res = b.post("sign_in", &form, Js::On, "/sign-in").await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let id = res
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("a request id")
        .to_owned();
    let body = res.text().await.expect("body");
    assert!(body.contains(&id), "{body}");
    // Each request has its own.
    assert_ne!(first, id);
}
