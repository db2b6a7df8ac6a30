//! rustls handshakes for TLS 1.2 and 1.3 with a verifier that records the chain, not rejects it.
//!
//! Each version gets its own connection and a client that offers only that version, so the
//! server's answer says whether it accepts it. Both run at once; each is bounded by the
//! audit's timeout as a whole, not per read, so a server that stalls or drips bytes cannot
//! hold the audit.

pub mod recorder;
pub mod roots;

use crate::net::connect::{self, Endpoint, NetError};
use recorder::{CapturedChain, ChainRecorder};
use roots::TrustRoots;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{AlertDescription, ClientConfig, ClientConnection, ProtocolVersion};
use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use crate::net::version::TlsVersion;

/// The rustls protocol setting and wire value of the versions rustls speaks.
fn rustls_version(
    version: TlsVersion,
) -> Option<(&'static rustls::SupportedProtocolVersion, ProtocolVersion)> {
    match version {
        TlsVersion::Tls12 => Some((&rustls::version::TLS12, ProtocolVersion::TLSv1_2)),
        TlsVersion::Tls13 => Some((&rustls::version::TLS13, ProtocolVersion::TLSv1_3)),
        _ => None,
    }
}

/// What the server did with a client offering only one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionOutcome {
    /// The server agreed to the version. `later_failure` says why the handshake did not
    /// complete after that (e.g. a key our client will not verify), if it did not.
    Accepted {
        suite: String,
        later_failure: Option<String>,
    },
    /// The server declined the version (alert, another version chosen, or it hung up on
    /// this version while accepting the other).
    Refused { reason: String },
    /// Nothing can be concluded: refused connection, timeout, an answer that is not TLS.
    Unknown { reason: String },
}

/// Results of the TLS 1.2 / 1.3 handshakes and the captured certificate chain.
#[derive(Debug)]
pub struct HandshakeScan {
    /// `host:port` (with the address connected to when it differs), for findings.
    pub label: String,
    pub tls13: VersionOutcome,
    pub tls12: VersionOutcome,
    /// The chain from the TLS 1.3 handshake, or the TLS 1.2 one when 1.3 got none.
    pub chain: Option<CapturedChain>,
    pub chain_from: Option<TlsVersion>,
    pub roots: Arc<TrustRoots>,
}

impl HandshakeScan {
    /// The handshake at TLS 1.2 or 1.3; `None` for the versions rustls does not speak.
    pub fn outcome(&self, version: TlsVersion) -> Option<&VersionOutcome> {
        match version {
            TlsVersion::Tls12 => Some(&self.tls12),
            TlsVersion::Tls13 => Some(&self.tls13),
            _ => None,
        }
    }

    /// Why no certificate was captured, from both handshakes.
    pub fn why_no_chain(&self) -> String {
        let describe = |v: TlsVersion, outcome: &VersionOutcome| match outcome {
            VersionOutcome::Accepted {
                later_failure: Some(f),
                ..
            } => format!("{}: {f}", v.label()),
            VersionOutcome::Accepted { .. } => format!("{}: no certificate sent", v.label()),
            VersionOutcome::Refused { reason } | VersionOutcome::Unknown { reason } => {
                format!("{}: {reason}", v.label())
            }
        };
        format!(
            "no certificate received from {} ({}; {})",
            self.label,
            describe(TlsVersion::Tls13, &self.tls13),
            describe(TlsVersion::Tls12, &self.tls12)
        )
    }
}

pub fn scan(
    endpoint: &Endpoint,
    timeout: Duration,
    ca_certs: &[CertificateDer<'static>],
) -> HandshakeScan {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = Arc::new(TrustRoots::load(ca_certs));
    let (tls13, tls12) = std::thread::scope(|s| {
        let tls13 = s.spawn(|| attempt(endpoint, TlsVersion::Tls13, &provider, &roots, timeout));
        let tls12 = attempt(endpoint, TlsVersion::Tls12, &provider, &roots, timeout);
        let tls13 = tls13
            .join()
            .unwrap_or_else(|_| Attempt::unknown("TLS 1.3 probe crashed"));
        (tls13, tls12)
    });
    let (tls13_outcome, tls12_outcome) = settle_hang_ups(tls13.result, tls12.result);
    let (chain, chain_from) = match (tls13.chain, tls12.chain) {
        (Some(c), _) => (Some(c), Some(TlsVersion::Tls13)),
        (None, Some(c)) => (Some(c), Some(TlsVersion::Tls12)),
        (None, None) => (None, None),
    };
    HandshakeScan {
        label: endpoint.label(),
        tls13: tls13_outcome,
        tls12: tls12_outcome,
        chain,
        chain_from,
        roots,
    }
}

/// One handshake's result before the two are compared.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Raw {
    Settled(VersionOutcome),
    /// The server closed the connection without a word.
    HungUp {
        reason: String,
    },
}

