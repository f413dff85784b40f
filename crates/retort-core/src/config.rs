//! Projects (`retort.toml` discovery) and database URLs (SQLAlchemy and sqlx forms, redaction).
//!
//! CONTRACT (shared with `db`, `ops`, the CLI and the app).

use std::fmt;
use std::path::{Path, PathBuf};

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use serde::Serialize;

use crate::alembic::{AlembicSettings, PyprojectAlembic, INI_FILE as ALEMBIC_INI, PYPROJECT_FILE};
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::script::{load_versions, Script};

/// User names, passwords and database names: everything but RFC 3986 unreserved characters is
/// encoded, so sqlx's percent-decoding gives back the exact text.
const COMPONENT: &AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// SQLite file paths: sqlx percent-decodes the path, so `%` is encoded, and `?`/`#` would start
/// the query or fragment.
const SQLITE_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

const ENCODING_HINT: &str = "if the user name or password contains special characters \
                             (@ : / ? # % and the like), percent-encode them, e.g. @ as %40";

/// A parsed, normalised database URL. `Display` and `Debug` never show the password.
///
/// Accepted forms ([`DatabaseUrl::parse`]):
///
/// | Form | Meaning |
/// |---|---|
/// | `sqlite:///rel.db` | SQLAlchemy: `rel.db` relative to the base folder |
/// | `sqlite:////abs/path.db` | SQLAlchemy: the absolute path `/abs/path.db` |
/// | `sqlite://`, `sqlite:///:memory:`, `sqlite::memory:`, `sqlite://:memory:` | in-memory database |
/// | `sqlite:rel.db`, `sqlite:/abs.db` | sqlx: a relative or absolute path |
/// | `sqlite://rel.db` | sqlx: `rel.db` relative to the base folder |
/// | `postgresql://`, `postgres://`, `postgresql+<driver>://` | PostgreSQL |
/// | `mysql://`, `mysql+<driver>://`, `mariadb://`, `mariadb+<driver>://` | MySQL / MariaDB |
///
/// `sqlite:///x` means the relative path `x` (SQLAlchemy's reading, which `alembic.ini` files
/// use) even though sqlx alone would read it as `/x`; use four slashes for an absolute path.
/// `sqlite://rel.db` takes sqlx's reading (a file), since SQLAlchemy's (a host name that is
/// ignored, giving an in-memory database) would silently lose data. SQLAlchemy-form paths are
/// taken literally, as SQLAlchemy does; sqlx-form paths are percent-decoded, as sqlx does.
///
/// SQLite files are opened with `mode=rwc` unless the URL says otherwise, so the file is created
/// on first use. Query parameters that sqlx understands are kept; SQLAlchemy driver options it
/// would reject or misread are translated (`ssl_ca` → `ssl-ca`, asyncpg's `ssl` → `sslmode`) or
/// dropped (`charset` other than UTF-8, `connect_timeout`, `check_same_thread`, ...).
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    dialect: Dialect,
    connect: String,
    target: Target,
}

#[derive(Clone, PartialEq, Eq)]
enum Target {
    SqliteMemory {
        params: Vec<(String, String)>,
    },
    SqliteFile {
        path: PathBuf,
        /// As given; `mode=rwc` is added to the connection string when `mode` is absent.
        params: Vec<(String, String)>,
    },
    Server(Server),
}

#[derive(Clone, PartialEq, Eq)]
struct Server {
    mariadb: bool,
    username: Option<String>,
    password: Option<String>,
    /// As written in the URL (IPv6 in brackets); `None` means sqlx's default, localhost.
    host: Option<String>,
    port: Option<u16>,
    database: Option<String>,
    params: Vec<(String, String)>,
}

impl DatabaseUrl {
    /// Parses a SQLAlchemy- or sqlx-form URL (see the type's documentation). A relative SQLite
    /// path is resolved against `base_dir` (itself made absolute against the current folder).
    pub fn parse(raw: &str, base_dir: &Path) -> Result<DatabaseUrl> {
        let raw = raw.trim();
        let fail = |reason: String| Error::Url {
            url: redact_secrets(raw),
            reason,
        };
        if raw.is_empty() {
            return Err(fail("the URL is empty".to_string()));
        }
        let Some((scheme, rest)) = raw.split_once(':') else {
            return Err(fail(
                "it has no scheme (sqlite:, postgresql://, mysql://, ...)".to_string(),
            ));
        };
        let scheme_lower = scheme.to_ascii_lowercase();
        let base_scheme = scheme_lower
            .split_once('+')
            .map_or(scheme_lower.as_str(), |(base, _driver)| base);
        let target = match base_scheme {
            "sqlite" => parse_sqlite(rest, base_dir).map_err(fail)?,
            "postgresql" | "postgres" => {
                Target::Server(parse_server(rest, Dialect::Postgresql, false).map_err(fail)?)
            }
            "mysql" => Target::Server(parse_server(rest, Dialect::Mysql, false).map_err(fail)?),
            "mariadb" => Target::Server(parse_server(rest, Dialect::Mysql, true).map_err(fail)?),
            _ => {
                return Err(fail(format!(
                    "unsupported scheme '{scheme}'; Retort talks to SQLite, PostgreSQL and \
                     MySQL/MariaDB"
                )))
            }
        };
        let dialect = match base_scheme {
            "sqlite" => Dialect::Sqlite,
            "postgresql" | "postgres" => Dialect::Postgresql,
            _ => Dialect::Mysql,
        };
        Ok(DatabaseUrl::build(dialect, target))
    }

    fn build(dialect: Dialect, target: Target) -> DatabaseUrl {
        let connect = render(dialect, &target, false);
        DatabaseUrl {
            dialect,
            connect,
            target,
        }
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The sqlx connection string, password included: never log or display it.
    pub fn connect_url(&self) -> &str {
        &self.connect
    }

    /// The URL said `mariadb://`. Whether the server really is MariaDB is found out on connect.
    pub fn is_mariadb(&self) -> bool {
        matches!(&self.target, Target::Server(s) if s.mariadb)
    }

    /// The URL with any password shown as `***`, safe for logs, errors and the UI. For a SQLite
    /// file it is the absolute SQLAlchemy form (`sqlite:////abs/path.db`), which parses back to
    /// the same file.
    pub fn redacted(&self) -> String {
        render(self.dialect, &self.target, true)
    }

    /// The absolute path of a SQLite file; `None` for in-memory SQLite and for servers.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match &self.target {
            Target::SqliteFile { path, .. } => Some(path),
            _ => None,
        }
    }

    pub fn is_memory(&self) -> bool {
        matches!(self.target, Target::SqliteMemory { .. })
    }

    /// The database on a PostgreSQL or MySQL server (from the path, or PostgreSQL's `dbname`
    /// parameter). `None` for SQLite (see [`DatabaseUrl::sqlite_path`]) or when not given.
    pub fn database_name(&self) -> Option<String> {
        let server = self.server()?;
        server
            .database
            .clone()
            .or_else(|| server.param("dbname").map(str::to_string))
    }

    /// The server's host (`localhost` when the URL names none, as sqlx does; a `host`
    /// parameter wins, as in sqlx). `None` for SQLite.
    pub fn host(&self) -> Option<&str> {
        let server = self.server()?;
        Some(
            server
                .param("host")
                .or(server.host.as_deref())
                .unwrap_or("localhost"),
        )
    }

    /// The server's port, or the dialect's default (5432, 3306). `None` for SQLite.
    pub fn port(&self) -> Option<u16> {
        let server = self.server()?;
        let from_param = server.param("port").and_then(|p| p.parse().ok());
        Some(from_param.or(server.port).unwrap_or(match self.dialect {
            Dialect::Postgresql => 5432,
            _ => 3306,
        }))
    }

    /// The user name as given (decoded); `None` when the URL names none.
    pub fn username(&self) -> Option<&str> {
        let server = self.server()?;
        server.username.as_deref().or(server.param("user"))
    }

    /// The same server and credentials with another database. For SQLite: a file called `name`
    /// in the same folder (an in-memory database stays in memory).
    pub fn with_database(&self, name: &str) -> DatabaseUrl {
        let target = match &self.target {
            Target::Server(server) => {
                let mut server = server.clone();
                server.database = Some(name.to_string());
                server.params.retain(|(k, _)| k != "dbname");
                Target::Server(server)
            }
            Target::SqliteFile { path, params } => Target::SqliteFile {
                path: path.with_file_name(name),
                params: params.clone(),
            },
            memory @ Target::SqliteMemory { .. } => memory.clone(),
        };
        DatabaseUrl::build(self.dialect, target)
    }

    fn server(&self) -> Option<&Server> {
        match &self.target {
            Target::Server(server) => Some(server),
            _ => None,
        }
    }

    /// The URL in SQLAlchemy's form, password included, for a project's own Alembic: never log
    /// or display it. `driver` is the `+driver` part (`psycopg2`, `pymysql`, ...); `None` keeps
    /// SQLAlchemy's default. Parameters are kept where the usual drivers understand them.
    pub fn to_sqlalchemy(&self, driver: Option<&str>) -> String {
        let scheme = |base: &str| match driver.filter(|d| !d.is_empty()) {
            Some(driver) => format!("{base}+{driver}"),
            None => base.to_string(),
        };
        match &self.target {
            Target::SqliteMemory { .. } => format!("{}://", scheme("sqlite")),
            Target::SqliteFile { path, .. } => format!(
                "{}:///{}",
                scheme("sqlite"),
                utf8_percent_encode(&path.to_string_lossy(), SQLITE_PATH)
            ),
            Target::Server(server) => {
                let base = match self.dialect {
                    Dialect::Postgresql => "postgresql",
                    _ if server.mariadb => "mariadb",
                    _ => "mysql",
                };
                let mut out = format!("{}://", scheme(base));
                if let Some(user) = &server.username {
                    out.extend(utf8_percent_encode(user, COMPONENT));
                    if let Some(password) = &server.password {
                        out.push(':');
                        out.extend(utf8_percent_encode(password, COMPONENT));
                    }
                    out.push('@');
                }
                out.push_str(server.host.as_deref().unwrap_or("localhost"));
                if let Some(port) = server.port {
                    out.push_str(&format!(":{port}"));
                }
                if let Some(database) = &server.database {
                    out.push('/');
                    out.extend(utf8_percent_encode(database, COMPONENT));
                }
                // sqlx's spellings back to the DBAPI ones (libpq's names are shared).
                let params: Vec<(String, String)> = server
                    .params
                    .iter()
                    .filter_map(|(key, value)| {
                        let key = match (self.dialect, key.as_str()) {
                            (Dialect::Postgresql, _) => key.as_str(),
                            (_, "ssl-ca") => "ssl_ca",
                            (_, "ssl-cert") => "ssl_cert",
                            (_, "ssl-key") => "ssl_key",
                            (_, "socket") => "unix_socket",
                            (_, "charset") => "charset",
                            _ => return None,
                        };
                        Some((key.to_string(), value.clone()))
                    })
                    .collect();
                out.push_str(&query_string(&params, false));
                out
            }
        }
    }
}

