//! Alembic projects as they are: `alembic.ini`, `env.py` and `versions/*.py`.
//!
//! - [`ini`] reads `alembic.ini` with Python's ConfigParser rules, and [`AlembicSettings`]
//!   picks what Retort needs from it (script_location, version_locations, sqlalchemy.url, the
//!   version table).
//! - [`pyscript`] reads the revision headers of `versions/*.py` without running Python;
//!   [`scan_scripts`] visits the files in Alembic's order (R1) and builds the revisions.
//!   Scripts whose values are computed are reported, and [`load_revisions`] then asks the
//!   project's own Alembic for the graph.
//! - [`python`] finds the project's interpreter, checks that it can import Alembic, and runs
//!   Alembic's command line through a small bridge script (`bridge.py`) with an argument
//!   vector, never a shell; [`migrate`] runs upgrades and downgrades (online and `--sql`)
//!   that way, with progress events and structured errors.
//!
//! Reading (heads, history, current, stamp) is native; running migration code is Alembic's.

pub mod ini;
pub mod migrate;
pub mod pyscript;
pub mod python;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::revision::Revision;
use crate::script::{Script, Sections};
use ini::IniFile;
use pyscript::{parse_header, PyHeader};

/// The config file name Alembic looks for.
pub const INI_FILE: &str = "alembic.ini";

/// The file whose `[tool.alembic]` table Alembic ≥ 1.16 also reads.
pub const PYPROJECT_FILE: &str = "pyproject.toml";

/// The main section, unless `-n NAME` names another.
pub const DEFAULT_SECTION: &str = "alembic";

const DEFAULT_VERSION_TABLE: &str = "alembic_version";

/// `sqlalchemy.url` as `alembic init` writes it: a placeholder, not a database.
const PLACEHOLDER_URL_SCHEME: &str = "driver://";

/// Where the version table's name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionTableSource {
    /// A literal `version_table="…"` in env.py (what Alembic will use).
    EnvPy,
    /// A `version_table` key in the ini section (read by env.py in many projects).
    Ini,
    /// Alembic's default, `alembic_version`.
    Default,
}

/// What Retort takes from an Alembic project's configuration: the ini file, the
/// `[tool.alembic]` table of `pyproject.toml` (Alembic ≥ 1.16), or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlembicSettings {
    /// The ini file (absolute), when there is one: `alembic.ini` or the file `-c` names.
    pub ini_path: Option<PathBuf>,
    /// `pyproject.toml` (absolute), when its `[tool.alembic]` table is read.
    pub toml_path: Option<PathBuf>,
    /// The ini section read: `alembic`, or the one `-n NAME` picks (`[tool.alembic]` has no
    /// name, as in Alembic).
    pub section: String,
    /// `script_location`, resolved (absolute): the folder with env.py.
    pub script_location: PathBuf,
    /// The folders scanned for revision scripts, in order (absolute).
    pub version_locations: Vec<PathBuf>,
    pub recursive_version_locations: bool,
    /// `sourceless = true`: compiled `.pyc` files count as scripts too.
    pub sourceless: bool,
    /// `sqlalchemy.url` after interpolation; `None` when absent, empty or the
    /// `driver://user:pass@localhost/dbname` placeholder of `alembic init`. Only the ini holds
    /// it (Alembic's `get_main_option`), never `[tool.alembic]`.
    #[serde(skip_serializing)]
    pub url: Option<String>,
    /// Why `sqlalchemy.url` cannot be used, when it is present but unreadable.
    pub url_problem: Option<String>,
    /// `table` or `schema.table`.
    pub version_table: String,
    pub version_table_source: VersionTableSource,
}

/// The `[tool.alembic]` table of a `pyproject.toml`, read as Alembic's
/// `Config.toml_alembic_config` and `_get_toml_config_value` read it: strings (and each string
/// of a list) go through Python's `%` formatting with `here`, the file's folder.
#[derive(Debug, Clone)]
pub struct PyprojectAlembic {
    path: PathBuf,
    here: String,
    table: toml::Table,
}

impl PyprojectAlembic {
    /// Reads `path`; `Ok(None)` when it has no `[tool.alembic]` table.
    pub fn load(path: &Path) -> Result<Option<PyprojectAlembic>> {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        PyprojectAlembic::parse(&path, &text)
    }

