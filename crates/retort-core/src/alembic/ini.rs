//! `alembic.ini` read the way Alembic reads it: Python's `configparser.ConfigParser` with its
//! default options (CPython 3.11 `RawConfigParser._read` and `BasicInterpolation`), plus the
//! `here` default Alembic adds (the absolute folder of the file).
//!
//! What that means, in short:
//! - `key = value` or `key: value`; the key is everything before the first `=` or `:`,
//!   lower-cased; sections are case-sensitive; `[DEFAULT]` values apply to every section.
//! - Whole-line comments start with `#` or `;` (after optional indentation); there are no
//!   inline comments, so `url = x # y` keeps `# y`.
//! - A line indented deeper than its key continues the value (joined with `\n`); blank lines
//!   inside a value are kept, trailing ones dropped.
//! - A duplicate section or key is an error (`strict=True`).
//! - On read, `%(name)s` is replaced by another key of the same section (or `[DEFAULT]`, or
//!   `here`), recursively up to 10 levels, and `%%` gives `%`. Any other `%` is an error, which
//!   is why passwords with `%` must be written `%%` (R52).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Python's `configparser.MAX_INTERPOLATION_DEPTH`.
const MAX_INTERPOLATION_DEPTH: usize = 10;

const DEFAULT_SECTION: &str = "DEFAULT";

/// A parsed ini file. Values are kept raw; [`IniFile::get`] interpolates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniFile {
    path: PathBuf,
    /// `[DEFAULT]` options, starting with Alembic's `here`.
    defaults: Vec<(String, String)>,
    /// Sections in file order, each with its options in file order.
    sections: Vec<(String, Vec<(String, String)>)>,
}

