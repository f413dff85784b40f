//! The schema view: snapshots of the selected database (retort-core's introspection), a table's
//! first rows, and what each run changed (a snapshot before and after, diffed by the engine).
//! Everything here only reads; introspection never creates the version table or a SQLite file.

use retort_core::db::Database;
use retort_core::ops::RunOutcome;
use retort_core::schema::{self, IntrospectOptions, Schema, SchemaDiff};
use retort_core::schema_rows::{self, TableRows};

use crate::dto::{ActionRequest, RunEvent};
use crate::error::ApiError;
use crate::state::AppState;

/// The schema diff of the last run, kept until the UI asks for it.
pub(crate) struct RunSchemaDiff {
    run_id: String,
    diff: SchemaDiff,
}

impl AppState {
    /// The schema of the selected database: `schema` names a PostgreSQL schema / MySQL database
    /// to read instead of the connection's default.
    pub async fn schema_snapshot(&self, schema: Option<&str>) -> Result<Schema, ApiError> {
        let ws = self.workspace()?;
        let selected = self.selected()?;
        let options = IntrospectOptions {
            schemas: schema
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| vec![s.to_string()])
                .unwrap_or_default(),
            version_table: ws.project.version_table.clone(),
        };
        let mut db = Database::connect(&selected.url).await?;
        let result = schema::introspect(&mut db, &options).await;
        db.close().await;
        Ok(result?)
    }

    /// The row count and first `limit` rows of a table or view of the selected database. The
    /// table must exist in a fresh snapshot: names are never pasted into SQL unchecked.
    pub async fn table_rows(
        &self,
        schema: Option<&str>,
        table: &str,
        limit: u32,
    ) -> Result<TableRows, ApiError> {
        let snapshot = self.schema_snapshot(schema).await?;
        let found = snapshot
            .relations()
            .find(|t| t.name == table && schema.is_none_or(|s| s.is_empty() || t.schema == s))
            .ok_or_else(|| ApiError::invalid_input(format!("There is no table '{table}'")))?;
        let selected = self.selected()?;
        let mut db = Database::connect(&selected.url).await?;
        let result = schema_rows::table_rows(&mut db, found, limit).await;
        db.close().await;
        Ok(result?)
    }

    /// [`AppState::run_action`] with a schema snapshot before and after, kept for
    /// [`AppState::run_schema_diff`]. A snapshot that fails is logged and leaves no diff: it
    /// never stops or fails the run.
    pub async fn run_action_with_diff(
        &self,
        action: &ActionRequest,
        run_id: &str,
        confirm_database: Option<&str>,
        on_event: impl FnMut(RunEvent) + Send,
    ) -> Result<RunOutcome, ApiError> {
        let before = self.quiet_snapshot().await;
        let result = self
            .run_action(action, run_id, confirm_database, on_event)
            .await;
        let diff = match before {
            Some(before) => self
                .quiet_snapshot()
                .await
                .map(|after| schema::diff(&before, &after)),
            None => None,
        };
        let mut last = self
            .last_schema_diff
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        *last = diff.map(|diff| RunSchemaDiff {
            run_id: run_id.to_string(),
            diff,
        });
        result
    }

    /// What run `run_id` changed in the schema; `None` when it is not the last run or its
    /// snapshots failed.
    pub fn run_schema_diff(&self, run_id: &str) -> Option<SchemaDiff> {
        let last = self
            .last_schema_diff
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        last.as_ref()
            .filter(|d| d.run_id == run_id)
            .map(|d| d.diff.clone())
    }

    /// The schema change `revision` makes, replayed into a scratch database of the selected
    /// connection's dialect (the selected database itself is never changed).
    pub async fn revision_schema_diff(&self, revision: &str) -> Result<SchemaDiff, ApiError> {
        let ws = self.workspace()?;
        let selected = self.selected()?;
        Ok(ws.revision_schema_diff(&selected.url, revision).await?)
    }

    async fn quiet_snapshot(&self) -> Option<Schema> {
        match self.schema_snapshot(None).await {
            Ok(schema) => Some(schema),
            Err(e) => {
                tracing::warn!(error = %e, "schema snapshot failed; no before/after diff");
                None
            }
        }
    }
}
