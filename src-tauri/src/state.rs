//! The app's managed state and what each command does with it, as plain methods that the Tauri
//! commands (commands.rs) call and tests call directly, without a window.
//!
//! One [`AppState`] lives for the whole app: the open project (a loaded `Workspace`), the
//! selected connection (its URL, password included, kept in memory only), the runs in progress
//! (a cancel token per run id), the keychain and the activity log. Locks are never held across
//! an `await`: long work clones what it needs out of the session first.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use retort_core::dialect::Dialect;
use retort_core::ops::{self, Workspace};
use retort_core::runner::CancelToken;
use retort_core::timeline;
use retort_core::DatabaseUrl;

use crate::activity::ActivityLog;
use crate::dto::{AppInfo, ProjectView, RecentProject, RevisionDetail};
use crate::error::ApiError;
use crate::keychain::Keychain;
use crate::paths::AppPaths;
use crate::store;

/// The folder `new_project` creates for revision scripts, as `retort init` does.
pub const NEW_PROJECT_SCRIPT_LOCATION: &str = "migrations";

pub struct AppState {
    pub(crate) paths: AppPaths,
    pub(crate) keychain: Keychain,
    pub(crate) session: Mutex<Session>,
    pub(crate) runs: Mutex<HashMap<String, CancelToken>>,
    pub(crate) activity: ActivityLog,
    pub(crate) last_schema_diff: Mutex<Option<crate::schema::RunSchemaDiff>>,
}

#[derive(Default)]
pub(crate) struct Session {
    pub project: Option<Arc<Workspace>>,
    pub is_demo: bool,
    pub selected: Option<Selected>,
}

/// The connection actions use. The URL may hold a password: it never leaves the process except
/// to the database (Display and Serialize redact it).
#[derive(Clone, Debug)]
pub(crate) struct Selected {
    pub id: String,
    pub name: String,
    pub url: DatabaseUrl,
    pub production: bool,
}

impl Selected {
    /// What a user types to confirm a write on a production connection.
    pub fn confirm_name(&self) -> Option<String> {
        confirm_name(&self.url)
    }

    /// A write on a production connection goes ahead only when `typed` is its database name.
    pub fn require_confirmation(&self, typed: Option<&str>) -> Result<(), ApiError> {
        let expected = self.confirm_name().unwrap_or_default();
        if self.production && typed.map(str::trim) != Some(expected.as_str()) {
            return Err(ApiError::new(
                crate::error::CONFIRMATION_REQUIRED,
                format!(
                    "'{}' is a production connection: type the database name '{expected}' to confirm.",
                    self.name
                ),
            ));
        }
        Ok(())
    }
}

/// The database name, or the SQLite file's name.
pub(crate) fn confirm_name(url: &DatabaseUrl) -> Option<String> {
    match url.dialect() {
        Dialect::Sqlite => url
            .sqlite_path()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .or_else(|| url.is_memory().then(|| ":memory:".to_string())),
        _ => url.database_name(),
    }
}

impl AppState {
    pub fn new(paths: AppPaths, keychain: Keychain) -> AppState {
        let activity = ActivityLog::new(paths.activity_file());
        AppState {
            paths,
            keychain,
            session: Mutex::new(Session::default()),
            runs: Mutex::new(HashMap::new()),
            activity,
            last_schema_diff: Mutex::new(None),
        }
    }

    pub fn paths(&self) -> &AppPaths {
        &self.paths
    }

    pub(crate) fn session(&self) -> MutexGuard<'_, Session> {
        // A panic elsewhere must not make the app unusable: the session stays consistent
        // because every update replaces whole fields.
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn workspace(&self) -> Result<Arc<Workspace>, ApiError> {
        self.session()
            .project
            .clone()
            .ok_or_else(ApiError::no_project)
    }

