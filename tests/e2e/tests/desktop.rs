//! The real desktop app, driven like a user would: on a temporary copy of the demo project and a
//! temporary SQLite file, check the timeline, Show SQL, upgrade +1, upgrade head, the Schema tab,
//! a revision's schema change, downgrade base and a failing revision, reading the database file
//! directly after each step.
//!
//! Needs the app binary (`cargo build -p retort-app`), tauri-driver, WebKitWebDriver and Xvfb;
//! scripts/test.sh provides all of them. Screenshots and logs: `target/e2e-screenshots/`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use retort_e2e::{
    copy_project, fail, read_scripts, repo_root, target_dir, testid, tools_or_skip, App,
    DbSnapshot, Result, Screenshots, ScriptHeader, TauriDriver, Xvfb, START_TIMEOUT, UI_TIMEOUT,
};

const VERSION_TABLE: &str = "alembic_version";
const BROKEN_ID: &str = "8e2ebad0f008";
const MISSING_TABLE: &str = "e2e_no_such_table";
/// The demo project's tables at head.
const DEMO_TABLES: &[&str] = &["users", "projects", "tasks", "comments"];
/// The demo's last revision adds a column to `tasks`.
const ADDS_UPDATED_AT: &str = "7fcd8a9bac07";

/// What the scenario knows about its project and database.
struct Setup {
    project: PathBuf,
    db: PathBuf,
    scripts: Vec<ScriptHeader>,
    base: String,
    head: String,
}

impl Setup {
    fn new(project: PathBuf, db: PathBuf) -> Result<Setup> {
        let scripts = read_scripts(&project.join("versions"))?;
        let base = only(
            "base",
            scripts
                .iter()
                .filter(|s| s.parents.is_empty())
                .map(|s| &s.id),
        )?;
        let head = only(
            "head",
            scripts
                .iter()
                .filter(|s| !scripts.iter().any(|o| o.parents.contains(&s.id)))
                .map(|s| &s.id),
        )?;
        Ok(Setup {
            project,
            db,
            scripts,
            base,
            head,
        })
    }

    /// Every revision with one state, except `overrides`.
    fn states(&self, default: &str, overrides: &[(&str, &str)]) -> Vec<(String, String)> {
        self.scripts
            .iter()
            .map(|s| {
                let state = overrides
                    .iter()
                    .find(|(id, _)| *id == s.id)
                    .map_or(default, |(_, state)| state);
                (s.id.clone(), state.to_string())
            })
            .collect()
    }

    /// The first `CREATE TABLE` line of the base revision's script.
    fn first_create_table(&self) -> Result<String> {
        let base = self
            .scripts
            .iter()
            .find(|s| s.id == self.base)
            .ok_or("no base script")?;
        let text = std::fs::read_to_string(&base.path)?;
        match text
            .lines()
            .find(|l| l.trim_start().starts_with("CREATE TABLE"))
        {
            Some(line) => Ok(line.trim().to_string()),
            None => fail(format!("{} has no CREATE TABLE", base.path.display())),
        }
    }

    async fn db(&self) -> Result<DbSnapshot> {
        DbSnapshot::read(&self.db).await
    }
}

fn only<'a>(what: &str, mut ids: impl Iterator<Item = &'a String>) -> Result<String> {
    match (ids.next(), ids.next()) {
        (Some(id), None) => Ok(id.clone()),
        _ => fail(format!("the demo project should have exactly one {what}")),
    }
}

/// Adds a revision on top of `head` whose second statement fails: its first (a CREATE TABLE)
/// must be rolled back with everything else the run did.
fn add_broken_revision(project: &Path, head: &str) -> Result<()> {
    let script = format!(
        "-- Revision ID: {BROKEN_ID}\n\
         -- Revises: {head}\n\
         -- Create Date: 2026-11-24 11:00:00\n\
         -- Message: e2e broken revision\n\
         \n\
         -- migrate:up\n\
         CREATE TABLE e2e_half_done (id INTEGER NOT NULL PRIMARY KEY);\n\
         INSERT INTO {MISSING_TABLE} (id) VALUES (1);\n\
         \n\
         -- migrate:down\n\
         DROP TABLE e2e_half_done;\n"
    );
    let path = project
        .join("versions")
        .join(format!("{BROKEN_ID}_e2e_broken_revision.sql"));
    std::fs::write(path, script)?;
    Ok(())
}

