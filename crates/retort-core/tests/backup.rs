//! Backups and restore on all three databases: a backup, then a destructive downgrade (and a
//! stray table created afterwards), then a restore returns exactly the rows and the schema of
//! the moment of the backup.

mod common;

use std::path::{Path, PathBuf};

use common::TestDb;
use retort_core::backup::{BackupInfo, BackupMode, BackupStore};
use retort_core::db::Database;
use retort_core::dialect::Dialect;
use retort_core::ops::{RunCommand, Workspace};
use retort_core::runner::RunOptions;
use retort_core::schema::{self, diff::diff, Schema};
use retort_core::DatabaseUrl;

fn demo() -> Workspace {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    Workspace::open(&dir).expect("demo project")
}

async fn run(ws: &Workspace, url: &DatabaseUrl, command: RunCommand<'_>) {
    ws.run(url, command, &RunOptions::default(), &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("run: {e}"));
}

async fn exec(url: &DatabaseUrl, sql: &str) {
    let mut db = Database::connect(url).await.expect("connect");
    db.execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    db.close().await;
}

async fn rows(url: &DatabaseUrl, sql: &str) -> Vec<Vec<Option<String>>> {
    let mut db = Database::connect(url).await.expect("connect");
    let rows = db
        .query_text_rows(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    db.close().await;
    rows
}

async fn snapshot(ws: &Workspace, url: &DatabaseUrl) -> Schema {
    schema::snapshot(url, &ws.schema_options(&[]))
        .await
        .expect("snapshot")
}

const USERS: &str = "SELECT id, email, display_name, created_at FROM users ORDER BY id";
const PROJECTS: &str = "SELECT id, owner_id, name FROM projects ORDER BY id";

async fn populated(db: &TestDb, ws: &Workspace) {
    run(ws, &db.url, RunCommand::Upgrade("head")).await;
    exec(
        &db.url,
        "INSERT INTO users (id, email, display_name) VALUES (1, 'ada@example.com', 'Ada'), \
         (2, 'bob@example.com', NULL)",
    )
    .await;
    exec(
        &db.url,
        "INSERT INTO projects (id, owner_id, name) VALUES (10, 1, 'it''s a \"quoted\" name')",
    )
    .await;
}

fn store(db: &TestDb) -> BackupStore {
    BackupStore::open(db.dir().join("data/backups"))
}

/// A backup of `url` now (the database has something to back up).
async fn back_up(store: &BackupStore, url: &DatabaseUrl, reason: &str) -> BackupInfo {
    store
        .create(url, "alembic_version", reason)
        .await
        .expect("back up")
        .expect("a database to back up")
}

async fn backup_downgrade_restore(db: &TestDb) {
    let ws = demo();
    populated(db, &ws).await;
    let users = rows(&db.url, USERS).await;
    let projects = rows(&db.url, PROJECTS).await;
    assert_eq!(users.len(), 2);
    let schema_before = snapshot(&ws, &db.url).await;
    let current_before = ws.current(&db.url).await.unwrap().current;

    let store = store(db);
    let backup = store
        .create(&db.url, "alembic_version", "before downgrade base")
        .await
        .expect("backup")
        .expect("a database to back up");
    assert_eq!(backup.revisions, current_before);
    assert!(backup.size > 0);
    assert!(Path::new(&backup.file).is_file());
    assert!(backup.id.contains(&current_before[0]), "{}", backup.id);
    assert_eq!(store.list(Some(&db.url)).unwrap(), vec![backup.clone()]);

    // Destroy: every table with its data, and a table the backup never had.
    run(&ws, &db.url, RunCommand::Downgrade("base")).await;
    exec(&db.url, "CREATE TABLE stray (x INTEGER)").await;
    assert!(!diff(&schema_before, &snapshot(&ws, &db.url).await).is_empty());

    let outcome = store
        .restore(&backup.id, &db.url, "alembic_version")
        .await
        .expect("restore");
    assert_eq!(outcome.restored.id, backup.id);
    let safety = outcome.safety_backup.expect("the state before the restore");
    assert!(safety.reason.contains(&backup.id));
    assert!(safety.revisions.is_empty(), "{:?}", safety.revisions);

    let schema_after = snapshot(&ws, &db.url).await;
    let changes = diff(&schema_before, &schema_after);
    assert!(
        changes.is_empty(),
        "schema differs after restore: {changes:?}"
    );
    assert_eq!(rows(&db.url, USERS).await, users);
    assert_eq!(rows(&db.url, PROJECTS).await, projects);
    assert_eq!(ws.current(&db.url).await.unwrap().current, current_before);

    // The restore itself can be undone: back to the downgraded state with the stray table.
    store
        .restore(&safety.id, &db.url, "alembic_version")
        .await
        .expect("undo the restore");
    let undone = snapshot(&ws, &db.url).await;
    assert!(undone.tables.iter().any(|t| t.name == "stray"));
    assert!(!undone.tables.iter().any(|t| t.name == "users"));
}

/// Views, schemas, types and routines made after the backup are gone after the restore; a view
/// the backup had comes back.
async fn restore_removes_objects_made_after_the_backup(db: &TestDb) {
    let ws = demo();
    populated(db, &ws).await;
    exec(
        &db.url,
        "CREATE VIEW v_users AS SELECT id, email FROM users",
    )
    .await;
    let schema_before = snapshot(&ws, &db.url).await;
    let store = store(db);
    let backup = back_up(&store, &db.url, "objects").await;

    exec(&db.url, "DROP VIEW v_users").await;
    exec(&db.url, "CREATE VIEW v_stray AS SELECT id FROM projects").await;
    let extra: &[&str] = match db.dialect {
        Dialect::Postgresql => &[
            "CREATE SCHEMA extra",
            "CREATE TABLE extra.t (x INTEGER)",
            "CREATE TYPE mood AS ENUM ('ok', 'bad')",
            "CREATE SEQUENCE stray_seq",
            "CREATE FUNCTION stray_fn() RETURNS INTEGER LANGUAGE sql AS 'SELECT 1'",
        ],
        Dialect::Mysql => &["CREATE PROCEDURE stray_proc() SELECT 1"],
        Dialect::Sqlite => &["CREATE TRIGGER stray_trg AFTER INSERT ON users BEGIN SELECT 1; END"],
    };
    for sql in extra {
        exec(&db.url, sql).await;
    }

    store
        .restore(&backup.id, &db.url, "alembic_version")
        .await
        .expect("restore");
    let changes = diff(&schema_before, &snapshot(&ws, &db.url).await);
    assert!(
        changes.is_empty(),
        "schema differs after restore: {changes:?}"
    );
    let leftovers = match db.dialect {
        Dialect::Postgresql => {
            "SELECT n.nspname FROM pg_namespace n WHERE n.nspname = 'extra' \
             UNION ALL SELECT typname FROM pg_type WHERE typname = 'mood' \
             UNION ALL SELECT relname FROM pg_class WHERE relname = 'stray_seq' \
             UNION ALL SELECT proname FROM pg_proc WHERE proname = 'stray_fn'"
        }
        Dialect::Mysql => {
            "SELECT routine_name FROM information_schema.routines \
             WHERE routine_schema = DATABASE()"
        }
        Dialect::Sqlite => "SELECT name FROM sqlite_master WHERE name = 'stray_trg'",
    };
    assert!(rows(&db.url, leftovers).await.is_empty());
    assert_eq!(
        rows(&db.url, "SELECT id FROM v_users ORDER BY id")
            .await
            .len(),
        2
    );
}

/// With retention full, the safety backup a restore takes first must not prune the backup
/// being restored (the oldest one): the restore goes through and the data comes back.
async fn restoring_the_oldest_backup_when_retention_is_full(db: &TestDb) {
    let ws = demo();
    populated(db, &ws).await;
    let users = rows(&db.url, USERS).await;
    let mut store = store(db);
    store.set_keep(1).unwrap();
    let backup = store
        .create(&db.url, "alembic_version", "only one kept")
        .await
        .unwrap()
        .unwrap();
    exec(&db.url, "DELETE FROM projects").await;
    exec(&db.url, "DELETE FROM users").await;
    let outcome = store
        .restore(&backup.id, &db.url, "alembic_version")
        .await
        .unwrap_or_else(|e| panic!("restore: {e}"));
    assert_eq!(rows(&db.url, USERS).await, users);
    // The safety backup is kept (retention applies again afterwards).
    let safety = outcome.safety_backup.expect("safety backup");
    assert!(store.find(&safety.id).is_ok());
}

dialect_tests!(
    backup_downgrade_restore,
    restore_removes_objects_made_after_the_backup,
    restoring_the_oldest_backup_when_retention_is_full
);

#[tokio::test]
async fn retention_keeps_the_newest_backups_of_each_database() {
    let db = TestDb::new(Dialect::Sqlite, "retention").await.unwrap();
    let ws = demo();
    run(&ws, &db.url, RunCommand::Upgrade("head")).await;
    let other = db.url.with_database("other.db");
    run(&ws, &other, RunCommand::Upgrade("+1")).await;
    let mut store = store(&db);
    store.set_keep(2).unwrap();
    let mut ids = Vec::new();
    for n in 0..3 {
        let info = store
            .create(&db.url, "alembic_version", &format!("test {n}"))
            .await
            .unwrap()
            .unwrap();
        ids.push(info.id);
    }
    let other_backup = back_up(&store, &other, "other").await;
    assert!(other_backup.id.starts_with("other.db-"));
    assert_eq!(other_backup.revisions, vec!["1f0c0a1b2c01".to_string()]);
    let kept: Vec<String> = store
        .list(Some(&db.url))
        .unwrap()
        .into_iter()
        .map(|b| b.id)
        .collect();
    assert_eq!(kept, vec![ids[2].clone(), ids[1].clone()]);
    assert!(!store.dir().join(format!("{}.sqlite", ids[0])).exists());
    assert!(!store.dir().join(format!("{}.json", ids[0])).exists());
    assert_eq!(store.list(None).unwrap().len(), 3);
    // Lowering the setting prunes at once.
    store.set_keep(1).unwrap();
    assert_eq!(store.list(Some(&db.url)).unwrap().len(), 1);
    // Unique prefixes find a backup; an unknown id says where to look.
    assert_eq!(store.find(&ids[2][..ids[2].len() - 2]).unwrap().id, ids[2]);
    let err = store.find("nope").unwrap_err().to_string();
    assert!(err.contains("retort backup list"), "{err}");
}

#[tokio::test]
async fn sqlite_missing_file_needs_no_backup() {
    let db = TestDb::new(Dialect::Sqlite, "missing").await.unwrap();
    let store = store(&db);
    assert_eq!(store.plan(&db.url).mode, BackupMode::NotNeeded);
    let none = store.create(&db.url, "alembic_version", "x").await.unwrap();
    assert!(none.is_none());
    assert!(!db.sqlite_file().unwrap().exists(), "no file was created");
    run(&demo(), &db.url, RunCommand::Upgrade("+1")).await;
    let plan = store.plan(&db.url);
    assert_eq!(plan.mode, BackupMode::Automatic);
    assert!(plan.message.contains("test.db"), "{}", plan.message);
    assert!(plan.message.contains("last 10"), "{}", plan.message);
}

#[tokio::test]
async fn sqlite_wal_content_is_backed_up_and_restore_leaves_no_stale_wal() {
    let db = TestDb::new(Dialect::Sqlite, "wal").await.unwrap();
    let ws = demo();
    run(&ws, &db.url, RunCommand::Upgrade("head")).await;
    exec(&db.url, "PRAGMA journal_mode=WAL").await;
    // Keep a reader open so the WAL is not checkpointed away on close.
    let mut reader = Database::connect(&db.url).await.unwrap();
    reader.query_strings("SELECT 1").await.unwrap();
    exec(
        &db.url,
        "INSERT INTO users (id, email) VALUES (7, 'wal@example.com')",
    )
    .await;
    let store = store(&db);
    let backup = back_up(&store, &db.url, "wal").await;
    reader.close().await;
    exec(&db.url, "DELETE FROM users").await;
    store
        .restore(&backup.id, &db.url, "alembic_version")
        .await
        .unwrap();
    let got = rows(&db.url, "SELECT email FROM users").await;
    assert_eq!(got, vec![vec![Some("wal@example.com".to_string())]]);
}

#[tokio::test]
async fn sqlite_restore_is_refused_while_the_file_is_in_use() {
    let db = TestDb::new(Dialect::Sqlite, "in_use").await.unwrap();
    let ws = demo();
    run(&ws, &db.url, RunCommand::Upgrade("head")).await;
    let store = store(&db);
    let backup = back_up(&store, &db.url, "x").await;
    exec(
        &db.url,
        "INSERT INTO users (id, email) VALUES (3, 'kept@example.com')",
    )
    .await;
    let file = db.sqlite_file().unwrap();

    // Another process with the file open.
    let mut child = hold_open(&file);
    let err = store
        .restore(&backup.id, &db.url, "alembic_version")
        .await
        .unwrap_err()
        .to_string();
    let _ = child.kill();
    let _ = child.wait();
    assert!(err.contains("another process"), "{err}");
    assert!(err.contains(&format!("pid {}", child.id())), "{err}");
    assert!(err.contains("Nothing was changed"), "{err}");

    // Another connection in this process in the middle of a write.
    let mut writer = Database::connect(&db.url).await.unwrap();
    writer.begin().await.unwrap();
    writer
        .execute("INSERT INTO users (id, email) VALUES (4, 'w@example.com')")
        .await
        .unwrap();
    let err = store
        .restore(&backup.id, &db.url, "alembic_version")
        .await
        .unwrap_err()
        .to_string();
    writer.rollback().await.unwrap();
    writer.close().await;
    assert!(err.contains("another connection"), "{err}");

    // Nothing changed, and only the first backup exists (no safety backup was taken).
    let got = rows(&db.url, "SELECT email FROM users").await;
    assert_eq!(got, vec![vec![Some("kept@example.com".to_string())]]);
    assert_eq!(store.list(None).unwrap().len(), 1);
}

/// A child process (`sh`) with `file` open for reading until killed.
fn hold_open(file: &PathBuf) -> std::process::Child {
    let child = std::process::Command::new("sh")
        .arg("-c")
        .arg("exec 3<\"$0\"; echo ready; exec sleep 60")
        .arg(file)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn sh");
    let mut child = child;
    let mut line = String::new();
    use std::io::BufRead;
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "ready");
    child
}

