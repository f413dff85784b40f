//! (e) Projects configured in `pyproject.toml` (`[tool.alembic]`, Alembic ≥ 1.16), made by the
//! real `alembic init -t pyproject` and `alembic revision`: Retort reads and moves them as
//! Alembic does, and takes `ALEMBIC_CONFIG` as the default of `-c`.

use std::path::{Path, PathBuf};
use std::process::Command;

use retort_core::Dialect;
use retort_interop::{interop_tests, normalize, retort_binary, sorted_lines, Ctx, Run};

interop_tests!("sample", pyproject_projects_agree_with_alembic);

const A: &str = "aaaa00000001";
const B: &str = "bbbb00000002";

/// `alembic init -t pyproject migrations` in `<project>/pp`, two revisions (a table, then a
/// column), and the test database's URL in the generated alembic.ini (where the pyproject
/// template keeps it).
fn make_project(ctx: &Ctx) -> PathBuf {
    let dir = ctx.project().join("pp");
    std::fs::create_dir_all(&dir).expect("create pp");
    let run = ctx.alembic_in(&dir, &["init", "-t", "pyproject", "migrations"]);
    assert!(run.ok(), "alembic init -t pyproject:\n{run}");
    let toml = std::fs::read_to_string(dir.join("pyproject.toml")).expect("pyproject.toml");
    assert!(toml.contains("[tool.alembic]"), "{toml}");
    let ini = std::fs::read_to_string(dir.join("alembic.ini")).expect("alembic.ini");
    assert!(
        !ini.contains("script_location"),
        "the pyproject template keeps script_location out of the ini:\n{ini}"
    );

    for (rev, message, up, down) in [
        (
            A,
            "create items",
            "op.create_table(\"items\", sa.Column(\"id\", sa.Integer, primary_key=True))",
            "op.drop_table(\"items\")",
        ),
        (
            B,
            "add price",
            "op.add_column(\"items\", sa.Column(\"price\", sa.Integer))",
            "op.drop_column(\"items\", \"price\")",
        ),
    ] {
        let run = ctx.alembic_in(&dir, &["revision", "-m", message, "--rev-id", rev]);
        assert!(run.ok(), "alembic revision {rev}:\n{run}");
        let path = dir
            .join("migrations/versions")
            .join(format!("{rev}_{}.py", message.replace(' ', "_")));
        let text = std::fs::read_to_string(&path).expect("revision script");
        let body = text
            .replace(
                "\"\"\"Upgrade schema.\"\"\"\n    pass",
                &format!("\"\"\"Upgrade schema.\"\"\"\n    {up}"),
            )
            .replace(
                "\"\"\"Downgrade schema.\"\"\"\n    pass",
                &format!("\"\"\"Downgrade schema.\"\"\"\n    {down}"),
            );
        assert_ne!(body, text, "bodies filled in {}", path.display());
        std::fs::write(&path, body).expect("write revision script");
    }

    let url = ctx.sqlalchemy_url().replace('%', "%%");
    let with_url = ini.replace(
        "sqlalchemy.url = driver://user:pass@localhost/dbname",
        &format!("sqlalchemy.url = {url}"),
    );
    assert_ne!(with_url, ini);
    std::fs::write(dir.join("alembic.ini"), with_url).expect("write alembic.ini");
    dir
}

/// Alembic's `Running …` log lines.
fn alembic_running(run: &Run) -> Vec<String> {
    run.stderr
        .lines()
        .filter_map(|l| l.split_once("] ").map(|(_, m)| m.to_string()))
        .filter(|m| m.starts_with("Running "))
        .collect()
}

/// Retort's progress lines.
fn retort_running(run: &Run) -> Vec<String> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("Running "))
        .map(str::to_string)
        .collect()
}

async fn agree(ctx: &Ctx, dir: &Path, after: &str) {
    let rows = ctx.version_rows().await;
    assert_eq!(
        sorted_lines(&retort_ok(ctx, dir, &["current"])),
        sorted_lines(&alembic_ok(ctx, dir, &["current"])),
        "current after {after} (rows {rows:?})"
    );
    assert_eq!(
        normalize(&retort_ok(ctx, dir, &["history", "-i"])),
        normalize(&alembic_ok(ctx, dir, &["history", "-i"])),
        "history -i after {after}"
    );
}

