//! Splits a section of SQL into statements, the way each database's own client would.
//!
//! A `;` ends a statement unless it is inside a string, a quoted identifier, a comment, a
//! PostgreSQL dollar-quoted body, or the `BEGIN … END` body of a trigger, procedure, function or
//! event. Only the lexical rules that decide where a statement ends are modelled; everything else
//! is passed through to the database untouched.

use crate::dialect::Dialect;
use crate::script::Statement;

/// Why a section could not be split; `line` is the 1-based file line where the problem starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    pub line: usize,
    pub message: String,
}

/// Splits `sql` into statements. `first_line` is the file line of the first line of `sql`, so
/// every [`Statement::line`] (and [`SplitError::line`]) is a line of the file.
///
/// Statement text starts at its first token (leading comments are dropped), keeps comments
/// inside it, and excludes the terminating `;`. Fragments holding only comments or whitespace are
/// dropped.
pub fn split_statements(
    sql: &str,
    dialect: Dialect,
    first_line: usize,
) -> Result<Vec<Statement>, SplitError> {
    Splitter::new(sql, dialect, first_line).run()
}

/// Keywords that, right after `CREATE [OR REPLACE] [TEMP] [DEFINER = …]`, start a statement
/// whose body may contain `;`.
const BLOCK_OBJECTS: [&str; 4] = ["TRIGGER", "PROCEDURE", "FUNCTION", "EVENT"];

/// Words that can come between `CREATE` and the object kind of a block statement.
const BLOCK_PREFIX_WORDS: [&str; 8] = [
    "OR",
    "REPLACE",
    "TEMP",
    "TEMPORARY",
    "DEFINER",
    "CURRENT_USER",
    "AGGREGATE",
    "CONSTRAINT",
];

/// `END` followed by one of these closes a MySQL compound statement that has no opener we count.
const END_SUFFIXES_NOT_COUNTED: [&str; 4] = ["IF", "LOOP", "WHILE", "REPEAT"];

/// How far the scan of a `CREATE …` statement for a block object kind has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Header {
    /// Not a `CREATE` statement, or the object kind is known not to have a body.
    Plain,
    /// After `CREATE`, still looking (counts the words seen).
    Scanning(usize),
    /// A trigger, procedure, function or event: `BEGIN`/`CASE` … `END` nest.
    Block,
}

struct Splitter<'a> {
    src: &'a str,
    bytes: &'a [u8],
    dialect: Dialect,
    pos: usize,
    line: usize,
    out: Vec<Statement>,
    /// Byte offset and line of the first token of the statement being read.
    start: Option<(usize, usize)>,
    header: Header,
    /// Open `BEGIN`/`CASE` blocks of a block statement.
    depth: usize,
    /// Line of the outermost open `BEGIN`/`CASE`, for the "no matching END" error.
    block_line: usize,
    /// An `END` was seen; whether it closes a block depends on the next word.
    pending_end: bool,
    /// The last byte of code (outside comments) seen in this statement.
    last_code_byte: Option<u8>,
}

impl<'a> Splitter<'a> {
    fn new(src: &'a str, dialect: Dialect, first_line: usize) -> Self {
        Splitter {
            src,
            bytes: src.as_bytes(),
            dialect,
            pos: 0,
            line: first_line,
            out: Vec::new(),
            start: None,
            header: Header::Plain,
            depth: 0,
            block_line: first_line,
            pending_end: false,
            last_code_byte: None,
        }
    }

