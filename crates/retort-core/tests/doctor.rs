//! The doctor's checks, each with its fault induced on a real database, and their fixes.

use std::path::{Path, PathBuf};

use retort_core::dialect::Dialect;
use retort_core::doctor::{self, Severity};
use retort_core::ops::Workspace;
use retort_core::{version_table, DatabaseUrl, Project};
use retort_testkit::{finding, TestDb};

fn demo() -> Workspace {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    Workspace::open(&dir).expect("demo project")
}

async fn upgrade(ws: &Workspace, url: &DatabaseUrl, target: &str) {
    retort_testkit::upgrade(ws, url, target)
        .await
        .unwrap_or_else(|e| panic!("upgrade {target}: {e}"));
}

const MIDDLE: &str = "4c9a5d6e7f04";

/// Demo upgraded to a middle revision, version table dropped: the doctor names the revision,
/// changes nothing, and its stamp fix makes `current` show it.
async fn stamp_detection(dialect: Dialect, test: &str) {
    let Some(db) = TestDb::new(dialect, test).await else {
        return;
    };
    let ws = demo();
    upgrade(&ws, &db.url, MIDDLE).await;
    let mut conn = db.connect().await;
    conn.execute("DROP TABLE alembic_version").await.unwrap();
    conn.close().await;

    let findings = doctor::diagnose(&ws, &db.url)
        .await
        .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
    let found = finding(&findings, "version_table");
    assert_eq!(found.severity, Severity::Problem);
    assert!(found.title.contains(MIDDLE), "{dialect:?}: {found:#?}");
    let fix_id = format!("stamp:{MIDDLE}");
    assert_eq!(
        found
            .fixes
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>(),
        [fix_id.as_str()],
        "{found:#?}"
    );
    assert!(doctor::has_problem(&findings));

    // Read-only: the version table was not created.
    let mut conn = db.connect().await;
    assert!(!version_table::exists(&mut conn, "alembic_version")
        .await
        .unwrap());
    conn.close().await;

    let outcome = doctor::apply_fix(&ws, &db.url, &fix_id).await.unwrap();
    assert!(outcome.message.contains(MIDDLE), "{outcome:?}");
    let current = ws.current(&db.url).await.unwrap();
    assert_eq!(current.current, [MIDDLE]);

    // Healthy now: no problem left.
    let findings = doctor::diagnose(&ws, &db.url).await.unwrap();
    assert!(!doctor::has_problem(&findings), "{findings:#?}");
}

#[tokio::test]
async fn stamp_detection_sqlite() {
    stamp_detection(Dialect::Sqlite, "doctor_stamp_sqlite").await;
}

#[tokio::test]
async fn stamp_detection_postgres() {
    stamp_detection(Dialect::Postgresql, "doctor_stamp_postgres").await;
}

#[tokio::test]
async fn stamp_detection_mysql() {
    stamp_detection(Dialect::Mysql, "doctor_stamp_mysql").await;
}

/// A schema no revision matches: the closest one is named, with what differs.
#[tokio::test]
async fn no_exact_match_names_the_closest_revision() {
    let db = TestDb::new(Dialect::Sqlite, "doctor_closest")
        .await
        .unwrap();
    let ws = demo();
    upgrade(&ws, &db.url, "3b8f4c5d6e03").await;
    let mut conn = db.connect().await;
    conn.execute("DROP TABLE alembic_version").await.unwrap();
    conn.execute("CREATE TABLE extra_notes (id INTEGER PRIMARY KEY)")
        .await
        .unwrap();
    conn.close().await;
    let findings = doctor::diagnose(&ws, &db.url).await.unwrap();
    let found = finding(&findings, "version_table");
    assert!(found.title.contains("no revision matches"), "{found:#?}");
    let text = found.details.join("\n");
    assert!(text.contains("Closest: 3b8f4c5d6e03"), "{text}");
    assert!(text.contains("extra_notes"), "{text}");
}

