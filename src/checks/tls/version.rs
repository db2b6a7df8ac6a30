//! `tls.version`: TLS 1.2 / 1.3 accepted.
//!
//! Acceptance comes from the raw suite scan, which offers every negotiable suite, so a server
//! that speaks TLS 1.2 only with CBC, static-RSA or DHE suites is still seen speaking it. The
//! rustls handshake is the second opinion: what a strict modern client makes of the version.

use crate::context::AuditContext;
use crate::finding::{Observation, Status};
use crate::net::hello;
use crate::net::legacy_probe::suites::suite_name;
use crate::net::rustls_probe::{self, TlsVersion, VersionOutcome};
use crate::net::suite_scan::{Acceptance, SuiteScan};
use serde::{Deserialize, Serialize};

/// Suites named in a passing line; the rest are counted.
const SUITES_SHOWN: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsVersionCheck {
    /// "1.2" or "1.3".
    pub version: String,
    /// Status when the server does not accept the version (`fail` or `warn`).
    #[serde(default = "fail")]
    pub if_missing: Status,
    /// Status when the version is missing but a newer one is accepted (a TLS 1.3-only server
    /// is secure; missing 1.2 is then a compatibility matter). Defaults to `if_missing`.
    #[serde(default)]
    pub if_newer_accepted: Option<Status>,
}

fn fail() -> Status {
    Status::Fail
}

impl TlsVersionCheck {
    fn parsed_version(&self) -> Option<TlsVersion> {
        match self.version.trim() {
            "1.2" => Some(TlsVersion::Tls12),
            "1.3" => Some(TlsVersion::Tls13),
            _ => None,
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.parsed_version().is_none() {
            return Err(format!(
                "version {:?}: expected \"1.2\" or \"1.3\" (older versions: tls.legacy-versions)",
                self.version
            ));
        }
        for (key, status) in [
            ("if_missing", Some(self.if_missing)),
            ("if_newer_accepted", self.if_newer_accepted),
        ] {
            if let Some(status) = status.filter(|s| !matches!(s, Status::Fail | Status::Warn)) {
                return Err(format!(
                    "{key} = {:?}: expected \"fail\" or \"warn\"",
                    status.as_str()
                ));
            }
        }
        Ok(())
    }

    pub fn evaluate(&self, ctx: &AuditContext) -> Vec<Observation> {
        let Some(version) = self.parsed_version() else {
            return vec![Observation::error(
                "tls",
                format!("version {:?} is not 1.2 or 1.3", self.version),
            )];
        };
        let strict = match rustls_probe::handshake_scan(ctx) {
            Some(Ok(scan)) => Some(scan.outcome(version).clone()),
            _ => None,
        };
        super::with_suite_scan(ctx, version.label(), |scan| {
            vec![self.judge(version, scan, strict.as_ref())]
        })
    }

    /// Judges one version from the raw scan, with the strict client's outcome as a second
    /// opinion (`None` when that handshake could not be tried).
    pub fn judge(
        &self,
        version: TlsVersion,
        scan: &SuiteScan,
        strict: Option<&VersionOutcome>,
    ) -> Observation {
        let name = version.label();
        let subject = format!("{} {name}", scan.label);
        let expected = format!("{name} accepted");
        let wire = match version {
            TlsVersion::Tls12 => hello::TLS12,
            TlsVersion::Tls13 => hello::TLS13,
        };
        let newer_accepted = scan
            .versions
            .iter()
            .any(|v| v.version > wire && v.accepted());
        let strict_note = strict.map(|o| strict_client_note(name, o));
        let Some(raw) = scan.version(wire) else {
            return Observation::error(subject, format!("{name} was not probed"));
        };
        let with_note = |actual: String| match &strict_note {
            Some(note) => format!("{actual}; {note}"),
            None => actual,
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
                    Some(status) if newer_accepted => status,
                    _ => self.if_missing,
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
    use crate::net::legacy_probe::ProbeFailure;
    use crate::net::suite_scan::test_support::scan_with;

    fn check(version: &str, if_missing: Status, if_newer: Option<Status>) -> TlsVersionCheck {
        TlsVersionCheck {
            version: version.to_string(),
            if_missing,
            if_newer_accepted: if_newer,
        }
    }

    fn refused() -> Acceptance {
        Acceptance::NotAccepted {
            reason: "alert handshake_failure".into(),
        }
    }

    #[test]
    fn validate_accepts_only_modern_versions_and_fail_or_warn() {
        assert!(check("1.2", Status::Fail, None).validate().is_ok());
        assert!(check("1.3", Status::Warn, None).validate().is_ok());
        assert!(check("1.1", Status::Fail, None).validate().is_err());
        assert!(check("1.3", Status::Pass, None).validate().is_err());
        assert!(check("1.3", Status::Error, None).validate().is_err());
        assert!(check("1.2", Status::Fail, Some(Status::Pass))
            .validate()
            .is_err());
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
        let o = check("1.2", Status::Fail, None).judge(TlsVersion::Tls12, &scan, Some(&strict));
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
        let c = check("1.2", Status::Fail, Some(Status::Warn));
        let o = c.judge(TlsVersion::Tls12, &scan, None);
        assert_eq!(o.status, Status::Warn);
        assert!(o.message.contains("a newer version is"), "{}", o.message);
        let only_old = scan_with(&[
            (hello::TLS13, refused(), &[]),
            (hello::TLS12, refused(), &[]),
        ]);
        assert_eq!(
            c.judge(TlsVersion::Tls12, &only_old, None).status,
            Status::Fail
        );
        let missing13 = check("1.3", Status::Warn, None).judge(TlsVersion::Tls13, &only_old, None);
        assert_eq!(missing13.status, Status::Warn);
    }

    #[test]
    fn a_failed_probe_is_an_error_unless_rustls_got_through() {
        let failure = ProbeFailure::Local("stalled".into());
        let scan = scan_with(&[(hello::TLS13, Acceptance::Failed(failure), &[])]);
        let c = check("1.3", Status::Warn, None);
        assert_eq!(
            c.judge(TlsVersion::Tls13, &scan, None).status,
            Status::Error
        );
        let strict = VersionOutcome::Accepted {
            suite: "TLS13_AES_128_GCM_SHA256".into(),
            later_failure: None,
        };
        assert_eq!(
            c.judge(TlsVersion::Tls13, &scan, Some(&strict)).status,
            Status::Pass
        );
    }
}
