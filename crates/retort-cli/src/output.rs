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

/// `retort schema`: a table list like psql's `\dt`, or one table like `\d TABLE`.
impl Output {
    pub fn schema(&self, schema: &retort_core::schema::Schema, table: Option<&str>) -> Result<()> {
        let Some(wanted) = table else {
            if self.json {
                #[derive(serde::Serialize)]
                struct Whole<'a> {
                    schema: &'a retort_core::schema::Schema,
                }
                return print_json_fast(&Whole { schema });
            }
            print!("{}", schema_list_text(schema));
            return Ok(());
        };
        let found = schema.find(wanted).ok_or_else(|| {
            let names: Vec<String> = schema
                .relations()
                .map(|t| t.display_name(schema.default_schema.as_deref()))
                .collect();
            Error::command(format!(
                "No table or view named '{wanted}' in {}. Tables: {}",
                schema.schemas.join(", "),
                if names.is_empty() {
                    "(none)".to_string()
                } else {
                    names.join(", ")
                }
            ))
        })?;
        let referenced_by = schema.references_to(found);
        if self.json {
            return self.emit(json!({ "table": found, "referenced_by": referenced_by }));
        }
        print!("{}", schema_table_text(schema, found));
        Ok(())
    }
}

/// Large schemas: serialise straight into a buffered stdout (building a `Value` first and
/// printing it through `Display` took most of `retort schema --json`'s time).
fn print_json_fast<T: serde::Serialize>(value: &T) -> Result<()> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = serde_json::to_writer(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    written.map_err(|e| Error::io("<stdout>", e))
}

fn schema_list_text(schema: &retort_core::schema::Schema) -> String {
    let default = schema.default_schema.as_deref();
    let mut text = format!(
        "Schema of {} ({})\n",
        schema.schemas.join(", "),
        schema.dialect.name()
    );
    let rows: Vec<[String; 5]> = schema
        .relations()
        .map(|t| {
            let kind = match t.kind {
                retort_core::schema::TableKind::Table if t.is_version_table => "version table",
                retort_core::schema::TableKind::Table => "table",
                retort_core::schema::TableKind::View => "view",
                retort_core::schema::TableKind::MaterializedView => "materialized view",
            };
            [
                t.display_name(default),
                kind.to_string(),
                t.columns.len().to_string(),
                t.indexes.len().to_string(),
                t.foreign_keys.len().to_string(),
            ]
        })
        .collect();
    if rows.is_empty() {
        text.push_str("No tables.\n");
    } else {
        let header = ["Name", "Type", "Columns", "Indexes", "Foreign keys"].map(String::from);
        text.push_str(&aligned(&header, &rows));
        text.push_str(&format!(
            "({} tables, {} views)\n",
            schema.tables.len(),
            schema.views.len()
        ));
    }
    if !schema.enums.is_empty() {
        text.push_str("Enum types:\n");
        for e in &schema.enums {
            text.push_str(&format!(
                "    {}.{}: {}\n",
                e.schema,
                e.name,
                e.values.join(", ")
            ));
        }
    }
    text
}

