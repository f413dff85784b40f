//! The Backups view and the backup taken before an action runs: retort-core's [`BackupStore`] in
//! `<data dir>/backups` (the folder the CLI uses too). SQLite databases are backed up before
//! every action; PostgreSQL/MySQL when the action asks for a dump and pg_dump / mysqldump exist.
//!
//! The commands are here too (thin: a span and a call each), registered in lib.rs.

use std::time::Instant;

use retort_core::backup::{
    BackupInfo, BackupMode, BackupPlan, BackupStore, RestoreOutcome, BACKUPS_DIR,
};
use retort_core::dialect::Dialect;
use retort_core::DatabaseUrl;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::activity::{entry_id, version_rows};
use crate::dto::{ActionRequest, ActivityBackup, ActivityEntry, BackupEvent};
use crate::error::ApiError;
use crate::state::{engine_task, AppState};

type Result<T> = std::result::Result<T, ApiError>;

/// How retort-core names the backup a restore takes first (`before restore of ID`).
const SAFETY_REASON: &str = "before restore of ";

/// The ids of the backups of `url` there are now.
fn backup_ids(store: &BackupStore, url: &DatabaseUrl) -> Vec<String> {
    store
        .list(Some(url))
        .unwrap_or_default()
        .into_iter()
        .map(|b| b.id)
        .collect()
}

/// What the Backups view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BackupList {
    /// The backups folder.
    pub dir: String,
    /// How many backups of each database are kept.
    pub keep: usize,
    /// Newest first: of the selected database, or of every database (`all`).
    pub backups: Vec<BackupInfo>,
    /// What an action on the selected database does about backups (`null`: none selected).
    pub plan: Option<BackupPlan>,
    /// The selected connection's name and database, for the restore confirmation.
    pub database: Option<String>,
}

impl AppState {
    pub(crate) fn backup_store(&self) -> BackupStore {
        BackupStore::open(self.paths.data_dir.join(BACKUPS_DIR))
    }

    /// What an action on the selected database does about backups.
    pub fn backup_plan(&self) -> Result<BackupPlan> {
        let selected = self.selected()?;
        Ok(self.backup_store().plan(&selected.url))
    }

    pub fn list_backups(&self, all: bool) -> Result<BackupList> {
        let store = self.backup_store();
        let selected = self.session().selected.clone();
        let backups = match (&selected, all) {
            (Some(selected), false) => store.list(Some(&selected.url))?,
            _ => store.list(None)?,
        };
        Ok(BackupList {
            dir: store.dir().display().to_string(),
            keep: store.keep(),
            backups,
            plan: selected.as_ref().map(|s| store.plan(&s.url)),
            database: selected.as_ref().and_then(|s| s.confirm_name()),
        })
    }

    /// Backs up the selected database now. `None` when there is nothing to back up yet.
    pub async fn create_backup(&self, reason: &str) -> Result<Option<BackupInfo>> {
        let ws = self.workspace()?;
        let selected = self.selected()?;
        let store = self.backup_store();
        let version_table = ws.project.version_table.clone();
        let reason = reason.to_string();
        engine_task("the backup", move || async move {
            store.create(&selected.url, &version_table, &reason).await
        })
        .await
    }

    /// The backup an action takes before it runs: always for SQLite, for PostgreSQL/MySQL when
    /// the action asked for a dump (an error when the tool is missing, so nothing runs).
    pub(crate) async fn backup_before_action(
        &self,
        action: &ActionRequest,
        reason: &str,
        on_event: &mut (dyn FnMut(BackupEvent) + Send),
    ) -> Result<Option<BackupInfo>> {
        self.backup_before_write_reporting(action.backup.unwrap_or(false), reason, on_event)
            .await
    }

    /// The backup before any write on the selected database (an action, a doctor fix): always
    /// for SQLite, for PostgreSQL/MySQL when `dump` was asked for.
    pub async fn backup_before_write(
        &self,
        dump: bool,
        reason: &str,
    ) -> Result<Option<BackupInfo>> {
        self.backup_before_write_reporting(dump, reason, &mut |_| {})
            .await
    }

