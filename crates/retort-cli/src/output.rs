//! Rendering: Alembic's text formats, or one JSON object per command (DESIGN §6).

use retort_core::ops::{CreatedRevision, CurrentState, RevisionInfo, RunOutcome, Workspace};
use retort_core::runner::ProgressEvent;
use retort_core::{DatabaseUrl, Direction, Error, Project, Result};
use serde_json::{json, Value};

pub struct Output {
    pub json: bool,
}

impl Output {
    fn emit(&self, value: Value) -> Result<()> {
        println!("{value}");
        Ok(())
    }

    pub fn init(&self, project: &Project) -> Result<()> {
        if self.json {
            return self.emit(json!({
                "config": project.config_path,
                "script_location": project.script_location,
                "versions": project.versions_dir(),
            }));
        }
        println!(
            "Created {} and {}",
            project.config_path.display(),
            project.versions_dir().display()
        );
        println!("Next: `retort revision -m \"first revision\"`, then edit the new file's -- migrate:up / -- migrate:down sections.");
        Ok(())
    }

    pub fn created(&self, created: &CreatedRevision) -> Result<()> {
        if self.json {
            return self.emit(json!({
                "revision": created.revision,
                "down_revisions": created.down_revisions,
                "path": created.path,
            }));
        }
        println!("Generating {} ...  done", created.path.display());
        Ok(())
    }

    pub fn heads(&self, ws: &Workspace, verbose: bool) -> Result<()> {
        let heads = ws.heads();
        if self.json {
            return self.emit(json!({ "heads": heads }));
        }
        for head in &heads {
            if verbose {
                if let Some(info) = ws.revision_info(&head.revision) {
                    print!("{}", verbose_entry(&info));
                }
            } else {
                println!(
                    "{}",
                    head_line(&head.revision, &head.branch_labels, head.is_effective_head)
                );
            }
        }
        Ok(())
    }

    pub fn branches(&self, ws: &Workspace, verbose: bool) -> Result<()> {
        let points = ws.branches();
        if self.json {
            return self.emit(json!({
                "branch_points": points.iter().map(|p| json!({
                    "revision": p.revision,
                    "children": p.children,
                })).collect::<Vec<_>>()
            }));
        }
        for point in &points {
            let indent = " ".repeat(point.revision.len() + 1);
            if verbose {
                if let Some(info) = ws.revision_info(&point.revision) {
                    print!("{}", verbose_entry(&info));
                }
            } else {
                println!("{} (branchpoint)", point.revision);
            }
            for child in &point.children {
                let message = ws.map.get(child).map(|r| r.message.as_str()).unwrap_or("");
                if verbose {
                    println!("{indent}-> {child}, {message}");
                } else {
                    println!("{indent}-> {child}");
                }
            }
        }
        Ok(())
    }

    pub fn history(&self, revisions: &[RevisionInfo], verbose: bool) -> Result<()> {
        if self.json {
            return self.emit(json!({ "revisions": revisions }));
        }
        for info in revisions {
            if verbose {
                print!("{}", verbose_entry(info));
            } else {
                println!("{}", history_line(info));
            }
        }
        Ok(())
    }

    pub fn show(&self, revisions: &[RevisionInfo]) -> Result<()> {
        if self.json {
            return self.emit(json!({ "revisions": revisions }));
        }
        for info in revisions {
            print!("{}", verbose_entry(info));
        }
        Ok(())
    }

    pub fn current(
        &self,
        ws: &Workspace,
        url: &DatabaseUrl,
        state: &CurrentState,
        verbose: bool,
    ) -> Result<()> {
        if self.json {
            return self.emit(json!({
                "current": state.current,
                "effective": state.effective,
                "version_table_exists": state.version_table_exists,
                "database": url.redacted(),
            }));
        }
        if verbose {
            println!("Current revision(s) for {}:", url.redacted());
        }
        for id in &state.effective {
            match ws.revision_info(id) {
                Some(info) if verbose => print!("{}", verbose_entry(&info)),
                Some(info) => println!("{}{}", id, flags(&info, false)),
                None => println!("{id}"),
            }
        }
        if verbose && !state.version_table_exists {
            println!("(no version table yet: the database is at base)");
        }
        Ok(())
    }

    pub fn offline_sql(&self, sql: &str) -> Result<()> {
        if self.json {
            return self.emit(json!({ "sql": sql }));
        }
        print!("{sql}");
        Ok(())
    }

    pub fn run_outcome(&self, outcome: &RunOutcome) -> Result<()> {
        if self.json {
            return self.emit(json!({
                "steps": outcome.steps,
                "current": outcome.current,
                "duration_ms": outcome.duration_ms,
            }));
        }
        if outcome.steps.is_empty() {
            println!("Nothing to do: the database is already at the target.");
        }
        if outcome.current.is_empty() {
            println!("Now at: base (no revision applied)");
        } else {
            println!("Now at: {}", outcome.current.join(", "));
        }
        Ok(())
    }
}

