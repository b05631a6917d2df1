//! The authorisation matrix (authorisation happens on the server, for every server
//! function): every server function, for the signed-out visitor and for every demo user acting
//! as their role, against the objects of a practice (Hillside, A81022) that some of them
//! administer and others do not.
//!
//! The table below is the specification. It must name every server function the app registers:
//! a new one without a row fails `the_table_covers_every_server_function`.
//!
//! Every denial must look like "not found" (404 and the `NotFound` error), never a 403 that
//! confirms the object exists. The calls that would change something carry valid arguments, so a
//! missing check would show as a change; the database is compared before and after.

use std::collections::BTreeSet;

use crate::support::{demo_email, named, Browser, Js, Origin, TestApp};
use server::demo::DEMO_USERS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone, signed in or not (sign-in, registration, links from emails).
    Public,
    /// Any signed-in user, with or without an acting role (My Profile and its pages).
    User,
    /// Any acting role, whatever its capabilities (the home page's counts).
    Role,
    /// An acting role holding one of these capabilities.
    Any(&'static [&'static str]),
}

/// Whether the arguments name an object at Hillside (A81022): in scope for a role above it, out
/// of scope for a role at another practice; or an object only its owner may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    None,
    Hillside,
    /// Owned by `locum.one`: everyone else gets "not found".
    LocumsOwn,
}

struct Row {
    endpoint: &'static str,
    access: Access,
    target: Target,
    /// Calling it as an allowed user would change something (checked only for denials).
    changes: bool,
    args: &'static [(&'static str, &'static str)],
}

const fn row(
    endpoint: &'static str,
    access: Access,
    target: Target,
    changes: bool,
    args: &'static [(&'static str, &'static str)],
) -> Row {
    Row {
        endpoint,
        access,
        target,
        changes,
        args,
    }
}

const USERS: Access = Access::Any(&["manage_users"]);
const REVIEW: Access = Access::Any(&["manage_users", "grant_approver_roles"]);
// Any role that manages users invites; the Commissioning Approver invites to approver roles only.
const INVITE: Access = Access::Any(&["manage_users", "grant_approver_roles"]);
const DESK: Access = Access::Any(&["service_desk"]);
const ORGS: Access = Access::Any(&["manage_organisations"]);
const PROVIDERS: Access = Access::Any(&["set_approval_level", "manage_users"]);
const APPROVAL: Access = Access::Any(&["set_approval_level"]);
const CLUSTERS: Access = Access::Any(&["manage_clusters"]);

use Access::{Public, Role, User};
use Target::{Hillside, LocumsOwn, None as NoTarget};

const INVITEE: &[(&str, &str)] = &[("org", "A81022"), ("role", "{provider_user_role}")];

