//! The round-trip test (`retort test`): in a scratch database of the project's dialect (never
//! the user's own), apply every revision one at a time from base to head, snapshotting the
//! schema after each; then downgrade one at a time back to base, checking that each downgrade
//! restores the schema of the revision before; then upgrade to head again and check the result
//! matches the first head schema. The version table is left out of every comparison.

use std::collections::BTreeSet;
use std::time::Instant;

use serde::Serialize;

use crate::config::DatabaseUrl;
use crate::error::{Error, Result};
use crate::ops::{RunCommand, Workspace};
use crate::revision::Direction;
use crate::runner::{CancelToken, RunOptions};
use crate::schema::{self, Schema, SchemaDiff};
use crate::scratch::{self, Scratch};

/// Which pass of the round trip a step belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RoundTripPhase {
    Upgrade,
    Downgrade,
    /// The final `upgrade heads` after everything was downgraded.
    Reupgrade,
}

/// Sent before each step: `step` of `total` (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoundTripProgress {
    pub step: usize,
    pub total: usize,
    pub phase: RoundTripPhase,
    /// The revision migrated (for the re-upgrade: `heads`).
    pub revision: String,
}

/// What happened to one revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RevisionStatus {
    /// Upgraded, and its downgrade restored the schema of the revision before.
    Ok,
    UpgradeFailed,
    DowngradeFailed,
    /// The downgrade ran but left a different schema than before the upgrade.
    NotRestored,
    /// The downgrade could not be run on its own (e.g. the graph has no target that removes
    /// only this revision); the upgrade worked.
    DowngradeSkipped,
    /// Not reached: an earlier step failed.
    NotRun,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RevisionResult {
    pub revision: String,
    pub message: String,
    pub status: RevisionStatus,
    /// The migration's error (upgrade or downgrade failed) or why it was skipped.
    pub error: Option<String>,
    /// For `not_restored`: what the schema after the downgrade has compared with the schema
    /// before the upgrade (before → after downgrade).
    pub diff: Option<SchemaDiff>,
    /// The differences this downgrade introduced, one line each (`~ table t: + index ix`).
    pub differences: Vec<String>,
}

/// The final re-upgrade to head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ReupgradeStatus {
    /// The schema matched the first head schema.
    Ok,
    Failed,
    /// Upgraded, but the schema differs from the first time at head.
    Differs,
    NotRun,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoundTripReport {
    /// Oldest first, in the order they were applied.
    pub revisions: Vec<RevisionResult>,
    pub reupgrade: ReupgradeStatus,
    pub reupgrade_error: Option<String>,
    /// First head schema → schema after the re-upgrade.
    pub reupgrade_diff: Option<SchemaDiff>,
    pub reupgrade_differences: Vec<String>,
    /// True when every revision is `ok` and the re-upgrade is ok.
    pub passed: bool,
    pub dialect: crate::dialect::Dialect,
    pub duration_ms: u64,
}

impl RoundTripReport {
    /// Revisions that failed (anything but ok / skipped / not run).
    pub fn failures(&self) -> impl Iterator<Item = &RevisionResult> {
        self.revisions.iter().filter(|r| {
            matches!(
                r.status,
                RevisionStatus::UpgradeFailed
                    | RevisionStatus::DowngradeFailed
                    | RevisionStatus::NotRestored
            )
        })
    }
}

impl Workspace {
    /// Runs the round-trip test in a scratch database next to the one `url` names (only used
    /// to reach the server; nothing in it changes). The scratch database is always discarded.
    /// `cancel` stops between (and, for native scripts, inside) migrations with an error.
    pub async fn roundtrip_test(
        &self,
        url: &DatabaseUrl,
        cancel: &CancelToken,
        on_progress: &mut (dyn FnMut(RoundTripProgress) + Send),
    ) -> Result<RoundTripReport> {
        let started = Instant::now();
        let mut order: Vec<String> = self
            .map
            .history_order()
            .into_iter()
            .map(str::to_string)
            .collect();
        order.reverse();
        if order.is_empty() {
            return Err(Error::command(
                "This project has no revisions to test; create one with `retort revision -m MESSAGE`",
            ));
        }
        let scratch = Scratch::create(url).await?;
        let result = self
            .roundtrip_in(&scratch.url, &order, cancel, on_progress)
            .await;
        let discarded = scratch.discard().await;
        let mut report = result?;
        discarded?;
        report.dialect = url.dialect();
        report.duration_ms = started.elapsed().as_millis() as u64;
        Ok(report)
    }

