//! The Service Desk's ODS upload over HTTP against the real app (SQLite, demo data): a multipart
//! form like the browser's, the import in the background, its progress and summary, and the
//! problems a bad upload gets at its fields.

use crate::support::{location, Browser, Js, TestApp};
use reqwest::header::{ACCEPT, CONTENT_TYPE, ORIGIN};

const ICBS: &str = include_str!("../../demo-data/icb.csv");
const ECCG: &str = include_str!("../../demo-data/eccg-qhm.csv");
const PRACTICES: &str = include_str!("../../demo-data/epraccur-qhm.csv");

/// A multipart body as a browser builds it: each `(name, Some(file name), bytes)` is a file input
/// (an empty file name is a file input left empty), `None` a text field.
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----gatehouse-test-boundary-7d93a1";
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(b: &Browser, parts: &[(&str, Option<&str>, &[u8])]) -> reqwest::Response {
    let (content_type, body) = multipart(parts);
    b.client
        .post(format!("{}/organisations/import/upload", b.base))
        .header(ORIGIN, &b.base)
        .header(ACCEPT, "text/html")
        .header(CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .expect("upload")
}

/// Asks for the import's progress until it has finished, as the page does.
async fn finished(b: &Browser, job: &str) -> serde_json::Value {
    for _ in 0..600 {
        let res = b.post("import_status", &[("job", job)], Js::On, "/").await;
        assert_eq!(res.status(), 200);
        let s: serde_json::Value = res.json().await.expect("json");
        if s["finished"] == true {
            return s;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import did not finish");
}

fn job_of(res: &reqwest::Response) -> String {
    let loc = location(res);
    loc.strip_prefix("/organisations/import/")
        .unwrap_or_else(|| panic!("sent to the progress page, not {loc:?}"))
        .to_owned()
}

/// The fixture with A81001 renamed and one row too short to read (its last line).
fn edited_practices() -> String {
    let mut lines: Vec<String> = PRACTICES.lines().map(str::to_owned).collect();
    lines[0] = lines[0].replace("THE DENSHAM SURGERY", "DENSHAM SURGERY AND PARTNERS");
    lines.push("\"A99001\",\"TOO FEW COLUMNS\"".into());
    lines.join("\n")
}

#[tokio::test]
async fn the_service_desk_uploads_extracts_and_reads_the_summary() {
    let app = TestApp::start().await;
    let desk = app.browser_without_keep_alive();
    desk.sign_in("service.desk").await;
    let page = desk.get("/organisations/import").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("page");
    assert!(
        html.contains("Import ODS extracts") && html.contains("enctype=\"multipart/form-data\"")
    );

    let practices = edited_practices();
    let lines = practices.lines().count();
    let organisations = app.scalar("SELECT COUNT(*) FROM organisations").await;

    // A dry run first: it reports the change and keeps nothing.
    let res = upload(
        &desk,
        &[
            ("icb_list", Some("icb.csv"), ICBS.as_bytes()),
            ("eccg", Some("eccg.csv"), ECCG.as_bytes()),
            ("epraccur", Some("epraccur.csv"), practices.as_bytes()),
            ("only_icb", None, b"qhm"),
            ("dry_run", None, b"yes"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let job = job_of(&res);
    let dry = finished(&desk, &job).await;
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["result"]["updated"], 1, "{dry}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM organisations WHERE name = 'The Densham Surgery'")
            .await,
        1,
        "a dry run changes nothing"
    );

    let res = upload(
        &desk,
        &[
            ("icb_list", Some("icb.csv"), ICBS.as_bytes()),
            ("eccg", Some("eccg.csv"), ECCG.as_bytes()),
            ("epraccur", Some("epraccur.csv"), practices.as_bytes()),
            ("only_icb", None, b"QHM"),
        ],
    )
    .await;
    let job = job_of(&res);
    let done = finished(&desk, &job).await;
    assert_eq!(done["failed"], false);
    let r = &done["result"];
    assert_eq!(
        (r["added"].as_u64(), r["updated"].as_u64()),
        (Some(0), Some(1)),
        "{done}"
    );
    assert_eq!(
        done["done"], done["total"],
        "progress reached the end: {done}"
    );
    let rejected = r["rejected"].as_array().expect("rejected");
    assert_eq!(rejected.len(), 1, "{done}");
    let reason = rejected[0].as_str().unwrap_or_default();
    assert!(
        reason.starts_with(&format!("epraccur line {lines}:")),
        "{reason}"
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM organisations WHERE name = 'Densham Surgery And Partners'"
        )
        .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM organisations").await,
        organisations
    );
    let by_desk = app
        .scalar(
            "SELECT COUNT(*) FROM audit_events a JOIN users u ON u.id = a.actor_user_id \
             WHERE a.action = 'organisations_imported' AND u.email LIKE 'service.desk@%'",
        )
        .await;
    assert_eq!(
        by_desk, 1,
        "the import is audited as the desk's, the dry run not at all"
    );

    // The progress page, as a browser without JavaScript sees it once finished.
    let html = desk
        .get(&format!("/organisations/import/{job}"))
        .await
        .text()
        .await
        .expect("page");
    for text in [
        "Import finished",
        "Rejected rows",
        &format!("epraccur line {lines}:"),
    ] {
        assert!(html.contains(text), "{text} in the summary page");
    }
}

#[tokio::test]
async fn a_bad_upload_is_sent_back_with_a_problem_at_each_field() {
    let app = TestApp::start().await;
    let desk = app.browser_without_keep_alive();
    desk.sign_in("service.desk").await;
    let before = app.scalar("SELECT COUNT(*) FROM audit_events").await;

    // No ICB list chosen, no commissioners at all, a picture for the practices, a bad ICB code.
    let res = upload(
        &desk,
        &[
            ("icb_list", Some(""), b""),
            ("epraccur", Some("photo.png"), b"\x89PNG\r\n\x1a\n\x00\xff"),
            ("only_icb", None, b"Q H M!"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let back = location(&res);
    assert!(back.starts_with("/organisations/import?error="), "{back}");
    let html = desk.get(&back).await.text().await.expect("page");
    for message in [
        "Select the ICB list (icb.csv)",
        "Select the commissioner extract (eccg.csv)",
        "The selected file must be a CSV file, as downloaded from ODS",
        "Enter an ODS code of 3 to 12 letters and numbers",
    ] {
        assert!(html.contains(message), "{message:?} on the page");
    }
    assert!(html.contains("value=\"Q H M!\""), "the ICB typed is kept");

    // An empty file is not an extract either.
    let res = upload(
        &desk,
        &[
            ("icb_list", Some("icb.csv"), ICBS.as_bytes()),
            ("eccg", Some("eccg.csv"), b""),
            ("epraccur", Some("epraccur.csv"), PRACTICES.as_bytes()),
        ],
    )
    .await;
    let html = desk.get(&location(&res)).await.text().await.expect("page");
    assert!(html.contains("The selected file is empty"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_events").await,
        before,
        "nothing imported, nothing recorded"
    );
}

#[tokio::test]
async fn only_the_service_desk_may_upload_or_watch_an_import() {
    let app = TestApp::start().await;
    let desk = app.browser_without_keep_alive();
    desk.sign_in("service.desk").await;
    let res = upload(
        &desk,
        &[
            ("icb_list", Some("icb.csv"), ICBS.as_bytes()),
            ("eccg", Some("eccg.csv"), ECCG.as_bytes()),
            ("epraccur", Some("epraccur.csv"), PRACTICES.as_bytes()),
            ("only_icb", None, b"QHM"),
        ],
    )
    .await;
    let job = job_of(&res);
    let done = finished(&desk, &job).await;
    assert_eq!(
        done["result"]["added"], 0,
        "the demo came from these files: {done}"
    );

    let admin = app.browser_without_keep_alive();
    admin.sign_in("account.admin").await;
    let res = upload(
        &admin,
        &[
            ("icb_list", Some("icb.csv"), ICBS.as_bytes()),
            ("eccg", Some("eccg.csv"), ECCG.as_bytes()),
            ("epraccur", Some("epraccur.csv"), PRACTICES.as_bytes()),
        ],
    )
    .await;
    assert_eq!(res.status(), 404);
    let res = admin
        .post("import_status", &[("job", &job)], Js::On, "/")
        .await;
    assert_eq!(
        res.status(),
        404,
        "another user cannot watch the desk's import"
    );
    let html = admin
        .get("/organisations/import")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        !html.contains("multipart/form-data"),
        "no upload form for an administrator"
    );

    let stranger = app.browser_without_keep_alive();
    let res = upload(
        &stranger,
        &[("epraccur", Some("epraccur.csv"), PRACTICES.as_bytes())],
    )
    .await;
    assert_eq!(res.status(), 404);

    // From another site, the desk's own browser is refused before anything is read.
    let (content_type, body) = multipart(&[("epraccur", Some("e.csv"), PRACTICES.as_bytes())]);
    let res = desk
        .client
        .post(format!("{}/organisations/import/upload", desk.base))
        .header(ORIGIN, "https://evil.example")
        .header(CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403);
}
