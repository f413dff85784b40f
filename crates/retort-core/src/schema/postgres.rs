//! PostgreSQL introspection: six pg_catalog queries for any number of tables (plus one for the
//! search_path when no schema is named). Lists come back one row per element, in order.

use std::collections::HashMap;

use super::model::*;
use super::{new_table, split_relations, strip_check, strip_outer_parens, view_ddl, Row};
use crate::db::Database;
use crate::dialect::{postgres, Dialect};
use crate::error::Result;

/// The schemas of the search_path that exist, in order (without the implicit pg_catalog).
const SEARCH_PATH: &str = "SELECT s::text FROM unnest(current_schemas(false)) AS s";

fn relations_sql(filter: &str) -> String {
    format!(
        "SELECT n.nspname, c.relname, c.relkind::text, \
         CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid, true) END \
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE {filter} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition \
         ORDER BY 1, 2"
    )
}

/// Defaults cannot refer to columns, so they are deparsed without the table (relid 0): naming
/// it makes PostgreSQL open every table, which doubled this query's time on a new connection.
/// Generated-column expressions do refer to columns and keep it.
fn columns_sql(filter: &str) -> String {
    format!(
        "SELECT n.nspname, c.relname, a.attname, \
         pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull::text, \
         pg_catalog.pg_get_expr(d.adbin, CASE WHEN a.attgenerated <> '' THEN d.adrelid ELSE 0 END), \
         a.attidentity::text, a.attgenerated::text \
         FROM pg_catalog.pg_attribute a \
         JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE {filter} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition \
         AND a.attnum > 0 AND NOT a.attisdropped \
         ORDER BY 1, 2, a.attnum"
    )
}

/// Primary key, unique, foreign key and check constraints, one row per key column.
fn constraints_sql(filter: &str) -> String {
    format!(
        "SELECT n.nspname, c.relname, con.conname, con.contype::text, k.ord::text, a.attname, \
         fn.nspname, fc.relname, fa.attname, con.confdeltype::text, con.confupdtype::text, \
         CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_constraintdef(con.oid, true) END \
         FROM pg_catalog.pg_constraint con \
         JOIN pg_catalog.pg_class c ON c.oid = con.conrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, fattnum, ord) \
           ON true \
         LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum \
         LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid \
         LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace \
         LEFT JOIN pg_catalog.pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.fattnum \
         WHERE {filter} AND con.contype IN ('p', 'u', 'f', 'c') AND NOT c.relispartition \
         ORDER BY 1, 2, 3, k.ord"
    )
}

/// Indexes that do not back a constraint, one row per key (expression keys: attnum 0).
fn indexes_sql(filter: &str) -> String {
    format!(
        "SELECT n.nspname, c.relname, ic.relname, i.indisunique::text, k.ord::text, a.attname, \
         CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) END, \
         ((i.indoption[k.ord - 1] & 1) = 1)::text, pg_catalog.pg_get_expr(i.indpred, i.indrelid) \
         FROM pg_catalog.pg_index i \
         JOIN pg_catalog.pg_class c ON c.oid = i.indrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
         CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
         LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
         WHERE {filter} AND k.ord <= i.indnkeyatts AND NOT c.relispartition \
         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con \
           WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid \
           AND con.contype IN ('p', 'u', 'x')) \
         ORDER BY 1, 2, 3, k.ord"
    )
}

fn enums_sql(filter: &str) -> String {
    format!(
        "SELECT n.nspname, t.typname, e.enumlabel \
         FROM pg_catalog.pg_type t \
         JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid \
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
         WHERE {filter} ORDER BY 1, 2, e.enumsortorder"
    )
}

/// User triggers (not those PostgreSQL makes for foreign keys) with their CREATE TRIGGER text.
fn triggers_sql(filter: &str) -> String {
    format!(
        "SELECT n.nspname, c.relname, t.tgname, pg_catalog.pg_get_triggerdef(t.oid) \
         FROM pg_catalog.pg_trigger t \
         JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE {filter} AND NOT t.tgisinternal AND NOT c.relispartition \
         ORDER BY 1, 2, 3"
    )
}

fn fk_action(code: &str) -> String {
    match code {
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => "NO ACTION",
    }
    .to_string()
}