fn check(condition: bool, message: impl FnOnce() -> String) -> Result<()> {
    if condition {
        Ok(())
    } else {
        fail(message())
    }
}

async fn scenario(app: &mut App, setup: &Setup) -> Result<()> {
    let (base, head) = (setup.base.as_str(), setup.head.as_str());
    let count = setup.scripts.len();

    // 1. The timeline shows every revision, all pending on the empty database.
    app.wait_js(
        &format!("the timeline to show {count} revisions"),
        START_TIMEOUT,
        &format!(
            "return document.querySelectorAll('[data-testid=\"timeline-row\"]').length === {count};"
        ),
    )
    .await?;
    app.wait_timeline("every revision pending", &setup.states("pending", &[]))
        .await?;
    app.wait_status_position("").await?;
    app.screenshot("timeline").await?;
    let empty = setup.db().await?;
    check(empty.versions.is_empty(), || {
        format!("the new database already has versions: {empty:?}")
    })?;

    // 2. Show SQL: the offline script, with the first revision's CREATE TABLE; nothing runs.
    let create_table = setup.first_create_table()?;
    app.click_testid("show-sql").await?;
    let script = app.text_of("sql-script").await?;
    app.screenshot("show-sql").await?;
    check(script.contains(&create_table), || {
        format!("Show SQL lacks {create_table:?}:\n{script}")
    })?;
    app.client
        .find(fantoccini::Locator::Css("[aria-label=\"Close\"]"))
        .await?
        .click()
        .await?;
    app.wait_gone(&testid("sql-script"), UI_TIMEOUT).await?;
    let after_sql = setup.db().await?;
    check(
        after_sql.versions.is_empty() && after_sql.tables.len() <= 1,
        || format!("Show SQL changed the database: {after_sql:?}"),
    )?;

    // 3. Upgrade +1: the base revision is applied, in the version table and on the timeline.
    let result = app.run_action("upgrade-next", "upgrade-next").await?;
    check(result.outcome == "succeeded", || {
        format!("upgrade +1: {}: {}", result.outcome, result.text)
    })?;
    let db = setup.db().await?;
    check(db.versions == [base], || {
        format!("after upgrade +1 the version table should hold {base}: {db:?}")
    })?;
    app.wait_timeline(
        "the base revision current, the rest pending",
        &setup.states("pending", &[(base, "current")]),
    )
    .await?;
    app.wait_status_position(base).await?;
    app.screenshot("after-upgrade-next").await?;

    // 4. Upgrade head: everything applied, the head current.
    let result = app.run_action("upgrade-head", "upgrade-head").await?;
    check(result.outcome == "succeeded", || {
        format!("upgrade head: {}: {}", result.outcome, result.text)
    })?;
    let at_head = setup.db().await?;
    check(at_head.versions == [head], || {
        format!("after upgrade head the version table should hold {head}: {at_head:?}")
    })?;
    check(at_head.tables.len() > 1, || {
        format!("upgrade head created no tables: {at_head:?}")
    })?;
    app.wait_timeline(
        "every revision applied, the head current",
        &setup.states("applied", &[(head, "current")]),
    )
    .await?;
    app.wait_status_position(head).await?;
    app.screenshot("after-upgrade-head").await?;

    // 4b. The Schema tab shows the demo's tables, and tasks' foreign key to projects.
    schema_view(app).await?;

    // 4c. A revision's schema change, replayed in a scratch database (the file stays as it is).
    app.client
        .find(fantoccini::Locator::Css(&format!(
            "[data-testid=\"timeline-row\"][data-revision=\"{ADDS_UPDATED_AT}\"]"
        )))
        .await?
        .click()
        .await?;
    app.click_testid("show-schema-change").await?;
    app.wait_for_testid("schema-diff", START_TIMEOUT).await?;
    let change = app.text_of("revision-schema-change").await?;
    app.screenshot("revision-schema-change").await?;
    check(
        change.contains("tasks") && change.contains("updated_at"),
        || format!("{ADDS_UPDATED_AT} should add tasks.updated_at:\n{change}"),
    )?;
    let after_change = setup.db().await?;
    check(after_change == at_head, || {
        format!("showing a schema change touched the database: {after_change:?}")
    })?;

    // 5. Downgrade base: nothing left but the (empty) version table.
    let result = app.run_action("downgrade-base", "downgrade-base").await?;
    check(result.outcome == "succeeded", || {
        format!("downgrade base: {}: {}", result.outcome, result.text)
    })?;
    let at_base = setup.db().await?;
    let only_version_table = at_base.objects.iter().all(|o| o == "table alembic_version")
        && at_base.tables.contains(VERSION_TABLE)
        && at_base.versions.is_empty();
    check(only_version_table, || {
        format!("after downgrade base only an empty {VERSION_TABLE} should be left: {at_base:?}")
    })?;
    app.wait_timeline("every revision pending", &setup.states("pending", &[]))
        .await?;
    app.wait_status_position("").await?;
    app.screenshot("after-downgrade-base").await?;

    // 6. A failing revision: its error is shown, the database is as it was.
    add_broken_revision(&setup.project, head)?;
    // "Open folder…" answers with RETORT_TEST_PICK_FOLDER: the same project, reloaded.
    app.click_testid("project-picker").await?;
    app.click_button_labelled("Open folder").await?;
    let with_broken = {
        let mut states = setup.states("pending", &[]);
        states.push((BROKEN_ID.to_string(), "pending".to_string()));
        states
    };
    app.wait_timeline("the broken revision added", &with_broken)
        .await?;
    app.screenshot("broken-revision-loaded").await?;
    let before = setup.db().await?;
    let result = app.run_action("upgrade-head", "failing-upgrade").await?;
    check(result.outcome == "failed", || {
        format!(
            "the broken revision should fail, got {}: {}",
            result.outcome, result.text
        )
    })?;
    check(result.text.contains(MISSING_TABLE), || {
        format!(
            "the failure should quote the database's error about {MISSING_TABLE}:\n{}",
            result.text
        )
    })?;
    check(result.text.contains(BROKEN_ID), || {
        format!(
            "the failure should name revision {BROKEN_ID}:\n{}",
            result.text
        )
    })?;
    check(result.plan.contains(BROKEN_ID), || {
        format!("the preview should list {BROKEN_ID}:\n{}", result.plan)
    })?;
    let after = setup.db().await?;
    check(after == before, || {
        format!("the failed run changed the database:\n  before {before:?}\n  after  {after:?}")
    })?;
    app.wait_timeline("every revision still pending", &with_broken)
        .await?;
    app.wait_status_position("").await?;
    app.screenshot("after-failure").await?;
    Ok(())
}

