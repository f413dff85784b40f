//! The introspected schema of one database: a plain, serialisable snapshot shared by the CLI
//! (`retort schema`), the desktop schema view and the before/after diff of a migration.

use serde::{Deserialize, Serialize};

use crate::dialect::Dialect;

/// Everything introspection found in the selected schemas of one database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Schema {
    pub dialect: Dialect,
    /// The namespaces that were read: PostgreSQL schemas, the MySQL database, SQLite's `main`.
    pub schemas: Vec<String>,
    /// The namespace unqualified names resolve to (PostgreSQL: the first search_path schema
    /// that exists; MySQL: the current database; SQLite: `main`).
    pub default_schema: Option<String>,
    /// Base tables, ordered by schema then name.
    pub tables: Vec<Table>,
    /// Views (and PostgreSQL materialized views), ordered by schema then name.
    pub views: Vec<Table>,
    /// PostgreSQL enum types in the selected schemas; empty elsewhere.
    pub enums: Vec<EnumType>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    Table,
    View,
    MaterializedView,
}

/// A table or view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Table {
    /// The namespace the table lives in (`main` on SQLite).
    pub schema: String,
    pub name: String,
    pub kind: TableKind,
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub indexes: Vec<Index>,
    pub foreign_keys: Vec<ForeignKey>,
    pub unique_constraints: Vec<UniqueConstraint>,
    pub check_constraints: Vec<CheckConstraint>,
    /// Triggers on the table (or view), ordered by name.
    pub triggers: Vec<Trigger>,
    /// The table is the project's version table (`alembic_version` or as configured).
    pub is_version_table: bool,
    /// CREATE TABLE / CREATE VIEW text for the connected dialect (SQLite: the stored SQL).
    pub ddl: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Column {
    pub name: String,
    /// The type as declared (`varchar(32)`, `integer`, `character varying(20)[]`).
    pub data_type: String,
    pub nullable: bool,
    /// The default expression as the catalog stores it.
    pub default: Option<String>,
    /// 1-based position in the primary key, `None` when not part of it.
    pub primary_key: Option<u32>,
    pub generated: Option<Generated>,
}

/// How a column's value is produced by the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Generated {
    /// PostgreSQL `GENERATED ALWAYS|BY DEFAULT AS IDENTITY`.
    Identity { always: bool },
    /// MySQL `AUTO_INCREMENT`, SQLite `INTEGER PRIMARY KEY AUTOINCREMENT`.
    AutoIncrement,
    /// A computed column (`GENERATED ALWAYS AS (expr) STORED|VIRTUAL`).
    Computed { expression: String, stored: bool },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PrimaryKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Index {
    pub name: String,
    pub parts: Vec<IndexPart>,
    pub unique: bool,
    /// The WHERE clause of a partial index (PostgreSQL, SQLite).
    pub predicate: Option<String>,
}

/// One key of an index: a column or an expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IndexPart {
    pub column: Option<String>,
    pub expression: Option<String>,
    pub descending: bool,
}

