//! The Checks view's safety net: the round-trip test ("Test migrations") and drift detection
//! ("Check drift"), both from retort-core on the open project and the selected connection. Both
//! run their migrations in a scratch database; the selected database is only read.
//!
//! The commands are here too (thin: a span and a call each), registered in lib.rs. A running
//! round-trip test is cancelled through `cancel_run` with its run id, like an action.

use retort_core::drift::DriftReport;
use retort_core::roundtrip::{RoundTripProgress, RoundTripReport};
use retort_core::runner::CancelToken;
use tauri::ipc::Channel;
use tauri::State;

use crate::error::ApiError;
use crate::state::AppState;

type Result<T> = std::result::Result<T, ApiError>;

/// Removes the test's cancel token when it ends, however it ends.
struct Registration<'a> {
    state: &'a AppState,
    run_id: String,
}

impl Drop for Registration<'_> {
    fn drop(&mut self) {
        let mut runs = self.state.runs.lock().unwrap_or_else(|p| p.into_inner());
        runs.remove(&self.run_id);
    }
}

impl AppState {
    /// Runs the round-trip test for the open project in a scratch database next to the
    /// selected one, sending progress to `on_progress`. `run_id` makes it cancellable.
    pub async fn run_roundtrip_test(
        &self,
        run_id: &str,
        on_progress: impl FnMut(RoundTripProgress) + Send,
    ) -> Result<RoundTripReport> {
        let ws = self.workspace()?;
        let selected = self.selected()?;
        if run_id.trim().is_empty() {
            return Err(ApiError::invalid_input(
                "A test run needs an id, to be able to cancel it",
            ));
        }
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
        let _registration = Registration {
            state: self,
            run_id: run_id.to_string(),
        };
        tracing::info!(run_id, url = %selected.url, "round-trip test started");
        let mut on_progress = on_progress;
        let report = ws
            .roundtrip_test(&selected.url, &cancel, &mut on_progress)
            .await?;
        tracing::info!(run_id, passed = report.passed, "round-trip test ended");
        Ok(report)
    }

    /// Compares the selected database's schema with the migrations at its revision.
    pub async fn check_drift(&self) -> Result<DriftReport> {
        let ws = self.workspace()?;
        let selected = self.selected()?;
        tracing::info!(url = %selected.url, "checking drift");
        Ok(ws.check_drift(&selected.url).await?)
    }
}

/// The round-trip test (`retort test`), streaming [`RoundTripProgress`] through `on_progress`.
#[tauri::command]
#[tracing::instrument(skip_all, fields(run_id = %run_id))]
pub async fn run_roundtrip_test(
    state: State<'_, AppState>,
    run_id: String,
    on_progress: Channel<RoundTripProgress>,
) -> Result<RoundTripReport> {
    state
        .run_roundtrip_test(&run_id, |progress| {
            if let Err(e) = on_progress.send(progress) {
                tracing::debug!(error = %e, "progress not delivered");
            }
        })
        .await
}

/// Drift detection (`retort check`) on the selected database (read-only).
#[tauri::command]
#[tracing::instrument(skip_all)]
pub async fn check_drift(state: State<'_, AppState>) -> Result<DriftReport> {
    state.check_drift().await
}
