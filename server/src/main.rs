use std::process::ExitCode;

use server::config::MailConfig;
use server::{build_state, leptos_options, mailer, router, serve, telemetry, Config};

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut msg = e.to_string();
            let mut source = std::error::Error::source(e.as_ref());
            while let Some(s) = source {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                source = s.source();
            }
            eprintln!("gatehouse could not start: {msg}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("import-ods") {
        return server::import::command(&args[1..]).await;
    }
    match args.first().map(String::as_str) {
        Some("bench-data") => return server::benchdata::data_command(&args[1..]).await,
        Some("bench-search") => return server::benchdata::search_command(&args[1..]).await,
        Some("bench-hash") => return server::benchdata::hash_command().await,
        _ => {}
    }
    let config = Config::from_env()?;
    let mail = MailConfig::from_env()?;
    let state = build_state(&config).await?;
    let outbox_worker = match &mail.smtp_url {
        Some(url) => {
            tracing::info!(smtp = %url.redacted(), "sending the outbox through SMTP");
            Some(mailer::spawn(
                state.store.clone(),
                mailer::transport(url)?,
                mail.from.clone(),
                mail.poll,
                state.clock.clone(),
            ))
        }
        None => {
            tracing::info!(
                "GATEHOUSE_SMTP_URL is not set: emails stay in the outbox (the Service Desk's Outbox page lists them)"
            );
            None
        }
    };
    let app = router(state.clone(), leptos_options(&config));
    let listener = tokio::net::TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    println!(
        "Gatehouse is running at http://{addr} (public URL {})",
        config.public_url
    );
    if config.demo {
        println!(
            "Demo mode: sign in as account.admin@{} with password {}",
            server::demo::DEMO_DOMAIN,
            server::demo::DEMO_PASSWORD
        );
    }
    serve(listener, app).await?;
    // A send cut short here is retried by the next start once its lease ends.
    if let Some(worker) = outbox_worker {
        worker.abort();
    }
    state.store.close().await;
    Ok(())
}