pub(super) async fn introspect(db: &mut Database, wanted: &[String]) -> Result<Schema> {
    let search_path = db.query_strings(SEARCH_PATH).await?;
    let schemas = if wanted.is_empty() {
        search_path.clone()
    } else {
        wanted.to_vec()
    };
    let list = schemas
        .iter()
        .map(|s| postgres::string_literal(s))
        .collect::<Vec<_>>()
        .join(", ");
    let filter = format!("n.nspname::text = ANY (ARRAY[{list}]::text[])");

    let relation_rows = db.query_text_rows(&relations_sql(&filter)).await?;
    let column_rows = db.query_text_rows(&columns_sql(&filter)).await?;
    let constraint_rows = db.query_text_rows(&constraints_sql(&filter)).await?;
    let index_rows = db.query_text_rows(&indexes_sql(&filter)).await?;
    let enum_rows = db.query_text_rows(&enums_sql(&filter)).await?;
    let trigger_rows = db.query_text_rows(&triggers_sql(&filter)).await?;

    let mut order = Vec::new();
    let mut by_name: HashMap<(String, String), Table> = HashMap::new();
    for row in relation_rows.iter().map(|r| Row(r)) {
        let (schema, name) = (row.text(0), row.text(1));
        let kind = match row.text(2).as_str() {
            "v" => TableKind::View,
            "m" => TableKind::MaterializedView,
            _ => TableKind::Table,
        };
        let mut table = new_table(schema.clone(), name.clone(), kind);
        if let Some(definition) = row.opt(3) {
            table.ddl = Some(view_ddl(
                Dialect::Postgresql,
                &schema,
                &name,
                kind,
                &definition,
            ));
        }
        order.push((schema.clone(), name.clone()));
        by_name.insert((schema, name), table);
    }

    for row in column_rows.iter().map(|r| Row(r)) {
        let Some(table) = by_name.get_mut(&(row.text(0), row.text(1))) else {
            continue;
        };
        let mut default = row.opt(5);
        let generated = match (row.text(6).as_str(), row.text(7).as_str()) {
            ("a", _) => Some(Generated::Identity { always: true }),
            ("d", _) => Some(Generated::Identity { always: false }),
            (_, "s" | "v") => Some(Generated::Computed {
                expression: strip_outer_parens(&default.take().unwrap_or_default()).to_string(),
                stored: row.text(7) == "s",
            }),
            _ => None,
        };
        table.columns.push(Column {
            name: row.text(2),
            data_type: row.text(3),
            nullable: !row.flag(4),
            default,
            primary_key: None,
            generated,
        });
    }

    for row in constraint_rows.iter().map(|r| Row(r)) {
        let Some(table) = by_name.get_mut(&(row.text(0), row.text(1))) else {
            continue;
        };
        let name = row.text(2);
        let column = row.opt(5);
        match row.text(3).as_str() {
            "p" => {
                let pk = table.primary_key.get_or_insert_with(|| PrimaryKey {
                    name: Some(name),
                    columns: Vec::new(),
                });
                pk.columns.extend(column);
            }
            "u" => match table.unique_constraints.last_mut() {
                Some(last) if last.name.as_deref() == Some(name.as_str()) => {
                    last.columns.extend(column);
                }
                _ => table.unique_constraints.push(UniqueConstraint {
                    name: Some(name),
                    columns: column.into_iter().collect(),
                }),
            },
            "f" => match table.foreign_keys.last_mut() {
                Some(last) if last.name.as_deref() == Some(name.as_str()) => {
                    last.columns.extend(column);
                    last.referenced_columns.extend(row.opt(8));
                }
                _ => table.foreign_keys.push(ForeignKey {
                    name: Some(name),
                    columns: column.into_iter().collect(),
                    referenced_schema: row.text(6),
                    referenced_table: row.text(7),
                    referenced_columns: row.opt(8).into_iter().collect(),
                    on_delete: fk_action(&row.text(9)),
                    on_update: fk_action(&row.text(10)),
                }),
            },
            _ => {
                if table
                    .check_constraints
                    .last()
                    .is_none_or(|last| last.name.as_deref() != Some(name.as_str()))
                {
                    table.check_constraints.push(CheckConstraint {
                        name: Some(name),
                        expression: strip_check(&row.text(11)).to_string(),
                    });
                }
            }
        }
    }

    for row in index_rows.iter().map(|r| Row(r)) {
        let Some(table) = by_name.get_mut(&(row.text(0), row.text(1))) else {
            continue;
        };
        let name = row.text(2);
        let part = IndexPart {
            column: row.opt(5),
            expression: row.opt(6),
            descending: row.flag(7),
        };
        match table.indexes.last_mut() {
            Some(last) if last.name == name => last.parts.push(part),
            _ => table.indexes.push(Index {
                name,
                parts: vec![part],
                unique: row.flag(3),
                predicate: row.opt(8).map(|p| strip_outer_parens(&p).to_string()),
            }),
        }
    }

    for row in trigger_rows.iter().map(|r| Row(r)) {
        let Some(table) = by_name.get_mut(&(row.text(0), row.text(1))) else {
            continue;
        };
        table.triggers.push(Trigger {
            name: row.text(2),
            definition: row.text(3),
        });
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

    let mut enums: Vec<EnumType> = Vec::new();
    for row in enum_rows.iter().map(|r| Row(r)) {
        let (schema, name, value) = (row.text(0), row.text(1), row.text(2));
        match enums.last_mut() {
            Some(last) if last.schema == schema && last.name == name => last.values.push(value),
            _ => enums.push(EnumType {
                schema,
                name,
                values: vec![value],
            }),
        }
    }

    let relations = order
        .into_iter()
        .filter_map(|key| by_name.remove(&key))
        .collect();
    let (tables, views) = split_relations(relations);
    Ok(Schema {
        dialect: Dialect::Postgresql,
        schemas,
        default_schema: search_path.into_iter().next(),
        tables,
        views,
        enums,
    })
}
