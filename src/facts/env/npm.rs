//! npm `dotenv` 16's reading of an env file (`dotenv.config()` / `dotenv.parse()`).
//!
//! dotenv 16 is one regular expression applied repeatedly over the whole text (line breaks
//! first normalised to `\n`); lines it does not match are skipped silently. Its rules:
//! - `[export ]KEY=value` or `KEY: value`; a key is `[A-Za-z0-9_.-]+`;
//! - an unquoted value ends at the first `#` (no space needed: `a#b` is `a`) and is trimmed;
//! - `'...'`, `"..."` and `` `...` `` values may span lines; text after the closing quote
//!   other than a comment makes the line fall back to the unquoted rule (quotes kept);
//! - only double quotes expand `\n` and `\r`; no other escape, and no `${VAR}` expansion
//!   (that is the separate `dotenv-expand` package), so `${X}` stays literal text;
//! - the last definition of a key wins.
//!
//! The pattern below is the same language as dotenv's, written for Rust's engine, whose
//! leftmost-first semantics pick the same match as JavaScript's backtracking one. `\w` is
//! spelled out because Rust's is Unicode and JavaScript's is ASCII.

use super::assignments::{refuse_swallowed_lines, Collector, EnvFile};
use crate::facts::error::FactError;
use regex::Regex;
use std::sync::OnceLock;

const LINE: &str = concat!(
    r"(?m)^\s*(?:export\s+)?([0-9A-Za-z_.-]+)(?:\s*=\s*?|:\s+?)",
    r#"(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?"#,
    r"\s*(?:#.*)?$",
);

/// dotenv's line pattern, compiled once. It is a constant, so an error here is a bug in
/// rampart; it is still reported as an unusable file rather than a crash.
fn line_regex() -> Result<&'static Regex, FactError> {
    static LINE_RE: OnceLock<Result<Regex, regex::Error>> = OnceLock::new();
    LINE_RE
        .get_or_init(|| Regex::new(LINE))
        .as_ref()
        .map_err(|e| FactError::System(format!("npm dotenv reader: {e}")))
}

pub fn parse(text: &str) -> Result<EnvFile, FactError> {
    let text = normalise_line_breaks(text);
    let mut collector = Collector::default();
    let mut line = 1;
    let mut counted_to = 0;
    for caps in line_regex()?.captures_iter(&text) {
        let (Some(key), whole) = (caps.get(1), caps.get(0)) else {
            continue;
        };
        line += text[counted_to..key.start()].matches('\n').count();
        counted_to = key.start();
        let raw = caps.get(2).map_or("", |m| m.as_str());
        let value = value_of(raw);
        if value.contains('\n') {
            refuse_swallowed_lines(key.as_str(), line, &value)?;
        }
        collector.add(key.as_str().to_string(), value, line)?;
        // Keep counting from where the match ended: its own line breaks belong to it.
        if let Some(whole) = whole {
            line += text[counted_to..whole.end()].matches('\n').count();
            counted_to = whole.end();
        }
    }
    Ok(collector.finish())
}

/// dotenv replaces `\r\n` and a lone `\r` with `\n` before matching.
fn normalise_line_breaks(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The value as dotenv stores it: trimmed, one pair of matching outer quotes removed, and in
/// double quotes `\n` / `\r` turned into line breaks.
fn value_of(raw: &str) -> String {
    let value = raw.trim_matches(is_js_whitespace);
    let first = value.chars().next();
    let quoted = match first {
        Some(q @ ('\'' | '"' | '`')) if value.len() >= 2 && value.ends_with(q) => {
            &value[1..value.len() - 1]
        }
        _ => value,
    };
    if first == Some('"') {
        quoted.replace("\\n", "\n").replace("\\r", "\r")
    } else {
        quoted.to_string()
    }
}

/// `String.prototype.trim`'s set: Unicode white space, line terminators and the BOM.
fn is_js_whitespace(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}
