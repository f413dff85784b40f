//! The Backups view's behaviour on `AppState`: the backup before an action, the preview's backup
//! line, listing and restoring, and how each shows in the activity log.

mod common;

use common::Fixture;
use retort_app::dto::{
    ActionKind, ActionRequest, ActivityBackup, ActivityOutcome, BackupEvent, RunEvent,
};
use retort_app::PROJECT_ID;
use retort_core::backup::BackupMode;
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

async fn run_events(fixture: &Fixture, request: &ActionRequest, run_id: &str) -> Vec<RunEvent> {
    let mut events = Vec::new();
    fixture
        .state
        .run_action(request, run_id, None, |event| events.push(event))
        .await
        .expect("the run succeeds");
    events
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_announces_its_backup_before_the_first_revision() {
    let fixture = Fixture::new();
    fixture.state.open_startup_project().await.unwrap();
    fixture
        .state
        .select_connection(PROJECT_ID, None)
        .await
        .unwrap();

    // No database file yet: nothing to back up, so no backup events; the engine's come first.
    let events = run_events(&fixture, &action(ActionKind::Upgrade, "+1"), "first").await;
    assert!(
        events.iter().all(|e| matches!(e, RunEvent::Progress(_))),
        "no backup events without a file: {events:?}"
    );
    assert!(matches!(
        events.first(),
        Some(RunEvent::Progress(ProgressEvent::RunStarted { .. }))
    ));

    // The file exists now: backup_started, backup_finished, then the run's events.
    let events = run_events(&fixture, &action(ActionKind::Upgrade, "head"), "second").await;
    match &events[0] {
        RunEvent::Backup(BackupEvent::BackupStarted {
            database,
            mode,
            tool,
        }) => {
            assert_eq!(database, "nexus.db");
            assert_eq!(*mode, BackupMode::Automatic);
            assert_eq!(tool.as_deref(), Some("VACUUM INTO"));
        }
        other => panic!("expected backup_started first, got {other:?}"),
    }
    let backup = &fixture.state.list_backups(false).unwrap().backups[0];
    match &events[1] {
        RunEvent::Backup(BackupEvent::BackupFinished {
            id,
            file,
            size_bytes,
            ..
        }) => {
            assert_eq!(id, &backup.id);
            assert_eq!(file, &backup.file);
            assert_eq!(*size_bytes, backup.size);
            assert!(*size_bytes > 0);
        }
        other => panic!("expected backup_finished second, got {other:?}"),
    }
    let first_revision = events
        .iter()
        .position(|e| matches!(e, RunEvent::Progress(ProgressEvent::StepStarted { .. })))
        .expect("a revision ran");
    assert!(first_revision > 1);
    assert!(events[2..]
        .iter()
        .all(|e| matches!(e, RunEvent::Progress(_))));

    // On the wire both kinds carry an `event` tag, as the UI reads them.
    let json = serde_json::to_value(&events[..2]).unwrap();
    assert_eq!(json[0]["event"], "backup_started");
    assert_eq!(json[0]["mode"], "automatic");
    assert_eq!(json[1]["event"], "backup_finished");
    assert_eq!(json[1]["size_bytes"], backup.size);
    assert_eq!(
        serde_json::to_value(&events[2]).unwrap()["event"],
        "run_started"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_backs_up_sqlite_first_and_restore_brings_it_back() {
    let fixture = Fixture::new();
    fixture.state.open_startup_project().await.unwrap();
    fixture
        .state
        .select_connection(PROJECT_ID, None)
        .await
        .unwrap();

    // No file yet: the preview says there is nothing to back up, and the run takes no backup.
    let preview = fixture
        .state
        .preview_action(&action(ActionKind::Upgrade, "head"))
        .await
        .unwrap();
    assert_eq!(preview.backup.unwrap().mode, BackupMode::NotNeeded);
    fixture
        .state
        .run_action(&action(ActionKind::Upgrade, "head"), "r1", None, |_| {})
        .await
        .unwrap();
    assert!(fixture
        .state
        .list_backups(false)
        .unwrap()
        .backups
        .is_empty());
    let logged = &fixture.state.activity_list().unwrap()[0];
    assert_eq!(logged.id, "r1");
    assert_eq!(logged.backup, None, "no file, no backup");

    let preview = fixture
        .state
        .preview_action(&action(ActionKind::Downgrade, "base"))
        .await
        .unwrap();
    let plan = preview.backup.unwrap();
    assert_eq!(plan.mode, BackupMode::Automatic);
    assert_eq!(
        plan.message,
        "A backup of nexus.db is taken first (kept: last 10)"
    );

    fixture
        .state
        .run_action(&action(ActionKind::Downgrade, "base"), "r2", None, |_| {})
        .await
        .unwrap();
    assert_eq!(tables(&fixture).await, vec!["alembic_version"]);

    let list = fixture.state.list_backups(false).unwrap();
    assert_eq!(list.backups.len(), 1);
    assert_eq!(list.database.as_deref(), Some("nexus.db"));
    assert!(list.dir.starts_with(&fixture.data().display().to_string()));
    let backup = &list.backups[0];
    assert_eq!(backup.reason, "before downgrade base");
    // The run's entry names the backup taken before it.
    let logged = &fixture.state.activity_list().unwrap()[0];
    assert_eq!(logged.id, "r2");
    assert_eq!(logged.action, "retort downgrade base");
    assert_eq!(logged.backup, Some(ActivityBackup::from(backup)));
    assert!(logged.backup.as_ref().unwrap().file.ends_with(".sqlite"));

    let outcome = fixture
        .state
        .restore_backup(&backup.id, None)
        .await
        .unwrap();
    assert!(outcome.safety_backup.is_some());
    assert!(tables(&fixture).await.contains(&"tasks".to_string()));
    let state = fixture.state.db_state().await.unwrap();
    assert_eq!(state.current, backup.revisions);

    // The restore is in the activity log with the safety backup it took first.
    let logged = &fixture.state.activity_list().unwrap()[0];
    assert_eq!(
        logged.action,
        format!("retort backup restore {}", backup.id)
    );
    assert!(logged.id.starts_with("restore-"), "{}", logged.id);
    assert_eq!(logged.outcome, ActivityOutcome::Succeeded);
    assert_eq!(logged.error, None);
    assert!(
        logged
            .connection
            .starts_with("Project (retort.toml) (sqlite:"),
        "{}",
        logged.connection
    );
    assert!(logged.rows_before.is_empty(), "downgraded to base before");
    assert_eq!(logged.rows_after, backup.revisions);
    let safety = outcome.safety_backup.as_ref().unwrap();
    assert_eq!(safety.reason, format!("before restore of {}", backup.id));
    assert_eq!(logged.backup, Some(ActivityBackup::from(safety)));

    // A restore that fails is logged too, with its error, and changes nothing.
    let error = fixture
        .state
        .restore_backup("no-such-backup", None)
        .await
        .unwrap_err();
    let logged = &fixture.state.activity_list().unwrap()[0];
    assert_eq!(logged.action, "retort backup restore no-such-backup");
    assert_eq!(logged.outcome, ActivityOutcome::Failed);
    assert_eq!(logged.error.as_ref(), Some(&error));
    assert_eq!(logged.backup, None, "it failed before backing anything up");
    assert_eq!(logged.rows_before, backup.revisions);
    assert_eq!(logged.rows_after, backup.revisions);

    // "Back up now" is logged as its own entry naming the new backup.
    let made = fixture.state.back_up_now().await.unwrap().unwrap();
    assert_eq!(made.reason, "on request");
    let logged = &fixture.state.activity_list().unwrap()[0];
    assert_eq!(logged.action, "retort backup create");
    assert_eq!(logged.outcome, ActivityOutcome::Succeeded);
    assert_eq!(logged.backup, Some(ActivityBackup::from(&made)));
    assert_eq!(logged.rows_after, backup.revisions);

    let kept = fixture.state.set_backup_keep(1).unwrap();
    assert_eq!(kept.keep, 1);
    assert_eq!(kept.backups.len(), 1);
    assert!(fixture.state.set_backup_keep(0).is_err());
}
