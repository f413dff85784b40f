//! Retort's engine: an Alembic-compatible revision graph, the native script format, and a
//! migration runner for SQLite, PostgreSQL and MySQL/MariaDB.
//!
//! No UI dependencies live here: the CLI (`retort`) and the desktop app are thin hosts that call
//! into [`ops`]. Everything below is testable without a window.

pub mod alembic;
pub mod autogen;
pub mod backup;
pub mod config;
pub mod db;
pub mod dialect;
pub mod doctor;
pub mod drift;
pub mod error;
pub mod ops;
pub mod preview;
pub mod probe;
pub mod revision;
pub mod roundtrip;
pub mod runner;
pub mod schema;
pub mod schema_rows;
pub mod scratch;
pub mod script;
pub mod timeline;
pub mod version_table;

pub use config::{DatabaseUrl, Project, ProjectKind, UrlSource};
pub use dialect::Dialect;
pub use error::{Error, Result};
pub use revision::{Direction, Plan, Revision, RevisionMap, RowChange, Step};
