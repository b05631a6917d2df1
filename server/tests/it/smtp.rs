//! The outbox worker against a real SMTP server on loopback: Python's aiosmtpd, writing what it
//! accepts to a Maildir that the tests read back. Time is a test clock, so back-off is tested
//! without waiting for it.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use domain::model::outbox::{backoff_seconds, NewEmail, OutboxEmail};
use domain::storage::Outbox;
use domain::values::clock::{Clock, Timestamp};
use domain::EmailAddress;
use rand::Rng;
use server::config::{SmtpUrl, DEFAULT_MAIL_FROM};
use server::mailer;
use store::Store;
use tokio::time::Instant;

const POLL: Duration = Duration::from_millis(50);
const PATIENCE: Duration = Duration::from_secs(30);

struct TestClock(AtomicI64);

impl TestClock {
    fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

/// A scratch folder per test, removed when the test passes.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "gatehouse_smtp_{:016x}",
            rand::thread_rng().gen::<u64>()
        ));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Self(dir)
    }

    async fn store(&self) -> Store {
        store::connect(&format!("sqlite://{}", self.0.join("outbox.db").display()))
            .await
            .expect("sqlite store")
    }

    fn maildir(&self) -> PathBuf {
        self.0.join("mail")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// aiosmtpd on 127.0.0.1:`port`, delivering into a Maildir. Killed when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl SmtpServer {
    async fn start(port: u16, maildir: &Path) -> Self {
        let installed = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            installed,
            "these tests need a real SMTP server: Python's aiosmtpd is not installed. \
             Run scripts/test.sh (it installs it), or `pip install aiosmtpd`."
        );
        let log = maildir.with_extension(format!("{port}.log"));
        let log_file = std::fs::File::create(&log).expect("smtp log");
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log"))
            .stderr(log_file)
            .spawn()
            .expect("start aiosmtpd");
        let mut server = Self { child, port, log };
        server.wait_until_listening().await;
        server
    }

    async fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "aiosmtpd exited ({status}): {}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            assert!(Instant::now() < deadline, "aiosmtpd never listened");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn url(&self) -> SmtpUrl {
        SmtpUrl::parse(&format!("smtp://127.0.0.1:{}", self.port)).expect("smtp url")
    }

    fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// One message as the SMTP server stored it: headers (unfolded) and the decoded body.
struct Delivered {
    headers: BTreeMap<String, String>,
    body: String,
}

impl Delivered {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
            .unwrap_or_default()
    }
}

fn delivered(maildir: &Path) -> Vec<Delivered> {
    let mut files = Vec::new();
    for sub in ["new", "cur"] {
        if let Ok(entries) = std::fs::read_dir(maildir.join(sub)) {
            files.extend(entries.filter_map(Result::ok).map(|e| e.path()));
        }
    }
    files
        .iter()
        .map(|f| parse_message(&std::fs::read_to_string(f).expect("read message")))
        .collect()
}

fn parse_message(raw: &str) -> Delivered {
    let raw = raw.replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
    let mut headers = BTreeMap::new();
    let mut last: Option<String> = None;
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(name) = &last {
                let value: &mut String = headers.get_mut(name).expect("folded header");
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            let name = name.trim().to_ascii_lowercase();
            headers.insert(name.clone(), value.trim().to_owned());
            last = Some(name);
        }
    }
    let body = match headers.get("content-transfer-encoding").map(String::as_str) {
        Some("quoted-printable") => quoted_printable(body),
        Some("7bit") | Some("8bit") | None => body.to_owned(),
        Some(other) => panic!("unexpected transfer encoding {other}"),
    };
    Delivered { headers, body }
}

