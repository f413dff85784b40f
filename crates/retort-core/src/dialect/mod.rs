//! Everything that differs between databases. Each dialect's SQL strings live in its own file;
//! this module dispatches on [`Dialect`] and builds the few statements whose text is shared
//! (Alembic emits the same version-table SQL for every dialect, only quoting differs).

pub mod mysql;
pub mod postgres;
pub mod sqlite;

use serde::{Deserialize, Serialize};

use crate::revision::RowChange;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Sqlite,
    Postgresql,
    Mysql,
}

impl Dialect {
    /// The name used in scripts (`-- migrate:up postgresql`) and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgresql => "postgresql",
            Dialect::Mysql => "mysql",
        }
    }

    pub fn from_name(name: &str) -> Option<Dialect> {
        match name.to_ascii_lowercase().as_str() {
            "sqlite" => Some(Dialect::Sqlite),
            "postgresql" | "postgres" => Some(Dialect::Postgresql),
            "mysql" | "mariadb" => Some(Dialect::Mysql),
            _ => None,
        }
    }

    pub const ALL: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgresql, Dialect::Mysql];

    /// Whether Retort runs DDL inside transactions on this dialect (so a failed run can be
    /// rolled back completely). Differs from Alembic for SQLite (R40), on purpose.
    pub fn transactional_ddl(self) -> bool {
        match self {
            Dialect::Sqlite => sqlite::TRANSACTIONAL_DDL,
            Dialect::Postgresql => postgres::TRANSACTIONAL_DDL,
            Dialect::Mysql => mysql::TRANSACTIONAL_DDL,
        }
    }

    /// Whether offline (`--sql`) output wraps migrations in `BEGIN;`/`COMMIT;`.
    pub fn offline_transactions(self) -> bool {
        match self {
            Dialect::Sqlite => sqlite::OFFLINE_TRANSACTIONS,
            Dialect::Postgresql => postgres::OFFLINE_TRANSACTIONS,
            Dialect::Mysql => mysql::OFFLINE_TRANSACTIONS,
        }
    }

    /// The statement that opens a migration transaction online.
    pub fn begin_sql(self) -> &'static str {
        match self {
            Dialect::Sqlite => sqlite::BEGIN,
            Dialect::Postgresql => postgres::BEGIN,
            Dialect::Mysql => mysql::BEGIN,
        }
    }

    pub fn commit_sql(self) -> &'static str {
        match self {
            Dialect::Sqlite => sqlite::COMMIT,
            Dialect::Postgresql => postgres::COMMIT,
            Dialect::Mysql => mysql::COMMIT,
        }
    }

    pub fn rollback_sql(self) -> &'static str {
        match self {
            Dialect::Sqlite => sqlite::ROLLBACK,
            Dialect::Postgresql => postgres::ROLLBACK,
            Dialect::Mysql => mysql::ROLLBACK,
        }
    }

    /// A query whose single row and column is the server's version string.
    pub fn server_version_sql(self) -> &'static str {
        match self {
            Dialect::Sqlite => sqlite::SERVER_VERSION,
            Dialect::Postgresql => postgres::SERVER_VERSION,
            Dialect::Mysql => mysql::SERVER_VERSION,
        }
    }

    /// Quotes an identifier the way SQLAlchemy does: only when it has to.
    pub fn quote_identifier(self, name: &str) -> String {
        match self {
            Dialect::Sqlite => sqlite::quote_identifier(name),
            Dialect::Postgresql => postgres::quote_identifier(name),
            Dialect::Mysql => mysql::quote_identifier(name),
        }
    }

    /// A single-quoted string literal, escaped for this dialect.
    pub fn string_literal(self, value: &str) -> String {
        match self {
            Dialect::Sqlite => sqlite::string_literal(value),
            Dialect::Postgresql => postgres::string_literal(value),
            Dialect::Mysql => mysql::string_literal(value),
        }
    }

    /// Bind parameter number `n` (1-based) in this dialect's syntax.
    pub fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => sqlite::placeholder(n),
            Dialect::Postgresql => postgres::placeholder(n),
            Dialect::Mysql => mysql::placeholder(n),
        }
    }
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A version table name as configured: `alembic_version` or `schema.alembic_version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableName {
    pub schema: Option<String>,
    pub name: String,
}

impl TableName {
    pub fn parse(raw: &str) -> TableName {
        match raw.split_once('.') {
            Some((schema, name)) if !schema.is_empty() && !name.is_empty() => TableName {
                schema: Some(schema.to_string()),
                name: name.to_string(),
            },
            _ => TableName {
                schema: None,
                name: raw.to_string(),
            },
        }
    }

    /// The name as written in SQL, quoted where needed.
    pub fn render(&self, dialect: Dialect) -> String {
        match &self.schema {
            Some(schema) => format!(
                "{}.{}",
                dialect.quote_identifier(schema),
                dialect.quote_identifier(&self.name)
            ),
            None => dialect.quote_identifier(&self.name),
        }
    }
}

/// The version table's DDL exactly as Alembic emits it (R31), tabs included, so SQLite stores
/// the same text in `sqlite_master` as an Alembic-created table.
pub fn create_version_table_sql(dialect: Dialect, table: &TableName) -> String {
    format!(
        "CREATE TABLE {} (\n\tversion_num VARCHAR(32) NOT NULL, \n\tCONSTRAINT {} PRIMARY KEY (version_num)\n)",
        table.render(dialect),
        dialect.quote_identifier(&format!("{}_pkc", table.name))
    )
}

/// Query returning the table's name when it exists. Binds: see [`table_exists_binds`].
pub fn table_exists_sql(dialect: Dialect, table: &TableName) -> String {
    let schema = table.schema.as_deref();
    match dialect {
        Dialect::Sqlite => sqlite::table_exists(schema),
        Dialect::Postgresql => postgres::table_exists(schema),
        Dialect::Mysql => mysql::table_exists(schema),
    }
}

/// The bind values for [`table_exists_sql`], in order. (SQLite takes the schema in the text.)
pub fn table_exists_binds(dialect: Dialect, table: &TableName) -> Vec<String> {
    let mut binds = vec![table.name.clone()];
    if let (Some(schema), false) = (&table.schema, dialect == Dialect::Sqlite) {
        binds.push(schema.clone());
    }
    binds
}

pub fn select_versions_sql(dialect: Dialect, table: &TableName) -> String {
    format!("SELECT version_num FROM {}", table.render(dialect))
}

/// A version-row change written out literally, as Alembic does offline and in logs (R35).
/// `returning` adds SQLAlchemy 2.x's `RETURNING` clause to INSERTs (offline output).
pub fn row_change_sql(
    dialect: Dialect,
    table: &TableName,
    change: &RowChange,
    returning: bool,
) -> String {
    let t = table.render(dialect);
    let lit = |v: &str| dialect.string_literal(v);
    match change {
        RowChange::Insert { revision } => {
            let returning = match (returning, dialect) {
                (true, Dialect::Sqlite) => sqlite::INSERT_RETURNING.to_string(),
                (true, Dialect::Postgresql) => {
                    format!(" RETURNING {t}.{}", postgres::INSERT_RETURNING_COLUMN)
                }
                _ => String::new(),
            };
            format!(
                "INSERT INTO {t} (version_num) VALUES ({}){returning}",
                lit(revision)
            )
        }
        RowChange::Update { from, to } => format!(
            "UPDATE {t} SET version_num={} WHERE {t}.version_num = {}",
            lit(to),
            lit(from)
        ),
        RowChange::Delete { revision } => {
            format!("DELETE FROM {t} WHERE {t}.version_num = {}", lit(revision))
        }
    }
}

/// The same change with bind parameters (used online) and the values to bind, in order.
pub fn row_change_bound(
    dialect: Dialect,
    table: &TableName,
    change: &RowChange,
) -> (String, Vec<String>) {
    let t = table.render(dialect);
    let p = |n| dialect.placeholder(n);
    match change {
        RowChange::Insert { revision } => (
            format!("INSERT INTO {t} (version_num) VALUES ({})", p(1)),
            vec![revision.clone()],
        ),
        RowChange::Update { from, to } => (
            format!(
                "UPDATE {t} SET version_num={} WHERE {t}.version_num = {}",
                p(1),
                p(2)
            ),
            vec![to.clone(), from.clone()],
        ),
        RowChange::Delete { revision } => (
            format!("DELETE FROM {t} WHERE {t}.version_num = {}", p(1)),
            vec![revision.clone()],
        ),
    }
}

/// A lowercase identifier that needs no quoting (SQLAlchemy's legal-characters rule).
fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
}

/// Reserved words shared by the three dialects (a subset of SQLAlchemy's lists).
#[rustfmt::skip]
const COMMON_RESERVED: &[&str] = &[
    "all", "alter", "and", "any", "as", "asc", "between", "both", "by", "case", "cast", "check",
    "collate", "column", "constraint", "create", "cross", "current_date", "current_time",
    "current_timestamp", "current_user", "default", "delete", "desc", "distinct", "drop", "else",
    "end", "except", "exists", "false", "fetch", "for", "foreign", "from", "full", "grant", "group",
    "having", "in", "inner", "insert", "intersect", "into", "is", "join", "leading", "left", "like",
    "limit", "natural", "not", "null", "offset", "on", "or", "order", "outer", "primary",
    "references", "returning", "right", "select", "set", "some", "table", "then", "to", "trailing",
    "true", "union", "unique", "update", "user", "using", "values", "when", "where", "window",
    "with",
];

/// FNV-1a: a hash that stays the same across builds and Rust versions, so two Retort binaries
/// (CLI and desktop app) derive the same lock names.
pub(crate) fn stable_hash(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_table_ddl_is_alembics() {
        let table = TableName::parse("alembic_version");
        for dialect in Dialect::ALL {
            assert_eq!(
                create_version_table_sql(dialect, &table),
                "CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)"
            );
        }
    }

    #[test]
    fn row_changes_are_r35_text() {
        let t = TableName::parse("alembic_version");
        let insert = RowChange::Insert {
            revision: "3f2a9c1d0e01".into(),
        };
        assert_eq!(
            row_change_sql(Dialect::Sqlite, &t, &insert, true),
            "INSERT INTO alembic_version (version_num) VALUES ('3f2a9c1d0e01') RETURNING version_num"
        );
        assert_eq!(
            row_change_sql(Dialect::Postgresql, &t, &insert, true),
            "INSERT INTO alembic_version (version_num) VALUES ('3f2a9c1d0e01') RETURNING alembic_version.version_num"
        );
        assert_eq!(
            row_change_sql(Dialect::Mysql, &t, &insert, true),
            "INSERT INTO alembic_version (version_num) VALUES ('3f2a9c1d0e01')"
        );
        let update = RowChange::Update {
            from: "c0ffee02d3e4".into(),
            to: "e9f8d7c6b5a4".into(),
        };
        assert_eq!(
            row_change_sql(Dialect::Postgresql, &t, &update, true),
            "UPDATE alembic_version SET version_num='e9f8d7c6b5a4' WHERE alembic_version.version_num = 'c0ffee02d3e4'"
        );
        let delete = RowChange::Delete {
            revision: "c0ffee01a1b2".into(),
        };
        assert_eq!(
            row_change_sql(Dialect::Mysql, &t, &delete, true),
            "DELETE FROM alembic_version WHERE alembic_version.version_num = 'c0ffee01a1b2'"
        );
    }

    #[test]
    fn schema_qualified_and_quoted_names() {
        let t = TableName::parse("audit.alembic_version");
        assert_eq!(t.render(Dialect::Postgresql), "audit.alembic_version");
        assert!(create_version_table_sql(Dialect::Postgresql, &t)
            .starts_with("CREATE TABLE audit.alembic_version (\n"));
        assert_eq!(
            TableName::parse("Versions").render(Dialect::Postgresql),
            "\"Versions\""
        );
        assert_eq!(TableName::parse("order").render(Dialect::Mysql), "`order`");
        assert_eq!(Dialect::Mysql.string_literal("a'b\\c"), "'a''b\\\\c'");
    }
}
