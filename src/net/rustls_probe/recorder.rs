//! A certificate verifier that records instead of rejecting: it keeps the chain the server
//! presented and what real verification said about it, then lets the handshake go on so the
//! audit can report every problem at once.

use super::roots::TrustRoots;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{DigitallySignedStruct, Error, SignatureScheme};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Certificates kept from one chain; real chains have 2-4, and rustls bounds the message size.
const MAX_CHAIN_CERTS: usize = 16;

/// The chain a server presented and the verdicts on it.
#[derive(Debug, Clone)]
pub struct CapturedChain {
    /// End entity first, then the other certificates in the order the server sent them.
    pub certs: Vec<CertificateDer<'static>>,
    /// What a strict client concludes now: trust, dates, usage and name together.
    pub verdict: Result<(), Error>,
    /// Whether the chain reaches a trusted root, judged at `trust_checked_at`.
    pub trust: Result<(), Error>,
    /// Now, unless now lies outside a presented certificate's validity: then a moment inside
    /// all of them, so an expired certificate's issuer is still judged (dates are reported by
    /// the validity checks, not hidden behind "expired").
    pub trust_checked_at: UnixTime,
    pub trust_time_shifted: bool,
    /// Whether the end entity is valid for the name the client asked for (SAN only).
    pub name: Result<(), Error>,
    /// The stapled OCSP response, empty when none came.
    pub ocsp_response: Vec<u8>,
}

#[derive(Debug)]
pub struct ChainRecorder {
    roots: Arc<TrustRoots>,
    strict: Arc<WebPkiServerVerifier>,
    algorithms: WebPkiSupportedAlgorithms,
    captured: Mutex<Option<CapturedChain>>,
}

impl ChainRecorder {
    pub fn new(
        roots: Arc<TrustRoots>,
        provider: &Arc<CryptoProvider>,
    ) -> Result<ChainRecorder, String> {
        let strict =
            WebPkiServerVerifier::builder_with_provider(roots.store.clone(), provider.clone())
                .build()
                .map_err(|e| format!("cannot build the certificate verifier: {e}"))?;
        Ok(ChainRecorder {
            roots,
            strict,
            algorithms: provider.signature_verification_algorithms,
            captured: Mutex::new(None),
        })
    }

    pub fn take(&self) -> Option<CapturedChain> {
        self.captured.lock().ok().and_then(|mut slot| slot.take())
    }

    fn judge(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> CapturedChain {
        let intermediates = &intermediates[..intermediates.len().min(MAX_CHAIN_CERTS - 1)];
        let mut certs = vec![end_entity.clone().into_owned()];
        certs.extend(intermediates.iter().map(|c| c.clone().into_owned()));

        let verdict = self
            .strict
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            .map(|_| ());
        let trust_checked_at = time_inside_validity(&certs, now);
        let trust_time_shifted = trust_checked_at != now;
        let (trust, name) = match ParsedCertificate::try_from(end_entity) {
            Ok(parsed) => (
                rustls::client::verify_server_cert_signed_by_trust_anchor(
                    &parsed,
                    &self.roots.store,
                    intermediates,
                    trust_checked_at,
                    self.algorithms.all,
                )
                .map(|_| ()),
                rustls::client::verify_server_name(&parsed, server_name),
            ),
            Err(e) => (Err(e.clone()), Err(e)),
        };
        CapturedChain {
            certs,
            verdict,
            trust,
            trust_checked_at,
            trust_time_shifted,
            name,
            ocsp_response: ocsp_response.to_vec(),
        }
    }

    /// Judges a chain captured outside rustls (the raw TLS 1.2 probe) exactly as a handshake's
    /// chain would be. `None` when `certs` is empty.
    pub fn judge_presented(
        &self,
        certs: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
    ) -> Option<CapturedChain> {
        let (leaf, intermediates) = certs.split_first()?;
        Some(self.judge(
            leaf,
            intermediates,
            server_name,
            ocsp_response,
            UnixTime::now(),
        ))
    }
}

impl ServerCertVerifier for ChainRecorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let captured = self.judge(end_entity, intermediates, server_name, ocsp_response, now);
        if let Ok(mut slot) = self.captured.lock() {
            *slot = Some(captured);
        }
        // Accepted on purpose: the audit reports the verdicts instead of aborting on them.
        Ok(ServerCertVerified::assertion())
    }

    // Handshake signatures are verified for real: a server that cannot prove it holds the
    // certificate's key does not get its certificate examined as if it were its own.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// `now` when every certificate is valid now; otherwise the point of their common validity
/// window closest to now; `now` again when the windows do not overlap or cannot be read.
fn time_inside_validity(certs: &[CertificateDer<'_>], now: UnixTime) -> UnixTime {
    let mut latest_start = i64::MIN;
    let mut earliest_end = i64::MAX;
    for cert in certs {
        let Ok((_, parsed)) = x509_parser::parse_x509_certificate(cert.as_ref()) else {
            return now;
        };
        latest_start = latest_start.max(parsed.validity().not_before.timestamp());
        earliest_end = earliest_end.min(parsed.validity().not_after.timestamp());
    }
    let now_secs = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    if latest_start > earliest_end || (latest_start..=earliest_end).contains(&now_secs) {
        return now;
    }
    let inside = now_secs.clamp(latest_start, earliest_end);
    u64::try_from(inside)
        .map(|secs| UnixTime::since_unix_epoch(Duration::from_secs(secs)))
        .unwrap_or(now)
}
