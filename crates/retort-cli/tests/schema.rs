//! `retort schema`: the table list and one table's page, as text and JSON, on the demo project
//! (SQLite) and on tables with odd names on every database.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use retort_core::dialect::Dialect;
use serde_json::Value;
use tempfile::TempDir;

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the demo project upgraded to head.
fn upgraded_demo() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&demo_dir(), dir.path());
    for leftover in ["nexus.db", "nexus.db-wal", "nexus.db-shm"] {
        let _ = std::fs::remove_file(dir.path().join(leftover));
    }
    retort(dir.path())
        .args(["-q", "upgrade", "head"])
        .assert()
        .success();
    dir
}

fn retort(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("retort").unwrap();
    cmd.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RETORT_DATA_DIR", dir.join(".retort-data"));
    cmd
}

fn stdout(dir: &Path, args: &[&str]) -> String {
    let out = retort(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "retort {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn schema_lists_the_demo_tables_with_counts() {
    let demo = upgraded_demo();
    let text = stdout(demo.path(), &["schema"]);
    assert!(text.starts_with("Schema of main (sqlite)\n"), "{text}");
    assert!(text.contains(" Name "), "{text}");
    for table in ["users", "projects", "tasks", "comments"] {
        assert!(
            text.lines().any(|l| l.starts_with(&format!(" {table} "))),
            "{table} in:\n{text}"
        );
    }
    assert!(
        text.lines()
            .any(|l| l.starts_with(" alembic_version ") && l.contains("version table")),
        "{text}"
    );
    assert!(text.contains("(5 tables, 0 views)"), "{text}");
}

#[test]
fn schema_json_has_every_table_and_foreign_key() {
    let demo = upgraded_demo();
    let value: Value = serde_json::from_str(&stdout(demo.path(), &["--json", "schema"])).unwrap();
    let schema = &value["schema"];
    assert_eq!(schema["dialect"], "sqlite");
    let tables = schema["tables"].as_array().unwrap();
    let names: Vec<&str> = tables.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(
        names,
        vec!["alembic_version", "comments", "projects", "tasks", "users"]
    );
    let version = &tables[0];
    assert_eq!(version["is_version_table"], true);
    let comments = &tables[1];
    let targets: Vec<&str> = comments["foreign_keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|fk| fk["referenced_table"].as_str())
        .collect();
    assert!(
        targets.contains(&"tasks") && targets.contains(&"users"),
        "{comments}"
    );
}

#[test]
fn schema_table_shows_columns_keys_references_and_ddl() {
    let demo = upgraded_demo();
    let text = stdout(demo.path(), &["schema", "tasks"]);
    assert!(text.starts_with("Table main.tasks\n"), "{text}");
    assert!(text.contains(" Column "), "{text}");
    assert!(text.contains("Foreign keys:\n"), "{text}");
    // comments.task_id references tasks: shown as an incoming reference.
    assert!(text.contains("Referenced by:\n    main.comments"), "{text}");
    assert!(text.contains("DDL:\n    CREATE TABLE tasks"), "{text}");

    let value: Value =
        serde_json::from_str(&stdout(demo.path(), &["--json", "schema", "tasks"])).unwrap();
    assert_eq!(value["table"]["name"], "tasks");
    assert_eq!(value["referenced_by"][0]["table"], "comments");
}

#[test]
fn unknown_table_is_an_error_listing_the_tables() {
    let demo = upgraded_demo();
    let out = retort(demo.path())
        .args(["--json", "schema", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    let message = value["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("nope") && message.contains("tasks"),
        "{value}"
    );
}

/// Odd identifiers on every database: the list and the table page find and quote them.
#[tokio::test]
async fn odd_table_names_show_and_quote_properly() {
    for dialect in Dialect::ALL {
        let Some(db) = retort_testkit::TestDb::new(dialect, "cli_schema_odd").await else {
            continue;
        };
        let mut conn = db.connect().await;
        let q = |name: &str| dialect.quote_identifier(name);
        for statement in [
            format!("CREATE TABLE {} (id INTEGER PRIMARY KEY)", q("select")),
            format!(
                "CREATE TABLE {} ({} INTEGER PRIMARY KEY, parent INTEGER REFERENCES {} (id))",
                q("my \"odd\" table"),
                q("the id"),
                q("select")
            ),
        ] {
            conn.execute(&statement).await.expect(&statement);
        }
        conn.close().await;
        // Test servers have no password, so the redacted URL is the URL.
        let url = db.url.redacted();
        let dir = db.dir();
        std::fs::write(dir.join("retort.toml"), "script_location = \".\"\n").unwrap();
        std::fs::create_dir_all(dir.join("versions")).unwrap();
        let list = stdout(dir, &["--url", &url, "schema"]);
        assert!(list.contains(" my \"odd\" table "), "{dialect:?}: {list}");
        let page = stdout(dir, &["--url", &url, "schema", "select"]);
        assert!(page.contains("Referenced by:\n"), "{dialect:?}: {page}");
        assert!(page.contains(&q("my \"odd\" table")), "{dialect:?}: {page}");
        let odd = stdout(dir, &["--url", &url, "schema", "my \"odd\" table"]);
        assert!(
            odd.contains(&format!(".{}(id)", q("select"))),
            "{dialect:?}: {odd}"
        );
        assert!(odd.contains(&q("the id")), "{dialect:?}: {odd}");
    }
}