/// The pieces of a connection as a form collects them (the desktop app's saved connections),
/// turned into a URL by [`DatabaseUrl::from_parts`] without string pasting, so any character in a
/// user name, password or database name survives. `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct UrlParts {
    pub dialect: Dialect,
    /// Server host name or address; `None` means localhost. IPv6 with or without brackets.
    pub host: Option<String>,
    /// `None` means the dialect's default port.
    pub port: Option<u16>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    /// SQLite only: the database file, absolute or relative to the `base_dir` given.
    pub sqlite_path: Option<PathBuf>,
}

impl fmt::Debug for UrlParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UrlParts")
            .field("dialect", &self.dialect)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("sqlite_path", &self.sqlite_path)
            .finish()
    }
}

impl DatabaseUrl {
    /// Builds a URL from its pieces. Empty strings count as unset. A relative SQLite path is
    /// resolved against `base_dir`.
    pub fn from_parts(parts: &UrlParts, base_dir: &Path) -> Result<DatabaseUrl> {
        let set = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let fail = |reason: &str| Error::Url {
            url: format!("{} connection", parts.dialect),
            reason: reason.to_string(),
        };
        let target = match parts.dialect {
            Dialect::Sqlite => {
                let Some(path) = parts
                    .sqlite_path
                    .as_ref()
                    .filter(|p| !p.as_os_str().is_empty())
                else {
                    return Err(fail("it names no SQLite file; choose or create one"));
                };
                let path = if path.is_absolute() {
                    path.clone()
                } else {
                    absolute(base_dir).join(path)
                };
                Target::SqliteFile {
                    path: normalize(&path),
                    params: Vec::new(),
                }
            }
            Dialect::Postgresql | Dialect::Mysql => {
                let host = match set(&parts.host) {
                    None => None,
                    Some(host) => Some(check_host(&host).map_err(|reason| fail(&reason))?),
                };
                // Passwords may legitimately start or end with spaces: only empty means unset.
                let password = parts.password.clone().filter(|p| !p.is_empty());
                Target::Server(Server {
                    mariadb: false,
                    username: set(&parts.user),
                    password,
                    host,
                    port: parts.port,
                    database: set(&parts.database),
                    params: Vec::new(),
                })
            }
        };
        Ok(DatabaseUrl::build(parts.dialect, target))
    }
}

/// A host as it may stand in a URL: no URL delimiters, IPv6 addresses in brackets.
fn check_host(host: &str) -> std::result::Result<String, String> {
    if host
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, '/' | '?' | '#' | '@'))
    {
        return Err(format!(
            "the host '{host}' contains a space or one of / ? # @; give only the host name or address"
        ));
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.contains(':') {
        if bare.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!(
                "the host '{host}' is not a valid IPv6 address; put the port in the port field"
            ));
        }
        return Ok(format!("[{bare}]"));
    }
    Ok(host.to_string())
}

impl Server {
    fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Serialises as the redacted form, so JSON output and UI events cannot leak the password.
impl Serialize for DatabaseUrl {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.redacted())
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.redacted())
            .finish()
    }
}

/// The connection string (`redact == false`) or the display form (`redact == true`).
fn render(dialect: Dialect, target: &Target, redact: bool) -> String {
    match target {
        Target::SqliteMemory { params } => {
            format!("sqlite::memory:{}", query_string(params, redact))
        }
        Target::SqliteFile { path, params } => {
            let path = path.to_string_lossy();
            if redact {
                // SQLAlchemy's absolute form: `sqlite:///` + `/abs/path`.
                format!("sqlite:///{path}{}", query_string(params, true))
            } else {
                let mut params = params.clone();
                if !params.iter().any(|(k, _)| k == "mode") {
                    params.insert(0, ("mode".to_string(), "rwc".to_string()));
                }
                format!(
                    "sqlite://{}{}",
                    utf8_percent_encode(&path, SQLITE_PATH),
                    query_string(&params, false)
                )
            }
        }
        Target::Server(server) => {
            let scheme = match (dialect, redact && server.mariadb) {
                (Dialect::Postgresql, _) => "postgresql",
                (_, true) => "mariadb",
                _ => "mysql",
            };
            let mut out = format!("{scheme}://");
            if server.username.is_some() || server.password.is_some() {
                if let Some(user) = &server.username {
                    out.extend(utf8_percent_encode(user, COMPONENT));
                }
                if let Some(password) = &server.password {
                    out.push(':');
                    if redact {
                        out.push_str("***");
                    } else {
                        out.extend(utf8_percent_encode(password, COMPONENT));
                    }
                }
                out.push('@');
            }
            out.push_str(server.host.as_deref().unwrap_or("localhost"));
            if let Some(port) = server.port {
                out.push_str(&format!(":{port}"));
            }
            if let Some(database) = &server.database {
                out.push('/');
                out.extend(utf8_percent_encode(database, COMPONENT));
            }
            out.push_str(&query_string(&server.params, redact));
            out
        }
    }
}

fn query_string(params: &[(String, String)], redact: bool) -> String {
    if params.is_empty() {
        return String::new();
    }
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in params {
        let value = if redact && key.eq_ignore_ascii_case("password") {
            "***"
        } else {
            value
        };
        serializer.append_pair(key, value);
    }
    format!("?{}", serializer.finish())
}

/// `rest` is everything after `sqlite:`.
fn parse_sqlite(rest: &str, base_dir: &Path) -> std::result::Result<Target, String> {
    let (body, query) = match rest.split_once('?') {
        Some((body, query)) => (body, Some(query)),
        None => (rest, None),
    };

    // (path, whether to percent-decode it); None = in memory.
    let location: Option<(&str, bool)> = if body == ":memory:" {
        None
    } else if let Some(after) = body.strip_prefix("//") {
        if let Some(path) = after.strip_prefix('/') {
            // SQLAlchemy: `sqlite:///rel`, `sqlite:////abs`; an empty path is in memory.
            if path.is_empty() || path == ":memory:" {
                None
            } else {
                Some((path, false))
            }
        } else if after.is_empty() || after == ":memory:" {
            None
        } else {
            Some((after, true))
        }
    } else if body.is_empty() {
        return Err(
            "it names no SQLite file; write sqlite:///relative/path.db or sqlite::memory:"
                .to_string(),
        );
    } else {
        Some((body, true))
    };

    let mut params = Vec::new();
    let mut memory_mode = false;
    if let Some(query) = query {
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "mode" => match value.as_ref() {
                    "ro" | "rw" | "rwc" => params.push(("mode".to_string(), value.into_owned())),
                    "memory" => memory_mode = true,
                    other => {
                        return Err(format!(
                            "unknown SQLite mode '{other}' (use ro, rw, rwc or memory)"
                        ))
                    }
                },
                "cache" => match value.as_ref() {
                    "private" | "shared" => params.push((key.into_owned(), value.into_owned())),
                    other => {
                        return Err(format!(
                            "unknown SQLite cache '{other}' (use private or shared)"
                        ))
                    }
                },
                "immutable" => match value.as_ref() {
                    "true" | "1" | "false" | "0" => {
                        params.push((key.into_owned(), value.into_owned()))
                    }
                    other => return Err(format!("immutable must be true or false, not '{other}'")),
                },
                "vfs" => params.push((key.into_owned(), value.into_owned())),
                "uri" if value.as_ref() != "false" => {
                    return Err("SQLite URI filenames (uri=true) are not supported; write \
                                sqlite:///path.db?mode=ro instead"
                        .to_string())
                }
                // SQLAlchemy/pysqlite options (timeout, check_same_thread, ...) that sqlx
                // would reject.
                _ => tracing::debug!(parameter = %key, "ignoring SQLite URL parameter"),
            }
        }
    }

    match location {
        Some((path, decode)) if !memory_mode => {
            let path = if decode {
                percent_decode_str(path)
                    .decode_utf8()
                    .map_err(|_| "the file path is not valid UTF-8 after percent-decoding")?
                    .into_owned()
            } else {
                path.to_string()
            };
            let path = Path::new(&path);
            let path = if path.is_absolute() {
                path.to_path_buf()
            } else {
                absolute(base_dir).join(path)
            };
            Ok(Target::SqliteFile {
                path: normalize(&path),
                params,
            })
        }
        _ => {
            params.retain(|(k, _)| k != "mode");
            Ok(Target::SqliteMemory { params })
        }
    }
}

