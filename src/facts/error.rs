//! The facts layer's error: why something on the audited system could not be read or
//! understood. Messages name the file and line where that helps and never quote a value
//! (a malformed line may be a secret pasted in the wrong place).

use super::template::TemplateError;
use crate::read::{ReadError, ReadTextError};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactError {
    /// The file could not be read (missing, special, too large, not text).
    Read(ReadTextError),
    /// The content does not parse; says what and where.
    Malformed(String),
    /// A `${...}` template that cannot be filled in.
    Template(TemplateError),
    /// A variable a path needs is not set in the env file.
    Unset(String),
    /// `stat`, `readlink` or a subprocess (git) failed.
    System(String),
}

impl fmt::Display for FactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactError::Read(e) => e.fmt(f),
            FactError::Malformed(why) | FactError::System(why) => f.write_str(why),
            FactError::Template(e) => e.fmt(f),
            FactError::Unset(name) => write!(f, "{name} is not set in the env file"),
        }
    }
}

impl std::error::Error for FactError {}

impl From<String> for FactError {
    fn from(why: String) -> Self {
        FactError::Malformed(why)
    }
}

impl From<&str> for FactError {
    fn from(why: &str) -> Self {
        FactError::Malformed(why.to_string())
    }
}

impl From<ReadError> for FactError {
    fn from(e: ReadError) -> Self {
        FactError::Read(ReadTextError::Read(e))
    }
}

impl From<ReadTextError> for FactError {
    fn from(e: ReadTextError) -> Self {
        FactError::Read(e)
    }
}

impl From<TemplateError> for FactError {
    fn from(e: TemplateError) -> Self {
        FactError::Template(e)
    }
}
