//! Running an Alembic project's migrations through its own Alembic.
//!
//! An online run takes Retort's migration lock, reads the version table and computes the plan
//! natively (the preview, and the same errors Alembic would give), then runs `alembic upgrade
//! TARGET` / `downgrade TARGET` through the bridge, turning each step the bridge reports into
//! [`ProgressEvent`]s, and finally re-reads the version table. Offline runs (`--sql`) and new
//! revision scripts (`revision`, `merge`) go through Alembic the same way.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tracing::Instrument;

use super::python::{self, BridgeEvent, Invocation, PythonEnv, StreamItem};
use super::AlembicSettings;
use crate::config::DatabaseUrl;
use crate::db::Database;
use crate::error::{AppliedStep, Error, Result};
use crate::revision::{Direction, Plan, RevisionMap, Step};
use crate::runner::{acquire_lock, ProgressEvent, RunOptions, RunReport};
use crate::version_table;

/// An Alembic project ready to run: its settings, interpreter and revision graph.
#[derive(Debug, Clone, Copy)]
pub struct AlembicTarget<'a> {
    pub settings: &'a AlembicSettings,
    pub env: &'a PythonEnv,
    pub map: &'a RevisionMap,
    /// `table` or `schema.table`.
    pub version_table: &'a str,
}

/// `upgrade` or `downgrade`, with the argument exactly as the user gave it (Alembic resolves it
/// again, with the same rules Retort used for the plan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migration<'a> {
    Upgrade(&'a str),
    Downgrade(&'a str),
}

impl Migration<'_> {
    fn verb(&self) -> &'static str {
        match self {
            Migration::Upgrade(_) => "upgrade",
            Migration::Downgrade(_) => "downgrade",
        }
    }

    fn argument(&self) -> &str {
        match self {
            Migration::Upgrade(a) | Migration::Downgrade(a) => a,
        }
    }
}

/// Runs an upgrade or downgrade online through the project's Alembic. `plan_fn` computes the
/// native plan from the version rows read under the lock.
pub async fn run_online(
    target: &AlembicTarget<'_>,
    url: &DatabaseUrl,
    sqlalchemy_url: &str,
    migration: Migration<'_>,
    plan_fn: impl FnOnce(&[String]) -> Result<Plan>,
    options: &RunOptions,
    on_event: &mut (dyn FnMut(ProgressEvent) + Send),
) -> Result<RunReport> {
    let span = tracing::info_span!(
        "alembic.run",
        command = migration.verb(),
        target = migration.argument(),
        dialect = %url.dialect(),
    );
    let started = Instant::now();
    let result = async {
        let mut db = Database::connect(url).await?;
        let job = Job {
            url,
            sqlalchemy_url,
            migration,
        };
        let result = run_locked(&mut db, &job, target, plan_fn, options, on_event).await;
        if let Err(e) = db.unlock().await {
            tracing::warn!(error = %e, "could not release the migration lock");
        }
        db.close().await;
        result
    }
    .instrument(span)
    .await;
    crate::runner::finish_run(result, started, on_event)
}

async fn read_rows(db: &mut Database, table: &str) -> Result<Vec<String>> {
    Ok(version_table::read_rows(db, table)
        .await?
        .unwrap_or_default())
}

/// What the bridge reported while Alembic ran.
#[derive(Debug, Default)]
struct Progress {
    /// Steps started: (plan step, when).
    started: Vec<(Step, Instant)>,
    finished: usize,
    hooks_unavailable: bool,
    cancelled: bool,
    /// The version table env.py configured, when it differs from the one Retort assumed.
    version_table: Option<String>,
}

