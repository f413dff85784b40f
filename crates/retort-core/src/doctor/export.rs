//! "Export diagnostics": the doctor's findings with what a colleague needs to help (versions,
//! the redacted connection, the project, the version rows, recent log lines), as Markdown or
//! JSON. Collecting only reads; nothing in the report may carry a password.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{diagnose, Finding};
use crate::config::{redact_secrets, DatabaseUrl};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::ops::Workspace;
use crate::version_table;

/// What an exported diagnostics file holds. Every string is already redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiagnosticsReport {
    /// UTC, RFC 3339.
    pub generated_at: String,
    pub retort_version: String,
    /// `linux x86_64`, ...
    pub os: String,
    pub project: DiagnosticsProject,
    pub database: DiagnosticsDatabase,
    /// The doctor's findings (empty when [`DiagnosticsReport::diagnose_error`] is set).
    pub findings: Vec<Finding>,
    /// Why the checks could not run, when they could not.
    pub diagnose_error: Option<String>,
    /// Recent log lines handed in by the caller (the app's activity/log tail), secrets masked.
    pub log_lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiagnosticsProject {
    pub path: String,
    /// `retort` or `alembic`.
    pub kind: String,
    pub version_table: String,
    pub revisions: usize,
    pub heads: Vec<String>,
    /// The project's Alembic version (Alembic projects whose Python could be found).
    pub alembic_version: Option<String>,
    /// The project's Python version (Alembic projects).
    pub python_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiagnosticsDatabase {
    /// `sqlite`, `postgresql`, `mysql`.
    pub dialect: String,
    /// The connection, password redacted.
    pub url: String,
    /// The server's version string, when it could be read.
    pub server_version: Option<String>,
    /// The version table's rows; `None` without a version table or when unreadable.
    pub current: Option<Vec<String>>,
    /// Why the server version or the rows could not be read.
    pub error: Option<String>,
}

/// Collects the report: runs [`diagnose`], reads the server version and the version rows.
/// Never fails: what could not be read is said in the report. `log_lines` are the caller's
/// recent log lines (masked again here).
pub async fn diagnostics_report(
    ws: &Workspace,
    url: &DatabaseUrl,
    log_lines: &[String],
) -> DiagnosticsReport {
    let (findings, diagnose_error) = match diagnose(ws, url).await {
        Ok(findings) => (findings, None),
        Err(e) => (Vec::new(), Some(redact_secrets(&e.to_string()))),
    };
    report_with_findings(ws, url, findings, diagnose_error, log_lines).await
}

/// As [`diagnostics_report`], with findings the caller already has (the CLI and the app have
/// just run [`diagnose`]).
pub async fn report_with_findings(
    ws: &Workspace,
    url: &DatabaseUrl,
    findings: Vec<Finding>,
    diagnose_error: Option<String>,
    log_lines: &[String],
) -> DiagnosticsReport {
    let database = read_database(ws, url).await;
    let python = if ws.is_alembic() {
        ws.python_env().ok()
    } else {
        None
    };
    DiagnosticsReport {
        generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        retort_version: env!("CARGO_PKG_VERSION").to_string(),
        os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        project: DiagnosticsProject {
            path: ws.project.root.display().to_string(),
            kind: if ws.is_alembic() { "alembic" } else { "retort" }.to_string(),
            version_table: ws.project.version_table.clone(),
            revisions: ws.map.len(),
            heads: ws.map.heads().iter().map(|h| h.to_string()).collect(),
            alembic_version: python.as_ref().map(|p| p.alembic_version.clone()),
            python_version: python.as_ref().map(|p| p.python_version.clone()),
        },
        database,
        findings,
        diagnose_error: diagnose_error.map(|e| redact_secrets(&e)),
        log_lines: log_lines.iter().map(|l| redact_secrets(l)).collect(),
    }
}

async fn read_database(ws: &Workspace, url: &DatabaseUrl) -> DiagnosticsDatabase {
    let mut out = DiagnosticsDatabase {
        dialect: url.dialect().name().to_string(),
        url: url.redacted(),
        server_version: None,
        current: None,
        error: None,
    };
    let mut db = match Database::connect(url).await {
        Ok(db) => db,
        Err(e) => {
            out.error = Some(redact_secrets(&e.to_string()));
            return out;
        }
    };
    let mut errors = Vec::new();
    match db.server_version().await {
        Ok(version) => out.server_version = Some(version),
        Err(e) => errors.push(format!("server version: {e}")),
    }
    match version_table::read_rows(&mut db, &ws.project.version_table).await {
        Ok(rows) => out.current = rows,
        Err(e) => errors.push(format!("version table: {e}")),
    }
    db.close().await;
    if !errors.is_empty() {
        out.error = Some(redact_secrets(&errors.join("; ")));
    }
    out
}

/// The file format, from the file name: `.json` is JSON, anything else Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Json,
}

impl ReportFormat {
    pub fn for_path(path: &Path) -> ReportFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("json") => ReportFormat::Json,
            _ => ReportFormat::Markdown,
        }
    }
}

