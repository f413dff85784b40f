//! Harness for the desktop app's end-to-end tests: a private Xvfb display, tauri-driver (which
//! runs WebKitWebDriver, which runs the real `retort-desktop`), a fantoccini WebDriver session
//! with helpers keyed on the UI's `data-testid`s, screenshots, and a direct look at the SQLite
//! file the app migrates.
//!
//! Every process is started in its own process group and stopped with SIGTERM: tauri-driver
//! killed with SIGKILL leaves WebKitWebDriver orphaned. Their output goes to log files next to
//! the screenshots, never to the test's own pipes, so nothing left behind can hold `cargo test`
//! open.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fmt::Display;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How long a UI state may take to appear (an action on SQLite takes milliseconds; the slack is
/// for a loaded CI machine).
pub const UI_TIMEOUT: Duration = Duration::from_secs(30);
/// The first window: WebKit's processes start, the app opens the project and the database.
pub const START_TIMEOUT: Duration = Duration::from_secs(90);

/// Fails with `message` (any displayable value) as the error.
pub fn fail<T>(message: impl Display) -> Result<T> {
    Err(message.to_string().into())
}

// ---------------------------------------------------------------------------------------------
// Tools

/// The programs an end-to-end run needs.
#[derive(Debug, Clone)]
pub struct Tools {
    pub app: PathBuf,
    pub tauri_driver: PathBuf,
    pub webkit_driver: PathBuf,
    pub xvfb: PathBuf,
}

/// `CI` set to anything but empty, `0` or `false`: missing tools are then a failure, not a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// The cargo target folder this test binary was built into (`target/` in a checkout, or
/// `CARGO_TARGET_DIR`): the binary is `<target>/<profile>/deps/<test>-<hash>`.
pub fn target_dir() -> PathBuf {
    profile_dir()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target"))
}

fn profile_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("target/debug"))
}

/// The repository's root (for the demo project).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// `cargo install` puts tauri-driver in `$CARGO_HOME/bin`, which need not be on `PATH`.
fn cargo_bin(name: &str) -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    Some(home.join("bin").join(name)).filter(|p| p.is_file())
}

