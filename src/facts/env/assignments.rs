//! What every loader's parser produces: the variables of one env file, gathered in file order
//! within shared bounds. The Compose, npm dotenv and python-dotenv parsers all feed it.

use crate::facts::error::FactError;
use std::collections::BTreeMap;

pub(super) const MAX_ASSIGNMENTS: usize = 10_000;
/// Interpolation can multiply text (`B=$A$A$A`); these bound what it may produce.
pub(super) const MAX_VALUE_BYTES: usize = 64 * 1024;
const MAX_TOTAL_VALUE_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub value: String,
    /// 1-based line where the (last) definition starts.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    /// Every line that defines the key, in order; the last one wins.
    pub lines: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnvFile {
    pub vars: BTreeMap<String, EnvVar>,
    pub duplicates: Vec<DuplicateKey>,
}

/// Gathers a loader's assignments in file order, within the bounds, recording redefinitions.
#[derive(Default)]
pub(super) struct Collector {
    pub(super) vars: BTreeMap<String, EnvVar>,
    /// Every key's definition lines, in order of first appearance.
    definitions: Vec<(String, Vec<usize>)>,
    first_definition: BTreeMap<String, usize>,
    total_bytes: usize,
}

impl Collector {
    pub(super) fn add(&mut self, key: String, value: String, line: usize) -> Result<(), FactError> {
        if self.definitions.len() >= MAX_ASSIGNMENTS && !self.vars.contains_key(&key) {
            return Err(FactError::from(format!(
                "line {line}: more than {MAX_ASSIGNMENTS} variables; not an env file"
            )));
        }
        if value.len() > MAX_VALUE_BYTES {
            return Err(FactError::from(value_too_long(&key, line)));
        }
        self.total_bytes += value.len();
        if self.total_bytes > MAX_TOTAL_VALUE_BYTES {
            return Err(FactError::from(format!(
                "line {line}: values add up to more than {} MiB",
                MAX_TOTAL_VALUE_BYTES / (1024 * 1024)
            )));
        }
        match self.first_definition.get(&key) {
            Some(&i) => self.definitions[i].1.push(line),
            None => {
                self.first_definition
                    .insert(key.clone(), self.definitions.len());
                self.definitions.push((key.clone(), vec![line]));
            }
        }
        self.vars.insert(key, EnvVar { value, line });
        Ok(())
    }

    /// A later bare `KEY` that the loader turns into "not set" (python-dotenv's `None`).
    pub(super) fn unset(&mut self, key: &str) {
        self.vars.remove(key);
    }

    pub(super) fn finish(self) -> EnvFile {
        let duplicates = self
            .definitions
            .into_iter()
            .filter(|(_, lines)| lines.len() > 1)
            .map(|(key, lines)| DuplicateKey { key, lines })
            .collect();
        EnvFile {
            vars: self.vars,
            duplicates,
        }
    }
}

/// Refuses a quoted value that runs over following lines which read as assignments.
///
/// Every loader lets a quote span lines (PEM keys), so a forgotten closing quote silently
/// turns the next lines, secrets included, into this variable's value, and those variables
/// disappear. That is almost never what the operator meant, and the value would carry other
/// secrets into whatever shows it, so it is an error naming the line where the quote opens.
pub(super) fn refuse_swallowed_lines(key: &str, line: usize, value: &str) -> Result<(), FactError> {
    let swallowed = value.lines().skip(1).any(looks_like_assignment);
    if swallowed {
        return Err(FactError::from(format!(
            "line {line}: {key}: the quote opened on this line is not closed on it, and the \
             lines up to the next quote read as assignments; close the quote"
        )));
    }
    Ok(())
}

/// `NAME=...` or `export NAME=...` at the start of a line, with an identifier-like name. A
/// base64 line of a PEM block (`MIIB...AB==`) is not one: after its first `=` come only `=`,
/// and its name is neither `UPPER_CASE` nor followed by a value.
fn looks_like_assignment(line: &str) -> bool {
    let line = line.trim_start();
    let line = line
        .strip_prefix("export")
        .filter(|rest| rest.starts_with([' ', '\t']))
        .map_or(line, str::trim_start);
    let Some((name, value)) = line.split_once('=') else {
        return false;
    };
    let name = name.trim_end();
    let identifier = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let conventional = name.contains('_')
        || name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    identifier && (conventional || value.trim().chars().any(|c| c != '='))
}

pub(super) fn value_too_long(key: &str, line: usize) -> String {
    format!(
        "line {line}: {key}: value longer than {} KiB",
        MAX_VALUE_BYTES / 1024
    )
}