impl DiagnosticsReport {
    /// Pretty JSON (the struct's fields), secrets masked once more.
    pub fn to_json(&self) -> String {
        let text = serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            format!("{{\"error\": \"cannot serialise the diagnostics: {e}\"}}")
        });
        redact_secrets(&text)
    }

    /// A Markdown document for a colleague or an issue tracker, secrets masked once more.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let mut line = |text: String| {
            md.push_str(&text);
            md.push('\n');
        };
        line("# Retort diagnostics".into());
        line(String::new());
        line(format!("- Generated: {}", self.generated_at));
        line(format!("- Retort: {}", self.retort_version));
        line(format!("- OS: {}", self.os));
        line(String::new());
        line("## Project".into());
        line(String::new());
        let p = &self.project;
        line(format!("- Path: `{}`", p.path));
        line(format!("- Kind: {}", p.kind));
        if p.kind == "alembic" {
            line(format!(
                "- Alembic: {}; Python: {}",
                p.alembic_version.as_deref().unwrap_or("not found"),
                p.python_version.as_deref().unwrap_or("not found")
            ));
        }
        line(format!("- Version table: {}", p.version_table));
        line(format!(
            "- Revisions: {}; heads: {}",
            p.revisions,
            list_or(&p.heads, "none")
        ));
        line(String::new());
        line("## Database".into());
        line(String::new());
        let d = &self.database;
        line(format!("- Dialect: {}", d.dialect));
        line(format!("- Connection: `{}`", d.url));
        line(format!(
            "- Server version: {}",
            d.server_version.as_deref().unwrap_or("unknown")
        ));
        line(format!(
            "- Current (version table rows): {}",
            match &d.current {
                None => "no version table".to_string(),
                Some(rows) => list_or(rows, "empty"),
            }
        ));
        if let Some(error) = &d.error {
            line(format!("- Could not read: {error}"));
        }
        line(String::new());
        line("## Findings".into());
        line(String::new());
        if let Some(error) = &self.diagnose_error {
            line(format!("The checks could not run: {error}"));
            line(String::new());
        } else if self.findings.is_empty() {
            line("No findings.".into());
            line(String::new());
        }
        for finding in &self.findings {
            line(format!(
                "### [{}] {} (`{}`)",
                finding.severity.name(),
                finding.title,
                finding.check
            ));
            line(String::new());
            line(finding.explanation.clone());
            line(String::new());
            for detail in &finding.details {
                line(format!("- {detail}"));
            }
            for fix in &finding.fixes {
                line(String::new());
                line(format!(
                    "Fix `{}`{}: {}. {}",
                    fix.id,
                    if fix.destructive {
                        " (destructive)"
                    } else {
                        ""
                    },
                    fix.title,
                    fix.explanation
                ));
                line(String::new());
                line("```sql".into());
                for sql in &fix.sql_preview {
                    line(sql.clone());
                }
                line("```".into());
            }
            line(String::new());
        }
        line("## Recent log lines".into());
        line(String::new());
        if self.log_lines.is_empty() {
            line("(none)".into());
        } else {
            line("```".into());
            for l in &self.log_lines {
                line(l.clone());
            }
            line("```".into());
        }
        redact_secrets(&md)
    }

    pub fn render(&self, format: ReportFormat) -> String {
        match format {
            ReportFormat::Markdown => self.to_markdown(),
            ReportFormat::Json => self.to_json(),
        }
    }

    /// Writes the report to `path` (JSON for `.json`, else Markdown) and returns the absolute
    /// path written.
    pub fn write(&self, path: &Path) -> Result<PathBuf> {
        let text = self.render(ReportFormat::for_path(path));
        std::fs::write(path, text).map_err(|e| Error::io(path, e))?;
        Ok(std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

fn list_or(items: &[String], empty: &str) -> String {
    if items.is_empty() {
        empty.to_string()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::{Fix, Severity};

    fn report(url: &str, log: &str) -> DiagnosticsReport {
        let url = DatabaseUrl::parse(url, Path::new(".")).unwrap();
        DiagnosticsReport {
            generated_at: "2026-11-25T00:00:00Z".into(),
            retort_version: "0.1.0".into(),
            os: "linux x86_64".into(),
            project: DiagnosticsProject {
                path: "/p".into(),
                kind: "retort".into(),
                version_table: "alembic_version".into(),
                revisions: 2,
                heads: vec!["abc".into()],
                alembic_version: None,
                python_version: None,
            },
            database: DiagnosticsDatabase {
                dialect: url.dialect().name().into(),
                url: url.redacted(),
                server_version: Some("10.11".into()),
                current: Some(vec!["abc".into()]),
                error: None,
            },
            findings: vec![Finding {
                check: "mysql_privileges".into(),
                severity: Severity::Problem,
                title: "User lacks ALTER".into(),
                explanation: "because".into(),
                details: vec!["detail one".into()],
                fixes: vec![Fix {
                    id: "grants".into(),
                    title: "Grants".into(),
                    explanation: "run them".into(),
                    sql_preview: vec!["GRANT ALTER ON `db`.* TO 'u'@'%';".into()],
                    destructive: false,
                }],
            }],
            diagnose_error: None,
            log_lines: vec![log.into()],
        }
    }

    #[test]
    fn renders_findings_without_secrets() {
        let r = report(
            "mysql://bob:hunter2secret@db.example:3306/app",
            "connecting to postgresql://alice:s3cr3tpw@h/db failed",
        );
        for text in [r.to_markdown(), r.to_json()] {
            assert!(text.contains("User lacks ALTER"), "{text}");
            assert!(text.contains("GRANT ALTER ON `db`.* TO 'u'@'%';"), "{text}");
            assert!(text.contains("db.example"), "{text}");
            assert!(!text.contains("hunter2secret"), "{text}");
            assert!(!text.contains("s3cr3tpw"), "{text}");
        }
        assert_eq!(
            ReportFormat::for_path(Path::new("x.JSON")),
            ReportFormat::Json
        );
        assert_eq!(
            ReportFormat::for_path(Path::new("x.md")),
            ReportFormat::Markdown
        );
    }
}
