//! The same query code, compiled once per backend. Each module fixes `Db` and includes the
//! per-concept query files, which implement the domain's traits for `Backend<Db>`.

macro_rules! backend {
    ($module:ident, $once:ident, $db:ty, $claim_lock:literal, $begin_write:literal, $row_lock:literal, $prefix_by_like:literal, $ids_first:literal, $plan_each_time:literal) => {
        mod $module {
            use std::collections::HashMap;

            use domain::model::assignment::{
                AssignmentId, AssignmentStatus, AssignmentView, NewAssignment,
            };
            use domain::model::audit::{AuditAction, AuditEvent, NewAudit};
            use domain::model::draft::{DraftKey, NewDraft};
            use domain::model::notification::Notification;
            use domain::model::organisation::OrgRef;
            use domain::model::organisation::{
                ContractType, NewOrganisation, OrgId, OrgKind, OrgPath, Organisation,
            };
            use domain::model::outbox::{NewEmail, OutboxEmail};
            use domain::model::role::{Capability, Catalogue, Grant, Holding, Reach, Role, RoleId};
            use domain::model::session::{NewSession, SessionRecord, SessionSummary};
            use domain::model::user::{
                AccountStatus, Credentials, NewUser, PasswordHash, User, UserId,
            };
            use domain::storage::AuditQuery;
            use domain::storage::{
                ActingAs, DecideOutcome, Gone, Holder, LockedAccount, NewRegistration,
                RegistrationQuery, RegistrationRow, RegistrationSort, SessionContext, StoreError,
                StoreResult, Taken, TokenState, Verdict, VerdictOutcome,
            };
            use domain::values::clock::{Timestamp, TokenHash};
            use domain::{EmailAddress, OdsCode};
            use sqlx::Row;

            use crate::error::{corrupt, map};
            use crate::filter::{
                area_condition_in, bind_args, contains_pattern, path_prefix, prefix_condition,
                row_count, scope_condition_in, Arg, Args,
            };

            // What both backends share (`Store`'s forwarding) is written in the first pass only.
            use crate::$once as once;

            type Db = $db;
            type DbRow = <Db as sqlx::Database>::Row;

            // Where the dialects differ: how the outbox claim locks the rows it picks.
            macro_rules! claim_lock {
                () => {
                    $claim_lock
                };
            }
            // A transaction that reads before it writes must hold the write lock from the start
            // on SQLite (a deferred one fails with SQLITE_BUSY when another writer commits
            // between its read and its write); PostgreSQL locks the rows it reads instead.
            macro_rules! begin_write {
                () => {
                    $begin_write
                };
            }
            // How a "starts with" search reaches its index: PostgreSQL's text_pattern_ops indexes
            // serve LIKE 'abc%'; SQLite's expression indexes serve a range.
            const PREFIX_BY_LIKE: bool = $prefix_by_like;
            // How a users search gathers its matches: PostgreSQL their ids from the name and
            // email indexes, tested against the area by id before any person is read; SQLite
            // one index at a time, united, each index holding the row's id by itself.
            const IDS_BEFORE_PEOPLE: bool = $ids_first;
            // Whether a statement built from a filter or a scope (see `bind_args!`) is planned
            // for each execution's values: PostgreSQL's plan for one value may be ruinous for
            // another. SQLite prepares again by itself when a bound value could change its
            // plan, so it keeps its statements.
            const PLAN_DYNAMIC_EACH_TIME: bool = $plan_each_time;

            /// [`crate::filter::scope_condition_in`] as this backend writes a path prefix.
            fn scope_condition(scope: &domain::Scope, args: &mut Args) -> String {
                scope_condition_in(scope, args, PREFIX_BY_LIKE)
            }
            /// [`crate::filter::area_condition_in`] as this backend writes a path prefix.
            fn area_condition(scope: &domain::Scope, args: &mut Args) -> String {
                area_condition_in(scope, args, PREFIX_BY_LIKE)
            }
            /// The condition that assignment `a` is one the viewer reviews: for any arm, one of its
            /// roles inside its area (the assignment's own path, so no organisation is read).
            /// No arm with roles reaches nothing.
            fn review_condition(arms: &[domain::storage::ReviewArm], args: &mut Args) -> String {
                let arms: Vec<String> = arms
                    .iter()
                    .filter(|arm| !arm.roles.is_empty())
                    .map(|arm| {
                        let area = area_condition(&arm.scope, args);
                        let roles: Vec<String> =
                            arm.roles.iter().map(|r| args.push(Arg::Int(r.0))).collect();
                        format!("({area} AND a.role_id IN ({}))", roles.join(", "))
                    })
                    .collect();
                if arms.is_empty() {
                    "1 = 0".to_owned()
                } else {
                    format!("({})", arms.join(" OR "))
                }
            }
            macro_rules! row_lock {
                () => {
                    $row_lock
                };
            }

            include!("queries/directory.rs");
            include!("queries/accounts.rs");
            include!("queries/sessions.rs");
            include!("queries/registrations.rs");
            include!("queries/notifications.rs");
            include!("queries/outbox.rs");
            include!("queries/users.rs");
            include!("queries/invitations.rs");
            include!("queries/requests.rs");
            include!("queries/security.rs");
            include!("queries/clusters.rs");
            include!("queries/drafts.rs");
            include!("queries/temporary_access.rs");
            include!("queries/access_review_rows.rs");
            include!("queries/access_reviews.rs");
            include!("queries/second_factors.rs");
            include!("queries/connected_services.rs");
            include!("queries/service_grants.rs");
        }
    };
}

backend!(
    sqlite,
    keep,
    sqlx::Sqlite,
    "",
    "BEGIN IMMEDIATE",
    "",
    false,
    false,
    false
);
backend!(
    postgres,
    skip,
    sqlx::Postgres,
    " FOR UPDATE SKIP LOCKED",
    "BEGIN",
    " FOR UPDATE",
    true,
    true,
    true
);
