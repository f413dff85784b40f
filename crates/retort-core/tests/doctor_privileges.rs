//! The doctor's privilege checks against a real server: a PostgreSQL role created without the
//! privileges the demo migrations need.

use std::path::Path;

use retort_core::dialect::Dialect;
use retort_core::doctor::{self, Severity};
use retort_core::ops::Workspace;
use retort_core::DatabaseUrl;
use retort_testkit::{admin_execute, finding, upgrade, AdminCleanup, TestDb};

/// The demo project copied into `dir`, so nothing the test does touches the checkout.
fn demo_copy(dir: &Path) -> Workspace {
    Workspace::open(&retort_testkit::copy_demo_project(dir)).expect("demo project copy")
}

const MIDDLE: &str = "4c9a5d6e7f04";
const HEAD: &str = "7fcd8a9bac07";

/// Tables and version table created by the admin up to a middle revision; a role with no
/// privileges then lacks CREATE on public (PostgreSQL 15), rights on the version table,
/// ownership of `tasks` (altered by a pending revision) and REFERENCES on `users`. The
/// generated statements, run by the admin, make `upgrade head` as the role succeed.
#[tokio::test]
async fn postgres_role_without_privileges_gets_the_grants_it_needs() {
    let Some(db) = TestDb::new(Dialect::Postgresql, "postgres_privileges").await else {
        return;
    };
    let ws = demo_copy(db.dir());
    let admin_url = db.url.connect_url().to_string();
    admin_execute(
        Dialect::Postgresql,
        &admin_url,
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
    )
    .await;
    upgrade(&ws, &db.url, MIDDLE).await.expect("admin upgrade");

    let role = format!("retort_t_{:016x}", rand_suffix());
    admin_execute(
        Dialect::Postgresql,
        &admin_url,
        &format!("CREATE ROLE {role} LOGIN"),
    )
    .await;
    // After the objects it owns.
    let _guard = AdminCleanup::new(
        Dialect::Postgresql,
        &admin_url,
        format!("DROP OWNED BY {role}; DROP ROLE IF EXISTS {role}"),
    );
    let mut role_url = url::Url::parse(&admin_url).unwrap();
    role_url.set_username(&role).unwrap();
    role_url.set_password(None).unwrap();
    let role_db = DatabaseUrl::parse(role_url.as_str(), db.dir()).unwrap();

    // As it is, the upgrade fails.
    assert!(upgrade(&ws, &role_db, "head").await.is_err());

    let findings = doctor::diagnose(&ws, &role_db).await.expect("diagnose");
    let found = finding(&findings, "postgres_privileges");
    assert_eq!(found.severity, Severity::Problem, "{found:#?}");
    assert!(doctor::has_problem(&findings));
    let fix = found
        .fixes
        .iter()
        .find(|f| f.id == "grants")
        .unwrap_or_else(|| panic!("{found:#?}"));
    let quoted_role = format!("\"{role}\"");
    // The role cannot read the version table, so every revision counts as pending: the
    // foreign key of `tasks` (already applied) asks for REFERENCES on `projects` too.
    let expected = [
        format!("GRANT CREATE ON SCHEMA \"public\" TO {quoted_role};"),
        format!("GRANT REFERENCES ON TABLE \"public\".\"projects\" TO {quoted_role};"),
        format!("GRANT REFERENCES ON TABLE \"public\".\"users\" TO {quoted_role};"),
        format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE \"public\".\"alembic_version\" TO {quoted_role};"
        ),
        format!("ALTER TABLE \"public\".\"tasks\" OWNER TO {quoted_role};"),
    ];
    assert_eq!(fix.sql_preview, expected, "{found:#?}");
    assert!(
        found.details.iter().any(|d| d.contains("tasks")),
        "{found:#?}"
    );

    // The fix is for an administrator: applying it explains that and lists the statements.
    let refused = doctor::apply_fix(&ws, &role_db, "grants")
        .await
        .expect_err("grants cannot be applied by the role");
    let message = refused.to_string();
    assert!(message.contains("administrator"), "{message}");
    assert!(message.contains(&expected[4]), "{message}");

    admin_execute(Dialect::Postgresql, &admin_url, &fix.sql_preview.join("\n")).await;

    let findings = doctor::diagnose(&ws, &role_db).await.expect("diagnose");
    let found = finding(&findings, "postgres_privileges");
    assert_eq!(found.severity, Severity::Ok, "{found:#?}");

    upgrade(&ws, &role_db, "head")
        .await
        .expect("upgrade head as the role after the grants");
    assert_eq!(ws.current(&role_db).await.unwrap().current, [HEAD]);
}

