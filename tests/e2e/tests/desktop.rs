//! The real desktop app, driven like a user would: on a temporary copy of the demo project and a
//! temporary SQLite file, check the timeline, Show SQL, upgrade +1, upgrade head, the Schema tab,
//! a revision's schema change, downgrade base, a failing revision, troubleshooting (a version
//! table dropped behind the app's back, fixed from the failed action), the safety net (drift from
//! a column added by hand, the round-trip test, autogenerate) and backups (downgrade base, then
//! restore), reading the database file directly after each step. Then the same app on a fresh
//! PostgreSQL database, opened through a `DATABASE_URL` with a password that must never leak.
//!
//! Needs the app binary (`cargo build -p retort-app`), tauri-driver, WebKitWebDriver and Xvfb;
//! scripts/test.sh provides all of them. Screenshots and logs: `target/e2e-screenshots/`.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use retort_core::Dialect;
use retort_testkit::{AdminCleanup, TestDb};

use retort_e2e::{
    copy_project, execute_sql, fail, query_texts, read_scripts, repo_root, target_dir, testid,
    tools_or_skip, ActionResult, App, DbSnapshot, Result, Screenshots, ScriptHeader, TauriDriver,
    Tools, Xvfb, START_TIMEOUT, UI_TIMEOUT,
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

/// Runs an action through its dialog (preview, confirm, run) and fails unless it succeeded.
async fn run_ok(app: &mut App, button: &str, name: &str) -> Result<ActionResult> {
    let result = app.run_action(button, name).await?;
    succeeded(name, result)
}

fn succeeded(name: &str, result: ActionResult) -> Result<ActionResult> {
    check(result.outcome == "succeeded", || {
        format!("{name}: {}: {}", result.outcome, result.text)
    })?;
    Ok(result)
}

/// The first window on an empty database: every revision listed and pending, no position.
async fn wait_fresh_timeline(app: &App, setup: &Setup) -> Result<()> {
    let count = setup.scripts.len();
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
    app.wait_status_position("").await
}

/// The timeline and the status bar with every revision applied and the head current.
async fn wait_at_head(app: &App, setup: &Setup) -> Result<()> {
    let head = setup.head.as_str();
    app.wait_timeline(
        "every revision applied, the head current",
        &setup.states("applied", &[(head, "current")]),
    )
    .await?;
    app.wait_status_position(head).await
}

/// Clicks Restore… on backup `id` in the Backups tab; returns the confirmation's question.
async fn ask_restore(app: &App, id: &str) -> Result<String> {
    app.click_css(&format!(
        "[data-testid=\"backup-row\"][data-id={}] [data-testid=\"backup-restore\"]",
        json_str(id)
    ))
    .await?;
    app.text_of("restore-question").await
}

/// Confirms the open restore question and waits until the restore has finished.
async fn confirm_restore(app: &App) -> Result<()> {
    app.click_testid("restore-confirm").await?;
    let error = app
        .wait_js(
            "the restore to finish",
            START_TIMEOUT,
            "const e = document.querySelector('[data-testid=\"restore-error\"]'); \
             if (e !== null) return e.innerText; \
             return document.querySelector('[data-testid=\"restore-question\"]') === null ? '' : null;",
        )
        .await?;
    check(error == "", || format!("the restore failed: {error}"))
}

async fn scenario(app: &mut App, setup: &Setup) -> Result<()> {
    let (base, head) = (setup.base.as_str(), setup.head.as_str());

    // 1. The timeline shows every revision, all pending on the empty database.
    wait_fresh_timeline(app, setup).await?;
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
    run_ok(app, "upgrade-next", "upgrade-next").await?;
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
    run_ok(app, "upgrade-head", "upgrade-head").await?;
    let at_head = setup.db().await?;
    check(at_head.versions == [head], || {
        format!("after upgrade head the version table should hold {head}: {at_head:?}")
    })?;
    check(at_head.tables.len() > 1, || {
        format!("upgrade head created no tables: {at_head:?}")
    })?;
    wait_at_head(app, setup).await?;
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
    run_ok(app, "downgrade-base", "downgrade-base").await?;
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

    // 7. Troubleshooting: tables without a version table make upgrade head fail; the failure
    // offers the doctor's stamp fix, which repairs it.
    troubleshoot(app, setup).await?;

    // 8. The safety net on a hand-made change: drift names it, the round trip passes, and
    // autogenerate turns it into a revision (stamped: the database already has it).
    let head = checks(app, setup).await?;

    // 9. Backups: downgrade base (backed up first), then restore that backup.
    backups(app, setup, &head).await?;
    Ok(())
}

/// Builds the demo at head, drops its version table behind the app's back, and checks that the
/// failed `upgrade head` offers "Troubleshoot this" with `stamp <head>`, that applying it (after
/// the confirmation) stamps the database and the timeline follows; then the Troubleshoot view
/// and its diagnostics export.
async fn troubleshoot(app: &mut App, setup: &Setup) -> Result<()> {
    let head = setup.head.as_str();
    // Without the broken revision again (Open folder reloads the scripts).
    std::fs::remove_file(
        setup
            .project
            .join("versions")
            .join(format!("{BROKEN_ID}_e2e_broken_revision.sql")),
    )?;
    app.click_testid("project-picker").await?;
    app.click_button_labelled("Open folder").await?;
    app.wait_timeline("the broken revision gone", &setup.states("pending", &[]))
        .await?;
    run_ok(app, "upgrade-head", "doctor-setup").await?;
    let at_head = setup.db().await?;
    drop_version_table(&setup.db).await?;
    let stripped = setup.db().await?;
    check(
        !stripped.tables.contains(VERSION_TABLE)
            && stripped.tables.len() + 1 == at_head.tables.len(),
        || format!("the version table should be gone, the rest kept: {stripped:?}"),
    )?;

    // R re-reads the position: no version table, so nothing shows as applied.
    app.js(
        "document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'r', bubbles: true }));",
        vec![],
    )
    .await?;
    app.wait_timeline(
        "every revision pending without a version table",
        &setup.states("pending", &[]),
    )
    .await?;
    app.screenshot("doctor-version-table-dropped").await?;

    // upgrade head plans from base and fails on the first CREATE TABLE.
    app.click_testid("upgrade-head").await?;
    app.wait_js(
        "the preview to load",
        UI_TIMEOUT,
        "const e = document.querySelector('[data-testid=\"action-continue\"]'); return e !== null && !e.disabled;",
    )
    .await?;
    app.click_testid("action-continue").await?;
    app.click_testid("action-run").await?;
    let result = app.wait_for_testid("action-result", UI_TIMEOUT).await?;
    let outcome = result.attr("data-outcome").await?.unwrap_or_default();
    let text = result.text().await?;
    check(
        outcome == "failed" && text.contains("already exists"),
        || format!("upgrade head on tables without a version table should fail: {outcome}: {text}"),
    )?;
    let offer = app
        .wait_for_testid("troubleshoot-offer", UI_TIMEOUT)
        .await?;
    let checks = offer.attr("data-checks").await?.unwrap_or_default();
    check(checks.split(' ').any(|c| c == "version_table"), || {
        format!("the failure should point at the version_table check, not {checks:?}")
    })?;
    app.screenshot("doctor-failure-offer").await?;

    // Troubleshoot this: the finding and its fix, right in the dialog.
    app.click_testid("action-troubleshoot").await?;
    let finding = "[data-testid=\"finding\"][data-check=\"version_table\"]";
    let fix = app
        .wait_js(
            "the version_table finding with its fix",
            START_TIMEOUT,
            &format!(
                "const f = document.querySelector({}); \
                 const x = f && f.querySelector('[data-testid=\"fix\"]'); return x ? x.dataset.fix : null;",
                json_str(finding)
            ),
        )
        .await?;
    check(fix == serde_json::json!(format!("stamp:{head}")), || {
        format!("the fix offered should be stamp:{head}, got {fix}")
    })?;
    app.screenshot("doctor-finding").await?;
    app.client
        .find(fantoccini::Locator::Css(&format!(
            "{finding} [data-testid=\"fix-apply\"]"
        )))
        .await?
        .click()
        .await?;
    app.wait_for_testid("fix-confirm", UI_TIMEOUT).await?;
    app.screenshot("doctor-confirm").await?;
    check(setup.db().await? == stripped, || {
        "asking for confirmation changed the database".to_string()
    })?;
    app.click_testid("fix-confirm-apply").await?;
    let applied = app.wait_for_testid("fix-result", START_TIMEOUT).await?;
    let outcome = applied.attr("data-outcome").await?.unwrap_or_default();
    let text = applied.text().await?;
    app.screenshot("doctor-fixed").await?;
    check(outcome == "succeeded", || {
        format!("the stamp fix failed: {text}")
    })?;
    let fixed = setup.db().await?;
    check(
        fixed.versions == [head] && fixed.tables == at_head.tables,
        || format!("after the fix the version table should hold {head}: {fixed:?}"),
    )?;
    // Toasts (R's "Re-read…") sit over the dialog's footer for a few seconds; clicks go through.
    app.click_testid("action-close").await?;
    app.wait_gone(&testid("action-result"), UI_TIMEOUT).await?;
    app.wait_timeline(
        "every revision applied after the stamp, the head current",
        &setup.states("applied", &[(head, "current")]),
    )
    .await?;
    app.wait_status_position(head).await?;
    app.screenshot("doctor-timeline").await?;

    // The Troubleshoot view: no problem left; export the diagnostics.
    app.click_testid("view-troubleshoot").await?;
    app.wait_for_testid("troubleshoot-view", UI_TIMEOUT).await?;
    app.wait_js(
        "the checks to finish without a problem",
        START_TIMEOUT,
        "return document.querySelectorAll('[data-testid=\"finding\"]').length > 0 \
         && document.querySelector('[data-testid=\"finding\"][data-severity=\"problem\"]') === null;",
    )
    .await?;
    app.screenshot("troubleshoot-view").await?;
    app.click_testid("doctor-export").await?;
    let report = setup.project.with_file_name("diagnostics.md");
    let deadline = std::time::Instant::now() + UI_TIMEOUT;
    while !report.exists() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let text = std::fs::read_to_string(&report).map_err(|e| {
        format!(
            "the diagnostics were not exported to {}: {e}",
            report.display()
        )
    })?;
    check(
        text.contains("# Retort diagnostics") && text.contains(head),
        || format!("the diagnostics should name the head {head}:\n{text}"),
    )?;
    app.click_button_labelled("Timeline").await?;
    Ok(())
}

/// Drops the version table of the app's SQLite database, as a tool that knows nothing of
/// migrations might.
async fn drop_version_table(path: &Path) -> Result<()> {
    execute_sql(path, &[&format!("DROP TABLE {VERSION_TABLE}")]).await
}

/// The Checks tab on the database at head with a column added by hand: Check drift names it,
/// Test migrations passes for every revision (in a scratch database), Autogenerate revision…
/// writes a revision into the (temporary) project, which is then stamped from the dialog; the
/// drift is gone. Returns the new head.
async fn checks(app: &mut App, setup: &Setup) -> Result<String> {
    let head = setup.head.as_str();
    check(setup.db().await?.versions == [head], || {
        format!("the checks start at {head}")
    })?;
    execute_sql(&setup.db, &["ALTER TABLE users ADD COLUMN nickname TEXT"]).await?;

    app.click_testid("view-checks").await?;
    app.wait_for_testid("checks-view", UI_TIMEOUT).await?;
    app.click_testid("drift-check").await?;
    let drifted = wait_drift(app, true).await?;
    app.screenshot("checks-drift").await?;
    check(
        drifted.contains("users") && drifted.contains("nickname"),
        || format!("the drift should name users.nickname:\n{drifted}"),
    )?;

    app.click_testid("roundtrip-run").await?;
    let passed = app
        .wait_js(
            "the round trip to finish",
            START_TIMEOUT,
            "const r = document.querySelector('[data-testid=\"roundtrip-result\"]'); \
             const b = document.querySelector('[data-testid=\"roundtrip-run\"]'); \
             return r !== null && b !== null && !b.disabled ? r.dataset.passed : null;",
        )
        .await?;
    let statuses = app
        .js(
            "return [...document.querySelectorAll('[data-testid=\"roundtrip-row\"]')].map(r => r.dataset.status);",
            vec![],
        )
        .await?;
    app.screenshot("checks-roundtrip").await?;
    let statuses: Vec<String> = serde_json::from_value(statuses)?;
    check(
        passed == "true"
            && statuses.len() == setup.scripts.len()
            && statuses.iter().all(|s| s == "ok"),
        || {
            format!(
                "the round trip should pass with {} revisions ok: passed={passed}, {statuses:?}",
                setup.scripts.len()
            )
        },
    )?;

    // Autogenerate: a revision with the hand-made column, in the temporary project only.
    let repo_versions = std::fs::read_dir(repo_root().join("migrations/versions"))?.count();
    app.click_testid("drift-autogenerate").await?;
    let message = app.wait_for_testid("autogen-message", UI_TIMEOUT).await?;
    message.send_keys("add nickname to users").await?;
    app.click_testid("autogen-generate").await?;
    let wrote = app.text_of("autogen-path").await?;
    let up = app.text_of("autogen-up").await?;
    app.screenshot("checks-autogenerated").await?;
    let scripts = read_scripts(&setup.project.join("versions"))?;
    let new: Vec<_> = scripts
        .iter()
        .filter(|s| !setup.scripts.iter().any(|o| o.id == s.id))
        .collect();
    let [new] = new.as_slice() else {
        return fail(format!(
            "autogenerate should write one revision into the project: {wrote}"
        ));
    };
    let new_head = new.id.clone();
    check(
        new.parents == [head] && wrote.contains(&new_head) && up.contains("nickname"),
        || {
            format!(
                "the new revision should follow {head} and add nickname: {new:?}\n{wrote}\n{up}"
            )
        },
    )?;
    check(
        std::fs::read_dir(repo_root().join("migrations/versions"))?.count() == repo_versions,
        || "autogenerate wrote into the repository's migrations/".to_string(),
    )?;

    // The database already has the column: "Stamp this database…" records the revision.
    app.click_testid("autogen-stamp").await?;
    let result = app.finish_action("checks-stamp").await?;
    check(result.outcome == "succeeded", || {
        format!("stamp {new_head}: {}: {}", result.outcome, result.text)
    })?;
    check(setup.db().await?.versions == [new_head.as_str()], || {
        format!("the version row should be {new_head} after the stamp")
    })?;
    app.click_testid("drift-check").await?;
    wait_drift(app, false).await?;
    app.screenshot("checks-no-drift").await?;

    app.click_button_labelled("Timeline").await?;
    let mut states = setup.states("applied", &[]);
    states.push((new_head.clone(), "current".to_string()));
    app.wait_timeline("the autogenerated revision current", &states)
        .await?;
    app.wait_status_position(&new_head).await?;
    app.screenshot("checks-timeline").await?;
    Ok(new_head)
}

/// Waits for the drift panel's result to say `drifted` (after a click on Check drift) and
/// returns its differences ("" when none).
async fn wait_drift(app: &App, drifted: bool) -> Result<String> {
    let text = app
        .wait_js(
            &format!("the drift check to report drifted={drifted}"),
            START_TIMEOUT,
            &format!(
                "const r = document.querySelector('[data-testid=\"drift-result\"]'); \
                 const b = document.querySelector('[data-testid=\"drift-check\"]'); \
                 const e = document.querySelector('[data-testid=\"drift-error\"]'); \
                 if (e !== null) return 'ERROR ' + e.innerText; \
                 if (r === null || b === null || b.disabled || r.dataset.drifted !== '{drifted}') return null; \
                 const d = document.querySelector('[data-testid=\"drift-differences\"]'); \
                 return d === null ? '-' : d.innerText;"
            ),
        )
        .await?;
    let text = text.as_str().unwrap_or_default().to_string();
    if let Some(error) = text.strip_prefix("ERROR ") {
        return fail(format!("the drift check failed: {error}"));
    }
    Ok(text)
}

/// The Backups tab: Back up now, a row inserted, Downgrade base through the action dialog (whose
/// preview says a backup is taken first) drops the tables, then Restore… of the newest "before
/// downgrade" backup, confirmed, brings the tables, the row and the version row back.
async fn backups(app: &mut App, setup: &Setup, head: &str) -> Result<()> {
    execute_sql(
        &setup.db,
        &["INSERT INTO users (id, email, display_name, nickname) \
           VALUES (4242, 'e2e@example.com', 'E2E', 'restored')"],
    )
    .await?;
    let before = setup.db().await?;
    check(
        before.versions == [head] && before.tables.contains("users"),
        || format!("the backups step starts at {head} with users: {before:?}"),
    )?;

    app.click_testid("view-backups").await?;
    app.wait_for_testid("backups-view", UI_TIMEOUT).await?;
    app.click_testid("backups-create").await?;
    app.wait_js(
        "Back up now to add a row",
        UI_TIMEOUT,
        // Newest first; no backup was asked for before (the rest were taken before actions).
        "const r = document.querySelector('[data-testid=\"backup-row\"]'); \
         return r !== null && r.innerText.includes('on request');",
    )
    .await?;
    app.screenshot("backups-on-request").await?;

    // Downgrade base: the preview says the file is backed up first.
    app.click_button_labelled("Timeline").await?;
    let result = run_ok(app, "downgrade-base", "backups-downgrade").await?;
    let db_name = setup
        .db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    check(
        result.backup_mode == "automatic" && result.backup.contains(&db_name),
        || {
            format!(
                "the preview should say {db_name} is backed up first: {} {:?}",
                result.backup_mode, result.backup
            )
        },
    )?;
    let at_base = setup.db().await?;
    check(
        !at_base.tables.contains("users") && at_base.versions.is_empty(),
        || format!("downgrade base should drop users: {at_base:?}"),
    )?;
    app.wait_status_position("").await?;

    // Restore the newest "before downgrade" backup.
    let id = &newest_backup_before_downgrade(app).await?;
    check(id.ends_with(head), || {
        format!("the newest backup before the downgrade should be at {head}: {id}")
    })?;
    app.screenshot("backups-list").await?;
    let question = ask_restore(app, id).await?;
    app.screenshot("backups-restore-confirm").await?;
    check(
        question.contains(&db_name) && question.contains(head),
        || format!("the confirmation should name {db_name} and {head}: {question}"),
    )?;
    check(setup.db().await? == at_base, || {
        "asking for confirmation changed the database".to_string()
    })?;
    confirm_restore(app).await?;
    let restored = setup.db().await?;
    check(restored == before, || {
        format!("the restore should bring back\n  {before:?}\n  got {restored:?}")
    })?;
    let row = query_texts(&setup.db, "SELECT nickname FROM users WHERE id = 4242").await?;
    check(row == ["restored"], || {
        format!("the row inserted before the downgrade should be back: {row:?}")
    })?;
    app.wait_status_position(head).await?;
    app.wait_js(
        "the restore's safety backup in the list",
        UI_TIMEOUT,
        "const r = document.querySelector('[data-testid=\"backup-row\"]'); \
         return r !== null && r.innerText.includes('before restore');",
    )
    .await?;
    app.screenshot("backups-restored").await?;
    app.click_button_labelled("Timeline").await?;
    Ok(())
}

/// Opens the Backups tab and returns the id of the newest backup taken before a downgrade.
async fn newest_backup_before_downgrade(app: &App) -> Result<String> {
    app.click_testid("view-backups").await?;
    app.wait_for_testid("backups-view", UI_TIMEOUT).await?;
    app.wait_js(
        "the downgrade's backup in the list",
        UI_TIMEOUT,
        "const r = document.querySelector('[data-testid=\"backup-row\"]'); \
         return r !== null && r.innerText.includes('before downgrade');",
    )
    .await?;
    let rows = backup_rows(app).await?;
    match rows
        .into_iter()
        .find(|(_, text)| text.contains("before downgrade"))
    {
        Some((id, _)) => Ok(id),
        None => fail("no backup taken before the downgrade"),
    }
}

/// The Backups list: (id, text) of each row, newest first.
async fn backup_rows(app: &App) -> Result<Vec<(String, String)>> {
    let rows = app
        .js(
            "return [...document.querySelectorAll('[data-testid=\"backup-row\"]')].map(r => [r.dataset.id, r.innerText]);",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(rows)?)
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

/// One app at a time: two WebKit sessions on two cores make every timeout a coin toss.
static ONE_APP_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `scenario` with the tools (or skips, see `tools_or_skip`), one app at a time, with its
/// screenshots in `shots_dir`; a failure panics with where they are.
fn end_to_end(test: &str, shots_dir: PathBuf, scenario: fn(&Tools, &Path) -> Result<()>) {
    let Some(tools) = tools_or_skip(test) else {
        return;
    };
    let _one = ONE_APP_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    match scenario(&tools, &shots_dir) {
        Ok(()) => println!("screenshots and logs: {}", shots_dir.display()),
        Err(e) => panic!("{e}\n(screenshots and logs: {})", shots_dir.display()),
    }
}

#[test]
fn desktop_app_end_to_end() {
    end_to_end(
        "desktop_app_end_to_end",
        target_dir().join("e2e-screenshots"),
        run,
    );
}

fn run(tools: &Tools, shots_dir: &Path) -> Result<()> {
    let work = tempfile::Builder::new().prefix("retort-e2e-").tempdir()?;
    let project = work.path().join("project");
    copy_project(&repo_root().join("migrations"), &project)?;
    let db = work.path().join("e2e.db");
    let setup = Setup::new(project.clone(), db.clone())?;
    let database_url = format!("sqlite:///{}", db.display());
    drive(
        tools,
        shots_dir,
        work.path(),
        &project,
        &database_url,
        move |app| Box::pin(async move { scenario(app, &setup).await }),
    )
}

/// Launches the app on `project` and `database_url` (as `DATABASE_URL`) under a private Xvfb,
/// runs `scenario` against it, and quits it; a failure comes with a screenshot and the end of
/// tauri-driver's log (the app's stderr).
fn drive<F>(
    tools: &Tools,
    shots_dir: &Path,
    work: &Path,
    project: &Path,
    database_url: &str,
    scenario: F,
) -> Result<()>
where
    F: for<'a> FnOnce(&'a mut App) -> Pin<Box<dyn Future<Output = Result<()>> + 'a>>,
{
    let data_dir = work.join("data");
    let shots = Screenshots::fresh(shots_dir.to_path_buf())?;
    let xvfb = Xvfb::start(&tools.xvfb, shots.dir())?;
    let xdg = |name: &str| -> OsString { work.join("xdg").join(name).into_os_string() };
    let env: Vec<(&str, OsString)> = vec![
        ("DISPLAY", xvfb.display().into()),
        ("GDK_BACKEND", "x11".into()),
        // No accessibility bus under Xvfb: without this GTK waits for it.
        ("NO_AT_BRIDGE", "1".into()),
        ("RETORT_DEMO_PROJECT", project.as_os_str().to_owned()),
        ("RETORT_DATA_DIR", data_dir.into_os_string()),
        ("RETORT_TEST_PICK_FOLDER", project.as_os_str().to_owned()),
        // "Export diagnostics…" writes next to the project folder.
        (
            "RETORT_TEST_SAVE_FILE",
            project.with_file_name("diagnostics.md").into_os_string(),
        ),
        ("RETORT_NO_KEYCHAIN", "1".into()),
        // The app logs to stderr, which lands in tauri-driver.log: plain text there.
        ("NO_COLOR", "1".into()),
        ("DATABASE_URL", database_url.into()),
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
        let result = scenario(&mut app).await;
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

// ---------------------------------------------------------------------------------------------
// The same app on PostgreSQL and MariaDB

/// The password in the app's connection URL: MariaDB's test account needs it; the local
/// PostgreSQL trusts every connection and never asks. Either way it must never reach the screen,
/// the webview's storage or a log.
const SERVER_SECRET: &str = "e2e-Secret-pw-4711";

/// The app on a fresh server database (`RETORT_TEST_POSTGRES_URL` / `RETORT_TEST_MYSQL_URL`,
/// §7 of DESIGN.md), opened through `DATABASE_URL` with a password in it: the timeline, upgrade
/// head, the Schema tab, the Troubleshoot checks, downgrade −1, downgrade base with a pg_dump /
/// mysqldump first, restoring that dump from the Backups tab; the database is read after every
/// step, and neither the page nor any file the run wrote (the app's log, its data folder, the
/// webview's storage) holds the password.
#[test]
fn desktop_app_on_postgresql() {
    end_to_end(
        "desktop_app_on_postgresql",
        target_dir().join("e2e-screenshots").join("postgresql"),
        |tools, shots| run_on_server(tools, shots, Dialect::Postgresql),
    );
}

#[test]
fn desktop_app_on_mariadb() {
    end_to_end(
        "desktop_app_on_mariadb",
        target_dir().join("e2e-screenshots").join("mariadb"),
        |tools, shots| run_on_server(tools, shots, Dialect::Mysql),
    );
}

fn run_on_server(tools: &Tools, shots_dir: &Path, dialect: Dialect) -> Result<()> {
    let test = format!("desktop_app_on_{dialect:?}").to_lowercase();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let Some(test_db) = runtime.block_on(TestDb::new(dialect, &test)) else {
        return Ok(());
    };
    let name = test_db
        .url
        .database_name()
        .ok_or("the test database has no name")?
        .to_string();
    let admin_url = test_db.url.connect_url().to_string();
    let mut app_url = url::Url::parse(&admin_url)?;
    // PostgreSQL trusts local connections, so the password is only carried; on MariaDB the app
    // signs in as an account of its own that needs it.
    let mut secrets = vec![SERVER_SECRET.to_string()];
    let _account = match dialect {
        Dialect::Mysql => {
            let (user, account) = create_account(&runtime, &admin_url, &name);
            app_url
                .set_username(&user)
                .map_err(|()| "the test server URL cannot carry a user")?;
            // The stored hash signs in as the account too (SHOW GRANTS prints it on MariaDB).
            secrets.extend(runtime.block_on(async {
                let mut db = retort_core::db::Database::connect(&test_db.url).await?;
                let hash = db
                    .query_strings(&format!("SELECT PASSWORD('{SERVER_SECRET}')"))
                    .await;
                db.close().await;
                hash
            })?);
            Some(account)
        }
        _ => None,
    };
    app_url
        .set_password(Some(SERVER_SECRET))
        .map_err(|()| "the test server URL cannot carry a password")?;
    drop(runtime);

    let work = tempfile::Builder::new()
        .prefix("retort-e2e-server-")
        .tempdir()?;
    let project = work.path().join("project");
    copy_project(&repo_root().join("migrations"), &project)?;
    let setup = Setup::new(project.clone(), work.path().join("unused.db"))?;
    let server = ServerDb {
        dialect,
        url: test_db.url.clone(),
        name,
        secrets: secrets.clone(),
    };
    drive(
        tools,
        shots_dir,
        work.path(),
        &project,
        app_url.as_str(),
        move |app| Box::pin(async move { server_scenario(app, &setup, &server).await }),
    )?;
    // After the app quit: everything it wrote, and the driver's log with the app's stderr.
    for secret in &secrets {
        let mut leaks = files_containing(work.path(), secret)?;
        leaks.extend(files_containing(shots_dir, secret)?);
        check(leaks.is_empty(), || {
            format!("the password (or its hash) reached these files: {leaks:?}")
        })?;
    }
    Ok(())
}

/// A MariaDB account with every privilege on the test database only, needing
/// [`SERVER_SECRET`]; dropped when the returned guard is.
fn create_account(
    runtime: &tokio::runtime::Runtime,
    admin_url: &str,
    database: &str,
) -> (String, AdminCleanup) {
    let user = format!("retort_e2e_{}", &database["retort_t_".len()..]);
    let cleanup = AdminCleanup::new(
        Dialect::Mysql,
        admin_url,
        format!("DROP USER IF EXISTS '{user}'@'%'"),
    );
    runtime.block_on(retort_testkit::admin_execute(
        Dialect::Mysql,
        admin_url,
        &format!(
            "CREATE USER '{user}'@'%' IDENTIFIED BY '{SERVER_SECRET}'; \
             GRANT ALL PRIVILEGES ON `{database}`.* TO '{user}'@'%'"
        ),
    ));
    (user, cleanup)
}

/// The server's test database, read directly as the administrator.
struct ServerDb {
    dialect: Dialect,
    url: retort_core::DatabaseUrl,
    name: String,
    /// The password and, on MariaDB, its stored hash: neither may be shown or written.
    secrets: Vec<String>,
}

impl ServerDb {
    async fn query(&self, sql: &str) -> Result<Vec<String>> {
        let mut db = retort_core::db::Database::connect(&self.url).await?;
        let rows = db.query_strings(sql).await;
        db.close().await;
        Ok(rows?)
    }

    /// The version rows and the tables of the database (PostgreSQL: of its `public` schema).
    async fn snapshot(&self) -> Result<(Vec<String>, BTreeSet<String>)> {
        let schema = match self.dialect {
            Dialect::Mysql => "DATABASE()",
            _ => "current_schema()",
        };
        let tables: BTreeSet<String> = self
            .query(&format!(
                "SELECT table_name FROM information_schema.tables \
                 WHERE table_schema = {schema} AND table_type = 'BASE TABLE'"
            ))
            .await?
            .into_iter()
            .collect();
        let versions = if tables.contains(VERSION_TABLE) {
            self.query("SELECT version_num FROM alembic_version ORDER BY version_num")
                .await?
        } else {
            Vec::new()
        };
        Ok((versions, tables))
    }

    async fn execute(&self, sql: &str) -> Result<()> {
        let mut db = retort_core::db::Database::connect(&self.url).await?;
        let done = db.execute(sql).await;
        db.close().await;
        done?;
        Ok(())
    }

    fn dump_tool(&self) -> &'static str {
        match self.dialect {
            Dialect::Mysql => "mysqldump",
            _ => "pg_dump",
        }
    }

    fn label(&self) -> &'static str {
        match self.dialect {
            Dialect::Mysql => "MySQL/MariaDB",
            _ => "PostgreSQL",
        }
    }

    fn privilege_check(&self) -> &'static str {
        match self.dialect {
            Dialect::Mysql => "mysql_privileges",
            _ => "postgres_privileges",
        }
    }
}

