//! The project's Python: finding the interpreter, checking that it imports Alembic, and running
//! Alembic's command line through `bridge.py` (an argument vector, never a shell).
//!
//! The database URL is handed over in the environment, never on the command line (where `ps`
//! would show the password): `RETORT_SQLALCHEMY_URL`, which the bridge sets as `sqlalchemy.url`
//! in memory (the standard env.py template reads it there), and `DATABASE_URL`, which the common
//! `os.environ.get("DATABASE_URL")` pattern reads.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::AlembicSettings;
use crate::config::{redact_secrets, DatabaseUrl};
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::revision::Revision;
use crate::runner::CancelToken;

/// The bridge between Retort and Alembic's own command line.
const BRIDGE: &str = include_str!("bridge.py");

/// Prefix of the bridge's event lines on stderr.
pub const EVENT_PREFIX: &str = "retort-event: ";

/// Environment variable naming the interpreter when no `--python` is given.
pub const PYTHON_ENV_VAR: &str = "RETORT_PYTHON";

/// Where the interpreter was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PythonSource {
    /// `--python` or the app's setting.
    Override,
    /// `RETORT_PYTHON`.
    RetortPython,
    /// `.venv/` or `venv/` in the project folder or a folder above it (up to the repository root).
    ProjectVenv,
    /// The active virtual environment (`VIRTUAL_ENV`).
    VirtualEnv,
    /// `python3` (or `python`) on `PATH`.
    Path,
}

/// A Python interpreter and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interpreter {
    pub path: PathBuf,
    pub source: PythonSource,
}

