//! MySQL/MariaDB introspection: seven information_schema queries for any number of tables (plus
//! the server version and, when no database is named, the current one).
//!
//! MySQL does not distinguish a UNIQUE constraint from a unique index, so every unique,
//! non-primary index is reported as a unique constraint (as PostgreSQL reports constraints).

use std::collections::HashMap;

use super::model::*;
use super::{new_table, split_relations, view_ddl, Row};
use crate::db::Database;
use crate::dialect::{mysql, Dialect};
use crate::error::Result;

fn relations_sql(list: &str) -> String {
    format!(
        "SELECT t.TABLE_SCHEMA, t.TABLE_NAME, t.TABLE_TYPE, v.VIEW_DEFINITION \
         FROM information_schema.TABLES t \
         LEFT JOIN information_schema.VIEWS v \
           ON v.TABLE_SCHEMA = t.TABLE_SCHEMA AND v.TABLE_NAME = t.TABLE_NAME \
         WHERE t.TABLE_SCHEMA IN ({list}) ORDER BY 1, 2"
    )
}

fn columns_sql(list: &str) -> String {
    format!(
        "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, \
         EXTRA, GENERATION_EXPRESSION \
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN ({list}) \
         ORDER BY 1, 2, ORDINAL_POSITION"
    )
}

/// One row per index key. MySQL 8 keeps functional key parts in EXPRESSION; MariaDB has no
/// functional indexes (nor the column).
fn indexes_sql(list: &str, mariadb: bool) -> String {
    let expression = if mariadb { "NULL" } else { "EXPRESSION" };
    format!(
        "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, COLLATION, \
         {expression} \
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN ({list}) \
         ORDER BY 1, 2, 3, SEQ_IN_INDEX"
    )
}

/// Foreign key columns; their ON DELETE/UPDATE rules come from [`rules_sql`]. (Two queries:
/// MariaDB's join of these two views is five times slower than both together.)
fn foreign_keys_sql(list: &str) -> String {
    format!(
        "SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, \
         REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME \
         FROM information_schema.KEY_COLUMN_USAGE \
         WHERE TABLE_SCHEMA IN ({list}) AND REFERENCED_TABLE_NAME IS NOT NULL \
         ORDER BY 1, 2, 3, ORDINAL_POSITION"
    )
}

fn rules_sql(list: &str) -> String {
    format!(
        "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE \
         FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN ({list})"
    )
}

/// MariaDB names the table in CHECK_CONSTRAINTS; MySQL only through TABLE_CONSTRAINTS.
fn checks_sql(list: &str, mariadb: bool) -> String {
    if mariadb {
        format!(
            "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE \
             FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN ({list}) \
             ORDER BY 1, 2, 3"
        )
    } else {
        format!(
            "SELECT tc.TABLE_SCHEMA, tc.TABLE_NAME, tc.CONSTRAINT_NAME, cc.CHECK_CLAUSE \
             FROM information_schema.TABLE_CONSTRAINTS tc \
             JOIN information_schema.CHECK_CONSTRAINTS cc \
               ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA \
               AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME \
             WHERE tc.CONSTRAINT_TYPE = 'CHECK' AND tc.TABLE_SCHEMA IN ({list}) \
             ORDER BY 1, 2, 3"
        )
    }
}

/// Triggers; the CREATE TRIGGER statement is rebuilt from their parts (without DEFINER).
fn triggers_sql(list: &str) -> String {
    format!(
        "SELECT EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_TIMING, \
         EVENT_MANIPULATION, ACTION_STATEMENT \
         FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA IN ({list}) \
         ORDER BY 1, 2, 3"
    )
}

/// The ON DELETE (`which` 0) or ON UPDATE (1) rule of the foreign key in `row`.
fn rule(
    rules: &HashMap<(String, String, String), (String, String)>,
    row: &Row<'_>,
    which: usize,
) -> String {
    rules
        .get(&(row.text(0), row.text(1), row.text(2)))
        .map(|(delete, update)| if which == 0 { delete } else { update })
        .cloned()
        .unwrap_or_else(|| "NO ACTION".to_string())
}

