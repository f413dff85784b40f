//! MySQL/MariaDB `Access denied`: `SHOW GRANTS` of the connected account checked against what
//! the pending migrations need, and the exact `GRANT` an administrator must run. Read-only.

use std::collections::BTreeSet;

use super::{Finding, Fix, Severity};
use crate::config::DatabaseUrl;
use crate::db::Database;
use crate::dialect::{self, mysql, Dialect, TableName};
use crate::error::{Error, Result};
use crate::ops::Workspace;
use crate::revision::Direction;

pub const CHECK: &str = "mysql_privileges";
/// The fix id (shared with PostgreSQL): statements for an administrator, never run.
pub const FIX: &str = "grants";

/// The privileges one statement needs (MySQL privilege names), from a light classification of
/// its leading keywords. Unknown statements need nothing we can name.
pub(crate) fn statement_privileges(sql: &str) -> BTreeSet<&'static str> {
    let spaced = sql.replace(['(', ')', ',', ';'], " ");
    let upper: Vec<String> = spaced
        .split_whitespace()
        .map(|w| w.to_uppercase())
        .collect();
    let word = |at: usize| upper.get(at).map(String::as_str).unwrap_or("");
    let has = |w: &str| upper.iter().any(|u| u == w);
    let mut needs = BTreeSet::new();
    // CREATE [OR REPLACE] [UNIQUE|FULLTEXT|SPATIAL] [TEMPORARY] <kind>
    let mut kind_at = 1;
    if word(1) == "OR" && word(2) == "REPLACE" {
        kind_at = 3;
    }
    while matches!(
        word(kind_at),
        "UNIQUE" | "FULLTEXT" | "SPATIAL" | "TEMPORARY" | "ONLINE" | "OFFLINE"
    ) {
        kind_at += 1;
    }
    match (word(0), word(kind_at)) {
        ("CREATE", "TABLE") => {
            needs.insert("CREATE");
        }
        ("CREATE", "INDEX") => {
            needs.insert("INDEX");
        }
        ("CREATE", "VIEW") => {
            needs.insert("CREATE VIEW");
        }
        ("CREATE", "TRIGGER") => {
            needs.insert("TRIGGER");
        }
        ("CREATE", "PROCEDURE" | "FUNCTION") => {
            needs.insert("CREATE ROUTINE");
        }
        ("DROP", "TABLE" | "VIEW") => {
            needs.insert("DROP");
        }
        ("DROP", "INDEX") => {
            needs.insert("INDEX");
        }
        ("DROP", "TRIGGER") => {
            needs.insert("TRIGGER");
        }
        ("DROP", "PROCEDURE" | "FUNCTION") => {
            needs.insert("ALTER ROUTINE");
        }
        ("ALTER", "TABLE") => {
            needs.insert("ALTER");
            if has("RENAME") {
                needs.extend(["DROP", "CREATE", "INSERT"]);
            }
            if word(3) == "ADD" && matches!(word(4), "INDEX" | "KEY" | "UNIQUE" | "FULLTEXT") {
                needs.insert("INDEX");
            }
        }
        ("RENAME", "TABLE") => {
            needs.extend(["ALTER", "DROP", "CREATE", "INSERT"]);
        }
        ("TRUNCATE", _) => {
            needs.insert("DROP");
        }
        ("INSERT" | "REPLACE", _) => {
            needs.insert("INSERT");
        }
        ("UPDATE", _) => {
            needs.insert("UPDATE");
        }
        ("DELETE", _) => {
            needs.insert("DELETE");
        }
        _ => {}
    }
    if has("REFERENCES") {
        needs.insert("REFERENCES");
    }
    needs
}

/// Whether the statement is DDL (commits implicitly on MySQL, cannot be rolled back).
pub(crate) fn is_ddl(sql: &str) -> bool {
    let first = sql
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_uppercase();
    matches!(
        first.as_str(),
        "CREATE" | "ALTER" | "DROP" | "RENAME" | "TRUNCATE"
    )
}

