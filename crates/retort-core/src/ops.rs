//! The commands, as the CLI and the desktop app call them: each one composes the project, the
//! revision graph, the database and the runner. Hosts only parse input and render output.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Serialize;

use crate::alembic::migrate::{self as alembic_migrate, AlembicTarget, Migration, NewScriptArgs};
use crate::alembic::python::{self as alembic_python, PythonEnv};
use crate::alembic::{self, GraphSource, NotStaticFile, VersionTableSource};
use crate::config::{DatabaseUrl, Project};
use crate::db::Database;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::revision::{Direction, Plan, RevisionMap, Step};
use crate::runner::{self, ProgressEvent, RunOptions};
use crate::script::{self, NewScript, Script};
use crate::version_table;

/// A project with its scripts loaded and its revision graph built.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub project: Project,
    pub map: RevisionMap,
    scripts: HashMap<String, Script>,
    /// For an Alembic project: how its revisions were read and which Python runs it.
    alembic: Option<AlembicState>,
}

#[derive(Debug, Clone)]
struct AlembicState {
    python_override: Option<PathBuf>,
    /// Found and checked on first use (reading a project never needs Python unless a script
    /// computes its header).
    python: OnceLock<PythonEnv>,
    graph_source: GraphSource,
    computed_scripts: Vec<NotStaticFile>,
}

/// How to open a project.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// `-n/--name`: the section of an Alembic project's ini file (default `alembic`).
    pub ini_section: Option<String>,
    /// `--python`: the interpreter that runs an Alembic project (default: the project's
    /// `.venv`/`venv`, then `VIRTUAL_ENV`, then `python3` on PATH).
    pub python: Option<PathBuf>,
}

/// What an Alembic project is made of, for display.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AlembicInfo {
    /// The ini file, when there is one.
    pub ini_path: Option<PathBuf>,
    /// `pyproject.toml`, when its `[tool.alembic]` table is read (Alembic ≥ 1.16).
    pub toml_path: Option<PathBuf>,
    pub section: String,
    pub script_location: PathBuf,
    pub version_locations: Vec<PathBuf>,
    pub version_table: String,
    pub version_table_source: VersionTableSource,
    /// `static` when every header was read without Python, `alembic` when Alembic listed them.
    pub graph_source: GraphSource,
    /// Scripts whose header only Python can tell (the reason Alembic was asked).
    pub computed_scripts: Vec<NotStaticFile>,
    /// The interpreter, once it has been needed.
    pub python: Option<PythonEnv>,
}

/// One revision as shown by `heads`, `history` and `show`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RevisionInfo {
    pub revision: String,
    pub down_revisions: Vec<String>,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    pub message: String,
    pub create_date: Option<String>,
    pub path: Option<PathBuf>,
    pub children: Vec<String>,
    pub is_head: bool,
    pub is_effective_head: bool,
    pub is_base: bool,
    pub is_merge: bool,
    pub is_branch_point: bool,
    /// Set by `history --indicate-current`: the database's version table names this revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub is_current: Option<bool>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HeadInfo {
    pub revision: String,
    pub branch_labels: Vec<String>,
    pub message: String,
    pub is_effective_head: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BranchPoint {
    pub revision: String,
    pub children: Vec<String>,
}

/// What `current` reports: the raw rows and the effective revisions they imply (Alembic R41).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CurrentState {
    /// The version table's rows, sorted. Empty when the table is missing or empty.
    pub current: Vec<String>,
    /// Rows plus what depends_on implies, reduced to tips: what Alembic's `current` prints.
    pub effective: Vec<String>,
    /// False when the database has no version table yet.
    pub version_table_exists: bool,
}

/// The step summary of the JSON contract (DESIGN §6).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StepSummary {
    pub direction: Direction,
    pub revision: String,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub message: String,
}

/// The result of upgrade, downgrade or stamp.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunOutcome {
    pub steps: Vec<StepSummary>,
    pub current: Vec<String>,
    pub duration_ms: u64,
}

