//! PostgreSQL `permission denied`: what the connected role lacks for the pending migrations, and
//! the exact statements an administrator must run. Read-only.

use std::collections::BTreeSet;

use super::{Finding, Fix, Severity};
use crate::config::DatabaseUrl;
use crate::db::Database;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::ops::Workspace;
use crate::revision::Direction;

pub const CHECK: &str = "postgres_privileges";
/// The fix id: statements for an administrator, never run by [`super::apply_fix`].
pub const FIX: &str = "grants";

/// A table a statement needs, as written (unquoted, lower-cased unless quoted).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TableRef {
    pub schema: Option<String>,
    pub name: String,
}

/// What pending statements do to existing tables.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Needs {
    /// ALTER TABLE, DROP TABLE, CREATE INDEX ... ON: only the owner may.
    pub owned: BTreeSet<TableRef>,
    /// REFERENCES t: the REFERENCES privilege (or ownership).
    pub referenced: BTreeSet<TableRef>,
    pub creates_schema: bool,
}

/// One identifier as PostgreSQL reads it: quoted kept as is, unquoted folded to lower case.
fn identifier(raw: &str) -> Option<TableRef> {
    let raw = raw
        .trim_end_matches([';', ',', ')'])
        .split('(')
        .next()
        .unwrap_or_default();
    if raw.is_empty() {
        return None;
    }
    let parts: Vec<String> = raw
        .split('.')
        .map(|part| match part.strip_prefix('"') {
            Some(quoted) => quoted.trim_end_matches('"').replace("\"\"", "\""),
            None => part.to_lowercase(),
        })
        .collect();
    match parts.as_slice() {
        [name] => Some(TableRef {
            schema: None,
            name: name.clone(),
        }),
        [schema, name] => Some(TableRef {
            schema: Some(schema.clone()),
            name: name.clone(),
        }),
        _ => None,
    }
}

/// The word after optional `IF [NOT] EXISTS` / `ONLY` / `CONCURRENTLY` keywords.
fn after_modifiers<'a>(words: &[&'a str], mut at: usize) -> Option<&'a str> {
    loop {
        match words.get(at).map(|w| w.to_uppercase()).as_deref() {
            Some("IF") => {
                at += if words.get(at + 1).map(|w| w.to_uppercase()) == Some("NOT".into()) {
                    3
                } else {
                    2
                }
            }
            Some("ONLY" | "CONCURRENTLY") => at += 1,
            Some(_) => return words.get(at).copied(),
            None => return None,
        }
    }
}

