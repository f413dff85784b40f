//! Backups before writes, and restoring them.
//!
//! A backup is a file plus a JSON sidecar (`<id>.json`, a [`BackupInfo`]) in one folder shared by
//! the CLI and the desktop app: `<data dir>/backups`, where the data dir is `RETORT_DATA_DIR` when
//! set, else the platform's data folder for `dev.retort.desktop` (on Linux
//! `~/.local/share/dev.retort.desktop`, the desktop app's own data folder).
//!
//! - SQLite: `VACUUM INTO` a new file: a consistent copy, committed WAL content included, taken
//!   while other connections keep reading.
//! - PostgreSQL: `pg_dump` (plain SQL); MySQL/MariaDB: `mysqldump` / `mariadb-dump`. Only when the
//!   tool is installed; the password goes through the environment (`PGPASSWORD`, `MYSQL_PWD`),
//!   never the command line.
//!
//! The last N backups of each database are kept (`settings.json` in the folder, default 10).
//! [`BackupStore::restore`] backs up the current state first, so a restore can be undone too.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use crate::config::DatabaseUrl;
use crate::db::Database;
use crate::dialect::{self, Dialect};
use crate::doctor::sqlite_lock;
use crate::error::{Error, Result};
use crate::version_table;

/// Overrides the data folder (the desktop app reads the same variable).
pub const DATA_DIR_ENV: &str = "RETORT_DATA_DIR";
/// The desktop app's identifier: its data folder's name under the platform's data folder.
pub const APP_IDENTIFIER: &str = "dev.retort.desktop";
pub const BACKUPS_DIR: &str = "backups";
pub const DEFAULT_KEEP: usize = 10;
const SETTINGS_FILE: &str = "settings.json";

/// The data folder shared by the CLI and the desktop app.
pub fn default_data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        return Ok(std::path::absolute(&dir).unwrap_or(dir));
    }
    dirs::data_dir()
        .map(|dir| dir.join(APP_IDENTIFIER))
        .ok_or_else(|| {
            Error::config(format!(
                "No data folder is known on this system (no HOME?). Set {DATA_DIR_ENV} to a \
                 folder where Retort may keep backups."
            ))
        })
}

/// One backup, as its sidecar file describes it. Never holds a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupInfo {
    /// The file name without extension: `<database>-<UTC time>-<revision or base>`.
    pub id: String,
    /// The backup file (absolute).
    pub file: String,
    pub dialect: Dialect,
    /// The database's URL, password redacted.
    pub database: String,
    /// Groups the backups of one database (retention, listing): the SQLite file, or
    /// `dialect://user@host:port/db` (no password).
    pub key: String,
    /// The SQLite file name or the server database's name.
    pub name: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// The version table's rows when the backup was taken (empty: base).
    pub revisions: Vec<String>,
    /// Why it was taken, e.g. `before upgrade head`.
    pub reason: String,
    /// Bytes.
    pub size: u64,
    /// What made it: `VACUUM INTO`, `pg_dump`, `mysqldump`, ...
    pub tool: String,
}

/// What a write action will do about backups, for previews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupPlan {
    pub mode: BackupMode,
    /// One sentence for the user.
    pub message: String,
    /// The dump tool found (PostgreSQL/MySQL), e.g. `pg_dump`.
    pub tool: Option<String>,
    /// How many backups of each database are kept.
    pub keep: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum BackupMode {
    /// SQLite: a backup is taken before every write.
    Automatic,
    /// PostgreSQL/MySQL with the dump tool installed: the user may ask for a dump.
    Optional,
    /// Nothing to back up yet (the SQLite file does not exist) or an in-memory database.
    NotNeeded,
    /// No dump tool: no automatic undo.
    Unavailable,
}

/// The result of a restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RestoreOutcome {
    pub restored: BackupInfo,
    /// The backup of the state before the restore (undo), when there was something to back up.
    pub safety_backup: Option<BackupInfo>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Settings {
    keep: usize,
}

/// The backup folder and its retention setting.
#[derive(Debug, Clone)]
pub struct BackupStore {
    dir: PathBuf,
    keep: usize,
}

impl BackupStore {
    /// The shared folder (`<data dir>/backups`) with its saved retention setting.
    pub fn open_default() -> Result<BackupStore> {
        Ok(BackupStore::open(default_data_dir()?.join(BACKUPS_DIR)))
    }

