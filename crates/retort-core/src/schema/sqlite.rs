//! SQLite introspection: five catalog queries over `sqlite_master` joined with the pragma
//! table-valued functions, whatever the number of tables. What the pragmas do not expose
//! (constraint names, CHECK and generated-column expressions, index expressions and WHERE
//! clauses) is read from the stored CREATE text.

use std::collections::HashMap;

use super::model::*;
use super::{new_table, split_relations, Row};
use crate::db::Database;
use crate::dialect::Dialect;
use crate::error::Result;

const SCHEMA_NAME: &str = "main";

/// Every table, view and index with its stored SQL.
const RELATIONS: &str = "SELECT type, name, tbl_name, sql FROM sqlite_master \
     WHERE type IN ('table', 'view', 'index') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
     ORDER BY name";

/// Columns of every table and view, in declaration order (hidden: 0 normal, 2 virtual
/// generated, 3 stored generated).
const COLUMNS: &str = "SELECT m.name, p.name, p.type, CAST(p.\"notnull\" AS TEXT), p.dflt_value, \
     CAST(p.pk AS TEXT), CAST(p.hidden AS TEXT) \
     FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p \
     WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
     ORDER BY m.name, p.cid";

/// Key columns of every index (origin: `c` CREATE INDEX, `u` UNIQUE constraint, `pk`; cid -2
/// marks an expression).
const INDEXES: &str = "SELECT m.name, il.name, CAST(il.\"unique\" AS TEXT), il.origin, \
     CAST(il.partial AS TEXT), CAST(ii.cid AS TEXT), ii.name, CAST(ii.\"desc\" AS TEXT) \
     FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) ii \
     WHERE m.type = 'table' AND ii.key = 1 AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
     ORDER BY m.name, il.name, ii.seqno";

/// Foreign keys; `to` is NULL when the reference names no columns (the parent's primary key).
const FOREIGN_KEYS: &str = "SELECT m.name, CAST(f.id AS TEXT), f.\"table\", f.\"from\", f.\"to\", \
     f.on_update, f.on_delete \
     FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
     ORDER BY m.name, f.id DESC, f.seq";

/// Every trigger with its table and stored CREATE TRIGGER text.
const TRIGGERS: &str = "SELECT name, tbl_name, sql FROM sqlite_master \
     WHERE type = 'trigger' AND sql IS NOT NULL ORDER BY name";

