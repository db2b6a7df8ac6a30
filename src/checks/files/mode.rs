//! `files.mode`: permission bits (at most N), owner, file-or-directory, presence.

use crate::context::AuditContext;
use crate::finding::Observation;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum EntryType {
    #[default]
    Any,
    File,
    Dir,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesMode {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub env_files: bool,
    /// Octal, as a string: "0600". Bits beyond it fail the check.
    pub max_mode: String,
    /// A missing required path fails; a missing optional one is skipped.
    #[serde(default)]
    pub required: bool,
    #[serde(default, rename = "type")]
    pub entry_type: EntryType,
    /// User name or numeric uid the path must belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

impl FilesMode {
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    pub fn evaluate(&self, ctx: &AuditContext) -> Vec<Observation> {
        let _ = ctx;
        vec![Observation::error(
            "files",
            "files.mode not implemented yet",
        )]
    }
}
