//! `tls.version`: TLS 1.2 / 1.3 accepted, probed with a real rustls handshake.

use crate::checks::{Judgement, Kind};
use crate::facts::{Facts, Need};
#[cfg(test)]
use crate::finding::Status;
use crate::finding::{Category, FailStatus, Observation};
use crate::net::rustls_probe::{TlsVersion, VersionOutcome};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsVersionCheck {
    /// "1.2" or "1.3" (older versions: `tls.legacy-versions`).
    pub version: TlsVersion,
    /// Status when the server does not accept the version.
    #[serde(default)]
    pub if_missing: FailStatus,
}

impl Kind for TlsVersionCheck {
    const TAG: &'static str = "tls.version";
    const CATEGORY: Category = Category::Tls;

    fn needs(&self) -> Vec<Need> {
        vec![Need::TlsHandshake]
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let scan = facts.tls().handshake()?;
        Ok(vec![self.judge_outcome(
            self.version,
            scan.outcome(self.version),
            &scan.label,
        )])
    }
}

impl TlsVersionCheck {
    fn judge_outcome(
        &self,
        version: TlsVersion,
        outcome: &VersionOutcome,
        label: &str,
    ) -> Observation {
        let name = version.label();
        let expected = format!("{name} accepted");
        match outcome {
            VersionOutcome::Accepted {
                suite,
                later_failure,
            } => {
                let mut actual = format!("negotiated {name} with {suite}");
                if let Some(failure) = later_failure {
                    actual.push_str(&format!("; {failure}"));
                }
                Observation::pass(label, format!("{name} accepted ({suite})"))
                    .expected(expected)
                    .actual(actual)
            }
            VersionOutcome::Refused { reason } => Observation::new(
                self.if_missing.status(),
                label,
                format!("{name} not accepted"),
            )
            .expected(expected)
            .actual(reason.clone()),
            VersionOutcome::Unknown { reason } => Observation::error(
                label,
                format!("cannot tell whether {label} accepts {name}: {reason}"),
            )
            .expected(expected),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(version: TlsVersion, if_missing: FailStatus) -> TlsVersionCheck {
        TlsVersionCheck {
            version,
            if_missing,
        }
    }

    #[test]
    fn parameters_are_typed_when_the_profile_loads() {
        let parse = |text: &str| toml::from_str::<TlsVersionCheck>(text);
        let ok = parse("version = \"1.3\"\nif_missing = \"warn\"").unwrap();
        assert_eq!(ok, check(TlsVersion::Tls13, FailStatus::Warn));
        assert_eq!(
            parse("version = \"1.2\"").unwrap(),
            check(TlsVersion::Tls12, FailStatus::Fail)
        );
        assert!(parse("version = \"1.1\"").is_err());
        assert!(parse("version = \"1.3\"\nif_missing = \"pass\"").is_err());
        assert!(parse("version = \"1.3\"\nif_missing = \"error\"").is_err());
    }

    #[test]
    fn refusal_takes_the_if_missing_status_and_errors_stay_errors() {
        let c = check(TlsVersion::Tls13, FailStatus::Warn);
        let refused = VersionOutcome::Refused {
            reason: "alert protocol_version".into(),
        };
        let o = c.judge_outcome(TlsVersion::Tls13, &refused, "h:443");
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.actual, "alert protocol_version");
        let unknown = VersionOutcome::Unknown {
            reason: "127.0.0.1:443 did not answer in time".into(),
        };
        let o = c.judge_outcome(TlsVersion::Tls13, &unknown, "h:443");
        assert_eq!(o.status, Status::Error);
        assert!(o.message.contains("127.0.0.1:443"), "{}", o.message);
        let accepted = VersionOutcome::Accepted {
            suite: "TLS13_AES_128_GCM_SHA256".into(),
            later_failure: None,
        };
        let o = c.judge_outcome(TlsVersion::Tls13, &accepted, "h:443");
        assert_eq!(o.status, Status::Pass);
        assert!(o.message.contains("TLS13_AES_128_GCM_SHA256"));
    }
}