/// Finds the interpreter for a project whose ini file is in `here`: `override_path`, then
/// `RETORT_PYTHON`, then `.venv/bin/python` or `venv/bin/python` in `here` or a parent folder
/// (stopping at the folder holding `.git`), then `$VIRTUAL_ENV/bin/python`, then `python3` and
/// `python` on `PATH`.
pub fn find_interpreter(here: &Path, override_path: Option<&Path>) -> Result<Interpreter> {
    if let Some(path) = override_path {
        return checked(path, PythonSource::Override, "--python");
    }
    if let Some(path) = std::env::var_os(PYTHON_ENV_VAR).filter(|v| !v.is_empty()) {
        return checked(Path::new(&path), PythonSource::RetortPython, PYTHON_ENV_VAR);
    }
    for dir in here.ancestors() {
        for venv in [".venv", "venv"] {
            let candidate = venv_python(&dir.join(venv));
            if is_executable(&candidate) {
                return Ok(Interpreter {
                    path: candidate,
                    source: PythonSource::ProjectVenv,
                });
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    if let Some(venv) = std::env::var_os("VIRTUAL_ENV").filter(|v| !v.is_empty()) {
        let candidate = venv_python(Path::new(&venv));
        if is_executable(&candidate) {
            return Ok(Interpreter {
                path: candidate,
                source: PythonSource::VirtualEnv,
            });
        }
    }
    for name in ["python3", "python"] {
        if let Some(path) = on_path(name) {
            return Ok(Interpreter {
                path,
                source: PythonSource::Path,
            });
        }
    }
    Err(Error::config(format!(
        "No Python interpreter found for the Alembic project in {}: no .venv/ or venv/ there, no \
         VIRTUAL_ENV, and no python3 on PATH. Create the project's virtual environment \
         (python3 -m venv .venv && .venv/bin/pip install alembic), or name the interpreter with \
         --python /path/to/python (or {PYTHON_ENV_VAR}).",
        here.display()
    )))
}

fn checked(path: &Path, source: PythonSource, named_by: &str) -> Result<Interpreter> {
    let path = if path.components().count() == 1 && !path.exists() {
        on_path(&path.to_string_lossy()).unwrap_or_else(|| path.to_path_buf())
    } else {
        std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
    };
    if !is_executable(&path) {
        return Err(Error::config(format!(
            "The Python interpreter {} (from {named_by}) does not exist or is not executable",
            path.display()
        )));
    }
    Ok(Interpreter { path, source })
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// An interpreter that can import Alembic, with what it has installed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PythonEnv {
    pub interpreter: Interpreter,
    pub python_version: String,
    pub alembic_version: String,
    pub sqlalchemy_version: Option<String>,
    /// Importable database drivers (`psycopg2`, `pymysql`, ...).
    pub drivers: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ProbeOutput {
    python: String,
    alembic: Option<String>,
    alembic_error: Option<String>,
    sqlalchemy: Option<String>,
    #[serde(default)]
    drivers: Vec<String>,
}

/// Runs the interpreter once to learn its versions and drivers; fails with an install hint
/// when it cannot import Alembic.
pub fn probe(interpreter: Interpreter, cwd: &Path) -> Result<PythonEnv> {
    let output = Command::new(&interpreter.path)
        .args(["-c", BRIDGE, "probe"])
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            Error::config(format!(
                "Could not run the Python interpreter {}: {e}",
                interpreter.path.display()
            ))
        })?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let parsed: Option<ProbeOutput> = stdout
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str(line).ok());
    let Some(probe) = parsed.filter(|_| output.status.success()) else {
        return Err(Error::config(format!(
            "The Python interpreter {} did not run Retort's check (exit {}): {}",
            interpreter.path.display(),
            output
                .status
                .code()
                .map_or("signal".to_string(), |c| c.to_string()),
            last_lines(&String::from_utf8_lossy(&output.stderr), 5)
        )));
    };
    let Some(alembic_version) = probe.alembic else {
        let python = interpreter.path.display();
        return Err(Error::config(format!(
            "{python} cannot import alembic ({}). Install it into that environment with \
             `{python} -m pip install alembic`, or point Retort at the project's virtual \
             environment with --python /path/to/venv/bin/python.",
            probe
                .alembic_error
                .unwrap_or_else(|| "ModuleNotFoundError".to_string())
        )));
    };
    Ok(PythonEnv {
        interpreter,
        python_version: probe.python,
        alembic_version,
        sqlalchemy_version: probe.sqlalchemy,
        drivers: probe.drivers,
    })
}

/// The URL to hand to the project's SQLAlchemy for `url`. A URL the user wrote
/// (`raw_candidates`: `DATABASE_URL`, the ini's `sqlalchemy.url`) that names the same database
/// is passed as written, driver and all; otherwise the URL is rendered with the driver the ini
/// names for that dialect, or the first driver the interpreter has.
pub fn sqlalchemy_url(
    url: &DatabaseUrl,
    raw_candidates: &[&str],
    base_dir: &Path,
    env: &PythonEnv,
) -> Result<String> {
    if url.is_memory() {
        return Err(Error::config(
            "An in-memory SQLite database cannot be shared with Alembic's Python process; use \
             a file (sqlite:///path.db)",
        ));
    }
    for raw in raw_candidates {
        let raw = raw.trim();
        let Some((scheme, _)) = raw.split_once("://") else {
            continue;
        };
        let same = DatabaseUrl::parse(raw, base_dir).is_ok_and(|parsed| parsed == *url);
        let explicit_driver = scheme.contains('+');
        let usable = match url.dialect() {
            // sqlx's `sqlite:rel.db` / `sqlite://rel.db` mean something else to SQLAlchemy.
            Dialect::Sqlite => raw.starts_with("sqlite:///") || raw.starts_with("sqlite+"),
            Dialect::Postgresql => scheme.starts_with("postgresql"),
            Dialect::Mysql => explicit_driver,
        };
        if same && usable {
            return Ok(raw.to_string());
        }
    }
    let ini_driver = raw_candidates.iter().find_map(|raw| {
        let scheme = raw.trim().split_once("://")?.0.to_ascii_lowercase();
        let (base, driver) = scheme.split_once('+')?;
        let dialect = match base {
            "sqlite" => Dialect::Sqlite,
            "postgresql" | "postgres" => Dialect::Postgresql,
            "mysql" | "mariadb" => Dialect::Mysql,
            _ => return None,
        };
        (dialect == url.dialect()).then(|| driver.to_string())
    });
    let driver = match (url.dialect(), ini_driver) {
        (_, Some(driver)) => Some(driver),
        (Dialect::Sqlite, None) => None,
        (dialect, None) => Some(pick_driver(dialect, url.is_mariadb(), env)?),
    };
    Ok(url.to_sqlalchemy(driver.as_deref()))
}

/// The SQLAlchemy driver name for the first installed DBAPI module of the dialect.
fn pick_driver(dialect: Dialect, mariadb: bool, env: &PythonEnv) -> Result<String> {
    let choices: &[(&str, &str)] = match dialect {
        Dialect::Postgresql => &[
            ("psycopg2", "psycopg2"),
            ("psycopg", "psycopg"),
            ("pg8000", "pg8000"),
            ("asyncpg", "asyncpg"),
        ],
        _ if mariadb => &[
            ("pymysql", "pymysql"),
            ("MySQLdb", "mysqldb"),
            ("mariadb", "mariadbconnector"),
            ("mysql.connector", "mysqlconnector"),
            ("asyncmy", "asyncmy"),
            ("aiomysql", "aiomysql"),
        ],
        _ => &[
            ("pymysql", "pymysql"),
            ("MySQLdb", "mysqldb"),
            ("mysql.connector", "mysqlconnector"),
            ("asyncmy", "asyncmy"),
            ("aiomysql", "aiomysql"),
        ],
    };
    if let Some((_, driver)) = choices
        .iter()
        .find(|(module, _)| env.drivers.iter().any(|d| d == module))
    {
        return Ok(driver.to_string());
    }
    let (what, package) = match dialect {
        Dialect::Postgresql => ("PostgreSQL", "psycopg2-binary"),
        _ => ("MySQL/MariaDB", "pymysql"),
    };
    let python = env.interpreter.path.display();
    Err(Error::config(format!(
        "{python} has no {what} driver for SQLAlchemy. Install one: `{python} -m pip install \
         {package}`, or put the driver in the URL (e.g. sqlalchemy.url = \
         {}+<driver>://...).",
        if dialect == Dialect::Postgresql {
            "postgresql"
        } else {
            "mysql"
        }
    )))
}

/// One run of the bridge.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub python: PathBuf,
    /// Where Alembic runs: the ini file's folder (relative paths in the ini and
    /// `prepend_sys_path = .` mean this folder).
    pub cwd: PathBuf,
    /// `probe`, `graph` or `run`, then the arguments.
    pub args: Vec<String>,
    /// The SQLAlchemy URL (a secret: never logged).
    pub url: Option<String>,
    /// The bridge stops between steps once this file exists.
    pub cancel_file: Option<PathBuf>,
}

