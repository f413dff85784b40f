//! The doctor on a real Alembic project: stamp detection ("No such table: alembic_version")
//! replays the project's migrations through its own Alembic into a scratch database.

use retort_core::doctor::{self, Severity};
use retort_core::ops::{OpenOptions, Workspace};
use retort_interop::{connect, interop_tests, rev, Ctx};

interop_tests!("sample", stamp_detection_replays_alembic_migrations);

async fn stamp_detection_replays_alembic_migrations(ctx: &Ctx) {
    ctx.alembic_ok(&["upgrade", rev::C]);
    let mut db = connect(ctx).await;
    db.execute("DROP TABLE alembic_version").await.unwrap();
    db.close().await;

    let ws = Workspace::open_with(
        ctx.project(),
        &OpenOptions {
            ini_section: None,
            python: Some(ctx.python.clone()),
        },
    )
    .expect("open the Alembic project");
    assert!(ws.is_alembic());
    let findings = doctor::diagnose(&ws, &ctx.db.url).await.expect("diagnose");
    let found = findings
        .iter()
        .find(|f| f.check == "version_table")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!(found.severity, Severity::Problem, "{found:#?}");
    assert!(found.title.contains("matches"), "{found:#?}");
    assert!(
        found.title.contains(rev::C),
        "the schema is C's: {found:#?}"
    );
    let fix = format!("stamp:{}", rev::C);
    assert!(found.fixes.iter().any(|f| f.id == fix), "{found:#?}");

    doctor::apply_fix(&ws, &ctx.db.url, &fix)
        .await
        .expect("stamp");
    assert_eq!(ctx.version_rows().await, [rev::C]);
    // Alembic agrees and carries on from there.
    ctx.alembic_ok(&["upgrade", rev::M]);
    assert_eq!(ctx.version_rows().await, [rev::M]);
}