/// Finds every tool, or says which are missing and how to get them.
pub fn find_tools() -> Result<Tools, String> {
    let app = std::env::var_os("RETORT_E2E_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| profile_dir().join("retort-desktop"));
    let mut missing = Vec::new();
    if !app.is_file() {
        missing.push(format!(
            "the app binary {} (build it with `cargo build -p retort-app`, or run scripts/test.sh)",
            app.display()
        ));
    }
    let tauri_driver = on_path("tauri-driver").or_else(|| cargo_bin("tauri-driver"));
    if tauri_driver.is_none() {
        missing.push("tauri-driver (`cargo install tauri-driver --locked`)".to_string());
    }
    let webkit_driver = on_path("WebKitWebDriver");
    if webkit_driver.is_none() {
        missing.push("WebKitWebDriver (Debian package webkit2gtk-driver)".to_string());
    }
    let xvfb = on_path("Xvfb");
    if xvfb.is_none() {
        missing.push("Xvfb (Debian package xvfb)".to_string());
    }
    match (tauri_driver, webkit_driver, xvfb) {
        (Some(tauri_driver), Some(webkit_driver), Some(xvfb)) if missing.is_empty() => Ok(Tools {
            app: std::path::absolute(&app).unwrap_or(app),
            tauri_driver,
            webkit_driver,
            xvfb,
        }),
        _ => Err(format!(
            "missing: {}. scripts/test.sh installs and builds all of them.",
            missing.join("; ")
        )),
    }
}

/// The tools, or `None` after printing why the test is skipped. In CI a missing tool fails the
/// test instead: a suite that silently skips there proves nothing.
pub fn tools_or_skip(test: &str) -> Option<Tools> {
    match find_tools() {
        Ok(tools) => Some(tools),
        Err(why) if in_ci() => panic!("end-to-end test {test} cannot run (CI is set): {why}"),
        Err(why) => {
            eprintln!("SKIPPED end-to-end test {test}: {why}");
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Processes

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// SIGTERM to a process group, then waits for its leader. Never SIGKILL (see the module doc).
fn terminate_group(child: &mut Child, name: &str, grace: Duration) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    let Some(group) = rustix::process::Pid::from_raw(child.id() as i32) else {
        return;
    };
    if let Err(e) = rustix::process::kill_process_group(group, rustix::process::Signal::TERM) {
        eprintln!(
            "could not signal {name} (process group {}): {e}",
            child.id()
        );
    }
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        match child.try_wait() {
            Ok(Some(_)) | Err(_) => return,
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    eprintln!(
        "{name} (pid {}) still runs {} s after SIGTERM; left alone rather than killed",
        child.id(),
        grace.as_secs()
    );
}

fn log_file(dir: &Path, name: &str) -> Result<(File, PathBuf)> {
    let path = dir.join(name);
    Ok((File::create(&path)?, path))
}

/// The last `lines` lines of a log, for a failure message.
pub fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A private X display.
pub struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Starts Xvfb on a display number it picks itself (`-displayfd`), so parallel runs and a
    /// developer's own display never collide.
    pub fn start(xvfb: &Path, logs: &Path) -> Result<Xvfb> {
        let (log, log_path) = log_file(logs, "xvfb.log")?;
        let mut child = Command::new(xvfb)
            .args(["-displayfd", "1", "-screen", "0", "1440x900x24"])
            .args(["-nolisten", "tcp", "-noreset"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", xvfb.display()))?;
        let stdout = child.stdout.take().ok_or("Xvfb has no stdout")?;
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let number = receiver
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_default();
        let number = number.trim();
        let mut xvfb = Xvfb {
            child,
            display: format!(":{number}"),
        };
        if number.is_empty() || number.parse::<u32>().is_err() {
            terminate_group(&mut xvfb.child, "Xvfb", Duration::from_secs(5));
            return fail(format!(
                "Xvfb did not report a display within 20 s; its log:\n{}",
                log_tail(&log_path, 20)
            ));
        }
        Ok(xvfb)
    }

    pub fn display(&self) -> &str {
        &self.display
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        terminate_group(&mut self.child, "Xvfb", Duration::from_secs(5));
    }
}

/// tauri-driver, listening on `url`; it starts WebKitWebDriver and, per session, the app.
pub struct TauriDriver {
    child: Child,
    pub url: String,
    pub log: PathBuf,
}

impl TauriDriver {
    /// Starts tauri-driver with `env` added to this process's environment; WebKitWebDriver and
    /// the app inherit it.
    pub fn start(tools: &Tools, env: &[(&str, OsString)], logs: &Path) -> Result<TauriDriver> {
        let port = free_port()?;
        let mut native_port = free_port()?;
        while native_port == port {
            native_port = free_port()?;
        }
        let (log, log_path) = log_file(logs, "tauri-driver.log")?;
        let mut command = Command::new(&tools.tauri_driver);
        command
            .arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .arg("--native-driver")
            .arg(&tools.webkit_driver)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .process_group(0)
            // GTK would prefer a Wayland session over the private X display.
            .env_remove("WAYLAND_DISPLAY");
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", tools.tauri_driver.display()))?;
        let mut driver = TauriDriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log: log_path,
        };
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(driver);
            }
            if let Ok(Some(status)) = driver.child.try_wait() {
                return fail(format!(
                    "tauri-driver exited ({status}) before listening; its log:\n{}",
                    log_tail(&driver.log, 30)
                ));
            }
            if Instant::now() > deadline {
                let tail = log_tail(&driver.log, 30);
                drop(driver);
                return fail(format!(
                    "tauri-driver did not listen on {address} within 30 s; its log:\n{tail}"
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        // The group: tauri-driver, WebKitWebDriver and (if the session was not closed) the app.
        terminate_group(&mut self.child, "tauri-driver", Duration::from_secs(15));
    }
}

// ---------------------------------------------------------------------------------------------
// Screenshots

/// Numbered PNGs of one run, in `target/e2e-screenshots/` (emptied of the last run's first).
pub struct Screenshots {
    dir: PathBuf,
    count: usize,
}

impl Screenshots {
    pub fn fresh(dir: PathBuf) -> Result<Screenshots> {
        std::fs::create_dir_all(&dir)?;
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "png" || e == "log") {
                std::fs::remove_file(path)?;
            }
        }
        Ok(Screenshots { dir, count: 0 })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn next_path(&mut self, name: &str) -> PathBuf {
        self.count += 1;
        self.dir.join(format!("{:02}-{name}.png", self.count))
    }
}

// ---------------------------------------------------------------------------------------------
// The WebDriver session

/// CSS selector of a `data-testid`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// One session: the app's window.
pub struct App {
    pub client: Client,
    pub shots: Screenshots,
}

impl App {
    /// Opens a session through tauri-driver: this starts the app.
    pub async fn launch(driver: &TauriDriver, app: &Path, shots: Screenshots) -> Result<App> {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("wry"));
        capabilities.insert("tauri:options".into(), json!({ "application": app }));
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .map_err(|e| {
                format!(
                    "could not open a WebDriver session (is the app binary runnable?): {e}\n\
                     tauri-driver's log:\n{}",
                    log_tail(&driver.log, 30)
                )
            })?;
        Ok(App { client, shots })
    }

    /// Saves a screenshot after two animation frames (the last DOM change painted).
    pub async fn screenshot(&mut self, name: &str) -> Result<PathBuf> {
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await?;
        let png = self.client.screenshot().await?;
        let path = self.shots.next_path(name);
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Runs `script` (a function body; `arguments` available) and returns its value.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.client.execute(script, args).await?)
    }

    /// Polls `script` until it returns something other than `null`/`false`, and returns that.
    pub async fn wait_js(&self, what: &str, timeout: Duration, script: &str) -> Result<Value> {
        let deadline = Instant::now() + timeout;
        let mut last_error = None;
        loop {
            match self.client.execute(script, vec![]).await {
                Ok(Value::Null | Value::Bool(false)) => {}
                Ok(value) => return Ok(value),
                // The page may be between documents while the app starts.
                Err(e) => last_error = Some(e.to_string()),
            }
            if Instant::now() > deadline {
                let detail = last_error.map(|e| format!(" (last error: {e})"));
                return fail(format!(
                    "timed out after {} s waiting for {what}{}",
                    timeout.as_secs(),
                    detail.unwrap_or_default()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The element with `data-testid` = `id`, once it exists and is visible.
    pub async fn wait_for_testid(&self, id: &str, timeout: Duration) -> Result<Element> {
        let selector = testid(id);
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(&selector)).await {
                if element.is_displayed().await.unwrap_or(false) {
                    return Ok(element);
                }
            }
            if Instant::now() > deadline {
                return fail(format!(
                    "timed out after {} s waiting for {selector}",
                    timeout.as_secs()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until no element matches `selector`.
    pub async fn wait_gone(&self, selector: &str, timeout: Duration) -> Result<()> {
        let script = format!(
            "return document.querySelector({}) === null;",
            json!(selector)
        );
        self.wait_js(&format!("{selector} to go away"), timeout, &script)
            .await
            .map(|_| ())
    }

    /// Clicks the button with `data-testid` = `id` once it is enabled (a click on a disabled
    /// button would do nothing and the test would wait for the wrong reason).
    pub async fn click_testid(&self, id: &str) -> Result<()> {
        let element = self.wait_for_testid(id, UI_TIMEOUT).await?;
        let deadline = Instant::now() + UI_TIMEOUT;
        while !element.is_enabled().await? {
            if Instant::now() > deadline {
                return fail(format!("{} stayed disabled", testid(id)));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        click(&element, &testid(id)).await
    }

    /// Clicks the element `selector` matches (e.g. a button inside one row of a list).
    pub async fn click_css(&self, selector: &str) -> Result<()> {
        let element = self.client.find(Locator::Css(selector)).await?;
        click(&element, selector).await
    }

    /// Clicks the first visible button whose text starts with `label`.
    pub async fn click_button_labelled(&self, label: &str) -> Result<()> {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            for button in self.client.find_all(Locator::Css("button")).await? {
                let text = button.text().await.unwrap_or_default();
                if text.trim().starts_with(label) && button.is_displayed().await.unwrap_or(false) {
                    button.click().await?;
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return fail(format!("no button labelled {label:?} appeared"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Text of the element with `data-testid` = `id`.
    pub async fn text_of(&self, id: &str) -> Result<String> {
        Ok(self.wait_for_testid(id, UI_TIMEOUT).await?.text().await?)
    }

    /// The timeline's rows in the DOM: (revision, state), top to bottom.
    pub async fn timeline(&self) -> Result<Vec<(String, String)>> {
        let rows = self
            .js(
                "return Array.from(document.querySelectorAll('[data-testid=\"timeline-row\"]'))\
                 .map(r => [r.dataset.revision, r.dataset.state]);",
                vec![],
            )
            .await?;
        let rows: Vec<(String, String)> = serde_json::from_value(rows)?;
        Ok(rows)
    }

    /// Waits until the timeline shows exactly `expected` (revision → state, any order).
    pub async fn wait_timeline(&self, what: &str, expected: &[(String, String)]) -> Result<()> {
        let mut want: Vec<_> = expected.to_vec();
        want.sort();
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            let mut rows = self.timeline().await.unwrap_or_default();
            rows.sort();
            if rows == want {
                return Ok(());
            }
            if Instant::now() > deadline {
                return fail(format!(
                    "timeline never showed {what}\n  expected {want:?}\n  shown    {rows:?}"
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the status bar names `current` (space-separated revisions; "" at base).
    pub async fn wait_status_position(&self, current: &str) -> Result<()> {
        let script = format!(
            "const e = document.querySelector('[data-testid=\"status-position\"]');\
             return e !== null && e.dataset.current === {};",
            json!(current)
        );
        self.wait_js(
            &format!("the status bar to show the position {current:?}"),
            UI_TIMEOUT,
            &script,
        )
        .await
        .map(|_| ())
    }

    /// One action through its three steps: `button` opens the preview, Continue, Run, then the
    /// result (which is returned with its `data-outcome`) and Close. Screenshots the preview
    /// and the result under `name`.
    pub async fn run_action(&mut self, button: &str, name: &str) -> Result<ActionResult> {
        self.click_testid(button).await?;
        self.finish_action(name).await
    }

    /// The rest of [`App::run_action`], for an action dialog opened some other way (e.g. the
    /// autogenerate dialog's "Stamp this database…").
    pub async fn finish_action(&mut self, name: &str) -> Result<ActionResult> {
        self.wait_for_testid("action-continue", UI_TIMEOUT).await?;
        // Continue is enabled once the preview has loaded a plan.
        let continue_enabled =
            "const e = document.querySelector('[data-testid=\"action-continue\"]');\
             return e !== null && !e.disabled;";
        let preview_error = "const e = document.querySelector('[data-testid=\"preview-error\"]');\
             return e === null ? null : e.innerText;";
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            if let Value::String(error) = self.js(preview_error, vec![]).await? {
                self.screenshot(&format!("{name}-preview-error")).await?;
                return fail(format!("the preview of {name} failed: {error}"));
            }
            if self.js(continue_enabled, vec![]).await? == Value::Bool(true) {
                break;
            }
            if Instant::now() > deadline {
                return fail(format!("the preview of {name} never finished"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let plan = self.text_of("preview-plan").await?;
        let backup = self
            .js(
                "const e = document.querySelector('[data-testid=\"preview-backup\"]');\
                 return e === null ? null : [e.dataset.mode, e.innerText];",
                vec![],
            )
            .await?;
        let backup: Option<(String, String)> = serde_json::from_value(backup)?;
        self.screenshot(&format!("{name}-preview")).await?;
        self.click_testid("action-continue").await?;
        self.click_testid("action-run").await?;
        let result = self.wait_for_testid("action-result", UI_TIMEOUT).await?;
        let outcome = result.attr("data-outcome").await?.unwrap_or_default();
        let text = result.text().await?;
        self.screenshot(&format!("{name}-result")).await?;
        self.click_testid("action-close").await?;
        self.wait_gone(&testid("action-result"), UI_TIMEOUT).await?;
        let (backup_mode, backup) = backup.unwrap_or_default();
        Ok(ActionResult {
            outcome,
            text,
            plan,
            backup_mode,
            backup,
        })
    }

    /// Ends the session: the app quits.
    pub async fn close(self) -> Result<()> {
        Ok(self.client.close().await?)
    }
}

/// Clicks `element` (found by `selector`). A click something else covers (a toast over a
/// dialog's footer) fails with "element click intercepted": a user's click would not reach it
/// either.
async fn click(element: &Element, selector: &str) -> Result<()> {
    element.click().await.map_err(|e| {
        let status = match &e {
            fantoccini::error::CmdError::Standard(w) => format!("{}: ", w.error),
            _ => String::new(),
        };
        format!("clicking {selector} failed: {status}{e}").into()
    })
}

/// What an action's result panel said.
#[derive(Debug, Clone)]
pub struct ActionResult {
    /// `succeeded`, `failed` or `cancelled`.
    pub outcome: String,
    pub text: String,
    /// The preview's list of steps.
    pub plan: String,
    /// The preview's backup line (`data-mode`: `automatic`, `optional`, `not_needed`,
    /// `unavailable`) and its text; empty when the preview had none.
    pub backup_mode: String,
    pub backup: String,
}

// ---------------------------------------------------------------------------------------------
// The database, read directly

/// What a SQLite file holds: its schema objects and its version table's rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DbSnapshot {
    /// `type name` of every schema object (tables, indexes, triggers, views).
    pub objects: BTreeSet<String>,
    /// The tables among them.
    pub tables: BTreeSet<String>,
    /// `alembic_version.version_num`, sorted; empty when the table is missing.
    pub versions: Vec<String>,
}

impl DbSnapshot {
    /// Reads `path` read-only (the app may hold it open); a missing file is an empty database.
    pub async fn read(path: &Path) -> Result<DbSnapshot> {
        use sqlx::sqlite::SqliteConnectOptions;
        use sqlx::{ConnectOptions, Connection, Row};

        if !path.exists() {
            return Ok(DbSnapshot::default());
        }
        let mut conn = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .connect()
            .await?;
        let rows = sqlx::query(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .fetch_all(&mut conn)
        .await?;
        let mut snapshot = DbSnapshot::default();
        for row in rows {
            let kind: String = row.try_get(0)?;
            let name: String = row.try_get(1)?;
            if kind == "table" {
                snapshot.tables.insert(name.clone());
            }
            snapshot.objects.insert(format!("{kind} {name}"));
        }
        if snapshot.tables.contains("alembic_version") {
            let rows = sqlx::query("SELECT version_num FROM alembic_version ORDER BY version_num")
                .fetch_all(&mut conn)
                .await?;
            snapshot.versions = rows
                .iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<Result<_, _>>()?;
        }
        conn.close().await?;
        Ok(snapshot)
    }
}

/// Runs `statements` on the SQLite file at `path`, as a tool that knows nothing of migrations
/// might (a hand-made change behind the app's back), and closes the connection.
pub async fn execute_sql(path: &Path, statements: &[&str]) -> Result<()> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions, Connection};
    let mut conn = SqliteConnectOptions::new().filename(path).connect().await?;
    for statement in statements {
        sqlx::query(statement)
            .execute(&mut conn)
            .await
            .map_err(|e| format!("{statement}: {e}"))?;
    }
    conn.close().await?;
    Ok(())
}

/// The first column of every row `query` returns from the SQLite file at `path` (read-only),
/// as text (`NULL` as an empty string).
pub async fn query_texts(path: &Path, query: &str) -> Result<Vec<String>> {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions, Connection, Row};
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await?;
    let rows = sqlx::query(query)
        .fetch_all(&mut conn)
        .await
        .map_err(|e| format!("{query}: {e}"))?;
    let texts = rows
        .iter()
        .map(|r| {
            r.try_get::<Option<String>, _>(0)
                .map(Option::unwrap_or_default)
        })
        .collect::<Result<_, _>>()?;
    conn.close().await?;
    Ok(texts)
}

// ---------------------------------------------------------------------------------------------
// The project

/// A revision script's header: its id and the revisions it revises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptHeader {
    pub id: String,
    pub parents: Vec<String>,
    pub path: PathBuf,
}

/// The headers of a project's `versions/*.sql`, sorted by id.
pub fn read_scripts(versions_dir: &Path) -> Result<Vec<ScriptHeader>> {
    let mut scripts = Vec::new();
    for entry in std::fs::read_dir(versions_dir)? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "sql") {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        let header = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(str::trim)
                .map(str::to_string)
        };
        let id = header("-- Revision ID:")
            .ok_or_else(|| format!("{} has no Revision ID header", path.display()))?;
        let parents = header("-- Revises:")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        scripts.push(ScriptHeader { id, parents, path });
    }
    scripts.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(scripts)
}

/// Copies a project folder (the demo project into a temporary folder), leaving out SQLite
/// files a developer's own runs left there (`nexus.db`).
pub fn copy_project(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_dir() {
            copy_project(&entry.path(), &target)?;
        } else if !name.contains(".db") && !name.contains(".sqlite") {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
