//! The runner against real databases, with hand-made plans and scripts. Every scenario runs on
//! SQLite, PostgreSQL and MySQL/MariaDB (see `common::TestDb` for the environment it needs).

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use retort_core::db::Database;
use retort_core::dialect::Dialect;
use retort_core::error::{AppliedStep, Error};
use retort_core::revision::{Direction, Plan};
use retort_core::runner::{self, CancelToken, ProgressEvent, RunOptions, RunReport};
use retort_core::script::Script;
use retort_core::version_table;

dialect_tests!(
    version_table_ddl_is_alembics,
    upgrade_and_downgrade_through_a_merge,
    failure_rolls_back_the_whole_run,
    failure_with_transaction_per_migration_keeps_earlier_revisions,
    concurrent_runs_apply_each_revision_once,
    no_transaction_revision_runs_between_transactions,
    cancel_stops_between_revisions,
    lock_timeout_is_reported,
    reading_never_creates_the_version_table,
    stamp_and_purge_change_rows_only,
    row_change_must_match_one_row,
    progress_events_arrive_in_order,
    schema_qualified_version_table,
    connect_errors_say_what_to_check_and_hide_the_password,
);

async fn run_plan(
    db: &mut Database,
    scripts: &HashMap<String, Script>,
    plan: Plan,
    options: &RunOptions,
) -> Result<RunReport, Error> {
    runner::run(
        db,
        VERSION_TABLE,
        scripts,
        |_| Ok(plan),
        options,
        &mut |_| {},
    )
    .await
}

fn applied(items: &[(&str, &str)]) -> Vec<AppliedStep> {
    items
        .iter()
        .map(|(direction, revision)| AppliedStep {
            direction: direction.to_string(),
            revision: revision.to_string(),
        })
        .collect()
}

/// The sample graph of the reference transcript: A ── B ──┬── C ──┬── M
///                                                         └── D ──┘
const A: &str = "3f2a9c1d0e01";
const B: &str = "7b41e2d9c3a4";
const C: &str = "c0ffee01a1b2";
const D: &str = "c0ffee02d3e4";
const M: &str = "e9f8d7c6b5a4";

fn graph_scripts() -> HashMap<String, Script> {
    let c = script(
        C,
        &[B],
        "CREATE UNIQUE INDEX ix_account_email ON account (email);",
        "DROP INDEX ix_account_email;",
    );
    let c = with_dialect_sql(
        c,
        Direction::Down,
        Dialect::Mysql,
        "DROP INDEX ix_account_email ON account;",
    );
    scripts(vec![
        script(
            A,
            &[],
            "CREATE TABLE account (\n    id INTEGER NOT NULL,\n    name VARCHAR(50) NOT NULL,\n    PRIMARY KEY (id)\n);",
            "DROP TABLE account;",
        ),
        script(
            B,
            &[A],
            "ALTER TABLE account ADD COLUMN email VARCHAR(120);",
            "ALTER TABLE account DROP COLUMN email;",
        ),
        c,
        script(
            D,
            &[B],
            "ALTER TABLE account ADD COLUMN status VARCHAR(20) DEFAULT 'active' NOT NULL;",
            "ALTER TABLE account DROP COLUMN status;",
        ),
        script(M, &[C, D], "", ""),
    ])
}

/// Two revisions: t1, then t2 plus changes to t1 and a statement that fails (R40's experiment).
const T1: &str = "111111111111";
const T2: &str = "222222222222";

fn failing_scripts() -> HashMap<String, Script> {
    scripts(vec![
        script(T1, &[], "CREATE TABLE t1 (id INTEGER PRIMARY KEY);", "DROP TABLE t1;"),
        script(
            T2,
            &[T1],
            "CREATE TABLE t2 (id INTEGER PRIMARY KEY);\nALTER TABLE t1 ADD COLUMN extra VARCHAR(20);\nINSERT INTO t1 (id, extra) VALUES (1, 'x');\nINSERT INTO no_such_table (id) VALUES (1);",
            "DROP TABLE t2;",
        ),
    ])
}

