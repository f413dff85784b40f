//! `retort backup` and the backups taken before writes, through the binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use retort_core::dialect::Dialect;
use retort_testkit::TestDb;
use serde_json::Value;
use tempfile::TempDir;

const HEAD: &str = "7fcd8a9bac07";

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

struct Demo {
    dir: TempDir,
    data: TempDir,
}

impl Demo {
    fn new() -> Demo {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&demo_dir(), dir.path());
        Demo {
            dir,
            data: tempfile::tempdir().unwrap(),
        }
    }

    fn retort(&self) -> Command {
        let mut cmd = Command::cargo_bin("retort").unwrap();
        cmd.current_dir(self.dir.path())
            .env_remove("DATABASE_URL")
            .env("RETORT_DATA_DIR", self.data.path());
        cmd
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.retort().arg("--json").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "retort {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("one JSON object")
    }

    fn backups_dir(&self) -> PathBuf {
        self.data.path().join("backups")
    }
}

#[test]
fn downgrade_backs_up_sqlite_and_restore_undoes_it() {
    let demo = Demo::new();
    // A fresh database: nothing to back up yet.
    let up = demo.json(&["upgrade", "head"]);
    assert!(up["backup"].is_null(), "{up}");
    // Nothing to do: no backup either.
    let again = demo.json(&["upgrade", "head"]);
    assert!(again["backup"].is_null(), "{again}");

    let down = demo.json(&["downgrade", "base"]);
    let backup = &down["backup"];
    let id = backup["id"]
        .as_str()
        .expect("a backup was taken")
        .to_string();
    assert!(id.starts_with("nexus.db-") && id.ends_with(HEAD), "{id}");
    assert_eq!(backup["reason"], "before downgrade base");
    assert_eq!(backup["revisions"][0], HEAD);
    let file = PathBuf::from(backup["file"].as_str().unwrap());
    assert!(file.starts_with(demo.backups_dir()) && file.is_file());
    assert_eq!(demo.json(&["current"])["current"], serde_json::json!([]));

    // The text form names the backup on stderr; --no-backup takes none.
    demo.json(&["upgrade", "+1", "--no-backup"]);
    let out = demo.retort().args(["upgrade", "+1"]).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Backed up nexus.db to "), "{stderr}");
    assert!(stderr.contains("retort backup restore "), "{stderr}");

    let list = demo.json(&["backup", "list"]);
    let ids: Vec<&str> = list["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{list}");
    assert_eq!(ids[1], id, "newest first");
    assert_eq!(list["keep"], 10);

    // No terminal and no --yes: refused with exit status 2, nothing changed.
    let out = demo
        .retort()
        .args(["--json", "backup", "restore", &id])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let error: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--yes"),
        "{error}"
    );
    assert_eq!(demo.json(&["current"])["current"][0], "2a7e3b4c5d02");

    let restored = demo.json(&["backup", "restore", &id[..id.len() - 3], "--yes"]);
    assert_eq!(restored["restored"]["id"], id.as_str());
    assert!(restored["safety_backup"]["reason"]
        .as_str()
        .unwrap()
        .contains(&id));
    assert_eq!(demo.json(&["current"])["current"][0], HEAD);
}

#[test]
fn list_all_works_outside_a_project_and_keep_prunes() {
    let demo = Demo::new();
    demo.json(&["upgrade", "+1"]);
    for _ in 0..3 {
        assert!(demo.json(&["backup", "create"])["backup"]["id"].is_string());
    }
    let kept = demo.json(&["backup", "keep", "2"]);
    assert_eq!(kept["keep"], 2);
    let elsewhere = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("retort").unwrap();
    let out = cmd
        .current_dir(elsewhere.path())
        .env("RETORT_DATA_DIR", demo.data.path())
        .args(["--json", "backup", "list", "--all"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list["backups"].as_array().unwrap().len(), 2, "{list}");
    assert_eq!(list["backups"][0]["reason"], "on request");
}

#[test]
fn help_explains_backups() {
    let demo = Demo::new();
    let out = demo.retort().args(["backup", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("retort backup restore"), "{text}");
    let out = demo
        .retort()
        .args(["downgrade", "--help"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--no-backup"), "{text}");
}

#[tokio::test]
async fn postgres_backup_on_request_needs_pg_dump() {
    let Some(db) = TestDb::new(Dialect::Postgresql, "cli_pg_backup").await else {
        return;
    };
    let demo = Demo::new();
    let url = db.url.connect_url().to_string();
    // No automatic backup on PostgreSQL.
    let up = demo.json(&["--url", &url, "upgrade", "+1"]);
    assert!(up["backup"].is_null());
    // Asked for, without pg_dump on PATH: a clear error, nothing ran.
    let empty = tempfile::tempdir().unwrap();
    let out = demo
        .retort()
        .env("PATH", empty.path())
        .args(["--json", "--url", &url, "upgrade", "head", "--backup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&out.stdout).unwrap();
    let message = error["error"]["message"].as_str().unwrap();
    assert!(message.contains("pg_dump is not installed"), "{message}");
    assert!(message.contains("postgresql-client"), "{message}");
    assert_eq!(
        demo.json(&["--url", &url, "current"])["current"][0],
        "1f0c0a1b2c01"
    );
    // With pg_dump: the dump is taken and reported.
    let up = demo.json(&["--url", &url, "upgrade", "head", "--backup"]);
    assert_eq!(up["backup"]["tool"], "pg_dump", "{up}");
    assert_eq!(up["backup"]["revisions"][0], "1f0c0a1b2c01");
}
