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
    cmd.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RETORT_DATA_DIR", dir.join(".retort-data"));
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

/// `--export FILE` writes the findings (Markdown, or JSON for `.json`) and prints where; a
/// password in the URL never reaches the file.
#[test]
fn export_writes_the_findings_without_secrets() {
    let dir = stripped_demo();
    let out = retort(dir.path())
        .args(["doctor", "--export", "diag.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the finding is a problem");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Wrote diagnostics"), "{text}");
    assert!(text.contains("diag.md"), "{text}");
    let md = std::fs::read_to_string(dir.path().join("diag.md")).unwrap();
    assert!(md.contains("Tables but no alembic_version table"), "{md}");
    assert!(md.contains("stamp:5dab6e7f8a05"), "{md}");
    assert!(md.contains("Server version: 3."), "{md}");

    // An unreachable server with a password in the URL: the connection finding is exported,
    // the password is not.
    let out = retort(dir.path())
        .args([
            "--url",
            "postgresql://alice:Sup3rSecretPw@127.0.0.1:1/app",
            "--json",
            "doctor",
            "--export",
            "diag.json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let parsed: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert!(parsed["exported"].as_str().unwrap().ends_with("diag.json"));
    let json = std::fs::read_to_string(dir.path().join("diag.json")).unwrap();
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["findings"][0]["check"], "connection", "{json}");
    assert!(json.contains("alice"), "{json}");
    assert!(!json.contains("Sup3rSecretPw"), "{json}");
    assert!(!stdout.contains("Sup3rSecretPw"), "{stdout}");
}
