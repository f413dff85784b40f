//! Offline (`--sql`) output compared with real Alembic's (alembic-transcript.md, Phase 6).
//! The scripts are the transcript's sample project written in Retort's native format; the plans
//! are the steps Alembic ran. Retort differs in one deliberate way: SQLite output is wrapped in
//! `BEGIN;`/`COMMIT;` because Retort runs SQLite migrations transactionally.

mod common;

use common::*;
use retort_core::dialect::Dialect;
use retort_core::revision::Plan;
use retort_core::runner::offline_sql;

fn render(dialect: Dialect, plan: &Plan, per_migration: bool, create_table: bool) -> String {
    offline_sql(
        dialect,
        VERSION_TABLE,
        &sample_project(),
        plan,
        per_migration,
        create_table,
    )
    .expect("offline sql")
}

/// Alembic's output is followed by a blank line after the last statement, as after every other.
fn alembic(block: &str) -> String {
    format!("{block}\n\n")
}

/// Retort's SQLite output: Alembic's, inside one transaction.
fn sqlite_transactional(block: &str) -> String {
    format!("BEGIN;\n\n{block}\n\nCOMMIT;\n\n")
}

fn assert_same(actual: &str, expected: &str) {
    if actual != expected {
        panic!("offline SQL differs.\n--- expected\n{expected}\n--- actual\n{actual}\n---");
    }
}

#[test]
fn sqlite_upgrade_heads() {
    let plan = plan(vec![
        up(A, &[], vec![insert(A)]),
        up(B, &[A], vec![update(A, B)]),
        up(D, &[B], vec![update(B, D)]),
        up(C, &[B], vec![insert(C)]),
        up(M, &[C, D], vec![delete(C), update(D, M)]),
        up(P1, &[], vec![insert(P1)]),
        up(P2, &[P1], vec![update(P1, P2)]),
        up(S1, &[], vec![insert(S1)]),
        up(S2, &[S1], vec![update(S1, S2)]),
    ]);
    assert_same(
        &render(Dialect::Sqlite, &plan, false, true),
        &sqlite_transactional(SQLITE_UPGRADE_HEADS),
    );
}

#[test]
fn sqlite_upgrade_range_creates_no_table() {
    let plan = plan(vec![
        up(D, &[B], vec![update(B, D)]),
        up(C, &[B], vec![insert(C)]),
        up(M, &[C, D], vec![delete(C), update(D, M)]),
    ]);
    assert_same(
        &render(Dialect::Sqlite, &plan, false, false),
        &sqlite_transactional(SQLITE_UPGRADE_RANGE),
    );
}

#[test]
fn sqlite_downgrade_through_merge_and_to_base() {
    let plan_merge = plan(vec![
        down(M, &[C, D], vec![insert(D), update(M, C)]),
        down(C, &[B], vec![delete(C)]),
        down(D, &[B], vec![update(D, B)]),
    ]);
    assert_same(
        &render(Dialect::Sqlite, &plan_merge, false, false),
        &sqlite_transactional(SQLITE_DOWNGRADE_MERGE),
    );
    let plan_base = plan(vec![
        down(C, &[B], vec![update(C, B)]),
        down(B, &[A], vec![update(B, A)]),
        down(A, &[], vec![delete(A)]),
    ]);
    assert_same(
        &render(Dialect::Sqlite, &plan_base, false, false),
        &sqlite_transactional(SQLITE_DOWNGRADE_BASE),
    );
}

#[test]
fn sqlite_stamps() {
    let heads = plan(vec![
        stamp(S2, &[], vec![insert(S2)]),
        stamp(P2, &[], vec![insert(P2)]),
        stamp(M, &[], vec![insert(M)]),
    ]);
    assert_same(
        &render(Dialect::Sqlite, &heads, false, true),
        &sqlite_transactional(SQLITE_STAMP_HEADS),
    );
    let range = plan(vec![stamp(C, &[A], vec![update(A, C)])]);
    assert_same(
        &render(Dialect::Sqlite, &range, false, false),
        &sqlite_transactional(SQLITE_STAMP_RANGE),
    );
}

#[test]
fn postgresql_upgrade_branch_head() {
    let plan = plan(vec![
        up(S1, &[], vec![insert(S1)]),
        up(S2, &[S1], vec![update(S1, S2)]),
    ]);
    assert_same(
        &render(Dialect::Postgresql, &plan, false, true),
        &alembic(PG_UPGRADE_SQLITE_HEAD),
    );
}

