//! One open database connection, whatever the dialect, and the primitives the runner builds on:
//! raw statements, text queries, transactions and the migration lock.
//!
//! There is no sqlx `Any` driver in the build, so the connection is an enum of the three native
//! connections; dialect-specific SQL text comes from [`crate::dialect`].

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlDatabaseError};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgDatabaseError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ColumnIndex, Connection, Decode, Executor, Row, Type};

use crate::config::{redact_secrets, DatabaseUrl};
use crate::dialect::{self, mysql, postgres, Dialect};
use crate::error::{Error, Result};

/// How long a SQLite statement waits for another connection's write lock before failing with
/// "database is locked".
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

enum Conn {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
    Mysql(MySqlConnection),
}

/// Runs `$body` with `$c` bound to the native connection, whichever it is.
macro_rules! with_conn {
    ($self:ident, $c:ident => $body:expr) => {
        match &mut $self.conn {
            Conn::Sqlite($c) => $body,
            Conn::Postgres($c) => $body,
            Conn::Mysql($c) => $body,
        }
    };
}

/// The migration lock this connection holds.
enum HeldLock {
    /// SQLite: an exclusive OS lock on a file in the temp folder, held while the file is open.
    File(#[allow(dead_code)] std::fs::File),
    /// PostgreSQL: a session-level advisory lock key.
    Advisory(i64),
    /// MySQL/MariaDB: a named lock (`GET_LOCK`).
    Named(String),
}

/// An open connection. Messages it produces never contain the password.
pub struct Database {
    dialect: Dialect,
    conn: Conn,
    display_url: String,
    secrets: Vec<String>,
    /// The SQLite database file (absolute); `None` for an in-memory database.
    sqlite_file: Option<PathBuf>,
    /// Set while a SQLite file does not exist yet: reads go to an empty in-memory database and
    /// the file is created by the first write, so read-only commands never leave a file behind.
    deferred_sqlite: Option<SqliteConnectOptions>,
    in_transaction: bool,
    lock: Option<HeldLock>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("dialect", &self.dialect)
            .field("url", &self.display_url)
            .field("in_transaction", &self.in_transaction)
            .finish()
    }
}

impl Database {
    /// Opens a connection. SQLite files that do not exist yet are created on the first write;
    /// their folder must exist.
    pub async fn connect(url: &DatabaseUrl) -> Result<Database> {
        Database::open(url.dialect(), url.connect_url(), url.redacted()).await
    }

    /// Opens a connection from an sqlx connection string (what [`DatabaseUrl::connect_url`]
    /// returns). Prefer [`Database::connect`]; this exists for hosts and tests that already
    /// hold a normalised URL.
    pub async fn connect_to(dialect: Dialect, connect_url: &str) -> Result<Database> {
        Database::open(dialect, connect_url, redact_url(connect_url)).await
    }

