//! What `gatehouse_role` says of a role restricted to clusters: each live cluster with the ODS
//! codes it reaches, and nothing at all once every cluster is retired (never the whole
//! organisation).

use super::*;
use crate::support::TestApp;

#[tokio::test]
async fn a_role_restricted_to_clusters_names_them_and_reaches_nothing_once_they_are_retired() {
    let app = TestApp::start().await;
    let b = signed_in(&app, "cluster.user").await;
    let code = code_for(&app, &b, CLIENT, CALLBACK).await;
    let t = exchange(&app, &code).await;
    let (_, id) = verified(&app, t["id_token"].as_str().expect("id")).await;
    assert_eq!(
        id["gatehouse_role"]["clusters"],
        serde_json::json!([{
            "name": "Tees Valley North Practices",
            "ods_codes": ["A81001", "A81002", "A81005"]
        }])
    );
    app.sql("UPDATE clusters SET retired_at = 1").await;
    let res = token(
        &app,
        CLIENT,
        Some(SECRET),
        &[
            ("grant_type", "refresh_token"),
            (
                "refresh_token",
                t["refresh_token"].as_str().expect("refresh"),
            ),
        ],
    )
    .await;
    assert_eq!(res.status(), 200);
    let t: serde_json::Value = res.json().await.expect("json");
    let (_, id) = verified(&app, t["id_token"].as_str().expect("id")).await;
    assert_eq!(
        id["gatehouse_role"]["clusters"],
        serde_json::json!([]),
        "restricted to nothing, not unrestricted"
    );
}
