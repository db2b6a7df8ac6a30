//! Certificate checks on the chain the server presents: trust, host name, validity, expiry,
//! key size, signature algorithms, self-signed leaf and chain completeness.
//!
//! Every check reads the same captured chain (one handshake scan per audit) and reports one
//! observation whose `actual` starts with the leaf's subject, issuer, SANs and dates.

pub mod analyze;
mod dates;
mod hostname;
mod lifetime;
mod stapling;
mod strength;
mod trust;
mod usage;

use crate::checks::{Judgement, Kind};
use crate::facts::{Facts, Need, Unavailable};
use crate::finding::FailStatus;
use crate::finding::{Category, Observation, Status};
use crate::net::legacy_probe::suites::{suite_traits, KeyExchange};
use crate::net::rustls_probe::recorder::CapturedChain;
use crate::net::rustls_probe::roots::TrustRoots;
use crate::net::suite_scan::SuiteScan;
use analyze::CertInfo;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

fn thirty() -> u32 {
    30
}
fn twenty_one() -> u32 {
    21
}

/// `cert.expiry`: days left on the certificate that expires first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertExpiry {
    /// Fewer days left than this: warn.
    #[serde(default = "thirty")]
    pub warn_days: u32,
    /// Fewer days left than this (or expired): fail.
    #[serde(default = "twenty_one")]
    pub fail_days: u32,
}

fn rsa_min() -> u32 {
    2048
}
fn ec_min() -> u32 {
    256
}

/// `cert.key-size`: minimum key sizes for every presented certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertKeySize {
    #[serde(default = "rsa_min")]
    pub min_rsa_bits: u32,
    #[serde(default = "ec_min")]
    pub min_ec_bits: u32,
}

impl Kind for CertExpiry {
    const TAG: &'static str = "cert.expiry";
    const CATEGORY: Category = Category::Certificate;

    fn needs(&self) -> Vec<Need> {
        CHAIN_NEEDS.to_vec()
    }

    fn validate(&self) -> Result<(), String> {
        if self.fail_days > self.warn_days {
            return Err(format!(
                "fail_days ({}) must not exceed warn_days ({})",
                self.fail_days, self.warn_days
            ));
        }
        Ok(())
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        with_chain(facts, |e| dates::expiry(e, self))
    }
}

impl Kind for CertKeySize {
    const TAG: &'static str = "cert.key-size";
    const CATEGORY: Category = Category::Certificate;

    fn needs(&self) -> Vec<Need> {
        CHAIN_NEEDS.to_vec()
    }

    fn validate(&self) -> Result<(), String> {
        if self.min_rsa_bits == 0 || self.min_ec_bits == 0 {
            return Err("min_rsa_bits and min_ec_bits must be positive".to_string());
        }
        Ok(())
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        with_chain(facts, |e| strength::key_size(e, self))
    }
}

/// Certificate kinds without parameters: the tag and the judgement over the examined chain.
macro_rules! chain_kind {
    ($name:ident, $tag:literal, $judge:path) => {
        crate::no_params_kind!($name);

        impl Kind for $name {
            const TAG: &'static str = $tag;
            const CATEGORY: Category = Category::Certificate;

            fn needs(&self) -> Vec<Need> {
                CHAIN_NEEDS.to_vec()
            }

            fn judge(&self, facts: &Facts) -> Judgement {
                with_chain(facts, $judge)
            }
        }
    };
}

crate::no_params_kind!(CertTrust);

impl Kind for CertTrust {
    const TAG: &'static str = "cert.trust";
    const CATEGORY: Category = Category::Certificate;

    fn needs(&self) -> Vec<Need> {
        CHAIN_NEEDS.to_vec()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        with_chain_reporting(facts, OnAbsence::Report, |e| vec![trust::trust(e)])
    }
}

chain_kind!(CertHostname, "cert.hostname", hostname::hostname);
chain_kind!(CertValidity, "cert.validity", dates::validity);
chain_kind!(CertSignature, "cert.signature", strength::signature);
chain_kind!(CertSelfSigned, "cert.self-signed", trust::self_signed);
chain_kind!(CertChain, "cert.chain", trust::chain);
chain_kind!(CertChainOrder, "cert.chain-order", trust::chain_order);
chain_kind!(CertLifetime, "cert.lifetime", lifetime::lifetime);
chain_kind!(CertOcspStapling, "cert.ocsp-stapling", stapling::stapling);

crate::no_params_kind!(
    /// `cert.key-usage`: keyUsage/extendedKeyUsage fit the key exchanges the server accepts.
    CertKeyUsage
);

impl Kind for CertKeyUsage {
    const TAG: &'static str = "cert.key-usage";
    const CATEGORY: Category = Category::Certificate;