/// Options of the `revision` command.
#[derive(Debug, Clone, Default)]
pub struct NewRevisionOptions {
    pub message: String,
    pub head: Option<String>,
    pub splice: bool,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    pub rev_id: Option<String>,
}

/// What the `revision` and `merge` commands wrote.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CreatedRevision {
    pub revision: String,
    pub down_revisions: Vec<String>,
    pub path: PathBuf,
}

impl Workspace {
    /// Opens the project at `path` (a folder, its retort.toml, or an Alembic ini file) and
    /// loads its revisions.
    pub fn open(path: &Path) -> Result<Workspace> {
        Workspace::open_with(path, &OpenOptions::default())
    }

    /// As [`Workspace::open`], with an ini section and an interpreter for Alembic projects.
    pub fn open_with(path: &Path, options: &OpenOptions) -> Result<Workspace> {
        let project = Project::discover_with(path, options.ini_section.as_deref())?;
        Workspace::from_project_with(project, options.python.clone())
    }

    pub fn from_project(project: Project) -> Result<Workspace> {
        Workspace::from_project_with(project, None)
    }

    /// `python` overrides the interpreter of an Alembic project (ignored for native ones).
    pub fn from_project_with(project: Project, python: Option<PathBuf>) -> Result<Workspace> {
        let (scripts, alembic) = match &project.alembic {
            None => (project.load_scripts()?, None),
            Some(settings) => {
                let state_python = OnceLock::new();
                let (scripts, scan, graph_source) = alembic::load_revisions(settings, || {
                    let env = find_python(settings, python.as_deref())?;
                    let _ = state_python.set(env.clone());
                    Ok(env)
                })?;
                let state = AlembicState {
                    python_override: python,
                    python: state_python,
                    graph_source,
                    computed_scripts: scan.not_static,
                };
                (scripts, Some(state))
            }
        };
        let map = RevisionMap::new(scripts.iter().map(|s| s.revision.clone()).collect())?;
        let scripts = scripts
            .into_iter()
            .map(|s| (s.revision.id.clone(), s))
            .collect();
        Ok(Workspace {
            project,
            map,
            scripts,
            alembic,
        })
    }

    /// An Alembic project (alembic.ini), whose migrations run through its own Alembic.
    pub fn is_alembic(&self) -> bool {
        self.project.alembic.is_some()
    }

    /// What the Alembic project is made of; `None` for a native project.
    pub fn alembic_info(&self) -> Option<AlembicInfo> {
        let settings = self.project.alembic.as_ref()?;
        let state = self.alembic.as_ref()?;
        Some(AlembicInfo {
            ini_path: settings.ini_path.clone(),
            toml_path: settings.toml_path.clone(),
            section: settings.section.clone(),
            script_location: settings.script_location.clone(),
            version_locations: settings.version_locations.clone(),
            version_table: self.project.version_table.clone(),
            version_table_source: settings.version_table_source,
            graph_source: state.graph_source,
            computed_scripts: state.computed_scripts.clone(),
            python: state.python.get().cloned(),
        })
    }

    /// Chooses the interpreter of an Alembic project (`None`: find it again).
    pub fn set_python(&mut self, python: Option<PathBuf>) {
        if let Some(state) = &mut self.alembic {
            state.python_override = python;
            state.python = OnceLock::new();
        }
    }

    /// The Alembic project's interpreter, found and checked (it must import Alembic) on first
    /// use. Errors say how to install Alembic or pick another interpreter.
    pub fn python_env(&self) -> Result<PythonEnv> {
        let (Some(settings), Some(state)) = (&self.project.alembic, &self.alembic) else {
            return Err(Error::config(
                "This is a Retort project; only Alembic projects run through Python",
            ));
        };
        if let Some(env) = state.python.get() {
            return Ok(env.clone());
        }
        let env = find_python(settings, state.python_override.as_deref())?;
        Ok(state.python.get_or_init(|| env).clone())
    }

