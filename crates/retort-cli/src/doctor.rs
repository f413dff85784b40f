//! `retort doctor`: runs the engine's checks and prints one block per finding, applies one
//! fix by id, or writes a diagnostics report (`--export FILE`).

use std::sync::atomic::{AtomicBool, Ordering};

use retort_core::doctor::{self, Finding, FixOutcome, Severity};
use retort_core::ops::Workspace;
use retort_core::Result;
use serde_json::json;

/// Set when a finding is a problem: the process then exits with status 1.
pub static PROBLEM_FOUND: AtomicBool = AtomicBool::new(false);

pub async fn run(
    ws: &Workspace,
    cli_url: Option<&str>,
    fix: Option<&str>,
    export: Option<&std::path::Path>,
    json: bool,
) -> Result<()> {
    let url = ws.database_url(cli_url)?;
    if let Some(fix_id) = fix {
        let outcome = doctor::apply_fix(ws, &url, fix_id).await?;
        print_outcome(&outcome, json);
        return Ok(());
    }
    if let Some(path) = export {
        let report = doctor::diagnostics_report(ws, &url, &[]).await;
        let written = report.write(path)?;
        let problem = doctor::has_problem(&report.findings) || report.diagnose_error.is_some();
        PROBLEM_FOUND.store(problem, Ordering::SeqCst);
        if json {
            println!(
                "{}",
                json!({ "exported": written.display().to_string(), "problem": problem, "findings": report.findings })
            );
        } else {
            println!(
                "Wrote diagnostics ({} finding(s)) to {}",
                report.findings.len(),
                written.display()
            );
        }
        return Ok(());
    }
    let findings = doctor::diagnose(ws, &url).await?;
    let problem = doctor::has_problem(&findings);
    PROBLEM_FOUND.store(problem, Ordering::SeqCst);
    if json {
        println!(
            "{}",
            json!({ "database": url.redacted(), "problem": problem, "findings": findings })
        );
    } else {
        print_findings(&url.redacted(), &findings);
    }
    Ok(())
}

fn symbol(severity: Severity) -> &'static str {
    match severity {
        Severity::Ok => "✓",
        Severity::Info => "i",
        Severity::Warning => "!",
        Severity::Problem => "✗",
    }
}

fn print_findings(database: &str, findings: &[Finding]) {
    println!("Checked {database}");
    for finding in findings {
        println!();
        println!(
            "{} {} [{}: {}]",
            symbol(finding.severity),
            finding.title,
            finding.severity.name(),
            finding.check
        );
        println!("  {}", finding.explanation);
        for detail in &finding.details {
            println!("  - {detail}");
        }
        for fix in &finding.fixes {
            let destructive = if fix.destructive {
                " (destructive)"
            } else {
                ""
            };
            println!("  Fix `{}`{destructive}: {}", fix.id, fix.title);
            println!("    {}", fix.explanation);
            for line in &fix.sql_preview {
                println!("      {line}");
            }
            println!("    Apply: retort doctor --fix {}", fix.id);
        }
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    println!();
    println!(
        "{} problem(s), {} warning(s), {} note(s)",
        count(Severity::Problem),
        count(Severity::Warning),
        count(Severity::Info)
    );
}

fn print_outcome(outcome: &FixOutcome, json: bool) {
    if json {
        println!("{}", json!({ "fix": outcome }));
        return;
    }
    println!("Applied fix `{}`:", outcome.fix);
    for line in &outcome.ran {
        println!("  {line}");
    }
    println!("{}", outcome.message);
}