    async fn roundtrip_in(
        &self,
        scratch: &DatabaseUrl,
        order: &[String],
        cancel: &CancelToken,
        on_progress: &mut (dyn FnMut(RoundTripProgress) + Send),
    ) -> Result<RoundTripReport> {
        let options = RunOptions {
            cancel: cancel.clone(),
            ..RunOptions::default()
        };
        let introspect = self.schema_options(&[]);
        let total = order.len() * 2 + 1;
        let mut step = 0;
        let mut ignore = |_| {};
        let mut results: Vec<RevisionResult> = order
            .iter()
            .map(|id| RevisionResult {
                revision: id.clone(),
                message: self
                    .map
                    .get(id)
                    .map(|r| r.message.clone())
                    .unwrap_or_default(),
                status: RevisionStatus::NotRun,
                error: None,
                diff: None,
                differences: Vec::new(),
            })
            .collect();
        let finish = |results: Vec<RevisionResult>| RoundTripReport {
            revisions: results,
            reupgrade: ReupgradeStatus::NotRun,
            reupgrade_error: None,
            reupgrade_diff: None,
            reupgrade_differences: Vec::new(),
            passed: false,
            dialect: scratch.dialect(),
            duration_ms: 0,
        };

        // Up, one revision at a time. states[i] = schema with order[..i] applied.
        let mut states: Vec<Schema> =
            vec![scratch::comparable_snapshot(scratch, &introspect).await?];
        let mut rows: Vec<String> = Vec::new();
        for (i, id) in order.iter().enumerate() {
            step += 1;
            on_progress(RoundTripProgress {
                step,
                total,
                phase: RoundTripPhase::Upgrade,
                revision: id.clone(),
            });
            check_cancel(cancel)?;
            match self
                .run(scratch, RunCommand::Upgrade(id), &options, &mut ignore)
                .await
            {
                Ok(outcome) => rows = outcome.current,
                Err(e) => {
                    check_cancel(cancel)?;
                    results[i].status = RevisionStatus::UpgradeFailed;
                    results[i].error = Some(e.to_string());
                    return Ok(finish(results));
                }
            }
            states.push(scratch::comparable_snapshot(scratch, &introspect).await?);
        }
        let head_schema = states[order.len()].clone();

        // Down, one revision at a time, newest first. `residue` is what an earlier faulty
        // downgrade left behind, so it is reported once, not again at every later revision.
        let mut residue: BTreeSet<String> = BTreeSet::new();
        let mut stopped = false;
        for i in (0..order.len()).rev() {
            let id = &order[i];
            step += 1;
            on_progress(RoundTripProgress {
                step,
                total,
                phase: RoundTripPhase::Downgrade,
                revision: id.clone(),
            });
            check_cancel(cancel)?;
            let Some(target) = self.single_downgrade_target(&rows, id) else {
                results[i].status = RevisionStatus::DowngradeSkipped;
                results[i].error =
                    Some(format!(
                    "no downgrade target removes {id} alone from {}; its downgrade was not tested",
                    if rows.is_empty() { "base".to_string() } else { rows.join(", ") }
                ));
                stopped = true;
                break;
            };
            match self
                .run(
                    scratch,
                    RunCommand::Downgrade(&target),
                    &options,
                    &mut ignore,
                )
                .await
            {
                Ok(outcome) => rows = outcome.current,
                Err(e) => {
                    check_cancel(cancel)?;
                    results[i].status = RevisionStatus::DowngradeFailed;
                    results[i].error = Some(e.to_string());
                    stopped = true;
                    break;
                }
            }
            let after = scratch::comparable_snapshot(scratch, &introspect).await?;
            let diff = schema::diff(&states[i], &after);
            let lines: BTreeSet<String> = diff_lines(&diff).into_iter().collect();
            let new: Vec<String> = lines.difference(&residue).cloned().collect();
            if new.is_empty() {
                results[i].status = RevisionStatus::Ok;
            } else {
                results[i].status = RevisionStatus::NotRestored;
                results[i].diff = Some(diff);
                results[i].differences = new;
            }
            residue = lines;
        }
        // Revisions still marked "not run" were upgraded fine but never downgraded.
        let mut report = finish(results);
        if stopped {
            return Ok(report);
        }

        // Up again, all at once, and compare with the first time at head.
        step += 1;
        on_progress(RoundTripProgress {
            step,
            total,
            phase: RoundTripPhase::Reupgrade,
            revision: "heads".into(),
        });
        check_cancel(cancel)?;
        match self
            .run(scratch, RunCommand::Upgrade("heads"), &options, &mut ignore)
            .await
        {
            Err(e) => {
                check_cancel(cancel)?;
                report.reupgrade = ReupgradeStatus::Failed;
                report.reupgrade_error = Some(e.to_string());
            }
            Ok(_) => {
                let after = scratch::comparable_snapshot(scratch, &introspect).await?;
                let diff = schema::diff(&head_schema, &after);
                if diff.is_empty() {
                    report.reupgrade = ReupgradeStatus::Ok;
                } else {
                    report.reupgrade = ReupgradeStatus::Differs;
                    report.reupgrade_differences = diff_lines(&diff);
                    report.reupgrade_diff = Some(diff);
                }
            }
        }
        report.passed = report.reupgrade == ReupgradeStatus::Ok
            && report
                .revisions
                .iter()
                .all(|r| matches!(r.status, RevisionStatus::Ok));
        Ok(report)
    }