    /// A backup folder (need not exist yet) with its saved retention setting.
    pub fn open(dir: PathBuf) -> BackupStore {
        let keep = std::fs::read(dir.join(SETTINGS_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Settings>(&bytes).ok())
            .map(|s| s.keep.max(1))
            .unwrap_or(DEFAULT_KEEP);
        BackupStore { dir, keep }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How many backups of each database are kept.
    pub fn keep(&self) -> usize {
        self.keep
    }

    /// Saves a new retention setting (at least 1) and prunes every database's backups to it.
    pub fn set_keep(&mut self, keep: usize) -> Result<()> {
        if keep == 0 {
            return Err(Error::command(
                "Keep at least one backup per database (the setting is a count, e.g. 10)",
            ));
        }
        self.ensure_dir()?;
        let path = self.dir.join(SETTINGS_FILE);
        let text = serde_json::to_string_pretty(&Settings { keep })
            .map_err(|e| Error::command(format!("could not write the settings: {e}")))?;
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        self.keep = keep;
        let mut keys: Vec<String> = self.list(None)?.into_iter().map(|b| b.key).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            self.prune(&key)?;
        }
        Ok(())
    }

    fn ensure_dir(&self) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))
    }

    /// Backups, newest first: of the database `url` names, or all of them.
    pub fn list(&self, url: Option<&DatabaseUrl>) -> Result<Vec<BackupInfo>> {
        let key = url.map(database_key);
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&self.dir, e)),
        };
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let is_sidecar = path.extension().is_some_and(|e| e == "json")
                && path.file_name().is_some_and(|n| n != SETTINGS_FILE);
            if !is_sidecar {
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let Ok(mut info) = serde_json::from_slice::<BackupInfo>(&bytes) else {
                tracing::warn!(file = %path.display(), "unreadable backup sidecar skipped");
                continue;
            };
            if key.as_ref().is_some_and(|k| *k != info.key) {
                continue;
            }
            // The folder may have moved: the file is next to its sidecar.
            let file = self.dir.join(file_name_of(&info));
            if !file.is_file() {
                continue;
            }
            info.file = file.display().to_string();
            found.push(info);
        }
        found.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Ok(found)
    }

    /// The backup with this id (or a unique prefix of it).
    pub fn find(&self, id: &str) -> Result<BackupInfo> {
        let id = id.trim();
        let all = self.list(None)?;
        if let Some(exact) = all.iter().find(|b| b.id == id) {
            return Ok(exact.clone());
        }
        let matches: Vec<&BackupInfo> = all
            .iter()
            .filter(|b| !id.is_empty() && b.id.starts_with(id))
            .collect();
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::command(format!(
                "No backup '{id}' in {}. `retort backup list --all` shows the backups there.",
                self.dir.display()
            ))),
            many => Err(Error::command(format!(
                "'{id}' names several backups: {}. Give more of the id.",
                many.iter()
                    .map(|b| b.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// What a write on `url` will do about backups (`asked`: the user asked for a dump).
    pub fn plan(&self, url: &DatabaseUrl) -> BackupPlan {
        let keep = self.keep;
        let (mode, message, tool) = match url.dialect() {
            Dialect::Sqlite => match url.sqlite_path() {
                None => (
                    BackupMode::NotNeeded,
                    "In-memory database: nothing is backed up".to_string(),
                    None,
                ),
                Some(path) if !path.exists() => (
                    BackupMode::NotNeeded,
                    format!(
                        "{} does not exist yet: there is nothing to back up",
                        display_name(path)
                    ),
                    None,
                ),
                Some(path) => (
                    BackupMode::Automatic,
                    format!(
                        "A backup of {} is taken first (kept: last {keep})",
                        display_name(path)
                    ),
                    Some("VACUUM INTO".to_string()),
                ),
            },
            dialect => {
                let names = dump_tools(dialect);
                match find_tool(names) {
                    Some(tool) => (
                        BackupMode::Optional,
                        format!(
                            "{} found: ask for a dump to be taken before running (kept: last {keep})",
                            tool_name(&tool)
                        ),
                        Some(tool_name(&tool)),
                    ),
                    None => (
                        BackupMode::Unavailable,
                        format!(
                            "No automatic undo on this database: {} is not installed",
                            names[0]
                        ),
                        None,
                    ),
                }
            }
        };
        BackupPlan {
            mode,
            message,
            tool,
            keep,
        }
    }

    /// Backs up the database `url` names. `Ok(None)` when there is nothing to back up (a SQLite
    /// file that does not exist yet, an in-memory database). PostgreSQL/MySQL need the dump
    /// tool; without it this fails and says what to install.
    pub async fn create(
        &self,
        url: &DatabaseUrl,
        version_table: &str,
        reason: &str,
    ) -> Result<Option<BackupInfo>> {
        self.create_keeping(url, version_table, reason, None).await
    }

    /// [`BackupStore::create`], but retention never deletes backup `protect` (the one a restore
    /// is about to load).
    async fn create_keeping(
        &self,
        url: &DatabaseUrl,
        version_table: &str,
        reason: &str,
        protect: Option<&str>,
    ) -> Result<Option<BackupInfo>> {
        if url.dialect() == Dialect::Sqlite {
            match url.sqlite_path() {
                Some(path) if path.is_file() => {}
                _ => return Ok(None),
            }
        }
        self.ensure_dir()?;
        let revisions = {
            let mut db = Database::connect(url).await?;
            let rows = version_table::read_rows(&mut db, version_table).await;
            let rows = match rows {
                Ok(rows) => rows,
                Err(e) => {
                    db.close().await;
                    return Err(e);
                }
            };
            let mut rows = rows.unwrap_or_default();
            rows.sort();
            if url.dialect() == Dialect::Sqlite {
                let id = self.new_id(url, &rows, "sqlite");
                let partial = self.dir.join(format!("{id}.sqlite.partial"));
                let _ = std::fs::remove_file(&partial);
                let result = db.execute(&dialect::sqlite::vacuum_into(&partial)).await;
                db.close().await;
                if let Err(e) = result {
                    let _ = std::fs::remove_file(&partial);
                    return Err(Error::database(format!(
                        "Could not back up {}: {e}. Nothing was changed.",
                        url.redacted()
                    )));
                }
                let file = self.dir.join(format!("{id}.sqlite"));
                std::fs::rename(&partial, &file).map_err(|e| Error::io(&file, e))?;
                let info = self.finish(url, id, &file, rows, reason, "VACUUM INTO")?;
                self.prune_except(&info.key, protect)?;
                return Ok(Some(info));
            }
            db.close().await;
            rows
        };
        let dialect = url.dialect();
        let tool = find_tool(dump_tools(dialect)).ok_or_else(|| missing_tool(dialect, "dump"))?;
        let id = self.new_id(url, &revisions, "sql");
        let partial = self.dir.join(format!("{id}.sql.partial"));
        let conn = ServerConn::of(url)?;
        let dump = |events: bool| {
            let mut command = Command::new(&tool);
            match dialect {
                Dialect::Postgresql => {
                    command
                        .args(["--format=plain", "--no-owner", "--encoding=UTF8", "--file"])
                        .arg(&partial);
                }
                _ => {
                    command
                        .args([
                            "--single-transaction",
                            "--routines",
                            "--triggers",
                            "--add-drop-table",
                            // No LOCK TABLES in the dump: loading it would need the LOCK TABLES
                            // privilege, which migration accounts rarely have.
                            "--skip-add-locks",
                            "--hex-blob",
                            "--no-tablespaces",
                            "--default-character-set=utf8mb4",
                        ])
                        .arg(format!("--result-file={}", partial.display()));
                    if events {
                        command.arg("--events");
                    }
                }
            }
            conn.apply(&mut command, dialect);
            command
        };
        let mut result = run_tool(dump(true), None, &conn).await;
        // An account without the EVENT privilege (most migration users) cannot `SHOW EVENTS`;
        // it cannot have events of its own either, and a restore drops only the events it sees.
        if dialect == Dialect::Mysql
            && result
                .as_ref()
                .is_err_and(|m| m.to_ascii_lowercase().contains("'show events'"))
        {
            let _ = std::fs::remove_file(&partial);
            result = run_tool(dump(false), None, &conn).await;
        }
        if let Err(message) = result {
            let _ = std::fs::remove_file(&partial);
            return Err(Error::database(format!(
                "{} could not back up {}: {message}. Nothing was changed.{}",
                tool_name(&tool),
                url.redacted(),
                dump_hint(&message)
            )));
        }
        let file = self.dir.join(format!("{id}.sql"));
        std::fs::rename(&partial, &file).map_err(|e| Error::io(&file, e))?;
        let info = self.finish(url, id, &file, revisions, reason, &tool_name(&tool))?;
        self.prune_except(&info.key, protect)?;
        Ok(Some(info))
    }

    fn new_id(&self, url: &DatabaseUrl, rows: &[String], extension: &str) -> String {
        let name = sanitize(&database_name(url));
        let time = chrono::Utc::now().format("%Y%m%dT%H%M%S%3fZ");
        let revision = if rows.is_empty() {
            "base".to_string()
        } else {
            sanitize(&rows.join("+"))
        };
        let base = format!("{name}-{time}-{revision}");
        let mut id = base.clone();
        let mut n = 1;
        while self.dir.join(format!("{id}.{extension}")).exists()
            || self.dir.join(format!("{id}.json")).exists()
        {
            n += 1;
            id = format!("{base}-{n}");
        }
        id
    }

    /// Writes the sidecar (retention is the caller's: see [`BackupStore::prune_except`]).
    fn finish(
        &self,
        url: &DatabaseUrl,
        id: String,
        file: &Path,
        revisions: Vec<String>,
        reason: &str,
        tool: &str,
    ) -> Result<BackupInfo> {
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        let info = BackupInfo {
            id,
            file: file.display().to_string(),
            dialect: url.dialect(),
            database: url.redacted(),
            key: database_key(url),
            name: database_name(url),
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            revisions,
            reason: reason.to_string(),
            size,
            tool: tool.to_string(),
        };
        let sidecar = self.dir.join(format!("{}.json", info.id));
        let text = serde_json::to_string_pretty(&info)
            .map_err(|e| Error::command(format!("could not describe the backup: {e}")))?;
        std::fs::write(&sidecar, text).map_err(|e| Error::io(&sidecar, e))?;
        tracing::info!(backup = %info.id, database = %info.database, "backup taken");
        Ok(info)
    }

    /// Deletes all but the newest `keep` backups of one database; returns the ids deleted.
    pub fn prune(&self, key: &str) -> Result<Vec<String>> {
        self.prune_except(key, None)
    }

    /// [`BackupStore::prune`], never deleting backup `protect`.
    fn prune_except(&self, key: &str, protect: Option<&str>) -> Result<Vec<String>> {
        let mut of_key: Vec<BackupInfo> = self
            .list(None)?
            .into_iter()
            .filter(|b| b.key == key && Some(b.id.as_str()) != protect)
            .collect();
        let mut removed = Vec::new();
        if of_key.len() <= self.keep {
            return Ok(removed);
        }
        for old in of_key.split_off(self.keep) {
            let file = self.dir.join(file_name_of(&old));
            let sidecar = self.dir.join(format!("{}.json", old.id));
            std::fs::remove_file(&file).map_err(|e| Error::io(&file, e))?;
            std::fs::remove_file(&sidecar).map_err(|e| Error::io(&sidecar, e))?;
            removed.push(old.id);
        }
        Ok(removed)
    }

    /// Puts backup `id` back into the database `url` names (which must be the database it was
    /// taken of). Backs up the current state first. SQLite: refuses while another process or
    /// connection holds the file, then replaces it atomically. PostgreSQL/MySQL: drops what is
    /// there now and loads the dump, so the database holds exactly what the dump holds.
    pub async fn restore(
        &self,
        id: &str,
        url: &DatabaseUrl,
        version_table: &str,
    ) -> Result<RestoreOutcome> {
        let backup = self.find(id)?;
        let key = database_key(url);
        if backup.key != key {
            return Err(Error::command(format!(
                "Backup {} is of {}, not of {}. Connect to that database (e.g. --url) to restore \
                 it. Nothing was changed.",
                backup.id,
                backup.database,
                url.redacted()
            )));
        }
        let file = PathBuf::from(&backup.file);
        match url.dialect() {
            Dialect::Sqlite => {
                let safety = self
                    .restore_sqlite(&backup, &file, url, version_table)
                    .await?;
                Ok(RestoreOutcome {
                    restored: backup,
                    safety_backup: safety,
                })
            }
            dialect => {
                check_dump_complete(&file, dialect)?;
                let client = find_tool(client_tools(dialect))
                    .ok_or_else(|| missing_tool(dialect, "client"))?;
                let safety = self
                    .create_keeping(
                        url,
                        version_table,
                        &format!("before restore of {}", backup.id),
                        Some(&backup.id),
                    )
                    .await?;
                let conn = ServerConn::of(url)?;
                let mut command = Command::new(&client);
                let stdin = match dialect {
                    Dialect::Postgresql => {
                        command
                            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"])
                            .args(["-c", dialect::postgres::RESTORE_QUIET])
                            .args(["-c", dialect::postgres::RESTORE_PRELUDE, "-f"])
                            .arg(&file);
                        None
                    }
                    _ => {
                        empty_mysql_database(url).await?;
                        command.arg("--default-character-set=utf8mb4");
                        Some(file.clone())
                    }
                };
                conn.apply(&mut command, dialect);
                if let Err(message) = run_tool(command, stdin, &conn).await {
                    let undo = match &safety {
                        Some(s) => format!(" The state before the restore is in backup {}.", s.id),
                        None => String::new(),
                    };
                    let state = if dialect == Dialect::Postgresql {
                        " It ran in one transaction: nothing was changed."
                    } else {
                        " MySQL cannot roll DDL back: the database may be partly restored."
                    };
                    return Err(Error::database(format!(
                        "Restoring {} into {} failed: {message}.{state}{undo}",
                        backup.id,
                        url.redacted()
                    )));
                }
                Ok(RestoreOutcome {
                    restored: backup,
                    safety_backup: safety,
                })
            }
        }
    }

    async fn restore_sqlite(
        &self,
        backup: &BackupInfo,
        file: &Path,
        url: &DatabaseUrl,
        version_table: &str,
    ) -> Result<Option<BackupInfo>> {
        let Some(target) = url.sqlite_path().map(Path::to_path_buf) else {
            return Err(Error::command("An in-memory database cannot be restored"));
        };
        check_sqlite_backup(file).await?;
        let wal = sqlite_lock::sidecar(&target, "-wal");
        let shm = sqlite_lock::sidecar(&target, "-shm");
        let journal = sqlite_lock::sidecar(&target, "-journal");
        let refuse = |why: String| {
            Error::command(format!(
                "Cannot restore {} now: {why}. Close it (or wait for it to finish), then try \
                 again. Nothing was changed.",
                target.display()
            ))
        };
        if target.exists() {
            let holders =
                sqlite_lock::other_processes_holding(&[target.clone(), wal.clone(), shm.clone()])
                    .unwrap_or_default();
            if !holders.is_empty() {
                return Err(refuse(format!(
                    "another process has it open ({})",
                    holders.join("; ")
                )));
            }
            probe_exclusive(url)
                .await
                .map_err(|e| refuse(format!("another connection is using it ({e})")))?;
        }
        let safety = self
            .create_keeping(
                url,
                version_table,
                &format!("before restore of {}", backup.id),
                Some(&backup.id),
            )
            .await?;
        let mut wal_mode = false;
        if target.exists() {
            // Committed WAL pages into the file, so the -wal file holds nothing (the safety
            // backup above already has every committed change either way).
            let mut db = Database::connect(url).await?;
            let mode = db.query_text_rows(dialect::sqlite::JOURNAL_MODE).await;
            let result = db
                .query_text_rows(dialect::sqlite::CHECKPOINT_TRUNCATE)
                .await;
            db.close().await;
            result?;
            wal_mode = mode.is_ok_and(|rows| {
                rows.first()
                    .and_then(|r| r.first().cloned().flatten())
                    .is_some_and(|m| m.eq_ignore_ascii_case("wal"))
            });
            let leftover = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) > 0;
            if leftover(&wal) || leftover(&journal) {
                return Err(refuse(
                    "its -wal or -journal file still holds data after a checkpoint".into(),
                ));
            }
        }
        let folder = target.parent().unwrap_or(Path::new("."));
        let temp = folder.join(format!(
            ".{}.retort-restore",
            target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        std::fs::copy(file, &temp).map_err(|e| Error::io(&temp, e))?;
        if wal_mode {
            // The copy is in rollback-journal mode: keep the database in WAL mode, as it was.
            if let Err(e) = set_wal_mode(&temp).await {
                let _ = std::fs::remove_file(&temp);
                return Err(refuse(format!("could not prepare the restored copy ({e})")));
            }
        }
        std::fs::File::open(&temp)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(&temp, e))?;
        for extra in [&wal, &shm, &journal] {
            match std::fs::remove_file(extra) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    let _ = std::fs::remove_file(&temp);
                    return Err(Error::io(extra, e));
                }
            }
        }
        if let Err(e) = std::fs::rename(&temp, &target) {
            let _ = std::fs::remove_file(&temp);
            return Err(Error::io(&target, e));
        }
        tracing::info!(backup = %backup.id, file = %target.display(), "backup restored");
        Ok(safety)
    }
}

/// Groups the backups of one database; never contains a password.
pub fn database_key(url: &DatabaseUrl) -> String {
    match url.sqlite_path() {
        Some(path) => format!("sqlite:{}", path.display()),
        None if url.dialect() == Dialect::Sqlite => "sqlite::memory:".to_string(),
        None => format!(
            "{}://{}{}:{}/{}",
            url.dialect().name(),
            url.username().map(|u| format!("{u}@")).unwrap_or_default(),
            url.host().unwrap_or("localhost"),
            url.port().unwrap_or_default(),
            url.database_name().unwrap_or_default()
        ),
    }
}

fn database_name(url: &DatabaseUrl) -> String {
    match url.sqlite_path() {
        Some(path) => display_name(path),
        None => url
            .database_name()
            .unwrap_or_else(|| url.dialect().name().to_string()),
    }
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn file_name_of(info: &BackupInfo) -> String {
    let extension = if info.dialect == Dialect::Sqlite {
        "sqlite"
    } else {
        "sql"
    };
    format!("{}.{extension}", info.id)
}

fn sanitize(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+') {
                c
            } else {
                '_'
            }
        })
        .collect();
    clean.chars().take(80).collect()
}

