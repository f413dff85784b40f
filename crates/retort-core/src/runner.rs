//! The run policy: takes the migration lock, reads the version table, asks for a plan, and runs
//! it with progress events; and the offline (`--sql`) renderer of the same plans.
//!
//! Transactions (R40, deliberately stronger than Alembic on SQLite):
//! - PostgreSQL and SQLite run DDL in real transactions. By default the whole run (version table
//!   creation, every migration, every row change) is one transaction: a failure leaves nothing.
//!   With `transaction_per_migration` each revision commits on its own.
//! - A `-- migrate:no-transaction` revision runs between transactions: what came before is
//!   committed, its statements and its row changes autocommit, and a new transaction follows.
//! - MySQL/MariaDB commit every DDL statement implicitly, so Retort runs them in autocommit,
//!   one by one, and records the version row after the revision's statements. A failure then
//!   reports exactly which statements of the failing revision took effect.
//!
//! The version table is created by the first write: a plan with no steps leaves a database
//! without one untouched (Alembic would create an empty table; DESIGN §5 asks for no write).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tracing::Instrument;

use crate::db::Database;
use crate::dialect::{self, Dialect, TableName};
use crate::error::{AppliedStep, Error, Result};
use crate::revision::{Direction, Plan, RowChange, Step};
use crate::script::{Script, Statement};
use crate::version_table;

/// How long a run waits for another run's migration lock by default.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// How often a waiting run retries the lock.
const LOCK_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Asks a run to stop at the next revision boundary. Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Commit after each revision instead of once for the whole run (PostgreSQL, SQLite).
    pub transaction_per_migration: bool,
    /// How long to wait for another run's migration lock before failing with `Error::Locked`.
    pub lock_timeout: Duration,
    pub cancel: CancelToken,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            transaction_per_migration: false,
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            cancel: CancelToken::new(),
        }
    }
}

/// What a run reports while it works, in order. Indexes are 0-based.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ProgressEvent {
    /// Another run holds the migration lock; this one waits up to `timeout_ms`.
    WaitingForLock { timeout_ms: u64 },
    /// The lock is held and the plan is known. `version_rows` are the rows it starts from.
    RunStarted {
        total_steps: usize,
        dialect: Dialect,
        transactional: bool,
        version_rows: Vec<String>,
    },
    StepStarted {
        index: usize,
        total: usize,
        direction: Direction,
        revision: String,
        from: Vec<String>,
        to: Vec<String>,
        message: String,
        statement_count: usize,
    },
    StatementStarted {
        step_index: usize,
        statement_index: usize,
        statement_count: usize,
        /// 1-based line of the script where the statement starts.
        line: usize,
        sql: String,
    },
    StatementFinished {
        step_index: usize,
        statement_index: usize,
        duration_ms: u64,
    },
    StepFinished {
        index: usize,
        revision: String,
        duration_ms: u64,
    },
    RunFinished {
        duration_ms: u64,
        version_rows: Vec<String>,
    },
    /// The run stopped: `kind` is [`Error::kind`] (`migration_failed`, `cancelled`, `locked`, ...).
    RunFailed { kind: String, message: String },
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The steps that ran, in order.
    pub steps: Vec<Step>,
    /// The version table's rows afterwards, as read back from the database.
    pub version_rows: Vec<String>,
    pub duration: Duration,
}