/// `rest` is everything after `<scheme>:`.
fn parse_server(
    rest: &str,
    dialect: Dialect,
    mariadb: bool,
) -> std::result::Result<Server, String> {
    let Some(after_slashes) = rest.strip_prefix("//") else {
        return Err(format!(
            "expected '//' after the scheme, as in {}://user:password@host/dbname",
            if dialect == Dialect::Postgresql {
                "postgresql"
            } else {
                "mysql"
            }
        ));
    };
    // `user@/db?host=/socket` names no host; the URL parser wants one after credentials.
    let authority_len = after_slashes
        .find(['/', '?', '#'])
        .unwrap_or(after_slashes.len());
    let hostless = after_slashes[..authority_len].ends_with('@');
    let parseable = if hostless {
        let (authority, rest) = after_slashes.split_at(authority_len);
        format!("db://{authority}localhost{rest}")
    } else {
        format!("db://{after_slashes}")
    };
    let url = url::Url::parse(&parseable).map_err(|e| format!("{e} ({ENCODING_HINT})"))?;
    if url.fragment().is_some() {
        return Err(format!("it contains '#' ({ENCODING_HINT}; # is %23)"));
    }
    let decode = |text: &str, what: &str| -> std::result::Result<String, String> {
        percent_decode_str(text)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| format!("the {what} is not valid UTF-8 after percent-decoding"))
    };
    let username = Some(decode(url.username(), "user name")?).filter(|u| !u.is_empty());
    let password = url.password().map(|p| decode(p, "password")).transpose()?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty() && !hostless)
        .map(str::to_string);
    let database = Some(decode(url.path().trim_start_matches('/'), "database name")?)
        .filter(|d| !d.is_empty());
    let mut params = Vec::new();
    for (key, value) in url.query_pairs() {
        let translated = match dialect {
            Dialect::Postgresql => postgres_param(&key, &value)?,
            _ => mysql_param(&key, &value)?,
        };
        match translated {
            Some(pair) => params.push(pair),
            None => tracing::debug!(parameter = %key, "ignoring database URL parameter"),
        }
    }
    Ok(Server {
        mariadb,
        username,
        password,
        host,
        port: url.port(),
        database,
        params,
    })
}

type Param = Option<(String, String)>;

fn postgres_param(key: &str, value: &str) -> std::result::Result<Param, String> {
    const SSL_MODES: [&str; 6] = [
        "disable",
        "allow",
        "prefer",
        "require",
        "verify-ca",
        "verify-full",
    ];
    let pair = |k: &str| Ok(Some((k.to_string(), value.to_string())));
    match key {
        "sslmode" | "ssl-mode" => {
            if SSL_MODES.contains(&value.to_ascii_lowercase().as_str()) {
                pair("sslmode")
            } else {
                Err(format!(
                    "unknown sslmode '{value}' (use one of {})",
                    SSL_MODES.join(", ")
                ))
            }
        }
        // asyncpg spells it `ssl`.
        "ssl" => {
            let lower = value.to_ascii_lowercase();
            let mode = match lower.as_str() {
                "true" | "1" | "require" => "require",
                "false" | "0" | "disable" => "disable",
                other if SSL_MODES.contains(&other) => other,
                _ => return Err(format!("unknown ssl value '{value}'")),
            };
            Ok(Some(("sslmode".to_string(), mode.to_string())))
        }
        "sslrootcert"
        | "ssl-root-cert"
        | "ssl-ca"
        | "sslcert"
        | "ssl-cert"
        | "sslkey"
        | "ssl-key"
        | "statement-cache-capacity"
        | "host"
        | "hostaddr"
        | "port"
        | "dbname"
        | "user"
        | "password"
        | "application_name"
        | "options" => pair(key),
        k if k.starts_with("options[") => pair(key),
        _ => Ok(None),
    }
}

fn mysql_param(key: &str, value: &str) -> std::result::Result<Param, String> {
    const SSL_MODES: [&str; 5] = [
        "disabled",
        "preferred",
        "required",
        "verify_ca",
        "verify_identity",
    ];
    let pair = |k: &str| Ok(Some((k.to_string(), value.to_string())));
    match key {
        "sslmode" | "ssl-mode" | "ssl_mode" => {
            if SSL_MODES.contains(&value.to_ascii_lowercase().as_str()) {
                pair("ssl-mode")
            } else {
                Err(format!(
                    "unknown ssl-mode '{value}' (use one of {})",
                    SSL_MODES.join(", ")
                ))
            }
        }
        "ssl" => {
            let mode = match value.to_ascii_lowercase().as_str() {
                "true" | "1" => "REQUIRED",
                "false" | "0" => "DISABLED",
                _ => return Err(format!("unknown ssl value '{value}' (use true or false)")),
            };
            Ok(Some(("ssl-mode".to_string(), mode.to_string())))
        }
        "sslca" | "ssl-ca" | "ssl_ca" => pair("ssl-ca"),
        "sslcert" | "ssl-cert" | "ssl_cert" => pair("ssl-cert"),
        "sslkey" | "ssl-key" | "ssl_key" => pair("ssl-key"),
        "socket" | "unix_socket" => pair("socket"),
        "timezone" | "time-zone" => pair("timezone"),
        "collation" | "statement-cache-capacity" => pair(key),
        // Retort reads text as UTF-8, so only UTF-8 charsets are passed on.
        "charset" => match value.to_ascii_lowercase().as_str() {
            "utf8mb4" => pair("charset"),
            "utf8" | "utf8mb3" => Ok(Some(("charset".to_string(), "utf8".to_string()))),
            _ => Ok(None),
        },
        _ => Ok(None),
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Removes `.` and resolves `..` lexically, so the same file always has the same URL.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Masks the password of every `scheme://user:password@` in free text (database error messages,
/// log lines), and `password=` query parameters after a `scheme://`. Errs on the side of masking
/// too much when a URL is malformed.
pub fn redact_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(found) = rest.find("://") {
        let has_scheme = rest[..found]
            .bytes()
            .next_back()
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'));
        let after_start = found + 3;
        out.push_str(&rest[..after_start]);
        let after = &rest[after_start..];
        if !has_scheme {
            rest = after;
            continue;
        }
        let segment_len = after.find(char::is_whitespace).unwrap_or(after.len());
        out.push_str(&redact_url_body(&after[..segment_len]));
        rest = &after[segment_len..];
    }
    out.push_str(rest);
    out
}

/// `body` is what follows `scheme://`, up to whitespace.
fn redact_url_body(body: &str) -> String {
    // The last `@` ends the user info, as in URL parsing; a raw `@` in a password stays hidden.
    let (mut out, tail) = match body.rfind('@') {
        Some(at) => {
            let userinfo = &body[..at];
            let shown = match userinfo.find(':') {
                Some(colon) => format!("{}:***@", &userinfo[..colon]),
                None => format!("{userinfo}@"),
            };
            (shown, &body[at + 1..])
        }
        None => (String::new(), body),
    };
    let mut remaining = tail;
    while let Some(index) = find_password_param(remaining) {
        let value_start = index + "password=".len();
        out.push_str(&remaining[..value_start]);
        out.push_str("***");
        let value_len = remaining[value_start..]
            .find('&')
            .unwrap_or(remaining.len() - value_start);
        remaining = &remaining[value_start + value_len..];
    }
    out.push_str(remaining);
    out
}

fn find_password_param(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(offset) = lower[from..].find("password=") {
        let index = from + offset;
        if index > 0 && matches!(lower.as_bytes()[index - 1], b'?' | b'&') {
            return Some(index);
        }
        from = index + 1;
    }
    None
}

/// Where the database URL in use came from, in precedence order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UrlSource {
    /// `--url`
    CommandLine,
    /// `DATABASE_URL`
    Environment,
    /// `url` in retort.toml
    ProjectFile,
    /// `sqlalchemy.url` in an Alembic project's ini file
    AlembicIni,
    /// Nothing set: [`DEFAULT_URL`].
    Default,
}

impl UrlSource {
    /// A short phrase for display: "from --url", ...
    pub fn describe(self) -> &'static str {
        match self {
            UrlSource::CommandLine => "--url",
            UrlSource::Environment => "DATABASE_URL",
            UrlSource::ProjectFile => "retort.toml",
            UrlSource::AlembicIni => "alembic.ini",
            UrlSource::Default => "default",
        }
    }
}

impl fmt::Display for UrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// The URL used when neither `--url`, `DATABASE_URL` nor retort.toml names one.
pub const DEFAULT_URL: &str = "sqlite:///nexus.db";

pub const CONFIG_FILE: &str = "retort.toml";

const ALLOWED_KEYS: [&str; 4] = [
    "script_location",
    "version_table",
    "url",
    "transaction_per_migration",
];

/// Which kind of project a folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectKind {
    /// `retort.toml` and native `.sql` scripts.
    Native,
    /// `alembic.ini`, `env.py` and Python scripts, run through the project's own Alembic.
    Alembic,
}

/// A project folder with its `retort.toml`, or an Alembic project with its `alembic.ini`.
#[derive(Debug, Clone)]
pub struct Project {
    /// The folder holding retort.toml or alembic.ini (absolute).
    pub root: PathBuf,
    pub config_path: PathBuf,
    /// The folder holding `versions/` (absolute); for Alembic, `script_location` (env.py).
    pub script_location: PathBuf,
    /// `table` or `schema.table`.
    pub version_table: String,
    /// `url` from retort.toml, or `sqlalchemy.url` from alembic.ini, as written (interpolated).
    pub url: Option<String>,
    pub transaction_per_migration: bool,
    /// For an Alembic project: what its ini file says.
    pub alembic: Option<AlembicSettings>,
}

impl Project {
    /// Opens the project at `path`: a folder containing retort.toml, alembic.ini or a
    /// pyproject.toml with `[tool.alembic]` (first found wins), or the file itself: a file named
    /// `pyproject.toml` is an Alembic config, as is any `*.ini` file.
    pub fn discover(path: &Path) -> Result<Project> {
        Project::discover_with(path, None)
    }

