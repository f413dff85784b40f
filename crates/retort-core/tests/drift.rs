//! Drift detection: the live database compared with its migrations replayed (in a scratch
//! database) up to its recorded revision, on every dialect.

mod common;

use std::path::Path;

use retort_core::ops::{RunCommand, Workspace};
use retort_core::runner::RunOptions;
use retort_testkit::TestDb;

fn demo() -> Workspace {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    Workspace::open(&dir).expect("demo project")
}

async fn upgrade(ws: &Workspace, db: &TestDb, target: &str) {
    ws.run(
        &db.url,
        RunCommand::Upgrade(target),
        &RunOptions::default(),
        &mut |_| {},
    )
    .await
    .unwrap();
}

async fn execute(db: &TestDb, sql: &str) {
    let mut conn = db.connect().await;
    conn.execute(sql).await.unwrap();
    conn.close().await;
}

async fn clean_then_hand_made_column(db: &TestDb) {
    let ws = demo();
    let dialect = db.url.dialect();
    upgrade(&ws, db, "head").await;
    let clean = ws.check_drift(&db.url).await.unwrap();
    assert!(!clean.drifted, "{dialect:?}: {:?}", clean.differences);
    assert!(clean.diff.is_empty() && clean.differences.is_empty());
    assert_eq!(clean.current, ["7fcd8a9bac07"]);
    assert!(clean.pending.is_empty());

    execute(db, "ALTER TABLE users ADD COLUMN nickname VARCHAR(40)").await;
    let drifted = ws.check_drift(&db.url).await.unwrap();
    assert!(drifted.drifted);
    assert_eq!(drifted.diff.tables_altered.len(), 1, "{:?}", drifted.diff);
    assert_eq!(drifted.diff.tables_altered[0].name, "users");
    assert!(
        drifted
            .differences
            .iter()
            .any(|l| l.contains("users") && l.contains("+ column nickname")),
        "{dialect:?}: {:?}",
        drifted.differences
    );
    // Checking changed nothing: the column is still there, no revision was added.
    assert_eq!(ws.current(&db.url).await.unwrap().current, ["7fcd8a9bac07"]);
}

async fn partway_is_not_drift(db: &TestDb) {
    let ws = demo();
    upgrade(&ws, db, "3b8f4c5d6e03").await;
    let report = ws.check_drift(&db.url).await.unwrap();
    assert!(!report.drifted, "{:?}", report.differences);
    assert_eq!(report.current, ["3b8f4c5d6e03"]);
    assert_eq!(report.pending.len(), 4, "{:?}", report.pending);

    // A hand-made table is drift too.
    execute(db, "CREATE TABLE scratchpad (id INTEGER PRIMARY KEY)").await;
    let report = ws.check_drift(&db.url).await.unwrap();
    assert!(report.drifted);
    assert!(
        report.differences.iter().any(|l| l == "+ table scratchpad"),
        "{:?}",
        report.differences
    );
}

async fn no_version_table_or_unknown_revision(db: &TestDb) {
    let ws = demo();
    execute(db, "CREATE TABLE people (id INTEGER PRIMARY KEY)").await;
    let error = ws.check_drift(&db.url).await.unwrap_err().to_string();
    assert!(error.contains("no alembic_version table"), "{error}");
    assert!(error.contains("retort doctor"), "{error}");
    // Reading did not create the version table.
    let schema = ws.schema(&db.url, &[]).await.unwrap();
    assert!(!schema.tables.iter().any(|t| t.is_version_table));

    execute(
        db,
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)",
    )
    .await;
    execute(db, "INSERT INTO alembic_version VALUES ('0badc0ffee00')").await;
    let error = ws.check_drift(&db.url).await.unwrap_err().to_string();
    assert!(error.contains("0badc0ffee00"), "{error}");
    assert!(error.contains("retort stamp"), "{error}");
}

/// An index made by hand, and a nullability change where ALTER can make one, are drift.
async fn hand_made_index_and_nullability(db: &TestDb) {
    let ws = demo();
    upgrade(&ws, db, "head").await;
    execute(db, "CREATE INDEX ix_hand ON users (display_name)").await;
    let nullability = match db.url.dialect() {
        retort_core::dialect::Dialect::Postgresql => {
            Some("ALTER TABLE users ALTER COLUMN display_name SET NOT NULL")
        }
        retort_core::dialect::Dialect::Mysql => {
            Some("ALTER TABLE users MODIFY display_name VARCHAR(100) NOT NULL")
        }
        retort_core::dialect::Dialect::Sqlite => None,
    };
    if let Some(sql) = nullability {
        execute(db, sql).await;
    }
    let report = ws.check_drift(&db.url).await.unwrap();
    assert!(report.drifted);
    assert!(
        report.differences.iter().any(|l| l.contains("ix_hand")),
        "{:?}",
        report.differences
    );
    if nullability.is_some() {
        assert!(
            report
                .differences
                .iter()
                .any(|l| l.contains("display_name") && !l.contains("ix_hand")),
            "{:?}",
            report.differences
        );
    }
}

dialect_tests!(
    clean_then_hand_made_column,
    partway_is_not_drift,
    no_version_table_or_unknown_revision,
    hand_made_index_and_nullability
);

/// `retort check` on a SQLite path that does not exist says so (a mistyped path), and does not
/// create the file.
#[tokio::test]
async fn missing_sqlite_file_is_named_and_not_created() {
    let db = TestDb::new(retort_core::dialect::Dialect::Sqlite, "drift_missing")
        .await
        .unwrap();
    let file = db.sqlite_file().unwrap();
    assert!(!file.exists());
    let error = demo().check_drift(&db.url).await.unwrap_err().to_string();
    assert!(error.contains("does not exist"), "{error}");
    assert!(error.contains(&file.display().to_string()), "{error}");
    assert!(!file.exists(), "checking created {}", file.display());
}
