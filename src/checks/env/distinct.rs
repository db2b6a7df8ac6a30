//! `env.distinct-secrets`: one secret value reused for two different variables.

use crate::context::AuditContext;
use crate::finding::Observation;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EnvDistinctSecrets {
    /// Variables to compare; when empty, every variable whose name suggests a secret
    /// (SECRET, TOKEN, PASSWORD, KEY, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vars: Vec<String>,
}

impl EnvDistinctSecrets {
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    pub fn evaluate(&self, ctx: &AuditContext) -> Vec<Observation> {
        let _ = ctx;
        vec![Observation::error(
            "env",
            "env.distinct-secrets not implemented yet",
        )]
    }
}
