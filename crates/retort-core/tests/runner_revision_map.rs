//! End to end below the CLI: scripts loaded from disk, plans from `RevisionMap`, runs against
//! every dialect. The project is the reference transcript's sample graph:
//!
//! ```text
//! A ── B ──┬── C ──┬── M        S1[sqlite] ── S2        P1[postgres] ── P2 (depends_on B)
//!          └── D ──┘
//! ```

mod common;

use std::collections::HashMap;

use common::*;
use retort_core::db::Database;
use retort_core::error::Error;
use retort_core::runner::{self, RunOptions, RunReport};
use retort_core::script::{load_versions, Script};
use retort_core::{version_table, RevisionMap};

dialect_tests!(
    upgrade_heads_then_again_is_a_no_op,
    relative_prefix_and_merge_targets,
    branch_labels_and_depends_on,
    stamp_and_purge,
);

struct Project {
    map: RevisionMap,
    scripts: HashMap<String, Script>,
}

fn load(t: &TestDb) -> Project {
    let versions = write_sample_project(t.dir());
    let list = load_versions(&versions).expect("load the sample project");
    let map = RevisionMap::new(list.iter().map(|s| s.revision.clone()).collect())
        .expect("the sample graph is valid");
    Project {
        map,
        scripts: scripts(list),
    }
}

enum Command<'a> {
    Upgrade(&'a str),
    Downgrade(&'a str),
    Stamp(&'a [&'a str], bool),
}

async fn run(
    db: &mut Database,
    project: &Project,
    command: Command<'_>,
) -> Result<RunReport, Error> {
    runner::run(
        db,
        VERSION_TABLE,
        &project.scripts,
        |rows| match command {
            Command::Upgrade(target) => project.map.upgrade_plan(rows, target),
            Command::Downgrade(target) => project.map.downgrade_plan(rows, target),
            Command::Stamp(targets, purge) => {
                project.map.stamp_plan(rows, &strings(targets), purge)
            }
        },
        &RunOptions::default(),
        &mut |_| {},
    )
    .await
}

fn revisions(report: &RunReport) -> Vec<&str> {
    report.steps.iter().map(|s| s.revision.as_str()).collect()
}

fn sorted(items: &[&str]) -> Vec<String> {
    let mut items = strings(items);
    items.sort();
    items
}

async fn upgrade_heads_then_again_is_a_no_op(t: &TestDb) {
    let project = load(t);
    let mut db = t.connect().await;

    let err = run(&mut db, &project, Command::Upgrade("head"))
        .await
        .expect_err("three heads");
    assert_eq!(err.kind(), "multiple_heads", "{err}");
    assert_eq!(rows(&mut db).await, None, "a refused plan writes nothing");

    let report = run(&mut db, &project, Command::Upgrade("heads"))
        .await
        .expect("upgrade heads");
    // R26's order for the sample graph.
    assert_eq!(revisions(&report), vec![A, B, D, C, M, P1, P2, S1, S2]);
    assert_eq!(rows(&mut db).await, Some(sorted(&[M, P2, S2])));
    assert_eq!(
        tables(&mut db).await,
        vec![
            "account",
            "alembic_version",
            "audit_log",
            "local_settings",
            "server_settings"
        ]
    );

    let again = run(&mut db, &project, Command::Upgrade("heads"))
        .await
        .expect("upgrade heads again");
    assert!(again.steps.is_empty(), "{:?}", revisions(&again));
    assert_eq!(rows(&mut db).await, Some(sorted(&[M, P2, S2])));

    let report = run(&mut db, &project, Command::Downgrade("base"))
        .await
        .expect("downgrade base");
    assert_eq!(report.steps.len(), 9);
    assert_eq!(rows(&mut db).await, Some(vec![]));
    assert_eq!(tables(&mut db).await, vec!["alembic_version"]);
    db.close().await;
}

