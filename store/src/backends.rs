//! The same query code, compiled once per backend. Each module fixes `Db` and includes the
//! per-concept query files, which implement the domain's traits for `Backend<Db>`.

macro_rules! backend {
    ($module:ident, $db:ty) => {
        mod $module {
            use std::collections::HashMap;

            use domain::actor::OrgRef;
            use domain::assignment::{
                AssignmentId, AssignmentStatus, AssignmentView, NewAssignment,
            };
            use domain::clock::{Timestamp, TokenHash};
            use domain::org::{
                ContractType, NewOrganisation, OrgId, OrgKind, OrgPath, Organisation,
            };
            use domain::role::{Capability, Catalogue, Grant, Holding, Reach, Role, RoleId};
            use domain::session::{NewSession, SessionRecord};
            use domain::storage::{ActingAs, SessionContext, StoreError, StoreResult};
            use domain::user::{AccountStatus, Credentials, NewUser, PasswordHash, User, UserId};
            use domain::{EmailAddress, OdsCode};
            use sqlx::Row;

            use crate::error::{corrupt, map};

            type Db = $db;
            type DbRow = <Db as sqlx::Database>::Row;

            include!("queries/directory.rs");
            include!("queries/accounts.rs");
            include!("queries/sessions.rs");
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);