    fn run(mut self) -> Result<Vec<Statement>, SplitError> {
        while self.pos < self.bytes.len() {
            let byte = self.bytes[self.pos];
            let next = self.peek(1);
            match byte {
                b'\n' => {
                    self.line += 1;
                    self.pos += 1;
                }
                b if b.is_ascii_whitespace() => self.pos += 1,
                b'-' if next == Some(b'-') && self.starts_line_comment() => self.skip_line(),
                b'#' if self.dialect == Dialect::Mysql => self.skip_line(),
                b'/' if next == Some(b'*') => {
                    // MySQL runs the body of `/*! … */` (version-conditional code).
                    if self.dialect == Dialect::Mysql && self.peek(2) == Some(b'!') {
                        self.code_token(byte);
                    }
                    self.skip_block_comment()?;
                }
                b'\'' => {
                    self.code_token(byte);
                    let backslash = self.dialect == Dialect::Mysql;
                    self.skip_quoted(b'\'', backslash, "string")?;
                }
                b'"' => {
                    self.code_token(byte);
                    let (backslash, what) = if self.dialect == Dialect::Mysql {
                        (true, "string")
                    } else {
                        (false, "quoted identifier")
                    };
                    self.skip_quoted(b'"', backslash, what)?;
                }
                b'`' if self.dialect != Dialect::Postgresql => {
                    self.code_token(byte);
                    self.skip_quoted(b'`', false, "quoted identifier")?;
                }
                b'[' if self.dialect == Dialect::Sqlite => {
                    self.code_token(byte);
                    self.skip_bracket_identifier()?;
                }
                b'$' if self.dialect == Dialect::Postgresql && !self.after_identifier_char() => {
                    match self.dollar_tag() {
                        Some(tag_len) => {
                            self.code_token(byte);
                            self.skip_dollar_quoted(tag_len)?;
                        }
                        None => self.punctuation(byte),
                    }
                }
                b'E' | b'e'
                    if self.dialect == Dialect::Postgresql
                        && next == Some(b'\'')
                        && !self.after_identifier_char() =>
                {
                    self.code_token(byte);
                    self.pos += 1;
                    self.skip_quoted(b'\'', true, "escape string")?;
                }
                b';' => {
                    self.resolve_pending_end();
                    if self.depth == 0 {
                        self.finish_statement(self.pos);
                        self.pos += 1;
                    } else {
                        self.punctuation(byte);
                    }
                }
                b if is_word_start(b) => self.word()?,
                _ => self.punctuation(byte),
            }
        }
        self.resolve_pending_end();
        if self.depth > 0 {
            return Err(SplitError {
                line: self.block_line,
                message: "BEGIN (or CASE) here has no matching END: the trigger, procedure or \
                          function body never ends. Close it with END and end the statement \
                          with ';'"
                    .to_string(),
            });
        }
        self.finish_statement(self.bytes.len());
        Ok(self.out)
    }

