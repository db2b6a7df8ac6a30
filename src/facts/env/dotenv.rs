//! Loading env files: the data model every env check reads, and Compose's parser. The other
//! loaders' parsers (`npm.rs`, `python.rs`) feed the same model. Compose's rules (compose-go v2): `KEY=value` or `KEY: value`, an optional `export` prefix,
//! `#` comment lines, ` #` inline comments after unquoted values, single quotes taken
//! literally, double quotes with escapes, both quote kinds spanning lines, and `${VAR}`
//! interpolation from variables defined earlier in the same file.
//!
//! Error messages name the line (and the key when it is known) but never quote the text:
//! a malformed line may well be a secret pasted in the wrong place.

use super::assignments::{
    refuse_swallowed_lines, value_too_long, Collector, EnvFile, EnvVar, MAX_VALUE_BYTES,
};
use super::Dialect;
use crate::facts::error::FactError;
use crate::facts::template::{self, OnMalformed, Rules, TemplateError};
use crate::finding::Location;
use crate::target::EnvFileSpec;
use std::collections::BTreeMap;
use std::path::Path;

/// Env files are small; anything bigger is not one.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
const MAX_LINES: usize = 50_000;
const MAX_INTERPOLATION_DEPTH: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvState {
    Missing,
    /// Could not be used: unreadable, binary, not UTF-8, or malformed. The reason names the
    /// line where that applies and never quotes a value; it reads well after `PATH: `.
    Unusable(String),
    Parsed(EnvFile),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedEnv {
    pub spec: EnvFileSpec,
    pub state: EnvState,
}

impl LoadedEnv {
    /// The variable's value; `None` when unset or the file could not be parsed.
    pub fn get(&self, key: &str) -> Option<&str> {
        match &self.state {
            EnvState::Parsed(f) => f.vars.get(key).map(|v| v.value.as_str()),
            _ => None,
        }
    }

    pub fn var(&self, key: &str) -> Option<&EnvVar> {
        match &self.state {
            EnvState::Parsed(f) => f.vars.get(key),
            _ => None,
        }
    }

    /// The file and the line that defines `key` (the file alone when it is not defined).
    pub fn location(&self, key: &str) -> Location {
        Location::file(&self.spec.path, self.var(key).map(|v| v.line))
    }

    /// `path:line` for a variable, the subject of findings about it.
    pub fn locate(&self, key: &str) -> String {
        match self.var(key) {
            Some(v) => format!("{}:{} {key}", self.spec.path.display(), v.line),
            None => format!("{} {key}", self.spec.path.display()),
        }
    }
}

/// Reads and parses every env file of the target, in declaration order.
pub fn load_all(specs: &[EnvFileSpec]) -> Vec<LoadedEnv> {
    specs
        .iter()
        .map(|spec| LoadedEnv {
            spec: spec.clone(),
            state: load(&spec.path, spec.dialect),
        })
        .collect()
}

pub fn load(path: &std::path::Path, dialect: Dialect) -> EnvState {
    match read_text(path) {
        Ok(text) => match parse_as(&text, dialect) {
            Ok(file) => EnvState::Parsed(file),
            // Name the loader: the same line can be fine for one and broken for another.
            Err(reason) => {
                EnvState::Unusable(format!("{reason} (read as {} reads it)", dialect.loader()))
            }
        },
        Err(state) => state,
    }
}

/// The file's text, or the state explaining why there is none.
fn read_text(path: &Path) -> Result<String, EnvState> {
    use crate::read::{read_bounded, ReadError};
    match read_bounded(path, MAX_FILE_BYTES as usize) {
        Ok(bytes) => text_from_bytes(bytes).map_err(|e| EnvState::Unusable(e.to_string())),
        Err(ReadError::NotFound) => Err(EnvState::Missing),
        Err(ReadError::TooLarge { .. }) => Err(too_big()),
        Err(e) => Err(EnvState::Unusable(e.to_string())),
    }
}

fn too_big() -> EnvState {
    EnvState::Unusable(format!(
        "larger than {} KiB; not an env file",
        MAX_FILE_BYTES / 1024
    ))
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn text_from_bytes(bytes: Vec<u8>) -> Result<String, FactError> {
    if let Some(nul) = bytes.iter().position(|b| *b == 0) {
        return Err(FactError::from(format!(
            "binary, not text (NUL byte on line {})",
            line_of(&bytes, nul)
        )));
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            Err(FactError::from(format!(
                "not UTF-8 text (invalid byte on line {})",
                line_of(e.as_bytes(), offset)
            )))
        }
    }
}

/// Parses dotenv text with Compose's rules. The error names the line and never quotes the text.
pub fn parse(text: &str) -> Result<EnvFile, FactError> {
    parse_as(text, Dialect::Compose)
}

/// Parses dotenv text the way `dialect`'s loader reads it.
pub fn parse_as(text: &str, dialect: Dialect) -> Result<EnvFile, FactError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let line_count = text.lines().count();
    if line_count > MAX_LINES {
        return Err(FactError::from(format!(
            "{line_count} lines, more than the {MAX_LINES} an env file may have"
        )));
    }
    match dialect {
        Dialect::Compose => parse_compose(text),
        Dialect::Npm => super::npm::parse(text),
        Dialect::Python => super::python::parse(text),
    }
}

