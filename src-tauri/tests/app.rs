//! The commands' behaviour, called directly on `AppState` (no window, no IPC): the demo project
//! copied to a temp folder with its SQLite database there.

mod common;

use std::sync::{Arc, Mutex};

use common::{Fixture, DEMO};
use retort_app::dto::{
    ActionKind, ActionRequest, ActivityOutcome, ConnectionInput, ConnectionSource, RunEvent,
};
use retort_app::PROJECT_ID;
use retort_core::dialect::Dialect;
use retort_core::runner::ProgressEvent;

fn action(kind: ActionKind, target: &str) -> ActionRequest {
    ActionRequest {
        kind,
        target: target.to_string(),
        targets: Vec::new(),
        purge: false,
        backup: None,
    }
}

fn upgrade(target: &str) -> ActionRequest {
    action(ActionKind::Upgrade, target)
}

fn downgrade(target: &str) -> ActionRequest {
    action(ActionKind::Downgrade, target)
}

async fn run(
    fixture: &Fixture,
    request: &ActionRequest,
    run_id: &str,
) -> (
    Result<retort_core::ops::RunOutcome, retort_app::ApiError>,
    Vec<ProgressEvent>,
) {
    let mut events = Vec::new();
    let result = fixture
        .state
        .run_action(request, run_id, None, |event| {
            if let RunEvent::Progress(event) = event {
                events.push(event)
            }
        })
        .await;
    (result, events)
}