pub(super) async fn introspect(db: &mut Database) -> Result<Schema> {
    let relation_rows = db.query_text_rows(RELATIONS).await?;
    let column_rows = db.query_text_rows(COLUMNS).await?;
    let index_rows = db.query_text_rows(INDEXES).await?;
    let fk_rows = db.query_text_rows(FOREIGN_KEYS).await?;
    let trigger_rows = db.query_text_rows(TRIGGERS).await?;

    let mut order = Vec::new();
    let mut by_name: HashMap<String, Table> = HashMap::new();
    let mut index_sql: HashMap<String, String> = HashMap::new();
    for row in relation_rows.iter().map(|r| Row(r)) {
        let (kind, name, sql) = (row.text(0), row.text(1), row.opt(3));
        let kind = match kind.as_str() {
            "table" => TableKind::Table,
            "view" => TableKind::View,
            _ => {
                if let Some(sql) = sql {
                    index_sql.insert(name, sql);
                }
                continue;
            }
        };
        let mut table = new_table(SCHEMA_NAME.to_string(), name.clone(), kind);
        table.ddl = sql.map(|s| format!("{};", s.trim().trim_end_matches(';').trim_end()));
        order.push(name.clone());
        by_name.insert(name, table);
    }

    let mut pk_columns: HashMap<String, Vec<(u32, String)>> = HashMap::new();
    for row in column_rows.iter().map(|r| Row(r)) {
        let Some(table) = by_name.get_mut(&row.text(0)) else {
            continue;
        };
        let name = row.text(1);
        let pk = u32::try_from(row.number(5)).unwrap_or(0);
        if pk > 0 {
            pk_columns
                .entry(table.name.clone())
                .or_default()
                .push((pk, name.clone()));
        }
        let generated = match row.number(6) {
            2 | 3 => Some(Generated::Computed {
                expression: String::new(),
                stored: row.number(6) == 3,
            }),
            _ => None,
        };
        table.columns.push(Column {
            name,
            data_type: row.text(2),
            nullable: !row.flag(3),
            default: row.opt(4),
            primary_key: (pk > 0).then_some(pk),
            generated,
        });
    }

    for row in index_rows.iter().map(|r| Row(r)) {
        let Some(table) = by_name.get_mut(&row.text(0)) else {
            continue;
        };
        let index_name = row.text(1);
        let origin = row.text(3);
        let column = (row.number(5) != -2).then(|| row.opt(6)).flatten();
        match origin.as_str() {
            "pk" => {}
            "u" => {
                // Constraint names are not in the catalog; attached from the CREATE text below.
                let key = format!("\u{0}{index_name}");
                match table.unique_constraints.last_mut() {
                    Some(last) if last.name.as_deref() == Some(key.as_str()) => {
                        last.columns.extend(column);
                    }
                    _ => table.unique_constraints.push(UniqueConstraint {
                        name: Some(key),
                        columns: column.into_iter().collect(),
                    }),
                }
            }
            _ => {
                let part = IndexPart {
                    column,
                    expression: None,
                    descending: row.flag(7),
                };
                match table.indexes.last_mut() {
                    Some(last) if last.name == index_name => last.parts.push(part),
                    _ => table.indexes.push(Index {
                        name: index_name,
                        parts: vec![part],
                        unique: row.flag(2),
                        predicate: None,
                    }),
                }
            }
        }
    }

    for row in fk_rows.iter().map(|r| Row(r)) {
        let Some(table) = by_name.get_mut(&row.text(0)) else {
            continue;
        };
        let id = format!("\u{0}{}", row.text(1));
        let (referenced, from, to) = (row.text(2), row.text(3), row.opt(4));
        match table.foreign_keys.last_mut() {
            Some(last) if last.name.as_deref() == Some(id.as_str()) => {
                last.columns.push(from);
                last.referenced_columns.extend(to);
            }
            _ => table.foreign_keys.push(ForeignKey {
                name: Some(id),
                columns: vec![from],
                referenced_schema: SCHEMA_NAME.to_string(),
                referenced_table: referenced,
                referenced_columns: to.into_iter().collect(),
                on_delete: row.text(6),
                on_update: row.text(5),
            }),
        }
    }

    // Primary keys (needed below for references that name no columns).
    let mut primary_keys: HashMap<String, Vec<String>> = HashMap::new();
    for (table_name, mut columns) in pk_columns {
        columns.sort();
        primary_keys.insert(
            table_name.to_lowercase(),
            columns.into_iter().map(|(_, c)| c).collect(),
        );
    }

    for table in by_name.values_mut() {
        let parsed = table
            .ddl
            .as_deref()
            .filter(|_| table.kind == TableKind::Table)
            .map(parse_create_table)
            .unwrap_or_default();
        if let Some(columns) = primary_keys.get(&table.name.to_lowercase()) {
            table.primary_key = Some(PrimaryKey {
                name: parsed.primary_key_name.clone(),
                columns: columns.clone(),
            });
        }
        let rowid_alias = table
            .columns
            .iter()
            .filter(|c| c.primary_key.is_some())
            .count()
            == 1;
        for column in &mut table.columns {
            let lower = column.name.to_lowercase();
            // An INTEGER PRIMARY KEY is the rowid: never NULL, whatever the pragma says.
            if rowid_alias
                && column.primary_key.is_some()
                && column.data_type.eq_ignore_ascii_case("integer")
            {
                column.nullable = false;
            }
            if let Some(Generated::Computed { expression, .. }) = &mut column.generated {
                if let Some(found) = parsed.generated.get(&lower) {
                    *expression = found.clone();
                }
            }
            if parsed.autoincrement.as_deref() == Some(lower.as_str()) {
                column.generated = Some(Generated::AutoIncrement);
            }
        }
        for unique in &mut table.unique_constraints {
            unique.name = parsed
                .unique_names
                .iter()
                .find(|(columns, _)| same_columns(columns, &unique.columns))
                .map(|(_, name)| name.clone());
        }
        for fk in &mut table.foreign_keys {
            fk.name = parsed
                .foreign_key_names
                .iter()
                .find(|(columns, _)| same_columns(columns, &fk.columns))
                .map(|(_, name)| name.clone());
            if fk.referenced_columns.is_empty() {
                fk.referenced_columns = primary_keys
                    .get(&fk.referenced_table.to_lowercase())
                    .cloned()
                    .unwrap_or_default();
            }
        }
        table.check_constraints = parsed.checks;
        for index in &mut table.indexes {
            let Some(sql) = index_sql.get(&index.name) else {
                continue;
            };
            let (expressions, predicate) = parse_create_index(sql);
            index.predicate = predicate;
            for (part, text) in index.parts.iter_mut().zip(expressions) {
                if part.column.is_none() {
                    part.expression = Some(text);
                }
            }
            if let Some(ddl) = &mut table.ddl {
                ddl.push_str(&format!(
                    "\n{};",
                    sql.trim().trim_end_matches(';').trim_end()
                ));
            }
        }
    }

    for row in trigger_rows.iter().map(|r| Row(r)) {
        // SQLite matches table names case-insensitively; tbl_name is spelled as written.
        let table_name = row.text(1);
        let Some(table) = by_name
            .values_mut()
            .find(|t| t.name.eq_ignore_ascii_case(&table_name))
        else {
            continue;
        };
        table.triggers.push(Trigger {
            name: row.text(0),
            definition: row
                .text(2)
                .trim()
                .trim_end_matches(';')
                .trim_end()
                .to_string(),
        });
    }

    let relations = order
        .into_iter()
        .filter_map(|name| by_name.remove(&name))
        .collect();
    let (tables, views) = split_relations(relations);
    Ok(Schema {
        dialect: Dialect::Sqlite,
        schemas: vec![SCHEMA_NAME.to_string()],
        default_schema: Some(SCHEMA_NAME.to_string()),
        tables,
        views,
        enums: Vec::new(),
    })
}

