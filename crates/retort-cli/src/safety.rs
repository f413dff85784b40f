//! `retort test` (the round-trip test) and `retort check` (drift detection). Both run their
//! migrations in a scratch database; the database --url names is only read.

use std::sync::atomic::{AtomicBool, Ordering};

use retort_core::drift::DriftReport;
use retort_core::ops::Workspace;
use retort_core::roundtrip::{
    ReupgradeStatus, RevisionStatus, RoundTripPhase, RoundTripProgress, RoundTripReport,
};
use retort_core::runner::CancelToken;
use retort_core::Result;
use serde_json::json;

/// Set when the test failed or drift was found: the process then exits with status 1.
pub static FAILED: AtomicBool = AtomicBool::new(false);

pub const TEST_HELP: &str = "\
Works in a scratch database of the same dialect (a temporary SQLite file, or a temporary \
retort_scratch_<random> database on the same PostgreSQL/MySQL server, dropped afterwards); \
the database --url names is never changed. Applies every revision one at a time up to head, \
downgrades one at a time to base, checking each downgrade restores the schema of the revision \
before (the version table is ignored), then upgrades to head again and compares with the first \
time. Exit status: 0 when everything passed, 1 on any failure (use it in CI).

Examples:
  retort test
  retort test --json --url postgresql://ci@localhost/app";

pub const CHECK_HELP: &str = "\
Reads the database's version table (without creating it), replays the migrations up to those \
revisions in a scratch database and compares the two schemas: tables, columns, types, \
nullability, defaults, indexes and foreign keys (not the version table). Revisions not applied \
yet are listed as pending but are not drift; drift is what the database has that its migrations \
do not (or lacks). Unlike `alembic check`, which compares models with the database, this compares \
migrations with the database. Exit status: 0 when there is no drift, 1 when drifted (or on error).

Examples:
  retort check
  retort check --json --url sqlite:///nexus.db";

pub async fn test(ws: &Workspace, cli_url: Option<&str>, quiet: bool, json: bool) -> Result<()> {
    let url = ws.database_url(cli_url)?;
    let cancel = CancelToken::new();
    let ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("Cancelling after the current migration…");
            ctrl_c.cancel();
        }
    });
    let show_progress = !quiet && !json;
    if show_progress {
        eprintln!(
            "Testing every migration round trip in a scratch {} database…",
            url.dialect().name()
        );
    }
    let mut on_progress = |p: RoundTripProgress| {
        if show_progress {
            let what = match p.phase {
                RoundTripPhase::Upgrade => "upgrade",
                RoundTripPhase::Downgrade => "downgrade",
                RoundTripPhase::Reupgrade => "upgrade again to",
            };
            eprintln!("[{}/{}] {what} {}", p.step, p.total, p.revision);
        }
    };
    let report = ws.roundtrip_test(&url, &cancel, &mut on_progress).await?;
    FAILED.store(!report.passed, Ordering::SeqCst);
    if json {
        println!("{}", json!({ "test": report }));
    } else {
        print_test(&report);
    }
    Ok(())
}

fn print_test(report: &RoundTripReport) {
    for r in &report.revisions {
        let (mark, what) = match r.status {
            RevisionStatus::Ok => ("ok  ", "upgrade and downgrade restore the schema"),
            RevisionStatus::UpgradeFailed => ("FAIL", "upgrade failed"),
            RevisionStatus::DowngradeFailed => ("FAIL", "downgrade failed"),
            RevisionStatus::NotRestored => ("FAIL", "downgrade did not restore the schema"),
            RevisionStatus::DowngradeSkipped => ("skip", "downgrade not tested"),
            RevisionStatus::NotRun => ("-   ", "not reached"),
        };
        println!("{mark} {} {}: {what}", r.revision, r.message);
        if let Some(error) = &r.error {
            for line in error.lines() {
                println!("       {line}");
            }
        }
        if !r.differences.is_empty() {
            println!("       left behind (compared with before the upgrade):");
            for line in &r.differences {
                println!("         {line}");
            }
        }
    }
    match report.reupgrade {
        ReupgradeStatus::Ok => {
            println!("ok   upgrade to head again: same schema as the first time")
        }
        ReupgradeStatus::Failed => println!(
            "FAIL upgrade to head again failed: {}",
            report.reupgrade_error.as_deref().unwrap_or("")
        ),
        ReupgradeStatus::Differs => {
            println!("FAIL upgrade to head again: the schema differs from the first time:");
            for line in &report.reupgrade_differences {
                println!("         {line}");
            }
        }
        ReupgradeStatus::NotRun => println!("-    upgrade to head again: not reached"),
    }
    let failed = report.failures().count()
        + usize::from(matches!(
            report.reupgrade,
            ReupgradeStatus::Failed | ReupgradeStatus::Differs
        ));
    if report.passed {
        println!(
            "Round trip passed: {} revision(s) upgraded, downgraded and upgraded again ({} ms).",
            report.revisions.len(),
            report.duration_ms
        );
    } else {
        println!("Round trip FAILED: {failed} problem(s).");
    }
}

pub async fn check(ws: &Workspace, cli_url: Option<&str>, json: bool) -> Result<()> {
    let url = ws.database_url(cli_url)?;
    let report = ws.check_drift(&url).await?;
    FAILED.store(report.drifted, Ordering::SeqCst);
    if json {
        println!("{}", json!({ "database": url.redacted(), "drift": report }));
    } else {
        print_check(&report);
    }
    Ok(())
}

fn at(report: &DriftReport) -> String {
    if report.current.is_empty() {
        "base".to_string()
    } else {
        report.current.join(", ")
    }
}

fn print_check(report: &DriftReport) {
    if report.drifted {
        println!(
            "Drift detected: the database differs from the migrations at {}:",
            at(report)
        );
        for line in &report.differences {
            println!("  {line}");
        }
        println!(
            "(+ exists only in the database, - only in the migrations, ~ differs.) \
             Write a migration for the change (`retort revision --autogenerate -m MSG`) or undo it by hand."
        );
    } else {
        println!(
            "No drift: the database matches the migrations at {}",
            at(report)
        );
    }
    if !report.pending.is_empty() {
        println!(
            "{} revision(s) not applied yet (not drift): {} — `retort upgrade head` applies them.",
            report.pending.len(),
            report.pending.join(", ")
        );
    }
}