async fn relative_prefix_and_merge_targets(t: &TestDb) {
    let project = load(t);
    let mut db = t.connect().await;

    let report = run(&mut db, &project, Command::Upgrade("3f2a"))
        .await
        .expect("upgrade by prefix");
    assert_eq!(revisions(&report), vec![A]);
    let report = run(&mut db, &project, Command::Upgrade("+1"))
        .await
        .expect("upgrade +1");
    assert_eq!(revisions(&report), vec![B]);
    assert_eq!(rows(&mut db).await, Some(strings(&[B])));

    // To the merge: both branches, then the merge once (R29).
    let report = run(&mut db, &project, Command::Upgrade(M))
        .await
        .expect("upgrade to the merge");
    assert_eq!(revisions(&report), vec![D, C, M]);
    assert_eq!(rows(&mut db).await, Some(strings(&[M])));
    assert_eq!(
        columns(&mut db, "account").await,
        vec!["id", "name", "email", "status"]
    );

    let report = run(&mut db, &project, Command::Downgrade(B))
        .await
        .expect("downgrade below the merge");
    assert_eq!(revisions(&report), vec![M, C, D]);
    assert_eq!(rows(&mut db).await, Some(strings(&[B])));
    assert_eq!(
        columns(&mut db, "account").await,
        vec!["id", "name", "email"]
    );

    let report = run(&mut db, &project, Command::Downgrade("-1"))
        .await
        .expect("downgrade -1");
    assert_eq!(revisions(&report), vec![B]);
    assert_eq!(rows(&mut db).await, Some(strings(&[A])));

    let report = run(&mut db, &project, Command::Downgrade("base"))
        .await
        .expect("downgrade base");
    assert_eq!(revisions(&report), vec![A]);
    assert_eq!(rows(&mut db).await, Some(vec![]));
    db.close().await;
}

async fn branch_labels_and_depends_on(t: &TestDb) {
    let project = load(t);
    let mut db = t.connect().await;

    let report = run(&mut db, &project, Command::Upgrade("sqlite@head"))
        .await
        .expect("upgrade sqlite@head");
    assert_eq!(revisions(&report), vec![S1, S2]);
    assert_eq!(rows(&mut db).await, Some(strings(&[S2])));

    // depends_on pulls in A and B; B's row collapses into P2 (R36).
    let report = run(&mut db, &project, Command::Upgrade("postgres@head"))
        .await
        .expect("upgrade postgres@head");
    assert_eq!(revisions(&report), vec![A, B, P1, P2]);
    assert_eq!(rows(&mut db).await, Some(sorted(&[P2, S2])));

    let report = run(&mut db, &project, Command::Downgrade("sqlite@base"))
        .await
        .expect("downgrade sqlite@base");
    assert_eq!(revisions(&report), vec![S2, S1]);
    assert_eq!(rows(&mut db).await, Some(strings(&[P2])));
    assert!(!tables(&mut db)
        .await
        .contains(&"local_settings".to_string()));
    db.close().await;
}

async fn stamp_and_purge(t: &TestDb) {
    let project = load(t);
    let mut db = t.connect().await;

    run(&mut db, &project, Command::Stamp(&["heads"], false))
        .await
        .expect("stamp heads");
    assert_eq!(rows(&mut db).await, Some(sorted(&[M, P2, S2])));
    assert_eq!(
        tables(&mut db).await,
        vec!["alembic_version"],
        "stamp runs no migration"
    );

    run(&mut db, &project, Command::Stamp(&[A], true))
        .await
        .expect("stamp --purge A");
    assert_eq!(rows(&mut db).await, Some(strings(&[A])));

    // A row naming a revision with no script blocks everything but --purge (R15, R38).
    version_table::apply_change(&mut db, VERSION_TABLE, &insert("ffffffffffff"))
        .await
        .expect("insert an unknown row");
    let err = run(&mut db, &project, Command::Upgrade("heads"))
        .await
        .expect_err("unknown row");
    assert_eq!(
        err.to_string(),
        "Can't locate revision identified by 'ffffffffffff'"
    );
    run(&mut db, &project, Command::Stamp(&[B], true))
        .await
        .expect("stamp --purge B");
    assert_eq!(rows(&mut db).await, Some(strings(&[B])));

    // A stamped database is taken as having A and B applied: only C's migration runs.
    db.execute("CREATE TABLE account (id INTEGER PRIMARY KEY, email VARCHAR(120))")
        .await
        .expect("the schema the stamp vouches for");
    let report = run(&mut db, &project, Command::Upgrade(C))
        .await
        .expect("upgrade from a stamped revision");
    assert_eq!(revisions(&report), vec![C]);
    assert_eq!(rows(&mut db).await, Some(strings(&[C])));
    db.close().await;
}
