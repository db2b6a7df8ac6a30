//! `tls.version`: TLS 1.2 / 1.3 accepted.
//!
//! Acceptance comes from the raw suite scan, which offers every negotiable suite, so a server
//! that speaks TLS 1.2 only with CBC, static-RSA or DHE suites is still seen speaking it. The
//! rustls handshake is the second opinion: what a strict modern client makes of the version.

use crate::checks::{Judgement, Kind};
use crate::facts::{Facts, Need};
#[cfg(test)]
use crate::finding::Status;
use crate::finding::{Category, FailStatus, Observation};
use crate::net::legacy_probe::suites::suite_name;
use crate::net::rustls_probe::{TlsVersion, VersionOutcome};
use crate::net::suite_scan::{Acceptance, SuiteScan};
use serde::{Deserialize, Serialize};

/// Suites named in a passing line; the rest are counted.
const SUITES_SHOWN: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsVersionCheck {
    /// "1.2" or "1.3" (older versions: `tls.legacy-versions`).
    pub version: TlsVersion,
    /// Status when the server does not accept the version.
    #[serde(default)]
    pub if_missing: FailStatus,
    /// Status when the version is missing but a newer one is accepted (a TLS 1.3-only server
    /// is secure; its missing 1.2 is a compatibility matter). Defaults to `if_missing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub if_newer_accepted: Option<FailStatus>,
}

impl Kind for TlsVersionCheck {
    const TAG: &'static str = "tls.version";
    const CATEGORY: Category = Category::Tls;

    fn needs(&self) -> Vec<Need> {
        vec![Need::TlsHandshake, Need::TlsSuites]
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let tls = facts.tls();
        // The strict client's opinion is a note; its absence does not stop the verdict.
        let strict = tls.handshake().ok().and_then(|s| s.outcome(self.version));
        super::with_suites(facts, |scan| vec![self.judge_scan(scan, strict)])
    }
}

impl TlsVersionCheck {
    /// Judges the version from the raw scan, with the strict client's outcome as a second
    /// opinion (`None` when that handshake could not be tried).
    pub fn judge_scan(&self, scan: &SuiteScan, strict: Option<&VersionOutcome>) -> Observation {
        let name = self.version.label();
        let subject = format!("{} {name}", scan.label);
        let expected = format!("{name} accepted");
        let wire = self.version.wire();
        let newer_accepted = scan
            .versions
            .iter()
            .any(|v| v.version > wire && v.accepted());
        let strict_note = strict.map(|o| strict_client_note(name, o));
        let with_note = |actual: String| match &strict_note {
            Some(note) => format!("{actual}; {note}"),
            None => actual,
        };
        let Some(raw) = scan.version(wire) else {
            return Observation::error(subject, format!("{name} was not probed"));
        };
        match &raw.acceptance {
            Acceptance::Accepted => {
                let ids = raw.ids();
                let mut shown: Vec<String> = ids
                    .iter()
                    .take(SUITES_SHOWN)
                    .map(|s| suite_name(*s))
                    .collect();
                if ids.len() > SUITES_SHOWN {
                    shown.push(format!("and {} more", ids.len() - SUITES_SHOWN));
                }
                Observation::pass(
                    subject,
                    format!("{name} accepted ({} suite{})", ids.len(), plural(ids.len())),
                )
                .expected(expected)
                .actual(with_note(format!("accepted suites: {}", shown.join(", "))))
            }
            _ if matches!(strict, Some(VersionOutcome::Accepted { .. })) => {
                Observation::pass(subject, format!("{name} accepted"))
                    .expected(expected)
                    .actual(with_note(format!(
                        "the raw probe got no {name} ServerHello ({})",
                        acceptance_text(&raw.acceptance)
                    )))
            }
            Acceptance::NotAccepted { reason } => {
                let status = match self.if_newer_accepted {
                    Some(rating) if newer_accepted => rating.status(),
                    _ => self.if_missing.status(),
                };
                let mut message = format!("{name} not accepted");
                if newer_accepted {
                    message.push_str(&format!(
                        " (a newer version is: clients limited to {name} cannot connect)"
                    ));
                }
                Observation::new(status, subject, message)
                    .expected(expected)
                    .actual(format!("offered every negotiable {name} suite: {reason}"))
            }
            Acceptance::Failed(f) => Observation::error(
                subject,
                format!("cannot tell whether {} accepts {name}: {f}", scan.label),
            )
            .expected(expected)
            .actual(f.to_string()),
        }
    }
}

fn acceptance_text(a: &Acceptance) -> String {
    match a {
        Acceptance::Accepted => "accepted".into(),
        Acceptance::NotAccepted { reason } => reason.clone(),
        Acceptance::Failed(f) => f.to_string(),
    }
}

