//! The outbox worker: sends, through SMTP, the emails that changes wrote to the outbox in
//! their own transactions, and retries failures with back-off.
//!
//! Delivery is at least once: a row is claimed with a lease before sending, so two instances never
//! send it at the same time, but a crash after the SMTP server accepted a message and before the
//! row is marked sent means it is sent again once the lease ends.

use std::sync::Arc;
use std::time::Duration;

use domain::model::outbox::{OutboxEmail, CLAIM_LEASE_SECONDS};
use domain::storage::{Outbox, StoreError};
use domain::values::clock::Clock;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use store::Store;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::config::SmtpUrl;

pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// How many due emails one pass claims.
pub const BATCH: i64 = 20;

/// One SMTP command may take this long.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// One whole email may take this long, from connecting to the server's answer; then it is given up
/// (an unfinished DATA is not delivered) and retried later.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// Slack for instances whose clocks disagree a little about when a lease ends.
const LEASE_MARGIN: Duration = Duration::from_secs(10);

/// Builds the SMTP transport. Call it inside the Tokio runtime: its connection pool runs there.
pub fn transport(url: &SmtpUrl) -> Result<Transport, lettre::transport::smtp::Error> {
    Ok(
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())?
            .timeout(Some(SMTP_TIMEOUT))
            .build(),
    )
}

/// Sends what the outbox holds. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    store: Store,
    transport: Transport,
    from: Mailbox,
    clock: Arc<dyn Clock>,
}

impl Mailer {
    pub fn new(store: Store, transport: Transport, from: Mailbox, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            transport,
            from,
            clock,
        }
    }

    /// One pass: claims up to `BATCH` due emails, sends each and records the outcome. Returns how
    /// many were claimed.
    #[tracing::instrument(skip_all)]
    pub async fn deliver_due(&self) -> Result<usize, StoreError> {
        let claimed = self.store.claim_emails(self.clock.now(), BATCH).await?;
        let count = claimed.len();
        // No send may still run when the lease ends and another instance may claim the row.
        let lease = Duration::from_secs(CLAIM_LEASE_SECONDS.unsigned_abs());
        let last_start = Instant::now() + lease.saturating_sub(SEND_TIMEOUT + LEASE_MARGIN);
        for (i, email) in claimed.iter().enumerate() {
            if Instant::now() > last_start {
                // The rest stay claimed until their lease ends, then any instance retries them.
                tracing::warn!(
                    left = count - i,
                    "the claim's lease is running out; leaving the rest for later"
                );
                break;
            }
            self.deliver(email).await;
        }
        Ok(count)
    }

    async fn deliver(&self, email: &OutboxEmail) {
        // Never log the body (it can hold a single-use link) nor the address.
        match self.send(email).await {
            Ok(()) => {
                tracing::info!(id = email.id, attempts = email.attempts, "email sent");
                if let Err(e) = self.store.mark_sent(email.id, self.clock.now()).await {
                    // The row will be sent again when its lease ends: at least once, not exactly.
                    tracing::error!(id = email.id, error = %chain(&e), "sent, but could not mark the email sent");
                }
            }
            Err(reason) => {
                tracing::warn!(id = email.id, attempts = email.attempts, error = %reason, "email not sent; will retry");
                if let Err(e) = self
                    .store
                    .mark_failed(email.id, self.clock.now(), &reason)
                    .await
                {
                    tracing::error!(id = email.id, error = %chain(&e), "could not record the failed email");
                }
            }
        }
    }

    async fn send(&self, email: &OutboxEmail) -> Result<(), String> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| format!("recipient address refused: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.as_str())
            .header(ContentType::TEXT_PLAIN)
            .body(email.body.clone())
            .map_err(|e| format!("could not build the message: {e}"))?;
        match tokio::time::timeout(SEND_TIMEOUT, self.transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(chain(&e)),
            Err(_) => Err(format!("no answer within {} s", SEND_TIMEOUT.as_secs())),
        }
    }
}

/// Starts the worker: it sends due emails in batches, and sleeps `poll` whenever none were due.
pub fn spawn(
    store: Store,
    transport: Transport,
    from: Mailbox,
    poll: Duration,
    clock: Arc<dyn Clock>,
) -> JoinHandle<()> {
    let mailer = Mailer::new(store, transport, from, clock);
    tokio::spawn(async move {
        loop {
            match mailer.deliver_due().await {
                // More may be due right away; failures are backed off, so this cannot spin.
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %chain(&e), "could not read the outbox"),
            }
            tokio::time::sleep(poll).await;
        }
    })
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}
