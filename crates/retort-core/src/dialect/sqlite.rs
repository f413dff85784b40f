//! SQLite: SQL text and facts Retort needs about it.

/// SQLite supports transactional DDL; Alembic says otherwise only because pysqlite autocommits
/// DDL. Retort drives SQLite directly, so a failed run leaves nothing behind.
pub const TRANSACTIONAL_DDL: bool = true;

/// Offline scripts get `BEGIN;`/`COMMIT;` (Alembic emits none for SQLite) because Retort runs
/// SQLite transactionally online too: the script then behaves like an online run.
pub const OFFLINE_TRANSACTIONS: bool = true;

/// `IMMEDIATE` takes the write lock at once, so a concurrent writer is detected before any
/// statement runs instead of halfway through (SQLITE_BUSY on the first write).
pub const BEGIN: &str = "BEGIN IMMEDIATE";
pub const COMMIT: &str = "COMMIT";
pub const ROLLBACK: &str = "ROLLBACK";

pub const SERVER_VERSION: &str = "SELECT sqlite_version()";

/// What SQLAlchemy 2.x appends to the version INSERT (R35); only used offline.
pub const INSERT_RETURNING: &str = " RETURNING version_num";

/// Binds: table name. SQLite compares table names case-insensitively.
pub fn table_exists(schema: Option<&str>) -> String {
    match schema {
        Some(schema) => format!(
            "SELECT name FROM {}.sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
            quote_identifier(schema)
        ),
        None => "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE"
            .to_string(),
    }
}

/// Positional bind parameter `n` (1-based).
pub fn placeholder(n: usize) -> String {
    format!("?{n}")
}

/// Quotes like SQLAlchemy: only when the name is not a plain lowercase identifier or is reserved.
pub fn quote_identifier(name: &str) -> String {
    if super::is_plain_identifier(name) && !super::COMMON_RESERVED.contains(&name) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// Single-quoted SQL string literal.
pub fn string_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}
