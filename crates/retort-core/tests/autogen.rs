//! `revision --autogenerate` on the demo project, on all three databases: a hand-made change
//! to the live database becomes a revision that reproduces it on a fresh database and whose
//! down section takes it back.

use std::path::{Path, PathBuf};

use retort_core::autogen::NO_CHANGES;
use retort_core::dialect::Dialect;
use retort_core::ops::{NewRevisionOptions, RunCommand, Workspace};
use retort_core::runner::RunOptions;
use retort_core::schema::{self, Schema};
use retort_core::scratch::comparable;
use retort_core::DatabaseUrl;
use retort_testkit::TestDb;

/// A copy of the demo project (retort.toml and versions/) in `dir`.
fn copy_demo(dir: &Path) -> PathBuf {
    retort_testkit::copy_demo_project(dir)
}

async fn run(ws: &Workspace, url: &DatabaseUrl, command: RunCommand<'_>) {
    let mut ignore = |_| {};
    ws.run(url, command, &RunOptions::default(), &mut ignore)
        .await
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
}

async fn snapshot(ws: &Workspace, url: &DatabaseUrl) -> Schema {
    comparable(&ws.schema(url, &[]).await.expect("snapshot"))
}

async fn execute(db: &TestDb, statements: &[&str]) {
    let mut conn = db.connect().await;
    for sql in statements {
        conn.execute(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    conn.close().await;
}

fn options(message: &str) -> NewRevisionOptions {
    NewRevisionOptions {
        message: message.to_string(),
        ..NewRevisionOptions::default()
    }
}

async fn round_trip(dialect: Dialect) {
    let test = format!("autogen_round_trip_{dialect}");
    let Some(live) = TestDb::new(dialect, &test).await else {
        return;
    };
    let Some(fresh) = TestDb::new(dialect, &format!("{test}_fresh")).await else {
        return;
    };
    let project = copy_demo(live.dir());
    let ws = Workspace::open(&project).unwrap();
    run(&ws, &live.url, RunCommand::Upgrade("heads")).await;
    let head_before = snapshot(&ws, &live.url).await;

    // Nothing changed yet: nothing is written.
    let err = ws
        .autogenerate_revision(&live.url, &options("nothing"))
        .await
        .expect_err("no drift");
    assert!(err.to_string().contains(NO_CHANGES), "{err}");
    assert_eq!(
        std::fs::read_dir(project.join("versions")).unwrap().count(),
        7
    );

    // Column changes and a foreign key on an existing table: ALTER COLUMN / MODIFY COLUMN /
    // ADD CONSTRAINT (SQLite rebuilds instead: see sqlite_type_change_rebuilds_the_table).
    match dialect {
        Dialect::Postgresql => {
            execute(
                &live,
                &[
                    "ALTER TABLE tasks ALTER COLUMN title TYPE VARCHAR(300)",
                    "ALTER TABLE tasks ALTER COLUMN status SET DEFAULT 'open'",
                    "ALTER TABLE projects ALTER COLUMN name DROP NOT NULL",
                ],
            )
            .await
        }
        Dialect::Mysql => {
            execute(
                &live,
                &[
                    "ALTER TABLE tasks MODIFY COLUMN title VARCHAR(300) NOT NULL",
                    "ALTER TABLE tasks MODIFY COLUMN status VARCHAR(20) NOT NULL DEFAULT 'open'",
                    "ALTER TABLE projects MODIFY COLUMN name VARCHAR(200) NULL",
                ],
            )
            .await
        }
        Dialect::Sqlite => {}
    }
    if dialect != Dialect::Sqlite {
        execute(
            &live,
            &[
                "ALTER TABLE projects ADD COLUMN reviewer_id INTEGER",
                "ALTER TABLE projects ADD CONSTRAINT fk_projects_reviewer \
                 FOREIGN KEY (reviewer_id) REFERENCES users (id)",
            ],
        )
        .await;
    }
    execute(
        &live,
        &[
            "ALTER TABLE users ADD COLUMN nickname VARCHAR(40)",
            "CREATE INDEX ix_tasks_title ON tasks (title)",
            "CREATE TABLE labels (id INTEGER NOT NULL PRIMARY KEY, task_id INTEGER NOT NULL, \
             name VARCHAR(50) NOT NULL DEFAULT 'new', \
             CONSTRAINT fk_labels_task FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE)",
            "CREATE INDEX ix_labels_name ON labels (name)",
            "CREATE VIEW open_tasks AS SELECT id, title FROM tasks WHERE status = 'todo'",
        ],
    )
    .await;
    let live_schema = snapshot(&ws, &live.url).await;
    let drift = ws.check_drift(&live.url).await.unwrap();
    assert!(drift.drifted, "{dialect}: drift not found");
    let result = ws
        .autogenerate_revision(&live.url, &options("sync hand-made changes"))
        .await
        .unwrap_or_else(|e| panic!("{dialect}: {e}"));
    assert!(result.warnings.is_empty(), "{:?}", result.warnings);
    assert_eq!(result.down_revisions, ["7fcd8a9bac07"]);
    assert!(result.up_sql.contains("nickname"), "{}", result.up_sql);
    assert!(
        result.up_sql.contains("CREATE TABLE labels"),
        "{}",
        result.up_sql
    );
    assert!(
        result.down_sql.starts_with("DROP VIEW open_tasks;"),
        "{}",
        result.down_sql
    );
    assert!(
        result.down_sql.contains("DROP TABLE labels"),
        "{}",
        result.down_sql
    );
    let text = std::fs::read_to_string(&result.path).unwrap();
    assert!(text.contains("-- migrate:up\n"), "{text}");
    assert!(text.contains(result.up_sql.trim()), "{text}");

    // The whole history, new revision included, on a fresh database = the live schema.
    let ws = Workspace::open(&project).unwrap();
    assert_eq!(ws.heads()[0].revision, result.revision);
    run(&ws, &fresh.url, RunCommand::Upgrade("heads")).await;
    let replayed = snapshot(&ws, &fresh.url).await;
    let diff = schema::diff(&replayed, &live_schema);
    assert!(
        diff.is_empty(),
        "{dialect}: up did not reproduce the live schema:\n{}\n--- up:\n{}",
        diff.summary(),
        result.up_sql
    );
    // Its down section takes the fresh database back to the old head's schema.
    run(&ws, &fresh.url, RunCommand::Downgrade("-1")).await;
    let back = snapshot(&ws, &fresh.url).await;
    let diff = schema::diff(&back, &head_before);
    assert!(
        diff.is_empty(),
        "{dialect}: down did not restore the schema:\n{}\n--- down:\n{}",
        diff.summary(),
        result.down_sql
    );

    // The live database is one revision behind the new head: refused, nothing written.
    let err = ws
        .autogenerate_revision(&live.url, &options("again"))
        .await
        .expect_err("not at head");
    assert!(err.to_string().contains("not up to date"), "{err}");
    // Once stamped, the live database matches its migrations: no changes.
    let heads = vec!["heads".to_string()];
    run(
        &ws,
        &live.url,
        RunCommand::Stamp {
            targets: &heads,
            purge: false,
        },
    )
    .await;
    let err = ws
        .autogenerate_revision(&live.url, &options("again"))
        .await
        .expect_err("in sync");
    assert!(err.to_string().contains(NO_CHANGES), "{err}");
    assert_eq!(
        std::fs::read_dir(project.join("versions")).unwrap().count(),
        8
    );
    // `retort check` agrees: no drift left.
    let drift = ws.check_drift(&live.url).await.unwrap();
    assert!(!drift.drifted, "{dialect}: {:?}", drift.differences);
}

#[tokio::test]
async fn round_trip_sqlite() {
    round_trip(Dialect::Sqlite).await;
}

#[tokio::test]
async fn round_trip_postgres() {
    round_trip(Dialect::Postgresql).await;
}

#[tokio::test]
async fn round_trip_mysql() {
    round_trip(Dialect::Mysql).await;
}

/// A renamed column looks like a drop plus an add: written as a commented TODO, flagged.
async fn rename(dialect: Dialect) {
    let Some(live) = TestDb::new(dialect, &format!("autogen_rename_{dialect}")).await else {
        return;
    };
    let project = copy_demo(live.dir());
    let ws = Workspace::open(&project).unwrap();
    run(&ws, &live.url, RunCommand::Upgrade("heads")).await;
    let sql = match dialect {
        Dialect::Mysql => "ALTER TABLE users CHANGE display_name full_name VARCHAR(100) NULL",
        _ => "ALTER TABLE users RENAME COLUMN display_name TO full_name",
    };
    execute(&live, &[sql]).await;
    let result = ws
        .autogenerate_revision(&live.url, &options("rename"))
        .await
        .unwrap_or_else(|e| panic!("{dialect}: {e}"));
    assert!(
        result
            .warnings
            .iter()
            .any(|w| w.contains("display_name") && w.contains("full_name")),
        "{dialect}: {:?}",
        result.warnings
    );
    assert_eq!(
        result.warnings.len(),
        1,
        "{dialect}: one rename, one warning"
    );
    for line in result.up_sql.lines().chain(result.down_sql.lines()) {
        assert!(line.starts_with("--"), "{dialect}: not commented: {line}");
    }
    assert!(result.up_sql.contains("TODO"), "{}", result.up_sql);
    assert!(
        result
            .up_sql
            .contains("RENAME COLUMN display_name TO full_name"),
        "{}",
        result.up_sql
    );
}

#[tokio::test]
async fn rename_sqlite() {
    rename(Dialect::Sqlite).await;
}

#[tokio::test]
async fn rename_postgres() {
    rename(Dialect::Postgresql).await;
}

#[tokio::test]
async fn rename_mysql() {
    rename(Dialect::Mysql).await;
}

/// SQLite cannot ALTER a column's type: the table-rebuild recipe, which keeps the rows.
#[tokio::test]
async fn sqlite_type_change_rebuilds_the_table() {
    let Some(live) = TestDb::new(Dialect::Sqlite, "autogen_sqlite_rebuild").await else {
        return;
    };
    let Some(fresh) = TestDb::new(Dialect::Sqlite, "autogen_sqlite_rebuild_fresh").await else {
        return;
    };
    let project = copy_demo(live.dir());
    // A view reads projects: the rebuild must drop it first and create it again after.
    std::fs::write(
        project.join("versions/8a0000000001_project_names.sql"),
        "-- Revision ID: 8a0000000001\n-- Revises: 7fcd8a9bac07\n-- Message: project names\n\n\
         -- migrate:up\nCREATE VIEW project_names AS SELECT id, name FROM projects;\n\n\
         -- migrate:down\nDROP VIEW project_names;\n",
    )
    .unwrap();
    let ws = Workspace::open(&project).unwrap();
    run(&ws, &live.url, RunCommand::Upgrade("heads")).await;
    let head_before = snapshot(&ws, &live.url).await;
    execute(
        &live,
        &[
            "DROP VIEW project_names",
            "CREATE TABLE projects_new (id INTEGER NOT NULL PRIMARY KEY, owner_id INTEGER NOT NULL, \
             name TEXT NOT NULL, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, \
             archived BOOLEAN NOT NULL DEFAULT 0, \
             CONSTRAINT fk_projects_owner FOREIGN KEY (owner_id) REFERENCES users (id))",
            "INSERT INTO projects_new (id, owner_id, name, created_at) \
             SELECT id, owner_id, name, created_at FROM projects",
            "DROP TABLE projects",
            "ALTER TABLE projects_new RENAME TO projects",
            // tasks has a trigger: the rebuild must write it again.
            "CREATE TABLE tasks_new (id INTEGER NOT NULL PRIMARY KEY, project_id INTEGER NOT NULL, \
             assignee_id INTEGER, title TEXT NOT NULL, status VARCHAR(20) NOT NULL DEFAULT 'todo', \
             due_date DATE, updated_at TIMESTAMP, \
             CONSTRAINT fk_tasks_project FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE, \
             CONSTRAINT fk_tasks_assignee FOREIGN KEY (assignee_id) REFERENCES users (id))",
            "INSERT INTO tasks_new SELECT id, project_id, assignee_id, title, status, due_date, \
             updated_at FROM tasks",
            "DROP TABLE tasks",
            "ALTER TABLE tasks_new RENAME TO tasks",
            "CREATE INDEX ix_tasks_status_due ON tasks (status, due_date)",
            "CREATE TRIGGER tasks_touch_updated_at AFTER UPDATE ON tasks FOR EACH ROW \
             WHEN NEW.updated_at IS OLD.updated_at BEGIN \
             UPDATE tasks SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id; END",
            "CREATE VIEW project_names AS SELECT id, name FROM projects",
        ],
    )
    .await;
    let live_schema = snapshot(&ws, &live.url).await;
    let result = ws
        .autogenerate_revision(&live.url, &options("widen project names"))
        .await
        .unwrap();
    assert!(
        result.up_sql.contains("CREATE TABLE _retort_new_projects"),
        "{}",
        result.up_sql
    );
    assert!(result
        .up_sql
        .contains("ALTER TABLE _retort_new_projects RENAME TO projects;"));
    assert!(result
        .down_sql
        .contains("CREATE TABLE _retort_new_projects"));
    assert!(result.up_sql.contains("PRAGMA defer_foreign_keys = ON;"));
    assert!(
        result.up_sql.starts_with("DROP VIEW project_names;"),
        "{}",
        result.up_sql
    );
    assert!(
        result
            .up_sql
            .contains("CREATE TRIGGER tasks_touch_updated_at"),
        "{}",
        result.up_sql
    );
    assert!(result
        .down_sql
        .contains("CREATE TRIGGER tasks_touch_updated_at"));

    // Applied to a fresh database holding a row: the row survives both directions.
    let ws = Workspace::open(&project).unwrap();
    run(&ws, &fresh.url, RunCommand::Upgrade("8a0000000001")).await;
    execute(
        &fresh,
        &[
            "INSERT INTO users (id, email) VALUES (1, 'a@example.com')",
            "INSERT INTO projects (id, owner_id, name) VALUES (7, 1, 'retort')",
        ],
    )
    .await;
    run(&ws, &fresh.url, RunCommand::Upgrade("heads")).await;
    let diff = schema::diff(&snapshot(&ws, &fresh.url).await, &live_schema);
    assert!(diff.is_empty(), "{}\n{}", diff.summary(), result.up_sql);
    assert_eq!(triggers(&fresh).await, ["tasks_touch_updated_at"]);
    run(&ws, &fresh.url, RunCommand::Downgrade("-1")).await;
    let diff = schema::diff(&snapshot(&ws, &fresh.url).await, &head_before);
    assert!(diff.is_empty(), "{}\n{}", diff.summary(), result.down_sql);
    assert_eq!(triggers(&fresh).await, ["tasks_touch_updated_at"]);
    let mut conn = fresh.connect().await;
    let names = conn
        .query_strings("SELECT name FROM projects WHERE id = 7")
        .await
        .unwrap();
    conn.close().await;
    assert_eq!(names, ["retort"]);
}

async fn triggers(db: &TestDb) -> Vec<String> {
    let mut conn = db.connect().await;
    let names = conn
        .query_strings("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        .await
        .unwrap();
    conn.close().await;
    names
}

#[tokio::test]
async fn alembic_projects_are_refused() {
    let Some(db) = TestDb::new(Dialect::Sqlite, "autogen_alembic").await else {
        return;
    };
    let dir = db.dir().join("alembic");
    std::fs::create_dir_all(dir.join("versions")).unwrap();
    std::fs::write(
        dir.join("alembic.ini"),
        "[alembic]\nscript_location = %(here)s\nsqlalchemy.url = sqlite:///x.db\n",
    )
    .unwrap();
    let ws = Workspace::open(&dir.join("alembic.ini")).expect("an empty Alembic project opens");
    let err = ws
        .autogenerate_revision(&db.url, &options("x"))
        .await
        .expect_err("alembic");
    assert!(
        err.to_string().contains("alembic revision --autogenerate"),
        "{err}"
    );
}
