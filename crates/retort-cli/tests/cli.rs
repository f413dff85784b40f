//! The `retort` binary as a black box: text and `--json` output, exit codes, files written.
//! Each test copies the demo project into a temporary folder and uses a temporary SQLite file.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

const HEAD: &str = "7fcd8a9bac07";
const FIRST: &str = "1f0c0a1b2c01";

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations")
}

/// A copy of the demo project with its own SQLite database.
struct Demo {
    dir: TempDir,
}

impl Demo {
    fn new() -> Demo {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&demo_dir(), dir.path());
        for leftover in ["nexus.db", "nexus.db-wal", "nexus.db-shm"] {
            let _ = std::fs::remove_file(dir.path().join(leftover));
        }
        Demo { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn db(&self) -> PathBuf {
        self.path().join("nexus.db")
    }

    fn retort(&self) -> Command {
        let mut cmd = Command::cargo_bin("retort").unwrap();
        cmd.current_dir(self.path())
            .env_remove("DATABASE_URL")
            .env("RETORT_DATA_DIR", self.path().join(".retort-data"));
        cmd
    }

    /// Runs with --json, asserts success, returns the parsed object.
    fn json(&self, args: &[&str]) -> Value {
        let out = self.retort().arg("--json").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "retort {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
    }

    /// Runs with --json, asserts failure with exit code 1, returns the error object.
    fn json_error(&self, args: &[&str]) -> Value {
        let out = self.retort().arg("--json").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "retort {args:?} should fail");
        let value: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON object");
        value["error"].clone()
    }

    fn tables(&self) -> Vec<String> {
        let out = StdCommand::new("sqlite3")
            .arg(self.db())
            .arg("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .output()
            .expect("sqlite3 is installed by scripts/test.sh");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    }
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

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn heads_json_has_the_contract_shape() {
    let demo = Demo::new();
    let heads = demo.json(&["heads"]);
    let heads = heads["heads"].as_array().unwrap();
    assert_eq!(heads.len(), 1);
    assert_eq!(heads[0]["revision"], HEAD);
    assert_eq!(heads[0]["message"], "track when tasks change");
    assert!(heads[0]["branch_labels"].is_array());
}

#[test]
fn heads_text_is_alembic_style() {
    let demo = Demo::new();
    demo.retort()
        .arg("heads")
        .assert()
        .success()
        .stdout(format!("{HEAD} (head)\n"));
}

#[test]
fn history_is_newest_first_in_alembic_order() {
    let demo = Demo::new();
    let history = demo.json(&["history"]);
    let ids: Vec<&str> = history["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["revision"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            HEAD,
            "6ebc7f8a9b06",
            "4c9a5d6e7f04",
            "5dab6e7f8a05",
            "3b8f4c5d6e03",
            "2a7e3b4c5d02",
            FIRST
        ]
    );
    let merge = &history["revisions"][1];
    assert_eq!(merge["is_merge"], true);
    assert_eq!(
        strings(&merge["down_revisions"]),
        ["4c9a5d6e7f04", "5dab6e7f8a05"]
    );
    let branch_point = &history["revisions"][4];
    assert_eq!(branch_point["is_branch_point"], true);
    assert_eq!(history["revisions"][6]["is_base"], true);
    assert_eq!(history["revisions"][0]["is_head"], true);

    let text = demo.retort().arg("history").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains(
            "4c9a5d6e7f04, 5dab6e7f8a05 -> 6ebc7f8a9b06 (mergepoint), merge comments branch"
        ),
        "{text}"
    );
    assert!(
        text.contains("<base> -> 1f0c0a1b2c01, create users table"),
        "{text}"
    );
    assert!(
        text.contains("3b8f4c5d6e03 -> 5dab6e7f8a05, add task comments"),
        "{text}"
    );
}

