//! python-dotenv's reading of an env file (`load_dotenv()` / `dotenv_values()`).
//!
//! python-dotenv reads one binding at a time with a small reader; its rules:
//! - `[export ]KEY=value`; a key is `'quoted'` or any run without `=`, `#` or blanks;
//! - blanks around `=` are ignored; `KEY=` is empty and a bare `KEY` is not set by `load_dotenv`;
//! - an unquoted value runs to the end of the line, cut at the first blank-then-`#`, and
//!   `KEY=  # note` (blanks after `=`, then `#`) is empty; `KEY=#x` is `#x`;
//! - `'...'` decodes `\\` and `\'`; `"..."` also `\"`, `\a \b \f \n \r \t \v`; both may span lines;
//! - after a value only blanks and a `#` comment may follow on its line: anything else (an
//!   unterminated quote, `A="x" B=1`) makes the whole binding invalid, which python-dotenv
//!   skips with a warning. rampart reports it as an error naming the line instead of guessing;
//! - `${NAME}` and `${NAME:-default}` are then expanded in every value, quoted or not, from
//!   the variables defined above (the default applies only when NAME is undefined); `$NAME`
//!   stays literal.

use super::assignments::{refuse_swallowed_lines, Collector, EnvFile};
use crate::facts::error::FactError;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::OnceLock;

struct Patterns {
    multiline_whitespace: Regex,
    export: Regex,
    single_quoted_key: Regex,
    unquoted_key: Regex,
    whitespace: Regex,
    equal_sign: Regex,
    single_quoted_value: Regex,
    double_quoted_value: Regex,
    unquoted_value: Regex,
    comment: Regex,
    end_of_line: Regex,
    blank_then_comment: Regex,
    variable: Regex,
}

/// The reader's patterns, compiled once. They are constants, so an error here is a bug in
/// rampart; it is still reported as an unusable file rather than a crash.
fn patterns() -> Result<&'static Patterns, FactError> {
    static PATTERNS: OnceLock<Result<Patterns, regex::Error>> = OnceLock::new();
    PATTERNS
        .get_or_init(compile_patterns)
        .as_ref()
        .map_err(|e| FactError::System(format!("python-dotenv reader: {e}")))
}

fn compile_patterns() -> Result<Patterns, regex::Error> {
    let re = Regex::new;
    Ok(Patterns {
        multiline_whitespace: re(r"^\s*")?,
        export: re(r"^(?:export[^\S\r\n]+)?")?,
        single_quoted_key: re(r"^'([^']+)'")?,
        unquoted_key: re(r"^([^=\#\s]+)")?,
        whitespace: re(r"^[^\S\r\n]*")?,
        equal_sign: re(r"^(=[^\S\r\n]*)")?,
        single_quoted_value: re(r"^'((?:\\'|[^'])*)'")?,
        double_quoted_value: re(r#"^"((?:\\"|[^"])*)""#)?,
        unquoted_value: re(r"^([^\r\n]*)")?,
        comment: re(r"^(?:[^\S\r\n]*#[^\r\n]*)?")?,
        end_of_line: re(r"^[^\S\r\n]*(?:\r\n|\n|\r|$)")?,
        blank_then_comment: re(r"\s+#.*")?,
        variable: re(r"\$\{([^}:]*)(?::-([^}]*))?\}")?,
    })
}

/// The binding could not be read; python-dotenv skips it.
struct Invalid;

struct Reader<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Reader<'a> {
    fn has_next(&self) -> bool {
        self.pos < self.text.len()
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    /// Matches `re` (anchored with `^`) here, advancing past it; the groups it captured.
    fn read(&mut self, re: &Regex) -> Result<Vec<Option<&'a str>>, Invalid> {
        let rest = &self.text[self.pos..];
        let caps = re.captures(rest).ok_or(Invalid)?;
        let whole = caps.get(0).map_or("", |m| m.as_str());
        self.advance(whole);
        Ok(caps.iter().skip(1).map(|g| g.map(|m| m.as_str())).collect())
    }

    fn advance(&mut self, consumed: &str) {
        self.pos += consumed.len();
        // python-dotenv counts `\r\n`, `\n` and `\r` as one line break each.
        self.line += consumed.replace("\r\n", "\n").matches(['\n', '\r']).count();
    }
}

enum Binding {
    Nothing,
    /// `None` for a bare `KEY` without `=`.
    Value(String, Option<String>, usize),
}