pub(super) async fn introspect(db: &mut Database, wanted: &[String]) -> Result<Schema> {
    let current = db
        .query_strings(mysql::CURRENT_DATABASE)
        .await?
        .into_iter()
        .next()
        .filter(|d| !d.is_empty());
    let mariadb = db.server_version().await?.contains("MariaDB");
    let schemas = if wanted.is_empty() {
        current.iter().cloned().collect()
    } else {
        wanted.to_vec()
    };
    let list = if schemas.is_empty() {
        "NULL".to_string()
    } else {
        schemas
            .iter()
            .map(|s| mysql::string_literal(s))
            .collect::<Vec<_>>()
            .join(", ")
    };

    let relation_rows = db.query_text_rows(&relations_sql(&list)).await?;
    let column_rows = db.query_text_rows(&columns_sql(&list)).await?;
    let index_rows = db.query_text_rows(&indexes_sql(&list, mariadb)).await?;
    let fk_rows = db.query_text_rows(&foreign_keys_sql(&list)).await?;
    let rule_rows = db.query_text_rows(&rules_sql(&list)).await?;
    let check_rows = db.query_text_rows(&checks_sql(&list, mariadb)).await?;
    let trigger_rows = db.query_text_rows(&triggers_sql(&list)).await?;

    let mut order = Vec::new();
    let mut by_name: HashMap<(String, String), Table> = HashMap::new();
    for row in relation_rows.iter().map(|r| Row(r)) {
        let (schema, name) = (row.text(0), row.text(1));
        let kind = match row.text(2).as_str() {
            "VIEW" | "SYSTEM VIEW" => TableKind::View,
            "SEQUENCE" => continue,
            _ => TableKind::Table,
        };
        let mut table = new_table(schema.clone(), name.clone(), kind);
        if let Some(definition) = row.opt(3).filter(|_| kind == TableKind::View) {
            table.ddl = Some(view_ddl(Dialect::Mysql, &schema, &name, kind, &definition));
        }
        order.push((schema.clone(), name.clone()));
        by_name.insert((schema, name), table);
    }

    for row in column_rows.iter().map(|r| Row(r)) {
        let Some(table) = by_name.get_mut(&(row.text(0), row.text(1))) else {
            continue;
        };
        let extra = row.text(6).to_ascii_lowercase();
        let expression = row.opt(7).filter(|e| !e.is_empty());
        let generated = match expression {
            Some(expression) => Some(Generated::Computed {
                expression,
                stored: extra.contains("stored") || extra.contains("persistent"),
            }),
            None if extra.contains("auto_increment") => Some(Generated::AutoIncrement),
            None => None,
        };
        // MariaDB reports "no default" as the text NULL (a NULL string literal is quoted).
        let default = row
            .opt(5)
            .filter(|d| !(mariadb && d == "NULL"))
            .filter(|_| generated.is_none() || generated == Some(Generated::AutoIncrement));
        table.columns.push(Column {
            name: row.text(2),
            data_type: row.text(3),
            nullable: row.flag(4),
            default,
            primary_key: None,
            generated,
        });
    }

    for row in index_rows.iter().map(|r| Row(r)) {
        let Some(table) = by_name.get_mut(&(row.text(0), row.text(1))) else {
            continue;
        };
        let name = row.text(2);
        let unique = row.text(3) == "0";
        let column = row.opt(4);
        if name == "PRIMARY" {
            let pk = table.primary_key.get_or_insert_with(|| PrimaryKey {
                name: Some(name),
                columns: Vec::new(),
            });
            pk.columns.extend(column);
            continue;
        }
        if unique && column.is_some() {
            match table.unique_constraints.last_mut() {
                Some(last) if last.name.as_deref() == Some(name.as_str()) => {
                    last.columns.extend(column);
                }
                _ => table.unique_constraints.push(UniqueConstraint {
                    name: Some(name),
                    columns: column.into_iter().collect(),
                }),
            }
            continue;
        }
        let part = IndexPart {
            expression: if column.is_none() { row.opt(6) } else { None },
            column,
            descending: row.text(5) == "D",
        };
        match table.indexes.last_mut() {
            Some(last) if last.name == name => last.parts.push(part),
            _ => table.indexes.push(Index {
                name,
                parts: vec![part],
                unique,
                predicate: None,
            }),
        }
    }

    let rules: HashMap<(String, String, String), (String, String)> = rule_rows
        .iter()
        .map(|r| {
            let row = Row(r);
            (
                (row.text(0), row.text(1), row.text(2)),
                (row.text(3), row.text(4)),
            )
        })
        .collect();
    for row in fk_rows.iter().map(|r| Row(r)) {
        let Some(table) = by_name.get_mut(&(row.text(0), row.text(1))) else {
            continue;
        };
        let name = row.text(2);
        match table.foreign_keys.last_mut() {
            Some(last) if last.name.as_deref() == Some(name.as_str()) => {
                last.columns.push(row.text(3));
                last.referenced_columns.push(row.text(6));
            }
            _ => table.foreign_keys.push(ForeignKey {
                name: Some(name),
                columns: vec![row.text(3)],
                referenced_schema: row.text(4),
                referenced_table: row.text(5),
                referenced_columns: vec![row.text(6)],
                on_delete: rule(&rules, &row, 0),
                on_update: rule(&rules, &row, 1),
            }),
        }
    }

    for row in check_rows.iter().map(|r| Row(r)) {
        let Some(table) = by_name.get_mut(&(row.text(0), row.text(1))) else {
            continue;
        };
        table.check_constraints.push(CheckConstraint {
            name: Some(row.text(2)),
            expression: row.text(3),
        });
    }

    for row in trigger_rows.iter().map(|r| Row(r)) {
        let Some(table) = by_name.get_mut(&(row.text(0), row.text(1))) else {
            continue;
        };
        let name = row.text(2);
        let definition = mysql::create_trigger(
            &mysql::quote_identifier(&name),
            &row.text(3),
            &row.text(4),
            &mysql::quote_identifier(&table.name),
            row.text(5).trim(),
        );
        table.triggers.push(Trigger { name, definition });
    }

    for table in by_name.values_mut() {
        if let Some(pk) = &table.primary_key {
            for (position, name) in pk.columns.iter().enumerate() {
                if let Some(column) = table.columns.iter_mut().find(|c| &c.name == name) {
                    column.primary_key = u32::try_from(position + 1).ok();
                }
            }
        }
    }

    let relations = order
        .into_iter()
        .filter_map(|key| by_name.remove(&key))
        .collect();
    let (tables, views) = split_relations(relations);
    Ok(Schema {
        dialect: Dialect::Mysql,
        schemas,
        default_schema: current,
        tables,
        views,
        enums: Vec::new(),
    })
}
