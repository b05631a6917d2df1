//! Service Provider Clusters over HTTP against the real app (SQLite, demo data): creation walked
//! without JavaScript (the list, the form with Search by and Select All, Continue, No, Yes, the
//! confirmation's links, the new row), the form's problems, change and retire, and users
//! restricted to a cluster who reach only its practices, from their next request on.

use crate::support::{demo_email, location_path, said, Browser, Js, Origin, TestApp};

fn short_name_on(page: &str) -> String {
    let at = page
        .find("name=\"short_name\" value=\"")
        .expect("short name field")
        + "name=\"short_name\" value=\"".len();
    page[at..at + 10].to_owned()
}

/// The providers the form would send: hidden `members` fields and ticked `members` boxes.
fn chosen_in_form(html: &str) -> Vec<String> {
    let mut out: Vec<String> = html
        .split("<input")
        .skip(1)
        .filter_map(|rest| rest.split('>').next())
        .filter(|tag| tag.contains("name=\"members\""))
        .filter(|tag| {
            tag.contains("type=\"hidden\"")
                || (tag.contains("type=\"checkbox\"") && tag.contains(" checked"))
        })
        .filter_map(|tag| {
            tag.split("value=\"")
                .nth(1)?
                .split('"')
                .next()
                .map(str::to_owned)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The rows of the page's first table body.
fn table(html: &str) -> String {
    match (html.find("<tbody"), html.find("</tbody>")) {
        (Some(a), Some(b)) => html[a..b].to_owned(),
        _ => String::new(),
    }
}

async fn page(b: &Browser, path: &str) -> String {
    let res = b.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.expect("page")
}

#[tokio::test]
async fn an_organisation_administrator_creates_a_cluster_without_javascript() {
    let app = TestApp::start().await;
    let b = app.browser();
    b.sign_in("org.admin").await;
    // The list, with the demo cluster's short name, name, description, count and date.
    let list = page(&b, "/clusters").await;
    assert!(list.contains("<h1 class=\"nhsuk-heading-l\">Service Provider Clusters</h1>"));
    for heading in [
        "Short Name",
        "Name",
        "Description",
        "Number of Organisations",
        "Created Date",
    ] {
        assert!(list.contains(&format!(">{heading}</th>")), "{heading}");
    }
    let rows = table(&list);
    assert!(
        rows.contains("C61A6DB801") && rows.contains("Tees Valley North Practices"),
        "{rows}"
    );
    assert!(list.contains("href=\"/clusters/new\"") && list.contains("Add New Cluster"));
    // Add New Cluster: the form, with a generated short name shown read-only.
    let form = page(&b, "/clusters/new").await;
    let short = short_name_on(&form);
    assert!(
        short
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(&c)),
        "{short}"
    );
    for label in [
        "Organisation ID",
        "Organisation Name",
        "Organisation Type",
        "Parent Organisation",
        "Start Date",
        "End Date",
        "Contract Type",
    ] {
        assert!(form.contains(&format!(">{label}</th>")), "{label}");
    }
    // Continue with nothing filled in: a message at each field, and nothing created.
    let empty = page(
        &b,
        &format!("/clusters/new?started=1&short_name={short}&name=&description=&step=summary"),
    )
    .await;
    assert!(
        empty.contains("<title>Error: Create Service Provider Cluster - Gatehouse</title>"),
        "{empty}"
    );
    for message in [
        "Enter a name for the cluster",
        "Enter a description",
        "Select at least one service provider",
    ] {
        assert!(empty.contains(message), "{message}");
    }
    // Search by, then Select All of the results (two Queens Park practices would be too
    // few to tell: "SURGERY" matches many across pages).
    let search = page(&b, &format!("/clusters/new?started=1&short_name={short}&name=Southern&description=Mine&q=A81022&page=1")).await;
    assert!(table(&search).contains("Hillside Practice"));
    assert!(!table(&search).contains("The Densham Surgery"));
    let surgeries = page(&b, &format!("/clusters/new?started=1&short_name={short}&name=Southern&description=Mine&q=surgery&page=1")).await;
    let total: usize = surgeries
        .split("Select All (")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the number of matches");
    assert!(total > 25, "{total} matches: more than one page");
    // Ticked on an earlier search, then Select All of "surgery": both kept, across pages.
    let chosen = page(&b, &format!("/clusters/new?started=1&short_name={short}&name=Southern+Regions&description=My+new+cluster&members=A81022&shown_q=surgery&all=1&q=surgery&page=2")).await;
    assert!(
        chosen.contains(&format!("{} selected", total + 1)),
        "{}",
        &chosen[..2000.min(chosen.len())]
    );
    let sent = chosen_in_form(&chosen);
    assert_eq!(
        sent.len(),
        total + 1,
        "every choice travels in the form: {sent:?}"
    );
    assert!(sent.contains(&"A81022".to_owned()), "{sent:?}");
    // Continue → the summary, "Are you sure…?", the selected providers.
    let members = "members=A81022&members=A81001";
    let summary = page(&b, &format!("/clusters/new?started=1&short_name={short}&name=Southern+Regions+GP+Practices&description=My+new+cluster&{members}&step=summary")).await;
    assert!(summary.contains("Are you sure you want to create this Service Provider Cluster?"));
    assert!(summary.contains(&short) && summary.contains("Southern Regions GP Practices"));
    assert!(
        table(&summary).contains("Hillside Practice")
            && table(&summary).contains("The Densham Surgery")
    );
    // No on the summary: back to the form with every choice kept.
    let no = summary
        .split("href=\"")
        .find(|s| s.contains("/clusters/new?started=1"))
        .and_then(|s| s.split('"').next())
        .expect("the No link")
        .replace("&amp;", "&");
    let back = page(&b, &no).await;
    assert!(back.contains("value=\"Southern Regions GP Practices\""));
    assert!(back.contains("My new cluster</textarea>"));
    assert!(back.contains("2 selected"), "both providers still ticked");
    assert_eq!(short_name_on(&back), short);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM clusters").await,
        1,
        "nothing made before Yes"
    );
    // Yes: the cluster is made and the final confirmation offers both links.
    let res = b
        .post(
            "save_cluster",
            &[
                ("editing", ""),
                ("short_name", &short),
                ("name", "Southern Regions GP Practices"),
                ("description", "My new cluster"),
                ("members", "A81022,A81001"),
            ],
            Js::Off,
            "/clusters/new",
        )
        .await;
    assert_eq!(location_path(&res), "/clusters/created");
    let done = page(&b, &crate::support::location(&res)).await;
    assert!(done.contains("The selected cluster is submitted and saved."));
    assert!(done.contains("href=\"/clusters\">View Service Provider Clusters</a>"));
    assert!(done.contains("href=\"/clusters/new\">create a new Service Provider Cluster</a>"));
    // Back on the list: listed first (newest), with its count and today's date.
    let rows = table(&page(&b, "/clusters").await);
    let first = rows.split("</tr>").next().expect("a row");
    assert!(
        first.contains(&short) && first.contains("Southern Regions GP Practices"),
        "{first}"
    );
    assert!(
        first.contains(">2</td>") || first.contains("</span>2</td>"),
        "{first}"
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'cluster_created' AND reason LIKE '{short}%'"
        ))
        .await,
        1
    );
    // The same name again, in another case, is refused at the field.
    let clash = page(&b, "/clusters/new?started=1&short_name=ABCDEF0123&name=southern+regions+gp+practices&description=x&members=A81002&step=summary").await;
    assert!(clash.contains("Your organisation already has a cluster with this name"));
    // An organisation outside the administrator's is not offered, and not accepted either.
    let res = b
        .post(
            "save_cluster",
            &[
                ("short_name", "ABCDEF0124"),
                ("name", "Elsewhere"),
                ("description", "x"),
                ("members", "GATEHOUSE"),
            ],
            Js::On,
            "/clusters/new",
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(said(res).await.contains("ProviderNotOffered"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM clusters").await, 2);
    // A practice that has closed is refused too, at the field, and nothing is saved.
    app.sql("UPDATE organisations SET end_date = '2025-03-31' WHERE code = 'A81002'")
        .await;
    let res = b
        .post(
            "save_cluster",
            &[
                ("short_name", "ABCDEF0125"),
                ("name", "With a closed practice"),
                ("description", "x"),
                ("members", "A81001,A81002"),
            ],
            Js::On,
            "/clusters/new",
        )
        .await;
    assert_eq!(res.status(), 400);
    assert!(said(res).await.contains("ProviderClosed"));
    assert_eq!(app.scalar("SELECT COUNT(*) FROM clusters").await, 2);
}

#[tokio::test]
async fn users_restricted_to_a_cluster_reach_only_its_practices_from_their_next_request() {
    let app = TestApp::start().await;
    let user = app.browser();
    user.sign_in("cluster.user").await;
    // The demo cluster holds A81001, A81002 and A81005: the providers list shows those alone.
    let providers = page(&user, "/providers").await;
    assert!(providers.contains("3 providers"), "{}", table(&providers));
    assert!(table(&providers).contains("The Densham Surgery"));
    assert!(!table(&providers).contains("Hillside Practice"));
    assert_eq!(user.get("/providers/A81022").await.status(), 404);
    assert_eq!(user.get("/providers/A81001").await.status(), 200);
    let set = user
        .post(
            "set_approval_level",
            &[("code", "A81022"), ("multi_level", "on")],
            Js::On,
            "/providers/A81022",
        )
        .await;
    assert_eq!(set.status(), 404);
    // An administrator restricted to it sees the users of those practices only.
    let admin = app.browser();
    admin.sign_in("cluster.admin").await;
    let users = table(&page(&admin, "/users?q=provider.user").await);
    assert!(users.contains(&demo_email("provider.user")), "{users}");
    let search = page(&admin, "/users?q=staff.one").await;
    assert!(search.contains("No users match"), "{}", table(&search));
    let staff = app
        .scalar(&format!(
            "SELECT id FROM users WHERE email = '{}'",
            demo_email("staff.one")
        ))
        .await;
    assert_eq!(admin.get(&format!("/users/{staff}")).await.status(), 404);
    // The Organisation Administrator changes the cluster: Hillside in, Densham out.
    let org = app.browser();
    org.sign_in("org.admin").await;
    let edit = page(&org, "/clusters/C61A6DB801/edit").await;
    assert!(edit.contains("Change Service Provider Cluster"));
    assert!(edit.contains("value=\"Tees Valley North Practices\""));
    assert!(edit.contains("3 selected"));
    let res = org
        .post(
            "save_cluster",
            &[
                ("editing", "C61A6DB801"),
                ("short_name", "C61A6DB801"),
                ("name", "Tees Valley North Practices"),
                ("description", "Changed"),
                ("members", "A81002,A81005,A81022"),
            ],
            Js::Off,
            "/clusters/C61A6DB801/edit",
        )
        .await;
    assert_eq!(location_path(&res), "/clusters/C61A6DB801");
    assert_eq!(
        user.get("/providers/A81022").await.status(),
        200,
        "next request: Hillside in"
    );
    assert_eq!(
        user.get("/providers/A81001").await.status(),
        404,
        "next request: Densham out"
    );
    // Retired (confirmed): from the next request on its users reach nothing (it used
    // to restrict nobody, handing them the whole ICB).
    let unconfirmed = org
        .post(
            "retire_cluster",
            &[("short_name", "C61A6DB801")],
            Js::On,
            "/clusters/C61A6DB801",
        )
        .await;
    assert_eq!(unconfirmed.status(), 400);
    let res = org
        .post(
            "retire_cluster",
            &[("short_name", "C61A6DB801"), ("confirm", "yes")],
            Js::Off,
            "/clusters/C61A6DB801",
        )
        .await;
    assert_eq!(location_path(&res), "/clusters/C61A6DB801");
    assert!(page(&org, "/clusters")
        .await
        .contains("Tees Valley North Practices (retired)"));
    for practice in ["A81001", "A81002", "A81022"] {
        assert_eq!(
            user.get(&format!("/providers/{practice}")).await.status(),
            404,
            "{practice} after the cluster retired"
        );
    }
    assert!(page(&admin, "/users?q=staff.one")
        .await
        .contains("No users match"));
    assert!(page(&admin, "/users?q=provider.user")
        .await
        .contains("No users match"));
    assert!(page(&user, "/")
        .await
        .contains("Your access is limited to Service Provider Clusters that have been retired"));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_events WHERE action IN ('cluster_updated', 'cluster_retired')").await,
        2
    );
}

/// Pending Actions and Audit go through the same scope: an administrator limited to the demo
/// cluster sees the registration and the events at Densham (A81001), not those at Hillside
/// (A81022), and Hillside's registration is "not found"; the unrestricted administrator sees both.
#[tokio::test]
async fn a_cluster_limits_pending_actions_and_the_audit_trail_too() {
    let app = TestApp::start().await;
    let provider_user = app
        .scalar("SELECT id FROM roles WHERE name = 'Provider User'")
        .await;
    let mut registrations = Vec::new();
    for (code, first, last) in [("A81001", "Dana", "Densham"), ("A81022", "Hal", "Hillside")] {
        let email = format!(
            "{}.{}@example.nhs.uk",
            first.to_lowercase(),
            last.to_lowercase()
        );
        let user = app.add_person(&email, first, last, "pending").await;
        let org = app.organisation(code).await;
        let registration = app
            .add_assignment(
                user,
                org,
                provider_user,
                "pending",
                Origin::Registration,
                None,
            )
            .await;
        app.sql(&format!(
            "INSERT INTO audit_events (at, action, target_user_id, organisation_id, reason) \
             VALUES (2, 'registration_submitted', {user}, {org}, 'Marker {last}')"
        ))
        .await;
        registrations.push(registration);
    }
    let limited = app.browser();
    limited.sign_in("cluster.admin").await;
    let pending = table(&page(&limited, "/pending-actions").await);
    assert!(pending.contains("Densham"), "{pending}");
    assert!(!pending.contains("Hillside"), "{pending}");
    assert_eq!(
        limited
            .get(&format!("/pending-actions/{}", registrations[1]))
            .await
            .status(),
        404
    );
    let audit = page(&limited, "/audit?action=registration_submitted").await;
    assert!(audit.contains("Marker Densham"), "{}", table(&audit));
    assert!(!audit.contains("Marker Hillside"), "{}", table(&audit));
    let whole = app.browser();
    whole.sign_in("account.admin").await;
    let pending = table(&page(&whole, "/pending-actions").await);
    assert!(
        pending.contains("Densham") && pending.contains("Hillside"),
        "{pending}"
    );
    let audit = page(&whole, "/audit?action=registration_submitted").await;
    assert!(audit.contains("Marker Densham") && audit.contains("Marker Hillside"));
}

#[tokio::test]
async fn only_the_owning_organisations_administrator_reaches_its_clusters() {
    let app = TestApp::start().await;
    for local in ["account.admin", "cluster.admin", "provider.user"] {
        let b = app.browser();
        b.sign_in(local).await;
        assert_eq!(b.get("/clusters").await.status(), 404, "{local}");
        assert_eq!(b.get("/clusters/C61A6DB801").await.status(), 404, "{local}");
    }
    let org = app.browser();
    org.sign_in("org.admin").await;
    assert_eq!(
        org.get("/clusters/ABCDEF0000").await.status(),
        404,
        "no such cluster"
    );
    let detail = page(&org, "/clusters/C61A6DB801").await;
    assert!(table(&detail).contains("Queens Park Medical Centre"));
}
