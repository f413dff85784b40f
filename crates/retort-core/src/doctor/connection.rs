//! Connection failures (unreachable host, refused port, bad password, unknown database, TLS
//! required): the probe's classification as a finding, with the cause and the next step.

use super::{Finding, Fix, FixOutcome, Severity};
use crate::config::DatabaseUrl;
use crate::db::Database;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::probe::{self, ConnectionFailure, FailureKind};

pub const CHECK: &str = "connection";
pub const CREATE_DATABASE: &str = "create-database";

/// A finding when `url` cannot be connected to; `None` when the probe connects.
pub async fn check(url: &DatabaseUrl) -> Option<Finding> {
    let test = probe::test_connection(url).await;
    let failure = test.error?;
    let mut details = vec![
        format!("Kind: {}", failure.kind.name()),
        format!("Database URL: {}", url.redacted()),
    ];
    if let Some(detail) = &failure.detail {
        details.push(format!("Driver: {detail}"));
    }
    let mut fixes = Vec::new();
    if failure.kind == FailureKind::UnknownDatabase && url.dialect() != Dialect::Sqlite {
        if let Some(name) = url.database_name() {
            let statement = create_database_sql(url.dialect(), &name);
            match may_create_database(url).await {
                Ok(true) => fixes.push(Fix {
                    id: CREATE_DATABASE.into(),
                    title: format!("Create database {name}"),
                    explanation: format!(
                        "Connects to the server's default database as the same user and \
                         creates an empty database {name}. Then `retort upgrade head` builds \
                         the schema."
                    ),
                    sql_preview: vec![statement],
                    destructive: false,
                }),
                Ok(false) => details.push(format!(
                    "This user may not create databases: an administrator must run `{statement}`"
                )),
                Err(e) => details.push(format!(
                    "Could not check whether this user may create databases ({e}); an \
                     administrator can run `{statement}`"
                )),
            }
        }
    }
    Some(Finding {
        check: CHECK.into(),
        severity: Severity::Problem,
        title: title(&failure),
        explanation: failure.message.clone(),
        details,
        fixes,
    })
}

fn title(failure: &ConnectionFailure) -> String {
    match failure.kind {
        FailureKind::UnreachableHost => "Cannot reach the database host",
        FailureKind::ConnectionRefused => "The database server refused the connection",
        FailureKind::Timeout => "The database server did not answer in time",
        FailureKind::BadPassword => "The server rejected the user name or password",
        FailureKind::UnknownDatabase => "The database does not exist",
        FailureKind::AccessDenied => "The user may not use this database",
        FailureKind::TlsRequired => "The server requires an encrypted (TLS) connection",
        FailureKind::TlsFailed => "The encrypted (TLS) connection could not be set up",
        FailureKind::SqliteFile => "The SQLite file cannot be opened as a database",
        FailureKind::Other => "Cannot connect to the database",
    }
    .to_string()
}

/// The server's own database, where a user may connect before its database exists.
fn server_url(url: &DatabaseUrl) -> DatabaseUrl {
    match url.dialect() {
        Dialect::Mysql => url.with_database("information_schema"),
        _ => url.with_database("postgres"),
    }
}

fn create_database_sql(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Mysql => format!("CREATE DATABASE `{}`", name.replace('`', "``")),
        _ => format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\"")),
    }
}

/// Whether the user may create databases (PostgreSQL: CREATEDB or superuser; MySQL: the global
/// CREATE privilege).
async fn may_create_database(url: &DatabaseUrl) -> Result<bool> {
    let mut db = Database::connect(&server_url(url)).await?;
    let sql = match url.dialect() {
        Dialect::Mysql => {
            "SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES \
             WHERE PRIVILEGE_TYPE = 'CREATE' AND GRANTEE = CONCAT('''', \
             SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', \
             SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')"
        }
        _ => {
            "SELECT count(*) FROM pg_roles WHERE rolname = current_user \
             AND (rolcreatedb OR rolsuper)"
        }
    };
    let answer = db.query_strings(sql).await;
    db.close().await;
    Ok(answer?.first().is_some_and(|count| count != "0"))
}

/// `apply_fix("create-database")`.
pub async fn create_database(url: &DatabaseUrl) -> Result<FixOutcome> {
    let name = url
        .database_name()
        .filter(|_| url.dialect() != Dialect::Sqlite)
        .ok_or_else(|| Error::command("The URL names no server database to create"))?;
    let statement = create_database_sql(url.dialect(), &name);
    let mut db = Database::connect(&server_url(url)).await?;
    let result = db.execute(&statement).await;
    db.close().await;
    result?;
    Ok(FixOutcome {
        fix: CREATE_DATABASE.into(),
        ran: vec![statement],
        message: format!("Created database {name}; `retort upgrade head` builds its schema"),
    })
}
