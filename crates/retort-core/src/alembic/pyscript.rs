//! Reading the header of an Alembic revision script (`versions/*.py`) without running Python.
//!
//! Alembic imports each script and reads the module attributes `revision`, `down_revision`,
//! `branch_labels`, `depends_on` and the module docstring (R2–R6). This reader understands the
//! literal forms real projects use — `None`, strings in any quoting (prefixes `r`/`u`,
//! implicit concatenation, parentheses), tuples and lists (with or without brackets, trailing
//! commas, comments and line breaks inside), with or without a type annotation — and the
//! module docstring. Anything else that could change those four names at import time (an
//! expression, an assignment inside `if`/`for`/`try`, an import `as revision`, `+=`, ...) is
//! reported as [`NotStatic`] with its line, so the caller can ask the project's Alembic instead
//! of guessing.
//!
//! A small tokenizer keeps the reading honest: text inside strings (SQL in `op.execute("""…""")`)
//! and inside functions (`def upgrade():` bodies) never counts as a module-level assignment.

/// The four names Alembic reads from a revision module.
pub const HEADER_NAMES: [&str; 4] = ["revision", "down_revision", "branch_labels", "depends_on"];

/// What the module header says, as Alembic would see it after importing the module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PyHeader {
    /// `revision`; `None` when the module never assigns it (the file name may supply it).
    pub revision: Option<String>,
    /// `down_revision` through `util.to_tuple`: `None` when never assigned (Alembic crashes),
    /// `Some([])` for `None`, `()` or `[]`.
    pub down_revisions: Option<Vec<String>>,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    /// The module docstring, exactly (escapes decoded, not stripped); `None` when the first
    /// statement is not a string literal.
    pub docstring: Option<String>,
    /// 1-based line of each assignment, for error messages (0 when absent).
    pub lines: HeaderLines,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeaderLines {
    pub revision: usize,
    pub down_revision: usize,
}

/// A header value that only running the module could tell (or Python source this reader does
/// not understand). `name` is the attribute concerned, or `"docstring"` / `"source"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotStatic {
    pub line: usize,
    pub name: String,
    pub reason: String,
}

/// The value of a header attribute, as a literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyValue {
    None,
    Str(String),
    /// A tuple or a list.
    Seq(Vec<PyValue>),
}

/// Parses the module-level header of a revision script. `text` is the file's content.
pub fn parse_header(text: &str) -> Result<PyHeader, NotStatic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines = logical_lines(&text)?;
    let mut header = PyHeader::default();
    // Enclosing blocks of the current line: (indent of the header line, is a def/class).
    let mut blocks: Vec<(usize, bool)> = Vec::new();
    let mut first_statement = true;

    for line in &lines {
        while blocks
            .last()
            .is_some_and(|(indent, _)| line.indent <= *indent)
        {
            blocks.pop();
        }
        if first_statement {
            first_statement = false;
            if line.indent == 0 {
                header.docstring = docstring(&line.tokens)?;
            }
        }
        let in_function = blocks.iter().any(|(_, is_function)| *is_function);
        let top_level = line.indent == 0 && blocks.is_empty();
        let compound = compound_kind(&line.tokens);
        if let Some(is_function) = compound {
            if line.tokens.last().is_some_and(|t| t.is_op(":")) {
                blocks.push((line.indent, is_function));
            }
        }
        if in_function {
            continue;
        }
        if compound == Some(true) {
            // `def NAME(...)` / `class NAME`: only NAME is bound in the module.
            let defined = line
                .tokens
                .iter()
                .filter_map(|t| match &t.kind {
                    Kind::Name(n) => Some(n.as_str()),
                    _ => None,
                })
                .find(|n| !matches!(*n, "async" | "def" | "class"));
            if let Some(name) = defined.filter(|n| HEADER_NAMES.contains(n)) {
                return Err(not_static(
                    line.line,
                    name,
                    "it is bound by a def/class statement",
                ));
            }
            continue;
        }
        let mentioned = line.tokens.iter().find_map(|t| match &t.kind {
            Kind::Name(n) if HEADER_NAMES.contains(&n.as_str()) => Some(n.clone()),
            _ => None,
        });
        let Some(mentioned) = mentioned else {
            continue;
        };
        if !top_level {
            return Err(not_static(
                line.line,
                &mentioned,
                "it is assigned inside a block (if/for/try/with), so its value depends on running \
                 the module",
            ));
        }
        if compound.is_some() {
            return Err(not_static(
                line.line,
                &mentioned,
                "it is bound by a for/with statement or read by a compound statement",
            ));
        }
        statement(line, &mut header)?;
    }
    Ok(header)
}

