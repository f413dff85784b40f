//! "Test connection": connects once, asks for the server's version, and on failure says which of
//! the usual problems it is (host unreachable, port refused, bad password, unknown database, TLS
//! required), so a user knows what to fix instead of reading a driver's message.
//!
//! Messages never contain the password: driver messages are scrubbed like everywhere else.

use std::str::FromStr;
use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlDatabaseError};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgDatabaseError};
use sqlx::Connection;

use crate::config::{redact_secrets, DatabaseUrl};
use crate::db::Database;
use crate::dialect::Dialect;

/// How long a test waits for a server before reporting it as not answering.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The result of [`test_connection`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConnectionTest {
    pub ok: bool,
    /// `15.20 (Debian 15.20-0+deb12u1)`, `10.11.19-MariaDB-0+deb12u1`, `3.46.0`.
    pub server_version: Option<String>,
    /// One query's round trip, once connected.
    pub round_trip_ms: Option<u64>,
    /// How long connecting took (TCP, TLS, authentication).
    pub connect_ms: Option<u64>,
    pub error: Option<ConnectionFailure>,
    /// Worth knowing although the test passed (a SQLite file that does not exist yet).
    pub note: Option<String>,
}

/// Why a connection failed, in the `{kind, message, detail}` shape of every error the UI shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConnectionFailure {
    pub kind: FailureKind,
    /// What is wrong and what to check, in one or two sentences.
    pub message: String,
    /// The driver's own message.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The host name does not resolve, or there is no route to it.
    UnreachableHost,
    /// The host answered, but nothing listens on that port.
    ConnectionRefused,
    /// No answer within [`CONNECT_TIMEOUT`] (a firewall dropping packets, a wrong address).
    Timeout,
    /// The server rejected the user name or password.
    BadPassword,
    /// The server has no database of that name.
    UnknownDatabase,
    /// The user may log in but not use that database.
    AccessDenied,
    /// The server accepts only encrypted connections and this one is not.
    TlsRequired,
    /// The encrypted connection could not be set up (certificates, or no TLS on the server).
    TlsFailed,
    /// A SQLite file that cannot be opened as a database.
    SqliteFile,
    /// Anything else; the message is the driver's.
    Other,
}

impl FailureKind {
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::UnreachableHost => "unreachable_host",
            FailureKind::ConnectionRefused => "connection_refused",
            FailureKind::Timeout => "timeout",
            FailureKind::BadPassword => "bad_password",
            FailureKind::UnknownDatabase => "unknown_database",
            FailureKind::AccessDenied => "access_denied",
            FailureKind::TlsRequired => "tls_required",
            FailureKind::TlsFailed => "tls_failed",
            FailureKind::SqliteFile => "sqlite_file",
            FailureKind::Other => "other",
        }
    }
}

/// Connects to `url`, reads the server version and closes again. Never fails: a failure is
/// described in the result.
#[tracing::instrument(name = "probe.test_connection", skip_all, fields(url = %url))]
pub async fn test_connection(url: &DatabaseUrl) -> ConnectionTest {
    let result = match url.dialect() {
        Dialect::Sqlite => test_sqlite(url).await,
        Dialect::Postgresql => test_server::<PgConnection>(url).await,
        Dialect::Mysql => test_server::<MySqlConnection>(url).await,
    };
    match &result.error {
        None => tracing::info!(version = ?result.server_version, "connection test passed"),
        Some(failure) => tracing::info!(kind = failure.kind.name(), "connection test failed"),
    }
    result
}

async fn test_sqlite(url: &DatabaseUrl) -> ConnectionTest {
    let note = match url.sqlite_path() {
        Some(path) if !path.exists() => Some(format!(
            "{} does not exist yet: the first action that writes to it creates it.",
            path.display()
        )),
        None => Some(
            "An in-memory database starts empty and is gone when the connection closes."
                .to_string(),
        ),
        Some(_) => None,
    };
    let started = Instant::now();
    let mut db = match Database::connect(url).await {
        Ok(db) => db,
        Err(e) => return failed(FailureKind::SqliteFile, e.to_string(), None),
    };
    let connect_ms = millis(started.elapsed());
    let queried = Instant::now();
    // Reading the schema is what fails on a file that is not a database.
    let check = db.query_strings("SELECT count(*) FROM sqlite_master").await;
    let version = db.server_version().await;
    let round_trip_ms = millis(queried.elapsed());
    db.close().await;
    match check.and(version) {
        Ok(version) => ConnectionTest {
            ok: true,
            server_version: Some(version),
            round_trip_ms: Some(round_trip_ms),
            connect_ms: Some(connect_ms),
            error: None,
            note,
        },
        Err(e) => failed(
            FailureKind::SqliteFile,
            format!(
                "{} cannot be read as a SQLite database. Choose another file, or create a new one.",
                url.sqlite_path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            ),
            Some(e.to_string()),
        ),
    }
}

