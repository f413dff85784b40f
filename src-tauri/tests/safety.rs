//! The Checks view's commands on `AppState`: drift on the demo database (clean, then a
//! hand-made column), and the round-trip test with its progress, in a scratch database.

mod common;

use common::Fixture;
use retort_app::dto::{ActionKind, ActionRequest};
use retort_core::roundtrip::RoundTripPhase;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_is_found_after_a_hand_made_column() {
    let fixture = Fixture::ready().await;
    let error = fixture.state.check_drift().await.unwrap_err();
    // Read-only: a database file that does not exist yet is reported, not created.
    assert!(
        error.message.contains("does not exist"),
        "{}",
        error.message
    );
    assert!(error.message.contains("upgrade head"), "{}", error.message);
    let upgrade = ActionRequest {
        kind: ActionKind::Upgrade,
        target: "head".into(),
        targets: Vec::new(),
        purge: false,
        backup: None,
    };
    fixture
        .state
        .run_action(&upgrade, "setup", None, |_| {})
        .await
        .expect("upgrade");
    let clean = fixture.state.check_drift().await.unwrap();
    assert!(!clean.drifted, "{:?}", clean.differences);

    let url = retort_core::DatabaseUrl::parse("sqlite:///nexus.db", &fixture.demo()).unwrap();
    let mut db = retort_core::db::Database::connect(&url).await.unwrap();
    db.execute("ALTER TABLE users ADD COLUMN nickname VARCHAR(40)")
        .await
        .unwrap();
    db.close().await;
    let drifted = fixture.state.check_drift().await.unwrap();
    assert!(drifted.drifted);
    assert!(
        drifted.differences.iter().any(|l| l.contains("nickname")),
        "{:?}",
        drifted.differences
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_round_trip_test_passes_with_progress() {
    let fixture = Fixture::ready().await;
    let mut phases = Vec::new();
    let report = fixture
        .state
        .run_roundtrip_test("rt-1", |p| phases.push(p.phase))
        .await
        .unwrap();
    assert!(report.passed, "{report:?}");
    assert_eq!(phases.len(), 15);
    assert_eq!(phases.last(), Some(&RoundTripPhase::Reupgrade));
    // The selected database was not touched.
    assert!(!fixture.demo().join("nexus.db").exists());
    let error = fixture
        .state
        .run_roundtrip_test(" ", |_| {})
        .await
        .unwrap_err();
    assert!(error.message.contains("id"), "{}", error.message);
}
