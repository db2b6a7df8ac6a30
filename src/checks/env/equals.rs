//! `env.equals`: two variables (possibly in different env files) must hold the same value.

use crate::context::AuditContext;
use crate::finding::Observation;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvEquals {
    pub var: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub other_var: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_file: Option<String>,
}

impl EnvEquals {
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    pub fn evaluate(&self, ctx: &AuditContext) -> Vec<Observation> {
        let _ = ctx;
        vec![Observation::error(
            &self.var,
            "env.equals not implemented yet",
        )]
    }
}
