//! (c) Retort driving the project's own Alembic leaves the same version rows and schema as
//! running `alembic` directly, reports each step as it runs, prints Alembic's own `--sql`, and
//! turns failures into structured errors.

use std::path::Path;

use retort_core::ops::{OpenOptions, RunCommand, Workspace};
use retort_core::runner::{ProgressEvent, RunOptions};
use retort_core::{Dialect, Error};
use retort_interop::{interop_tests, rev, Ctx};

interop_tests!(
    "sample",
    retort_drives_alembic_like_alembic,
    progress_events_follow_the_plan,
    offline_sql_is_alembics,
    failures_keep_alembics_output,
);

async fn retort_drives_alembic_like_alembic(ctx: &Ctx) {
    let test = format!("retort_drives_alembic_like_alembic twin {}", ctx.dialect());
    let Some(twin) = Ctx::new(ctx.dialect(), &test, "sample").await else {
        return;
    };
    for step in [
        vec!["upgrade", "sqlite@head"],
        vec!["upgrade", rev::C],
        vec!["upgrade", "heads"],
        vec!["downgrade", rev::D],
        vec!["upgrade", rev::M],
        vec!["downgrade", "base"],
        vec!["upgrade", "postgres@+1"],
    ] {
        let retort = ctx.retort(&step);
        assert!(retort.ok(), "retort {step:?}:\n{retort}");
        // The one line naming the SQLite backup taken first is Retort's own, not progress.
        let is_progress = |l: &&str| !l.is_empty() && !l.starts_with("Backed up ");
        for line in retort.stderr.lines().filter(is_progress) {
            assert!(line.starts_with("Running "), "progress line {line:?}");
        }
        let expected_log: Vec<String> = twin
            .alembic(&step)
            .stderr
            .lines()
            .filter_map(|l| l.split_once("] ").map(|(_, m)| m.to_string()))
            .filter(|m| m.starts_with("Running "))
            .collect();
        let progress: Vec<String> = retort
            .stderr
            .lines()
            .filter(is_progress)
            .map(str::to_string)
            .collect();
        assert_eq!(progress, expected_log, "progress of {step:?}");
        assert_eq!(
            ctx.version_rows().await,
            twin.version_rows().await,
            "rows after {step:?}"
        );
        assert_eq!(
            ctx.schema().await,
            twin.schema().await,
            "schema after {step:?}"
        );
    }
}

fn open(ctx: &Ctx) -> Workspace {
    Workspace::open_with(
        ctx.project(),
        &OpenOptions {
            ini_section: None,
            python: Some(ctx.python.clone()),
        },
    )
    .expect("open the Alembic project")
}

async fn progress_events_follow_the_plan(ctx: &Ctx) {
    let ws = open(ctx);
    assert!(ws.is_alembic());
    let plan = ws.upgrade_plan(&[], "heads").expect("plan");
    let mut events = Vec::new();
    let outcome = ws
        .run(
            &ctx.db.url,
            RunCommand::Upgrade("heads"),
            &RunOptions::default(),
            &mut |event| events.push(event),
        )
        .await
        .expect("upgrade heads through Alembic");
    assert_eq!(outcome.current, ctx.version_rows().await);
    assert_eq!(outcome.current, plan.final_rows);

    let started: Vec<(usize, String, Vec<String>)> = events
        .iter()
        .filter_map(|e| match e {
            ProgressEvent::StepStarted {
                index,
                revision,
                from,
                total,
                ..
            } => {
                assert_eq!(*total, plan.steps.len());
                Some((*index, revision.clone(), from.clone()))
            }
            _ => None,
        })
        .collect();
    let expected: Vec<(usize, String, Vec<String>)> = plan
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.revision.clone(), s.from.clone()))
        .collect();
    assert_eq!(started, expected);
    let finished = events
        .iter()
        .filter(|e| matches!(e, ProgressEvent::StepFinished { .. }))
        .count();
    assert_eq!(finished, plan.steps.len());
    assert!(matches!(
        events.first(),
        Some(ProgressEvent::RunStarted { total_steps: 9, .. })
    ));
    let Some(ProgressEvent::RunFinished { version_rows, .. }) = events.last() else {
        panic!("the last event is RunFinished: {events:?}");
    };
    let mut version_rows = version_rows.clone();
    version_rows.sort();
    assert_eq!(version_rows, plan.final_rows);

    // Stamp stays native and leaves what Alembic's stamp leaves.
    let outcome = ws
        .run(
            &ctx.db.url,
            RunCommand::Stamp {
                targets: &[rev::B.to_string()],
                purge: false,
            },
            &RunOptions::default(),
            &mut |_| {},
        )
        .await
        .expect("stamp");
    let mut expected = vec![rev::S2.to_string(), rev::B.to_string()];
    expected.sort();
    assert_eq!(outcome.current, expected);
}