fn quoted_printable(s: &str) -> String {
    let joined = s.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1..i + 3)) {
            (b'=', Some(hex)) => {
                let hex = std::str::from_utf8(hex).expect("ascii");
                out.push(u8::from_str_radix(hex, 16).expect("qp escape"));
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("utf-8 body")
}

/// Waits, in real time, until `check` holds.
async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn rows(store: &Store) -> Vec<OutboxEmail> {
    store.outbox(1000).await.expect("outbox")
}

fn email(to: &str, subject: &str, body: &str) -> NewEmail {
    NewEmail {
        to: EmailAddress::parse(to).expect("email"),
        subject: subject.into(),
        body: body.into(),
    }
}

fn start_worker(
    store: &Store,
    smtp: &SmtpServer,
    clock: &Arc<TestClock>,
) -> tokio::task::JoinHandle<()> {
    mailer::spawn(
        store.clone(),
        mailer::transport(&smtp.url()).expect("transport"),
        DEFAULT_MAIL_FROM.parse().expect("from"),
        POLL,
        clock.clone(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_email_is_delivered_by_the_worker_and_marked_sent() {
    let scratch = Scratch::new();
    let smtp = SmtpServer::start(free_port(), &scratch.maildir()).await;
    let store = scratch.store().await;
    let clock = Arc::new(TestClock(AtomicI64::new(1_700_000_000)));
    // A real activation link is longer than a mail line should be: it must arrive intact.
    let body = "Hello Jane,\n\nYour request was approved. Set your password here:\n\
                https://gatehouse.example.org/activate?token=Zm9vYmFyLWJhei1xdXV4LXNvbWUtcmFuZG9tLWJ5dGVz\n\n\
                The link works once and expires in 72 hours.\n";
    store
        .enqueue_emails(
            &[email(
                "jane.smith@example.org",
                "Your Gatehouse account is ready",
                body,
            )],
            clock.now(),
        )
        .await
        .expect("enqueue");

    let worker = start_worker(&store, &smtp, &clock);
    eventually("the email is marked sent", async || {
        rows(&store).await[0].sent_at.is_some()
    })
    .await;
    worker.abort();

    let messages = delivered(&scratch.maildir());
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m.header("Subject"), "Your Gatehouse account is ready");
    assert_eq!(m.header("To"), "jane.smith@example.org");
    assert_eq!(m.header("X-RcptTo"), "jane.smith@example.org");
    assert_eq!(m.header("From"), DEFAULT_MAIL_FROM);
    assert!(m.header("Content-Type").starts_with("text/plain"));
    assert_eq!(m.body.trim_end(), body.trim_end());

    let row = &rows(&store).await[0];
    assert_eq!(row.sent_at, Some(clock.now()));
    assert_eq!(row.attempts, 1);
    assert_eq!(row.last_error, None);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emails_queued_while_smtp_is_down_are_delivered_exactly_once_when_it_is_back() {
    let scratch = Scratch::new();
    let port = free_port();
    let smtp = SmtpServer::start(port, &scratch.maildir()).await;
    let store = scratch.store().await;
    let clock = Arc::new(TestClock(AtomicI64::new(1_700_000_000)));
    let worker = start_worker(&store, &smtp, &clock);

    // One email goes through first, so the outage also breaks a connection the transport holds.
    store
        .enqueue_emails(
            &[email("first@example.org", "Before the outage", "Hello.\n")],
            clock.now(),
        )
        .await
        .expect("enqueue");
    eventually("the first email is sent", async || {
        rows(&store).await[0].sent_at.is_some()
    })
    .await;

    smtp.stop();
    for n in 0..20 {
        let to = format!("person{n}@example.org");
        let subject = format!("During the outage {n:02}");
        store
            .enqueue_emails(&[email(&to, &subject, "Hello.\n")], clock.now())
            .await
            .expect("enqueue");
    }
    let failed_after = async |attempts: i64| {
        let all = rows(&store).await;
        all.iter()
            .filter(|e| e.sent_at.is_none())
            .filter(|e| e.attempts == attempts && e.last_error.is_some())
            .count()
            == 20
    };
    eventually("every queued email has failed once", async || {
        failed_after(1).await
    })
    .await;

    // While the clock stands still, the back-off holds: no email is tried again.
    tokio::time::sleep(POLL * 10).await;
    assert!(
        failed_after(1).await,
        "an email was retried before its back-off"
    );
    let error = rows(&store).await[0].last_error.clone().unwrap_or_default();
    assert!(!error.is_empty(), "the failure is recorded");

    clock.advance(backoff_seconds(1));
    eventually("every queued email has failed twice", async || {
        failed_after(2).await
    })
    .await;

    let smtp = SmtpServer::start(port, &scratch.maildir()).await;
    clock.advance(backoff_seconds(2));
    eventually("every email is marked sent", async || {
        rows(&store).await.iter().all(|e| e.sent_at.is_some())
    })
    .await;

    // Let the worker run on, past any lease: nothing is sent again.
    clock.advance(3600);
    tokio::time::sleep(POLL * 10).await;
    worker.abort();
    smtp.stop();

    let messages = delivered(&scratch.maildir());
    let mut by_subject: BTreeMap<String, usize> = BTreeMap::new();
    for m in &messages {
        *by_subject
            .entry(m.header("Subject").to_owned())
            .or_default() += 1;
    }
    let outage: Vec<_> = by_subject
        .iter()
        .filter(|(s, _)| s.starts_with("During the outage"))
        .collect();
    assert_eq!(outage.len(), 20, "distinct subjects: {by_subject:?}");
    assert!(
        outage.iter().all(|(_, n)| **n == 1),
        "sent more than once: {by_subject:?}"
    );
    assert_eq!(messages.len(), 21, "{by_subject:?}");
    for m in &messages {
        let n = m.header("Subject").trim_start_matches("During the outage ");
        if let Ok(n) = n.parse::<usize>() {
            assert_eq!(m.header("X-RcptTo"), format!("person{n}@example.org"));
        }
    }
    let all = rows(&store).await;
    assert_eq!(all.len(), 21);
    assert!(all
        .iter()
        .filter(|e| e.subject.starts_with("During"))
        .all(|e| e.attempts == 3));
    store.close().await;
}
