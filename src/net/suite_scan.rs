//! Cipher suite enumeration with raw ClientHellos, the way sslyze does it: offer every suite a
//! client could negotiate, note the one the server picks, take it out and offer the rest again
//! until the server refuses. Versions (TLS 1.0 to 1.3) and suite families run concurrently, so
//! a scan takes about as long as its longest line of rounds.
//!
//! TLS 1.2 and older flights are read to ServerHelloDone, so the same rounds also give the
//! certificate chain (plaintext before TLS 1.3), the stapled OCSP response, the (EC)DHE
//! parameters and the renegotiation_info answer. A server only rustls cannot talk to (CBC-only,
//! static-RSA-only, DHE-only) is still seen speaking TLS 1.2.

pub mod kex;

use crate::net::connect::Endpoint;
use crate::net::hello::{
    self, sni_name, ClientHello, Flight, HelloExtras, ServerAnswer, ServerHello,
};
use crate::net::legacy_probe::exchange::exchange_flight;
use crate::net::legacy_probe::suites::{
    negotiable_suites, suite_name, suite_traits, KeyExchange, RecordProtection, TLS13_SUITES,
};
use crate::net::legacy_probe::ProbeFailure;
use kex::{parse_server_key_exchange, KexParams};
use ring::rand::SystemRandom;
use std::time::Duration;

/// Rounds of one line (suites re-offered without the accepted ones); the longest family of
/// the registry has fewer suites than this.
pub const MAX_ROUNDS: usize = 64;

/// The ECDHE groups offered one by one in TLS 1.2 to list those the server accepts.
pub const ECDHE_GROUPS: [u16; 8] = [
    0x001D, 0x0017, 0x0018, 0x0019, 0x001E, 0x001A, 0x001B, 0x001C,
];

/// Versions enumerated, newest first.
pub const VERSIONS: [u16; 4] = [hello::TLS13, hello::TLS12, hello::TLS11, hello::TLS10];

/// Whether a server accepts a version, concluded from all its rounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acceptance {
    Accepted,
    NotAccepted {
        reason: String,
    },
    /// No conclusion: unreachable, stalled, not TLS.
    Failed(ProbeFailure),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptedSuite {
    pub suite: u16,
    /// The (EC)DHE parameters the server sent with it (TLS 1.2 and older).
    pub kex: Option<KexParams>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSuites {
    pub version: u16,
    pub acceptance: Acceptance,
    /// Every accepted suite, in the order the rounds found them.
    pub suites: Vec<AcceptedSuite>,
    /// Rounds ran out while the server was still accepting.
    pub truncated: bool,
}

impl VersionSuites {
    pub fn accepted(&self) -> bool {
        self.acceptance == Acceptance::Accepted
    }

    pub fn ids(&self) -> Vec<u16> {
        self.suites.iter().map(|s| s.suite).collect()
    }
}

/// Two probes at TLS 1.2 offering the same two accepted suites in both orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preference {
    pub version: u16,
    /// The strongest and the weakest accepted suite.
    pub strong: u16,
    pub weak: u16,
    /// What the server chose when the weak suite was offered first, and when the strong one was.
    pub chosen_weak_first: u16,
    pub chosen_strong_first: u16,
}

impl Preference {
    /// The server picks by its own order, whatever the client's order.
    pub fn server_order(&self) -> bool {
        self.chosen_weak_first == self.chosen_strong_first
    }

    /// The server takes the weak suite when a client lists it first.
    pub fn picks_weak_offered_first(&self) -> bool {
        self.chosen_weak_first == self.weak
    }
}

/// The certificate chain of a TLS 1.2 (or older) handshake, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerChain {
    pub version: u16,
    pub suite: u16,
    /// DER, leaf first, in the server's order.
    pub certs: Vec<Vec<u8>>,
    /// The server answered `status_request` (it promised a stapled OCSP response).
    pub stapling_promised: bool,
    pub ocsp_response: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiteScan {
    /// `host:port` (with the address when it differs), for findings.
    pub label: String,
    /// One entry per version of [`VERSIONS`], in that order.
    pub versions: Vec<VersionSuites>,
    /// ECDHE groups accepted at TLS 1.2, in the order found.
    pub ecdhe_groups: Vec<u16>,
    /// Server preference, when at least two suites of different strength were accepted at
    /// TLS 1.2 (or the newest older version). `Err` when a preference probe failed.
    pub preference: Option<Result<Preference, ProbeFailure>>,
    /// The chain from the newest version up to TLS 1.2 that sent one.
    pub chain: Option<ServerChain>,
    /// Whether the server answered our renegotiation signal (RFC 5746); `None` when no
    /// TLS 1.2-or-older handshake was accepted.
    pub secure_renegotiation: Option<bool>,
}