/// Runs a migration command. Order matters for concurrent runs: the lock is taken first, then
/// the version rows are read and `plan_fn` computes the plan from them, so two concurrent
/// `upgrade head` runs apply each revision once (the second finds nothing to do).
pub async fn run(
    db: &mut Database,
    version_table: &str,
    scripts: &HashMap<String, Script>,
    plan_fn: impl FnOnce(&[String]) -> Result<Plan>,
    options: &RunOptions,
    on_event: &mut (dyn FnMut(ProgressEvent) + Send),
) -> Result<RunReport> {
    let span = tracing::info_span!(
        "runner.run",
        dialect = %db.dialect(),
        version_table,
        steps = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    let started = Instant::now();
    let result = async {
        acquire_lock(db, version_table, options, on_event).await?;
        let result = run_locked(db, version_table, scripts, plan_fn, options, on_event).await;
        if let Err(e) = db.unlock().await {
            // Everything is committed by now; the lock ends with the connection anyway.
            tracing::warn!(error = %e, "could not release the migration lock");
        }
        result
    }
    .instrument(span.clone())
    .await;
    span.record("duration_ms", millis(started.elapsed()));
    finish_run(result, started, on_event)
}

/// Sends the run's last event (finished or failed) and stamps the report's duration. Shared by
/// the native runner and the Alembic driver, so both end a run the same way.
pub(crate) fn finish_run(
    result: Result<RunReport>,
    started: Instant,
    on_event: &mut (dyn FnMut(ProgressEvent) + Send),
) -> Result<RunReport> {
    match result {
        Ok(mut report) => {
            report.duration = started.elapsed();
            on_event(ProgressEvent::RunFinished {
                duration_ms: millis(report.duration),
                version_rows: report.version_rows.clone(),
            });
            Ok(report)
        }
        Err(e) => {
            on_event(ProgressEvent::RunFailed {
                kind: e.kind().to_string(),
                message: e.to_string(),
            });
            Err(e)
        }
    }
}

/// Polls for the migration lock until `options.lock_timeout`.
pub(crate) async fn acquire_lock(
    db: &mut Database,
    version_table: &str,
    options: &RunOptions,
    on_event: &mut (dyn FnMut(ProgressEvent) + Send),
) -> Result<()> {
    let started = Instant::now();
    let mut announced = false;
    loop {
        if db.try_lock(version_table).await? {
            if announced {
                tracing::info!(
                    waited_ms = millis(started.elapsed()),
                    "migration lock acquired"
                );
            }
            return Ok(());
        }
        if !announced {
            announced = true;
            tracing::info!("another run holds the migration lock; waiting");
            on_event(ProgressEvent::WaitingForLock {
                timeout_ms: millis(options.lock_timeout),
            });
        }
        if options.cancel.is_cancelled() {
            let version_rows = version_table::read_rows(db, version_table)
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            return Err(Error::Cancelled {
                applied: Vec::new(),
                version_rows,
            });
        }
        let waited = started.elapsed();
        if waited >= options.lock_timeout {
            return Err(Error::Locked {
                waited_secs: options.lock_timeout.as_millis().div_ceil(1000) as u64,
            });
        }
        tokio::time::sleep(LOCK_POLL_INTERVAL.min(options.lock_timeout - waited)).await;
    }
}

async fn run_locked(
    db: &mut Database,
    version_table: &str,
    scripts: &HashMap<String, Script>,
    plan_fn: impl FnOnce(&[String]) -> Result<Plan>,
    options: &RunOptions,
    on_event: &mut (dyn FnMut(ProgressEvent) + Send),
) -> Result<RunReport> {
    let dialect = db.dialect();
    let existing = version_table::read_rows(db, version_table).await?;
    let table_exists = existing.is_some();
    let rows = existing.unwrap_or_default();
    let plan = plan_fn(&rows)?;
    let prepared = prepare(&plan, scripts, dialect)?;
    tracing::Span::current().record("steps", prepared.len());
    on_event(ProgressEvent::RunStarted {
        total_steps: prepared.len(),
        dialect,
        transactional: dialect.transactional_ddl(),
        version_rows: rows.clone(),
    });
    if prepared.is_empty() {
        return Ok(RunReport {
            steps: Vec::new(),
            version_rows: rows,
            duration: Duration::ZERO,
        });
    }
    let mut execution = Execution {
        db,
        version_table,
        options,
        on_event,
        table_ready: table_exists,
        committed: Vec::new(),
        pending: Vec::new(),
        completed: Vec::new(),
        expected_rows: sorted(rows),
        batched_row_changes: false,
    };
    execution.run_all(&prepared).await
}

/// A step with everything it needs resolved before anything runs, so a script that cannot be
/// read or split stops the run before the first statement.
struct Prepared<'p> {
    step: &'p Step,
    path: PathBuf,
    message: String,
    no_transaction: bool,
    statements: Vec<Statement>,
}

