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

/// The doctor's privilege check: the account the server matched (`user@host`) and the database.
pub const CURRENT_ACCOUNT: &str = "SELECT CURRENT_USER(), DATABASE()";

/// The grants of the account the server matched (one `GRANT ... ON ... TO ...` per row).
pub const SHOW_GRANTS: &str = "SHOW GRANTS FOR CURRENT_USER()";

/// The roles active in this session: MariaDB answers one name or NULL, MySQL 8 a comma-separated
/// list of `` `role`@`host` `` or `NONE`.
pub const CURRENT_ROLE: &str = "SELECT CURRENT_ROLE()";

/// The server's version string ("10.11.6-MariaDB-…" on MariaDB).
pub const VERSION: &str = "SELECT VERSION()";

/// The grants of an active role, named as `SHOW GRANTS` printed it (already quoted).
pub fn show_grants_for(role: &str) -> String {
    format!("SHOW GRANTS FOR {role}")
}

/// Makes `role` (quoted as `SHOW GRANTS` printed it) active at every sign-in of `account`.
/// MariaDB and MySQL 8 differ in one word.
pub fn set_default_role(role: &str, account: &str, mariadb: bool) -> String {
    let preposition = if mariadb { "FOR" } else { "TO" };
    format!("SET DEFAULT ROLE {role} {preposition} {account};")
}

/// The doctor's undo of a half-applied revision: the inverse of one applied statement, names
/// as the script wrote them.
pub fn drop_table(table: &str) -> String {
    format!("DROP TABLE {table}")
}

pub fn drop_view(view: &str) -> String {
    format!("DROP VIEW {view}")
}

pub fn drop_trigger(trigger: &str) -> String {
    format!("DROP TRIGGER {trigger}")
}

/// A trigger's CREATE statement from information_schema.TRIGGERS' parts (names arrive quoted);
/// without DEFINER, so it runs as whoever applies it.
pub fn create_trigger(
    trigger: &str,
    timing: &str,
    event: &str,
    table: &str,
    statement: &str,
) -> String {
    format!("CREATE TRIGGER {trigger} {timing} {event} ON {table} FOR EACH ROW {statement}")
}

pub fn drop_column(table: &str, column: &str) -> String {
    format!("ALTER TABLE {table} DROP COLUMN {column}")
}

/// `'user'@'host'` as GRANT statements name an account.
pub fn account(user: &str, host: &str) -> String {
    format!("{}@{}", string_literal(user), string_literal(host))
}

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

/// Restore: what exists now in the connected database, to drop before loading a dump (so the
/// database ends up with exactly what the dump holds). Rows: kind (`VIEW`, `BASE TABLE`,
/// `PROCEDURE`, `FUNCTION`, `EVENT`), name.
pub const RESTORE_OBJECTS: &str = "\
SELECT 'VIEW', table_name FROM information_schema.views WHERE table_schema = DATABASE() \
UNION ALL SELECT table_type, table_name FROM information_schema.tables \
  WHERE table_schema = DATABASE() AND table_type <> 'VIEW' \
UNION ALL SELECT routine_type, routine_name FROM information_schema.routines \
  WHERE routine_schema = DATABASE() \
UNION ALL SELECT 'EVENT', event_name FROM information_schema.events \
  WHERE event_schema = DATABASE()";

pub const FOREIGN_KEY_CHECKS_OFF: &str = "SET FOREIGN_KEY_CHECKS = 0";
pub const FOREIGN_KEY_CHECKS_ON: &str = "SET FOREIGN_KEY_CHECKS = 1";

/// `DROP VIEW|TABLE|PROCEDURE|FUNCTION|EVENT IF EXISTS name` for a row of [`RESTORE_OBJECTS`].
pub fn drop_object(kind: &str, name: &str) -> String {
    let keyword = match kind {
        "VIEW" => "VIEW",
        "PROCEDURE" => "PROCEDURE",
        "FUNCTION" => "FUNCTION",
        "EVENT" => "EVENT",
        // BASE TABLE, SYSTEM VERSIONED, SEQUENCE (MariaDB): DROP TABLE drops them all.
        _ => "TABLE",
    };
    format!("DROP {keyword} IF EXISTS `{}`", name.replace('`', "``"))
}

// ---- autogenerate: ALTER forms (tables and columns arrive quoted) ----------------------------

/// MySQL changes a column by restating it whole: `definition` is name, type, NULL-ness, default.
pub fn modify_column(table: &str, definition: &str) -> String {
    format!("ALTER TABLE {table} MODIFY COLUMN {definition}")
}

pub fn drop_foreign_key(table: &str, name: &str) -> String {
    format!("ALTER TABLE {table} DROP FOREIGN KEY {name}")
}

/// Unique constraints are unique indexes in MySQL, dropped like any index.
pub fn drop_index(table: &str, name: &str) -> String {
    format!("DROP INDEX {name} ON {table}")
}

pub fn drop_primary_key(table: &str) -> String {
    format!("ALTER TABLE {table} DROP PRIMARY KEY")
}

pub fn add_primary_key(table: &str, columns: &str) -> String {
    format!("ALTER TABLE {table} ADD PRIMARY KEY ({columns})")
}

pub fn drop_check(table: &str, name: &str) -> String {
    format!("ALTER TABLE {table} DROP CONSTRAINT {name}")
}

/// A column default as the catalog reports it, made valid SQL again. MariaDB quotes literals
/// (`'todo'`, `current_timestamp()`); MySQL 8 reports a string literal bare (`todo`).
pub fn default_expression(raw: &str) -> String {
    let trimmed = raw.trim();
    let upper = trimmed.to_ascii_uppercase();
    let numeric = trimmed.parse::<f64>().is_ok();
    let keyword = upper == "NULL"
        || upper.starts_with("CURRENT_TIMESTAMP")
        || upper.starts_with("CURRENT_DATE")
        || upper.starts_with("CURRENT_TIME")
        || upper.starts_with("LOCALTIME")
        || upper.starts_with("NOW(");
    let quoted = trimmed.starts_with('\'')
        || trimmed.starts_with('(')
        || upper.starts_with("B'")
        || upper.starts_with("X'")
        || upper.starts_with("_UTF8");
    let call = trimmed.ends_with(')') && trimmed.contains('(');
    if numeric || keyword || quoted || call {
        trimmed.to_string()
    } else {
        string_literal(trimmed)
    }
}

/// `sql` without the `database.` / `` `database`. `` qualifiers MySQL writes into a view's
/// definition (so it can be created in another database).
pub fn unqualify(sql: &str, database: &str) -> String {
    sql.replace(&format!("`{}`.", database.replace('`', "``")), "")
        .replace(&format!("{}.", quote_identifier(database)), "")
}