fn failing_plan() -> Plan {
    plan(vec![
        up(T1, &[], vec![insert(T1)]),
        up(T2, &[T1], vec![update(T1, T2)]),
    ])
}

async fn version_table_ddl_is_alembics(t: &TestDb) {
    let mut db = t.connect().await;
    let report = run_plan(
        &mut db,
        &HashMap::new(),
        plan(vec![stamp(A, &[], vec![insert(A)])]),
        &RunOptions::default(),
    )
    .await
    .expect("stamp");
    assert_eq!(report.version_rows, vec![A.to_string()]);
    match t.dialect {
        Dialect::Sqlite => {
            let ddl = db
                .query_strings("SELECT sql FROM sqlite_master WHERE name = 'alembic_version'")
                .await
                .unwrap();
            // Byte for byte what Alembic leaves in sqlite_master (R31).
            assert_eq!(
                ddl,
                vec!["CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)"]
            );
        }
        Dialect::Postgresql => {
            let column = db
                .query_text_rows(
                    "SELECT data_type, character_maximum_length, is_nullable FROM information_schema.columns WHERE table_name = 'alembic_version'",
                )
                .await
                .unwrap();
            assert_eq!(
                column,
                vec![vec![
                    Some("character varying".to_string()),
                    Some("32".to_string()),
                    Some("NO".to_string())
                ]]
            );
            let pk = db
                .query_strings(
                    "SELECT conname FROM pg_constraint WHERE conrelid = 'alembic_version'::regclass AND contype = 'p'",
                )
                .await
                .unwrap();
            assert_eq!(pk, vec!["alembic_version_pkc"]);
        }
        Dialect::Mysql => {
            let column = db
                .query_text_rows(
                    "SELECT column_name, column_type, is_nullable, column_key FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'alembic_version'",
                )
                .await
                .unwrap();
            assert_eq!(
                column,
                vec![vec![
                    Some("version_num".to_string()),
                    Some("varchar(32)".to_string()),
                    Some("NO".to_string()),
                    Some("PRI".to_string())
                ]]
            );
        }
    }
    db.close().await;
}

async fn upgrade_and_downgrade_through_a_merge(t: &TestDb) {
    let scripts = graph_scripts();
    let mut db = t.connect().await;
    let report = run_plan(
        &mut db,
        &scripts,
        plan(vec![
            up(A, &[], vec![insert(A)]),
            up(B, &[A], vec![update(A, B)]),
            up(D, &[B], vec![update(B, D)]),
            up(C, &[B], vec![insert(C)]),
            up(M, &[C, D], vec![delete(C), update(D, M)]),
        ]),
        &RunOptions::default(),
    )
    .await
    .expect("upgrade to the merge");
    assert_eq!(report.steps.len(), 5);
    assert_eq!(report.version_rows, vec![M.to_string()]);
    assert_eq!(
        columns(&mut db, "account").await,
        vec!["id", "name", "email", "status"]
    );

    // Below the merge: M once, then each branch (R29, R34).
    let report = run_plan(
        &mut db,
        &scripts,
        plan(vec![
            down(M, &[C, D], vec![insert(D), update(M, C)]),
            down(C, &[B], vec![delete(C)]),
            down(D, &[B], vec![update(D, B)]),
        ]),
        &RunOptions::default(),
    )
    .await
    .expect("downgrade below the merge");
    assert_eq!(report.version_rows, vec![B.to_string()]);
    assert_eq!(
        columns(&mut db, "account").await,
        vec!["id", "name", "email"]
    );

    let report = run_plan(
        &mut db,
        &scripts,
        plan(vec![
            down(B, &[A], vec![update(B, A)]),
            down(A, &[], vec![delete(A)]),
        ]),
        &RunOptions::default(),
    )
    .await
    .expect("downgrade to base");
    assert!(report.version_rows.is_empty());
    // `downgrade base` leaves the table, empty (R32).
    assert_eq!(rows(&mut db).await, Some(vec![]));
    assert_eq!(tables(&mut db).await, vec!["alembic_version"]);
    db.close().await;
}

