//! Helpers for the interop suites: real Alembic (from PyPI) and Retort on the same databases.
//!
//! - The Python with Alembic comes from `RETORT_TEST_PYTHON` (a virtual environment's python,
//!   made by `scripts/test.sh`: alembic 1.20.1, SQLAlchemy, psycopg2-binary, PyMySQL). Unset, a
//!   test prints `SKIPPED:` and passes, except under `CI=true`, where it fails.
//! - Databases come from `retort-testkit` (SQLite always; PostgreSQL and MariaDB through
//!   `RETORT_TEST_POSTGRES_URL` / `RETORT_TEST_MYSQL_URL`), one fresh database per test.
//! - Each test works on a copy of a fixture project (`fixtures/`), so Alembic's `__pycache__`
//!   and SQLite files never land in the repository.
//! - `retort` is the real binary (built on first use when missing or older than the sources).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::SystemTime;

use retort_core::db::Database;
use retort_core::dialect::Dialect;
use retort_core::version_table;
pub use retort_testkit::TestDb;

/// The environment variable naming the Python that has Alembic installed.
pub const PYTHON_VAR: &str = "RETORT_TEST_PYTHON";

/// The sample graph's revisions (alembic-transcript.md's letters).
pub mod rev {
    pub const A: &str = "3f2a9c1d0e01";
    pub const B: &str = "7b41e2d9c3a4";
    pub const C: &str = "c0ffee01a1b2";
    pub const D: &str = "c0ffee02d3e4";
    pub const M: &str = "e9f8d7c6b5a4";
    pub const S1: &str = "5e6f7a8b9c0d";
    pub const S2: &str = "2d4c6b8a0f1e";
    pub const P1: &str = "9d8c7b6a5f4e";
    pub const P2: &str = "a1b2c3d4e5f6";
}

/// The Python with Alembic, or `None` (after printing `SKIPPED:`) when `RETORT_TEST_PYTHON` is
/// unset. Under `CI=true` a missing Python fails the test.
pub fn test_python(test: &str) -> Option<PathBuf> {
    match std::env::var(PYTHON_VAR) {
        Ok(value) if !value.trim().is_empty() => {
            let path = PathBuf::from(value.trim());
            assert!(
                path.exists(),
                "{PYTHON_VAR}={} does not exist (run scripts/test.sh to create .venv-interop)",
                path.display()
            );
            Some(path)
        }
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{test} needs {PYTHON_VAR} (CI=true: skipping is not allowed)");
            }
            println!("SKIPPED: {test} needs {PYTHON_VAR} (a Python with alembic installed)");
            None
        }
    }
}

