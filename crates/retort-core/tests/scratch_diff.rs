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

/// A scratch database whose work panicked or whose future was dropped (a cancelled command)
/// before `discard` is still dropped from the server.
async fn scratch_dropped_without_discard_is_removed(dialect: Dialect, test: &str) {
    let Some(db) = TestDb::new(dialect, test).await else {
        return;
    };
    let scratch = retort_core::scratch::Scratch::create(&db.url)
        .await
        .expect("scratch");
    let name = scratch.url.database_name().expect("a server database");
    assert_ne!(Some(name.clone()), db.url.database_name());
    let exists_sql = match dialect {
        Dialect::Postgresql => {
            format!("SELECT datname FROM pg_database WHERE datname = '{name}'")
        }
        _ => format!(
            "SELECT schema_name FROM information_schema.schemata WHERE schema_name = '{name}'"
        ),
    };
    let exists = |sql: String| {
        let url = db.url.clone();
        async move {
            let mut conn = retort_core::db::Database::connect(&url).await.unwrap();
            let found = conn.query_strings(&sql).await.unwrap();
            conn.close().await;
            !found.is_empty()
        }
    };
    assert!(exists(exists_sql.clone()).await);
    // A future holding the scratch database, dropped before it finished.
    let work = async move {
        let _held = scratch;
        std::future::pending::<()>().await;
    };
    let mut work = Box::pin(work);
    assert!(futures_poll_once(work.as_mut()).await);
    drop(work);
    assert!(!exists(exists_sql).await, "{name} was left on the server");
}

/// Polls `fut` once; true when it is still pending.
async fn futures_poll_once(
    fut: std::pin::Pin<&mut (dyn std::future::Future<Output = ()> + '_)>,
) -> bool {
    let mut fut = Some(fut);
    std::future::poll_fn(move |cx| {
        let pending = fut.as_mut().unwrap().as_mut().poll(cx).is_pending();
        std::task::Poll::Ready(pending)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scratch_dropped_without_discard_postgres() {
    scratch_dropped_without_discard_is_removed(Dialect::Postgresql, "scratch_drop_pg").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scratch_dropped_without_discard_mysql() {
    scratch_dropped_without_discard_is_removed(Dialect::Mysql, "scratch_drop_mysql").await
}
