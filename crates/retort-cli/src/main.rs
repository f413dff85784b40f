//! `retort`: Alembic-style migrations from the command line. Parses arguments, calls
//! `retort_core::ops`, prints text (Alembic's formats) or one JSON object (`--json`).

mod backup;
mod doctor;
mod output;
mod safety;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use retort_core::ops::{NewRevisionOptions, OpenOptions, RunCommand, Workspace};
use retort_core::runner::{CancelToken, ProgressEvent, RunOptions};
use retort_core::Result;

const EXAMPLES: &str = "\
Examples:
  retort history --indicate-current     show the revisions and where the database is
  retort upgrade head                   apply every pending revision
  retort downgrade -1                   revert the last revision
  retort upgrade head --sql             print the SQL instead of running it
  retort backup list                    the backups taken before each change (restore one with
                                        retort backup restore ID)
  DATABASE_URL=postgresql://me@localhost/nexus retort current";

#[derive(Parser, Debug)]
#[command(
    name = "retort",
    version,
    about = "Alembic-compatible database migrations for SQLite, PostgreSQL and MySQL/MariaDB",
    long_about = "Alembic-compatible database migrations for SQLite, PostgreSQL and MySQL/MariaDB.\n\n\
The database comes from --url, else the DATABASE_URL environment variable, else the project's \
`url` in retort.toml (sqlalchemy.url in alembic.ini). Revisions live in \
<script_location>/versions/*.sql and the database's position is kept in the same \
`alembic_version` table Alembic uses.\n\n\
An Alembic project (a folder with alembic.ini, or pyproject.toml with [tool.alembic]) opens as \
it is: its versions/*.py headers are read without running Python, and upgrade/downgrade run \
through the project's own Alembic.",
    after_help = EXAMPLES,
    infer_long_args = true
)]
struct Cli {
    /// Project folder, its retort.toml, or an Alembic project's alembic.ini or pyproject.toml
    /// (default: the current folder; ALEMBIC_CONFIG when it holds no retort.toml)
    #[arg(short = 'c', long = "config", global = true, value_name = "PATH")]
    config: Option<PathBuf>,

    /// Alembic projects: the ini section to read instead of [alembic] (as `alembic -n NAME`)
    #[arg(short = 'n', long = "name", global = true, value_name = "NAME")]
    name: Option<String>,

    /// Alembic projects: the Python that runs the migrations (default: the project's .venv or
    /// venv, then VIRTUAL_ENV, then python3 on PATH; also RETORT_PYTHON)
    #[arg(long, global = true, value_name = "PATH")]
    python: Option<PathBuf>,

    /// Database URL (overrides DATABASE_URL and the project's url)
    #[arg(long, global = true, value_name = "URL")]
    url: Option<String>,

    /// Print one JSON object on stdout instead of text
    #[arg(long, global = true)]
    json: bool,