/// What one `GRANT` row of `SHOW GRANTS` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Grant {
    /// Upper-cased privilege names; `ALL` for ALL [PRIVILEGES]. Column lists are dropped
    /// (a column privilege does not give the table one).
    pub privileges: BTreeSet<String>,
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    Global,
    /// A database name or pattern (`_` and `%` wildcards, `\` escapes), unquoted.
    Database(String),
    Table {
        database: String,
        table: String,
    },
}

fn unquote(part: &str) -> String {
    let part = part.trim();
    match part.strip_prefix('`').and_then(|p| p.strip_suffix('`')) {
        Some(inner) => inner.replace("``", "`"),
        None => part.to_string(),
    }
}

/// Splits on `sep` outside backquotes, quotes and parentheses.
fn split_top(text: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let (mut depth, mut quote) = (0i32, None::<char>);
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '`' | '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, c) if c == sep && depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
}

/// Parses one `SHOW GRANTS` row. `None` for rows that give no object privileges here (role
/// grants, PROXY, routine grants).
pub(crate) fn parse_grant(row: &str) -> Option<Grant> {
    let rest = row.trim().strip_prefix("GRANT ")?;
    // " ON " outside quotes: find it on the top-level words.
    let words = split_top(rest, ' ');
    let on = words.iter().position(|w| w == "ON")?;
    let to = words.iter().position(|w| w == "TO")?;
    if to < on {
        return None;
    }
    let privileges_text = words[..on].join(" ");
    let mut object: Vec<&String> = words[on + 1..to].iter().collect();
    if object
        .first()
        .is_some_and(|w| matches!(w.to_uppercase().as_str(), "TABLE"))
    {
        object.remove(0);
    }
    if object.len() != 1 {
        return None; // PROCEDURE / FUNCTION / PACKAGE objects.
    }
    let object = object[0].as_str();
    let privileges: BTreeSet<String> = split_top(&privileges_text, ',')
        .into_iter()
        // Column privileges (`SELECT (c)`) give nothing on the table.
        .filter(|raw| !raw.contains('('))
        .map(|raw| match raw.trim().to_uppercase().as_str() {
            "ALL PRIVILEGES" => "ALL".to_string(),
            name => name.to_string(),
        })
        .filter(|name| !name.is_empty())
        .collect();
    let parts = split_top(object, '.');
    let scope = match parts.as_slice() {
        [db, table] if db.trim() == "*" && table.trim() == "*" => Scope::Global,
        [db, table] if table.trim() == "*" => Scope::Database(unquote(db)),
        [db, table] => Scope::Table {
            database: unquote(db),
            table: unquote(table),
        },
        _ => return None,
    };
    Some(Grant { privileges, scope })
}

