//! What reports need to know about each check beyond its findings: its descriptions, and
//! where the profile declares it (SARIF points network findings there).

use crate::finding::{Category, Severity};
use crate::profile::Profile;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub rationale: String,
    pub remediation: String,
    pub severity: Severity,
    pub category: Category,
    /// The profile or check set that declares the check (a repository path for built-ins).
    pub file: String,
    /// 1-based line of its `[[check]]` table.
    pub line: usize,
}

pub fn of_profile(profile: &Profile) -> Vec<Rule> {
    profile
        .check
        .iter()
        .map(|c| Rule {
            id: c.id.clone(),
            title: c.title.clone(),
            rationale: c.rationale.trim().to_string(),
            remediation: c.remediation.trim().to_string(),
            severity: c.severity,
            category: c.category(),
            file: c.origin.file.clone(),
            line: c.origin.line.max(1),
        })
        .collect()
}
