//! The round-trip test and drift detection on a real Alembic project (branches, a merge, two
//! bases): its migrations run through its own Alembic in a scratch database.

use retort_core::ops::{OpenOptions, Workspace};
use retort_core::roundtrip::RevisionStatus;
use retort_core::runner::CancelToken;
use retort_interop::{connect, interop_tests, Ctx};

interop_tests!("sample", alembic_round_trip_and_drift);

async fn alembic_round_trip_and_drift(ctx: &Ctx) {
    let ws = Workspace::open_with(
        ctx.project(),
        &OpenOptions {
            ini_section: None,
            python: Some(ctx.python.clone()),
        },
    )
    .expect("open the Alembic project");
    assert!(ws.is_alembic());
    let mut steps = 0;
    let report = ws
        .roundtrip_test(&ctx.db.url, &CancelToken::new(), &mut |_| steps += 1)
        .await
        .expect("round trip");
    assert!(report.passed, "{report:#?}");
    assert!(report
        .revisions
        .iter()
        .all(|r| r.status == RevisionStatus::Ok));
    assert_eq!(steps, report.revisions.len() * 2 + 1);

    ctx.alembic_ok(&["upgrade", "heads"]);
    let clean = ws.check_drift(&ctx.db.url).await.expect("check");
    assert!(!clean.drifted, "{:?}", clean.differences);
    let mut db = connect(ctx).await;
    db.execute("ALTER TABLE account ADD COLUMN nickname VARCHAR(40)")
        .await
        .unwrap();
    db.close().await;
    let drifted = ws.check_drift(&ctx.db.url).await.expect("check");
    assert!(drifted.drifted);
    assert!(
        drifted
            .differences
            .iter()
            .any(|l| l.starts_with("~ table account: + column nickname")),
        "{:?}",
        drifted.differences
    );
}