    async fn open(dialect: Dialect, connect_url: &str, display_url: String) -> Result<Database> {
        let secrets = url_secrets(connect_url);
        let display_url = scrub(&display_url, &secrets);
        let failed = |target: &str, err: &sqlx::Error| {
            Error::database(scrub(&connect_message(dialect, target, err), &secrets))
        };
        let mut sqlite_file = None;
        let mut deferred_sqlite = None;
        let conn = match dialect {
            Dialect::Sqlite => {
                let options = SqliteConnectOptions::from_str(connect_url)
                    .map_err(|e| failed(&display_url, &e))?
                    // SQLite's own default, and what Alembic (pysqlite) runs with: with
                    // enforcement on, the table rebuilds SQLite migrations use can
                    // cascade-delete child rows.
                    .foreign_keys(false)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT);
                let file =
                    (!is_sqlite_memory(connect_url)).then(|| absolute(options.get_filename()));
                let options = match &file {
                    Some(file) if !file.exists() => {
                        check_sqlite_parent(file)?;
                        deferred_sqlite = Some(options.create_if_missing(true));
                        // Reads meanwhile go to an empty in-memory database: what a missing
                        // file contains.
                        SqliteConnectOptions::from_str("sqlite::memory:")
                            .map_err(|e| failed(&display_url, &e))?
                    }
                    Some(file) if file.is_dir() => {
                        return Err(Error::database(format!(
                            "Could not open SQLite database {}: it is a folder. Check the path in the URL.",
                            file.display()
                        )));
                    }
                    _ => options,
                };
                let target = file
                    .as_ref()
                    .map(|f| f.display().to_string())
                    .unwrap_or_else(|| display_url.clone());
                sqlite_file = file;
                let conn = SqliteConnection::connect_with(&options)
                    .await
                    .map_err(|e| failed(&target, &e))?;
                Conn::Sqlite(conn)
            }
            Dialect::Postgresql => {
                let options = PgConnectOptions::from_str(connect_url)
                    .map_err(|e| failed(&display_url, &e))?
                    .application_name("retort");
                let conn = PgConnection::connect_with(&options)
                    .await
                    .map_err(|e| failed(&display_url, &e))?;
                Conn::Postgres(conn)
            }
            Dialect::Mysql => {
                // Keep the server's own SQL mode and time zone, as Alembic (PyMySQL) does:
                // sqlx would otherwise turn `||` into concatenation and force UTC.
                let options = MySqlConnectOptions::from_str(connect_url)
                    .map_err(|e| failed(&display_url, &e))?
                    .pipes_as_concat(false)
                    .no_engine_substitution(false)
                    .timezone(None);
                let conn = MySqlConnection::connect_with(&options)
                    .await
                    .map_err(|e| failed(&display_url, &e))?;
                Conn::Mysql(conn)
            }
        };
        Ok(Database {
            dialect,
            conn,
            display_url,
            secrets,
            sqlite_file,
            deferred_sqlite,
            in_transaction: false,
            lock: None,
        })
    }

    /// Creates the deferred SQLite file before the first write.
    async fn materialize(&mut self) -> Result<()> {
        let Some(options) = self.deferred_sqlite.take() else {
            return Ok(());
        };
        let target = self
            .sqlite_file
            .as_ref()
            .map(|f| f.display().to_string())
            .unwrap_or_default();
        let conn = SqliteConnection::connect_with(&options)
            .await
            .map_err(|e| {
                Error::database(scrub(
                    &connect_message(self.dialect, &target, &e),
                    &self.secrets,
                ))
            })?;
        let stand_in = std::mem::replace(&mut self.conn, Conn::Sqlite(conn));
        close_conn(stand_in).await;
        Ok(())
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The URL with its password replaced by `***`.
    pub fn display_url(&self) -> &str {
        &self.display_url
    }

    /// The SQLite database file, `None` for other dialects and in-memory databases.
    pub fn sqlite_file(&self) -> Option<&Path> {
        self.sqlite_file.as_deref()
    }

    pub fn in_transaction(&self) -> bool {
        self.in_transaction
    }

    /// Runs one statement (no bind parameters, no result rows) and returns the rows affected.
    /// Uses the simple/text protocol, so any DDL the server accepts works. Pass exactly one
    /// statement: the runner reports progress and failures per statement.
    pub async fn execute(&mut self, sql: &str) -> Result<u64> {
        self.materialize().await?;
        let result = with_conn!(self, c => Executor::execute(&mut *c, sqlx::raw_sql(sql)).await.map(|r| r.rows_affected()));
        result.map_err(|e| self.error(&e))
    }

    /// Runs several `;`-separated statements in one round trip. On failure, also says how
    /// many statements completed before the failing one (each completed statement reports a
    /// result; a failure stops the rest), so the caller can name the statement that failed.
    pub async fn execute_batch(&mut self, sql: &str) -> std::result::Result<(), (usize, Error)> {
        use futures_util::StreamExt;
        if let Err(e) = self.materialize().await {
            return Err((0, e));
        }
        let mut completed = 0;
        let outcome = with_conn!(self, c => {
            let mut results = Executor::fetch_many(&mut *c, sqlx::raw_sql(sql));
            let mut outcome = Ok(());
            while let Some(item) = results.next().await {
                match item {
                    Ok(sqlx::Either::Left(_done)) => completed += 1,
                    Ok(sqlx::Either::Right(_row)) => {}
                    Err(e) => {
                        outcome = Err(e);
                        break;
                    }
                }
            }
            outcome
        });
        outcome.map_err(|e| (completed, self.error(&e)))
    }

    /// Runs one statement with string bind parameters (placeholders from
    /// [`Dialect::placeholder`]) and returns the rows affected.
    pub async fn execute_bound(&mut self, sql: &str, binds: &[String]) -> Result<u64> {
        self.materialize().await?;
        let result = with_conn!(self, c => {
            let mut query = sqlx::query(sql);
            for value in binds {
                query = query.bind(value.as_str());
            }
            Executor::execute(&mut *c, query).await.map(|r| r.rows_affected())
        });
        result.map_err(|e| self.error(&e))
    }

    /// The first column of every row, as text (NULL becomes an empty string).
    pub async fn query_strings(&mut self, sql: &str) -> Result<Vec<String>> {
        Ok(self
            .query_text_rows(sql)
            .await?
            .into_iter()
            .map(|row| row.into_iter().next().flatten().unwrap_or_default())
            .collect())
    }

    /// Every row, every column rendered as text by the server (`None` = NULL).
    pub async fn query_text_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        let result = with_conn!(self, c => match Executor::fetch_all(&mut *c, sqlx::raw_sql(sql)).await {
            Ok(rows) => rows.iter().map(row_texts).collect::<Result<Vec<_>, _>>(),
            Err(e) => Err(e),
        });
        result.map_err(|e| self.error(&e))
    }

    /// Like [`Database::query_strings`], with string bind parameters. Text columns only.
    pub async fn query_strings_bound(
        &mut self,
        sql: &str,
        binds: &[String],
    ) -> Result<Vec<String>> {
        let result = with_conn!(self, c => {
            let mut query = sqlx::query(sql);
            for value in binds {
                query = query.bind(value.as_str());
            }
            match Executor::fetch_all(&mut *c, query).await {
                Ok(rows) => rows.iter().map(row_texts).collect::<Result<Vec<_>, _>>(),
                Err(e) => Err(e),
            }
        });
        result
            .map(|rows| {
                rows.into_iter()
                    .map(|row| row.into_iter().next().flatten().unwrap_or_default())
                    .collect()
            })
            .map_err(|e| self.error(&e))
    }

    /// The server's version string (`3.40.1`, `15.18 (Debian …)`, `10.11.19-MariaDB…`).
    pub async fn server_version(&mut self) -> Result<String> {
        let rows = self
            .query_strings(self.dialect.server_version_sql())
            .await?;
        rows.into_iter()
            .next()
            .ok_or_else(|| Error::database("The server did not report its version"))
    }

    /// Opens a transaction (SQLite: `BEGIN IMMEDIATE`, taking the write lock now).
    pub async fn begin(&mut self) -> Result<()> {
        self.materialize().await?;
        let sql = self.dialect.begin_sql();
        let result =
            with_conn!(self, c => Executor::execute(&mut *c, sqlx::raw_sql(sql)).await.map(|_| ()));
        match result {
            Ok(_) => {
                self.in_transaction = true;
                Ok(())
            }
            Err(e) if self.dialect == Dialect::Sqlite && is_sqlite_busy(&e) => {
                Err(Error::database(format!(
                    "The SQLite database {} is locked by another connection (waited {}s for it to finish writing). Close other programs that write to it, then try again.",
                    self.display_url,
                    SQLITE_BUSY_TIMEOUT.as_secs()
                )))
            }
            Err(e) => Err(self.error(&e)),
        }
    }

    pub async fn commit(&mut self) -> Result<()> {
        let sql = self.dialect.commit_sql();
        let result =
            with_conn!(self, c => Executor::execute(&mut *c, sqlx::raw_sql(sql)).await.map(|_| ()));
        // A failed COMMIT ends the transaction too (the server rolls it back).
        self.in_transaction = false;
        result.map(|_| ()).map_err(|e| self.error(&e))
    }

    pub async fn rollback(&mut self) -> Result<()> {
        let sql = self.dialect.rollback_sql();
        let result =
            with_conn!(self, c => Executor::execute(&mut *c, sqlx::raw_sql(sql)).await.map(|_| ()));
        self.in_transaction = false;
        result.map(|_| ()).map_err(|e| self.error(&e))
    }

    /// One attempt to take the migration lock for `version_table`; `Ok(false)` when another
    /// connection holds it. Taking a lock this connection already holds succeeds.
    pub async fn try_lock(&mut self, version_table: &str) -> Result<bool> {
        if self.lock.is_some() {
            return Ok(true);
        }
        match self.dialect {
            Dialect::Sqlite => {
                let Some(file) = self.sqlite_file.clone() else {
                    // An in-memory database is private to this connection.
                    return Ok(true);
                };
                let path = sqlite_lock_path(&file);
                let lock_file = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)
                    .map_err(|e| Error::io(&path, e))?;
                match lock_file.try_lock() {
                    Ok(()) => {
                        self.lock = Some(HeldLock::File(lock_file));
                        Ok(true)
                    }
                    Err(std::fs::TryLockError::WouldBlock) => Ok(false),
                    Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
                }
            }
            Dialect::Postgresql => {
                let key = postgres_lock_key(version_table);
                let Conn::Postgres(c) = &mut self.conn else {
                    unreachable!("dialect and connection agree")
                };
                let query = sqlx::query(postgres::TRY_LOCK).bind(key);
                let acquired = Executor::fetch_one(&mut *c, query)
                    .await
                    .and_then(|row| row.try_get::<bool, _>(0));
                let acquired = acquired.map_err(|e| self.error(&e))?;
                if acquired {
                    self.lock = Some(HeldLock::Advisory(key));
                }
                Ok(acquired)
            }
            Dialect::Mysql => {
                let database = self
                    .query_strings(mysql::CURRENT_DATABASE)
                    .await?
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                let name = mysql::lock_name(&database, version_table);
                let Conn::Mysql(c) = &mut self.conn else {
                    unreachable!("dialect and connection agree")
                };
                let query = sqlx::query(mysql::TRY_LOCK).bind(name.as_str());
                let acquired = Executor::fetch_one(&mut *c, query)
                    .await
                    .and_then(|row| row.try_get::<Option<i64>, _>(0));
                let acquired = acquired.map_err(|e| self.error(&e))? == Some(1);
                if acquired {
                    self.lock = Some(HeldLock::Named(name));
                }
                Ok(acquired)
            }
        }
    }

    /// Releases the migration lock if this connection holds it.
    pub async fn unlock(&mut self) -> Result<()> {
        let result = match self.lock.take() {
            None | Some(HeldLock::File(_)) => Ok(()),
            Some(HeldLock::Advisory(key)) => match &mut self.conn {
                Conn::Postgres(c) => {
                    Executor::execute(&mut *c, sqlx::query(postgres::UNLOCK).bind(key))
                        .await
                        .map(|_| ())
                }
                _ => Ok(()),
            },
            Some(HeldLock::Named(name)) => match &mut self.conn {
                Conn::Mysql(c) => {
                    Executor::execute(&mut *c, sqlx::query(mysql::UNLOCK).bind(name.as_str()))
                        .await
                        .map(|_| ())
                }
                _ => Ok(()),
            },
        };
        result.map_err(|e| self.error(&e))
    }

    /// Closes the connection (a held lock and an open transaction end with it).
    pub async fn close(mut self) {
        let _ = self.unlock().await;
        close_conn(self.conn).await;
    }

    /// A database error as the engine reports it: the server's message (with its code, and
    /// PostgreSQL's detail and hint), never the password.
    fn error(&self, err: &sqlx::Error) -> Error {
        Error::database(scrub(&describe_error(err), &self.secrets))
    }
}

