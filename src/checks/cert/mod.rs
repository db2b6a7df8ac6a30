//! Certificate checks on the chain the server presents: trust, host name, validity, expiry,
//! key size, signature algorithms, self-signed leaf and chain completeness.

use crate::context::AuditContext;
use crate::finding::Observation;
use serde::{Deserialize, Serialize};

fn thirty() -> u32 {
    30
}
fn twenty_one() -> u32 {
    21
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertExpiry {
    #[serde(default = "thirty")]
    pub warn_days: u32,
    #[serde(default = "twenty_one")]
    pub fail_days: u32,
}

fn rsa_min() -> u32 {
    2048
}
fn ec_min() -> u32 {
    256
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertKeySize {
    #[serde(default = "rsa_min")]
    pub min_rsa_bits: u32,
    #[serde(default = "ec_min")]
    pub min_ec_bits: u32,
}

fn pending(what: &str) -> Vec<Observation> {
    vec![Observation::error(
        "certificate",
        format!("{what} not implemented yet"),
    )]
}

impl CertExpiry {
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }
    pub fn evaluate(&self, ctx: &AuditContext) -> Vec<Observation> {
        let _ = ctx;
        pending("cert.expiry")
    }
}

impl CertKeySize {
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }
    pub fn evaluate(&self, ctx: &AuditContext) -> Vec<Observation> {
        let _ = ctx;
        pending("cert.key-size")
    }
}

pub fn trust(_ctx: &AuditContext) -> Vec<Observation> {
    pending("cert.trust")
}
pub fn hostname(_ctx: &AuditContext) -> Vec<Observation> {
    pending("cert.hostname")
}
pub fn validity(_ctx: &AuditContext) -> Vec<Observation> {
    pending("cert.validity")
}
pub fn signature(_ctx: &AuditContext) -> Vec<Observation> {
    pending("cert.signature")
}
pub fn self_signed(_ctx: &AuditContext) -> Vec<Observation> {
    pending("cert.self-signed")
}
pub fn chain(_ctx: &AuditContext) -> Vec<Observation> {
    pending("cert.chain")
}