impl IniFile {
    /// Reads and parses `path`. `here` is the file's absolute folder, as Alembic sets it.
    pub fn load(path: &Path) -> Result<IniFile> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::config(format!(
                "{} is not valid UTF-8; save it as UTF-8",
                path.display()
            ))
        })?;
        IniFile::parse(path, &text)
    }

    /// Parses `text` as the content of `path` (used for `here` and in errors).
    pub fn parse(path: &Path, text: &str) -> Result<IniFile> {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let here = path
            .parent()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let mut ini = IniFile {
            path: path.clone(),
            defaults: vec![("here".to_string(), here)],
            sections: Vec::new(),
        };
        ini.read(text)?;
        Ok(ini)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Section names in file order (without `DEFAULT`).
    pub fn section_names(&self) -> Vec<&str> {
        self.sections.iter().map(|(n, _)| n.as_str()).collect()
    }

    pub fn has_section(&self, section: &str) -> bool {
        self.section(section).is_some()
    }

    /// As `ConfigParser.has_option`: false when the section does not exist, even if
    /// `[DEFAULT]` has the key.
    pub fn has_option(&self, section: &str, key: &str) -> bool {
        self.get_raw(section, key).is_some()
    }

    /// The value as written (continuation lines joined), without interpolation.
    pub fn get_raw(&self, section: &str, key: &str) -> Option<&str> {
        let key = key.to_lowercase();
        let options = self.section(section)?;
        find(options, &key).or_else(|| find(&self.defaults, &key))
    }

    /// The interpolated value; `Ok(None)` when the section or key is absent. The error text is
    /// Python's (`configparser.InterpolationSyntaxError` and friends), prefixed by the file.
    pub fn get(&self, section: &str, key: &str) -> Result<Option<String>> {
        let Some(raw) = self.get_raw(section, key) else {
            return Ok(None);
        };
        let mut out = String::new();
        self.interpolate(section, raw, raw, &mut out, 1)
            .map_err(|reason| {
                Error::config(format!(
                    "{}: [{section}] {}: {reason}",
                    self.path.display(),
                    key.to_lowercase()
                ))
            })?;
        Ok(Some(out))
    }

    fn section(&self, name: &str) -> Option<&[(String, String)]> {
        self.sections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, options)| options.as_slice())
    }

    /// `BasicInterpolation._interpolate_some`.
    fn interpolate(
        &self,
        section: &str,
        raw_value: &str,
        rest: &str,
        out: &mut String,
        depth: usize,
    ) -> std::result::Result<(), String> {
        if depth > MAX_INTERPOLATION_DEPTH {
            return Err(format!(
                "interpolation nested more than {MAX_INTERPOLATION_DEPTH} levels deep (a \
                 %(name)s reference loop?); raw value: {raw_value:?}"
            ));
        }
        let mut rest = rest;
        while !rest.is_empty() {
            let Some(p) = rest.find('%') else {
                out.push_str(rest);
                return Ok(());
            };
            out.push_str(&rest[..p]);
            rest = &rest[p..];
            match rest[1..].chars().next() {
                Some('%') => {
                    out.push('%');
                    rest = &rest[2..];
                }
                Some('(') => {
                    // `%\(([^)]+)\)s`
                    let name_end = rest[2..].find(')').map(|i| i + 2);
                    let valid = name_end.filter(|&end| end > 2 && rest[end + 1..].starts_with('s'));
                    let Some(end) = valid else {
                        return Err(format!(
                            "bad interpolation variable reference {rest:?} (write %% for a \
                             literal %)"
                        ));
                    };
                    let name = rest[2..end].to_lowercase();
                    rest = &rest[end + 2..];
                    let value = self.get_raw(section, &name).ok_or_else(|| {
                        format!(
                            "the value refers to %({name})s, which is not a key of [{section}] \
                             or [DEFAULT] (raw value: {raw_value:?}; write %% for a literal %)"
                        )
                    })?;
                    if value.contains('%') {
                        self.interpolate(section, raw_value, value, out, depth + 1)?;
                    } else {
                        out.push_str(value);
                    }
                }
                _ => {
                    return Err(format!(
                        "'%' must be followed by '%' or '(', found: {rest:?} (write %% for a \
                         literal %, e.g. in a password)"
                    ))
                }
            }
        }
        Ok(())
    }

    /// `RawConfigParser._read` with the default options.
    fn read(&mut self, text: &str) -> Result<()> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // Which section the cursor is in: None before the first header, Some(None) = DEFAULT.
        let mut current: Option<Option<usize>> = None;
        // The option being read: (section slot, index in it); its value lines so far.
        let mut option: Option<(Option<usize>, usize)> = None;
        let mut lines_of_value: Vec<String> = Vec::new();
        let mut indent_level = 0usize;
        let mut seen_sections: Vec<String> = Vec::new();
        let mut bad_lines: Vec<usize> = Vec::new();

        for (index, raw_line) in split_lines(text).enumerate() {
            let lineno = index + 1;
            let is_comment = {
                let stripped = raw_line.trim_start_matches(is_py_space);
                stripped.starts_with('#') || stripped.starts_with(';')
            };
            let value = if is_comment {
                ""
            } else {
                raw_line.trim_matches(is_py_space)
            };
            if value.is_empty() {
                // A blank line (not a comment) inside a value is kept; trailing ones are
                // trimmed when the value is finished.
                if !is_comment && option.is_some() {
                    lines_of_value.push(String::new());
                }
                continue;
            }
            let cur_indent_level = raw_line
                .char_indices()
                .find(|(_, c)| !is_py_space(*c))
                .map_or(0, |(i, _)| raw_line[..i].chars().count());
            if current.is_some() && option.is_some() && cur_indent_level > indent_level {
                lines_of_value.push(value.to_string());
                continue;
            }
            indent_level = cur_indent_level;
            self.finish_value(option.take(), &mut lines_of_value);

            if let Some(header) = section_header(value) {
                if header == DEFAULT_SECTION {
                    current = Some(None);
                } else if let Some(slot) = self.sections.iter().position(|(n, _)| *n == header) {
                    if seen_sections.iter().any(|s| *s == header) {
                        return Err(self.error(
                            lineno,
                            format!("section [{header}] appears twice; merge the two sections"),
                        ));
                    }
                    current = Some(Some(slot));
                } else {
                    self.sections.push((header.to_string(), Vec::new()));
                    current = Some(Some(self.sections.len() - 1));
                }
                if header != DEFAULT_SECTION {
                    seen_sections.push(header.to_string());
                }
                continue;
            }
            let Some(slot) = current else {
                return Err(self.error(
                    lineno,
                    format!(
                        "a line before the first [section] header: {value:?} (an Alembic \
                         config starts with [alembic])"
                    ),
                ));
            };
            let Some(delimiter) = value.find(['=', ':']) else {
                bad_lines.push(lineno);
                continue;
            };
            let key = value[..delimiter]
                .trim_end_matches(is_py_space)
                .to_lowercase();
            if key.is_empty() {
                bad_lines.push(lineno);
                continue;
            }
            let first = value[delimiter + 1..].trim_matches(is_py_space).to_string();
            let options = self.slot_mut(slot);
            if options.iter().any(|(k, _)| *k == key) && !(slot.is_none() && key == "here") {
                let section = match slot {
                    None => DEFAULT_SECTION.to_string(),
                    Some(i) => self.sections[i].0.clone(),
                };
                return Err(self.error(
                    lineno,
                    format!("key '{key}' appears twice in section [{section}]"),
                ));
            }
            let options = self.slot_mut(slot);
            let position = match options.iter().position(|(k, _)| *k == key) {
                // Only `here` can be here: the file's [DEFAULT] may override it.
                Some(i) => i,
                None => {
                    options.push((key, String::new()));
                    options.len() - 1
                }
            };
            option = Some((slot, position));
            lines_of_value = vec![first];
        }
        self.finish_value(option.take(), &mut lines_of_value);
        if !bad_lines.is_empty() {
            let lines: Vec<String> = bad_lines.iter().map(|l| l.to_string()).collect();
            return Err(self.error(
                bad_lines[0],
                format!(
                    "line(s) {} are neither a [section], a key = value pair, nor a comment",
                    lines.join(", ")
                ),
            ));
        }
        Ok(())
    }

    fn slot_mut(&mut self, slot: Option<usize>) -> &mut Vec<(String, String)> {
        match slot {
            None => &mut self.defaults,
            Some(i) => &mut self.sections[i].1,
        }
    }

    fn finish_value(&mut self, option: Option<(Option<usize>, usize)>, lines: &mut Vec<String>) {
        if let Some((slot, index)) = option {
            let joined = lines.join("\n");
            self.slot_mut(slot)[index].1 = joined.trim_end_matches(is_py_space).to_string();
        }
        lines.clear();
    }

    fn error(&self, line: usize, message: String) -> Error {
        Error::config(format!("{}:{line}: {message}", self.path.display()))
    }
}