/// A failure to connect, with what to check next.
fn connect_message(dialect: Dialect, target: &str, err: &sqlx::Error) -> String {
    let what = match dialect {
        Dialect::Sqlite => "open SQLite database",
        Dialect::Postgresql => "connect to PostgreSQL at",
        Dialect::Mysql => "connect to MySQL/MariaDB at",
    };
    format!(
        "Could not {what} {target}: {}. {}",
        describe_error(err),
        connect_hint(dialect, err)
    )
}

fn check_sqlite_parent(file: &Path) -> Result<()> {
    let parent = file.parent().unwrap_or(Path::new("/"));
    if parent.is_dir() {
        Ok(())
    } else {
        Err(Error::database(format!(
            "Could not open SQLite database {}: the folder {} does not exist. Check the path in the URL, or create the folder.",
            file.display(),
            parent.display()
        )))
    }
}

async fn close_conn(conn: Conn) {
    let _ = match conn {
        Conn::Sqlite(c) => c.close().await,
        Conn::Postgres(c) => c.close().await,
        Conn::Mysql(c) => c.close().await,
    };
}

/// Every column of a row as text: typed decode where the driver allows it, else the server's
/// text rendering (raw queries use the text protocol, so numbers arrive as text).
fn row_texts<R>(row: &R) -> Result<Vec<Option<String>>, sqlx::Error>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
{
    (0..row.len())
        .map(|i| {
            row.try_get::<Option<String>, _>(i)
                .or_else(|_| row.try_get_unchecked::<Option<String>, _>(i))
        })
        .collect()
}

