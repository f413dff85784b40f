//! The schema view's commands on the demo project's SQLite database: snapshots only read, a
//! table's first rows, and the before/after diff of a run.

mod common;

use common::Fixture;
use retort_app::dto::{ActionKind, ActionRequest};

fn action(kind: ActionKind, target: &str) -> ActionRequest {
    ActionRequest {
        kind,
        target: target.to_string(),
        targets: Vec::new(),
        purge: false,
        backup: None,
    }
}

#[tokio::test]
async fn a_snapshot_of_a_missing_database_creates_nothing() {
    let fixture = Fixture::ready().await;
    let schema = fixture.state.schema_snapshot(None).await.expect("snapshot");
    assert!(schema.tables.is_empty());
    assert!(!fixture.nexus_db().exists());
}

#[tokio::test]
async fn runs_record_what_they_changed_and_tables_show_their_rows() {
    let fixture = Fixture::ready().await;
    let state = &fixture.state;
    state
        .run_action_with_diff(&action(ActionKind::Upgrade, "head"), "up", None, |_| {})
        .await
        .expect("upgrade head");
    let diff = state.run_schema_diff("up").expect("a diff for the run");
    assert!(
        diff.tables_added.iter().any(|t| t.ends_with("users")),
        "{diff:?}"
    );
    assert!(diff
        .tables_added
        .iter()
        .any(|t| t.ends_with("alembic_version")));
    assert!(state.run_schema_diff("other").is_none());

    let schema = state.schema_snapshot(None).await.expect("snapshot");
    let version = schema.find("alembic_version").expect("version table");
    assert!(version.is_version_table);
    let tasks = schema.find("tasks").expect("tasks");
    assert!(!tasks.foreign_keys.is_empty());

    let rows = state
        .table_rows(None, "alembic_version", 10)
        .await
        .expect("rows");
    assert_eq!(rows.total_count, 1);
    assert_eq!(rows.columns, vec!["version_num"]);
    assert_eq!(rows.rows.len(), 1);
    let missing = state.table_rows(None, "nope", 10).await.unwrap_err();
    assert_eq!(missing.kind, "invalid_input");

    state
        .run_action_with_diff(&action(ActionKind::Downgrade, "-1"), "down", None, |_| {})
        .await
        .expect("downgrade");
    let diff = state.run_schema_diff("down").expect("a diff for the run");
    assert!(!diff.is_empty(), "{diff:?}");
}

#[tokio::test]
async fn a_revision_shows_its_schema_change_without_touching_the_database() {
    let fixture = Fixture::ready().await;
    let diff = fixture
        .state
        .revision_schema_diff("7fcd8a9bac07")
        .await
        .expect("revision diff");
    assert_eq!(diff.tables_altered.len(), 1, "{diff:?}");
    assert_eq!(diff.tables_altered[0].name, "tasks");
    assert!(diff.tables_altered[0]
        .changes
        .iter()
        .any(|c| c.name == "updated_at"));
    assert!(
        !fixture.nexus_db().exists(),
        "the selected database was created"
    );
}