/// The dump tools for a dialect, preferred first.
pub fn dump_tools(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::Postgresql => &["pg_dump"],
        Dialect::Mysql => &["mysqldump", "mariadb-dump"],
        Dialect::Sqlite => &[],
    }
}

/// The clients that load a dump back.
pub fn client_tools(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::Postgresql => &["psql"],
        Dialect::Mysql => &["mysql", "mariadb"],
        Dialect::Sqlite => &[],
    }
}

/// The first of `names` found on PATH (an executable file).
pub fn find_tool(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in names {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if is_executable(&candidate) {
                return Some(candidate);
            }
            #[cfg(windows)]
            {
                let exe = dir.join(format!("{name}.exe"));
                if exe.is_file() {
                    return Some(exe);
                }
            }
        }
    }
    None
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

fn tool_name(path: &Path) -> String {
    path.file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn missing_tool(dialect: Dialect, what: &str) -> Error {
    let (names, package) = match (dialect, what) {
        (Dialect::Postgresql, "dump") => ("pg_dump", "postgresql-client"),
        (Dialect::Postgresql, _) => ("psql", "postgresql-client"),
        (_, "dump") => (
            "mysqldump or mariadb-dump",
            "mariadb-client or mysql-client",
        ),
        _ => ("mysql or mariadb", "mariadb-client or mysql-client"),
    };
    Error::command(format!(
        "{names} is not installed (not found on PATH), so Retort cannot back up or restore this \
         {} database. Install it (Debian/Ubuntu: apt install {package}) and try again, or run \
         without a backup. Nothing was changed.",
        match dialect {
            Dialect::Postgresql => "PostgreSQL",
            _ => "MySQL/MariaDB",
        }
    ))
}

/// Connection settings for the command-line tools; the password only ever goes to the
/// environment of the child process.
struct ServerConn {
    host: String,
    port: u16,
    user: Option<String>,
    password: Option<String>,
    database: String,
    socket: Option<String>,
    sslmode: Option<String>,
}

impl ServerConn {
    fn of(url: &DatabaseUrl) -> Result<ServerConn> {
        let parsed = url::Url::parse(url.connect_url())
            .map_err(|e| Error::command(format!("could not read {}: {e}", url.redacted())))?;
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let param = |name: &str| {
            parsed
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let database = url.database_name().ok_or_else(|| {
            Error::command(format!(
                "{} names no database; a backup needs one",
                url.redacted()
            ))
        })?;
        Ok(ServerConn {
            host: url.host().unwrap_or("localhost").to_string(),
            port: url.port().unwrap_or_default(),
            user: url.username().map(str::to_string),
            password: parsed.password().map(decode).or_else(|| param("password")),
            database,
            socket: param("socket"),
            sslmode: param("sslmode").or_else(|| param("ssl-mode")),
        })
    }

    fn apply(&self, command: &mut Command, dialect: Dialect) {
        match dialect {
            Dialect::Postgresql => {
                command
                    .arg("--host")
                    .arg(&self.host)
                    .arg("--port")
                    .arg(self.port.to_string());
                if let Some(user) = &self.user {
                    command.arg("--username").arg(user);
                }
                command
                    .arg("--no-password")
                    .arg("--dbname")
                    .arg(&self.database);
                command.env_remove("PGPASSWORD");
                if let Some(password) = &self.password {
                    command.env("PGPASSWORD", password);
                }
                if let Some(mode) = &self.sslmode {
                    command.env("PGSSLMODE", mode);
                }
            }
            _ => {
                match &self.socket {
                    Some(socket) => command.arg(format!("--socket={socket}")),
                    None => command
                        .arg("--protocol=TCP")
                        .arg(format!("--host={}", self.host))
                        .arg(format!("--port={}", self.port)),
                };
                if let Some(user) = &self.user {
                    command.arg(format!("--user={user}"));
                }
                command.env_remove("MYSQL_PWD");
                if let Some(password) = &self.password {
                    command.env("MYSQL_PWD", password);
                }
                command.arg(&self.database);
            }
        }
    }

    fn scrub(&self, text: &str) -> String {
        match &self.password {
            Some(p) if !p.is_empty() => text.replace(p.as_str(), "***"),
            _ => text.to_string(),
        }
    }
}

/// Runs a tool off the async threads; `Err` carries its (scrubbed) error output.
async fn run_tool(
    mut command: Command,
    stdin: Option<PathBuf>,
    conn: &ServerConn,
) -> std::result::Result<(), String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let joined = tokio::task::spawn_blocking(move || {
        let input = match stdin {
            Some(path) => Stdio::from(
                std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?,
            ),
            None => Stdio::null(),
        };
        command
            .stdin(input)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("could not start {program}: {e}"))
    })
    .await;
    let output = match joined {
        Ok(Ok(output)) => output,
        Ok(Err(message)) => return Err(conn.scrub(&message)),
        Err(e) => return Err(format!("the tool's task failed: {e}")),
    };
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let text: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains("Deprecated program name"))
        .collect();
    let message = if text.is_empty() {
        format!("exited with {}", output.status)
    } else {
        text.join(" / ")
    };
    Err(conn.scrub(&message))
}

