//! Judges over the enumerated cipher suites: forward secrecy, CBC suites, server preference,
//! DHE parameters, ECDHE groups and the per-version suite list. Pure functions of a
//! [`SuiteScan`]; the check kinds in `checks::mod` feed them the audit's scan.

use crate::checks::{Judgement, Kind};
use crate::facts::{Facts, Need};
use crate::finding::FailStatus;
use crate::finding::{Category, Observation, Severity};
use crate::net::hello::{version_name, TLS13};
use crate::net::legacy_probe::suites::{suite_name, suite_traits, KeyExchange, RecordProtection};
use crate::net::suite_scan::kex::{group_name, KexParams};
use crate::net::suite_scan::{Preference, SuiteScan};
use serde::{Deserialize, Serialize};

/// "TLS_RSA_WITH_AES_128_GCM_SHA256 (TLS 1.2, TLS 1.1)" for each suite matching `keep`.
fn listed(scan: &SuiteScan, keep: impl Fn(u16) -> bool) -> Vec<String> {
    scan.all_suites()
        .into_iter()
        .filter(|(id, _)| keep(*id))
        .map(|(id, versions)| {
            let versions: Vec<String> = versions.into_iter().map(version_name).collect();
            format!("{} ({})", suite_name(id), versions.join(", "))
        })
        .collect()
}

fn warn() -> FailStatus {
    FailStatus::Warn
}

