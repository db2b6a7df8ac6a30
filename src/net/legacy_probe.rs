//! Raw-socket probes for what rustls will not speak: SSL 3.0, TLS 1.0/1.1 and weak cipher classes.
//!
//! Each probe is one connection, one hand-built ClientHello and the server's first answer; the
//! handshake is never completed. All probes of a scan run at once, each bounded by the target's
//! timeout, so a scan takes about as long as its slowest probe.

pub mod exchange;
pub mod suites;

use crate::net::connect::{Endpoint, NetError};
use crate::net::hello::{self, sni_name, version_name, ClientHello, ServerAnswer};
pub use crate::net::version::TlsVersion;
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;
use suites::{suite_name, WeakClass};

/// How many times one weak class is re-offered without the suites already accepted, to list
/// every accepted suite rather than only the server's favourite.
pub const MAX_ROUNDS_PER_CLASS: usize = 8;

/// Why a probe could not tell whether the server accepts what was offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeFailure {
    Net(NetError),
    /// The server answered, but not with a TLS answer to the hello (or with a broken one).
    Invalid {
        addr: SocketAddr,
        description: String,
    },
    /// Something on this machine failed (no random bytes, a probe thread died).
    Local(String),
}

impl fmt::Display for ProbeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProbeFailure::Net(e) => write!(f, "{e}"),
            ProbeFailure::Invalid { addr, description } => write!(f, "{addr}: {description}"),
            ProbeFailure::Local(why) => f.write_str(why),
        }
    }
}

/// What the server settled on in its ServerHello.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiated {
    pub version: u16,
    pub suite: u16,
}

impl Negotiated {
    pub fn suite_name(&self) -> String {
        suite_name(self.suite)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeOutcome {
    /// The server answered with a ServerHello choosing one of the offered suites at an
    /// acceptable version (exactly the offered one for version probes).
    Accepted(Negotiated),
    /// The server refused: an alert, a closed connection, or another version.
    NotAccepted { reason: String },
    /// No conclusion: the server could not be reached, stalled, or did not speak TLS.
    Failed(ProbeFailure),
}

/// SSL 3.0, TLS 1.0 and TLS 1.1, each probed on its own connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyScan {
    pub results: Vec<(TlsVersion, ProbeOutcome)>,
}

impl LegacyScan {
    /// The failure every probe ran into, when they all failed the same way (refused, stalled,
    /// not TLS): one error says it better than three.
    pub fn common_failure(&self) -> Option<&ProbeFailure> {
        common_failure(self.results.iter().map(|(_, o)| o))
    }
}

/// What one weak class came to, over every version it was offered at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassResult {
    pub class: WeakClass,
    /// Every suite of the class the server chose, with the version it chose it at.
    pub accepted: Vec<Negotiated>,
    /// For each offered version, the refusal or failure that ended its rounds (absent when the
    /// server accepted every suite of the class, or the rounds ran out).
    pub endings: Vec<(TlsVersion, ProbeOutcome)>,
    /// Rounds ran out while the server was still accepting: there may be more suites.
    pub truncated: bool,
}

impl ClassResult {
    pub fn first_failure(&self) -> Option<&ProbeFailure> {
        self.endings.iter().find_map(|(_, o)| match o {
            ProbeOutcome::Failed(f) => Some(f),
            _ => None,
        })
    }

    /// "TLS_RSA_WITH_NULL_SHA (TLS 1.2, TLS 1.0)" for each accepted suite, in the order found.
    pub fn accepted_suites(&self) -> Vec<String> {
        let mut suites: Vec<(u16, Vec<String>)> = Vec::new();
        for n in &self.accepted {
            let version = version_name(n.version);
            match suites.iter_mut().find(|(s, _)| *s == n.suite) {
                Some((_, versions)) if !versions.contains(&version) => versions.push(version),
                Some(_) => {}
                None => suites.push((n.suite, vec![version])),
            }
        }
        suites
            .into_iter()
            .map(|(s, v)| format!("{} ({})", suite_name(s), v.join(", ")))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeakCipherScan {
    pub classes: Vec<ClassResult>,
}

impl WeakCipherScan {
    /// As [`LegacyScan::common_failure`]: set only when nothing was accepted and every probe
    /// failed the same way.
    pub fn common_failure(&self) -> Option<&ProbeFailure> {
        if self.classes.iter().any(|c| !c.accepted.is_empty()) {
            return None;
        }
        common_failure(
            self.classes
                .iter()
                .flat_map(|c| c.endings.iter().map(|(_, o)| o)),
        )
    }
}

fn common_failure<'a>(
    mut outcomes: impl Iterator<Item = &'a ProbeOutcome>,
) -> Option<&'a ProbeFailure> {
    let first = match outcomes.next()? {
        ProbeOutcome::Failed(f) => f,
        _ => return None,
    };
    outcomes
        .all(|o| matches!(o, ProbeOutcome::Failed(f) if f == first))
        .then_some(first)
}

pub fn scan_legacy(endpoint: &Endpoint, timeout: Duration) -> LegacyScan {
    let offer = suites::legacy_offer();
    let results = std::thread::scope(|scope| {
        let probes: Vec<_> = TlsVersion::LEGACY
            .into_iter()
            .map(|version| {
                let offer = &offer;
                let handle = scope.spawn(move || probe_version(endpoint, version, offer, timeout));
                (version, handle)
            })
            .collect();
        probes
            .into_iter()
            .map(|(version, handle)| (version, handle.join().unwrap_or_else(|_| thread_died())))
            .collect()
    });
    LegacyScan { results }
}

