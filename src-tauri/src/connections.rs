//! The connection picker's sources, in order: `DATABASE_URL` from the environment, the project's
//! own URL, and saved connections (stored without passwords; those go to the keychain).

use std::path::PathBuf;

use rand::Rng;
use retort_core::config::UrlParts;
use retort_core::ops::Workspace;
use retort_core::probe::{self, ConnectionTest};
use retort_core::DatabaseUrl;

use crate::dto::{ConnectionInput, ConnectionSource, ConnectionView, DbState};
use crate::error::{ApiError, NO_CONNECTION, PASSWORD_REQUIRED};
use crate::state::{blocking, confirm_name, AppState, Selected};
use crate::store::{self, SavedConnection};

pub const ENV_ID: &str = "env";
pub const PROJECT_ID: &str = "project";

fn env_database_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// What a newly opened project connects to: `DATABASE_URL`, else the project's URL (the CLI's
/// order, without `--url`).
pub(crate) fn default_selection(ws: &Workspace) -> Option<Selected> {
    match env_database_url() {
        Some(raw) => match DatabaseUrl::parse(&raw, &ws.project.root) {
            Ok(url) => Some(Selected {
                id: ENV_ID.to_string(),
                name: "DATABASE_URL".to_string(),
                url,
                production: false,
            }),
            Err(e) => {
                tracing::warn!(error = %e, "DATABASE_URL is not usable");
                None
            }
        },
        None => project_selection(ws).ok(),
    }
}

pub(crate) fn project_selection(ws: &Workspace) -> Result<Selected, ApiError> {
    Ok(Selected {
        id: PROJECT_ID.to_string(),
        name: project_connection_name(ws),
        url: ws.project.database_url(None, None)?,
        production: false,
    })
}

fn project_connection_name(ws: &Workspace) -> String {
    if ws.project.url.is_some() {
        "Project (retort.toml)".to_string()
    } else {
        "Project default".to_string()
    }
}

fn new_id() -> String {
    format!("saved-{:016x}", rand::thread_rng().gen::<u64>())
}

