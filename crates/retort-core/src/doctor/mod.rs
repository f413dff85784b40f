//! The troubleshooting "doctor": checks that find the cause of the failures people actually hit
//! on the live database, explain it in plain words and offer fixes with a preview.
//!
//! [`diagnose`] only reads: it creates nothing, not even the version table or a missing SQLite
//! file. Fixes run only through [`apply_fix`], one at a time, by id.

mod connection;
pub mod export;
mod missing_version_table;
mod multiple_heads;
mod mysql_half_applied;
mod mysql_privileges;
mod postgres_privileges;
mod sqlite_alter;
pub(crate) mod sqlite_lock;
mod unknown_revision;

use serde::Serialize;

pub use export::{
    diagnostics_report, report_with_findings, DiagnosticsDatabase, DiagnosticsProject,
    DiagnosticsReport, ReportFormat,
};

use crate::config::DatabaseUrl;
use crate::db::Database;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::ops::{CreatedRevision, RunCommand, RunOutcome, Workspace};
use crate::runner::RunOptions;
use crate::version_table;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Ok,
    Info,
    Warning,
    Problem,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Ok => "ok",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Problem => "problem",
        }
    }
}

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    /// Stable id of the check (`version_table`, `unknown_revision`, ...).
    pub check: String,
    pub severity: Severity,
    pub title: String,
    /// The cause, in plain words.
    pub explanation: String,
    pub details: Vec<String>,
    pub fixes: Vec<Fix>,
}

/// A repair the user may apply with [`apply_fix`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fix {
    /// Stable id, passed to [`apply_fix`] (`stamp:<rev>`, `wal`, ...).
    pub id: String,
    pub title: String,
    pub explanation: String,
    /// The SQL the fix runs, or the equivalent command.
    pub sql_preview: Vec<String>,
    /// Whether it discards information (rows of the version table, ...).
    pub destructive: bool,
}

/// What applying a fix did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FixOutcome {
    pub fix: String,
    /// What ran: SQL statements or the command.
    pub ran: Vec<String>,
    /// A one-line summary of the result.
    pub message: String,
}

/// The check ids, in the order they run.
pub const CHECKS: &[&str] = &[
    connection::CHECK,
    missing_version_table::CHECK,
    unknown_revision::CHECK,
    multiple_heads::CHECK,
    sqlite_lock::CHECK,
    sqlite_alter::CHECK,
    postgres_privileges::CHECK,
    mysql_privileges::CHECK,
    mysql_half_applied::DDL_CHECK,
    mysql_half_applied::CHECK,
];

/// Runs every check that applies to the project and the database. Read-only.
pub async fn diagnose(ws: &Workspace, url: &DatabaseUrl) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    // Scripts first: they need no database.
    findings.extend(multiple_heads::check(ws));
    if url.dialect() == Dialect::Sqlite {
        // Before any connection of ours is open, so the process list shows only others.
        findings.extend(sqlite_lock::check(url).await?);
    }
    let rows = match read_rows(ws, url).await {
        Ok(rows) => Ok(rows),
        // Not connected at all: say why (a SQLite lock is the lock check's to explain).
        Err(e) if url.dialect() != Dialect::Sqlite || !has_problem(&findings) => {
            match connection::check(url).await {
                Some(finding) => {
                    findings.push(finding);
                    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
                    return Ok(findings);
                }
                None => Err(e),
            }
        }
        Err(e) => Err(e),
    };
    let rows = match rows {
        Ok(rows) => rows,
        // A lock that even blocks reading: report it rather than fail the whole diagnosis.
        Err(e) if has_problem(&findings) && url.dialect() == Dialect::Sqlite => {
            for finding in findings
                .iter_mut()
                .filter(|f| f.check == sqlite_lock::CHECK)
            {
                finding
                    .details
                    .push(format!("Reading the version table failed too: {e}"));
            }
            findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
            return Ok(findings);
        }
        // Permission denied on the version table: the privilege check says which grants.
        Err(e) if url.dialect() == Dialect::Postgresql => {
            match postgres_privileges::check(ws, url, None).await {
                Ok(Some(finding)) if finding.severity == Severity::Problem => {
                    findings.push(finding);
                    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
                    return Ok(findings);
                }
                _ => return Err(e),
            }
        }
        // Access denied on the version table: the privilege check says which grants.
        Err(e) if url.dialect() == Dialect::Mysql => {
            match mysql_privileges::check(ws, url, None).await {
                Ok(Some(finding)) if finding.severity == Severity::Problem => {
                    findings.push(finding);
                    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
                    return Ok(findings);
                }
                _ => return Err(e),
            }
        }
        Err(e) => return Err(e),
    };
    findings.extend(missing_version_table::check(ws, url, rows.as_deref()).await?);
    if let Some(rows) = &rows {
        findings.extend(unknown_revision::check(ws, url, rows));
    }
    if url.dialect() == Dialect::Sqlite {
        findings.extend(sqlite_alter::check(ws, rows.as_deref().unwrap_or(&[])));
    }
    if url.dialect() == Dialect::Postgresql {
        let rows = rows.as_deref().unwrap_or(&[]);
        findings.extend(postgres_privileges::check(ws, url, Some(rows)).await?);
    }
    if url.dialect() == Dialect::Mysql {
        let rows = rows.as_deref();
        findings.extend(mysql_privileges::check(ws, url, rows).await?);
        findings.extend(mysql_half_applied::check(ws, url, rows).await?);
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    Ok(findings)
}

