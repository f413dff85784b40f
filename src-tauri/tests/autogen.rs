//! "Autogenerate revision…" on the demo project's SQLite database: a hand-made change becomes a
//! revision file, and the reloaded project shows it as the new head.

mod common;

use common::Fixture;
use retort_app::dto::{ActionKind, ActionRequest};
use retort_app::PROJECT_ID;
use retort_core::db::Database;
use retort_core::DatabaseUrl;

#[tokio::test]
async fn autogenerate_writes_a_revision_and_reloads_the_project() {
    let fixture = Fixture::new();
    let state = &fixture.state;
    state.open_startup_project().await.expect("demo opens");
    state
        .select_connection(PROJECT_ID, None)
        .await
        .expect("select the project URL");

    let empty = state
        .autogenerate_revision("  ")
        .await
        .expect_err("no message");
    assert_eq!(empty.kind, "invalid_input");

    let upgrade = ActionRequest {
        kind: ActionKind::Upgrade,
        target: "head".to_string(),
        targets: Vec::new(),
        purge: false,
        backup: None,
    };
    state
        .run_action(&upgrade, "up", None, |_| {})
        .await
        .expect("upgrade head");
    let nothing = state
        .autogenerate_revision("nothing")
        .await
        .expect_err("no drift yet");
    assert!(
        nothing.message.contains("No changes detected"),
        "{nothing:?}"
    );

    let url = DatabaseUrl::parse("sqlite:///nexus.db", &fixture.demo()).unwrap();
    let mut db = Database::connect(&url).await.unwrap();
    db.execute("ALTER TABLE users ADD COLUMN nickname VARCHAR(40)")
        .await
        .unwrap();
    db.close().await;

    let result = state
        .autogenerate_revision("add nickname")
        .await
        .expect("autogenerate");
    assert_eq!(
        result.up_sql,
        "ALTER TABLE users ADD COLUMN nickname VARCHAR(40);\n"
    );
    assert!(std::path::Path::new(&result.path).exists());
    let project = state.current_project().unwrap().expect("a project");
    assert_eq!(project.revisions[0].revision, result.revision);
    assert!(project.revisions[0].is_head);
}
