//! The doctor's MySQL/MariaDB checks against a real server: an account without ALTER, and a
//! revision that failed halfway (MySQL keeps the DDL that ran before the failing statement).

use std::path::{Path, PathBuf};

use retort_core::dialect::Dialect;
use retort_core::doctor::{self, Severity};
use retort_core::ops::{RunCommand, Workspace};
use retort_core::runner::RunOptions;
use retort_core::DatabaseUrl;
use retort_testkit::{admin_execute, finding, upgrade, AdminCleanup, TestDb};

/// The demo project copied into `dir`, so nothing the test does touches the checkout.
fn demo_copy(dir: &Path) -> Workspace {
    Workspace::open(&retort_testkit::copy_demo_project(dir)).expect("demo project copy")
}

/// The admin URL with `user` (no password) instead of the administrator.
fn url_as(admin_url: &str, user: &str, dir: &Path) -> DatabaseUrl {
    let mut user_url = url::Url::parse(admin_url).unwrap();
    user_url.set_username(user).unwrap();
    user_url.set_password(None).unwrap();
    DatabaseUrl::parse(user_url.as_str(), dir).unwrap()
}

const MIDDLE: &str = "4c9a5d6e7f04";
const HEAD: &str = "7fcd8a9bac07";

/// A MariaDB account with every privilege the demo needs but ALTER: the upgrade stops at the
/// revision that alters `tasks`; the finding names ALTER, and its GRANT, run by root, lets
/// `upgrade head` succeed.
#[tokio::test]
async fn mariadb_user_without_alter_gets_the_grant_it_needs() {
    let Some(db) = TestDb::new(Dialect::Mysql, "mysql_privileges").await else {
        return;
    };
    let ws = demo_copy(db.dir());
    let admin_url = db.url.connect_url().to_string();
    upgrade(&ws, &db.url, MIDDLE).await.expect("admin upgrade");
    let database = db.url.database_name().expect("database name");

    let user = format!("retort_t_{:016x}", rand_suffix());
    let account = format!("'{user}'@'%'");
    admin_execute(
        Dialect::Mysql,
        &admin_url,
        &format!("CREATE USER {account}"),
    )
    .await;
    let _guard = AdminCleanup::new(
        Dialect::Mysql,
        &admin_url,
        format!("DROP USER IF EXISTS {}", account.clone()),
    );
    admin_execute(
        Dialect::Mysql,
        &admin_url,
        &format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, REFERENCES \
             ON `{database}`.* TO {account}"
        ),
    )
    .await;
    let user_db = url_as(&admin_url, &user, db.dir());

    // Before the upgrade: the finding already names ALTER (7fcd8a9bac07 alters tasks).
    let findings = doctor::diagnose(&ws, &user_db).await.expect("diagnose");
    let found = finding(&findings, "mysql_privileges");
    assert_eq!(found.severity, Severity::Problem, "{found:#?}");
    assert!(
        found
            .details
            .iter()
            .any(|d| d.starts_with("Missing ALTER") && d.contains(HEAD)),
        "{found:#?}"
    );
    let expected = [format!("GRANT ALTER ON `{database}`.* TO {account};")];
    assert_eq!(found.fixes[0].id, "grants");
    assert_eq!(found.fixes[0].sql_preview, expected, "{found:#?}");
    // The ALTER revision has one statement; the comments one has two (a warning).
    let ddl = finding(&findings, "mysql_ddl");
    assert_eq!(ddl.severity, Severity::Warning);
    assert!(
        ddl.details.iter().any(|d| d.starts_with("5dab6e7f8a05")),
        "{ddl:#?}"
    );

    // As it is, the upgrade fails at the ALTER.
    let failed = upgrade(&ws, &user_db, "head").await.expect_err("no ALTER");
    assert!(
        failed.to_string().to_lowercase().contains("denied"),
        "{failed}"
    );

    let refused = doctor::apply_fix(&ws, &user_db, "grants")
        .await
        .expect_err("grants cannot be applied by the account");
    assert!(refused.to_string().contains(&expected[0]), "{refused}");

    admin_execute(Dialect::Mysql, &admin_url, &expected[0]).await;
    let findings = doctor::diagnose(&ws, &user_db).await.expect("diagnose");
    assert_eq!(
        finding(&findings, "mysql_privileges").severity,
        Severity::Ok,
        "{findings:#?}"
    );
    upgrade(&ws, &user_db, "head")
        .await
        .expect("upgrade head after the grant");
    assert_eq!(ws.current(&user_db).await.unwrap().current, [HEAD]);
}

