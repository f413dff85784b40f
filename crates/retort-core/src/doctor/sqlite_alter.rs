//! Pending revisions whose statements use ALTER forms SQLite does not support.

use super::{Finding, Severity};
use crate::dialect::Dialect;
use crate::ops::Workspace;
use crate::revision::Direction;

pub const CHECK: &str = "sqlite_alter";

/// Clause openings SQLite's ALTER TABLE rejects (it has only RENAME TO, RENAME COLUMN, ADD
/// [COLUMN] and DROP COLUMN), with how to name them.
const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "ALTER",
        "ALTER COLUMN (change a type, default or nullability)",
    ),
    ("ADD CONSTRAINT", "ADD CONSTRAINT"),
    ("ADD PRIMARY KEY", "ADD PRIMARY KEY"),
    ("ADD FOREIGN KEY", "ADD FOREIGN KEY"),
    ("ADD UNIQUE", "ADD UNIQUE"),
    ("ADD CHECK", "ADD CHECK"),
    ("ADD INDEX", "ADD INDEX (MySQL)"),
    ("DROP CONSTRAINT", "DROP CONSTRAINT"),
    ("DROP PRIMARY KEY", "DROP PRIMARY KEY"),
    ("DROP FOREIGN KEY", "DROP FOREIGN KEY"),
    ("DROP INDEX", "DROP INDEX inside ALTER TABLE (MySQL)"),
    ("MODIFY", "MODIFY (MySQL)"),
    ("CHANGE", "CHANGE COLUMN (MySQL)"),
];

/// The unsupported form an `ALTER TABLE` statement uses, if any. Each comma-separated clause
/// after the table name is checked by its opening words.
pub(crate) fn unsupported_form(sql: &str) -> Option<&'static str> {
    let normalized = sql
        .replace(',', " , ")
        .split_whitespace()
        .map(str::to_uppercase)
        .collect::<Vec<_>>();
    if normalized.len() < 4 || normalized[0] != "ALTER" || normalized[1] != "TABLE" {
        return None;
    }
    let mut rest = &normalized[3..];
    if normalized[2] == "IF" && normalized.len() > 5 {
        rest = &normalized[5..];
    }
    let text = rest.join(" ");
    text.split(',').find_map(|clause| {
        let words: Vec<&str> = clause.split_whitespace().collect();
        UNSUPPORTED
            .iter()
            .find(|(form, _)| {
                let form_words: Vec<&str> = form.split(' ').collect();
                words.len() >= form_words.len() && words[..form_words.len()] == form_words[..]
            })
            .map(|(_, label)| *label)
    })
}

pub fn check(ws: &Workspace, rows: &[String]) -> Option<Finding> {
    let plan = ws.map.upgrade_plan(rows, "heads").ok()?;
    let mut details = Vec::new();
    for step in plan.steps.iter().filter(|s| s.direction == Direction::Up) {
        let Some(script) = ws.script(&step.revision) else {
            continue;
        };
        let Ok(statements) = script.statements(Direction::Up, Dialect::Sqlite) else {
            continue;
        };
        for statement in statements {
            if let Some(form) = unsupported_form(&statement.sql) {
                let first_line = statement.sql.lines().next().unwrap_or_default().trim();
                details.push(format!(
                    "{} ({}:{}): {form}: {first_line}",
                    step.revision,
                    script.path.display(),
                    statement.line
                ));
            }
        }
    }
    if details.is_empty() {
        return None;
    }
    Some(Finding {
        check: CHECK.into(),
        severity: Severity::Problem,
        title: "A pending revision uses ALTER TABLE forms SQLite does not support".into(),
        explanation: "SQLite's ALTER TABLE can only rename a table, rename, add or drop a \
                      column. The statements below will fail with a syntax error when the \
                      upgrade reaches them. Rewrite them in a `-- migrate:up sqlite` section as \
                      a table rebuild: (1) CREATE TABLE new_t with the wanted columns and \
                      constraints; (2) INSERT INTO new_t (cols) SELECT cols FROM t; (3) DROP \
                      TABLE t; (4) ALTER TABLE new_t RENAME TO t; (5) recreate t's indexes and \
                      triggers. Keep foreign key enforcement off meanwhile (Retort's default), \
                      and run PRAGMA foreign_key_check afterwards."
            .into(),
        details,
        fixes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::unsupported_form;

    #[test]
    fn recognises_unsupported_alter_forms() {
        assert!(unsupported_form("ALTER TABLE t ALTER COLUMN a TYPE text").is_some());
        assert!(unsupported_form("alter table t\n  add constraint c unique (a)").is_some());
        assert!(unsupported_form("ALTER TABLE t MODIFY a int").is_some());
        assert!(unsupported_form("ALTER TABLE t ADD COLUMN a int").is_none());
        assert!(unsupported_form("ALTER TABLE t RENAME COLUMN a TO b").is_none());
        assert!(unsupported_form("ALTER TABLE t DROP COLUMN modify").is_none());
        assert!(unsupported_form("ALTER TABLE t ADD a int, ALTER b SET NOT NULL").is_some());
        assert!(unsupported_form("CREATE TABLE alter_column (a int)").is_none());
    }
}
