//! The native `.sql` script format (DESIGN §3): parsing, writing, and statement splitting.
//!
//! CONTRACT (shared with `runner`, `ops`, the CLI and the app).
//!
//! ```sql
//! -- Revision ID: 3f1c2a9b7d10
//! -- Revises: 1a2b3c4d5e6f
//! -- Branch labels:
//! -- Depends on:
//! -- Create Date: 2026-11-24 10:00:00
//! -- Message: add users table
//!
//! -- migrate:up
//! CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
//!
//! -- migrate:down
//! DROP TABLE users;
//! ```

mod split;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::revision::{Direction, Revision};

pub use split::{split_statements, SplitError};

/// One SQL statement and the 1-based line of the file where it starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub sql: String,
    pub line: usize,
}

/// The body of one `-- migrate:up|down [dialect]` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub sql: String,
    /// 1-based line of the file where the body starts.
    pub line: usize,
}

/// The generic section and the per-dialect replacements of one direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Sections {
    pub generic: Option<Section>,
    pub dialects: BTreeMap<Dialect, Section>,
}

impl Sections {
    /// The section that applies to `dialect`: its own if present, else the generic one.
    pub fn for_dialect(&self, dialect: Dialect) -> Option<&Section> {
        self.dialects.get(&dialect).or(self.generic.as_ref())
    }

    fn is_empty(&self) -> bool {
        self.generic.is_none() && self.dialects.is_empty()
    }
}

/// A parsed revision script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Script {
    pub revision: Revision,
    pub path: PathBuf,
    /// `-- migrate:no-transaction`: run outside any transaction.
    pub no_transaction: bool,
    pub up: Sections,
    pub down: Sections,
}

impl Script {
    /// The statements to run for `direction` (Up or Down) on `dialect`, split and with file lines.
    ///
    /// A direction without any section (a script with no `-- migrate:down`) has no statements,
    /// like Alembic's `def downgrade(): pass`. A direction that has only sections for other
    /// dialects is an error: silently doing nothing on this database would hide a gap.
    pub fn statements(&self, direction: Direction, dialect: Dialect) -> Result<Vec<Statement>> {
        let sections = match direction {
            Direction::Up => &self.up,
            Direction::Down => &self.down,
            Direction::Stamp => return Ok(Vec::new()),
        };
        let Some(section) = sections.for_dialect(dialect) else {
            return match sections.dialects.iter().next() {
                None => Ok(Vec::new()),
                Some((_, first)) => {
                    let present: Vec<String> = sections
                        .dialects
                        .keys()
                        .map(|d| format!("`-- migrate:{} {d}`", direction.name()))
                        .collect();
                    Err(self.error(
                        first.line,
                        format!(
                            "No `-- migrate:{dir}` section applies to {dialect}: this script only \
                             has {present}. Add a generic `-- migrate:{dir}` section (it may be \
                             empty) or a `-- migrate:{dir} {dialect}` one",
                            dir = direction.name(),
                            present = present.join(", "),
                        ),
                    ))
                }
            };
        };
        split_statements(&section.sql, dialect, section.line)
            .map_err(|e| self.error(e.line, e.message))
    }

    fn error(&self, line: usize, message: impl Into<String>) -> Error {
        Error::Script {
            path: self.path.clone(),
            line,
            message: message.into(),
        }
    }
}

/// Checks a revision id against Alembic's rule (no `@ - + :`), plus no whitespace, which a
/// header line could not carry. Returns Alembic's wording on failure.
pub fn check_revision_id(id: &str) -> std::result::Result<(), String> {
    if id.is_empty() {
        return Err("A revision id may not be empty".to_string());
    }
    let mut bad: Vec<char> = Vec::new();
    for c in id.chars() {
        if (matches!(c, '@' | '-' | '+' | ':') || c.is_whitespace()) && !bad.contains(&c) {
            bad.push(c);
        }
    }
    if bad.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = bad.iter().map(|c| c.to_string()).collect();
    Err(format!(
        "Character(s) '{}' not allowed in revision identifier '{id}'. A revision id may not \
         contain @ - + : or whitespace; generated ids are 12 lowercase hex characters, e.g. \
         3f1c2a9b7d10",
        listed.join(", ")
    ))
}