    /// [`AppState::backup_before_write`], announcing the backup on `on_event`: `backup_started`
    /// before it is taken and `backup_finished` once it is written. Nothing is announced when
    /// there is nothing to back up (no SQLite file yet, an in-memory database, no dump asked).
    pub async fn backup_before_write_reporting(
        &self,
        dump: bool,
        reason: &str,
        on_event: &mut (dyn FnMut(BackupEvent) + Send),
    ) -> Result<Option<BackupInfo>> {
        let selected = self.selected()?;
        let wanted = match selected.url.dialect() {
            Dialect::Sqlite => true,
            _ => dump,
        };
        if !wanted {
            return Ok(None);
        }
        let plan = self.backup_store().plan(&selected.url);
        if matches!(plan.mode, BackupMode::Automatic | BackupMode::Optional) {
            on_event(BackupEvent::BackupStarted {
                database: selected
                    .confirm_name()
                    .unwrap_or_else(|| selected.name.clone()),
                mode: plan.mode,
                tool: plan.tool.clone(),
            });
        }
        let started = Instant::now();
        let taken = self.create_backup(reason).await?;
        if let Some(info) = &taken {
            tracing::info!(backup = %info.id, file = %info.file, "backup taken before the action");
            on_event(BackupEvent::BackupFinished {
                id: info.id.clone(),
                file: info.file.clone(),
                size_bytes: info.size,
                duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            });
        }
        Ok(taken)
    }

    /// "Back up now": backs up the selected database and records it in the activity log (a
    /// deliberate write to the backups folder). `None` when there is nothing to back up yet.
    pub async fn back_up_now(&self) -> Result<Option<BackupInfo>> {
        let ws = self.workspace()?;
        let selected = self.selected()?;
        let mut entry = ActivityEntry::begin(
            entry_id("backup"),
            &ws.project.root,
            &selected,
            "retort backup create".to_string(),
        );
        let started = Instant::now();
        let result = self.create_backup("on request").await;
        entry.finish(result.as_ref().err(), started);
        if let Ok(Some(info)) = &result {
            let mut rows = info.revisions.clone();
            rows.sort();
            entry.rows_before = rows.clone();
            entry.rows_after = rows;
            entry.backup = Some(ActivityBackup::from(info));
        }
        self.activity.record(&entry);
        result
    }

    /// Puts backup `id` back into the selected database (which must be the one it was taken
    /// of), after backing up the current state, and records it in the activity log with that
    /// safety backup. A production connection needs its name typed.
    pub async fn restore_backup(
        &self,
        id: &str,
        confirm_database: Option<&str>,
    ) -> Result<RestoreOutcome> {
        let ws = self.workspace()?;
        let selected = self.selected()?;
        selected.require_confirmation(confirm_database)?;
        let id = id.trim();
        if id.is_empty() {
            return Err(ApiError::invalid_input(
                "Say which backup to restore: pick one in the Backups view",
            ));
        }
        tracing::info!(backup = id, url = %selected.url, "restore started");
        let store = self.backup_store();
        let version_table = ws.project.version_table.clone();
        let known = backup_ids(&store, &selected.url);
        let rows_before = version_rows(&selected.url, &version_table).await;
        let mut entry = ActivityEntry::begin(
            entry_id("restore"),
            &ws.project.root,
            &selected,
            format!("retort backup restore {id}"),
        );
        let started = Instant::now();
        let result = {
            let (store, url, backup_id) = (store.clone(), selected.url.clone(), id.to_string());
            engine_task("the backup", move || async move {
                store.restore(&backup_id, &url, &version_table).await
            })
            .await
        };
        entry.finish(result.as_ref().err(), started);
        entry.rows_before = rows_before;
        entry.rows_after = version_rows(&selected.url, &ws.project.version_table).await;
        entry.backup = match &result {
            Ok(outcome) => outcome.safety_backup.as_ref().map(ActivityBackup::from),
            // A restore that failed after its safety backup (a server restore): the new backup
            // of this database taken for it.
            Err(_) => store
                .list(Some(&selected.url))
                .unwrap_or_default()
                .iter()
                .find(|b| !known.contains(&b.id) && b.reason.starts_with(SAFETY_REASON))
                .map(ActivityBackup::from),
        };
        self.activity.record(&entry);
        tracing::info!(backup = id, outcome = ?entry.outcome, "restore ended");
        result
    }

    pub fn set_backup_keep(&self, keep: usize) -> Result<BackupList> {
        self.backup_store().set_keep(keep)?;
        self.list_backups(false)
    }
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(all))]
pub async fn list_backups(state: State<'_, AppState>, all: bool) -> Result<BackupList> {
    state.list_backups(all)
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn create_backup(state: State<'_, AppState>) -> Result<Option<BackupInfo>> {
    state.back_up_now().await
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn restore_backup(
    state: State<'_, AppState>,
    id: String,
    confirm_database: Option<String>,
) -> Result<RestoreOutcome> {
    state.restore_backup(&id, confirm_database.as_deref()).await
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(keep))]
pub async fn set_backup_keep(state: State<'_, AppState>, keep: usize) -> Result<BackupList> {
    state.set_backup_keep(keep)
}
