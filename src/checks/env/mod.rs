//! Env-file checks: parsing dotenv files the way Docker Compose does, and rules per variable.

pub mod distinct;
pub mod dotenv;
pub mod equals;
pub mod file;
pub mod placeholder;
pub mod secret;
pub mod shape;
pub mod value;

use crate::finding::Status;
use serde::{Deserialize, Serialize};

/// What an unset (or empty) variable means for a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum IfUnset {
    #[default]
    Fail,
    Warn,
    Pass,
    Skip,
}

impl IfUnset {
    pub fn status(self) -> Status {
        match self {
            IfUnset::Fail => Status::Fail,
            IfUnset::Warn => Status::Warn,
            IfUnset::Pass => Status::Pass,
            IfUnset::Skip => Status::Skip,
        }
    }
}