const VALID_DIRECTIVES: &str = "`-- migrate:up [dialect]`, `-- migrate:down [dialect]` and \
                                `-- migrate:no-transaction`";
const VALID_DIALECTS: &str = "sqlite, postgresql (or postgres), mysql (or mariadb)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeaderKey {
    RevisionId,
    Revises,
    BranchLabels,
    DependsOn,
    CreateDate,
    Message,
}

impl HeaderKey {
    fn from_name(name: &str) -> Option<HeaderKey> {
        match name.to_ascii_lowercase().as_str() {
            "revision id" => Some(HeaderKey::RevisionId),
            "revises" => Some(HeaderKey::Revises),
            "branch labels" => Some(HeaderKey::BranchLabels),
            "depends on" => Some(HeaderKey::DependsOn),
            "create date" => Some(HeaderKey::CreateDate),
            "message" => Some(HeaderKey::Message),
            _ => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            HeaderKey::RevisionId => "Revision ID",
            HeaderKey::Revises => "Revises",
            HeaderKey::BranchLabels => "Branch labels",
            HeaderKey::DependsOn => "Depends on",
            HeaderKey::CreateDate => "Create Date",
            HeaderKey::Message => "Message",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    Section(Direction, Option<Dialect>),
    NoTransaction,
}

/// Reads a `-- migrate:…` line. `None` if the line is not a directive at all.
fn parse_directive(line: &str) -> Option<std::result::Result<Directive, String>> {
    let comment = line.trim().strip_prefix("--")?.trim_start();
    let prefix = comment.get(..8)?;
    if !prefix.eq_ignore_ascii_case("migrate:") {
        return None;
    }
    let mut words = comment[8..].split_whitespace();
    let name = words.next().unwrap_or("");
    let argument = words.next();
    if let Some(extra) = words.next() {
        return Some(Err(format!(
            "Unexpected '{extra}' in `{}`. The form is `-- migrate:up [dialect]` or \
             `-- migrate:down [dialect]`, with dialect one of {VALID_DIALECTS}",
            line.trim()
        )));
    }
    let direction = match name.to_ascii_lowercase().as_str() {
        "up" => Direction::Up,
        "down" => Direction::Down,
        "no-transaction" => {
            return Some(match argument {
                None => Ok(Directive::NoTransaction),
                Some(extra) => Err(format!(
                    "Unexpected '{extra}' after `-- migrate:no-transaction`: it takes no argument"
                )),
            });
        }
        _ => {
            return Some(Err(format!(
                "Unknown directive `{}`. Valid directives are {VALID_DIRECTIVES}",
                line.trim()
            )))
        }
    };
    let dialect = match argument {
        None => None,
        Some(name) => match Dialect::from_name(name) {
            Some(dialect) => Some(dialect),
            None => {
                return Some(Err(format!(
                    "Unknown dialect '{name}' in `{}`. Valid dialects: {VALID_DIALECTS}",
                    line.trim()
                )))
            }
        },
    };
    Some(Ok(Directive::Section(direction, dialect)))
}

fn section_name(direction: Direction, dialect: Option<Dialect>) -> String {
    match dialect {
        None => format!("-- migrate:{}", direction.name()),
        Some(d) => format!("-- migrate:{} {d}", direction.name()),
    }
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

/// A section being read: where its marker is and the lines of its body.
struct OpenSection<'a> {
    direction: Direction,
    dialect: Option<Dialect>,
    body_line: usize,
    lines: Vec<&'a str>,
}

impl OpenSection<'_> {
    /// The body without leading blank lines (the line moves with them) or trailing whitespace.
    fn into_section(self) -> Section {
        let blank = self
            .lines
            .iter()
            .take_while(|l| l.trim().is_empty())
            .count();
        Section {
            sql: self.lines[blank..].join("\n").trim_end().to_string(),
            line: self.body_line + blank,
        }
    }
}

/// Parses one native script. `path` is used for the revision's path and in errors.
pub fn parse_script(path: &Path, text: &str) -> Result<Script> {
    let error = |line: usize, message: String| Error::Script {
        path: path.to_path_buf(),
        line,
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);

    let mut headers: BTreeMap<&'static str, (usize, String)> = BTreeMap::new();
    let mut no_transaction = false;
    let mut up = Sections::default();
    let mut down = Sections::default();
    // Where each section was declared, to name the first one in a duplicate error.
    let mut declared: BTreeMap<String, usize> = BTreeMap::new();
    let mut open: Option<OpenSection> = None;
    let mut line_count = 0;

    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        line_count = number;
        match parse_directive(line) {
            Some(Err(message)) => return Err(error(number, message)),
            Some(Ok(Directive::NoTransaction)) => {
                if open.is_some() {
                    return Err(error(
                        number,
                        "`-- migrate:no-transaction` belongs in the header, before the first \
                         `-- migrate:up` section"
                            .to_string(),
                    ));
                }
                no_transaction = true;
            }
            Some(Ok(Directive::Section(direction, dialect))) => {
                let name = section_name(direction, dialect);
                if let Some(first) = declared.get(&name) {
                    return Err(error(
                        number,
                        format!(
                            "Duplicate section `{name}` (first declared at line {first}). Each \
                             section may appear once; put all its statements under one marker"
                        ),
                    ));
                }
                declared.insert(name, number);
                if let Some(previous) = open.take() {
                    store_section(previous, &mut up, &mut down);
                }
                open = Some(OpenSection {
                    direction,
                    dialect,
                    body_line: number + 1,
                    lines: Vec::new(),
                });
            }
            None => match open.as_mut() {
                Some(section) => section.lines.push(line),
                None => {
                    read_header_line(line, number, &mut headers).map_err(|m| error(number, m))?
                }
            },
        }
    }
    if let Some(last) = open.take() {
        store_section(last, &mut up, &mut down);
    }