fn parse_compose(text: &str) -> Result<EnvFile, FactError> {
    let mut parser = Parser {
        src: text,
        pos: 0,
        line: 1,
    };
    let mut collector = Collector::default();
    while let Some(statement) = parser.next_statement(&collector.vars)? {
        let Statement { key, value, line } = statement;
        collector.add(key, value, line)?;
    }
    Ok(collector.finish())
}

struct Statement {
    key: String,
    value: String,
    line: usize,
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    line: usize,
}

/// Whitespace inside a line (compose-go's `isSpace`): never a line break.
fn is_inline_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{b}' | '\u{c}' | '\r' | '\u{85}' | '\u{a0}'
    )
}

pub fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']')
}

/// Whether a variable's name says it holds a secret (PASSWORD, SECRET, TOKEN, KEY, in any
/// case). Such values are never shown and are masked in every output.
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["PASSWORD", "SECRET", "TOKEN", "KEY"]
        .iter()
        .any(|w| upper.contains(w))
}

/// Whether `name` could be defined in an env file.
pub fn is_valid_key(name: &str) -> bool {
    !name.is_empty() && name.chars().all(is_key_char)
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn skip_inline_space(&mut self) {
        while self.peek().is_some_and(is_inline_space) {
            self.bump();
        }
    }

    /// Skips to the end of the current line, leaving the newline unread.
    fn skip_to_line_end(&mut self) {
        match self.rest().find('\n') {
            Some(i) => self.pos += i,
            None => self.pos = self.src.len(),
        }
    }

    /// The next assignment, skipping blank lines, comments and bare `KEY` lines (which
    /// Compose fills from its own process environment, not from the file).
    fn next_statement(
        &mut self,
        defined: &BTreeMap<String, EnvVar>,
    ) -> Result<Option<Statement>, FactError> {
        loop {
            while self.peek().is_some_and(char::is_whitespace) {
                self.bump();
            }
            match self.peek() {
                None => return Ok(None),
                Some('#') => {
                    self.skip_to_line_end();
                    continue;
                }
                Some(_) => {}
            }
            let line = self.line;
            let Some(key) = self.key(line)? else {
                continue;
            };
            let value = self.value(&key, line, defined)?;
            return Ok(Some(Statement { key, value, line }));
        }
    }

    /// Reads `[export ]KEY` and its `=`/`:`; `None` for a bare `KEY` line.
    fn key(&mut self, line: usize) -> Result<Option<String>, FactError> {
        if let Some(after) = self.rest().strip_prefix("export") {
            let spaced = after.starts_with([' ', '\t']);
            let trimmed = after.trim_start_matches([' ', '\t']);
            // `export=1` and `export =1` define a variable named `export`.
            if spaced && !trimmed.starts_with(['=', ':']) {
                self.pos = self.src.len() - trimmed.len();
            }
        }
        let start = self.pos;
        let mut end = start;
        let mut saw_space_after_name = false;
        loop {
            match self.peek() {
                Some('=') | Some(':') => break,
                None | Some('\n') => return Ok(None),
                Some(c) if is_inline_space(c) => {
                    saw_space_after_name = end > start;
                    self.bump();
                }
                Some(c) if is_key_char(c) => {
                    if saw_space_after_name {
                        return Err(FactError::from(format!(
                            "line {line}: not a `KEY=value` line (a variable name cannot contain a space)"
                        )));
                    }
                    self.bump();
                    end = self.pos;
                }
                Some(_) => {
                    return Err(FactError::from(format!(
                        "line {line}: not a `KEY=value` line (invalid character in the variable name)"
                    )));
                }
            }
        }
        let key = self.src[start..end].to_string();
        self.bump();
        if key.is_empty() {
            return Err(FactError::from(format!(
                "line {line}: not a `KEY=value` line (no variable name before `=`)"
            )));
        }
        Ok(Some(key))
    }

    fn value(
        &mut self,
        key: &str,
        line: usize,
        defined: &BTreeMap<String, EnvVar>,
    ) -> Result<String, FactError> {
        self.skip_inline_space();
        let value = match self.peek() {
            Some(q @ ('\'' | '"')) => {
                self.bump();
                let raw = self.quoted(q).ok_or_else(|| {
                    let kind = if q == '"' { "double" } else { "single" };
                    format!("line {line}: {key}: unterminated {kind}-quoted value")
                })?;
                refuse_swallowed_lines(key, line, &raw)?;
                // What follows the closing quote is read as the next statement, as Compose
                // does: `A="x" B=1` defines both, `A="x" # note` is a comment.
                if q == '\'' {
                    raw
                } else {
                    let ctx = ExpandCtx { key, line, defined };
                    interpolate(&unescape_double_quoted(&raw), &ctx)?
                }
            }
            _ => {
                let rest = self.rest();
                let text = match rest.find('\n') {
                    Some(i) => &rest[..i],
                    None => rest,
                };
                self.pos += text.len();
                let text = match text.find(" #") {
                    Some(i) => &text[..i],
                    None => text,
                };
                let ctx = ExpandCtx { key, line, defined };
                interpolate(text.trim_end(), &ctx)?
            }
        };
        if value.len() > MAX_VALUE_BYTES {
            return Err(FactError::from(value_too_long(key, line)));
        }
        Ok(value)
    }

    /// The text up to the closing quote (consumed), with `\<quote>` turned into the quote and
    /// every other backslash kept for later unescaping; `None` when the quote never closes.
    fn quoted(&mut self, quote: char) -> Option<String> {
        let mut out = String::new();
        let mut escaped = false;
        loop {
            let c = self.bump()?;
            if escaped {
                escaped = false;
                if c != quote {
                    out.push('\\');
                }
                out.push(c);
            } else if c == '\\' {
                escaped = true;
            } else if c == quote {
                return Some(out);
            } else {
                out.push(c);
            }
        }
    }
}

