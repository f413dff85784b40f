//! What changed between two schema snapshots: tables and views added or removed, and per
//! table the columns, keys, indexes, constraints and triggers added, removed or altered (with both
//! versions). Used to show what a migration did and to detect drift.

use serde::{Deserialize, Serialize};

use super::model::*;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SchemaDiff {
    /// Qualified names (`schema.table`) of tables only in the second snapshot.
    pub tables_added: Vec<String>,
    pub tables_removed: Vec<String>,
    pub tables_altered: Vec<TableDiff>,
    pub views_added: Vec<String>,
    pub views_removed: Vec<String>,
    /// Views whose definition, columns or triggers changed.
    pub views_altered: Vec<String>,
    /// Qualified names of enum types added, removed, or whose values changed.
    pub enums_added: Vec<String>,
    pub enums_removed: Vec<String>,
    pub enums_altered: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TableDiff {
    pub schema: String,
    pub name: String,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Added,
    Removed,
    Altered,
}

/// One part of a table as it was or is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "object", content = "definition", rename_all = "snake_case")]
pub enum TablePart {
    Column(Column),
    PrimaryKey(PrimaryKey),
    Index(Index),
    ForeignKey(ForeignKey),
    UniqueConstraint(UniqueConstraint),
    CheckConstraint(CheckConstraint),
    Trigger(Trigger),
}

impl TablePart {
    pub fn label(&self) -> &'static str {
        match self {
            TablePart::Column(_) => "column",
            TablePart::PrimaryKey(_) => "primary key",
            TablePart::Index(_) => "index",
            TablePart::ForeignKey(_) => "foreign key",
            TablePart::UniqueConstraint(_) => "unique constraint",
            TablePart::CheckConstraint(_) => "check constraint",
            TablePart::Trigger(_) => "trigger",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Change {
    pub action: ChangeAction,
    /// The part's name, or a description of it when it has none (`(a, b) -> parent`).
    pub name: String,
    pub before: Option<TablePart>,
    pub after: Option<TablePart>,
}

impl Change {
    fn part(&self) -> Option<&TablePart> {
        self.after.as_ref().or(self.before.as_ref())
    }

    /// One line: `+ column email varchar(255)`, `~ column age: integer -> bigint`.
    pub fn describe(&self) -> String {
        let label = self.part().map(TablePart::label).unwrap_or("part");
        match self.action {
            ChangeAction::Added => {
                format!("+ {label} {}{}", self.name, detail(self.after.as_ref()))
            }
            ChangeAction::Removed => format!("- {label} {}", self.name),
            ChangeAction::Altered => {
                let what = match (&self.before, &self.after) {
                    (Some(TablePart::Column(a)), Some(TablePart::Column(b))) => {
                        column_changes(a, b)
                    }
                    (Some(TablePart::Trigger(_)), Some(TablePart::Trigger(_))) => {
                        "definition changed".to_string()
                    }
                    (before, after) => {
                        format!("{} ->{}", detail(before.as_ref()), detail(after.as_ref()))
                    }
                };
                format!("~ {label} {}: {}", self.name, what.trim())
            }
        }
    }
}

fn detail(part: Option<&TablePart>) -> String {
    match part {
        Some(TablePart::Column(c)) => format!(
            " {}{}",
            c.data_type,
            if c.nullable { "" } else { " NOT NULL" }
        ),
        Some(TablePart::PrimaryKey(pk)) => format!(" ({})", pk.columns.join(", ")),
        Some(TablePart::Index(i)) => format!(
            " {}({})",
            if i.unique { "UNIQUE " } else { "" },
            i.parts
                .iter()
                .map(IndexPart::display)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(TablePart::ForeignKey(fk)) => format!(
            " ({}) -> {}({})",
            fk.columns.join(", "),
            fk.referenced_table,
            fk.referenced_columns.join(", ")
        ),
        Some(TablePart::UniqueConstraint(u)) => format!(" ({})", u.columns.join(", ")),
        Some(TablePart::CheckConstraint(c)) => format!(" ({})", c.expression),
        // A whole CREATE TRIGGER statement is too long for one line.
        Some(TablePart::Trigger(_)) => String::new(),
        None => String::new(),
    }
}

fn column_changes(a: &Column, b: &Column) -> String {
    let mut parts = Vec::new();
    if a.data_type != b.data_type {
        parts.push(format!("type {} -> {}", a.data_type, b.data_type));
    }
    if a.nullable != b.nullable {
        parts.push(
            if b.nullable {
                "now nullable"
            } else {
                "now NOT NULL"
            }
            .to_string(),
        );
    }
    if a.default != b.default {
        parts.push(format!(
            "default {} -> {}",
            a.default.as_deref().unwrap_or("none"),
            b.default.as_deref().unwrap_or("none")
        ));
    }
    if a.primary_key != b.primary_key {
        parts.push("primary key membership changed".to_string());
    }
    if a.generated != b.generated {
        parts.push("generation changed".to_string());
    }
    parts.join(", ")
}

fn qualified(schema: &str, name: &str) -> String {
    format!("{schema}.{name}")
}

/// The differences that turn `before` into `after`.
pub fn diff(before: &Schema, after: &Schema) -> SchemaDiff {
    let mut result = SchemaDiff::default();
    let key = |t: &Table| (t.schema.clone(), t.name.clone());
    for table in &after.tables {
        match before.tables.iter().find(|b| key(b) == key(table)) {
            None => result
                .tables_added
                .push(qualified(&table.schema, &table.name)),
            Some(old) => {
                let changes = table_changes(old, table);
                if !changes.is_empty() {
                    result.tables_altered.push(TableDiff {
                        schema: table.schema.clone(),
                        name: table.name.clone(),
                        changes,
                    });
                }
            }
        }
    }
    for table in &before.tables {
        if !after.tables.iter().any(|a| key(a) == key(table)) {
            result
                .tables_removed
                .push(qualified(&table.schema, &table.name));
        }
    }
    for view in &after.views {
        match before.views.iter().find(|b| key(b) == key(view)) {
            None => result.views_added.push(qualified(&view.schema, &view.name)),
            Some(old)
                if old.ddl != view.ddl
                    || old.columns != view.columns
                    || !old.same_triggers(view) =>
            {
                result
                    .views_altered
                    .push(qualified(&view.schema, &view.name))
            }
            Some(_) => {}
        }
    }
    for view in &before.views {
        if !after.views.iter().any(|a| key(a) == key(view)) {
            result
                .views_removed
                .push(qualified(&view.schema, &view.name));
        }
    }
    for e in &after.enums {
        match before
            .enums
            .iter()
            .find(|b| b.schema == e.schema && b.name == e.name)
        {
            None => result.enums_added.push(qualified(&e.schema, &e.name)),
            Some(old) if old.values != e.values => {
                result.enums_altered.push(qualified(&e.schema, &e.name));
            }
            Some(_) => {}
        }
    }
    for e in &before.enums {
        if !after
            .enums
            .iter()
            .any(|a| a.schema == e.schema && a.name == e.name)
        {
            result.enums_removed.push(qualified(&e.schema, &e.name));
        }
    }
    result
}

/// Pairs up parts by key and reports what was added, removed or altered.
fn compare<T: PartialEq + Clone>(
    changes: &mut Vec<Change>,
    before: &[T],
    after: &[T],
    key: impl Fn(&T) -> String,
    wrap: impl Fn(T) -> TablePart,
) {
    compare_with(changes, before, after, key, T::eq, wrap);
}

/// As [`compare`], with `same` deciding whether two parts with the same key are equal.
fn compare_with<T: Clone>(
    changes: &mut Vec<Change>,
    before: &[T],
    after: &[T],
    key: impl Fn(&T) -> String,
    same: impl Fn(&T, &T) -> bool,
    wrap: impl Fn(T) -> TablePart,
) {
    for new in after {
        match before.iter().find(|old| key(old) == key(new)) {
            None => changes.push(Change {
                action: ChangeAction::Added,
                name: key(new),
                before: None,
                after: Some(wrap(new.clone())),
            }),
            Some(old) if !same(old, new) => changes.push(Change {
                action: ChangeAction::Altered,
                name: key(new),
                before: Some(wrap(old.clone())),
                after: Some(wrap(new.clone())),
            }),
            Some(_) => {}
        }
    }
    for old in before {
        if !after.iter().any(|new| key(new) == key(old)) {
            changes.push(Change {
                action: ChangeAction::Removed,
                name: key(old),
                before: Some(wrap(old.clone())),
                after: None,
            });
        }
    }
}

fn table_changes(before: &Table, after: &Table) -> Vec<Change> {
    let mut changes = Vec::new();
    compare(
        &mut changes,
        &before.columns,
        &after.columns,
        |c| c.name.clone(),
        TablePart::Column,
    );
    let pk = |t: &Table| t.primary_key.iter().cloned().collect::<Vec<_>>();
    compare(
        &mut changes,
        &pk(before),
        &pk(after),
        |_| "primary key".to_string(),
        TablePart::PrimaryKey,
    );
    compare(
        &mut changes,
        &before.indexes,
        &after.indexes,
        |i| i.name.clone(),
        TablePart::Index,
    );
    compare(
        &mut changes,
        &before.foreign_keys,
        &after.foreign_keys,
        |fk| {
            fk.name.clone().unwrap_or_else(|| {
                format!(
                    "({}) -> {}",
                    fk.columns.join(", "),
                    qualified(&fk.referenced_schema, &fk.referenced_table)
                )
            })
        },
        TablePart::ForeignKey,
    );
    compare(
        &mut changes,
        &before.unique_constraints,
        &after.unique_constraints,
        |u| {
            u.name
                .clone()
                .unwrap_or_else(|| format!("({})", u.columns.join(", ")))
        },
        TablePart::UniqueConstraint,
    );
    compare(
        &mut changes,
        &before.check_constraints,
        &after.check_constraints,
        |c| {
            c.name
                .clone()
                .unwrap_or_else(|| format!("({})", c.expression))
        },
        TablePart::CheckConstraint,
    );
    // Compared up to layout: the server may reformat what the migration wrote.
    compare_with(
        &mut changes,
        &before.triggers,
        &after.triggers,
        |t| t.name.clone(),
        Trigger::same_as,
        TablePart::Trigger,
    );
    changes
}

impl SchemaDiff {
    pub fn is_empty(&self) -> bool {
        *self == SchemaDiff::default()
    }

    /// A human summary, one line per change; empty when nothing changed.
    pub fn summary(&self) -> String {
        let mut lines = Vec::new();
        let mut list = |sign: &str, what: &str, names: &[String]| {
            for name in names {
                lines.push(format!("{sign} {what} {name}"));
            }
        };
        list("+", "table", &self.tables_added);
        list("-", "table", &self.tables_removed);
        list("+", "view", &self.views_added);
        list("-", "view", &self.views_removed);
        list("~", "view", &self.views_altered);
        list("+", "enum", &self.enums_added);
        list("-", "enum", &self.enums_removed);
        list("~", "enum", &self.enums_altered);
        for table in &self.tables_altered {
            lines.push(format!("~ table {}", qualified(&table.schema, &table.name)));
            for change in &table.changes {
                lines.push(format!("    {}", change.describe()));
            }
        }
        lines.join("\n")
    }
}
