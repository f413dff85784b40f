//! Where the app keeps its files, and where the demo project is. Environment variables override
//! both so end-to-end tests never touch a user's real data:
//!
//! - `RETORT_DATA_DIR`: the data folder (logs go to its `logs/` subfolder);
//! - `RETORT_DEMO_PROJECT`: the demo project folder.

use std::path::{Path, PathBuf};

pub const DATA_DIR_ENV: &str = "RETORT_DATA_DIR";
pub const DEMO_PROJECT_ENV: &str = "RETORT_DEMO_PROJECT";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    /// Saved connections, recent projects, the activity log.
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
    pub demo_project: PathBuf,
}

impl AppPaths {
    /// From the platform's folders (Tauri's path resolver), unless the environment overrides them.
    pub fn resolve(platform_data_dir: PathBuf, platform_log_dir: PathBuf) -> AppPaths {
        let (data_dir, log_dir) = match env_path(DATA_DIR_ENV) {
            Some(dir) => (dir.clone(), dir.join("logs")),
            None => (platform_data_dir, platform_log_dir),
        };
        AppPaths {
            data_dir,
            log_dir,
            demo_project: env_path(DEMO_PROJECT_ENV).unwrap_or_else(default_demo_project),
        }
    }

    /// Everything under one folder (tests).
    pub fn under(dir: &Path, demo_project: PathBuf) -> AppPaths {
        AppPaths {
            data_dir: dir.to_path_buf(),
            log_dir: dir.join("logs"),
            demo_project,
        }
    }

    pub fn connections_file(&self) -> PathBuf {
        self.data_dir.join("connections.json")
    }

    pub fn recent_file(&self) -> PathBuf {
        self.data_dir.join("recent-projects.json")
    }

    pub fn activity_file(&self) -> PathBuf {
        self.data_dir.join("activity.jsonl")
    }
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(|v| std::path::absolute(PathBuf::from(&v)).unwrap_or_else(|_| PathBuf::from(v)))
}

/// The repository's `migrations/`: looked for above the executable (`target/debug/` in a
/// checkout), then where the crate was built from.
pub fn default_demo_project() -> PathBuf {
    let is_project = |dir: &Path| dir.join("retort.toml").is_file();
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1) {
            let candidate = dir.join("migrations");
            if is_project(&candidate) {
                return candidate;
            }
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(|repo| repo.join("migrations"))
        .unwrap_or_else(|| PathBuf::from("migrations"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_project_is_found_from_a_checkout() {
        let demo = default_demo_project();
        assert!(demo.join("retort.toml").is_file(), "{}", demo.display());
    }
}
