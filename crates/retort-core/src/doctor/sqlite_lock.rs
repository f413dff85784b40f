//! SQLite "database is locked": who holds the file, the journal mode, the WAL files, whether a
//! write lock is held right now.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, Row};

use super::{Finding, Fix, FixOutcome, Severity};
use crate::config::DatabaseUrl;
use crate::db::{Database, SQLITE_BUSY_TIMEOUT};
use crate::error::{Error, Result};

pub const CHECK: &str = "sqlite_lock";

/// How long the probe waits for a write lock: long enough for a quick write to finish, short
/// enough not to stall the doctor.
const PROBE_TIMEOUT: Duration = Duration::from_millis(250);

/// A WAL file this large means checkpoints are not keeping up (often a reader that never ends).
const LARGE_WAL: u64 = 64 * 1024 * 1024;

fn database_file(url: &DatabaseUrl) -> Option<PathBuf> {
    let options = SqliteConnectOptions::from_str(url.connect_url()).ok()?;
    let name = options.get_filename();
    if name.as_os_str().is_empty() || name.to_string_lossy().contains(":memory:") {
        return None;
    }
    std::path::absolute(name).ok()
}

pub(crate) fn sidecar(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

pub async fn check(url: &DatabaseUrl) -> Result<Option<Finding>> {
    let Some(file) = database_file(url) else {
        return Ok(None);
    };
    if !file.exists() {
        return Ok(None);
    }
    let wal = sidecar(&file, "-wal");
    let shm = sidecar(&file, "-shm");
    let holders = processes_holding(&[file.clone(), wal.clone(), shm.clone()]);

    let options = SqliteConnectOptions::from_str(url.connect_url())
        .map_err(|e| Error::database(format!("could not read the SQLite URL: {e}")))?
        .create_if_missing(false)
        .foreign_keys(false)
        .busy_timeout(PROBE_TIMEOUT);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| Error::database(format!("could not open {}: {e}", file.display())))?;
    let journal_mode: String = match sqlx::query("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
    {
        Ok(row) => row.try_get(0).unwrap_or_else(|_| "unknown".into()),
        Err(e) => format!("unknown ({e})"),
    };
    let lock = sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut conn).await;
    let locked = match &lock {
        Ok(_) => {
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut conn).await;
            None
        }
        Err(e) => Some(e.to_string()),
    };
    let _ = conn.close().await;

    let size = |path: &Path| std::fs::metadata(path).ok().map(|m| m.len());
    let mut details = vec![
        format!("Database file: {}", file.display()),
        format!("Journal mode: {}", journal_mode.to_lowercase()),
    ];
    let wal_size = size(&wal);
    for (path, len) in [(&wal, wal_size), (&shm, size(&shm))] {
        details.push(match len {
            Some(len) => format!("{}: {len} bytes", path.display()),
            None => format!("{}: absent", path.display()),
        });
    }
    details.push(format!(
        "Busy timeout: Retort waits {} s for another connection's lock before \"database is locked\"",
        SQLITE_BUSY_TIMEOUT.as_secs()
    ));
    match &holders {
        None => details.push("Processes with the file open: not visible on this system".into()),
        Some(list) if list.is_empty() => {
            details.push("Processes with the file open: none besides this check".into())
        }
        Some(list) => details.push(format!("Processes with the file open: {}", list.join("; "))),
    }
    match &locked {
        Some(e) => details.push(format!(
            "Write lock: held by another connection right now (BEGIN IMMEDIATE failed after {} ms: {e})",
            PROBE_TIMEOUT.as_millis()
        )),
        None => details.push("Write lock: free (BEGIN IMMEDIATE succeeded and was rolled back)".into()),
    }

    let is_wal = journal_mode.eq_ignore_ascii_case("wal");
    let mut fixes = Vec::new();
    if !is_wal {
        fixes.push(Fix {
            id: "wal".into(),
            title: "Switch to WAL journal mode".into(),
            explanation: "In WAL mode readers no longer block the writer and the writer no longer \
                          blocks readers; only two writers still wait for each other. The mode is \
                          stored in the file and stays for every later connection. Two files, \
                          -wal and -shm, then live next to the database: copy all three together \
                          (or checkpoint first), and never delete the -wal file, it may hold \
                          committed data. WAL does not work on network file systems."
                .into(),
            sql_preview: vec!["PRAGMA journal_mode=WAL".into()],
            destructive: false,
        });
    }
    if is_wal && wal_size.is_some_and(|s| s > 0) {
        fixes.push(Fix {
            id: "checkpoint".into(),
            title: "Checkpoint the WAL".into(),
            explanation: "Copies the committed pages of the -wal file into the database file and \
                          truncates the -wal file to zero bytes. Nothing is lost; it waits for \
                          readers that still use old pages."
                .into(),
            sql_preview: vec!["PRAGMA wal_checkpoint(TRUNCATE)".into()],
            destructive: false,
        });
    }
    let (severity, title) = if locked.is_some() {
        (
            Severity::Problem,
            "Another connection holds the SQLite write lock right now".to_string(),
        )
    } else if wal_size.is_some_and(|s| s > LARGE_WAL) {
        (
            Severity::Warning,
            "The SQLite WAL file is large: checkpoints are not keeping up".to_string(),
        )
    } else {
        (
            Severity::Ok,
            format!(
                "SQLite locking: write lock free, journal mode {}",
                journal_mode.to_lowercase()
            ),
        )
    };
    Ok(Some(Finding {
        check: CHECK.into(),
        severity,
        title,
        explanation: "SQLite lets one connection write at a time. \"database is locked\" means \
                      another connection (an app, a shell, a test, a crashed process's leftover \
                      transaction) kept a write transaction open longer than the busy timeout. \
                      Close or finish that connection (the processes below have the file open), \
                      then retry. In the default rollback-journal mode readers block writers too; \
                      WAL mode removes that."
            .into(),
        details,
        fixes,
    }))
}