    /// The URL handed to the project's SQLAlchemy: as the user wrote it when it names the same
    /// database, else rendered with a driver the interpreter has.
    fn sqlalchemy_url(&self, url: &DatabaseUrl, env: &PythonEnv) -> Result<String> {
        let env_url = std::env::var("DATABASE_URL").ok();
        let candidates: Vec<&str> = [env_url.as_deref(), self.project.url.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        alembic_python::sqlalchemy_url(url, &candidates, &self.project.root, env)
    }

    pub fn script(&self, revision: &str) -> Option<&Script> {
        self.scripts.get(revision)
    }

    /// The URL to use: `--url`, else `DATABASE_URL`, else the project's, else the default.
    pub fn database_url(&self, cli_url: Option<&str>) -> Result<DatabaseUrl> {
        let env_url = std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty());
        self.project.database_url(cli_url, env_url.as_deref())
    }

    pub fn revision_info(&self, id: &str) -> Option<RevisionInfo> {
        let rev = self.map.get(id)?;
        Some(RevisionInfo {
            revision: rev.id.clone(),
            down_revisions: rev.down_revisions.clone(),
            branch_labels: self.map.branch_labels(id),
            depends_on: rev.depends_on.clone(),
            message: rev.message.clone(),
            create_date: rev.create_date.clone(),
            path: rev.path.clone(),
            children: self
                .map
                .children(id)
                .into_iter()
                .map(str::to_string)
                .collect(),
            is_head: self.map.is_head(id),
            is_effective_head: self.map.is_effective_head(id),
            is_base: self.map.is_base(id),
            is_merge: self.map.is_merge_point(id),
            is_branch_point: self.map.is_branch_point(id),
            is_current: None,
        })
    }

    pub fn heads(&self) -> Vec<HeadInfo> {
        self.map
            .heads()
            .into_iter()
            .map(|id| {
                let rev = self.map.get(id).expect("head is in the map");
                HeadInfo {
                    revision: id.to_string(),
                    branch_labels: self.map.branch_labels(id),
                    message: rev.message.clone(),
                    is_effective_head: self.map.is_effective_head(id),
                }
            })
            .collect()
    }

    pub fn branches(&self) -> Vec<BranchPoint> {
        self.map
            .branch_points()
            .into_iter()
            .map(|(revision, children)| BranchPoint { revision, children })
            .collect()
    }

    /// `history [-r RANGE]`, newest first; `mark_current` sets `is_current` (`--indicate-current`).
    pub fn history(
        &self,
        range: Option<&str>,
        current_rows: &[String],
        mark_current: bool,
    ) -> Result<Vec<RevisionInfo>> {
        // The rows resolve `current` in a range; they mark `(current)` only when asked (-i).
        let ids = self.map.history(range, current_rows)?;
        Ok(ids
            .iter()
            .filter_map(|id| {
                let mut info = self.revision_info(id)?;
                if mark_current {
                    info.is_current = Some(current_rows.contains(id));
                }
                Some(info)
            })
            .collect())
    }

    /// `show REV`: every revision the argument names.
    pub fn show(&self, argument: &str) -> Result<Vec<RevisionInfo>> {
        let ids = self.map.resolve(argument)?;
        Ok(ids.iter().filter_map(|id| self.revision_info(id)).collect())
    }

    /// Reads the version table without creating it.
    pub async fn current(&self, url: &DatabaseUrl) -> Result<CurrentState> {
        let mut db = Database::connect(url).await?;
        let rows = version_table::read_rows(&mut db, &self.project.version_table).await;
        db.close().await;
        let rows = rows?;
        let version_table_exists = rows.is_some();
        let mut current = rows.unwrap_or_default();
        current.sort();
        let effective = self.map.current_effective(&current)?;
        Ok(CurrentState {
            current,
            effective,
            version_table_exists,
        })
    }

    /// The plan `upgrade TARGET` would run from the given rows (the preview).
    pub fn upgrade_plan(&self, rows: &[String], target: &str) -> Result<Plan> {
        reject_range(target)?;
        self.map.upgrade_plan(rows, target)
    }

