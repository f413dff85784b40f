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
    /// [`Fixture::new`] with the demo project opened and its own SQLite URL (`nexus.db`)
    /// selected, whatever DATABASE_URL says.
    pub async fn ready() -> Fixture {
        let fixture = Fixture::new();
        let view = fixture
            .state
            .open_startup_project()
            .await
            .expect("demo opens");
        assert!(view.is_demo);
        fixture
            .state
            .select_connection(retort_app::PROJECT_ID, None)
            .await
            .expect("select the project URL");
        fixture
    }

    /// The demo project copied to `<tmp>/demo` (its `nexus.db` there), data in `<tmp>/data`.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let demo = dir.path().join("demo");
        retort_testkit::copy_demo_into(&demo);
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
