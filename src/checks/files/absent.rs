//! `files.absent`: a path that should be gone (e.g. a one-time bootstrap token).

use crate::context::AuditContext;
use crate::finding::{Observation, Status};
use serde::{Deserialize, Serialize};

fn warn() -> Status {
    Status::Warn
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesAbsent {
    pub path: String,
    /// Status reported when the path exists (`warn` or `fail`).
    #[serde(default = "warn")]
    pub if_present: Status,
    /// Why the path should be gone, shown in the finding.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

impl FilesAbsent {
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    pub fn evaluate(&self, ctx: &AuditContext) -> Vec<Observation> {
        let _ = ctx;
        vec![Observation::error(
            &self.path,
            "files.absent not implemented yet",
        )]
    }
}
