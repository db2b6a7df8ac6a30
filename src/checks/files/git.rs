//! `files.git`: a sensitive path is neither tracked by git nor left un-ignored.

use crate::context::AuditContext;
use crate::finding::Observation;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesGit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub env_files: bool,
    /// Also require a matching `.gitignore` rule (`git check-ignore`).
    #[serde(default = "yes")]
    pub must_be_ignored: bool,
}

fn yes() -> bool {
    true
}

impl FilesGit {
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    pub fn evaluate(&self, ctx: &AuditContext) -> Vec<Observation> {
        let _ = ctx;
        vec![Observation::error("files", "files.git not implemented yet")]
    }
}
