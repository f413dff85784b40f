//! Drift detection (`retort check`): does the live database's schema match what its migrations
//! produce? Reads the live version rows (read-only; the version table is never created),
//! replays the migrations up to exactly those rows in a scratch database, and diffs the two
//! schemas (scratch → live: what the live database has that the migrations do not).
//!
//! Revisions not applied yet are reported as `pending` but are not drift: drift is a schema
//! difference at the recorded revision, e.g. a column added by hand.

use serde::Serialize;

use crate::config::DatabaseUrl;
use crate::db::Database;
use crate::error::{Error, Result};
use crate::ops::Workspace;
use crate::roundtrip::diff_lines;
use crate::schema::{self, SchemaDiff};
use crate::scratch;
use crate::version_table;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DriftReport {
    /// The live version table's rows (sorted); empty = at base.
    pub current: Vec<String>,
    pub drifted: bool,
    /// Migrations at `current` → live database.
    pub diff: SchemaDiff,
    /// One line per difference, each naming its table.
    pub differences: Vec<String>,
    /// Revisions `upgrade heads` would still run (information, not drift).
    pub pending: Vec<String>,
    pub dialect: crate::dialect::Dialect,
}

impl Workspace {
    /// Compares the live database `url` names with its migrations replayed in a scratch
    /// database. Changes nothing in the live database.
    pub async fn check_drift(&self, url: &DatabaseUrl) -> Result<DriftReport> {
        let table = &self.project.version_table;
        if let Some(path) = url.sqlite_path().filter(|p| !p.exists()) {
            return Err(Error::command(format!(
                "The SQLite database {} does not exist, so there is nothing to check. Check the \
                 path (--url, DATABASE_URL or the project's url setting); `retort upgrade head` creates it.",
                path.display()
            )));
        }
        let mut db = Database::connect(url).await?;
        let rows = version_table::read_rows(&mut db, table).await;
        db.close().await;
        let Some(mut rows) = rows? else {
            return Err(Error::command(format!(
                "The database has no {table} table, so it is not known which revision its schema \
                 should match. If it was never migrated, run `retort upgrade head`; if its tables \
                 were made another way, `retort doctor` finds the revision they match and \
                 `retort stamp REV` records it."
            )));
        };
        rows.sort();
        if let Some(unknown) = rows.iter().find(|r| self.map.get(r).is_none()) {
            return Err(Error::command(format!(
                "The {table} table records revision {unknown}, which is not in this project's \
                 migrations (a missing script, or another branch's checkout). Run `retort doctor` \
                 for the fix, or `retort stamp REV` to record a revision that exists."
            )));
        }
        let pending = self
            .map
            .upgrade_plan(&rows, "heads")
            .map(|plan| plan.steps.into_iter().map(|s| s.revision).collect())
            .unwrap_or_default();
        let options = self.schema_options(&[]);
        let live = scratch::comparable_snapshot(url, &options).await?;
        let expected = self
            .with_replayed(url, &rows, |scratch_url| async move {
                scratch::comparable_snapshot(&scratch_url, &options).await
            })
            .await?;
        let diff = schema::diff(&expected, &live);
        Ok(DriftReport {
            current: rows,
            drifted: !diff.is_empty(),
            differences: diff_lines(&diff),
            diff,
            pending,
            dialect: url.dialect(),
        })
    }
}
