//! `tls.weak-ciphers`: no NULL, anonymous, EXPORT, RC4 or DES/3DES suite is accepted.
//!
//! One observation per class. Each class is offered alone, at TLS 1.2 and at TLS 1.0, and
//! re-offered without the suites already accepted so that every accepted one is listed.

use super::never_spoke_tls;
use crate::checks::{Judgement, Kind};
use crate::facts::{Facts, Need};
use crate::finding::{Category, Observation};
use crate::net::legacy_probe::{ClassResult, ProbeOutcome, MAX_ROUNDS_PER_CLASS};

crate::no_params_kind!(
    /// `tls.weak-ciphers` takes no parameters.
    WeakCiphers
);

impl Kind for WeakCiphers {
    const TAG: &'static str = "tls.weak-ciphers";
    const CATEGORY: Category = Category::Tls;

    fn needs(&self) -> Vec<Need> {
        vec![Need::TlsWeakCiphers, Need::TlsSuites, Need::TlsHandshake]
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let tls = facts.tls();
        let scan = tls.weak_ciphers()?;
        let subject = tls.subject();
        if let Some(failure) = scan.common_failure() {
            return Ok(vec![cannot_probe(subject, &failure.to_string())]);
        }
        if !scan.spoke_tls() && !tls.speaks_tls() {
            return Ok(vec![never_spoke_tls(
                subject,
                "weak cipher suites are refused",
            )]);
        }
        Ok(scan
            .classes
            .iter()
            .map(|class| observe(&subject, class))
            .collect())
    }
}

fn cannot_probe(subject: String, why: &str) -> Observation {
    Observation::error(subject, format!("cannot probe weak cipher suites: {why}"))
        .expected("a TLS server answering the probes")
        .actual(why)
}

fn observe(subject: &str, result: &ClassResult) -> Observation {
    let label = result.class.label();
    let subject = format!("{subject} {label} suites");
    let expected = "none accepted";
    if !result.accepted.is_empty() {
        let mut actual = format!("accepted: {}", result.accepted_suites().join(", "));
        if result.truncated {
            actual.push_str(&format!(
                " (stopped after {MAX_ROUNDS_PER_CLASS} rounds; there may be more)"
            ));
        }
        return Observation::fail(subject, format!("the server accepts {label} cipher suites"))
            .expected(expected)
            .actual(actual);
    }
    if let Some(f) = result.first_failure() {
        return Observation::error(
            subject,
            format!("{label} cipher suites could not be probed: {f}"),
        )
        .expected(expected)
        .actual(f.to_string());
    }
    let refusals: Vec<String> = result
        .endings
        .iter()
        .filter_map(|(version, outcome)| match outcome {
            ProbeOutcome::NotAccepted { reason, .. } => {
                Some(format!("{} hello: {reason}", version.label()))
            }
            _ => None,
        })
        .collect();
    Observation::pass(subject, format!("no {label} cipher suite is accepted"))
        .expected(expected)
        .actual(refusals.join("; "))
}