/// An empty database without version table: info, offer `upgrade head`; nothing is created.
#[tokio::test]
async fn empty_database_offers_upgrade_and_creates_nothing() {
    let db = TestDb::new(Dialect::Sqlite, "doctor_empty").await.unwrap();
    let ws = demo();
    let findings = doctor::diagnose(&ws, &db.url).await.unwrap();
    let found = finding(&findings, "version_table");
    assert_eq!(found.severity, Severity::Info);
    assert_eq!(found.fixes[0].id, "upgrade-head");
    let file = db.sqlite_file().unwrap();
    assert!(!file.exists(), "diagnose created the SQLite file");
    doctor::apply_fix(&ws, &db.url, "upgrade-head")
        .await
        .unwrap();
    assert_eq!(ws.current(&db.url).await.unwrap().current, ["7fcd8a9bac07"]);
}

#[tokio::test]
async fn empty_database_creates_nothing_postgres() {
    let Some(db) = TestDb::new(Dialect::Postgresql, "doctor_empty_pg").await else {
        return;
    };
    let ws = demo();
    doctor::diagnose(&ws, &db.url).await.unwrap();
    let schema = ws.schema(&db.url, &[]).await.unwrap();
    assert!(schema.tables.is_empty(), "{:?}", schema.tables);
}

async fn unknown_revision(dialect: Dialect, test: &str) {
    let Some(db) = TestDb::new(dialect, test).await else {
        return;
    };
    let ws = demo();
    upgrade(&ws, &db.url, "head").await;
    let mut conn = db.connect().await;
    conn.execute("UPDATE alembic_version SET version_num = 'feedface0099'")
        .await
        .unwrap();
    conn.close().await;
    let findings = doctor::diagnose(&ws, &db.url).await.unwrap();
    let found = finding(&findings, "unknown_revision");
    assert_eq!(found.severity, Severity::Problem);
    assert!(found.title.contains("feedface0099"), "{found:#?}");
    assert!(
        found.details.iter().any(|d| d.contains("7fcd8a9bac07")),
        "{found:#?}"
    );
    let fix = &found.fixes[0];
    assert_eq!(fix.id, "stamp-purge:7fcd8a9bac07");
    assert!(fix.destructive);
    assert!(fix.sql_preview.iter().any(|s| s.starts_with("DELETE FROM")));
    doctor::apply_fix(&ws, &db.url, &fix.id).await.unwrap();
    assert_eq!(ws.current(&db.url).await.unwrap().current, ["7fcd8a9bac07"]);
}

#[tokio::test]
async fn unknown_revision_sqlite() {
    unknown_revision(Dialect::Sqlite, "doctor_unknown_sqlite").await;
}

#[tokio::test]
async fn unknown_revision_mysql() {
    unknown_revision(Dialect::Mysql, "doctor_unknown_mysql").await;
}

#[tokio::test]
async fn unknown_revision_postgres() {
    unknown_revision(Dialect::Postgresql, "doctor_unknown_postgres").await;
}

/// A fresh project in `dir` with the given scripts: (id, parents, up SQL).
fn project(dir: &Path, scripts: &[(&str, &str, &str)]) -> PathBuf {
    let project = Project::init(dir, "migrations").unwrap();
    for (id, revises, up) in scripts {
        let text = format!(
            "-- Revision ID: {id}\n-- Revises: {revises}\n-- Create Date: 2026-11-25 00:00:00\n\
             -- Message: {id}\n\n-- migrate:up\n{up}\n\n-- migrate:down\n"
        );
        std::fs::write(project.versions_dir().join(format!("{id}_{id}.sql")), text).unwrap();
    }
    dir.to_path_buf()
}