#[rustfmt::skip]
const TABLE: &[Row] = &[
    // Signing in and out, and what every page's header needs.
    row("viewer", Public, NoTarget, false, &[]),
    row("sign_in", Public, NoTarget, true, &[("email", "nobody@example.nhs.uk"), ("password", "Wrong-Passw0rd!")]),
    row("sign_out", Public, NoTarget, true, &[]),
    row("selectable_accounts", User, NoTarget, false, &[]),
    row("select_account", User, NoTarget, true, &[("assignment", "{locum_assignment}")]),
    row("my_account", User, NoTarget, false, &[]),
    row("my_sessions", User, NoTarget, false, &[]),
    row("end_other_sessions", User, NoTarget, true, &[]),
    row("stay_signed_in", User, NoTarget, false, &[]),
    // Registration and activation: before anyone signs in.
    row("find_organisations", Public, NoTarget, false, &[("query", "A81022")]),
    row("register_start", Public, NoTarget, false, &[("email", "someone@example.nhs.uk"), ("organisation", "A81022")]),
    row("register_email", Public, NoTarget, false, &[]),
    row("registration_options", Public, NoTarget, false, &[("org", "A81022")]),
    row("register", Public, NoTarget, true, &[("email", "bad"), ("org", "A81022")]),
    row("activation_link", Public, NoTarget, false, &[("token", "nonsense")]),
    row("activate", Public, NoTarget, true, &[("token", "nonsense"), ("password", "Passw0rd-Long!"), ("confirm_password", "Passw0rd-Long!")]),
    row("renew_activation", Public, NoTarget, true, &[("token", "nonsense")]),
    row("invitation_link", Public, NoTarget, false, &[("token", "nonsense")]),
    row("accept_invitation", Public, NoTarget, true, &[("token", "nonsense"), ("first_name", "A"), ("last_name", "B"), ("password", "Passw0rd-Long!"), ("confirm_password", "Passw0rd-Long!")]),
    row("accept_invitation_signed", Public, NoTarget, true, &[("token", "nonsense"), ("password", "Passw0rd-Long!")]),
    row("forgotten_password", Public, NoTarget, true, &[("email", "nobody@example.nhs.uk")]),
    row("reset_link", Public, NoTarget, false, &[("token", "nonsense")]),
    row("reset_password", Public, NoTarget, true, &[("token", "nonsense"), ("password", "Passw0rd-Long!"), ("confirm_password", "Passw0rd-Long!")]),
    // My Profile.
    row("notifications", User, NoTarget, false, &[]),
    row("home_counts", Role, NoTarget, false, &[]),
    row("notification_settings", User, NoTarget, false, &[]),
    row("save_notification_settings", User, NoTarget, true, &[("send", "on")]),
    row("change_password", User, NoTarget, true, &[("current_password", "Wrong-Passw0rd!"), ("password", "Passw0rd-Long!"), ("confirm_password", "Passw0rd-Long!")]),
    row("disable_own_account", User, NoTarget, true, &[]),
    row("request_organisations", User, NoTarget, false, &[("query", "A81022")]),
    row("request_organisation", User, NoTarget, false, &[("query", "A81022"), ("organisation", "A81022")]),
    row("request_roles", User, NoTarget, false, &[("org", "A81022")]),
    row("request_role", User, NoTarget, false, &[("org", "A81022"), ("role", "{provider_user_role}"), ("reason", "Cover")]),
    row("request_reason", User, NoTarget, false, &[]),
    row("request_summary", User, NoTarget, false, &[("org", "A81022"), ("role", "{provider_user_role}")]),
    row("send_request", User, NoTarget, true, &[("org", "A81022"), ("role", "{provider_user_role}")]),
    row("my_roles", User, NoTarget, false, &[]),
    row("withdraw_request", User, LocumsOwn, true, &[("id", "{request}")]),
    // Users, registrations and requests of an area.
    row("list_users", USERS, NoTarget, false, &[("q", ""), ("sort", "name"), ("dir", "asc"), ("page", "1"), ("size", "25")]),
    row("get_user", USERS, Hillside, false, &[("id", "{staff}")]),
    row("user_invitations", USERS, Hillside, false, &[("user", "{staff}")]),
    row("change_invitation", USERS, Hillside, true, &[("user", "{invitee}"), ("invitation", "{invitation}"), ("change", "withdraw")]),
    row("revoke_access", USERS, Hillside, true, &[("user", "{staff}"), ("organisation", "A81022")]),
    row("disable_account", USERS, Hillside, true, &[("user", "{staff}"), ("disable_reason", "other"), ("other_reason", "Left the practice")]),
    row("enable_account", USERS, Hillside, true, &[("user", "{disabled}")]),
    row("list_audit", USERS, NoTarget, false, &[("user", ""), ("action", ""), ("from", ""), ("to", ""), ("page", "1")]),
    row("role_catalogue", USERS, NoTarget, false, &[]),
    row("new_user_form", USERS, NoTarget, false, &[("step", "")]),
    row("new_user_step", USERS, NoTarget, false, &[("email", "nia.new@example.nhs.uk"), ("confirm_email", "nia.new@example.nhs.uk"), ("step", "details")]),
    row("assignment_restrictions", USERS, Hillside, false, &[("user", "{staff}"), ("assignment", "{staff_assignment}")]),
    row("restrict_assignment", USERS, Hillside, true, &[("user", "{staff}"), ("assignment", "{staff_assignment}"), ("clusters[0]", "C61A6DB801")]),
    row("role_end", USERS, Hillside, false, &[("user", "{staff}"), ("assignment", "{staff_assignment}")]),
    // Removing an end that is not there still writes its audit event: a change to look for.
    row("set_role_end", USERS, Hillside, true, &[("user", "{staff}"), ("assignment", "{staff_assignment}"), ("remove", "1")]),
    row("user_organisations_form", USERS, Hillside, false, &[("user", "{staff}"), ("organisations[0]", "A81022"), ("step", "roles")]),
    row("add_user_roles", USERS, Hillside, true, &[("user", "{staff}"), ("organisations", "A81022"), ("grants[0]", "{approver_at_hillside}")]),
    row("add_new_user", USERS, Hillside, true, &[("email", "nia.new@example.nhs.uk"), ("confirm_email", "nia.new@example.nhs.uk"), ("first_name", "Nia"), ("last_name", "New"), ("phone", "0191 123 4567"), ("organisations", "A81022"), ("grants[0]", "{provider_user_at_hillside}")]),
    row("pending_actions", REVIEW, NoTarget, false, &[("sort", "date"), ("dir", "desc"), ("page", "1")]),
    row("registration_detail", REVIEW, Hillside, false, &[("id", "{registration}")]),
    row("decide_registration", REVIEW, Hillside, true, &[("id", "{registration}"), ("decision", "approve"), ("reason", "")]),
    row("resend_registration", REVIEW, Hillside, true, &[("id", "{registration}")]),
    row("delete_registration", REVIEW, Hillside, true, &[("id", "{registration}")]),
    row("get_request", USERS, Hillside, false, &[("id", "{request}")]),
    row("decide_request", USERS, Hillside, true, &[("id", "{request}"), ("decision", "approve"), ("reason", "")]),
    // Invitations to approver roles.
    row("invite_email", INVITE, NoTarget, false, &[("email", "new.approver@example.nhs.uk")]),
    row("invite_answers", INVITE, NoTarget, false, &[]),
    row("invitee", INVITE, NoTarget, false, &[]),
    row("invite_names", INVITE, NoTarget, false, &[("first_name", "Nia"), ("last_name", "New")]),
    row("invite_organisations", INVITE, NoTarget, false, &[("query", "A81022")]),
    row("invite_organisation", INVITE, Hillside, false, &[("organisation", "A81022")]),
    row("invite_roles", INVITE, Hillside, false, &[("org", "A81022")]),
    row("invite_role", INVITE, Hillside, false, INVITEE),
    row("invite_preview", INVITE, Hillside, false, INVITEE),
    row("send_invite", INVITE, Hillside, true, INVITEE),
    // Organisations and providers.
    row("list_organisations", ORGS, NoTarget, false, &[("search", ""), ("page", "1")]),
    row("get_organisation", ORGS, Hillside, false, &[("code", "A81022")]),
    row("create_organisation", ORGS, Hillside, true, &[("code", "Z99999"), ("name", "New Practice"), ("kind", "provider"), ("type_label", "GP Practice"), ("parent", "16C"), ("start_date_day", "1"), ("start_date_month", "4"), ("start_date_year", "2024"), ("contract_type", "GMS")]),
    row("update_organisation", ORGS, Hillside, true, &[("code", "A81022"), ("name", "Renamed Practice"), ("type_label", "GP Practice"), ("parent", "16C"), ("start_date_day", "1"), ("start_date_month", "4"), ("start_date_year", "1974"), ("end_date_day", ""), ("end_date_month", ""), ("end_date_year", "")]),
    row("list_providers", PROVIDERS, NoTarget, false, &[("search", ""), ("page", "1")]),
    row("get_provider", PROVIDERS, Hillside, false, &[("code", "A81022")]),
    row("set_approval_level", APPROVAL, Hillside, true, &[("code", "A81022"), ("multi_level", "on")]),
    // Service Provider Clusters of the acting role's organisation (the demo cluster is QHM's).
    row("list_clusters", CLUSTERS, NoTarget, false, &[("search", "")]),
    row("cluster_form", CLUSTERS, NoTarget, false, &[("q", "A81022"), ("page", "1")]),
    row("get_cluster", CLUSTERS, NoTarget, false, &[("short_name", "C61A6DB801")]),
    row("save_cluster", CLUSTERS, Hillside, true, &[("short_name", "ABCDEF0123"), ("name", "Hillside only"), ("description", "One practice"), ("members", "A81022")]),
    row("retire_cluster", CLUSTERS, NoTarget, true, &[("short_name", "C61A6DB801"), ("confirm", "yes")]),
    // The Service Desk's own tools.
    row("outbox", DESK, NoTarget, false, &[]),
    row("import_allowed", DESK, NoTarget, false, &[]),
    row("import_status", DESK, Hillside, false, &[("job", "0123456789abcdef")]),
    row("locked_accounts", DESK, NoTarget, false, &[]),
    row("unlock_account", DESK, Hillside, true, &[("user", "{staff}")]),
    row("dormancy_exemption", DESK, Hillside, false, &[("user", "{staff}")]),
    row("set_dormancy_exemption", DESK, Hillside, true, &[("user", "{staff}"), ("reason", "On-call account")]),
    // Access reviews of an area (the table's review is of Hillside).
    row("list_access_reviews", USERS, NoTarget, false, &[]),
    row("start_access_review", USERS, Hillside, true, &[("review_of", "organisation"), ("code", "A81022"), ("due_days", "14"), ("unreviewed", "keep")]),
    row("access_review", USERS, Hillside, false, &[("id", "{review}")]),
    row("mark_access_review", USERS, Hillside, true, &[("id", "{review}"), ("one", "keep:{staff_assignment}")]),
    row("complete_access_review", USERS, Hillside, true, &[("id", "{review}")]),
    // Two-factor authentication: each person's own (set up, codes, the code after the password
    // or before a dangerous action), and the Service Desk's reset of someone else's.
    row("two_factor_status", User, NoTarget, false, &[]),
    row("two_factor_setup", User, NoTarget, true, &[]),
    row("two_factor_confirm", User, NoTarget, true, &[("code", "123456")]),
    row("two_factor_shown_codes", User, NoTarget, false, &[]),
    row("two_factor_new_codes", User, NoTarget, true, &[]),
    row("two_factor_remove", User, NoTarget, true, &[]),
    row("two_factor_prompt", User, NoTarget, false, &[]),
    row("two_factor_code", User, NoTarget, true, &[("code", "123456")]),
    row("two_factor_pending", User, NoTarget, false, &[]),
    // Passkeys: each ceremony's first step keeps its state as the browser's draft.
    row("two_factor_passkey_options", User, NoTarget, true, &[]),
    row("two_factor_passkey_add", User, NoTarget, true, &[("name", "Laptop"), ("credential", "{}")]),
    row("two_factor_passkey_remove", User, NoTarget, true, &[("id", "1")]),
    row("two_factor_passkey_challenge", User, NoTarget, true, &[]),
    row("two_factor_passkey_use", User, NoTarget, true, &[("credential", "{}")]),
    row("reset_two_factor_target", DESK, Hillside, false, &[("user", "{staff}")]),
    row("reset_two_factor", DESK, Hillside, true, &[("user", "{staff}"), ("reason", "Lost phone")]),
    // Connected services: the demo's claims service is number 1.
    row("connected_services", DESK, NoTarget, false, &[]),
    row("connected_service", DESK, NoTarget, false, &[("id", "1")]),
    row("connected_service_add", DESK, NoTarget, true, &[("name", "Reports"), ("redirect_uris", "https://reports.example.nhs.uk/cb"), ("kind", "confidential")]),
    row("connected_service_change", DESK, NoTarget, true, &[("id", "1"), ("name", "Claims"), ("redirect_uris", "https://claims.example.nhs.uk/cb")]),
    row("connected_service_enabled", DESK, NoTarget, true, &[("id", "1"), ("enabled", "false")]),
    row("connected_service_new_secret", DESK, NoTarget, true, &[("id", "1")]),
];

