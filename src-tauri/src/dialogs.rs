//! Native file dialogs (rfd, GTK). WebDriver cannot drive them, so tests name the answer in an
//! environment variable instead: a path, or an empty value for "cancelled".
//!
//! GTK wants its dialogs built on the main thread: the dialog future is created there and
//! awaited here, as tauri-plugin-dialog does.

use std::future::Future;
use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};

use crate::error::{ApiError, DIALOG};

pub const PICK_FOLDER_ENV: &str = "RETORT_TEST_PICK_FOLDER";
pub const PICK_FILE_ENV: &str = "RETORT_TEST_PICK_FILE";
pub const SAVE_FILE_ENV: &str = "RETORT_TEST_SAVE_FILE";

type DialogFuture = std::pin::Pin<Box<dyn Future<Output = Option<rfd::FileHandle>> + Send>>;

const SQLITE_EXTENSIONS: [&str; 4] = ["db", "sqlite", "sqlite3", "db3"];

/// The test's answer, when the variable is set: `Some(None)` for cancelled.
fn test_answer(variable: &str) -> Option<Option<PathBuf>> {
    let value = std::env::var_os(variable)?;
    tracing::info!(variable, "dialog answered by the environment");
    Some((!value.is_empty()).then(|| PathBuf::from(value)))
}

pub async fn pick_folder<R: Runtime>(app: &AppHandle<R>) -> Result<Option<PathBuf>, ApiError> {
    if let Some(answer) = test_answer(PICK_FOLDER_ENV) {
        return Ok(answer);
    }
    show(app, |dialog| {
        dialog
            .set_title("Open a Retort project folder")
            .pick_folder()
    })
    .await
}

/// A SQLite file to open, or (`create`) a new file's name.
pub async fn pick_sqlite_file<R: Runtime>(
    app: &AppHandle<R>,
    create: bool,
) -> Result<Option<PathBuf>, ApiError> {
    if let Some(answer) = test_answer(PICK_FILE_ENV) {
        return Ok(answer);
    }
    show(app, move |dialog| {
        let dialog = dialog.add_filter("SQLite database", &SQLITE_EXTENSIONS);
        let chosen: DialogFuture = if create {
            Box::pin(
                dialog
                    .set_title("Create a SQLite database")
                    .set_file_name("database.db")
                    .save_file(),
            )
        } else {
            Box::pin(dialog.set_title("Open a SQLite database").pick_file())
        };
        chosen
    })
    .await
}

pub async fn save_activity_file<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<Option<PathBuf>, ApiError> {
    if let Some(answer) = test_answer(SAVE_FILE_ENV) {
        return Ok(answer);
    }
    show(app, |dialog| {
        dialog
            .set_title("Export the activity log")
            .add_filter("JSON lines", &["jsonl"])
            .set_file_name("retort-activity.jsonl")
            .save_file()
    })
    .await
}

pub async fn save_diagnostics_file<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<Option<PathBuf>, ApiError> {
    if let Some(answer) = test_answer(SAVE_FILE_ENV) {
        return Ok(answer);
    }
    show(app, |dialog| {
        dialog
            .set_title("Export diagnostics")
            .add_filter("JSON", &["json"])
            .set_file_name("retort-diagnostics.json")
            .save_file()
    })
    .await
}

async fn show<R, F, D>(app: &AppHandle<R>, build: F) -> Result<Option<PathBuf>, ApiError>
where
    R: Runtime,
    F: FnOnce(rfd::AsyncFileDialog) -> D + Send + 'static,
    D: Future<Output = Option<rfd::FileHandle>> + Send + 'static,
{
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let window = app.get_webview_window("main");
    app.run_on_main_thread(move || {
        let mut dialog = rfd::AsyncFileDialog::new();
        if let Some(window) = &window {
            dialog = dialog.set_parent(window);
        }
        let _ = sender.send(build(dialog));
    })
    .map_err(|e| {
        ApiError::new(DIALOG, "Could not open the file dialog").with_detail(e.to_string())
    })?;
    let dialog = receiver
        .await
        .map_err(|_| ApiError::new(DIALOG, "The file dialog did not open"))?;
    Ok(dialog.await.map(|file| file.path().to_path_buf()))
}
