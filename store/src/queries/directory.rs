// Organisations and the role catalogue. Included once per backend by `backends.rs`, with `Db` set.

macro_rules! org_columns {
    () => {
        "id, code, name, kind, type_label, parent_id, path, start_date, end_date, contract_type, multi_level_approval"
    };
}

fn kind_of(s: &str) -> StoreResult<OrgKind> {
    OrgKind::parse(s).ok_or_else(|| corrupt("kind"))
}

fn organisation_row(r: &DbRow) -> StoreResult<Organisation> {
    let code: String = r.try_get("code").map_err(map)?;
    let contract: Option<String> = r.try_get("contract_type").map_err(map)?;
    Ok(Organisation {
        id: OrgId(r.try_get("id").map_err(map)?),
        code: OdsCode::parse(&code).map_err(|_| corrupt("code"))?,
        name: r.try_get("name").map_err(map)?,
        kind: kind_of(&r.try_get::<String, _>("kind").map_err(map)?)?,
        type_label: r.try_get("type_label").map_err(map)?,
        parent: r.try_get::<Option<i64>, _>("parent_id").map_err(map)?.map(OrgId),
        path: OrgPath::from_stored(r.try_get("path").map_err(map)?),
        start_date: r.try_get("start_date").map_err(map)?,
        end_date: r.try_get("end_date").map_err(map)?,
        contract_type: contract.as_deref().and_then(ContractType::parse),
        multi_level_approval: r.try_get("multi_level_approval").map_err(map)?,
    })
}

/// An `OrgRef` from columns prefixed `org_` (joins name them so).
pub(crate) fn org_ref_row(r: &DbRow) -> StoreResult<OrgRef> {
    Ok(OrgRef {
        id: OrgId(r.try_get("org_id").map_err(map)?),
        code: r.try_get("org_code").map_err(map)?,
        name: r.try_get("org_name").map_err(map)?,
        kind: kind_of(&r.try_get::<String, _>("org_kind").map_err(map)?)?,
        path: OrgPath::from_stored(r.try_get("org_path").map_err(map)?),
    })
}

