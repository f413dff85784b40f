//! MySQL and MariaDB: SQL text and facts Retort needs about them.

/// Every DDL statement commits implicitly, so a failed migration can be half-applied (R40).
pub const TRANSACTIONAL_DDL: bool = false;

/// Alembic writes no BEGIN/COMMIT for MySQL offline scripts (R46); they would not help.
pub const OFFLINE_TRANSACTIONS: bool = false;

pub const BEGIN: &str = "BEGIN";
pub const COMMIT: &str = "COMMIT";
pub const ROLLBACK: &str = "ROLLBACK";

pub const SERVER_VERSION: &str = "SELECT VERSION()";

pub const CURRENT_DATABASE: &str = "SELECT DATABASE()";

/// Named locks are server-wide, so the name includes the database (see `lock_name`).
/// A zero timeout returns at once; the caller polls so it can honour sub-second timeouts.
/// Returns 1 when acquired, 0 when held elsewhere, NULL on error. Bind: the lock name.
pub const TRY_LOCK: &str = "SELECT GET_LOCK(?, 0)";
pub const UNLOCK: &str = "SELECT RELEASE_LOCK(?)";

/// Lock names are limited to 64 characters, so the database and table are hashed.
pub fn lock_name(database: &str, version_table: &str) -> String {
    format!(
        "retort:{:016x}",
        super::stable_hash(&format!("{database}.{version_table}"))
    )
}

/// Binds: table name, then schema when given (else the connection's current database).
pub fn table_exists(schema: Option<&str>) -> String {
    let base = "SELECT table_name FROM information_schema.tables WHERE table_name = ?";
    match schema {
        Some(_) => format!("{base} AND table_schema = ?"),
        None => format!("{base} AND table_schema = DATABASE()"),
    }
}

/// Positional bind parameter (MySQL's are anonymous).
pub fn placeholder(_n: usize) -> String {
    "?".to_string()
}

#[rustfmt::skip]
const MYSQL_RESERVED: &[&str] = &[
    "key", "keys", "index", "range", "rank", "read", "write", "status", "condition", "database",
    "databases", "div", "change", "interval", "match", "mod", "option", "rows", "schema", "show",
    "usage", "release", "replace", "require", "signal", "sql", "ssl", "starting", "terminated",
];

/// Quotes like SQLAlchemy: only when the name is not a plain lowercase identifier or is reserved.
pub fn quote_identifier(name: &str) -> String {
    if super::is_plain_identifier(name)
        && !super::COMMON_RESERVED.contains(&name)
        && !MYSQL_RESERVED.contains(&name)
    {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

/// Single-quoted string literal; backslash is an escape character in MySQL's default sql_mode.
pub fn string_literal(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
}
