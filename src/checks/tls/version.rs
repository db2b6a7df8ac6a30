//! `tls.version`: TLS 1.2 / 1.3 accepted, probed with a real rustls handshake.

use crate::context::AuditContext;
use crate::finding::{Observation, Status};
use crate::net::rustls_probe::{self, TlsVersion, VersionOutcome};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsVersionCheck {
    /// "1.2" or "1.3".
    pub version: String,
    /// Status when the server does not accept the version (`fail` or `warn`).
    #[serde(default = "fail")]
    pub if_missing: Status,
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
        if !matches!(self.if_missing, Status::Fail | Status::Warn) {
            return Err(format!(
                "if_missing = {:?}: expected \"fail\" or \"warn\"",
                self.if_missing.as_str()
            ));
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
        let fallback_subject = ctx
            .target
            .url
            .as_ref()
            .map(|u| u.host_port())
            .unwrap_or_else(|| "tls".to_string());
        let scan = match rustls_probe::handshake_scan(ctx) {
            None => {
                return vec![Observation::skip(
                    fallback_subject,
                    "needs an https:// --url to probe TLS versions",
                )]
            }
            Some(Err(e)) => {
                return vec![Observation::error(
                    fallback_subject,
                    format!("cannot probe {}: {e}", version.label()),
                )]
            }
            Some(Ok(scan)) => scan,
        };
        vec![self.judge(version, scan.outcome(version), &scan.label)]
    }

    fn judge(&self, version: TlsVersion, outcome: &VersionOutcome, label: &str) -> Observation {
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
            VersionOutcome::Refused { reason } => {
                Observation::new(self.if_missing, label, format!("{name} not accepted"))
                    .expected(expected)
                    .actual(reason.clone())
            }
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

    fn check(version: &str, if_missing: Status) -> TlsVersionCheck {
        TlsVersionCheck {
            version: version.to_string(),
            if_missing,
        }
    }

    #[test]
    fn validate_accepts_only_modern_versions_and_fail_or_warn() {
        assert!(check("1.2", Status::Fail).validate().is_ok());
        assert!(check("1.3", Status::Warn).validate().is_ok());
        assert!(check("1.1", Status::Fail).validate().is_err());
        assert!(check("1.3", Status::Pass).validate().is_err());
        assert!(check("1.3", Status::Error).validate().is_err());
    }

    #[test]
    fn refusal_takes_the_if_missing_status_and_errors_stay_errors() {
        let c = check("1.3", Status::Warn);
        let refused = VersionOutcome::Refused {
            reason: "alert protocol_version".into(),
        };
        let o = c.judge(TlsVersion::Tls13, &refused, "h:443");
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.actual, "alert protocol_version");
        let unknown = VersionOutcome::Unknown {
            reason: "127.0.0.1:443 did not answer in time".into(),
        };
        let o = c.judge(TlsVersion::Tls13, &unknown, "h:443");
        assert_eq!(o.status, Status::Error);
        assert!(o.message.contains("127.0.0.1:443"), "{}", o.message);
        let accepted = VersionOutcome::Accepted {
            suite: "TLS13_AES_128_GCM_SHA256".into(),
            later_failure: None,
        };
        let o = c.judge(TlsVersion::Tls13, &accepted, "h:443");
        assert_eq!(o.status, Status::Pass);
        assert!(o.message.contains("TLS13_AES_128_GCM_SHA256"));
    }
}
