//! `gatehouse-bench openid`: the OpenID Connect endpoints over HTTP, on the benchmark database.
//! Gatehouse is started in this process on a free port, as `gatehouse serve` would be; the
//! clients are in the same process, so they take their share of the two cores, as `wrk` does for
//! the pages. Refresh: each of 16 clients uses its grant's refresh token and the next one it gets,
//! in turn, each answer with two signed tokens (access and ID), beside Keycloak's published
//! sizing of about 120 refreshes per second per vCPU. Introspection: the latencies of a
//! confidential service's checks of an access token, 16 at a time.

use std::sync::Arc;

use domain::model::connected_service::{NewCode, NewGrant, ServiceSettings};
use domain::model::session::NewSession;
use domain::storage::{ConnectedServices, ServiceGrants, Sessions};
use domain::values::clock::SecretToken;

use super::*;

const CLIENTS: usize = 16;
const CLIENT_ID: &str = "bench-service";

/// A signed-in person's grant with a refresh token nobody has used.
async fn grant(
    store: &Store,
    service: domain::model::connected_service::ServiceId,
    user: UserId,
    assignment: domain::AssignmentId,
    now: domain::Timestamp,
) -> Result<String, Box<dyn std::error::Error>> {
    let tokens = app::ssr::state::OsTokens;
    let session = SecretToken::generate(&tokens);
    store
        .create_session(
            &NewSession {
                id_hash: session.hash(),
                user,
                assignment: Some(assignment),
                now,
                client: None,
                agent: None,
                proof: Default::default(),
            },
            &NewAudit::by_user(user, AuditAction::SignIn, now, None),
        )
        .await?;
    let id = SecretToken::generate(&tokens).expose()[..22].to_owned();
    store
        .start_grant(
            &NewGrant {
                id: id.clone(),
                service,
                user,
                assignment,
                session: session.hash(),
                scope: "openid".into(),
                nonce: None,
                auth_time: now,
                amr: "pwd".into(),
                now,
            },
            &NewCode {
                hash: SecretToken::generate(&tokens).hash(),
                redirect_uri: "https://bench.example/cb".into(),
                challenge: "b".repeat(43),
                expires_at: now,
            },
            &NewAudit::by_user(user, AuditAction::SignedInToService, now, None),
        )
        .await?;
    let refresh = SecretToken::generate(&tokens);
    store.keep_refresh_token(&id, &refresh.hash(), now).await?;
    Ok(refresh.expose().to_owned())
}

