//! The commands, as the CLI and the desktop app call them: each one composes the project, the
//! revision graph, the database and the runner. Hosts only parse input and render output.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

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
    /// Opens the project at `path` (a folder or its config file) and loads its revisions.
    pub fn open(path: &Path) -> Result<Workspace> {
        let project = Project::discover(path)?;
        Workspace::from_project(project)
    }

    pub fn from_project(project: Project) -> Result<Workspace> {
        let scripts = project.load_scripts()?;
        let map = RevisionMap::new(scripts.iter().map(|s| s.revision.clone()).collect())?;
        let scripts = scripts
            .into_iter()
            .map(|s| (s.revision.id.clone(), s))
            .collect();
        Ok(Workspace {
            project,
            map,
            scripts,
        })
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

    /// `history [-r RANGE]`, newest first. `current_rows` marks `is_current` when given.
    pub fn history(
        &self,
        range: Option<&str>,
        current_rows: Option<&[String]>,
    ) -> Result<Vec<RevisionInfo>> {
        let ids = self.map.history(range, current_rows.unwrap_or(&[]))?;
        Ok(ids
            .iter()
            .filter_map(|id| {
                let mut info = self.revision_info(id)?;
                if let Some(rows) = current_rows {
                    info.is_current = Some(rows.iter().any(|r| r == id));
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

    /// Offline SQL (`--sql`): the script a DBA could run by hand. `argument` is `TARGET` or
    /// `FROM:TARGET` (required for downgrade, as in Alembic).
    pub fn offline_sql(&self, dialect: Dialect, command: RunCommand<'_>) -> Result<String> {
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

    /// `revision -m MSG`: writes a new, empty revision script and returns where.
    pub fn new_revision(&self, options: &NewRevisionOptions) -> Result<CreatedRevision> {
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
        )
    }

    /// `merge -m MSG REVS…`: writes a revision whose parents are the given revisions.
    pub fn merge(
        &self,
        revisions: &[String],
        message: &str,
        rev_id: Option<String>,
    ) -> Result<CreatedRevision> {
        let parents = self.map.resolve_merge_parents(revisions)?;
        self.write_revision(rev_id, parents, Vec::new(), Vec::new(), message)
    }

    fn write_revision(
        &self,
        rev_id: Option<String>,
        parents: Vec<String>,
        branch_labels: Vec<String>,
        depends_on: Vec<String>,
        message: &str,
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
            up_sql: String::new(),
            down_sql: String::new(),
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

/// `init`: creates a project folder.
pub fn init(dir: &Path, script_location: &str) -> Result<Project> {
    Project::init(dir, script_location)
}
