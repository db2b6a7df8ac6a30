//! The compose check kinds.

use crate::context::AuditContext;
use crate::finding::Observation;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ComposeFilesCheck {}

/// Ports (container or host side) that may only be published on 127.0.0.1 / ::1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoopbackOnly {
    pub ports: Vec<u16>,
}

/// Ports (container side) that must not be published at all, or only on loopback when
/// `allow_loopback` is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotPublished {
    pub ports: Vec<u16>,
    #[serde(default)]
    pub allow_loopback: bool,
}

/// Every port published on all interfaces must be one of `allowed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicPorts {
    pub allowed: Vec<u16>,
    /// Shown next to allowed public ports (e.g. "open them only when remote OAuth is used").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The Docker socket is mounted only by an allowed image (the socket proxy), read-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DockerSocket {
    #[serde(default)]
    pub allowed_images: Vec<String>,
}

/// Services that must declare a non-root `user:`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NonRoot {
    /// Service names; when empty, every service whose image does not start with one of
    /// `exclude_images`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_images: Vec<String>,
}

macro_rules! pending {
    ($($t:ty),*) => {$(
        impl $t {
            pub fn validate(&self) -> Result<(), String> { Ok(()) }
            pub fn evaluate(&self, ctx: &AuditContext) -> Vec<Observation> {
                let _ = ctx;
                vec![Observation::error("compose", "not implemented yet")]
            }
        }
    )*};
}
pending!(
    ComposeFilesCheck,
    LoopbackOnly,
    NotPublished,
    PublicPorts,
    DockerSocket,
    NonRoot
);
