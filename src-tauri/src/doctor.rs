//! The Troubleshoot view: retort-core's doctor on the open project and the selected connection.
//! Diagnosing only reads; a fix runs only through [`AppState::apply_fix`], one at a time, by id,
//! and is written to the activity log like an action. "Export diagnostics" writes the findings,
//! versions, the redacted connection, recent activity and log lines to a file for a colleague.
//!
//! The commands are here too (thin: a span and a call each), registered in lib.rs.

use std::path::Path;

use retort_core::config::redact_secrets;
use retort_core::doctor::{self, Finding, FixOutcome, ReportFormat};
use tauri::{AppHandle, Runtime, State};

use crate::activity::{entry_id, version_rows};
use crate::dialogs;
use crate::dto::{ActivityBackup, ActivityEntry};
use crate::error::ApiError;
use crate::state::{engine_task, AppState};

type Result<T> = std::result::Result<T, ApiError>;

/// How many activity entries and log lines an export carries.
const EXPORT_ACTIVITY: usize = 20;
const EXPORT_LOG_LINES: usize = 200;

impl AppState {
    /// Every doctor check that applies to the open project and the selected database. Read-only.
    pub async fn diagnose(&self) -> Result<Vec<Finding>> {
        let ws = self.workspace()?;
        let selected = self.selected()?;
        tracing::info!(url = %selected.url, "diagnosing");
        engine_task("the doctor", move || async move {
            doctor::diagnose(&ws, &selected.url).await
        })
        .await
    }

    /// Applies the fix `fix_id` (as offered by [`AppState::diagnose`]) and logs it in the activity
    /// log. A production connection needs `confirm_database`, as actions do. After a `merge`
    /// fix the project's scripts are read again (a merge revision was written).
    pub async fn apply_fix(
        &self,
        fix_id: &str,
        confirm_database: Option<&str>,
    ) -> Result<FixOutcome> {
        let ws = self.workspace()?;
        let selected = self.selected()?;
        let fix_id = fix_id.trim();
        if fix_id.is_empty() {
            return Err(ApiError::invalid_input(
                "Say which fix to apply: run the checks and pick one of the fixes offered",
            ));
        }
        selected.require_confirmation(confirm_database)?;
        // Fixes that write to the database get the same undo as actions (SQLite: automatic).
        let backup = if fix_writes_files_only(fix_id) {
            None
        } else {
            self.backup_before_write(false, &format!("before doctor --fix {fix_id}"))
                .await?
        };
        let table = &ws.project.version_table;
        let rows_before = version_rows(&selected.url, table).await;
        tracing::info!(fix = fix_id, url = %selected.url, "applying a doctor fix");
        let mut entry = ActivityEntry::begin(
            entry_id("fix"),
            &ws.project.root,
            &selected,
            format!("retort doctor --fix {fix_id}"),
        );
        let started = std::time::Instant::now();
        let result = {
            let (ws, url, fix) = (ws.clone(), selected.url.clone(), fix_id.to_string());
            engine_task("the doctor", move || async move {
                doctor::apply_fix(&ws, &url, &fix).await
            })
            .await
        };
        entry.finish(result.as_ref().err(), started);
        entry.sql = result
            .as_ref()
            .map(|o| {
                o.ran
                    .iter()
                    .map(|s| format!("{};\n", s.trim_end_matches(';')))
                    .collect()
            })
            .unwrap_or_default();
        entry.rows_before = rows_before;
        entry.rows_after = version_rows(&selected.url, table).await;
        entry.backup = backup.as_ref().map(ActivityBackup::from);
        self.activity.record(&entry);
        tracing::info!(fix = fix_id, outcome = ?entry.outcome, "doctor fix ended");
        let outcome = result?;
        if fix_id == "merge" {
            self.reload_project().await?;
        }
        Ok(outcome)
    }

    /// Writes retort-core's diagnostics report (findings, versions, the redacted connection, the
    /// version rows) with the app's recent activity and log lines to `target`: JSON for a
    /// `.json` name, else Markdown. Never a password: the engine masks every line again.
    pub async fn export_diagnostics_to(&self, target: &Path) -> Result<()> {
        let ws = self.workspace()?;
        let selected = self.selected()?;
        let lines = self.recent_lines();
        let url = selected.url.clone();
        let report = engine_task("the doctor", move || async move {
            Ok(doctor::diagnostics_report(&ws, &url, &lines).await)
        })
        .await?;
        let text = match ReportFormat::for_path(target) {
            ReportFormat::Json => report.to_json(),
            ReportFormat::Markdown => report.to_markdown(),
        };
        std::fs::write(target, text).map_err(|e| crate::store::io_error(target, &e))?;
        tracing::info!(target = %target.display(), "diagnostics exported");
        Ok(())
    }

    /// The newest activity entries (one line each, newest first), then the log's last lines.
    fn recent_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .activity
            .list()
            .unwrap_or_default()
            .iter()
            .take(EXPORT_ACTIVITY)
            .map(|e| {
                let mut line = format!(
                    "activity {} {} on {}: {:?}, {} ms",
                    e.time, e.action, e.connection, e.outcome, e.duration_ms
                );
                if let Some(error) = &e.error {
                    line.push_str(&format!(" ({}: {})", error.kind, error.message));
                }
                line
            })
            .collect();
        lines.extend(log_tail(&self.paths.log_dir, EXPORT_LOG_LINES));
        lines
    }
}

/// The last `lines` lines of the newest log file in `dir`, secrets masked.
fn log_tail(dir: &Path, lines: usize) -> Vec<String> {
    let newest = std::fs::read_dir(dir).ok().and_then(|entries| {
        entries
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(crate::logging::LOG_FILE_PREFIX)
            })
            .max_by_key(|e| e.file_name())
    });
    let Some(text) = newest.and_then(|e| std::fs::read_to_string(e.path()).ok()) else {
        return Vec::new();
    };
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..]
        .iter()
        .map(|line| redact_secrets(line))
        .collect()
}

// ---- Commands --------------------------------------------------------------------------------

/// The doctor's findings for the open project and the selected database (read-only).
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn diagnose(state: State<'_, AppState>) -> Result<Vec<Finding>> {
    state.diagnose().await
}

/// Applies one fix the doctor offered; logged in the activity log.
#[tauri::command]
#[tracing::instrument(skip_all, fields(fix_id = %fix_id))]
pub async fn apply_fix(
    state: State<'_, AppState>,
    fix_id: String,
    confirm_database: Option<String>,
) -> Result<FixOutcome> {
    state.apply_fix(&fix_id, confirm_database.as_deref()).await
}

/// Writes the diagnostics file to a path chosen in the save dialog; `null` when cancelled.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn export_diagnostics<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<String>> {
    let Some(target) = dialogs::save_diagnostics_file(&app).await? else {
        return Ok(None);
    };
    state.export_diagnostics_to(&target).await?;
    Ok(Some(target.display().to_string()))
}

/// Fixes that change no database: a merge revision is a new script file; GRANTs are only shown.
fn fix_writes_files_only(fix_id: &str) -> bool {
    fix_id == "merge" || fix_id == "grants"
}