#[test]
fn postgresql_transaction_per_migration() {
    let plan = plan(vec![
        up(B, &[A], vec![update(A, B)]),
        up(C, &[B], vec![update(B, C)]),
    ]);
    assert_same(
        &render(Dialect::Postgresql, &plan, false, false),
        &alembic(PG_UPGRADE_RANGE),
    );
    assert_same(
        &render(Dialect::Postgresql, &plan, true, false),
        &alembic(PG_UPGRADE_RANGE_PER_MIGRATION),
    );
}

#[test]
fn postgresql_downgrade_to_base() {
    let plan = plan(vec![
        down(C, &[B], vec![update(C, B)]),
        down(B, &[A], vec![update(B, A)]),
        down(A, &[], vec![delete(A)]),
    ]);
    assert_same(
        &render(Dialect::Postgresql, &plan, false, false),
        &alembic(PG_DOWNGRADE_BASE),
    );
}

#[test]
fn mysql_upgrade_with_depends_on() {
    let plan = plan(vec![
        up(A, &[], vec![insert(A)]),
        up(B, &[A], vec![update(A, B)]),
        up(P1, &[], vec![insert(P1)]),
        up(P2, &[P1], vec![delete(P1), update(B, P2)]),
    ]);
    assert_same(
        &render(Dialect::Mysql, &plan, false, true),
        &alembic(MYSQL_UPGRADE_POSTGRES_HEAD),
    );
}

#[test]
fn no_transaction_revision_is_written_between_transactions() {
    let mut project = sample_project();
    project.get_mut(B).unwrap().no_transaction = true;
    let plan = plan(vec![
        up(A, &[], vec![insert(A)]),
        up(B, &[A], vec![update(A, B)]),
        up(C, &[B], vec![update(B, C)]),
    ]);
    let sql = offline_sql(
        Dialect::Postgresql,
        VERSION_TABLE,
        &project,
        &plan,
        false,
        false,
    )
    .unwrap();
    let markers: Vec<&str> = sql
        .split("\n\n")
        .filter(|s| matches!(*s, "BEGIN;" | "COMMIT;") || s.starts_with("-- Running"))
        .collect();
    assert_eq!(
        markers,
        vec![
            "BEGIN;",
            "-- Running upgrade  -> 3f2a9c1d0e01",
            "COMMIT;",
            "-- Running upgrade 3f2a9c1d0e01 -> 7b41e2d9c3a4",
            "BEGIN;",
            "-- Running upgrade 7b41e2d9c3a4 -> c0ffee01a1b2",
            "COMMIT;"
        ]
    );
    // MySQL has no transactions to step out of.
    let sql = offline_sql(Dialect::Mysql, VERSION_TABLE, &project, &plan, false, false).unwrap();
    assert!(!sql.contains("BEGIN;") && !sql.contains("COMMIT;"));
}

#[test]
fn empty_plan() {
    let empty = plan(vec![]);
    assert_eq!(
        render(Dialect::Postgresql, &empty, false, true),
        "BEGIN;\n\nCOMMIT;\n\n"
    );
    assert_eq!(render(Dialect::Mysql, &empty, false, true), "");
}

#[test]
fn missing_script_is_an_error() {
    let plan = plan(vec![up("ffffffffffff", &[], vec![insert("ffffffffffff")])]);
    let err = offline_sql(
        Dialect::Sqlite,
        VERSION_TABLE,
        &sample_project(),
        &plan,
        false,
        true,
    )
    .expect_err("no script");
    assert_eq!(err.kind(), "command");
    assert!(err.to_string().contains("ffffffffffff"));
}

// ---- Alembic's output, verbatim from the transcript (INFO lines removed) ---------------------