    fn peek(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    /// `--` starts a comment everywhere except in MySQL, which wants whitespace after it.
    fn starts_line_comment(&self) -> bool {
        if self.dialect != Dialect::Mysql {
            return true;
        }
        match self.peek(2) {
            None => true,
            Some(b) => b.is_ascii_whitespace() || b.is_ascii_control(),
        }
    }

    /// Whether the byte before `pos` continues an identifier (so `$` or `E'` is not a quote).
    fn after_identifier_char(&self) -> bool {
        self.pos > 0 && is_identifier_byte(self.bytes[self.pos - 1])
    }

    /// Records that a token of code starts at `pos`.
    fn code_token(&mut self, byte: u8) {
        self.resolve_pending_end();
        if self.start.is_none() {
            self.start = Some((self.pos, self.line));
        }
        self.last_code_byte = Some(byte);
    }

    fn punctuation(&mut self, byte: u8) {
        self.code_token(byte);
        if byte == b'(' {
            if let Header::Scanning(_) = self.header {
                self.header = Header::Plain;
            }
        }
        self.pos += 1;
    }

    fn word(&mut self) -> Result<(), SplitError> {
        let begin = self.pos;
        let mut end = begin;
        while end < self.bytes.len() && is_identifier_byte(self.bytes[end]) {
            end += 1;
        }
        let word = &self.src[begin..end];
        let qualified = self.last_code_byte == Some(b'.');
        let first_word = self.start.is_none();

        if first_word && word.eq_ignore_ascii_case("DELIMITER") {
            return Err(SplitError {
                line: self.line,
                message: "DELIMITER is a command of the mysql client, not SQL, and is not \
                          supported. Remove the DELIMITER lines and write the statement normally, \
                          ending it with ';': semicolons inside the BEGIN … END body of a \
                          trigger, procedure or function do not end the statement"
                    .to_string(),
            });
        }

        // The keyword decisions below need the word after a pending END first.
        let closes_pending = self.pending_end;
        if closes_pending {
            self.pending_end = false;
            let suffix_not_counted = END_SUFFIXES_NOT_COUNTED
                .iter()
                .any(|k| word.eq_ignore_ascii_case(k));
            if !suffix_not_counted {
                self.depth = self.depth.saturating_sub(1);
            }
        }
        self.code_token(b'a');
        self.pos = end;

        if first_word {
            self.header = if word.eq_ignore_ascii_case("CREATE") {
                Header::Scanning(0)
            } else {
                Header::Plain
            };
            return Ok(());
        }

        match self.header {
            Header::Scanning(seen) => {
                if BLOCK_OBJECTS.iter().any(|k| word.eq_ignore_ascii_case(k)) {
                    self.header = Header::Block;
                } else if seen >= 8
                    || !(BLOCK_PREFIX_WORDS
                        .iter()
                        .any(|k| word.eq_ignore_ascii_case(k))
                        || self.in_definer_clause())
                {
                    self.header = Header::Plain;
                } else {
                    self.header = Header::Scanning(seen + 1);
                }
            }
            Header::Block if !qualified => {
                // `END CASE` closes the CASE that was counted; it opens nothing.
                if closes_pending && word.eq_ignore_ascii_case("CASE") {
                    return Ok(());
                }
                if word.eq_ignore_ascii_case("BEGIN") || word.eq_ignore_ascii_case("CASE") {
                    if self.depth == 0 {
                        self.block_line = self.line;
                    }
                    self.depth += 1;
                } else if word.eq_ignore_ascii_case("END") && self.depth > 0 {
                    self.pending_end = true;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Inside `DEFINER = user@host`, the user and host are words that say nothing about the
    /// statement kind.
    fn in_definer_clause(&self) -> bool {
        matches!(self.last_code_byte, Some(b'=') | Some(b'@'))
    }

    /// Applies a pending `END` when the next token is not a word (`END;`, `END)`, end of text).
    fn resolve_pending_end(&mut self) {
        if self.pending_end {
            self.pending_end = false;
            self.depth = self.depth.saturating_sub(1);
        }
    }

    fn finish_statement(&mut self, end: usize) {
        if let Some((start, line)) = self.start.take() {
            let sql = self.src[start..end].trim_end();
            if !sql.is_empty() {
                self.out.push(Statement {
                    sql: sql.to_string(),
                    line,
                });
            }
        }
        self.header = Header::Plain;
        self.depth = 0;
        self.pending_end = false;
        self.last_code_byte = None;
    }

    /// Skips to the end of the line, leaving the newline to be counted.
    fn skip_line(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
            self.pos += 1;
        }
    }

    fn advance_counting_lines(&mut self, to: usize) {
        self.line += self.bytes[self.pos..to]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.pos = to;
    }

    fn skip_block_comment(&mut self) -> Result<(), SplitError> {
        let start_line = self.line;
        // PostgreSQL nests block comments; SQLite and MySQL end at the first `*/`.
        let nests = self.dialect == Dialect::Postgresql;
        let mut depth = 0usize;
        let mut i = self.pos;
        while i + 1 < self.bytes.len() {
            match (self.bytes[i], self.bytes[i + 1]) {
                (b'/', b'*') if depth == 0 || nests => {
                    depth += 1;
                    i += 2;
                }
                (b'*', b'/') => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        self.advance_counting_lines(i);
                        return Ok(());
                    }
                }
                _ => i += 1,
            }
        }
        Err(SplitError {
            line: start_line,
            message: "unterminated block comment: '/*' here has no matching '*/'".to_string(),
        })
    }

    /// Skips a quoted run starting at `pos` (the opening quote). A doubled quote is an escaped
    /// quote; with `backslash`, so is `\` followed by any character.
    fn skip_quoted(&mut self, quote: u8, backslash: bool, what: &str) -> Result<(), SplitError> {
        let start_line = self.line;
        let mut i = self.pos + 1;
        while i < self.bytes.len() {
            let b = self.bytes[i];
            if backslash && b == b'\\' {
                i += 2;
            } else if b == quote {
                if self.bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    self.advance_counting_lines(i + 1);
                    return Ok(());
                }
            } else {
                i += 1;
            }
        }
        Err(SplitError {
            line: start_line,
            message: format!(
                "unterminated {what}: the {} opened here is never closed",
                char::from(quote)
            ),
        })
    }

    fn skip_bracket_identifier(&mut self) -> Result<(), SplitError> {
        let start_line = self.line;
        match self.bytes[self.pos..].iter().position(|&b| b == b']') {
            Some(offset) => {
                self.advance_counting_lines(self.pos + offset + 1);
                Ok(())
            }
            None => Err(SplitError {
                line: start_line,
                message: "unterminated quoted identifier: the [ opened here is never closed"
                    .to_string(),
            }),
        }
    }

    /// The length of a dollar-quote tag (`$$`, `$body$`) starting at `pos`, if there is one.
    fn dollar_tag(&self) -> Option<usize> {
        let rest = &self.bytes[self.pos + 1..];
        let first = *rest.first()?;
        if first == b'$' {
            return Some(2);
        }
        // A tag is an identifier; `$1` is a parameter, not a quote.
        if !(first.is_ascii_alphabetic() || first == b'_' || first >= 0x80) {
            return None;
        }
        let tag_body = rest
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80))?;
        (rest[tag_body] == b'$').then_some(tag_body + 2)
    }

    fn skip_dollar_quoted(&mut self, tag_len: usize) -> Result<(), SplitError> {
        let start_line = self.line;
        let tag = &self.src[self.pos..self.pos + tag_len];
        let body_start = self.pos + tag_len;
        match self.src[body_start..].find(tag) {
            Some(offset) => {
                self.advance_counting_lines(body_start + offset + tag_len);
                Ok(())
            }
            None => Err(SplitError {
                line: start_line,
                message: format!(
                    "unterminated dollar-quoted string: the {tag} opened here has no closing {tag}"
                ),
            }),
        }
    }
}