struct Attempt {
    result: Raw,
    chain: Option<CapturedChain>,
}

impl Attempt {
    fn unknown(reason: impl Into<String>) -> Attempt {
        Attempt {
            result: Raw::Settled(VersionOutcome::Unknown {
                reason: reason.into(),
            }),
            chain: None,
        }
    }
}

/// Some servers hang up instead of sending an alert when they dislike the offered version.
/// That counts as a refusal only when the other version's handshake shows the server does
/// speak TLS; otherwise it is just an unexplained hang-up.
fn settle_hang_ups(tls13: Raw, tls12: Raw) -> (VersionOutcome, VersionOutcome) {
    let speaks_tls = |r: &Raw| matches!(r, Raw::Settled(VersionOutcome::Accepted { .. }));
    let settle = |own: Raw, other_speaks_tls: bool| match own {
        Raw::Settled(outcome) => outcome,
        Raw::HungUp { reason } if other_speaks_tls => VersionOutcome::Refused { reason },
        Raw::HungUp { reason } => VersionOutcome::Unknown { reason },
    };
    let (tls13_ok, tls12_ok) = (speaks_tls(&tls13), speaks_tls(&tls12));
    (settle(tls13, tls12_ok), settle(tls12, tls13_ok))
}

fn attempt(
    endpoint: &Endpoint,
    version: TlsVersion,
    provider: &Arc<CryptoProvider>,
    roots: &Arc<TrustRoots>,
    timeout: Duration,
) -> Attempt {
    let what = version.label();
    let Some((rustls_version, _)) = rustls_version(version) else {
        return Attempt::unknown(format!("rustls does not speak {what}"));
    };
    let name = match ServerName::try_from(endpoint.host.as_str()) {
        Ok(name) => name.to_owned(),
        Err(_) => {
            return Attempt::unknown(format!(
                "{:?} is not a valid TLS server name",
                endpoint.host
            ))
        }
    };
    let recorder = match ChainRecorder::new(roots.clone(), provider) {
        Ok(r) => Arc::new(r),
        Err(e) => return Attempt::unknown(e),
    };
    let config = match ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[rustls_version])
    {
        Ok(builder) => builder
            .dangerous()
            .with_custom_certificate_verifier(recorder.clone())
            .with_no_client_auth(),
        Err(e) => return Attempt::unknown(format!("cannot configure a {what} client: {e}")),
    };
    let mut conn = match ClientConnection::new(Arc::new(config), name) {
        Ok(conn) => conn,
        Err(e) => return Attempt::unknown(format!("cannot start a {what} client: {e}")),
    };
    let deadline = Instant::now() + timeout;
    let mut sock = match connect::connect(endpoint, timeout) {
        Ok(sock) => sock,
        Err(e) => return Attempt::unknown(e.to_string()),
    };
    let addr = sock
        .peer_addr()
        .ok()
        .or_else(|| endpoint.addrs.first().copied())
        .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], endpoint.port)));
    let driven = drive(&mut conn, &mut sock, addr, deadline, version);
    if driven.is_ok() {
        conn.send_close_notify();
        let _ = conn.write_tls(&mut sock);
        let _ = sock.flush();
    }
    let chain = recorder.take();
    let weak_key = chain
        .as_ref()
        .and_then(|c| c.certs.first())
        .and_then(|leaf| short_rsa_key(leaf));
    let driven = match (driven, weak_key) {
        // webpki reports a short RSA key as a bad handshake signature; name the real cause.
        (
            Err(DriveError::Tls(rustls::Error::InvalidCertificate(
                rustls::CertificateError::BadSignature,
            ))),
            Some(bits),
        ) => Err(DriveError::Tls(rustls::Error::General(format!(
            "the server's RSA key has {bits} bits; rustls, like browsers, refuses handshake \
             signatures from RSA keys under 2048 bits"
        )))),
        (driven, _) => driven,
    };
    let result = classify(&conn, driven, addr, version);
    Attempt { result, chain }
}

enum DriveError {
    Net(NetError),
    HungUp,
    Tls(rustls::Error),
}

/// Runs the handshake over the blocking socket, never waiting past `deadline` in total.
fn drive(
    conn: &mut ClientConnection,
    sock: &mut TcpStream,
    addr: SocketAddr,
    deadline: Instant,
    version: TlsVersion,
) -> Result<(), DriveError> {
    let during = match version {
        TlsVersion::Tls13 => "TLS 1.3 handshake",
        _ => "TLS 1.2 handshake",
    };
    let timed_out = || DriveError::Net(NetError::Timeout { addr, during });
    let io = |e: std::io::Error| DriveError::Net(connect::io_error(addr, during, &e));
    loop {
        while conn.wants_write() {
            let left = remaining(deadline).ok_or_else(timed_out)?;
            sock.set_write_timeout(Some(left)).map_err(io)?;
            conn.write_tls(sock).map_err(io)?;
        }
        if !conn.is_handshaking() {
            return Ok(());
        }
        let left = remaining(deadline).ok_or_else(timed_out)?;
        sock.set_read_timeout(Some(left)).map_err(io)?;
        match conn.read_tls(sock) {
            Ok(0) => return Err(DriveError::HungUp),
            Ok(_) => {}
            Err(e) => return Err(io(e)),
        }
        if let Err(e) = conn.process_new_packets() {
            // Tell the server why we stop; it may already be gone.
            let _ = conn.write_tls(sock);
            return Err(DriveError::Tls(e));
        }
    }
}

