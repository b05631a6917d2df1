//! `gatehouse-bench`: the benchmark tools, kept out of the production binary.
//! `gatehouse-bench data --users N` fills an empty database at national scale,
//! `gatehouse-bench search` times the Users search on it, `gatehouse-bench review` an access review
//! of a whole region on it, `gatehouse-bench two-factor` the code after the password, and
//! `gatehouse-bench hash` times one
//! password hash. `scripts/bench.sh` and `scripts/bench-pages.sh` run them.

mod benchdata;

use std::process::ExitCode;

const USAGE: &str =
    "usage: gatehouse-bench data [--users N] | search | review | two-factor | openid | hash";

// See the dependency's note in Cargo.toml: glibc's allocator was a fifth of a page's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    server::telemetry::init(None);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let done = match args.first().map(String::as_str) {
        Some("data") => benchdata::data_command(&args[1..]).await,
        Some("search") => benchdata::search_command(&args[1..]).await,
        Some("review") => benchdata::review_command(&args[1..]).await,
        Some("two-factor") => benchdata::two_factor_command(&args[1..]).await,
        Some("openid") => benchdata::openid_command(&args[1..]).await,
        Some("hash") => benchdata::hash_command().await,
        _ => Err(USAGE.into()),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gatehouse-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