/// The first `name="literal"` keyword argument anywhere in `text` (e.g. `version_table=` in
/// env.py's `context.configure(...)`); `None` when absent or not a plain string.
pub fn keyword_string_argument(text: &str, name: &str) -> Option<String> {
    let text = text.replace("\r\n", "\n");
    let lines = logical_lines(&text).ok()?;
    lines.iter().find_map(|line| {
        line.tokens
            .windows(3)
            .find_map(|w| match (&w[0].kind, &w[2].kind) {
                (Kind::Name(n), Kind::Str(literal))
                    if n == name
                        && w[1].is_op("=")
                        && w[0].depth > 0
                        && !literal.is_bytes()
                        && !literal.is_fstring() =>
                {
                    literal.decode().ok()
                }
                _ => None,
            })
    })
}

fn not_static(line: usize, name: &str, reason: impl Into<String>) -> NotStatic {
    NotStatic {
        line,
        name: name.to_string(),
        reason: reason.into(),
    }
}

/// A module-level simple statement that mentions one of the header names.
fn statement(line: &LogicalLine, header: &mut PyHeader) -> Result<(), NotStatic> {
    let tokens = &line.tokens;
    let first_name = match &tokens[0].kind {
        Kind::Name(n) => n.as_str(),
        _ => "",
    };
    let mentioned = |tokens: &[Token]| {
        tokens.iter().find_map(|t| match &t.kind {
            Kind::Name(n) if HEADER_NAMES.contains(&n.as_str()) => Some(n.clone()),
            _ => None,
        })
    };
    if matches!(
        first_name,
        "import" | "from" | "del" | "global" | "nonlocal"
    ) {
        if let Some(name) = mentioned(tokens) {
            if first_name != "global" && first_name != "nonlocal" {
                return Err(not_static(
                    line.line,
                    &name,
                    format!("it is bound by a `{first_name}` statement"),
                ));
            }
        }
        return Ok(());
    }
    if let Some(walrus) = tokens.iter().position(|t| t.is_op(":=")) {
        if let Some(name) = mentioned(&tokens[..walrus]) {
            return Err(not_static(line.line, &name, "it is assigned with :="));
        }
    }
    // Split at the `=` signs outside brackets: targets = ... = value.
    let mut parts: Vec<&[Token]> = Vec::new();
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        if token.depth == 0 && token.is_op("=") {
            parts.push(&tokens[start..i]);
            start = i + 1;
        }
    }
    let value_tokens = &tokens[start..];
    if parts.is_empty() {
        // No plain assignment: an augmented one (`revision += "x"`) changes the value; a bare
        // annotation (`revision: str`) or an expression that only reads it does not.
        if let (Kind::Name(name), Some(op)) = (&tokens[0].kind, tokens.get(1)) {
            let augmented = matches!(&op.kind, Kind::Op(o) if o.len() >= 2 && o.ends_with('=')
                && !matches!(o.as_str(), "==" | "!=" | "<=" | ">="));
            if augmented && HEADER_NAMES.contains(&name.as_str()) {
                return Err(not_static(
                    line.line,
                    name,
                    format!("it is changed with `{}`", op.text()),
                ));
            }
        }
        return Ok(());
    }
    for target in &parts {
        let name = match target {
            [Token {
                kind: Kind::Name(n),
                ..
            }] => n.as_str(),
            [Token {
                kind: Kind::Name(n),
                ..
            }, colon, ..]
                if colon.is_op(":") && parts.len() == 1 =>
            {
                n.as_str()
            }
            other => {
                if let Some(name) = mentioned(other) {
                    return Err(not_static(
                        line.line,
                        &name,
                        "it is assigned by unpacking or through an expression",
                    ));
                }
                continue;
            }
        };
        if !HEADER_NAMES.contains(&name) {
            continue;
        }
        let value = literal(value_tokens).map_err(|reason| {
            not_static(
                line.line,
                name,
                format!(
                    "its value `{}` is not a literal ({reason})",
                    source_text(value_tokens)
                ),
            )
        })?;
        assign(header, name, value, line.line)?;
    }
    Ok(())
}