async fn failure_rolls_back_the_whole_run(t: &TestDb) {
    let scripts = failing_scripts();
    let mut db = t.connect().await;
    let err = run_plan(&mut db, &scripts, failing_plan(), &RunOptions::default())
        .await
        .expect_err("the fourth statement of 222222222222 fails");
    let statements = scripts[T2]
        .statements(Direction::Up, t.dialect)
        .expect("statements");
    assert_eq!(statements.len(), 4);
    let Error::MigrationFailed {
        revision,
        direction,
        line,
        statement,
        applied: done,
        statements_applied,
        rolled_back,
        version_rows,
        path,
        ..
    } = err
    else {
        panic!("expected MigrationFailed, got {err:?}");
    };
    assert_eq!(revision, T2);
    assert_eq!(direction, "up");
    assert_eq!(path, scripts[T2].path);
    assert_eq!(line, statements[3].line);
    assert_eq!(statement, statements[3].sql);
    match t.dialect {
        Dialect::Sqlite | Dialect::Postgresql => {
            // One transaction for the whole run: nothing remains, not even the version table.
            assert!(rolled_back);
            assert!(done.is_empty());
            assert!(statements_applied.is_empty());
            assert!(version_rows.is_empty());
            assert_eq!(rows(&mut db).await, None);
            assert!(tables(&mut db).await.is_empty());
        }
        Dialect::Mysql => {
            // DDL commits implicitly; the report says exactly what took effect.
            assert!(!rolled_back);
            assert_eq!(done, applied(&[("up", T1)]));
            let expected: Vec<String> = statements[..3].iter().map(|s| s.sql.clone()).collect();
            assert_eq!(statements_applied, expected);
            assert_eq!(version_rows, vec![T1.to_string()]);
            assert_eq!(rows(&mut db).await, Some(vec![T1.to_string()]));
            assert_eq!(tables(&mut db).await, vec!["alembic_version", "t1", "t2"]);
            assert_eq!(columns(&mut db, "t1").await, vec!["id", "extra"]);
            // Retort runs MySQL statements in autocommit, so the INSERT that ran stays too.
            assert_eq!(count(&mut db, "t1").await, 1);
        }
    }
    db.close().await;
}

async fn failure_with_transaction_per_migration_keeps_earlier_revisions(t: &TestDb) {
    let scripts = failing_scripts();
    let mut db = t.connect().await;
    let options = RunOptions {
        transaction_per_migration: true,
        ..RunOptions::default()
    };
    let err = run_plan(&mut db, &scripts, failing_plan(), &options)
        .await
        .expect_err("222222222222 fails");
    let Error::MigrationFailed {
        applied: done,
        rolled_back,
        version_rows,
        statements_applied,
        ..
    } = err
    else {
        panic!("expected MigrationFailed, got {err:?}");
    };
    assert_eq!(done, applied(&[("up", T1)]));
    assert_eq!(version_rows, vec![T1.to_string()]);
    assert_eq!(rows(&mut db).await, Some(vec![T1.to_string()]));
    match t.dialect {
        Dialect::Sqlite | Dialect::Postgresql => {
            assert!(rolled_back);
            assert!(statements_applied.is_empty());
            assert_eq!(tables(&mut db).await, vec!["alembic_version", "t1"]);
            assert_eq!(columns(&mut db, "t1").await, vec!["id"]);
        }
        Dialect::Mysql => {
            assert!(!rolled_back);
            assert_eq!(statements_applied.len(), 3);
            assert_eq!(tables(&mut db).await, vec!["alembic_version", "t1", "t2"]);
        }
    }
    db.close().await;
}

/// The plan `upgrade 222222222222` computes from the rows it is given.
fn upgrade_to_t2(rows: &[String]) -> Plan {
    match rows {
        [] => failing_plan_without_failure(),
        [only] if only == T1 => plan(vec![up(T2, &[T1], vec![update(T1, T2)])]),
        _ => plan(vec![]),
    }
}

fn failing_plan_without_failure() -> Plan {
    plan(vec![
        up(T1, &[], vec![insert(T1)]),
        up(T2, &[T1], vec![update(T1, T2)]),
    ])
}