/// Whether any finding is a problem (the CLI's exit code 1).
pub fn has_problem(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Problem)
}

/// Applies the fix `fix_id` (as offered by [`diagnose`]).
pub async fn apply_fix(ws: &Workspace, url: &DatabaseUrl, fix_id: &str) -> Result<FixOutcome> {
    let (kind, argument) = match fix_id.split_once(':') {
        Some((kind, argument)) => (kind, Some(argument)),
        None => (fix_id, None),
    };
    match (kind, argument) {
        ("stamp", Some(revision)) => {
            let outcome = run(ws, url, stamp(revision, false)).await?;
            Ok(run_outcome(
                fix_id,
                format!("retort stamp {revision}"),
                &outcome,
            ))
        }
        ("stamp-purge", Some(revision)) => {
            let outcome = run(ws, url, stamp(revision, true)).await?;
            Ok(run_outcome(
                fix_id,
                format!("retort stamp --purge {revision}"),
                &outcome,
            ))
        }
        ("upgrade-head", None) => {
            let outcome = run(ws, url, Stamped::Upgrade).await?;
            Ok(run_outcome(fix_id, "retort upgrade head".into(), &outcome))
        }
        ("merge", None) => {
            let created: CreatedRevision = ws.merge(&["heads".to_string()], "merge heads", None)?;
            Ok(FixOutcome {
                fix: fix_id.to_string(),
                ran: vec!["retort merge -m \"merge heads\" heads".to_string()],
                message: format!(
                    "Wrote merge revision {} ({}) joining {}",
                    created.revision,
                    created.path.display(),
                    created.down_revisions.join(", ")
                ),
            })
        }
        ("wal", None) | ("checkpoint", None) if url.dialect() == Dialect::Sqlite => {
            sqlite_lock::apply(url, kind).await
        }
        (connection::CREATE_DATABASE, None) => connection::create_database(url).await,
        (postgres_privileges::FIX, None) => Err(if url.dialect() == Dialect::Mysql {
            administrator_only(
                mysql_privileges::check(ws, url, None).await,
                "root or an account with GRANT OPTION",
                "account",
            )
        } else {
            administrator_only(
                postgres_privileges::check(ws, url, None).await,
                "a superuser or the owner of the objects",
                "role",
            )
        }),
        (mysql_half_applied::FINISH | mysql_half_applied::UNDO, Some(revision)) => {
            mysql_half_applied::apply(ws, url, kind, revision).await
        }
        _ => Err(Error::command(format!(
            "Unknown fix '{fix_id}'; run `retort doctor` to see the fixes offered for this database"
        ))),
    }
}

enum Stamped {
    Stamp(Vec<String>, bool),
    Upgrade,
}

/// `apply_fix("grants")`: the grants are for an administrator, never run on this connection,
/// so this is always an error, carrying the statements of the privilege check's fix.
fn administrator_only(checked: Result<Option<Finding>>, administrator: &str, who: &str) -> Error {
    let statements: Vec<String> = match checked {
        Ok(Some(finding)) => finding
            .fixes
            .into_iter()
            .flat_map(|f| f.sql_preview)
            .collect(),
        _ => Vec::new(),
    };
    Error::command(format!(
        "The '{}' fix must be run by an administrator ({administrator}), not by this \
         connection's {who}. Statements:\n{}",
        postgres_privileges::FIX,
        if statements.is_empty() {
            "(none needed now)".to_string()
        } else {
            statements.join("\n")
        }
    ))
}

fn stamp(revision: &str, purge: bool) -> Stamped {
    Stamped::Stamp(vec![revision.to_string()], purge)
}

async fn run(ws: &Workspace, url: &DatabaseUrl, what: Stamped) -> Result<RunOutcome> {
    let options = RunOptions::default();
    let mut ignore = |_| {};
    let command = match &what {
        Stamped::Stamp(targets, purge) => RunCommand::Stamp {
            targets,
            purge: *purge,
        },
        Stamped::Upgrade => RunCommand::Upgrade("head"),
    };
    ws.run(url, command, &options, &mut ignore).await
}

fn run_outcome(fix: &str, command: String, outcome: &RunOutcome) -> FixOutcome {
    FixOutcome {
        fix: fix.to_string(),
        ran: vec![command],
        message: format!(
            "{} step(s); the version table now names: {}",
            outcome.steps.len(),
            if outcome.current.is_empty() {
                "nothing".to_string()
            } else {
                outcome.current.join(", ")
            }
        ),
    }
}

/// The version rows; `None` without a version table. Never creates anything.
async fn read_rows(ws: &Workspace, url: &DatabaseUrl) -> Result<Option<Vec<String>>> {
    let mut db = Database::connect(url).await?;
    let rows = version_table::read_rows(&mut db, &ws.project.version_table).await;
    db.close().await;
    rows
}

/// The SQL a stamp to `revision` would run on an empty or replaced version table.
fn stamp_sql(ws: &Workspace, dialect: Dialect, purge: bool, revision: &str) -> Vec<String> {
    let table = &ws.project.version_table;
    let mut sql = Vec::new();
    if purge {
        sql.push(format!("DELETE FROM {table}"));
    } else {
        sql.push(format!(
            "{}  -- unless it exists",
            crate::dialect::create_version_table_sql(
                dialect,
                &crate::dialect::TableName::parse(table)
            )
        ));
    }
    sql.push(version_table::change_sql(
        dialect,
        table,
        &crate::revision::RowChange::Insert {
            revision: revision.to_string(),
        },
    ));
    sql
}