#[test]
fn branches_lists_the_branch_point() {
    let demo = Demo::new();
    let branches = demo.json(&["branches"]);
    let points = branches["branch_points"].as_array().unwrap();
    assert_eq!(points.len(), 1);
    assert_eq!(points[0]["revision"], "3b8f4c5d6e03");
    let mut children = strings(&points[0]["children"]);
    children.sort();
    assert_eq!(children, ["4c9a5d6e7f04", "5dab6e7f8a05"]);
}

#[test]
fn upgrade_step_by_step_then_head_then_base() {
    let demo = Demo::new();
    // `current` never creates the version table.
    let current = demo.json(&["current"]);
    assert_eq!(current["current"], Value::Array(vec![]));
    assert_eq!(current["version_table_exists"], false);

    let up = demo.json(&["upgrade", "+1"]);
    assert_eq!(strings(&up["current"]), [FIRST]);
    let steps = up["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0]["direction"], "up");
    assert_eq!(steps[0]["revision"], FIRST);
    assert_eq!(steps[0]["from"], Value::Array(vec![]));
    assert_eq!(strings(&steps[0]["to"]), [FIRST]);
    assert_eq!(demo.tables(), ["alembic_version", "users"]);

    let up = demo.json(&["upgrade", "head"]);
    assert_eq!(strings(&up["current"]), [HEAD]);
    let order: Vec<&str> = up["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["revision"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "2a7e3b4c5d02",
            "3b8f4c5d6e03",
            "5dab6e7f8a05",
            "4c9a5d6e7f04",
            "6ebc7f8a9b06",
            HEAD
        ]
    );
    assert_eq!(
        demo.tables(),
        ["alembic_version", "comments", "projects", "tasks", "users"]
    );

    // Re-running is a no-op.
    let again = demo.json(&["upgrade", "head"]);
    assert_eq!(again["steps"], Value::Array(vec![]));
    assert_eq!(strings(&again["current"]), [HEAD]);

    let down = demo.json(&["downgrade", "-1"]);
    assert_eq!(strings(&down["current"]), ["6ebc7f8a9b06"]);
    assert_eq!(down["steps"][0]["direction"], "down");

    // Walking down from a merge point is ambiguous, as in Alembic; naming a parent is not.
    let error = demo.json_error(&["downgrade", "-1"]);
    assert_eq!(error["message"], "Ambiguous walk");
    // Reverting the merge leaves one row per branch.
    let down = demo.json(&["downgrade", "4c9a5d6e7f04"]);
    assert_eq!(strings(&down["current"]), ["4c9a5d6e7f04", "5dab6e7f8a05"]);
    // A target that is already a row is a no-op.
    let down = demo.json(&["downgrade", "5dab"]);
    assert_eq!(down["steps"].as_array().unwrap().len(), 0);

    let base = demo.json(&["downgrade", "base"]);
    assert_eq!(base["current"], Value::Array(vec![]));
    assert_eq!(demo.tables(), ["alembic_version"]);
}

#[test]
fn current_text_marks_head() {
    let demo = Demo::new();
    demo.retort()
        .args(["-q", "upgrade", "head"])
        .assert()
        .success();
    demo.retort()
        .arg("current")
        .assert()
        .success()
        .stdout(format!("{HEAD} (head)\n"));
}

#[test]
fn upgrade_to_one_side_of_a_branch() {
    let demo = Demo::new();
    let up = demo.json(&["upgrade", "5dab"]);
    assert_eq!(strings(&up["current"]), ["5dab6e7f8a05"]);
    assert_eq!(
        demo.tables(),
        ["alembic_version", "comments", "projects", "tasks", "users"]
    );
    // The other side joins as a second row, then the merge collapses both.
    let up = demo.json(&["upgrade", "4c9a5d6e7f04"]);
    assert_eq!(strings(&up["current"]), ["4c9a5d6e7f04", "5dab6e7f8a05"]);
    let error = demo.json_error(&["upgrade", "+1"]);
    assert_eq!(
        error["message"],
        "Ambiguous upgrade from multiple current revisions"
    );
    let up = demo.json(&["upgrade", "6ebc"]);
    assert_eq!(strings(&up["current"]), ["6ebc7f8a9b06"]);
}

