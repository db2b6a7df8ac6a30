//! `env.value`: rules for a configuration variable (allowed/forbidden values, formats, lists).

use super::IfUnset;
use crate::context::AuditContext;
use crate::finding::Observation;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvValue {
    pub var: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default)]
    pub if_unset: IfUnset,
    /// Value assumed when the variable is unset (e.g. a product default); checked like a set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden: Vec<String>,
    /// Comparisons ignore ASCII case unless set to false.
    #[serde(default = "yes")]
    pub ignore_case: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// Comma-separated list: every entry is checked on its own.
    #[serde(default)]
    pub list: bool,
    /// The value is sensitive: report its shape, never the value.
    #[serde(default)]
    pub secret: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Format {
    /// Exactly `length` hex digits.
    Hex {
        length: usize,
    },
    Integer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    Boolean,
    Url {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        schemes: Vec<String>,
        #[serde(default)]
        no_trailing_slash: bool,
        #[serde(default)]
        no_port: bool,
        #[serde(default)]
        not_localhost: bool,
        /// The host must be internal: loopback, private address, or a single-label / .internal /
        /// .local name (a container or service name).
        #[serde(default)]
        internal_host: bool,
        /// The URL must carry a password.
        #[serde(default)]
        password_required: bool,
        /// A password in the URL must not be a placeholder or one of `forbidden`.
        #[serde(default)]
        password_not_placeholder: bool,
    },
    /// An IP network in CIDR notation (or a bare address); `private_only` refuses public ranges
    /// and catch-alls like `0.0.0.0/0`.
    Cidr {
        #[serde(default)]
        private_only: bool,
    },
    Prefix {
        prefixes: Vec<String>,
    },
}

impl EnvValue {
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    pub fn evaluate(&self, ctx: &AuditContext) -> Vec<Observation> {
        let _ = ctx;
        vec![Observation::error(
            &self.var,
            "env.value not implemented yet",
        )]
    }
}