impl Progress {
    /// The plan step Alembic is starting: the next one in order when it matches, else the
    /// plan's step for that revision, else one built from what Alembic said.
    fn step_for(
        &self,
        plan: &Plan,
        direction: Direction,
        revision: &str,
        from: Vec<String>,
        to: Vec<String>,
    ) -> Step {
        let index = self.started.len();
        let matches = |s: &&Step| s.revision == revision && s.direction == direction;
        plan.steps
            .get(index)
            .filter(matches)
            .or_else(|| plan.steps.iter().find(matches))
            .cloned()
            .unwrap_or(Step {
                direction,
                revision: revision.to_string(),
                from,
                to,
                row_changes: Vec::new(),
            })
    }
}

fn direction_of(name: &str) -> Direction {
    match name {
        "down" => Direction::Down,
        "stamp" => Direction::Stamp,
        _ => Direction::Up,
    }
}

/// What one online run is asked to do.
struct Job<'a> {
    url: &'a DatabaseUrl,
    /// A secret: the URL with its password, for the project's SQLAlchemy.
    sqlalchemy_url: &'a str,
    migration: Migration<'a>,
}

async fn run_locked(
    db: &mut Database,
    job: &Job<'_>,
    target: &AlembicTarget<'_>,
    plan_fn: impl FnOnce(&[String]) -> Result<Plan>,
    options: &RunOptions,
    on_event: &mut (dyn FnMut(ProgressEvent) + Send),
) -> Result<RunReport> {
    acquire_lock(db, target.version_table, options, on_event).await?;
    let dialect = db.dialect();
    let rows = read_rows(db, target.version_table).await?;
    let plan = plan_fn(&rows)?;
    let total = plan.steps.len();
    on_event(ProgressEvent::RunStarted {
        total_steps: total,
        dialect,
        transactional: dialect.transactional_ddl(),
        version_rows: rows.clone(),
    });
    if plan.steps.is_empty() {
        return Ok(RunReport {
            steps: Vec::new(),
            version_rows: rows,
            duration: Duration::ZERO,
        });
    }

    let cancel_file = std::env::temp_dir().join(format!(
        "retort-cancel-{}-{:016x}",
        std::process::id(),
        rand::random::<u64>()
    ));
    let mut invocation = Invocation::alembic(
        target.env,
        target.settings,
        &[job.migration.verb(), job.migration.argument()],
    );
    invocation.url = Some(job.sqlalchemy_url.to_string());
    invocation.cancel_file = Some(cancel_file.clone());

    let mut progress = Progress::default();
    let map = target.map;
    let mut on_item = |item: StreamItem| {
        let started = match item {
            StreamItem::Event(BridgeEvent::StepStarted {
                direction,
                revision,
                from,
                to,
                log,
            }) => {
                let parsed = python::parse_running_line(&format!("Running {log}"));
                let direction = direction
                    .as_deref()
                    .or(parsed.as_ref().map(|p| p.0.as_str()))
                    .map_or(Direction::Up, direction_of);
                let revision = revision.unwrap_or_else(|| {
                    parsed
                        .as_ref()
                        .and_then(|p| match direction {
                            Direction::Down => p.1.first().cloned(),
                            _ => p.2.first().cloned(),
                        })
                        .unwrap_or_default()
                });
                Some((
                    direction,
                    revision,
                    from.unwrap_or_default(),
                    to.unwrap_or_default(),
                ))
            }
            StreamItem::Event(BridgeEvent::StepFinished { .. }) => {
                finish_step(&mut progress, on_event);
                None
            }
            StreamItem::Event(BridgeEvent::Cancelled) => {
                progress.cancelled = true;
                None
            }
            StreamItem::Event(BridgeEvent::HooksUnavailable { reason }) => {
                tracing::warn!(%reason, "Alembic progress hooks unavailable; reading its log");
                progress.hooks_unavailable = true;
                None
            }
            StreamItem::Event(BridgeEvent::Context {
                version_table,
                version_table_schema,
                ..
            }) => {
                let table = match version_table_schema {
                    Some(schema) if !schema.is_empty() => format!("{schema}.{version_table}"),
                    _ => version_table,
                };
                if table != target.version_table {
                    progress.version_table = Some(table);
                }
                None
            }
            StreamItem::Log(line) if progress.hooks_unavailable => {
                python::parse_running_line(&line).map(|(direction, from, to, _)| {
                    // Without hooks, a new step means the previous one finished.
                    if progress.finished < progress.started.len() {
                        finish_step(&mut progress, on_event);
                    }
                    let direction = direction_of(&direction);
                    let revision = match direction {
                        Direction::Down => from.first().cloned(),
                        _ => to.first().cloned(),
                    }
                    .unwrap_or_default();
                    (direction, revision, from, to)
                })
            }
            _ => None,
        };
        if let Some((direction, revision, from, to)) = started {
            let step = progress.step_for(&plan, direction, &revision, from, to);
            on_event(ProgressEvent::StepStarted {
                index: progress.started.len(),
                total,
                direction: step.direction,
                revision: step.revision.clone(),
                from: step.from.clone(),
                to: step.to.clone(),
                message: map
                    .get(&step.revision)
                    .map(|r| r.message.clone())
                    .unwrap_or_default(),
                statement_count: 0,
            });
            progress.started.push((step, Instant::now()));
        }
    };
    let captured = python::run_streaming(&invocation, &options.cancel, &mut on_item).await;
    let _ = std::fs::remove_file(&cancel_file);
    let captured = captured?;
    if captured.success()
        && progress.hooks_unavailable
        && progress.finished < progress.started.len()
    {
        finish_step(&mut progress, on_event);
    }

    let table = progress
        .version_table
        .clone()
        .unwrap_or_else(|| target.version_table.to_string());
    if table != target.version_table {
        tracing::warn!(
            configured = %table,
            assumed = %target.version_table,
            "env.py uses another version table than Retort read"
        );
    }
    // A fresh connection: the one holding the lock may predate the file (SQLite) or the table.
    let version_rows = match Database::connect(job.url).await {
        Ok(mut reader) => {
            let rows = read_rows(&mut reader, &table).await;
            reader.close().await;
            rows
        }
        Err(e) => Err(e),
    };
    let version_rows = match version_rows {
        Ok(rows) => rows,
        Err(e) if captured.success() => return Err(e),
        Err(e) => {
            tracing::warn!(error = %e, "could not read the version table after Alembic failed");
            Vec::new()
        }
    };
    let finished: Vec<Step> = progress
        .started
        .iter()
        .take(progress.finished)
        .map(|(step, _)| step.clone())
        .collect();
    // Nothing is in effect when the table still says what it said before (PostgreSQL rolls
    // the whole run back); otherwise every step Alembic finished is.
    let applied: Vec<AppliedStep> = if sorted(&version_rows) == sorted(&rows) {
        Vec::new()
    } else {
        finished
            .iter()
            .map(|s| AppliedStep {
                direction: s.direction.name().to_string(),
                revision: s.revision.clone(),
            })
            .collect()
    };

    if captured.success() {
        if progress.cancelled {
            return Err(Error::Cancelled {
                applied,
                version_rows,
            });
        }
        let steps = if progress.started.is_empty() {
            // Alembic ran without the bridge seeing steps (no hooks, no INFO logging).
            plan.steps.clone()
        } else {
            finished
        };
        return Ok(RunReport {
            steps,
            version_rows,
            duration: Duration::ZERO,
        });
    }
    let running = progress.started.get(progress.finished).map(|(s, _)| s);
    Err(Error::Alembic {
        message: captured.failure_message(),
        output: captured.output(),
        revision: running.map(|s| s.revision.clone()),
        direction: running.map(|s| s.direction.name().to_string()),
        applied,
        version_rows,
    })
}