#[test]
fn stamp_and_purge_change_only_the_version_table() {
    let demo = Demo::new();
    let stamped = demo.json(&["stamp", "head"]);
    assert_eq!(strings(&stamped["current"]), [HEAD]);
    assert_eq!(stamped["steps"][0]["direction"], "stamp");
    assert_eq!(demo.tables(), ["alembic_version"]);

    let stamped = demo.json(&["stamp", "--purge", "3b8f"]);
    assert_eq!(strings(&stamped["current"]), ["3b8f4c5d6e03"]);

    let stamped = demo.json(&["stamp", "base"]);
    assert_eq!(stamped["current"], Value::Array(vec![]));
}

#[test]
fn unknown_revision_is_a_resolution_error() {
    let demo = Demo::new();
    let error = demo.json_error(&["upgrade", "deadbeef0000"]);
    assert_eq!(error["kind"], "resolution");
    assert_eq!(
        error["message"],
        "Can't locate revision identified by 'deadbeef0000'"
    );
    // Nothing was created.
    assert!(!demo.db().exists() || demo.tables().is_empty());

    demo.retort()
        .args(["upgrade", "zz"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "FAILED: Can't locate revision identified by 'zz'",
        ));
}

#[test]
fn offline_sql_contains_the_version_table_and_first_revision() {
    let demo = Demo::new();
    let out = demo
        .retort()
        .args(["upgrade", "head", "--sql"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let sql = String::from_utf8(out.stdout).unwrap();
    assert!(sql.contains("CREATE TABLE alembic_version"), "{sql}");
    assert!(sql.contains("CREATE TABLE users"), "{sql}");
    assert!(sql.contains("-- Running upgrade  -> 1f0c0a1b2c01"), "{sql}");
    assert!(
        sql.contains("INSERT INTO alembic_version (version_num) VALUES ('1f0c0a1b2c01')"),
        "{sql}"
    );
    // Nothing ran.
    assert!(!demo.db().exists() || demo.tables().is_empty());

    let error = demo.json_error(&["downgrade", "-1", "--sql"]);
    assert_eq!(
        error["message"],
        "downgrade with --sql requires <fromrev>:<torev>"
    );
    let out = demo
        .retort()
        .args(["downgrade", &format!("{HEAD}:base"), "--sql"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let sql = String::from_utf8(out.stdout).unwrap();
    assert!(sql.contains("DROP TABLE users"), "{sql}");
    assert!(!sql.contains("CREATE TABLE alembic_version"), "{sql}");
}

#[test]
fn range_without_sql_is_refused() {
    let demo = Demo::new();
    let error = demo.json_error(&["upgrade", "base:head"]);
    assert!(error["message"]
        .as_str()
        .unwrap()
        .starts_with("Range revision not allowed"));
}

#[test]
fn passwords_never_reach_the_output() {
    let demo = Demo::new();
    let out = demo
        .retort()
        .args([
            "--json",
            "--url",
            "postgresql://alice:s3cr3t-pw@127.0.0.1:1/nexus",
            "current",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("s3cr3t-pw"), "{all}");
    let error: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(error["error"]["kind"], "database");
}

#[test]
fn bad_url_lists_the_accepted_forms() {
    let demo = Demo::new();
    let error = demo.json_error(&["--url", "oracle://x@y/z", "current"]);
    assert_eq!(error["kind"], "url");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("sqlite:///"), "{message}");
    assert!(message.contains("postgresql://"), "{message}");
}

#[test]
fn usage_errors_exit_2() {
    let demo = Demo::new();
    demo.retort().arg("upgrade").assert().code(2);
    demo.retort().arg("frobnicate").assert().code(2);
}

#[test]
fn database_url_from_the_environment_is_used() {
    let demo = Demo::new();
    let other = demo.path().join("other.db");
    let url = format!("sqlite:///{}", other.display());
    demo.retort()
        .env("DATABASE_URL", &url)
        .args(["-q", "upgrade", "+1"])
        .assert()
        .success();
    assert!(other.exists());
    assert!(!demo.db().exists());
}

#[test]
fn init_revision_merge_in_a_new_project() {
    let dir = tempfile::tempdir().unwrap();
    let retort = || {
        let mut cmd = Command::cargo_bin("retort").unwrap();
        cmd.current_dir(dir.path())
            .env_remove("DATABASE_URL")
            .env("RETORT_DATA_DIR", dir.path().join(".retort-data"));
        cmd
    };
    retort().args(["init", "db"]).assert().success();
    assert!(dir.path().join("retort.toml").exists());
    assert!(dir.path().join("db/versions").is_dir());

    retort()
        .args(["revision", "-m", "first", "--rev-id", "aaaa00000001"])
        .assert()
        .success();
    // Alembic's spelling from common guides: --head=base --branch=sqlite (prefix of --branch-label).
    retort()
        .args([
            "revision",
            "--head=base",
            "--branch=sqlite",
            "-m",
            "SQLite specific",
            "--rev-id",
            "bbbb00000001",
        ])
        .assert()
        .success();
    let written = std::fs::read_dir(dir.path().join("db/versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect::<Vec<_>>();
    assert!(
        written.contains(&"bbbb00000001_sqlite_specific.sql".to_string()),
        "{written:?}"
    );
    let text = std::fs::read_to_string(
        dir.path()
            .join("db/versions/bbbb00000001_sqlite_specific.sql"),
    )
    .unwrap();
    assert!(text.contains("-- Branch labels: sqlite"), "{text}");

    // Two heads: `upgrade head` refuses with Alembic's message.
    let out = retort()
        .args(["--json", "upgrade", "head"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(error["error"]["kind"], "multiple_heads");
    assert_eq!(
        error["error"]["message"],
        "Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads"
    );
    let out = retort().args(["revision", "-m", "third"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Multiple heads are present"));

    let out = retort()
        .args([
            "--json",
            "merge",
            "-m",
            "merge both",
            "heads",
            "--rev-id",
            "cccc00000001",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut parents = strings(&merged["down_revisions"]);
    parents.sort();
    assert_eq!(parents, ["aaaa00000001", "bbbb00000001"]);
    retort()
        .arg("heads")
        .assert()
        .success()
        .stdout("cccc00000001 (sqlite) (head)\n");
}

#[test]
fn help_has_examples() {
    Command::cargo_bin("retort")
        .unwrap()
        .args(["upgrade", "--help"])
        .assert()
        .success()
        .stdout(predicates::str::contains("retort upgrade head"));
}

/// The demo project applies and reverts cleanly on every database, through the CLI.
#[tokio::test(flavor = "multi_thread")]
async fn demo_project_round_trips_on_every_database() {
    use retort_core::Dialect;
    for dialect in Dialect::ALL {
        let Some(db) = retort_testkit::TestDb::new(dialect, "demo_project_round_trips").await
        else {
            continue;
        };
        let demo = Demo::new();
        // The test servers take no password, so the connection string is safe to pass around.
        let url = match db.url.sqlite_path() {
            Some(path) => format!("sqlite:///{}", path.display()),
            None => db.url.connect_url().to_string(),
        };
        for (args, expected) in [
            (vec!["upgrade", "head"], vec![HEAD]),
            (vec!["downgrade", "base"], vec![]),
            (vec!["upgrade", "head"], vec![HEAD]),
        ] {
            let mut full = vec!["--url", url.as_str()];
            full.extend(args);
            let out = demo.json(&full);
            assert_eq!(strings(&out["current"]), expected, "{dialect}: {full:?}");
        }
    }
}

#[test]
fn history_ranges_with_current_read_the_database() {
    let demo = Demo::new();
    demo.retort()
        .args(["-q", "upgrade", "4c9a"])
        .assert()
        .success();
    // `current:` starts at the database's revision; without -i nothing is marked.
    demo.retort()
        .args(["history", "-r", "current:"])
        .assert()
        .success()
        .stdout(format!(
            "6ebc7f8a9b06 -> {HEAD} (head), track when tasks change\n\
             4c9a5d6e7f04, 5dab6e7f8a05 -> 6ebc7f8a9b06 (mergepoint), merge comments branch\n\
             3b8f4c5d6e03 -> 4c9a5d6e7f04, index tasks by status and due date\n"
        ));
}

// ---- revision --autogenerate ----------------------------------------------------------------

impl Demo {
    /// Runs SQL on the demo's SQLite database with the sqlite3 shell (a hand-made change).
    fn sqlite(&self, sql: &str) {
        let status = StdCommand::new("sqlite3")
            .arg(self.db())
            .arg(sql)
            .status()
            .expect("sqlite3 is installed by scripts/test.sh");
        assert!(status.success(), "{sql}");
    }

    fn versions(&self) -> usize {
        std::fs::read_dir(self.path().join("versions"))
            .unwrap()
            .count()
    }
}

#[test]
fn autogenerate_json_writes_the_revision() {
    let demo = Demo::new();
    demo.retort()
        .args(["-q", "upgrade", "head"])
        .assert()
        .success();

    // In sync: exit 1, a clear message, nothing written.
    let error = demo.json_error(&["revision", "--autogenerate", "-m", "x"]);
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("No changes detected"), "{message}");
    assert_eq!(demo.versions(), 7);

    demo.sqlite("ALTER TABLE users ADD COLUMN nickname VARCHAR(40)");
    let result = demo.json(&["revision", "--autogenerate", "-m", "x"]);
    assert_eq!(
        result["up_sql"],
        "ALTER TABLE users ADD COLUMN nickname VARCHAR(40);\n"
    );
    assert_eq!(
        result["down_sql"],
        "ALTER TABLE users DROP COLUMN nickname;\n"
    );
    assert_eq!(result["down_revisions"][0], HEAD);
    assert_eq!(result["dialect"], "sqlite");
    assert_eq!(result["warnings"].as_array().unwrap().len(), 0);
    let text = std::fs::read_to_string(result["path"].as_str().unwrap()).unwrap();
    assert!(
        text.contains(
            "-- migrate:up\n-- Autogenerated from a sqlite database (`retort revision --autogenerate`): review it.\nALTER TABLE users ADD COLUMN nickname VARCHAR(40);\n"
        ),
        "{text}"
    );
    assert_eq!(demo.versions(), 8);
    let heads = demo.json(&["heads"]);
    assert_eq!(heads["heads"][0]["revision"], result["revision"]);
}

#[test]
fn autogenerate_warns_about_a_rename_on_stderr() {
    let demo = Demo::new();
    demo.retort()
        .args(["-q", "upgrade", "head"])
        .assert()
        .success();
    demo.sqlite("ALTER TABLE users RENAME COLUMN display_name TO full_name");
    let out = demo
        .retort()
        .args(["revision", "--autogenerate", "-m", "rename"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("WARNING: column users.display_name was removed"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("Generating "), "{stdout}");
    // Only comments: running it changes nothing but the version table.
    demo.retort()
        .args(["-q", "upgrade", "head"])
        .assert()
        .success();
    assert!(demo.tables().contains(&"users".to_string()));
}

#[test]
fn revision_help_shows_autogenerate() {
    let demo = Demo::new();
    let out = demo.retort().args(["revision", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--autogenerate"), "{help}");
    assert!(help.contains("retort revision --autogenerate -m"), "{help}");
}
