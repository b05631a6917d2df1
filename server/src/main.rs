use std::process::ExitCode;

use clap::Parser;
use server::cli::{Cli, Command};
use server::config::Source;
use server::{commands, telemetry};

// See the dependency's note in Cargo.toml: glibc's allocator was a fifth of a page's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    // The file first, so that its variables count as the environment the flags stand over.
    server::config::load_file();
    let cli = Cli::parse();
    telemetry::init(cli.settings.get("GATEHOUSE_LOG_FORMAT").as_deref());
    let flags = |name: &str| cli.settings.get(name);
    let src = Source::new(&flags);
    let done = match cli.command {
        None => commands::serve(&src, false).await,
        Some(Command::Serve { no_migrate }) => commands::serve(&src, no_migrate).await,
        Some(Command::Migrate) => commands::migrate(&src).await,
        Some(Command::ImportOds(ref args)) => server::import::command(&src, args).await,
        Some(Command::CreateServiceDesk {
            ref email,
            ref first_name,
            ref last_name,
        }) => commands::create_service_desk(&src, email, first_name, last_name)
            .await
            .map(|said| println!("{said}")),
        Some(Command::CheckConfig) => commands::check_config(&src).map(|said| println!("{said}")),
        Some(Command::RotateSigningKey) => commands::rotate_signing_key(&src)
            .await
            .map(|said| println!("{said}")),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut msg = e.to_string();
            let mut source = std::error::Error::source(e.as_ref());
            while let Some(s) = source {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                source = s.source();
            }
            eprintln!("gatehouse: {msg}");
            ExitCode::FAILURE
        }
    }
}
