//! `retort test` and `retort check`: output and exit status on every database.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use retort_core::dialect::Dialect;
use serde_json::Value;

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations")
}

fn retort(dir: &Path, project: &Path, url: &str) -> Command {
    let mut cmd = Command::cargo_bin("retort").unwrap();
    cmd.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("RETORT_DATA_DIR", dir.join(".retort-data"))
        .arg("-c")
        .arg(project)
        .args(["--url", url]);
    cmd
}

fn run(mut cmd: Command, args: &[&str]) -> (Option<i32>, String, String) {
    let out = cmd.args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A project whose second downgrade forgets to drop its index.
fn broken_project(dir: &Path) {
    let versions = dir.join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    std::fs::write(dir.join("retort.toml"), "script_location = \".\"\n").unwrap();
    std::fs::write(
        versions.join("a1_create_items.sql"),
        "-- Revision ID: a1\n-- Revises:\n-- Message: create items\n\n-- migrate:up\n\
         CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(50));\n\n\
         -- migrate:down\nDROP TABLE items;\n",
    )
    .unwrap();
    std::fs::write(
        versions.join("b2_index_items.sql"),
        "-- Revision ID: b2\n-- Revises: a1\n-- Message: index items by name\n\n-- migrate:up\n\
         CREATE INDEX ix_items_name ON items (name);\n\n-- migrate:down\nSELECT 1;\n",
    )
    .unwrap();
}

#[tokio::test]
async fn test_and_check_exit_codes() {
    for dialect in Dialect::ALL {
        let Some(db) = retort_testkit::TestDb::new(dialect, "cli_safety").await else {
            continue;
        };
        // Test servers have no password, so the redacted URL is the URL.
        let url = db.url.redacted();
        let dir = db.dir().to_path_buf();
        let demo = demo_dir();
        let cmd = || retort(&dir, &demo, &url);

        let (code, out, err) = run(cmd(), &["test"]);
        assert_eq!(code, Some(0), "{dialect:?}: {out}{err}");
        assert!(out.contains("Round trip passed: 7 revision(s)"), "{out}");
        assert!(err.contains("[15/15] upgrade again to heads"), "{err}");
        let (code, out, err) = run(cmd(), &["-q", "test", "--json"]);
        assert_eq!(code, Some(0), "{dialect:?}: {err}");
        assert!(err.is_empty(), "-q and --json print no progress: {err}");
        let value: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["test"]["passed"], true);
        assert_eq!(value["test"]["revisions"][0]["status"], "ok");

        // No version table yet (SQLite: no file yet, and checking creates none): an error that
        // says what to do.
        let (code, _, err) = run(cmd(), &["check"]);
        assert_eq!(code, Some(1), "{dialect:?}: {err}");
        if dialect == Dialect::Sqlite {
            assert!(err.contains("does not exist"), "{err}");
            assert!(err.contains("retort upgrade head"), "{err}");
            assert!(!db.sqlite_file().unwrap().exists());
        } else {
            assert!(err.contains("retort doctor"), "{err}");
        }

        let (code, _, err) = run(cmd(), &["-q", "upgrade", "head"]);
        assert_eq!(code, Some(0), "{dialect:?}: {err}");
        let (code, out, err) = run(cmd(), &["check"]);
        assert_eq!(code, Some(0), "{dialect:?}: {out}{err}");
        assert!(
            out.contains("No drift: the database matches the migrations at 7fcd8a9bac07"),
            "{out}"
        );

        let mut conn = db.connect().await;
        conn.execute("ALTER TABLE users ADD COLUMN nickname VARCHAR(40)")
            .await
            .unwrap();
        conn.close().await;
        let (code, out, _) = run(cmd(), &["check"]);
        assert_eq!(code, Some(1), "{dialect:?}: {out}");
        assert!(out.contains("Drift detected"), "{out}");
        assert!(out.contains("~ table users: + column nickname"), "{out}");
        let (code, out, _) = run(cmd(), &["check", "--json"]);
        assert_eq!(code, Some(1));
        let value: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["drift"]["drifted"], true);
        assert_eq!(value["drift"]["current"][0], "7fcd8a9bac07");

        // A broken downgrade fails the test with exit status 1, naming revision and index.
        let project = tempfile::tempdir().unwrap();
        broken_project(project.path());
        let (code, out, err) = run(retort(&dir, project.path(), &url), &["test"]);
        assert_eq!(code, Some(1), "{dialect:?}: {out}{err}");
        assert!(
            out.contains("FAIL b2 index items by name: downgrade did not restore the schema"),
            "{out}"
        );
        assert!(out.contains("+ index ix_items_name"), "{out}");
        assert!(out.contains("Round trip FAILED"), "{out}");
    }
}