/// MySQL's database-pattern match: `%` any run, `_` one character, `\` escapes either.
pub(crate) fn pattern_matches(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('%') => (0..=n.len()).any(|i| go(&p[1..], &n[i..])),
            Some('_') => !n.is_empty() && go(&p[1..], &n[1..]),
            Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && go(&p[2..], &n[1..]),
            Some(c) => n.first() == Some(c) && go(&p[1..], &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

/// Whether `grants` give `privilege` on table `table` (or on any table, `None`) of `database`.
pub(crate) fn granted(
    grants: &[Grant],
    privilege: &str,
    database: &str,
    table: Option<&str>,
) -> bool {
    grants.iter().any(|g| {
        let gives = g.privileges.contains(privilege) || g.privileges.contains("ALL");
        gives
            && match &g.scope {
                Scope::Global => true,
                Scope::Database(pattern) => pattern_matches(pattern, database),
                Scope::Table {
                    database: d,
                    table: t,
                } => d == database && table.is_some_and(|table| t.eq_ignore_ascii_case(table)),
            }
    })
}

/// `rows`: the version rows (`None` when they could not be read: every revision then counts
/// as pending).
pub async fn check(
    ws: &Workspace,
    url: &DatabaseUrl,
    rows: Option<&[String]>,
) -> Result<Option<Finding>> {
    if url.dialect() != Dialect::Mysql {
        return Ok(None);
    }
    let mut db = Database::connect(url).await?;
    let result = inspect(ws, &mut db, rows).await;
    db.close().await;
    result.map(Some)
}

async fn inspect(ws: &Workspace, db: &mut Database, rows: Option<&[String]>) -> Result<Finding> {
    let who = db.query_text_rows(mysql::CURRENT_ACCOUNT).await?;
    let who: Vec<String> = who
        .into_iter()
        .next()
        .unwrap_or_default()
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect();
    let [account, database] = who.as_slice() else {
        return Err(Error::command("Unexpected answer reading the current user"));
    };
    let (user, host) = account
        .rsplit_once('@')
        .map(|(u, h)| (u.to_string(), h.to_string()))
        .unwrap_or_else(|| (account.clone(), "%".to_string()));
    let database = database.clone();
    let grant_rows = db.query_strings(mysql::SHOW_GRANTS).await?;
    let mut grants: Vec<Grant> = grant_rows.iter().filter_map(|r| parse_grant(r)).collect();
    let roles = follow_roles(db, &grant_rows).await;
    grants.extend(roles.grants.iter().filter_map(|(_, r)| parse_grant(r)));

    let pending = super::postgres_privileges::pending_revisions(ws, rows);
    // privilege -> revisions that need it
    let mut needed: std::collections::BTreeMap<&'static str, BTreeSet<String>> = Default::default();
    for revision in &pending {
        let Some(script) = ws.script(revision) else {
            continue;
        };
        if let Ok(statements) = script.statements(Direction::Up, Dialect::Mysql) {
            for statement in statements {
                for privilege in statement_privileges(&statement.sql) {
                    needed
                        .entry(privilege)
                        .or_default()
                        .insert(revision.clone());
                }
            }
        }
    }
    let version_table = TableName::parse(&ws.project.version_table);
    let version_db = version_table.schema.clone().unwrap_or(database.clone());
    let exists = !db
        .query_strings_bound(
            &dialect::table_exists_sql(Dialect::Mysql, &version_table),
            &dialect::table_exists_binds(Dialect::Mysql, &version_table),
        )
        .await?
        .is_empty();
    let mut details = vec![format!(
        "Account '{user}'@'{host}' on database {database}; {} pending revision(s){}",
        pending.len(),
        match (rows.is_none(), exists) {
            (false, _) => "",
            (true, false) => " (no version table yet: every revision is pending)",
            (true, true) => " (the version table could not be read: all revisions counted)",
        }
    )];
    details.extend(
        grant_rows
            .iter()
            .map(|r| format!("Has: {}", without_credentials(r))),
    );
    details.extend(
        roles
            .grants
            .iter()
            .map(|(role, r)| format!("Has through role {role}: {}", without_credentials(r))),
    );
    details.extend(roles.unreadable.iter().cloned());
    let mut missing: BTreeSet<&'static str> = BTreeSet::new();
    for (privilege, revisions) in &needed {
        if !granted(&grants, privilege, &database, None) {
            details.push(format!(
                "Missing {privilege} on {database} (needed by {})",
                revisions.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
            missing.insert(privilege);
        }
    }
    let mut version_needs = vec!["SELECT", "INSERT", "UPDATE", "DELETE"];
    if !exists {
        version_needs.insert(0, "CREATE");
    }
    let mut version_missing = Vec::new();
    for privilege in version_needs {
        if !granted(&grants, privilege, &version_db, Some(&version_table.name)) {
            version_missing.push(privilege);
        }
    }
    if !version_missing.is_empty() {
        details.push(format!(
            "Missing {} on the version table {}{}",
            version_missing.join(", "),
            version_table.name,
            if exists {
                ""
            } else {
                " (it does not exist yet: the first upgrade creates it)"
            }
        ));
    }
    let account_sql = mysql::account(&user, &host);
    let something_missing = !missing.is_empty() || !version_missing.is_empty();
    if something_missing && !roles.inactive.is_empty() {
        let mariadb = db
            .query_strings(mysql::VERSION)
            .await
            .is_ok_and(|v| v.iter().any(|v| v.contains("MariaDB")));
        for role in &roles.inactive {
            details.push(format!(
                "Role {} is granted but not active when Retort signs in, so its privileges do \
                 not count. If it has what is missing, an administrator can make it the \
                 default instead of the GRANT below: {}",
                unquote_role(role),
                mysql::set_default_role(role, &account_sql, mariadb)
            ));
        }
    }
    let mut grants_sql = Vec::new();
    let quoted_db = format!("`{}`", database.replace('`', "``"));
    if version_db == database {
        missing.extend(version_missing.iter().copied());
    } else if !version_missing.is_empty() {
        grants_sql.push(format!(
            "GRANT {} ON `{}`.`{}` TO {account_sql};",
            version_missing.join(", "),
            version_db.replace('`', "``"),
            version_table.name.replace('`', "``")
        ));
    }
    if !missing.is_empty() {
        grants_sql.insert(
            0,
            format!(
                "GRANT {} ON {quoted_db}.* TO {account_sql};",
                order(&missing).join(", ")
            ),
        );
    }
    if grants_sql.is_empty() {
        return Ok(Finding {
            check: CHECK.into(),
            severity: Severity::Ok,
            title: format!("'{user}'@'{host}' has the privileges the pending migrations need"),
            explanation: "Checked SHOW GRANTS against the privileges the pending revisions' \
                          statements need and the version table's rights."
                .into(),
            details,
            fixes: Vec::new(),
        });
    }
    Ok(Finding {
        check: CHECK.into(),
        severity: Severity::Problem,
        title: format!(
            "'{user}'@'{host}' lacks privileges the migrations need (\"Access denied\")"
        ),
        explanation: format!(
            "The upgrade will fail with \"command denied to user\" / \"Access denied\". \
             The account cannot grant these to itself: an administrator (root, or an account \
             with GRANT OPTION) must run the statements of the fix. Missing: {}.",
            order(&missing)
                .into_iter()
                .chain(if version_db == database {
                    Vec::new()
                } else {
                    version_missing.clone()
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        details,
        fixes: vec![Fix {
            id: FIX.into(),
            title: format!(
                "Statements for an administrator to grant '{user}'@'{host}' what it needs"
            ),
            explanation: "Copy these and have an administrator run them; Retort cannot apply \
                          them with this connection."
                .into(),
            sql_preview: grants_sql,
            destructive: false,
        }],
    })
}

/// Privileges in the order MySQL lists them.
fn order(set: &BTreeSet<&'static str>) -> Vec<&'static str> {
    const ORDER: &[&str] = &[
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "CREATE",
        "DROP",
        "REFERENCES",
        "INDEX",
        "ALTER",
        "CREATE VIEW",
        "CREATE ROUTINE",
        "ALTER ROUTINE",
        "TRIGGER",
    ];
    let mut out: Vec<&'static str> = ORDER.iter().copied().filter(|p| set.contains(p)).collect();
    out.extend(set.iter().copied().filter(|p| !ORDER.contains(p)));
    out
}

/// What the account has through roles: the grants of the roles active in this session (and of
/// the roles granted to those), and the roles granted to it that are not active.
#[derive(Default)]
struct RoleGrants {
    /// (role, `GRANT … TO role` line) for every active role.
    grants: Vec<(String, String)>,
    /// Granted roles not active in this session, quoted as `SHOW GRANTS` printed them.
    inactive: Vec<String>,
    /// Why an active role's grants could not be read.
    unreadable: Vec<String>,
}

/// Roles only give privileges while active (`SET ROLE`, or a default role set at sign-in).
/// MariaDB's `SHOW GRANTS FOR CURRENT_USER()` lists the roles granted but not their privileges;
/// an active role's own grants are readable with `SHOW GRANTS FOR role`.
async fn follow_roles(db: &mut Database, grant_rows: &[String]) -> RoleGrants {
    let mut found = RoleGrants::default();
    let granted: Vec<String> = grant_rows.iter().flat_map(|r| granted_roles(r)).collect();
    if granted.is_empty() {
        return found;
    }
    let active: BTreeSet<String> = db
        .query_strings(mysql::CURRENT_ROLE)
        .await
        .unwrap_or_default()
        .iter()
        .flat_map(|value| split_top(value, ','))
        .map(|role| unquote_role(&role))
        .filter(|role| !role.is_empty() && role != "NONE")
        .collect();
    let (mut queue, inactive): (Vec<String>, Vec<String>) = granted
        .into_iter()
        .partition(|role| active.contains(&unquote_role(role)));
    found.inactive = inactive;
    let mut seen = BTreeSet::new();
    while let Some(role) = queue.pop() {
        let name = unquote_role(&role);
        if !seen.insert(name.clone()) {
            continue;
        }
        match db.query_strings(&mysql::show_grants_for(&role)).await {
            Ok(rows) => {
                for row in rows {
                    // A role granted to an active role is active too.
                    queue.extend(granted_roles(&row));
                    if parse_grant(&row).is_some() {
                        found.grants.push((name.clone(), row));
                    }
                }
            }
            Err(e) => found.unreadable.push(format!(
                "The grants of active role {name} could not be read ({e}); its privileges are \
                 not counted."
            )),
        }
    }
    found
}

/// The roles a `GRANT role[, role] TO grantee` line grants (no `ON`: not a privilege grant),
/// quoted as printed: MariaDB `` `role` ``, MySQL 8 `` `role`@`host` ``.
fn granted_roles(row: &str) -> Vec<String> {
    let Some(rest) = row.trim().strip_prefix("GRANT ") else {
        return Vec::new();
    };
    let words = split_top(rest, ' ');
    if words.iter().any(|w| w == "ON") {
        return Vec::new();
    }
    let Some(to) = words.iter().position(|w| w == "TO") else {
        return Vec::new();
    };
    split_top(&words[..to].join(" "), ',')
        .into_iter()
        .map(|role| role.trim().to_string())
        .filter(|role| !role.is_empty())
        .collect()
}

/// `` `role` `` → `role`; `` `role`@`%` `` → `role@%`, as `CURRENT_ROLE()` is compared.
fn unquote_role(role: &str) -> String {
    split_top(role.trim(), '@')
        .iter()
        .map(|part| unquote(part))
        .collect::<Vec<_>>()
        .join("@")
}

/// A `SHOW GRANTS` line without what MariaDB prints after `IDENTIFIED`: the password hash
/// (`IDENTIFIED BY PASSWORD '*…'`, `IDENTIFIED VIA … USING '…'`) signs in as the account with the
/// native protocol, so it is a secret like the password. Every quoted string from there on
/// becomes `'***'`.
fn without_credentials(grant: &str) -> String {
    let Some(start) = grant.to_ascii_uppercase().find(" IDENTIFIED ") else {
        return grant.to_string();
    };
    let (kept, tail) = grant.split_at(start);
    let mut out = String::from(kept);
    let mut in_quote = false;
    let mut chars = tail.chars().peekable();
    while let Some(c) = chars.next() {
        match (in_quote, c) {
            (false, '\'') => {
                in_quote = true;
                out.push_str("'***'");
            }
            // A doubled quote inside a literal is an escaped quote, not its end.
            (true, '\'') if chars.peek() == Some(&'\'') => {
                chars.next();
            }
            (true, '\'') => in_quote = false,
            (true, '\\') => {
                chars.next();
            }
            (true, _) => {}
            (false, c) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&'static str]) -> BTreeSet<&'static str> {
        items.iter().copied().collect()
    }

    #[test]
    fn classifies_statements() {
        assert_eq!(
            statement_privileges(
                "CREATE TABLE t (id INT, CONSTRAINT f FOREIGN KEY (id) REFERENCES u (id))"
            ),
            set(&["CREATE", "REFERENCES"])
        );
        assert_eq!(
            statement_privileges("create unique index ix on t (a)"),
            set(&["INDEX"])
        );
        assert_eq!(
            statement_privileges("ALTER TABLE tasks ADD COLUMN x INT"),
            set(&["ALTER"])
        );
        assert_eq!(
            statement_privileges("ALTER TABLE t RENAME TO u"),
            set(&["ALTER", "CREATE", "DROP", "INSERT"])
        );
        assert_eq!(
            statement_privileges("DROP TABLE IF EXISTS t"),
            set(&["DROP"])
        );
        assert_eq!(statement_privileges("DROP INDEX ix ON t"), set(&["INDEX"]));
        assert_eq!(
            statement_privileges("INSERT INTO t VALUES (1)"),
            set(&["INSERT"])
        );
        assert!(statement_privileges("SET foreign_key_checks = 0").is_empty());
        assert!(is_ddl("  alter table t add x int"));
        assert!(!is_ddl("INSERT INTO t VALUES (1)"));
    }

    #[test]
    fn reads_role_grants() {
        assert_eq!(
            granted_roles("GRANT `migrator` TO `app`@`%`"),
            ["`migrator`"]
        );
        assert_eq!(
            granted_roles("GRANT `r1`@`%`,`r2`@`localhost` TO `app`@`%` WITH ADMIN OPTION"),
            ["`r1`@`%`", "`r2`@`localhost`"]
        );
        assert!(granted_roles("GRANT ALTER ON `shop`.* TO `migrator`").is_empty());
        assert_eq!(unquote_role("`migrator`"), "migrator");
        assert_eq!(unquote_role("`r1`@`%`"), "r1@%");
        assert_eq!(unquote_role("migrator"), "migrator");
    }

    #[test]
    fn hides_password_hashes_of_show_grants() {
        assert_eq!(
            without_credentials(
                "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*0EE2ACE1CA8FB613FC1BBF0088BDF2E69EC5F8DF'"
            ),
            "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '***'"
        );
        assert_eq!(
            without_credentials(
                "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED VIA ed25519 USING 'x''y\\'z' OR unix_socket WITH GRANT OPTION"
            ),
            "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED VIA ed25519 USING '***' OR unix_socket WITH GRANT OPTION"
        );
        let plain = "GRANT ALL PRIVILEGES ON `shop`.* TO `app`@`%`";
        assert_eq!(without_credentials(plain), plain);
    }

    #[test]
    fn parses_show_grants() {
        let g = parse_grant("GRANT USAGE ON *.* TO `bob`@`%`").unwrap();
        assert_eq!(g.scope, Scope::Global);
        let g =
            parse_grant("GRANT SELECT, INSERT, CREATE, DROP ON `retort\\_t\\_1`.* TO `bob`@`%`")
                .unwrap();
        assert_eq!(g.scope, Scope::Database("retort\\_t\\_1".into()));
        assert!(g.privileges.contains("CREATE"));
        let g = parse_grant("GRANT ALL PRIVILEGES ON `app`.`alembic_version` TO 'bob'@'localhost'")
            .unwrap();
        assert_eq!(
            g.scope,
            Scope::Table {
                database: "app".into(),
                table: "alembic_version".into()
            }
        );
        assert!(g.privileges.contains("ALL"));
        let g = parse_grant("GRANT SELECT (id), UPDATE ON `app`.`t` TO `bob`@`%`").unwrap();
        assert_eq!(g.privileges, ["UPDATE".to_string()].into());
        assert_eq!(parse_grant("GRANT `dev_role` TO `bob`@`%`"), None);
        assert_eq!(
            parse_grant("GRANT EXECUTE ON PROCEDURE `app`.`p` TO `bob`@`%`"),
            None
        );

        let grants = vec![
            parse_grant("GRANT CREATE, ALTER ON `app\\_%`.* TO `bob`@`%`").unwrap(),
            parse_grant("GRANT INSERT ON `other`.`v` TO `bob`@`%`").unwrap(),
        ];
        assert!(granted(&grants, "ALTER", "app_main", None));
        assert!(!granted(&grants, "ALTER", "appxmain", None));
        assert!(!granted(&grants, "DROP", "app_main", None));
        assert!(granted(&grants, "INSERT", "other", Some("V")));
        assert!(!granted(&grants, "INSERT", "other", None));
        assert!(pattern_matches("a_c%", "abcdef"));
        assert!(!pattern_matches("a\\_c", "abc"));
    }
}