async fn offline_sql_is_alembics(ctx: &Ctx) {
    for args in [
        vec!["upgrade", "heads", "--sql"],
        vec!["upgrade", &format!("{}:{}", rev::B, rev::M), "--sql"],
        vec!["downgrade", &format!("{}:base", rev::M), "--sql"],
    ] {
        let retort = ctx.retort_ok(&args);
        let alembic = ctx.alembic_ok(&args);
        assert_eq!(retort, alembic, "{args:?}");
        assert!(retort.contains("alembic_version"), "{retort}");
    }
    assert_eq!(
        ctx.version_rows().await,
        Vec::<String>::new(),
        "--sql writes nothing"
    );
}

/// D's upgrade fails after adding its column.
fn break_revision_d(project: &Path) {
    let path = project.join("alembic/versions/c0ffee02d3e4_add_status_to_account.py");
    let text = std::fs::read_to_string(&path).expect("read D");
    let broken = text.replace(
        "    )\n\n\ndef downgrade",
        "    )\n    op.execute(\"SELECT * FROM no_such_table\")\n\n\ndef downgrade",
    );
    assert_ne!(broken, text, "D's upgrade body was found");
    std::fs::write(&path, broken).expect("write D");
}

async fn failures_keep_alembics_output(ctx: &Ctx) {
    break_revision_d(ctx.project());
    let ws = open(ctx);
    let mut events = Vec::new();
    let error = ws
        .run(
            &ctx.db.url,
            RunCommand::Upgrade(rev::M),
            &RunOptions::default(),
            &mut |event| events.push(event),
        )
        .await
        .expect_err("D fails");
    assert_eq!(error.kind(), "alembic");
    let Error::Alembic {
        message,
        output,
        revision,
        direction,
        applied,
        version_rows,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(revision.as_deref(), Some(rev::D), "{error}");
    assert_eq!(direction.as_deref(), Some("up"));
    assert!(message.contains("no_such_table"), "{message}");
    assert!(output.contains("Traceback"), "{output}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("Upgrade of {} failed in Alembic: ", rev::D)),
        "{error}"
    );
    let applied: Vec<&str> = applied.iter().map(|a| a.revision.as_str()).collect();
    if ctx.dialect() == Dialect::Postgresql {
        // One transaction for the whole run: nothing of it remains.
        assert!(applied.is_empty(), "{applied:?}");
        assert!(version_rows.is_empty(), "{version_rows:?}");
    } else {
        assert_eq!(applied, vec![rev::A, rev::B]);
        assert_eq!(version_rows, &vec![rev::B.to_string()]);
    }
    assert_eq!(&ctx.version_rows().await, version_rows);
    assert!(matches!(
        events.last(),
        Some(ProgressEvent::RunFailed { kind, .. }) if kind == "alembic"
    ));

    // The CLI shows the failure with Alembic's output and exits non-zero. (Without
    // transactional DDL, D's column stayed, so the second attempt fails on that instead.)
    let run = ctx.retort(&["upgrade", rev::M]);
    assert!(!run.ok());
    let expected = format!("FAILED: Upgrade of {} failed in Alembic: ", rev::D);
    assert!(run.stderr.contains(&expected), "{run}");
    assert!(run.stderr.contains("Alembic's output:"), "{run}");
    assert!(run.stderr.contains("Traceback"), "{run}");
}

/// env.py that ignores the URL Retort hands over is stopped before any migration runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hardcoded_url_in_env_py_is_refused() {
    let Some(ctx) = Ctx::new(
        Dialect::Sqlite,
        "a_hardcoded_url_in_env_py_is_refused",
        "sample",
    )
    .await
    else {
        return;
    };
    let env_py = ctx.project().join("alembic/env.py");
    let text = std::fs::read_to_string(&env_py).expect("env.py");
    let hardcoded = text.replace(
        "def run_migrations_online() -> None:",
        "config.set_main_option(\"sqlalchemy.url\", \"sqlite:///elsewhere.db\")\n\n\n\
         def run_migrations_online() -> None:",
    );
    assert_ne!(hardcoded, text);
    std::fs::write(&env_py, hardcoded).expect("write env.py");
    let ws = open(&ctx);
    let error = ws
        .run(
            &ctx.db.url,
            RunCommand::Upgrade("heads"),
            &RunOptions::default(),
            &mut |_| {},
        )
        .await
        .expect_err("wrong database");
    assert!(
        error
            .to_string()
            .contains("env.py connected to sqlite:///elsewhere.db"),
        "{error}"
    );
    let elsewhere = ctx.project().join("elsewhere.db");
    if elsewhere.exists() {
        let mut db = retort_core::db::Database::connect(
            &retort_core::DatabaseUrl::parse("sqlite:///elsewhere.db", ctx.project()).unwrap(),
        )
        .await
        .unwrap();
        let tables = db
            .query_strings("SELECT name FROM sqlite_master WHERE type = 'table'")
            .await
            .unwrap();
        assert!(tables.is_empty(), "nothing ran there: {tables:?}");
    }
}