async fn server_scenario(app: &mut App, setup: &Setup, server: &ServerDb) -> Result<()> {
    let head = setup.head.as_str();

    // 1. The timeline on the empty database; the header names the dialect.
    wait_fresh_timeline(app, setup).await?;
    // textContent: WebDriver's visible text leaves out the ellipsised name.
    let header = app
        .js(
            "return document.querySelector('[data-testid=\"connection-picker\"]').textContent;",
            vec![],
        )
        .await?
        .to_string();
    check(
        header.contains(server.label()) && header.contains(&server.name),
        || {
            format!(
                "the connection picker should name {} and {}: {header:?}",
                server.name,
                server.label()
            )
        },
    )?;
    app.screenshot("timeline").await?;
    no_secret_on_screen(app, &server.secrets).await?;

    // 2. Upgrade head: no automatic file copy on a server; the revisions run.
    let result = run_ok(app, "upgrade-head", "upgrade-head").await?;
    check(result.backup_mode != "automatic", || {
        format!(
            "{} has no automatic file copy; the preview said {:?}",
            server.label(),
            result.backup
        )
    })?;
    let (versions, tables) = server.snapshot().await?;
    check(versions == [head], || {
        format!("after upgrade head alembic_version should hold {head}: {versions:?}")
    })?;
    check(DEMO_TABLES.iter().all(|t| tables.contains(*t)), || {
        format!("upgrade head should create {DEMO_TABLES:?}: {tables:?}")
    })?;
    wait_at_head(app, setup).await?;

    // 3. The Schema tab reads the server's catalog.
    schema_view(app).await?;

    // 4. Troubleshoot: the account passes the privilege check; nothing is an error.
    app.click_testid("view-troubleshoot").await?;
    app.wait_for_testid("troubleshoot-view", UI_TIMEOUT).await?;
    let findings = app
        .wait_js(
            "the checks to finish",
            START_TIMEOUT,
            "const f = [...document.querySelectorAll('[data-testid=\"finding\"]')]; \
             return f.length === 0 ? null : f.map(e => [e.dataset.check, e.dataset.severity]);",
        )
        .await?;
    let findings: Vec<(String, String)> = serde_json::from_value(findings)?;
    app.screenshot("troubleshoot").await?;
    // MariaDB's SHOW GRANTS prints the account's password hash: the evidence must not.
    no_secret_on_screen(app, &server.secrets).await?;
    check(
        findings
            .iter()
            .any(|(check, severity)| check == server.privilege_check() && severity == "ok"),
        || format!("the privilege check should pass: {findings:?}"),
    )?;
    check(
        findings.iter().all(|(_, severity)| severity != "error"),
        || format!("a healthy database should have no errors: {findings:?}"),
    )?;
    app.click_button_labelled("Timeline").await?;
    app.wait_for_testid("upgrade-head", UI_TIMEOUT).await?;

    // 5. Downgrade −1: the head's parent is current.
    let parent = setup
        .scripts
        .iter()
        .find(|s| s.id == head)
        .and_then(|s| s.parents.first().cloned())
        .ok_or("the head has no parent")?;
    run_ok(app, "downgrade-prev", "downgrade-prev").await?;
    let (versions, _) = server.snapshot().await?;
    check(versions == [parent.clone()], || {
        format!("after downgrade -1 alembic_version should hold {parent}: {versions:?}")
    })?;
    app.wait_status_position(&parent).await?;
    run_ok(app, "upgrade-head", "upgrade-again").await?;

    // 6. Downgrade base with "Dump with pg_dump/mysqldump before running" ticked, then restore
    // the dump.
    server.execute(
        "INSERT INTO users (id, email, display_name) VALUES (4242, 'e2e@example.com', 'restored')",
    )
    .await?;
    app.click_testid("downgrade-base").await?;
    let dump = app.wait_for_testid("preview-dump", UI_TIMEOUT).await?;
    dump.click().await?;
    let result = succeeded("downgrade-base", app.finish_action("downgrade-base").await?)?;
    check(result.backup.contains(server.dump_tool()), || {
        format!(
            "the preview should offer {}: {:?}",
            server.dump_tool(),
            result.backup
        )
    })?;
    let (versions, tables) = server.snapshot().await?;
    check(versions.is_empty() && !tables.contains("users"), || {
        format!("downgrade base should leave nothing: {versions:?} {tables:?}")
    })?;
    app.wait_status_position("").await?;

    let id = &newest_backup_before_downgrade(app).await?;
    check(id.ends_with(head), || {
        format!("the dump before the downgrade should be at {head}: {id}")
    })?;
    app.screenshot("backups").await?;
    let question = ask_restore(app, id).await?;
    check(question.contains(&server.name), || {
        format!("the confirmation should name {}: {question}", server.name)
    })?;
    confirm_restore(app).await?;
    let (versions, tables) = server.snapshot().await?;
    check(
        versions == [head] && DEMO_TABLES.iter().all(|t| tables.contains(*t)),
        || format!("the restore should bring back {head} and the tables: {versions:?} {tables:?}"),
    )?;
    let display_name = server
        .query("SELECT display_name FROM users WHERE id = 4242")
        .await?;
    check(display_name == ["restored"], || {
        format!("the row inserted before the downgrade should be back: {display_name:?}")
    })?;
    app.wait_status_position(head).await?;
    app.screenshot("restored").await?;
    no_secret_on_screen(app, &server.secrets).await?;
    Ok(())
}

async fn no_secret_on_screen(app: &App, secrets: &[String]) -> Result<()> {
    let html = app
        .js("return document.documentElement.outerHTML;", vec![])
        .await?
        .to_string();
    match secrets.iter().find(|secret| html.contains(secret.as_str())) {
        Some(secret) => fail(format!(
            "the page shows a secret ({} characters)",
            secret.len()
        )),
        None => Ok(()),
    }
}

/// Files under `dir` (recursively) whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    if !dir.exists() {
        return Ok(found);
    }
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() {
                let bytes = std::fs::read(&path)?;
                if bytes
                    .windows(needle.len())
                    .any(|window| window == needle.as_bytes())
                {
                    found.push(path);
                }
            }
        }
    }
    Ok(found)
}
