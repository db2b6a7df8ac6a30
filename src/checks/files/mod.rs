//! Install-directory checks: file modes and ownership, presence, and what git tracks.

pub mod absent;
pub mod git;
pub mod mode;

use serde::{Deserialize, Serialize};

/// Which paths a files check examines: one path (relative to `--root`, `${VAR}` filled from the
/// primary env file) or every env file of the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PathSelector {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub env_files: bool,
}

impl PathSelector {
    pub fn validate(&self) -> Result<(), String> {
        match (&self.path, self.env_files) {
            (Some(_), true) => Err("give either `path` or `env_files = true`, not both".into()),
            (None, false) => Err("missing `path` (or `env_files = true`)".into()),
            _ => Ok(()),
        }
    }
}