    pub fn downgrade_plan(&self, rows: &[String], target: &str) -> Result<Plan> {
        reject_range(target)?;
        self.map.downgrade_plan(rows, target)
    }

    pub fn stamp_plan(&self, rows: &[String], targets: &[String], purge: bool) -> Result<Plan> {
        if targets.is_empty() {
            return Err(Error::command(
                "stamp needs at least one target revision, e.g. `retort stamp head`",
            ));
        }
        self.map.stamp_plan(rows, targets, purge)
    }

    /// Runs a migration command against the database. `kind` says which plan to build; the
    /// plan is computed after the migration lock is taken, from the rows read under the lock.
    pub async fn run(
        &self,
        url: &DatabaseUrl,
        command: RunCommand<'_>,
        options: &RunOptions,
        on_event: &mut (dyn FnMut(ProgressEvent) + Send),
    ) -> Result<RunOutcome> {
        if let RunCommand::Upgrade(target) | RunCommand::Downgrade(target) = command {
            reject_range(target)?;
        }
        if let (Some(settings), Some(migration)) = (&self.project.alembic, migration_of(command)) {
            // Migration code is Python: the project's own Alembic runs it.
            let env = self.python_env()?;
            let sqlalchemy_url = self.sqlalchemy_url(url, &env)?;
            let target = AlembicTarget {
                settings,
                env: &env,
                map: &self.map,
                version_table: &self.project.version_table,
            };
            let report = alembic_migrate::run_online(
                &target,
                url,
                &sqlalchemy_url,
                migration,
                |rows: &[String]| match migration {
                    Migration::Upgrade(target) => self.map.upgrade_plan(rows, target),
                    Migration::Downgrade(target) => self.map.downgrade_plan(rows, target),
                },
                options,
                on_event,
            )
            .await?;
            let mut current = report.version_rows.clone();
            current.sort();
            return Ok(RunOutcome {
                steps: report.steps.iter().map(|s| self.summarise(s)).collect(),
                current,
                duration_ms: report.duration.as_millis() as u64,
            });
        }
        let mut db = Database::connect(url).await?;
        let mut options = options.clone();
        options.transaction_per_migration |= self.project.transaction_per_migration;
        let report = runner::run(
            &mut db,
            &self.project.version_table,
            &self.scripts,
            |rows: &[String]| match command {
                RunCommand::Upgrade(target) => self.map.upgrade_plan(rows, target),
                RunCommand::Downgrade(target) => self.map.downgrade_plan(rows, target),
                RunCommand::Stamp { targets, purge } => self.stamp_plan(rows, targets, purge),
            },
            &options,
            on_event,
        )
        .await;
        db.close().await;
        let report = report?;
        let mut current = report.version_rows.clone();
        current.sort();
        Ok(RunOutcome {
            steps: report.steps.iter().map(|s| self.summarise(s)).collect(),
            current,
            duration_ms: report.duration.as_millis() as u64,
        })
    }

    /// Offline SQL for the database `url` names. For an Alembic project, upgrade and
    /// downgrade scripts come from its own Alembic (`--sql`) with that URL, so dialect details
    /// (e.g. `mariadb://` vs `mysql://`) match; everything else as [`Workspace::offline_sql`].
    pub fn offline_sql_for(&self, url: &DatabaseUrl, command: RunCommand<'_>) -> Result<String> {
        match (&self.project.alembic, migration_of(command)) {
            (Some(_), Some(_)) => {
                let env = self.python_env()?;
                let sqlalchemy_url = self.sqlalchemy_url(url, &env)?;
                self.alembic_offline_sql(&env, &sqlalchemy_url, command)
            }
            _ => self.offline_sql(url.dialect(), command),
        }
    }

    fn alembic_offline_sql(
        &self,
        env: &PythonEnv,
        sqlalchemy_url: &str,
        command: RunCommand<'_>,
    ) -> Result<String> {
        let Some(settings) = &self.project.alembic else {
            return Err(Error::config("not an Alembic project"));
        };
        let Some(migration) = migration_of(command) else {
            return Err(Error::config(
                "only upgrade and downgrade run through Alembic",
            ));
        };
        // The native plan first: the same errors as Alembic's, without starting Python.
        self.native_offline_plan(command)?;
        let target = AlembicTarget {
            settings,
            env,
            map: &self.map,
            version_table: &self.project.version_table,
        };
        alembic_migrate::offline_sql(&target, sqlalchemy_url, migration)
    }

