//! `retort backup list|create|restore|keep`, and the backup taken before upgrade, downgrade,
//! stamp and `doctor --fix`: automatic for SQLite (`--no-backup` skips it), on request for
//! PostgreSQL/MySQL (`--backup`, needs pg_dump / mysqldump).

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use clap::{Args, Subcommand};
use retort_core::backup::{BackupInfo, BackupStore, RestoreOutcome};
use retort_core::ops::{OpenOptions, RunCommand, RunOutcome, Workspace};
use retort_core::{DatabaseUrl, Dialect, Error, Result};
use serde_json::json;

use crate::output::{self, Output};

pub const EXAMPLES: &str = "\
Backups live in <data dir>/backups ($RETORT_DATA_DIR, else the desktop app's data folder, e.g. \
~/.local/share/dev.retort.desktop/backups on Linux); the CLI and the app share them.\n\n\
Examples:\n  retort backup list                    backups of the project's database, newest first\n  \
retort backup list --all --json\n  retort backup create                  back up now (PostgreSQL/MySQL: needs pg_dump / mysqldump)\n  \
retort backup restore nexus.db-20261125T093000123Z-3b8f4c5d6e03\n  \
retort backup restore nexus.db-2026 --yes   a unique prefix; no question asked\n  \
retort backup keep 20                 keep the last 20 backups of each database";

#[derive(Subcommand, Debug)]
pub enum BackupCommand {
    /// List backups, newest first (default: of the project's database)
    #[command(after_help = "Examples:\n  retort backup list\n  retort backup list --all --json")]
    List {
        /// Backups of every database, not only the project's
        #[arg(long)]
        all: bool,
    },
    /// Back up the project's database now
    #[command(
        after_help = "Example:\n  retort backup create --url postgresql://me@localhost/shop"
    )]
    Create,
    /// Put a backup back into its database (asks first; backs up the current state before)
    #[command(
        after_help = "Refuses while another process has a SQLite file open. On PostgreSQL the \
restore runs in one transaction; on MySQL/MariaDB it drops the tables, views and routines there \
now, then loads the dump.\n\nExamples:\n  retort backup restore nexus.db-20261125T093000123Z-base\n  \
retort backup restore nexus.db-2026 --yes --json"
    )]
    Restore {
        /// The backup's id (or a unique prefix), as `retort backup list` shows it
        id: String,
        /// Don't ask for confirmation (needed when stdin is not a terminal)
        #[arg(short, long)]
        yes: bool,
    },
    /// Show or set how many backups of each database are kept (default 10)
    #[command(after_help = "Examples:\n  retort backup keep\n  retort backup keep 20")]
    Keep {
        /// The new count (at least 1); older backups beyond it are deleted
        count: Option<usize>,
    },
}

/// The backup flags of the commands that write.
#[derive(Args, Debug, Default, Clone, Copy)]
pub struct BackupFlags {
    /// SQLite: don't back the database up first (by default a copy is kept in the backups folder)
    #[arg(long, conflicts_with = "backup")]
    pub no_backup: bool,
    /// PostgreSQL/MySQL: dump the database first with pg_dump / mysqldump (must be installed)
    #[arg(long)]
    pub backup: bool,
}

/// Takes the backup before a write, when one is due, and says where it went (stderr in text
/// mode; the caller adds it to the JSON output).
pub async fn before_write(
    ws: &Workspace,
    url: &DatabaseUrl,
    flags: BackupFlags,
    reason: &str,
    quiet: bool,
    json: bool,
) -> Result<Option<BackupInfo>> {
    let wanted = match url.dialect() {
        Dialect::Sqlite => !flags.no_backup,
        _ => flags.backup,
    };
    if !wanted {
        return Ok(None);
    }
    let store = BackupStore::open_default()?;
    let info = store.create(url, &ws.project.version_table, reason).await?;
    if let Some(info) = &info {
        if !json && !quiet {
            eprintln!(
                "Backed up {} to {} (restore: retort backup restore {})",
                info.name, info.file, info.id
            );
        }
    }
    Ok(info)
}

/// The backup before upgrade/downgrade/stamp: skipped when the plan is empty (nothing would
/// change), so repeated no-op runs do not push useful backups out.
pub async fn before_run(
    ws: &Workspace,
    url: &DatabaseUrl,
    command: RunCommand<'_>,
    flags: BackupFlags,
    quiet: bool,
    json: bool,
) -> Result<Option<BackupInfo>> {
    if url.dialect() == Dialect::Sqlite && flags.no_backup
        || url.dialect() != Dialect::Sqlite && !flags.backup
    {
        return Ok(None);
    }
    if let Ok(state) = ws.current(url).await {
        let plan = match command {
            RunCommand::Upgrade(target) => ws.upgrade_plan(&state.current, target),
            RunCommand::Downgrade(target) => ws.downgrade_plan(&state.current, target),
            RunCommand::Stamp { targets, purge } => ws.stamp_plan(&state.current, targets, purge),
        };
        if plan.is_ok_and(|p| p.steps.is_empty())
            && !matches!(command, RunCommand::Stamp { purge: true, .. })
        {
            return Ok(None);
        }
    }
    let (retort_command, _) = retort_core::preview::equivalent_commands(command);
    let reason = format!(
        "before {}",
        retort_command
            .strip_prefix("retort ")
            .unwrap_or(&retort_command)
    );
    before_write(ws, url, flags, &reason, quiet, json).await
}