/// MySQL: drops every view, table, routine and event of the connected database, so loading a
/// dump leaves exactly what the dump holds.
async fn empty_mysql_database(url: &DatabaseUrl) -> Result<()> {
    let mut db = Database::connect(url).await?;
    let result = async {
        let rows = db.query_text_rows(dialect::mysql::RESTORE_OBJECTS).await?;
        db.execute(dialect::mysql::FOREIGN_KEY_CHECKS_OFF).await?;
        for row in rows {
            let kind = row.first().cloned().flatten().unwrap_or_default();
            let name = row.get(1).cloned().flatten().unwrap_or_default();
            db.execute(&dialect::mysql::drop_object(&kind, &name))
                .await?;
        }
        db.execute(dialect::mysql::FOREIGN_KEY_CHECKS_ON).await?;
        Ok(())
    }
    .await;
    db.close().await;
    result
}

/// SQLite: fails when any other connection holds a lock on the file right now.
async fn probe_exclusive(url: &DatabaseUrl) -> std::result::Result<(), String> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::Connection;
    use std::str::FromStr;
    let options = SqliteConnectOptions::from_str(url.connect_url())
        .map_err(|e| e.to_string())?
        .create_if_missing(false)
        .busy_timeout(std::time::Duration::from_millis(250));
    let mut conn = sqlx::sqlite::SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| e.to_string())?;
    let result = sqlx::raw_sql(dialect::sqlite::BEGIN_EXCLUSIVE)
        .execute(&mut conn)
        .await;
    if result.is_ok() {
        let _ = sqlx::raw_sql(dialect::sqlite::ROLLBACK)
            .execute(&mut conn)
            .await;
    }
    let _ = conn.close().await;
    result.map(|_| ()).map_err(|e| e.to_string())
}