/// Opens the Schema tab, finds the demo's tables and the foreign key tasks → projects, and
/// returns to the timeline.
async fn schema_view(app: &mut App) -> Result<()> {
    app.click_testid("view-schema").await?;
    app.wait_for_testid("schema-view", UI_TIMEOUT).await?;
    let listed = |table: &str| format!("[data-testid=\"schema-table\"][data-table=\"{table}\"]");
    for table in DEMO_TABLES {
        app.wait_js(
            &format!("the schema list to show {table}"),
            START_TIMEOUT,
            &format!(
                "return document.querySelector({}) !== null;",
                json_str(&listed(table))
            ),
        )
        .await?;
    }
    app.client
        .find(fantoccini::Locator::Css(&listed("tasks")))
        .await?
        .click()
        .await?;
    app.wait_js(
        "the tasks page with its foreign keys",
        UI_TIMEOUT,
        "return document.querySelector('[data-testid=\"schema-table-page\"][data-table=\"tasks\"]') !== null \
         && document.querySelectorAll('[data-testid=\"schema-fk-out\"]').length > 0;",
    )
    .await?;
    let fks = app
        .js(
            "return [...document.querySelectorAll('[data-testid=\"schema-fk-out\"]')].map(e => e.textContent);",
            vec![],
        )
        .await?;
    app.screenshot("schema-tasks").await?;
    let to_projects = fks.as_array().is_some_and(|fks| {
        fks.iter().filter_map(|f| f.as_str()).any(|f| {
            f.contains("project_id") && f.contains("projects") && f.contains("fk_tasks_project")
        })
    });
    check(to_projects, || {
        format!("tasks should have a foreign key (project_id) → projects (id): {fks}")
    })?;
    app.click_button_labelled("Timeline").await?;
    app.wait_for_testid("upgrade-head", UI_TIMEOUT).await?;
    Ok(())
}