fn find<'a>(options: &'a [(String, String)], key: &str) -> Option<&'a str> {
    options
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// `\[(?P<header>.+)\]` matched at the start of the stripped line: the greedy `.+` makes the
/// header run to the last `]`.
fn section_header(value: &str) -> Option<&str> {
    let rest = value.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    (end > 0).then(|| &rest[..end])
}

/// Python's universal newlines: `\n`, `\r\n` and `\r` all end a line.
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match rest.find(['\r', '\n']) {
            Some(i) => {
                let line = &rest[..i];
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[i + skip..];
                Some(line)
            }
            None => {
                let line = rest;
                rest = "";
                Some(line)
            }
        }
    })
}

/// `str.strip()`'s notion of whitespace: Unicode whitespace plus the ASCII separators
/// U+001C..U+001F that Python also strips.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ini(text: &str) -> IniFile {
        IniFile::parse(Path::new("/proj/alembic.ini"), text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn get(ini: &IniFile, section: &str, key: &str) -> Option<String> {
        ini.get(section, key).unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(text: &str) -> String {
        IniFile::parse(Path::new("/proj/alembic.ini"), text)
            .expect_err("should fail")
            .to_string()
    }

    #[test]
    fn keys_values_and_sections() {
        let file = ini(
            "# comment\n; other comment\n[alembic]\nScript_Location = %(here)s/alembic\n\
             sqlalchemy.url: sqlite:///app.db   \n  \n[Other]\nkey=  spaced value  \n",
        );
        assert_eq!(file.section_names(), vec!["alembic", "Other"]);
        assert_eq!(
            get(&file, "alembic", "script_location").as_deref(),
            Some("/proj/alembic")
        );
        assert_eq!(
            get(&file, "alembic", "SQLALCHEMY.URL").as_deref(),
            Some("sqlite:///app.db")
        );
        assert_eq!(get(&file, "Other", "key").as_deref(), Some("spaced value"));
        assert_eq!(
            get(&file, "other", "key"),
            None,
            "sections are case-sensitive"
        );
        assert_eq!(get(&file, "alembic", "missing"), None);
        assert!(!file.has_option("nosection", "here"));
        assert!(file.has_option("alembic", "here"));
    }

    #[test]
    fn no_inline_comments_and_first_delimiter_wins() {
        let file = ini("[a]\nurl = postgresql://u:p@h/db # not a comment\nx:y=z\n");
        assert_eq!(
            get(&file, "a", "url").as_deref(),
            Some("postgresql://u:p@h/db # not a comment")
        );
        assert_eq!(get(&file, "a", "x").as_deref(), Some("y=z"));
    }

    #[test]
    fn continuation_lines_blank_lines_and_comments_inside_values() {
        let file = ini(
            "[alembic]\nversion_locations =\n    %(here)s/a\n\n    %(here)s/b\n# skipped\n  \
             %(here)s/c\n\n\nnext = 1\n",
        );
        assert_eq!(
            get(&file, "alembic", "version_locations").as_deref(),
            Some("\n/proj/a\n\n/proj/b\n/proj/c")
        );
        assert_eq!(get(&file, "alembic", "next").as_deref(), Some("1"));
    }

    #[test]
    fn interpolation_rules() {
        let file = ini(
            "[DEFAULT]\nuser = app\n[alembic]\npw = 50%%off\nurl = postgresql://%(user)s:%(pw)s@h/%(DB)s\n\
             db = shop\nbad = 50%off\nmissing = %(nope)s\nloop = %(loop)s\nunclosed = %(x\n",
        );
        assert_eq!(
            get(&file, "alembic", "url").as_deref(),
            Some("postgresql://app:50%off@h/shop")
        );
        assert_eq!(file.get_raw("alembic", "pw"), Some("50%%off"));
        for (key, expected) in [
            ("bad", "'%' must be followed by '%' or '('"),
            ("missing", "%(nope)s, which is not a key"),
            ("loop", "more than 10 levels"),
            ("unclosed", "bad interpolation variable reference"),
        ] {
            let message = file.get("alembic", key).unwrap_err().to_string();
            assert!(message.contains(expected), "{key}: {message}");
            assert!(
                message.starts_with("/proj/alembic.ini: [alembic] "),
                "{message}"
            );
        }
    }

    #[test]
    fn here_may_be_overridden_and_is_shared() {
        let file = ini("[DEFAULT]\nhere = /elsewhere\n[alembic]\nx = %(here)s\n");
        assert_eq!(get(&file, "alembic", "x").as_deref(), Some("/elsewhere"));
    }

    #[test]
    fn parse_errors_name_the_line() {
        assert!(error("key = 1\n").contains("alembic.ini:1: a line before the first [section]"));
        assert!(error("[a]\nx = 1\n[a]\n").contains(":3: section [a] appears twice"));
        assert!(error("[a]\nX = 1\nx = 2\n").contains(":3: key 'x' appears twice in section [a]"));
        assert!(error("[a]\njust words\n").contains(":2: line(s) 2 are neither"));
        assert!(error("[a]\n= value\n").contains(":2:"));
    }

    #[test]
    fn line_endings_bom_and_brackets() {
        let file = ini("\u{feff}[alembic]\r\nx = 1\r\n[odd]name]\ry = 2\r");
        assert_eq!(get(&file, "alembic", "x").as_deref(), Some("1"));
        assert_eq!(get(&file, "odd]name", "y").as_deref(), Some("2"));
    }
}