/// An empty database: only CREATE on the schema is missing.
#[tokio::test]
async fn postgres_empty_database_needs_create_on_the_schema() {
    let Some(db) = TestDb::new(Dialect::Postgresql, "postgres_privileges_empty").await else {
        return;
    };
    let ws = demo_copy(db.dir());
    let admin_url = db.url.connect_url().to_string();
    admin_execute(
        Dialect::Postgresql,
        &admin_url,
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
    )
    .await;
    let role = format!("retort_t_{:016x}", rand_suffix());
    admin_execute(
        Dialect::Postgresql,
        &admin_url,
        &format!("CREATE ROLE {role} LOGIN"),
    )
    .await;
    // After the objects it owns.
    let _guard = AdminCleanup::new(
        Dialect::Postgresql,
        &admin_url,
        format!("DROP OWNED BY {role}; DROP ROLE IF EXISTS {role}"),
    );
    let mut role_url = url::Url::parse(&admin_url).unwrap();
    role_url.set_username(&role).unwrap();
    role_url.set_password(None).unwrap();
    let role_db = DatabaseUrl::parse(role_url.as_str(), db.dir()).unwrap();

    let findings = doctor::diagnose(&ws, &role_db).await.expect("diagnose");
    let found = finding(&findings, "postgres_privileges");
    assert_eq!(found.severity, Severity::Problem, "{found:#?}");
    assert_eq!(
        found.fixes[0].sql_preview,
        [format!("GRANT CREATE ON SCHEMA \"public\" TO \"{role}\";")]
    );
    admin_execute(
        Dialect::Postgresql,
        &admin_url,
        &found.fixes[0].sql_preview.join("\n"),
    )
    .await;
    upgrade(&ws, &role_db, "head")
        .await
        .expect("upgrade head as the role after the grant");
    assert_eq!(ws.current(&role_db).await.unwrap().current, [HEAD]);
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

/// A URL naming a database that does not exist: a `connection` finding with a
/// `create-database` fix that creates it; diagnosing afterwards finds no connection problem.
async fn unknown_database(dialect: Dialect, test: &str) {
    let Some(db) = TestDb::new(dialect, test).await else {
        return;
    };
    let ws = demo_copy(db.dir());
    let name = format!("retort_t_{:016x}", rand_suffix());
    let missing = db.url.with_database(&name);
    let _guard = AdminCleanup::new(
        dialect,
        db.url.connect_url(),
        format!("DROP DATABASE IF EXISTS {name}"),
    );

    let findings = doctor::diagnose(&ws, &missing)
        .await
        .unwrap_or_else(|e| panic!("{dialect:?}: diagnose should report, not fail: {e}"));
    let found = finding(&findings, "connection");
    assert_eq!(found.severity, Severity::Problem);
    assert!(
        found.details.iter().any(|d| d == "Kind: unknown_database"),
        "{found:#?}"
    );
    assert!(found.explanation.contains(&name), "{found:#?}");
    let fix = found
        .fixes
        .iter()
        .find(|f| f.id == "create-database")
        .unwrap_or_else(|| panic!("{dialect:?}: {found:#?}"));
    assert_eq!(fix.sql_preview.len(), 1);
    assert!(
        fix.sql_preview[0].starts_with("CREATE DATABASE"),
        "{fix:#?}"
    );
    assert!(fix.sql_preview[0].contains(&name), "{fix:#?}");

    let outcome = doctor::apply_fix(&ws, &missing, "create-database")
        .await
        .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
    assert_eq!(outcome.ran, fix.sql_preview);

    let findings = doctor::diagnose(&ws, &missing).await.expect("diagnose");
    assert!(
        findings.iter().all(|f| f.check != "connection"),
        "{findings:#?}"
    );
    upgrade(&ws, &missing, "head")
        .await
        .expect("upgrade the created database");
}

#[tokio::test]
async fn postgres_unknown_database_can_be_created() {
    unknown_database(Dialect::Postgresql, "connection_unknown_pg").await;
}

#[tokio::test]
async fn mariadb_unknown_database_can_be_created() {
    unknown_database(Dialect::Mysql, "connection_unknown_mysql").await;
}

#[tokio::test]
async fn refused_port_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let ws = demo_copy(dir.path());
    for raw in [
        "postgresql://postgres@127.0.0.1:1/postgres",
        "mysql://root@127.0.0.1:1/mysql",
    ] {
        let url = DatabaseUrl::parse(raw, dir.path()).unwrap();
        let findings = doctor::diagnose(&ws, &url)
            .await
            .unwrap_or_else(|e| panic!("{raw}: diagnose should report, not fail: {e}"));
        let found = finding(&findings, "connection");
        assert_eq!(found.severity, Severity::Problem);
        assert!(
            found
                .details
                .iter()
                .any(|d| d == "Kind: connection_refused"),
            "{found:#?}"
        );
        assert!(found.explanation.contains("127.0.0.1:1"), "{found:#?}");
        assert!(found.fixes.is_empty(), "{found:#?}");
    }
}

/// A wrong password (MariaDB; the PostgreSQL test server trusts every local user) is a
/// `bad_password` finding that names the user and offers no fix.
#[tokio::test]
async fn mariadb_bad_password_is_a_finding() {
    let Some(db) = TestDb::new(Dialect::Mysql, "connection_bad_password").await else {
        return;
    };
    let ws = demo_copy(db.dir());
    let mut wrong = url::Url::parse(db.url.connect_url()).unwrap();
    wrong.set_password(Some("certainly-wrong")).unwrap();
    let url = DatabaseUrl::parse(wrong.as_str(), db.dir()).unwrap();
    let findings = doctor::diagnose(&ws, &url)
        .await
        .unwrap_or_else(|e| panic!("diagnose should report, not fail: {e}"));
    let found = finding(&findings, "connection");
    assert!(
        found.details.iter().any(|d| d == "Kind: bad_password"),
        "{found:#?}"
    );
    assert!(found.fixes.is_empty(), "{found:#?}");
    let shown = format!("{found:?}");
    assert!(
        !shown.contains("certainly-wrong"),
        "password leaked: {shown}"
    );
}
