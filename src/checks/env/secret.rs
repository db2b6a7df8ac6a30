//! `env.secret`: a variable that must hold a real secret (set, not a placeholder, long enough).

use super::IfUnset;
use crate::context::AuditContext;
use crate::finding::Observation;
use serde::{Deserialize, Serialize};

fn default_min_length() -> usize {
    16
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSecret {
    pub var: String,
    /// Env file role; the primary env file when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default)]
    pub if_unset: IfUnset,
    #[serde(default = "default_min_length")]
    pub min_length: usize,
    /// Exactly this many hex digits (e.g. 64 for a 256-bit key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hex_length: Option<usize>,
    /// Comma-separated list: every entry is checked as a secret.
    #[serde(default)]
    pub list: bool,
    /// Known sample values from the product's docs that must not be used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden: Vec<String>,
}

impl EnvSecret {
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    pub fn evaluate(&self, ctx: &AuditContext) -> Vec<Observation> {
        let _ = ctx;
        vec![Observation::error(
            &self.var,
            "env.secret not implemented yet",
        )]
    }
}