    /// Parses `text` as the content of `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Option<PyprojectAlembic>> {
        let shown = path.display();
        let document: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            let message = e.message().trim_end();
            Error::config(match line {
                Some(line) => format!(
                    "{shown}:{line}: invalid TOML: {message} (Alembic ≥ 1.16 reads this file too)"
                ),
                None => format!("{shown}: invalid TOML: {message}"),
            })
        })?;
        let Some(alembic) = document
            .get("tool")
            .and_then(toml::Value::as_table)
            .and_then(|tool| tool.get("alembic"))
        else {
            return Ok(None);
        };
        let Some(table) = alembic.as_table() else {
            return Err(Error::config(format!(
                "{shown}: tool.alembic must be a table ([tool.alembic]), not a {}. Alembic says \
                 \"Incorrect TOML format\"",
                alembic.type_str()
            )));
        };
        let here = path
            .parent()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        Ok(Some(PyprojectAlembic {
            path: path.to_path_buf(),
            here,
            table: table.clone(),
        }))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A string setting (an integer reads as its digits, as Alembic returns it).
    pub fn string(&self, key: &str) -> Result<Option<String>> {
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => self.interpolate(key, s).map(Some),
            Some(toml::Value::Integer(i)) => Ok(Some(i.to_string())),
            Some(other) => Err(Error::config(format!(
                "{}: [tool.alembic] {key} must be a string, not a {}",
                self.path.display(),
                other.type_str()
            ))),
        }
    }

    /// A list of strings (`version_locations`, `prepend_sys_path`).
    pub fn list(&self, key: &str) -> Result<Option<Vec<String>>> {
        let wrong = |what: &str| {
            Error::config(format!(
                "{}: [tool.alembic] {key} must be a list of strings, e.g. {key} = \
                 [\"%(here)s/alembic/versions\"], not {what}",
                self.path.display()
            ))
        };
        match self.table.get(key) {
            None => Ok(None),
            Some(toml::Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    toml::Value::String(s) => self.interpolate(key, s),
                    other => Err(wrong(&format!("a list holding a {}", other.type_str()))),
                })
                .collect::<Result<Vec<_>>>()
                .map(Some),
            Some(other) => Err(wrong(&format!("a {}", other.type_str()))),
        }
    }

    /// `Config.get_alembic_boolean_option` for the toml side: absent is false; anything but a
    /// TOML boolean is Alembic's "boolean value expected" error.
    pub fn flag(&self, key: &str) -> Result<bool> {
        match self.table.get(key) {
            None => Ok(false),
            Some(toml::Value::Boolean(b)) => Ok(*b),
            Some(other) => Err(Error::config(format!(
                "{}: boolean value expected for TOML parameter '{key}' (write {key} = true or \
                 false, not a {})",
                self.path.display(),
                other.type_str()
            ))),
        }
    }

    /// Python's `value % {"here": …}`: `%(here)s` is the file's folder, `%%` a literal `%`.
    fn interpolate(&self, key: &str, value: &str) -> Result<String> {
        let fail = |reason: String| {
            Error::config(format!(
                "{}: [tool.alembic] {key}: {reason}",
                self.path.display()
            ))
        };
        let mut out = String::new();
        let mut rest = value;
        while let Some(at) = rest.find('%') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            if let Some(tail) = after.strip_prefix('%') {
                out.push('%');
                rest = tail;
            } else if let Some(tail) = after.strip_prefix('(') {
                let Some(close) = tail.find(')') else {
                    return Err(fail(format!("unclosed %( in '{value}'")));
                };
                let name = &tail[..close];
                let Some(tail) = tail[close + 1..].strip_prefix('s') else {
                    return Err(fail(format!(
                        "only %({name})s is supported in '{value}' (write %% for a literal %)"
                    )));
                };
                if name != "here" {
                    return Err(fail(format!(
                        "unknown %({name})s in '{value}': Alembic only knows %(here)s there \
                         (write %% for a literal %)"
                    )));
                }
                out.push_str(&self.here);
                rest = tail;
            } else {
                return Err(fail(format!(
                    "a lone % in '{value}': write %% for a literal % (Alembic formats the value \
                     with Python's %)"
                )));
            }
        }
        out.push_str(rest);
        Ok(out)
    }
}

impl AlembicSettings {
    /// Reads `ini_path`'s `section` (default `alembic`), and the `[tool.alembic]` table of a
    /// `pyproject.toml` beside it, as `alembic -c INI` run in that folder does.
    pub fn load(ini_path: &Path, section: Option<&str>) -> Result<AlembicSettings> {
        let ini = IniFile::load(ini_path)?;
        let toml = match ini.path().parent().map(|d| d.join(PYPROJECT_FILE)) {
            Some(path) if path.is_file() => PyprojectAlembic::load(&path)?,
            _ => None,
        };
        AlembicSettings::from_config(Some(&ini), toml.as_ref(), section)
    }

    /// Reads `pyproject.toml`'s `[tool.alembic]` and, when there is one beside it, `alembic.ini`
    /// (its `sqlalchemy.url` and anything it sets overrides the toml), as
    /// `alembic -c pyproject.toml` run in that folder does.
    pub fn load_pyproject(toml_path: &Path, section: Option<&str>) -> Result<AlembicSettings> {
        let toml = PyprojectAlembic::load(toml_path)?;
        let toml_path = std::path::absolute(toml_path).unwrap_or_else(|_| toml_path.into());
        let ini_path = toml_path
            .parent()
            .map(|d| d.join(INI_FILE))
            .filter(|p| p.is_file());
        let ini = ini_path.as_deref().map(IniFile::load).transpose()?;
        if toml.is_none() && ini.is_none() {
            return Err(Error::config(format!(
                "{} has no [tool.alembic] table and there is no {INI_FILE} beside it. Alembic \
                 (≥ 1.16) reads its settings from [tool.alembic]; `alembic init -t pyproject` \
                 writes one.",
                toml_path.display()
            )));
        }
        AlembicSettings::from_config(ini.as_ref(), toml.as_ref(), section)
    }

