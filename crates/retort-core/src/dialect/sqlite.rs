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

/// Backups: a consistent copy of the whole database (committed WAL content included) into a new
/// file, while other connections keep reading. The target file must not exist.
pub fn vacuum_into(target: &std::path::Path) -> String {
    format!("VACUUM INTO {}", string_literal(&target.to_string_lossy()))
}

/// Restore: fails at once when any other connection reads or writes (rollback-journal mode).
pub const BEGIN_EXCLUSIVE: &str = "BEGIN EXCLUSIVE";

/// Restore: moves every committed WAL page into the database file and empties the WAL.
pub const CHECKPOINT_TRUNCATE: &str = "PRAGMA wal_checkpoint(TRUNCATE)";

/// Restore: the database's journal mode (one row, e.g. `wal`, `delete`).
pub const JOURNAL_MODE: &str = "PRAGMA journal_mode";

/// Restore: a `VACUUM INTO` copy is in rollback-journal mode; this puts WAL back.
pub const JOURNAL_MODE_WAL: &str = "PRAGMA journal_mode=WAL";

/// Restore: a quick structural check of a backup before it replaces a database.
pub const QUICK_CHECK: &str = "PRAGMA quick_check";

// ---- autogenerate ------------------------------------------------------------------------------

/// Inside a migration's transaction `PRAGMA foreign_keys` cannot change, but checks can be
/// deferred to COMMIT, by when the rebuilt table has its old name back.
pub const DEFER_FOREIGN_KEYS: &str = "PRAGMA defer_foreign_keys = ON";

pub fn drop_index(name: &str) -> String {
    format!("DROP INDEX {name}")
}

/// SQLite's documented table-rebuild recipe (<https://sqlite.org/lang_altertable.html>, "Making
/// Other Kinds Of Table Schema Changes"): `create_new` creates the new definition under
/// `new_name`; the shared `columns` are copied; then the old table goes and the new one takes
/// its name. Indexes and triggers are recreated by the caller (they went with the old table).
pub fn rebuild_table(table: &str, new_name: &str, create_new: &str, columns: &str) -> Vec<String> {
    let mut statements = vec![DEFER_FOREIGN_KEYS.to_string(), create_new.to_string()];
    if !columns.is_empty() {
        statements.push(format!(
            "INSERT INTO {new_name} ({columns}) SELECT {columns} FROM {table}"
        ));
    }
    statements.push(format!("DROP TABLE {table}"));
    statements.push(format!("ALTER TABLE {new_name} RENAME TO {table}"));
    statements
}

pub fn drop_trigger(name: &str) -> String {
    format!("DROP TRIGGER {name}")
}