impl SuiteScan {
    pub fn version(&self, version: u16) -> Option<&VersionSuites> {
        self.versions.iter().find(|v| v.version == version)
    }

    /// All accepted suites of every version, each once, with the versions accepting it.
    pub fn all_suites(&self) -> Vec<(u16, Vec<u16>)> {
        let mut out: Vec<(u16, Vec<u16>)> = Vec::new();
        for v in &self.versions {
            for s in &v.suites {
                match out.iter_mut().find(|(id, _)| *id == s.suite) {
                    Some((_, versions)) => versions.push(v.version),
                    None => out.push((s.suite, vec![v.version])),
                }
            }
        }
        out
    }

    /// The failure every version ran into when none was accepted and all failed alike.
    pub fn common_failure(&self) -> Option<&ProbeFailure> {
        let mut failures = self.versions.iter().map(|v| match &v.acceptance {
            Acceptance::Failed(f) => Some(f),
            _ => None,
        });
        let first = failures.next()??;
        failures.all(|f| f == Some(first)).then_some(first)
    }
}

/// One round's result.
#[derive(Debug, Clone)]
enum Round {
    Accepted(ServerHello, Flight),
    Refused(String),
    Failed(ProbeFailure),
}

/// What one line of rounds found.
#[derive(Debug, Clone)]
struct Line {
    accepted: Vec<(ServerHello, Flight)>,
    ending: Option<Round>,
    truncated: bool,
}

/// What a round offers besides the suites.
#[derive(Clone, Copy)]
struct Offer<'a> {
    version: u16,
    groups: Option<&'a [u16]>,
    key_share: Option<&'a [u8]>,
}

/// One line of rounds to run.
#[derive(Clone)]
enum Job {
    /// A family of suites at TLS 1.2 or older.
    Suites(u16, Vec<u16>),
    Tls13,
    Groups,
}

/// Scans with at most `parallel` connections open at once.
pub fn scan(endpoint: &Endpoint, timeout: Duration, parallel: usize) -> SuiteScan {
    let key_share = x25519_public_key();
    let key_share = key_share.as_deref();
    // Longest lines first (TLS 1.2 families, TLS 1.3, the groups), so the pool ends together.
    let mut jobs: Vec<Job> = families(hello::TLS12)
        .into_iter()
        .map(|f| Job::Suites(hello::TLS12, f))
        .collect();
    jobs.push(Job::Tls13);
    jobs.push(Job::Groups);
    for version in [hello::TLS11, hello::TLS10] {
        jobs.extend(
            families(version)
                .into_iter()
                .map(|f| Job::Suites(version, f)),
        );
    }
    let run = |job: &Job| match job {
        Job::Suites(version, suites) => {
            let offer = Offer {
                version: *version,
                groups: None,
                key_share: None,
            };
            suite_rounds(endpoint, timeout, offer, suites.clone())
        }
        Job::Tls13 => match key_share {
            Some(key) => {
                let offer = Offer {
                    version: hello::TLS13,
                    groups: None,
                    key_share: Some(key),
                };
                let suites = TLS13_SUITES.iter().map(|(id, _)| *id).collect();
                suite_rounds(endpoint, timeout, offer, suites)
            }
            None => local_failure("no random bytes for a TLS 1.3 key share"),
        },
        Job::Groups => group_rounds(endpoint, timeout),
    };
    let done = run_pool(&jobs, parallel, run);
    let mut lines: Vec<(u16, Line)> = Vec::new();
    let (mut tls13, mut groups) = (thread_died(), thread_died());
    for (job, line) in jobs.iter().zip(done) {
        match job {
            Job::Suites(version, _) => lines.push((*version, line)),
            Job::Tls13 => tls13 = line,
            Job::Groups => groups = line,
        }
    }

    let mut versions = vec![version_result(hello::TLS13, std::iter::once(&tls13))];
    for version in &VERSIONS[1..] {
        let of_version = lines.iter().filter(|(v, _)| v == version).map(|(_, l)| l);
        versions.push(version_result(*version, of_version));
    }
    let first_flight = VERSIONS[1..].iter().find_map(|version| {
        lines
            .iter()
            .filter(|(v, _)| v == version)
            .flat_map(|(_, l)| l.accepted.iter())
            .find(|(_, flight)| !flight.certificates.is_empty())
            .or_else(|| {
                lines
                    .iter()
                    .filter(|(v, _)| v == version)
                    .flat_map(|(_, l)| l.accepted.first())
                    .next()
            })
    });
    let chain = first_flight.and_then(|(hello, flight)| {
        (!flight.certificates.is_empty()).then(|| ServerChain {
            version: hello.version,
            suite: hello.cipher_suite,
            certs: flight.certificates.clone(),
            stapling_promised: hello.stapling_promised,
            ocsp_response: flight.ocsp_response.clone(),
        })
    });
    let secure_renegotiation = first_flight.map(|(hello, _)| hello.secure_renegotiation);
    let ecdhe_groups = groups
        .accepted
        .iter()
        .filter_map(
            |(hello, flight)| match key_params(flight, hello.cipher_suite) {
                Some(KexParams::Ecdhe { group }) => Some(group),
                _ => None,
            },
        )
        .collect();
    let preference = preference_pair(&versions).map(|(version, strong, weak)| {
        probe_preference(endpoint, timeout, parallel, version, strong, weak)
    });
    SuiteScan {
        label: endpoint.label(),
        versions,
        ecdhe_groups,
        preference,
        chain,
        secure_renegotiation,
    }
}