    let Some((id_line, id)) = headers.get(HeaderKey::RevisionId.label()).cloned() else {
        return Err(error(
            1,
            "Missing `-- Revision ID: <id>` header line. A script starts with \
             `-- Revision ID: <id>` and `-- Revises: <parent ids, empty for a base>`, then \
             `-- migrate:up`"
                .to_string(),
        ));
    };
    check_revision_id(&id).map_err(|m| error(id_line, m))?;
    if up.is_empty() {
        let line = declared
            .get(&section_name(Direction::Down, None))
            .copied()
            .unwrap_or(line_count.max(1));
        return Err(error(
            line,
            "Missing `-- migrate:up` section. Put the upgrade statements under a \
             `-- migrate:up` line (and their reversal under `-- migrate:down`)"
                .to_string(),
        ));
    }

    let list = |key: HeaderKey| -> (usize, Vec<String>) {
        headers
            .get(key.label())
            .map(|(line, value)| (*line, split_list(value)))
            .unwrap_or((1, Vec::new()))
    };
    let (revises_line, down_revisions) = list(HeaderKey::Revises);
    for parent in &down_revisions {
        check_revision_id(parent).map_err(|m| error(revises_line, m))?;
    }
    let text_value = |key: HeaderKey| headers.get(key.label()).map(|(_, v)| v.clone());

    Ok(Script {
        revision: Revision {
            id,
            down_revisions,
            branch_labels: list(HeaderKey::BranchLabels).1,
            depends_on: list(HeaderKey::DependsOn).1,
            message: text_value(HeaderKey::Message).unwrap_or_default(),
            create_date: text_value(HeaderKey::CreateDate).filter(|d| !d.is_empty()),
            path: Some(path.to_path_buf()),
        },
        path: path.to_path_buf(),
        no_transaction,
        up,
        down,
    })
}

fn store_section(open: OpenSection, up: &mut Sections, down: &mut Sections) {
    let target = match open.direction {
        Direction::Down => down,
        _ => up,
    };
    let dialect = open.dialect;
    let section = open.into_section();
    match dialect {
        None => target.generic = Some(section),
        Some(d) => {
            target.dialects.insert(d, section);
        }
    }
}

