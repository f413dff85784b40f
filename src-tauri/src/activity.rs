//! The activity log: one JSON line per action in `activity.jsonl` in the data folder. Appending a
//! line is one `write` call on a file opened for appending, so concurrent runs never interleave
//! within a line. A line that cannot be read (a crash mid-write) is skipped, not fatal.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use retort_core::db::Database;
use retort_core::version_table;
use retort_core::DatabaseUrl;

use crate::dto::{ActivityEntry, ActivityOutcome};
use crate::error::ApiError;
use crate::state::{now, Selected};
use crate::store::io_error;

impl ActivityEntry {
    /// A new entry for `action` (the equivalent command) on `selected` — its name and redacted
    /// URL, never a password — in the project at `project`, started now. It stays `succeeded`
    /// until [`ActivityEntry::finish`]; what ran (plan, SQL, version rows, backup) the caller
    /// fills in.
    pub(crate) fn begin(
        id: String,
        project: &Path,
        selected: &Selected,
        action: String,
    ) -> ActivityEntry {
        ActivityEntry {
            id,
            time: now(),
            project: project.display().to_string(),
            connection: format!("{} ({})", selected.name, selected.url.redacted()),
            action,
            alembic_command: String::new(),
            plan: Vec::new(),
            outcome: ActivityOutcome::Succeeded,
            error: None,
            duration_ms: 0,
            sql: String::new(),
            rows_before: Vec::new(),
            rows_after: Vec::new(),
            backup: None,
        }
    }

    /// How it ended: failed with `error`, else succeeded; its duration counted from `started`.
    pub(crate) fn finish(&mut self, error: Option<&ApiError>, started: Instant) {
        self.outcome = match error {
            Some(_) => ActivityOutcome::Failed,
            None => ActivityOutcome::Succeeded,
        };
        self.error = error.cloned();
        self.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    }
}

/// An id for an entry that has no run id of its own: `<prefix>-<12 hex digits>`.
pub(crate) fn entry_id(prefix: &str) -> String {
    format!("{prefix}-{:012x}", rand::random::<u64>() & 0xffff_ffff_ffff)
}

/// The version table's rows as stored (also revisions the scripts lack), sorted; empty when
/// there is no version table or it cannot be read. Creates nothing.
pub(crate) async fn version_rows(url: &DatabaseUrl, table: &str) -> Vec<String> {
    let Ok(mut db) = Database::connect(url).await else {
        return Vec::new();
    };
    let rows = version_table::read_rows(&mut db, table).await;
    db.close().await;
    let mut rows = rows.ok().flatten().unwrap_or_default();
    rows.sort();
    rows
}

#[derive(Debug)]
pub struct ActivityLog {
    path: PathBuf,
    /// Serialises appends from concurrent runs of this process.
    lock: Mutex<()>,
}

impl ActivityLog {
    pub fn new(path: PathBuf) -> ActivityLog {
        ActivityLog {
            path,
            lock: Mutex::new(()),
        }
    }

    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn append(&self, entry: &ActivityEntry) -> Result<(), ApiError> {
        let mut line = serde_json::to_vec(entry)
            .map_err(|e| ApiError::internal(format!("cannot serialise an activity entry: {e}")))?;
        line.push(b'\n');
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| io_error(&self.path, &e))?;
        file.write_all(&line).map_err(|e| io_error(&self.path, &e))
    }

    /// Appends `entry`, logging (not returning) a failure: the write it records has happened
    /// either way, and its own result is what the caller reports.
    pub fn record(&self, entry: &ActivityEntry) {
        if let Err(e) = self.append(entry) {
            tracing::error!(error = %e, "could not write the activity log");
        }
    }

    /// Every entry, newest first.
    pub fn list(&self) -> Result<Vec<ActivityEntry>, ApiError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_error(&self.path, &e)),
        };
        let mut entries: Vec<ActivityEntry> = text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .filter_map(|line| match serde_json::from_str(line) {
                Ok(entry) => Some(entry),
                Err(e) => {
                    tracing::warn!(error = %e, "skipping an unreadable activity log line");
                    None
                }
            })
            .collect();
        entries.reverse();
        Ok(entries)
    }

    /// Copies the log to `target` (JSON lines, oldest first, as stored).
    pub fn export(&self, target: &Path) -> Result<(), ApiError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io_error(&self.path, &e)),
        };
        std::fs::write(target, bytes).map_err(|e| io_error(target, &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::ActivityOutcome;

    fn entry(id: &str) -> ActivityEntry {
        ActivityEntry {
            id: id.to_string(),
            time: "2026-11-24T10:00:00+01:00".to_string(),
            project: "/p".to_string(),
            connection: "project (sqlite:////p/nexus.db)".to_string(),
            action: "retort upgrade head".to_string(),
            alembic_command: "alembic upgrade head".to_string(),
            plan: Vec::new(),
            outcome: ActivityOutcome::Succeeded,
            error: None,
            duration_ms: 3,
            sql: String::new(),
            rows_before: Vec::new(),
            rows_after: Vec::new(),
            backup: None,
        }
    }

    #[test]
    fn entries_come_back_newest_first_and_bad_lines_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let log = ActivityLog::new(dir.path().join("activity.jsonl"));
        assert!(log.list().unwrap().is_empty());
        log.append(&entry("a")).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .unwrap()
            .write_all(b"{\"half\": \n")
            .unwrap();
        log.append(&entry("b")).unwrap();
        let ids: Vec<String> = log.list().unwrap().into_iter().map(|e| e.id).collect();
        assert_eq!(ids, vec!["b", "a"]);

        let exported = dir.path().join("export.jsonl");
        log.export(&exported).unwrap();
        assert_eq!(
            std::fs::read_to_string(&exported).unwrap().lines().count(),
            3
        );
    }

    #[test]
    fn a_line_written_before_backups_existed_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        let log = ActivityLog::new(dir.path().join("activity.jsonl"));
        let old = r#"{"id":"old","time":"2026-11-20T10:00:00+01:00","project":"/p","connection":"project (sqlite:////p/nexus.db)","action":"retort upgrade head","alembic_command":"alembic upgrade head","plan":[],"outcome":"succeeded","error":null,"duration_ms":3,"sql":"","rows_before":[],"rows_after":["a1"]}"#;
        std::fs::write(log.path(), format!("{old}\n")).unwrap();
        let mut with_backup = entry("new");
        with_backup.backup = Some(crate::dto::ActivityBackup {
            id: "nexus.db-20261125T093000123Z-a1".to_string(),
            file: "/d/backups/nexus.db-20261125T093000123Z-a1.sqlite".to_string(),
        });
        log.append(&with_backup).unwrap();

        let entries = log.list().unwrap();
        assert_eq!(entries.len(), 2, "the old line was skipped");
        assert_eq!(entries[1].id, "old");
        assert_eq!(entries[1].backup, None);
        assert_eq!(entries[1].rows_after, vec!["a1"]);
        assert_eq!(entries[0].backup, with_backup.backup);
    }
}
