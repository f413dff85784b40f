//! The round-trip test (upgrade one at a time, downgrade one at a time, upgrade again) in a
//! scratch database, on every dialect: the demo project passes; a downgrade that forgets to
//! drop an index is reported at the right revision, naming the index.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};

use retort_core::ops::Workspace;
use retort_core::roundtrip::{
    ReupgradeStatus, RevisionStatus, RoundTripPhase, RoundTripProgress, RoundTripReport,
};
use retort_core::runner::CancelToken;
use retort_testkit::TestDb;

fn demo() -> Workspace {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    Workspace::open(&dir).expect("demo project")
}

/// A three-revision project whose second downgrade forgets `DROP INDEX`.
fn broken_project(dir: &Path) -> Workspace {
    project(
        dir,
        &[
            (
                "a1",
                "create items",
                "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(50));",
                "DROP TABLE items;",
            ),
            (
                "b2",
                "index items by name",
                "CREATE INDEX ix_items_name ON items (name);",
                "SELECT 1;",
            ),
            (
                "c3",
                "add price",
                "ALTER TABLE items ADD COLUMN price INTEGER;",
                "ALTER TABLE items DROP COLUMN price;",
            ),
        ],
    )
}

async fn run(ws: &Workspace, db: &TestDb) -> (RoundTripReport, Vec<RoundTripProgress>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let report = ws
        .roundtrip_test(&db.url, &CancelToken::new(), &mut move |p| {
            sink.lock().unwrap().push(p)
        })
        .await
        .unwrap_or_else(|e| panic!("{:?}: {e}", db.url.dialect()));
    let events = events.lock().unwrap().clone();
    (report, events)
}

async fn user_db_untouched(ws: &Workspace, db: &TestDb) {
    if let Some(file) = db.sqlite_file() {
        assert!(!file.exists(), "the user's SQLite file was created");
    } else {
        let schema = ws.schema(&db.url, &[]).await.unwrap();
        assert!(schema.tables.is_empty(), "{:?}", schema.tables);
    }
}

async fn demo_passes(db: &TestDb) {
    let ws = demo();
    let (report, events) = run(&ws, db).await;
    let dialect = db.url.dialect();
    assert!(report.passed, "{dialect:?}: {report:#?}");
    assert_eq!(report.revisions.len(), 7);
    assert!(report
        .revisions
        .iter()
        .all(|r| r.status == RevisionStatus::Ok));
    assert_eq!(report.reupgrade, ReupgradeStatus::Ok);
    assert_eq!(report.revisions[0].revision, "1f0c0a1b2c01");
    // 7 up, 7 down, 1 re-upgrade, numbered 1..=15.
    assert_eq!(events.len(), 15, "{events:?}");
    assert!(events
        .iter()
        .enumerate()
        .all(|(i, e)| e.step == i + 1 && e.total == 15));
    assert_eq!(events[7].phase, RoundTripPhase::Downgrade);
    assert_eq!(events[7].revision, "7fcd8a9bac07");
    assert_eq!(events[14].phase, RoundTripPhase::Reupgrade);
    user_db_untouched(&ws, db).await;
}

async fn broken_downgrade_found(db: &TestDb) {
    let dir = tempfile::tempdir().unwrap();
    let ws = broken_project(dir.path());
    let (report, _) = run(&ws, db).await;
    let dialect = db.url.dialect();
    assert!(!report.passed, "{dialect:?}: {report:#?}");
    let failures: Vec<_> = report.failures().collect();
    assert_eq!(failures.len(), 1, "{dialect:?}: {report:#?}");
    let b2 = failures[0];
    assert_eq!(b2.revision, "b2");
    assert_eq!(b2.status, RevisionStatus::NotRestored);
    assert!(
        b2.differences.iter().any(|l| l.contains("ix_items_name")),
        "{dialect:?}: {:?}",
        b2.differences
    );
    assert!(b2.diff.as_ref().is_some_and(|d| !d.is_empty()));
    // The other downgrades restored their schema.
    let status = |id: &str| {
        report
            .revisions
            .iter()
            .find(|r| r.revision == id)
            .unwrap()
            .status
    };
    assert_eq!(status("c3"), RevisionStatus::Ok);
    assert_eq!(status("a1"), RevisionStatus::Ok);
    user_db_untouched(&ws, db).await;
}

async fn cancelled_discards(db: &TestDb) {
    let ws = demo();
    let cancel = CancelToken::new();
    let stop = cancel.clone();
    let result = ws
        .roundtrip_test(&db.url, &cancel, &mut move |p| {
            if p.step == 3 {
                stop.cancel();
            }
        })
        .await;
    let error = result.expect_err("cancelled").to_string();
    assert!(error.contains("cancelled"), "{error}");
    user_db_untouched(&ws, db).await;
}

/// A project of linear revisions `(id, message, up, down)`.
fn project(dir: &Path, revisions: &[(&str, &str, &str, &str)]) -> Workspace {
    let versions = dir.join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    std::fs::write(dir.join("retort.toml"), "script_location = \".\"\n").unwrap();
    let mut parent = "";
    for (id, message, up, down) in revisions {
        std::fs::write(
            versions.join(format!("{id}.sql")),
            format!(
                "-- Revision ID: {id}\n-- Revises: {parent}\n-- Message: {message}\n\n\
                 -- migrate:up\n{up}\n\n-- migrate:down\n{down}\n"
            ),
        )
        .unwrap();
        parent = id;
    }
    Workspace::open(dir).expect("project")
}

const CREATE_ITEMS: (&str, &str, &str, &str) = (
    "a1",
    "create items",
    "CREATE TABLE items (id INTEGER PRIMARY KEY);",
    "DROP TABLE items;",
);

async fn failing_upgrade_and_downgrade_reported(db: &TestDb) {
    let dialect = db.url.dialect();
    let dir = tempfile::tempdir().unwrap();
    let ws = project(
        &dir.path().join("up"),
        &[
            CREATE_ITEMS,
            ("b2", "bad upgrade", "CREATE TABLE broken (;", "SELECT 1;"),
        ],
    );
    let (report, _) = run(&ws, db).await;
    assert!(!report.passed);
    let statuses: Vec<_> = report.revisions.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [RevisionStatus::NotRun, RevisionStatus::UpgradeFailed],
        "{dialect:?}: {report:#?}"
    );
    assert!(report.revisions[1]
        .error
        .as_deref()
        .is_some_and(|e| e.contains("b2")));
    assert_eq!(report.reupgrade, ReupgradeStatus::NotRun);

    let ws = project(
        &dir.path().join("down"),
        &[
            CREATE_ITEMS,
            (
                "b2",
                "bad downgrade",
                "CREATE TABLE other (id INTEGER PRIMARY KEY);",
                "DROP TABLE no_such_table;",
            ),
        ],
    );
    let (report, _) = run(&ws, db).await;
    let statuses: Vec<_> = report.revisions.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [RevisionStatus::NotRun, RevisionStatus::DowngradeFailed],
        "{dialect:?}: {report:#?}"
    );
    assert!(report.revisions[1]
        .error
        .as_deref()
        .is_some_and(|e| e.contains("no_such_table")));
    assert_eq!(report.failures().count(), 1);
    user_db_untouched(&ws, db).await;
}

dialect_tests!(
    demo_passes,
    broken_downgrade_found,
    cancelled_discards,
    failing_upgrade_and_downgrade_reported
);