fn assign(header: &mut PyHeader, name: &str, value: PyValue, line: usize) -> Result<(), NotStatic> {
    match name {
        "revision" => {
            let PyValue::Str(id) = value else {
                return Err(not_static(
                    line,
                    name,
                    "it is not a string (Alembic needs the revision id as a str)",
                ));
            };
            header.revision = Some(id);
            header.lines.revision = line;
        }
        "down_revision" => {
            header.down_revisions = Some(to_tuple(value, name, line)?);
            header.lines.down_revision = line;
        }
        "branch_labels" => header.branch_labels = dedupe(to_tuple(value, name, line)?),
        _ => header.depends_on = to_tuple(value, name, line)?,
    }
    Ok(())
}

/// Alembic's `util.to_tuple`: None → (), a string → (s,), a tuple or list → its items.
fn to_tuple(value: PyValue, name: &str, line: usize) -> Result<Vec<String>, NotStatic> {
    match value {
        PyValue::None => Ok(Vec::new()),
        PyValue::Str(s) => Ok(vec![s]),
        PyValue::Seq(items) => items
            .into_iter()
            .map(|item| match item {
                PyValue::Str(s) => Ok(s),
                _ => Err(not_static(
                    line,
                    name,
                    "its items must be strings (revision ids or branch labels)",
                )),
            })
            .collect(),
    }
}

fn dedupe(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// `Some(is_function)` when the line starts a compound statement.
fn compound_kind(tokens: &[Token]) -> Option<bool> {
    let mut names = tokens.iter().map(|t| match &t.kind {
        Kind::Name(n) => n.as_str(),
        _ => "",
    });
    let first = names.next()?;
    let first = if first == "async" {
        names.next()?
    } else {
        first
    };
    match first {
        "def" | "class" => Some(true),
        "if" | "elif" | "else" | "for" | "while" | "try" | "except" | "finally" | "with" => {
            Some(false)
        }
        // Soft keywords: `match x:` / `case y:` only when the line ends with a colon.
        "match" | "case" if tokens.last().is_some_and(|t| t.is_op(":")) && tokens.len() > 2 => {
            Some(false)
        }
        _ => None,
    }
}

/// The module docstring: the first statement, when it is nothing but a string literal
/// (implicitly concatenated, possibly parenthesised). f-strings and bytes are not docstrings.
fn docstring(tokens: &[Token]) -> Result<Option<String>, NotStatic> {
    let mut inner = tokens;
    while let [open, middle @ .., close] = inner {
        if open.is_op("(") && close.is_op(")") && open.depth == close.depth {
            inner = middle;
        } else {
            break;
        }
    }
    if inner.is_empty() || !inner.iter().all(|t| matches!(t.kind, Kind::Str(_))) {
        return Ok(None);
    }
    let mut out = String::new();
    for token in inner {
        let Kind::Str(literal) = &token.kind else {
            unreachable!("checked above")
        };
        if literal.is_bytes() || literal.is_fstring() {
            return Ok(None);
        }
        out.push_str(
            &literal
                .decode()
                .map_err(|reason| not_static(token.line, "docstring", reason))?,
        );
    }
    Ok(Some(out))
}

/// Parses a literal value: `None`, strings, tuples (with or without parentheses), lists.
fn literal(tokens: &[Token]) -> Result<PyValue, String> {
    if tokens.is_empty() {
        return Err("nothing after `=`".to_string());
    }
    let mut parser = LiteralParser { tokens, pos: 0 };
    let value = parser.sequence_or_item(None)?;
    if parser.pos != tokens.len() {
        return Err(format!(
            "unexpected `{}` after the value",
            tokens[parser.pos].text()
        ));
    }
    Ok(value)
}

struct LiteralParser<'t> {
    tokens: &'t [Token],
    pos: usize,
}