/// The two server drivers, behind what a test needs.
trait ServerConnection: Connection + Sized {
    async fn open(connect_url: &str) -> Result<Self, sqlx::Error>;
    async fn version(&mut self, sql: &str) -> Result<String, sqlx::Error>;
}

impl ServerConnection for PgConnection {
    async fn open(connect_url: &str) -> Result<Self, sqlx::Error> {
        let options = PgConnectOptions::from_str(connect_url)?.application_name("retort");
        PgConnection::connect_with(&options).await
    }

    async fn version(&mut self, sql: &str) -> Result<String, sqlx::Error> {
        sqlx::query_scalar::<_, String>(sql).fetch_one(self).await
    }
}

impl ServerConnection for MySqlConnection {
    async fn open(connect_url: &str) -> Result<Self, sqlx::Error> {
        let options = MySqlConnectOptions::from_str(connect_url)?.timezone(None);
        MySqlConnection::connect_with(&options).await
    }

    async fn version(&mut self, sql: &str) -> Result<String, sqlx::Error> {
        sqlx::query_scalar::<_, String>(sql).fetch_one(self).await
    }
}

async fn test_server<C: ServerConnection>(url: &DatabaseUrl) -> ConnectionTest {
    let secrets = Secrets::of(url);
    let started = Instant::now();
    let mut conn = match tokio::time::timeout(CONNECT_TIMEOUT, C::open(url.connect_url())).await
    {
        Err(_) => {
            return failed(
                FailureKind::Timeout,
                format!(
                    "No answer from {} within {} seconds. Check the host and port, and that no firewall or VPN is in the way.",
                    endpoint(url),
                    CONNECT_TIMEOUT.as_secs()
                ),
                None,
            )
        }
        Ok(Err(e)) => return failed_with(url, &e, &secrets),
        Ok(Ok(conn)) => conn,
    };
    let connect_ms = millis(started.elapsed());
    let queried = Instant::now();
    let version = conn.version(url.dialect().server_version_sql()).await;
    let round_trip_ms = millis(queried.elapsed());
    let _ = conn.close().await;
    match version {
        Ok(version) => ConnectionTest {
            ok: true,
            server_version: Some(version),
            round_trip_ms: Some(round_trip_ms),
            connect_ms: Some(connect_ms),
            error: None,
            note: None,
        },
        Err(e) => failed_with(url, &e, &secrets),
    }
}

/// What a driver error looks like, reduced to what classification needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symptom<'a> {
    Io {
        kind: std::io::ErrorKind,
        message: &'a str,
    },
    Tls {
        message: &'a str,
    },
    /// The server answered with an error: SQLSTATE `code`, MySQL error `number`.
    Server {
        code: Option<&'a str>,
        number: Option<u32>,
        message: &'a str,
    },
    Other {
        message: &'a str,
    },
}

/// Which problem a connection failure is. Pure, so each case can be tested without a server.
pub fn classify(dialect: Dialect, symptom: Symptom<'_>) -> FailureKind {
    use std::io::ErrorKind as Io;
    match symptom {
        Symptom::Io { kind, message } => match kind {
            Io::ConnectionRefused => FailureKind::ConnectionRefused,
            Io::TimedOut => FailureKind::Timeout,
            Io::HostUnreachable | Io::NetworkUnreachable | Io::AddrNotAvailable => {
                FailureKind::UnreachableHost
            }
            _ if is_lookup_failure(message) => FailureKind::UnreachableHost,
            _ => FailureKind::Other,
        },
        Symptom::Tls { .. } => FailureKind::TlsFailed,
        Symptom::Server {
            code,
            number,
            message,
        } => {
            let lower = message.to_ascii_lowercase();
            if lower.contains("insecure transport")
                || lower.contains("no encryption")
                || lower.contains("ssl off")
                || number == Some(3159)
            {
                return FailureKind::TlsRequired;
            }
            match (dialect, code, number) {
                (Dialect::Postgresql, Some("28P01" | "28000"), _) => FailureKind::BadPassword,
                (Dialect::Postgresql, Some("3D000"), _) => FailureKind::UnknownDatabase,
                (Dialect::Postgresql, Some("42501"), _) => FailureKind::AccessDenied,
                (Dialect::Mysql, _, Some(1045 | 1698)) => FailureKind::BadPassword,
                (Dialect::Mysql, _, Some(1049)) => FailureKind::UnknownDatabase,
                (Dialect::Mysql, _, Some(1044)) => FailureKind::AccessDenied,
                _ => FailureKind::Other,
            }
        }
        Symptom::Other { message } if is_lookup_failure(message) => FailureKind::UnreachableHost,
        Symptom::Other { .. } => FailureKind::Other,
    }
}

