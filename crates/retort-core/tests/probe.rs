//! `probe::test_connection` against the real local servers: what a user sees for a working
//! connection, a refused port, an unknown database and a bad password.

mod common;

use std::path::Path;

use common::TestDb;
use retort_core::dialect::Dialect;
use retort_core::probe::{test_connection, FailureKind};
use retort_core::DatabaseUrl;
use sqlx::Connection;

fn unique(prefix: &str) -> String {
    format!("{prefix}_{:012x}", rand::random::<u64>() & 0xffff_ffff_ffff)
}

#[tokio::test]
async fn sqlite_reports_its_version_and_a_file_still_to_create() {
    let db = TestDb::new(Dialect::Sqlite, "sqlite")
        .await
        .expect("sqlite");
    let result = test_connection(&db.url).await;
    assert!(result.ok, "{result:?}");
    assert!(result
        .server_version
        .as_deref()
        .is_some_and(|v| v.starts_with('3')));
    assert!(result
        .note
        .as_deref()
        .is_some_and(|n| n.contains("does not exist yet")));
    assert!(
        !db.url.sqlite_path().expect("file").exists(),
        "a test creates nothing"
    );
}

#[tokio::test]
async fn sqlite_file_that_is_not_a_database_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("notes.db"),
        "not a database, just text\n".repeat(100),
    )
    .expect("write");
    let url = DatabaseUrl::parse("sqlite:///notes.db", dir.path()).expect("url");
    let result = test_connection(&url).await;
    assert!(!result.ok);
    assert_eq!(result.error.expect("error").kind, FailureKind::SqliteFile);
}

#[tokio::test]
async fn refused_port_is_reported_as_such() {
    for raw in [
        "postgresql://postgres@127.0.0.1:1/postgres",
        "mysql://root@127.0.0.1:1/mysql",
    ] {
        let url = DatabaseUrl::parse(raw, Path::new("/")).expect("url");
        let result = test_connection(&url).await;
        let error = result.error.expect("refused");
        assert_eq!(
            error.kind,
            FailureKind::ConnectionRefused,
            "{raw}: {error:?}"
        );
        assert!(error.message.contains("127.0.0.1:1"), "{}", error.message);
    }
}

async fn server_cases(dialect: Dialect) {
    let Some(db) = TestDb::new(dialect, &format!("probe::{dialect}")).await else {
        return;
    };
    let result = test_connection(&db.url).await;
    assert!(result.ok, "{result:?}");
    assert!(result.server_version.is_some());
    assert!(result.round_trip_ms.is_some() && result.connect_ms.is_some());

    let missing = db.url.with_database(&unique("retort_missing"));
    let result = test_connection(&missing).await;
    let error = result.error.expect("unknown database");
    assert_eq!(error.kind, FailureKind::UnknownDatabase, "{error:?}");
    assert!(
        error.message.contains("retort_missing_"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn postgres_working_and_unknown_database() {
    server_cases(Dialect::Postgresql).await;
}

#[tokio::test]
async fn mysql_working_and_unknown_database() {
    server_cases(Dialect::Mysql).await;
}

/// A MariaDB user with a password, created for the test and dropped afterwards.
#[tokio::test]
async fn mysql_bad_password_is_reported_and_never_shown() {
    let Some(db) = TestDb::new(Dialect::Mysql, "probe::bad_password").await else {
        return;
    };
    let user = unique("retort_probe");
    let password = "right-Pa55word";
    let admin = std::env::var("RETORT_TEST_MYSQL_URL").expect("checked by TestDb");
    let admin_url = DatabaseUrl::parse(&admin, Path::new("/")).expect("admin url");
    let mut conn = sqlx::MySqlConnection::connect(admin_url.connect_url())
        .await
        .expect("admin connection");
    for sql in [
        format!("CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'"),
        format!("CREATE USER '{user}'@'localhost' IDENTIFIED BY '{password}'"),
    ] {
        sqlx::raw_sql(&sql).execute(&mut conn).await.expect(&sql);
    }

    let host = admin_url.host().expect("host").to_string();
    let port = admin_url.port().expect("port");
    let database = db.url.database_name().expect("database");
    let with_password = |password: &str| {
        DatabaseUrl::parse(
            &format!("mysql://{user}:{password}@{host}:{port}/{database}"),
            Path::new("/"),
        )
        .expect("url")
    };
    let wrong = test_connection(&with_password("wrong-Secret-42")).await;
    // Granting nothing: the right password gets in, but may not use the database.
    let right = test_connection(&with_password(password)).await;

    for sql in [
        format!("DROP USER '{user}'@'%'"),
        format!("DROP USER '{user}'@'localhost'"),
    ] {
        sqlx::raw_sql(&sql).execute(&mut conn).await.expect(&sql);
    }
    let _ = conn.close().await;

    let error = wrong.error.expect("rejected");
    assert_eq!(error.kind, FailureKind::BadPassword, "{error:?}");
    let shown = format!("{} {:?}", error.message, error.detail);
    assert!(!shown.contains("wrong-Secret-42"), "{shown}");
    assert!(shown.contains(&user), "{shown}");
    let error = right.error.expect("no grant");
    assert_eq!(error.kind, FailureKind::AccessDenied, "{error:?}");
}