async fn concurrent_runs_apply_each_revision_once(t: &TestDb) {
    let scripts = Arc::new(scripts(vec![
        script(
            T1,
            &[],
            "CREATE TABLE t1 (id INTEGER PRIMARY KEY);",
            "DROP TABLE t1;",
        ),
        script(
            T2,
            &[T1],
            "CREATE TABLE t2 (id INTEGER PRIMARY KEY);",
            "DROP TABLE t2;",
        ),
    ]));
    let first_started = Arc::new(AtomicBool::new(false));

    let spawn_run = |slow: bool, started: Arc<AtomicBool>, waited: Arc<AtomicBool>| {
        let scripts = Arc::clone(&scripts);
        let url = t.url.clone();
        tokio::spawn(async move {
            let mut db = Database::connect(&url).await.expect("connect");
            let mut on_event = move |event: ProgressEvent| match event {
                ProgressEvent::RunStarted { .. } => started.store(true, Ordering::SeqCst),
                // Hold the lock long enough for the other run to arrive.
                ProgressEvent::StepStarted { .. } if slow => {
                    std::thread::sleep(Duration::from_millis(300))
                }
                ProgressEvent::WaitingForLock { .. } => waited.store(true, Ordering::SeqCst),
                _ => {}
            };
            let report = runner::run(
                &mut db,
                VERSION_TABLE,
                &scripts,
                |rows| Ok(upgrade_to_t2(rows)),
                &RunOptions::default(),
                &mut on_event,
            )
            .await;
            db.close().await;
            report
        })
    };

    let first_waited = Arc::new(AtomicBool::new(false));
    let second_waited = Arc::new(AtomicBool::new(false));
    let first = spawn_run(true, Arc::clone(&first_started), Arc::clone(&first_waited));
    while !first_started.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let second = spawn_run(
        false,
        Arc::new(AtomicBool::new(false)),
        Arc::clone(&second_waited),
    );
    let first = first.await.unwrap().expect("first run");
    let second = second.await.unwrap().expect("second run");

    assert!(
        second_waited.load(Ordering::SeqCst),
        "the second run waited for the lock"
    );
    assert_eq!(first.steps.len(), 2);
    assert!(
        second.steps.is_empty(),
        "the second run found nothing to do"
    );
    assert_eq!(second.version_rows, vec![T2.to_string()]);
    let mut db = t.connect().await;
    assert_eq!(rows(&mut db).await, Some(vec![T2.to_string()]));
    assert_eq!(tables(&mut db).await, vec!["alembic_version", "t1", "t2"]);
    db.close().await;
}

async fn no_transaction_revision_runs_between_transactions(t: &TestDb) {
    const NT: &str = "333333333333";
    const FAIL: &str = "444444444444";
    // Statements that refuse to run inside a transaction where the dialect has such a thing.
    let mut no_tx = script(NT, &[T1], "CREATE INDEX ix_t1_id ON t1 (id);", "");
    no_tx = with_dialect_sql(no_tx, Direction::Up, Dialect::Sqlite, "VACUUM;");
    no_tx = with_dialect_sql(
        no_tx,
        Direction::Up,
        Dialect::Postgresql,
        "CREATE INDEX CONCURRENTLY ix_t1_id ON t1 (id);",
    );
    no_tx.no_transaction = true;
    let scripts =
        scripts(vec![
        script(T1, &[], "CREATE TABLE t1 (id INTEGER PRIMARY KEY);", "DROP TABLE t1;"),
        no_tx,
        script(
            FAIL,
            &[NT],
            "CREATE TABLE t3 (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table (id) VALUES (1);",
            "",
        ),
    ]);
    let mut db = t.connect().await;
    let err = run_plan(
        &mut db,
        &scripts,
        plan(vec![
            up(T1, &[], vec![insert(T1)]),
            up(NT, &[T1], vec![update(T1, NT)]),
            up(FAIL, &[NT], vec![update(NT, FAIL)]),
        ]),
        &RunOptions::default(),
    )
    .await
    .expect_err("the last revision fails");
    let Error::MigrationFailed {
        revision,
        applied: done,
        version_rows,
        rolled_back,
        ..
    } = err
    else {
        panic!("expected MigrationFailed, got {err:?}");
    };
    assert_eq!(revision, FAIL);
    // Everything before the no-transaction revision was committed before it ran.
    assert_eq!(done, applied(&[("up", T1), ("up", NT)]));
    assert_eq!(version_rows, vec![NT.to_string()]);
    assert_eq!(rows(&mut db).await, Some(vec![NT.to_string()]));
    let tables = tables(&mut db).await;
    match t.dialect {
        Dialect::Sqlite | Dialect::Postgresql => {
            assert!(rolled_back);
            assert_eq!(tables, vec!["alembic_version", "t1"]);
        }
        Dialect::Mysql => {
            assert!(!rolled_back);
            assert_eq!(tables, vec!["alembic_version", "t1", "t3"]);
        }
    }
    db.close().await;
}

