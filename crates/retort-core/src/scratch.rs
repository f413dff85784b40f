//! Scratch databases: a throwaway database of the same dialect as the user's, for replaying
//! migrations without touching the user's data. Used to show the schema change a revision makes.
//!
//! SQLite: a file in a fresh temp folder. PostgreSQL/MySQL: `retort_scratch_<random>` created on
//! the user's server with the user's connection, dropped afterwards (also when the work fails).

use crate::config::DatabaseUrl;
use crate::db::Database;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::ops::{RunCommand, Workspace};
use crate::runner::RunOptions;
use crate::schema::{self, IntrospectOptions, Schema, SchemaDiff};

/// An empty database that exists until [`Scratch::discard`].
pub struct Scratch {
    pub url: DatabaseUrl,
    /// Server database to drop, reached through the user's own URL.
    server: Option<(DatabaseUrl, String)>,
    /// The SQLite file's own temp folder; removed when dropped.
    _dir: Option<ScratchDir>,
}

/// A folder under the system temp dir, removed (with its contents) on drop.
struct ScratchDir(std::path::PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Scratch {
    /// Creates an empty scratch database next to (never in) the database `user_url` names.
    pub async fn create(user_url: &DatabaseUrl) -> Result<Scratch> {
        match user_url.dialect() {
            Dialect::Sqlite => {
                let path = std::env::temp_dir()
                    .join(format!("retort-scratch-{:016x}", rand::random::<u64>()));
                // create_dir (not _all): fails rather than reuse an existing folder.
                std::fs::create_dir(&path).map_err(|e| Error::io(&path, e))?;
                let dir = ScratchDir(path);
                let url = DatabaseUrl::parse("sqlite:///scratch.db", &dir.0)?;
                Ok(Scratch {
                    url,
                    server: None,
                    _dir: Some(dir),
                })
            }
            dialect => {
                let name = format!("retort_scratch_{:016x}", rand::random::<u64>());
                let mut db = Database::connect(user_url).await?;
                let created = db.execute(&format!("CREATE DATABASE {name}")).await;
                db.close().await;
                created.map_err(|e| create_failed(dialect, user_url, &name, e))?;
                Ok(Scratch {
                    url: user_url.with_database(&name),
                    server: Some((user_url.clone(), name)),
                    _dir: None,
                })
            }
        }
    }

    /// Drops the server database (the SQLite folder goes with `self`).
    pub async fn discard(mut self) -> Result<()> {
        let Some((user_url, name)) = self.server.take() else {
            return Ok(());
        };
        drop_server_database(&user_url, &name).await
    }
}

async fn drop_server_database(user_url: &DatabaseUrl, name: &str) -> Result<()> {
    let mut db = Database::connect(user_url).await.map_err(|e| {
        Error::database(format!(
            "could not drop the scratch database {name}; drop it by hand: {e}"
        ))
    })?;
    let dropped = db.execute(&format!("DROP DATABASE IF EXISTS {name}")).await;
    db.close().await;
    dropped.map(|_| ()).map_err(|e| {
        Error::database(format!(
            "could not drop the scratch database {name}; drop it by hand: {e}"
        ))
    })
}

/// A scratch database not discarded (a panic, or the work's future was dropped, e.g. a
/// cancelled app command) is still dropped from the server: at once on a multi-threaded
/// runtime, else by a task spawned on the current one.
impl Drop for Scratch {
    fn drop(&mut self) {
        let Some((user_url, name)) = self.server.take() else {
            return;
        };
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            tracing::warn!(database = %name, "scratch database left behind (no runtime to drop it)");
            return;
        };
        let work = async move {
            if let Err(e) = drop_server_database(&user_url, &name).await {
                tracing::warn!(error = %e, "scratch database left behind");
            }
        };
        if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread {
            // Never panic in a drop (it may run while unwinding).
            let blocked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                tokio::task::block_in_place(|| handle.block_on(work))
            }));
            if blocked.is_err() {
                tracing::warn!("scratch database left behind (could not drop it here)");
            }
        } else {
            handle.spawn(work);
        }
    }
}