impl LiteralParser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    /// `item (, item)* [,]` up to `close` (or the end): several items or a trailing comma make a
    /// tuple.
    fn sequence_or_item(&mut self, close: Option<&str>) -> Result<PyValue, String> {
        let at_end = |p: &Self| match (p.peek(), close) {
            (None, _) => true,
            (Some(t), Some(c)) => t.is_op(c),
            _ => false,
        };
        if at_end(self) {
            return Ok(PyValue::Seq(Vec::new()));
        }
        let first = self.item()?;
        if !self.peek().is_some_and(|t| t.is_op(",")) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.peek().is_some_and(|t| t.is_op(",")) {
            self.pos += 1;
            if at_end(self) {
                break;
            }
            items.push(self.item()?);
        }
        Ok(PyValue::Seq(items))
    }

    fn item(&mut self) -> Result<PyValue, String> {
        let Some(token) = self.peek() else {
            return Err("the value ends early".to_string());
        };
        match &token.kind {
            Kind::Name(n) if n == "None" => {
                self.pos += 1;
                Ok(PyValue::None)
            }
            Kind::Str(_) => {
                let mut out = String::new();
                while let Some(Token {
                    kind: Kind::Str(literal),
                    ..
                }) = self.peek()
                {
                    if literal.is_bytes() {
                        return Err("a bytes literal, not a str".to_string());
                    }
                    if literal.is_fstring() {
                        return Err("an f-string".to_string());
                    }
                    out.push_str(&literal.decode()?);
                    self.pos += 1;
                }
                Ok(PyValue::Str(out))
            }
            Kind::Op(o) if o == "(" => {
                self.pos += 1;
                let value = self.sequence_or_item(Some(")"))?;
                self.expect(")")?;
                Ok(value)
            }
            Kind::Op(o) if o == "[" => {
                self.pos += 1;
                let value = match self.sequence_or_item(Some("]"))? {
                    PyValue::Seq(items) => PyValue::Seq(items),
                    single => PyValue::Seq(vec![single]),
                };
                self.expect("]")?;
                Ok(value)
            }
            _ => Err(format!("`{}` is an expression", token.text())),
        }
    }

    fn expect(&mut self, op: &str) -> Result<(), String> {
        match self.peek() {
            Some(t) if t.is_op(op) => {
                self.pos += 1;
                Ok(())
            }
            Some(t) => Err(format!("`{}` is an expression", t.text())),
            None => Err(format!("missing `{op}`")),
        }
    }
}

fn source_text(tokens: &[Token]) -> String {
    let text: Vec<String> = tokens.iter().map(Token::text).collect();
    let joined = text.join(" ");
    if joined.chars().count() > 60 {
        let cut: String = joined.chars().take(57).collect();
        format!("{cut}...")
    } else {
        joined
    }
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    kind: Kind,
    line: usize,
    /// Bracket depth inside the logical line, before this token.
    depth: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Name(String),
    Str(StrLiteral),
    /// Numbers and anything else that is neither a name, a string nor an operator.
    Other(String),
    Op(String),
}

