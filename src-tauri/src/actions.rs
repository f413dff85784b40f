//! Actions in three steps: preview (what will run), then run (with progress events and a cancel
//! token per run id), each run written to the activity log. "Show SQL" renders the same plan
//! offline without running anything.

use std::collections::HashMap;
use std::time::Instant;

use retort_core::ops::{RunCommand, RunOutcome, Workspace};
use retort_core::preview::{self, Preview};
use retort_core::revision::Plan;
use retort_core::runner::{self, CancelToken, ProgressEvent, RunOptions};
use retort_core::script::Script;
use retort_core::Error;

use crate::dto::{
    ActionKind, ActionRequest, ActivityBackup, ActivityEntry, ActivityOutcome, PlanStep, RunEvent,
};
use crate::error::ApiError;
use crate::state::AppState;

impl ActionRequest {
    /// The stamp targets: `targets`, or `[target]` when that is empty.
    fn stamp_targets(&self) -> Vec<String> {
        if self.targets.is_empty() {
            vec![self.target.clone()]
        } else {
            self.targets.clone()
        }
    }

    fn command<'a>(&'a self, stamp_targets: &'a [String]) -> Result<RunCommand<'a>, ApiError> {
        let target = self.target.trim();
        match self.kind {
            ActionKind::Upgrade | ActionKind::Downgrade if target.is_empty() => Err(
                ApiError::invalid_input("Say where to go: a revision, head, base, +1 or -1"),
            ),
            ActionKind::Upgrade => Ok(RunCommand::Upgrade(target)),
            ActionKind::Downgrade => Ok(RunCommand::Downgrade(target)),
            ActionKind::Stamp => Ok(RunCommand::Stamp {
                targets: stamp_targets,
                purge: self.purge,
            }),
        }
    }
}

/// Removes a run's cancel token when the run ends, however it ends.
struct RunRegistration<'a> {
    state: &'a AppState,
    run_id: String,
}

impl Drop for RunRegistration<'_> {
    fn drop(&mut self) {
        let mut runs = self.state.runs.lock().unwrap_or_else(|p| p.into_inner());
        runs.remove(&self.run_id);
    }
}

/// What the activity log keeps of a run, gathered from its progress events.
#[derive(Default)]
struct Recorder {
    plan: Vec<PlanStep>,
    sql: String,
    rows_before: Vec<String>,
}

impl Recorder {
    fn observe(&mut self, event: &ProgressEvent) {
        match event {
            ProgressEvent::RunStarted { version_rows, .. } => {
                self.rows_before = version_rows.clone();
            }
            ProgressEvent::StepStarted {
                direction,
                revision,
                from,
                to,
                message,
                ..
            } => self.plan.push(PlanStep {
                direction: direction.name().to_string(),
                revision: revision.clone(),
                from: from.clone(),
                to: to.clone(),
                message: message.clone(),
            }),
            ProgressEvent::StatementStarted { sql, .. } => {
                self.sql
                    .push_str(sql.trim().trim_end_matches(';').trim_end());
                self.sql.push_str(";\n\n");
            }
            _ => {}
        }
    }
}

impl AppState {
    /// What `action` would do on the selected database, read from its version table now.
    pub async fn preview_action(&self, action: &ActionRequest) -> Result<Preview, ApiError> {
        let ws = self.workspace()?;
        let selected = self.selected()?;
        let targets = action.stamp_targets();
        let command = action.command(&targets)?;
        let state = ws.current(&selected.url).await?;
        let mut preview = preview::preview(
            &ws,
            selected.url.dialect(),
            &state.current,
            command,
            ws.project.transaction_per_migration,
        )?;
        preview.backup = Some(self.backup_store().plan(&selected.url));
        Ok(preview)
    }

    /// The SQL script `action` would run from where the selected database is (from base, for the
    /// project URL's dialect, when nothing is selected). Runs nothing and writes nothing.
    pub async fn offline_sql(&self, action: &ActionRequest) -> Result<String, ApiError> {
        let ws = self.workspace()?;
        let targets = action.stamp_targets();
        let command = action.command(&targets)?;
        let selected = self.session().selected.clone();
        let (dialect, rows, table_exists) = match selected {
            Some(selected) => {
                let state = ws.current(&selected.url).await?;
                (
                    selected.url.dialect(),
                    state.current,
                    state.version_table_exists,
                )
            }
            None => (
                ws.project.database_url(None, None)?.dialect(),
                Vec::new(),
                false,
            ),
        };
        if ws.is_alembic() {
            return self.alembic_offline_sql(&ws, command, &rows).await;
        }
        let plan = match command {
            RunCommand::Upgrade(target) => ws.upgrade_plan(&rows, target)?,
            RunCommand::Downgrade(target) => ws.downgrade_plan(&rows, target)?,
            RunCommand::Stamp { purge: true, .. } => {
                return Err(Error::command("Can't use --purge with --sql mode").into())
            }
            RunCommand::Stamp { targets, .. } => ws.stamp_plan(&rows, targets, false)?,
        };
        Ok(runner::offline_sql(
            dialect,
            &ws.project.version_table,
            &plan_scripts(&ws, &plan),
            &plan,
            ws.project.transaction_per_migration,
            !table_exists,
        )?)
    }