    /// Offline SQL (`--sql`): the script a DBA could run by hand. `argument` is `TARGET` or
    /// `FROM:TARGET` (required for downgrade, as in Alembic). For an Alembic project, upgrade
    /// and downgrade come from its Alembic with a URL of that dialect and no database (prefer
    /// [`Workspace::offline_sql_for`] when the URL is known).
    pub fn offline_sql(&self, dialect: Dialect, command: RunCommand<'_>) -> Result<String> {
        if self.is_alembic() && migration_of(command).is_some() {
            let env = self.python_env()?;
            let placeholder = match dialect {
                Dialect::Sqlite => "sqlite://",
                Dialect::Postgresql => "postgresql://localhost/offline",
                Dialect::Mysql => "mysql://localhost/offline",
            };
            return self.alembic_offline_sql(&env, placeholder, command);
        }
        let (start, plan) = self.native_offline_plan(command)?;
        let create_table = start.is_none();
        runner::offline_sql(
            dialect,
            &self.project.version_table,
            &self.scripts,
            &plan,
            self.project.transaction_per_migration,
            create_table,
        )
    }

    /// The plan of an offline run and its `FROM` revision, if one was given.
    fn native_offline_plan<'c>(&self, command: RunCommand<'c>) -> Result<(Option<&'c str>, Plan)> {
        let (start, plan) = match command {
            RunCommand::Upgrade(argument) => {
                let (start, target) = split_range(argument);
                let rows = self.offline_start(start)?;
                (start, self.map.upgrade_plan(&rows, target)?)
            }
            RunCommand::Downgrade(argument) => {
                let (start, target) = split_range(argument);
                let Some(start) = start else {
                    return Err(Error::command(
                        "downgrade with --sql requires <fromrev>:<torev>",
                    ));
                };
                let rows = self.offline_start(Some(start))?;
                (Some(start), self.map.downgrade_plan(&rows, target)?)
            }
            RunCommand::Stamp { targets, purge } => {
                if purge {
                    return Err(Error::command("Can't use --purge with --sql mode"));
                }
                let mut start = None;
                let mut plain_targets = Vec::new();
                for t in targets {
                    let (s, target) = split_range(t);
                    if s.is_some() {
                        if start.is_some() && start != s {
                            return Err(Error::command("Stamp operation with --sql only supports a single starting revision at a time"));
                        }
                        start = s;
                    }
                    plain_targets.push(target.to_string());
                }
                let rows = self.offline_start(start)?;
                (start, self.stamp_plan(&rows, &plain_targets, false)?)
            }
        };
        Ok((start, plan))
    }

    fn offline_start(&self, start: Option<&str>) -> Result<Vec<String>> {
        match start {
            None => Ok(Vec::new()),
            Some(start) => self.map.resolve(start),
        }
    }

    fn summarise(&self, step: &Step) -> StepSummary {
        StepSummary {
            direction: step.direction,
            revision: step.revision.clone(),
            from: step.from.clone(),
            to: step.to.clone(),
            message: self
                .map
                .get(&step.revision)
                .map(|r| r.message.clone())
                .unwrap_or_default(),
        }
    }

    /// `revision -m MSG`: writes a new, empty revision script and returns where. For an
    /// Alembic project, its Alembic writes the `.py` script from the project's template.
    pub fn new_revision(&self, options: &NewRevisionOptions) -> Result<CreatedRevision> {
        if self.is_alembic() {
            return self.alembic_new_script(&NewScriptArgs {
                message: &options.message,
                head: options.head.as_deref(),
                splice: options.splice,
                branch_labels: &options.branch_labels,
                depends_on: &options.depends_on,
                rev_id: options.rev_id.as_deref(),
                merge: None,
            });
        }
        self.new_native_revision(options, "", "")
    }

    /// A native revision with the given up and down SQL (`revision --autogenerate`).
    pub(crate) fn new_native_revision(
        &self,
        options: &NewRevisionOptions,
        up_sql: &str,
        down_sql: &str,
    ) -> Result<CreatedRevision> {
        let parents = self
            .map
            .new_revision_parents(options.head.as_deref(), options.splice)?;
        let depends_on = self.map.resolve_depends_on(&options.depends_on)?;
        for label in &options.branch_labels {
            if self
                .map
                .revisions()
                .any(|r| r.branch_labels.contains(label))
            {
                return Err(Error::command(format!(
                    "Branch name '{label}' is already used by another revision; choose another label"
                )));
            }
        }
        self.write_revision(
            options.rev_id.clone(),
            parents,
            options.branch_labels.clone(),
            depends_on,
            &options.message,
            (up_sql, down_sql),
        )
    }

    /// `merge -m MSG REVS…`: writes a revision whose parents are the given revisions.
    pub fn merge(
        &self,
        revisions: &[String],
        message: &str,
        rev_id: Option<String>,
    ) -> Result<CreatedRevision> {
        if self.is_alembic() {
            return self.alembic_new_script(&NewScriptArgs {
                message,
                rev_id: rev_id.as_deref(),
                merge: Some(revisions),
                ..NewScriptArgs::default()
            });
        }
        let parents = self.map.resolve_merge_parents(revisions)?;
        self.write_revision(rev_id, parents, Vec::new(), Vec::new(), message, ("", ""))
    }

    fn alembic_new_script(&self, args: &NewScriptArgs<'_>) -> Result<CreatedRevision> {
        let Some(settings) = &self.project.alembic else {
            return Err(Error::config("not an Alembic project"));
        };
        let env = self.python_env()?;
        let path = alembic_migrate::new_script(settings, &env, args)?;
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        // A template that computes the header still names the file `<id>_<slug>.py`.
        let header = alembic::pyscript::parse_header(&text).unwrap_or_default();
        let from_file_name = || {
            path.file_stem()
                .map(|stem| stem.to_string_lossy())
                .and_then(|stem| stem.split('_').next().map(str::to_string))
                .unwrap_or_default()
        };
        Ok(CreatedRevision {
            revision: header.revision.unwrap_or_else(from_file_name),
            down_revisions: header.down_revisions.unwrap_or_default(),
            path,
        })
    }

    fn write_revision(
        &self,
        rev_id: Option<String>,
        parents: Vec<String>,
        branch_labels: Vec<String>,
        depends_on: Vec<String>,
        message: &str,
        (up_sql, down_sql): (&str, &str),
    ) -> Result<CreatedRevision> {
        let id = match rev_id {
            Some(id) => {
                validate_rev_id(&id)?;
                if self.map.get(&id).is_some() {
                    return Err(Error::command(format!(
                        "Revision {id} already exists; pick another --rev-id or leave it out"
                    )));
                }
                id
            }
            None => script::generate_rev_id(),
        };
        let new = NewScript {
            id: id.clone(),
            down_revisions: parents.clone(),
            branch_labels,
            depends_on,
            message: message.to_string(),
            create_date: chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
            up_sql: up_sql.to_string(),
            down_sql: down_sql.to_string(),
            no_transaction: false,
        };
        let dir = self.project.versions_dir();
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = dir.join(script::script_file_name(&id, message));
        if path.exists() {
            return Err(Error::command(format!(
                "{} already exists; nothing was written",
                path.display()
            )));
        }
        std::fs::write(&path, script::render_script(&new)).map_err(|e| Error::io(&path, e))?;
        Ok(CreatedRevision {
            revision: id,
            down_revisions: parents,
            path,
        })
    }
}