impl Token {
    fn is_op(&self, op: &str) -> bool {
        matches!(&self.kind, Kind::Op(o) if o == op)
    }

    fn text(&self) -> String {
        match &self.kind {
            Kind::Name(s) | Kind::Other(s) | Kind::Op(s) => s.clone(),
            Kind::Str(s) => s.source.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct StrLiteral {
    /// Lower-cased prefix letters (`r`, `u`, `b`, `f`, `rb`, ...).
    prefix: String,
    /// The text between the quotes, undecoded.
    body: String,
    /// The literal as written, for messages.
    source: String,
}

impl StrLiteral {
    fn is_bytes(&self) -> bool {
        self.prefix.contains('b')
    }

    fn is_fstring(&self) -> bool {
        self.prefix.contains('f') || self.prefix.contains('t')
    }

    /// The string's value: escape sequences decoded unless the literal is raw.
    fn decode(&self) -> Result<String, String> {
        if self.prefix.contains('r') {
            return Ok(self.body.clone());
        }
        decode_escapes(&self.body)
    }
}

/// Python's escape sequences in a (non-raw) str literal.
fn decode_escapes(body: &str) -> Result<String, String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '0'..='7' => {
                let mut value = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(value).ok_or("an invalid octal escape")?);
            }
            'x' | 'u' | 'U' => {
                let len = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let digits: String = (0..len).filter_map(|_| chars.next()).collect();
                let value = u32::from_str_radix(&digits, 16)
                    .ok()
                    .filter(|_| digits.len() == len)
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("an invalid \\{e} escape"))?;
                out.push(value);
            }
            'N' => return Err("a \\N{...} escape (named Unicode character)".to_string()),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

/// One logical line: the tokens of a statement, its indentation and first physical line.
#[derive(Debug, Clone)]
struct LogicalLine {
    tokens: Vec<Token>,
    indent: usize,
    line: usize,
}

const OPERATORS: [&str; 25] = [
    "**=", "//=", ">>=", "<<=", "...", ":=", "->", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=",
    "%=", "&=", "|=", "^=", "@=", "**", "//", "<<", ">>", "<>",
];

fn logical_lines(text: &str) -> Result<Vec<LogicalLine>, NotStatic> {
    let chars: Vec<char> = text.chars().collect();
    let mut lines = Vec::new();
    let mut current: Vec<Token> = Vec::new();
    let mut depth = 0usize;
    let mut line = 1usize;
    let mut indent = 0usize;
    let mut line_start = true;
    let mut first_line = 1usize;
    let mut i = 0usize;

    let source_error = |line: usize, reason: &str| NotStatic {
        line,
        name: "source".to_string(),
        reason: reason.to_string(),
    };

    while i < chars.len() {
        let c = chars[i];
        if line_start && current.is_empty() {
            // Measure the indentation of a new logical line (tabs to the next multiple of 8).
            let mut column = 0;
            while i < chars.len() && matches!(chars[i], ' ' | '\t' | '\u{c}') {
                column = if chars[i] == '\t' {
                    (column / 8 + 1) * 8
                } else {
                    column + 1
                };
                i += 1;
            }
            indent = column;
            first_line = line;
            line_start = false;
            continue;
        }
        match c {
            '\n' => {
                line += 1;
                i += 1;
                if depth == 0 {
                    if !current.is_empty() {
                        lines.push(LogicalLine {
                            tokens: std::mem::take(&mut current),
                            indent,
                            line: first_line,
                        });
                    }
                    line_start = true;
                }
            }
            ' ' | '\t' | '\u{c}' => i += 1,
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                line += 1;
                i += 2;
            }
            '"' | '\'' => {
                let (literal, end, newlines) = read_string(&chars, i, String::new())
                    .ok_or_else(|| source_error(line, "an unterminated string literal"))?;
                current.push(Token {
                    kind: Kind::Str(literal),
                    line,
                    depth,
                });
                line += newlines;
                i = end;
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let lower = word.to_lowercase();
                let is_prefix = lower.len() <= 2
                    && lower
                        .chars()
                        .all(|c| matches!(c, 'r' | 'u' | 'b' | 'f' | 't'))
                    && matches!(chars.get(i), Some('"' | '\''));
                if is_prefix {
                    let (literal, end, newlines) = read_string(&chars, i, lower)
                        .ok_or_else(|| source_error(line, "an unterminated string literal"))?;
                    current.push(Token {
                        kind: Kind::Str(literal),
                        line,
                        depth,
                    });
                    line += newlines;
                    i = end;
                } else {
                    current.push(Token {
                        kind: Kind::Name(word),
                        line,
                        depth,
                    });
                }
            }
            c if c.is_ascii_digit() => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | '_'))
                {
                    i += 1;
                }
                current.push(Token {
                    kind: Kind::Other(chars[start..i].iter().collect()),
                    line,
                    depth,
                });
            }
            _ => {
                let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
                let op = OPERATORS
                    .iter()
                    .find(|op| rest.starts_with(**op))
                    .map_or_else(|| c.to_string(), |op| op.to_string());
                i += op.chars().count();
                let token_depth = depth;
                match op.as_str() {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => {
                        depth = depth
                            .checked_sub(1)
                            .ok_or_else(|| source_error(line, "an unbalanced closing bracket"))?;
                    }
                    _ => {}
                }
                if op == ";" && depth == 0 {
                    // `a = 1; b = 2`: two statements on one line, same indentation.
                    if !current.is_empty() {
                        lines.push(LogicalLine {
                            tokens: std::mem::take(&mut current),
                            indent,
                            line: first_line,
                        });
                    }
                    first_line = line;
                    continue;
                }
                let depth_for_token = if matches!(op.as_str(), ")" | "]" | "}") {
                    depth
                } else {
                    token_depth
                };
                current.push(Token {
                    kind: Kind::Op(op),
                    line,
                    depth: depth_for_token,
                });
            }
        }
    }
    if depth > 0 {
        return Err(source_error(
            line,
            "an unclosed bracket at the end of the file",
        ));
    }
    if !current.is_empty() {
        lines.push(LogicalLine {
            tokens: current,
            indent,
            line: first_line,
        });
    }
    Ok(lines)
}