fn schema_table_text(
    schema: &retort_core::schema::Schema,
    table: &retort_core::schema::Table,
) -> String {
    use retort_core::schema::{Generated, TableKind};
    let dialect = schema.dialect;
    let q = |name: &str| dialect.quote_identifier(name);
    let list = |names: &[String]| names.iter().map(|n| q(n)).collect::<Vec<_>>().join(", ");
    let kind = match table.kind {
        TableKind::Table => "Table",
        TableKind::View => "View",
        TableKind::MaterializedView => "Materialized view",
    };
    let mut text = format!("{kind} {}.{}", q(&table.schema), q(&table.name));
    if table.is_version_table {
        text.push_str("  (the version table)");
    }
    text.push('\n');
    let rows: Vec<[String; 4]> = table
        .columns
        .iter()
        .map(|c| {
            let mut extra = Vec::new();
            if let Some(position) = c.primary_key {
                extra.push(format!("primary key {position}"));
            }
            match &c.generated {
                Some(Generated::Identity { always: true }) => {
                    extra.push("generated always as identity".into());
                }
                Some(Generated::Identity { always: false }) => {
                    extra.push("generated by default as identity".into());
                }
                Some(Generated::AutoIncrement) => extra.push("autoincrement".into()),
                Some(Generated::Computed { expression, stored }) => extra.push(format!(
                    "generated always as ({expression}){}",
                    if *stored { " stored" } else { "" }
                )),
                None => {}
            }
            if let Some(default) = &c.default {
                extra.push(format!("default {default}"));
            }
            [
                c.name.clone(),
                c.data_type.clone(),
                if c.nullable { "" } else { "not null" }.to_string(),
                extra.join(", "),
            ]
        })
        .collect();
    let header = ["Column", "Type", "Nullable", "Details"].map(String::from);
    text.push_str(&aligned(&header, &rows));
    if let Some(pk) = &table.primary_key {
        text.push_str("Primary key:\n");
        let name = pk.name.as_deref().map(|n| format!("{} ", q(n)));
        text.push_str(&format!(
            "    {}({})\n",
            name.unwrap_or_default(),
            list(&pk.columns)
        ));
    }
    if !table.indexes.is_empty() {
        text.push_str("Indexes:\n");
        for index in &table.indexes {
            let parts: Vec<String> = index.parts.iter().map(|p| p.display()).collect();
            text.push_str(&format!(
                "    {} {}({})",
                q(&index.name),
                if index.unique { "UNIQUE " } else { "" },
                parts.join(", ")
            ));
            if let Some(predicate) = &index.predicate {
                text.push_str(&format!(" WHERE {predicate}"));
            }
            text.push('\n');
        }
    }
    if !table.unique_constraints.is_empty() {
        text.push_str("Unique constraints:\n");
        for unique in &table.unique_constraints {
            let name = unique.name.as_deref().map(|n| format!("{} ", q(n)));
            text.push_str(&format!(
                "    {}UNIQUE ({})\n",
                name.unwrap_or_default(),
                list(&unique.columns)
            ));
        }
    }
    if !table.check_constraints.is_empty() {
        text.push_str("Check constraints:\n");
        for check in &table.check_constraints {
            let name = check.name.as_deref().map(|n| format!("{} ", q(n)));
            text.push_str(&format!(
                "    {}CHECK ({})\n",
                name.unwrap_or_default(),
                check.expression
            ));
        }
    }
    let actions = |fk: &retort_core::schema::ForeignKey| {
        let mut s = String::new();
        for (event, action) in [("DELETE", &fk.on_delete), ("UPDATE", &fk.on_update)] {
            if action != "NO ACTION" && !action.is_empty() {
                s.push_str(&format!(" ON {event} {action}"));
            }
        }
        s
    };
    if !table.foreign_keys.is_empty() {
        text.push_str("Foreign keys:\n");
        for fk in &table.foreign_keys {
            let name = fk.name.as_deref().map(|n| format!("{} ", q(n)));
            text.push_str(&format!(
                "    {}({}) REFERENCES {}.{}({}){}\n",
                name.unwrap_or_default(),
                list(&fk.columns),
                q(&fk.referenced_schema),
                q(&fk.referenced_table),
                list(&fk.referenced_columns),
                actions(fk)
            ));
        }
    }
    let incoming = schema.references_to(table);
    if !incoming.is_empty() {
        text.push_str("Referenced by:\n");
        for reference in &incoming {
            let fk = &reference.foreign_key;
            let name = fk.name.as_deref().map(|n| format!(" {}", q(n)));
            text.push_str(&format!(
                "    {}.{}{} ({}) REFERENCES ({}){}\n",
                q(&reference.schema),
                q(&reference.table),
                name.unwrap_or_default(),
                list(&fk.columns),
                list(&fk.referenced_columns),
                actions(fk)
            ));
        }
    }
    if let Some(ddl) = &table.ddl {
        text.push_str("DDL:\n");
        for line in ddl.lines() {
            text.push_str(&format!("    {line}\n"));
        }
    }
    text
}

/// Columns padded to their widest cell, psql style.
fn aligned<const N: usize>(header: &[String; N], rows: &[[String; N]]) -> String {
    let mut widths = header.each_ref().map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String; N]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        format!(" {}\n", padded.join(" | ").trim_end())
    };
    let mut text = line(header);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    text.push_str(&format!("-{}-\n", rule.join("-+-")));
    for row in rows {
        text.push_str(&line(row));
    }
    text
}
