//! A temporary copy of the demo project, a temporary data folder and an [`AppState`] on them,
//! with no keychain: what every app test starts from.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use retort_app::{AppPaths, AppState, Keychain};

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub state: AppState,
}

impl Fixture {
    /// The demo project copied to `<tmp>/demo` (its `nexus.db` there), data in `<tmp>/data`.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let demo = dir.path().join("demo");
        copy_demo_project(&demo);
        let paths = AppPaths::under(&dir.path().join("data"), demo);
        Fixture {
            state: AppState::new(paths, Keychain::disabled()),
            dir,
        }
    }

    pub fn demo(&self) -> PathBuf {
        self.dir.path().join("demo")
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The SQLite database the demo project's URL names.
    pub fn nexus_db(&self) -> PathBuf {
        self.demo().join("nexus.db")
    }
}

pub fn repo_migrations() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations")
}

/// retort.toml and versions/*.sql, without any database file lying around in the checkout.
pub fn copy_demo_project(target: &Path) {
    let source = repo_migrations();
    std::fs::create_dir_all(target.join("versions")).expect("create versions/");
    std::fs::copy(source.join("retort.toml"), target.join("retort.toml"))
        .expect("copy retort.toml");
    for entry in std::fs::read_dir(source.join("versions")).expect("read versions/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "sql") {
            std::fs::copy(
                &path,
                target
                    .join("versions")
                    .join(path.file_name().expect("name")),
            )
            .expect("copy a script");
        }
    }
}

/// The demo project's revisions, oldest first.
pub const DEMO: [&str; 7] = [
    "1f0c0a1b2c01",
    "2a7e3b4c5d02",
    "3b8f4c5d6e03",
    "4c9a5d6e7f04",
    "5dab6e7f8a05",
    "6ebc7f8a9b06",
    "7fcd8a9bac07",
];