fn prepare<'p>(
    plan: &'p Plan,
    scripts: &HashMap<String, Script>,
    dialect: Dialect,
) -> Result<Vec<Prepared<'p>>> {
    plan.steps
        .iter()
        .map(|step| {
            let script = scripts.get(&step.revision);
            let statements = match (step.direction, script) {
                (Direction::Stamp, _) => Vec::new(),
                (direction, Some(script)) => script.statements(direction, dialect)?,
                (direction, None) => {
                    return Err(Error::command(format!(
                        "No script found for revision '{}', needed to run its {} migration",
                        step.revision,
                        direction.name()
                    )))
                }
            };
            Ok(Prepared {
                step,
                path: script.map(|s| s.path.clone()).unwrap_or_default(),
                message: script
                    .map(|s| s.revision.message.clone())
                    .unwrap_or_default(),
                no_transaction: step.direction != Direction::Stamp
                    && script.is_some_and(|s| s.no_transaction),
                statements,
            })
        })
        .collect()
}

/// Why a step stopped, before it is turned into `Error::MigrationFailed`.
struct Failure {
    statement: String,
    line: usize,
    db_message: String,
    /// Statements of the failing step that completed.
    ran: Vec<String>,
    /// The server already ended the transaction (a failed COMMIT).
    transaction_lost: bool,
}

struct Execution<'a, 'e> {
    db: &'a mut Database,
    version_table: &'a str,
    options: &'a RunOptions,
    on_event: &'a mut (dyn FnMut(ProgressEvent) + Send + 'e),
    table_ready: bool,
    /// Steps whose effects are durable.
    committed: Vec<AppliedStep>,
    /// Steps done inside the open transaction.
    pending: Vec<AppliedStep>,
    completed: Vec<Step>,
    /// The version rows the completed steps should have left, sorted.
    expected_rows: Vec<String>,
    /// Whether a batch applied row changes without per-row checks since the last commit.
    batched_row_changes: bool,
}