impl domain::storage::Directory for crate::Backend<Db> {
    #[tracing::instrument(skip_all)]
    async fn catalogue(&self) -> StoreResult<Catalogue> {
        let roles = sqlx::query("SELECT id, name, approver_tier, payment_restrictable FROM roles ORDER BY sort_order")
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        let holdings = sqlx::query("SELECT role_id, org_kind, description FROM role_holdings ORDER BY role_id, org_kind")
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        let grants = sqlx::query("SELECT role_id, capability, reach, only_at FROM role_capabilities ORDER BY role_id")
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        let conflicts = sqlx::query("SELECT role_id, other_role_id FROM role_conflicts ORDER BY role_id, other_role_id")
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        let mut out = Vec::with_capacity(roles.len());
        for r in &roles {
            let id: i64 = r.try_get("id").map_err(map)?;
            let mut role = Role {
                id: RoleId(id),
                name: r.try_get("name").map_err(map)?,
                approver_tier: r.try_get("approver_tier").map_err(map)?,
                payment_restrictable: r.try_get("payment_restrictable").map_err(map)?,
                holdings: Vec::new(),
                grants: Vec::new(),
                conflicts: Vec::new(),
            };
            for c in conflicts.iter().filter(|c| c.try_get::<i64, _>("role_id").ok() == Some(id)) {
                role.conflicts.push(RoleId(c.try_get("other_role_id").map_err(map)?));
            }
            for h in holdings.iter().filter(|h| h.try_get::<i64, _>("role_id").ok() == Some(id)) {
                role.holdings.push(Holding {
                    kind: kind_of(&h.try_get::<String, _>("org_kind").map_err(map)?)?,
                    description: h.try_get("description").map_err(map)?,
                });
            }
            for g in grants.iter().filter(|g| g.try_get::<i64, _>("role_id").ok() == Some(id)) {
                let only_at: Option<String> = g.try_get("only_at").map_err(map)?;
                role.grants.push(Grant {
                    capability: Capability::parse(&g.try_get::<String, _>("capability").map_err(map)?)
                        .ok_or_else(|| corrupt("capability"))?,
                    reach: Reach::parse(&g.try_get::<String, _>("reach").map_err(map)?).ok_or_else(|| corrupt("reach"))?,
                    only_at: only_at.as_deref().map(kind_of).transpose()?,
                });
            }
            out.push(role);
        }
        let payment_types = sqlx::query("SELECT code, name FROM payment_types ORDER BY sort_order")
            .fetch_all(&self.pool)
            .await
            .map_err(map)?
            .iter()
            .map(|r| {
                Ok(domain::model::role::PaymentType {
                    code: r.try_get("code").map_err(map)?,
                    name: r.try_get("name").map_err(map)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Catalogue { roles: out, payment_types })
    }

    async fn organisation(&self, id: OrgId) -> StoreResult<Option<Organisation>> {
        let sql = concat!("SELECT ", org_columns!(), " FROM organisations WHERE id = $1");
        let row = sqlx::query(sql).bind(id.0).fetch_optional(&self.pool).await.map_err(map)?;
        row.as_ref().map(organisation_row).transpose()
    }

    async fn organisation_by_code(&self, code: &OdsCode) -> StoreResult<Option<Organisation>> {
        let sql = concat!("SELECT ", org_columns!(), " FROM organisations WHERE code = $1");
        let row = sqlx::query(sql).bind(code.as_str()).fetch_optional(&self.pool).await.map_err(map)?;
        row.as_ref().map(organisation_row).transpose()
    }

    #[tracing::instrument(skip_all, fields(count = orgs.len()))]
    async fn insert_organisations(&self, orgs: &[NewOrganisation], audit: Option<&NewAudit>) -> StoreResult<usize> {
        // Reads parents before it writes: the write lock first on SQLite (see `begin_write!`).
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        // Paths of parents met in this batch, so only parents outside it are looked up.
        let mut paths: HashMap<String, (OrgPath, OrgKind)> = HashMap::new();
        for o in orgs {
            let parent = match &o.parent_code {
                None => None,
                Some(code) => match paths.get(code.as_str()) {
                    Some(p) => Some(p.clone()),
                    None => {
                        let row = sqlx::query("SELECT id, path, kind FROM organisations WHERE code = $1")
                            .bind(code.as_str())
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(map)?
                            .ok_or_else(|| StoreError::Missing(Gone::ParentOrganisation))?;
                        let found = (
                            OrgPath::from_stored(row.try_get("path").map_err(map)?),
                            kind_of(&row.try_get::<String, _>("kind").map_err(map)?)?,
                        );
                        paths.insert(code.as_str().to_owned(), found.clone());
                        Some(found)
                    }
                },
            };
            if let Some((_, parent_kind)) = &parent {
                if !parent_kind.may_parent(o.kind) {
                    return Err(StoreError::Missing(Gone::ParentOrganisation));
                }
            }
            let row = sqlx::query(
                "INSERT INTO organisations (code, name, kind, type_label, parent_id, path, start_date, end_date, contract_type) \
                 VALUES ($1, $2, $3, $4, (SELECT id FROM organisations WHERE code = $5), '', $6, $7, $8) RETURNING id",
            )
            .bind(o.code.as_str())
            .bind(&o.name)
            .bind(o.kind.as_str())
            .bind(&o.type_label)
            .bind(o.parent_code.as_ref().map(|c| c.as_str().to_owned()))
            .bind(&o.start_date)
            .bind(&o.end_date)
            .bind(o.contract_type.map(|c| c.as_str()))
            .fetch_one(&mut *tx)
            .await
            .map_err(map)?;
            let id = OrgId(row.try_get("id").map_err(map)?);
            let path = match &parent {
                Some((p, _)) => p.child(id),
                None => OrgPath::root(id),
            };
            sqlx::query("UPDATE organisations SET path = $1 WHERE id = $2")
                .bind(path.as_str())
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(map)?;
            paths.insert(o.code.as_str().to_owned(), (path, o.kind));
        }
        if let Some(a) = audit {
            insert_audit(&mut *tx, a).await?;
        }
        tx.commit().await.map_err(map)?;
        Ok(orgs.len())
    }

    #[tracing::instrument(skip_all, fields(count = orgs.len(), dry_run))]
    async fn import_organisations(
        &self,
        orgs: &[NewOrganisation],
        dry_run: bool,
        progress: &(dyn Fn(usize) + Send + Sync),
        audit: Option<&NewAudit>,
    ) -> StoreResult<domain::model::organisation::ImportSummary> {
        struct Known {
            id: i64,
            name: String,
            type_label: String,
            parent: Option<i64>,
            path: String,
            kind: OrgKind,
            start: String,
            end: Option<String>,
        }
        let mut summary = domain::model::organisation::ImportSummary::default();
        let mut tx = self.pool.begin_with(begin_write!()).await.map_err(map)?;
        // One read of the whole tree; then only changes are written.
        let rows = sqlx::query(
            "SELECT id, code, name, type_label, parent_id, path, kind, start_date, end_date FROM organisations",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(map)?;
        let mut known: HashMap<String, Known> = HashMap::with_capacity(rows.len() + orgs.len());
        let mut root: Option<String> = None;
        for r in &rows {
            let code: String = r.try_get("code").map_err(map)?;
            let k = Known {
                id: r.try_get("id").map_err(map)?,
                name: r.try_get("name").map_err(map)?,
                type_label: r.try_get("type_label").map_err(map)?,
                parent: r.try_get("parent_id").map_err(map)?,
                path: r.try_get("path").map_err(map)?,
                kind: kind_of(&r.try_get::<String, _>("kind").map_err(map)?)?,
                start: r.try_get("start_date").map_err(map)?,
                end: r.try_get("end_date").map_err(map)?,
            };
            if k.kind == OrgKind::Platform && k.parent.is_none() {
                root = Some(code.clone());
            }
            known.insert(code, k);
        }
        let root = root.ok_or_else(|| StoreError::Missing(Gone::PlatformRoot))?;
        for (i, o) in orgs.iter().enumerate() {
            if i % 500 == 0 {
                progress(i);
            }
            let parent_code = o.parent_code.as_ref().map(|c| c.as_str().to_owned()).unwrap_or_else(|| root.clone());
            let Some(parent) = known.get(&parent_code) else {
                summary.refused.push(format!("{}: parent {parent_code} is not known", o.code));
                continue;
            };
            if !parent.kind.may_parent(o.kind) {
                summary.refused.push(format!("{}: {parent_code} cannot be its parent", o.code));
                continue;
            }
            let (parent_id, parent_path) = (parent.id, parent.path.clone());
            match known.get(o.code.as_str()) {
                None => {
                    let row = sqlx::query(
                        "INSERT INTO organisations (code, name, kind, type_label, parent_id, path, start_date, end_date, contract_type) \
                         VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8) RETURNING id",
                    )
                    .bind(o.code.as_str())
                    .bind(&o.name)
                    .bind(o.kind.as_str())
                    .bind(&o.type_label)
                    .bind(parent_id)
                    .bind(&o.start_date)
                    .bind(&o.end_date)
                    .bind(o.contract_type.map(|c| c.as_str()))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map)?;
                    let id: i64 = row.try_get("id").map_err(map)?;
                    let path = format!("{parent_path}{id}/");
                    sqlx::query("UPDATE organisations SET path = $1 WHERE id = $2")
                        .bind(&path)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(map)?;
                    summary.added += 1;
                    known.insert(
                        o.code.as_str().to_owned(),
                        Known {
                            id,
                            name: o.name.clone(),
                            type_label: o.type_label.clone(),
                            parent: Some(parent_id),
                            path,
                            kind: o.kind,
                            start: o.start_date.clone(),
                            end: o.end_date.clone(),
                        },
                    );
                }
                Some(k) => {
                    let (id, old_path) = (k.id, k.path.clone());
                    let moved = k.parent != Some(parent_id);
                    let closed = k.end.is_none() && o.end_date.is_some();
                    let changed = k.name != o.name
                        || k.type_label != o.type_label
                        || k.start != o.start_date
                        || k.end != o.end_date;
                    if moved {
                        if parent_path.starts_with(&old_path) {
                            summary.refused.push(format!("{}: moving it under {parent_code} would make a cycle", o.code));
                            continue;
                        }
                        let new_path = format!("{parent_path}{id}/");
                        // The subtree moves with it: every path under the old prefix.
                        sqlx::query(
                            "UPDATE organisations SET path = $1 || SUBSTR(path, CAST($2 AS INTEGER)) WHERE path LIKE $3",
                        )
                        .bind(&new_path)
                        .bind(old_path.len() as i64 + 1)
                        .bind(format!("{old_path}%"))
                        .execute(&mut *tx)
                        .await
                        .map_err(map)?;
                        sqlx::query("UPDATE organisations SET parent_id = $1 WHERE id = $2")
                            .bind(parent_id)
                            .bind(id)
                            .execute(&mut *tx)
                            .await
                            .map_err(map)?;
                        for other in known.values_mut() {
                            if other.path.starts_with(&old_path) {
                                other.path = format!("{new_path}{}", &other.path[old_path.len()..]);
                            }
                        }
                        summary.moved += 1;
                    }
                    if changed {
                        sqlx::query(
                            "UPDATE organisations SET name = $1, type_label = $2, start_date = $3, end_date = $4 WHERE id = $5",
                        )
                        .bind(&o.name)
                        .bind(&o.type_label)
                        .bind(&o.start_date)
                        .bind(&o.end_date)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(map)?;
                        if closed {
                            summary.closed += 1;
                        } else {
                            summary.updated += 1;
                        }
                    }
                    if !moved && !changed {
                        summary.unchanged += 1;
                    }
                    if let Some(k) = known.get_mut(o.code.as_str()) {
                        k.name = o.name.clone();
                        k.type_label = o.type_label.clone();
                        k.parent = Some(parent_id);
                        k.start = o.start_date.clone();
                        k.end = o.end_date.clone();
                    }
                }
            }
        }
        progress(orgs.len());
        if dry_run {
            tx.rollback().await.map_err(map)?;
        } else {
            let changed = summary.added + summary.updated + summary.closed + summary.moved > 0;
            if let (Some(a), true) = (audit, changed) {
                let mut a = a.clone();
                if a.reason.is_none() {
                    a.reason = Some(format!(
                        "{} added, {} updated, {} closed, {} moved, {} unchanged",
                        summary.added, summary.updated, summary.closed, summary.moved, summary.unchanged
                    ));
                }
                insert_audit(&mut *tx, &a).await?;
            }
            tx.commit().await.map_err(map)?;
        }
        Ok(summary)
    }

    #[tracing::instrument(skip_all)]
    async fn organisations_in(
        &self,
        scope: &domain::Scope,
        kind: Option<OrgKind>,
        search: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<(Vec<(Organisation, String)>, i64)> {
        let mut args = Args::default();
        let code = args.push(Arg::Text(search.trim().to_uppercase()));
        let pattern = args.push(Arg::Text(contains_pattern(search)));
        let kind = args.push(Arg::Text(kind.map(|k| k.as_str()).unwrap_or("").to_owned()));
        let scope = scope_condition(scope, &mut args);
        let filter = format!(
            "WHERE ({kind} = '' OR o.kind = {kind}) AND o.kind <> 'platform' \
               AND ({code} = '' OR o.code = {code} OR LOWER(o.name) LIKE {pattern} ESCAPE '\\') AND {scope} "
        );
        // Built only from fixed fragments and placeholder numbers.
        let count_sql = format!("SELECT COUNT(*) AS n FROM organisations o {filter}");
        let count = bind_args!(sqlx::query(sqlx::AssertSqlSafe(count_sql)), args);
        let limit = row_count(limit);
        let offset = row_count(offset);
        let list_sql = format!(
            "SELECT o.id, o.code, o.name, o.kind, o.type_label, o.parent_id, o.path, o.start_date, o.end_date, \
                    o.contract_type, o.multi_level_approval, COALESCE(p.name, '') AS parent_name \
             FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id {filter} \
             ORDER BY o.name, o.code LIMIT {limit} OFFSET {offset}"
        );
        let list = bind_args!(sqlx::query(sqlx::AssertSqlSafe(list_sql)), args);
        let total: i64 = count.fetch_one(&self.pool).await.map_err(map)?.try_get("n").map_err(map)?;
        let rows = list.fetch_all(&self.pool).await.map_err(map)?;
        let out = rows
            .iter()
            .map(|r| Ok((organisation_row(r)?, r.try_get::<String, _>("parent_name").map_err(map)?)))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((out, total))
    }

    async fn set_multi_level_approval(&self, id: OrgId, on: bool, audit: &NewAudit) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map)?;
        let done = sqlx::query("UPDATE organisations SET multi_level_approval = $1 WHERE id = $2 AND kind = 'provider'")
            .bind(on)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Missing(Gone::Provider));
        }
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await.map_err(map)?;
        Ok(())
    }

