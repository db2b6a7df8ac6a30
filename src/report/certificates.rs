//! The certificates an audit examined, as report data (for dashboards and the
//! `rampart_certificate_expiry_seconds` metric). Read from facts already gathered: this never
//! opens a connection of its own.

use crate::facts::{Facts, Need};
use crate::profile::Profile;
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct CertificateInfo {
    pub host: String,
    pub port: u16,
    /// RFC 3339 end of validity of the leaf certificate.
    pub not_after: String,
    /// `not_after` as Unix seconds.
    pub not_after_unix: i64,
}

/// The endpoint's leaf certificate, when a selected check had the TLS handshake gathered.
pub fn examined(profile: &Profile, facts: &Facts, ran: &[String]) -> Vec<CertificateInfo> {
    let handshake_gathered = profile
        .check
        .iter()
        .filter(|c| ran.contains(&c.id))
        .any(|c| c.kind.needs().contains(&Need::TlsHandshake));
    let Some(url) = facts.target().url.as_ref().filter(|_| handshake_gathered) else {
        return Vec::new();
    };
    let Ok(scan) = facts.tls().handshake() else {
        return Vec::new();
    };
    let Some(chain) = &scan.chain else {
        return Vec::new();
    };
    let Ok(certs) = crate::checks::cert::analyze::analyze(&chain.certs) else {
        return Vec::new();
    };
    certs
        .first()
        .map(|leaf| CertificateInfo {
            host: url.host.clone(),
            port: url.port,
            not_after: crate::checks::cert::analyze::rfc3339(leaf.not_after),
            not_after_unix: leaf.not_after.unix_timestamp(),
        })
        .into_iter()
        .collect()
}