fn is_lookup_failure(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    [
        "failed to lookup address",
        "name or service not known",
        "nodename nor servname",
        "no such host",
        "temporary failure in name resolution",
    ]
    .iter()
    .any(|pattern| lower.contains(pattern))
}

fn symptom(err: &sqlx::Error) -> Symptom<'_> {
    match err {
        sqlx::Error::Io(io) => Symptom::Io {
            kind: io.kind(),
            message: "",
        },
        sqlx::Error::Tls(_) => Symptom::Tls { message: "" },
        sqlx::Error::Database(db) => {
            let number = db
                .try_downcast_ref::<MySqlDatabaseError>()
                .map(|m| u32::from(m.number()));
            let code = db.try_downcast_ref::<PgDatabaseError>().map(|pg| pg.code());
            Symptom::Server {
                code,
                number,
                message: db.message(),
            }
        }
        _ => Symptom::Other { message: "" },
    }
}

fn failed_with(url: &DatabaseUrl, err: &sqlx::Error, secrets: &Secrets) -> ConnectionTest {
    let text = secrets.scrub(&err.to_string());
    let mut symptom = symptom(err);
    // Lookup failures only show in the text of an I/O error.
    match &mut symptom {
        Symptom::Io { message, .. } | Symptom::Tls { message } | Symptom::Other { message } => {
            *message = &text
        }
        Symptom::Server { .. } => {}
    }
    let kind = classify(url.dialect(), symptom);
    let user = url.username().unwrap_or("(no user)");
    let database = url
        .database_name()
        .unwrap_or_else(|| "(default)".to_string());
    let message = match kind {
        FailureKind::UnreachableHost => format!(
            "Cannot reach {}: the host name does not resolve or there is no route to it. Check the host name, and your network or VPN.",
            url.host().unwrap_or("localhost")
        ),
        FailureKind::ConnectionRefused => format!(
            "Nothing accepts connections on {}. Check that the server is running and that the port is right.",
            endpoint(url)
        ),
        FailureKind::Timeout => format!(
            "{} did not answer in time. Check the host and port, and that no firewall or VPN is in the way.",
            endpoint(url)
        ),
        FailureKind::BadPassword => format!(
            "The server rejected user '{user}': wrong password, or no such user. Check the user name and password."
        ),
        FailureKind::UnknownDatabase => format!(
            "The server has no database '{database}'. Check its name, or create the database first."
        ),
        FailureKind::AccessDenied => format!(
            "User '{user}' may not use database '{database}'. Ask for access, or choose another database."
        ),
        FailureKind::TlsRequired => "The server accepts only encrypted (TLS) connections. Allow TLS in the connection settings (sslmode=require for PostgreSQL, ssl-mode=REQUIRED for MySQL).".to_string(),
        FailureKind::TlsFailed => format!(
            "The encrypted (TLS) connection to {} could not be set up. Check the TLS settings and certificates, or whether the server supports TLS at all.",
            endpoint(url)
        ),
        FailureKind::SqliteFile | FailureKind::Other => format!(
            "Could not connect to {}: {text}",
            endpoint(url)
        ),
    };
    failed(kind, message, Some(text))
}

fn failed(kind: FailureKind, message: String, detail: Option<String>) -> ConnectionTest {
    ConnectionTest {
        ok: false,
        server_version: None,
        round_trip_ms: None,
        connect_ms: None,
        error: Some(ConnectionFailure {
            kind,
            message,
            detail,
        }),
        note: None,
    }
}