fn describe_error(err: &sqlx::Error) -> String {
    let Some(db_err) = err.as_database_error() else {
        return err.to_string();
    };
    if let Some(pg) = db_err.try_downcast_ref::<PgDatabaseError>() {
        let mut text = format!("{} (SQLSTATE {})", pg.message(), pg.code());
        if let Some(detail) = pg.detail() {
            text.push_str(&format!("\nDETAIL: {detail}"));
        }
        if let Some(hint) = pg.hint() {
            text.push_str(&format!("\nHINT: {hint}"));
        }
        return text;
    }
    if let Some(my) = db_err.try_downcast_ref::<MySqlDatabaseError>() {
        return format!("{} (error {})", my.message(), my.number());
    }
    db_err.message().to_string()
}

fn connect_hint(dialect: Dialect, err: &sqlx::Error) -> &'static str {
    let code = err
        .as_database_error()
        .and_then(|e| {
            e.try_downcast_ref::<MySqlDatabaseError>()
                .map(|m| m.number().to_string())
                .or_else(|| e.code().map(|c| c.into_owned()))
        })
        .unwrap_or_default();
    match (dialect, code.as_str()) {
        (Dialect::Sqlite, _) => {
            "Check that the file is a SQLite database and that you may read and write it."
        }
        (Dialect::Postgresql, "28P01" | "28000") | (Dialect::Mysql, "1045" | "1698") => {
            "Check the user name and password in the URL."
        }
        (Dialect::Postgresql, "3D000") | (Dialect::Mysql, "1049") => {
            "The database does not exist: check its name in the URL, or create it first."
        }
        _ => match err {
            sqlx::Error::Io(_) => {
                "Check that the server is running and accepts connections on that host and port."
            }
            sqlx::Error::Tls(_) => "Check the TLS settings (sslmode / ssl-mode) in the URL.",
            sqlx::Error::Configuration(_) => "Check the URL.",
            _ => "Check the URL and that the server is running.",
        },
    }
}