/// Runs every job on at most `parallel` threads (each holding one connection at a time) and
/// returns their lines in job order.
fn run_pool(jobs: &[Job], parallel: usize, run: impl Fn(&Job) -> Line + Sync) -> Vec<Line> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Line>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..parallel.clamp(1, jobs.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let line = run(job);
                if let Some(slot) = results.get(i) {
                    if let Ok(mut slot) = slot.lock() {
                        *slot = Some(line);
                    }
                }
            });
        }
    });
    results
        .into_iter()
        .map(|slot| slot.into_inner().ok().flatten().unwrap_or_else(thread_died))
        .collect()
}

/// The suites of a version split by key exchange and record protection, so each family's
/// rounds run on their own and no line of rounds is long (a line costs one round trip per
/// accepted suite).
fn families(version: u16) -> Vec<Vec<u16>> {
    let mut families: Vec<Vec<u16>> = vec![Vec::new(); 10];
    for id in negotiable_suites(version >= hello::TLS12) {
        let t = suite_traits(id);
        let exchange = match (t.key_exchange, t.ecdsa) {
            (KeyExchange::Ecdhe, true) => 0,
            (KeyExchange::Ecdhe, false) => 1,
            (KeyExchange::Dhe, _) => 2,
            (KeyExchange::StaticRsa, _) => 3,
            _ => 4,
        };
        let aead = usize::from(t.protection == RecordProtection::Aead);
        families[exchange * 2 + aead].push(id);
    }
    families.retain(|f| !f.is_empty());
    // Strong suites first within a family, as a real client would offer them.
    for family in &mut families {
        family.sort_by_key(|id| std::cmp::Reverse(strength(*id)));
    }
    families
}

/// Orders suites from weakest to strongest: forward secrecy, then AEAD.
fn strength(id: u16) -> (bool, u8) {
    let t = suite_traits(id);
    let protection = match t.protection {
        RecordProtection::Aead => 2,
        RecordProtection::Cbc => 1,
        RecordProtection::StreamOrNull => 0,
    };
    (t.forward_secret(), protection)
}

fn suite_rounds(endpoint: &Endpoint, timeout: Duration, offer: Offer, suites: Vec<u16>) -> Line {
    eliminate(
        suites,
        MAX_ROUNDS,
        |remaining| round(endpoint, timeout, offer, remaining),
        |hello, _| Some(hello.cipher_suite),
    )
}