fn probe_version(
    endpoint: &Endpoint,
    version: TlsVersion,
    offer: &[u16],
    timeout: Duration,
) -> ProbeOutcome {
    let hello = ClientHello {
        version: version.wire(),
        cipher_suites: offer,
        server_name: server_name(endpoint, version),
        extras: Default::default(),
    };
    match exchange::exchange(endpoint, &hello, timeout) {
        Ok((addr, answer)) => judge(&hello, answer, addr, Acceptance::ExactVersion),
        Err(f) => ProbeOutcome::Failed(f),
    }
}

/// Versions each weak class is offered at: TLS 1.2 for what modern servers would pick, and
/// TLS 1.0 for servers that stop there and for EXPORT suites, which TLS 1.1+ forbids.
const WEAK_CLASS_VERSIONS: [TlsVersion; 2] = [TlsVersion::Tls12, TlsVersion::Tls10];

pub fn scan_weak_ciphers(endpoint: &Endpoint, timeout: Duration) -> WeakCipherScan {
    let classes = std::thread::scope(|scope| {
        let lines: Vec<_> = WeakClass::ALL
            .into_iter()
            .flat_map(|class| WEAK_CLASS_VERSIONS.map(|version| (class, version)))
            .map(|(class, version)| {
                let handle =
                    scope.spawn(move || enumerate_class(endpoint, class, version, timeout));
                (class, version, handle)
            })
            .collect();
        let mut classes: Vec<ClassResult> = WeakClass::ALL
            .into_iter()
            .map(|class| ClassResult {
                class,
                accepted: Vec::new(),
                endings: Vec::new(),
                truncated: false,
            })
            .collect();
        for (class, version, handle) in lines {
            let line = handle.join().unwrap_or_else(|_| ClassLine {
                accepted: Vec::new(),
                ending: Some(thread_died()),
                truncated: false,
            });
            if let Some(result) = classes.iter_mut().find(|c| c.class == class) {
                result.accepted.extend(line.accepted);
                result.endings.extend(line.ending.map(|o| (version, o)));
                result.truncated |= line.truncated;
            }
        }
        classes
    });
    WeakCipherScan { classes }
}

/// The rounds of one class at one version.
struct ClassLine {
    accepted: Vec<Negotiated>,
    ending: Option<ProbeOutcome>,
    truncated: bool,
}

fn enumerate_class(
    endpoint: &Endpoint,
    class: WeakClass,
    version: TlsVersion,
    timeout: Duration,
) -> ClassLine {
    let mut remaining = class.suites();
    let mut accepted = Vec::new();
    for _ in 0..MAX_ROUNDS_PER_CLASS {
        if remaining.is_empty() {
            break;
        }
        let hello = ClientHello {
            version: version.wire(),
            cipher_suites: &remaining,
            server_name: server_name(endpoint, version),
            extras: Default::default(),
        };
        let outcome = match exchange::exchange(endpoint, &hello, timeout) {
            Ok((addr, answer)) => judge(&hello, answer, addr, Acceptance::UpToOffered),
            Err(f) => ProbeOutcome::Failed(f),
        };
        match outcome {
            ProbeOutcome::Accepted(n) => {
                remaining.retain(|s| *s != n.suite);
                accepted.push(n);
            }
            ending => {
                return ClassLine {
                    accepted,
                    ending: Some(ending),
                    truncated: false,
                }
            }
        }
    }
    ClassLine {
        accepted,
        ending: None,
        truncated: !remaining.is_empty(),
    }
}

fn server_name(endpoint: &Endpoint, version: TlsVersion) -> Option<&str> {
    match version {
        TlsVersion::Ssl3 => None,
        _ => sni_name(&endpoint.host),
    }
}

fn thread_died() -> ProbeOutcome {
    ProbeOutcome::Failed(ProbeFailure::Local(
        "a probe thread stopped unexpectedly".into(),
    ))
}

/// Which ServerHello versions count as accepting the hello.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Acceptance {
    /// Version probes: only the version offered (a server answering lower refused it).
    ExactVersion,
    /// Cipher probes: any version from SSL 3.0 up to the one offered; the suite is what counts.
    UpToOffered,
}

fn judge(
    hello: &ClientHello,
    answer: ServerAnswer,
    addr: SocketAddr,
    acceptance: Acceptance,
) -> ProbeOutcome {
    match answer {
        ServerAnswer::Hello(h) => {
            let version_ok = match acceptance {
                Acceptance::ExactVersion => h.version == hello.version,
                Acceptance::UpToOffered => (hello::SSL3..=hello.version).contains(&h.version),
            };
            if !version_ok {
                return ProbeOutcome::NotAccepted {
                    reason: format!("answered with {}", version_name(h.version)),
                };
            }
            if !hello.cipher_suites.contains(&h.cipher_suite) {
                return ProbeOutcome::Failed(ProbeFailure::Invalid {
                    addr,
                    description: format!(
                        "answered {} but chose {}, which was not offered",
                        version_name(h.version),
                        suite_name(h.cipher_suite)
                    ),
                });
            }
            ProbeOutcome::Accepted(Negotiated {
                version: h.version,
                suite: h.cipher_suite,
            })
        }
        ServerAnswer::Alert(alert) => ProbeOutcome::NotAccepted {
            reason: alert.to_string(),
        },
        ServerAnswer::Closed { reset: false } => ProbeOutcome::NotAccepted {
            reason: "connection closed without an answer".into(),
        },
        ServerAnswer::Closed { reset: true } => ProbeOutcome::NotAccepted {
            reason: "connection reset without an answer".into(),
        },
        ServerAnswer::Invalid(description) => {
            ProbeOutcome::Failed(ProbeFailure::Invalid { addr, description })
        }
    }
}

#[cfg(test)]
mod tests;