/// `alembic upgrade heads --sql`
const SQLITE_UPGRADE_HEADS: &str = "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n-- Running upgrade  -> 3f2a9c1d0e01\n\nCREATE TABLE account (\n    id INTEGER NOT NULL, \n    name VARCHAR(50) NOT NULL, \n    PRIMARY KEY (id)\n);\n\nINSERT INTO alembic_version (version_num) VALUES ('3f2a9c1d0e01') RETURNING version_num;\n\n-- Running upgrade 3f2a9c1d0e01 -> 7b41e2d9c3a4\n\nALTER TABLE account ADD COLUMN email VARCHAR(120);\n\nUPDATE alembic_version SET version_num='7b41e2d9c3a4' WHERE alembic_version.version_num = '3f2a9c1d0e01';\n\n-- Running upgrade 7b41e2d9c3a4 -> c0ffee02d3e4\n\nALTER TABLE account ADD COLUMN status VARCHAR(20) DEFAULT 'active' NOT NULL;\n\nUPDATE alembic_version SET version_num='c0ffee02d3e4' WHERE alembic_version.version_num = '7b41e2d9c3a4';\n\n-- Running upgrade 7b41e2d9c3a4 -> c0ffee01a1b2\n\nCREATE UNIQUE INDEX ix_account_email ON account (email);\n\nINSERT INTO alembic_version (version_num) VALUES ('c0ffee01a1b2') RETURNING version_num;\n\n-- Running upgrade c0ffee01a1b2, c0ffee02d3e4 -> e9f8d7c6b5a4\n\nDELETE FROM alembic_version WHERE alembic_version.version_num = 'c0ffee01a1b2';\n\nUPDATE alembic_version SET version_num='e9f8d7c6b5a4' WHERE alembic_version.version_num = 'c0ffee02d3e4';\n\n-- Running upgrade  -> 9d8c7b6a5f4e\n\nCREATE TABLE server_settings (\n    \"key\" VARCHAR(64) NOT NULL, \n    value TEXT, \n    PRIMARY KEY (\"key\")\n);\n\nINSERT INTO alembic_version (version_num) VALUES ('9d8c7b6a5f4e') RETURNING version_num;\n\n-- Running upgrade 9d8c7b6a5f4e -> a1b2c3d4e5f6\n\nCREATE TABLE audit_log (\n    id INTEGER NOT NULL, \n    account_id INTEGER NOT NULL, \n    email_snapshot VARCHAR(120), \n    PRIMARY KEY (id), \n    FOREIGN KEY(account_id) REFERENCES account (id)\n);\n\nCREATE INDEX ix_audit_log_account_id ON audit_log (account_id);\n\nUPDATE alembic_version SET version_num='a1b2c3d4e5f6' WHERE alembic_version.version_num = '9d8c7b6a5f4e';\n\n-- Running upgrade  -> 5e6f7a8b9c0d\n\nCREATE TABLE local_settings (\n    \"key\" VARCHAR(64) NOT NULL, \n    value TEXT, \n    PRIMARY KEY (\"key\")\n);\n\nINSERT INTO alembic_version (version_num) VALUES ('5e6f7a8b9c0d') RETURNING version_num;\n\n-- Running upgrade 5e6f7a8b9c0d -> 2d4c6b8a0f1e\n\nALTER TABLE local_settings ADD COLUMN updated_at DATETIME;\n\nUPDATE alembic_version SET version_num='2d4c6b8a0f1e' WHERE alembic_version.version_num = '5e6f7a8b9c0d';";

/// `alembic upgrade 7b41e2d9c3a4:e9f8d7c6b5a4 --sql`
const SQLITE_UPGRADE_RANGE: &str = "-- Running upgrade 7b41e2d9c3a4 -> c0ffee02d3e4\n\nALTER TABLE account ADD COLUMN status VARCHAR(20) DEFAULT 'active' NOT NULL;\n\nUPDATE alembic_version SET version_num='c0ffee02d3e4' WHERE alembic_version.version_num = '7b41e2d9c3a4';\n\n-- Running upgrade 7b41e2d9c3a4 -> c0ffee01a1b2\n\nCREATE UNIQUE INDEX ix_account_email ON account (email);\n\nINSERT INTO alembic_version (version_num) VALUES ('c0ffee01a1b2') RETURNING version_num;\n\n-- Running upgrade c0ffee01a1b2, c0ffee02d3e4 -> e9f8d7c6b5a4\n\nDELETE FROM alembic_version WHERE alembic_version.version_num = 'c0ffee01a1b2';\n\nUPDATE alembic_version SET version_num='e9f8d7c6b5a4' WHERE alembic_version.version_num = 'c0ffee02d3e4';";