/// TLS 1.2 ECDHE suites with one group less each round, to list the groups accepted.
fn group_rounds(endpoint: &Endpoint, timeout: Duration) -> Line {
    let ecdhe: Vec<u16> = negotiable_suites(true)
        .into_iter()
        .filter(|id| suite_traits(*id).key_exchange == KeyExchange::Ecdhe)
        .collect();
    eliminate(
        ECDHE_GROUPS.to_vec(),
        ECDHE_GROUPS.len(),
        |remaining| {
            let offer = Offer {
                version: hello::TLS12,
                groups: Some(remaining),
                key_share: None,
            };
            round(endpoint, timeout, offer, &ecdhe)
        },
        |hello, flight| match key_params(flight, hello.cipher_suite) {
            Some(KexParams::Ecdhe { group }) => Some(group),
            _ => None,
        },
    )
}

/// The rounds of one line: offer `items`, take out the one the server chose (`chosen` reads it
/// from the answer), offer the rest again, until the server refuses, nothing is left, or
/// `max_rounds` is reached. An answer whose choice cannot be read, or names an item that was
/// not offered, ends the line rather than looping on it.
fn eliminate(
    items: Vec<u16>,
    max_rounds: usize,
    probe: impl Fn(&[u16]) -> Round,
    chosen: impl Fn(&ServerHello, &Flight) -> Option<u16>,
) -> Line {
    let mut remaining = items;
    let mut accepted = Vec::new();
    for _ in 0..max_rounds {
        if remaining.is_empty() {
            break;
        }
        match probe(&remaining) {
            Round::Accepted(hello, flight) => {
                let Some(item) = chosen(&hello, &flight).filter(|i| remaining.contains(i)) else {
                    break;
                };
                remaining.retain(|i| *i != item);
                accepted.push((hello, flight));
            }
            ending => {
                return Line {
                    accepted,
                    ending: Some(ending),
                    truncated: false,
                }
            }
        }
    }
    Line {
        truncated: !remaining.is_empty() && accepted.len() == max_rounds,
        accepted,
        ending: None,
    }
}

fn key_params(flight: &Flight, suite: u16) -> Option<KexParams> {
    let body = flight.server_key_exchange.as_ref()?;
    parse_server_key_exchange(suite_traits(suite).key_exchange, body)
        .ok()
        .flatten()
}

fn round(endpoint: &Endpoint, timeout: Duration, offer: Offer, suites: &[u16]) -> Round {
    let hello = ClientHello {
        version: offer.version,
        cipher_suites: suites,
        server_name: sni_name(&endpoint.host),
        extras: HelloExtras {
            groups: offer.groups,
            status_request: offer.version < hello::TLS13,
            key_share: offer.key_share,
            renegotiation_info: None,
        },
    };
    let (addr, answer, flight) = match exchange_flight(endpoint, &hello, timeout) {
        Ok(x) => x,
        Err(f) => return Round::Failed(f),
    };
    match answer {
        ServerAnswer::Hello(h) if h.version != offer.version => {
            Round::Refused(format!("answered with {}", hello::version_name(h.version)))
        }
        ServerAnswer::Hello(h) if !suites.contains(&h.cipher_suite) => {
            Round::Failed(ProbeFailure::Invalid {
                addr,
                description: format!(
                    "chose {}, which was not offered",
                    suite_name(h.cipher_suite)
                ),
            })
        }
        ServerAnswer::Hello(h) => Round::Accepted(h, flight),
        ServerAnswer::Alert(alert) => Round::Refused(alert.to_string()),
        ServerAnswer::Closed { reset: false } => {
            Round::Refused("connection closed without an answer".into())
        }
        ServerAnswer::Closed { reset: true } => {
            Round::Refused("connection reset without an answer".into())
        }
        ServerAnswer::Invalid(description) => {
            Round::Failed(ProbeFailure::Invalid { addr, description })
        }
    }
}