async fn tables(fixture: &Fixture) -> Vec<String> {
    let url = retort_core::DatabaseUrl::parse("sqlite:///nexus.db", &fixture.demo()).unwrap();
    let mut db = retort_core::db::Database::connect(&url).await.unwrap();
    let tables = db
        .query_strings("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .await
        .unwrap();
    db.close().await;
    tables
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_opens_the_demo_project_with_its_timeline() {
    let fixture = Fixture::new();
    assert!(fixture.state.current_project().unwrap().is_none());
    let view = fixture.state.open_startup_project().await.unwrap();
    assert_eq!(view.revisions.len(), 7);
    assert_eq!(view.revisions[0].revision, DEMO[6], "newest first");
    assert_eq!(view.timeline.rows.len(), 7);
    assert_eq!(view.timeline.lanes, 2);
    assert_eq!(view.version_table, "alembic_version");
    assert!(view.is_demo);

    let recent = fixture.state.recent_projects().unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].name, "demo");

    // Opened again at the next start: the recent project, not a fresh demo.
    let again = retort_app::AppState::new(
        retort_app::AppPaths::under(&fixture.data(), fixture.dir.path().join("elsewhere")),
        retort_app::Keychain::disabled(),
    );
    assert_eq!(again.open_startup_project().await.unwrap().path, view.path);

    let info = fixture.state.app_info();
    assert!(!info.keychain_available);
    assert_eq!(info.data_dir, fixture.data().display().to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_project_url_is_listed_and_nothing_is_created_by_reading() {
    let fixture = Fixture::ready().await;
    let connections = fixture.state.list_connections().unwrap();
    let project = connections.iter().find(|c| c.id == PROJECT_ID).unwrap();
    assert_eq!(project.source, ConnectionSource::Project);
    assert_eq!(project.dialect, Dialect::Sqlite);
    assert!(project.selected);
    assert_eq!(project.database.as_deref(), Some("nexus.db"));
    let state = fixture.state.db_state().await.unwrap();
    assert_eq!(state.connection_id.as_deref(), Some(PROJECT_ID));
    assert!(!state.version_table_exists);
    assert!(state.current.is_empty());
    assert!(!fixture.nexus_db().exists(), "reading creates no file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preview_and_show_sql_run_nothing() {
    let fixture = Fixture::ready().await;
    let preview = fixture
        .state
        .preview_action(&upgrade("head"))
        .await
        .unwrap();
    assert_eq!(preview.steps.len(), 7);
    assert_eq!(preview.steps[0].revision, DEMO[0]);
    assert!(preview.atomic);
    assert_eq!(preview.retort_command, "retort upgrade head");
    assert_eq!(preview.alembic_command, "alembic upgrade head");

    let sql = fixture.state.offline_sql(&upgrade("+1")).await.unwrap();
    assert!(sql.contains("CREATE TABLE users"), "{sql}");
    assert!(sql.contains("CREATE TABLE alembic_version"), "{sql}");
    assert!(
        !sql.contains("CREATE TABLE projects"),
        "only one revision: {sql}"
    );
    assert!(!fixture.nexus_db().exists());

    let error = fixture
        .state
        .preview_action(&upgrade("nope"))
        .await
        .unwrap_err();
    assert_eq!(error.kind, "resolution");
    let error = fixture
        .state
        .preview_action(&upgrade(" "))
        .await
        .unwrap_err();
    assert_eq!(error.kind, "invalid_input");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_report_progress_in_order_and_move_the_database() {
    let fixture = Fixture::ready().await;
    let (outcome, events) = run(&fixture, &upgrade("+1"), "run-1").await;
    let outcome = outcome.unwrap();
    assert_eq!(outcome.current, vec![DEMO[0].to_string()]);
    assert!(matches!(
        events.first(),
        Some(ProgressEvent::RunStarted { total_steps: 1, .. })
    ));
    assert!(
        matches!(events.get(1), Some(ProgressEvent::StepStarted { index: 0, revision, .. }) if revision == DEMO[0])
    );
    assert!(events.iter().any(|e| matches!(e, ProgressEvent::StatementStarted { sql, .. } if sql.contains("CREATE TABLE users"))));
    assert!(matches!(
        events.last(),
        Some(ProgressEvent::RunFinished { .. })
    ));
    let json = serde_json::to_value(&events[1]).unwrap();
    assert_eq!(
        json["event"], "step_started",
        "events are tagged for the UI"
    );

    let state = fixture.state.db_state().await.unwrap();
    assert_eq!(state.current, vec![DEMO[0].to_string()]);

    let (outcome, _) = run(&fixture, &upgrade("head"), "run-2").await;
    assert_eq!(outcome.unwrap().current, vec![DEMO[6].to_string()]);
    let (outcome, _) = run(&fixture, &downgrade("base"), "run-3").await;
    assert!(outcome.unwrap().current.is_empty());
    assert_eq!(tables(&fixture).await, vec!["alembic_version".to_string()]);

    let log = fixture.state.activity_list().unwrap();
    let ids: Vec<&str> = log.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, vec!["run-3", "run-2", "run-1"], "newest first");
    assert!(log.iter().all(|e| e.outcome == ActivityOutcome::Succeeded));
    assert_eq!(log[2].action, "retort upgrade +1");
    assert_eq!(log[2].plan.len(), 1);
    assert!(log[2].sql.contains("CREATE TABLE users"));
    assert!(log[2].connection.contains("nexus.db"));
    assert_eq!(log[1].rows_before, vec![DEMO[0].to_string()]);
    assert_eq!(log[1].rows_after, vec![DEMO[6].to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_cancelled_between_revisions_keeps_what_completed() {
    let fixture = Fixture::ready().await;
    let state = &fixture.state;
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let result = state
        .run_action(&upgrade("head"), "cancel-me", None, |event| {
            if matches!(
                event,
                RunEvent::Progress(ProgressEvent::StepFinished { index: 0, .. })
            ) {
                state.cancel_run("cancel-me");
            }
            seen.lock().unwrap().push(event);
        })
        .await;
    let error = result.unwrap_err();
    assert_eq!(error.kind, "cancelled");
    let data = error.data.expect("where it stopped");
    assert_eq!(data.applied.len(), 1);
    assert_eq!(data.version_rows, vec![DEMO[0].to_string()]);
    assert!(
        matches!(events.lock().unwrap().last(), Some(RunEvent::Progress(ProgressEvent::RunFailed { kind, .. })) if kind == "cancelled")
    );
    assert_eq!(
        state.db_state().await.unwrap().current,
        vec![DEMO[0].to_string()]
    );
    assert_eq!(
        state.activity_list().unwrap()[0].outcome,
        ActivityOutcome::Cancelled
    );

    // The token is gone with the run: cancelling now is harmless, and the id is free again.
    state.cancel_run("cancel-me");
    let (outcome, _) = run(&fixture, &upgrade("head"), "cancel-me").await;
    assert_eq!(outcome.unwrap().current, vec![DEMO[6].to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_revision_reports_where_and_leaves_the_database_unchanged() {
    let fixture = Fixture::ready().await;
    let (outcome, _) = run(&fixture, &upgrade("+1"), "first").await;
    outcome.unwrap();
    std::fs::write(
        fixture.demo().join("versions/8badbadbad08_broken.sql"),
        "-- Revision ID: 8badbadbad08\n-- Revises: 7fcd8a9bac07\n-- Create Date: 2026-11-24 11:00:00\n-- Message: broken\n\n-- migrate:up\nCREATE TABLE users (id INTEGER);\n\n-- migrate:down\n",
    )
    .unwrap();
    let view = fixture.state.reload_project().await.unwrap();
    assert_eq!(view.revisions.len(), 8);

    let (result, events) = run(&fixture, &upgrade("head"), "broken").await;
    let error = result.unwrap_err();
    assert_eq!(error.kind, "migration_failed");
    let data = error.data.clone().expect("failure data");
    assert_eq!(data.revision.as_deref(), Some("8badbadbad08"));
    assert_eq!(data.line, Some(7));
    assert!(data.rolled_back);
    assert!(data.db_message.unwrap().contains("already exists"));
    assert_eq!(
        data.version_rows,
        vec![DEMO[0].to_string()],
        "SQLite rolls the whole run back"
    );
    assert!(matches!(
        events.last(),
        Some(ProgressEvent::RunFailed { .. })
    ));
    assert_eq!(
        fixture.state.db_state().await.unwrap().current,
        vec![DEMO[0].to_string()]
    );
    let logged = &fixture.state.activity_list().unwrap()[0];
    assert_eq!(logged.outcome, ActivityOutcome::Failed);
    assert_eq!(logged.error.as_ref(), Some(&error));
}

fn sqlite_input(fixture: &Fixture, name: &str, production: bool) -> ConnectionInput {
    ConnectionInput {
        id: None,
        name: name.to_string(),
        dialect: Dialect::Sqlite,
        host: None,
        port: None,
        database: None,
        user: None,
        password: None,
        sqlite_path: Some(fixture.dir.path().join("prod.db").display().to_string()),
        production,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_connections_need_the_database_name_typed() {
    let fixture = Fixture::ready().await;
    let saved = fixture
        .state
        .save_connection(sqlite_input(&fixture, "Production", true))
        .await
        .unwrap();
    assert!(saved.production);
    assert_eq!(saved.database.as_deref(), Some("prod.db"));
    let state = fixture
        .state
        .select_connection(&saved.id, None)
        .await
        .unwrap();
    assert!(state.production);
    assert_eq!(state.database.as_deref(), Some("prod.db"));

    for confirm in [None, Some("nexus.db")] {
        let error = fixture
            .state
            .run_action(&upgrade("+1"), "p", confirm, |_| {})
            .await
            .unwrap_err();
        assert_eq!(error.kind, "confirmation_required");
        assert!(error.message.contains("prod.db"));
    }
    assert!(!fixture.dir.path().join("prod.db").exists(), "nothing ran");
    let outcome = fixture
        .state
        .run_action(&upgrade("+1"), "p", Some("prod.db"), |_| {})
        .await
        .unwrap();
    assert_eq!(outcome.current, vec![DEMO[0].to_string()]);
    // Previews and Show SQL read only: no confirmation.
    fixture
        .state
        .preview_action(&upgrade("head"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_connections_keep_passwords_out_of_files_without_a_keychain() {
    let fixture = Fixture::ready().await;
    let input = ConnectionInput {
        id: None,
        name: "Staging".to_string(),
        dialect: Dialect::Postgresql,
        host: Some("127.0.0.1".to_string()),
        port: Some(5432),
        database: Some("staging".to_string()),
        user: Some("app".to_string()),
        password: Some("Secret-Pa55".to_string()),
        sqlite_path: None,
        production: false,
    };
    let saved = fixture.state.save_connection(input.clone()).await.unwrap();
    assert_eq!(saved.source, ConnectionSource::Saved);
    assert!(!saved.password_saved, "no keychain");
    assert!(saved.password_required);
    assert_eq!(saved.display_url, "postgresql://app@127.0.0.1:5432/staging");
    let stored = std::fs::read_to_string(fixture.data().join("connections.json")).unwrap();
    assert!(!stored.contains("Secret-Pa55"), "{stored}");

    let error = fixture
        .state
        .select_connection(&saved.id, None)
        .await
        .unwrap_err();
    assert_eq!(error.kind, "password_required");

    // Edit without a password: the need for one stays.
    let edited = fixture
        .state
        .save_connection(ConnectionInput {
            id: Some(saved.id.clone()),
            name: "Staging DB".to_string(),
            password: None,
            ..input.clone()
        })
        .await
        .unwrap();
    assert_eq!(edited.id, saved.id);
    assert!(edited.password_required);

    let copy = fixture.state.duplicate_connection(&saved.id).await.unwrap();
    assert_ne!(copy.id, saved.id);
    assert_eq!(copy.name, "Staging DB (copy)");
    let copy_of_project = fixture
        .state
        .duplicate_connection(PROJECT_ID)
        .await
        .unwrap();
    assert_eq!(copy_of_project.dialect, Dialect::Sqlite);
    assert_eq!(copy_of_project.source, ConnectionSource::Saved);

    fixture.state.delete_connection(&copy.id).await.unwrap();
    let ids: Vec<String> = fixture
        .state
        .list_connections()
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert!(ids.contains(&saved.id) && !ids.contains(&copy.id));
    assert_eq!(
        fixture
            .state
            .delete_connection(PROJECT_ID)
            .await
            .unwrap_err()
            .kind,
        "invalid_input"
    );
    assert_eq!(
        fixture
            .state
            .select_connection("saved-nope", None)
            .await
            .unwrap_err()
            .kind,
        "no_connection"
    );
    let bad_host = fixture
        .state
        .save_connection(ConnectionInput {
            host: Some("db:5432".to_string()),
            ..input
        })
        .await
        .unwrap_err();
    assert_eq!(bad_host.kind, "url");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_tests_name_the_problem() {
    let fixture = Fixture::ready().await;
    let result = fixture
        .state
        .test_connection(PROJECT_ID, None)
        .await
        .unwrap();
    assert!(result.ok, "{result:?}");
    let refused = fixture
        .state
        .test_connection_input(ConnectionInput {
            id: None,
            name: String::new(),
            dialect: Dialect::Postgresql,
            host: Some("127.0.0.1".to_string()),
            port: Some(1),
            database: Some("app".to_string()),
            user: Some("app".to_string()),
            password: Some("x".to_string()),
            sqlite_path: None,
            production: false,
        })
        .await
        .unwrap();
    assert!(!refused.ok);
    let error = refused.error.unwrap();
    assert_eq!(error.kind.name(), "connection_refused");
    assert_eq!(
        serde_json::to_value(&error).unwrap()["kind"],
        "connection_refused"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revision_details_show_the_sql_for_the_dialect() {
    let fixture = Fixture::ready().await;
    let detail = fixture.state.revision_detail(DEMO[5]).unwrap();
    assert_eq!(
        detail.parents,
        vec![DEMO[3].to_string(), DEMO[4].to_string()]
    );
    assert_eq!(detail.children, vec![DEMO[6].to_string()]);
    assert_eq!(detail.dialect, Dialect::Sqlite);
    let first = fixture.state.revision_detail("1f0c").unwrap();
    assert!(first.up_sql.contains("CREATE TABLE users"));
    assert!(first.down_sql.contains("DROP TABLE users"));
    assert!(first
        .path
        .unwrap()
        .ends_with("1f0c0a1b2c01_create_users_table.sql"));
    assert_eq!(
        fixture.state.revision_detail("zzz").unwrap_err().kind,
        "resolution"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_projects_are_created_and_opened() {
    let fixture = Fixture::ready().await;
    let dir = fixture.dir.path().join("fresh");
    let view = fixture.state.new_project(&dir).await.unwrap();
    assert!(view.revisions.is_empty());
    assert!(!view.is_demo);
    assert!(dir.join("retort.toml").is_file());
    assert!(dir.join("migrations/versions").is_dir());
    assert_eq!(fixture.state.recent_projects().unwrap()[0].name, "fresh");
    let error = fixture.state.new_project(&dir).await.unwrap_err();
    assert_eq!(error.kind, "config", "refuses to overwrite");
    let missing = fixture
        .state
        .open_project(&fixture.dir.path().join("nowhere"))
        .await
        .unwrap_err();
    assert_eq!(missing.kind, "config");
}
