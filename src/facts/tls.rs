//! TLS facts about the `https://` URL: where it lives, the rustls handshakes with the captured
//! certificate chain, the raw-ClientHello scans for legacy versions, weak suites and every
//! accepted suite (with the TLS 1.2 chain they carry), and the renegotiation probe.
//! Each is gathered once, on the network runtime, under the socket limit and the deadline.

mod chain;

use super::runtime::{NetRuntime, RuntimeError};
use super::Unavailable;
use crate::finding::Location;
use crate::net::connect::{Endpoint, NetError};
use crate::net::hello::version_name;
use crate::net::legacy_probe::{self, LegacyScan, WeakCipherScan};
use crate::net::renegotiation::{self, RenegotiationError, RenegotiationProbe};
use crate::net::rustls_probe::recorder::CapturedChain;
use crate::net::rustls_probe::{self, HandshakeScan};
use crate::net::suite_scan::{self, SuiteScan};
use crate::target::{Scheme, Target, TargetUrl};
pub use chain::PresentedChain;
use chain::{judge_raw_chain, why_no_chain};
use std::fmt;
use std::net::SocketAddr;
use std::sync::OnceLock;
use tokio::sync::OnceCell;

/// Addresses tried for one name, so a resolver answering with hundreds stays bounded.
const MAX_ADDRS: usize = 8;
/// Connections each scan holds open at once (its probes run in parallel).
const HANDSHAKE_SOCKETS: usize = 2;
const LEGACY_SOCKETS: usize = 3;
const WEAK_CIPHER_SOCKETS: usize = 8;
/// Connections the suite scan holds open at once (one per line of rounds in flight).
const SUITE_SOCKETS: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub enum TlsFactError {
    Net(NetError),
    Runtime(RuntimeError),
}