impl Invocation {
    /// `alembic -c INI [-c pyproject.toml] [-n NAME] ARGS…` through the bridge.
    pub fn alembic(env: &PythonEnv, settings: &AlembicSettings, args: &[&str]) -> Invocation {
        let mut all = vec!["run".to_string()];
        all.extend(settings.config_args());
        if settings.section != super::DEFAULT_SECTION {
            all.push("-n".to_string());
            all.push(settings.section.clone());
        }
        all.extend(args.iter().map(|a| a.to_string()));
        Invocation {
            python: env.interpreter.path.clone(),
            cwd: settings.here().to_path_buf(),
            args: all,
            url: None,
            cancel_file: None,
        }
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.python);
        command
            .arg("-c")
            .arg(BRIDGE)
            .args(&self.args)
            .current_dir(&self.cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Retort names the config files with -c; ALEMBIC_CONFIG would change the default
            // of the one it does not name.
            .env_remove("ALEMBIC_CONFIG")
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONIOENCODING", "utf-8");
        if let Some(url) = &self.url {
            command
                .env("RETORT_SQLALCHEMY_URL", url)
                .env("DATABASE_URL", url);
        }
        if let Some(file) = &self.cancel_file {
            command.env("RETORT_CANCEL_FILE", file);
        }
        command
    }