    fn needs(&self) -> Vec<Need> {
        CHAIN_NEEDS.to_vec()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        // Without a suite list, judge as a TLS 1.3 client would: the key signs.
        let exchanges = match facts.tls().suites() {
            Ok(scan) => key_exchanges(scan),
            Err(_) => usage::KeyExchanges {
                signed: true,
                rsa_encrypted: false,
            },
        };
        with_chain(facts, |e| usage::key_usage(e, exchanges))
    }
}

fn key_exchanges(scan: &SuiteScan) -> usage::KeyExchanges {
    let suites = scan.all_suites();
    let traits = || suites.iter().map(|(id, _)| suite_traits(*id));
    usage::KeyExchanges {
        signed: traits().any(|t| t.forward_secret()),
        rsa_encrypted: traits().any(|t| t.key_exchange == KeyExchange::StaticRsa),
    }
}

fn fail() -> FailStatus {
    FailStatus::Fail
}

/// `cert.key-type`: the leaf key is one browsers accept (not Ed25519/Ed448).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertKeyType {
    /// Status for an EdDSA leaf: `fail` for a public web endpoint; an API-only deployment
    /// whose clients accept EdDSA can lower it to `warn`.
    #[serde(default = "fail")]
    pub if_eddsa: FailStatus,
}

impl Kind for CertKeyType {
    const TAG: &'static str = "cert.key-type";
    const CATEGORY: Category = Category::Certificate;

    fn needs(&self) -> Vec<Need> {
        CHAIN_NEEDS.to_vec()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        with_chain(facts, |e| usage::key_type(e, self.if_eddsa))
    }
}

/// The captured chain, read and ready for judging.
pub struct Examined<'a> {
    /// `host:port certificate`: the subject of every certificate finding.
    pub subject: String,
    /// The name the client asked for (SNI and name checks).
    pub host: &'a str,
    pub chain: &'a CapturedChain,
    pub roots: &'a TrustRoots,
    /// Which handshake the chain came from ("the TLS 1.3 handshake", "the raw TLS 1.2 probe").
    pub via: String,
    pub now: OffsetDateTime,
    leaf: CertInfo,
    /// The other presented certificates, in the order the server sent them.
    others: Vec<CertInfo>,
}

impl<'a> Examined<'a> {
    pub fn new(
        subject: String,
        host: &'a str,
        chain: &'a CapturedChain,
        roots: &'a TrustRoots,
        via: String,
        now: OffsetDateTime,
    ) -> Result<Examined<'a>, String> {
        let mut certs = analyze::analyze(&chain.certs)?.into_iter();
        let leaf = certs
            .next()
            .ok_or_else(|| "the server sent an empty certificate chain".to_string())?;
        Ok(Examined {
            subject,
            host,
            chain,
            roots,
            via,
            now,
            leaf,
            others: certs.collect(),
        })
    }

    pub fn leaf(&self) -> &CertInfo {
        &self.leaf
    }

    /// Every presented certificate with its 1-based position, leaf first.
    pub fn all(&self) -> impl Iterator<Item = (usize, &CertInfo)> {
        std::iter::once(&self.leaf)
            .chain(self.others.iter())
            .enumerate()
            .map(|(i, c)| (i + 1, c))
    }

    fn get(&self, index: usize) -> Option<&CertInfo> {
        match index {
            0 => Some(&self.leaf),
            i => self.others.get(i - 1),
        }
    }

    /// Positions (0-based) of the path the server's certificates form from the leaf, each
    /// issued by the next; stops at a self-signed certificate or a missing issuer.
    pub fn presented_path(&self) -> Vec<usize> {
        let mut path = vec![0];
        let mut current = &self.leaf;
        while !current.is_self_signed() {
            let Some(next) = current.issued_by else { break };
            if path.contains(&next) {
                break;
            }
            let Some(cert) = self.get(next) else { break };
            path.push(next);
            current = cert;
        }
        path
    }

    /// The last certificate of the presented path.
    pub fn top(&self) -> &CertInfo {
        self.presented_path()
            .last()
            .and_then(|i| self.get(*i))
            .unwrap_or(&self.leaf)
    }

    /// The leaf summary every finding's `actual` starts with, plus `detail` when given.
    pub fn actual(&self, detail: &str) -> String {
        let summary = self.leaf.summary(self.now);
        if detail.is_empty() {
            summary
        } else {
            format!("{summary}; {detail}")
        }
    }

    pub fn pass(&self, message: impl Into<String>) -> Observation {
        Observation::pass(&self.subject, message).actual(self.actual(""))
    }

    pub fn fail(&self, message: impl Into<String>) -> Observation {
        Observation::fail(&self.subject, message).actual(self.actual(""))
    }

    pub fn warn(&self, message: impl Into<String>) -> Observation {
        Observation::warn(&self.subject, message).actual(self.actual(""))
    }
}

/// The chain comes from the rustls handshakes, or from the raw suite scan when no strict
/// client got one.
const CHAIN_NEEDS: [Need; 2] = [Need::TlsHandshake, Need::TlsSuites];

