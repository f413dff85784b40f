//! The version table names a revision with no script ("Can't locate revision identified by …").

use super::{stamp_sql, Finding, Fix, Severity};
use crate::config::DatabaseUrl;
use crate::ops::Workspace;

pub const CHECK: &str = "unknown_revision";

pub fn check(ws: &Workspace, url: &DatabaseUrl, rows: &[String]) -> Option<Finding> {
    let unknown: Vec<&String> = rows.iter().filter(|r| ws.map.get(r).is_none()).collect();
    if unknown.is_empty() {
        return None;
    }
    let table = &ws.project.version_table;
    let heads = ws.map.heads();
    let mut details = vec![format!("Rows of {table}: {}", rows.join(", "))];
    details.extend(unknown.iter().map(|r| {
        format!(
            "No script for {r} in {}",
            ws.project.versions_dir().display()
        )
    }));
    details.push(format!(
        "Known heads: {}",
        if heads.is_empty() {
            "none (no scripts)".to_string()
        } else {
            heads.join(", ")
        }
    ));
    let fixes = heads
        .iter()
        .map(|head| {
            let mut sql = vec![format!("retort stamp --purge {head}")];
            sql.extend(stamp_sql(ws, url.dialect(), true, head));
            Fix {
                id: format!("stamp-purge:{head}"),
                title: format!("Stamp {head}, replacing the rows"),
                explanation: format!(
                    "Empties {table} and records {head}, without running any migration. Only do \
                     this when the schema really is at {head}: if the database is ahead of this \
                     checkout, update the checkout instead."
                ),
                sql_preview: sql,
                destructive: true,
            }
        })
        .collect();
    Some(Finding {
        check: CHECK.into(),
        severity: Severity::Problem,
        title: format!(
            "{table} names {} revision(s) this project has no script for: {}",
            unknown.len(),
            unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        explanation:
            "Every command that reads the version table fails with \"Can't locate revision \
             identified by ...\". Usually the database is ahead of this checkout (someone \
             migrated it from a newer commit: pull, then try again) or it was migrated from \
             another branch whose scripts are not here. If the schema is known to match one of \
             this project's revisions, stamping it replaces the rows."
                .to_string(),
        details,
        fixes,
    })
}