    /// Alembic's `Config.get_alembic_option` rules: a key of the ini section wins, else
    /// `[tool.alembic]`; `sqlalchemy.url` and `path_separator` come from the ini only.
    pub fn from_config(
        ini: Option<&IniFile>,
        toml: Option<&PyprojectAlembic>,
        section: Option<&str>,
    ) -> Result<AlembicSettings> {
        let section = section.unwrap_or(DEFAULT_SECTION).to_string();
        if let Some(ini) = ini {
            // Alembic reads every key from [tool.alembic] when the section is missing.
            if !ini.has_section(&section) && toml.is_none() {
                let sections = ini.section_names();
                return Err(Error::config(format!(
                    "{} has no [{section}] section{}. Alembic reads [alembic] unless -n/--name \
                     names another section (or [tool.alembic] in pyproject.toml).",
                    ini.path().display(),
                    if sections.is_empty() {
                        String::new()
                    } else {
                        format!(" (it has: {})", sections.join(", "))
                    }
                )));
            }
        }
        let config_path = match (ini, toml) {
            (Some(ini), _) => ini.path().to_path_buf(),
            (None, Some(toml)) => toml.path().to_path_buf(),
            (None, None) => {
                return Err(Error::config(
                    "No Alembic configuration: neither an ini file nor [tool.alembic]",
                ))
            }
        };
        let here = config_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/"));
        let in_ini = |key: &str| ini.is_some_and(|ini| ini.has_option(&section, key));
        let ini_get = |key: &str| -> Result<Option<String>> {
            match ini {
                Some(ini) => ini.get(&section, key),
                None => Ok(None),
            }
        };
        let get = |key: &str| -> Result<Option<String>> {
            match toml {
                Some(toml) if !in_ini(key) => toml.string(key),
                _ => ini_get(key),
            }
        };
        let sources = || {
            let mut places = Vec::new();
            if let Some(ini) = ini {
                places.push(format!("[{section}] of {}", ini.path().display()));
            }
            if let Some(toml) = toml {
                places.push(format!("[tool.alembic] of {}", toml.path().display()));
            }
            places.join(", ")
        };

        let Some(script_location) = get("script_location")? else {
            return Err(Error::config(format!(
                "No 'script_location' key found in configuration ({}). Add `script_location = \
                 %(here)s/alembic` (the folder that holds env.py and versions/).",
                sources()
            )));
        };
        let script_location = resolve_location(&here, script_location.trim(), "script_location")?;
        if !script_location.is_dir() {
            return Err(Error::config(format!(
                "Path doesn't exist: {}. Check script_location in {} (a relative path is taken \
                 from the folder of the config file).",
                script_location.display(),
                sources()
            )));
        }

        // `Config.get_version_locations_list`: a non-empty ini value, split by the ini's
        // separator; else the toml list; else `<script_location>/versions`.
        let ini_locations = ini_get("version_locations")?.filter(|v| !v.is_empty());
        let locations = match ini_locations {
            Some(value) => {
                let separator = match ini_get("path_separator")? {
                    Some(s) => Some((s, "path_separator")),
                    None => {
                        ini_get("version_path_separator")?.map(|s| (s, "version_path_separator"))
                    }
                };
                Some(
                    split_locations(&value, separator)
                        .map_err(|reason| Error::config(format!("{}: {reason}", sources())))?,
                )
            }
            None => match toml {
                Some(toml) => toml.list("version_locations")?,
                None => None,
            },
        };
        let version_locations = match locations {
            None => vec![script_location.join("versions")],
            Some(list) => list
                .iter()
                .filter(|l| !l.trim().is_empty())
                .map(|location| resolve_location(&here, location.trim(), "version_locations"))
                .collect::<Result<Vec<_>>>()?,
        };

        // Alembic's get_alembic_boolean_option: exactly "true" in the ini, a boolean in toml.
        let flag = |key: &str| -> Result<bool> {
            match toml {
                Some(toml) if !in_ini(key) => toml.flag(key),
                _ => Ok(ini_get(key)?.as_deref() == Some("true")),
            }
        };
        let recursive_version_locations = flag("recursive_version_locations")?;
        let sourceless = flag("sourceless")?;

        let (url, url_problem) = match ini_get("sqlalchemy.url") {
            Ok(Some(url)) if url.trim().is_empty() || url.starts_with(PLACEHOLDER_URL_SCHEME) => {
                (None, None)
            }
            Ok(url) => (url.map(|u| u.trim().to_string()), None),
            Err(e) => (None, Some(e.to_string())),
        };

        let env_py = script_location.join("env.py");
        let (version_table, version_table_source) = match env_py_version_table(&env_py) {
            Some(table) => (table, VersionTableSource::EnvPy),
            None => match get("version_table")?.filter(|t| !t.trim().is_empty()) {
                Some(table) => (table.trim().to_string(), VersionTableSource::Ini),
                None => (
                    DEFAULT_VERSION_TABLE.to_string(),
                    VersionTableSource::Default,
                ),
            },
        };

        Ok(AlembicSettings {
            ini_path: ini.map(|ini| ini.path().to_path_buf()),
            toml_path: toml.map(|toml| toml.path().to_path_buf()),
            section,
            script_location,
            version_locations,
            recursive_version_locations,
            sourceless,
            url,
            url_problem,
            version_table,
            version_table_source,
        })
    }

