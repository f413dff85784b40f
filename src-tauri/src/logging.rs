//! The app's log: a file per day in the log folder plus stderr, level from `RUST_LOG` (default
//! `info`). Only the binary installs a subscriber. Nothing logged carries a password: URLs are
//! logged in their redacted form and command spans skip every argument but a few named ones.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

pub const LOG_FILE_PREFIX: &str = "retort-desktop.log";

/// Installs the subscriber. Keep the guard alive for the life of the app: dropping it flushes
/// and stops the file writer. Without a usable log folder, logs go to stderr only.
pub fn init(log_dir: &Path) -> Option<WorkerGuard> {
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = fmt::layer().with_writer(std::io::stderr).with_target(false);
    let file = std::fs::create_dir_all(log_dir)
        .map_err(|e| {
            eprintln!(
                "retort: cannot create the log folder {}: {e}",
                log_dir.display()
            )
        })
        .ok()
        .and_then(|()| {
            tracing_appender::rolling::Builder::new()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix(LOG_FILE_PREFIX)
                .max_log_files(14)
                .build(log_dir)
                .map_err(|e| {
                    eprintln!(
                        "retort: cannot open a log file in {}: {e}",
                        log_dir.display()
                    )
                })
                .ok()
        });
    match file {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let file_layer = fmt::layer().with_writer(writer).with_ansi(false);
            let _ = tracing_subscriber::registry()
                .with(filter())
                .with(stderr)
                .with(file_layer)
                .try_init();
            Some(guard)
        }
        None => {
            let _ = tracing_subscriber::registry()
                .with(filter())
                .with(stderr)
                .try_init();
            None
        }
    }
}