async fn cancel_stops_between_revisions(t: &TestDb) {
    let scripts = failing_scripts_without_failure();
    let mut db = t.connect().await;
    let cancel = CancelToken::new();
    let options = RunOptions {
        cancel: cancel.clone(),
        ..RunOptions::default()
    };
    let mut on_event = |event: ProgressEvent| {
        if let ProgressEvent::StepFinished { index: 0, .. } = event {
            cancel.cancel();
        }
    };
    let err = runner::run(
        &mut db,
        VERSION_TABLE,
        &scripts,
        |_| Ok(failing_plan_without_failure()),
        &options,
        &mut on_event,
    )
    .await
    .expect_err("cancelled");
    let Error::Cancelled {
        applied: done,
        version_rows,
    } = err
    else {
        panic!("expected Cancelled, got {err:?}");
    };
    // What completed is committed and reported; the rest never started.
    assert_eq!(done, applied(&[("up", T1)]));
    assert_eq!(version_rows, vec![T1.to_string()]);
    assert_eq!(tables(&mut db).await, vec!["alembic_version", "t1"]);
    db.close().await;
}

fn failing_scripts_without_failure() -> HashMap<String, Script> {
    scripts(vec![
        script(
            T1,
            &[],
            "CREATE TABLE t1 (id INTEGER PRIMARY KEY);",
            "DROP TABLE t1;",
        ),
        script(
            T2,
            &[T1],
            "CREATE TABLE t2 (id INTEGER PRIMARY KEY);",
            "DROP TABLE t2;",
        ),
    ])
}

async fn lock_timeout_is_reported(t: &TestDb) {
    let scripts = failing_scripts_without_failure();
    let mut holder = t.connect().await;
    assert!(holder.try_lock(VERSION_TABLE).await.expect("take the lock"));
    let mut db = t.connect().await;
    let options = RunOptions {
        lock_timeout: Duration::from_millis(300),
        ..RunOptions::default()
    };
    let events = Mutex::new(Vec::new());
    let mut on_event = |event: ProgressEvent| events.lock().unwrap().push(event);
    let err = runner::run(
        &mut db,
        VERSION_TABLE,
        &scripts,
        |_| Ok(failing_plan_without_failure()),
        &options,
        &mut on_event,
    )
    .await
    .expect_err("locked");
    assert!(matches!(err, Error::Locked { waited_secs: 1 }), "{err:?}");
    assert!(err.to_string().contains("Another migration is running"));
    let events = events.into_inner().unwrap();
    assert!(matches!(
        events[0],
        ProgressEvent::WaitingForLock { timeout_ms: 300 }
    ));
    assert!(
        matches!(events.last(), Some(ProgressEvent::RunFailed { kind, .. }) if kind == "locked")
    );
    assert!(tables(&mut db).await.is_empty(), "nothing ran");

    holder.unlock().await.expect("release");
    let report = run_plan(&mut db, &scripts, failing_plan_without_failure(), &options)
        .await
        .expect("runs once the lock is free");
    assert_eq!(report.version_rows, vec![T2.to_string()]);
    holder.close().await;
    db.close().await;
}