/// The folder holding the fixtures.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Copies a fixture project into `dest` (without `__pycache__` or database files).
pub fn copy_fixture(name: &str, dest: &Path) {
    copy_dir(&fixtures_dir().join(name), dest);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create fixture copy");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("fixture entry");
        let name = entry.file_name();
        let name_text = name.to_string_lossy();
        if name_text == "__pycache__" || name_text.ends_with(".db") {
            continue;
        }
        let target = to.join(&name);
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// One test's world: a fresh database, a copy of a fixture project, and the Python with Alembic.
pub struct Ctx {
    pub db: TestDb,
    pub python: PathBuf,
    project: tempfile::TempDir,
}

/// What a process printed.
#[derive(Debug, Clone)]
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> bool {
        self.status == 0
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[exit {}]\n--- stdout\n{}\n--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

impl Ctx {
    /// `None` when the Python or the dialect's server is not configured (the test then passes
    /// as skipped; under `CI=true` it fails).
    pub async fn new(dialect: Dialect, test: &str, fixture: &str) -> Option<Ctx> {
        let python = test_python(test)?;
        let db = TestDb::new(dialect, test).await?;
        let project = tempfile::tempdir().expect("temp dir");
        copy_fixture(fixture, project.path());
        Some(Ctx {
            db,
            python,
            project,
        })
    }

    pub fn dialect(&self) -> Dialect {
        self.db.dialect
    }

    /// The project copy's folder.
    pub fn project(&self) -> &Path {
        self.project.path()
    }

    /// Copies another fixture next to the project (e.g. the native twin) and returns its folder.
    pub fn add_fixture(&self, name: &str) -> PathBuf {
        let dest = self.project.path().join(format!("_{name}"));
        copy_fixture(name, &dest);
        dest
    }

    /// The test database as a SQLAlchemy URL with the drivers the test venv has.
    pub fn sqlalchemy_url(&self) -> String {
        let driver = match self.db.dialect {
            Dialect::Sqlite => None,
            Dialect::Postgresql => Some("psycopg2"),
            Dialect::Mysql => Some("pymysql"),
        };
        self.db.url.to_sqlalchemy(driver)
    }

    /// `python -m alembic ARGS` in the project folder, with `DATABASE_URL` set.
    pub fn alembic(&self, args: &[&str]) -> Run {
        self.alembic_in(self.project(), args)
    }

    pub fn alembic_in(&self, dir: &Path, args: &[&str]) -> Run {
        let output = Command::new(&self.python)
            .args(["-m", "alembic"])
            .args(args)
            .current_dir(dir)
            .env("DATABASE_URL", self.sqlalchemy_url())
            .env("PYTHONDONTWRITEBYTECODE", "1")
            // Alembic iterates Python sets in places (which parent a merge's downgrade
            // re-inserts first); a fixed hash seed makes two runs comparable.
            .env("PYTHONHASHSEED", "0")
            .output()
            .expect("run alembic");
        to_run(output)
    }

    /// Alembic's stdout; panics with its output when it fails.
    pub fn alembic_ok(&self, args: &[&str]) -> String {
        let run = self.alembic(args);
        assert!(run.ok(), "alembic {} failed:\n{run}", args.join(" "));
        run.stdout
    }

    /// `retort -c <project> ARGS` with `DATABASE_URL` set and the test Python for Alembic.
    pub fn retort(&self, args: &[&str]) -> Run {
        self.retort_in(self.project(), args)
    }

    pub fn retort_in(&self, dir: &Path, args: &[&str]) -> Run {
        let output = Command::new(retort_binary())
            .arg("-c")
            .arg(dir)
            .args(args)
            .env("DATABASE_URL", self.sqlalchemy_url())
            // Backups taken before writes stay in the test's folder, not the user's data dir.
            .env("RETORT_DATA_DIR", self.project().join(".retort-data"))
            .env("RETORT_PYTHON", &self.python)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONHASHSEED", "0")
            .env_remove("RUST_LOG")
            .output()
            .expect("run retort");
        to_run(output)
    }

    pub fn retort_ok(&self, args: &[&str]) -> String {
        let run = self.retort(args);
        assert!(run.ok(), "retort {} failed:\n{run}", args.join(" "));
        run.stdout
    }

    /// The version table's rows, sorted (empty when the table is missing).
    pub async fn version_rows(&self) -> Vec<String> {
        self.version_rows_of("alembic_version").await
    }

    pub async fn version_rows_of(&self, table: &str) -> Vec<String> {
        let mut db = self.db.connect().await;
        let rows = version_table::read_rows(&mut db, table)
            .await
            .expect("read the version table");
        db.close().await;
        let mut rows = rows.unwrap_or_default();
        rows.sort();
        rows
    }

    /// Tables, columns and indexes of the database, one sorted line each.
    pub async fn schema(&self) -> Vec<String> {
        let mut db = self.db.connect().await;
        let mut lines = Vec::new();
        for sql in schema_queries(self.db.dialect) {
            let rows = db.query_strings(sql).await.expect(sql);
            lines.extend(rows);
        }
        db.close().await;
        lines.sort();
        lines
    }
}

fn schema_queries(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::Sqlite => &[
            "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master \
             WHERE name NOT LIKE 'sqlite_%'",
        ],
        Dialect::Postgresql => &[
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable \
             || ' ' || COALESCE(column_default, '') FROM information_schema.columns \
             WHERE table_schema = 'public'",
            "SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'",
        ],
        Dialect::Mysql => &[
            "SELECT CAST(CONCAT(table_name, '.', column_name, ' ', column_type, ' ', is_nullable, \
             ' ', COALESCE(column_default, '')) AS CHAR) FROM information_schema.columns \
             WHERE table_schema = DATABASE()",
            "SELECT CAST(CONCAT(table_name, '.', index_name, '.', column_name, ' ', non_unique) \
             AS CHAR) FROM information_schema.statistics WHERE table_schema = DATABASE()",
        ],
    }
}

fn to_run(output: std::process::Output) -> Run {
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Alembic prints label sets in Python's set order, which varies: sorts the items of every
/// parenthesised, comma-separated group on each line, and of `Branch names:` /
/// `Branches into:` lines.
pub fn normalize(text: &str) -> Vec<String> {
    text.lines().map(normalize_line).collect()
}

fn normalize_line(line: &str) -> String {
    for prefix in ["Branch names: ", "Branches into: "] {
        if let Some(items) = line.strip_prefix(prefix) {
            let mut items: Vec<&str> = items.split(", ").collect();
            items.sort_unstable();
            return format!("{prefix}{}", items.join(", "));
        }
    }
    let mut out = String::new();
    let mut rest = line;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        out.push_str(&rest[..=open]);
        let mut items: Vec<&str> = rest[open + 1..open + close].split(", ").collect();
        items.sort_unstable();
        out.push_str(&items.join(", "));
        out.push(')');
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Lines in sorted order, for outputs whose order Alembic leaves unspecified (`current`,
/// `branches`).
pub fn sorted_lines(text: &str) -> Vec<String> {
    let mut lines = normalize(text);
    lines.sort();
    lines
}

/// The `retort` binary of this workspace, built when missing or older than the sources.
pub fn retort_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable path");
        // target/<profile>/deps/<test> → target/<profile>/retort
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target profile folder");
        let binary = profile_dir.join(format!("retort{}", std::env::consts::EXE_SUFFIX));
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let sources = [
            workspace.join("crates/retort-core/src"),
            workspace.join("crates/retort-cli/src"),
        ];
        let built = std::fs::metadata(&binary).and_then(|m| m.modified()).ok();
        let newest_source = sources.iter().filter_map(|d| newest_mtime(d)).max();
        let stale = match (built, newest_source) {
            (Some(built), Some(source)) => built < source,
            _ => true,
        };
        if stale {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
            let mut build = Command::new(cargo);
            build
                .args(["build", "-p", "retort-cli", "--bin", "retort"])
                .current_dir(&workspace);
            // The variables cargo sets for this test (CARGO_MANIFEST_DIR, CARGO_PKG_*, …) would
            // change build scripts' inputs and rebuild half the dependency tree.
            for (name, _) in std::env::vars_os() {
                let name = name.to_string_lossy();
                if name.starts_with("CARGO_") && name != "CARGO_HOME" && name != "CARGO_TARGET_DIR"
                {
                    build.env_remove(name.as_ref());
                }
            }
            let status = build
                .status()
                .expect("run cargo build for the retort binary");
            assert!(status.success(), "cargo build -p retort-cli failed");
        }
        assert!(binary.exists(), "{} was not built", binary.display());
        binary
    })
}

fn newest_mtime(dir: &Path) -> Option<SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let time = if path.is_dir() {
            newest_mtime(&path)
        } else {
            entry.metadata().ok().and_then(|m| m.modified().ok())
        };
        newest = newest.max(time);
    }
    newest
}

/// Connects to the context's database (for assertions beyond the helpers).
pub async fn connect(ctx: &Ctx) -> Database {
    ctx.db.connect().await
}

/// One `#[tokio::test]` per dialect for each `async fn scenario(ctx: &Ctx)`, on a copy of the
/// named fixture: `interop_tests!("sample", upgrade_reads_the_same, ...)`.
#[macro_export]
macro_rules! interop_tests {
    ($fixture:literal, $($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                use retort_core::dialect::Dialect;

                async fn run(dialect: Dialect) {
                    let test = format!(concat!(stringify!($scenario), "::{}"), dialect);
                    if let Some(ctx) = $crate::Ctx::new(dialect, &test, $fixture).await {
                        super::$scenario(&ctx).await;
                    }
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    run(Dialect::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgresql() {
                    run(Dialect::Postgresql).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn mysql() {
                    run(Dialect::Mysql).await
                }
            }
        )*
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_groups_are_sorted() {
        assert_eq!(
            normalize_line("aaaa -> bbbb (lbl_b, single, lbl_a) (head), msg (x, a)"),
            "aaaa -> bbbb (lbl_a, lbl_b, single) (head), msg (a, x)"
        );
        assert_eq!(normalize_line("no groups, "), "no groups, ");
    }
}