/// Suite kinds without parameters: the tag and the judgement over the suite scan.
macro_rules! suite_kind {
    ($(#[$doc:meta])* $name:ident, $tag:literal, $judge:path) => {
        crate::no_params_kind!($(#[$doc])* $name);

        impl Kind for $name {
            const TAG: &'static str = $tag;
            const CATEGORY: Category = Category::Tls;

            fn needs(&self) -> Vec<Need> {
                vec![Need::TlsSuites]
            }

            fn judge(&self, facts: &Facts) -> Judgement {
                super::with_suites(facts, $judge)
            }
        }
    };
}

suite_kind!(
    /// `tls.suites`: the accepted suites of each version, as information.
    SuiteList,
    "tls.suites",
    suite_list
);
suite_kind!(
    /// `tls.cbc-suites`: CBC-mode suites accepted (warn), or accepted with AEAD preferred (info).
    CbcSuites,
    "tls.cbc-suites",
    cbc_suites
);
suite_kind!(
    /// `tls.server-preference`: the server picks the stronger suite whatever the client's order.
    ServerPreference,
    "tls.server-preference",
    server_preference
);
suite_kind!(
    /// `tls.ecdhe-groups`: the ECDHE groups accepted at TLS 1.2, as information.
    EcdheGroups,
    "tls.ecdhe-groups",
    ecdhe_groups
);

/// `tls.forward-secrecy`: every accepted suite uses an ephemeral key exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForwardSecrecy {
    /// Status when a suite without forward secrecy (static RSA) is accepted.
    #[serde(default = "warn")]
    pub if_static_rsa: FailStatus,
}

impl Kind for ForwardSecrecy {
    const TAG: &'static str = "tls.forward-secrecy";
    const CATEGORY: Category = Category::Tls;

    fn needs(&self) -> Vec<Need> {
        vec![Need::TlsSuites]
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        super::with_suites(facts, |scan| self.judge_scan(scan))
    }
}

impl ForwardSecrecy {
    pub fn judge_scan(&self, scan: &SuiteScan) -> Vec<Observation> {
        let subject = format!("{} key exchange", scan.label);
        let expected = "only ECDHE, DHE or TLS 1.3 key exchange";
        let static_rsa = listed(scan, |id| !suite_traits(id).forward_secret());
        if static_rsa.is_empty() {
            return vec![Observation::pass(
                subject,
                "every accepted suite has forward secrecy (ECDHE, DHE or TLS 1.3)",
            )
            .expected(expected)
            .actual(format!("{} suites accepted", scan.all_suites().len()))];
        }
        vec![Observation::new(
            self.if_static_rsa.status(),
            subject,
            format!(
                "{} suite{} without forward secrecy accepted (static RSA key exchange): whoever \
                 obtains the server key later can decrypt recorded sessions",
                static_rsa.len(),
                if static_rsa.len() == 1 { "" } else { "s" }
            ),
        )
        .expected(expected)
        .actual(static_rsa.join(", "))]
    }
}

/// `tls.cbc-suites`: CBC-mode suites (Lucky13-class padding and timing attacks) accepted.
pub fn cbc_suites(scan: &SuiteScan) -> Vec<Observation> {
    let subject = format!("{} CBC suites", scan.label);
    let expected = "only AEAD suites (GCM, ChaCha20-Poly1305), or AEAD preferred";
    let is_cbc = |id: u16| suite_traits(id).protection == RecordProtection::Cbc;
    let cbc = listed(scan, is_cbc);
    if cbc.is_empty() {
        return vec![Observation::pass(subject, "no CBC-mode suite is accepted").expected(expected)];
    }
    // TLS 1.3 suites are all AEAD; what matters is whether a TLS 1.2 client has an AEAD choice.
    let any_aead = scan.all_suites().iter().any(|(id, versions)| {
        suite_traits(*id).protection == RecordProtection::Aead
            && versions.iter().any(|v| *v < TLS13)
    });
    // AEAD is preferred when the server's own order puts an AEAD suite on top, or when it
    // still picks AEAD although a CBC suite was offered first.
    let aead = |id: u16| suite_traits(id).protection == RecordProtection::Aead;
    let aead_preferred = match &scan.preference {
        Some(Ok(p)) if any_aead => {
            (p.server_order() && aead(p.chosen_weak_first))
                || (is_cbc(p.weak) && aead(p.chosen_weak_first))
        }
        _ => false,
    };
    let names = cbc.join(", ");
    if aead_preferred {
        return vec![Observation::pass(
            subject,
            format!(
                "{} CBC-mode suite{} accepted for old clients, but the server prefers AEAD suites",
                cbc.len(),
                if cbc.len() == 1 { " is" } else { "s are" }
            ),
        )
        .severity(Severity::Info)
        .expected(expected)
        .actual(names)];
    }
    let why = if any_aead {
        "and the server does not prefer AEAD suites over them"
    } else {
        "and no AEAD suite is accepted"
    };
    vec![Observation::warn(
        subject,
        format!(
            "CBC-mode suites accepted ({} of them) {why}: MAC-then-encrypt CBC is the \
             Lucky13/padding-oracle class",
            cbc.len()
        ),
    )
    .expected(expected)
    .actual(names)]
}

/// `tls.server-preference`: the server chooses by its own (strong-first) order.
pub fn server_preference(scan: &SuiteScan) -> Vec<Observation> {
    let subject = format!("{} suite preference", scan.label);
    let expected = "the server picks its strongest suite whatever the client's order";
    let p: &Preference = match &scan.preference {
        None => {
            let all = scan.all_suites();
            let below_13: Vec<String> = all
                .iter()
                .filter(|(_, v)| v.iter().any(|v| *v < TLS13))
                .map(|(id, _)| suite_name(*id))
                .collect();
            let message = match below_13.len() {
                0 => "no TLS 1.2-or-older suite accepted: TLS 1.3 clients choose among AEAD suites only".to_string(),
                _ => format!(
                    "the accepted suites are equally strong ({}): there is no weaker one to prefer",
                    below_13.join(", ")
                ),
            };
            return vec![Observation::pass(subject, message).expected(expected)];
        }
        Some(Err(f)) => {
            return vec![Observation::error(
                subject,
                format!("cannot tell the server's preference: {f}"),
            )
            .expected(expected)]
        }
        Some(Ok(p)) => p,
    };
    let (strong, weak) = (suite_name(p.strong), suite_name(p.weak));
    let actual = format!(
        "offered {weak} first: chose {}; offered {strong} first: chose {} ({})",
        suite_name(p.chosen_weak_first),
        suite_name(p.chosen_strong_first),
        version_name(p.version)
    );
    let o = if p.server_order() && !p.picks_weak_offered_first() {
        Observation::pass(
            subject,
            "the server enforces its own order and prefers the stronger suite",
        )
    } else if p.server_order() {
        Observation::warn(
            subject,
            format!("the server's own order prefers the weaker suite {weak} over {strong}"),
        )
    } else {
        Observation::warn(
            subject,
            format!(
                "the server follows the client's order: a client listing {weak} first gets it \
                 although {strong} is available"
            ),
        )
    };
    vec![o.expected(expected).actual(actual)]
}

fn default_min_dh_bits() -> u32 {
    2048
}

/// `tls.dhe-params`: finite-field DHE primes are large enough (Logjam).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DheParams {
    #[serde(default = "default_min_dh_bits")]
    pub min_bits: u32,
}

impl Kind for DheParams {
    const TAG: &'static str = "tls.dhe-params";
    const CATEGORY: Category = Category::Tls;

    fn needs(&self) -> Vec<Need> {
        vec![Need::TlsSuites]
    }

    fn validate(&self) -> Result<(), String> {
        if self.min_bits < 512 {
            return Err(format!(
                "min_bits = {}: expected at least 512",
                self.min_bits
            ));
        }
        Ok(())
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        super::with_suites(facts, |scan| self.judge_scan(scan))
    }
}

impl DheParams {
    pub fn judge_scan(&self, scan: &SuiteScan) -> Vec<Observation> {
        let subject = format!("{} DHE parameters", scan.label);
        let expected = format!("DHE primes of at least {} bits, or no DHE", self.min_bits);
        let mut primes: Vec<(u32, u16, u16)> = Vec::new();
        let mut unread = Vec::new();
        for v in &scan.versions {
            for s in &v.suites {
                if suite_traits(s.suite).key_exchange != KeyExchange::Dhe {
                    continue;
                }
                match s.kex {
                    Some(KexParams::Dhe { prime_bits }) => {
                        primes.push((prime_bits, s.suite, v.version))
                    }
                    _ => unread.push(suite_name(s.suite)),
                }
            }
        }
        if primes.is_empty() && unread.is_empty() {
            return vec![Observation::pass(subject, "no DHE suite is accepted").expected(expected)];
        }
        if primes.is_empty() {
            return vec![Observation::error(
                subject,
                format!(
                    "DHE suites accepted but their parameters could not be read: {}",
                    unread.join(", ")
                ),
            )
            .expected(expected)];
        }
        let smallest = primes.iter().map(|p| p.0).min().unwrap_or(0);
        let mut sizes: Vec<u32> = primes.iter().map(|p| p.0).collect();
        sizes.sort_unstable();
        sizes.dedup();
        let actual = format!(
            "DHE prime sizes: {} bits (e.g. with {} at {})",
            sizes
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            suite_name(primes[0].1),
            version_name(primes[0].2)
        );
        let o = if smallest < self.min_bits {
            Observation::fail(
                subject,
                format!(
                    "DHE with a {smallest}-bit prime is accepted (Logjam class: under {} bits is \
                     within reach of precomputation)",
                    self.min_bits
                ),
            )
        } else {
            Observation::pass(subject, format!("DHE primes are at least {smallest} bits"))
        };
        vec![o.expected(expected).actual(actual)]
    }
}

/// `tls.ecdhe-groups`: which ECDHE groups the server accepts at TLS 1.2 (information).
pub fn ecdhe_groups(scan: &SuiteScan) -> Vec<Observation> {
    let subject = format!("{} ECDHE groups", scan.label);
    let ecdhe_accepted = scan
        .all_suites()
        .iter()
        .any(|(id, _)| suite_traits(*id).key_exchange == KeyExchange::Ecdhe);
    let o = if scan.ecdhe_groups.is_empty() {
        let why = if ecdhe_accepted {
            "ECDHE suites are accepted but no offered group was chosen alone"
        } else {
            "no TLS 1.2 ECDHE suite is accepted"
        };
        Observation::pass(subject, why)
    } else {
        let names: Vec<String> = scan.ecdhe_groups.iter().map(|g| group_name(*g)).collect();
        Observation::pass(
            subject,
            format!("ECDHE groups accepted: {}", names.join(", ")),
        )
        .actual(names.join(", "))
    };
    vec![o.severity(Severity::Info)]
}

/// `tls.suites`: the accepted suites of each version (information, one line per version).
pub fn suite_list(scan: &SuiteScan) -> Vec<Observation> {
    scan.versions
        .iter()
        .filter(|v| v.accepted())
        .map(|v| {
            let names: Vec<String> = v.ids().into_iter().map(suite_name).collect();
            let mut actual = names.join(", ");
            if v.truncated {
                actual.push_str(" (rounds ran out: there may be more)");
            }
            Observation::pass(
                format!("{} {} suites", scan.label, version_name(v.version)),
                format!(
                    "{} accepts {} suite{}",
                    version_name(v.version),
                    names.len(),
                    if names.len() == 1 { "" } else { "s" }
                ),
            )
            .severity(Severity::Info)
            .actual(actual)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::net::hello::{TLS12, TLS13};
    use crate::net::suite_scan::test_support::scan_with;
    use crate::net::suite_scan::{Acceptance, AcceptedSuite};

    fn scan(tls12: &[u16]) -> SuiteScan {
        scan_with(&[
            (TLS13, Acceptance::Accepted, &[0x1301]),
            (TLS12, Acceptance::Accepted, tls12),
        ])
    }

    fn preference(
        weak_first: u16,
        strong_first: u16,
    ) -> Option<Result<Preference, crate::net::legacy_probe::ProbeFailure>> {
        Some(Ok(Preference {
            version: TLS12,
            strong: 0xC02F,
            weak: 0x002F,
            chosen_weak_first: weak_first,
            chosen_strong_first: strong_first,
        }))
    }

    #[test]
    fn static_rsa_is_named_and_takes_the_profile_status() {
        let fs = ForwardSecrecy {
            if_static_rsa: FailStatus::Fail,
        };
        let o = &fs.judge_scan(&scan(&[0xC02F, 0x009C]))[0];
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.actual, "TLS_RSA_WITH_AES_128_GCM_SHA256 (TLS 1.2)");
        assert_eq!(o.subject, "h:443 key exchange");
        let fs = ForwardSecrecy {
            if_static_rsa: FailStatus::Warn,
        };
        assert_eq!(fs.judge_scan(&scan(&[0xC02F]))[0].status, Status::Pass);
        assert!(toml::from_str::<ForwardSecrecy>("if_static_rsa = \"pass\"").is_err());
    }

    #[test]
    fn cbc_is_a_warning_unless_aead_is_preferred() {
        let o = &cbc_suites(&scan(&[0xC013, 0x002F]))[0];
        assert_eq!(o.status, Status::Warn);
        assert!(o.message.contains("no AEAD suite"), "{}", o.message);
        assert!(o.actual.contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
        let mut s = scan(&[0xC02F, 0x002F]);
        s.preference = preference(0xC02F, 0xC02F);
        let o = &cbc_suites(&s)[0];
        assert_eq!((o.status, o.severity), (Status::Pass, Some(Severity::Info)));
        s.preference = preference(0x002F, 0xC02F);
        assert_eq!(cbc_suites(&s)[0].status, Status::Warn);
        assert_eq!(cbc_suites(&scan(&[0xC02F]))[0].status, Status::Pass);
        // A client-order server whose weakest suite is static-RSA GCM says nothing about CBC.
        let mut s = scan(&[0xC02F, 0xC013, 0x009C]);
        s.preference = Some(Ok(Preference {
            version: TLS12,
            strong: 0xC02F,
            weak: 0x009C,
            chosen_weak_first: 0x009C,
            chosen_strong_first: 0xC02F,
        }));
        assert_eq!(cbc_suites(&s)[0].status, Status::Warn);
    }

    #[test]
    fn preference_passes_only_when_the_server_prefers_the_strong_suite() {
        let mut s = scan(&[0xC02F, 0x002F]);
        s.preference = preference(0xC02F, 0xC02F);
        assert_eq!(server_preference(&s)[0].status, Status::Pass);
        s.preference = preference(0x002F, 0xC02F);
        let o = &server_preference(&s)[0];
        assert_eq!(o.status, Status::Warn);
        assert!(
            o.message.contains("follows the client's order"),
            "{}",
            o.message
        );
        s.preference = preference(0x002F, 0x002F);
        let o = &server_preference(&s)[0];
        assert!(
            o.message.contains("prefers the weaker suite"),
            "{}",
            o.message
        );
        s.preference = None;
        assert_eq!(server_preference(&s)[0].status, Status::Pass);
    }

    #[test]
    fn small_dhe_primes_fail() {
        let mut s = scan(&[0x009E]);
        s.versions[1].suites[0] = AcceptedSuite {
            suite: 0x009E,
            kex: Some(KexParams::Dhe { prime_bits: 1024 }),
        };
        let check = DheParams { min_bits: 2048 };
        let o = &check.judge_scan(&s)[0];
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("1024-bit prime"), "{}", o.message);
        s.versions[1].suites[0].kex = Some(KexParams::Dhe { prime_bits: 2048 });
        assert_eq!(check.judge_scan(&s)[0].status, Status::Pass);
        s.versions[1].suites[0].kex = None;
        assert_eq!(check.judge_scan(&s)[0].status, Status::Error);
        assert_eq!(check.judge_scan(&scan(&[0xC02F]))[0].status, Status::Pass);
    }

    #[test]
    fn groups_and_suite_lists_are_information() {
        let mut s = scan(&[0xC02F, 0xC013]);
        s.ecdhe_groups = vec![0x001D, 0x0017];
        let o = &ecdhe_groups(&s)[0];
        assert_eq!(o.severity, Some(Severity::Info));
        assert!(o.message.contains("x25519, secp256r1"));
        let lines = suite_list(&s);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].subject, "h:443 TLS 1.2 suites");
        assert!(lines[1]
            .actual
            .contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
    }
}