async fn reading_never_creates_the_version_table(t: &TestDb) {
    let mut db = t.connect().await;
    assert_eq!(
        version_table::read_rows(&mut db, VERSION_TABLE)
            .await
            .unwrap(),
        None
    );
    assert!(!version_table::exists(&mut db, VERSION_TABLE).await.unwrap());
    // A plan with no steps writes nothing (the table is created by the first write).
    let report = run_plan(
        &mut db,
        &HashMap::new(),
        plan(vec![]),
        &RunOptions::default(),
    )
    .await
    .expect("empty plan");
    assert!(report.steps.is_empty() && report.version_rows.is_empty());
    assert_eq!(rows(&mut db).await, None);
    assert!(tables(&mut db).await.is_empty());
    assert!(!db.server_version().await.unwrap().is_empty());
    if let Some(file) = t.sqlite_file() {
        assert!(!file.exists(), "reading must not create the SQLite file");
    }
    db.close().await;
}

async fn stamp_and_purge_change_rows_only(t: &TestDb) {
    let mut db = t.connect().await;
    let none = HashMap::new();
    let options = RunOptions::default();
    let report = run_plan(
        &mut db,
        &none,
        plan(vec![
            stamp(A, &[], vec![insert(A)]),
            stamp("5e6f7a8b9c0d", &[], vec![insert("5e6f7a8b9c0d")]),
        ]),
        &options,
    )
    .await
    .expect("stamp two heads");
    let mut rows_now = report.version_rows.clone();
    rows_now.sort();
    assert_eq!(rows_now, vec![A.to_string(), "5e6f7a8b9c0d".to_string()]);
    run_plan(
        &mut db,
        &none,
        plan(vec![stamp(B, &[A], vec![update(A, B)])]),
        &options,
    )
    .await
    .expect("stamp along the line");
    assert_eq!(
        rows(&mut db).await,
        Some(vec!["5e6f7a8b9c0d".to_string(), B.to_string()])
    );
    // --purge: clear every row (even unknown ones), then stamp from empty.
    run_plan(
        &mut db,
        &none,
        plan(vec![
            stamp(
                "",
                &[B, "5e6f7a8b9c0d"],
                vec![delete(B), delete("5e6f7a8b9c0d")],
            ),
            stamp(M, &[], vec![insert(M)]),
        ]),
        &options,
    )
    .await
    .expect("purge and stamp");
    assert_eq!(rows(&mut db).await, Some(vec![M.to_string()]));
    assert_eq!(tables(&mut db).await, vec!["alembic_version"]);
    db.close().await;
}

async fn row_change_must_match_one_row(t: &TestDb) {
    let mut db = t.connect().await;
    let none = HashMap::new();
    run_plan(
        &mut db,
        &none,
        plan(vec![stamp(A, &[], vec![insert(A)])]),
        &RunOptions::default(),
    )
    .await
    .expect("stamp");
    let err = run_plan(
        &mut db,
        &none,
        plan(vec![stamp(B, &[C], vec![update(C, B)])]),
        &RunOptions::default(),
    )
    .await
    .expect_err("no row names C");
    let Error::MigrationFailed {
        db_message,
        version_rows,
        ..
    } = err
    else {
        panic!("expected MigrationFailed, got {err:?}");
    };
    assert_eq!(
        db_message,
        format!("Online migration expected to match one row when updating '{C}' to '{B}' in 'alembic_version'; 0 found")
    );
    assert_eq!(version_rows, vec![A.to_string()]);
    let err = version_table::apply_change(&mut db, VERSION_TABLE, &delete(C))
        .await
        .expect_err("no row names C");
    assert_eq!(
        err.to_string(),
        format!("Online migration expected to match one row when deleting '{C}' in 'alembic_version'; 0 found")
    );
    db.close().await;
}

