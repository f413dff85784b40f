//! Test support shared by Retort's suites: a fresh database per test and dialect.
//!
//! SQLite always runs (a temp file). PostgreSQL and MySQL/MariaDB need
//! `RETORT_TEST_POSTGRES_URL` / `RETORT_TEST_MYSQL_URL` (an admin URL, e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`, `mysql://root@127.0.0.1:3306/mysql`); each test
//! creates `retort_t_<random>` there and drops it afterwards, also when the test panics. A missing
//! URL skips the test with a `SKIPPED:` line, except under `CI=true`, where it fails.

use std::path::{Path, PathBuf};

use retort_core::db::Database;
use retort_core::dialect::Dialect;
use retort_core::doctor::Finding;
use retort_core::ops::{RunCommand, Workspace};
use retort_core::runner::RunOptions;
use retort_core::DatabaseUrl;
use sqlx::Connection;

/// A database that exists for one test.
pub struct TestDb {
    pub dialect: Dialect,
    pub url: DatabaseUrl,
    server: Option<ServerDatabase>,
    dir: tempfile::TempDir,
}

struct ServerDatabase {
    admin_url: String,
    name: String,
}

fn env_var_for(dialect: Dialect) -> Option<&'static str> {
    match dialect {
        Dialect::Sqlite => None,
        Dialect::Postgresql => Some("RETORT_TEST_POSTGRES_URL"),
        Dialect::Mysql => Some("RETORT_TEST_MYSQL_URL"),
    }
}

impl TestDb {
    /// A fresh, empty database, or `None` when the dialect's server is not configured (the
    /// test then returns early; under `CI=true` this panics instead).
    pub async fn new(dialect: Dialect, test: &str) -> Option<TestDb> {
        let dir = tempfile::tempdir().expect("temp dir");
        let Some(var) = env_var_for(dialect) else {
            let url = DatabaseUrl::parse("sqlite:///test.db", dir.path()).expect("sqlite url");
            return Some(TestDb {
                dialect,
                url,
                server: None,
                dir,
            });
        };
        let admin_url = match std::env::var(var) {
            Ok(value) if !value.trim().is_empty() => value,
            _ => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("{test} needs {var} (CI=true: skipping is not allowed)");
                }
                println!("SKIPPED: {test} needs {var}");
                return None;
            }
        };
        let name = format!("retort_t_{:016x}", rand::random::<u64>());
        admin_execute(dialect, &admin_url, &format!("CREATE DATABASE {name}")).await;
        let url = DatabaseUrl::parse(&admin_url, dir.path())
            .expect("test server url")
            .with_database(&name);
        Some(TestDb {
            dialect,
            url,
            server: Some(ServerDatabase { admin_url, name }),
            dir,
        })
    }

    pub async fn connect(&self) -> Database {
        Database::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("connect to {}: {e}", self.url.redacted()))
    }

    /// A folder for this test's files (scripts, the SQLite database).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The SQLite file, for dialect-specific assertions.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        self.url.sqlite_path().map(Path::to_path_buf)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(server) = self.server.take() else {
            return;
        };
        let dialect = self.dialect;
        let drop_sql = match dialect {
            // FORCE: a panicking test may still hold connections.
            Dialect::Postgresql => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", server.name),
            _ => format!("DROP DATABASE IF EXISTS {}", server.name),
        };
        if !admin_execute_blocking(dialect, &server.admin_url, &drop_sql)
            && !std::thread::panicking()
        {
            panic!("could not drop the test database");
        }
    }
}

/// Runs `sql` as the administrator from synchronous code, also inside a test's runtime (which
/// cannot be blocked on, hence a thread of its own). False when it failed.
fn admin_execute_blocking(dialect: Dialect, admin_url: &str, sql: &str) -> bool {
    let (admin_url, sql) = (admin_url.to_string(), sql.to_string());
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("cleanup runtime")
            .block_on(admin_execute(dialect, &admin_url, &sql));
    })
    .join()
    .is_ok()
}

/// Runs `sql` as the administrator when dropped, also when the test panics: drops the accounts,
/// roles and databases a test makes beyond its [`TestDb`]. Declare it after the `TestDb` so it
/// runs first.
pub struct AdminCleanup {
    dialect: Dialect,
    admin_url: String,
    sql: String,
}

impl AdminCleanup {
    pub fn new(dialect: Dialect, admin_url: &str, sql: impl Into<String>) -> AdminCleanup {
        AdminCleanup {
            dialect,
            admin_url: admin_url.to_string(),
            sql: sql.into(),
        }
    }
}

impl Drop for AdminCleanup {
    fn drop(&mut self) {
        if !admin_execute_blocking(self.dialect, &self.admin_url, &self.sql)
            && !std::thread::panicking()
        {
            panic!("test clean-up failed: {}", self.sql);
        }
    }
}

/// Runs `ws` up to `target` on `url`, without progress output.
pub async fn upgrade(ws: &Workspace, url: &DatabaseUrl, target: &str) -> retort_core::Result<()> {
    let mut ignore = |_| {};
    ws.run(
        url,
        RunCommand::Upgrade(target),
        &RunOptions::default(),
        &mut ignore,
    )
    .await
    .map(|_| ())
}

/// The doctor's finding of `check`; panics listing all findings when there is none.
pub fn finding<'a>(findings: &'a [Finding], check: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.check == check)
        .unwrap_or_else(|| panic!("no {check} finding in {findings:#?}"))
}

pub async fn admin_execute(dialect: Dialect, admin_url: &str, sql: &str) {
    let connect_url = DatabaseUrl::parse(admin_url, Path::new("."))
        .expect("admin url")
        .connect_url()
        .to_string();
    match dialect {
        Dialect::Postgresql => {
            let mut conn = sqlx::PgConnection::connect(&connect_url)
                .await
                .expect("connect to the PostgreSQL test server");
            sqlx::raw_sql(sql).execute(&mut conn).await.expect(sql);
            let _ = conn.close().await;
        }
        Dialect::Mysql => {
            let mut conn = sqlx::MySqlConnection::connect(&connect_url)
                .await
                .expect("connect to the MySQL test server");
            sqlx::raw_sql(sql).execute(&mut conn).await.expect(sql);
            let _ = conn.close().await;
        }
        Dialect::Sqlite => {}
    }
}

/// A copy of the demo project (`migrations/`: retort.toml and versions/*.sql) in `dir/project`,
/// so a test can add or change scripts without touching the checkout. Returns the copy's folder.
pub fn copy_demo_project(dir: &Path) -> PathBuf {
    let target = dir.join("project");
    copy_demo_into(&target);
    target
}

/// The demo project's retort.toml and versions/*.sql copied into `target` (no database file
/// that may lie around in the checkout).
pub fn copy_demo_into(target: &Path) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    std::fs::create_dir_all(target.join("versions")).expect("create the demo copy");
    std::fs::copy(source.join("retort.toml"), target.join("retort.toml"))
        .expect("copy the demo's retort.toml");
    for entry in std::fs::read_dir(source.join("versions")).expect("read the demo's versions") {
        let path = entry.expect("a demo script").path();
        if path.extension().is_some_and(|e| e == "sql") {
            let name = path.file_name().expect("a script name");
            std::fs::copy(&path, target.join("versions").join(name)).expect("copy a demo script");
        }
    }
}