fn same_columns(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

/// What the CREATE TABLE text says that the pragmas do not.
#[derive(Debug, Default)]
struct ParsedTable {
    primary_key_name: Option<String>,
    /// (columns, constraint name) of named UNIQUE constraints.
    unique_names: Vec<(Vec<String>, String)>,
    foreign_key_names: Vec<(Vec<String>, String)>,
    checks: Vec<CheckConstraint>,
    /// Lowercased column name → generation expression.
    generated: HashMap<String, String>,
    /// The lowercased column declared AUTOINCREMENT.
    autoincrement: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokKind {
    Word,
    /// `"x"`, `` `x` `` or `[x]`.
    Quoted,
    Str,
    /// A parenthesised group; its text includes the parentheses.
    Group,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    kind: TokKind,
    start: usize,
    end: usize,
}

/// Splits SQL into tokens, treating a balanced parenthesised group as one token.
fn tokenize(sql: &str) -> Vec<Tok> {
    let bytes = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'-' && bytes.get(i + 1) == Some(&b'-') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let kind = match c {
            b'"' | b'`' | b'\'' | b'[' => {
                i = skip_quoted(bytes, i);
                if c == b'\'' {
                    TokKind::Str
                } else {
                    TokKind::Quoted
                }
            }
            b'(' => {
                let mut depth = 0usize;
                while i < bytes.len() {
                    match bytes[i] {
                        b'"' | b'`' | b'\'' | b'[' => {
                            i = skip_quoted(bytes, i);
                            continue;
                        }
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                TokKind::Group
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                TokKind::Word
            }
            _ => {
                i += 1;
                TokKind::Other
            }
        };
        tokens.push(Tok {
            kind,
            start,
            end: i.min(bytes.len()),
        });
    }
    tokens
}

/// The index just past a quoted token starting at `i` (doubled quotes escape).
fn skip_quoted(bytes: &[u8], mut i: usize) -> usize {
    let close = match bytes[i] {
        b'[' => b']',
        other => other,
    };
    i += 1;
    while i < bytes.len() {
        if bytes[i] == close {
            if close != b']' && bytes.get(i + 1) == Some(&close) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    i
}

fn text<'a>(sql: &'a str, tok: &Tok) -> &'a str {
    sql.get(tok.start..tok.end).unwrap_or("")
}

fn is_word(sql: &str, tok: Option<&Tok>, word: &str) -> bool {
    tok.is_some_and(|t| t.kind == TokKind::Word && text(sql, t).eq_ignore_ascii_case(word))
}

/// An identifier token's name, unquoted.
fn identifier(sql: &str, tok: &Tok) -> String {
    let raw = text(sql, tok);
    match tok.kind {
        TokKind::Quoted | TokKind::Str if raw.len() >= 2 => {
            let quote = &raw[..1];
            let inner = &raw[1..raw.len() - 1];
            if quote == "[" {
                inner.to_string()
            } else {
                inner.replace(&format!("{quote}{quote}"), quote)
            }
        }
        _ => raw.to_string(),
    }
}

/// The inside of a group token, without its parentheses.
fn group_inner<'a>(sql: &'a str, tok: &Tok) -> &'a str {
    let raw = text(sql, tok);
    raw.strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(raw)
        .trim()
}

/// Splits a token list at top-level commas.
fn split_commas(sql: &str, tokens: &[Tok]) -> Vec<Vec<Tok>> {
    let mut items = vec![Vec::new()];
    for tok in tokens {
        if tok.kind == TokKind::Other && text(sql, tok) == "," {
            items.push(Vec::new());
        } else if let Some(last) = items.last_mut() {
            last.push(*tok);
        }
    }
    items.retain(|i| !i.is_empty());
    items
}

/// Column names listed in a group: `("a", b)`.
fn group_columns(sql: &str, tok: &Tok) -> Vec<String> {
    let inner_start = tok.start + 1;
    let inner = group_inner(sql, tok);
    let offset = sql[inner_start..]
        .find(inner)
        .map(|o| inner_start + o)
        .unwrap_or(inner_start);
    let tokens: Vec<Tok> = tokenize(inner)
        .into_iter()
        .map(|t| Tok {
            start: t.start + offset,
            end: t.end + offset,
            ..t
        })
        .collect();
    split_commas(sql, &tokens)
        .iter()
        .filter_map(|item| item.first().map(|t| identifier(sql, t)))
        .collect()
}

fn parse_create_table(sql: &str) -> ParsedTable {
    let mut parsed = ParsedTable::default();
    let tokens = tokenize(sql);
    let Some(body) = tokens.iter().find(|t| t.kind == TokKind::Group) else {
        return parsed;
    };
    let offset = body.start + 1;
    let inner = &sql[offset..body.end.saturating_sub(1).max(offset)];
    let body_tokens: Vec<Tok> = tokenize(inner)
        .into_iter()
        .map(|t| Tok {
            start: t.start + offset,
            end: t.end + offset,
            ..t
        })
        .collect();
    for item in split_commas(sql, &body_tokens) {
        let first = item.first();
        let table_constraint = ["constraint", "primary", "unique", "check", "foreign"]
            .iter()
            .any(|w| is_word(sql, first, w));
        let column = if table_constraint {
            None
        } else {
            first.map(|t| identifier(sql, t).to_lowercase())
        };
        let mut pending_name: Option<String> = None;
        let mut i = if column.is_some() { 1 } else { 0 };
        while i < item.len() {
            let tok = &item[i];
            let next = item.get(i + 1);
            if is_word(sql, Some(tok), "constraint") {
                pending_name = next.map(|t| identifier(sql, t));
                i += 2;
                continue;
            }
            if is_word(sql, Some(tok), "check") {
                if let Some(group) = next.filter(|t| t.kind == TokKind::Group) {
                    parsed.checks.push(CheckConstraint {
                        name: pending_name.take(),
                        expression: group_inner(sql, group).to_string(),
                    });
                    i += 2;
                    continue;
                }
            }
            if is_word(sql, Some(tok), "primary") && column.is_none() {
                parsed.primary_key_name = pending_name.take();
            }
            if is_word(sql, Some(tok), "unique") {
                let name = pending_name.take();
                let columns = match (&column, next) {
                    (Some(column), _) => vec![column.clone()],
                    (None, Some(group)) if group.kind == TokKind::Group => {
                        group_columns(sql, group)
                    }
                    _ => Vec::new(),
                };
                if let Some(name) = name {
                    parsed.unique_names.push((columns, name));
                }
            }
            if is_word(sql, Some(tok), "foreign") || is_word(sql, Some(tok), "references") {
                let name = pending_name.take();
                let columns = match (&column, item.get(i + 2)) {
                    (Some(column), _) => vec![column.clone()],
                    (None, Some(group)) if group.kind == TokKind::Group => {
                        group_columns(sql, group)
                    }
                    _ => Vec::new(),
                };
                if let Some(name) = name {
                    parsed.foreign_key_names.push((columns, name));
                }
                // The rest of the clause (REFERENCES t (cols) ON ...) names nothing new.
                break;
            }
            if is_word(sql, Some(tok), "as") {
                if let (Some(column), Some(group)) =
                    (&column, next.filter(|t| t.kind == TokKind::Group))
                {
                    parsed
                        .generated
                        .insert(column.clone(), group_inner(sql, group).to_string());
                    i += 2;
                    continue;
                }
            }
            if is_word(sql, Some(tok), "autoincrement") {
                parsed.autoincrement.clone_from(&column);
            }
            if !is_word(sql, Some(tok), "not") {
                // A CONSTRAINT name applies to the clause right after it only.
                if !matches!(tok.kind, TokKind::Word) {
                    pending_name = None;
                }
            }
            i += 1;
        }
    }
    parsed
}

/// The key texts of a CREATE INDEX statement and its WHERE clause.
fn parse_create_index(sql: &str) -> (Vec<String>, Option<String>) {
    let tokens = tokenize(sql);
    let Some(on) = tokens.iter().position(|t| is_word(sql, Some(t), "on")) else {
        return (Vec::new(), None);
    };
    let Some(group_at) = tokens[on..]
        .iter()
        .position(|t| t.kind == TokKind::Group)
        .map(|p| p + on)
    else {
        return (Vec::new(), None);
    };
    let group = tokens[group_at];
    let offset = group.start + 1;
    let inner = &sql[offset..group.end.saturating_sub(1).max(offset)];
    let inner_tokens: Vec<Tok> = tokenize(inner)
        .into_iter()
        .map(|t| Tok {
            start: t.start + offset,
            end: t.end + offset,
            ..t
        })
        .collect();
    let parts = split_commas(sql, &inner_tokens)
        .iter()
        .map(|item| {
            let mut end = item.len();
            while end > 1
                && ["asc", "desc"]
                    .iter()
                    .any(|w| is_word(sql, item.get(end - 1), w))
            {
                end -= 1;
            }
            let first = item[0];
            let last = item[end - 1];
            let part = sql[first.start..last.end].trim();
            // An expression key written in parentheses: keep the inside.
            if end == 1 && first.kind == TokKind::Group {
                group_inner(sql, &first).to_string()
            } else {
                part.to_string()
            }
        })
        .collect();
    let predicate = tokens
        .get(group_at + 1)
        .filter(|t| is_word(sql, Some(t), "where"))
        .and_then(|_| tokens.get(group_at + 2))
        .map(|t| {
            sql[t.start..]
                .trim()
                .trim_end_matches(';')
                .trim()
                .to_string()
        });
    (parts, predicate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_checks_and_generated_columns_from_create_text() {
        let parsed = parse_create_table(
            "CREATE TABLE \"odd \"\"t\"\"\" (\n id INTEGER PRIMARY KEY AUTOINCREMENT,\n \
             \"a b\" TEXT CONSTRAINT ck_ab CHECK (length(\"a b\") > 0),\n \
             total INT GENERATED ALWAYS AS (id * 2) STORED,\n \
             CONSTRAINT uq_x UNIQUE (\"a b\", total),\n \
             CONSTRAINT fk_self FOREIGN KEY (total) REFERENCES t (id) ON DELETE CASCADE,\n \
             CHECK (id > 0)\n)",
        );
        assert_eq!(parsed.autoincrement.as_deref(), Some("id"));
        assert_eq!(
            parsed.generated.get("total").map(String::as_str),
            Some("id * 2")
        );
        assert_eq!(
            parsed.unique_names,
            vec![(
                vec!["a b".to_string(), "total".to_string()],
                "uq_x".to_string()
            )]
        );
        assert_eq!(
            parsed.foreign_key_names,
            vec![(vec!["total".to_string()], "fk_self".to_string())]
        );
        assert_eq!(parsed.checks.len(), 2);
        assert_eq!(parsed.checks[0].name.as_deref(), Some("ck_ab"));
        assert_eq!(parsed.checks[0].expression, "length(\"a b\") > 0");
        assert_eq!(parsed.checks[1].name, None);
    }

    #[test]
    fn reads_index_expressions_and_predicate() {
        let (parts, predicate) = parse_create_index(
            "CREATE INDEX ix ON \"t\" (lower(name), \"a b\" DESC) WHERE deleted IS NULL",
        );
        assert_eq!(parts, vec!["lower(name)", "\"a b\""]);
        assert_eq!(predicate.as_deref(), Some("deleted IS NULL"));
    }
}