    /// Don't print progress lines on stderr
    #[arg(short, long, global = true)]
    quiet: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a new project: retort.toml and an empty versions/ folder
    #[command(
        after_help = "Example:\n  retort init migrations      # writes ./retort.toml and ./migrations/versions/"
    )]
    Init {
        /// Folder for the revision scripts, relative to the project folder
        #[arg(default_value = "migrations")]
        directory: String,
    },
    /// Create a new revision script
    #[command(
        after_help = "Examples:\n  retort revision -m \"add users table\"\n  retort revision --head=base --branch=sqlite -m \"SQLite specific\"\n  retort revision --autogenerate -m \"sync hand-made changes\" --url sqlite:///nexus.db"
    )]
    Revision(RevisionArgs),
    /// Create a merge revision that joins several heads
    #[command(after_help = "Example:\n  retort merge -m \"merge feature branches\" heads")]
    Merge {
        /// Message of the merge revision
        #[arg(short, long)]
        message: String,
        /// Revision id to use instead of a generated one
        #[arg(long)]
        rev_id: Option<String>,
        /// The revisions to merge (or `heads`)
        #[arg(required = true)]
        revisions: Vec<String>,
    },
    /// Show the current heads of the revision scripts
    #[command(after_help = "Example:\n  retort heads --json")]
    Heads {
        #[arg(short, long)]
        verbose: bool,
    },
    /// Show the branch points
    #[command(after_help = "Example:\n  retort branches")]
    Branches {
        #[arg(short, long)]
        verbose: bool,
    },
    /// List revisions, newest first
    #[command(
        after_help = "Examples:\n  retort history -i\n  retort history -r base:head\n  retort history -r current:"
    )]
    History {
        /// Range START:END, START: or :END (revisions, `base`, `head`, `current`)
        #[arg(short = 'r', long, allow_hyphen_values = true)]
        rev_range: Option<String>,
        /// Mark the database's current revisions (reads the database)
        #[arg(short = 'i', long)]
        indicate_current: bool,
        #[arg(short, long)]
        verbose: bool,
    },
    /// Show one revision
    #[command(after_help = "Example:\n  retort show head")]
    Show {
        /// A revision, prefix, label, `head`, `base`, `label@head`, …
        revision: String,
    },
    /// Show the database's current revision(s)
    #[command(after_help = "Example:\n  retort current --url sqlite:///nexus.db")]
    Current {
        #[arg(short, long)]
        verbose: bool,
    },
    /// Upgrade the database to a later revision
    #[command(
        after_help = "A SQLite database is backed up first (retort backup list); --no-backup skips it. \
PostgreSQL/MySQL: --backup dumps it first with pg_dump / mysqldump.\n\n\
Examples:\n  retort upgrade head\n  retort upgrade +1\n  retort upgrade 3b8f4c5d6e03\n  retort upgrade 1f0c0a1b2c01:head --sql\n  retort upgrade head --backup --url postgresql://me@localhost/shop"
    )]
    Upgrade(MigrateArgs),
    /// Revert the database to an earlier revision
    #[command(
        after_help = "A SQLite database is backed up first (undo: retort backup restore ID); --no-backup \
skips it. PostgreSQL/MySQL: --backup dumps it first with pg_dump / mysqldump.\n\n\
Examples:\n  retort downgrade -1\n  retort downgrade base\n  retort downgrade head:base --sql\n  retort downgrade base --no-backup"
    )]
    Downgrade(MigrateArgs),
    /// Set the version table to the given revision(s) without running any migration
    #[command(
        after_help = "A SQLite database is backed up first; --no-backup skips it, --backup dumps \
PostgreSQL/MySQL.\n\nExamples:\n  retort stamp head\n  retort stamp --purge 3b8f4c5d6e03"
    )]
    Stamp {
        /// Target revision(s)
        #[arg(required = true, allow_hyphen_values = true)]
        revisions: Vec<String>,
        /// Delete every row of the version table first (also rows naming unknown revisions)
        #[arg(long)]
        purge: bool,
        /// Print the SQL instead of running it
        #[arg(long)]
        sql: bool,
        #[command(flatten)]
        backup: backup::BackupFlags,
    },
    /// Show the database's schema: a table list, or one table's columns, keys and DDL
    #[command(
        after_help = "Examples:\n  retort schema\n  retort schema users\n  retort schema --schema public --schema audit --json"
    )]
    Schema {
        /// A table or view (`name` or `schema.name`); without it, every table is listed
        table: Option<String>,
        /// PostgreSQL schema / MySQL database to read (repeatable; default: the search_path or
        /// the current database)
        #[arg(long = "schema", value_name = "NAME")]
        schemas: Vec<String>,
    },
    /// Diagnose common failures (missing version table, unknown revision, several heads,
    /// SQLite locks and ALTER limits, PostgreSQL/MySQL privileges, half-applied MySQL
    /// revisions) and offer fixes
    #[command(
        after_help = "Reads only, unless --fix is given; --fix asks nothing and prints what it ran.\n\
--export FILE writes a diagnostics report for a colleague (findings, versions, the connection \
with its password redacted, the version rows): JSON when FILE ends in .json, else Markdown.\n\
Exit status: 0 when no problem was found, 1 when a problem was found (or the doctor failed).\n\n\
Examples:\n  retort doctor\n  retort doctor --json\n  retort doctor --fix stamp:3b8f4c5d6e03\n  retort doctor --fix wal\n  retort doctor --fix finish:3b8f4c5d6e03\n  retort doctor --export diagnostics.md"
    )]
    Doctor {
        /// Apply the fix with this id (as listed by `retort doctor`), e.g. `stamp:<rev>`,
        /// `stamp-purge:<rev>`, `upgrade-head`, `merge`, `wal`, `checkpoint`,
        /// `finish:<rev>`, `undo:<rev>`
        #[arg(long, value_name = "FIX_ID", conflicts_with = "export")]
        fix: Option<String>,
        /// Write a diagnostics report to FILE (`.json`: JSON, else Markdown) and print where
        #[arg(long, value_name = "FILE")]
        export: Option<PathBuf>,
        #[command(flatten)]
        backup: backup::BackupFlags,
    },
    /// Round-trip test: upgrade one revision at a time, downgrade back to base, upgrade again,
    /// in a scratch database, checking each downgrade restores the schema
    #[command(after_help = safety::TEST_HELP)]
    Test,
    /// Drift detection: compare the database's schema with its migrations at its revision
    #[command(after_help = safety::CHECK_HELP)]
    Check,
    /// List, create and restore the backups taken before every write (SQLite) or on request
    #[command(subcommand, after_help = backup::EXAMPLES)]
    Backup(backup::BackupCommand),
}