/// A version table named in env.py is the one Retort reads and Alembic writes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_version_table_from_env_py() {
    let Some(ctx) = Ctx::new(
        Dialect::Sqlite,
        "a_custom_version_table_from_env_py",
        "sample",
    )
    .await
    else {
        return;
    };
    let env_py = ctx.project().join("alembic/env.py");
    let text = std::fs::read_to_string(&env_py).expect("env.py");
    let custom = text.replace(
        "connection=connection, target_metadata=target_metadata",
        "connection=connection, target_metadata=target_metadata,\n            version_table=\"retort_versions\"",
    );
    assert_ne!(custom, text);
    std::fs::write(&env_py, custom).expect("write env.py");
    ctx.alembic_ok(&["upgrade", "sqlite@head"]);
    assert_eq!(ctx.version_rows_of("retort_versions").await, vec![rev::S2]);
    let ws = open(&ctx);
    assert_eq!(ws.project.version_table, "retort_versions");
    let state = ws.current(&ctx.db.url).await.expect("current");
    assert_eq!(state.current, vec![rev::S2]);
    ctx.retort_ok(&["upgrade", "heads"]);
    let mut expected = vec![rev::S2, rev::M, rev::P2];
    expected.sort();
    assert_eq!(ctx.version_rows_of("retort_versions").await, expected);
    assert!(
        ctx.version_rows().await.is_empty(),
        "alembic_version untouched"
    );
}

/// A cancelled run stops before Alembic's next step; what finished stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_run_stops_between_steps() {
    let Some(ctx) = Ctx::new(
        Dialect::Sqlite,
        "a_cancelled_run_stops_between_steps",
        "sample",
    )
    .await
    else {
        return;
    };
    let ws = open(&ctx);
    let options = RunOptions::default();
    options.cancel.cancel();
    let mut events = Vec::new();
    let error = ws
        .run(
            &ctx.db.url,
            RunCommand::Upgrade("heads"),
            &options,
            &mut |event| events.push(event),
        )
        .await
        .expect_err("cancelled");
    let Error::Cancelled {
        applied,
        version_rows,
    } = &error
    else {
        panic!("{error:?}");
    };
    assert!(applied.is_empty() && version_rows.is_empty(), "{error:?}");
    assert!(!events
        .iter()
        .any(|e| matches!(e, ProgressEvent::StepStarted { .. })));

    // Cancelling from the progress callback once the first step finished.
    let options = RunOptions::default();
    let cancel = options.cancel.clone();
    let result = ws
        .run(
            &ctx.db.url,
            RunCommand::Upgrade("heads"),
            &options,
            &mut |event| {
                if matches!(event, ProgressEvent::StepFinished { .. }) {
                    cancel.cancel();
                }
            },
        )
        .await;
    let rows = ctx.version_rows().await;
    match result {
        Err(Error::Cancelled {
            applied,
            version_rows,
        }) => {
            println!("cancelled after {} step(s)", applied.len());
            assert!(!applied.is_empty() && applied.len() < 9, "{applied:?}");
            let mut version_rows = version_rows.clone();
            version_rows.sort();
            assert_eq!(version_rows, rows);
        }
        // Alembic may finish every step before it sees the request; never a failure.
        Ok(outcome) => {
            println!("Alembic finished before it saw the cancel request");
            assert_eq!(outcome.current, rows)
        }
        Err(other) => panic!("{other:?}"),
    }
}
