//! The activity log: one JSON line per action in `activity.jsonl` in the data folder. Appending a
//! line is one `write` call on a file opened for appending, so concurrent runs never interleave
//! within a line. A line that cannot be read (a crash mid-write) is skipped, not fatal.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::dto::ActivityEntry;
use crate::error::ApiError;
use crate::store::io_error;

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
}