    /// Show SQL for an Alembic project: its own Alembic renders it (`--sql` with `FROM:TO`),
    /// starting from the database's single current revision, as Alembic's offline mode needs.
    async fn alembic_offline_sql(
        &self,
        ws: &Workspace,
        command: RunCommand<'_>,
        rows: &[String],
    ) -> Result<String, ApiError> {
        let start = match rows {
            [] => None,
            [one] => Some(one.as_str()),
            _ => return Err(Error::command(
                "Alembic's --sql mode starts from one revision, and the database is on several; \
                     run the action itself, or use `retort upgrade FROM:TO --sql` for one branch",
            )
            .into()),
        };
        let ranged = |target: &str| match start {
            Some(from) => format!("{from}:{target}"),
            None => target.to_string(),
        };
        let url = match self.session().selected.clone() {
            Some(selected) => selected.url,
            None => ws.project.database_url(None, None)?,
        };
        let sql = match command {
            RunCommand::Upgrade(target) => {
                ws.offline_sql_for(&url, RunCommand::Upgrade(&ranged(target)))
            }
            RunCommand::Downgrade(target) => {
                ws.offline_sql_for(&url, RunCommand::Downgrade(&ranged(target)))
            }
            RunCommand::Stamp { targets, purge } => {
                let targets: Vec<String> = targets.iter().map(|t| ranged(t)).collect();
                ws.offline_sql_for(
                    &url,
                    RunCommand::Stamp {
                        targets: &targets,
                        purge,
                    },
                )
            }
        };
        Ok(sql?)
    }

    /// Runs `action` on the selected database, sending the backup's events and then every
    /// progress event to `on_event`, and logs it. `run_id` names the run for [`AppState::cancel_run`]. A production connection
    /// runs only when `confirm_database` is its database name.
    pub async fn run_action(
        &self,
        action: &ActionRequest,
        run_id: &str,
        confirm_database: Option<&str>,
        mut on_event: impl FnMut(RunEvent) + Send,
    ) -> Result<RunOutcome, ApiError> {
        let ws = self.workspace()?;
        let selected = self.selected()?;
        selected.require_confirmation(confirm_database)?;
        let targets = action.stamp_targets();
        let command = action.command(&targets)?;
        if run_id.trim().is_empty() {
            return Err(ApiError::invalid_input(
                "A run needs an id, to be able to cancel it",
            ));
        }

        // The backup comes first: if it fails, nothing runs.
        let (retort_command, _) = preview::equivalent_commands(command);
        let reason = format!(
            "before {}",
            retort_command
                .strip_prefix("retort ")
                .unwrap_or(&retort_command)
        );
        let backup = self
            .backup_before_action(action, &reason, &mut |event| on_event(event.into()))
            .await?;

        let cancel = CancelToken::new();
        {
            let mut runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
            if runs.contains_key(run_id) {
                return Err(ApiError::invalid_input(format!(
                    "A run with id '{run_id}' is already in progress"
                )));
            }
            runs.insert(run_id.to_string(), cancel.clone());
        }
        let _registration = RunRegistration {
            state: self,
            run_id: run_id.to_string(),
        };
        let options = RunOptions {
            cancel,
            ..RunOptions::default()
        };
        let (retort_command, alembic_command) = preview::equivalent_commands(command);
        tracing::info!(run_id, command = %retort_command, url = %selected.url, "run started");

        let mut entry = ActivityEntry::begin(
            run_id.to_string(),
            &ws.project.root,
            &selected,
            retort_command,
        );
        entry.alembic_command = alembic_command;
        entry.backup = backup.as_ref().map(ActivityBackup::from);
        let started = Instant::now();
        let mut recorder = Recorder::default();
        let result = ws
            .run(&selected.url, command, &options, &mut |event| {
                recorder.observe(&event);
                on_event(event.into());
            })
            .await;
        let result = result.map_err(|e| (e.kind() == "cancelled", ApiError::from(e)));

        entry.finish(result.as_ref().err().map(|(_, error)| error), started);
        match &result {
            Ok(outcome) => {
                entry.duration_ms = outcome.duration_ms;
                entry.rows_after = outcome.current.clone();
            }
            Err((cancelled, error)) => {
                if *cancelled {
                    entry.outcome = ActivityOutcome::Cancelled;
                }
                entry.rows_after = error
                    .data
                    .as_ref()
                    .map(|d| d.version_rows.clone())
                    .unwrap_or_else(|| recorder.rows_before.clone());
            }
        }
        entry.plan = recorder.plan;
        entry.sql = recorder.sql;
        entry.rows_before = recorder.rows_before;
        self.activity.record(&entry);
        tracing::info!(run_id, outcome = ?entry.outcome, duration_ms = entry.duration_ms, "run ended");
        result.map_err(|(_, error)| error)
    }

    /// Asks run `run_id` to stop before its next revision. Unknown ids (a run that already ended)
    /// are ignored.
    pub fn cancel_run(&self, run_id: &str) {
        let runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
        match runs.get(run_id) {
            Some(token) => {
                tracing::info!(run_id, "cancel requested");
                token.cancel();
            }
            None => tracing::info!(run_id, "cancel requested for a run that is not running"),
        }
    }

    pub fn activity_list(&self) -> Result<Vec<ActivityEntry>, ApiError> {
        self.activity.list()
    }

    pub fn export_activity_to(&self, target: &std::path::Path) -> Result<(), ApiError> {
        self.activity.export(target)
    }
}

/// The scripts of the revisions a plan runs.
fn plan_scripts(ws: &Workspace, plan: &Plan) -> HashMap<String, Script> {
    plan.steps
        .iter()
        .filter_map(|step| {
            ws.script(&step.revision)
                .map(|script| (step.revision.clone(), script.clone()))
        })
        .collect()
}