fn is_sqlite_busy(err: &sqlx::Error) -> bool {
    err.as_database_error().is_some_and(|e| {
        matches!(e.code().as_deref(), Some("5" | "6" | "517"))
            || e.message().contains("database is locked")
    })
}

fn is_sqlite_memory(connect_url: &str) -> bool {
    connect_url.contains(":memory:") || connect_url.contains("mode=memory")
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

/// The lock file for a SQLite database: in the temp folder (never beside the user's database),
/// named from a hash of the database's canonical path so every process agrees on it.
fn sqlite_lock_path(file: &Path) -> PathBuf {
    let canonical =
        std::fs::canonicalize(file).unwrap_or_else(|_| match (file.parent(), file.file_name()) {
            (Some(parent), Some(name)) => std::fs::canonicalize(parent)
                .map(|p| p.join(name))
                .unwrap_or_else(|_| file.to_path_buf()),
            _ => file.to_path_buf(),
        });
    let hash = dialect::stable_hash(&canonical.to_string_lossy());
    std::env::temp_dir().join(format!("retort-{hash:016x}.lock"))
}

/// Advisory lock keys are per database; the version table name tells projects apart.
fn postgres_lock_key(version_table: &str) -> i64 {
    dialect::stable_hash(&format!("retort:{version_table}")) as i64
}

/// The password of a URL in the forms it may appear in messages (raw and percent-decoded).
fn url_secrets(connect_url: &str) -> Vec<String> {
    let Ok(parsed) = url::Url::parse(connect_url) else {
        return Vec::new();
    };
    let Some(password) = parsed.password() else {
        return Vec::new();
    };
    let mut secrets = vec![password.to_string()];
    if let Ok(decoded) = percent_encoding::percent_decode_str(password).decode_utf8() {
        if decoded != password {
            secrets.push(decoded.into_owned());
        }
    }
    secrets.retain(|s| !s.is_empty());
    secrets
}

fn redact_url(connect_url: &str) -> String {
    match url::Url::parse(connect_url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => connect_url.to_string(),
    }
}

/// Removes this connection's password from a message (drivers may quote it in any form), then
/// masks any other URL credentials.
fn scrub(text: &str, secrets: &[String]) -> String {
    let mut text = text.to_string();
    for secret in secrets {
        text = text.replace(secret.as_str(), "***");
    }
    redact_secrets(&text)
}

/// Hosts (the desktop app) await these futures on a multi-threaded runtime.
#[allow(dead_code)]
fn futures_are_send(db: &'static mut Database) {
    fn is_send<T: Send>(_: T) {}
    is_send(Database::connect_to(Dialect::Sqlite, ""));
    is_send(db.execute(""));
    is_send(db.execute_bound("", &[]));
    is_send(db.query_text_rows(""));
    is_send(db.query_strings_bound("", &[]));
    is_send(db.begin());
    is_send(db.try_lock(""));
    is_send(db.unlock());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        let url = "postgres://app:s%3Ecret@db.example:5432/app";
        let secrets = url_secrets(url);
        assert_eq!(redact_url(url), "postgres://app:***@db.example:5432/app");
        assert_eq!(
            scrub("password s>cret and s%3Ecret rejected", &secrets),
            "password *** and *** rejected"
        );
    }

    #[test]
    fn sqlite_lock_file_lives_in_temp_dir() {
        let path = sqlite_lock_path(Path::new("/nonexistent/dir/app.db"));
        assert!(path.starts_with(std::env::temp_dir()));
        assert_eq!(path, sqlite_lock_path(Path::new("/nonexistent/dir/app.db")));
        assert_ne!(
            path,
            sqlite_lock_path(Path::new("/nonexistent/dir/other.db"))
        );
    }
}