#[tokio::test]
async fn sidecars_never_hold_the_password() {
    let Some(db) = TestDb::new(Dialect::Postgresql, "sidecar_secret").await else {
        return;
    };
    // The test server trusts local connections: the password is sent but not needed.
    let secret = "Sup3r-S3cret-pw";
    let mut with_password = url::Url::parse(db.url.connect_url()).unwrap();
    with_password.set_password(Some(secret)).unwrap();
    let url = DatabaseUrl::parse(with_password.as_str(), db.dir()).unwrap();
    run(&demo(), &url, RunCommand::Upgrade("+1")).await;
    let store = store(&db);
    let info = back_up(&store, &url, "secret").await;
    let sidecar = std::fs::read_to_string(store.dir().join(format!("{}.json", info.id))).unwrap();
    assert!(!sidecar.contains(secret), "{sidecar}");
    assert!(sidecar.contains("***"), "{sidecar}");
    let dump = std::fs::read_to_string(&info.file).unwrap();
    assert!(!dump.contains(secret));
    assert!(
        dump.contains("CREATE TABLE public.users"),
        "a pg_dump script"
    );
    assert_eq!(info.tool, "pg_dump");
}

#[tokio::test]
async fn a_backup_of_another_database_is_not_restored_here() {
    let db = TestDb::new(Dialect::Sqlite, "other_db").await.unwrap();
    let ws = demo();
    run(&ws, &db.url, RunCommand::Upgrade("+1")).await;
    let store = store(&db);
    let backup = back_up(&store, &db.url, "x").await;
    let other = db.url.with_database("other.db");
    let err = store
        .restore(&backup.id, &other, "alembic_version")
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("is of"), "{err}");
    assert!(!other.sqlite_path().unwrap().exists());
}