    /// What the command line looks like, for logs (the URL is in the environment, not here).
    fn describe(&self) -> String {
        let args: Vec<&str> = self.args.iter().skip(1).map(String::as_str).collect();
        format!("{} -m alembic {}", self.python.display(), args.join(" "))
    }
}

/// An event line of the bridge.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum BridgeEvent {
    /// env.py configured the migration context (before the first step).
    Context {
        dialect: String,
        as_sql: bool,
        version_table: String,
        version_table_schema: Option<String>,
        url: Option<String>,
    },
    StepStarted {
        direction: Option<String>,
        revision: Option<String>,
        from: Option<Vec<String>>,
        to: Option<Vec<String>>,
        log: String,
    },
    StepFinished {
        revision: Option<String>,
    },
    Cancelled,
    HooksUnavailable {
        reason: String,
    },
    Error {
        kind: String,
        #[serde(rename = "type")]
        type_name: String,
        message: String,
    },
}

/// `retort-event: {...}` → the event.
pub fn parse_event(line: &str) -> Option<BridgeEvent> {
    serde_json::from_str(line.strip_prefix(EVENT_PREFIX)?).ok()
}

/// Alembic's own log line `Running upgrade A -> B, message` (with or without the logging
/// prefix), as (direction, from, to, message). The fallback when the bridge's hooks are
/// unavailable.
pub fn parse_running_line(line: &str) -> Option<(String, Vec<String>, Vec<String>, String)> {
    let start = line.find("Running ")?;
    let rest = &line[start + "Running ".len()..];
    let (verb, rest) = rest.split_once(' ')?;
    let direction = match verb {
        "upgrade" => "up",
        "downgrade" => "down",
        "stamp_revision" => "stamp",
        _ => return None,
    };
    let (from, rest) = rest.split_once(" -> ")?;
    // The target list is comma-separated ids; the message follows the first ", " after them.
    let mut to = Vec::new();
    let mut remaining = rest;
    let message = if let Some(message) = rest.strip_prefix(", ") {
        // `downgrade X -> , message`: down to base.
        message.to_string()
    } else {
        loop {
            let (item, after) = match remaining.split_once(", ") {
                Some((item, after)) => (item, Some(after)),
                None => (remaining, None),
            };
            let is_id = !item.is_empty() && item.chars().all(|c| c.is_alphanumeric() || c == '_');
            if !is_id {
                break remaining.to_string();
            }
            to.push(item.to_string());
            match after {
                Some(after) => remaining = after,
                None => break String::new(),
            }
        }
    };
    let split = |s: &str| -> Vec<String> {
        s.split(", ")
            .filter(|p| !p.trim().is_empty())
            .map(|p| p.trim().to_string())
            .collect()
    };
    Some((direction.to_string(), split(from), to, message))
}

/// What a finished bridge run printed.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    /// Exit code; `None` when killed by a signal.
    pub status: Option<i32>,
    pub stdout: String,
    /// Stderr without the event lines.
    pub stderr: String,
    pub events: Vec<BridgeEvent>,
}

impl Captured {
    pub fn success(&self) -> bool {
        self.status == Some(0)
    }

    /// Everything Alembic printed, passwords masked: the "details" of an error.
    pub fn output(&self) -> String {
        let mut text = String::new();
        if !self.stdout.trim().is_empty() {
            text.push_str(self.stdout.trim_end());
            text.push('\n');
        }
        text.push_str(self.stderr.trim_end());
        redact_secrets(text.trim())
    }