impl fmt::Display for TlsFactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsFactError::Net(e) => e.fmt(f),
            TlsFactError::Runtime(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for TlsFactError {}

type Gathered<T> = OnceCell<Result<T, TlsFactError>>;

#[derive(Default)]
pub struct TlsFacts {
    endpoint: Gathered<Endpoint>,
    handshake: Gathered<HandshakeScan>,
    legacy: Gathered<LegacyScan>,
    weak_ciphers: Gathered<WeakCipherScan>,
    suites: Gathered<SuiteScan>,
    renegotiation: Gathered<Result<RenegotiationProbe, RenegotiationError>>,
    /// The raw probe's TLS 1.2 chain with its verdicts, judged once when rustls got none.
    raw_chain: OnceLock<Option<CapturedChain>>,
}

impl TlsFacts {
    pub async fn endpoint(
        &self,
        target: &Target,
        net: &NetRuntime,
    ) -> &Result<Endpoint, TlsFactError> {
        self.endpoint
            .get_or_init(|| async {
                match &target.url {
                    Some(url) => resolve(url, target, net).await,
                    None => Err(TlsFactError::Net(NetError::Resolve {
                        host: String::new(),
                        reason: "no --url".into(),
                    })),
                }
            })
            .await
    }

    pub async fn handshake(
        &self,
        target: &Target,
        net: &NetRuntime,
    ) -> &Result<HandshakeScan, TlsFactError> {
        self.handshake
            .get_or_init(|| async {
                let endpoint = self.endpoint(target, net).await.clone()?;
                let (timeout, ca) = (target.timeout, target.ca_certs.clone());
                net.blocking(HANDSHAKE_SOCKETS, move || {
                    rustls_probe::scan(&endpoint, timeout, &ca)
                })
                .await
                .map_err(TlsFactError::Runtime)
            })
            .await
    }

    pub async fn legacy(
        &self,
        target: &Target,
        net: &NetRuntime,
    ) -> &Result<LegacyScan, TlsFactError> {
        self.legacy
            .get_or_init(|| async {
                let endpoint = self.endpoint(target, net).await.clone()?;
                let timeout = target.timeout;
                net.blocking(LEGACY_SOCKETS, move || {
                    legacy_probe::scan_legacy(&endpoint, timeout)
                })
                .await
                .map_err(TlsFactError::Runtime)
            })
            .await
    }

    pub async fn weak_ciphers(
        &self,
        target: &Target,
        net: &NetRuntime,
    ) -> &Result<WeakCipherScan, TlsFactError> {
        self.weak_ciphers
            .get_or_init(|| async {
                let endpoint = self.endpoint(target, net).await.clone()?;
                let timeout = target.timeout;
                net.blocking(WEAK_CIPHER_SOCKETS, move || {
                    legacy_probe::scan_weak_ciphers(&endpoint, timeout)
                })
                .await
                .map_err(TlsFactError::Runtime)
            })
            .await
    }
}

impl TlsFacts {
    pub async fn suites(
        &self,
        target: &Target,
        net: &NetRuntime,
    ) -> &Result<SuiteScan, TlsFactError> {
        self.suites
            .get_or_init(|| async {
                let endpoint = self.endpoint(target, net).await.clone()?;
                let timeout = target.timeout;
                let parallel = net.granted(SUITE_SOCKETS);
                net.blocking(parallel, move || {
                    suite_scan::scan(&endpoint, timeout, parallel)
                })
                .await
                .map_err(TlsFactError::Runtime)
            })
            .await
    }

    pub async fn renegotiation(
        &self,
        target: &Target,
        net: &NetRuntime,
    ) -> &Result<Result<RenegotiationProbe, RenegotiationError>, TlsFactError> {
        self.renegotiation
            .get_or_init(|| async {
                let endpoint = self.endpoint(target, net).await.clone()?;
                let timeout = target.timeout;
                net.blocking(1, move || renegotiation::probe(&endpoint, timeout))
                    .await
                    .map_err(TlsFactError::Runtime)
            })
            .await
    }
}

/// `--resolve` first, then IP literals, then the system resolver, bounded by the timeout.
async fn resolve(
    url: &TargetUrl,
    target: &Target,
    net: &NetRuntime,
) -> Result<Endpoint, TlsFactError> {
    let addrs = if let Some(ip) = target.pinned_addr() {
        vec![SocketAddr::new(ip, url.port)]
    } else if let Ok(ip) = url.host.parse() {
        vec![SocketAddr::new(ip, url.port)]
    } else {
        let unresolved = |reason: String| {
            TlsFactError::Net(NetError::Resolve {
                host: url.host.clone(),
                reason,
            })
        };
        let _permit = net.sockets(1).await.map_err(TlsFactError::Runtime)?;
        let lookup = tokio::net::lookup_host((url.host.as_str(), url.port));
        match tokio::time::timeout(target.timeout, lookup).await {
            Ok(Ok(found)) => {
                let addrs: Vec<SocketAddr> = found.take(MAX_ADDRS).collect();
                if addrs.is_empty() {
                    return Err(unresolved("no addresses".into()));
                }
                addrs
            }
            Ok(Err(e)) => return Err(unresolved(e.to_string())),
            Err(_) => {
                return Err(unresolved(format!(
                    "no answer within {}s",
                    target.timeout.as_secs_f32()
                )))
            }
        }
    };
    Ok(Endpoint {
        host: url.host.clone(),
        port: url.port,
        addrs,
    })
}

/// What TLS and certificate judges read: the facts, each behind the same precondition (an
/// `https://` URL) and the same error handling.
pub struct TlsView<'a> {
    pub(super) facts: &'a TlsFacts,
    pub(super) target: &'a Target,
    pub(super) net: &'a NetRuntime,
}