    /// As [`Project::discover`], reading the ini section `alembic_section` (`alembic -n NAME`)
    /// of an Alembic project instead of `[alembic]`.
    pub fn discover_with(path: &Path, alembic_section: Option<&str>) -> Result<Project> {
        let path = absolute(path);
        let config_path = if path.is_dir() {
            let config = path.join(CONFIG_FILE);
            if config.is_file() {
                config
            } else if path.join(ALEMBIC_INI).is_file() {
                return Project::load_alembic(&path.join(ALEMBIC_INI), alembic_section);
            } else if has_tool_alembic(&path.join(PYPROJECT_FILE))? {
                return Project::load_alembic(&path.join(PYPROJECT_FILE), alembic_section);
            } else {
                return Err(Error::config(format!(
                    "No retort.toml, alembic.ini or pyproject.toml with [tool.alembic] in {}. Run \
                     `retort init` to create a project here, or pass -c <project folder>.",
                    path.display()
                )));
            }
        } else if path.is_file() {
            if is_pyproject(&path) || path.extension().is_some_and(|e| e == "ini") {
                return Project::load_alembic(&path, alembic_section);
            }
            path
        } else {
            return Err(Error::config(format!(
                "{} does not exist. Pass -c with a project folder (one holding retort.toml), or \
                 run `retort init` to create a project.",
                path.display()
            )));
        };
        if let Some(section) = alembic_section {
            return Err(Error::config(format!(
                "-n/--name {section} picks a section of an Alembic ini file, but {} is a Retort \
                 project",
                config_path.display()
            )));
        }
        Project::load(&config_path)
    }

    /// Opens the Alembic config file `path` whatever its name, as `alembic -c PATH` reads it
    /// (a file named `pyproject.toml` is the toml config, any other an ini file).
    pub fn discover_alembic_file(path: &Path, alembic_section: Option<&str>) -> Result<Project> {
        let path = absolute(path);
        if path.is_dir() {
            return Project::discover_with(&path, alembic_section);
        }
        if !path.is_file() {
            return Err(Error::config(format!(
                "{} does not exist. Pass -c with the project's alembic.ini or pyproject.toml",
                path.display()
            )));
        }
        Project::load_alembic(&path, alembic_section)
    }

    /// `config_path` is an ini file or a pyproject.toml (by its name).
    fn load_alembic(config_path: &Path, section: Option<&str>) -> Result<Project> {
        let settings = if is_pyproject(config_path) {
            AlembicSettings::load_pyproject(config_path, section)?
        } else {
            AlembicSettings::load(config_path, section)?
        };
        check_version_table(&settings.version_table).map_err(|reason| {
            Error::config(format!(
                "version table '{}' of {}: {reason}",
                settings.version_table,
                settings.config_path().display()
            ))
        })?;
        Ok(Project {
            root: settings.here().to_path_buf(),
            config_path: settings.config_path().to_path_buf(),
            script_location: settings.script_location.clone(),
            version_table: settings.version_table.clone(),
            url: settings.url.clone(),
            transaction_per_migration: false,
            alembic: Some(settings),
        })
    }

    /// Native or Alembic.
    pub fn kind(&self) -> ProjectKind {
        if self.alembic.is_some() {
            ProjectKind::Alembic
        } else {
            ProjectKind::Native
        }
    }

    pub fn is_alembic(&self) -> bool {
        self.alembic.is_some()
    }

    fn load(config_path: &Path) -> Result<Project> {
        let text = std::fs::read_to_string(config_path).map_err(|e| Error::io(config_path, e))?;
        let root = config_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/"));
        let shown = config_path.display();
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            let message = e.message().trim_end();
            Error::config(match line {
                Some(line) => format!("{shown}:{line}: invalid TOML: {message}"),
                None => format!("{shown}: invalid TOML: {message}"),
            })
        })?;

        if let Some(unknown) = table.keys().find(|k| !ALLOWED_KEYS.contains(&k.as_str())) {
            return Err(Error::config(format!(
                "Unknown key '{unknown}' in {shown}. Allowed keys: {}",
                ALLOWED_KEYS.join(", ")
            )));
        }
        let string = |key: &str| -> Result<Option<String>> {
            match table.get(key) {
                None => Ok(None),
                Some(toml::Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(Error::config(format!(
                    "'{key}' in {shown} must be a string, not {}",
                    other.type_str()
                ))),
            }
        };

        let script_location = string("script_location")?.unwrap_or_else(|| "migrations".into());
        if script_location.trim().is_empty() {
            return Err(Error::config(format!(
                "'script_location' in {shown} is empty; name the folder that holds versions/"
            )));
        }
        let version_table = string("version_table")?.unwrap_or_else(|| "alembic_version".into());
        check_version_table(&version_table).map_err(|reason| {
            Error::config(format!(
                "version_table '{version_table}' in {shown}: {reason}"
            ))
        })?;
        let url = string("url")?.filter(|u| !u.trim().is_empty());
        let transaction_per_migration = match table.get("transaction_per_migration") {
            None => false,
            Some(toml::Value::Boolean(b)) => *b,
            Some(other) => {
                return Err(Error::config(format!(
                    "'transaction_per_migration' in {shown} must be true or false, not {}",
                    other.type_str()
                )))
            }
        };

        Ok(Project {
            script_location: normalize(&root.join(&script_location)),
            root,
            config_path: config_path.to_path_buf(),
            version_table,
            url,
            transaction_per_migration,
            alembic: None,
        })
    }

    /// `<script_location>/versions`; for Alembic, the first of its version locations.
    pub fn versions_dir(&self) -> PathBuf {
        match &self.alembic {
            Some(settings) => settings.versions_dir(),
            None => self.script_location.join("versions"),
        }
    }

    /// Every script of the project, in file-name order (for Alembic: in Alembic's order, read
    /// without Python; a script that computes its header is an error here, see
    /// `ops::Workspace`, which asks Alembic instead).
    pub fn load_scripts(&self) -> Result<Vec<Script>> {
        let Some(settings) = &self.alembic else {
            return load_versions(&self.versions_dir());
        };
        let scan = crate::alembic::scan_scripts(settings)?;
        match scan.not_static.first() {
            None => Ok(scan.scripts),
            Some(first) => Err(Error::Script {
                path: first.path.clone(),
                line: first.line,
                message: format!("{}: {}", first.name, first.reason),
            }),
        }
    }

    /// The URL to use: `--url`, then `DATABASE_URL`, then retort.toml's `url`, then
    /// [`DEFAULT_URL`]. Empty values count as unset. A relative SQLite path is relative to the
    /// project folder, whichever source it came from.
    pub fn database_url(
        &self,
        cli_url: Option<&str>,
        env_database_url: Option<&str>,
    ) -> Result<DatabaseUrl> {
        let (source, raw) = self.pick_url(cli_url, env_database_url);
        if let (UrlSource::Default, Some(settings)) = (source, &self.alembic) {
            return Err(Error::config(match &settings.url_problem {
                Some(problem) => format!(
                    "sqlalchemy.url cannot be read: {problem}. Fix it, or pass --url / set \
                     DATABASE_URL"
                ),
                None => match &settings.ini_path {
                    Some(ini) => format!(
                        "No database URL: [{}] of {} sets no sqlalchemy.url (or keeps the \
                         template's placeholder). Pass --url, set DATABASE_URL, or set \
                         sqlalchemy.url",
                        settings.section,
                        ini.display()
                    ),
                    None => format!(
                        "No database URL: the project has no {ALEMBIC_INI} beside {} (Alembic \
                         keeps sqlalchemy.url there, not in [tool.alembic]). Pass --url or set \
                         DATABASE_URL",
                        settings.config_path().display()
                    ),
                },
            }));
        }
        DatabaseUrl::parse(raw, &self.root)
    }

    /// Which source [`Project::database_url`] takes its URL from.
    pub fn url_source(&self, cli_url: Option<&str>, env_database_url: Option<&str>) -> UrlSource {
        self.pick_url(cli_url, env_database_url).0
    }

    fn pick_url<'a>(
        &'a self,
        cli_url: Option<&'a str>,
        env_database_url: Option<&'a str>,
    ) -> (UrlSource, &'a str) {
        let set = |value: Option<&'a str>| value.filter(|v| !v.trim().is_empty());
        if let Some(url) = set(cli_url) {
            (UrlSource::CommandLine, url)
        } else if let Some(url) = set(env_database_url) {
            (UrlSource::Environment, url)
        } else if let Some(url) = set(self.url.as_deref()) {
            if self.alembic.is_some() {
                (UrlSource::AlembicIni, url)
            } else {
                (UrlSource::ProjectFile, url)
            }
        } else {
            (UrlSource::Default, DEFAULT_URL)
        }
    }

    /// Creates a project in `dir` (created if missing): retort.toml and
    /// `<script_location>/versions/`. Refuses to overwrite an existing project.
    pub fn init(dir: &Path, script_location: &str) -> Result<Project> {
        let dir = absolute(dir);
        let config_path = dir.join(CONFIG_FILE);
        if config_path.exists() {
            return Err(Error::config(format!(
                "{} already exists: this folder is already a Retort project",
                config_path.display()
            )));
        }
        if script_location.trim().is_empty() {
            return Err(Error::config(
                "The script location is empty; name the folder that will hold versions/",
            ));
        }
        let versions = normalize(&dir.join(script_location)).join("versions");
        let non_empty = match std::fs::read_dir(&versions) {
            Ok(mut entries) => entries.next().is_some(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(Error::io(&versions, e)),
        };
        if non_empty {
            return Err(Error::config(format!(
                "{} already exists and is not empty. Choose another script location, or move \
                 its files away first",
                versions.display()
            )));
        }
        std::fs::create_dir_all(&versions).map_err(|e| Error::io(&versions, e))?;
        std::fs::write(&config_path, config_template(script_location))
            .map_err(|e| Error::io(&config_path, e))?;
        Project::discover(&dir)
    }
}

/// The environment variable Alembic takes as the default of `-c`.
pub const ALEMBIC_CONFIG_ENV: &str = "ALEMBIC_CONFIG";