/// A database in WAL mode (what `retort doctor` recommends against "database is locked") is
/// still in WAL mode after a restore: `VACUUM INTO` writes its copy in rollback-journal mode.
#[tokio::test]
async fn sqlite_restore_keeps_wal_mode() {
    let db = TestDb::new(Dialect::Sqlite, "wal_mode").await.unwrap();
    let ws = demo();
    run(&ws, &db.url, RunCommand::Upgrade("head")).await;
    exec(&db.url, "PRAGMA journal_mode=WAL").await;
    let store = store(&db);
    let backup = store
        .create(&db.url, "alembic_version", "wal mode")
        .await
        .unwrap()
        .unwrap();
    store
        .restore(&backup.id, &db.url, "alembic_version")
        .await
        .unwrap();
    let mode = rows(&db.url, "PRAGMA journal_mode").await;
    assert_eq!(mode, vec![vec![Some("wal".to_string())]]);
    let folder = db.sqlite_file().unwrap().parent().unwrap().to_path_buf();
    let leftovers: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("retort-restore"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A dump cut short (a full disk, an interrupted copy) loads "fine" but without the rows after
/// the cut: it is refused before anything is dropped (MySQL cannot restore in one transaction).
async fn incomplete_dump_is_refused_before_dropping_anything(db: &TestDb) {
    if db.dialect == Dialect::Sqlite {
        return; // SQLite backups are checked with PRAGMA quick_check instead.
    }
    let ws = demo();
    populated(db, &ws).await;
    let users = rows(&db.url, USERS).await;
    let store = store(db);
    let backup = back_up(&store, &db.url, "cut").await;
    let text = std::fs::read_to_string(&backup.file).unwrap();
    let marker = match db.dialect {
        Dialect::Postgresql => "COPY public.users",
        _ => "INSERT INTO `users`",
    };
    let cut = text.find(marker).expect("the users rows in the dump");
    std::fs::write(&backup.file, &text[..cut]).unwrap();
    let error = store
        .restore(&backup.id, &db.url, "alembic_version")
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("incomplete"), "{error}");
    assert!(error.contains("Nothing was changed"), "{error}");
    assert_eq!(rows(&db.url, USERS).await, users);
    // No safety backup was taken for a restore that did not start.
    assert_eq!(store.list(Some(&db.url)).unwrap().len(), 1);
}

dialect_tests!(incomplete_dump_is_refused_before_dropping_anything);

/// A PostgreSQL dump that fails partway changes nothing (one transaction), and the error is the
/// failure itself, not the NOTICEs of emptying the database.
#[tokio::test]
async fn postgres_failed_restore_changes_nothing_and_says_why() {
    let Some(db) = TestDb::new(Dialect::Postgresql, "pg_failed_restore").await else {
        return;
    };
    let ws = demo();
    populated(&db, &ws).await;
    let store = store(&db);
    let backup = back_up(&store, &db.url, "bad").await;
    exec(&db.url, "DELETE FROM comments").await;
    exec(&db.url, "DELETE FROM tasks").await;
    exec(&db.url, "DELETE FROM projects").await;
    exec(&db.url, "DELETE FROM users WHERE id = 2").await;
    let after = rows(&db.url, USERS).await;
    let text = std::fs::read_to_string(&backup.file).unwrap();
    let end = text.find("-- PostgreSQL database dump complete").unwrap();
    let broken = format!("{}SELECT 1 / 0;\n{}", &text[..end], &text[end..]);
    std::fs::write(&backup.file, broken).unwrap();
    let error = store
        .restore(&backup.id, &db.url, "alembic_version")
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("division by zero"), "{error}");
    assert!(!error.contains("NOTICE"), "{error}");
    assert!(error.contains("nothing was changed"), "{error}");
    assert_eq!(rows(&db.url, USERS).await, after);
}