    /// The one-line reason for a failed run: Alembic's `FAILED:` text, the exception, or the
    /// last line of output.
    pub fn failure_message(&self) -> String {
        let failed = self
            .stdout
            .lines()
            .chain(self.stderr.lines())
            .filter_map(|l| l.trim().strip_prefix("FAILED: "))
            .next_back();
        if let Some(text) = failed {
            return redact_secrets(text);
        }
        let error = self.events.iter().rev().find_map(|e| match e {
            BridgeEvent::Error {
                type_name, message, ..
            } => Some((type_name.clone(), message.clone())),
            _ => None,
        });
        if let Some((type_name, message)) = error {
            let first = message.lines().next().unwrap_or("").trim();
            let short = type_name.rsplit('.').next().unwrap_or(&type_name);
            return redact_secrets(&if first.is_empty() {
                short.to_string()
            } else if type_name == "WrongDatabase" {
                first.to_string()
            } else {
                format!("{short}: {first}")
            });
        }
        let last = last_lines(&self.stderr, 1);
        redact_secrets(if last.is_empty() {
            "Alembic exited without saying why"
        } else {
            &last
        })
    }

    /// The failure as an error (no run context).
    pub fn into_error(self) -> Error {
        Error::Alembic {
            message: self.failure_message(),
            output: self.output(),
            revision: None,
            direction: None,
            applied: Vec::new(),
            version_rows: Vec::new(),
        }
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" | ")
}

fn spawn_error(invocation: &Invocation, error: std::io::Error) -> Error {
    Error::config(format!(
        "Could not start {}: {error}",
        invocation.python.display()
    ))
}

/// Splits stderr into event lines and Alembic's own text.
fn split_stderr(stderr: &str) -> (Vec<BridgeEvent>, String) {
    let mut events = Vec::new();
    let mut text = String::new();
    for line in stderr.lines() {
        match parse_event(line) {
            Some(event) => events.push(event),
            None if line.starts_with(EVENT_PREFIX) => {}
            None => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    (events, text)
}

/// Runs the bridge to completion, capturing its output.
pub fn run_blocking(invocation: &Invocation) -> Result<Captured> {
    tracing::debug!(command = %invocation.describe(), "running Alembic");
    let output = invocation
        .command()
        .output()
        .map_err(|e| spawn_error(invocation, e))?;
    let (events, stderr) = split_stderr(&String::from_utf8_lossy(&output.stderr));
    Ok(Captured {
        status: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
        events,
    })
}

/// A line the bridge printed while running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamItem {
    Event(BridgeEvent),
    /// A line of Alembic's own stderr output (logging).
    Log(String),
}

/// Runs the bridge, calling `on_item` for each stderr line as it arrives. When `cancel` is set,
/// creates the invocation's cancel file so the bridge stops before the next step.
pub async fn run_streaming(
    invocation: &Invocation,
    cancel: &CancelToken,
    on_item: &mut (dyn FnMut(StreamItem) + Send),
) -> Result<Captured> {
    tracing::debug!(command = %invocation.describe(), "running Alembic");
    let request_stop = || {
        if let Some(file) = &invocation.cancel_file {
            if let Err(e) = std::fs::write(file, b"cancel") {
                tracing::warn!(error = %e, "could not ask Alembic to stop");
            }
        }
    };
    // Cancelled already: Alembic stops before its first step.
    let mut cancel_written = cancel.is_cancelled();
    if cancel_written {
        request_stop();
    }
    let mut child = invocation
        .command()
        .spawn()
        .map_err(|e| spawn_error(invocation, e))?;
    let mut stdout_pipe = child.stdout.take();
    let stderr_pipe = child.stderr.take();

    let stdout_reader = std::thread::spawn(move || {
        let mut buffer = Vec::new();
        if let Some(pipe) = stdout_pipe.as_mut() {
            let _ = pipe.read_to_end(&mut buffer);
        }
        String::from_utf8_lossy(&buffer).into_owned()
    });
    let (line_tx, mut line_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let stderr_reader = std::thread::spawn(move || {
        let Some(pipe) = stderr_pipe else { return };
        let mut reader = BufReader::new(pipe);
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            match reader.read_until(b'\n', &mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buffer)
                        .trim_end_matches(['\n', '\r'])
                        .to_string();
                    if line_tx.send(line).is_err() {
                        break;
                    }
                }
            }
        }
    });
    let (status_tx, status_rx) = tokio::sync::oneshot::channel();
    let waiter = std::thread::spawn(move || {
        let status = child.wait();
        let _ = status_tx.send(status);
    });

    let mut captured = Captured::default();
    loop {
        tokio::select! {
            line = line_rx.recv() => {
                let Some(line) = line else { break };
                match parse_event(&line) {
                    Some(event) => {
                        captured.events.push(event.clone());
                        on_item(StreamItem::Event(event));
                    }
                    None => {
                        captured.stderr.push_str(&line);
                        captured.stderr.push('\n');
                        on_item(StreamItem::Log(line));
                    }
                }
                // A host may cancel from its progress callback: ask at once.
                if !cancel_written && cancel.is_cancelled() {
                    request_stop();
                    cancel_written = true;
                }
            }
            _ = tokio::time::sleep(Duration::from_millis(100)), if !cancel_written => {
                if cancel.is_cancelled() {
                    request_stop();
                    cancel_written = true;
                }
            }
        }
    }
    let status = status_rx
        .await
        .map_err(|_| Error::config("lost track of the Alembic process"))?
        .map_err(|e| spawn_error(invocation, e))?;
    let _ = stderr_reader.join();
    let _ = waiter.join();
    captured.stdout = stdout_reader.join().unwrap_or_default();
    captured.status = status.code();
    Ok(captured)
}

