//! The certificate chain as a fact: the rustls handshake's, or the raw TLS 1.2 probe's when
//! no strict client got one, judged the same way.

use crate::net::rustls_probe::recorder::{CapturedChain, ChainRecorder};
use crate::net::rustls_probe::roots::TrustRoots;
use crate::net::rustls_probe::HandshakeScan;
use crate::net::suite_scan::SuiteScan;
use rustls::pki_types::{CertificateDer, ServerName};
use std::sync::Arc;

/// A certificate chain as presented, with the verdicts and roots it was judged against.
pub struct PresentedChain<'a> {
    pub chain: &'a CapturedChain,
    pub roots: &'a TrustRoots,
    /// Which handshake it came from ("the TLS 1.3 handshake", "the raw TLS 1.2 probe").
    pub via: String,
    /// `host:port` (with the address when it differs).
    pub label: &'a str,
}

/// Runs the certificate verdicts on a chain the raw probe captured.
pub(super) fn judge_raw_chain(
    raw: &SuiteScan,
    host: &str,
    roots: &Arc<TrustRoots>,
) -> Option<CapturedChain> {
    let presented = raw.chain.as_ref()?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let recorder = ChainRecorder::new(roots.clone(), &provider).ok()?;
    let name = ServerName::try_from(host).ok()?.to_owned();
    let certs: Vec<CertificateDer<'_>> = presented
        .certs
        .iter()
        .map(|c| CertificateDer::from(c.as_slice()))
        .collect();
    recorder.judge_presented(
        &certs,
        &name,
        presented.ocsp_response.as_deref().unwrap_or(&[]),
    )
}

/// Why neither the rustls handshakes nor the raw probe produced a certificate.
pub(super) fn why_no_chain(scan: &HandshakeScan, raw: Option<&SuiteScan>) -> String {
    let raw_why = match raw {
        None => "the raw probe could not run".to_string(),
        Some(raw) if raw.versions.iter().any(|v| v.accepted()) => {
            "the raw probe got no Certificate message".to_string()
        }
        Some(raw) => match raw.common_failure() {
            Some(f) => format!("the raw probe: {f}"),
            None => "no TLS version was accepted by the raw probe".to_string(),
        },
    };
    format!("{}; {raw_why}", scan.why_no_chain())
}