/// A dump's last lines say it is complete (`pg_dump`: `PostgreSQL database dump complete`,
/// `mysqldump`/`mariadb-dump`: `Dump completed on ...`): a file cut short would load without
/// the rows after the cut.
fn check_dump_complete(file: &Path, dialect: Dialect) -> Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let marker = match dialect {
        Dialect::Postgresql => "PostgreSQL database dump complete",
        _ => "Dump completed",
    };
    let mut f = std::fs::File::open(file).map_err(|e| Error::io(file, e))?;
    let len = f.metadata().map_err(|e| Error::io(file, e))?.len();
    f.seek(SeekFrom::Start(len.saturating_sub(4096)))
        .map_err(|e| Error::io(file, e))?;
    let mut tail = Vec::new();
    f.read_to_end(&mut tail).map_err(|e| Error::io(file, e))?;
    if String::from_utf8_lossy(&tail).contains(marker) {
        return Ok(());
    }
    Err(Error::command(format!(
        "The backup {} is incomplete (it does not end with the dump tool's '{marker}' line): it \
         was cut short, so restoring it would lose data. Restore another backup (`retort backup \
         list`). Nothing was changed.",
        file.display()
    )))
}

/// What to do about a dump tool's known failures.
fn dump_hint(message: &str) -> &'static str {
    let lower = message.to_ascii_lowercase();
    if lower.contains("server version mismatch") {
        " pg_dump must be of the server's major version or newer: install that client \
         (e.g. postgresql-client-17) and put its pg_dump first on PATH."
    } else if lower.contains("column_statistics") {
        " This is MySQL 8's mysqldump against a MariaDB or older server: install mariadb-client \
         (mariadb-dump) and put it first on PATH."
    } else {
        ""
    }
}