#[derive(Debug, Deserialize)]
struct GraphOutput {
    revisions: Vec<GraphRevision>,
}

#[derive(Debug, Deserialize)]
struct GraphRevision {
    revision: String,
    down_revisions: Vec<String>,
    branch_labels: Vec<String>,
    depends_on: Vec<String>,
    doc: String,
    longdoc: String,
    path: String,
}

/// Every revision script as the project's Alembic loads it (`ScriptDirectory`), in its
/// file-visit order.
pub fn list_revisions(env: &PythonEnv, settings: &AlembicSettings) -> Result<Vec<Revision>> {
    let mut args = vec!["graph".to_string()];
    args.extend(settings.config_args());
    args.push("-n".to_string());
    args.push(settings.section.clone());
    let invocation = Invocation {
        python: env.interpreter.path.clone(),
        cwd: settings.here().to_path_buf(),
        args,
        url: None,
        cancel_file: None,
    };
    let captured = run_blocking(&invocation)?;
    if !captured.success() {
        return Err(captured.into_error());
    }
    let parsed: GraphOutput = captured
        .stdout
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str(line).ok())
        .ok_or_else(|| Error::Alembic {
            message: "Alembic listed no revisions Retort could read".to_string(),
            output: captured.output(),
            revision: None,
            direction: None,
            applied: Vec::new(),
            version_rows: Vec::new(),
        })?;
    Ok(parsed
        .revisions
        .into_iter()
        .map(|r| {
            let (_, create_date) = super::doc_and_date(Some(&r.longdoc));
            Revision {
                id: r.revision,
                down_revisions: r.down_revisions,
                branch_labels: r.branch_labels,
                depends_on: r.depends_on,
                message: r.doc,
                create_date,
                path: Some(PathBuf::from(r.path)),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_lines() {
        assert_eq!(
            parse_running_line(
                "INFO  [alembic.runtime.migration] Running upgrade  -> 3f2a9c1d0e01, create account table"
            ),
            Some((
                "up".into(),
                vec![],
                vec!["3f2a9c1d0e01".into()],
                "create account table".into()
            ))
        );
        assert_eq!(
            parse_running_line(
                "Running downgrade e9f8d7c6b5a4 -> c0ffee01a1b2, c0ffee02d3e4, merge email index, and status"
            ),
            Some((
                "down".into(),
                vec!["e9f8d7c6b5a4".into()],
                vec!["c0ffee01a1b2".into(), "c0ffee02d3e4".into()],
                "merge email index, and status".into()
            ))
        );
        assert_eq!(
            parse_running_line("Running downgrade 5e6f7a8b9c0d -> , create local settings")
                .map(|r| (r.2, r.3)),
            Some((vec![], "create local settings".into()))
        );
        assert_eq!(parse_running_line("Context impl SQLiteImpl."), None);
    }

    #[test]
    fn events_and_failures() {
        let stderr = "INFO  [alembic] x\nretort-event: {\"event\":\"step_finished\",\"revision\":\"a\"}\n\
                      Traceback (most recent call last):\nsqlalchemy.exc.OperationalError: boom\n\
                      retort-event: {\"event\":\"error\",\"kind\":\"exception\",\"type\":\"sqlalchemy.exc.OperationalError\",\"message\":\"(sqlite3.OperationalError) table x already exists\\n[SQL: CREATE TABLE x]\"}\n";
        let (events, text) = split_stderr(stderr);
        assert_eq!(events.len(), 2);
        assert!(!text.contains(EVENT_PREFIX));
        let captured = Captured {
            status: Some(1),
            stdout: String::new(),
            stderr: text,
            events,
        };
        assert_eq!(
            captured.failure_message(),
            "OperationalError: (sqlite3.OperationalError) table x already exists"
        );
        let failed = Captured {
            status: Some(255),
            stdout: "FAILED: Can't locate revision identified by 'x'\n".into(),
            stderr: "postgresql://u:secret@h/db\n".into(),
            events: vec![],
        };
        assert_eq!(
            failed.failure_message(),
            "Can't locate revision identified by 'x'"
        );
        assert!(!failed.output().contains("secret"));
    }

    fn env_with(drivers: &[&str]) -> PythonEnv {
        PythonEnv {
            interpreter: Interpreter {
                path: PathBuf::from("/venv/bin/python"),
                source: PythonSource::Override,
            },
            python_version: "3.11".into(),
            alembic_version: "1.20.1".into(),
            sqlalchemy_version: None,
            drivers: drivers.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn urls_for_sqlalchemy() {
        let base = Path::new("/p");
        let parse = |raw: &str| DatabaseUrl::parse(raw, base).unwrap();
        let env = env_with(&["psycopg2", "pymysql"]);
        // As written when it names the same database.
        let url = parse("postgresql://u:p%25w@h/db");
        let raw = "postgresql+asyncpg://u:p%25w@h/db";
        assert_eq!(sqlalchemy_url(&url, &[raw], base, &env).unwrap(), raw);
        // Another database of the same dialect keeps the ini's driver.
        let other = parse("postgres://u@other/db2");
        assert_eq!(
            sqlalchemy_url(&other, &[raw], base, &env).unwrap(),
            "postgresql+asyncpg://u@other/db2"
        );
        // No hint: the first driver the interpreter has; sqlx-only forms are re-rendered.
        assert_eq!(
            sqlalchemy_url(
                &parse("mysql://root@h/x"),
                &["mysql://root@h/x"],
                base,
                &env
            )
            .unwrap(),
            "mysql+pymysql://root@h/x"
        );
        assert_eq!(
            sqlalchemy_url(&parse("sqlite:rel.db"), &["sqlite:rel.db"], base, &env).unwrap(),
            "sqlite:////p/rel.db"
        );
        assert_eq!(
            sqlalchemy_url(
                &parse("sqlite:///rel.db"),
                &["sqlite:///rel.db"],
                base,
                &env
            )
            .unwrap(),
            "sqlite:///rel.db"
        );
        let message = sqlalchemy_url(&parse("mysql://h/x"), &[], base, &env_with(&[]))
            .unwrap_err()
            .to_string();
        assert!(message.contains("-m pip install pymysql"), "{message}");
        assert!(sqlalchemy_url(&parse("sqlite://"), &[], base, &env).is_err());
    }

    #[test]
    fn interpreter_override_must_exist() {
        let err = find_interpreter(Path::new("/"), Some(Path::new("/no/such/python"))).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