fn retort_ok(ctx: &Ctx, dir: &Path, args: &[&str]) -> String {
    let run = ctx.retort_in(dir, args);
    assert!(run.ok(), "retort {args:?}:\n{run}");
    run.stdout
}

fn alembic_ok(ctx: &Ctx, dir: &Path, args: &[&str]) -> String {
    let run = ctx.alembic_in(dir, args);
    assert!(run.ok(), "alembic {args:?}:\n{run}");
    run.stdout
}

async fn pyproject_projects_agree_with_alembic(ctx: &Ctx) {
    let dir = make_project(ctx);
    for args in [vec!["heads"], vec!["history"], vec!["heads", "-v"]] {
        let retort = retort_ok(ctx, &dir, &args);
        let header = |text: &str| -> Vec<String> {
            normalize(text)
                .into_iter()
                .filter(|l| !l.trim_start().starts_with("Create Date"))
                .collect()
        };
        if args.contains(&"-v") {
            // `-v` entries: compare the header lines only (the docstring is summarised).
            let first = |text: &str| header(text).into_iter().take(4).collect::<Vec<_>>();
            assert_eq!(first(&retort), first(&alembic_ok(ctx, &dir, &args)));
        } else {
            assert_eq!(
                header(&retort),
                header(&alembic_ok(ctx, &dir, &args)),
                "{args:?}"
            );
        }
    }
    let json: serde_json::Value =
        serde_json::from_str(&retort_ok(ctx, &dir, &["--json", "heads"])).expect("heads --json");
    assert!(json.to_string().contains(B), "{json}");
    agree(ctx, &dir, "a fresh database").await;

    // Retort moves the database through the project's Alembic; Alembic agrees.
    let up = ctx.retort_in(&dir, &["upgrade", "head"]);
    assert!(up.ok(), "retort upgrade head:\n{up}");
    assert_eq!(ctx.version_rows().await, vec![B]);
    let schema = ctx.schema().await.join("\n");
    assert!(schema.contains("price"), "{schema}");
    agree(ctx, &dir, "retort upgrade head").await;

    let down = ctx.retort_in(&dir, &["downgrade", "-1"]);
    assert!(down.ok(), "retort downgrade -1:\n{down}");
    assert_eq!(ctx.version_rows().await, vec![A]);
    agree(ctx, &dir, "retort downgrade -1").await;

    let down_base = ctx.retort_in(&dir, &["downgrade", "base"]);
    assert!(down_base.ok(), "retort downgrade base:\n{down_base}");
    assert!(ctx.version_rows().await.is_empty());
    assert!(!ctx.schema().await.join("\n").contains("items"));
    agree(ctx, &dir, "retort downgrade base").await;

    // Alembic moving the same steps prints the same `Running …` lines.
    let alembic_up = ctx.alembic_in(&dir, &["upgrade", "head"]);
    assert!(alembic_up.ok(), "{alembic_up}");
    assert_eq!(retort_running(&up), alembic_running(&alembic_up));
    assert_eq!(retort_running(&up).len(), 2, "{up}");
    agree(ctx, &dir, "alembic upgrade head").await;
    let alembic_down = ctx.alembic_in(&dir, &["downgrade", "base"]);
    assert!(alembic_down.ok(), "{alembic_down}");
    let mut retort_down = retort_running(&down);
    retort_down.extend(retort_running(&down_base));
    assert_eq!(retort_down, alembic_running(&alembic_down));

    // -c pyproject.toml names the same project (paired with the alembic.ini beside it).
    let by_toml = ctx.retort_in(&dir.join("pyproject.toml"), &["upgrade", A]);
    assert!(by_toml.ok(), "retort -c pyproject.toml upgrade:\n{by_toml}");
    assert_eq!(ctx.version_rows().await, vec![A]);
    agree(ctx, &dir, "retort -c pyproject.toml upgrade").await;

    // Without alembic.ini the project still opens and reads (the URL from DATABASE_URL);
    // running it fails as `alembic upgrade` does: the template's env.py loads alembic.ini's
    // logging.
    std::fs::rename(dir.join("alembic.ini"), dir.join("alembic.ini.off")).expect("rename");
    assert_eq!(
        normalize(&retort_ok(ctx, &dir, &["history"])),
        normalize(&alembic_ok(ctx, &dir, &["history"]))
    );
    assert_eq!(
        sorted_lines(&retort_ok(ctx, &dir, &["current"])),
        vec![A.to_string()]
    );
    let alembic_fails = ctx.alembic_in(&dir, &["upgrade", "head"]);
    assert!(!alembic_fails.ok(), "{alembic_fails}");
    let retort_fails = ctx.retort_in(&dir, &["upgrade", "head"]);
    assert!(!retort_fails.ok(), "{retort_fails}");
    assert!(
        retort_fails.stdout.contains("alembic.ini doesn't exist")
            || retort_fails.stderr.contains("alembic.ini doesn't exist"),
        "Alembic's own error:\n{retort_fails}"
    );
    assert_eq!(ctx.version_rows().await, vec![A], "nothing ran");
}