/// Where to open the project when no `-c` is given: `cwd` when it holds retort.toml (Retort's
/// own config wins), else the file `ALEMBIC_CONFIG` names (relative to `cwd`, as Alembic takes
/// it), else `cwd`. Returns the path and whether it came from `ALEMBIC_CONFIG` (then open it
/// with [`Project::discover_alembic_file`]).
pub fn default_project_path(
    cwd: &Path,
    alembic_config: Option<&std::ffi::OsStr>,
) -> (PathBuf, bool) {
    match alembic_config.filter(|v| !v.is_empty()) {
        Some(value) if !cwd.join(CONFIG_FILE).is_file() => (cwd.join(value), true),
        _ => (cwd.to_path_buf(), false),
    }
}

/// Opens the project when no `-c` is given (see [`default_project_path`]).
pub fn discover_default(
    cwd: &Path,
    alembic_config: Option<&std::ffi::OsStr>,
    alembic_section: Option<&str>,
) -> Result<Project> {
    match default_project_path(cwd, alembic_config) {
        (path, true) => {
            if !path.exists() {
                return Err(Error::config(format!(
                    "{ALEMBIC_CONFIG_ENV} names {}, which does not exist. Fix or unset \
                     {ALEMBIC_CONFIG_ENV}, or pass -c",
                    absolute(&path).display()
                )));
            }
            Project::discover_alembic_file(&normalize(&absolute(&path)), alembic_section)
        }
        (path, false) => Project::discover_with(&path, alembic_section),
    }
}

fn is_pyproject(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == PYPROJECT_FILE)
}

/// Whether `path` is a pyproject.toml with a `[tool.alembic]` table (an invalid one is an
/// error: Alembic would fail on it too).
fn has_tool_alembic(path: &Path) -> Result<bool> {
    if !path.is_file() {
        return Ok(false);
    }
    Ok(PyprojectAlembic::load(path)?.is_some())
}

