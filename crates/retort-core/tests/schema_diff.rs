//! The schema diff of two snapshots (what a migration changed), and the JSON shape of the
//! model the desktop app and `retort schema --json` rely on.

use retort_core::dialect::Dialect;
use retort_core::schema::{
    self, diff, ChangeAction, IntrospectOptions, Schema, SchemaDiff, TablePart,
};
use retort_testkit::TestDb;

const BEFORE: &[&str] = &[
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, legacy TEXT)",
    "CREATE TABLE old_stuff (id INTEGER PRIMARY KEY)",
    "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER)",
    "CREATE INDEX ix_posts_user ON posts (user_id)",
];

const AFTER: &[&str] = &[
    "DROP TABLE old_stuff",
    "DROP INDEX ix_posts_user",
    "CREATE TABLE tags (id INTEGER PRIMARY KEY, label VARCHAR(20) UNIQUE)",
    "ALTER TABLE users ADD COLUMN email VARCHAR(50)",
    "ALTER TABLE users DROP COLUMN legacy",
    "CREATE INDEX ix_users_email ON users (email)",
];

async fn run(db: &mut retort_core::db::Database, statements: &[&str]) -> Schema {
    for statement in statements {
        db.execute(statement)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    schema::introspect(db, &IntrospectOptions::default())
        .await
        .expect("introspect")
}

async fn before_and_after(dialect: Dialect, test: &str) -> Option<(TestDb, Schema, Schema)> {
    let db = TestDb::new(dialect, test).await?;
    let mut conn = db.connect().await;
    let before = run(&mut conn, BEFORE).await;
    let after_statements: Vec<&str> = AFTER
        .iter()
        .map(|s| match (dialect, *s) {
            // MySQL's DROP INDEX names the table.
            (Dialect::Mysql, "DROP INDEX ix_posts_user") => "DROP INDEX ix_posts_user ON posts",
            _ => s,
        })
        .collect();
    let after = run(&mut conn, &after_statements).await;
    conn.close().await;
    Some((db, before, after))
}

fn check_diff(changes: &SchemaDiff) {
    let schema_name = |q: &str| q.split('.').next_back().unwrap_or_default().to_string();
    let names = |v: &[String]| v.iter().map(|q| schema_name(q)).collect::<Vec<_>>();
    assert_eq!(names(&changes.tables_added), vec!["tags"], "{changes:#?}");
    assert_eq!(names(&changes.tables_removed), vec!["old_stuff"]);
    let altered: Vec<&str> = changes
        .tables_altered
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(altered, vec!["posts", "users"], "{changes:#?}");
    let users = &changes.tables_altered[1];
    let summary: Vec<(ChangeAction, &str, &str)> = users
        .changes
        .iter()
        .map(|c| {
            let part = c.after.as_ref().or(c.before.as_ref()).expect("part");
            (c.action, part.label(), c.name.as_str())
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (ChangeAction::Added, "column", "email"),
            (ChangeAction::Removed, "column", "legacy"),
            (ChangeAction::Added, "index", "ix_users_email"),
        ],
        "{changes:#?}"
    );
    let posts = &changes.tables_altered[0];
    assert_eq!(posts.changes.len(), 1);
    assert_eq!(posts.changes[0].action, ChangeAction::Removed);
    assert!(matches!(
        posts.changes[0].before,
        Some(TablePart::Index(ref index)) if index.name == "ix_posts_user"
    ));
    let text = changes.summary();
    for line in [
        "+ table ",
        "- table ",
        "~ table ",
        "    + column email",
        "    - column legacy",
        "    + index ix_users_email (email)",
        "    - index ix_posts_user",
    ] {
        assert!(text.contains(line), "{line:?} in:\n{text}");
    }
}

#[tokio::test]
async fn sqlite_diff_reports_added_removed_and_altered_parts() {
    let (_db, before, after) = before_and_after(Dialect::Sqlite, "diff_sqlite")
        .await
        .expect("sqlite");
    check_diff(&diff(&before, &after));
    assert!(diff(&after, &after).is_empty());
    assert_eq!(diff(&after, &after).summary(), "");
}

#[tokio::test]
async fn postgres_diff_reports_added_removed_and_altered_parts() {
    let Some((_db, before, after)) = before_and_after(Dialect::Postgresql, "diff_pg").await else {
        return;
    };
    check_diff(&diff(&before, &after));
}

#[tokio::test]
async fn mariadb_diff_reports_added_removed_and_altered_parts() {
    let Some((_db, before, after)) = before_and_after(Dialect::Mysql, "diff_mysql").await else {
        return;
    };
    check_diff(&diff(&before, &after));
}

#[tokio::test]
async fn an_altered_column_keeps_both_versions() {
    let db = TestDb::new(Dialect::Sqlite, "diff_altered")
        .await
        .expect("sqlite");
    let mut conn = db.connect().await;
    let before = run(&mut conn, &["CREATE TABLE t (a INTEGER, b TEXT)"]).await;
    let after = run(
        &mut conn,
        &[
            "DROP TABLE t",
            "CREATE TABLE t (a BIGINT NOT NULL DEFAULT 0, b TEXT)",
        ],
    )
    .await;
    conn.close().await;
    let changes = diff(&before, &after);
    let change = &changes.tables_altered[0].changes[0];
    assert_eq!(change.action, ChangeAction::Altered);
    match (&change.before, &change.after) {
        (Some(TablePart::Column(old)), Some(TablePart::Column(new))) => {
            assert_eq!(old.data_type, "INTEGER");
            assert_eq!(new.data_type, "BIGINT");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        change.describe(),
        "~ column a: type INTEGER -> BIGINT, now NOT NULL, default none -> 0"
    );
    // Serialised with both versions, tagged by part.
    let json = serde_json::to_value(&changes).expect("json");
    let first = &json["tables_altered"][0]["changes"][0];
    assert_eq!(first["action"], "altered");
    assert_eq!(first["before"]["object"], "column");
    assert_eq!(first["after"]["definition"]["data_type"], "BIGINT");
    let back: SchemaDiff = serde_json::from_value(json).expect("round trip");
    assert_eq!(back, changes);
}

#[tokio::test]
async fn the_json_shape_is_stable() {
    let db = TestDb::new(Dialect::Sqlite, "schema_json")
        .await
        .expect("sqlite");
    let mut conn = db.connect().await;
    let schema = run(
        &mut conn,
        &[
            "CREATE TABLE p (id INTEGER PRIMARY KEY AUTOINCREMENT, \
             code TEXT NOT NULL DEFAULT 'x' UNIQUE)",
            "CREATE TABLE c (id INTEGER PRIMARY KEY, \
             p_id INTEGER REFERENCES p (id) ON DELETE CASCADE)",
            "CREATE INDEX ix_c ON c (p_id) WHERE p_id > 0",
        ],
    )
    .await;
    conn.close().await;
    let json = serde_json::to_value(&schema).expect("json");
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&json),
        [
            "default_schema",
            "dialect",
            "enums",
            "schemas",
            "tables",
            "views"
        ]
    );
    assert_eq!(json["dialect"], "sqlite");
    let c = &json["tables"][0];
    assert_eq!(
        keys(c),
        [
            "check_constraints",
            "columns",
            "ddl",
            "foreign_keys",
            "indexes",
            "is_version_table",
            "kind",
            "name",
            "primary_key",
            "schema",
            "triggers",
            "unique_constraints"
        ]
    );
    assert_eq!(c["name"], "c");
    assert_eq!(c["kind"], "table");
    assert_eq!(
        keys(&c["columns"][0]),
        [
            "data_type",
            "default",
            "generated",
            "name",
            "nullable",
            "primary_key"
        ]
    );
    assert_eq!(
        c["foreign_keys"][0],
        serde_json::json!({
            "name": null, "columns": ["p_id"], "referenced_schema": "main",
            "referenced_table": "p", "referenced_columns": ["id"],
            "on_delete": "CASCADE", "on_update": "NO ACTION"
        })
    );
    assert_eq!(
        c["indexes"][0],
        serde_json::json!({
            "name": "ix_c", "unique": false, "predicate": "p_id > 0",
            "parts": [{"column": "p_id", "expression": null, "descending": false}]
        })
    );
    let p = &json["tables"][1];
    assert_eq!(
        p["columns"][0]["generated"],
        serde_json::json!({"kind": "auto_increment"})
    );
    assert_eq!(p["columns"][0]["primary_key"], 1);
    assert_eq!(p["columns"][1]["default"], "'x'");
    assert_eq!(
        p["unique_constraints"],
        serde_json::json!([{"name": null, "columns": ["code"]}])
    );
    let back: Schema = serde_json::from_value(json).expect("round trip");
    assert_eq!(back, schema);
}