pub async fn openid_command(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let rounds = rounds_of(args, 2000)?;
    let mut config = server::Config::from_env()?;
    config
        .key_encryption_key
        .get_or_insert(*b"the benchmark's own key, 32 b!!!");
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let base = format!("http://{}", listener.local_addr()?);
    config.public_url = base.clone();
    let state = server::build_state(&config).await?;
    let store = state.store.clone();
    let users = store.count_users().await?;
    let now = state.clock.now();
    let secret = SecretToken::generate(&app::ssr::state::OsTokens);
    let service = match store.service_by_client_id(CLIENT_ID).await? {
        Some(s) => {
            let audit = NewAudit::anonymous(AuditAction::ConnectedServiceSecretRotated, now, None);
            store
                .replace_service_secret(s.id, &secret.hash(), now, &audit)
                .await?;
            s.id
        }
        None => {
            let settings = ServiceSettings {
                name: "Benchmark".into(),
                redirect_uris: vec!["https://bench.example/cb".into()],
                post_logout_redirect_uris: vec![],
                backchannel_logout_uri: None,
            };
            let audit = NewAudit::anonymous(AuditAction::ConnectedServiceAdded, now, None);
            store
                .add_service(CLIENT_ID, &settings, Some(&secret.hash()), now, &audit)
                .await?
        }
    };
    let holder = store
        .assignments_of(UserId(2))
        .await?
        .into_iter()
        .find(|a| a.in_force(now))
        .ok_or("no active role for user 2: run bench-data first")?;
    let app = server::router(state.clone(), server::leptos_options(&config));
    let listener = tokio::net::TcpListener::from_std(listener)?;
    tokio::spawn(async move {
        let _ = server::serve(listener, app).await;
    });
    let http = reqwest::Client::new();
    let secret = Arc::new(secret.expose().to_owned());

    println!(
        "OpenID Connect over HTTP, {users} users, {rounds} requests, {CLIENTS} clients at once:"
    );
    let mut firsts = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        firsts.push(grant(&store, service, UserId(2), holder.id, now).await?);
    }
    let started = Instant::now();
    let mut set = JoinSet::new();
    for first in firsts {
        let (http, base, secret) = (http.clone(), base.clone(), secret.clone());
        let each = rounds / CLIENTS;
        set.spawn(async move {
            let mut token = first;
            let mut took = Vec::with_capacity(each);
            for _ in 0..each {
                let t = Instant::now();
                let answer: serde_json::Value = http
                    .post(format!("{base}/oidc/token"))
                    .basic_auth(CLIENT_ID, Some(secret.as_str()))
                    .form(&[
                        ("grant_type", "refresh_token"),
                        ("refresh_token", token.as_str()),
                    ])
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .json()
                    .await
                    .map_err(|e| e.to_string())?;
                took.push(t.elapsed());
                token = answer["refresh_token"]
                    .as_str()
                    .ok_or(format!("refused: {answer}"))?
                    .to_owned();
            }
            Ok::<_, String>((took, token))
        });
    }
    let mut took = Vec::new();
    while let Some(done) = set.join_next().await {
        took.extend(done??.0);
    }
    let elapsed = started.elapsed();
    took.sort();
    let per_second = took.len() as f64 / elapsed.as_secs_f64();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    println!(
        "  token endpoint, refresh_token: {per_second:.0} requests/s on {cores} cores ({:.0} per core; Keycloak's sizing: about 120 per vCPU); p50 {:.1} ms, p99 {:.1} ms",
        per_second / cores as f64,
        percentile(&took, 0.50),
        percentile(&took, 0.99),
    );

    let refresh = grant(&store, service, UserId(2), holder.id, now).await?;
    let answer: serde_json::Value = http
        .post(format!("{base}/oidc/token"))
        .basic_auth(CLIENT_ID, Some(secret.as_str()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
        ])
        .send()
        .await?
        .json()
        .await?;
    let access = Arc::new(
        answer["access_token"]
            .as_str()
            .ok_or("no access token")?
            .to_owned(),
    );
    let started = Instant::now();
    let mut set = JoinSet::new();
    for _ in 0..CLIENTS {
        let (http, base, secret, access) =
            (http.clone(), base.clone(), secret.clone(), access.clone());
        let each = rounds / CLIENTS;
        set.spawn(async move {
            let mut took = Vec::with_capacity(each);
            for _ in 0..each {
                let t = Instant::now();
                let answer: serde_json::Value = http
                    .post(format!("{base}/oidc/introspect"))
                    .basic_auth(CLIENT_ID, Some(secret.as_str()))
                    .form(&[("token", access.as_str())])
                    .send()
                    .await
                    .map_err(|e| e.to_string())?
                    .json()
                    .await
                    .map_err(|e| e.to_string())?;
                if answer["active"] != true {
                    return Err(format!("inactive: {answer}"));
                }
                took.push(t.elapsed());
            }
            Ok::<_, String>(took)
        });
    }
    let mut took = Vec::new();
    while let Some(done) = set.join_next().await {
        took.extend(done??);
    }
    let elapsed = started.elapsed();
    took.sort();
    println!(
        "  introspection: {:.0} requests/s; p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms (budget: p99 under 50 ms)",
        took.len() as f64 / elapsed.as_secs_f64(),
        percentile(&took, 0.50),
        percentile(&took, 0.95),
        percentile(&took, 0.99),
    );
    Ok(())
}