/// `retort ARGS` (no -c) in `cwd` with `ALEMBIC_CONFIG` set or removed.
fn retort_without_c(ctx: &Ctx, cwd: &Path, alembic_config: Option<&Path>, args: &[&str]) -> Run {
    let mut command = Command::new(retort_binary());
    command
        .args(args)
        .current_dir(cwd)
        .env("DATABASE_URL", ctx.sqlalchemy_url())
        .env("RETORT_DATA_DIR", ctx.project().join(".retort-data"))
        .env("RETORT_PYTHON", &ctx.python)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env_remove("RUST_LOG");
    match alembic_config {
        Some(path) => command.env("ALEMBIC_CONFIG", path),
        None => command.env_remove("ALEMBIC_CONFIG"),
    };
    let output = command.output().expect("run retort");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `ALEMBIC_CONFIG` is the default of `-c`, as for `alembic`; a retort.toml in the current
/// folder wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alembic_config_is_the_default_of_c() {
    let Some(ctx) = Ctx::new(
        Dialect::Sqlite,
        "alembic_config_is_the_default_of_c",
        "sample",
    )
    .await
    else {
        return;
    };
    let dir = make_project(&ctx);
    // An ini under another name, found only through ALEMBIC_CONFIG (any name is an ini file).
    std::fs::rename(dir.join("alembic.ini"), dir.join("deploy.cfg")).expect("rename");
    let config = dir.join("deploy.cfg");

    let up = retort_without_c(&ctx, &dir, Some(&config), &["upgrade", "head"]);
    assert!(up.ok(), "retort upgrade with ALEMBIC_CONFIG:\n{up}");
    assert_eq!(ctx.version_rows().await, vec![B]);
    let alembic = Command::new(&ctx.python)
        .args(["-m", "alembic", "current"])
        .current_dir(&dir)
        .env("ALEMBIC_CONFIG", &config)
        .output()
        .expect("alembic current");
    assert!(alembic.status.success(), "{alembic:?}");
    let alembic_current = String::from_utf8_lossy(&alembic.stdout).into_owned();
    let retort = retort_without_c(&ctx, &dir, Some(&config), &["current"]);
    assert!(retort.ok(), "{retort}");
    assert_eq!(sorted_lines(&retort.stdout), sorted_lines(&alembic_current));
    assert_eq!(sorted_lines(&retort.stdout), vec![format!("{B} (head)")]);

    // From any folder, relative or absolute.
    let elsewhere = ctx.project().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let heads = retort_without_c(
        &ctx,
        &elsewhere,
        Some(Path::new("../pp/pyproject.toml")),
        &["heads"],
    );
    assert!(heads.ok(), "{heads}");
    assert_eq!(heads.stdout.trim(), format!("{B} (head)"));

    // A missing file is named, and nothing opens.
    let missing = retort_without_c(&ctx, &elsewhere, Some(Path::new("nope.ini")), &["heads"]);
    assert!(!missing.ok());
    assert!(
        missing.stderr.contains("ALEMBIC_CONFIG names") && missing.stderr.contains("nope.ini"),
        "{missing}"
    );

    // A retort.toml in the current folder wins over ALEMBIC_CONFIG.
    let native = ctx.project().join("native");
    std::fs::create_dir_all(native.join("migrations/versions")).unwrap();
    std::fs::write(native.join("retort.toml"), "").unwrap();
    let json = retort_without_c(&ctx, &native, Some(&config), &["--json", "heads"]);
    assert!(json.ok(), "{json}");
    assert!(
        !json.stdout.contains(B),
        "the native project's heads: {json}"
    );

    // Unset: the current folder (here without an ini, so pyproject.toml only).
    let heads = retort_without_c(&ctx, &dir, None, &["heads"]);
    assert!(heads.ok(), "{heads}");
    assert_eq!(heads.stdout.trim(), format!("{B} (head)"));
}
