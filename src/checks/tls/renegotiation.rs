//! `tls.renegotiation`: secure renegotiation (RFC 5746) is supported, and a renegotiation the
//! client starts is refused.

use crate::checks::{Judgement, Kind};
use crate::facts::{Facts, Need};
use crate::finding::FailStatus;
use crate::finding::{Category, Observation};
use crate::net::renegotiation::{ClientInitiated, RenegotiationError, RenegotiationProbe};
use crate::net::suite_scan::SuiteScan;
use serde::{Deserialize, Serialize};

fn fail() -> FailStatus {
    FailStatus::Fail
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Renegotiation {
    /// Status when the server renegotiates at the client's request.
    #[serde(default = "fail")]
    pub if_client_initiated: FailStatus,
}

impl Kind for Renegotiation {
    const TAG: &'static str = "tls.renegotiation";
    const CATEGORY: Category = Category::Tls;

    fn needs(&self) -> Vec<Need> {
        vec![Need::TlsSuites, Need::TlsRenegotiation]
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let tls = facts.tls();
        let probe = tls.renegotiation()?;
        super::with_suites(facts, |scan| self.judge_scan(scan, probe.as_ref()))
    }
}

impl Renegotiation {
    pub fn judge_scan(
        &self,
        scan: &SuiteScan,
        probe: Result<&RenegotiationProbe, &RenegotiationError>,
    ) -> Vec<Observation> {
        let secure_subject = format!("{} secure renegotiation", scan.label);
        let client_subject = format!("{} client-initiated renegotiation", scan.label);
        let Some(secure) = scan.secure_renegotiation else {
            let why = "no TLS 1.2-or-older handshake is accepted, and TLS 1.3 has no renegotiation";
            return vec![
                Observation::pass(secure_subject, why),
                Observation::pass(client_subject, why),
            ];
        };
        let secure = if secure {
            Observation::pass(
                secure_subject,
                "secure renegotiation (RFC 5746 renegotiation_info) is supported",
            )
        } else {
            Observation::fail(
                secure_subject,
                "the server does not answer renegotiation_info: renegotiation, if it allows \
                 any, is the insecure kind an attacker can splice a prefix into (CVE-2009-3555)",
            )
        }
        .expected("renegotiation_info in the ServerHello");
        let expected = "the server refuses a renegotiation the client starts";
        let client = match probe {
            Ok(p) => match &p.client_initiated {
                ClientInitiated::Accepted => Observation::new(
                    self.if_client_initiated.status(),
                    client_subject,
                    "the server renegotiates whenever a client asks: each request costs it a \
                     full handshake (a cheap denial of service)",
                )
                .actual("a new ClientHello on the established connection got a ServerHello"),
                ClientInitiated::Refused { reason } => {
                    Observation::pass(client_subject, "client-initiated renegotiation is refused")
                        .actual(reason.clone())
                }
            },
            Err(e @ RenegotiationError::Unsupported(_)) => {
                Observation::skip(client_subject, format!("not probed: {e}"))
            }
            Err(e) => Observation::error(
                client_subject,
                format!("cannot probe client-initiated renegotiation: {e}"),
            ),
        }
        .expected(expected);
        vec![secure, client]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::net::hello::TLS12;
    use crate::net::suite_scan::test_support::scan_with;
    use crate::net::suite_scan::Acceptance;

    fn check() -> Renegotiation {
        Renegotiation {
            if_client_initiated: FailStatus::Fail,
        }
    }

    fn probe(client: ClientInitiated) -> RenegotiationProbe {
        RenegotiationProbe {
            secure_renegotiation: true,
            client_initiated: client,
        }
    }

    #[test]
    fn client_initiated_renegotiation_fails_and_refusal_passes() {
        let scan = scan_with(&[(TLS12, Acceptance::Accepted, &[0xC02F])]);
        let o = check().judge_scan(&scan, Ok(&probe(ClientInitiated::Accepted)));
        assert_eq!((o[0].status, o[1].status), (Status::Pass, Status::Fail));
        assert_eq!(o[1].subject, "h:443 client-initiated renegotiation");
        let refused = ClientInitiated::Refused {
            reason: "the server answered with alert no_renegotiation".into(),
        };
        let o = check().judge_scan(&scan, Ok(&probe(refused)));
        assert_eq!(o[1].status, Status::Pass);
    }

    #[test]
    fn missing_renegotiation_info_fails_and_an_unsupported_probe_skips() {
        let mut scan = scan_with(&[(TLS12, Acceptance::Accepted, &[0x002F])]);
        scan.secure_renegotiation = Some(false);
        let unsupported = RenegotiationError::Unsupported("the server chose 0x002F".into());
        let o = check().judge_scan(&scan, Err(&unsupported));
        assert_eq!((o[0].status, o[1].status), (Status::Fail, Status::Skip));
        scan.secure_renegotiation = None;
        let o = check().judge_scan(&scan, Err(&unsupported));
        assert_eq!((o[0].status, o[1].status), (Status::Pass, Status::Pass));
    }
}
