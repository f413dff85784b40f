//! Tables but no version table ("No such table: alembic_version"): find the revision the live
//! schema matches by replaying the migrations into a scratch database, and offer to stamp it.

use std::collections::{BTreeSet, HashSet};

use super::{stamp_sql, Finding, Fix, Severity};
use crate::config::DatabaseUrl;
use crate::error::Result;
use crate::ops::{RunCommand, Workspace};
use crate::runner::RunOptions;
use crate::schema::{self, Schema};
use crate::scratch::{comparable, Scratch};

pub const CHECK: &str = "version_table";

pub async fn check(
    ws: &Workspace,
    url: &DatabaseUrl,
    rows: Option<&[String]>,
) -> Result<Option<Finding>> {
    if rows.is_some() {
        return Ok(None);
    }
    let table = &ws.project.version_table;
    let live = ws.schema(url, &[]).await?;
    let live_print = fingerprint(&live);
    if live_print.is_empty() {
        return Ok(Some(Finding {
            check: CHECK.into(),
            severity: Severity::Info,
            title: "Empty database, not migrated yet".into(),
            explanation: format!(
                "The database has no tables and no {table} table: no migration has run here yet. \
                 `upgrade head` creates the tables and the version table."
            ),
            details: Vec::new(),
            fixes: vec![Fix {
                id: "upgrade-head".into(),
                title: "Upgrade to head".into(),
                explanation:
                    "Runs every migration, oldest first, and records each in the version table."
                        .into(),
                sql_preview: vec!["retort upgrade head".into()],
                destructive: false,
            }],
        }));
    }
    let tables: Vec<String> = live
        .tables
        .iter()
        .filter(|t| !t.is_version_table)
        .map(|t| t.name.clone())
        .collect();
    let explanation = format!(
        "The database has tables but no {table} table, so Retort (and Alembic) cannot tell which \
         revision it is at: `current` shows nothing and `upgrade` would try to create the \
         existing tables again (\"No such table: {table}\" / \"table already exists\"). This \
         happens when the tables were created by hand, by another tool, or the version table \
         was dropped. `stamp` records the matching revision without running any migration."
    );
    let mut details = vec![format!("Tables found: {}", tables.join(", "))];
    let (states, replay_failure) = replay(ws, url).await?;
    if let Some(failure) = replay_failure {
        details.push(format!(
            "Replaying the migrations into a scratch database stopped early, so later revisions \
             were not compared: {failure}"
        ));
    }
    let mut best: Option<(usize, &(String, Schema))> = None;
    let mut matches = Vec::new();
    for state in &states {
        let print = fingerprint(&state.1);
        let distance = print.symmetric_difference(&live_print).count();
        if distance == 0 {
            matches.push(state.0.clone());
        }
        if best.as_ref().is_none_or(|(d, _)| distance < *d) {
            best = Some((distance, state));
        }
    }
    if !matches.is_empty() {
        details.push(format!(
            "The schema matches revision {} exactly (tables, columns, types, nullability, indexes and foreign keys).",
            matches.join(", ")
        ));
        let fixes = matches
            .iter()
            .map(|rev| stamp_fix(ws, url, rev, "the revision the schema matches"))
            .collect();
        return Ok(Some(Finding {
            check: CHECK.into(),
            severity: Severity::Problem,
            title: format!(
                "Tables but no {table} table: the schema matches {}",
                matches.join(", ")
            ),
            explanation,
            details,
            fixes,
        }));
    }
    let mut fixes = Vec::new();
    if let Some((distance, (rev, closest))) = best {
        let differences = schema::diff(&comparable(closest), &comparable(&live)).summary();
        details.push(format!(
            "No revision matches exactly. Closest: {rev} ({distance} difference(s)). What the live \
             database has compared with {rev}:"
        ));
        details.extend(differences.lines().map(|l| format!("  {l}")));
        fixes.push(stamp_fix(
            ws,
            url,
            rev,
            "the closest revision; check the differences first, then migrate or adjust by hand",
        ));
    }
    Ok(Some(Finding {
        check: CHECK.into(),
        severity: Severity::Problem,
        title: format!("Tables but no {table} table, and no revision matches the schema"),
        explanation,
        details,
        fixes,
    }))
}