impl<'a> TlsView<'a> {
    /// The `https://` URL, or why there is none to probe.
    pub fn url(&self) -> Result<&'a TargetUrl, Unavailable> {
        match &self.target.url {
            None => Err(Unavailable::skip(
                "live deployment",
                "not examined: give --url https://HOST",
            )),
            Some(u) if u.scheme != Scheme::Https => Err(Unavailable::skip(
                u.host_port(),
                "--url is http://; TLS and certificate checks need https://",
            )
            .at(Location::endpoint(&u.host, u.port))),
            Some(u) => Ok(u),
        }
    }

    /// `host:port` (with the address connected to when it differs), the subject of findings
    /// about the endpoint.
    pub fn subject(&self) -> String {
        let resolved = self
            .net
            .block_on(self.facts.endpoint(self.target, self.net));
        match (resolved, &self.target.url) {
            (Ok(Ok(e)), _) => e.label(),
            (_, Some(u)) => u.host_port(),
            (_, None) => "--url".into(),
        }
    }

    pub fn location(&self) -> Location {
        match &self.target.url {
            Some(u) => Location::endpoint(&u.host, u.port),
            None => Location::default(),
        }
    }

    fn read<T>(
        &self,
        what: &str,
        gathered: Result<&'a Result<T, TlsFactError>, RuntimeError>,
    ) -> Result<&'a T, Unavailable> {
        let unavailable =
            |why: String| Unavailable::error(self.subject(), format!("cannot {what}: {why}"));
        match gathered {
            Ok(Ok(fact)) => Ok(fact),
            Ok(Err(e)) => Err(unavailable(e.to_string()).at(self.location())),
            Err(e) => Err(unavailable(e.to_string()).at(self.location())),
        }
    }

    pub fn handshake(&self) -> Result<&'a HandshakeScan, Unavailable> {
        self.url()?;
        let gathered = self
            .net
            .block_on(self.facts.handshake(self.target, self.net));
        self.read("complete a TLS handshake", gathered)
    }

    pub fn legacy(&self) -> Result<&'a LegacyScan, Unavailable> {
        self.url()?;
        let gathered = self.net.block_on(self.facts.legacy(self.target, self.net));
        self.read("probe SSL 3.0, TLS 1.0 and TLS 1.1", gathered)
    }

    pub fn suites(&self) -> Result<&'a SuiteScan, Unavailable> {
        self.url()?;
        let gathered = self.net.block_on(self.facts.suites(self.target, self.net));
        self.read("enumerate cipher suites", gathered)
    }

    /// The client-initiated renegotiation probe; its own failure (e.g. the server speaks no
    /// suite the probe implements) is part of the fact.
    pub fn renegotiation(
        &self,
    ) -> Result<&'a Result<RenegotiationProbe, RenegotiationError>, Unavailable> {
        self.url()?;
        let gathered = self
            .net
            .block_on(self.facts.renegotiation(self.target, self.net));
        self.read("probe renegotiation", gathered)
    }

    /// The chain the server presents: from the rustls handshakes, or, when no strict client
    /// got one (a CBC-only or static-RSA-only server), from the raw TLS 1.2 probe, judged the
    /// same way. `Err` says why neither produced one.
    pub fn certificate(&self) -> Result<PresentedChain<'a>, Unavailable> {
        let url = self.url()?;
        let scan = self.handshake()?;
        if let (Some(chain), Some(v)) = (&scan.chain, scan.chain_from) {
            return Ok(PresentedChain {
                chain,
                roots: &scan.roots,
                via: format!("the {} handshake", v.label()),
                label: &scan.label,
            });
        }
        let raw = self.suites().ok();
        let judged = raw.and_then(|raw| {
            self.facts
                .raw_chain
                .get_or_init(|| judge_raw_chain(raw, &url.host, &scan.roots))
                .as_ref()
                .map(|chain| (raw, chain))
        });
        match judged {
            Some((raw, chain)) => Ok(PresentedChain {
                chain,
                roots: &scan.roots,
                via: format!(
                    "the raw {} probe",
                    version_name(raw.chain.as_ref().map(|c| c.version).unwrap_or_default())
                ),
                label: &scan.label,
            }),
            None => Err(Unavailable::error(
                format!("{} certificate", scan.label),
                why_no_chain(scan, raw),
            )
            .at(self.location())),
        }
    }

    pub fn weak_ciphers(&self) -> Result<&'a WeakCipherScan, Unavailable> {
        self.url()?;
        let gathered = self
            .net
            .block_on(self.facts.weak_ciphers(self.target, self.net));
        self.read("probe weak cipher suites", gathered)
    }
}
