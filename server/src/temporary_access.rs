//! The worker for access that ends by itself: every minute it marks the roles whose end has come
//! (each "expired" audit event once) and sends the reminders that are due (a week and a day
//! before); when the service sets `GATEHOUSE_DISABLE_DORMANT_DAYS`, it also disables the
//! accounts nobody has used for that long. Access itself never waits for it: every request compares the acting role's end
//! with the clock.

use std::time::Duration;

use app::ssr::AppState;
use tokio::task::JoinHandle;

pub const EVERY: Duration = Duration::from_secs(60);

pub fn spawn(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tick(&state).await;
            tokio::time::sleep(EVERY).await;
        }
    })
}

/// One round: roles marked ended, reminders sent, (when the service disables unused accounts)
/// accounts nobody used disabled, the starters of overdue access reviews reminded (once a day),
/// and scheduled access reviews whose year has come started again. A failure is logged and tried again on the next
/// round.
pub async fn tick(state: &AppState) -> (usize, usize) {
    let services = state.services();
    let ended = domain::features::temporary_access::sweep_if_due(&services, &state.expiry)
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "marking ended roles failed");
            0
        });
    let reminded = domain::features::temporary_access::send_reminders(
        &services,
        &app::ssr::uk_time::last_day_words,
    )
    .await
    .unwrap_or_else(|e| {
        tracing::error!(error = %e, "sending end-of-access reminders failed");
        0
    });
    let disabled =
        domain::features::temporary_access::disable_unused(&services, state.disable_dormant_days)
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "disabling unused accounts failed");
                0
            });
    let overdue = domain::features::access_reviews::remind_overdue(&services)
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "reminding overdue access reviews failed");
            0
        });
    let repeated = domain::features::access_reviews::start_repeats(&services)
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "starting scheduled access reviews again failed");
            0
        });
    if ended + reminded + disabled + overdue + repeated > 0 {
        tracing::info!(
            ended,
            reminded,
            disabled,
            overdue,
            repeated,
            "access that ends by itself"
        );
    }
    (ended, reminded)
}