fn finish_step(progress: &mut Progress, on_event: &mut (dyn FnMut(ProgressEvent) + Send)) {
    let Some((step, started)) = progress.started.get(progress.finished) else {
        return;
    };
    on_event(ProgressEvent::StepFinished {
        index: progress.finished,
        revision: step.revision.clone(),
        duration_ms: started.elapsed().as_millis() as u64,
    });
    progress.finished += 1;
}

fn sorted(rows: &[String]) -> Vec<String> {
    let mut rows = rows.to_vec();
    rows.sort();
    rows
}

/// `alembic upgrade|downgrade ARGUMENT --sql`: the SQL script Alembic writes.
pub fn offline_sql(
    target: &AlembicTarget<'_>,
    sqlalchemy_url: &str,
    migration: Migration<'_>,
) -> Result<String> {
    let mut invocation = Invocation::alembic(
        target.env,
        target.settings,
        &[migration.verb(), migration.argument(), "--sql"],
    );
    invocation.url = Some(sqlalchemy_url.to_string());
    let captured = python::run_blocking(&invocation)?;
    if !captured.success() {
        return Err(captured.into_error());
    }
    if let Some(BridgeEvent::Context { dialect, .. }) = captured
        .events
        .iter()
        .find(|e| matches!(e, BridgeEvent::Context { .. }))
    {
        tracing::debug!(%dialect, "Alembic wrote offline SQL");
    }
    Ok(captured.stdout)
}