    async fn count_organisations(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM organisations").fetch_one(&self.pool).await.map_err(map)?;
        row.try_get("n").map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn find_organisations(&self, text: &str, limit: i64) -> StoreResult<Vec<Organisation>> {
        let code = text.trim().to_uppercase();
        let sql = format!(
            "{} {} LIMIT {}",
            concat!(
                "SELECT ", org_columns!(), " FROM organisations \
                 WHERE end_date IS NULL AND kind <> 'platform' \
                   AND (code = $1 OR LOWER(name) LIKE $2 ESCAPE '\\')"
            ),
            "ORDER BY CASE WHEN code = $1 THEN 0 ELSE 1 END, name, code",
            row_count(limit)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(code)
            .bind(contains_pattern(text))
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        rows.iter().map(organisation_row).collect()
    }

    async fn platform_root(&self) -> StoreResult<Organisation> {
        let sql = concat!("SELECT ", org_columns!(), " FROM organisations WHERE kind = 'platform' AND parent_id IS NULL");
        let row = sqlx::query(sql).fetch_one(&self.pool).await.map_err(map)?;
        organisation_row(&row)
    }
}

// `Store` forwards each method to the backend in use (written in the first pass only).
once! {
    dispatch!(domain::storage::Directory {
        fn catalogue(&self) -> Catalogue;
        fn organisation(&self, id: OrgId) -> Option<Organisation>;
        fn organisation_by_code(&self, code: &OdsCode) -> Option<Organisation>;
        fn insert_organisations(&self, orgs: &[NewOrganisation], audit: Option<&NewAudit>) -> usize;
        fn count_organisations(&self) -> i64;
        fn organisations_in(&self, scope: &domain::Scope, kind: Option<domain::OrgKind>, search: &str, offset: i64, limit: i64) -> (Vec<(Organisation, String)>, i64);
        fn set_multi_level_approval(&self, id: OrgId, on: bool, audit: &NewAudit) -> ();
        fn import_organisations(&self, orgs: &[NewOrganisation], dry_run: bool, progress: &(dyn Fn(usize) + Send + Sync), audit: Option<&NewAudit>) -> domain::model::organisation::ImportSummary;
        fn find_organisations(&self, text: &str, limit: i64) -> Vec<Organisation>;
        fn platform_root(&self) -> Organisation;
    });
}
