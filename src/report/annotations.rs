//! What a report says about baselines and waivers: the data `baseline` and `waiver` attach to
//! findings, kept here so the report depends on no comparison or waiver logic.

use crate::finding::Status;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    New,
    Unchanged,
    Resolved,
}

/// What the comparison found, in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct BaselineSummary {
    /// The baseline report file.
    pub file: String,
    pub new: usize,
    pub unchanged: usize,
    /// Findings that failed in the baseline and no longer do.
    pub resolved: Vec<ResolvedFinding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ResolvedFinding {
    pub id: String,
    pub title: String,
    pub subject: String,
    /// The status in the baseline.
    pub was: Status,
    /// The status now, or none when this run has no finding for it.
    pub now: Option<Status>,
}

/// What a finding's report says about the waiver that matched it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct WaiverNote {
    pub reason: String,
    /// `YYYY-MM-DD`, the first day the waiver no longer applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The waiver has expired: the finding is reported and gates as if unwaived.
    pub expired: bool,
}
