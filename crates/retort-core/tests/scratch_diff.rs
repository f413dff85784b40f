//! The schema change one revision makes, replayed into a scratch database of the same dialect
//! (never the user's database), on the demo project.

use std::path::Path;

use retort_core::dialect::Dialect;
use retort_core::ops::Workspace;
use retort_core::schema::{ChangeAction, SchemaDiff};
use retort_testkit::TestDb;

fn demo() -> Workspace {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    Workspace::open(&dir).expect("demo project")
}

async fn check(dialect: Dialect, test: &str) {
    let Some(db) = TestDb::new(dialect, test).await else {
        return;
    };
    let ws = demo();

    let comments: SchemaDiff = ws
        .revision_schema_diff(&db.url, "5dab6e7f8a05")
        .await
        .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
    assert_eq!(
        comments
            .tables_added
            .iter()
            .map(|t| t.rsplit('.').next().unwrap_or(t))
            .collect::<Vec<_>>(),
        ["comments"],
        "{dialect:?}: {comments:?}"
    );
    assert!(comments.tables_removed.is_empty() && comments.tables_altered.is_empty());

    let updated = ws
        .revision_schema_diff(&db.url, "7fcd8a9bac07")
        .await
        .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
    assert!(updated.tables_added.is_empty(), "{updated:?}");
    assert_eq!(updated.tables_altered.len(), 1, "{updated:?}");
    let tasks = &updated.tables_altered[0];
    assert_eq!(tasks.name, "tasks");
    assert!(
        tasks
            .changes
            .iter()
            .any(|c| c.action == ChangeAction::Added && c.name == "updated_at"),
        "{dialect:?}: {:?}",
        tasks.changes
    );

    // A base revision starts from an empty database.
    let users = ws
        .revision_schema_diff(&db.url, "1f0c0a1b2c01")
        .await
        .unwrap();
    assert!(
        users.tables_added.iter().any(|t| t.ends_with("users")),
        "{users:?}"
    );

    // The user's database was only used to reach the server: still empty.
    let schema = ws.schema(&db.url, &[]).await;
    if let Ok(schema) = schema {
        assert!(schema.tables.is_empty(), "{dialect:?}: {:?}", schema.tables);
    }
    if let Some(file) = db.sqlite_file() {
        assert!(!file.exists(), "the user's SQLite file was created");
    }
    assert!(ws.revision_schema_diff(&db.url, "nope").await.is_err());
}

#[tokio::test]
async fn revision_diff_sqlite() {
    check(Dialect::Sqlite, "revision_diff_sqlite").await;
}

#[tokio::test]
async fn revision_diff_postgres() {
    check(Dialect::Postgresql, "revision_diff_postgres").await;
}

#[tokio::test]
async fn revision_diff_mysql() {
    check(Dialect::Mysql, "revision_diff_mysql").await;
}

/// A role that may not create databases gets told which privilege is missing.
#[tokio::test]
async fn revision_diff_postgres_without_createdb() {
    let Some(db) = TestDb::new(
        Dialect::Postgresql,
        "revision_diff_postgres_without_createdb",
    )
    .await
    else {
        return;
    };
    let role = format!("retort_nocreate_{:08x}", rand_suffix());
    let mut admin = db.connect().await;
    admin
        .execute(&format!("CREATE ROLE {role} LOGIN NOCREATEDB"))
        .await
        .unwrap();
    let url = retort_core::DatabaseUrl::parse(
        &format!(
            "postgres://{role}@{}:{}/{}",
            db.url.host().unwrap(),
            db.url.port().unwrap(),
            db.url.database_name().unwrap()
        ),
        db.dir(),
    )
    .unwrap();
    let result = demo().revision_schema_diff(&url, "5dab6e7f8a05").await;
    admin.execute(&format!("DROP ROLE {role}")).await.unwrap();
    admin.close().await;
    let message = result.expect_err("NOCREATEDB role").to_string();
    assert!(message.contains("CREATEDB"), "{message}");
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}
