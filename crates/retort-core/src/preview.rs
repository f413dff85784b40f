//! What an action will do before it runs: the revisions in order, each statement for the
//! connected dialect with the ones that destroy data flagged, the transaction behaviour, and the
//! equivalent `retort` and `alembic` commands (new developers learn the CLI from it).

use serde::Serialize;

use crate::dialect::Dialect;
use crate::error::Result;
use crate::ops::{RunCommand, Workspace};
use crate::revision::{Direction, Plan};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Preview {
    pub dialect: Dialect,
    pub steps: Vec<PreviewStep>,
    /// Version table rows after the run.
    pub final_rows: Vec<String>,
    /// True where a failure rolls everything back (PostgreSQL, SQLite).
    pub atomic: bool,
    /// One sentence on what a failure leaves behind on this dialect.
    pub transaction_note: String,
    pub retort_command: String,
    pub alembic_command: String,
    /// Number of statements flagged as destroying data.
    pub destructive_statements: usize,
    /// What happens about backups before the run (filled in by hosts that keep backups).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub backup: Option<crate::backup::BackupPlan>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PreviewStep {
    pub direction: Direction,
    pub revision: String,
    pub message: String,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub no_transaction: bool,
    pub statements: Vec<PreviewStatement>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PreviewStatement {
    pub sql: String,
    pub line: usize,
    /// Why this statement destroys data, when it does.
    pub destructive: Option<String>,
}

/// Builds the preview of `command` from the given version rows.
pub fn preview(
    ws: &Workspace,
    dialect: Dialect,
    rows: &[String],
    command: RunCommand<'_>,
    transaction_per_migration: bool,
) -> Result<Preview> {
    let plan: Plan = match command {
        RunCommand::Upgrade(target) => ws.upgrade_plan(rows, target)?,
        RunCommand::Downgrade(target) => ws.downgrade_plan(rows, target)?,
        RunCommand::Stamp { targets, purge } => ws.stamp_plan(rows, targets, purge)?,
    };
    let mut steps = Vec::with_capacity(plan.steps.len());
    let mut destructive_statements = 0;
    for step in &plan.steps {
        let script = ws.script(&step.revision);
        let statements = match (step.direction, script) {
            (Direction::Stamp, _) | (_, None) => Vec::new(),
            (direction, Some(script)) => script
                .statements(direction, dialect)?
                .into_iter()
                .map(|s| {
                    let destructive = destructive_reason(&s.sql).map(str::to_string);
                    destructive_statements += usize::from(destructive.is_some());
                    PreviewStatement {
                        sql: s.sql,
                        line: s.line,
                        destructive,
                    }
                })
                .collect(),
        };
        steps.push(PreviewStep {
            direction: step.direction,
            revision: step.revision.clone(),
            message: script
                .map(|s| s.revision.message.clone())
                .unwrap_or_default(),
            from: step.from.clone(),
            to: step.to.clone(),
            no_transaction: script.is_some_and(|s| s.no_transaction),
            statements,
        });
    }
    let atomic = dialect != Dialect::Mysql;
    let transaction_note = match (dialect, transaction_per_migration) {
        (Dialect::Mysql, _) => "MySQL/MariaDB commit every DDL statement at once: if a statement fails, the statements before it stay applied and Retort reports exactly which ones.".to_string(),
        (_, false) => format!("The whole run is one transaction on {}: if anything fails, nothing of it remains.", dialect_label(dialect)),
        (_, true) => format!("Each revision is its own transaction on {}: if one fails, it is rolled back and the revisions before it stay applied.", dialect_label(dialect)),
    };
    let (retort_command, alembic_command) = equivalent_commands(command);
    Ok(Preview {
        dialect,
        steps,
        final_rows: plan.final_rows,
        atomic,
        transaction_note,
        retort_command,
        alembic_command,
        destructive_statements,
        backup: None,
    })
}

fn dialect_label(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "SQLite",
        Dialect::Postgresql => "PostgreSQL",
        Dialect::Mysql => "MySQL/MariaDB",
    }
}

/// The `retort` and `alembic` command lines that do the same thing.
pub fn equivalent_commands(command: RunCommand<'_>) -> (String, String) {
    let args = match command {
        RunCommand::Upgrade(target) => format!("upgrade {}", shell_word(target)),
        RunCommand::Downgrade(target) => format!("downgrade {}", shell_word(target)),
        RunCommand::Stamp { targets, purge } => {
            let mut s = String::from("stamp");
            if purge {
                s.push_str(" --purge");
            }
            for t in targets {
                s.push(' ');
                s.push_str(&shell_word(t));
            }
            s
        }
    };
    (format!("retort {args}"), format!("alembic {args}"))
}