fn stamp_fix(ws: &Workspace, url: &DatabaseUrl, rev: &str, why: &str) -> Fix {
    let mut sql = vec![format!("retort stamp {rev}")];
    sql.extend(stamp_sql(ws, url.dialect(), false, rev));
    Fix {
        id: format!("stamp:{rev}"),
        title: format!("Stamp {rev}"),
        explanation: format!(
            "Creates the version table and records {rev} ({why}) without running any migration."
        ),
        sql_preview: sql,
        destructive: false,
    }
}

/// The schema reached by upgrading an empty database to each revision, oldest first. One
/// scratch database is reused while each revision only adds to what is applied; a revision on
/// another branch starts a fresh one, so every state is exactly "upgrade REV" from empty.
/// A migration that fails in the scratch database ends the replay (the failure is returned
/// beside the states reached); failing to create or drop the scratch database is an error.
async fn replay(
    ws: &Workspace,
    url: &DatabaseUrl,
) -> Result<(Vec<(String, Schema)>, Option<String>)> {
    let mut order: Vec<String> = ws
        .map
        .history_order()
        .into_iter()
        .map(str::to_string)
        .collect();
    order.reverse();
    let mut states = Vec::new();
    let mut scratch: Option<Scratch> = None;
    let mut applied: HashSet<String> = HashSet::new();
    let mut failure = None;
    let result = async {
        for rev in &order {
            let needed = ancestors(ws, rev);
            if !applied.is_subset(&needed) || scratch.is_none() {
                if let Some(old) = scratch.take() {
                    old.discard().await?;
                }
                scratch = Some(Scratch::create(url).await?);
                applied.clear();
            }
            let Some(current) = &scratch else {
                continue;
            };
            let mut ignore = |_| {};
            let upgraded = ws
                .run(
                    &current.url,
                    RunCommand::Upgrade(rev),
                    &RunOptions::default(),
                    &mut ignore,
                )
                .await;
            if let Err(e) = upgraded {
                failure = Some(format!("upgrade to {rev} failed: {e}"));
                break;
            }
            applied = needed;
            states.push((
                rev.clone(),
                schema::snapshot(&current.url, &ws.schema_options(&[])).await?,
            ));
        }
        Ok::<_, crate::error::Error>(())
    }
    .await;
    if let Some(old) = scratch.take() {
        let discarded = old.discard().await;
        result?;
        discarded?;
    } else {
        result?;
    }
    Ok((states, failure))
}

/// `rev` and everything it needs (parents and dependencies, transitively).
fn ancestors(ws: &Workspace, rev: &str) -> HashSet<String> {
    let mut seen = HashSet::new();
    let mut todo = vec![rev.to_string()];
    while let Some(id) = todo.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        if let Some(r) = ws.map.get(&id) {
            todo.extend(r.down_revisions.iter().cloned());
            todo.extend(r.depends_on.iter().cloned());
        }
    }
    seen
}

/// What decides "same schema": tables, columns with type and nullability, indexes and foreign
/// keys, without the version table and without namespace names (a scratch database has its own).
pub(crate) fn fingerprint(schema: &Schema) -> BTreeSet<String> {
    let mut print = BTreeSet::new();
    for table in schema.tables.iter().filter(|t| !t.is_version_table) {
        let name = table.name.to_lowercase();
        print.insert(format!("table {name}"));
        for column in &table.columns {
            print.insert(format!(
                "column {name}.{} {} {}",
                column.name.to_lowercase(),
                column.data_type.to_lowercase(),
                if column.nullable { "null" } else { "not null" }
            ));
        }
        for index in &table.indexes {
            let parts: Vec<String> = index.parts.iter().map(|p| p.display()).collect();
            print.insert(format!(
                "index {name} {}({})",
                if index.unique { "unique " } else { "" },
                parts.join(", ").to_lowercase()
            ));
        }
        for fk in &table.foreign_keys {
            print.insert(format!(
                "fk {name}({}) -> {}({})",
                fk.columns.join(", ").to_lowercase(),
                fk.referenced_table.to_lowercase(),
                fk.referenced_columns.join(", ").to_lowercase()
            ));
        }
    }
    print
}