/// `alembic downgrade e9f8d7c6b5a4:7b41e2d9c3a4 --sql`
const SQLITE_DOWNGRADE_MERGE: &str = "-- Running downgrade e9f8d7c6b5a4 -> c0ffee01a1b2, c0ffee02d3e4\n\nINSERT INTO alembic_version (version_num) VALUES ('c0ffee02d3e4') RETURNING version_num;\n\nUPDATE alembic_version SET version_num='c0ffee01a1b2' WHERE alembic_version.version_num = 'e9f8d7c6b5a4';\n\n-- Running downgrade c0ffee01a1b2 -> 7b41e2d9c3a4\n\nDROP INDEX ix_account_email;\n\nDELETE FROM alembic_version WHERE alembic_version.version_num = 'c0ffee01a1b2';\n\n-- Running downgrade c0ffee02d3e4 -> 7b41e2d9c3a4\n\nALTER TABLE account DROP COLUMN status;\n\nUPDATE alembic_version SET version_num='7b41e2d9c3a4' WHERE alembic_version.version_num = 'c0ffee02d3e4';";

/// `alembic downgrade c0ffee01a1b2:base --sql`
const SQLITE_DOWNGRADE_BASE: &str = "-- Running downgrade c0ffee01a1b2 -> 7b41e2d9c3a4\n\nDROP INDEX ix_account_email;\n\nUPDATE alembic_version SET version_num='7b41e2d9c3a4' WHERE alembic_version.version_num = 'c0ffee01a1b2';\n\n-- Running downgrade 7b41e2d9c3a4 -> 3f2a9c1d0e01\n\nALTER TABLE account DROP COLUMN email;\n\nUPDATE alembic_version SET version_num='3f2a9c1d0e01' WHERE alembic_version.version_num = '7b41e2d9c3a4';\n\n-- Running downgrade 3f2a9c1d0e01 -> \n\nDROP TABLE account;\n\nDELETE FROM alembic_version WHERE alembic_version.version_num = '3f2a9c1d0e01';";

/// `alembic stamp heads --sql`
const SQLITE_STAMP_HEADS: &str = "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n-- Running stamp_revision  -> 2d4c6b8a0f1e\n\nINSERT INTO alembic_version (version_num) VALUES ('2d4c6b8a0f1e') RETURNING version_num;\n\n-- Running stamp_revision  -> a1b2c3d4e5f6\n\nINSERT INTO alembic_version (version_num) VALUES ('a1b2c3d4e5f6') RETURNING version_num;\n\n-- Running stamp_revision  -> e9f8d7c6b5a4\n\nINSERT INTO alembic_version (version_num) VALUES ('e9f8d7c6b5a4') RETURNING version_num;";

/// `alembic stamp 3f2a9c1d0e01:c0ffee01a1b2 --sql`
const SQLITE_STAMP_RANGE: &str = "-- Running stamp_revision 3f2a9c1d0e01 -> c0ffee01a1b2\n\nUPDATE alembic_version SET version_num='c0ffee01a1b2' WHERE alembic_version.version_num = '3f2a9c1d0e01';";

/// `DATABASE_URL=postgresql://u:p@localhost/x alembic upgrade sqlite@head --sql`
const PG_UPGRADE_SQLITE_HEAD: &str = "BEGIN;\n\nCREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n-- Running upgrade  -> 5e6f7a8b9c0d\n\nCREATE TABLE local_settings (\n    key VARCHAR(64) NOT NULL, \n    value TEXT, \n    PRIMARY KEY (key)\n);\n\nINSERT INTO alembic_version (version_num) VALUES ('5e6f7a8b9c0d') RETURNING alembic_version.version_num;\n\n-- Running upgrade 5e6f7a8b9c0d -> 2d4c6b8a0f1e\n\nALTER TABLE local_settings ADD COLUMN updated_at TIMESTAMP WITHOUT TIME ZONE;\n\nUPDATE alembic_version SET version_num='2d4c6b8a0f1e' WHERE alembic_version.version_num = '5e6f7a8b9c0d';\n\nCOMMIT;";

/// `DATABASE_URL=postgresql://u:p@localhost/x alembic upgrade 3f2a9c1d0e01:c0ffee01a1b2 --sql`
const PG_UPGRADE_RANGE: &str = "BEGIN;\n\n-- Running upgrade 3f2a9c1d0e01 -> 7b41e2d9c3a4\n\nALTER TABLE account ADD COLUMN email VARCHAR(120);\n\nUPDATE alembic_version SET version_num='7b41e2d9c3a4' WHERE alembic_version.version_num = '3f2a9c1d0e01';\n\n-- Running upgrade 7b41e2d9c3a4 -> c0ffee01a1b2\n\nCREATE UNIQUE INDEX ix_account_email ON account (email);\n\nUPDATE alembic_version SET version_num='c0ffee01a1b2' WHERE alembic_version.version_num = '7b41e2d9c3a4';\n\nCOMMIT;";

