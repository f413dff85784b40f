//! PostgreSQL: SQL text and facts Retort needs about it.

pub const TRANSACTIONAL_DDL: bool = true;

/// Alembic writes `BEGIN;`/`COMMIT;` into PostgreSQL offline scripts (R46).
pub const OFFLINE_TRANSACTIONS: bool = true;

pub const BEGIN: &str = "BEGIN";
pub const COMMIT: &str = "COMMIT";
pub const ROLLBACK: &str = "ROLLBACK";

pub const SERVER_VERSION: &str = "SHOW server_version";

/// What SQLAlchemy 2.x appends to the version INSERT (R35); only used offline.
pub const INSERT_RETURNING_COLUMN: &str = "version_num";

/// Session-level advisory lock: survives COMMIT/ROLLBACK, released explicitly or when the
/// connection ends (so a crashed run never leaves the database locked). Bind: the lock key.
pub const TRY_LOCK: &str = "SELECT pg_try_advisory_lock($1)";
pub const UNLOCK: &str = "SELECT pg_advisory_unlock($1)";

/// Like SQLAlchemy's `has_table`: an unqualified name must be visible on the search_path.
/// Binds: table name, then schema when given.
pub fn table_exists(schema: Option<&str>) -> String {
    let base = "SELECT c.relname FROM pg_catalog.pg_class c \
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                WHERE c.relname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')";
    match schema {
        Some(_) => format!("{base} AND n.nspname = $2"),
        None => format!("{base} AND pg_catalog.pg_table_is_visible(c.oid)"),
    }
}

/// Positional bind parameter `n` (1-based).
pub fn placeholder(n: usize) -> String {
    format!("${n}")
}

/// Quotes like SQLAlchemy: only when the name is not a plain lowercase identifier or is reserved.
pub fn quote_identifier(name: &str) -> String {
    if super::is_plain_identifier(name) && !super::COMMON_RESERVED.contains(&name) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// Single-quoted SQL string literal (standard_conforming_strings is on by default).
pub fn string_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}