/// A MariaDB account with the privileges migrations need (no EVENT, no TRIGGER) can still take
/// a dump and restore it: `--events` would fail with "Couldn't execute 'show events'".
#[tokio::test]
async fn mysql_migration_user_without_event_privilege_can_back_up() {
    let Some(db) = TestDb::new(Dialect::Mysql, "mysql_backup_no_event").await else {
        return;
    };
    let ws = demo();
    populated(&db, &ws).await;
    let users = rows(&db.url, USERS).await;
    let admin_url = db.url.connect_url().to_string();
    let database = db.url.database_name().unwrap();
    let user = format!("retort_b_{}", &database["retort_t_".len()..]);
    let account = format!("'{user}'@'%'");
    retort_testkit::admin_execute(
        Dialect::Mysql,
        &admin_url,
        &format!("CREATE USER {account} IDENTIFIED BY 'Bk-s3cret'"),
    )
    .await;
    let _guard = retort_testkit::AdminCleanup::new(
        Dialect::Mysql,
        &admin_url,
        format!("DROP USER IF EXISTS {account}"),
    );
    retort_testkit::admin_execute(
        Dialect::Mysql,
        &admin_url,
        &format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, \
             CREATE VIEW, SHOW VIEW ON `{database}`.* TO {account}"
        ),
    )
    .await;
    let mut user_url = url::Url::parse(&admin_url).unwrap();
    user_url.set_username(&user).unwrap();
    user_url.set_password(Some("Bk-s3cret")).unwrap();
    let user_db = DatabaseUrl::parse(user_url.as_str(), db.dir()).unwrap();

    let store = store(&db);
    let backup = store
        .create(&user_db, "alembic_version", "migration user")
        .await
        .unwrap_or_else(|e| panic!("backup: {e}"))
        .unwrap();
    exec(&user_db, "DELETE FROM comments").await;
    exec(&user_db, "DELETE FROM tasks").await;
    exec(&user_db, "DELETE FROM projects").await;
    exec(&user_db, "DELETE FROM users").await;
    store
        .restore(&backup.id, &user_db, "alembic_version")
        .await
        .unwrap_or_else(|e| panic!("restore: {e}"));
    assert_eq!(rows(&db.url, USERS).await, users);
}