fn endpoint(url: &DatabaseUrl) -> String {
    format!(
        "{}:{}",
        url.host().unwrap_or("localhost"),
        url.port().unwrap_or_default()
    )
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The URL's password in the forms a driver might quote it.
struct Secrets(Vec<String>);

impl Secrets {
    fn of(url: &DatabaseUrl) -> Secrets {
        let Some(password) = url::Url::parse(url.connect_url())
            .ok()
            .and_then(|u| u.password().map(str::to_string))
        else {
            return Secrets(Vec::new());
        };
        let mut secrets = vec![password.clone()];
        if let Ok(decoded) = percent_encoding::percent_decode_str(&password).decode_utf8() {
            if decoded != password {
                secrets.push(decoded.into_owned());
            }
        }
        secrets.retain(|s| !s.is_empty());
        Secrets(secrets)
    }

    fn scrub(&self, text: &str) -> String {
        let mut text = text.to_string();
        for secret in &self.0 {
            text = text.replace(secret.as_str(), "***");
        }
        redact_secrets(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::ErrorKind;

    fn server(
        code: Option<&'static str>,
        number: Option<u32>,
        message: &'static str,
    ) -> Symptom<'static> {
        Symptom::Server {
            code,
            number,
            message,
        }
    }

    #[test]
    fn network_failures() {
        let io = |kind, message| Symptom::Io { kind, message };
        let pg = Dialect::Postgresql;
        assert_eq!(
            classify(pg, io(ErrorKind::ConnectionRefused, "")),
            FailureKind::ConnectionRefused
        );
        assert_eq!(
            classify(pg, io(ErrorKind::HostUnreachable, "")),
            FailureKind::UnreachableHost
        );
        assert_eq!(
            classify(pg, io(ErrorKind::TimedOut, "")),
            FailureKind::Timeout
        );
        assert_eq!(
            classify(
                pg,
                io(
                    ErrorKind::Other,
                    "error communicating with database: failed to lookup address information: Name or service not known"
                )
            ),
            FailureKind::UnreachableHost
        );
        assert_eq!(
            classify(pg, Symptom::Tls { message: "" }),
            FailureKind::TlsFailed
        );
    }

    #[test]
    fn postgres_server_answers() {
        let pg = Dialect::Postgresql;
        assert_eq!(
            classify(
                pg,
                server(
                    Some("28P01"),
                    None,
                    "password authentication failed for user \"app\""
                )
            ),
            FailureKind::BadPassword
        );
        assert_eq!(
            classify(
                pg,
                server(Some("3D000"), None, "database \"nope\" does not exist")
            ),
            FailureKind::UnknownDatabase
        );
        assert_eq!(
            classify(
                pg,
                server(
                    Some("28000"),
                    None,
                    "no pg_hba.conf entry for host \"10.0.0.5\", user \"app\", database \"app\", no encryption"
                )
            ),
            FailureKind::TlsRequired
        );
        assert_eq!(
            classify(
                pg,
                server(
                    Some("42501"),
                    None,
                    "permission denied for database \"app\""
                )
            ),
            FailureKind::AccessDenied
        );
    }

    #[test]
    fn mysql_server_answers() {
        let my = Dialect::Mysql;
        assert_eq!(
            classify(
                my,
                server(
                    Some("28000"),
                    Some(1045),
                    "Access denied for user 'app'@'localhost' (using password: YES)"
                )
            ),
            FailureKind::BadPassword
        );
        assert_eq!(
            classify(
                my,
                server(Some("42000"), Some(1049), "Unknown database 'nope'")
            ),
            FailureKind::UnknownDatabase
        );
        assert_eq!(
            classify(
                my,
                server(
                    Some("HY000"),
                    Some(3159),
                    "Connections using insecure transport are prohibited while --require_secure_transport=ON."
                )
            ),
            FailureKind::TlsRequired
        );
        assert_eq!(
            classify(
                my,
                server(
                    Some("42000"),
                    Some(1044),
                    "Access denied for user 'app'@'%' to database 'x'"
                )
            ),
            FailureKind::AccessDenied
        );
    }

    #[test]
    fn failure_kinds_serialise_as_their_names() {
        for kind in [
            FailureKind::UnreachableHost,
            FailureKind::ConnectionRefused,
            FailureKind::Timeout,
            FailureKind::BadPassword,
            FailureKind::UnknownDatabase,
            FailureKind::AccessDenied,
            FailureKind::TlsRequired,
            FailureKind::TlsFailed,
            FailureKind::SqliteFile,
            FailureKind::Other,
        ] {
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::Value::String(kind.name().to_string())
            );
        }
    }

    #[test]
    fn secrets_are_scrubbed_from_driver_text() {
        let url = DatabaseUrl::parse(
            "postgresql://app:s%3Ecret@db.internal/app",
            std::path::Path::new("/"),
        )
        .unwrap();
        let secrets = Secrets::of(&url);
        assert_eq!(
            secrets.scrub("rejected s>cret and s%3Ecret"),
            "rejected *** and ***"
        );
    }
}