#[tokio::test]
async fn around_reports_what_an_action_changed() {
    let db = TestDb::new(Dialect::Sqlite, "diff_around")
        .await
        .expect("sqlite");
    let options = IntrospectOptions {
        version_table: "meta_versions".into(),
        ..IntrospectOptions::default()
    };
    let (done, changes) = schema::around(&db.url, &options, async {
        let mut conn = db.connect().await;
        for statement in [
            "CREATE TABLE meta_versions (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
            "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)",
            "CREATE TABLE t (id INTEGER PRIMARY KEY)",
        ] {
            conn.execute(statement).await.expect(statement);
        }
        conn.close().await;
        "done"
    })
    .await;
    assert_eq!(done, "done");
    let changes = changes.expect("diff");
    assert_eq!(
        changes.tables_added,
        vec!["main.alembic_version", "main.meta_versions", "main.t"]
    );
    assert_eq!(
        changes.summary(),
        "+ table main.alembic_version\n+ table main.meta_versions\n+ table main.t"
    );
    let after = schema::snapshot(&db.url, &options).await.expect("snapshot");
    let marked: Vec<&str> = after
        .tables
        .iter()
        .filter(|t| t.is_version_table)
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(
        marked,
        vec!["meta_versions"],
        "the configured version table"
    );
}
