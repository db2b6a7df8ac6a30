//! Certificate checks on the chain the server presents: trust, host name, validity, expiry,
//! key size, signature algorithms, self-signed leaf and chain completeness.
//!
//! Every check reads the same captured chain (one handshake scan per audit) and reports one
//! observation whose `actual` starts with the leaf's subject, issuer, SANs and dates.

pub mod analyze;
mod dates;
mod hostname;
mod strength;
mod trust;

use crate::checks::{Judgement, Kind};
use crate::facts::{Facts, Need, Unavailable};
use crate::finding::{Category, Observation};
use crate::net::rustls_probe::recorder::CapturedChain;
use crate::net::rustls_probe::roots::TrustRoots;
use crate::net::rustls_probe::TlsVersion;
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
        vec![Need::TlsHandshake]
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
        vec![Need::TlsHandshake]
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
                vec![Need::TlsHandshake]
            }

            fn judge(&self, facts: &Facts) -> Judgement {
                with_chain(facts, $judge)
            }
        }
    };
}

chain_kind!(CertTrust, "cert.trust", trust::trust);
chain_kind!(CertHostname, "cert.hostname", hostname::hostname);
chain_kind!(CertValidity, "cert.validity", dates::validity);
chain_kind!(CertSignature, "cert.signature", strength::signature);
chain_kind!(CertSelfSigned, "cert.self-signed", trust::self_signed);
chain_kind!(CertChain, "cert.chain", trust::chain);

/// The captured chain, read and ready for judging.
pub struct Examined<'a> {
    /// `host:port certificate`: the subject of every certificate finding.
    pub subject: String,
    /// The name the client asked for (SNI and name checks).
    pub host: &'a str,
    pub chain: &'a CapturedChain,
    pub roots: &'a TrustRoots,
    /// Which handshake the chain came from.
    pub via: TlsVersion,
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
        via: TlsVersion,
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

/// Runs `judge` on the captured chain, or says why there is nothing to judge.
fn with_chain(facts: &Facts, judge: impl Fn(&Examined<'_>) -> Observation) -> Judgement {
    let tls = facts.tls();
    let url = tls.url()?;
    let scan = tls.handshake()?;
    let subject = format!("{} certificate", scan.label);
    let (Some(chain), Some(via)) = (&scan.chain, scan.chain_from) else {
        return Err(Unavailable::error(subject, scan.why_no_chain()).at(tls.location()));
    };
    match Examined::new(
        subject.clone(),
        &url.host,
        chain,
        &scan.roots,
        via,
        OffsetDateTime::now_utc(),
    ) {
        Ok(examined) => Ok(vec![judge(&examined).at(tls.location())]),
        Err(e) => Err(Unavailable::error(
            subject,
            format!("cannot read the certificate from {}: {e}", scan.label),
        )
        .at(tls.location())),
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
                TlsVersion::Tls13,
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
