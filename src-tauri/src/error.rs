//! What every command returns on failure: `{kind, message, detail}`, plus the structured facts of
//! a failed or cancelled run in `data`. `kind` is `retort_core::Error::kind()` or one of the app's
//! own kinds below; a new kind exists only where the UI does something different for it.

use retort_core::error::AppliedStep;
use retort_core::Error;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// No project is open (the UI shows the project picker).
pub const NO_PROJECT: &str = "no_project";
/// No connection is selected, or the id names none (the UI shows the connection picker).
pub const NO_CONNECTION: &str = "no_connection";
/// The saved connection needs a password that is not in the keychain (the UI asks for it).
pub const PASSWORD_REQUIRED: &str = "password_required";
/// A write on a production connection without the typed database name (the UI asks for it).
pub const CONFIRMATION_REQUIRED: &str = "confirmation_required";
/// A form field or argument that cannot be used (the UI keeps the form open).
pub const INVALID_INPUT: &str = "invalid_input";
/// The OS keychain failed.
pub const KEYCHAIN: &str = "keychain";
/// A native file dialog failed.
pub const DIALOG: &str = "dialog";
/// A bug or an unexpected I/O failure of the app itself.
pub const INTERNAL: &str = "internal";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApiError {
    pub kind: String,
    /// One or two sentences for the user, saying what to do next where possible.
    pub message: String,
    /// More text for the curious: the underlying reason, the failing statement.
    pub detail: Option<String>,
    /// Where a run stopped and what the database holds now (`migration_failed`, `cancelled`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub data: Option<RunFailure>,
}

/// The facts of a run that did not finish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RunFailure {
    /// The revision whose migration failed; `None` when the run was cancelled between revisions.
    pub revision: Option<String>,
    pub direction: Option<String>,
    pub path: Option<String>,
    /// 1-based line of the failing statement in its script.
    pub line: Option<usize>,
    pub statement: Option<String>,
    /// The database's own message.
    pub db_message: Option<String>,
    /// Revisions whose migrations completed and are still in effect.
    pub applied: Vec<AppliedStepView>,
    /// Statements of the failed revision that took effect (MySQL DDL, no-transaction scripts).
    pub statements_applied: Vec<String>,
    /// The failed transaction was rolled back: nothing of the failed revision remains.
    pub rolled_back: bool,
    /// What the version table says now.
    pub version_rows: Vec<String>,
}

/// [`AppliedStep`], readable back from the activity log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppliedStepView {
    pub direction: String,
    pub revision: String,
}

impl From<&AppliedStep> for AppliedStepView {
    fn from(step: &AppliedStep) -> Self {
        AppliedStepView {
            direction: step.direction.clone(),
            revision: step.revision.clone(),
        }
    }
}

impl ApiError {
    pub fn new(kind: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            kind: kind.to_string(),
            message: message.into(),
            detail: None,
            data: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> ApiError {
        self.detail = Some(detail.into());
        self
    }

    pub fn no_project() -> ApiError {
        ApiError::new(
            NO_PROJECT,
            "No project is open. Open a folder holding retort.toml, or the demo project.",
        )
    }

    pub fn no_connection() -> ApiError {
        ApiError::new(
            NO_CONNECTION,
            "No database connection is selected. Choose one in the connection picker.",
        )
    }

    pub fn invalid_input(message: impl Into<String>) -> ApiError {
        ApiError::new(INVALID_INPUT, message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(INTERNAL, message)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        ApiError::from(&error)
    }
}

impl From<&Error> for ApiError {
    fn from(error: &Error) -> ApiError {
        let (detail, data) = match error {
            Error::Resolution { detail, .. } => (Some(detail.clone()), None),
            Error::Io { source, .. } => (Some(source.to_string()), None),
            Error::MigrationFailed {
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
            } => (
                Some(format!(
                    "{}:{line}\n{statement}\n\n{db_message}",
                    path.display()
                )),
                Some(RunFailure {
                    revision: Some(revision.clone()),
                    direction: Some(direction.clone()),
                    path: Some(path.display().to_string()),
                    line: Some(*line),
                    statement: Some(statement.clone()),
                    db_message: Some(db_message.clone()),
                    applied: applied.iter().map(AppliedStepView::from).collect(),
                    statements_applied: statements_applied.clone(),
                    rolled_back: *rolled_back,
                    version_rows: version_rows.clone(),
                }),
            ),
            Error::Cancelled {
                applied,
                version_rows,
            } => (
                None,
                Some(RunFailure {
                    revision: None,
                    direction: None,
                    path: None,
                    line: None,
                    statement: None,
                    db_message: None,
                    applied: applied.iter().map(AppliedStepView::from).collect(),
                    statements_applied: Vec::new(),
                    rolled_back: false,
                    version_rows: version_rows.clone(),
                }),
            ),
            Error::Alembic {
                output,
                revision,
                direction,
                applied,
                version_rows,
                ..
            } => (
                Some(output.clone()),
                Some(RunFailure {
                    revision: revision.clone(),
                    direction: direction.clone(),
                    path: None,
                    line: None,
                    statement: None,
                    db_message: None,
                    applied: applied.iter().map(AppliedStepView::from).collect(),
                    statements_applied: Vec::new(),
                    rolled_back: false,
                    version_rows: version_rows.clone(),
                }),
            ),
            _ => (None, None),
        };
        ApiError {
            kind: error.kind().to_string(),
            message: error.to_string(),
            detail,
            data,
        }
    }
}

impl From<tauri::Error> for ApiError {
    fn from(error: tauri::Error) -> ApiError {
        ApiError::internal(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_errors_have_three_fields() {
        let error = ApiError::from(Error::cant_locate("zzz", "no revision or label 'zzz'"));
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            json!({
                "kind": "resolution",
                "message": "Can't locate revision identified by 'zzz'",
                "detail": "no revision or label 'zzz'",
            })
        );
        assert_eq!(
            serde_json::to_value(ApiError::no_project()).unwrap()["detail"],
            serde_json::Value::Null
        );
    }

    #[test]
    fn failed_runs_carry_where_they_stopped() {
        let error = ApiError::from(Error::MigrationFailed {
            revision: "3b8f4c5d6e03".into(),
            direction: "up".into(),
            path: "versions/3b8f.sql".into(),
            line: 7,
            statement: "CREATE TABLE tasks (...)".into(),
            db_message: "table tasks already exists".into(),
            applied: vec![AppliedStep {
                direction: "up".into(),
                revision: "2a7e3b4c5d02".into(),
            }],
            statements_applied: Vec::new(),
            rolled_back: true,
            version_rows: vec!["2a7e3b4c5d02".into()],
        });
        let value = serde_json::to_value(&error).unwrap();
        assert_eq!(value["kind"], "migration_failed");
        assert_eq!(value["data"]["revision"], "3b8f4c5d6e03");
        assert_eq!(value["data"]["line"], 7);
        assert_eq!(value["data"]["applied"][0]["revision"], "2a7e3b4c5d02");
        assert_eq!(value["data"]["version_rows"], json!(["2a7e3b4c5d02"]));
        assert_eq!(
            serde_json::from_value::<ApiError>(value).unwrap(),
            error,
            "the activity log reads errors back"
        );
    }
}