fn shell_word(word: &str) -> String {
    if word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '+' | '-' | ':' | '_' | '.'))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Why a statement destroys data: DROP TABLE/COLUMN/SCHEMA/DATABASE, TRUNCATE, or DELETE without
/// WHERE. Comments and string contents are ignored, so a mention inside a literal is not flagged.
pub fn destructive_reason(sql: &str) -> Option<&'static str> {
    let words = keywords(sql);
    let has = |i: usize, w: &str| words.get(i).is_some_and(|x| x == w);
    match words.first().map(String::as_str) {
        Some("DROP") if has(1, "TABLE") => Some("drops a table and all its rows"),
        Some("DROP") if has(1, "SCHEMA") || has(1, "DATABASE") => {
            Some("drops a schema and everything in it")
        }
        Some("TRUNCATE") => Some("deletes every row of a table"),
        Some("DELETE") if !words.iter().any(|w| w == "WHERE") => {
            Some("DELETE without WHERE removes every row")
        }
        Some("ALTER") if has(1, "TABLE") => {
            let drops_column = words.windows(2).any(|w| {
                w[0] == "DROP"
                    && !matches!(
                        w[1].as_str(),
                        "CONSTRAINT"
                            | "INDEX"
                            | "KEY"
                            | "DEFAULT"
                            | "NOT"
                            | "FOREIGN"
                            | "PRIMARY"
                            | "CHECK"
                            | "TRIGGER"
                    )
            });
            drops_column.then_some("drops a column and its data")
        }
        _ => None,
    }
}

/// Upper-cased bare words of a statement, skipping comments, strings and quoted identifiers.
fn keywords(sql: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = sql.chars().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, words: &mut Vec<String>| {
        if !word.is_empty() {
            words.push(word.to_ascii_uppercase());
            word.clear();
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '-' if chars.peek() == Some(&'-') => {
                flush(&mut word, &mut words);
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                flush(&mut word, &mut words);
                chars.next();
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
            }
            '\'' | '"' | '`' => {
                flush(&mut word, &mut words);
                for inner in chars.by_ref() {
                    if inner == c {
                        break;
                    }
                }
            }
            c if c.is_alphanumeric() || c == '_' => word.push(c),
            _ => flush(&mut word, &mut words),
        }
    }
    flush(&mut word, &mut words);
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_statements_that_destroy_data() {
        assert!(destructive_reason("DROP TABLE users").is_some());
        assert!(destructive_reason("drop table if exists users").is_some());
        assert!(destructive_reason("ALTER TABLE tasks DROP COLUMN updated_at").is_some());
        assert!(destructive_reason("ALTER TABLE tasks DROP updated_at").is_some());
        assert!(destructive_reason("TRUNCATE logs").is_some());
        assert!(destructive_reason("DELETE FROM logs").is_some());
        assert!(destructive_reason("DROP SCHEMA app CASCADE").is_some());
    }

    #[test]
    fn leaves_safe_statements_alone() {
        assert_eq!(destructive_reason("DELETE FROM logs WHERE id = 1"), None);
        assert_eq!(destructive_reason("DROP INDEX ix_tasks_status_due"), None);
        assert_eq!(
            destructive_reason("ALTER TABLE t DROP CONSTRAINT fk_x"),
            None
        );
        assert_eq!(
            destructive_reason("ALTER TABLE t ALTER COLUMN c DROP DEFAULT"),
            None
        );
        assert_eq!(
            destructive_reason("ALTER TABLE t ALTER COLUMN c DROP NOT NULL"),
            None
        );
        assert_eq!(
            destructive_reason("INSERT INTO notes VALUES ('DROP TABLE users')"),
            None
        );
        assert_eq!(destructive_reason("-- DROP TABLE users\nSELECT 1"), None);
        assert_eq!(destructive_reason("CREATE TABLE t (id INT)"), None);
    }

    #[test]
    fn equivalent_commands_quote_only_when_needed() {
        let targets = vec!["head".to_string()];
        assert_eq!(
            equivalent_commands(RunCommand::Stamp {
                targets: &targets,
                purge: true
            }),
            (
                "retort stamp --purge head".to_string(),
                "alembic stamp --purge head".to_string()
            )
        );
        assert_eq!(
            equivalent_commands(RunCommand::Upgrade("comments@head")).0,
            "retort upgrade comments@head"
        );
        assert_eq!(
            equivalent_commands(RunCommand::Downgrade("-1")).1,
            "alembic downgrade -1"
        );
    }
}
