//! The app's small JSON files in the data folder: recent projects and saved connections.
//! Written whole to a temporary file and renamed, so a crash never leaves half a file.
//! Passwords are never part of them.

use std::path::{Path, PathBuf};

use retort_core::dialect::Dialect;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::dto::RecentProject;
use crate::error::ApiError;

/// How many recent projects the picker lists.
pub const MAX_RECENT: usize = 10;

/// A saved connection as stored (no password: that is in the keychain, or nowhere).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedConnection {
    pub id: String,
    pub name: String,
    pub dialect: Dialect,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub sqlite_path: Option<PathBuf>,
    #[serde(default)]
    pub production: bool,
    /// The connection needs a password.
    #[serde(default)]
    pub uses_password: bool,
    /// That password is in the OS keychain under this connection's id.
    #[serde(default)]
    pub password_in_keychain: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ConnectionsFile {
    connections: Vec<SavedConnection>,
}

/// Reads a JSON file; a missing file is the default value.
fn read<T: DeserializeOwned + Default>(path: &Path) -> Result<T, ApiError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::internal(format!(
                "{} is not valid JSON ({e}). Fix or delete the file.",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(io_error(path, &e)),
    }
}

/// Writes a JSON file atomically.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), ApiError> {
    let text = serde_json::to_vec_pretty(value)
        .map_err(|e| ApiError::internal(format!("cannot serialise {}: {e}", path.display())))?;
    write_atomic(path, &text)
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
    }
    let temp = path.with_extension("tmp");
    std::fs::write(&temp, bytes).map_err(|e| io_error(&temp, &e))?;
    std::fs::rename(&temp, path).map_err(|e| io_error(path, &e))
}

pub fn io_error(path: &Path, error: &std::io::Error) -> ApiError {
    ApiError::internal(format!("{}: {error}", path.display()))
}

pub fn read_connections(path: &Path) -> Result<Vec<SavedConnection>, ApiError> {
    Ok(read::<ConnectionsFile>(path)?.connections)
}

pub fn write_connections(path: &Path, connections: &[SavedConnection]) -> Result<(), ApiError> {
    write_json(
        path,
        &ConnectionsFile {
            connections: connections.to_vec(),
        },
    )
}

pub fn read_recent(path: &Path) -> Result<Vec<RecentProject>, ApiError> {
    read(path)
}

/// Puts `project` first, without duplicates, keeping [`MAX_RECENT`].
pub fn remember_project(path: &Path, project: RecentProject) -> Result<(), ApiError> {
    let mut recent = read_recent(path).unwrap_or_default();
    recent.retain(|p| p.path != project.path);
    recent.insert(0, project);
    recent.truncate(MAX_RECENT);
    write_json(path, &recent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_projects_are_most_recent_first_and_unique() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("recent.json");
        assert!(read_recent(&file).unwrap().is_empty());
        for i in 0..12 {
            let project = RecentProject {
                path: format!("/p/{}", i % 11),
                name: format!("p{i}"),
                opened_at: String::new(),
            };
            remember_project(&file, project).unwrap();
        }
        let recent = read_recent(&file).unwrap();
        assert_eq!(recent.len(), MAX_RECENT);
        assert_eq!(recent[0].path, "/p/0");
        assert_eq!(recent[0].name, "p11");
        assert_eq!(recent[1].path, "/p/10");
    }

    #[test]
    fn a_broken_file_is_reported_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("connections.json");
        std::fs::write(&file, "{ not json").unwrap();
        let error = read_connections(&file).unwrap_err();
        assert!(error.message.contains("connections.json"), "{error:?}");
    }
}
