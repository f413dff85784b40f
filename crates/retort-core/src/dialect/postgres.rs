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

/// Restore: keeps NOTICEs (`drop cascades to ...`) out of the error output, so a failure's
/// message is the error itself.
pub const RESTORE_QUIET: &str = "SET client_min_messages = warning";

/// Restore, before loading a `pg_dump` script in the same transaction: empties the database so
/// that it ends up with exactly what the dump holds. Drops every user schema except `public`
/// (the dump creates them again), then everything in `public` (kept itself, with its owner and
/// grants): views, tables, sequences, routines and types. Objects that belong to an extension
/// stay (the dump says `CREATE EXTENSION IF NOT EXISTS`).
pub const RESTORE_PRELUDE: &str = r#"DO $retort_restore$
DECLARE r record;
BEGIN
  FOR r IN SELECT n.nspname FROM pg_catalog.pg_namespace n
           WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema', 'public')
             AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                             WHERE d.classid = 'pg_catalog.pg_namespace'::regclass
                               AND d.objid = n.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname);
  END LOOP;
  FOR r IN SELECT c.oid, c.relname, c.relkind FROM pg_catalog.pg_class c
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm', 'r', 'p', 'f', 'S')
             AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                             WHERE d.classid = 'pg_catalog.pg_class'::regclass
                               AND d.objid = c.oid AND d.deptype = 'e')
           ORDER BY CASE c.relkind WHEN 'v' THEN 0 WHEN 'm' THEN 1 WHEN 'S' THEN 3 ELSE 2 END
  LOOP
    EXECUTE format('DROP %s IF EXISTS public.%I CASCADE',
      CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                     WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
      r.relname);
  END LOOP;
  FOR r IN SELECT p.oid FROM pg_catalog.pg_proc p
           JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p')
             AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                             WHERE d.classid = 'pg_catalog.pg_proc'::regclass
                               AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', r.oid::regprocedure);
  END LOOP;
  FOR r IN SELECT t.oid, t.typtype FROM pg_catalog.pg_type t
           JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'r', 'c')
             AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_catalog.pg_class c
                                       WHERE c.oid = t.typrelid) = 'c')
             AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                             WHERE d.classid = 'pg_catalog.pg_type'::regclass
                               AND d.objid = t.oid AND d.deptype = 'e')
  LOOP
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_type WHERE oid = r.oid) THEN
      EXECUTE format('DROP %s IF EXISTS %s CASCADE',
        CASE r.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, r.oid::regtype);
    END IF;
  END LOOP;
END
$retort_restore$;"#;

// ---- autogenerate: ALTER forms (tables and columns arrive quoted) ----------------------------

/// Changes a column's type; `USING` converts the existing values the way a cast would.
pub fn alter_column_type(table: &str, column: &str, data_type: &str) -> String {
    format!(
        "ALTER TABLE {table} ALTER COLUMN {column} TYPE {data_type} USING {column}::{data_type}"
    )
}

pub fn alter_column_nullable(table: &str, column: &str, nullable: bool) -> String {
    let action = if nullable { "DROP" } else { "SET" };
    format!("ALTER TABLE {table} ALTER COLUMN {column} {action} NOT NULL")
}

pub fn alter_column_default(table: &str, column: &str, default: Option<&str>) -> String {
    match default {
        Some(default) => format!("ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {default}"),
        None => format!("ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT"),
    }
}

/// Primary keys, unique, check and foreign key constraints are all dropped by name.
pub fn drop_constraint(table: &str, name: &str) -> String {
    format!("ALTER TABLE {table} DROP CONSTRAINT {name}")
}

/// An index lives in its table's schema: `qualified_index` is `schema.name` or `name`.
pub fn drop_index(qualified_index: &str) -> String {
    format!("DROP INDEX {qualified_index}")
}

/// A trigger belongs to its table: dropped by name on it (`table` arrives quoted).
pub fn drop_trigger(name: &str, table: &str) -> String {
    format!("DROP TRIGGER {name} ON {table}")
}

/// `integer` + `nextval('<table>_<column>_seq'::regclass)` is what `serial` creates; written
/// back as `serial` so the sequence is created with the table. Returns the serial type.
pub fn serial_type(
    data_type: &str,
    default: Option<&str>,
    table: &str,
    column: &str,
) -> Option<&'static str> {
    let expected = format!("nextval('{table}_{column}_seq'::regclass)");
    if default? != expected {
        return None;
    }
    match data_type {
        "integer" => Some("serial"),
        "bigint" => Some("bigserial"),
        "smallint" => Some("smallserial"),
        _ => None,
    }
}