/// Compose's escapes in double quotes. `\$` becomes `$$` so interpolation keeps one `$`.
fn unescape_double_quoted(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(&next) = chars.peek() else {
            out.push('\\');
            break;
        };
        let replacement = match next {
            'a' => Some("\u{7}"),
            'b' => Some("\u{8}"),
            'f' => Some("\u{c}"),
            'n' => Some("\n"),
            'r' => Some("\r"),
            't' => Some("\t"),
            'v' => Some("\u{b}"),
            '$' => Some("$$"),
            '"' => Some("\""),
            '\\' => Some("\\"),
            _ => None,
        };
        if let Some(r) = replacement {
            chars.next();
            out.push_str(r);
        } else if next == '0' {
            chars.next();
            let mut code = 0u32;
            let mut digits = 0;
            while digits < 3 {
                match chars.peek().and_then(|d| d.to_digit(8)) {
                    Some(d) => {
                        code = code * 8 + d;
                        digits += 1;
                        chars.next();
                    }
                    None => break,
                }
            }
            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
        } else {
            out.push('\\');
        }
    }
    out
}

struct ExpandCtx<'a> {
    key: &'a str,
    line: usize,
    defined: &'a BTreeMap<String, EnvVar>,
}

const TEMPLATE_RULES: Rules = Rules {
    on_malformed: OnMalformed::Refuse,
    max_nesting: MAX_INTERPOLATION_DEPTH,
    max_len: MAX_VALUE_BYTES,
};

