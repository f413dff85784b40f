//! (a) A database upgraded by Alembic reads the same in Retort: `current`, `heads`, `history`
//! (with `-i`), `branches` and `show` print what `alembic` prints, modulo the order of Python
//! sets (label lists, `current` lines, branch children).

use retort_interop::{interop_tests, normalize, rev, sorted_lines, Ctx};

interop_tests!("sample", alembic_upgraded_databases_read_the_same);

async fn alembic_upgraded_databases_read_the_same(ctx: &Ctx) {
    for args in [
        vec!["heads"],
        vec!["history"],
        vec!["history", "-r", &format!("{}:{}", rev::B, rev::M)],
    ] {
        assert_eq!(
            normalize(&ctx.retort_ok(&args)),
            normalize(&ctx.alembic_ok(&args)),
            "retort {args:?} differs from alembic"
        );
    }
    // `show`: the entry's header lines (the docstring below them is Retort's summary of it).
    for revision in [rev::B, rev::M, "sqlite@head", "postgres"] {
        let header = |text: &str| -> Vec<String> {
            normalize(text)
                .into_iter()
                .take_while(|line| !line.is_empty())
                .collect()
        };
        assert_eq!(
            header(&ctx.retort_ok(&["show", revision])),
            header(&ctx.alembic_ok(&["show", revision])),
            "show {revision}"
        );
    }
    // Alembic ends each branch point's block with an empty line; Retort does not.
    let branches = |text: &str| -> Vec<String> {
        sorted_lines(text)
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect()
    };
    assert_eq!(
        branches(&ctx.retort_ok(&["branches"])),
        branches(&ctx.alembic_ok(&["branches"]))
    );

    compare_database_views(ctx, "a fresh database").await;
    for step in [
        vec!["upgrade", "sqlite@head"],
        vec!["upgrade", "postgres@head"],
        vec!["upgrade", rev::C],
        vec!["upgrade", "heads"],
        vec!["downgrade", rev::D],
        vec!["downgrade", "base"],
    ] {
        ctx.alembic_ok(&step);
        compare_database_views(ctx, &format!("alembic {}", step.join(" "))).await;
    }
}

async fn compare_database_views(ctx: &Ctx, after: &str) {
    let rows = ctx.version_rows().await;
    assert_eq!(
        sorted_lines(&ctx.retort_ok(&["current"])),
        sorted_lines(&ctx.alembic_ok(&["current"])),
        "current after {after} (rows {rows:?})"
    );
    assert_eq!(
        normalize(&ctx.retort_ok(&["history", "--indicate-current"])),
        normalize(&ctx.alembic_ok(&["history", "--indicate-current"])),
        "history -i after {after} (rows {rows:?})"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ctx.retort_ok(&["--json", "current"])).expect("current --json");
    let mut current: Vec<String> = json["current"]
        .as_array()
        .expect("current array")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect();
    current.sort();
    assert_eq!(current, rows, "retort current --json after {after}");
}