/// Reading the version table is denied (no SELECT): the diagnosis does not fail, it reports
/// the missing privilege, counting every revision as pending.
#[tokio::test]
async fn mariadb_user_who_cannot_read_the_version_table() {
    let Some(db) = TestDb::new(Dialect::Mysql, "mysql_privileges_select").await else {
        return;
    };
    let ws = demo_copy(db.dir());
    let admin_url = db.url.connect_url().to_string();
    upgrade(&ws, &db.url, HEAD).await.expect("admin upgrade");
    let database = db.url.database_name().expect("database name");
    let user = format!("retort_t_{:016x}", rand_suffix());
    let account = format!("'{user}'@'%'");
    admin_execute(
        Dialect::Mysql,
        &admin_url,
        &format!("CREATE USER {account}"),
    )
    .await;
    let _guard = AdminCleanup::new(
        Dialect::Mysql,
        &admin_url,
        format!("DROP USER IF EXISTS {}", account.clone()),
    );
    admin_execute(
        Dialect::Mysql,
        &admin_url,
        &format!(
            "GRANT INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, REFERENCES, ALTER \
             ON `{database}`.* TO {account}"
        ),
    )
    .await;
    let mut user_url = url::Url::parse(&admin_url).unwrap();
    user_url.set_username(&user).unwrap();
    let user_db = DatabaseUrl::parse(user_url.as_str(), db.dir()).unwrap();
    assert!(ws.current(&user_db).await.is_err(), "SELECT is denied");

    let findings = doctor::diagnose(&ws, &user_db)
        .await
        .expect("diagnose reports, not fails");
    let found = finding(&findings, "mysql_privileges");
    assert_eq!(found.severity, Severity::Problem, "{found:#?}");
    assert!(
        found.details[0].contains("the version table could not be read"),
        "{found:#?}"
    );
    let grant = format!("GRANT SELECT ON `{database}`.* TO {account};");
    assert_eq!(
        found.fixes[0].sql_preview,
        std::slice::from_ref(&grant),
        "{found:#?}"
    );
    admin_execute(Dialect::Mysql, &admin_url, &grant).await;
    assert_eq!(ws.current(&user_db).await.unwrap().current, [HEAD]);
}

const A: &str = "aaaaaaaaaaa1";
const B: &str = "bbbbbbbbbbb2";