    /// The ini file if there is one, else `pyproject.toml`.
    pub fn config_path(&self) -> &Path {
        self.ini_path
            .as_deref()
            .or(self.toml_path.as_deref())
            .unwrap_or(Path::new("alembic.ini"))
    }

    /// The folder of the config file: Alembic's `%(here)s`, where Retort runs Python.
    pub fn here(&self) -> &Path {
        self.config_path().parent().unwrap_or(Path::new("/"))
    }

    /// The `-c` arguments that make Alembic read the same files: the ini, then
    /// `pyproject.toml` (Alembic ≥ 1.16 takes `-c` twice).
    pub fn config_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for path in [&self.ini_path, &self.toml_path].into_iter().flatten() {
            args.push("-c".to_string());
            args.push(path.to_string_lossy().into_owned());
        }
        args
    }

    /// The first version location: where `alembic revision` writes new scripts.
    pub fn versions_dir(&self) -> PathBuf {
        self.version_locations
            .first()
            .cloned()
            .unwrap_or_else(|| self.script_location.join("versions"))
    }
}

/// A location as Alembic resolves it: absolute, relative (Alembic: to the working folder;
/// Retort runs Alembic from the ini's folder, so relative to that), or `package:path`.
fn resolve_location(here: &Path, value: &str, key: &str) -> Result<PathBuf> {
    let path = Path::new(value);
    if !path.is_absolute() && value.contains(':') {
        // A package resource (`myapp:migrations`): found when the package is a folder beside
        // the ini file, which is where `prepend_sys_path = .` makes Python find it.
        let mut parts = value.split(':');
        let package = parts.next().unwrap_or_default();
        let mut candidate = here.join(package.replace('.', "/"));
        for part in parts {
            candidate.push(part);
        }
        if candidate.is_dir() {
            return Ok(normalize(&candidate));
        }
        return Err(Error::config(format!(
            "{key} = {value} names a package resource, and {} is not a folder. Retort resolves \
             package:path only for packages beside the ini file; use a path instead, e.g. \
             %(here)s/{}",
            candidate.display(),
            value.replace(':', "/")
        )));
    }
    Ok(normalize(&here.join(path)))
}

/// `Config.get_version_locations_list`.
fn split_locations(
    value: &str,
    separator: Option<(String, &str)>,
) -> std::result::Result<Vec<String>, String> {
    let pieces: Vec<String> = match separator {
        None => {
            // Legacy: `re.split(", *|(?: +)")`.
            let mut pieces = Vec::new();
            let mut current = String::new();
            let mut chars = value.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    ',' | ' ' => {
                        pieces.push(std::mem::take(&mut current));
                        while chars.peek() == Some(&' ') {
                            chars.next();
                        }
                    }
                    other => current.push(other),
                }
            }
            pieces.push(current);
            pieces
        }
        Some((name, key)) => {
            let split: &str = match name.as_str() {
                "space" => " ",
                "newline" => "\n",
                "os" => {
                    if cfg!(windows) {
                        ";"
                    } else {
                        ":"
                    }
                }
                ":" => ":",
                ";" => ";",
                other => {
                    return Err(format!(
                        "'{other}' is not a valid value for {key}; expected 'space', 'newline', \
                         'os', ':', ';'"
                    ))
                }
            };
            value
                .split(split)
                .filter(|p| !p.is_empty())
                .map(|p| p.trim().to_string())
                .collect()
        }
    };
    // An empty piece would mean the working folder; Alembic would scan it, which is never
    // what a project means.
    Ok(pieces.into_iter().filter(|p| !p.is_empty()).collect())
}

/// A literal `version_table="…"` (and `version_table_schema="…"`) keyword argument in env.py.
fn env_py_version_table(env_py: &Path) -> Option<String> {
    let text = std::fs::read_to_string(env_py).ok()?;
    let table = pyscript::keyword_string_argument(&text, "version_table")?;
    match pyscript::keyword_string_argument(&text, "version_table_schema") {
        Some(schema) if !schema.is_empty() => Some(format!("{schema}.{table}")),
        _ => Some(table),
    }
}

fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// A revision script whose header only Python can tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotStaticFile {
    pub path: PathBuf,
    pub line: usize,
    /// `revision`, `down_revision`, `branch_labels`, `depends_on`, `docstring` or `source`.
    pub name: String,
    pub reason: String,
}

impl NotStaticFile {
    /// "versions/0004_computed.py:3: revision: its value `_prefix + '0004'` is not a literal"
    pub fn describe(&self) -> String {
        format!(
            "{}:{}: {}: {}",
            self.path.display(),
            self.line,
            self.name,
            self.reason
        )
    }
}

/// The result of reading every revision script statically.
#[derive(Debug, Clone, Default)]
pub struct ScriptScan {
    /// The scripts read, in Alembic's file-visit order (R1).
    pub scripts: Vec<Script>,
    /// Scripts that need Python to be read.
    pub not_static: Vec<NotStaticFile>,
}

/// Every revision script file of the project, in Alembic's order: each version location in
/// turn, file names sorted, subfolders (depth first, sorted) only with
/// `recursive_version_locations`; `__init__*` and `.#*` skipped; a file reached twice is read
/// once.
pub fn script_files(settings: &AlembicSettings) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for location in &settings.version_locations {
        if !location.is_dir() {
            continue;
        }
        let mut found = Vec::new();
        list_dir(location, settings, &mut found)?;
        for file in found {
            let real = std::fs::canonicalize(&file).unwrap_or(file);
            if seen.insert(real.clone()) {
                files.push(real);
            }
        }
    }
    Ok(files)
}

fn list_dir(dir: &Path, settings: &AlembicSettings, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut names = Vec::new();
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            dirs.push(name);
        } else {
            names.push(name);
        }
    }
    names.sort();
    dirs.sort();
    let skip_dir = dir.file_name().is_some_and(|n| n == "__pycache__");
    if !skip_dir {
        for name in &names {
            if is_script_name(name, settings.sourceless) {
                out.push(dir.join(name));
            }
        }
    }
    if settings.recursive_version_locations {
        for sub in dirs {
            list_dir(&dir.join(sub), settings, out)?;
        }
    }
    Ok(())
}

/// `(?!\.\#|__init__)(.*\.py)$`, or with `sourceless` also `.pyc`/`.pyo`.
fn is_script_name(name: &str, sourceless: bool) -> bool {
    if name.starts_with(".#") || name.starts_with("__init__") {
        return false;
    }
    name.ends_with(".py") || (sourceless && (name.ends_with(".pyc") || name.ends_with(".pyo")))
}

/// Reads every revision script's header. Hard errors (a script Alembic itself would refuse)
/// fail the scan; values only Python can tell are collected in `not_static`.
pub fn scan_scripts(settings: &AlembicSettings) -> Result<ScriptScan> {
    let mut scan = ScriptScan::default();
    for path in script_files(settings)? {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !name.ends_with(".py") {
            scan.not_static.push(NotStaticFile {
                path,
                line: 0,
                name: "source".to_string(),
                reason: "a compiled script (sourceless = true); only Python can read it"
                    .to_string(),
            });
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let Ok(text) = String::from_utf8(bytes) else {
            scan.not_static.push(NotStaticFile {
                path,
                line: 1,
                name: "source".to_string(),
                reason: "the file is not UTF-8 (it may declare another encoding)".to_string(),
            });
            continue;
        };
        match parse_header(&text) {
            Ok(header) => scan.scripts.push(script_from_header(&path, &name, header)?),
            Err(not_static) => scan.not_static.push(NotStaticFile {
                path,
                line: not_static.line,
                name: not_static.name,
                reason: not_static.reason,
            }),
        }
    }
    Ok(scan)
}

/// Builds the revision, with Alembic's rules for what a header must say (R3, R4).
fn script_from_header(path: &Path, file_name: &str, header: PyHeader) -> Result<Script> {
    let error = |line: usize, message: String| Error::Script {
        path: path.to_path_buf(),
        line,
        message,
    };
    let id = match header.revision {
        Some(id) => id,
        None => legacy_revision_id(file_name).ok_or_else(|| {
            error(
                1,
                format!(
                    "Could not determine revision id from filename {file_name}. Be sure the \
                     'revision' variable is declared inside the script (please see 'Upgrading \
                     from Alembic 0.1 to 0.2' in the documentation)."
                ),
            )
        })?,
    };
    let Some(down_revisions) = header.down_revisions else {
        return Err(error(
            header.lines.revision.max(1),
            "no `down_revision` is assigned (Alembic fails with AttributeError: module has no \
             attribute 'down_revision'). Write `down_revision = None` for a base revision"
                .to_string(),
        ));
    };
    if down_revisions.iter().any(String::is_empty) {
        return Err(error(
            header.lines.down_revision,
            "down_revision names an empty revision id ''. Write `down_revision = None` for a \
             base revision"
                .to_string(),
        ));
    }
    let (message, create_date) = doc_and_date(header.docstring.as_deref());
    Ok(alembic_script(
        Revision {
            id,
            down_revisions,
            branch_labels: header.branch_labels,
            depends_on: header.depends_on,
            message,
            create_date,
            path: Some(path.to_path_buf()),
        },
        path,
    ))
}

/// A script Retort never runs itself: the migration code is Python's.
fn alembic_script(revision: Revision, path: &Path) -> Script {
    Script {
        revision,
        path: path.to_path_buf(),
        no_transaction: false,
        up: Sections::default(),
        down: Sections::default(),
    }
}

/// `_legacy_rev = ([a-f0-9]+)\.py$`, matched from the start of the file name.
fn legacy_revision_id(file_name: &str) -> Option<String> {
    let stem = file_name.strip_suffix(".py")?;
    (!stem.is_empty() && stem.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| stem.to_string())
}

/// Alembic's `doc` (the stripped docstring up to the first blank line) and the docstring's
/// `Create Date:` line, which Alembic itself never reads.
pub fn doc_and_date(docstring: Option<&str>) -> (String, Option<String>) {
    let longdoc = docstring.unwrap_or("").trim_matches(ini::is_py_space);
    let doc = longdoc.split("\n\n").next().unwrap_or("").to_string();
    let create_date = longdoc.lines().find_map(|line| {
        line.trim()
            .strip_prefix("Create Date:")
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
    });
    (doc, create_date)
}

/// How the revisions were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GraphSource {
    /// Every header was read without Python.
    Static,
    /// Some headers are computed, so the project's Alembic listed the revisions.
    Alembic,
}

