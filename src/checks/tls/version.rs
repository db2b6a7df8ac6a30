//! `tls.version`: TLS 1.2 / 1.3 accepted, probed with a real rustls handshake.

use crate::context::AuditContext;
use crate::finding::{Observation, Status};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsVersionCheck {
    /// "1.2" or "1.3".
    pub version: String,
    /// Status when the server does not accept the version (`fail` or `warn`).
    #[serde(default = "fail")]
    pub if_missing: Status,
}

fn fail() -> Status {
    Status::Fail
}

impl TlsVersionCheck {
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    pub fn evaluate(&self, ctx: &AuditContext) -> Vec<Observation> {
        let _ = ctx;
        vec![Observation::error("tls", "tls.version not implemented yet")]
    }
}
