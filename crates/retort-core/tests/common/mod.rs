//! Shared helpers for the runner tests: a fresh database per test and dialect, and small
//! builders for hand-made scripts and plans.
//!
//! SQLite always runs (a temp file). PostgreSQL and MySQL/MariaDB need
//! `RETORT_TEST_POSTGRES_URL` / `RETORT_TEST_MYSQL_URL` (an admin URL, e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`, `mysql://root@127.0.0.1:3306/mysql`); each test
//! creates `retort_t_<random>` there and drops it afterwards, also when the test panics. A missing
//! URL skips the test, except under `CI=true`, where it fails.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use retort_core::db::Database;
use retort_core::dialect::Dialect;
use retort_core::revision::{Direction, Plan, Revision, RowChange, Step};
use retort_core::script::{parse_script, Script, Section, Sections};

pub const VERSION_TABLE: &str = "alembic_version";

#[allow(unused_imports)] // not every suite needs a database
pub use retort_testkit::TestDb;

/// Generates one `#[tokio::test]` per dialect for each scenario `async fn name(db: &TestDb)`,
/// so a difference between dialects shows as one failing case (`name::mysql`).
#[macro_export]
macro_rules! dialect_tests {
    ($($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                use retort_core::dialect::Dialect;

                async fn run(dialect: Dialect) {
                    let test = concat!(stringify!($scenario), "::");
                    let test = format!("{test}{dialect}");
                    if let Some(db) = $crate::common::TestDb::new(dialect, &test).await {
                        super::$scenario(&db).await;
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

// ---- hand-made scripts and plans -------------------------------------------------------------

/// A revision script with a generic up and down section (statements separated by `;`).
pub fn script(id: &str, parents: &[&str], up: &str, down: &str) -> Script {
    Script {
        revision: Revision {
            id: id.to_string(),
            down_revisions: parents.iter().map(|p| p.to_string()).collect(),
            branch_labels: Vec::new(),
            depends_on: Vec::new(),
            message: format!("revision {id}"),
            create_date: None,
            path: Some(PathBuf::from(format!("versions/{id}.sql"))),
        },
        path: PathBuf::from(format!("versions/{id}.sql")),
        no_transaction: false,
        up: sections(up, 9),
        down: sections(down, 12),
    }
}

fn sections(sql: &str, line: usize) -> Sections {
    Sections {
        generic: Some(Section {
            sql: sql.to_string(),
            line,
        }),
        dialects: BTreeMap::new(),
    }
}

/// Replaces one direction's SQL for one dialect (`-- migrate:up postgresql`).
pub fn with_dialect_sql(
    mut script: Script,
    direction: Direction,
    dialect: Dialect,
    sql: &str,
) -> Script {
    let section = Section {
        sql: sql.to_string(),
        line: 20,
    };
    match direction {
        Direction::Up => script.up.dialects.insert(dialect, section),
        _ => script.down.dialects.insert(dialect, section),
    };
    script
}

pub fn scripts(list: Vec<Script>) -> HashMap<String, Script> {
    list.into_iter()
        .map(|s| (s.revision.id.clone(), s))
        .collect()
}

pub fn up(revision: &str, from: &[&str], row_changes: Vec<RowChange>) -> Step {
    Step {
        direction: Direction::Up,
        revision: revision.to_string(),
        from: strings(from),
        to: vec![revision.to_string()],
        row_changes,
    }
}

pub fn down(revision: &str, to: &[&str], row_changes: Vec<RowChange>) -> Step {
    Step {
        direction: Direction::Down,
        revision: revision.to_string(),
        from: vec![revision.to_string()],
        to: strings(to),
        row_changes,
    }
}

pub fn stamp(target: &str, from: &[&str], row_changes: Vec<RowChange>) -> Step {
    Step {
        direction: Direction::Stamp,
        revision: target.to_string(),
        from: strings(from),
        to: if target.is_empty() {
            Vec::new()
        } else {
            vec![target.to_string()]
        },
        row_changes,
    }
}

pub fn insert(revision: &str) -> RowChange {
    RowChange::Insert {
        revision: revision.to_string(),
    }
}

pub fn update(from: &str, to: &str) -> RowChange {
    RowChange::Update {
        from: from.to_string(),
        to: to.to_string(),
    }
}

pub fn delete(revision: &str) -> RowChange {
    RowChange::Delete {
        revision: revision.to_string(),
    }
}

pub fn plan(steps: Vec<Step>) -> Plan {
    Plan {
        steps,
        final_rows: Vec::new(),
    }
}

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

// ---- looking at the database -----------------------------------------------------------------

/// The version rows, sorted; `None` when the table does not exist.
pub async fn rows(db: &mut Database) -> Option<Vec<String>> {
    let mut rows = retort_core::version_table::read_rows(db, VERSION_TABLE)
        .await
        .expect("read version rows")?;
    rows.sort();
    Some(rows)
}

/// The user tables of the database, sorted.
pub async fn tables(db: &mut Database) -> Vec<String> {
    let sql = match db.dialect() {
        Dialect::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        Dialect::Postgresql => {
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        }
        Dialect::Mysql => {
            "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name"
        }
    };
    db.query_strings(sql).await.expect("list tables")
}

/// The columns of a table, in order.
pub async fn columns(db: &mut Database, table: &str) -> Vec<String> {
    let sql = match db.dialect() {
        Dialect::Sqlite => format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
        Dialect::Postgresql => format!(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position"
        ),
        Dialect::Mysql => format!(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '{table}' ORDER BY ordinal_position"
        ),
    };
    db.query_strings(&sql).await.expect("list columns")
}

pub async fn count(db: &mut Database, table: &str) -> i64 {
    let rows = db
        .query_strings(&format!("SELECT COUNT(*) FROM {table}"))
        .await
        .expect("count rows");
    rows[0].parse().expect("a number")
}

// ---- the reference transcript's sample project ------------------------------------------------

pub const A: &str = "3f2a9c1d0e01";
pub const B: &str = "7b41e2d9c3a4";
pub const C: &str = "c0ffee01a1b2";
pub const D: &str = "c0ffee02d3e4";
pub const M: &str = "e9f8d7c6b5a4";
pub const S1: &str = "5e6f7a8b9c0d";
pub const S2: &str = "2d4c6b8a0f1e";
pub const P1: &str = "9d8c7b6a5f4e";
pub const P2: &str = "a1b2c3d4e5f6";

/// A native script's file name and text.
fn native(
    id: &str,
    revises: &str,
    extra_headers: &str,
    message: &str,
    body: &str,
) -> (String, String) {
    let text = format!(
        "-- Revision ID: {id}\n-- Revises: {revises}\n{extra_headers}-- Create Date: 2026-11-24 10:00:00\n-- Message: {message}\n\n{body}"
    );
    (format!("{id}_{}.sql", message.replace(' ', "_")), text)
}

/// The transcript's sample project (alembic-transcript.md, "The revision graph used") in the
/// native format, with each dialect's DDL as SQLAlchemy rendered it.
pub fn sample_files() -> Vec<(String, String)> {
    vec![
        native(
            A,
            "",
            "",
            "create account table",
            "-- migrate:up\nCREATE TABLE account (\n    id INTEGER NOT NULL, \n    name VARCHAR(50) NOT NULL, \n    PRIMARY KEY (id)\n);\n\n\
             -- migrate:up mysql\nCREATE TABLE account (\n    id INTEGER NOT NULL AUTO_INCREMENT, \n    name VARCHAR(50) NOT NULL, \n    PRIMARY KEY (id)\n);\n\n\
             -- migrate:down\nDROP TABLE account;\n",
        ),
        native(
            B,
            A,
            "",
            "add email to account",
            "-- migrate:up\nALTER TABLE account ADD COLUMN email VARCHAR(120);\n\n-- migrate:down\nALTER TABLE account DROP COLUMN email;\n",
        ),
        native(
            C,
            B,
            "",
            "create index on account email",
            "-- migrate:up\nCREATE UNIQUE INDEX ix_account_email ON account (email);\n\n-- migrate:down\nDROP INDEX ix_account_email;\n\n-- migrate:down mysql\nDROP INDEX ix_account_email ON account;\n",
        ),
        native(
            D,
            B,
            "",
            "add status to account",
            "-- migrate:up\nALTER TABLE account ADD COLUMN status VARCHAR(20) DEFAULT 'active' NOT NULL;\n\n-- migrate:down\nALTER TABLE account DROP COLUMN status;\n",
        ),
        native(
            M,
            &format!("{C}, {D}"),
            "",
            "merge email index and status",
            "-- migrate:up\n\n-- migrate:down\n",
        ),
        native(
            P1,
            "",
            "-- Branch labels: postgres\n",
            "create server_settings",
            "-- migrate:up\nCREATE TABLE server_settings (\n    \"key\" VARCHAR(64) NOT NULL, \n    value TEXT, \n    PRIMARY KEY (\"key\")\n);\n\n\
             -- migrate:up postgresql\nCREATE TABLE server_settings (\n    key VARCHAR(64) NOT NULL, \n    value TEXT, \n    PRIMARY KEY (key)\n);\n\n\
             -- migrate:up mysql\nCREATE TABLE server_settings (\n    `key` VARCHAR(64) NOT NULL, \n    value TEXT, \n    PRIMARY KEY (`key`)\n);\n\n\
             -- migrate:down\nDROP TABLE server_settings;\n",
        ),
        native(
            P2,
            P1,
            &format!("-- Depends on: {B}\n"),
            "create audit_log",
            "-- migrate:up\nCREATE TABLE audit_log (\n    id INTEGER NOT NULL, \n    account_id INTEGER NOT NULL, \n    email_snapshot VARCHAR(120), \n    PRIMARY KEY (id), \n    FOREIGN KEY(account_id) REFERENCES account (id)\n);\n\nCREATE INDEX ix_audit_log_account_id ON audit_log (account_id);\n\n\
             -- migrate:up mysql\nCREATE TABLE audit_log (\n    id INTEGER NOT NULL AUTO_INCREMENT, \n    account_id INTEGER NOT NULL, \n    email_snapshot VARCHAR(120), \n    PRIMARY KEY (id), \n    FOREIGN KEY(account_id) REFERENCES account (id)\n);\n\nCREATE INDEX ix_audit_log_account_id ON audit_log (account_id);\n\n\
             -- migrate:down\nDROP TABLE audit_log;\n",
        ),
        native(
            S1,
            "",
            "-- Branch labels: sqlite\n",
            "create local_settings",
            "-- migrate:up\nCREATE TABLE local_settings (\n    \"key\" VARCHAR(64) NOT NULL, \n    value TEXT, \n    PRIMARY KEY (\"key\")\n);\n\n\
             -- migrate:up postgresql\nCREATE TABLE local_settings (\n    key VARCHAR(64) NOT NULL, \n    value TEXT, \n    PRIMARY KEY (key)\n);\n\n\
             -- migrate:up mysql\nCREATE TABLE local_settings (\n    `key` VARCHAR(64) NOT NULL, \n    value TEXT, \n    PRIMARY KEY (`key`)\n);\n\n\
             -- migrate:down\nDROP TABLE local_settings;\n",
        ),
        native(
            S2,
            S1,
            "",
            "add updated_at to local_settings",
            "-- migrate:up\nALTER TABLE local_settings ADD COLUMN updated_at DATETIME;\n\n\
             -- migrate:up postgresql\nALTER TABLE local_settings ADD COLUMN updated_at TIMESTAMP WITHOUT TIME ZONE;\n\n\
             -- migrate:down\nALTER TABLE local_settings DROP COLUMN updated_at;\n",
        ),
    ]
}

/// The sample project parsed in memory, by revision id.
pub fn sample_project() -> HashMap<String, Script> {
    scripts(
        sample_files()
            .into_iter()
            .map(|(name, text)| {
                parse_script(&Path::new("versions").join(&name), &text)
                    .unwrap_or_else(|e| panic!("{name}: {e}"))
            })
            .collect(),
    )
}

/// Writes the sample project's scripts to `<dir>/versions` and returns that folder.
pub fn write_sample_project(dir: &Path) -> PathBuf {
    let versions = dir.join("versions");
    std::fs::create_dir_all(&versions).expect("create versions/");
    for (name, text) in sample_files() {
        std::fs::write(versions.join(name), text).expect("write a script");
    }
    versions
}
