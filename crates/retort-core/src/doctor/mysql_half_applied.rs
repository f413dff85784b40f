//! MySQL/MariaDB commit every DDL statement on its own, so a revision that fails halfway stays
//! half-applied. Before: a warning naming the pending revisions with several DDL statements.
//! After: which statements of the next pending revision took effect (found by replaying into a
//! scratch database statement by statement and comparing schema fingerprints), and fixes to
//! finish (run the rest, then stamp) or undo (the inverse of the applied statements).

use std::collections::BTreeSet;

use super::missing_version_table::fingerprint;
use super::{Finding, Fix, FixOutcome, Severity};
use crate::config::DatabaseUrl;
use crate::db::Database;
use crate::dialect::{mysql, Dialect};
use crate::error::{Error, Result};
use crate::ops::{RunCommand, Workspace};
use crate::revision::Direction;
use crate::runner::RunOptions;
use crate::schema;
use crate::scratch::Scratch;

/// The warning before a multi-statement revision.
pub const DDL_CHECK: &str = "mysql_ddl";
/// A revision whose statements took effect only in part.
pub const CHECK: &str = "mysql_half_applied";
pub const FINISH: &str = "finish";
pub const UNDO: &str = "undo";

/// The inverse of one DDL statement, when it is one of the simple forms: CREATE TABLE / VIEW /
/// TRIGGER / INDEX, ALTER TABLE ... ADD [COLUMN] c (one clause). Names are kept as written.
pub(crate) fn inverse(sql: &str) -> Option<String> {
    let spaced = sql.replace('(', " ( ").replace(',', " , ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let upper: Vec<String> = words.iter().map(|w| w.to_uppercase()).collect();
    let word = |at: usize| upper.get(at).map(String::as_str).unwrap_or("");
    let name = |at: usize| {
        words
            .get(at)
            .map(|w| w.trim_end_matches(';').to_string())
            .filter(|w| !w.is_empty() && *w != "(")
    };
    // Skips IF NOT EXISTS.
    let after_if = |at: usize| {
        if word(at) == "IF" && word(at + 1) == "NOT" && word(at + 2) == "EXISTS" {
            at + 3
        } else {
            at
        }
    };
    if word(0) == "CREATE" {
        let mut at = 1;
        if word(1) == "OR" && word(2) == "REPLACE" {
            return None; // Replaced something that may have existed before.
        }
        while matches!(word(at), "UNIQUE" | "FULLTEXT" | "SPATIAL" | "ONLINE") {
            at += 1;
        }
        return match word(at) {
            "TABLE" => name(after_if(at + 1)).map(|t| mysql::drop_table(&t)),
            "VIEW" => name(after_if(at + 1)).map(|v| mysql::drop_view(&v)),
            "TRIGGER" => name(after_if(at + 1)).map(|t| mysql::drop_trigger(&t)),
            "INDEX" => {
                let index = name(after_if(at + 1))?;
                let on = upper.iter().position(|w| w == "ON")?;
                let table = name(on + 1)?;
                Some(mysql::drop_index(&table, &index))
            }
            _ => None,
        };
    }
    if word(0) == "ALTER" && word(1) == "TABLE" && word(3) == "ADD" {
        // One clause only: a top-level comma means several changes.
        let mut depth = 0i32;
        for w in &words[4..] {
            match *w {
                "(" => depth += 1,
                ")" => depth -= 1,
                "," if depth == 0 => return None,
                _ => {}
            }
        }
        let table = name(2)?;
        return match word(4) {
            "INDEX" | "KEY" => Some(mysql::drop_index(&table, &name(5)?)),
            "CONSTRAINT" if word(6) == "FOREIGN" => {
                Some(mysql::drop_foreign_key(&table, &name(5)?))
            }
            "CONSTRAINT" | "PRIMARY" | "UNIQUE" | "FOREIGN" | "FULLTEXT" | "SPATIAL" | "CHECK"
            | "PARTITION" | "PERIOD" | "SYSTEM" => None,
            "COLUMN" => name(after_if(5)).map(|c| mysql::drop_column(&table, &c)),
            _ => name(after_if(4)).map(|c| mysql::drop_column(&table, &c)),
        };
    }
    None
}

/// What replaying the next pending revision found.
struct Analysis {
    revision: String,
    statements: Vec<(usize, String)>,
    /// How many statements, from the first, the live schema shows applied.
    applied: usize,
    /// Per applied statement: whether it changed the schema in the scratch replay. A
    /// `CREATE ... IF NOT EXISTS` of something already there changed nothing: its inverse
    /// would drop what an earlier revision made.
    changed: Vec<bool>,
    /// The statement after the applied ones also leaves the schema unchanged (data only,
    /// or a trigger): the count may be one short.
    ambiguous: bool,
    /// The statement that failed in the scratch database as well (1-based) and why.
    failed_in_scratch: Option<(usize, String)>,
}

pub async fn check(
    ws: &Workspace,
    url: &DatabaseUrl,
    rows: Option<&[String]>,
) -> Result<Vec<Finding>> {
    if url.dialect() != Dialect::Mysql {
        return Ok(Vec::new());
    }
    let mut findings = Vec::new();
    let pending = super::postgres_privileges::pending_revisions(ws, rows);
    let multi: Vec<String> = pending
        .iter()
        .filter_map(|rev| {
            let statements = ws
                .script(rev)?
                .statements(Direction::Up, Dialect::Mysql)
                .ok()?;
            let ddl = statements
                .iter()
                .filter(|s| super::mysql_privileges::is_ddl(&s.sql))
                .count();
            (ddl > 1).then(|| format!("{rev} ({ddl} DDL statements)"))
        })
        .collect();
    if !multi.is_empty() {
        findings.push(Finding {
            check: DDL_CHECK.into(),
            severity: Severity::Warning,
            title: format!(
                "{} pending revision(s) run several DDL statements, which MySQL cannot roll back",
                multi.len()
            ),
            explanation: "MySQL and MariaDB commit each CREATE/ALTER/DROP on its own: if a later \
                          statement of these revisions fails, the earlier ones stay applied and \
                          the version table still names the previous revision (\"half-applied\"). \
                          Back up first; if it happens, `retort doctor` says which statements \
                          took effect and offers to finish or undo the revision."
                .into(),
            details: multi,
            fixes: Vec::new(),
        });
    }
    // Half-applied: only with a version table (else the version_table check explains).
    let (Some(rows), false) = (rows, ws.is_alembic()) else {
        return Ok(findings);
    };
    let Some(next) = pending.first() else {
        return Ok(findings);
    };
    match analyze(ws, url, rows, next).await {
        Ok(Some(analysis)) => findings.push(finding(ws, &analysis)),
        Ok(None) => {}
        // No scratch database (no CREATE on databases, ...): nothing to say about it here.
        Err(e) => tracing::debug!(error = %e, "half-applied check skipped"),
    }
    Ok(findings)
}

async fn analyze(
    ws: &Workspace,
    url: &DatabaseUrl,
    rows: &[String],
    revision: &str,
) -> Result<Option<Analysis>> {
    let Some(script) = ws.script(revision) else {
        return Ok(None);
    };
    let statements: Vec<(usize, String)> = script
        .statements(Direction::Up, Dialect::Mysql)?
        .into_iter()
        .map(|s| (s.line, s.sql))
        .collect();
    if statements.is_empty() {
        return Ok(None);
    }
    let options = ws.schema_options(&[]);
    let live = fingerprint(&ws.schema(url, &[]).await?);
    let scratch = Scratch::create(url).await?;
    let replayed = async {
        let mut ignore = |_| {};
        for row in rows {
            ws.run(
                &scratch.url,
                RunCommand::Upgrade(row),
                &RunOptions::default(),
                &mut ignore,
            )
            .await?;
        }
        let mut states: Vec<BTreeSet<String>> = vec![fingerprint(
            &schema::snapshot(&scratch.url, &options).await?,
        )];
        let mut failed = None;
        if states[0] == live {
            return Ok::<_, Error>((states, failed));
        }
        let mut db = Database::connect(&scratch.url).await?;
        for (index, (_, sql)) in statements.iter().enumerate() {
            if let Err(e) = db.execute(sql).await {
                failed = Some((index + 1, e.to_string()));
                break;
            }
            match schema::snapshot(&scratch.url, &options).await {
                Ok(s) => states.push(fingerprint(&s)),
                Err(e) => {
                    db.close().await;
                    return Err(e);
                }
            }
        }
        db.close().await;
        Ok((states, failed))
    }
    .await;
    let discarded = scratch.discard().await;
    let (states, failed_in_scratch) = replayed?;
    discarded?;
    let Some(applied) = states.iter().rposition(|s| *s == live) else {
        return Ok(None); // Another difference (drift): not a half-applied revision.
    };
    if applied == 0 {
        return Ok(None);
    }
    let ambiguous = applied > 0 && states[applied - 1] == states[applied];
    let changed = (0..applied).map(|i| states[i] != states[i + 1]).collect();
    Ok(Some(Analysis {
        revision: revision.to_string(),
        statements,
        applied,
        changed,
        ambiguous,
        failed_in_scratch,
    }))
}

fn finding(ws: &Workspace, a: &Analysis) -> Finding {
    let rev = &a.revision;
    let total = a.statements.len();
    let path = ws
        .script(rev)
        .map(|s| s.path.display().to_string())
        .unwrap_or_default();
    let mut details = Vec::new();
    for (index, (line, sql)) in a.statements.iter().enumerate() {
        let state = if index < a.applied {
            "took effect"
        } else {
            "did not run"
        };
        details.push(format!(
            "Statement {} (line {line}) {state}: {}",
            index + 1,
            one_line(sql)
        ));
    }
    if a.ambiguous {
        details.push(format!(
            "Statement {} changes no table, column, index or foreign key, so whether it ran \
             cannot be seen from the schema; check its data before finishing.",
            a.applied
        ));
    }
    if let Some((n, error)) = &a.failed_in_scratch {
        details.push(format!(
            "Statement {n} fails in a scratch database too ({error}): fix the script ({path}) \
             before finishing, or undo."
        ));
    }
    let mut fixes = Vec::new();
    if a.applied == total {
        fixes.push(Fix {
            id: format!("stamp:{rev}"),
            title: format!("Stamp {rev}"),
            explanation: format!(
                "Every statement of {rev} took effect but the version table was not updated: \
                 records {rev} without running anything."
            ),
            sql_preview: vec![format!("retort stamp {rev}")],
            destructive: false,
        });
    } else {
        let remaining: Vec<String> = a.statements[a.applied..]
            .iter()
            .map(|(_, sql)| sql.clone())
            .collect();
        let mut preview = remaining.clone();
        preview.push(format!("retort stamp {rev}"));
        fixes.push(Fix {
            id: format!("{FINISH}:{rev}"),
            title: format!(
                "Finish: run the remaining {} statement(s) and stamp {rev}",
                remaining.len()
            ),
            explanation: format!(
                "Runs statements {}..{total} of {rev} (as the script says now), then records \
                 {rev} in the version table. Fix the script first if a statement failed.",
                a.applied + 1
            ),
            sql_preview: preview,
            destructive: false,
        });
    }
    match undo_statements(a) {
        Some(undo) => fixes.push(Fix {
            id: format!("{UNDO}:{rev}"),
            title: format!("Undo: reverse the {} applied statement(s)", undo.len()),
            explanation: format!(
                "Runs the inverse of each applied statement of {rev}, newest first, so the \
                 database is back at the revision the version table names. Drops what those \
                 statements created, with any rows written since."
            ),
            sql_preview: undo,
            destructive: true,
        }),
        None => {
            let down = ws
                .script(rev)
                .and_then(|s| s.statements(Direction::Down, Dialect::Mysql).ok())
                .unwrap_or_default();
            details.push(format!(
                "No automatic undo: not every applied statement has a simple inverse. The \
                 revision's downgrade section has {} statement(s); run those matching the \
                 applied ones by hand.",
                down.len()
            ));
            details.extend(down.iter().map(|s| format!("  down: {}", one_line(&s.sql))));
        }
    }
    Finding {
        check: CHECK.into(),
        severity: Severity::Problem,
        title: format!(
            "Revision {rev} is half-applied: {} of {total} statement(s) took effect",
            a.applied
        ),
        explanation: format!(
            "The database has part of what {rev} creates, but the version table still names the \
             revision before it: the revision failed partway, and MySQL/MariaDB cannot roll DDL \
             back. Upgrading again would fail on the statements that already ran. Finish the \
             revision or undo what it did."
        ),
        details,
        fixes,
    }
}

/// The inverses of the applied statements, newest first; `None` when one has no simple
/// inverse. A statement that created nothing (`CREATE TABLE IF NOT EXISTS` of a table that was
/// already there) is not undone: its inverse would drop what an earlier revision made.
fn undo_statements(a: &Analysis) -> Option<Vec<String>> {
    let mut undo = Vec::new();
    for (index, (_, sql)) in a.statements[..a.applied].iter().enumerate().rev() {
        let inverse = inverse(sql)?;
        if a.changed.get(index).copied().unwrap_or(true) {
            undo.push(inverse);
        }
    }
    Some(undo)
}

fn one_line(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `finish:<rev>` / `undo:<rev>`: analyses again (the state may have changed since the
/// diagnosis), then runs exactly what the fix previewed.
pub async fn apply(
    ws: &Workspace,
    url: &DatabaseUrl,
    kind: &str,
    revision: &str,
) -> Result<FixOutcome> {
    let fix_id = format!("{kind}:{revision}");
    if url.dialect() != Dialect::Mysql {
        return Err(Error::command(format!(
            "The '{fix_id}' fix is for MySQL/MariaDB databases"
        )));
    }
    let rows = ws.current(url).await?.current;
    let pending = super::postgres_privileges::pending_revisions(ws, Some(&rows));
    let analysis = match pending.first() {
        Some(next) if next == revision => analyze(ws, url, &rows, next).await?,
        _ => None,
    };
    let Some(a) = analysis else {
        return Err(Error::command(format!(
            "{revision} is not half-applied now (the database changed since the diagnosis); \
             run `retort doctor` again"
        )));
    };
    let to_run: Vec<String> = if kind == FINISH {
        a.statements[a.applied..]
            .iter()
            .map(|(_, s)| s.clone())
            .collect()
    } else {
        match undo_statements(&a) {
            Some(undo) => undo,
            None => {
                return Err(Error::command(format!(
                    "No automatic undo for {revision}: reverse its applied statements by hand \
                     (see `retort doctor`)"
                )))
            }
        }
    };
    let mut ran = Vec::new();
    let mut db = Database::connect(url).await?;
    for sql in &to_run {
        if let Err(e) = db.execute(sql).await {
            db.close().await;
            return Err(Error::command(format!(
                "The '{fix_id}' fix stopped at `{}`: {e}. Ran before it: {}. Run `retort doctor` \
                 again to see where the revision stands.",
                one_line(sql),
                if ran.is_empty() {
                    "nothing".to_string()
                } else {
                    ran.join("; ")
                }
            )));
        }
        ran.push(one_line(sql));
    }
    db.close().await;
    if kind == FINISH {
        let mut ignore = |_| {};
        let targets = vec![revision.to_string()];
        let outcome = ws
            .run(
                url,
                RunCommand::Stamp {
                    targets: &targets,
                    purge: false,
                },
                &RunOptions::default(),
                &mut ignore,
            )
            .await?;
        ran.push(format!("retort stamp {revision}"));
        return Ok(FixOutcome {
            fix: fix_id,
            ran,
            message: format!(
                "Finished {revision}; the version table now names: {}",
                outcome.current.join(", ")
            ),
        });
    }
    Ok(FixOutcome {
        fix: fix_id,
        ran,
        message: format!(
            "Undid the applied statements of {revision}; the database is back at {}",
            if rows.is_empty() {
                "base".to_string()
            } else {
                rows.join(", ")
            }
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverses_of_simple_ddl() {
        assert_eq!(
            inverse("CREATE TABLE IF NOT EXISTS b1 (id INT PRIMARY KEY)").as_deref(),
            Some("DROP TABLE b1")
        );
        assert_eq!(
            inverse("create unique index ix_a on `t` (a, b)").as_deref(),
            Some("DROP INDEX ix_a ON `t`")
        );
        assert_eq!(
            inverse("ALTER TABLE tasks ADD COLUMN updated_at TIMESTAMP NULL").as_deref(),
            Some("ALTER TABLE tasks DROP COLUMN updated_at")
        );
        assert_eq!(
            inverse("ALTER TABLE tasks ADD note VARCHAR(10)").as_deref(),
            Some("ALTER TABLE tasks DROP COLUMN note")
        );
        assert_eq!(
            inverse("ALTER TABLE t ADD CONSTRAINT fk_x FOREIGN KEY (x) REFERENCES u (id)")
                .as_deref(),
            Some("ALTER TABLE t DROP FOREIGN KEY fk_x")
        );
        assert_eq!(inverse("ALTER TABLE t ADD a INT, ADD b INT"), None);
        assert_eq!(inverse("ALTER TABLE t MODIFY a BIGINT"), None);
        assert_eq!(inverse("CREATE OR REPLACE VIEW v AS SELECT 1"), None);
        assert_eq!(inverse("INSERT INTO t VALUES (1)"), None);
    }
}
