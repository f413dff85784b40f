//! A table's row count and first rows on PostgreSQL and MariaDB (odd names, binary values),
//! when RETORT_TEST_POSTGRES_URL / RETORT_TEST_MYSQL_URL name a server (scripts/test.sh sets them).

use retort_core::db::Database;
use retort_core::schema::{introspect, IntrospectOptions};
use retort_core::schema_rows::table_rows;
use retort_core::Dialect;

async fn check(dialect: Dialect, url: &str, create: &[&str], drop: &str) {
    let mut db = Database::connect_to(dialect, url).await.expect("connect");
    let _ = db.execute(drop).await;
    for statement in create {
        db.execute(statement).await.expect("create");
    }
    let schema = introspect(&mut db, &IntrospectOptions::default())
        .await
        .expect("introspect");
    let table = schema.find("odd table").expect("the table");
    let rows = table_rows(&mut db, table, 1).await;
    db.execute(drop).await.expect("drop");
    let rows = rows.expect("rows");
    assert_eq!(rows.total_count, 2);
    assert_eq!(rows.columns, vec!["select", "data"]);
    assert_eq!(rows.rows.len(), 1);
    let data = rows.rows[0][1].clone().expect("a value");
    assert!(data.to_ascii_lowercase().contains("00ff"), "{data}");
    db.close().await;
}

#[tokio::test]
async fn postgres_rows() {
    let Ok(url) = std::env::var("RETORT_TEST_POSTGRES_URL") else {
        return;
    };
    check(
        Dialect::Postgresql,
        &url,
        &[
            "CREATE TABLE \"odd table\" (\"select\" integer, data bytea)",
            "INSERT INTO \"odd table\" VALUES (1, '\\x00ff'), (2, '\\x00ff')",
        ],
        "DROP TABLE IF EXISTS \"odd table\"",
    )
    .await;
}

#[tokio::test]
async fn mysql_rows() {
    let Ok(admin) = std::env::var("RETORT_TEST_MYSQL_URL") else {
        return;
    };
    // Never in the server's own `mysql` database: a scratch database of this test's.
    let mut db = Database::connect_to(Dialect::Mysql, &admin)
        .await
        .expect("connect");
    db.execute("CREATE DATABASE IF NOT EXISTS retort_schema_rows")
        .await
        .expect("create database");
    db.close().await;
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    check(
        Dialect::Mysql,
        &format!("{base}/retort_schema_rows"),
        &[
            "CREATE TABLE `odd table` (`select` integer, data varbinary(8))",
            "INSERT INTO `odd table` VALUES (1, x'00ff'), (2, x'00ff')",
        ],
        "DROP TABLE IF EXISTS `odd table`",
    )
    .await;
    let mut db = Database::connect_to(Dialect::Mysql, &admin)
        .await
        .expect("connect");
    db.execute("DROP DATABASE IF EXISTS retort_schema_rows")
        .await
        .expect("drop database");
    db.close().await;
}