#[tokio::test]
async fn two_heads_are_reported_and_merged() {
    let db = TestDb::new(Dialect::Sqlite, "doctor_heads").await.unwrap();
    let dir = project(
        &db.dir().join("proj"),
        &[
            ("aaaa0001", "", "CREATE TABLE a (id INTEGER PRIMARY KEY);"),
            (
                "bbbb0002",
                "aaaa0001",
                "CREATE TABLE b (id INTEGER PRIMARY KEY);",
            ),
            (
                "cccc0003",
                "aaaa0001",
                "CREATE TABLE c (id INTEGER PRIMARY KEY);",
            ),
        ],
    );
    let ws = Workspace::open(&dir).unwrap();
    let findings = doctor::diagnose(&ws, &db.url).await.unwrap();
    let found = finding(&findings, "multiple_heads");
    assert_eq!(found.severity, Severity::Warning);
    assert_eq!(found.details.len(), 2, "{found:#?}");
    assert!(found.explanation.contains("upgrade heads"));
    assert!(!db.sqlite_file().unwrap().exists());

    let outcome = doctor::apply_fix(&ws, &db.url, "merge").await.unwrap();
    assert!(outcome.message.contains("bbbb0002"), "{outcome:?}");
    let ws = Workspace::open(&dir).unwrap();
    assert_eq!(ws.map.heads().len(), 1);
    let findings = doctor::diagnose(&ws, &db.url).await.unwrap();
    assert!(findings.iter().all(|f| f.check != "multiple_heads"));
}

#[tokio::test]
async fn sqlite_write_lock_held_by_another_connection() {
    let db = TestDb::new(Dialect::Sqlite, "doctor_lock").await.unwrap();
    let ws = demo();
    upgrade(&ws, &db.url, "head").await;

    let mut holder = db.connect().await;
    holder.execute("BEGIN IMMEDIATE").await.unwrap();
    let findings = doctor::diagnose(&ws, &db.url).await.unwrap();
    let found = finding(&findings, "sqlite_lock");
    assert_eq!(found.severity, Severity::Problem, "{found:#?}");
    let text = found.details.join("\n");
    assert!(text.contains("held by another connection"), "{text}");
    assert!(text.contains("Journal mode: delete"), "{text}");
    assert!(text.contains("this process"), "{text}");
    assert!(doctor::has_problem(&findings));
    holder.execute("ROLLBACK").await.unwrap();
    holder.close().await;

    let findings = doctor::diagnose(&ws, &db.url).await.unwrap();
    let found = finding(&findings, "sqlite_lock");
    assert_eq!(found.severity, Severity::Ok, "{found:#?}");
    assert!(found.fixes.iter().any(|f| f.id == "wal"));

    let outcome = doctor::apply_fix(&ws, &db.url, "wal").await.unwrap();
    assert!(outcome.message.contains("wal"), "{outcome:?}");
    let findings = doctor::diagnose(&ws, &db.url).await.unwrap();
    let found = finding(&findings, "sqlite_lock");
    assert!(
        found.details.iter().any(|d| d == "Journal mode: wal"),
        "{found:#?}"
    );
    doctor::apply_fix(&ws, &db.url, "checkpoint").await.unwrap();
}

#[tokio::test]
async fn pending_sqlite_alter_column_is_flagged() {
    let db = TestDb::new(Dialect::Sqlite, "doctor_alter").await.unwrap();
    let dir = project(
        &db.dir().join("proj"),
        &[
            (
                "aaaa0001",
                "",
                "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER);",
            ),
            (
                "bbbb0002",
                "aaaa0001",
                "ALTER TABLE t ALTER COLUMN x TYPE TEXT;",
            ),
        ],
    );
    let ws = Workspace::open(&dir).unwrap();
    upgrade(&ws, &db.url, "aaaa0001").await;
    let findings = doctor::diagnose(&ws, &db.url).await.unwrap();
    let found = finding(&findings, "sqlite_alter");
    assert_eq!(found.severity, Severity::Problem);
    assert!(found.details[0].starts_with("bbbb0002"), "{found:#?}");
    assert!(found.details[0].contains("ALTER COLUMN"), "{found:#?}");
    assert!(found.explanation.contains("RENAME TO"));

    // Without a version table the replay stops at the failing revision instead of erroring.
    let mut conn = db.connect().await;
    conn.execute("DROP TABLE alembic_version").await.unwrap();
    conn.close().await;
    let findings = doctor::diagnose(&ws, &db.url).await.unwrap();
    let found = finding(&findings, "version_table");
    assert!(
        found.fixes.iter().any(|f| f.id == "stamp:aaaa0001"),
        "{found:#?}"
    );
    assert!(
        found.details.iter().any(|d| d.contains("stopped early")),
        "{found:#?}"
    );
}