/// Which migration command to run or render.
#[derive(Debug, Clone, Copy)]
pub enum RunCommand<'a> {
    Upgrade(&'a str),
    Downgrade(&'a str),
    Stamp { targets: &'a [String], purge: bool },
}

/// Upgrade and downgrade run migration code; for an Alembic project, that is Python's.
fn migration_of(command: RunCommand<'_>) -> Option<Migration<'_>> {
    match command {
        RunCommand::Upgrade(target) => Some(Migration::Upgrade(target)),
        RunCommand::Downgrade(target) => Some(Migration::Downgrade(target)),
        RunCommand::Stamp { .. } => None,
    }
}

fn find_python(settings: &alembic::AlembicSettings, python: Option<&Path>) -> Result<PythonEnv> {
    let interpreter = alembic_python::find_interpreter(settings.here(), python)?;
    let env = alembic_python::probe(interpreter, settings.here())?;
    if let Some(toml) = &settings.toml_path {
        if !alembic_reads_pyproject(&env.alembic_version) {
            let python = env.interpreter.path.display();
            return Err(Error::config(format!(
                "{} configures Alembic in [tool.alembic], which Alembic reads from version 1.16 \
                 on; {python} has Alembic {}. Upgrade it: `{python} -m pip install -U \
                 'alembic>=1.16'`, or pass --python with another interpreter.",
                toml.display(),
                env.alembic_version
            )));
        }
    }
    Ok(env)
}

/// Whether an Alembic version (`1.16.0`, `1.20.1`, `2.0`) reads `pyproject.toml`.
fn alembic_reads_pyproject(version: &str) -> bool {
    let mut parts = version
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    (major, minor) >= (1, 16)
}

fn reject_range(target: &str) -> Result<()> {
    if target.contains(':') {
        return Err(Error::command(
            "Range revision not allowed (ranges such as FROM:TO work only with --sql)",
        ));
    }
    Ok(())
}

/// `FROM:TO` → (Some(FROM), TO); `TO` → (None, TO).
fn split_range(argument: &str) -> (Option<&str>, &str) {
    match argument.split_once(':') {
        Some((from, to)) => (Some(from), to),
        None => (None, argument),
    }
}

fn validate_rev_id(id: &str) -> Result<()> {
    if let Some(bad) = id.chars().find(|c| matches!(c, '@' | '-' | '+' | ':')) {
        return Err(Error::command(format!(
            "Character(s) '{bad}' not allowed in revision identifier '{id}'"
        )));
    }
    if id.is_empty() || id.chars().any(char::is_whitespace) || id.len() > 32 {
        return Err(Error::command(format!(
            "Revision id '{id}' must be 1 to 32 characters without spaces (the version table's column is VARCHAR(32))"
        )));
    }
    Ok(())
}

/// Schema introspection for a project's database (the version table is marked).
impl Workspace {
    /// Reads the database's schema without changing anything. `schemas`: PostgreSQL schemas
    /// or MySQL databases to read; empty = the connection's default (search_path / database).
    pub async fn schema(
        &self,
        url: &DatabaseUrl,
        schemas: &[String],
    ) -> Result<crate::schema::Schema> {
        crate::schema::snapshot(url, &self.schema_options(schemas)).await
    }

    /// Introspection options with this project's version table.
    pub fn schema_options(&self, schemas: &[String]) -> crate::schema::IntrospectOptions {
        crate::schema::IntrospectOptions {
            schemas: schemas.to_vec(),
            version_table: self.project.version_table.clone(),
        }
    }
}

/// `init`: creates a project folder.
pub fn init(dir: &Path, script_location: &str) -> Result<Project> {
    Project::init(dir, script_location)
}

#[cfg(test)]
mod pyproject_version_tests {
    use super::alembic_reads_pyproject;

    #[test]
    fn alembic_reads_pyproject_from_1_16() {
        for yes in ["1.16.0", "1.20.1", "1.16", "2.0", "1.16.0rc1"] {
            assert!(alembic_reads_pyproject(yes), "{yes}");
        }
        for no in ["1.15.2", "1.9.4", "0.9", "unknown"] {
            assert!(!alembic_reads_pyproject(no), "{no}");
        }
    }
}
