//! `tls.legacy-versions`: SSL 3.0, TLS 1.0 and TLS 1.1 must not be accepted.
//!
//! One observation per version, from a raw ClientHello offering exactly that version. When
//! every probe failed the same way (refused, stalled, not TLS) one error says so instead.

use super::never_spoke_tls;
use crate::checks::{Judgement, Kind};
use crate::facts::{Facts, Need};
use crate::finding::{Category, Observation};
use crate::net::legacy_probe::{ProbeOutcome, TlsVersion};

crate::no_params_kind!(
    /// `tls.legacy-versions` takes no parameters.
    LegacyVersions
);

impl Kind for LegacyVersions {
    const TAG: &'static str = "tls.legacy-versions";
    const CATEGORY: Category = Category::Tls;

    fn needs(&self) -> Vec<Need> {
        vec![Need::TlsLegacyVersions, Need::TlsSuites, Need::TlsHandshake]
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let tls = facts.tls();
        let scan = tls.legacy()?;
        let subject = tls.subject();
        if let Some(failure) = scan.common_failure() {
            return Ok(vec![cannot_probe(subject, &failure.to_string())]);
        }
        if !scan.spoke_tls() && !tls.speaks_tls() {
            return Ok(vec![never_spoke_tls(
                subject,
                "SSL 3.0, TLS 1.0 and TLS 1.1 are refused",
            )]);
        }
        Ok(scan
            .results
            .iter()
            .map(|(version, outcome)| observe(&subject, *version, outcome))
            .collect())
    }
}

fn cannot_probe(subject: String, why: &str) -> Observation {
    Observation::error(
        subject,
        format!("cannot probe SSL 3.0, TLS 1.0 and TLS 1.1: {why}"),
    )
    .expected("a TLS server answering the probes")
    .actual(why)
}

fn observe(subject: &str, version: TlsVersion, outcome: &ProbeOutcome) -> Observation {
    let name = version.label();
    let subject = format!("{subject} {name}");
    match outcome {
        ProbeOutcome::Accepted(n) => Observation::fail(subject, format!("{name} is accepted"))
            .expected("not accepted")
            .actual(format!("accepted with {}", n.suite_name())),
        ProbeOutcome::NotAccepted { reason, .. } => {
            Observation::pass(subject, format!("{name} is not accepted"))
                .expected("not accepted")
                .actual(reason.clone())
        }
        ProbeOutcome::Failed(f) => {
            Observation::error(subject, format!("{name} could not be probed: {f}"))
                .expected("not accepted")
                .actual(f.to_string())
        }
    }
}