/// The project's revisions, read statically when possible; when some script computes its
/// header, from the project's own Alembic (`python` is called only then).
pub fn load_revisions(
    settings: &AlembicSettings,
    python: impl FnOnce() -> Result<python::PythonEnv>,
) -> Result<(Vec<Script>, ScriptScan, GraphSource)> {
    let scan = scan_scripts(settings)?;
    if scan.not_static.is_empty() {
        return Ok((scan.scripts.clone(), scan, GraphSource::Static));
    }
    let files: Vec<String> = scan.not_static.iter().map(|f| f.describe()).collect();
    let env = python().map_err(|e| {
        let first = &scan.not_static[0];
        Error::Script {
            path: first.path.clone(),
            line: first.line,
            message: format!(
                "Retort reads revision headers without running Python, and {} script(s) compute \
                 theirs:\n  {}\nIt would ask the project's Alembic instead, but: {e}",
                files.len(),
                files.join("\n  ")
            ),
        }
    })?;
    tracing::info!(files = ?files, "some revision headers are computed; asking Alembic");
    let listed = python::list_revisions(&env, settings)?;
    let scripts = listed
        .into_iter()
        .map(|revision| {
            let path = revision.path.clone().unwrap_or_default();
            alembic_script(revision, &path)
        })
        .collect();
    Ok((scripts, scan, GraphSource::Alembic))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_for(dir: &Path, ini_text: &str, section: Option<&str>) -> Result<AlembicSettings> {
        let path = dir.join("alembic.ini");
        std::fs::write(&path, ini_text).unwrap();
        AlembicSettings::load(&path, section)
    }

    #[test]
    fn settings_from_a_generated_ini() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        std::fs::create_dir_all(root.join("alembic/versions")).unwrap();
        std::fs::write(
            root.join("alembic/env.py"),
            "context.configure(url=url, version_table='my_versions', version_table_schema=\"meta\")\n",
        )
        .unwrap();
        let settings = settings_for(
            &root,
            "[alembic]\nscript_location = %(here)s/alembic\nprepend_sys_path = .\n\
             path_separator = os\nsqlalchemy.url = driver://user:pass@localhost/dbname\n\
             [other]\nscript_location = alembic\nversion_locations = %(here)s/a:%(here)s/b: \n\
             path_separator = os\nsqlalchemy.url = postgresql://u:p%%40ss@h/db\n\
             recursive_version_locations = true\n",
            None,
        )
        .unwrap();
        assert_eq!(settings.script_location, root.join("alembic"));
        assert_eq!(
            settings.version_locations,
            vec![root.join("alembic/versions")]
        );
        assert_eq!(settings.url, None, "the template placeholder is no URL");
        assert_eq!(settings.version_table, "meta.my_versions");
        assert_eq!(settings.version_table_source, VersionTableSource::EnvPy);
        assert!(!settings.recursive_version_locations);

        let other = settings_for(
            &root,
            &std::fs::read_to_string(root.join("alembic.ini")).unwrap(),
            Some("other"),
        )
        .unwrap();
        assert_eq!(other.section, "other");
        assert_eq!(
            other.version_locations,
            vec![root.join("a"), root.join("b")]
        );
        assert_eq!(other.url.as_deref(), Some("postgresql://u:p%40ss@h/db"));
        assert!(other.recursive_version_locations);
    }

    #[test]
    fn pyproject_values_as_alembic_reads_them() {
        let path = Path::new("/proj/pyproject.toml");
        let toml = |text: &str| PyprojectAlembic::parse(path, text).unwrap().unwrap();
        let table = toml(
            "[tool.alembic]\nscript_location = \"%(here)s/alembic\"\n\
             file_template = \"%%(rev)s_%%(slug)s\"\ntruncate_slug_length = 40\n\
             version_locations = [\"%(here)s/a\", \"b\"]\nsourceless = true\n\
             bad_flag = \"true\"\nlone = \"50% off\"\nother = \"%(root)s/x\"\n\
             loc_string = \"a b\"\nmixed = [\"a\", 1]\nconv = \"%(here)d\"\n",
        );
        assert_eq!(
            table.string("script_location").unwrap().as_deref(),
            Some("/proj/alembic")
        );
        assert_eq!(
            table.string("file_template").unwrap().as_deref(),
            Some("%(rev)s_%(slug)s")
        );
        assert_eq!(
            table.string("truncate_slug_length").unwrap().as_deref(),
            Some("40")
        );
        assert_eq!(table.string("absent").unwrap(), None);
        assert_eq!(
            table.list("version_locations").unwrap(),
            Some(vec!["/proj/a".to_string(), "b".to_string()])
        );
        assert!(table.flag("sourceless").unwrap());
        assert!(!table.flag("recursive_version_locations").unwrap());
        let error = |result: Result<String>| result.unwrap_err().to_string();
        let message = error(table.flag("bad_flag").map(|b| b.to_string()));
        assert!(
            message.contains("boolean value expected for TOML parameter 'bad_flag'"),
            "{message}"
        );
        let message = error(table.string("lone").map(Option::unwrap_or_default));
        assert!(message.contains("write %% for a literal %"), "{message}");
        let message = error(table.string("other").map(Option::unwrap_or_default));
        assert!(message.contains("unknown %(root)s"), "{message}");
        let message = error(table.string("conv").map(Option::unwrap_or_default));
        assert!(message.contains("only %(here)s is supported"), "{message}");
        for key in ["loc_string", "mixed"] {
            let message = table.list(key).unwrap_err().to_string();
            assert!(message.contains("must be a list of strings"), "{message}");
        }
        let message = table.string("version_locations").unwrap_err().to_string();
        assert!(
            message.contains("must be a string, not a array"),
            "{message}"
        );

        assert!(PyprojectAlembic::parse(path, "[project]\nname = 'x'\n")
            .unwrap()
            .is_none());
        let message = PyprojectAlembic::parse(path, "tool = { alembic = 3 }\n")
            .unwrap_err()
            .to_string();
        assert!(message.contains("Incorrect TOML format"), "{message}");
    }

    #[test]
    fn ini_and_pyproject_together() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        std::fs::create_dir_all(root.join("alembic/versions")).unwrap();
        std::fs::write(
            root.join("pyproject.toml"),
            "[tool.alembic]\nscript_location = \"alembic\"\nsourceless = true\n\
             version_table = \"from_toml\"\n",
        )
        .unwrap();
        // An ini with logging only (no [alembic]): everything from the toml, no URL.
        let settings = settings_for(&root, "[loggers]\nkeys = root\n", None).unwrap();
        assert_eq!(settings.ini_path, Some(root.join("alembic.ini")));
        assert_eq!(settings.script_location, root.join("alembic"));
        assert!(settings.sourceless);
        assert_eq!(settings.url, None);
        assert_eq!(settings.version_table, "from_toml");
        // -n picks an ini section only; [tool.alembic] is still read.
        let settings = settings_for(
            &root,
            "[alembic]\nsqlalchemy.url = sqlite:///a.db\n[other]\nsourceless = false\n\
             version_locations = %(here)s/alembic/versions\n",
            Some("other"),
        )
        .unwrap();
        assert_eq!(settings.section, "other");
        assert!(
            !settings.sourceless,
            "the ini's false wins over the toml's true"
        );
        assert_eq!(settings.url, None, "sqlalchemy.url of [other]: none");
        assert_eq!(settings.script_location, root.join("alembic"));
        // Without the toml, a missing section is still an error.
        std::fs::remove_file(root.join("pyproject.toml")).unwrap();
        let message = settings_for(&root, "[loggers]\nkeys = root\n", None)
            .unwrap_err()
            .to_string();
        assert!(message.contains("has no [alembic] section"), "{message}");
        // A toml without script_location names both places.
        std::fs::write(root.join("pyproject.toml"), "[tool.alembic]\n").unwrap();
        let message = settings_for(&root, "[alembic]\n", None)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("No 'script_location' key found")
                && message.contains("[alembic] of")
                && message.contains("[tool.alembic] of"),
            "{message}"
        );
    }

    #[test]
    fn separators_and_errors() {
        let legacy = split_locations("a, b  c,d", None).unwrap();
        assert_eq!(legacy, vec!["a", "b", "c", "d"]);
        let spaced = split_locations("a b", Some(("space".into(), "path_separator"))).unwrap();
        assert_eq!(spaced, vec!["a", "b"]);
        let lines =
            split_locations("\na\nb c", Some(("newline".into(), "path_separator"))).unwrap();
        assert_eq!(lines, vec!["a", "b c"]);
        let err = split_locations("a", Some(("comma".into(), "path_separator"))).unwrap_err();
        assert!(
            err.contains("'comma' is not a valid value for path_separator"),
            "{err}"
        );

        let dir = tempfile::tempdir().unwrap();
        let message = settings_for(dir.path(), "[alembic]\nx = 1\n", Some("nope"))
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("has no [nope] section (it has: alembic)"),
            "{message}"
        );
        let message = settings_for(dir.path(), "[alembic]\nx = 1\n", None)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("No 'script_location' key found"),
            "{message}"
        );
        let message = settings_for(dir.path(), "[alembic]\nscript_location = missing\n", None)
            .unwrap_err()
            .to_string();
        assert!(message.starts_with("Path doesn't exist: "), "{message}");
        std::fs::create_dir_all(dir.path().join("pkg/sub/migrations")).unwrap();
        let settings = settings_for(
            dir.path(),
            "[alembic]\nscript_location = pkg.sub:migrations\nsqlalchemy.url = sqlite:///50%.db\nversion_table = vt\n",
            None,
        )
        .unwrap();
        assert!(settings.script_location.ends_with("pkg/sub/migrations"));
        assert!(settings.url.is_none());
        assert!(settings
            .url_problem
            .unwrap()
            .contains("'%' must be followed"));
        assert_eq!(settings.version_table, "vt");
        assert_eq!(settings.version_table_source, VersionTableSource::Ini);
    }

    #[test]
    fn files_in_alembic_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        let versions = root.join("alembic/versions");
        std::fs::create_dir_all(versions.join("sub/deeper")).unwrap();
        std::fs::create_dir_all(versions.join("__pycache__")).unwrap();
        for name in [
            "b.py",
            "a.py",
            "__init__.py",
            ".#lock.py",
            "README.txt",
            "sub/c.py",
            "sub/deeper/d.py",
            "__pycache__/x.py",
        ] {
            std::fs::write(versions.join(name), "").unwrap();
        }
        let mut settings =
            settings_for(&root, "[alembic]\nscript_location = alembic\n", None).unwrap();
        let names = |settings: &AlembicSettings| -> Vec<String> {
            script_files(settings)
                .unwrap()
                .iter()
                .map(|p| {
                    p.strip_prefix(std::fs::canonicalize(&versions).unwrap())
                        .unwrap()
                        .display()
                        .to_string()
                })
                .collect()
        };
        assert_eq!(names(&settings), vec!["a.py", "b.py"]);
        settings.recursive_version_locations = true;
        assert_eq!(
            names(&settings),
            vec!["a.py", "b.py", "sub/c.py", "sub/deeper/d.py"]
        );
    }

    #[test]
    fn headers_become_revisions() {
        let path = Path::new("/p/versions/deadbeef.py");
        let header = parse_header(
            "\"\"\"  legacy: no revision variable\n\nCreate Date: 2015-01-01 00:00:00\n\"\"\"\ndown_revision = 'aaaa'\n",
        )
        .unwrap();
        let script = script_from_header(path, "deadbeef.py", header).unwrap();
        assert_eq!(script.revision.id, "deadbeef");
        assert_eq!(script.revision.message, "legacy: no revision variable");
        assert_eq!(
            script.revision.create_date.as_deref(),
            Some("2015-01-01 00:00:00")
        );
        assert_eq!(script.revision.down_revisions, vec!["aaaa"]);

        let header = parse_header("down_revision = None\n").unwrap();
        let err = script_from_header(path, "not_hex_name.py", header).unwrap_err();
        assert!(err
            .to_string()
            .contains("Could not determine revision id from filename not_hex_name.py"));
        let header = parse_header("revision = 'x'\n").unwrap();
        let err = script_from_header(path, "x.py", header).unwrap_err();
        assert!(err.to_string().contains("no `down_revision`"), "{err}");
        let header = parse_header("revision = 'x'\ndown_revision = ''\n").unwrap();
        let err = script_from_header(path, "x.py", header).unwrap_err();
        assert!(
            err.to_string().contains("/p/versions/deadbeef.py:2: "),
            "{err}"
        );

        assert_eq!(doc_and_date(None), (String::new(), None));
        assert_eq!(
            doc_and_date(Some("\n  first\nline\n\nsecond\n")).0,
            "first\nline"
        );
    }
}