async fn progress_events_arrive_in_order(t: &TestDb) {
    let scripts = failing_scripts_without_failure();
    let mut db = t.connect().await;
    let mut events = Vec::new();
    let mut on_event = |event: ProgressEvent| events.push(event);
    runner::run(
        &mut db,
        VERSION_TABLE,
        &scripts,
        |_| Ok(failing_plan_without_failure()),
        &RunOptions::default(),
        &mut on_event,
    )
    .await
    .expect("run");
    let names: Vec<String> = events
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        vec![
            "run_started",
            "step_started",
            "statement_started",
            "statement_finished",
            "step_finished",
            "step_started",
            "statement_started",
            "statement_finished",
            "step_finished",
            "run_finished"
        ]
    );
    match &events[0] {
        ProgressEvent::RunStarted {
            total_steps,
            dialect,
            transactional,
            version_rows,
        } => {
            assert_eq!(*total_steps, 2);
            assert_eq!(*dialect, t.dialect);
            assert_eq!(*transactional, t.dialect != Dialect::Mysql);
            assert!(version_rows.is_empty());
        }
        other => panic!("{other:?}"),
    }
    match &events[5] {
        ProgressEvent::StepStarted {
            index,
            total,
            direction,
            revision,
            from,
            to,
            message,
            statement_count,
        } => {
            assert_eq!((*index, *total, *statement_count), (1, 2, 1));
            assert_eq!(*direction, Direction::Up);
            assert_eq!(revision, T2);
            assert_eq!(from, &vec![T1.to_string()]);
            assert_eq!(to, &vec![T2.to_string()]);
            assert_eq!(message, "revision 222222222222");
        }
        other => panic!("{other:?}"),
    }
    let json = serde_json::to_value(&events[2]).unwrap();
    assert_eq!(
        json["sql"].as_str().unwrap().trim_end_matches(';'),
        "CREATE TABLE t1 (id INTEGER PRIMARY KEY)"
    );
    assert!(matches!(
        events.last(),
        Some(ProgressEvent::RunFinished { version_rows, .. }) if version_rows == &vec![T2.to_string()]
    ));
    db.close().await;
}

async fn schema_qualified_version_table(t: &TestDb) {
    let mut db = t.connect().await;
    let table = match t.dialect {
        Dialect::Sqlite => "main.alembic_version".to_string(),
        Dialect::Postgresql => {
            db.execute("CREATE SCHEMA audit").await.unwrap();
            "audit.alembic_version".to_string()
        }
        Dialect::Mysql => format!("{}.alembic_version", t.url.database_name().unwrap()),
    };
    let report = runner::run(
        &mut db,
        &table,
        &HashMap::new(),
        |rows| {
            assert!(rows.is_empty());
            Ok(plan(vec![stamp(A, &[], vec![insert(A)])]))
        },
        &RunOptions::default(),
        &mut |_| {},
    )
    .await
    .expect("stamp into a qualified table");
    assert_eq!(report.version_rows, vec![A.to_string()]);
    assert_eq!(
        version_table::read_rows(&mut db, &table).await.unwrap(),
        Some(vec![A.to_string()])
    );
    if t.dialect == Dialect::Postgresql {
        // Not on the search path: the unqualified name does not see it.
        assert_eq!(rows(&mut db).await, None);
    }
    db.close().await;
}

async fn connect_errors_say_what_to_check_and_hide_the_password(t: &TestDb) {
    let (raw, hint) = match t.dialect {
        Dialect::Sqlite => (
            format!("sqlite:///{}/no/such/folder/app.db", t.dir().display()),
            "does not exist",
        ),
        Dialect::Postgresql => (
            "postgresql://postgres:hunter2secret@127.0.0.1:1/app".to_string(),
            "Check that the server is running",
        ),
        Dialect::Mysql => (
            "mysql://root:hunter2secret@127.0.0.1:1/app".to_string(),
            "Check that the server is running",
        ),
    };
    let url = retort_core::DatabaseUrl::parse(&raw, t.dir()).unwrap();
    let err = Database::connect(&url).await.expect_err("cannot connect");
    let message = err.to_string();
    assert_eq!(err.kind(), "database");
    assert!(message.contains(hint), "{message}");
    assert!(!message.contains("hunter2secret"), "{message}");
}