/// The modulus size of an RSA leaf key under 2048 bits, if that is what the leaf has.
fn short_rsa_key(leaf: &CertificateDer<'_>) -> Option<usize> {
    let (_, cert) = x509_parser::parse_x509_certificate(leaf.as_ref()).ok()?;
    match cert.public_key().parsed().ok()? {
        x509_parser::public_key::PublicKey::RSA(rsa) => {
            let bits = rsa.key_size();
            (bits < 2048).then_some(bits)
        }
        _ => None,
    }
}

fn remaining(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|left| !left.is_zero())
}

fn classify(
    conn: &ClientConnection,
    driven: Result<(), DriveError>,
    addr: SocketAddr,
    version: TlsVersion,
) -> Raw {
    let what = version.label();
    let wanted = rustls_version(version).map(|(_, wire)| wire);
    if conn.protocol_version().is_some() && conn.protocol_version() == wanted {
        let suite = conn
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()))
            .unwrap_or_else(|| "unknown suite".to_string());
        let later_failure = driven.err().map(|e| match e {
            DriveError::Net(e) => format!("handshake did not complete: {e}"),
            DriveError::HungUp => format!("{addr} closed the connection mid-handshake"),
            DriveError::Tls(e) => format!("handshake did not complete: {e}"),
        });
        return Raw::Settled(VersionOutcome::Accepted {
            suite,
            later_failure,
        });
    }
    let refused = |reason: String| Raw::Settled(VersionOutcome::Refused { reason });
    let unknown = |reason: String| Raw::Settled(VersionOutcome::Unknown { reason });
    match driven {
        Ok(()) => unknown(format!(
            "{addr}: handshake completed without negotiating {what}"
        )),
        Err(DriveError::Net(e)) => unknown(e.to_string()),
        Err(DriveError::HungUp) => Raw::HungUp {
            reason: format!("{addr} closed the connection when offered only {what}"),
        },
        Err(DriveError::Tls(rustls::Error::AlertReceived(alert)))
            if matches!(
                alert,
                AlertDescription::ProtocolVersion
                    | AlertDescription::HandshakeFailure
                    | AlertDescription::InsufficientSecurity
            ) =>
        {
            refused(format!(
                "{addr} answered an offer of only {what} with alert {}",
                alert_name(alert)
            ))
        }
        Err(DriveError::Tls(rustls::Error::AlertReceived(alert))) => unknown(format!(
            "{addr} aborted the {what} handshake with alert {}",
            alert_name(alert)
        )),
        Err(DriveError::Tls(rustls::Error::PeerIncompatible(why))) => refused(format!(
            "{addr} cannot negotiate {what} with a modern client ({why:?})"
        )),
        Err(DriveError::Tls(
            e @ (rustls::Error::InvalidMessage(_)
            | rustls::Error::InappropriateMessage { .. }
            | rustls::Error::InappropriateHandshakeMessage { .. }),
        )) => unknown(format!("{addr} did not answer with TLS ({e})")),
        Err(DriveError::Tls(e)) => unknown(format!("{addr}: {what} handshake failed: {e}")),
    }
}

/// Alert names as in the RFCs (`protocol_version`), from the one table in `hello`.
fn alert_name(alert: AlertDescription) -> String {
    crate::net::hello::Alert {
        level: 2,
        description: u8::from(alert),
    }
    .description_name()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_are_named_as_in_the_rfcs() {
        assert_eq!(
            alert_name(AlertDescription::ProtocolVersion),
            "protocol_version"
        );
        assert_eq!(
            alert_name(AlertDescription::HandshakeFailure),
            "handshake_failure"
        );
    }

    #[test]
    fn a_hang_up_is_a_refusal_only_when_the_other_version_worked() {
        let accepted = Raw::Settled(VersionOutcome::Accepted {
            suite: "X".into(),
            later_failure: None,
        });
        let hung = || Raw::HungUp {
            reason: "closed".into(),
        };
        let (tls13, _) = settle_hang_ups(hung(), accepted);
        assert!(matches!(tls13, VersionOutcome::Refused { .. }));
        let (tls13, tls12) = settle_hang_ups(hung(), hung());
        assert!(matches!(tls13, VersionOutcome::Unknown { .. }));
        assert!(matches!(tls12, VersionOutcome::Unknown { .. }));
    }
}
