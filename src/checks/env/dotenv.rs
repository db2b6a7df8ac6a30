//! Loading env files: the data model every env check reads. Parsing follows Docker Compose's
//! dotenv rules (`KEY=value`, `export`, quotes, comments, multi-line double quotes).

use crate::target::EnvFileSpec;
use std::collections::BTreeMap;

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvState {
    Missing,
    /// Could not be used: unreadable, binary, not UTF-8, or malformed. The reason names the
    /// line where that applies and never quotes a value.
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
            state: load(&spec.path),
        })
        .collect()
}

pub fn load(path: &std::path::Path) -> EnvState {
    // Placeholder until the parser lands.
    let _ = path;
    EnvState::Unusable("env parser not implemented yet".into())
}