/// As [`processes_holding`], without this process (backups: another program has the file open).
pub(crate) fn other_processes_holding(files: &[PathBuf]) -> Option<Vec<String>> {
    processes_holding(files).map(|list| {
        list.into_iter()
            .filter(|p| !p.ends_with(", this process)"))
            .collect()
    })
}

/// Processes whose open files include one of `files`, from /proc/*/fd (Linux). `None` where
/// /proc is not available; processes we may not inspect are skipped.
fn processes_holding(files: &[PathBuf]) -> Option<Vec<String>> {
    let entries = std::fs::read_dir("/proc").ok()?;
    let canonical: Vec<PathBuf> = files
        .iter()
        .map(|f| std::fs::canonicalize(f).unwrap_or_else(|_| f.clone()))
        .collect();
    let own = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let pid = entry.file_name().to_string_lossy().to_string();
        if !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        let holds = fds
            .flatten()
            .filter_map(|fd| std::fs::read_link(fd.path()).ok())
            .any(|target| canonical.contains(&target));
        if holds {
            let command = std::fs::read_to_string(entry.path().join("comm"))
                .map(|c| c.trim().to_string())
                .unwrap_or_else(|_| "?".into());
            let this = if pid == own { ", this process" } else { "" };
            found.push(format!("pid {pid} ({command}{this})"));
        }
    }
    Some(found)
}

/// Runs the `wal` or `checkpoint` fix.
pub async fn apply(url: &DatabaseUrl, kind: &str) -> Result<FixOutcome> {
    let sql = match kind {
        "wal" => "PRAGMA journal_mode=WAL",
        _ => "PRAGMA wal_checkpoint(TRUNCATE)",
    };
    if database_file(url).is_none_or(|f| !f.exists()) {
        return Err(Error::command(
            "The SQLite database file does not exist yet; there is nothing to change",
        ));
    }
    let mut db = Database::connect(url).await?;
    let result = db.query_text_rows(sql).await;
    db.close().await;
    let rows = result?;
    let answer: Vec<String> = rows
        .into_iter()
        .flat_map(|row| row.into_iter().map(|v| v.unwrap_or_default()))
        .collect();
    let message = match kind {
        "wal" => format!("Journal mode is now {}", answer.join(" ")),
        _ => format!(
            "Checkpoint done (busy, WAL pages, checkpointed pages: {})",
            answer.join(", ")
        ),
    };
    Ok(FixOutcome {
        fix: kind.to_string(),
        ran: vec![sql.to_string()],
        message,
    })
}