/// What a strict modern client (rustls) made of the version, for `actual`.
fn strict_client_note(name: &str, outcome: &VersionOutcome) -> String {
    match outcome {
        VersionOutcome::Accepted {
            suite,
            later_failure: None,
        } => format!("a strict modern client (rustls) negotiates {name} with {suite}"),
        VersionOutcome::Accepted {
            suite,
            later_failure: Some(f),
        } => format!("a strict modern client (rustls) agreed on {name} with {suite}, then: {f}"),
        VersionOutcome::Refused { reason } | VersionOutcome::Unknown { reason } => format!(
            "a strict modern client (rustls, ECDHE with AES-GCM or ChaCha20 only) cannot \
             negotiate {name}: {reason}"
        ),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::hello;
    use crate::net::legacy_probe::ProbeFailure;
    use crate::net::suite_scan::test_support::scan_with;

    fn check(
        version: TlsVersion,
        if_missing: FailStatus,
        newer: Option<FailStatus>,
    ) -> TlsVersionCheck {
        TlsVersionCheck {
            version,
            if_missing,
            if_newer_accepted: newer,
        }
    }

    fn refused() -> Acceptance {
        Acceptance::NotAccepted {
            reason: "alert handshake_failure".into(),
        }
    }

    #[test]
    fn parameters_are_typed_when_the_profile_loads() {
        let parse = |text: &str| toml::from_str::<TlsVersionCheck>(text);
        let ok = parse("version = \"1.3\"\nif_missing = \"warn\"").unwrap();
        assert_eq!(ok, check(TlsVersion::Tls13, FailStatus::Warn, None));
        assert_eq!(
            parse("version = \"1.2\"\nif_newer_accepted = \"warn\"").unwrap(),
            check(TlsVersion::Tls12, FailStatus::Fail, Some(FailStatus::Warn))
        );
        assert!(parse("version = \"1.1\"").is_err());
        assert!(parse("version = \"1.3\"\nif_missing = \"pass\"").is_err());
        assert!(parse("version = \"1.2\"\nif_newer_accepted = \"error\"").is_err());
    }

    #[test]
    fn a_cbc_only_tls12_server_passes_even_though_rustls_cannot_talk_to_it() {
        let scan = scan_with(&[
            (hello::TLS13, refused(), &[]),
            (hello::TLS12, Acceptance::Accepted, &[0xC013, 0x002F]),
        ]);
        let strict = VersionOutcome::Refused {
            reason: "peer incompatible".into(),
        };
        let o = check(TlsVersion::Tls12, FailStatus::Fail, None).judge_scan(&scan, Some(&strict));
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.subject, "h:443 TLS 1.2");
        assert_eq!(o.message, "TLS 1.2 accepted (2 suites)");
        assert!(
            o.actual.contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
            "{}",
            o.actual
        );
        assert!(
            o.actual.contains("strict modern client (rustls"),
            "{}",
            o.actual
        );
    }

    #[test]
    fn missing_tls12_on_a_tls13_only_server_takes_if_newer_accepted() {
        let scan = scan_with(&[
            (hello::TLS13, Acceptance::Accepted, &[0x1301]),
            (hello::TLS12, refused(), &[]),
        ]);
        let c = check(TlsVersion::Tls12, FailStatus::Fail, Some(FailStatus::Warn));
        let o = c.judge_scan(&scan, None);
        assert_eq!(o.status, Status::Warn);
        assert!(o.message.contains("a newer version is"), "{}", o.message);
        let only_old = scan_with(&[
            (hello::TLS13, refused(), &[]),
            (hello::TLS12, refused(), &[]),
        ]);
        assert_eq!(c.judge_scan(&only_old, None).status, Status::Fail);
        let missing13 =
            check(TlsVersion::Tls13, FailStatus::Warn, None).judge_scan(&only_old, None);
        assert_eq!(missing13.status, Status::Warn);
    }

    #[test]
    fn a_failed_probe_is_an_error_unless_rustls_got_through() {
        let failure = ProbeFailure::Local("stalled".into());
        let scan = scan_with(&[(hello::TLS13, Acceptance::Failed(failure), &[])]);
        let c = check(TlsVersion::Tls13, FailStatus::Warn, None);
        assert_eq!(c.judge_scan(&scan, None).status, Status::Error);
        let strict = VersionOutcome::Accepted {
            suite: "TLS13_AES_128_GCM_SHA256".into(),
            later_failure: None,
        };
        assert_eq!(c.judge_scan(&scan, Some(&strict)).status, Status::Pass);
    }
}