    pub fn app_info(&self) -> AppInfo {
        AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            data_dir: self.paths.data_dir.display().to_string(),
            log_dir: self.paths.log_dir.display().to_string(),
            keychain_available: self.keychain.available(),
            demo_project: self.paths.demo_project.display().to_string(),
        }
    }

    /// Opens the project named on the command line (`retort-desktop PATH`), else the last
    /// project, else the demo project (first run, or when the last one is gone).
    pub async fn open_startup_project(&self) -> Result<ProjectView, ApiError> {
        if let Some(path) = std::env::args_os().nth(1) {
            return self.open_project(Path::new(&path)).await;
        }
        let recent = store::read_recent(&self.paths.recent_file()).unwrap_or_default();
        if let Some(last) = recent.first() {
            match self.open_project(Path::new(&last.path)).await {
                Ok(view) => return Ok(view),
                Err(e) => tracing::warn!(
                    project = %last.path,
                    error = %e,
                    "could not reopen the last project; opening the demo project"
                ),
            }
        }
        self.open_demo_project().await
    }

    pub fn current_project(&self) -> Result<Option<ProjectView>, ApiError> {
        let (project, is_demo) = {
            let session = self.session();
            (session.project.clone(), session.is_demo)
        };
        project.map(|ws| project_view(&ws, is_demo)).transpose()
    }

    pub async fn open_project(&self, path: &Path) -> Result<ProjectView, ApiError> {
        let path = path.to_path_buf();
        let ws = blocking(move || Workspace::open(&path).map_err(ApiError::from)).await?;
        let is_demo = same_folder(&ws.project.root, &self.paths.demo_project);
        self.install(ws, is_demo)
    }

    pub async fn open_demo_project(&self) -> Result<ProjectView, ApiError> {
        let demo = self.paths.demo_project.clone();
        if !demo.join(retort_core::config::CONFIG_FILE).is_file() {
            return Err(ApiError::new(
                retort_core::Error::config("").kind(),
                format!(
                    "The demo project is not at {}. Set RETORT_DEMO_PROJECT to its folder (migrations/ in Retort's repository).",
                    demo.display()
                ),
            ));
        }
        self.open_project(&demo).await
    }

    /// Creates a project in `dir` (what `retort init` does) and opens it.
    pub async fn new_project(&self, dir: &Path) -> Result<ProjectView, ApiError> {
        let dir = dir.to_path_buf();
        let ws = blocking(move || {
            let project = ops::init(&dir, NEW_PROJECT_SCRIPT_LOCATION)?;
            Workspace::from_project(project).map_err(ApiError::from)
        })
        .await?;
        self.install(ws, false)
    }

    /// Reads the project's scripts again (after editing them outside the app).
    pub async fn reload_project(&self) -> Result<ProjectView, ApiError> {
        let root = self.workspace()?.project.root.clone();
        let ws = blocking(move || Workspace::open(&root).map_err(ApiError::from)).await?;
        let view = {
            let mut session = self.session();
            let is_demo = session.is_demo;
            let ws = Arc::new(ws);
            session.project = Some(ws.clone());
            // The project URL may have changed with retort.toml.
            if session.selected.as_ref().is_some_and(|s| s.id == "project") {
                session.selected = crate::connections::project_selection(&ws).ok();
            }
            project_view(&ws, is_demo)?
        };
        Ok(view)
    }

    pub fn recent_projects(&self) -> Result<Vec<RecentProject>, ApiError> {
        store::read_recent(&self.paths.recent_file())
    }

    /// Makes `ws` the open project: selects its default connection (`DATABASE_URL`, else the
    /// project's URL) and remembers it among the recent projects.
    fn install(&self, ws: Workspace, is_demo: bool) -> Result<ProjectView, ApiError> {
        let ws = Arc::new(ws);
        let view = project_view(&ws, is_demo)?;
        let selected = crate::connections::default_selection(&ws);
        {
            let mut session = self.session();
            session.project = Some(ws.clone());
            session.is_demo = is_demo;
            // A saved connection chosen for another project must not carry over to this one.
            session.selected = selected;
        }
        let recent = RecentProject {
            path: view.path.clone(),
            name: view.name.clone(),
            opened_at: now(),
        };
        if let Err(e) = store::remember_project(&self.paths.recent_file(), recent) {
            tracing::warn!(error = %e, "could not update the recent projects");
        }
        tracing::info!(project = %view.path, revisions = view.revisions.len(), "project opened");
        Ok(view)
    }

    pub fn revision_detail(&self, revision: &str) -> Result<RevisionDetail, ApiError> {
        let ws = self.workspace()?;
        let info = match ws.revision_info(revision) {
            Some(info) => info,
            None => {
                let mut found = ws.show(revision)?;
                if found.len() != 1 {
                    return Err(ApiError::invalid_input(format!(
                        "'{revision}' names {} revisions; choose one",
                        found.len()
                    )));
                }
                found.remove(0)
            }
        };
        let dialect = self.detail_dialect(&ws);
        let script = ws.script(&info.revision);
        let section = |up: bool| {
            script
                .and_then(|s| if up { &s.up } else { &s.down }.for_dialect(dialect))
                .map(|section| section.sql.trim_end().to_string())
                .unwrap_or_default()
        };
        Ok(RevisionDetail {
            path: info.path.as_ref().map(|p| p.display().to_string()),
            dialect,
            up_sql: section(true),
            down_sql: section(false),
            parents: info.down_revisions.clone(),
            children: info.children.clone(),
            depends_on: info.depends_on.clone(),
            dependents: ws
                .map
                .dependents(&info.revision)
                .into_iter()
                .map(str::to_string)
                .collect(),
            no_transaction: script.is_some_and(|s| s.no_transaction),
            info,
        })
    }

    /// The selected connection's dialect, else the project URL's.
    fn detail_dialect(&self, ws: &Workspace) -> Dialect {
        if let Some(selected) = &self.session().selected {
            return selected.url.dialect();
        }
        ws.project
            .database_url(None, None)
            .map(|u| u.dialect())
            .unwrap_or(Dialect::Sqlite)
    }
}

pub(crate) fn project_view(ws: &Workspace, is_demo: bool) -> Result<ProjectView, ApiError> {
    let project = &ws.project;
    Ok(ProjectView {
        path: project.root.display().to_string(),
        name: project
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| project.root.display().to_string()),
        config_path: project.config_path.display().to_string(),
        versions_dir: project.versions_dir().display().to_string(),
        version_table: project.version_table.clone(),
        revisions: ws.history(None, &[], false)?,
        timeline: timeline::layout(&ws.map),
        is_demo,
    })
}

fn same_folder(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    canonical(a) == canonical(b)
}

/// RFC 3339, local time, to the second.
pub(crate) fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Runs file or keychain work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal(format!("a background task failed: {e}")))?
}

/// Runs engine work on a blocking thread of the current runtime: some engine futures hold sqlx
/// executors behind references and are not `Send`, which Tauri commands must be. `what` names
/// the work in the error if the thread dies.
pub(crate) async fn engine_task<T, F, Fut>(what: &str, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = retort_core::Result<T>>,
{
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || handle.block_on(work()).map_err(ApiError::from))
        .await
        .map_err(|e| ApiError::internal(format!("{what} stopped unexpectedly: {e}")))?
}

/// A path argument from the UI: absolute, or relative to the current folder.
pub(crate) fn argument_path(path: &str) -> Result<PathBuf, ApiError> {
    let path = path.trim();
    if path.is_empty() {
        return Err(ApiError::invalid_input(
            "The path is empty; choose a folder",
        ));
    }
    Ok(std::path::absolute(path).unwrap_or_else(|_| PathBuf::from(path)))
}