fn create_failed(dialect: Dialect, url: &DatabaseUrl, name: &str, error: Error) -> Error {
    let text = error.to_string();
    let lower = text.to_lowercase();
    let user = url.username().unwrap_or("the connecting user");
    if lower.contains("permission denied") || lower.contains("access denied") {
        let needed = match dialect {
            Dialect::Postgresql => {
                format!("the role needs the CREATEDB attribute (ALTER ROLE {user} CREATEDB)")
            }
            _ => format!(
                "the user needs the CREATE and DROP privileges on scratch databases \
                 (GRANT CREATE, DROP ON `retort\\_scratch\\_%`.* TO '{user}')"
            ),
        };
        return Error::database(format!(
            "Showing a revision's schema change, the round-trip test (`retort test`) and drift \
             detection (`retort check`) replay the migrations into a temporary database \
             ({name}) on the same server, but {user} may not create databases: {needed}. \
             ({text})"
        ));
    }
    Error::database(format!(
        "could not create the scratch database {name}: {text}"
    ))
}

impl Workspace {
    /// The schema change `revision` makes: replays the migrations into a scratch database of
    /// `url`'s dialect up to the revision's parents (and dependencies), snapshots, upgrades to
    /// the revision, snapshots again and diffs. The database `url` names is only used to reach
    /// the server; nothing in it changes.
    pub async fn revision_schema_diff(
        &self,
        url: &DatabaseUrl,
        revision: &str,
    ) -> Result<SchemaDiff> {
        if self.is_alembic() {
            return Err(Error::command(
                "Showing a revision's schema change is not available for Alembic projects yet",
            ));
        }
        let Some(rev) = self.map.get(revision) else {
            return Err(Error::cant_locate(
                revision,
                "no such revision in this project",
            ));
        };
        let id = rev.id.clone();
        let before_targets: Vec<String> = rev
            .down_revisions
            .iter()
            .chain(rev.depends_on.iter())
            .cloned()
            .collect();
        let scratch = Scratch::create(url).await?;
        let result = self
            .replay_and_diff(&scratch.url, &before_targets, &id)
            .await;
        let discarded = scratch.discard().await;
        let diff = result?;
        discarded?;
        Ok(diff)
    }

    async fn replay_and_diff(
        &self,
        scratch: &DatabaseUrl,
        before_targets: &[String],
        revision: &str,
    ) -> Result<SchemaDiff> {
        let options = RunOptions::default();
        let mut ignore = |_| {};
        for target in before_targets {
            self.run(scratch, RunCommand::Upgrade(target), &options, &mut ignore)
                .await?;
        }
        let introspect = self.schema_options(&[]);
        let before = schema::snapshot(scratch, &introspect).await?;
        self.run(
            scratch,
            RunCommand::Upgrade(revision),
            &options,
            &mut ignore,
        )
        .await?;
        let after = schema::snapshot(scratch, &introspect).await?;
        Ok(schema::diff(&before, &after))
    }
}

/// A copy that compares across databases: without the version table, with namespace names
/// blanked (a scratch database has its own name) and without DDL text.
pub fn comparable(schema: &Schema) -> Schema {
    let mut copy = schema.clone();
    copy.tables.retain(|t| !t.is_version_table);
    copy.default_schema = None;
    for table in copy.tables.iter_mut().chain(copy.views.iter_mut()) {
        table.schema = String::new();
        table.ddl = None;
        for fk in &mut table.foreign_keys {
            fk.referenced_schema = String::new();
        }
    }
    for e in &mut copy.enums {
        e.schema = String::new();
    }
    copy
}

/// Snapshots the database `url` names and makes it [`comparable`].
pub async fn comparable_snapshot(url: &DatabaseUrl, options: &IntrospectOptions) -> Result<Schema> {
    schema::snapshot(url, options).await.map(|s| comparable(&s))
}

impl Workspace {
    /// Replays the migrations up to `rows` (a database's version rows) in a fresh scratch
    /// database of `url`'s dialect, runs `read` on it (given its URL), and drops it, also when
    /// the replay or `read` fails. The database `url` names is only used to reach the server.
    pub async fn with_replayed<T, F, Fut>(
        &self,
        url: &DatabaseUrl,
        rows: &[String],
        read: F,
    ) -> Result<T>
    where
        F: FnOnce(DatabaseUrl) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let scratch = Scratch::create(url).await?;
        let result = async {
            let mut ignore = |_| {};
            for row in rows {
                self.run(
                    &scratch.url,
                    RunCommand::Upgrade(row),
                    &RunOptions::default(),
                    &mut ignore,
                )
                .await
                .map_err(|e| {
                    Error::command(format!(
                        "Replaying the migrations up to {row} in a scratch database failed \
                         (`retort test` shows which migration breaks): {e}"
                    ))
                })?;
            }
            read(scratch.url.clone()).await
        }
        .await;
        let discarded = scratch.discard().await;
        let value = result?;
        discarded?;
        Ok(value)
    }
}