/// Compose interpolation of a value. Only variables defined earlier in the file are known:
/// the auditor's own environment is not the deployment's.
fn interpolate(text: &str, ctx: &ExpandCtx) -> Result<String, FactError> {
    let lookup = |name: &str| ctx.defined.get(name).map(|v| v.value.clone());
    template::expand(text, &lookup, &TEMPLATE_RULES).map_err(|e| {
        let (key, line) = (ctx.key, ctx.line);
        FactError::from(match e {
            TemplateError::TooLong => value_too_long(key, line),
            TemplateError::Unclosed => format!("line {line}: {key}: unclosed `${{` in the value"),
            TemplateError::TooDeep => format!("line {line}: {key}: `${{...}}` nested too deeply"),
            TemplateError::InvalidReference => {
                format!("line {line}: {key}: invalid `${{...}}` reference in the value")
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::env::assignments::MAX_ASSIGNMENTS;
    use crate::facts::env::DuplicateKey;

    fn parsed(text: &str) -> EnvFile {
        match parse(text) {
            Ok(f) => f,
            Err(e) => panic!("expected {text:?} to parse, got {e}"),
        }
    }

    fn value(file: &EnvFile, key: &str) -> String {
        file.vars
            .get(key)
            .map(|v| v.value.clone())
            .unwrap_or_else(|| panic!("{key} not defined in {file:?}"))
    }

    fn failure(text: &str) -> String {
        match parse(text) {
            Ok(f) => panic!("expected {text:?} to be refused, parsed {f:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn plain_export_blank_and_comment_lines() {
        let f = parsed(
            "# header\n\nA=1\n   export B=two\n\t# indented comment\nexport\tC = three \nD=\n",
        );
        assert_eq!(value(&f, "A"), "1");
        assert_eq!(value(&f, "B"), "two");
        assert_eq!(value(&f, "C"), "three");
        assert_eq!(value(&f, "D"), "");
        assert_eq!(f.vars["A"].line, 3);
        assert_eq!(f.vars["B"].line, 4);
        assert_eq!(f.vars["C"].line, 6);
        assert_eq!(f.vars["D"].line, 7);
        assert_eq!(f.vars.len(), 4);
        assert!(f.duplicates.is_empty());
    }

    #[test]
    fn export_as_a_name_and_yaml_style() {
        let f = parsed("export=1\nexportFOO=2\nOPT: a=b\nURL=postgres://h:5432/db\n");
        assert_eq!(value(&f, "export"), "1");
        assert_eq!(value(&f, "exportFOO"), "2");
        assert_eq!(value(&f, "OPT"), "a=b");
        assert_eq!(value(&f, "URL"), "postgres://h:5432/db");
    }

    #[test]
    fn inline_comments_only_after_a_space() {
        let f =
            parsed("A=bar # note\nB=bar#baz\nC=\"x#y\" # note\nD='p # q'\nE=  # only comment\n");
        assert_eq!(value(&f, "A"), "bar");
        assert_eq!(value(&f, "B"), "bar#baz");
        assert_eq!(value(&f, "C"), "x#y");
        assert_eq!(value(&f, "D"), "p # q");
        // Compose trims the blanks first, so the `#` starts the value.
        assert_eq!(value(&f, "E"), "# only comment");
    }

    #[test]
    fn single_quotes_are_literal() {
        let f = parsed("A='a\\nb $X ${Y}'\nB='it\\'s'\n");
        assert_eq!(value(&f, "A"), "a\\nb $X ${Y}");
        assert_eq!(value(&f, "B"), "it's");
    }

    #[test]
    fn double_quotes_unescape() {
        let f = parsed(r#"A="a\nb\tc \"q\" back\\slash \$HOME \x""#);
        assert_eq!(value(&f, "A"), "a\nb\tc \"q\" back\\slash $HOME \\x");
    }

    #[test]
    fn multi_line_values_keep_their_first_line() {
        let f = parsed(
            "A=1\nKEY=\"-----BEGIN KEY-----\nabc\n-----END KEY-----\"\nB=2\nC='x\ny'\nD=3\n",
        );
        assert_eq!(
            value(&f, "KEY"),
            "-----BEGIN KEY-----\nabc\n-----END KEY-----"
        );
        assert_eq!(f.vars["KEY"].line, 2);
        assert_eq!(f.vars["B"].line, 5);
        assert_eq!(value(&f, "C"), "x\ny");
        assert_eq!(f.vars["C"].line, 6);
        assert_eq!(f.vars["D"].line, 8);
    }

    #[test]
    fn crlf_line_endings() {
        let f = parsed("A=1\r\nB=\"two\"\r\n\r\nC=3\r\n");
        assert_eq!(value(&f, "A"), "1");
        assert_eq!(value(&f, "B"), "two");
        assert_eq!(f.vars["C"].line, 4);
    }

    #[test]
    fn later_duplicates_win_and_are_recorded() {
        let f = parsed("FOO=a\nBAR=1\n\nFOO=b\nFOO=c\nBAR=2\n");
        assert_eq!(value(&f, "FOO"), "c");
        assert_eq!(f.vars["FOO"].line, 5);
        assert_eq!(
            f.duplicates,
            vec![
                DuplicateKey {
                    key: "FOO".into(),
                    lines: vec![1, 4, 5]
                },
                DuplicateKey {
                    key: "BAR".into(),
                    lines: vec![2, 6]
                },
            ]
        );
    }

    #[test]
    fn interpolation_from_earlier_variables() {
        let f = parsed(
            "PW=s3cr3t\nURL=postgres://app:${PW}@db/app\nB=$PW-x\nC=\"${MISSING:-fallback}\"\n\
             D=${PW:+set}\nE=$$PW\nF='${PW}'\nG=${NOPE}\nH=${NOPE:?required}\nI=${MISSING:-${PW}}\nJ=cost$5\n",
        );
        assert_eq!(value(&f, "URL"), "postgres://app:s3cr3t@db/app");
        assert_eq!(value(&f, "B"), "s3cr3t-x");
        assert_eq!(value(&f, "C"), "fallback");
        assert_eq!(value(&f, "D"), "set");
        assert_eq!(value(&f, "E"), "$PW");
        assert_eq!(value(&f, "F"), "${PW}");
        assert_eq!(value(&f, "G"), "");
        assert_eq!(value(&f, "H"), "");
        assert_eq!(value(&f, "I"), "s3cr3t");
        assert_eq!(value(&f, "J"), "cost$5");
    }

    #[test]
    fn bare_keys_are_not_definitions() {
        let f = parsed("INHERITED\nA=1\n");
        assert!(!f.vars.contains_key("INHERITED"));
        assert_eq!(f.vars["A"].line, 2);
    }

    #[test]
    fn malformed_lines_name_the_line_but_not_the_text() {
        let e = failure("A=1\nB=\"never closed\nC=3\n");
        assert!(e.contains("line 2") && e.contains("unterminated"), "{e}");
        assert!(!e.contains("never closed"), "{e}");

        let e = failure("A=1\nB='open\n");
        assert!(e.contains("line 2") && e.contains("single-quoted"), "{e}");

        let e = failure("A=1\nhunter2 hunter3\n");
        assert!(e.contains("line 2") && !e.contains("hunter"), "{e}");

        let e = failure("A=1\n\nsup3r$ecret=1\n");
        assert!(e.contains("line 3") && !e.contains("sup3r"), "{e}");

        let e = failure("=value\n");
        assert!(e.contains("line 1") && !e.contains("value\""), "{e}");

        // Compose reads what follows a closing quote as the next statement: a name with a
        // space in it is refused.
        let e = failure("A=\"ok\" trailing secret\n");
        assert!(e.contains("line 1") && !e.contains("trailing"), "{e}");

        let e = failure("A=${B\n");
        assert!(e.contains("line 1") && e.contains("unclosed"), "{e}");
    }

    #[test]
    fn interpolation_cannot_explode() {
        let mut text = format!("A={}\n", "x".repeat(40_000));
        text.push_str("B=$A$A$A\n");
        let e = failure(&text);
        assert!(e.contains("line 2") && e.contains("longer than"), "{e}");
    }

    #[test]
    fn too_many_lines_or_variables() {
        let e = failure(&"\n".repeat(MAX_LINES + 5));
        assert!(e.contains("lines"), "{e}");
        let many: String = (0..MAX_ASSIGNMENTS + 1)
            .map(|i| format!("V{i}=1\n"))
            .collect();
        let e = failure(&many);
        assert!(e.contains("more than"), "{e}");
    }

    #[test]
    fn loads_files_missing_binary_non_utf8_dirs_and_big_ones() {
        let dir = tempfile::tempdir().unwrap();
        let p = |n: &str| dir.path().join(n);

        assert_eq!(load(&p("absent.env"), Dialect::Compose), EnvState::Missing);

        std::fs::write(p("ok.env"), "\u{feff}A=1\n").unwrap();
        match load(&p("ok.env"), Dialect::Compose) {
            EnvState::Parsed(f) => assert_eq!(f.vars["A"].value, "1"),
            other => panic!("{other:?}"),
        }

        std::fs::write(p("bin.env"), b"A=1\nB=\x00\x01\n").unwrap();
        match load(&p("bin.env"), Dialect::Compose) {
            EnvState::Unusable(r) => assert!(r.contains("binary") && r.contains("line 2"), "{r}"),
            other => panic!("{other:?}"),
        }

        std::fs::write(p("latin1.env"), b"A=1\n\nB=caf\xe9\n").unwrap();
        match load(&p("latin1.env"), Dialect::Compose) {
            EnvState::Unusable(r) => assert!(r.contains("UTF-8") && r.contains("line 3"), "{r}"),
            other => panic!("{other:?}"),
        }

        std::fs::create_dir(p("dir.env")).unwrap();
        match load(&p("dir.env"), Dialect::Compose) {
            EnvState::Unusable(r) => assert!(r.contains("directory"), "{r}"),
            other => panic!("{other:?}"),
        }

        std::fs::write(p("big.env"), vec![b'#'; MAX_FILE_BYTES as usize + 1]).unwrap();
        match load(&p("big.env"), Dialect::Compose) {
            EnvState::Unusable(r) => assert!(r.contains("larger than"), "{r}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn load_all_keeps_declaration_order_and_roles() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.env"), "X=1\n").unwrap();
        let specs = vec![
            EnvFileSpec {
                role: "main".into(),
                path: dir.path().join("a.env"),
                required: true,
                dialect: Default::default(),
            },
            EnvFileSpec {
                role: "agent".into(),
                path: dir.path().join("b.env"),
                required: false,
                dialect: Default::default(),
            },
        ];
        let loaded = load_all(&specs);
        assert_eq!(loaded.len(), 2);
        assert_eq!(loaded[0].get("X"), Some("1"));
        assert_eq!(loaded[1].state, EnvState::Missing);
        assert!(loaded[0].locate("X").ends_with("a.env:1 X"));
        assert!(loaded[1].locate("X").ends_with("b.env X"));
    }
}