/// `table` or `schema.table`, each a plain identifier, so it can be used unquoted on every
/// dialect.
fn check_version_table(name: &str) -> std::result::Result<(), String> {
    let parts: Vec<&str> = name.split('.').collect();
    let plain = |part: &str| {
        let mut chars = part.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if parts.len() <= 2 && parts.iter().all(|p| plain(p)) {
        Ok(())
    } else {
        Err(
            "not a plain table name. Use letters, digits and underscores (not starting with a \
             digit), optionally schema-qualified as schema.table"
                .to_string(),
        )
    }
}

fn config_template(script_location: &str) -> String {
    let location = toml::Value::String(script_location.to_string());
    format!(
        "# Retort project settings. Paths are relative to this file.\n\
         \n\
         # Folder that holds versions/, the revision scripts.\n\
         script_location = {location}\n\
         \n\
         # Table that records the current revision(s): the same table Alembic uses.\n\
         version_table = \"alembic_version\"\n\
         \n\
         # Database URL, in SQLAlchemy or sqlx form. DATABASE_URL in the environment and --url\n\
         # override it. A relative SQLite path is relative to this folder.\n\
         url = \"{DEFAULT_URL}\"\n\
         \n\
         # true: each revision runs in its own transaction instead of one for the whole run.\n\
         transaction_per_migration = false\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> PathBuf {
        PathBuf::from("/projects/demo")
    }

    fn parse(raw: &str) -> DatabaseUrl {
        DatabaseUrl::parse(raw, &base()).unwrap_or_else(|e| panic!("{raw}: {e}"))
    }

    fn url_error(raw: &str) -> (String, String) {
        match DatabaseUrl::parse(raw, &base()) {
            Err(Error::Url { url, reason }) => (url, reason),
            other => panic!("{raw}: expected a URL error, got {other:?}"),
        }
    }

    #[test]
    fn sqlite_sqlalchemy_forms() {
        let rel = parse("sqlite:///nexus.db");
        assert_eq!(rel.dialect(), Dialect::Sqlite);
        assert_eq!(
            rel.sqlite_path(),
            Some(Path::new("/projects/demo/nexus.db"))
        );
        assert_eq!(
            rel.connect_url(),
            "sqlite:///projects/demo/nexus.db?mode=rwc"
        );
        assert_eq!(rel.redacted(), "sqlite:////projects/demo/nexus.db");

        let nested = parse("sqlite:///./data/../db/app.db");
        assert_eq!(
            nested.sqlite_path(),
            Some(Path::new("/projects/demo/db/app.db"))
        );

        let abs = parse("sqlite:////var/lib/app.db");
        assert_eq!(abs.sqlite_path(), Some(Path::new("/var/lib/app.db")));
        assert_eq!(abs.connect_url(), "sqlite:///var/lib/app.db?mode=rwc");

        let driver = parse("sqlite+pysqlite:///x.db");
        assert_eq!(driver.sqlite_path(), Some(Path::new("/projects/demo/x.db")));

        for memory in [
            "sqlite://",
            "sqlite:///:memory:",
            "sqlite:///",
            "sqlite+aiosqlite://",
        ] {
            let url = parse(memory);
            assert!(url.is_memory(), "{memory}");
            assert_eq!(url.sqlite_path(), None);
            assert_eq!(url.connect_url(), "sqlite::memory:");
            assert_eq!(url.redacted(), "sqlite::memory:");
        }
    }

    #[test]
    fn sqlite_sqlx_forms() {
        assert!(parse("sqlite::memory:").is_memory());
        assert!(parse("sqlite://:memory:").is_memory());
        assert!(parse("sqlite:///data.db?mode=memory").is_memory());
        assert_eq!(
            parse("sqlite:rel.db").sqlite_path(),
            Some(Path::new("/projects/demo/rel.db"))
        );
        assert_eq!(
            parse("sqlite:/abs/x.db").sqlite_path(),
            Some(Path::new("/abs/x.db"))
        );
        assert_eq!(
            parse("sqlite://rel.db").sqlite_path(),
            Some(Path::new("/projects/demo/rel.db"))
        );
        // sqlx percent-decodes its paths; SQLAlchemy-form paths are literal.
        assert_eq!(
            parse("sqlite:my%20db.db").sqlite_path(),
            Some(Path::new("/projects/demo/my db.db"))
        );
        assert_eq!(
            parse("sqlite:///my%20db.db").sqlite_path(),
            Some(Path::new("/projects/demo/my%20db.db"))
        );
        let (_, reason) = url_error("sqlite:");
        assert!(reason.contains("names no SQLite file"));
    }

    #[test]
    fn sqlite_paths_are_encoded_for_sqlx() {
        let url = parse("sqlite:////tmp/odd dir/50%#1?.db");
        assert_eq!(url.sqlite_path(), Some(Path::new("/tmp/odd dir/50%#1")));
        let url = parse("sqlite:////tmp/odd dir/50%.db");
        assert_eq!(
            url.connect_url(),
            "sqlite:///tmp/odd%20dir/50%25.db?mode=rwc"
        );
        // The encoded form decodes back to the same path through the sqlx form.
        let again = DatabaseUrl::parse("sqlite:/tmp/odd%20dir/50%25.db", &base()).unwrap();
        assert_eq!(again.sqlite_path(), url.sqlite_path());
        // The display form parses back to the same file.
        assert_eq!(DatabaseUrl::parse(&url.redacted(), &base()).unwrap(), url);
    }

    #[test]
    fn sqlite_query_parameters() {
        let ro = parse("sqlite:///x.db?mode=ro&check_same_thread=false&timeout=20");
        assert_eq!(ro.connect_url(), "sqlite:///projects/demo/x.db?mode=ro");
        let shared = parse("sqlite:///x.db?cache=shared");
        assert_eq!(
            shared.connect_url(),
            "sqlite:///projects/demo/x.db?mode=rwc&cache=shared"
        );
        assert_eq!(
            shared.redacted(),
            "sqlite:////projects/demo/x.db?cache=shared"
        );
        assert!(url_error("sqlite:///x.db?mode=write")
            .1
            .contains("unknown SQLite mode"));
        assert!(url_error("sqlite:///file:x.db?uri=true")
            .1
            .contains("uri=true"));
    }

    #[test]
    fn relative_base_dir_is_made_absolute() {
        let url = DatabaseUrl::parse("sqlite:///x.db", Path::new("sub")).unwrap();
        let expected = std::env::current_dir().unwrap().join("sub/x.db");
        assert_eq!(url.sqlite_path(), Some(expected.as_path()));
    }

    #[test]
    fn postgres_forms() {
        for scheme in [
            "postgresql",
            "postgres",
            "postgresql+psycopg2",
            "postgresql+asyncpg",
            "POSTGRESQL+psycopg",
        ] {
            let url = parse(&format!("{scheme}://app:secret@db.example.com:6543/shop"));
            assert_eq!(url.dialect(), Dialect::Postgresql, "{scheme}");
            assert_eq!(
                url.connect_url(),
                "postgresql://app:secret@db.example.com:6543/shop"
            );
            assert_eq!(
                url.redacted(),
                "postgresql://app:***@db.example.com:6543/shop"
            );
            assert_eq!(url.host(), Some("db.example.com"));
            assert_eq!(url.port(), Some(6543));
            assert_eq!(url.username(), Some("app"));
            assert_eq!(url.database_name().as_deref(), Some("shop"));
            assert!(!url.is_mariadb());
            assert_eq!(url.sqlite_path(), None);
        }
        let minimal = parse("postgresql://localhost/shop");
        assert_eq!(minimal.port(), Some(5432));
        assert_eq!(minimal.username(), None);
        assert_eq!(minimal.connect_url(), "postgresql://localhost/shop");

        let no_host = parse("postgresql:///shop");
        assert_eq!(no_host.host(), Some("localhost"));
        assert_eq!(no_host.database_name().as_deref(), Some("shop"));

        let ipv6 = parse("postgresql://u@[::1]:5433/x");
        assert_eq!(ipv6.host(), Some("[::1]"));
        assert_eq!(ipv6.connect_url(), "postgresql://u@[::1]:5433/x");
    }

    #[test]
    fn postgres_query_parameters() {
        let url = parse(
            "postgresql+psycopg2://u:p@h/db?sslmode=require&client_encoding=utf8&application_name=retort&connect_timeout=10",
        );
        assert_eq!(
            url.connect_url(),
            "postgresql://u:p@h/db?sslmode=require&application_name=retort"
        );
        let asyncpg = parse("postgresql+asyncpg://u@h/db?ssl=true");
        assert_eq!(asyncpg.connect_url(), "postgresql://u@h/db?sslmode=require");
        assert!(url_error("postgresql://h/db?sslmode=sometimes")
            .1
            .contains("unknown sslmode"));

        let socket = parse("postgresql://u@/db?host=/var/run/postgresql");
        assert_eq!(socket.host(), Some("/var/run/postgresql"));
        assert_eq!(
            socket.connect_url(),
            "postgresql://u@localhost/db?host=%2Fvar%2Frun%2Fpostgresql"
        );

        let in_query = parse("postgresql://h/?dbname=shop&user=me&password=hunter2");
        assert_eq!(in_query.database_name().as_deref(), Some("shop"));
        assert_eq!(in_query.username(), Some("me"));
        assert!(!in_query.redacted().contains("hunter2"));
        assert!(in_query.redacted().contains("password=***"));
        assert!(!format!("{in_query:?}").contains("hunter2"));
    }

    #[test]
    fn mysql_forms_and_parameters() {
        for scheme in [
            "mysql",
            "mysql+pymysql",
            "mysql+mysqldb",
            "mariadb",
            "mariadb+pymysql",
        ] {
            let url = parse(&format!(
                "{scheme}://root:pw@127.0.0.1:3307/shop?charset=utf8mb4"
            ));
            assert_eq!(url.dialect(), Dialect::Mysql);
            assert_eq!(
                url.connect_url(),
                "mysql://root:pw@127.0.0.1:3307/shop?charset=utf8mb4"
            );
            assert_eq!(url.is_mariadb(), scheme.starts_with("mariadb"));
            let shown = if url.is_mariadb() { "mariadb" } else { "mysql" };
            assert_eq!(
                url.redacted(),
                format!("{shown}://root:***@127.0.0.1:3307/shop?charset=utf8mb4")
            );
        }
        let url = parse("mysql+pymysql://u@h/db?charset=latin1&ssl_ca=/ca.pem&binary_prefix=true&unix_socket=/tmp/m.sock");
        assert_eq!(
            url.connect_url(),
            "mysql://u@h/db?ssl-ca=%2Fca.pem&socket=%2Ftmp%2Fm.sock"
        );
        assert_eq!(url.port(), Some(3306));
        let utf8 = parse("mysql://u@h/db?charset=utf8mb3&ssl_mode=REQUIRED");
        assert_eq!(
            utf8.connect_url(),
            "mysql://u@h/db?charset=utf8&ssl-mode=REQUIRED"
        );
        assert!(url_error("mysql://h/db?ssl-mode=maybe")
            .1
            .contains("unknown ssl-mode"));
    }

    #[test]
    fn passwords_with_special_characters_round_trip() {
        // p@ss:w/rd%?#& and a non-ASCII letter, percent-encoded in the URL.
        let password = "p@ss:w/rd%?#&é";
        let encoded: String = utf8_percent_encode(password, COMPONENT).collect();
        let url = parse(&format!("postgresql://us%40er:{encoded}@h:5432/db"));
        assert_eq!(url.username(), Some("us@er"));
        // What sqlx will decode from the connection string is the original password.
        let connect = url::Url::parse(url.connect_url()).unwrap();
        let decoded = percent_decode_str(connect.password().unwrap())
            .decode_utf8()
            .unwrap();
        assert_eq!(decoded, password);
        assert_eq!(
            percent_decode_str(connect.username())
                .decode_utf8()
                .unwrap(),
            "us@er"
        );
        assert_eq!(connect.host_str(), Some("h"));
        assert_eq!(connect.path(), "/db");
        // Re-parsing the connection string is stable.
        assert_eq!(parse(url.connect_url()).connect_url(), url.connect_url());
        let json = serde_json::to_string(&url).unwrap();
        for shown in [url.redacted(), url.to_string(), format!("{url:?}"), json] {
            assert!(!shown.contains("rd"), "{shown}");
            assert!(shown.contains(":***@h:5432/db"), "{shown}");
        }
        // An unencoded @ in the password still works (the last @ ends the user info).
        let raw = parse("mysql://u:p@ss@h/db");
        let connect = url::Url::parse(raw.connect_url()).unwrap();
        assert_eq!(connect.password(), Some("p%40ss"));
        assert_eq!(raw.host(), Some("h"));
    }

    #[test]
    fn connect_urls_are_accepted_by_sqlx() {
        use sqlx::mysql::MySqlConnectOptions;
        use sqlx::postgres::PgConnectOptions;
        use sqlx::sqlite::SqliteConnectOptions;
        use std::str::FromStr;

        let file = parse("sqlite:////tmp/odd dir/50%.db?cache=shared");
        let options = SqliteConnectOptions::from_str(file.connect_url()).unwrap();
        assert_eq!(options.get_filename(), Path::new("/tmp/odd dir/50%.db"));
        SqliteConnectOptions::from_str(parse("sqlite://").connect_url()).unwrap();

        let pg = parse("postgresql+psycopg2://us%40er:p%2Fw@db.example.com:6543/my%20db?sslmode=require&connect_timeout=5");
        let options = PgConnectOptions::from_str(pg.connect_url()).unwrap();
        assert_eq!(options.get_username(), "us@er");
        assert_eq!(options.get_host(), "db.example.com");
        assert_eq!(options.get_port(), 6543);
        assert_eq!(options.get_database(), Some("my db"));

        let my =
            parse("mariadb+pymysql://root:p%3Aw@127.0.0.1/shop?charset=utf8mb4&ssl_ca=/ca.pem");
        let options = MySqlConnectOptions::from_str(my.connect_url()).unwrap();
        assert_eq!(options.get_username(), "root");
        assert_eq!(options.get_port(), 3306);
        assert_eq!(options.get_database(), Some("shop"));
        assert_eq!(options.get_charset(), "utf8mb4");
    }

    #[test]
    fn bad_urls_are_redacted_in_errors() {
        let (url, reason) = url_error("oracle://u:secret@h/db");
        assert_eq!(url, "oracle://u:***@h/db");
        assert!(reason.contains("unsupported scheme 'oracle'"));

        // An unencoded '/' in the password breaks the URL; the error must not show it.
        let (url, reason) = url_error("postgresql://u:se/cret@h:5432/db");
        assert!(!url.contains("cret"), "{url}");
        assert!(reason.contains("percent-encode"), "{reason}");

        let (url, reason) = url_error("postgresql://u:se#cret@h/db");
        assert!(!url.contains("cret"), "{url}");
        assert!(reason.contains("percent-encode"), "{reason}");

        let err = DatabaseUrl::parse("postgresql:h/db", &base()).unwrap_err();
        assert_eq!(err.kind(), "url");
        assert!(err.to_string().contains("expected '//'"));
        assert!(err.to_string().contains("Accepted forms"));

        assert!(url_error("").1.contains("empty"));
        assert!(url_error("nexus.db").1.contains("no scheme"));
    }

    #[test]
    fn with_database_keeps_the_server() {
        let url = parse("postgresql://u:p@h:5433/main?sslmode=disable&dbname=main");
        let other = url.with_database("retort_test_1");
        assert_eq!(
            other.connect_url(),
            "postgresql://u:p@h:5433/retort_test_1?sslmode=disable"
        );
        assert_eq!(other.database_name().as_deref(), Some("retort_test_1"));
        let maria = parse("mariadb://root@h/x").with_database("y");
        assert!(maria.is_mariadb());
        assert_eq!(maria.connect_url(), "mysql://root@h/y");

        let file = parse("sqlite:///data/app.db").with_database("other.db");
        assert_eq!(
            file.sqlite_path(),
            Some(Path::new("/projects/demo/data/other.db"))
        );
        assert!(parse("sqlite://").with_database("x").is_memory());
    }

    #[test]
    fn redact_secrets_in_free_text() {
        assert_eq!(
            redact_secrets("connect to postgresql://app:s3cr3t@db:5432/x failed"),
            "connect to postgresql://app:***@db:5432/x failed"
        );
        assert_eq!(
            redact_secrets("a mysql+pymysql://u:p%40ss@h/db and b postgres://v:w@k/z."),
            "a mysql+pymysql://u:***@h/db and b postgres://v:***@k/z."
        );
        // Raw @ and / in a password are still hidden.
        assert_eq!(
            redact_secrets("x postgresql://u:p@s/s@h/db"),
            "x postgresql://u:***@h/db"
        );
        assert_eq!(
            redact_secrets("postgresql://h/db?sslmode=require&password=abc&x=1"),
            "postgresql://h/db?sslmode=require&password=***&x=1"
        );
        // Nothing to hide.
        for text in [
            "postgresql://u@h/db",
            "see https://example.com/a:b",
            "no url here: a@b",
            "://weird",
        ] {
            assert_eq!(redact_secrets(text), text);
        }
    }

    fn write_project(toml: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("retort.toml"), toml).unwrap();
        dir
    }

    fn config_error(toml: &str) -> String {
        let dir = write_project(toml);
        match Project::discover(dir.path()) {
            Err(Error::Config { message }) => message,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn discover_reads_retort_toml_with_defaults() {
        let dir = write_project("");
        let project = Project::discover(dir.path()).unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        assert_eq!(project.root, root);
        assert_eq!(project.config_path, root.join("retort.toml"));
        assert_eq!(project.script_location, root.join("migrations"));
        assert_eq!(project.versions_dir(), root.join("migrations/versions"));
        assert_eq!(project.version_table, "alembic_version");
        assert_eq!(project.url, None);
        assert!(!project.transaction_per_migration);

        // The file itself works too.
        let by_file = Project::discover(&dir.path().join("retort.toml")).unwrap();
        assert_eq!(by_file.root, root);
    }

    #[test]
    fn discover_reads_all_keys() {
        let dir = write_project(
            "script_location = \"db/./scripts\"\nversion_table = \"meta.versions\"\n\
             url = \"sqlite:///app.db\"\ntransaction_per_migration = true\n",
        );
        let project = Project::discover(dir.path()).unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        assert_eq!(project.script_location, root.join("db/scripts"));
        assert_eq!(project.version_table, "meta.versions");
        assert_eq!(project.url.as_deref(), Some("sqlite:///app.db"));
        assert!(project.transaction_per_migration);
    }

    #[test]
    fn discover_errors() {
        let empty = tempfile::tempdir().unwrap();
        match Project::discover(empty.path()) {
            Err(Error::Config { message }) => {
                assert!(
                    message.starts_with(
                        "No retort.toml, alembic.ini or pyproject.toml with [tool.alembic] in "
                    ),
                    "{message}"
                );
                assert!(message.ends_with(
                    "Run `retort init` to create a project here, or pass -c <project folder>."
                ));
            }
            other => panic!("{other:?}"),
        }

        // An alembic.ini makes an Alembic project; a broken one says what is missing.
        std::fs::write(empty.path().join("alembic.ini"), "[alembic]\n").unwrap();
        for path in [empty.path().to_path_buf(), empty.path().join("alembic.ini")] {
            match Project::discover(&path) {
                Err(Error::Config { message }) => {
                    assert!(message.contains("No 'script_location' key"), "{message}");
                }
                other => panic!("{other:?}"),
            }
        }

        match Project::discover(&empty.path().join("missing")) {
            Err(Error::Config { message }) => assert!(message.contains("does not exist")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn retort_toml_errors() {
        let message = config_error("script_location = \"m\"\nscript_locaton = \"x\"\n");
        assert!(
            message.contains("Unknown key 'script_locaton'"),
            "{message}"
        );
        assert!(
            message.contains(
                "Allowed keys: script_location, version_table, url, transaction_per_migration"
            ),
            "{message}"
        );

        let message = config_error("version_table = \"ok\"\nurl = \"unterminated\n");
        assert!(message.contains("retort.toml:2: invalid TOML"), "{message}");

        let message = config_error("transaction_per_migration = \"yes\"\n");
        assert!(
            message.contains("must be true or false, not string"),
            "{message}"
        );

        let message = config_error("script_location = 3\n");
        assert!(message.contains("'script_location'"), "{message}");
        assert!(
            message.contains("must be a string, not integer"),
            "{message}"
        );

        for bad in [
            "alembic-version",
            "a.b.c",
            "1abc",
            "x; DROP TABLE y",
            "",
            "schema.",
        ] {
            let message = config_error(&format!("version_table = \"{bad}\"\n"));
            assert!(
                message.contains("not a plain table name"),
                "{bad}: {message}"
            );
        }
    }

    #[test]
    fn url_precedence() {
        let dir = write_project("url = \"sqlite:///from_toml.db\"\n");
        let project = Project::discover(dir.path()).unwrap();
        let root = project.root.clone();

        let pick = |cli, env| {
            let url = project.database_url(cli, env).unwrap();
            (
                project.url_source(cli, env),
                url.sqlite_path().unwrap().to_path_buf(),
            )
        };
        assert_eq!(
            pick(Some("sqlite:///cli.db"), Some("sqlite:///env.db")),
            (UrlSource::CommandLine, root.join("cli.db"))
        );
        assert_eq!(
            pick(None, Some("sqlite:///env.db")),
            (UrlSource::Environment, root.join("env.db"))
        );
        assert_eq!(
            pick(Some(""), Some("  ")),
            (UrlSource::ProjectFile, root.join("from_toml.db"))
        );

        let bare = write_project("");
        let bare = Project::discover(bare.path()).unwrap();
        assert_eq!(bare.url_source(None, None), UrlSource::Default);
        assert_eq!(
            bare.database_url(None, None).unwrap().sqlite_path(),
            Some(bare.root.join("nexus.db").as_path())
        );
        assert_eq!(UrlSource::Environment.to_string(), "DATABASE_URL");
    }

    #[test]
    fn init_creates_a_project_and_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("new project");
        let project = Project::init(&target, "db migrations").unwrap();
        let root = std::path::absolute(&target).unwrap();
        assert_eq!(project.root, root);
        assert_eq!(project.script_location, root.join("db migrations"));
        assert!(project.versions_dir().is_dir());
        assert!(project.load_scripts().unwrap().is_empty());
        assert_eq!(project.url.as_deref(), Some(DEFAULT_URL));
        let text = std::fs::read_to_string(&project.config_path).unwrap();
        assert!(
            text.contains("script_location = \"db migrations\""),
            "{text}"
        );
        assert!(text.contains("# Folder that holds versions/"), "{text}");

        match Project::init(&target, "other") {
            Err(Error::Config { message }) => assert!(message.contains("already exists")),
            other => panic!("{other:?}"),
        }

        let second = dir.path().join("second");
        std::fs::create_dir_all(second.join("migrations/versions")).unwrap();
        std::fs::write(second.join("migrations/versions/a.sql"), "").unwrap();
        match Project::init(&second, "migrations") {
            Err(Error::Config { message }) => assert!(message.contains("not empty")),
            other => panic!("{other:?}"),
        }
        assert!(
            !second.join("retort.toml").exists(),
            "nothing written on refusal"
        );

        // An existing but empty versions folder is fine.
        let third = dir.path().join("third");
        std::fs::create_dir_all(third.join("migrations/versions")).unwrap();
        assert!(Project::init(&third, "migrations").is_ok());
    }

    #[test]
    fn discover_alembic_projects() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        std::fs::create_dir_all(root.join("alembic/versions")).unwrap();
        std::fs::write(
            root.join("alembic/versions/a1.py"),
            "\"\"\"first\n\nCreate Date: 2026-01-01\"\"\"\nrevision = 'a1'\ndown_revision = None\n",
        )
        .unwrap();
        std::fs::write(
            root.join("alembic.ini"),
            "[alembic]\nscript_location = %(here)s/alembic\nsqlalchemy.url = sqlite:///app.db\n\
             [second]\nscript_location = alembic\n",
        )
        .unwrap();
        let project = Project::discover(&root).unwrap();
        assert_eq!(project.kind(), ProjectKind::Alembic);
        assert_eq!(project.config_path, root.join("alembic.ini"));
        assert_eq!(project.versions_dir(), root.join("alembic/versions"));
        assert_eq!(project.version_table, "alembic_version");
        assert_eq!(project.url_source(None, None), UrlSource::AlembicIni);
        assert_eq!(
            project.database_url(None, None).unwrap().sqlite_path(),
            Some(root.join("app.db").as_path())
        );
        let scripts = project.load_scripts().unwrap();
        assert_eq!(scripts[0].revision.message, "first");

        let second = Project::discover_with(&root.join("alembic.ini"), Some("second")).unwrap();
        assert_eq!(second.alembic.as_ref().unwrap().section, "second");
        let message = second.database_url(None, None).unwrap_err().to_string();
        assert!(message.contains("No database URL: [second]"), "{message}");
        assert!(second.database_url(Some("sqlite:///x.db"), None).is_ok());

        let native = write_project("");
        let message = Project::discover_with(native.path(), Some("x"))
            .unwrap_err()
            .to_string();
        assert!(message.contains("is a Retort project"), "{message}");
    }

    /// A folder made by `alembic init -t pyproject`: settings in pyproject.toml, the URL in
    /// alembic.ini.
    fn pyproject_project(with_ini: bool) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        std::fs::create_dir_all(root.join("migrations/versions")).unwrap();
        std::fs::create_dir_all(root.join("more")).unwrap();
        std::fs::write(
            root.join("migrations/versions/a1.py"),
            "\"\"\"first\"\"\"\nrevision = 'a1'\ndown_revision = None\n",
        )
        .unwrap();
        std::fs::write(
            root.join("more/b2.py"),
            "\"\"\"second\"\"\"\nrevision = 'b2'\ndown_revision = 'a1'\n",
        )
        .unwrap();
        std::fs::write(
            root.join("pyproject.toml"),
            "[project]\nname = \"app\"\n\n[tool.alembic]\n\
             script_location = \"%(here)s/migrations\"\n\
             version_locations = [\"%(here)s/migrations/versions\", \"more\"]\n\
             prepend_sys_path = [\".\"]\nrecursive_version_locations = false\n",
        )
        .unwrap();
        if with_ini {
            std::fs::write(
                root.join("alembic.ini"),
                "[alembic]\nsqlalchemy.url = sqlite:///app.db\n\n[loggers]\nkeys = root\n",
            )
            .unwrap();
        }
        (dir, root)
    }

    #[test]
    fn discover_pyproject_projects() {
        // alembic.ini and pyproject.toml: the settings from the toml, the URL from the ini,
        // whichever file names the project.
        let (_dir, root) = pyproject_project(true);
        for path in [
            root.clone(),
            root.join("alembic.ini"),
            root.join("pyproject.toml"),
        ] {
            let project = Project::discover(&path).unwrap();
            assert_eq!(project.kind(), ProjectKind::Alembic, "{path:?}");
            assert_eq!(project.root, root);
            assert_eq!(project.config_path, root.join("alembic.ini"));
            let settings = project.alembic.as_ref().unwrap();
            assert_eq!(settings.ini_path, Some(root.join("alembic.ini")));
            assert_eq!(settings.toml_path, Some(root.join("pyproject.toml")));
            assert_eq!(project.script_location, root.join("migrations"));
            assert_eq!(
                settings.version_locations,
                vec![root.join("migrations/versions"), root.join("more")]
            );
            assert_eq!(
                settings.config_args(),
                vec![
                    "-c".to_string(),
                    root.join("alembic.ini").display().to_string(),
                    "-c".to_string(),
                    root.join("pyproject.toml").display().to_string(),
                ]
            );
            assert_eq!(project.url_source(None, None), UrlSource::AlembicIni);
            assert_eq!(
                project.database_url(None, None).unwrap().sqlite_path(),
                Some(root.join("app.db").as_path())
            );
            let ids: Vec<String> = project
                .load_scripts()
                .unwrap()
                .into_iter()
                .map(|s| s.revision.id)
                .collect();
            assert_eq!(ids, ["a1", "b2"]);
        }

        // A key of the ini section wins over [tool.alembic] (Config.get_alembic_option).
        std::fs::write(
            root.join("alembic.ini"),
            "[alembic]\nscript_location = %(here)s/more\nsqlalchemy.url = sqlite:///app.db\n",
        )
        .unwrap();
        let project = Project::discover(&root).unwrap();
        assert_eq!(project.script_location, root.join("more"));
        assert_eq!(
            project.alembic.as_ref().unwrap().version_locations,
            vec![root.join("migrations/versions"), root.join("more")],
            "version_locations still from the toml"
        );

        // A retort.toml still wins over both.
        std::fs::write(root.join("retort.toml"), "").unwrap();
        assert_eq!(
            Project::discover(&root).unwrap().kind(),
            ProjectKind::Native
        );
        assert_eq!(
            Project::discover(&root.join("pyproject.toml"))
                .unwrap()
                .kind(),
            ProjectKind::Alembic,
            "-c pyproject.toml names the Alembic config"
        );
    }

    #[test]
    fn discover_pyproject_only() {
        let (_dir, root) = pyproject_project(false);
        let project = Project::discover(&root).unwrap();
        assert_eq!(project.config_path, root.join("pyproject.toml"));
        let settings = project.alembic.as_ref().unwrap();
        assert_eq!(settings.ini_path, None);
        assert_eq!(settings.here(), root);
        assert_eq!(project.load_scripts().unwrap().len(), 2);
        let message = project.database_url(None, None).unwrap_err().to_string();
        assert!(
            message.contains("has no alembic.ini beside") && message.contains("--url"),
            "{message}"
        );
        assert!(project.database_url(None, Some("sqlite:///x.db")).is_ok());

        // A pyproject.toml without [tool.alembic] is no project; an invalid one says so.
        std::fs::write(root.join("pyproject.toml"), "[project]\nname = \"app\"\n").unwrap();
        let message = Project::discover(&root).unwrap_err().to_string();
        assert!(message.starts_with("No retort.toml, alembic.ini or pyproject.toml"));
        let message = Project::discover(&root.join("pyproject.toml"))
            .unwrap_err()
            .to_string();
        assert!(message.contains("has no [tool.alembic] table"), "{message}");
        std::fs::write(root.join("pyproject.toml"), "[tool.alembic\n").unwrap();
        let message = Project::discover(&root).unwrap_err().to_string();
        assert!(
            message.contains("pyproject.toml:1: invalid TOML"),
            "{message}"
        );
    }

    #[test]
    fn alembic_config_is_the_default_of_c() {
        let (_dir, root) = pyproject_project(true);
        std::fs::rename(root.join("alembic.ini"), root.join("prod.cfg")).unwrap();
        let cwd = tempfile::tempdir().unwrap();
        let cwd = std::path::absolute(cwd.path()).unwrap();
        let env = |value: &Path| Some(value.as_os_str().to_owned());

        // Any file name is an ini file, as for `alembic -c`; pyproject.toml is the toml.
        let project = discover_default(&cwd, env(&root.join("prod.cfg")).as_deref(), None).unwrap();
        assert_eq!(project.config_path, root.join("prod.cfg"));
        assert_eq!(project.script_location, root.join("migrations"));
        let project =
            discover_default(&cwd, env(&root.join("pyproject.toml")).as_deref(), None).unwrap();
        assert_eq!(project.config_path, root.join("pyproject.toml"));

        // Relative to the current folder.
        let relative = pathdiff_like(&root.join("pyproject.toml"), &cwd);
        let project = discover_default(&cwd, env(&relative).as_deref(), None).unwrap();
        assert_eq!(project.root, root);

        // Unset or empty: the current folder.
        let message = discover_default(&cwd, Some(std::ffi::OsStr::new("")), None)
            .unwrap_err()
            .to_string();
        assert!(message.starts_with("No retort.toml"), "{message}");
        assert_eq!(default_project_path(&cwd, None), (cwd.clone(), false));

        // A missing file says where the name came from.
        let message = discover_default(&cwd, Some(std::ffi::OsStr::new("nope.ini")), None)
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("ALEMBIC_CONFIG names ") && message.contains("nope.ini"),
            "{message}"
        );

        // A retort.toml in the current folder wins.
        std::fs::write(cwd.join("retort.toml"), "").unwrap();
        let project =
            discover_default(&cwd, env(&root.join("pyproject.toml")).as_deref(), None).unwrap();
        assert_eq!(project.kind(), ProjectKind::Native);
        assert_eq!(project.root, cwd);
    }

    /// `target` relative to `base` (both absolute), with `..` as needed.
    fn pathdiff_like(target: &Path, base: &Path) -> PathBuf {
        let target: Vec<_> = target.components().collect();
        let base: Vec<_> = base.components().collect();
        let common = target.iter().zip(&base).take_while(|(a, b)| a == b).count();
        let mut out = PathBuf::new();
        for _ in common..base.len() {
            out.push("..");
        }
        for part in &target[common..] {
            out.push(part);
        }
        out
    }

    #[test]
    fn sqlalchemy_form() {
        let url = parse("postgresql://us%40er:p%2Fw%25@db:5433/my%20db?sslmode=require");
        assert_eq!(
            url.to_sqlalchemy(Some("psycopg2")),
            "postgresql+psycopg2://us%40er:p%2Fw%25@db:5433/my%20db?sslmode=require"
        );
        assert_eq!(
            parse("mariadb://root@h/shop?charset=utf8mb4&ssl-mode=REQUIRED&ssl_ca=/ca.pem")
                .to_sqlalchemy(Some("pymysql")),
            "mariadb+pymysql://root@h/shop?charset=utf8mb4&ssl_ca=%2Fca.pem"
        );
        assert_eq!(
            parse("sqlite:///data/a b.db").to_sqlalchemy(None),
            "sqlite:////projects/demo/data/a%20b.db"
        );
        assert_eq!(
            parse("postgres:///x?host=/run").to_sqlalchemy(None),
            "postgresql://localhost/x?host=%2Frun"
        );
    }

    #[test]
    fn load_scripts_missing_versions_dir_says_what_to_do() {
        let dir = write_project("script_location = \"nowhere\"\n");
        let project = Project::discover(dir.path()).unwrap();
        match project.load_scripts() {
            Err(Error::Config { message }) => assert!(message.contains("retort init")),
            other => panic!("{other:?}"),
        }
    }
}

#[cfg(test)]
mod from_parts_tests {
    use super::*;

    fn server(dialect: Dialect) -> UrlParts {
        UrlParts {
            dialect,
            host: Some("db.internal".into()),
            port: Some(6432),
            database: Some("app db".into()),
            user: Some("ann@corp".into()),
            password: Some("p@ss:w/rd %".into()),
            sqlite_path: None,
        }
    }

    #[test]
    fn server_parts_survive_any_character() {
        let url = DatabaseUrl::from_parts(&server(Dialect::Postgresql), Path::new("/")).unwrap();
        assert_eq!(url.host(), Some("db.internal"));
        assert_eq!(url.port(), Some(6432));
        assert_eq!(url.username(), Some("ann@corp"));
        assert_eq!(url.database_name().as_deref(), Some("app db"));
        assert_eq!(
            url.redacted(),
            "postgresql://ann%40corp:***@db.internal:6432/app%20db"
        );
        // The connection string parses back to the same URL.
        let again = DatabaseUrl::parse(url.connect_url(), Path::new("/")).unwrap();
        assert_eq!(again, url);
    }

    #[test]
    fn empty_fields_are_unset_and_the_password_never_shows() {
        let parts = UrlParts {
            host: Some("  ".into()),
            port: None,
            database: Some(String::new()),
            user: None,
            ..server(Dialect::Mysql)
        };
        let url = DatabaseUrl::from_parts(&parts, Path::new("/")).unwrap();
        assert_eq!(url.host(), Some("localhost"));
        assert_eq!(url.port(), Some(3306));
        assert_eq!(url.database_name(), None);
        assert!(!format!("{parts:?}").contains("w/rd"));
        assert!(!format!("{url:?} {url}").contains("w/rd"));
    }

    #[test]
    fn hosts_are_checked_and_ipv6_is_bracketed() {
        let mut parts = server(Dialect::Postgresql);
        parts.host = Some("::1".into());
        let url = DatabaseUrl::from_parts(&parts, Path::new("/")).unwrap();
        assert_eq!(url.host(), Some("[::1]"));
        parts.host = Some("db.internal:5432".into());
        assert_eq!(
            DatabaseUrl::from_parts(&parts, Path::new("/"))
                .unwrap_err()
                .kind(),
            "url"
        );
        parts.host = Some("user@db".into());
        assert!(DatabaseUrl::from_parts(&parts, Path::new("/")).is_err());
    }

    #[test]
    fn sqlite_paths_resolve_against_the_base_folder() {
        let parts = UrlParts {
            dialect: Dialect::Sqlite,
            host: None,
            port: None,
            database: None,
            user: None,
            password: None,
            sqlite_path: Some(PathBuf::from("data/../app.db")),
        };
        let url = DatabaseUrl::from_parts(&parts, Path::new("/srv/project")).unwrap();
        assert_eq!(url.sqlite_path(), Some(Path::new("/srv/project/app.db")));
        let missing = UrlParts {
            sqlite_path: None,
            ..parts
        };
        assert!(DatabaseUrl::from_parts(&missing, Path::new("/")).is_err());
    }
}