fn text(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

impl SavedConnection {
    fn parts(&self, password: Option<String>) -> UrlParts {
        UrlParts {
            dialect: self.dialect,
            host: self.host.clone(),
            port: self.port,
            database: self.database.clone(),
            user: self.user.clone(),
            password,
            sqlite_path: self.sqlite_path.clone(),
        }
    }
}

/// Shows `url` as the picker lists it.
fn view_of_url(
    id: &str,
    name: String,
    source: ConnectionSource,
    url: &DatabaseUrl,
    selected: bool,
) -> ConnectionView {
    ConnectionView {
        id: id.to_string(),
        name,
        source,
        dialect: url.dialect(),
        display_url: url.redacted(),
        host: url.host().map(str::to_string),
        port: url.port(),
        database: confirm_name(url),
        user: url.username().map(str::to_string),
        sqlite_path: url.sqlite_path().map(|p| p.display().to_string()),
        production: false,
        password_saved: false,
        password_required: false,
        selected,
        error: None,
    }
}

/// An env or project URL that does not parse: listed, with the reason, so the user sees it.
fn broken_view(
    id: &str,
    name: String,
    source: ConnectionSource,
    raw: &str,
    error: &ApiError,
) -> ConnectionView {
    let dialect = raw
        .split([':', '+'])
        .next()
        .and_then(retort_core::Dialect::from_name)
        .unwrap_or(retort_core::Dialect::Sqlite);
    ConnectionView {
        id: id.to_string(),
        name,
        source,
        dialect,
        display_url: retort_core::config::redact_secrets(raw),
        host: None,
        port: None,
        database: None,
        user: None,
        sqlite_path: None,
        production: false,
        password_saved: false,
        password_required: false,
        selected: false,
        error: Some(error.message.clone()),
    }
}

impl AppState {
    /// Relative SQLite paths are relative to the open project (else the current folder).
    fn base_dir(&self) -> PathBuf {
        self.session()
            .project
            .as_ref()
            .map(|ws| ws.project.root.clone())
            .unwrap_or_else(|| std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")))
    }

    fn saved(&self) -> Result<Vec<SavedConnection>, ApiError> {
        store::read_connections(&self.paths.connections_file())
    }

    fn saved_one(&self, id: &str) -> Result<SavedConnection, ApiError> {
        self.saved()?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| unknown_connection(id))
    }

    fn saved_view(&self, saved: &SavedConnection, selected_id: Option<&str>) -> ConnectionView {
        let password_saved =
            saved.uses_password && saved.password_in_keychain && self.keychain.available();
        let selected = selected_id == Some(saved.id.as_str());
        match DatabaseUrl::from_parts(&saved.parts(None), &self.base_dir()) {
            Ok(url) => ConnectionView {
                production: saved.production,
                password_saved,
                password_required: saved.uses_password && !password_saved,
                ..view_of_url(
                    &saved.id,
                    saved.name.clone(),
                    ConnectionSource::Saved,
                    &url,
                    selected,
                )
            },
            Err(e) => ConnectionView {
                production: saved.production,
                password_saved,
                password_required: saved.uses_password && !password_saved,
                selected,
                ..broken_view(
                    &saved.id,
                    saved.name.clone(),
                    ConnectionSource::Saved,
                    saved.dialect.name(),
                    &ApiError::from(e),
                )
            },
        }
    }

    pub fn list_connections(&self) -> Result<Vec<ConnectionView>, ApiError> {
        let (project, selected_id) = {
            let session = self.session();
            (
                session.project.clone(),
                session.selected.as_ref().map(|s| s.id.clone()),
            )
        };
        let selected_id = selected_id.as_deref();
        let base = self.base_dir();
        let mut views = Vec::new();
        if let Some(raw) = env_database_url() {
            let name = "DATABASE_URL".to_string();
            views.push(match DatabaseUrl::parse(&raw, &base) {
                Ok(url) => view_of_url(
                    ENV_ID,
                    name,
                    ConnectionSource::Env,
                    &url,
                    selected_id == Some(ENV_ID),
                ),
                Err(e) => broken_view(ENV_ID, name, ConnectionSource::Env, &raw, &e.into()),
            });
        }
        if let Some(ws) = &project {
            let name = project_connection_name(ws);
            views.push(match ws.project.database_url(None, None) {
                Ok(url) => view_of_url(
                    PROJECT_ID,
                    name,
                    ConnectionSource::Project,
                    &url,
                    selected_id == Some(PROJECT_ID),
                ),
                Err(e) => broken_view(
                    PROJECT_ID,
                    name,
                    ConnectionSource::Project,
                    ws.project.url.as_deref().unwrap_or_default(),
                    &e.into(),
                ),
            });
        }
        for saved in self.saved()? {
            views.push(self.saved_view(&saved, selected_id));
        }
        Ok(views)
    }

    /// Adds or changes a saved connection. The password goes to the keychain, or nowhere.
    pub async fn save_connection(
        &self,
        input: ConnectionInput,
    ) -> Result<ConnectionView, ApiError> {
        let mut all = self.saved()?;
        let existing = match &input.id {
            Some(id) if id == ENV_ID || id == PROJECT_ID => {
                return Err(ApiError::invalid_input(
                    "This connection comes from the environment or the project file; duplicate it to save a copy you can change",
                ))
            }
            Some(id) => Some(
                all.iter()
                    .position(|c| &c.id == id)
                    .ok_or_else(|| unknown_connection(id))?,
            ),
            None => None,
        };
        let previous = existing.map(|i| all[i].clone());
        let mut saved = SavedConnection {
            id: previous.as_ref().map_or_else(new_id, |p| p.id.clone()),
            name: input.name.trim().to_string(),
            dialect: input.dialect,
            host: text(&input.host),
            port: input.port,
            database: text(&input.database),
            user: text(&input.user),
            sqlite_path: text(&input.sqlite_path).map(PathBuf::from),
            production: input.production,
            uses_password: previous.as_ref().is_some_and(|p| p.uses_password),
            password_in_keychain: previous.as_ref().is_some_and(|p| p.password_in_keychain),
        };
        if saved.dialect == retort_core::Dialect::Sqlite {
            saved.host = None;
            saved.port = None;
            saved.database = None;
            saved.user = None;
        } else {
            saved.sqlite_path = None;
        }
        // Checks the fields before anything is stored.
        let url = DatabaseUrl::from_parts(&saved.parts(input.password.clone()), &self.base_dir())?;
        // Saved connections outlive the project: keep the file's absolute path.
        if let Some(path) = url.sqlite_path() {
            saved.sqlite_path = Some(path.to_path_buf());
        }
        if saved.name.is_empty() {
            saved.name = confirm_name(&url).unwrap_or_else(|| url.redacted());
        }
        match input.password.as_deref() {
            None => {}
            Some("") => {
                saved.uses_password = false;
                saved.password_in_keychain = false;
                let keychain = self.keychain.clone();
                let id = saved.id.clone();
                blocking(move || keychain.delete(&id)).await?;
            }
            Some(password) => {
                saved.uses_password = true;
                saved.password_in_keychain = false;
                if self.keychain.available() {
                    let keychain = self.keychain.clone();
                    let (id, password) = (saved.id.clone(), password.to_string());
                    blocking(move || keychain.set(&id, &password)).await?;
                    saved.password_in_keychain = true;
                }
            }
        }
        match existing {
            Some(i) => all[i] = saved.clone(),
            None => all.push(saved.clone()),
        }
        store::write_connections(&self.paths.connections_file(), &all)?;
        tracing::info!(id = %saved.id, url = %url, "connection saved");
        self.refresh_selection(&saved, input.password).await;
        let selected_id = self.session().selected.as_ref().map(|s| s.id.clone());
        Ok(self.saved_view(&saved, selected_id.as_deref()))
    }

    /// After an edit of the selected connection: use the new settings, or drop the selection
    /// when they now need a password nobody gave.
    async fn refresh_selection(&self, saved: &SavedConnection, password: Option<String>) {
        let is_selected = self
            .session()
            .selected
            .as_ref()
            .is_some_and(|s| s.id == saved.id);
        if !is_selected {
            return;
        }
        let password = password.filter(|p| !p.is_empty());
        let refreshed = self.resolve_saved(saved, password).await.ok();
        self.session().selected = refreshed;
    }

    /// Copies a connection into a new saved one (without a password unless the keychain has it).
    pub async fn duplicate_connection(&self, id: &str) -> Result<ConnectionView, ApiError> {
        let mut all = self.saved()?;
        let copy = match id {
            ENV_ID | PROJECT_ID => {
                let view = self
                    .list_connections()?
                    .into_iter()
                    .find(|c| c.id == id)
                    .ok_or_else(|| unknown_connection(id))?;
                SavedConnection {
                    id: new_id(),
                    name: format!("{} (copy)", view.name),
                    dialect: view.dialect,
                    host: view.host,
                    port: view.port,
                    database: if view.dialect == retort_core::Dialect::Sqlite {
                        None
                    } else {
                        view.database
                    },
                    user: view.user,
                    sqlite_path: view.sqlite_path.map(PathBuf::from),
                    production: false,
                    uses_password: false,
                    password_in_keychain: false,
                }
            }
            _ => {
                let original = self.saved_one(id)?;
                let mut copy = SavedConnection {
                    id: new_id(),
                    name: format!("{} (copy)", original.name),
                    ..original.clone()
                };
                if original.password_in_keychain {
                    let keychain = self.keychain.clone();
                    let (from, to) = (original.id.clone(), copy.id.clone());
                    copy.password_in_keychain = blocking(move || {
                        Ok(match keychain.get(&from)? {
                            Some(password) => keychain.set(&to, &password).is_ok(),
                            None => false,
                        })
                    })
                    .await?;
                }
                copy
            }
        };
        all.push(copy.clone());
        store::write_connections(&self.paths.connections_file(), &all)?;
        let selected_id = self.session().selected.as_ref().map(|s| s.id.clone());
        Ok(self.saved_view(&copy, selected_id.as_deref()))
    }

    pub async fn delete_connection(&self, id: &str) -> Result<(), ApiError> {
        if id == ENV_ID || id == PROJECT_ID {
            return Err(ApiError::invalid_input(
                "This connection comes from the environment or the project file and cannot be deleted here",
            ));
        }
        let mut all = self.saved()?;
        let before = all.len();
        all.retain(|c| c.id != id);
        if all.len() == before {
            return Err(unknown_connection(id));
        }
        store::write_connections(&self.paths.connections_file(), &all)?;
        let keychain = self.keychain.clone();
        let owned = id.to_string();
        blocking(move || keychain.delete(&owned)).await?;
        let mut session = self.session();
        if session.selected.as_ref().is_some_and(|s| s.id == id) {
            session.selected = None;
        }
        Ok(())
    }

    /// The full URL of connection `id`, with `password` (typed by the user) or the saved one.
    pub(crate) async fn resolve(
        &self,
        id: &str,
        password: Option<String>,
    ) -> Result<Selected, ApiError> {
        let password = password.filter(|p| !p.is_empty());
        match id {
            ENV_ID => {
                let raw = env_database_url().ok_or_else(|| unknown_connection(id))?;
                Ok(Selected {
                    id: ENV_ID.to_string(),
                    name: "DATABASE_URL".to_string(),
                    url: DatabaseUrl::parse(&raw, &self.base_dir())?,
                    production: false,
                })
            }
            PROJECT_ID => {
                let ws = self.workspace()?;
                project_selection(&ws)
            }
            _ => {
                let saved = self.saved_one(id)?;
                self.resolve_saved(&saved, password).await
            }
        }
    }

    async fn resolve_saved(
        &self,
        saved: &SavedConnection,
        password: Option<String>,
    ) -> Result<Selected, ApiError> {
        let password = match password {
            Some(password) => Some(password),
            None if saved.uses_password => {
                let keychain = self.keychain.clone();
                let id = saved.id.clone();
                let stored = if saved.password_in_keychain {
                    blocking(move || keychain.get(&id)).await?
                } else {
                    None
                };
                match stored {
                    Some(password) => Some(password),
                    None => {
                        return Err(ApiError::new(
                            PASSWORD_REQUIRED,
                            format!("Enter the password for '{}'.", saved.name),
                        )
                        .with_detail(if self.keychain.available() {
                            "The keychain has no password for this connection."
                        } else {
                            "No OS keychain is available, so passwords are not saved; Retort asks each time."
                        }))
                    }
                }
            }
            None => None,
        };
        Ok(Selected {
            id: saved.id.clone(),
            name: saved.name.clone(),
            url: DatabaseUrl::from_parts(&saved.parts(password), &self.base_dir())?,
            production: saved.production,
        })
    }

    pub async fn test_connection(
        &self,
        id: &str,
        password: Option<String>,
    ) -> Result<ConnectionTest, ApiError> {
        let selected = self.resolve(id, password).await?;
        Ok(probe::test_connection(&selected.url).await)
    }

    /// Tests the connection form before it is saved. Without a password in the form, an edited
    /// connection uses its saved one.
    pub async fn test_connection_input(
        &self,
        input: ConnectionInput,
    ) -> Result<ConnectionTest, ApiError> {
        let mut password = input.password.clone().filter(|p| !p.is_empty());
        if password.is_none() {
            if let Some(id) = input
                .id
                .as_deref()
                .filter(|id| *id != ENV_ID && *id != PROJECT_ID)
            {
                let saved = self.saved_one(id)?;
                if saved.uses_password && saved.password_in_keychain {
                    let keychain = self.keychain.clone();
                    let id = id.to_string();
                    password = blocking(move || keychain.get(&id)).await?;
                }
            }
        }
        let parts = UrlParts {
            dialect: input.dialect,
            host: input.host.clone(),
            port: input.port,
            database: input.database.clone(),
            user: input.user.clone(),
            password,
            sqlite_path: text(&input.sqlite_path).map(PathBuf::from),
        };
        let url = DatabaseUrl::from_parts(&parts, &self.base_dir())?;
        Ok(probe::test_connection(&url).await)
    }

    /// Makes `id` the connection actions use, and reads where its database is.
    pub async fn select_connection(
        &self,
        id: &str,
        password: Option<String>,
    ) -> Result<DbState, ApiError> {
        let selected = self.resolve(id, password).await?;
        tracing::info!(id = %selected.id, url = %selected.url, "connection selected");
        self.session().selected = Some(selected);
        self.db_state().await
    }

    /// Where the selected database is; empty when no connection is selected.
    pub async fn db_state(&self) -> Result<DbState, ApiError> {
        let ws = self.workspace()?;
        let Some(selected) = self.session().selected.clone() else {
            return Ok(DbState {
                connection_id: None,
                dialect: None,
                current: Vec::new(),
                effective: Vec::new(),
                version_table_exists: false,
                display_url: None,
                database: None,
                production: false,
            });
        };
        let state = ws.current(&selected.url).await?;
        Ok(DbState {
            connection_id: Some(selected.id.clone()),
            dialect: Some(selected.url.dialect()),
            current: state.current,
            effective: state.effective,
            version_table_exists: state.version_table_exists,
            display_url: Some(selected.url.redacted()),
            database: selected.confirm_name(),
            production: selected.production,
        })
    }

    pub(crate) fn selected(&self) -> Result<Selected, ApiError> {
        self.session()
            .selected
            .clone()
            .ok_or_else(ApiError::no_connection)
    }
}

fn unknown_connection(id: &str) -> ApiError {
    ApiError::new(
        NO_CONNECTION,
        format!("There is no connection '{id}'. It may have been deleted; choose another one."),
    )
}