/// Progress lines on stderr, in Alembic's `Running upgrade A -> B, message` form.
pub fn print_progress(event: &ProgressEvent) {
    match event {
        ProgressEvent::StepStarted {
            direction,
            from,
            to,
            message,
            ..
        } => {
            let verb = match direction {
                Direction::Up => "upgrade",
                Direction::Down => "downgrade",
                Direction::Stamp => "stamp_revision",
            };
            if verb == "stamp_revision" {
                eprintln!(
                    "Running stamp_revision {} -> {}",
                    from.join(", "),
                    to.join(", ")
                );
            } else {
                eprintln!(
                    "Running {verb} {} -> {}, {message}",
                    from.join(", "),
                    to.join(", ")
                );
            }
        }
        ProgressEvent::WaitingForLock { timeout_ms } => eprintln!(
            "Another migration holds the lock; waiting up to {} s…",
            timeout_ms / 1000
        ),
        _ => {}
    }
}

pub fn print_error(error: &Error, json: bool) {
    if json {
        let mut value = json!({ "kind": error.kind(), "message": error.to_string() });
        if let Error::Resolution { detail, .. } = error {
            value["detail"] = json!(detail);
        }
        if let Error::MigrationFailed {
            revision,
            direction,
            path,
            line,
            statement,
            db_message,
            applied,
            statements_applied,
            rolled_back,
            version_rows,
        } = error
        {
            value["revision"] = json!(revision);
            value["direction"] = json!(direction);
            value["path"] = json!(path);
            value["line"] = json!(line);
            value["statement"] = json!(statement);
            value["database_message"] = json!(db_message);
            value["applied"] = json!(applied);
            value["statements_applied"] = json!(statements_applied);
            value["rolled_back"] = json!(rolled_back);
            value["current"] = json!(version_rows);
        }
        println!("{}", json!({ "error": value }));
        return;
    }
    eprintln!("FAILED: {error}");
    match error {
        Error::Resolution { detail, .. } if !detail.is_empty() => eprintln!("  {detail}"),
        Error::MigrationFailed {
            statement,
            statements_applied,
            version_rows,
            ..
        } => {
            eprintln!("  Statement: {}", first_lines(statement, 6));
            if !statements_applied.is_empty() {
                eprintln!("  These statements of the failed revision took effect and were not rolled back:");
                for s in statements_applied {
                    eprintln!("    {};", first_lines(s, 3));
                }
            }
            if version_rows.is_empty() {
                eprintln!("  The version table now names no revision (base).");
            } else {
                eprintln!("  The version table now names: {}", version_rows.join(", "));
            }
        }
        _ => {}
    }
}

fn first_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= n {
        text.to_string()
    } else {
        format!("{} …", lines[..n].join("\n    "))
    }
}

fn head_line(id: &str, labels: &[String], effective: bool) -> String {
    let mut line = id.to_string();
    if !labels.is_empty() {
        line.push_str(&format!(" ({})", labels.join(", ")));
    }
    line.push_str(if effective {
        " (effective head)"
    } else {
        " (head)"
    });
    line
}

/// ` (head) (current) (branchpoint) (mergepoint)` as Alembic orders them.
fn flags(info: &RevisionInfo, with_labels: bool) -> String {
    let mut out = String::new();
    if with_labels && !info.branch_labels.is_empty() {
        out.push_str(&format!(" ({})", info.branch_labels.join(", ")));
    }
    if info.is_effective_head {
        out.push_str(" (effective head)");
    } else if info.is_head {
        out.push_str(" (head)");
    }
    if info.is_current == Some(true) {
        out.push_str(" (current)");
    }
    if info.is_branch_point {
        out.push_str(" (branchpoint)");
    }
    if info.is_merge {
        out.push_str(" (mergepoint)");
    }
    out
}

fn history_line(info: &RevisionInfo) -> String {
    let parents = if info.down_revisions.is_empty() {
        "<base>".to_string()
    } else {
        info.down_revisions.join(", ")
    };
    let depends = if info.depends_on.is_empty() {
        String::new()
    } else {
        format!(" ({})", info.depends_on.join(", "))
    };
    format!(
        "{parents}{depends} -> {}{}, {}",
        info.revision,
        flags(info, true),
        info.message
    )
}

fn verbose_entry(info: &RevisionInfo) -> String {
    let mut out = format!("Rev: {}{}\n", info.revision, flags(info, false));
    match info.down_revisions.len() {
        0 => out.push_str("Parent: <base>\n"),
        1 => out.push_str(&format!("Parent: {}\n", info.down_revisions[0])),
        _ => out.push_str(&format!("Merges: {}\n", info.down_revisions.join(", "))),
    }
    if !info.depends_on.is_empty() {
        out.push_str(&format!(
            "Also depends on: {}\n",
            info.depends_on.join(", ")
        ));
    }
    if info.is_branch_point {
        out.push_str(&format!("Branches into: {}\n", info.children.join(", ")));
    }
    if !info.branch_labels.is_empty() {
        out.push_str(&format!(
            "Branch names: {}\n",
            info.branch_labels.join(", ")
        ));
    }
    if let Some(path) = &info.path {
        out.push_str(&format!("Path: {}\n", path.display()));
    }
    out.push('\n');
    out.push_str(&format!("    {}\n", info.message));
    if let Some(date) = &info.create_date {
        out.push_str(&format!("    \n    Revision ID: {}\n", info.revision));
        out.push_str(&format!("    Create Date: {date}\n"));
    }
    out.push('\n');
    out
}