/// Prints a run's outcome with the backup taken before it.
pub fn run_outcome(out: &Output, outcome: &RunOutcome, backup: Option<&BackupInfo>) -> Result<()> {
    if out.json {
        let mut value = serde_json::to_value(outcome)
            .map_err(|e| Error::command(format!("could not render the outcome: {e}")))?;
        value["backup"] = json!(backup);
        println!("{value}");
        return Ok(());
    }
    out.run_outcome(outcome)
}

pub async fn run(
    command: BackupCommand,
    project_path: &Path,
    open: &OpenOptions,
    cli_url: Option<&str>,
    json: bool,
) -> Result<()> {
    let mut store = BackupStore::open_default()?;
    // The project is needed for its database (and version table), except to list everything.
    let workspace = || Workspace::open_with(project_path, open);
    match command {
        BackupCommand::List { all } => {
            let backups = if all {
                store.list(None)?
            } else {
                let ws = workspace()?;
                store.list(Some(&ws.database_url(cli_url)?))?
            };
            if json {
                println!(
                    "{}",
                    json!({ "dir": store.dir(), "keep": store.keep(), "backups": backups })
                );
                return Ok(());
            }
            print_list(&store, &backups, all);
            Ok(())
        }
        BackupCommand::Create => {
            let ws = workspace()?;
            let url = ws.database_url(cli_url)?;
            let info = store
                .create(&url, &ws.project.version_table, "on request")
                .await?;
            if json {
                println!("{}", json!({ "backup": info }));
            } else {
                match &info {
                    Some(info) => println!("Backed up {} to {}", info.name, info.file),
                    None => println!(
                        "{} does not exist yet: there is nothing to back up",
                        url.redacted()
                    ),
                }
            }
            Ok(())
        }
        BackupCommand::Restore { id, yes } => {
            let ws = workspace()?;
            let url = ws.database_url(cli_url)?;
            let backup = store.find(&id)?;
            if !yes {
                confirm(&backup, &url, json)?;
            }
            let outcome = store
                .restore(&backup.id, &url, &ws.project.version_table)
                .await?;
            print_restore(&outcome, json);
            Ok(())
        }
        BackupCommand::Keep { count } => {
            if let Some(count) = count {
                store.set_keep(count)?;
            }
            if json {
                println!("{}", json!({ "dir": store.dir(), "keep": store.keep() }));
            } else {
                println!(
                    "Keeping the last {} backup(s) of each database in {}",
                    store.keep(),
                    store.dir().display()
                );
            }
            Ok(())
        }
    }
}

fn revisions(backup: &BackupInfo) -> String {
    if backup.revisions.is_empty() {
        "base".to_string()
    } else {
        backup.revisions.join(", ")
    }
}

fn print_list(store: &BackupStore, backups: &[BackupInfo], all: bool) {
    println!(
        "Backups in {} (keeping the last {} of each database)",
        store.dir().display(),
        store.keep()
    );
    if backups.is_empty() {
        println!("(none yet)");
        return;
    }
    for b in backups {
        println!();
        println!("{}", b.id);
        if all {
            println!("  database: {}", b.database);
        }
        println!(
            "  taken {} at {} ({}), {} bytes by {}",
            b.created_at,
            revisions(b),
            b.reason,
            b.size,
            b.tool
        );
    }
}

fn print_restore(outcome: &RestoreOutcome, json: bool) {
    if json {
        println!("{}", json!(outcome));
        return;
    }
    println!(
        "Restored {} into {} (now at {})",
        outcome.restored.id,
        outcome.restored.database,
        revisions(&outcome.restored)
    );
    if let Some(safety) = &outcome.safety_backup {
        println!(
            "The state before the restore is backup {} (undo: retort backup restore {})",
            safety.id, safety.id
        );
    }
}

/// Asks on a terminal; without one, refuses with exit status 2 and the hint to pass --yes.
fn confirm(backup: &BackupInfo, url: &DatabaseUrl, json: bool) -> Result<()> {
    let question = format!(
        "Restore backup {} (taken {}, at {}) into {}? This replaces what the database holds now; \
         its current state is backed up first.",
        backup.id,
        backup.created_at,
        revisions(backup),
        url.redacted()
    );
    if json || !std::io::stdin().is_terminal() {
        let error = Error::command(format!(
            "{question} Nothing was asked because stdin is not a terminal{}: pass --yes to restore.",
            if json { " (or --json was given)" } else { "" }
        ));
        output::print_error(&error, json);
        std::process::exit(2);
    }
    eprint!("{question}\nType yes to restore: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::command(format!("could not read the answer: {e}")))?;
    if answer.trim().eq_ignore_ascii_case("yes") {
        Ok(())
    } else {
        Err(Error::command(
            "Not restored: the answer was not yes. Nothing was changed.",
        ))
    }
}