#[derive(Args, Debug)]
struct RevisionArgs {
    /// Message (the revision's description)
    #[arg(short, long)]
    message: String,
    /// The revision to build on: a head, `base` for a new branch, or `label@head`
    #[arg(long)]
    head: Option<String>,
    /// Allow --head to name a revision that is not a head (starts a new branch)
    #[arg(long)]
    splice: bool,
    /// Branch label for the new revision (repeatable)
    #[arg(long = "branch-label")]
    branch_label: Vec<String>,
    /// Revision or label the new revision depends on (repeatable)
    #[arg(long = "depends-on")]
    depends_on: Vec<String>,
    /// Revision id to use instead of a generated one
    #[arg(long)]
    rev_id: Option<String>,
    /// Write the difference between the migrations and the live database (--url) as the new
    /// revision's SQL; what cannot be derived safely becomes commented TODOs (see stderr)
    #[arg(long)]
    autogenerate: bool,
}

#[derive(Args, Debug)]
struct MigrateArgs {
    /// Target: `head`, `heads`, a revision, `label@head`, `+1`, `-1`, `base`, … (FROM:TO with --sql)
    #[arg(allow_hyphen_values = true)]
    revision: String,
    /// Print the SQL instead of running it
    #[arg(long)]
    sql: bool,
    /// Commit each revision on its own instead of one transaction for the whole run
    #[arg(long)]
    transaction_per_migration: bool,
    #[command(flatten)]
    backup: backup::BackupFlags,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let json = cli.json;
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("FAILED: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(execute(cli)) {
        Ok(())
            if doctor::PROBLEM_FOUND.load(std::sync::atomic::Ordering::SeqCst)
                || safety::FAILED.load(std::sync::atomic::Ordering::SeqCst) =>
        {
            ExitCode::from(1)
        }
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if !print_alembic_error(&error, json) {
                output::print_error(&error, json);
            }
            ExitCode::FAILURE
        }
    }
}