/// The objects the table's arguments name, made at Hillside (A81022) before the matrix runs.
struct Objects(Vec<(&'static str, String)>);

impl Objects {
    async fn make(app: &TestApp) -> Self {
        let hillside = app.organisation("A81022").await;
        let provider_user = app.role("Provider User").await;
        let locum = app.demo_user("locum.one").await;
        let staff = app.demo_user("staff.one").await;
        let disabled = app.demo_user("staff.two").await;
        let admin = app.demo_user("account.admin").await;
        app.set_account_status(disabled, "disabled").await;
        // A registration waiting for review at Hillside, and a locum's access request there.
        let pending = app
            .add_person(
                "pending.person@example.nhs.uk",
                "Penny",
                "Pending",
                "pending",
            )
            .await;
        let registration = app
            .add_assignment(
                pending,
                hillside,
                provider_user,
                "pending",
                Origin::Registration,
                None,
            )
            .await;
        let request = app
            .add_assignment(
                locum,
                hillside,
                provider_user,
                "pending",
                Origin::Request,
                Some("Cover"),
            )
            .await;
        let staff_assignment = app
            .scalar(&format!(
                "SELECT id FROM role_assignments WHERE user_id = {staff} AND status = 'active'"
            ))
            .await;
        let locum_assignment = app
            .scalar(&format!(
                "SELECT id FROM role_assignments WHERE user_id = {locum} AND status = 'active'"
            ))
            .await;
        let approver_role = app.scalar("SELECT r.id FROM roles r JOIN role_holdings h ON h.role_id = r.id WHERE r.approver_tier AND h.org_kind = 'provider' ORDER BY r.id LIMIT 1").await;
        // An invitation waiting for an answer at Hillside.
        let invitee = app
            .add_person("invited.person@example.nhs.uk", "Ivy", "Invited", "pending")
            .await;
        let invited_as = app
            .add_assignment(
                invitee,
                hillside,
                approver_role,
                "pending",
                Origin::Invitation,
                None,
            )
            .await;
        let invitation = app
            .add_invitation(invitee, invited_as, admin, "not-a-real-hash")
            .await;
        // An access review of Hillside, holding staff.one's role.
        app.sql(&format!(
            "INSERT INTO access_reviews (title, started_by, started_at, due_at, unreviewed) \
             VALUES ('Hillside', {admin}, 1, 4102444800, 'keep')"
        ))
        .await;
        let review = app.scalar("SELECT MAX(id) FROM access_reviews").await;
        app.sql(&format!(
            "INSERT INTO access_review_roots (review_id, organisation_id, subtree) VALUES ({review}, {hillside}, TRUE); \
             INSERT INTO access_review_orgs (review_id, organisation_id) VALUES ({review}, {hillside}); \
             UPDATE access_reviews SET total = 1 WHERE id = {review}"
        ))
        .await;
        app.sql(&format!(
            "INSERT INTO access_review_items (review_id, assignment_id, user_id, sort_key, first_name, last_name, email, \
               organisation_id, org_code, org_name, role_name, payment_types, clusters, last_used_at, granted_at) \
             VALUES ({review}, {staff_assignment}, {staff}, 'one staff', 'Staff', 'One', 'staff.one@example.nhs.uk', \
               {hillside}, 'A81022', 'Hillside', 'Provider User', '', '', 1, 1)"
        ))
        .await;
        // A locked account, for the Service Desk's unlock.
        app.lock_account(staff).await;
        let [staff, staff_assignment, disabled, registration, request, invitation, invitee, locum_assignment, provider_user, approver_role, review] =
            [
                staff,
                staff_assignment,
                disabled,
                registration,
                request,
                invitation,
                invitee,
                locum_assignment,
                provider_user,
                approver_role,
                review,
            ]
            .map(|n| n.to_string());
        Objects(vec![
            ("{staff}", staff),
            ("{staff_assignment}", staff_assignment),
            ("{disabled}", disabled),
            ("{registration}", registration),
            ("{request}", request),
            ("{invitation}", invitation),
            ("{invitee}", invitee),
            ("{locum_assignment}", locum_assignment),
            (
                "{provider_user_at_hillside}",
                format!("A81022:{provider_user}"),
            ),
            ("{provider_user_role}", provider_user),
            ("{approver_at_hillside}", format!("A81022:{approver_role}")),
            ("{review}", review),
        ])
    }

    /// The same objects, with one person (and one of their assignments) in the places of the
    /// table's person: `{staff}`, `{disabled}` and `{staff_assignment}`.
    fn about(&self, user: &str, assignment: &str) -> Objects {
        let mut places = vec![
            ("{staff}", user.to_owned()),
            ("{disabled}", user.to_owned()),
            ("{staff_assignment}", assignment.to_owned()),
        ];
        places.extend(self.0.iter().cloned());
        Objects(places)
    }

    fn fill(&self, args: &[(&str, &str)]) -> Vec<(String, String)> {
        args.iter()
            .map(|(k, v)| {
                let v = self
                    .0
                    .iter()
                    .find(|(p, _)| p == v)
                    .map(|(_, real)| real.clone())
                    .unwrap_or_else(|| (*v).to_owned());
                ((*k).to_owned(), v)
            })
            .collect()
    }
}

/// The earlier steps a step reads from the browser's draft (what a person typed before it), as
/// the endpoint and arguments a person would have posted.
fn earlier_steps(
    endpoint: &str,
) -> &'static [(&'static str, &'static [(&'static str, &'static str)])] {
    const EMAIL: &[(&str, &str)] = &[("email", "new.approver@example.nhs.uk")];
    const NAMES: &[(&str, &str)] = &[("first_name", "Nia"), ("last_name", "New")];
    const REASON: &[(&str, &str)] = &[
        ("org", "A81022"),
        ("role", "{provider_user_role}"),
        ("reason", "Cover"),
    ];
    match endpoint {
        "invite_answers" | "invitee" | "invite_names" => &[("invite_email", EMAIL)],
        "invite_organisation" | "invite_role" | "invite_preview" | "send_invite" => {
            &[("invite_email", EMAIL), ("invite_names", NAMES)]
        }
        "request_reason" | "request_summary" | "send_request" => &[("request_role", REASON)],
        _ => &[],
    }
}

async fn call(b: &Browser, objects: &Objects, r: &Row) -> (u16, String) {
    // A refused earlier step keeps nothing; an allowed one fills the draft the step reads, so the
    // step itself is what is allowed or refused.
    for (endpoint, args) in earlier_steps(r.endpoint) {
        let filled = objects.fill(args);
        let form: Vec<(&str, &str)> = filled
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        b.post(endpoint, &form, Js::On, "/").await;
    }
    let filled = objects.fill(r.args);
    let form: Vec<(&str, &str)> = filled
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = b.post(r.endpoint, &form, Js::On, "/").await;
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

/// Everything in the database that a request could change, as text, table by table. Sessions,
/// the audit and form drafts are left out: a refused call may still keep what its browser typed
/// (an earlier step that was allowed), which changes nothing anyone else can see or use.
async fn snapshot(app: &TestApp) -> String {
    let tables = app
        .texts("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('_sqlx_migrations', 'sessions', 'audit_events', 'form_drafts') ORDER BY name")
        .await;
    let mut out = String::new();
    for t in tables {
        // When each person's session last started is the bookkeeping of the sign-ins this test
        // makes to call as each role, like the sessions table: not a change a call made.
        let columns = app
            .texts(&format!(
                "SELECT name FROM pragma_table_info('{t}') WHERE name <> 'last_signed_in_at' ORDER BY cid"
            ))
            .await;
        let expr = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        for line in app
            .texts(&format!("SELECT {expr} FROM \"{t}\" ORDER BY rowid"))
            .await
        {
            out.push_str(&t);
            out.push(':');
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[tokio::test]
async fn the_table_covers_every_server_function() {
    // Starting the app registers the server functions of the whole app.
    let _app = TestApp::start().await;
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_owned())
        .collect();
    let tabled: BTreeSet<String> = TABLE
        .iter()
        .map(|r| format!("/api/{}", r.endpoint))
        .collect();
    let missing: Vec<_> = registered.difference(&tabled).collect();
    let stale: Vec<_> = tabled.difference(&registered).collect();
    assert!(
        missing.is_empty(),
        "server functions with no row in the matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for server functions that do not exist: {stale:?}"
    );
    assert_eq!(TABLE.len(), registered.len());
}

#[tokio::test]
async fn every_server_function_refuses_whom_the_table_says_as_not_found() {
    let app = TestApp::start().await;
    let objects = Objects::make(&app).await;
    let before = snapshot(&app).await;
    let mut cells = 0;
    let mut denials = 0;
    let mut allowed = 0;
    let mut failures = Vec::new();

    // Signed out: everything but the public functions asks to sign in.
    let anonymous = app.browser();
    for r in TABLE.iter().filter(|r| r.access != Public) {
        cells += 1;
        let (status, body) = call(&anonymous, &objects, r).await;
        if status != 401 || body != "\"SignedOut\"" {
            failures.push(format!("signed out → {}: {status} {body}", r.endpoint));
        }
        denials += 1;
    }

    // `Objects::make` locked staff.one and disabled staff.two: they cannot sign in.
    for (local, _, _, _) in DEMO_USERS
        .iter()
        .filter(|u| !["staff.one", "staff.two"].contains(&u.0))
    {
        let b = app.browser();
        b.sign_in(local).await;
        let viewer = b.viewer().await;
        let caps: Vec<String> = viewer["acting"]["capabilities"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.as_str().map(|s| snake(s)))
                    .collect()
            })
            .unwrap_or_default();
        for r in TABLE.iter() {
            let may = match r.access {
                Public | User => true,
                Role => !viewer["acting"].is_null(),
                Access::Any(needs) => needs.iter().any(|n| caps.iter().any(|c| c == n)),
            };
            let denied_by_owner = r.target == LocumsOwn && *local != "locum.one";
            if may && !denied_by_owner {
                // Allowed: a read that names no object must answer. Changes and objects whose
                // scope depends on the role are walked by the flow tests and the scope test.
                if r.access != Public && r.target == NoTarget && !r.changes {
                    cells += 1;
                    allowed += 1;
                    let (status, body) = call(&b, &objects, r).await;
                    // An answer, or a problem with the form (a role already held, say): never
                    // "sign in", "not found" or a server error.
                    let answered = status == 200 || status == 400 && body.contains("Invalid");
                    if !answered {
                        failures.push(format!("{local} may → {}: {status} {body}", r.endpoint));
                    }
                }
                continue;
            }
            cells += 1;
            denials += 1;
            let (status, body) = call(&b, &objects, r).await;
            if status != 404 || body != "\"NotFound\"" {
                failures.push(format!("{local} → {}: {status} {body}", r.endpoint));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells answered wrongly:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        snapshot(&app).await,
        before,
        "a refused call changed the database"
    );
    eprintln!("authorisation matrix: {cells} cells: {denials} refusals, {allowed} allowed reads");
}

/// Scope: the same functions, for an administrator above Hillside (allowed), one at another
/// practice and one whose cluster leaves Hillside out (out of scope: not found).
#[tokio::test]
async fn objects_outside_the_acting_roles_scope_are_not_found() {
    let app = TestApp::start().await;
    let objects = Objects::make(&app).await;
    let before = snapshot(&app).await;
    // Outside: a User Administrator at another practice (A81001), and a Commissioning Account
    // Administrator at QHM, above Hillside, whose role a Service Provider Cluster limits to
    // A81001, A81002 and A81005 ("outside a cluster").
    let mut outsiders = Vec::new();
    for local in ["user.admin", "cluster.admin"] {
        let b = app.browser();
        b.sign_in(local).await;
        outsiders.push((local, b));
    }
    let above = app.browser();
    above.sign_in("account.admin").await; // Commissioning Account Administrator at QHM
    let mut failures = Vec::new();
    let mut cells = 0;
    for (local, outside) in &outsiders {
        for r in TABLE
            .iter()
            .filter(|r| r.target == Hillside && needs(r, "manage_users"))
        {
            cells += 1;
            let (status, body) = call(outside, &objects, r).await;
            // The invitation steps, Add New User and Start a review name the organisation in a
            // form field: out of scope, it is "not found" at that field, as an organisation that
            // does not exist would be.
            let at_the_field = status == 400
                && (named(&body).contains("InviteOrganisationNotFound")
                    || named(&body).contains("OrganisationNotOffered")
                    || named(&body).contains("ReviewOrganisation"));
            if !(status == 404 && body == "\"NotFound\"" || at_the_field) {
                failures.push(format!("{local} → {}: {status} {body}", r.endpoint));
            }
        }
    }
    assert_eq!(
        snapshot(&app).await,
        before,
        "an out-of-scope call changed the database"
    );
    for r in TABLE
        .iter()
        .filter(|r| r.target == Hillside && needs(r, "manage_users") && !r.changes)
    {
        cells += 1;
        let (status, body) = call(&above, &objects, r).await;
        if status != 200 {
            failures.push(format!("account.admin → {}: {status} {body}", r.endpoint));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cells >= 20, "{cells}");
    eprintln!(
        "scope: {cells} cells (an administrator of another practice, one limited to a cluster \
         without Hillside, and one above)"
    );
}

/// The functions of the table that act on one person (the `{staff}` or `{disabled}` place).
fn acts_on_a_person(r: &Row) -> bool {
    needs(r, "manage_users")
        && r.args
            .iter()
            .any(|(_, v)| *v == "{staff}" || *v == "{disabled}")
}

fn needs(r: &Row, capability: &str) -> bool {
    matches!(r.access, Access::Any(caps) if caps.contains(&capability))
}

/// `ManageUsers` → `manage_users`: the viewer reports capabilities by their Rust names.
fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if ch.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// Hostile values: empty, blank, over-long, SQL and HTML metacharacters, control characters,
/// numbers out of range, a path, a template. Sent percent-encoded, plus raw invalid UTF-8.
const HOSTILE: &[&str] = &[
    "",
    "   ",
    "'; DROP TABLE users; --",
    "\" OR 1=1 --",
    "<script>alert(1)</script>",
    "</title><img src=x onerror=alert(1)>",
    "\u{0}\u{7}\u{1b}[31m",
    "-1",
    "9223372036854775808",
    "1e309",
    "../../etc/passwd",
    "{{7*7}}${7*7}",
    "\u{202e}gpj.exe",
];

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// One hostile body for a function's fields: each field missing, hostile, over-long, invalid
/// UTF-8 or repeated, and now and then a field of its own.
fn hostile_body(rng: &mut impl rand::Rng, fields: &[&str]) -> String {
    let mut parts = Vec::new();
    for f in fields {
        match rng.gen_range(0..6) {
            0 => {} // missing
            1 => parts.push(format!("{f}={}", "A".repeat(rng.gen_range(300..20_000)))),
            2 => parts.push(format!("{f}=%FF%FE%80")),
            3 => {
                let v = encode(HOSTILE[rng.gen_range(0..HOSTILE.len())]);
                parts.push(format!("{f}={v}&{f}={v}"));
            }
            _ => parts.push(format!(
                "{f}={}",
                encode(HOSTILE[rng.gen_range(0..HOSTILE.len())])
            )),
        }
    }
    if rng.gen_bool(0.3) {
        parts.push(format!(
            "unexpected={}",
            encode(HOSTILE[rng.gen_range(0..HOSTILE.len())])
        ));
    }
    parts.join("&")
}

/// Functions whose every input is acceptable, so any body is a valid request: signing out,
/// disabling one's own account, ending one's other sessions, and the notification tick box (any
/// value means ticked).
const ANY_BODY_IS_VALID: &[&str] = &[
    "sign_out",
    "disable_own_account",
    "save_notification_settings",
    // Begins setting up an authenticator app for whoever asks (shown again, the same one).
    "two_factor_setup",
];

#[tokio::test]
async fn hostile_bodies_never_get_a_server_error_or_change_anything() {
    use rand::SeedableRng;
    let app = TestApp::start_with(|c| c.rate_limit_per_minute = 1_000_000).await;
    let _objects = Objects::make(&app).await;
    let mut people = vec![app.browser()];
    for local in ["service.desk", "account.admin", "locum.one", "org.admin"] {
        let b = app.browser();
        b.sign_in(local).await;
        people.push(b);
    }
    let before = snapshot_with_audit(&app).await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(8);
    let mut cases = 0;
    let mut failures = Vec::new();
    for r in TABLE
        .iter()
        .filter(|r| !ANY_BODY_IS_VALID.contains(&r.endpoint))
    {
        let fields: Vec<&str> = r.args.iter().map(|(k, _)| *k).collect();
        for b in &people {
            for _ in 0..6 {
                let body = hostile_body(&mut rng, &fields);
                cases += 1;
                for accept in ["application/json", "text/html"] {
                    let res = b
                        .client
                        .post(format!("{}/api/{}", app.base, r.endpoint))
                        .header("origin", &app.base)
                        .header("accept", accept)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(body.clone())
                        .send()
                        .await
                        .expect("post");
                    if res.status().is_server_error() {
                        failures.push(format!(
                            "{} {accept} {}: {}",
                            r.endpoint,
                            res.status(),
                            &body[..body.len().min(200)]
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} server errors:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        snapshot_with_audit(&app).await,
        before,
        "a hostile body changed the database"
    );
    // Every person is still signed in as before, and the service still answers.
    for b in &people[1..] {
        assert!(b.viewer().await.is_object());
    }
    eprintln!(
        "fuzz: {cases} hostile bodies, each as JSON and as a plain form, {} requests",
        cases * 2
    );
}

async fn snapshot_with_audit(app: &TestApp) -> String {
    let mut s = snapshot(app).await;
    s.push_str(&format!(
        "audit events: {}\n",
        app.scalar("SELECT COUNT(*) FROM audit_events").await
    ));
    s
}

/// Retiring a Service Provider Cluster fails closed: a role limited to clusters that are all
/// retired reaches nothing, not the whole organisation it is held at.
#[tokio::test]
async fn a_role_whose_clusters_are_all_retired_reaches_nothing() {
    let app = TestApp::start().await;
    let objects = Objects::make(&app).await;
    let densham_user = app
        .scalar(&format!(
            "SELECT id FROM users WHERE email = '{}'",
            demo_email("provider.user")
        ))
        .await
        .to_string();
    let admin = app.browser();
    admin.sign_in("cluster.admin").await;
    let user = app.browser();
    user.sign_in("cluster.user").await;
    // Before: the cluster's practices (A81001 among them) and nothing else.
    assert!(users_total(&admin, "").await > 0);
    let res = admin
        .post("get_user", &[("id", &densham_user)], Js::On, "/users")
        .await;
    assert_eq!(res.status(), 200, "a Densham user is inside the cluster");
    assert!(providers_total(&user).await >= 3);

    // The Organisation Administrator retires the demo's only cluster.
    let org_admin = app.browser();
    org_admin.sign_in("org.admin").await;
    let res = org_admin
        .post(
            "retire_cluster",
            &[("short_name", "C61A6DB801"), ("confirm", "yes")],
            Js::On,
            "/clusters",
        )
        .await;
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );

    // After, on their very next request: nothing, for every function that reads scope.
    assert_eq!(users_total(&admin, "").await, 0, "no user is reachable");
    let mut failures = Vec::new();
    // Every function that acts on a person, about a Densham user: inside the cluster until it
    // retired, so each of these answered before.
    let densham_assignment = app
        .scalar(&format!(
            "SELECT id FROM role_assignments WHERE user_id = {densham_user} AND status = 'active'"
        ))
        .await
        .to_string();
    let about = objects.about(&densham_user, &densham_assignment);
    for r in TABLE.iter().filter(|r| acts_on_a_person(r)) {
        let (status, body) = call(&admin, &about, r).await;
        if !(status == 404 && body == "\"NotFound\"") {
            failures.push(format!(
                "cluster.admin → {} (Densham): {status} {body}",
                r.endpoint
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(providers_total(&user).await, 0, "no practice is reachable");
    // Both are told why on Home.
    for b in [&admin, &user] {
        assert_eq!(b.viewer().await["acting"]["reaches_nothing"], true);
        let home = b.get("/").await.text().await.expect("home");
        assert!(
            home.contains("Your access is limited to Service Provider Clusters that have been retired; ask your administrator."),
            "{home}"
        );
    }
    // The unrestricted administrator above is untouched, and sees the role as limited to a
    // retired cluster, not as reaching the whole organisation.
    let above = app.browser();
    above.sign_in("account.admin").await;
    assert!(users_total(&above, "").await > 0);
    assert_eq!(above.viewer().await["acting"]["reaches_nothing"], false);
    let cluster_user = app
        .scalar(&format!(
            "SELECT id FROM users WHERE email = '{}'",
            demo_email("cluster.user")
        ))
        .await
        .to_string();
    let page = above
        .post("get_user", &[("id", &cluster_user)], Js::On, "/users")
        .await
        .text()
        .await
        .expect("user");
    assert!(
        page.contains("Tees Valley North Practices (retired)"),
        "{page}"
    );
}

/// How many practices Providers lists for this browser's acting role.
async fn providers_total(b: &Browser) -> i64 {
    let res = b
        .post(
            "list_providers",
            &[("search", ""), ("page", "1")],
            Js::On,
            "/providers",
        )
        .await;
    assert_eq!(res.status(), 200);
    let v: serde_json::Value = res.json().await.expect("json");
    v["total"].as_i64().expect("total")
}

/// How many users the Users search finds for `q`, as this browser's acting role.
async fn users_total(b: &Browser, q: &str) -> i64 {
    let res = b
        .post(
            "list_users",
            &[
                ("q", q),
                ("sort", "last"),
                ("dir", "asc"),
                ("page", "1"),
                ("size", "50"),
            ],
            Js::On,
            "/users",
        )
        .await;
    assert_eq!(res.status(), 200);
    let v: serde_json::Value = res.json().await.expect("json");
    v["total"].as_i64().expect("total")
}

/// One person in one state, for the subject-state matrix.
struct Subject {
    state: &'static str,
    /// Whether the state lies inside `user.admin`'s scope (The Densham Surgery, A81001).
    inside: bool,
    user: String,
    assignment: String,
}

/// Makes a person in `state` (a word of the matrix) and returns them. Outside states sit at
/// Hillside (A81022), inside ones at A81001; `user.admin` administers A81001 only.
async fn subject(app: &TestApp, n: usize, state: &'static str, inside: bool) -> Subject {
    let org = app
        .organisation(if inside { "A81001" } else { "A81022" })
        .await;
    let densham = app.organisation("A81001").await;
    let hillside = app.organisation("A81022").await;
    let role = app.role("Provider User").await;
    let inviter_here = app.demo_user("user.admin").await;
    let inviter_above = app.demo_user("account.admin").await;
    let account = match state {
        "pending registration" | "pending invitation from another" | "invited only" => "pending",
        "disabled" | "disabled, invited only" => "disabled",
        _ => "active",
    };
    let user = app
        .add_person(
            &format!("subject{n}@example.nhs.uk"),
            "Sam",
            &format!("Subject{n}"),
            account,
        )
        .await;
    let assign = |org: i64, status: &'static str, origin: Origin| {
        app.add_assignment(user, org, role, status, origin, None)
    };
    let token = format!("subject-token-{n}");
    match state {
        "no role" => {}
        "pending registration" => {
            assign(org, "pending", Origin::Registration).await;
        }
        "revoked" => {
            assign(org, "revoked", Origin::Admin).await;
        }
        "disabled" | "active" => {
            assign(org, "active", Origin::Admin).await;
        }
        // Someone who works at Hillside, whom user.admin has invited to A81001.
        "pending invitation from this administrator" => {
            assign(org, "active", Origin::Admin).await;
            let invited = assign(densham, "pending", Origin::Invitation).await;
            app.add_invitation(user, invited, inviter_here, &token)
                .await;
        }
        "pending invitation from another" => {
            let invited = assign(org, "pending", Origin::Invitation).await;
            app.add_invitation(user, invited, inviter_above, &token)
                .await;
        }
        // A new person whom user.admin invited: every detail of the account is theirs. Disabled
        // since, it must still be found, or nobody could enable it again.
        "invited only" | "disabled, invited only" => {
            let invited = assign(densham, "pending", Origin::Invitation).await;
            app.add_invitation(user, invited, inviter_here, &token)
                .await;
        }
        // Active at A81001, and waiting for a registration at Hillside.
        "active here, pending elsewhere" => {
            assign(densham, "active", Origin::Admin).await;
            assign(hillside, "pending", Origin::Registration).await;
        }
        other => panic!("no such state {other}"),
    }
    let assignment = app
        .scalar(&format!(
            "SELECT COALESCE(MIN(id), 0) FROM role_assignments WHERE user_id = {user}"
        ))
        .await;
    Subject {
        state,
        inside,
        user: user.to_string(),
        assignment: assignment.to_string(),
    }
}

/// The functions that act on one person, with that person's id in the table's `{staff}` (and
/// `{disabled}`, `{staff_assignment}`) places: every state the person can be in, inside and
/// outside the administrator's scope. Outside, each answers "not found" and changes nothing,
/// whatever the state; an invitation never accepted does not bring the person inside.
#[tokio::test]
async fn every_state_of_a_person_outside_scope_is_not_found_and_inside_is_seen() {
    let app = TestApp::start().await;
    let objects = Objects::make(&app).await;
    let states: &[(&str, bool)] = &[
        ("no role", false),
        ("pending registration", false),
        ("pending invitation from this administrator", false),
        ("pending invitation from another", false),
        ("revoked", false),
        ("disabled", false),
        ("active", false),
        ("pending registration", true),
        ("revoked", true),
        ("disabled", true),
        ("active", true),
        ("invited only", true),
        ("disabled, invited only", true),
        ("active here, pending elsewhere", true),
    ];
    let mut subjects = Vec::new();
    for (n, (state, inside)) in states.iter().enumerate() {
        subjects.push(subject(&app, n, state, *inside).await);
    }
    let admin = app.browser();
    admin.sign_in("user.admin").await;
    let before = snapshot(&app).await;
    let person_rows: Vec<&Row> = TABLE.iter().filter(|r| acts_on_a_person(r)).collect();
    assert!(person_rows.len() >= 8, "{}", person_rows.len());
    let mut failures = Vec::new();
    let mut cells = 0;
    for s in &subjects {
        let about = objects.about(&s.user, &s.assignment);
        for r in &person_rows {
            // Outside: every function must answer "not found". Inside: the person's page and
            // invitations must be seen (the other functions depend on which role they hold).
            let seen_inside = matches!(r.endpoint, "get_user" | "user_invitations");
            if s.inside && !seen_inside {
                continue;
            }
            cells += 1;
            let (status, body) = call(&admin, &about, r).await;
            let ok = if s.inside {
                status == 200
            } else {
                status == 404 && body == "\"NotFound\""
            };
            if !ok {
                failures.push(format!(
                    "{} ({}) → {}: {status} {body}",
                    s.state,
                    if s.inside { "inside" } else { "outside" },
                    r.endpoint
                ));
            }
        }
        // The Users search agrees with the user's page.
        let email = app
            .texts(&format!("SELECT email FROM users WHERE id = {}", s.user))
            .await
            .remove(0);
        // So does Invite's lookup: a person outside is answered as a new address (no names, no
        // "disabled"); one inside is shown with their names, or said to be disabled.
        // The first step answers for a disabled account; once the address is kept, the names
        // step's lookup says whether it is an existing user.
        let start = admin
            .post(
                "invite_email",
                &[("email", &email)],
                Js::On,
                "/users/invite",
            )
            .await;
        let res = if start.status() == 200 {
            admin
                .post("invitee", &[], Js::On, "/users/invite/details")
                .await
        } else {
            start
        };
        let status = res.status().as_u16();
        let body = res.text().await.unwrap_or_default();
        cells += 1;
        let answered_as_new = status == 200 && body.contains("\"existing\":null");
        let expected = match (s.inside, s.state) {
            (false, _) => answered_as_new,
            (true, "disabled" | "disabled, invited only") => {
                status == 400 && named(&body).contains("InviteeDisabled")
            }
            (true, _) => status == 200 && body.contains("Subject"),
        };
        if !expected || (!s.inside && body.contains("Subject")) {
            failures.push(format!(
                "{} ({}) → invitee: {status} {body}",
                s.state,
                if s.inside { "inside" } else { "outside" }
            ));
        }
        let listed = users_total(&admin, &email).await;
        cells += 1;
        if listed != i64::from(s.inside) {
            failures.push(format!("{} → list_users found {listed}", s.state));
        }
    }
    // Searching by an organisation outside the scope finds nobody, not even the visible people
    // who hold or wait for roles there.
    cells += 1;
    let by_outside_code = users_total(&admin, "A81022").await;
    if by_outside_code != 0 {
        failures.push(format!("list_users by A81022 found {by_outside_code}"));
    }
    assert_eq!(
        snapshot(&app).await,
        before,
        "a call about a person outside scope changed the database"
    );
    // Disable inside scope is refused while anything is held or waited for elsewhere.
    let both = subjects
        .iter()
        .find(|s| s.state == "active here, pending elsewhere")
        .expect("subject");
    let res = admin
        .post(
            "disable_account",
            &[
                ("user", &both.user),
                ("disable_reason", "left"),
                ("other_reason", ""),
            ],
            Js::On,
            "/users",
        )
        .await;
    let status = res.status().as_u16();
    let body = res.text().await.unwrap_or_default();
    if !(status == 409 && named(&body).contains("RolesOutsideScope")) {
        failures.push(format!(
            "active here, pending elsewhere → disable: {status} {body}"
        ));
    }
    assert_eq!(
        snapshot(&app).await,
        before,
        "a refused Disable changed the database"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("subject states: {cells} cells");
}

/// The Outbox row of the matrix, outside demo mode: the Service Desk may read it, and no link
/// (a reset, an activation or an invitation, each a key to someone's account) leaves the server.
#[tokio::test]
async fn outside_demo_mode_the_outbox_gives_no_link_even_to_the_service_desk() {
    let demo = TestApp::start().await;
    let _objects = Objects::make(&demo).await;
    let b = demo.browser();
    let res = b
        .post(
            "forgotten_password",
            &[("email", &demo_email("account.admin"))],
            Js::Off,
            "/forgotten-password",
        )
        .await;
    assert!(res.status().is_redirection());
    assert!(
        demo.scalar("SELECT COUNT(*) FROM outbox WHERE body LIKE '%token=%'")
            .await
            > 0
    );
    let real = TestApp::start_with(|c| {
        c.database_url = demo.database_url.clone();
        c.demo = false;
    })
    .await;
    let desk = real.browser();
    desk.sign_in("service.desk").await;
    let res = desk.post("outbox", &[], Js::On, "/outbox").await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.expect("body");
    assert!(!body.contains("token="), "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert!(json["rows"].as_array().is_some_and(|r| !r.is_empty()));
    // Everyone else: "not found", as in demo mode.
    let admin = real.browser();
    admin.sign_in("account.admin").await;
    let res = admin.post("outbox", &[], Js::On, "/outbox").await;
    assert_eq!(res.status(), 404);
}

/// The states a session passes through before it may act under the default policy (an
/// administrator who has not yet set up a second factor, and one who has given only the
/// password): every server function but signing in and out, the page furniture and the
/// two-factor ones sends it to set up or to enter its code, and nothing changes.
#[tokio::test]
async fn a_session_that_owes_a_second_factor_reaches_nothing_else() {
    let app =
        TestApp::start_with(|c| c.mfa = domain::model::second_factor::MfaPolicy::Admins).await;
    let objects = Objects::make(&app).await;
    // account.admin has no app (enrol); advanced.admin keeps the demo's (enter the code).
    let admin = app.demo_user("account.admin").await;
    app.sql(&format!(
        "DELETE FROM authenticator_apps WHERE user_id = {admin}"
    ))
    .await;
    let before = snapshot(&app).await;
    let allowed = |e: &str| {
        e.starts_with("two_factor_")
            || ["sign_in", "sign_out", "viewer", "stay_signed_in"].contains(&e)
    };
    let mut failures = Vec::new();
    for (local, page) in [
        ("account.admin", "/two-factor/set-up"),
        ("advanced.admin", "/two-factor/code"),
    ] {
        let b = app.browser();
        b.sign_in(local).await;
        let viewer = b.viewer().await;
        assert!(
            viewer["acting"].is_null(),
            "{local} acts as nothing yet: {viewer}"
        );
        let home = b.get("/users").await;
        assert_eq!(home.status(), 303, "{local}: a page");
        assert!(
            crate::support::location(&home).starts_with(page),
            "{local}: {}",
            crate::support::location(&home)
        );
        for r in TABLE.iter().filter(|r| !allowed(r.endpoint)) {
            let (status, _) = call(&b, &objects, r).await;
            if status != 303 {
                failures.push(format!("{local} → {}: {status}", r.endpoint));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "reached while owing a second factor:\n{}",
        failures.join("\n")
    );
    assert_eq!(snapshot(&app).await, before, "a call changed the database");
}