pub fn parse(text: &str) -> Result<EnvFile, FactError> {
    let p = patterns()?;
    let mut reader = Reader {
        text,
        pos: 0,
        line: 1,
    };
    // Raw values in file order; expansion runs afterwards over them, as python-dotenv does.
    let mut bindings: Vec<(String, Option<String>, usize)> = Vec::new();
    while reader.has_next() {
        let start = reader.line;
        let before = reader.pos;
        match binding(&mut reader, p) {
            Ok(Binding::Nothing) => {}
            Ok(Binding::Value(key, value, line)) => {
                if let Some(v) = &value {
                    if v.contains(['\n', '\r']) {
                        refuse_swallowed_lines(&key, line, v)?;
                    }
                }
                bindings.push((key, value, line));
            }
            Err(Invalid) => {
                return Err(FactError::from(format!(
                    "line {start}: python-dotenv cannot parse this line (an unterminated quote, \
                     or text after a value) and would skip it with a warning"
                )));
            }
        }
        if reader.pos == before {
            // Cannot happen with these patterns; never loop without progress.
            break;
        }
    }
    expand_all(bindings)
}

fn binding(reader: &mut Reader, p: &Patterns) -> Result<Binding, Invalid> {
    reader.read(&p.multiline_whitespace)?;
    if !reader.has_next() {
        return Ok(Binding::Nothing);
    }
    reader.read(&p.export)?;
    let line = reader.line;
    let key = match reader.peek() {
        Some('#') => None,
        Some('\'') => first(reader.read(&p.single_quoted_key)?),
        _ => first(reader.read(&p.unquoted_key)?),
    };
    reader.read(&p.whitespace)?;
    let value = if reader.peek() == Some('=') {
        let equal_sign = first(reader.read(&p.equal_sign)?).unwrap_or_default();
        Some(value(reader, p, equal_sign.len() > 1)?)
    } else {
        None
    };
    reader.read(&p.comment)?;
    reader.read(&p.end_of_line)?;
    Ok(match key {
        Some(k) => Binding::Value(k, value, line),
        None => Binding::Nothing,
    })
}

fn first(groups: Vec<Option<&str>>) -> Option<String> {
    groups.into_iter().next().flatten().map(str::to_string)
}

fn value(reader: &mut Reader, p: &Patterns, after_blank: bool) -> Result<String, Invalid> {
    match reader.peek() {
        Some('\'') => {
            let raw = first(reader.read(&p.single_quoted_value)?).unwrap_or_default();
            Ok(decode_escapes(&raw, &['\\', '\'']))
        }
        Some('"') => {
            let raw = first(reader.read(&p.double_quoted_value)?).unwrap_or_default();
            Ok(decode_escapes(
                &raw,
                &['\\', '\'', '"', 'a', 'b', 'f', 'n', 'r', 't', 'v'],
            ))
        }
        None | Some('\n') | Some('\r') => Ok(String::new()),
        Some(_) => {
            let part = first(reader.read(&p.unquoted_value)?).unwrap_or_default();
            if after_blank && part.starts_with('#') {
                return Ok(String::new());
            }
            let cut = p.blank_then_comment.replace(&part, "");
            Ok(cut.trim_end_matches(is_py_whitespace).to_string())
        }
    }
}

/// `str.rstrip()`'s set.
fn is_py_whitespace(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1c}'..='\u{1f}')
}

/// Decodes backslash escapes whose letter is in `known`; every other backslash stays.
fn decode_escapes(raw: &str, known: &[char]) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().copied()) {
            ('\\', Some(next)) if known.contains(&next) => {
                chars.next();
                out.push(match next {
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\u{b}',
                    other => other,
                });
            }
            _ => out.push(c),
        }
    }
    out
}

/// python-dotenv's `resolve_variables`: each value sees the values resolved above it. The
/// auditor's own environment is not the deployment's, so it is not consulted.
fn expand_all(bindings: Vec<(String, Option<String>, usize)>) -> Result<EnvFile, FactError> {
    let p = patterns()?;
    let mut resolved: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut collector = Collector::default();
    for (key, value, line) in bindings {
        let result = value.map(|v| {
            p.variable
                .replace_all(&v, |caps: &regex::Captures| {
                    let name = caps.get(1).map_or("", |m| m.as_str());
                    match resolved.get(name) {
                        Some(found) => found.clone().unwrap_or_default(),
                        None => caps
                            .get(2)
                            .map_or(String::new(), |d| d.as_str().to_string()),
                    }
                })
                .into_owned()
        });
        match &result {
            Some(v) => collector.add(key.clone(), v.clone(), line)?,
            // `dotenv_values` maps it to None and `load_dotenv` then leaves it unset.
            None => collector.unset(&key),
        }
        resolved.insert(key, result);
    }
    Ok(collector.finish())
}
