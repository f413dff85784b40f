//! The app's own command arguments and results. Field names are snake_case in JSON, as serde
//! writes them; only command *argument names* are camelCase on the JS side (Tauri converts them).
//! Engine types (Preview, RunOutcome, ProgressEvent, TimelineLayout, ...) are returned as they are.

use retort_core::dialect::Dialect;
use retort_core::ops::RevisionInfo;
use retort_core::timeline::TimelineLayout;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    /// Saved connections, recent projects and the activity log live here.
    pub data_dir: String,
    pub log_dir: String,
    /// False where no OS keychain answers (no Secret Service, e.g. a headless session): the app
    /// then asks for passwords each time and never stores them.
    pub keychain_available: bool,
    /// The demo project's folder (may not exist in an installed app without the repository).
    pub demo_project: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecentProject {
    pub path: String,
    pub name: String,
    /// RFC 3339, local time.
    pub opened_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProjectView {
    /// The project folder (holding retort.toml).
    pub path: String,
    pub name: String,
    pub config_path: String,
    pub versions_dir: String,
    pub version_table: String,
    /// `history` order, newest first.
    pub revisions: Vec<RevisionInfo>,
    pub timeline: TimelineLayout,
    /// The demo project that ships with Retort.
    pub is_demo: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionSource {
    /// `DATABASE_URL` in the app's environment.
    Env,
    /// `url` in the project's retort.toml (or Retort's default, `sqlite:///nexus.db`).
    Project,
    /// Saved in the app's data folder; the password, if any, in the OS keychain.
    Saved,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConnectionView {
    /// `env`, `project`, or a saved connection's id.
    pub id: String,
    pub name: String,
    pub source: ConnectionSource,
    pub dialect: Dialect,
    /// The URL with any password replaced by `***`.
    pub display_url: String,
    pub host: Option<String>,
    pub port: Option<u16>,
    /// The database name; for SQLite the file name. What a production confirmation asks for.
    pub database: Option<String>,
    pub user: Option<String>,
    pub sqlite_path: Option<String>,
    /// Write actions ask for the database name first.
    pub production: bool,
    /// A password for it is in the OS keychain.
    pub password_saved: bool,
    /// It needs a password that is not saved: select and test ask for it.
    pub password_required: bool,
    /// The connection the actions use now.
    pub selected: bool,
    /// Why this connection cannot be used (an invalid URL), if so.
    pub error: Option<String>,
}

/// The connection form. `password`: `null` keeps what is saved, `""` removes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct ConnectionInput {
    /// `null` to add a new connection; a saved connection's id to change it.
    pub id: Option<String>,
    pub name: String,
    pub dialect: Dialect,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub sqlite_path: Option<String>,
    #[serde(default)]
    pub production: bool,
}

/// Where the selected database is. Empty (all `null`) while no connection is selected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DbState {
    pub connection_id: Option<String>,
    pub dialect: Option<Dialect>,
    /// The version table's rows, sorted.
    pub current: Vec<String>,
    /// The rows plus what `depends_on` implies, reduced to tips (what `retort current` prints).
    pub effective: Vec<String>,
    pub version_table_exists: bool,
    /// The selected connection's URL, password redacted.
    pub display_url: Option<String>,
    /// What a production confirmation asks the user to type.
    pub database: Option<String>,
    pub production: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RevisionDetail {
    pub info: RevisionInfo,
    pub path: Option<String>,
    /// The dialect the SQL below is for: the selected connection's, else the project URL's.
    pub dialect: Dialect,
    /// The `-- migrate:up` section that applies to `dialect`, as written.
    pub up_sql: String,
    pub down_sql: String,
    pub parents: Vec<String>,
    pub children: Vec<String>,
    pub depends_on: Vec<String>,
    /// Revisions that name this one in their `depends_on`.
    pub dependents: Vec<String>,
    /// `-- migrate:no-transaction`: runs outside any transaction.
    pub no_transaction: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Upgrade,
    Downgrade,
    Stamp,
}

/// An action as the UI asks for it. `target` is any revision argument (`head`, `+1`, `-1`,
/// `base`, `label@head`, an id); a stamp takes `targets` (or `[target]` when empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActionRequest {
    pub kind: ActionKind,
    pub target: String,
    #[serde(default)]
    pub targets: Vec<String>,
    #[serde(default)]
    pub purge: bool,
    /// PostgreSQL/MySQL: dump the database first (pg_dump / mysqldump must be installed).
    /// SQLite databases are always backed up first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub backup: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActivityOutcome {
    Succeeded,
    Failed,
    Cancelled,
}

/// One action in the activity log (a JSON line in `activity.jsonl` in the data folder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActivityEntry {
    pub id: String,
    /// When the action started, RFC 3339 local time.
    pub time: String,
    /// The project folder.
    pub project: String,
    /// The connection's name and URL, password redacted.
    pub connection: String,
    /// The equivalent command, e.g. `retort upgrade head`.
    pub action: String,
    pub alembic_command: String,
    /// The revisions that ran (or started), in order.
    pub plan: Vec<PlanStep>,
    pub outcome: ActivityOutcome,
    pub error: Option<ApiError>,
    pub duration_ms: u64,
    /// The statements that were sent, in order, each ending with `;`.
    pub sql: String,
    /// The version table's rows before and after.
    pub rows_before: Vec<String>,
    pub rows_after: Vec<String>,
    /// The backup taken first (before an action, a doctor fix or a restore: the state to go back
    /// to), or the one made by "Back up now". `null` when none was taken; absent in entries
    /// written before backups existed.
    #[serde(default)]
    pub backup: Option<ActivityBackup>,
}

/// A backup named in an activity entry: restore it by `id` from the Backups view
/// (`retort backup restore ID`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActivityBackup {
    pub id: String,
    /// The backup file (absolute).
    pub file: String,
}

impl From<&retort_core::backup::BackupInfo> for ActivityBackup {
    fn from(info: &retort_core::backup::BackupInfo) -> ActivityBackup {
        ActivityBackup {
            id: info.id.clone(),
            file: info.file.clone(),
        }
    }
}

/// One revision of a logged action (the engine's `StepSummary`, readable back from the log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanStep {
    #[ts(type = "\"up\" | \"down\" | \"stamp\"")]
    pub direction: String,
    pub revision: String,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub message: String,
}

/// What the backup before a write reports on a run's event stream, before the engine's events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum BackupEvent {
    /// The backup is being taken (seconds to minutes on a large database): `database` is the
    /// SQLite file name or the server database's name.
    BackupStarted {
        database: String,
        mode: retort_core::backup::BackupMode,
        /// `VACUUM INTO`, `pg_dump`, `mysqldump`.
        tool: Option<String>,
    },
    /// The backup is written: restore it by `id` from the Backups view.
    BackupFinished {
        id: String,
        /// The backup file (absolute).
        file: String,
        size_bytes: u64,
        duration_ms: u64,
    },
}

/// One event of a run's stream (the `run_action` channel): the backup taken first, then the
/// engine's [`ProgressEvent`]s. Both carry an `event` tag; the names never overlap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(untagged)]
pub enum RunEvent {
    Backup(BackupEvent),
    Progress(retort_core::runner::ProgressEvent),
}

impl From<BackupEvent> for RunEvent {
    fn from(event: BackupEvent) -> RunEvent {
        RunEvent::Backup(event)
    }
}

impl From<retort_core::runner::ProgressEvent> for RunEvent {
    fn from(event: retort_core::runner::ProgressEvent) -> RunEvent {
        RunEvent::Progress(event)
    }
}