/// Collects what one statement needs.
pub(crate) fn scan(sql: &str, needs: &mut Needs) {
    let spaced = sql.replace('(', " ( ").replace(',', " , ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let upper: Vec<String> = words.iter().map(|w| w.to_uppercase()).collect();
    let is = |at: usize, word: &str| upper.get(at).is_some_and(|w| w == word);
    if is(0, "ALTER") && is(1, "TABLE") {
        needs
            .owned
            .extend(after_modifiers(&words, 2).and_then(identifier));
    } else if is(0, "DROP") && is(1, "TABLE") {
        // DROP TABLE a, b: every listed table.
        let mut at = 2;
        while let Some(word) = after_modifiers(&words, at) {
            let index = words
                .iter()
                .skip(at)
                .position(|w| *w == word)
                .map(|p| p + at);
            if matches!(word.to_uppercase().as_str(), "CASCADE" | "RESTRICT") {
                break;
            }
            needs.owned.extend(identifier(word));
            match index {
                Some(i) if is(i + 1, ",") => at = i + 2,
                _ => break,
            }
        }
    } else if is(0, "CREATE") && (is(1, "INDEX") || (is(1, "UNIQUE") && is(2, "INDEX"))) {
        if let Some(on) = upper.iter().position(|w| w == "ON") {
            needs
                .owned
                .extend(after_modifiers(&words, on + 1).and_then(identifier));
        }
    } else if is(0, "CREATE") && is(1, "SCHEMA") {
        needs.creates_schema = true;
    }
    for (at, word) in upper.iter().enumerate() {
        if word == "REFERENCES" {
            needs
                .referenced
                .extend(words.get(at + 1).and_then(|w| identifier(w)));
        }
    }
}

/// `"name"`, quoted for PostgreSQL whatever it contains.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

/// `rows`: the version rows (`None` when they could not be read: then every revision counts as
/// pending).
pub async fn check(
    ws: &Workspace,
    url: &DatabaseUrl,
    rows: Option<&[String]>,
) -> Result<Option<Finding>> {
    if url.dialect() != Dialect::Postgresql {
        return Ok(None);
    }
    let mut db = Database::connect(url).await?;
    let result = inspect(ws, &mut db, rows).await;
    db.close().await;
    result.map(Some)
}

async fn one_row(db: &mut Database, sql: &str) -> Result<Vec<String>> {
    let rows = db.query_text_rows(sql).await?;
    Ok(rows
        .into_iter()
        .next()
        .unwrap_or_default()
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect())
}

async fn inspect(ws: &Workspace, db: &mut Database, rows: Option<&[String]>) -> Result<Finding> {
    let who = one_row(
        db,
        "SELECT current_user::text, current_database()::text, \
         has_database_privilege(current_database(), 'CONNECT')::text, \
         has_database_privilege(current_database(), 'CREATE')::text",
    )
    .await?;
    let [role, database, can_connect, can_create_schema] = who.as_slice() else {
        return Err(Error::command("Unexpected answer reading the current role"));
    };
    let (role, database) = (role.clone(), database.clone());
    // current_schemas() hides schemas the role may not use, so search_path is read directly.
    let schema = one_row(
        db,
        "SELECT n.nspname::text FROM unnest(string_to_array(current_setting('search_path'), ',')) \
         WITH ORDINALITY AS p(entry, pos) JOIN pg_namespace n ON n.nspname = CASE \
         WHEN trim(p.entry) = '\"$user\"' THEN current_user::text \
         ELSE trim(both '\"' from trim(p.entry)) END ORDER BY p.pos LIMIT 1",
    )
    .await?
    .into_iter()
    .next()
    .filter(|s| !s.is_empty())
    .unwrap_or_else(|| "public".to_string());
    let schema_rights = one_row(
        db,
        &format!(
            "SELECT has_schema_privilege({s}, 'USAGE')::text, has_schema_privilege({s}, 'CREATE')::text",
            s = literal(&schema)
        ),
    )
    .await?;
    let schema_usage = schema_rights.first().is_some_and(|v| v == "true");
    let schema_create = schema_rights.get(1).is_some_and(|v| v == "true");

    let pending = pending_revisions(ws, rows);
    let mut needs = Needs::default();
    for revision in &pending {
        let Some(script) = ws.script(revision) else {
            continue;
        };
        if let Ok(statements) = script.statements(Direction::Up, Dialect::Postgresql) {
            for statement in statements {
                scan(&statement.sql, &mut needs);
            }
        }
    }

    let mut details = vec![format!(
        "Role {role} on database {database}, schema {schema}; {} pending revision(s){}",
        pending.len(),
        if rows.is_none() {
            " (the version table could not be read: all revisions counted)"
        } else {
            ""
        }
    )];
    let mut grants = Vec::new();
    let role_q = quote_ident(&role);
    if can_connect != "true" {
        details.push(format!("Missing CONNECT on database {database}"));
        grants.push(format!(
            "GRANT CONNECT ON DATABASE {} TO {role_q};",
            quote_ident(&database)
        ));
    }
    if can_create_schema != "true" {
        if needs.creates_schema {
            details.push(format!(
                "Missing CREATE on database {database} (a pending revision creates a schema)"
            ));
            grants.push(format!(
                "GRANT CREATE ON DATABASE {} TO {role_q};",
                quote_ident(&database)
            ));
        } else {
            details.push(format!(
                "No CREATE on database {database} (only needed to create schemas; none pending)"
            ));
        }
    }
    if !schema_usage {
        details.push(format!("Missing USAGE on schema {schema}"));
        grants.push(format!(
            "GRANT USAGE ON SCHEMA {} TO {role_q};",
            quote_ident(&schema)
        ));
    }
    // A version table may be schema-qualified in the project's settings.
    let (version_schema, version_table) = match ws.project.version_table.split_once('.') {
        Some((qualifier, name)) => (qualifier.to_string(), name.to_string()),
        None => (schema.clone(), ws.project.version_table.clone()),
    };
    let version_exists = !table_owner(db, &version_schema, &version_table)
        .await?
        .is_empty();
    if !schema_create && (!pending.is_empty() || !version_exists) {
        details.push(format!(
            "Missing CREATE on schema {schema} (PostgreSQL 15 no longer grants it on public to every role)"
        ));
        grants.push(format!(
            "GRANT CREATE ON SCHEMA {} TO {role_q};",
            quote_ident(&schema)
        ));
    }
    let mut owner_changes = Vec::new();
    for table in &needs.owned {
        let table_schema = table.schema.as_deref().unwrap_or(&schema);
        let owner = table_owner(db, table_schema, &table.name).await?;
        let [owner, acts_as_owner] = owner.as_slice() else {
            continue; // Created by a pending revision: not there yet.
        };
        if acts_as_owner != "true" {
            details.push(format!(
                "Table {table_schema}.{} is owned by {owner}; a pending revision alters, drops or indexes it, which only its owner may",
                table.name
            ));
            owner_changes.push(format!(
                "ALTER TABLE {} OWNER TO {role_q};",
                qualified(table_schema, &table.name)
            ));
        }
    }
    for table in needs.referenced.difference(&needs.owned) {
        let table_schema = table.schema.as_deref().unwrap_or(&schema);
        if table_owner(db, table_schema, &table.name).await?.is_empty() {
            continue;
        }
        let target = qualified(table_schema, &table.name);
        let allowed = one_row(
            db,
            &format!(
                "SELECT has_table_privilege({}, 'REFERENCES')::text",
                literal(&target)
            ),
        )
        .await?;
        if allowed.first().is_some_and(|v| v != "true") {
            details.push(format!(
                "Missing REFERENCES on {table_schema}.{} (a pending foreign key points at it)",
                table.name
            ));
            grants.push(format!("GRANT REFERENCES ON TABLE {target} TO {role_q};"));
        }
    }
    if version_exists {
        let target = qualified(&version_schema, &version_table);
        let rights = one_row(
            db,
            &format!(
                "SELECT {}",
                ["SELECT", "INSERT", "UPDATE", "DELETE"]
                    .iter()
                    .map(|p| format!("has_table_privilege({}, '{p}')::text", literal(&target)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .await?;
        let missing: Vec<&str> = ["SELECT", "INSERT", "UPDATE", "DELETE"]
            .iter()
            .zip(&rights)
            .filter(|(_, v)| *v != "true")
            .map(|(p, _)| *p)
            .collect();
        if !missing.is_empty() {
            details.push(format!(
                "Missing {} on the version table {version_schema}.{version_table}",
                missing.join(", ")
            ));
            grants.push(format!(
                "GRANT {} ON TABLE {target} TO {role_q};",
                missing.join(", ")
            ));
        }
    }
    grants.extend(owner_changes);
    if grants.is_empty() {
        return Ok(Finding {
            check: CHECK.into(),
            severity: Severity::Ok,
            title: format!("Role {role} has the privileges the pending migrations need"),
            explanation: "Checked CONNECT on the database, USAGE and CREATE on the schema, \
                          ownership of the tables pending revisions alter, and the version \
                          table's rights."
                .into(),
            details,
            fixes: Vec::new(),
        });
    }
    Ok(Finding {
        check: CHECK.into(),
        severity: Severity::Problem,
        title: format!("Role {role} lacks privileges the migrations need (\"permission denied\")"),
        explanation: format!(
            "The upgrade will fail with \"permission denied\" or \"must be owner of table\". \
             {role} cannot grant these to itself: an administrator (a superuser, or the owner of \
             the database, schema and tables) must run the statements of the fix, connected to \
             database {database}."
        ),
        details,
        fixes: vec![Fix {
            id: FIX.into(),
            title: format!("Statements for an administrator to grant {role} what it needs"),
            explanation: "Copy these and have an administrator run them; Retort cannot apply \
                          them with this connection."
                .into(),
            sql_preview: grants,
            destructive: false,
        }],
    })
}

/// `[owner, whether the current role acts as owner]`, empty when the table does not exist.
async fn table_owner(db: &mut Database, schema: &str, table: &str) -> Result<Vec<String>> {
    let found = db
        .query_text_rows(&format!(
            "SELECT tableowner::text, pg_has_role(tableowner, 'USAGE')::text FROM pg_tables \
             WHERE schemaname = {} AND tablename = {}",
            literal(schema),
            literal(table)
        ))
        .await?;
    Ok(found
        .into_iter()
        .next()
        .map(|row| row.into_iter().map(Option::unwrap_or_default).collect())
        .unwrap_or_default())
}

pub(crate) fn pending_revisions(ws: &Workspace, rows: Option<&[String]>) -> Vec<String> {
    ws.map
        .upgrade_plan(rows.unwrap_or(&[]), "heads")
        .map(|plan| {
            plan.steps
                .iter()
                .filter(|s| s.direction == Direction::Up)
                .map(|s| s.revision.clone())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str) -> TableRef {
        TableRef {
            schema: None,
            name: name.into(),
        }
    }

    #[test]
    fn finds_the_tables_statements_need() {
        let mut needs = Needs::default();
        scan(
            "ALTER TABLE IF EXISTS ONLY Tasks ADD COLUMN x int",
            &mut needs,
        );
        scan("DROP TABLE IF EXISTS a, \"B\" CASCADE;", &mut needs);
        scan(
            "CREATE UNIQUE INDEX CONCURRENTLY ix ON app.c (x)",
            &mut needs,
        );
        scan(
            "CREATE TABLE d (id int, CONSTRAINT f FOREIGN KEY (id) REFERENCES users(id))",
            &mut needs,
        );
        let mut expected: BTreeSet<TableRef> = [t("tasks"), t("a"), t("B")].into();
        expected.insert(TableRef {
            schema: Some("app".into()),
            name: "c".into(),
        });
        assert_eq!(needs.owned, expected);
        assert_eq!(needs.referenced, [t("users")].into());
        assert!(!needs.creates_schema);
        assert_eq!(quote_ident("we\"ird"), "\"we\"\"ird\"");
    }
}