/// Reads a string literal whose opening quote is at `start`. Returns the literal, the index
/// after it and the number of newlines it spans.
fn read_string(chars: &[char], start: usize, prefix: String) -> Option<(StrLiteral, usize, usize)> {
    let quote = chars[start];
    let triple = chars.get(start + 1) == Some(&quote) && chars.get(start + 2) == Some(&quote);
    let open_len = if triple { 3 } else { 1 };
    let mut i = start + open_len;
    let mut newlines = 0;
    loop {
        let c = *chars.get(i)?;
        if c == '\\' {
            if chars.get(i + 1) == Some(&'\n') {
                newlines += 1;
            }
            i += 2;
            continue;
        }
        if c == '\n' {
            if !triple {
                return None;
            }
            newlines += 1;
        }
        if c == quote
            && (!triple || (chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote)))
        {
            let body: String = chars[start + open_len..i].iter().collect();
            let end = i + open_len;
            let source: String = prefix
                .chars()
                .chain(chars[start..end].iter().copied())
                .collect();
            return Some((
                StrLiteral {
                    prefix,
                    body,
                    source,
                },
                end,
                newlines,
            ));
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> PyHeader {
        parse_header(text).unwrap_or_else(|e| panic!("{e:?}\n{text}"))
    }

    fn not_static(text: &str) -> NotStatic {
        match parse_header(text) {
            Err(e) => e,
            Ok(h) => panic!("expected NotStatic, got {h:?}\n{text}"),
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn current_template_with_annotations() {
        let h = header(
            "\"\"\"add email to account\n\nRevision ID: 7b41e2d9c3a4\nRevises: 3f2a9c1d0e01\n\
             Create Date: 2026-11-24 23:25:47.061761\n\n\"\"\"\nfrom typing import Sequence, Union\n\n\
             from alembic import op\nimport sqlalchemy as sa\n\n\n# revision identifiers, used by Alembic.\n\
             revision: str = '7b41e2d9c3a4'\n\
             down_revision: Union[str, Sequence[str], None] = '3f2a9c1d0e01'\n\
             branch_labels: Union[str, Sequence[str], None] = None\n\
             depends_on: Union[str, Sequence[str], None] = None\n\n\n\
             def upgrade() -> None:\n    revision = 'local, not the module'\n    op.execute(\"\"\"\nrevision = 'inside a string'\n\"\"\")\n\n\
             def downgrade() -> None:\n    pass\n",
        );
        assert_eq!(h.revision.as_deref(), Some("7b41e2d9c3a4"));
        assert_eq!(h.down_revisions, Some(strings(&["3f2a9c1d0e01"])));
        assert!(h.branch_labels.is_empty() && h.depends_on.is_empty());
        assert!(h
            .docstring
            .as_deref()
            .unwrap()
            .starts_with("add email to account\n\nRevision ID: 7b41e2d9c3a4"));
        assert_eq!(h.lines.revision, 15);
    }

    #[test]
    fn every_literal_form() {
        let h = header(
            "revision = \"aaaa00000001\"\ndown_revision = None\n# no branch_labels / depends_on\n",
        );
        assert_eq!(h.down_revisions, Some(vec![]));
        assert_eq!(h.docstring, None);

        let h = header(
            "'''single-quoted triple'''\nrevision = r'ab' 'cd'\ndown_revision = ('x', 'y',)\n\
             branch_labels = ['lbl_a', \"lbl_b\", 'lbl_a']\ndepends_on = ('dep',)\n",
        );
        assert_eq!(h.docstring.as_deref(), Some("single-quoted triple"));
        assert_eq!(h.revision.as_deref(), Some("abcd"));
        assert_eq!(h.down_revisions, Some(strings(&["x", "y"])));
        assert_eq!(h.branch_labels, strings(&["lbl_a", "lbl_b"]));
        assert_eq!(h.depends_on, strings(&["dep"]));

        let h = header(
            "revision = 'a'\ndown_revision = (\n    'p1',  # first parent\n    'p2'\n)\n\
             branch_labels = 'one'\ndepends_on = []\n",
        );
        assert_eq!(h.down_revisions, Some(strings(&["p1", "p2"])));
        assert_eq!(h.branch_labels, strings(&["one"]));

        // A bare tuple, parentheses around a string, an empty tuple, a list with one item.
        let h = header("revision = ('a')\ndown_revision = 'p1', 'p2'\n");
        assert_eq!(h.revision.as_deref(), Some("a"));
        assert_eq!(h.down_revisions, Some(strings(&["p1", "p2"])));
        assert_eq!(header("down_revision = ()\n").down_revisions, Some(vec![]));
        assert_eq!(
            header("down_revision = ['x']\n").down_revisions,
            Some(strings(&["x"]))
        );
        // Later assignments win, as in Python; PEP 604 annotations; continuation lines.
        let h = header(
            "revision = 'old'\nrevision: str | None = \\\n    'new'\ndown_revision: tuple[str, ...] = ()\n",
        );
        assert_eq!(h.revision.as_deref(), Some("new"));
        // A bare annotation binds nothing.
        assert_eq!(header("revision: str\n").revision, None);
    }

    #[test]
    fn docstrings() {
        let h = header("# -*- coding: utf-8 -*-\n\n\"\"\"Tab\\there \\u00e9 \\\nnext\"\"\"\n");
        assert_eq!(h.docstring.as_deref(), Some("Tab\there é next"));
        let h = header("(\"a\"\n \"b\")\nrevision = 'x'\n");
        assert_eq!(h.docstring.as_deref(), Some("ab"));
        assert_eq!(header("f'no {doc}'\n").docstring, None);
        assert_eq!(header("b'bytes'\n").docstring, None);
        assert_eq!(header("import os\n'not first'\n").docstring, None);
        assert_eq!(header("r'raw \\n'\n").docstring.as_deref(), Some("raw \\n"));
        assert_eq!(
            header("\u{feff}\"\"\"crlf\r\nline\"\"\"\r\n")
                .docstring
                .as_deref(),
            Some("crlf\nline")
        );
    }

    #[test]
    fn computed_values_are_reported_with_their_line() {
        let e = not_static("_prefix = 'aaaa0000'\nrevision = _prefix + '0004'\n");
        assert_eq!((e.line, e.name.as_str()), (2, "revision"));
        assert!(e.reason.contains("not a literal"), "{}", e.reason);
        assert!(e.reason.contains("_prefix + '0004'"), "{}", e.reason);

        for (text, name) in [
            ("down_revision = (_p + '3',)\n", "down_revision"),
            ("down_revision = tuple(x)\n", "down_revision"),
            ("branch_labels = {'a'}\n", "branch_labels"),
            ("revision = f'{x}'\n", "revision"),
            ("revision = b'ab'\n", "revision"),
            ("revision = 1\n", "revision"),
            ("revision = None\n", "revision"),
            ("revision = 'a'\nrevision += 'b'\n", "revision"),
            ("if True:\n    revision = 'a'\n", "revision"),
            (
                "try:\n    from x import revision\nexcept ImportError:\n    pass\n",
                "revision",
            ),
            ("from ids import revision\n", "revision"),
            ("import x as depends_on\n", "depends_on"),
            ("revision, down_revision = 'a', None\n", "revision"),
            ("for revision in ['a']: pass\n", "revision"),
            ("def revision(): pass\n", "revision"),
            ("(revision := 'a')\n", "revision"),
            ("depends_on = ('a', None)\n", "depends_on"),
            ("revision = '\\N{BULLET}'\n", "revision"),
        ] {
            let e = not_static(text);
            assert_eq!(e.name, name, "{text}: {e:?}");
        }
        assert_eq!(not_static("x = 'unterminated\n").name, "source");
        assert_eq!(not_static("x = (1,\n").name, "source");
    }

    #[test]
    fn function_bodies_and_reads_do_not_count() {
        let h = header(
            "revision = 'a'\ndown_revision = None\n\ndef upgrade():\n    if True:\n        revision = 2\n\
             \nclass Helper:\n    depends_on = 'x'\n\nprint(revision)\nassert down_revision is None\n",
        );
        assert_eq!(h.revision.as_deref(), Some("a"));
        assert!(h.depends_on.is_empty());

        let h = header("revision = 'a'; down_revision = 'b'\ndef upgrade(revision=None): pass\n");
        assert_eq!(h.revision.as_deref(), Some("a"));
        assert_eq!(h.down_revisions, Some(strings(&["b"])));
    }

    #[test]
    fn keyword_arguments_in_env_py() {
        let env = "# version_table='commented'\ncontext.configure(\n    connection=c,\n    version_table=\"my_versions\",\n)\nx(version_table_schema=schema)\n";
        assert_eq!(
            keyword_string_argument(env, "version_table").as_deref(),
            Some("my_versions")
        );
        assert_eq!(keyword_string_argument(env, "version_table_schema"), None);
    }

    #[test]
    fn escapes() {
        assert_eq!(decode_escapes("\\x41\\101\\'\\q\\\\").unwrap(), "AA'\\q\\");
        assert!(decode_escapes("\\x4").is_err());
    }
}
