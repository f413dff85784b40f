//! `retort doctor`: findings as text and JSON, the exit status, and `--fix`, on a copy of the
//! demo project whose SQLite database lost its version table.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use retort_core::db::Database;
use retort_core::DatabaseUrl;
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
        } else if !entry.file_name().to_string_lossy().starts_with("nexus.db") {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn retort(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("retort").unwrap();
    cmd.current_dir(dir).env_remove("DATABASE_URL");
    cmd
}

fn execute(dir: &Path, sql: &str) {
    let url = DatabaseUrl::parse("sqlite:///nexus.db", dir).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut db = Database::connect(&url).await.unwrap();
        db.execute(sql).await.unwrap();
        db.close().await;
    });
}

/// The demo at a middle revision, then stripped of its version table.
fn stripped_demo() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&demo_dir(), dir.path());
    retort(dir.path())
        .args(["-q", "upgrade", "5dab6e7f8a05"])
        .assert()
        .success();
    execute(dir.path(), "DROP TABLE alembic_version");
    dir
}

#[test]
fn finds_the_revision_and_stamps_it() {
    let dir = stripped_demo();
    let out = retort(dir.path()).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "a problem gives exit status 1");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("✗ Tables but no alembic_version table"),
        "{text}"
    );
    assert!(text.contains("matches 5dab6e7f8a05"), "{text}");
    assert!(text.contains("Fix `stamp:5dab6e7f8a05`"), "{text}");
    assert!(
        text.contains("INSERT INTO alembic_version (version_num) VALUES ('5dab6e7f8a05')"),
        "{text}"
    );

    let out = retort(dir.path())
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["problem"], true);
    let finding = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "version_table")
        .unwrap();
    assert_eq!(finding["severity"], "problem");
    assert_eq!(finding["fixes"][0]["id"], "stamp:5dab6e7f8a05");
    assert_eq!(finding["fixes"][0]["destructive"], false);

    let out = retort(dir.path())
        .args(["doctor", "--fix", "stamp:5dab6e7f8a05"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("retort stamp 5dab6e7f8a05"), "{text}");

    let out = retort(dir.path()).arg("current").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("5dab6e7f8a05"));
    retort(dir.path()).arg("doctor").assert().success();
}

#[test]
fn unknown_fix_is_an_error_and_help_documents_the_exit_status() {
    let dir = stripped_demo();
    let out = retort(dir.path())
        .args(["doctor", "--fix", "nonsense"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Unknown fix"));

    let out = retort(dir.path())
        .args(["doctor", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("1 when a problem was found"), "{help}");
    assert!(help.contains("retort doctor --fix stamp:"), "{help}");
}

#[test]
fn fix_as_json() {
    let dir = stripped_demo();
    let out = retort(dir.path())
        .args(["doctor", "--json", "--fix", "wal"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["fix"]["ran"][0], "PRAGMA journal_mode=WAL");
    assert!(value["fix"]["message"].as_str().unwrap().contains("wal"));
}