/// One line before the first section: blank, a `-- Key: value` header, or another comment.
fn read_header_line(
    line: &str,
    number: usize,
    headers: &mut BTreeMap<&'static str, (usize, String)>,
) -> std::result::Result<(), String> {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Ok(());
    }
    let Some(comment) = trimmed.strip_prefix("--") else {
        return Err(
            "SQL before the first section. Put statements under a `-- migrate:up` line (and \
             their reversal under `-- migrate:down`); only `-- Key: value` header comments may \
             come before it"
                .to_string(),
        );
    };
    // Comments other than the known headers are allowed and ignored.
    let Some((name, value)) = comment.split_once(':') else {
        return Ok(());
    };
    let Some(key) = HeaderKey::from_name(name.trim()) else {
        return Ok(());
    };
    if let Some((first, _)) = headers.get(key.label()) {
        return Err(format!(
            "Duplicate `-- {}:` header (first at line {first})",
            key.label()
        ));
    }
    headers.insert(key.label(), (number, value.trim().to_string()));
    Ok(())
}

/// Every `*.sql` file of `dir` (not its subfolders), parsed, in file-name order.
pub fn load_versions(dir: &Path) -> Result<Vec<Script>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::config(format!(
                "The versions folder {} does not exist. Run `retort init` to create a project, \
                 or check script_location in retort.toml",
                dir.display()
            )))
        }
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Editors leave hidden lock and backup files next to the scripts.
        let is_script = !name.starts_with('.')
            && path
                .extension()
                .is_some_and(|ext| ext.eq_ignore_ascii_case("sql"));
        // The entry's own file type costs no system call; only symlinks need a stat.
        let is_file = match entry.file_type() {
            Ok(kind) if kind.is_symlink() => path.is_file(),
            Ok(kind) => kind.is_file(),
            Err(_) => path.is_file(),
        };
        if is_script && is_file {
            paths.push(path);
        }
    }
    paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    read_and_parse_all(&paths)
}

/// Reads and parses every script, on all cores for large projects: with thousands of
/// revisions, opening and reading the files dominates the start-up of every command.
fn read_and_parse_all(paths: &[PathBuf]) -> Result<Vec<Script>> {
    const PER_THREAD_MINIMUM: usize = 256;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(paths.len() / PER_THREAD_MINIMUM)
        .max(1);
    if threads == 1 {
        return paths.iter().map(|path| read_and_parse(path)).collect();
    }
    let chunk = paths.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|path| read_and_parse(path))
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        let mut scripts = Vec::with_capacity(paths.len());
        for worker in workers {
            scripts.extend(worker.join().expect("script reader thread panicked")?);
        }
        Ok(scripts)
    })
}

fn read_and_parse(path: &Path) -> Result<Script> {
    use std::io::Read;
    // A plain read loop: File's read_to_string would stat and seek first, and with thousands
    // of small scripts those extra system calls are most of the load time.
    let mut bytes = vec![0u8; 8192];
    let mut len = 0;
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    loop {
        if len == bytes.len() {
            bytes.resize(bytes.len() * 2, 0);
        }
        match file.read(&mut bytes[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(path, e)),
        }
    }
    bytes.truncate(len);
    let text = String::from_utf8(bytes).map_err(|_| Error::Script {
        path: path.to_path_buf(),
        line: 1,
        message: "the file is not valid UTF-8; save it as UTF-8".to_string(),
    })?;
    parse_script(path, &text)
}

/// What a new script says; [`render_script`] writes it in the native layout.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewScript {
    pub id: String,
    pub down_revisions: Vec<String>,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    pub message: String,
    pub create_date: String,
    pub up_sql: String,
    pub down_sql: String,
    pub no_transaction: bool,
}