impl IndexPart {
    /// The column name, or the expression in parentheses.
    pub fn display(&self) -> String {
        let base = match (&self.column, &self.expression) {
            (Some(column), _) => column.clone(),
            (None, Some(expression)) => format!("({expression})"),
            (None, None) => "?".to_string(),
        };
        if self.descending {
            format!("{base} DESC")
        } else {
            base
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ForeignKey {
    /// `None` on SQLite, which does not keep constraint names in its catalog.
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub referenced_schema: String,
    pub referenced_table: String,
    pub referenced_columns: Vec<String>,
    /// `NO ACTION`, `RESTRICT`, `CASCADE`, `SET NULL` or `SET DEFAULT`.
    pub on_delete: String,
    pub on_update: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UniqueConstraint {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckConstraint {
    pub name: Option<String>,
    pub expression: String,
}

/// A trigger on a table or view. PostgreSQL's trigger functions are not part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Trigger {
    pub name: String,
    /// The full CREATE TRIGGER statement as the server reports it (SQLite: the stored text;
    /// PostgreSQL: `pg_get_triggerdef`; MySQL: rebuilt from information_schema.TRIGGERS),
    /// without a trailing semicolon.
    pub definition: String,
}

impl Trigger {
    /// The definition with whitespace collapsed, lowercased outside string literals and
    /// without a trailing semicolon: two definitions that differ only in layout compare equal.
    pub fn normalized_definition(&self) -> String {
        let mut out = String::with_capacity(self.definition.len());
        let mut in_literal = false;
        let mut pending_space = false;
        for c in self
            .definition
            .trim()
            .trim_end_matches(';')
            .trim_end()
            .chars()
        {
            if !in_literal && c.is_whitespace() {
                pending_space = true;
                continue;
            }
            if pending_space {
                // Spaces next to punctuation are layout too: `f( a )` = `f(a)`.
                let joins = |c: char| matches!(c, '(' | ')' | ',' | ';');
                if !joins(c) && !out.ends_with(joins) && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
            }
            if c == '\'' {
                in_literal = !in_literal;
            }
            if in_literal {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
        }
        out
    }

    /// Same name and the same definition up to layout and letter case.
    pub fn same_as(&self, other: &Trigger) -> bool {
        self.name == other.name && self.normalized_definition() == other.normalized_definition()
    }
}

/// A PostgreSQL enum type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnumType {
    pub schema: String,
    pub name: String,
    pub values: Vec<String>,
}

/// A foreign key of another table that points at a given table ("references in").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncomingReference {
    pub schema: String,
    pub table: String,
    pub foreign_key: ForeignKey,
}

impl Schema {
    /// Tables then views.
    pub fn relations(&self) -> impl Iterator<Item = &Table> {
        self.tables.iter().chain(self.views.iter())
    }

    /// Finds a table or view by name, optionally schema-qualified (`schema.name`). An
    /// unqualified name prefers the default schema.
    pub fn find(&self, name: &str) -> Option<&Table> {
        let exact = |schema: Option<&str>, table: &str| {
            self.relations()
                .find(|t| t.name == table && schema.is_none_or(|s| t.schema == s))
        };
        if let Some(found) = self
            .default_schema
            .as_deref()
            .and_then(|schema| exact(Some(schema), name))
        {
            return Some(found);
        }
        if let Some(found) = exact(None, name) {
            return Some(found);
        }
        let (schema, table) = name.split_once('.')?;
        exact(Some(schema), table)
    }

    /// Foreign keys of every table that reference `table`.
    pub fn references_to(&self, table: &Table) -> Vec<IncomingReference> {
        self.tables
            .iter()
            .flat_map(|from| {
                from.foreign_keys
                    .iter()
                    .filter(|fk| {
                        fk.referenced_table == table.name && fk.referenced_schema == table.schema
                    })
                    .map(|fk| IncomingReference {
                        schema: from.schema.clone(),
                        table: from.name.clone(),
                        foreign_key: fk.clone(),
                    })
            })
            .collect()
    }
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| i.name == name)
    }

    pub fn trigger(&self, name: &str) -> Option<&Trigger> {
        self.triggers.iter().find(|t| t.name == name)
    }

    /// Whether both have the same triggers, up to layout (see [`Trigger::same_as`]).
    pub fn same_triggers(&self, other: &Table) -> bool {
        self.triggers.len() == other.triggers.len()
            && self
                .triggers
                .iter()
                .all(|t| other.trigger(&t.name).is_some_and(|o| t.same_as(o)))
    }

    /// `schema.name` when the schema is not the default one, else `name`.
    pub fn display_name(&self, default_schema: Option<&str>) -> String {
        if default_schema == Some(self.schema.as_str()) {
            self.name.clone()
        } else {
            format!("{}.{}", self.schema, self.name)
        }
    }
}