/// A JavaScript string literal.
fn json_str(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

#[test]
fn desktop_app_end_to_end() {
    let Some(tools) = tools_or_skip("desktop_app_end_to_end") else {
        return;
    };
    let shots_dir = target_dir().join("e2e-screenshots");
    let outcome = run(&tools, &shots_dir);
    match outcome {
        Ok(()) => println!("screenshots and logs: {}", shots_dir.display()),
        Err(e) => panic!("{e}\n(screenshots and logs: {})", shots_dir.display()),
    }
}

fn run(tools: &retort_e2e::Tools, shots_dir: &Path) -> Result<()> {
    let work = tempfile::Builder::new().prefix("retort-e2e-").tempdir()?;
    let project = work.path().join("project");
    copy_project(&repo_root().join("migrations"), &project)?;
    let data_dir = work.path().join("data");
    let db = work.path().join("e2e.db");
    let setup = Setup::new(project.clone(), db.clone())?;

    let shots = Screenshots::fresh(shots_dir.to_path_buf())?;
    let xvfb = Xvfb::start(&tools.xvfb, shots.dir())?;
    let xdg = |name: &str| -> OsString { work.path().join("xdg").join(name).into_os_string() };
    let env: Vec<(&str, OsString)> = vec![
        ("DISPLAY", xvfb.display().into()),
        ("GDK_BACKEND", "x11".into()),
        // No accessibility bus under Xvfb: without this GTK waits for it.
        ("NO_AT_BRIDGE", "1".into()),
        ("RETORT_DEMO_PROJECT", project.clone().into_os_string()),
        ("RETORT_DATA_DIR", data_dir.into_os_string()),
        ("RETORT_TEST_PICK_FOLDER", project.into_os_string()),
        ("RETORT_NO_KEYCHAIN", "1".into()),
        // The app logs to stderr, which lands in tauri-driver.log: plain text there.
        ("NO_COLOR", "1".into()),
        ("DATABASE_URL", format!("sqlite:///{}", db.display()).into()),
        // The webview's own storage, off the user's profile.
        ("XDG_DATA_HOME", xdg("data")),
        ("XDG_CONFIG_HOME", xdg("config")),
        ("XDG_CACHE_HOME", xdg("cache")),
    ];
    let driver = TauriDriver::start(tools, &env, shots.dir())?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = runtime.block_on(async {
        let mut app = App::launch(&driver, &tools.app, shots).await?;
        let result = scenario(&mut app, &setup).await;
        if result.is_err() {
            let _ = app.screenshot("failure").await;
        }
        // Closing the session quits the app before tauri-driver is stopped.
        let closed = app.close().await;
        result.and(closed)
    });
    drop(runtime);
    let log = driver.log.clone();
    drop(driver);
    drop(xvfb);
    result.map_err(|e| {
        format!(
            "{e}\n--- tauri-driver log (last lines) ---\n{}",
            retort_e2e::log_tail(&log, 40)
        )
        .into()
    })
}
