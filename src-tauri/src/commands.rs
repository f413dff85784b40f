//! The IPC commands: each one a span and a call into [`AppState`] (and through it into
//! retort-core). Rust names are snake_case; the UI passes arguments in camelCase (`runId`,
//! `confirmDatabase`, `onEvent`), which Tauri maps onto these parameters.
//!
//! Spans skip every argument (`skip_all`) and name only what is safe to log: never a password,
//! never a URL other than in its redacted form.

use retort_core::ops::RunOutcome;
use retort_core::preview::Preview;
use retort_core::probe::ConnectionTest;
use retort_core::schema::{Schema, SchemaDiff};
use retort_core::schema_rows::TableRows;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::dialogs;
use crate::dto::{
    ActionRequest, ActivityEntry, AppInfo, ConnectionInput, ConnectionView, DbState, ProjectView,
    RecentProject, RevisionDetail, RunEvent,
};
use crate::error::ApiError;
use crate::state::{argument_path, AppState};

type Result<T> = std::result::Result<T, ApiError>;

// ---- Project ---------------------------------------------------------------------------------

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo> {
    Ok(state.app_info())
}

/// The open project, or `null` before one is open.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn current_project(state: State<'_, AppState>) -> Result<Option<ProjectView>> {
    state.current_project()
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(path = %path))]
pub async fn open_project(state: State<'_, AppState>, path: String) -> Result<ProjectView> {
    state.open_project(&argument_path(&path)?).await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn open_demo_project(state: State<'_, AppState>) -> Result<ProjectView> {
    state.open_demo_project().await
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(dir = %dir))]
pub async fn new_project(state: State<'_, AppState>, dir: String) -> Result<ProjectView> {
    state.new_project(&argument_path(&dir)?).await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn reload_project(state: State<'_, AppState>) -> Result<ProjectView> {
    state.reload_project().await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn recent_projects(state: State<'_, AppState>) -> Result<Vec<RecentProject>> {
    state.recent_projects()
}

/// A folder chosen in the native dialog; `null` when cancelled.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn pick_folder<R: Runtime>(app: AppHandle<R>) -> Result<Option<String>> {
    Ok(dialogs::pick_folder(&app)
        .await?
        .map(|p| p.display().to_string()))
}

// ---- Connections -----------------------------------------------------------------------------

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn list_connections(state: State<'_, AppState>) -> Result<Vec<ConnectionView>> {
    state.list_connections()
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(id = ?input.id, dialect = %input.dialect))]
pub async fn save_connection(
    state: State<'_, AppState>,
    input: ConnectionInput,
) -> Result<ConnectionView> {
    state.save_connection(input).await
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn duplicate_connection(
    state: State<'_, AppState>,
    id: String,
) -> Result<ConnectionView> {
    state.duplicate_connection(&id).await
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn delete_connection(state: State<'_, AppState>, id: String) -> Result<()> {
    state.delete_connection(&id).await
}

/// A SQLite file chosen in the native dialog (`create`: a new file's name); `null` when cancelled.
#[tauri::command]
#[tracing::instrument(skip_all, fields(create))]
pub async fn pick_sqlite_file<R: Runtime>(
    app: AppHandle<R>,
    create: bool,
) -> Result<Option<String>> {
    Ok(dialogs::pick_sqlite_file(&app, create)
        .await?
        .map(|p| p.display().to_string()))
}

/// Tests a listed connection; `password` is used instead of the saved one when given.
#[tauri::command]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn test_connection(
    state: State<'_, AppState>,
    id: String,
    password: Option<String>,
) -> Result<ConnectionTest> {
    state.test_connection(&id, password).await
}

/// Tests the connection form before it is saved.
#[tauri::command]
#[tracing::instrument(skip_all, fields(dialect = %input.dialect))]
pub async fn test_connection_input(
    state: State<'_, AppState>,
    input: ConnectionInput,
) -> Result<ConnectionTest> {
    state.test_connection_input(input).await
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn select_connection(
    state: State<'_, AppState>,
    id: String,
    password: Option<String>,
) -> Result<DbState> {
    state.select_connection(&id, password).await
}

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn db_state(state: State<'_, AppState>) -> Result<DbState> {
    state.db_state().await
}

// ---- Timeline --------------------------------------------------------------------------------

#[tauri::command]
#[tracing::instrument(skip_all, fields(revision = %revision))]
pub async fn revision_detail(
    state: State<'_, AppState>,
    revision: String,
) -> Result<RevisionDetail> {
    state.revision_detail(&revision)
}

// ---- Actions ---------------------------------------------------------------------------------

#[tauri::command]
#[tracing::instrument(skip_all, fields(kind = ?action.kind, target = %action.target))]
pub async fn preview_action(state: State<'_, AppState>, action: ActionRequest) -> Result<Preview> {
    state.preview_action(&action).await
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(kind = ?action.kind, target = %action.target))]
pub async fn offline_sql(state: State<'_, AppState>, action: ActionRequest) -> Result<String> {
    state.offline_sql(&action).await
}

/// Runs an action, streaming its [`RunEvent`]s (the backup's, then the engine's progress)
/// through `on_event` in order.
#[tauri::command]
#[tracing::instrument(skip_all, fields(run_id = %run_id, kind = ?action.kind, target = %action.target))]
pub async fn run_action(
    state: State<'_, AppState>,
    action: ActionRequest,
    run_id: String,
    confirm_database: Option<String>,
    on_event: Channel<RunEvent>,
) -> Result<RunOutcome> {
    state
        .run_action_with_diff(&action, &run_id, confirm_database.as_deref(), |event| {
            if let Err(e) = on_event.send(event) {
                // The window went away; the run goes on and is logged.
                tracing::debug!(error = %e, "progress event not delivered");
            }
        })
        .await
}

#[tauri::command]
#[tracing::instrument(skip_all, fields(run_id = %run_id))]
pub async fn cancel_run(state: State<'_, AppState>, run_id: String) -> Result<()> {
    state.cancel_run(&run_id);
    Ok(())
}

/// What run `runId` changed in the schema (snapshots before and after); `null` when it was not
/// the last run or a snapshot failed.
#[tauri::command]
#[tracing::instrument(skip_all, fields(run_id = %run_id))]
pub async fn run_schema_diff(
    state: State<'_, AppState>,
    run_id: String,
) -> Result<Option<SchemaDiff>> {
    Ok(state.run_schema_diff(&run_id))
}

// ---- Schema ----------------------------------------------------------------------------------

/// The schema change `revision` makes: the project's migrations replayed into a scratch
/// database of the selected connection's dialect (dropped afterwards), diffed before and after.
#[tauri::command]
#[tracing::instrument(skip_all, fields(revision = %revision))]
pub async fn revision_schema_diff(
    state: State<'_, AppState>,
    revision: String,
) -> Result<SchemaDiff> {
    state.revision_schema_diff(&revision).await
}

/// The selected database's schema; `schema` picks a PostgreSQL schema / MySQL database.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn schema_snapshot(state: State<'_, AppState>, schema: Option<String>) -> Result<Schema> {
    state.schema_snapshot(schema.as_deref()).await
}

/// A table's row count and its first `limit` rows (at most 1,000).
#[tauri::command]
#[tracing::instrument(skip_all, fields(table = %table, limit))]
pub async fn table_rows(
    state: State<'_, AppState>,
    schema: Option<String>,
    table: String,
    limit: u32,
) -> Result<TableRows> {
    state.table_rows(schema.as_deref(), &table, limit).await
}

// ---- Activity log ----------------------------------------------------------------------------

#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn activity_list(state: State<'_, AppState>) -> Result<Vec<ActivityEntry>> {
    state.activity_list()
}

/// Copies the activity log to a file chosen in the save dialog; `null` when cancelled.
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn export_activity<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<String>> {
    let Some(target) = dialogs::save_activity_file(&app).await? else {
        return Ok(None);
    };
    state.export_activity_to(&target)?;
    Ok(Some(target.display().to_string()))
}