impl Execution<'_, '_> {
    async fn run_all(&mut self, prepared: &[Prepared<'_>]) -> Result<RunReport> {
        let transactional = self.db.dialect().transactional_ddl();
        let total = prepared.len();
        for (index, p) in prepared.iter().enumerate() {
            if self.options.cancel.is_cancelled() {
                return Err(self.cancelled(prepared, index).await);
            }
            let in_transaction = transactional && !p.no_transaction;
            if !in_transaction && self.db.in_transaction() {
                // A no-transaction revision: make what came before durable first.
                if let Err(failure) = self.commit().await {
                    return Err(self.fail(&prepared[index - 1], failure).await);
                }
            }
            if in_transaction && !self.db.in_transaction() {
                if let Err(e) = self.db.begin().await {
                    return Err(self.fail(p, failure_from(&e, "BEGIN", 0, Vec::new())).await);
                }
            }
            let span = tracing::info_span!(
                "runner.step",
                index,
                direction = p.step.direction.name(),
                revision = %p.step.revision,
                duration_ms = tracing::field::Empty,
            );
            let step_started = Instant::now();
            let outcome = self
                .run_step(index, total, p)
                .instrument(span.clone())
                .await;
            let duration_ms = millis(step_started.elapsed());
            span.record("duration_ms", duration_ms);
            if let Err(failure) = outcome {
                return Err(self.fail(p, failure).await);
            }
            self.pending.push(applied_step(p.step));
            self.completed.push(p.step.clone());
            apply_to_rows(&mut self.expected_rows, &p.step.row_changes);
            if !self.db.in_transaction() {
                // Autocommitted statement by statement.
                self.committed.append(&mut self.pending);
            } else if self.options.transaction_per_migration {
                if let Err(failure) = self.commit().await {
                    return Err(self.fail(p, failure).await);
                }
            }
            (self.on_event)(ProgressEvent::StepFinished {
                index,
                revision: p.step.revision.clone(),
                duration_ms,
            });
        }
        if self.db.in_transaction() {
            if let Err(failure) = self.commit().await {
                return Err(self.fail(&prepared[total - 1], failure).await);
            }
        }
        let version_rows = version_table::read_rows(self.db, self.version_table)
            .await?
            .unwrap_or_default();
        Ok(RunReport {
            steps: std::mem::take(&mut self.completed),
            version_rows,
            duration: Duration::ZERO,
        })
    }

    async fn run_step(
        &mut self,
        index: usize,
        total: usize,
        p: &Prepared<'_>,
    ) -> Result<(), Failure> {
        let step = p.step;
        tracing::info!(
            "Running {} {} -> {}, {}",
            log_verb(step.direction),
            step.from.join(", "),
            step.to.join(", "),
            p.message
        );
        (self.on_event)(ProgressEvent::StepStarted {
            index,
            total,
            direction: step.direction,
            revision: step.revision.clone(),
            from: step.from.clone(),
            to: step.to.clone(),
            message: p.message.clone(),
            statement_count: p.statements.len(),
        });
        if !self.table_ready {
            match version_table::ensure_table(self.db, self.version_table).await {
                Ok(_) => self.table_ready = true,
                Err(e) => {
                    let ddl = dialect::create_version_table_sql(
                        self.db.dialect(),
                        &TableName::parse(self.version_table),
                    );
                    return Err(failure_from(&e, &ddl, 1, Vec::new()));
                }
            }
        }
        if self.db.in_transaction() && p.statements.len() + step.row_changes.len() > 1 {
            return self.run_step_batched(index, p).await;
        }
        self.run_step_one_by_one(index, p).await
    }

    /// Runs the statements one round trip each: exact `ran` lists for MySQL and no-transaction
    /// revisions, and the replay that pinpoints a failure inside a batch.
    async fn run_step_one_by_one(&mut self, index: usize, p: &Prepared<'_>) -> Result<(), Failure> {
        let mut ran = Vec::new();
        let count = p.statements.len();
        for (statement_index, statement) in p.statements.iter().enumerate() {
            (self.on_event)(ProgressEvent::StatementStarted {
                step_index: index,
                statement_index,
                statement_count: count,
                line: statement.line,
                sql: statement.sql.clone(),
            });
            let started = Instant::now();
            if let Err(e) = self.db.execute(&statement.sql).await {
                return Err(failure_from(&e, &statement.sql, statement.line, ran));
            }
            ran.push(statement.sql.clone());
            (self.on_event)(ProgressEvent::StatementFinished {
                step_index: index,
                statement_index,
                duration_ms: millis(started.elapsed()),
            });
        }
        for change in &p.step.row_changes {
            if let Err(e) = version_table::apply_change(self.db, self.version_table, change).await {
                let sql = version_table::change_sql(self.db.dialect(), self.version_table, change);
                // Line 1 is the script's header, where the revision id that was written lives.
                return Err(failure_from(&e, &sql, 1, ran));
            }
        }
        Ok(())
    }

    /// Inside a transaction, one round trip per revision: its statements and version-row
    /// changes go to the database as one batch. Round trips, not SQL, are most of the cost of a
    /// run of many small revisions. The database reports each completed statement, so a
    /// failure still names the exact statement and line; the caller then rolls the transaction
    /// back as for any failure. The row changes' one-row checks move to `verify_rows`.
    async fn run_step_batched(&mut self, index: usize, p: &Prepared<'_>) -> Result<(), Failure> {
        let dialect = self.db.dialect();
        let row_sql: Vec<String> = p
            .step
            .row_changes
            .iter()
            .map(|change| version_table::change_sql(dialect, self.version_table, change))
            .collect();
        // A newline before each `;` keeps a trailing `--` comment from swallowing it.
        let mut batch = String::new();
        for sql in p.statements.iter().map(|s| &s.sql).chain(&row_sql) {
            batch.push_str(sql);
            batch.push_str("\n;\n");
        }
        let count = p.statements.len();
        for (statement_index, statement) in p.statements.iter().enumerate() {
            (self.on_event)(ProgressEvent::StatementStarted {
                step_index: index,
                statement_index,
                statement_count: count,
                line: statement.line,
                sql: statement.sql.clone(),
            });
        }
        let started = Instant::now();
        match self.db.execute_batch(&batch).await {
            Ok(()) => {
                let duration_ms = millis(started.elapsed());
                for statement_index in 0..count {
                    (self.on_event)(ProgressEvent::StatementFinished {
                        step_index: index,
                        statement_index,
                        duration_ms,
                    });
                }
                self.batched_row_changes = true;
                Ok(())
            }
            Err((completed, e)) => {
                let ran: Vec<String> = p
                    .statements
                    .iter()
                    .take(completed)
                    .map(|s| s.sql.clone())
                    .collect();
                match p.statements.get(completed) {
                    Some(statement) => Err(failure_from(&e, &statement.sql, statement.line, ran)),
                    None => {
                        let sql = row_sql.get(completed - count).cloned().unwrap_or_default();
                        Err(failure_from(&e, &sql, 1, ran))
                    }
                }
            }
        }
    }

    /// Batched row changes cannot check that each UPDATE/DELETE matched one row, so before a
    /// commit the table must hold exactly the rows the plan says; otherwise someone changed it
    /// outside the migration lock and the transaction is rolled back.
    async fn verify_rows(&mut self) -> Result<(), Failure> {
        if !self.batched_row_changes {
            return Ok(());
        }
        let mut actual = version_table::read_rows(self.db, self.version_table)
            .await
            .map_err(|e| failure_from(&e, "SELECT version_num", 0, Vec::new()))?
            .unwrap_or_default();
        actual.sort();
        if actual != self.expected_rows {
            return Err(Failure {
                statement: format!("SELECT version_num FROM {}", self.version_table),
                line: 0,
                db_message: format!(
                    "the version table changed outside this run: expected [{}], found [{}]",
                    self.expected_rows.join(", "),
                    actual.join(", ")
                ),
                ran: Vec::new(),
                transaction_lost: false,
            });
        }
        Ok(())
    }

    async fn commit(&mut self) -> Result<(), Failure> {
        self.verify_rows().await?;
        match self.db.commit().await {
            Ok(()) => {
                self.committed.append(&mut self.pending);
                Ok(())
            }
            Err(e) => {
                let mut failure = failure_from(&e, "COMMIT", 0, Vec::new());
                failure.transaction_lost = true;
                Err(failure)
            }
        }
    }

    /// Rolls back what the open transaction holds and describes the failure precisely.
    async fn fail(&mut self, p: &Prepared<'_>, failure: Failure) -> Error {
        let rolled_back = failure.transaction_lost || self.db.in_transaction();
        if self.db.in_transaction() {
            if let Err(e) = self.db.rollback().await {
                tracing::warn!(error = %e, "rollback after a failed statement failed");
            }
        }
        if rolled_back {
            self.pending.clear();
        }
        let version_rows = version_table::read_rows(self.db, self.version_table)
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        tracing::error!(
            revision = %p.step.revision,
            line = failure.line,
            rolled_back,
            "migration failed: {}",
            failure.db_message
        );
        Error::MigrationFailed {
            revision: p.step.revision.clone(),
            direction: p.step.direction.name().to_string(),
            path: p.path.clone(),
            line: failure.line,
            statement: failure.statement,
            db_message: failure.db_message,
            applied: std::mem::take(&mut self.committed),
            statements_applied: if rolled_back { Vec::new() } else { failure.ran },
            rolled_back,
            version_rows,
        }
    }

    /// Stops before step `index`: commits what completed and reports it.
    async fn cancelled(&mut self, prepared: &[Prepared<'_>], index: usize) -> Error {
        if self.db.in_transaction() {
            if let Err(failure) = self.commit().await {
                return self.fail(&prepared[index - 1], failure).await;
            }
        }
        self.committed.append(&mut self.pending);
        let version_rows = version_table::read_rows(self.db, self.version_table)
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        tracing::info!(completed = self.committed.len(), "run cancelled");
        Error::Cancelled {
            applied: std::mem::take(&mut self.committed),
            version_rows,
        }
    }
}

fn sorted(mut rows: Vec<String>) -> Vec<String> {
    rows.sort();
    rows
}

/// What `changes` do to a set of version rows, in memory.
fn apply_to_rows(rows: &mut Vec<String>, changes: &[RowChange]) {
    for change in changes {
        match change {
            RowChange::Insert { revision } => rows.push(revision.clone()),
            RowChange::Update { from, to } => {
                if let Some(row) = rows.iter_mut().find(|r| *r == from) {
                    row.clone_from(to);
                }
            }
            RowChange::Delete { revision } => rows.retain(|r| r != revision),
        }
    }
    rows.sort();
}

fn failure_from(err: &Error, statement: &str, line: usize, ran: Vec<String>) -> Failure {
    let db_message = match err {
        Error::Database { message } | Error::Command { message } => message.clone(),
        other => other.to_string(),
    };
    Failure {
        statement: statement.to_string(),
        line,
        db_message,
        ran,
        transaction_lost: false,
    }
}

fn applied_step(step: &Step) -> AppliedStep {
    AppliedStep {
        direction: step.direction.name().to_string(),
        revision: step.revision.clone(),
    }
}

fn log_verb(direction: Direction) -> &'static str {
    match direction {
        Direction::Up => "upgrade",
        Direction::Down => "downgrade",
        Direction::Stamp => "stamp_revision",
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The desktop app awaits runs on a multi-threaded runtime: the future must stay `Send`.
#[allow(dead_code)]
fn run_future_is_send(
    db: &'static mut Database,
    scripts: &'static HashMap<String, Script>,
    options: &'static RunOptions,
    on_event: &'static mut (dyn FnMut(ProgressEvent) + Send),
) {
    fn is_send<T: Send>(_: T) {}
    is_send(run(
        db,
        "alembic_version",
        scripts,
        |_| Ok(Plan::default()),
        options,
        on_event,
    ));
}

/// The SQL a plan would run, in Alembic's offline format (R45–R47): each statement followed by
/// `;` and a blank line, `-- Running upgrade  -> X` comments, literal version-row statements,
/// the version table's DDL first when `create_version_table`.
///
/// `BEGIN;`/`COMMIT;` as Alembic writes them for PostgreSQL (around the whole script, or each
/// migration with `transaction_per_migration`). SQLite gets them too, unlike Alembic, because
/// Retort runs SQLite transactionally online; MySQL gets none. A no-transaction revision is
/// written between transactions.
pub fn offline_sql(
    dialect: Dialect,
    version_table: &str,
    scripts: &HashMap<String, Script>,
    plan: &Plan,
    transaction_per_migration: bool,
    create_version_table: bool,
) -> Result<String> {
    let table = TableName::parse(version_table);
    let prepared = prepare(plan, scripts, dialect)?;
    let transactions = dialect.offline_transactions();
    let mut out = String::new();
    let mut emit = |text: &str| {
        out.push_str(text);
        out.push_str("\n\n");
    };
    let mut in_transaction = false;
    if transactions && !transaction_per_migration {
        emit("BEGIN;");
        in_transaction = true;
    }
    for (index, p) in prepared.iter().enumerate() {
        let wants_transaction = transactions && !p.no_transaction;
        if !wants_transaction && in_transaction {
            emit("COMMIT;");
            in_transaction = false;
        }
        if wants_transaction && !in_transaction {
            emit("BEGIN;");
            in_transaction = true;
        }
        if index == 0 && create_version_table {
            emit(&offline_statement(&dialect::create_version_table_sql(
                dialect, &table,
            )));
        }
        emit(&format!(
            "-- Running {} {} -> {}",
            log_verb(p.step.direction),
            p.step.from.join(", "),
            p.step.to.join(", ")
        ));
        for statement in &p.statements {
            emit(&offline_statement(&statement.sql));
        }
        for change in &p.step.row_changes {
            emit(&offline_statement(&dialect::row_change_sql(
                dialect, &table, change, true,
            )));
        }
        if in_transaction && transaction_per_migration {
            emit("COMMIT;");
            in_transaction = false;
        }
    }
    if in_transaction {
        emit("COMMIT;");
    }
    Ok(out)
}

/// A statement as Alembic writes it offline: tabs as 4 spaces, trimmed, one `;`.
fn offline_statement(sql: &str) -> String {
    let text = sql.replace('\t', "    ");
    let text = text.trim();
    let text = text.strip_suffix(';').unwrap_or(text).trim_end();
    format!("{text};")
}
