//! (b) A database Retort moved natively is accepted by Alembic: `alembic current` reads it,
//! `alembic upgrade heads` continues it and `alembic downgrade base` unwinds it. The native side
//! is `fixtures/sample_native` (the same revision graph as `.sql` scripts) and Retort's native
//! `stamp` on the Alembic project itself.

use retort_interop::{interop_tests, rev, sorted_lines, Ctx};

interop_tests!(
    "sample",
    natively_upgraded_databases_continue_in_alembic,
    alembic_upgraded_databases_continue_natively,
    native_stamps_are_read_by_alembic,
);

fn strings(items: &[&str]) -> Vec<String> {
    let mut items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    items.sort();
    items
}

async fn natively_upgraded_databases_continue_in_alembic(ctx: &Ctx) {
    let twin = ctx.add_fixture("sample_native");
    for target in ["sqlite@head", rev::C, "postgres@head"] {
        let run = ctx.retort_in(&twin, &["upgrade", target]);
        assert!(run.ok(), "native upgrade {target}:\n{run}");
        assert_eq!(
            sorted_lines(&ctx.alembic_ok(&["current"])),
            sorted_lines(&ctx.retort_ok(&["current"])),
            "alembic reads what the native upgrade to {target} wrote"
        );
    }
    assert_eq!(
        ctx.version_rows().await,
        strings(&[rev::S2, rev::C, rev::P2])
    );
    ctx.alembic_ok(&["upgrade", "heads"]);
    assert_eq!(
        ctx.version_rows().await,
        strings(&[rev::S2, rev::M, rev::P2])
    );
    ctx.alembic_ok(&["downgrade", "base"]);
    assert_eq!(ctx.version_rows().await, Vec::<String>::new());
}

async fn alembic_upgraded_databases_continue_natively(ctx: &Ctx) {
    let twin = ctx.add_fixture("sample_native");
    ctx.alembic_ok(&["upgrade", rev::B]);
    ctx.alembic_ok(&["upgrade", "sqlite@head"]);
    let run = ctx.retort_in(&twin, &["upgrade", "heads"]);
    assert!(run.ok(), "native upgrade heads after Alembic:\n{run}");
    assert_eq!(
        ctx.version_rows().await,
        strings(&[rev::S2, rev::M, rev::P2])
    );
    let run = ctx.retort_in(&twin, &["downgrade", rev::B]);
    assert!(run.ok(), "native downgrade:\n{run}");
    assert_eq!(
        sorted_lines(&ctx.alembic_ok(&["current"])),
        sorted_lines(&ctx.retort_ok(&["current"]))
    );
    ctx.alembic_ok(&["downgrade", "base"]);
    assert_eq!(ctx.version_rows().await, Vec::<String>::new());
}

async fn native_stamps_are_read_by_alembic(ctx: &Ctx) {
    ctx.alembic_ok(&["upgrade", "heads"]);
    // Retort's stamp on the Alembic project is native: rows change, no migration runs.
    for (targets, rows) in [
        (vec!["base"], vec![]),
        (vec!["heads"], vec![rev::S2, rev::M, rev::P2]),
        (vec!["sqlite@base"], vec![rev::M, rev::P2]),
        (vec![rev::S2], vec![rev::S2, rev::M, rev::P2]),
    ] {
        let mut args = vec!["stamp"];
        args.extend(&targets);
        ctx.retort_ok(&args);
        assert_eq!(
            ctx.version_rows().await,
            strings(&rows),
            "stamp {targets:?}"
        );
        assert_eq!(
            sorted_lines(&ctx.alembic_ok(&["current"])),
            sorted_lines(&ctx.retort_ok(&["current"])),
            "alembic current after retort stamp {targets:?}"
        );
    }
    // The rows are right: Alembic can unwind the real schema from them.
    ctx.alembic_ok(&["downgrade", "base"]);
    assert_eq!(ctx.version_rows().await, Vec::<String>::new());
    assert!(
        ctx.schema()
            .await
            .iter()
            .all(|line| line.contains("alembic_version")),
        "only the version table is left: {:?}",
        ctx.schema().await
    );
}
