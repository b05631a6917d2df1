//! The binary alone is the service: copied into an empty folder and started there, with no site
//! folder and no settings but a database, it serves every page and the WebAssembly the pages
//! load, with their types and `ETag`s. `scripts/test.sh` builds the site before the binary, as the
//! release build does; without a built site these tests fail and say so.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use reqwest::StatusCode;

/// The server binary, copied alone into a new empty folder and started there on a free port.
struct Alone {
    child: Child,
    base: String,
    dir: std::path::PathBuf,
}

impl Drop for Alone {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn start_alone() -> Alone {
    // Cargo's scratch folder for tests sits beside the binary, on the same disk, so the "copy" is a
    // hard link: copying 300 MB of debug binary made the disk, and every test beside it, crawl.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("gatehouse_alone_{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("an empty folder");
    let binary = dir.join("gatehouse");
    let original = env!("CARGO_BIN_EXE_gatehouse");
    if std::fs::hard_link(original, &binary).is_err() {
        std::fs::copy(original, &binary).expect("copy the binary");
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(&binary)
        .current_dir(&dir)
        .env_clear()
        .env("DATABASE_URL", "sqlite://alone.db")
        .env("GATEHOUSE_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while reqwest::get(format!("{base}/healthz")).await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the binary did not answer"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Alone { child, base, dir }
}

#[tokio::test]
async fn the_binary_alone_serves_the_pages_and_the_webassembly_they_load() {
    let alone = start_alone().await;
    let client = reqwest::Client::new();
    let page = client
        .get(format!("{}/sign-in", alone.base))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    for file in ["/pkg/gatehouse.css", "/vendor/nhsuk-frontend.min.css"] {
        assert!(html.contains(file), "the page links {file}");
    }

    for (file, kind) in [
        ("/pkg/gatehouse.wasm", "application/wasm"),
        ("/pkg/gatehouse.js", "text/javascript"),
        ("/pkg/gatehouse.css", "text/css"),
        ("/vendor/nhsuk-frontend.min.css", "text/css"),
        ("/assets/images/favicon.ico", "image/"),
    ] {
        let res = client
            .get(format!("{}{file}", alone.base))
            .send()
            .await
            .expect("file");
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{file}: is the site built (bash scripts/site.sh) before the binary?"
        );
        let got = res.headers()[CONTENT_TYPE]
            .to_str()
            .expect("type")
            .to_owned();
        assert!(got.starts_with(kind), "{file}: {got}");
        assert_eq!(res.headers()[CACHE_CONTROL], "no-cache");
        let etag = res.headers()[ETAG].clone();
        assert!(!res.bytes().await.expect("body").is_empty(), "{file}");
        // The browser's next visit asks with the tag and gets no body.
        let again = client
            .get(format!("{}{file}", alone.base))
            .header(IF_NONE_MATCH, etag.clone())
            .send()
            .await
            .expect("again");
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{file}");
        assert_eq!(again.headers()[ETAG], etag);
    }

    // Nothing else of the folder it runs in is served: not its database.
    let db = client
        .get(format!("{}/alone.db", alone.base))
        .send()
        .await
        .expect("answer");
    assert_eq!(db.status(), StatusCode::NOT_FOUND);
    let missing = client
        .get(format!("{}/pkg/nothing.js", alone.base))
        .send()
        .await
        .expect("answer");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
