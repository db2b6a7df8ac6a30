//! `env.file`: every env file of the target is present when required and parses cleanly.

use crate::context::AuditContext;
use crate::finding::Observation;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EnvFileCheck {}

impl EnvFileCheck {
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    pub fn evaluate(&self, ctx: &AuditContext) -> Vec<Observation> {
        let _ = ctx;
        vec![Observation::error("env", "env.file not implemented yet")]
    }
}