/// The script text in the DESIGN §3 layout. A multi-line message is folded onto one line, since
/// the header holds one line per key.
pub fn render_script(script: &NewScript) -> String {
    fn header(out: &mut String, key: HeaderKey, value: &str) {
        out.push_str("-- ");
        out.push_str(key.label());
        out.push(':');
        if !value.is_empty() {
            out.push(' ');
            out.push_str(value);
        }
        out.push('\n');
    }
    fn body(out: &mut String, sql: &str) {
        let lines: Vec<&str> = sql.lines().skip_while(|l| l.trim().is_empty()).collect();
        let sql = lines.join("\n");
        let sql = sql.trim_end();
        if !sql.is_empty() {
            out.push_str(sql);
            out.push('\n');
        }
    }
    let message = script
        .message
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = String::new();
    header(&mut out, HeaderKey::RevisionId, &script.id);
    header(
        &mut out,
        HeaderKey::Revises,
        &script.down_revisions.join(", "),
    );
    header(
        &mut out,
        HeaderKey::BranchLabels,
        &script.branch_labels.join(", "),
    );
    header(
        &mut out,
        HeaderKey::DependsOn,
        &script.depends_on.join(", "),
    );
    header(&mut out, HeaderKey::CreateDate, script.create_date.trim());
    header(&mut out, HeaderKey::Message, &message);
    if script.no_transaction {
        out.push_str("-- migrate:no-transaction\n");
    }
    out.push_str("\n-- migrate:up\n");
    body(&mut out, &script.up_sql);
    out.push_str("\n-- migrate:down\n");
    body(&mut out, &script.down_sql);
    out
}

/// Alembic's `truncate_slug_length` default.
const SLUG_LENGTH: usize = 40;

/// `<id>_<slug>.sql`, with the slug made as Alembic makes it (`ScriptDirectory._rev_path`): the
/// message's words joined by `_`, lowercased, and cut at a word boundary when longer than 40.
pub fn script_file_name(id: &str, message: &str) -> String {
    let words: Vec<&str> = message
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut slug = words.join("_").to_lowercase();
    if slug.chars().count() > SLUG_LENGTH {
        let cut: String = slug.chars().take(SLUG_LENGTH).collect();
        let kept = cut.rsplit_once('_').map_or(cut.as_str(), |(head, _)| head);
        slug = format!("{kept}_");
    }
    format!("{id}_{slug}.sql")
}