fn is_word_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_' || byte >= 0x80
}

fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(sql: &str, dialect: Dialect) -> Vec<(String, usize)> {
        split_statements(sql, dialect, 1)
            .unwrap_or_else(|e| panic!("split failed at line {}: {}", e.line, e.message))
            .into_iter()
            .map(|s| (s.sql, s.line))
            .collect()
    }

    fn texts(sql: &str, dialect: Dialect) -> Vec<String> {
        split(sql, dialect).into_iter().map(|(s, _)| s).collect()
    }

    fn error(sql: &str, dialect: Dialect) -> SplitError {
        match split_statements(sql, dialect, 1) {
            Ok(statements) => panic!("expected an error, got {statements:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn splits_on_semicolons_and_trims() {
        for dialect in Dialect::ALL {
            assert_eq!(
                texts("  SELECT 1;\n\nSELECT 2 ;  SELECT 3", dialect),
                ["SELECT 1", "SELECT 2", "SELECT 3"]
            );
        }
    }

    #[test]
    fn empty_and_comment_only_fragments_are_dropped() {
        for dialect in Dialect::ALL {
            assert!(texts("", dialect).is_empty());
            assert!(texts(" ;; \n ; ", dialect).is_empty());
            assert!(texts("-- nothing here\n/* nor here */;\n", dialect).is_empty());
            assert_eq!(texts("SELECT 1; -- trailing note\n", dialect), ["SELECT 1"]);
        }
    }

    #[test]
    fn statement_lines_are_file_lines_of_first_token() {
        let sql =
            "-- leading comment\n\nCREATE TABLE a (id INT);\n\n  INSERT INTO a\n  VALUES (1);";
        let statements = split_statements(sql, Dialect::Sqlite, 10).unwrap();
        assert_eq!(statements.len(), 2);
        assert_eq!(statements[0].line, 12);
        assert_eq!(statements[0].sql, "CREATE TABLE a (id INT)");
        assert_eq!(statements[1].line, 14);
        assert_eq!(statements[1].sql, "INSERT INTO a\n  VALUES (1)");
    }

    #[test]
    fn comments_inside_a_statement_are_kept() {
        assert_eq!(
            texts(
                "SELECT 1, -- one; still the same statement\n 2 /* two; */;",
                Dialect::Sqlite
            ),
            ["SELECT 1, -- one; still the same statement\n 2 /* two; */"]
        );
    }

    #[test]
    fn semicolons_in_strings_and_identifiers_do_not_split() {
        for dialect in Dialect::ALL {
            assert_eq!(
                texts("INSERT INTO t VALUES ('a;b', 'it''s;');SELECT 2", dialect),
                ["INSERT INTO t VALUES ('a;b', 'it''s;')", "SELECT 2"]
            );
            assert_eq!(
                texts("SELECT \"a;\"\"b\" FROM t; SELECT 2", dialect),
                ["SELECT \"a;\"\"b\" FROM t", "SELECT 2"]
            );
        }
        assert_eq!(
            texts("SELECT `a;``b` FROM t; SELECT 2", Dialect::Mysql),
            ["SELECT `a;``b` FROM t", "SELECT 2"]
        );
        assert_eq!(
            texts(
                "SELECT [a;b] FROM t; SELECT `c;d`; SELECT 2",
                Dialect::Sqlite
            ),
            ["SELECT [a;b] FROM t", "SELECT `c;d`", "SELECT 2"]
        );
    }

    #[test]
    fn backslash_escapes_depend_on_dialect() {
        // MySQL: \' escapes the quote, so the string continues past it.
        assert_eq!(
            texts(r"INSERT INTO t VALUES ('a\';b'); SELECT 2", Dialect::Mysql),
            [r"INSERT INTO t VALUES ('a\';b')", "SELECT 2"]
        );
        assert_eq!(
            texts(
                r#"INSERT INTO t VALUES ("a\";b"); SELECT 2"#,
                Dialect::Mysql
            ),
            [r#"INSERT INTO t VALUES ("a\";b")"#, "SELECT 2"]
        );
        // SQLite and standard PostgreSQL strings: a backslash is an ordinary character.
        assert_eq!(
            texts(r"SELECT 'a\'; SELECT 2", Dialect::Sqlite),
            [r"SELECT 'a\'", "SELECT 2"]
        );
        assert_eq!(
            texts(r"SELECT 'a\'; SELECT 2", Dialect::Postgresql),
            [r"SELECT 'a\'", "SELECT 2"]
        );
        // PostgreSQL E'' strings take backslash escapes.
        assert_eq!(
            texts(r"SELECT E'a\';b', e'\\'; SELECT 2", Dialect::Postgresql),
            [r"SELECT E'a\';b', e'\\'", "SELECT 2"]
        );
        // `name'` is not an E-string just because the identifier ends in e.
        assert_eq!(
            texts(r"SELECT 'x' AS some, 'a\'; SELECT 2", Dialect::Postgresql),
            [r"SELECT 'x' AS some, 'a\'", "SELECT 2"]
        );
    }

    #[test]
    fn mysql_comment_rules() {
        assert_eq!(
            texts("SELECT 1 # a; comment\n, 2; SELECT 3", Dialect::Mysql),
            ["SELECT 1 # a; comment\n, 2", "SELECT 3"]
        );
        // `--` without a following space is an operator in MySQL, not a comment.
        assert_eq!(
            texts("SELECT 1--1; SELECT 2", Dialect::Mysql),
            ["SELECT 1--1", "SELECT 2"]
        );
        assert_eq!(
            texts("SELECT 1--1; SELECT 2", Dialect::Sqlite),
            ["SELECT 1--1; SELECT 2"]
        );
        // `#` is an operator in PostgreSQL.
        assert_eq!(
            texts("SELECT 5 # 3; SELECT 2", Dialect::Postgresql),
            ["SELECT 5 # 3", "SELECT 2"]
        );
        // Version-conditional comments are code in MySQL.
        assert_eq!(
            texts(
                "/*!40101 SET NAMES utf8mb4 */;\n/* plain */;",
                Dialect::Mysql
            ),
            ["/*!40101 SET NAMES utf8mb4 */"]
        );
    }

    #[test]
    fn postgres_block_comments_nest() {
        let sql = "/* outer /* inner; */ still comment; */ SELECT 1; SELECT 2";
        assert_eq!(texts(sql, Dialect::Postgresql), ["SELECT 1", "SELECT 2"]);
        // SQLite ends the comment at the first */.
        assert_eq!(
            texts("/* a /* b */ SELECT 1; SELECT 2", Dialect::Sqlite),
            ["SELECT 1", "SELECT 2"]
        );
    }

    #[test]
    fn postgres_dollar_quoting() {
        let sql = "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  NEW.x := 1;\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\nSELECT 2;";
        let statements = split(sql, Dialect::Postgresql);
        assert_eq!(statements.len(), 2);
        assert!(statements[0].0.ends_with("$$ LANGUAGE plpgsql"));
        assert_eq!(statements[1], ("SELECT 2".to_string(), 7));

        let tagged = "DO $body$ BEGIN PERFORM 'x$$;'; END $body$; SELECT $1";
        assert_eq!(
            texts(tagged, Dialect::Postgresql),
            ["DO $body$ BEGIN PERFORM 'x$$;'; END $body$", "SELECT $1"]
        );
        // `$` inside an identifier and positional parameters are not quotes.
        assert_eq!(
            texts(
                "SELECT a$b$c FROM t WHERE x = $1; SELECT 2",
                Dialect::Postgresql
            ),
            ["SELECT a$b$c FROM t WHERE x = $1", "SELECT 2"]
        );
    }

    #[test]
    fn postgres_trigger_and_begin_atomic() {
        let sql =
            "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW EXECUTE FUNCTION f();\nSELECT 1;";
        assert_eq!(texts(sql, Dialect::Postgresql).len(), 2);
        let atomic = "CREATE FUNCTION g() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT CASE WHEN true THEN 2 END;\nEND;\nSELECT 3;";
        let statements = split(atomic, Dialect::Postgresql);
        assert_eq!(statements.len(), 2);
        assert!(statements[0].0.ends_with("END"));
        assert_eq!(statements[1], ("SELECT 3".to_string(), 6));
    }

    #[test]
    fn sqlite_trigger_bodies_stay_whole() {
        let sql = "CREATE TABLE a (id INTEGER, n INTEGER);\n\
                   CREATE TEMP TRIGGER a_ins AFTER INSERT ON a\n\
                   BEGIN\n\
                   \x20 UPDATE a SET n = CASE WHEN new.n IS NULL THEN 0 ELSE new.n END WHERE id = new.id;\n\
                   \x20 INSERT INTO log VALUES ('end;');\n\
                   END;\n\
                   CREATE TRIGGER IF NOT EXISTS b AFTER DELETE ON a BEGIN DELETE FROM log; END;\n\
                   INSERT INTO a VALUES (1, 2);";
        let statements = split(sql, Dialect::Sqlite);
        assert_eq!(statements.len(), 4, "{statements:#?}");
        assert_eq!(statements[1].1, 2);
        assert!(statements[1].0.starts_with("CREATE TEMP TRIGGER"));
        assert!(statements[1].0.ends_with("END"));
        assert_eq!(
            statements[2].0,
            "CREATE TRIGGER IF NOT EXISTS b AFTER DELETE ON a BEGIN DELETE FROM log; END"
        );
        assert_eq!(
            statements[3],
            ("INSERT INTO a VALUES (1, 2)".to_string(), 8)
        );
    }

    #[test]
    fn trigger_with_case_end_at_body_end() {
        let sql = "CREATE TRIGGER t AFTER UPDATE ON a BEGIN\n\
                   SELECT CASE WHEN new.x THEN RAISE(ABORT, 'no') END;\n\
                   END;\nSELECT 1;";
        assert_eq!(texts(sql, Dialect::Sqlite).len(), 2);
        // A column named `end`, qualified, does not close the body.
        let qualified =
            "CREATE TRIGGER t AFTER UPDATE ON a BEGIN UPDATE b SET x = new.end; END; SELECT 1";
        assert_eq!(texts(qualified, Dialect::Sqlite).len(), 2);
    }

    #[test]
    fn mysql_trigger_and_procedure_bodies() {
        let sql = "CREATE DEFINER=`root`@`localhost` TRIGGER t BEFORE INSERT ON a FOR EACH ROW\n\
                   BEGIN\n\
                   \x20 IF NEW.n < 0 THEN\n\
                   \x20   SET NEW.n = 0;\n\
                   \x20 END IF;\n\
                   \x20 CASE NEW.kind WHEN 1 THEN SET NEW.x = 1; ELSE SET NEW.x = 2; END CASE;\n\
                   \x20 lbl: LOOP LEAVE lbl; END LOOP lbl;\n\
                   \x20 WHILE 0 DO SET @a = 1; END WHILE;\n\
                   \x20 REPEAT SET @a = 1; UNTIL 1 END REPEAT;\n\
                   \x20 BEGIN SET @b = 2; END;\n\
                   END;\n\
                   CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END;\n\
                   SELECT 3";
        let statements = split(sql, Dialect::Mysql);
        assert_eq!(statements.len(), 3, "{statements:#?}");
        assert!(statements[0].0.ends_with("END"));
        assert_eq!(
            statements[1].0,
            "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END"
        );
        assert_eq!(statements[2], ("SELECT 3".to_string(), 13));
    }

    #[test]
    fn begin_outside_a_block_statement_is_a_transaction() {
        assert_eq!(
            texts(
                "BEGIN; CREATE TABLE trigger_log (begin INT, trigger TEXT); COMMIT;",
                Dialect::Sqlite
            ),
            [
                "BEGIN",
                "CREATE TABLE trigger_log (begin INT, trigger TEXT)",
                "COMMIT"
            ]
        );
        assert_eq!(
            texts(
                "SELECT CASE WHEN 1 THEN 2 END; SELECT 3",
                Dialect::Postgresql
            ),
            ["SELECT CASE WHEN 1 THEN 2 END", "SELECT 3"]
        );
    }

    #[test]
    fn unterminated_things_name_their_start_line() {
        let e = error("SELECT 1;\nSELECT 'abc;\n\n", Dialect::Sqlite);
        assert_eq!(e.line, 2);
        assert!(e.message.contains("unterminated string"), "{}", e.message);

        let e = error("SELECT 1;\n\nSELECT \"abc", Dialect::Postgresql);
        assert_eq!(e.line, 3);
        assert!(e.message.contains("quoted identifier"));

        let e = error("SELECT 1;\n/* open\n comment", Dialect::Mysql);
        assert_eq!(e.line, 2);
        assert!(e.message.contains("block comment"));

        let e = error("SELECT 1;\n/* a /* b */\n", Dialect::Postgresql);
        assert_eq!(e.line, 2, "nested comment still open");

        let e = error(
            "\nCREATE FUNCTION f() AS $fn$\nBEGIN\n",
            Dialect::Postgresql,
        );
        assert_eq!(e.line, 2);
        assert!(e.message.contains("$fn$"), "{}", e.message);

        let e = error("SELECT `x", Dialect::Mysql);
        assert_eq!(e.line, 1);

        let e = error(
            "SELECT 1;\nCREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n SELECT 1;\n",
            Dialect::Sqlite,
        );
        assert_eq!(e.line, 3);
        assert!(e.message.contains("no matching END"));
    }

    #[test]
    fn delimiter_is_rejected_with_advice() {
        let sql = "DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; END$$\nDELIMITER ;";
        let e = error(sql, Dialect::Mysql);
        assert_eq!(e.line, 1);
        assert!(e.message.contains("DELIMITER"));
        assert!(e.message.contains("write the statement normally"));
        let e = error("SELECT 1;\n  delimiter //\n", Dialect::Mysql);
        assert_eq!(e.line, 2);
    }

    #[test]
    fn lines_count_inside_strings_and_comments() {
        let sql = "SELECT 'a\nb';\n/* x\ny */\nSELECT $$\n$$;\nSELECT 3";
        let statements = split(sql, Dialect::Postgresql);
        assert_eq!(
            statements.iter().map(|s| s.1).collect::<Vec<_>>(),
            [1, 5, 7]
        );
    }

    #[test]
    fn crlf_and_unicode_are_preserved() {
        let sql = "INSERT INTO t VALUES ('héllo; wörld');\r\nSELECT 'ü'\r\n";
        let statements = split(sql, Dialect::Sqlite);
        assert_eq!(statements[0].0, "INSERT INTO t VALUES ('héllo; wörld')");
        assert_eq!(statements[1], ("SELECT 'ü'".to_string(), 2));
    }
}
