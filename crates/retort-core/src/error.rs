//! The engine's one error type. Every variant carries named fields so hosts can render them
//! (`kind()` is the stable machine-readable name used in `--json` output and by the UI).

use std::path::PathBuf;

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A revision whose migration ran to completion before a run was interrupted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AppliedStep {
    pub direction: String,
    pub revision: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The project folder or its configuration is unusable.
    #[error("{message}")]
    Config { message: String },

    /// A database URL that cannot be understood. `url` is already redacted.
    #[error("Invalid database URL '{url}': {reason}. Accepted forms: sqlite:///relative.db, sqlite:////absolute/path.db, sqlite::memory:, postgresql://user:password@host:5432/dbname (also postgresql+psycopg2://, postgres://), mysql://user:password@host:3306/dbname (also mysql+pymysql://, mariadb://)")]
    Url { url: String, reason: String },

    /// A revision script that cannot be read: names the file and the line.
    #[error("{}:{line}: {message}", path.display())]
    Script {
        path: PathBuf,
        line: usize,
        message: String,
    },

    /// The revision scripts do not form a valid graph (duplicate id, missing parent, cycle,
    /// label used twice).
    #[error("{message}")]
    Graph { message: String },

    /// A revision argument that names nothing, or several things. `message` is Alembic's CLI text
    /// ("Can't locate revision identified by 'x'"), `detail` the underlying reason.
    #[error("{message}")]
    Resolution { message: String, detail: String },

    /// `head` (or a relative form of it) given while several heads exist.
    #[error("{message}")]
    MultipleHeads { message: String },

    /// A command that cannot be carried out as asked ("Ambiguous walk", "Relative revision +2
    /// didn't produce 2 migrations", "Destination X is not a valid downgrade target", ...).
    #[error("{message}")]
    Command { message: String },

    /// Connecting to or talking to the database failed outside a migration step.
    #[error("{message}")]
    Database { message: String },

    /// Another run holds the migration lock.
    #[error("Another migration is running on this database (waited {waited_secs}s for the migration lock). Wait for it to finish, or stop it, then try again.")]
    Locked { waited_secs: u64 },

    /// A statement of a migration failed. `applied` lists the revisions that completed and are
    /// still in effect; `statements_applied` the statements of the failed revision that took
    /// effect (non-empty only where DDL cannot be rolled back, i.e. MySQL/MariaDB, or for a
    /// no-transaction revision); `version_rows` what the version table says now.
    #[error("{} of {revision} failed at {}:{line}: {db_message}{}", direction_word(direction), path.display(), rollback_note(*rolled_back, statements_applied))]
    MigrationFailed {
        revision: String,
        direction: String,
        path: PathBuf,
        line: usize,
        statement: String,
        db_message: String,
        applied: Vec<AppliedStep>,
        statements_applied: Vec<String>,
        rolled_back: bool,
        version_rows: Vec<String>,
    },

    /// The run was cancelled between revisions.
    #[error("Cancelled after {} revision(s); the version table names {}", applied.len(), fmt_rows(version_rows))]
    Cancelled {
        applied: Vec<AppliedStep>,
        version_rows: Vec<String>,
    },

    /// The project's own Alembic, run through its Python, failed. `message` is Alembic's
    /// `FAILED:` text or the exception's last line; `output` everything Alembic printed
    /// (passwords masked), for "details". For a migration run, `revision` and `direction` name
    /// the step that was running, `applied` what completed and is still in effect, and
    /// `version_rows` what the version table says now.
    #[error("{}", alembic_summary(revision.as_deref(), direction.as_deref(), message))]
    Alembic {
        message: String,
        output: String,
        revision: Option<String>,
        direction: Option<String>,
        applied: Vec<AppliedStep>,
        version_rows: Vec<String>,
    },

    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn direction_word(direction: &str) -> &str {
    match direction {
        "up" => "Upgrade",
        "down" => "Downgrade",
        other => other,
    }
}

fn alembic_summary(revision: Option<&str>, direction: Option<&str>, message: &str) -> String {
    match (revision, direction) {
        (Some(revision), Some(direction)) => format!(
            "{} of {revision} failed in Alembic: {message}",
            direction_word(direction)
        ),
        _ => format!("Alembic: {message}"),
    }
}

fn rollback_note(rolled_back: bool, statements_applied: &[String]) -> String {
    if rolled_back {
        " (the failed transaction was rolled back; nothing of it remains)".to_string()
    } else if statements_applied.is_empty() {
        " (no statement of this revision took effect)".to_string()
    } else {
        format!(
            " ({} statement(s) of this revision took effect and could not be rolled back)",
            statements_applied.len()
        )
    }
}

fn fmt_rows(rows: &[String]) -> String {
    if rows.is_empty() {
        "no revision (base)".to_string()
    } else {
        rows.join(", ")
    }
}

impl Error {
    /// Stable, machine-readable name of the failure class.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Config { .. } => "config",
            Error::Url { .. } => "url",
            Error::Script { .. } => "script",
            Error::Graph { .. } => "graph",
            Error::Resolution { .. } => "resolution",
            Error::MultipleHeads { .. } => "multiple_heads",
            Error::Command { .. } => "command",
            Error::Database { .. } => "database",
            Error::Locked { .. } => "locked",
            Error::MigrationFailed { .. } => "migration_failed",
            Error::Cancelled { .. } => "cancelled",
            Error::Alembic { .. } => "alembic",
            Error::Io { .. } => "io",
        }
    }

    pub fn command(message: impl Into<String>) -> Self {
        Error::Command {
            message: message.into(),
        }
    }

    pub fn graph(message: impl Into<String>) -> Self {
        Error::Graph {
            message: message.into(),
        }
    }

    pub fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }

    pub fn database(message: impl Into<String>) -> Self {
        Error::Database {
            message: message.into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Alembic's "Can't locate revision identified by 'x'" with the underlying reason.
    pub fn cant_locate(argument: &str, detail: impl Into<String>) -> Self {
        Error::Resolution {
            message: format!("Can't locate revision identified by '{argument}'"),
            detail: detail.into(),
        }
    }
}