/// Switches the SQLite file (nobody else has it open) to WAL mode; the -wal and -shm files go
/// when the connection closes.
async fn set_wal_mode(file: &Path) -> std::result::Result<(), String> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::Connection;
    let options = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(false);
    let mut conn = sqlx::sqlite::SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| e.to_string())?;
    let result = sqlx::raw_sql(dialect::sqlite::JOURNAL_MODE_WAL)
        .execute(&mut conn)
        .await;
    let closed = conn.close().await;
    result.map_err(|e| e.to_string())?;
    closed.map_err(|e| e.to_string())
}

/// A backup file that SQLite can open and that passes `PRAGMA quick_check`.
async fn check_sqlite_backup(file: &Path) -> Result<()> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{Connection, Row};
    let bad = |why: String| {
        Error::command(format!(
            "The backup {} is not a usable SQLite database ({why}). Nothing was changed.",
            file.display()
        ))
    };
    let options = SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .create_if_missing(false);
    let mut conn = sqlx::sqlite::SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| bad(e.to_string()))?;
    let answer = sqlx::query(dialect::sqlite::QUICK_CHECK)
        .fetch_one(&mut conn)
        .await
        .and_then(|row| row.try_get::<String, _>(0));
    let _ = conn.close().await;
    match answer {
        Ok(text) if text.eq_ignore_ascii_case("ok") => Ok(()),
        Ok(text) => Err(bad(text)),
        Err(e) => Err(bad(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_names_hold_no_password() {
        let url = DatabaseUrl::parse(
            "postgresql://me:s3cr%40t@db.example:5433/shop",
            Path::new("."),
        )
        .unwrap();
        let key = database_key(&url);
        assert_eq!(key, "postgresql://me@db.example:5433/shop");
        assert_eq!(database_name(&url), "shop");
        let conn = ServerConn::of(&url).unwrap();
        assert_eq!(conn.password.as_deref(), Some("s3cr@t"));
        assert_eq!(conn.scrub("auth failed for s3cr@t"), "auth failed for ***");
    }

    #[test]
    fn dump_failures_say_what_to_install() {
        let pg = "pg_dump: error: aborting because of server version mismatch / pg_dump: \
                  detail: server version: 17.2; pg_dump version: 15.20";
        assert!(dump_hint(pg).contains("major version"));
        let my = "mysqldump: Couldn't execute 'SELECT COLUMN_NAME, JSON_EXTRACT(HISTOGRAM, ...) \
                  FROM information_schema.COLUMN_STATISTICS': Unknown table";
        assert!(dump_hint(my).contains("mariadb-dump"));
        assert_eq!(dump_hint("Access denied"), "");
    }

    #[test]
    fn names_are_safe_file_names() {
        assert_eq!(sanitize("a/b c+d"), "a_b_c+d");
    }

    #[test]
    fn keep_setting_round_trips_and_rejects_zero() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = BackupStore::open(dir.path().join("b"));
        assert_eq!(store.keep(), DEFAULT_KEEP);
        assert!(store.set_keep(0).is_err());
        store.set_keep(3).unwrap();
        assert_eq!(BackupStore::open(dir.path().join("b")).keep(), 3);
    }
}