/// A failure inside the project's own Alembic: the summary, then what Alembic printed (the
/// traceback or `FAILED:` text), so nothing is lost. `false` for every other error.
fn print_alembic_error(error: &retort_core::Error, json: bool) -> bool {
    let retort_core::Error::Alembic {
        message,
        output,
        revision,
        direction,
        applied,
        version_rows,
    } = error
    else {
        return false;
    };
    if json {
        let value = serde_json::json!({ "error": {
            "kind": error.kind(),
            "message": error.to_string(),
            "alembic_message": message,
            "output": output,
            "revision": revision,
            "direction": direction,
            "applied": applied,
            "current": version_rows,
        }});
        println!("{value}");
        return true;
    }
    eprintln!("FAILED: {error}");
    if !output.is_empty() && output.trim() != format!("FAILED: {message}") {
        eprintln!("  Alembic's output:");
        for line in output.lines() {
            eprintln!("    {line}");
        }
    }
    if revision.is_some() {
        if version_rows.is_empty() {
            eprintln!("  The version table now names no revision (base).");
        } else {
            eprintln!("  The version table now names: {}", version_rows.join(", "));
        }
    }
    true
}

/// Only binaries install a subscriber; level from RUST_LOG, on stderr. Off by default: the
/// command's own output already reports every failure once.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn execute(cli: Cli) -> Result<()> {
    let project_path = cli.config.clone().unwrap_or_else(|| PathBuf::from("."));
    let out = output::Output { json: cli.json };
    if let Command::Init { directory } = &cli.command {
        let project = retort_core::ops::init(&project_path, directory)?;
        return out.init(&project);
    }
    let open_options = OpenOptions {
        ini_section: cli.name.clone(),
        python: cli.python.clone(),
    };
    // Without -c: ./retort.toml, else the file ALEMBIC_CONFIG names (as `alembic` defaults
    // -c to it), else the current folder.
    let alembic_config = std::env::var_os(retort_core::config::ALEMBIC_CONFIG_ENV);
    if let Command::Backup(command) = cli.command {
        let project_path = match &cli.config {
            Some(path) => path.clone(),
            None => {
                retort_core::config::default_project_path(Path::new("."), alembic_config.as_deref())
                    .0
            }
        };
        // `backup list --all` works without a project.
        return backup::run(
            command,
            &project_path,
            &open_options,
            cli.url.as_deref(),
            cli.json,
        )
        .await;
    }
    let ws = match &cli.config {
        Some(path) => Workspace::open_with(path, &open_options)?,
        None => Workspace::from_project_with(
            retort_core::config::discover_default(
                Path::new("."),
                alembic_config.as_deref(),
                cli.name.as_deref(),
            )?,
            cli.python.clone(),
        )?,
    };
    match cli.command {
        Command::Init { .. } | Command::Backup(_) => unreachable!("handled above"),
        Command::Revision(args) => {
            let options = NewRevisionOptions {
                message: args.message,
                head: args.head,
                splice: args.splice,
                branch_labels: args.branch_label,
                depends_on: args.depends_on,
                rev_id: args.rev_id,
            };
            if args.autogenerate {
                let url = ws.database_url(cli.url.as_deref())?;
                let result = ws.autogenerate_revision(&url, &options).await?;
                return out.autogenerated(&result);
            }
            let created = ws.new_revision(&options)?;
            out.created(&created)
        }
        Command::Merge {
            message,
            rev_id,
            revisions,
        } => {
            let created = ws.merge(&revisions, &message, rev_id)?;
            out.created(&created)
        }
        Command::Heads { verbose } => out.heads(&ws, verbose),
        Command::Branches { verbose } => out.branches(&ws, verbose),
        Command::History {
            rev_range,
            indicate_current,
            verbose,
        } => {
            let needs_db = indicate_current
                || rev_range
                    .as_deref()
                    .is_some_and(|r| r.split(':').any(|p| p == "current"));
            let rows = if needs_db {
                let url = ws.database_url(cli.url.as_deref())?;
                Some(ws.current(&url).await?.current)
            } else {
                None
            };
            let rows = rows.unwrap_or_default();
            let history = ws.history(rev_range.as_deref(), &rows, indicate_current)?;
            out.history(&history, verbose)
        }
        Command::Show { revision } => {
            let infos = if revision == "current" {
                let url = ws.database_url(cli.url.as_deref())?;
                let state = ws.current(&url).await?;
                state
                    .effective
                    .iter()
                    .filter_map(|id| ws.revision_info(id))
                    .collect()
            } else {
                ws.show(&revision)?
            };
            out.show(&infos)
        }
        Command::Schema { table, schemas } => {
            let url = ws.database_url(cli.url.as_deref())?;
            let schema = ws.schema(&url, &schemas).await?;
            out.schema(&schema, table.as_deref())
        }
        Command::Doctor {
            fix,
            export,
            backup: flags,
        } => {
            if let Some(fix) = fix.as_deref().filter(|f| *f != "merge") {
                let url = ws.database_url(cli.url.as_deref())?;
                // The JSON answer is the fix's; the backup line goes to stderr in both modes.
                backup::before_write(
                    &ws,
                    &url,
                    flags,
                    &format!("before doctor --fix {fix}"),
                    cli.quiet,
                    false,
                )
                .await?;
            }
            doctor::run(
                &ws,
                cli.url.as_deref(),
                fix.as_deref(),
                export.as_deref(),
                cli.json,
            )
            .await
        }
        Command::Test => safety::test(&ws, cli.url.as_deref(), cli.quiet, cli.json).await,
        Command::Check => safety::check(&ws, cli.url.as_deref(), cli.json).await,
        Command::Current { verbose } => {
            let url = ws.database_url(cli.url.as_deref())?;
            let state = ws.current(&url).await?;
            out.current(&ws, &url, &state, verbose)
        }
        Command::Upgrade(args) => {
            migrate(
                &ws,
                &cli.url,
                cli.quiet,
                &out,
                RunCommand::Upgrade(&args.revision),
                args.sql,
                args.transaction_per_migration,
                args.backup,
            )
            .await
        }
        Command::Downgrade(args) => {
            migrate(
                &ws,
                &cli.url,
                cli.quiet,
                &out,
                RunCommand::Downgrade(&args.revision),
                args.sql,
                args.transaction_per_migration,
                args.backup,
            )
            .await
        }
        Command::Stamp {
            revisions,
            purge,
            sql,
            backup: flags,
        } => {
            migrate(
                &ws,
                &cli.url,
                cli.quiet,
                &out,
                RunCommand::Stamp {
                    targets: &revisions,
                    purge,
                },
                sql,
                false,
                flags,
            )
            .await
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn migrate(
    ws: &Workspace,
    cli_url: &Option<String>,
    quiet: bool,
    out: &output::Output,
    command: RunCommand<'_>,
    sql: bool,
    transaction_per_migration: bool,
    backup_flags: backup::BackupFlags,
) -> Result<()> {
    let url = ws.database_url(cli_url.as_deref())?;
    if sql {
        let script = ws.offline_sql_for(&url, command)?;
        return out.offline_sql(&script);
    }
    let taken = backup::before_run(ws, &url, command, backup_flags, quiet, out.json).await?;
    let cancel = CancelToken::default();
    let ctrl_c = cancel.clone();
    // Ctrl-C stops between revisions; what completed stays committed and is reported.
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("Cancelling after the current revision…");
            ctrl_c.cancel();
        }
    });
    let options = RunOptions {
        transaction_per_migration,
        cancel,
        ..RunOptions::default()
    };
    let show_progress = !quiet && !out.json;
    let mut on_event = |event: ProgressEvent| {
        if show_progress {
            output::print_progress(&event);
        }
    };
    let outcome = ws.run(&url, command, &options, &mut on_event).await?;
    backup::run_outcome(out, &outcome, taken.as_ref())
}