/// What `alembic revision` / `alembic merge` were asked for.
#[derive(Debug, Clone, Default)]
pub struct NewScriptArgs<'a> {
    pub message: &'a str,
    pub head: Option<&'a str>,
    pub splice: bool,
    pub branch_labels: &'a [String],
    pub depends_on: &'a [String],
    pub rev_id: Option<&'a str>,
    /// For `merge`: the revisions to merge.
    pub merge: Option<&'a [String]>,
}

/// Writes a new revision script with the project's Alembic (its template, file naming and
/// hooks). Returns the new file.
pub fn new_script(
    settings: &AlembicSettings,
    env: &PythonEnv,
    args: &NewScriptArgs<'_>,
) -> Result<PathBuf> {
    let mut argv: Vec<String> = Vec::new();
    match args.merge {
        Some(_) => argv.push("merge".to_string()),
        None => argv.push("revision".to_string()),
    }
    argv.push("-m".to_string());
    argv.push(args.message.to_string());
    if let Some(head) = args.head {
        argv.push(format!("--head={head}"));
    }
    if args.splice {
        argv.push("--splice".to_string());
    }
    for label in args.branch_labels {
        argv.push(format!("--branch-label={label}"));
    }
    for dependency in args.depends_on {
        argv.push(format!("--depends-on={dependency}"));
    }
    if let Some(id) = args.rev_id {
        argv.push(format!("--rev-id={id}"));
    }
    if let Some(revisions) = args.merge {
        argv.push("--".to_string());
        argv.extend(revisions.iter().cloned());
    }
    let refs: Vec<&str> = argv.iter().map(String::as_str).collect();
    let invocation = Invocation::alembic(env, settings, &refs);
    let captured = python::run_blocking(&invocation)?;
    if !captured.success() {
        return Err(captured.into_error());
    }
    generated_path(&captured.stdout).ok_or_else(|| Error::Alembic {
        message: "Alembic did not say which file it generated".to_string(),
        output: captured.output(),
        revision: None,
        direction: None,
        applied: Vec::new(),
        version_rows: Vec::new(),
    })
}

/// `Generating /path/to/versions/x_msg.py ...  done` → the path.
fn generated_path(stdout: &str) -> Option<PathBuf> {
    stdout.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("Generating ")?;
        let path = rest.rsplit_once(" ...")?.0;
        Some(Path::new(path).to_path_buf())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_path_from_alembic_output() {
        assert_eq!(
            generated_path("Generating /p/alembic/versions/ab_add x.py ...  done\n"),
            Some(PathBuf::from("/p/alembic/versions/ab_add x.py"))
        );
        assert_eq!(generated_path("nothing"), None);
    }
}