/// A new revision id: 12 random lowercase hex characters, like Alembic's `uuid4().hex[-12:]`.
pub fn generate_rev_id() -> String {
    format!("{:012x}", rand::random::<u64>() & 0xffff_ffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
-- Revision ID: 3f1c2a9b7d10
-- Revises: 1a2b3c4d5e6f, 0a0b0c0d0e0f
-- Branch labels: sqlite
-- Depends on: aaaa11110000, other
-- Create Date: 2026-11-24 10:00:00
-- Message: add users table

-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
CREATE INDEX users_email ON users (email);

-- migrate:up postgres
CREATE TABLE users (id SERIAL PRIMARY KEY, email TEXT NOT NULL);

-- migrate:down
DROP TABLE users;
";

    fn parse(text: &str) -> Result<Script> {
        parse_script(Path::new("versions/x.sql"), text)
    }

    fn script_error(text: &str) -> (usize, String) {
        match parse(text) {
            Err(Error::Script { line, message, .. }) => (line, message),
            other => panic!("expected a script error, got {other:?}"),
        }
    }

    #[test]
    fn parses_header_and_sections() {
        let script = parse(SAMPLE).unwrap();
        let r = &script.revision;
        assert_eq!(r.id, "3f1c2a9b7d10");
        assert_eq!(r.down_revisions, ["1a2b3c4d5e6f", "0a0b0c0d0e0f"]);
        assert_eq!(r.branch_labels, ["sqlite"]);
        assert_eq!(r.depends_on, ["aaaa11110000", "other"]);
        assert_eq!(r.message, "add users table");
        assert_eq!(r.create_date.as_deref(), Some("2026-11-24 10:00:00"));
        assert_eq!(r.path.as_deref(), Some(Path::new("versions/x.sql")));
        assert_eq!(script.path, Path::new("versions/x.sql"));
        assert!(!script.no_transaction);

        let generic = script.up.generic.as_ref().unwrap();
        assert_eq!(generic.line, 9);
        assert!(generic.sql.starts_with("CREATE TABLE users (id INTEGER"));
        assert!(generic.sql.ends_with("(email);"));
        assert_eq!(script.up.dialects[&Dialect::Postgresql].line, 13);
        assert_eq!(
            script.down.generic.as_ref().unwrap().sql,
            "DROP TABLE users;"
        );
    }

    #[test]
    fn statements_pick_the_dialect_section_with_file_lines() {
        let script = parse(SAMPLE).unwrap();
        let sqlite = script.statements(Direction::Up, Dialect::Sqlite).unwrap();
        assert_eq!(sqlite.len(), 2);
        assert_eq!((sqlite[0].line, sqlite[1].line), (9, 10));
        assert_eq!(sqlite[1].sql, "CREATE INDEX users_email ON users (email)");

        let pg = script
            .statements(Direction::Up, Dialect::Postgresql)
            .unwrap();
        assert_eq!(pg.len(), 1);
        assert_eq!(pg[0].line, 13);
        assert!(pg[0].sql.contains("SERIAL"));

        let down = script.statements(Direction::Down, Dialect::Mysql).unwrap();
        assert_eq!(
            down,
            [Statement {
                sql: "DROP TABLE users".into(),
                line: 16
            }]
        );
        assert!(script
            .statements(Direction::Stamp, Dialect::Mysql)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn base_revision_without_down_section() {
        let script = parse(
            "-- Revision ID: abc\n-- Revises:\n-- migrate:no-transaction\n-- migrate:up\nSELECT 1;\n",
        )
        .unwrap();
        assert!(script.revision.down_revisions.is_empty());
        assert!(script.revision.branch_labels.is_empty());
        assert_eq!(script.revision.message, "");
        assert_eq!(script.revision.create_date, None);
        assert!(script.no_transaction);
        assert!(script
            .statements(Direction::Down, Dialect::Sqlite)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn only_other_dialect_sections_is_an_error_when_running() {
        let script = parse("-- Revision ID: abc\n-- migrate:up postgresql\nSELECT 1;\n").unwrap();
        assert_eq!(
            script
                .statements(Direction::Up, Dialect::Postgresql)
                .unwrap()
                .len(),
            1
        );
        match script.statements(Direction::Up, Dialect::Sqlite) {
            Err(Error::Script { line, message, .. }) => {
                assert_eq!(line, 3);
                assert!(message.contains("`-- migrate:up postgresql`"), "{message}");
                assert!(message.contains("-- migrate:up sqlite"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn split_errors_carry_file_lines() {
        let script =
            parse("-- Revision ID: abc\n\n-- migrate:up\nSELECT 1;\nSELECT 'oops;\n").unwrap();
        match script.statements(Direction::Up, Dialect::Sqlite) {
            Err(Error::Script { line, path, .. }) => {
                assert_eq!(line, 5);
                assert_eq!(path, Path::new("versions/x.sql"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn header_errors_name_the_line() {
        let (line, message) = script_error("-- Revises:\n\n-- migrate:up\nSELECT 1;\n");
        assert_eq!(line, 1);
        assert!(message.contains("Missing `-- Revision ID"), "{message}");

        let (line, message) = script_error("-- Message: x\n-- Revision ID: ab-cd\n-- migrate:up\n");
        assert_eq!(line, 2);
        assert!(message.contains("Character(s) '-' not allowed in revision identifier 'ab-cd'"));

        let (line, message) = script_error("-- Revision ID: a@b:c\n-- migrate:up\n");
        assert_eq!(line, 1);
        assert!(message.contains("'@, :'"), "{message}");

        let (line, message) = script_error("-- Revision ID: abc\n-- Revises: x+1\n-- migrate:up\n");
        assert_eq!(line, 2);
        assert!(message.contains("'+'"), "{message}");

        let (line, message) = script_error("-- Revision ID: abc\n-- migrate:up oracle\n");
        assert_eq!(line, 2);
        assert!(message.contains("Unknown dialect 'oracle'"));
        assert!(message.contains("sqlite, postgresql"));

        let (line, message) =
            script_error("-- Revision ID: abc\n-- migrate:up\nSELECT 1;\n-- migrate:up\n");
        assert_eq!(line, 4);
        assert!(message.contains("Duplicate section `-- migrate:up` (first declared at line 2)"));

        let (line, message) =
            script_error("-- Revision ID: abc\n-- migrate:up mysql\n-- migrate:up mariadb\n");
        assert_eq!(line, 3);
        assert!(
            message.contains("Duplicate section `-- migrate:up mysql`"),
            "{message}"
        );

        let (line, message) = script_error("-- Revision ID: abc\n-- migrate:upgrade\n");
        assert_eq!(line, 2);
        assert!(message.contains("Unknown directive `-- migrate:upgrade`"));
        assert!(message.contains("-- migrate:no-transaction"));

        let (line, message) = script_error("-- Revision ID: abc\n-- migrate:up sqlite extra\n");
        assert_eq!(line, 2);
        assert!(message.contains("Unexpected 'extra'"));

        let (line, message) =
            script_error("-- Revision ID: abc\nCREATE TABLE t (id INT);\n-- migrate:up\n");
        assert_eq!(line, 2);
        assert!(message.contains("SQL before the first section"));

        let (line, message) =
            script_error("-- Revision ID: abc\n\n-- migrate:down\nDROP TABLE t;\n");
        assert_eq!(line, 3);
        assert!(message.contains("Missing `-- migrate:up`"));

        let (line, message) = script_error("-- Revision ID: abc\n");
        assert_eq!(line, 1);
        assert!(message.contains("Missing `-- migrate:up`"));

        let (line, message) =
            script_error("-- Revision ID: abc\n-- migrate:up\n-- migrate:no-transaction\n");
        assert_eq!(line, 3);
        assert!(message.contains("belongs in the header"));

        let (line, message) =
            script_error("-- Revision ID: abc\n-- Revision ID: def\n-- migrate:up\n");
        assert_eq!(line, 2);
        assert!(message.contains("Duplicate `-- Revision ID:` header (first at line 1)"));
    }

    #[test]
    fn script_error_display_names_file_and_line() {
        let err = parse("-- Revision ID: abc\n-- migrate:sideways\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("versions/x.sql:2: Unknown directive"),
            "{err}"
        );
        assert_eq!(err.kind(), "script");
    }

    #[test]
    fn free_comments_and_crlf_in_header_are_fine() {
        let text = "\u{feff}-- A note about this revision\r\n-- Revision ID: abc\r\n-- revises: def\r\n\r\n-- migrate:up\r\nSELECT 1;\r\n";
        let script = parse(text).unwrap();
        assert_eq!(script.revision.id, "abc");
        assert_eq!(script.revision.down_revisions, ["def"]);
        assert_eq!(script.up.generic.unwrap().sql, "SELECT 1;");
    }

    fn sample_new() -> NewScript {
        NewScript {
            id: "3f1c2a9b7d10".into(),
            down_revisions: vec!["1a2b3c4d5e6f".into(), "0a0b0c0d0e0f".into()],
            branch_labels: vec!["sqlite".into()],
            depends_on: vec![],
            message: "add users table".into(),
            create_date: "2026-11-24 10:00:00".into(),
            up_sql: "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);".into(),
            down_sql: "DROP TABLE users;".into(),
            no_transaction: false,
        }
    }

    #[test]
    fn render_matches_the_design_layout() {
        let mut new = sample_new();
        new.down_revisions = vec!["1a2b3c4d5e6f".into()];
        assert_eq!(
            render_script(&new),
            "\
-- Revision ID: 3f1c2a9b7d10
-- Revises: 1a2b3c4d5e6f
-- Branch labels: sqlite
-- Depends on:
-- Create Date: 2026-11-24 10:00:00
-- Message: add users table

-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);

-- migrate:down
DROP TABLE users;
"
        );
    }

    #[test]
    fn render_then_parse_round_trips() {
        for no_transaction in [false, true] {
            let mut new = sample_new();
            new.no_transaction = no_transaction;
            new.depends_on = vec!["sqlite".into(), "aaaa11110000".into()];
            let text = render_script(&new);
            let script = parse(&text).unwrap();
            let r = &script.revision;
            assert_eq!(r.id, new.id);
            assert_eq!(r.down_revisions, new.down_revisions);
            assert_eq!(r.branch_labels, new.branch_labels);
            assert_eq!(r.depends_on, new.depends_on);
            assert_eq!(r.message, new.message);
            assert_eq!(r.create_date.as_deref(), Some(new.create_date.as_str()));
            assert_eq!(script.no_transaction, no_transaction);
            assert_eq!(script.up.generic.as_ref().unwrap().sql, new.up_sql);
            assert_eq!(script.down.generic.as_ref().unwrap().sql, new.down_sql);
        }

        let empty = NewScript {
            id: "abc".into(),
            ..NewScript::default()
        };
        let text = render_script(&empty);
        assert!(
            text.contains("-- Revises:\n"),
            "no trailing space: {text:?}"
        );
        let script = parse(&text).unwrap();
        assert!(script.revision.down_revisions.is_empty());
        assert_eq!(script.revision.create_date, None);
        assert_eq!(script.up.generic.as_ref().unwrap().sql, "");
        assert_eq!(script.down.generic.as_ref().unwrap().sql, "");
        assert!(script
            .statements(Direction::Up, Dialect::Sqlite)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn render_folds_multi_line_messages() {
        let mut new = sample_new();
        new.message = "first line\n\nmore detail".into();
        let script = parse(&render_script(&new)).unwrap();
        assert_eq!(script.revision.message, "first line more detail");
    }

    #[test]
    fn file_names_follow_alembic_slugs() {
        assert_eq!(
            script_file_name("abc", "add users table"),
            "abc_add_users_table.sql"
        );
        assert_eq!(
            script_file_name("abc", "Add ABCD data/info!"),
            "abc_add_abcd_data_info.sql"
        );
        assert_eq!(script_file_name("abc", ""), "abc_.sql");
        assert_eq!(script_file_name("abc", "  --  "), "abc_.sql");
        // 49 chars → cut to 40, then back to the last `_`, plus `_` (Alembic's truncation).
        assert_eq!(
            script_file_name("abc", "create the accounts table with email and created at"),
            "abc_create_the_accounts_table_with_email_.sql"
        );
        let long_word = "a".repeat(45);
        assert_eq!(
            script_file_name("abc", &long_word),
            format!("abc_{}_.sql", "a".repeat(40))
        );
        assert_eq!(
            script_file_name("abc", "Ünïcode wörds"),
            "abc_ünïcode_wörds.sql"
        );
    }

    #[test]
    fn rev_ids_are_twelve_lowercase_hex() {
        let a = generate_rev_id();
        let b = generate_rev_id();
        for id in [&a, &b] {
            assert_eq!(id.len(), 12);
            assert!(id
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
            assert!(check_revision_id(id).is_ok());
        }
        assert_ne!(a, b);
    }

    #[test]
    fn load_versions_reads_sql_files_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, id: &str| {
            std::fs::write(
                dir.path().join(name),
                format!("-- Revision ID: {id}\n-- migrate:up\nSELECT 1;\n"),
            )
            .unwrap();
        };
        write("b_second.sql", "bbb");
        write("a_first.sql", "aaa");
        write("c_third.SQL", "ccc");
        write(".#a_first.sql", "hidden");
        write("notes.txt", "ignored");
        std::fs::create_dir(dir.path().join("sub.sql")).unwrap();
        std::fs::create_dir(dir.path().join("nested")).unwrap();
        std::fs::write(
            dir.path().join("nested/d.sql"),
            "-- Revision ID: ddd\n-- migrate:up\n",
        )
        .unwrap();

        let scripts = load_versions(dir.path()).unwrap();
        let ids: Vec<&str> = scripts.iter().map(|s| s.revision.id.as_str()).collect();
        assert_eq!(ids, ["aaa", "bbb", "ccc"]);
        assert_eq!(scripts[0].path, dir.path().join("a_first.sql"));
    }

    #[test]
    fn load_versions_reports_bad_files_and_missing_folders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.sql"), "-- Revision ID: x\nSELECT 1;\n").unwrap();
        match load_versions(dir.path()) {
            Err(Error::Script { path, line, .. }) => {
                assert_eq!(path, dir.path().join("x.sql"));
                assert_eq!(line, 2);
            }
            other => panic!("{other:?}"),
        }

        let missing = dir.path().join("nope");
        match load_versions(&missing) {
            Err(Error::Config { message }) => {
                assert!(message.contains("retort init"), "{message}");
                assert!(message.contains("script_location"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