    /// A downgrade target whose plan, from `rows`, runs exactly one step: `revision`'s down.
    fn single_downgrade_target(&self, rows: &[String], revision: &str) -> Option<String> {
        let rev = self.map.get(revision)?;
        let mut candidates: Vec<String> = rev.down_revisions.clone();
        candidates.push(format!("{revision}@-1"));
        if rev.down_revisions.is_empty() {
            candidates.push("base".into());
        }
        candidates.into_iter().find(|target| {
            self.map.downgrade_plan(rows, target).is_ok_and(|plan| {
                plan.steps.len() == 1
                    && plan.steps[0].direction == Direction::Down
                    && plan.steps[0].revision == revision
            })
        })
    }
}

fn check_cancel(cancel: &CancelToken) -> Result<()> {
    if cancel.is_cancelled() {
        return Err(Error::command(
            "The round-trip test was cancelled; its scratch database was discarded",
        ));
    }
    Ok(())
}

/// One line per difference, each naming its table: `+ table t`, `~ table t: + index ix (a)`.
/// The lines of [`SchemaDiff::summary`], with each change line prefixed by its table and blank
/// namespaces (see [`crate::scratch::comparable`]) left out.
pub fn diff_lines(diff: &SchemaDiff) -> Vec<String> {
    let mut lines = Vec::new();
    let mut table = String::new();
    for line in diff.summary().lines() {
        if let Some(change) = line.strip_prefix("    ") {
            lines.push(format!("~ table {table}: {change}"));
        } else if let Some(name) = line.strip_prefix("~ table ") {
            table = short(name).to_string();
        } else {
            let mut parts = line.splitn(3, ' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(sign), Some(what), Some(name)) => {
                    lines.push(format!("{sign} {what} {}", short(name)))
                }
                _ => lines.push(line.to_string()),
            }
        }
    }
    lines
}

/// `.t` (a blanked namespace) → `t`.
fn short(name: &str) -> &str {
    name.strip_prefix('.').unwrap_or(name)
}
