//! The Troubleshoot view's commands on `AppState`: a demo database whose version table was
//! dropped (tables present) is diagnosed, `upgrade head` fails on it, the offered stamp fix
//! repairs it and is logged; fixes on production need the typed name; the diagnostics export
//! holds the findings, recent activity and log lines, and no password.

mod common;

use common::{Fixture, DEMO};
use retort_app::dto::{ActionKind, ActionRequest, ActivityOutcome, ConnectionInput};
use retort_core::dialect::Dialect;
use retort_core::doctor::Severity;

fn upgrade(target: &str) -> ActionRequest {
    ActionRequest {
        kind: ActionKind::Upgrade,
        target: target.to_string(),
        targets: Vec::new(),
        purge: false,
        backup: None,
    }
}

async fn sql(fixture: &Fixture, statement: &str) {
    let url = retort_core::DatabaseUrl::parse("sqlite:///nexus.db", &fixture.demo()).unwrap();
    let mut db = retort_core::db::Database::connect(&url).await.unwrap();
    db.execute(statement).await.unwrap();
    db.close().await;
}

/// The demo database at `revision`, then stripped of its version table.
async fn without_version_table(fixture: &Fixture, revision: &str) {
    fixture
        .state
        .run_action(&upgrade(revision), "setup", None, |_| {})
        .await
        .expect("upgrade");
    sql(fixture, "DROP TABLE alembic_version").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_version_table_is_found_and_the_stamp_fix_repairs_it() {
    let fixture = Fixture::ready().await;
    without_version_table(&fixture, DEMO[3]).await;

    let findings = fixture.state.diagnose().await.expect("diagnose");
    let finding = findings
        .iter()
        .find(|f| f.check == "version_table")
        .unwrap_or_else(|| panic!("no version_table finding: {findings:?}"));
    assert_eq!(finding.severity, Severity::Problem);
    assert_eq!(findings[0].severity, Severity::Problem, "problems first");
    let fix = &finding.fixes[0];
    assert_eq!(fix.id, format!("stamp:{}", DEMO[3]), "{finding:?}");
    assert!(
        fix.sql_preview.iter().any(|s| s.contains(DEMO[3])),
        "{fix:?}"
    );
    // Diagnosing only reads: still no version table.
    assert!(!fixture.state.db_state().await.unwrap().version_table_exists);

    // What the user hits: upgrade head tries to create the tables again.
    let error = fixture
        .state
        .run_action(&upgrade("head"), "fails", None, |_| {})
        .await
        .expect_err("tables exist");
    assert_eq!(error.kind, "migration_failed");
    assert!(error.message.contains("already exists"), "{error:?}");

    let outcome = fixture.state.apply_fix(&fix.id, None).await.expect("fix");
    assert_eq!(outcome.fix, fix.id);
    assert!(outcome.message.contains(DEMO[3]), "{outcome:?}");
    let state = fixture.state.db_state().await.unwrap();
    assert!(state.version_table_exists);
    assert_eq!(state.current, vec![DEMO[3].to_string()]);

    let logged = &fixture.state.activity_list().unwrap()[0];
    assert_eq!(logged.action, format!("retort doctor --fix {}", fix.id));
    assert_eq!(logged.outcome, ActivityOutcome::Succeeded);
    assert_eq!(logged.rows_after, vec![DEMO[3].to_string()]);
    assert!(logged.rows_before.is_empty());
    assert!(logged.sql.contains("retort stamp"), "{}", logged.sql);
    // The fix wrote to the SQLite file: the backup taken first is named in the entry.
    let taken = logged.backup.as_ref().expect("a backup before the fix");
    let backups = fixture.state.list_backups(false).unwrap().backups;
    let listed = backups
        .iter()
        .find(|b| b.id == taken.id)
        .unwrap_or_else(|| panic!("{taken:?} not in {backups:?}"));
    assert_eq!(listed.reason, format!("before doctor --fix {}", fix.id));
    assert_eq!(listed.file, taken.file);
    assert!(listed.revisions.is_empty(), "taken without a version table");

    // Fixed: the check has nothing to say any more, and upgrade head works.
    let findings = fixture.state.diagnose().await.unwrap();
    assert!(
        !findings
            .iter()
            .any(|f| f.check == "version_table" && f.severity == Severity::Problem),
        "{findings:?}"
    );
    let outcome = fixture
        .state
        .run_action(&upgrade("head"), "after", None, |_| {})
        .await
        .expect("upgrade head after the fix");
    assert_eq!(outcome.current, vec![DEMO[6].to_string()]);
    // An upgrade on SQLite carries the id of the backup taken before it.
    let logged = &fixture.state.activity_list().unwrap()[0];
    assert_eq!(logged.id, "after");
    let taken = logged.backup.as_ref().expect("a backup before the upgrade");
    let listed = fixture.state.list_backups(false).unwrap().backups;
    assert_eq!(listed[0].id, taken.id, "the newest backup");
    assert_eq!(listed[0].reason, "before upgrade head");
    assert_eq!(listed[0].revisions, vec![DEMO[3].to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_fix_fails_changes_nothing_and_is_logged() {
    let fixture = Fixture::ready().await;
    let error = fixture
        .state
        .apply_fix("drop-everything", None)
        .await
        .expect_err("unknown fix");
    assert_eq!(error.kind, "command");
    assert!(error.message.contains("drop-everything"), "{error:?}");
    let logged = &fixture.state.activity_list().unwrap()[0];
    assert_eq!(logged.outcome, ActivityOutcome::Failed);
    assert_eq!(logged.error.as_ref(), Some(&error));

    let empty = fixture.state.apply_fix("  ", None).await.unwrap_err();
    assert_eq!(empty.kind, "invalid_input");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixes_on_production_need_the_database_name() {
    let fixture = Fixture::ready().await;
    let path = fixture.dir.path().join("prod.db");
    let saved = fixture
        .state
        .save_connection(ConnectionInput {
            id: None,
            name: "Production".to_string(),
            dialect: Dialect::Sqlite,
            host: None,
            port: None,
            database: None,
            user: None,
            password: None,
            sqlite_path: Some(path.display().to_string()),
            production: true,
        })
        .await
        .unwrap();
    fixture
        .state
        .select_connection(&saved.id, None)
        .await
        .unwrap();
    let error = fixture
        .state
        .apply_fix("upgrade-head", Some("nexus.db"))
        .await
        .unwrap_err();
    assert_eq!(error.kind, "confirmation_required");
    assert!(error.message.contains("prod.db"), "{error:?}");
    assert!(!path.exists(), "nothing ran");
    let outcome = fixture
        .state
        .apply_fix("upgrade-head", Some("prod.db"))
        .await
        .expect("confirmed");
    assert!(outcome.message.contains(DEMO[6]), "{outcome:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_diagnostics_export_holds_findings_and_activity_without_secrets() {
    let fixture = Fixture::ready().await;
    without_version_table(&fixture, DEMO[1]).await;
    // A log line that carries a password (as a careless driver message might).
    let logs = fixture.data().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(
        logs.join(format!(
            "{}.2026-11-25",
            retort_app::logging::LOG_FILE_PREFIX
        )),
        "INFO connecting to postgres://deploy:s3cret-pa55@db.internal/nexus\n",
    )
    .unwrap();
    let json = fixture.dir.path().join("diag.json");
    fixture
        .state
        .export_diagnostics_to(&json)
        .await
        .expect("export JSON");
    let text = std::fs::read_to_string(&json).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let checks: Vec<&str> = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["check"].as_str())
        .collect();
    assert!(checks.contains(&"version_table"), "{text}");
    assert!(
        text.contains("retort upgrade"),
        "the activity is in: {text}"
    );
    assert!(text.contains(&fixture.demo().display().to_string()));
    assert!(
        text.contains("db.internal/nexus"),
        "the log line is in: {text}"
    );
    assert!(!text.contains("s3cret-pa55"), "{text}");

    let md = fixture.dir.path().join("diag.md");
    fixture
        .state
        .export_diagnostics_to(&md)
        .await
        .expect("export Markdown");
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.starts_with("# Retort diagnostics"), "{text}");
    assert!(text.contains("version_table"), "{text}");
    assert!(!text.contains("s3cret-pa55"), "{text}");
    // Exporting only reads.
    assert!(!fixture.state.db_state().await.unwrap().version_table_exists);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_revision_row_is_explained_and_replaced_by_the_head() {
    let fixture = Fixture::ready().await;
    fixture
        .state
        .run_action(&upgrade(DEMO[1]), "setup", None, |_| {})
        .await
        .expect("upgrade");
    sql(
        &fixture,
        "UPDATE alembic_version SET version_num = 'ffffeeee0000'",
    )
    .await;
    // What the user hits: the position cannot be resolved.
    let error = fixture
        .state
        .preview_action(&upgrade("head"))
        .await
        .expect_err("unknown revision");
    assert!(error.message.contains("Can't locate revision"), "{error:?}");

    let findings = fixture.state.diagnose().await.unwrap();
    let finding = findings
        .iter()
        .find(|f| f.check == "unknown_revision")
        .unwrap_or_else(|| panic!("{findings:?}"));
    assert_eq!(finding.severity, Severity::Problem);
    let fix = &finding.fixes[0];
    assert_eq!(fix.id, format!("stamp-purge:{}", DEMO[6]));
    assert!(fix.destructive);
    fixture.state.apply_fix(&fix.id, None).await.expect("fix");
    let state = fixture.state.db_state().await.unwrap();
    assert_eq!(state.current, vec![DEMO[6].to_string()]);
    let logged = &fixture.state.activity_list().unwrap()[0];
    assert_eq!(logged.rows_before, vec!["ffffeeee0000".to_string()]);
    assert_eq!(logged.rows_after, vec![DEMO[6].to_string()]);
}