/// Which certificate check says why no certificate could be examined; the others skip, so
/// the cause is reported once instead of once per check with fixes that do not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnAbsence {
    Report,
    Defer,
}

/// Runs `judge` on the captured chain, or says why there is nothing to judge.
fn with_chain(facts: &Facts, judge: impl Fn(&Examined<'_>) -> Observation) -> Judgement {
    with_chain_reporting(facts, OnAbsence::Defer, |e| vec![judge(e)])
}

fn with_chain_reporting(
    facts: &Facts,
    on_absence: OnAbsence,
    judge: impl Fn(&Examined<'_>) -> Vec<Observation>,
) -> Judgement {
    let tls = facts.tls();
    let url = tls.url()?;
    let absent = |unavailable: Unavailable| match on_absence {
        OnAbsence::Report => Ok(vec![unavailable.into_observation().remediation(
            "Make sure --url reaches the TLS server (address, port, --resolve) and that it \
             completes a TLS 1.2 or 1.3 handshake; the certificate checks run once a \
             certificate can be read.",
        )]),
        OnAbsence::Defer => Err(Unavailable::skip(
            unavailable.subject,
            "no certificate to examine (cert.trust says why)",
        )
        .at(tls.location())),
    };
    let presented = match tls.certificate() {
        Ok(p) => p,
        Err(u) if u.status == Status::Error => return absent(u),
        Err(u) => return Err(u),
    };
    let subject = format!("{} certificate", presented.label);
    match Examined::new(
        subject.clone(),
        &url.host,
        presented.chain,
        presented.roots,
        presented.via,
        OffsetDateTime::now_utc(),
    ) {
        Ok(examined) => Ok(judge(&examined)
            .into_iter()
            .map(|o| o.at(tls.location()))
            .collect()),
        Err(e) => absent(
            Unavailable::error(
                subject,
                format!("cannot read the certificate from {}: {e}", presented.label),
            )
            .at(tls.location()),
        ),
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Builds an [`Examined`] from rcgen certificates and a real verdict, without a network.

    use super::*;
    use crate::net::rustls_probe::recorder::ChainRecorder;
    use rustls::client::danger::ServerCertVerifier;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use std::sync::{Arc, OnceLock};

    /// The system and webpki roots, loaded once for all unit tests.
    fn system_roots() -> &'static Arc<TrustRoots> {
        static ROOTS: OnceLock<Arc<TrustRoots>> = OnceLock::new();
        ROOTS.get_or_init(|| Arc::new(TrustRoots::load(&[])))
    }

    pub struct Fixture {
        pub chain: CapturedChain,
        pub roots: Arc<TrustRoots>,
        pub host: String,
    }

    impl Fixture {
        /// Verifies `certs` (leaf first) for `host` like a handshake would. `ca_pem` is
        /// written to a temporary `--ca-file` when given.
        pub fn new(certs: &[&rcgen::Certificate], host: &str, ca_pem: Option<&str>) -> Fixture {
            let roots = match ca_pem {
                Some(pem) => {
                    let dir = tempfile::tempdir().unwrap();
                    let path = dir.path().join("ca.pem");
                    std::fs::write(&path, pem).unwrap();
                    let extra = crate::net::rustls_probe::roots::read_ca_file(&path).unwrap();
                    Arc::new(TrustRoots::load(&extra))
                }
                None => system_roots().clone(),
            };
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let recorder = ChainRecorder::new(roots.clone(), &provider).unwrap();
            let ders: Vec<CertificateDer<'static>> =
                certs.iter().map(|c| c.der().clone()).collect();
            let name = ServerName::try_from(host.to_string()).unwrap();
            recorder
                .verify_server_cert(&ders[0], &ders[1..], &name, &[], UnixTime::now())
                .unwrap();
            Fixture {
                chain: recorder.take().unwrap(),
                roots,
                host: host.to_string(),
            }
        }

        pub fn examined(&self) -> Examined<'_> {
            Examined::new(
                format!("{}:443 certificate", self.host),
                &self.host,
                &self.chain,
                &self.roots,
                "the TLS 1.3 handshake".to_string(),
                OffsetDateTime::now_utc(),
            )
            .unwrap()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_rejects_inverted_thresholds() {
        let ok = CertExpiry {
            warn_days: 30,
            fail_days: 21,
        };
        assert!(ok.validate().is_ok());
        let equal = CertExpiry {
            warn_days: 21,
            fail_days: 21,
        };
        assert!(equal.validate().is_ok());
        let bad = CertExpiry {
            warn_days: 10,
            fail_days: 21,
        };
        let err = bad.validate().unwrap_err();
        assert!(err.contains("fail_days (21)"), "{err}");
        assert!(CertKeySize {
            min_rsa_bits: 0,
            min_ec_bits: 256
        }
        .validate()
        .is_err());
    }
}