/// `DATABASE_URL=postgresql://u:p@localhost/x TX_PER_MIGRATION=1 alembic upgrade 3f2a9c1d0e01:c0ffee01a1b2 --sql`
const PG_UPGRADE_RANGE_PER_MIGRATION: &str = "BEGIN;\n\n-- Running upgrade 3f2a9c1d0e01 -> 7b41e2d9c3a4\n\nALTER TABLE account ADD COLUMN email VARCHAR(120);\n\nUPDATE alembic_version SET version_num='7b41e2d9c3a4' WHERE alembic_version.version_num = '3f2a9c1d0e01';\n\nCOMMIT;\n\nBEGIN;\n\n-- Running upgrade 7b41e2d9c3a4 -> c0ffee01a1b2\n\nCREATE UNIQUE INDEX ix_account_email ON account (email);\n\nUPDATE alembic_version SET version_num='c0ffee01a1b2' WHERE alembic_version.version_num = '7b41e2d9c3a4';\n\nCOMMIT;";

/// `DATABASE_URL=postgresql://u:p@localhost/x alembic downgrade c0ffee01a1b2:base --sql`
const PG_DOWNGRADE_BASE: &str = "BEGIN;\n\n-- Running downgrade c0ffee01a1b2 -> 7b41e2d9c3a4\n\nDROP INDEX ix_account_email;\n\nUPDATE alembic_version SET version_num='7b41e2d9c3a4' WHERE alembic_version.version_num = 'c0ffee01a1b2';\n\n-- Running downgrade 7b41e2d9c3a4 -> 3f2a9c1d0e01\n\nALTER TABLE account DROP COLUMN email;\n\nUPDATE alembic_version SET version_num='3f2a9c1d0e01' WHERE alembic_version.version_num = '7b41e2d9c3a4';\n\n-- Running downgrade 3f2a9c1d0e01 -> \n\nDROP TABLE account;\n\nDELETE FROM alembic_version WHERE alembic_version.version_num = '3f2a9c1d0e01';\n\nCOMMIT;";

/// `DATABASE_URL=mysql+pymysql://u:p@localhost/x alembic upgrade postgres@head --sql`
const MYSQL_UPGRADE_POSTGRES_HEAD: &str = "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n-- Running upgrade  -> 3f2a9c1d0e01\n\nCREATE TABLE account (\n    id INTEGER NOT NULL AUTO_INCREMENT, \n    name VARCHAR(50) NOT NULL, \n    PRIMARY KEY (id)\n);\n\nINSERT INTO alembic_version (version_num) VALUES ('3f2a9c1d0e01');\n\n-- Running upgrade 3f2a9c1d0e01 -> 7b41e2d9c3a4\n\nALTER TABLE account ADD COLUMN email VARCHAR(120);\n\nUPDATE alembic_version SET version_num='7b41e2d9c3a4' WHERE alembic_version.version_num = '3f2a9c1d0e01';\n\n-- Running upgrade  -> 9d8c7b6a5f4e\n\nCREATE TABLE server_settings (\n    `key` VARCHAR(64) NOT NULL, \n    value TEXT, \n    PRIMARY KEY (`key`)\n);\n\nINSERT INTO alembic_version (version_num) VALUES ('9d8c7b6a5f4e');\n\n-- Running upgrade 9d8c7b6a5f4e -> a1b2c3d4e5f6\n\nCREATE TABLE audit_log (\n    id INTEGER NOT NULL AUTO_INCREMENT, \n    account_id INTEGER NOT NULL, \n    email_snapshot VARCHAR(120), \n    PRIMARY KEY (id), \n    FOREIGN KEY(account_id) REFERENCES account (id)\n);\n\nCREATE INDEX ix_audit_log_account_id ON audit_log (account_id);\n\nDELETE FROM alembic_version WHERE alembic_version.version_num = '9d8c7b6a5f4e';\n\nUPDATE alembic_version SET version_num='a1b2c3d4e5f6' WHERE alembic_version.version_num = '7b41e2d9c3a4';";