/// Folds the lines of one version: accepted when any round was; otherwise a failure wins
/// over a refusal, since a line that failed cannot vouch for a refusal.
fn version_result<'a>(version: u16, lines: impl Iterator<Item = &'a Line>) -> VersionSuites {
    let mut suites = Vec::new();
    let mut truncated = false;
    let mut failure = None;
    let mut refusal = None;
    for line in lines {
        truncated |= line.truncated;
        for (hello, flight) in &line.accepted {
            suites.push(AcceptedSuite {
                suite: hello.cipher_suite,
                kex: key_params(flight, hello.cipher_suite),
            });
        }
        match &line.ending {
            Some(Round::Failed(f)) if failure.is_none() => failure = Some(f.clone()),
            Some(Round::Refused(r)) if refusal.is_none() => refusal = Some(r.clone()),
            _ => {}
        }
    }
    let acceptance = if !suites.is_empty() {
        Acceptance::Accepted
    } else if let Some(f) = failure {
        Acceptance::Failed(f)
    } else {
        Acceptance::NotAccepted {
            reason: refusal.unwrap_or_else(|| "no suite accepted".into()),
        }
    };
    VersionSuites {
        version,
        acceptance,
        suites,
        truncated,
    }
}

/// The version and the (strongest, weakest) accepted suites to test preference with: TLS 1.2
/// when accepted, else the newest older version; `None` when all accepted suites are alike.
fn preference_pair(versions: &[VersionSuites]) -> Option<(u16, u16, u16)> {
    let v = versions
        .iter()
        .find(|v| v.version < hello::TLS13 && v.accepted())?;
    let ids = v.ids();
    let strong = *ids.iter().max_by_key(|id| strength(**id))?;
    let weak = *ids.iter().min_by_key(|id| strength(**id))?;
    let pair = if strength(strong) == strength(weak) {
        (*ids.first()?, *ids.last()?)
    } else {
        (strong, weak)
    };
    (pair.0 != pair.1).then_some((v.version, pair.0, pair.1))
}

fn probe_preference(
    endpoint: &Endpoint,
    timeout: Duration,
    parallel: usize,
    version: u16,
    strong: u16,
    weak: u16,
) -> Result<Preference, ProbeFailure> {
    let offer = Offer {
        version,
        groups: None,
        key_share: None,
    };
    let choose = |suites: [u16; 2]| match round(endpoint, timeout, offer, &suites) {
        Round::Accepted(hello, _) => Ok(hello.cipher_suite),
        Round::Refused(reason) => Err(ProbeFailure::Local(format!(
            "the server refused two suites it had accepted: {reason}"
        ))),
        Round::Failed(f) => Err(f),
    };
    let (weak_first, strong_first) = if parallel < 2 {
        (choose([weak, strong]), choose([strong, weak]))
    } else {
        std::thread::scope(|s| {
            let weak_first = s.spawn(|| choose([weak, strong]));
            let strong_first = choose([strong, weak]);
            (
                weak_first.join().unwrap_or_else(|_| Err(died())),
                strong_first,
            )
        })
    };
    Ok(Preference {
        version,
        strong,
        weak,
        chosen_weak_first: weak_first?,
        chosen_strong_first: strong_first?,
    })
}

/// An x25519 public key for TLS 1.3 hellos; the handshake is never finished, so the private
/// half is dropped at once.
fn x25519_public_key() -> Option<Vec<u8>> {
    let rng = SystemRandom::new();
    let private =
        ring::agreement::EphemeralPrivateKey::generate(&ring::agreement::X25519, &rng).ok()?;
    let public = private.compute_public_key().ok()?;
    Some(public.as_ref().to_vec())
}

fn died() -> ProbeFailure {
    ProbeFailure::Local("a probe thread stopped unexpectedly".into())
}

fn thread_died() -> Line {
    local_failure("a probe thread stopped unexpectedly")
}

fn local_failure(why: &str) -> Line {
    Line {
        accepted: Vec::new(),
        ending: Some(Round::Failed(ProbeFailure::Local(why.into()))),
        truncated: false,
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
pub mod test_support {
    //! Hand-made scans for the judges' unit tests.
    use super::*;

    /// A scan of `h:443` with these versions, each with its accepted suites (no parameters).
    pub fn scan_with(versions: &[(u16, Acceptance, &[u16])]) -> SuiteScan {
        SuiteScan {
            label: "h:443".into(),
            versions: versions
                .iter()
                .map(|(version, acceptance, suites)| VersionSuites {
                    version: *version,
                    acceptance: acceptance.clone(),
                    suites: suites
                        .iter()
                        .map(|s| AcceptedSuite {
                            suite: *s,
                            kex: None,
                        })
                        .collect(),
                    truncated: false,
                })
                .collect(),
            ecdhe_groups: Vec::new(),
            preference: None,
            chain: None,
            secure_renegotiation: Some(true),
        }
    }
}