fn half_project(dir: &Path, fk_target: &str) -> PathBuf {
    let root = dir.join("half");
    std::fs::create_dir_all(root.join("versions")).unwrap();
    std::fs::write(
        root.join("retort.toml"),
        "script_location = \".\"\nversion_table = \"alembic_version\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("versions").join(format!("{A}_a.sql")),
        format!(
            "-- Revision ID: {A}\n-- Revises:\n-- Message: a\n\n-- migrate:up\n\
             CREATE TABLE a1 (id INT NOT NULL PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE a1;\n"
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("versions").join(format!("{B}_b.sql")),
        format!(
            "-- Revision ID: {B}\n-- Revises: {A}\n-- Message: b\n\n-- migrate:up\n\
             CREATE TABLE b1 (id INT NOT NULL PRIMARY KEY, a_id INT);\n\
             CREATE TABLE b2 (id INT NOT NULL PRIMARY KEY, x INT, \
             CONSTRAINT fk_b2_x FOREIGN KEY (x) REFERENCES {fk_target} (id));\n\
             CREATE INDEX ix_b1_a ON b1 (a_id);\n\n-- migrate:down\n\
             DROP INDEX ix_b1_a ON b1;\nDROP TABLE b2;\nDROP TABLE b1;\n"
        ),
    )
    .unwrap();
    root
}

async fn tables(db: &TestDb) -> Vec<String> {
    let mut conn = db.connect().await;
    let mut names = conn
        .query_strings(
            "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
             WHERE table_schema = DATABASE()",
        )
        .await
        .unwrap();
    conn.close().await;
    names.sort();
    names
}

/// Revision B's second statement references a missing table: the upgrade fails after the
/// first (MariaDB keeps it). The doctor says which statement took effect, the undo fix drops
/// it; after the script is fixed and the upgrade failed again, the finish fix runs the rest and
/// stamps B.
#[tokio::test]
async fn mariadb_half_applied_revision_can_be_undone_or_finished() {
    let Some(db) = TestDb::new(Dialect::Mysql, "mysql_half_applied").await else {
        return;
    };
    let root = half_project(db.dir(), "missing_table");
    let ws = Workspace::open(&root).unwrap();
    upgrade(&ws, &db.url, A).await.expect("upgrade A");
    upgrade(&ws, &db.url, "head")
        .await
        .expect_err("B's second statement fails");
    assert_eq!(ws.current(&db.url).await.unwrap().current, [A]);
    assert_eq!(tables(&db).await, ["a1", "alembic_version", "b1"]);

    let findings = doctor::diagnose(&ws, &db.url).await.expect("diagnose");
    let found = finding(&findings, "mysql_half_applied");
    assert_eq!(found.severity, Severity::Problem, "{found:#?}");
    assert!(found.title.contains("1 of 3"), "{found:#?}");
    assert!(
        found.details[0].starts_with("Statement 1 (line 6) took effect: CREATE TABLE b1"),
        "{found:#?}"
    );
    assert!(
        found.details[1].starts_with("Statement 2 (line 7) did not run"),
        "{found:#?}"
    );
    assert!(
        found
            .details
            .iter()
            .any(|d| d.starts_with("Statement 2 fails in a scratch database too")),
        "{found:#?}"
    );
    let finish = found
        .fixes
        .iter()
        .find(|f| f.id == format!("finish:{B}"))
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(finish.sql_preview.len(), 3, "{finish:#?}");
    assert_eq!(finish.sql_preview[2], format!("retort stamp {B}"));
    let undo = found
        .fixes
        .iter()
        .find(|f| f.id == format!("undo:{B}"))
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(undo.sql_preview, ["DROP TABLE b1"]);
    assert!(undo.destructive);
    let warning = finding(&findings, "mysql_ddl");
    assert!(
        warning.details.iter().any(|d| d.starts_with(B)),
        "{warning:#?}"
    );

    let outcome = doctor::apply_fix(&ws, &db.url, &format!("undo:{B}"))
        .await
        .expect("undo");
    assert_eq!(outcome.ran, undo.sql_preview);
    assert_eq!(tables(&db).await, ["a1", "alembic_version"]);
    let findings = doctor::diagnose(&ws, &db.url).await.expect("diagnose");
    assert!(
        findings.iter().all(|f| f.check != "mysql_half_applied"),
        "{findings:#?}"
    );

    // Half-applied again, then the script is fixed: finish runs statements 2 and 3 and stamps.
    upgrade(&ws, &db.url, "head")
        .await
        .expect_err("still failing");
    half_project(db.dir(), "a1");
    let ws = Workspace::open(&root).unwrap();
    let findings = doctor::diagnose(&ws, &db.url).await.expect("diagnose");
    let found = finding(&findings, "mysql_half_applied");
    assert!(
        found
            .details
            .iter()
            .all(|d| !d.contains("fails in a scratch database")),
        "{found:#?}"
    );
    let outcome = doctor::apply_fix(&ws, &db.url, &format!("finish:{B}"))
        .await
        .expect("finish");
    assert_eq!(outcome.ran.len(), 3, "{outcome:#?}");
    assert!(
        outcome.ran[0].starts_with("CREATE TABLE b2"),
        "{outcome:#?}"
    );
    assert_eq!(ws.current(&db.url).await.unwrap().current, [B]);
    assert_eq!(tables(&db).await, ["a1", "alembic_version", "b1", "b2"]);
    let findings = doctor::diagnose(&ws, &db.url).await.expect("diagnose");
    assert!(!doctor::has_problem(&findings), "{findings:#?}");
    // The database is exactly what B describes: downgrading to A works.
    let mut ignore = |_| {};
    ws.run(
        &db.url,
        RunCommand::Downgrade(A),
        &RunOptions::default(),
        &mut ignore,
    )
    .await
    .expect("downgrade after finishing");
}

/// Revision B starts with a `CREATE TABLE IF NOT EXISTS` of a table revision A already made
/// (it creates nothing), then adds a column, then fails. Undo must drop the column only, never
/// A's table and its rows.
#[tokio::test]
async fn mariadb_undo_keeps_tables_an_if_not_exists_did_not_create() {
    let Some(db) = TestDb::new(Dialect::Mysql, "mysql_half_if_not_exists").await else {
        return;
    };
    let root = half_project(db.dir(), "a1");
    std::fs::write(
        root.join("versions").join(format!("{B}_b.sql")),
        format!(
            "-- Revision ID: {B}\n-- Revises: {A}\n-- Message: b\n\n-- migrate:up\n\
             CREATE TABLE IF NOT EXISTS a1 (id INT NOT NULL PRIMARY KEY);\n\
             ALTER TABLE a1 ADD COLUMN note VARCHAR(20) NULL;\n\
             ALTER TABLE missing_table ADD COLUMN y INT;\n\n-- migrate:down\n\
             ALTER TABLE a1 DROP COLUMN note;\n"
        ),
    )
    .unwrap();
    let ws = Workspace::open(&root).unwrap();
    upgrade(&ws, &db.url, A).await.expect("upgrade A");
    let mut conn = db.connect().await;
    conn.execute("INSERT INTO a1 (id) VALUES (1), (2)")
        .await
        .unwrap();
    conn.close().await;
    upgrade(&ws, &db.url, "head")
        .await
        .expect_err("B's third statement fails");

    let findings = doctor::diagnose(&ws, &db.url).await.expect("diagnose");
    let found = finding(&findings, "mysql_half_applied");
    let undo = found
        .fixes
        .iter()
        .find(|f| f.id == format!("undo:{B}"))
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(
        undo.sql_preview,
        ["ALTER TABLE a1 DROP COLUMN note"],
        "{found:#?}"
    );
    let outcome = doctor::apply_fix(&ws, &db.url, &format!("undo:{B}"))
        .await
        .expect("undo");
    assert_eq!(outcome.ran, undo.sql_preview);
    assert_eq!(tables(&db).await, ["a1", "alembic_version"]);
    let mut conn = db.connect().await;
    let count = conn.query_strings("SELECT COUNT(*) FROM a1").await.unwrap();
    conn.close().await;
    assert_eq!(count, ["2"]);
}

/// A diagnostics report of a database reached with a password: the findings are there, the
/// password is not.
#[tokio::test]
async fn diagnostics_report_never_carries_the_password() {
    let Some(db) = TestDb::new(Dialect::Mysql, "mysql_export").await else {
        return;
    };
    let ws = demo_copy(db.dir());
    let mut with_password = url::Url::parse(db.url.connect_url()).unwrap();
    with_password
        .set_password(Some("Tr0ub4dor-secret"))
        .unwrap();
    let url = DatabaseUrl::parse(with_password.as_str(), db.dir()).unwrap();
    let report = doctor::diagnostics_report(
        &ws,
        &url,
        &[format!("ERROR connect {} failed", with_password.as_str())],
    )
    .await;
    assert!(!report.findings.is_empty());
    assert_eq!(report.findings[0].check, "connection", "{report:#?}");
    for (name, text) in [("md", report.to_markdown()), ("json", report.to_json())] {
        let path = db.dir().join(format!("diag.{name}"));
        let written = report.write(&path).unwrap();
        let file = std::fs::read_to_string(&written).unwrap();
        assert_eq!(file, text);
        assert!(!file.contains("Tr0ub4dor-secret"), "{file}");
        assert!(file.contains("connection"), "{file}");
        assert!(
            file.contains(&ws.project.root.display().to_string()),
            "{file}"
        );
    }

    // Reachable: the server version and the rows are read.
    upgrade(&ws, &db.url, MIDDLE).await.unwrap();
    let report = doctor::diagnostics_report(&ws, &db.url, &[]).await;
    assert!(
        report
            .database
            .server_version
            .as_deref()
            .is_some_and(|v| !v.is_empty()),
        "{report:#?}"
    );
    assert_eq!(report.database.current, Some(vec![MIDDLE.to_string()]));
    assert_eq!(report.project.heads, [HEAD]);
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    hasher.finish()
}

/// Privileges through a role count only while the role is active: granted but not the default
/// role, the finding names the role and the `SET DEFAULT ROLE` that would activate it; once an
/// administrator runs it, the check passes and `upgrade head` succeeds as the account.
#[tokio::test]
async fn mariadb_privileges_through_a_default_role() {
    let Some(db) = TestDb::new(Dialect::Mysql, "mysql_privileges_role").await else {
        return;
    };
    let ws = demo_copy(db.dir());
    let admin_url = db.url.connect_url().to_string();
    let database = db.url.database_name().expect("database name");
    let suffix = format!("{:016x}", rand_suffix());
    let (user, role) = (format!("retort_t_{suffix}"), format!("retort_r_{suffix}"));
    let account = format!("'{user}'@'%'");
    let _user_guard = AdminCleanup::new(
        Dialect::Mysql,
        &admin_url,
        format!("DROP USER IF EXISTS {}", account.clone()),
    );
    let _role_guard = AdminCleanup::new(
        Dialect::Mysql,
        &admin_url,
        format!("DROP ROLE IF EXISTS '{role}'"),
    );
    admin_execute(
        Dialect::Mysql,
        &admin_url,
        &format!(
            "CREATE USER {account}; CREATE ROLE {role}; \
             GRANT SELECT, INSERT, UPDATE, DELETE ON `{database}`.* TO {account}; \
             GRANT CREATE, ALTER, DROP, INDEX, REFERENCES, TRIGGER ON `{database}`.* TO {role}; \
             GRANT {role} TO {account}"
        ),
    )
    .await;
    let user_db = url_as(&admin_url, &user, db.dir());

    // Granted, not active: the role's privileges do not count.
    let findings = doctor::diagnose(&ws, &user_db).await.expect("diagnose");
    let found = finding(&findings, "mysql_privileges");
    assert_eq!(found.severity, Severity::Problem, "{found:#?}");
    let set_default = format!("SET DEFAULT ROLE `{role}` FOR {account};");
    assert!(
        found.details.iter().any(
            |d| d.contains(&format!("Role {role} is granted but not active"))
                && d.ends_with(&set_default)
        ),
        "{found:#?}"
    );
    // The direct GRANT stays the fix; the role is the alternative in the details.
    assert_eq!(
        found.fixes[0].sql_preview,
        [format!(
            "GRANT CREATE, REFERENCES, INDEX, ALTER ON `{database}`.* TO {account};"
        )],
        "{found:#?}"
    );

    // The administrator activates the role instead of granting to the account.
    admin_execute(Dialect::Mysql, &admin_url, &set_default).await;
    let findings = doctor::diagnose(&ws, &user_db).await.expect("diagnose");
    let found = finding(&findings, "mysql_privileges");
    assert_eq!(found.severity, Severity::Ok, "{found:#?}");
    assert!(
        found.details.iter().any(
            |d| d.starts_with(&format!("Has through role {role}: GRANT")) && d.contains("ALTER")
        ),
        "{found:#?}"
    );
    upgrade(&ws, &user_db, "head")
        .await
        .expect("upgrade head through the role");
    assert_eq!(ws.current(&user_db).await.unwrap().current, [HEAD]);
}
