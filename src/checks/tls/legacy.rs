//! `tls.legacy-versions`: SSL 3.0, TLS 1.0 and TLS 1.1 must not be accepted.
//!
//! One observation per version, from a raw ClientHello offering exactly that version. When
//! every probe failed the same way (refused, stalled, not TLS) one error says so instead.

use crate::context::AuditContext;
use crate::finding::Observation;
use crate::net::legacy_probe::{self, ProbeOutcome, ProtocolVersion};

pub fn evaluate(ctx: &AuditContext) -> Vec<Observation> {
    let subject = legacy_probe::endpoint_subject(ctx);
    let scan = match legacy_probe::legacy_scan(ctx) {
        None => {
            return vec![Observation::skip(
                subject,
                "needs --url https://HOST to probe TLS versions",
            )]
        }
        Some(Err(e)) => return vec![cannot_probe(subject, &e.to_string())],
        Some(Ok(scan)) => scan,
    };
    if let Some(failure) = scan.common_failure() {
        return vec![cannot_probe(subject, &failure.to_string())];
    }
    scan.results
        .iter()
        .map(|(version, outcome)| observe(&subject, *version, outcome))
        .collect()
}

fn cannot_probe(subject: String, why: &str) -> Observation {
    Observation::error(
        subject,
        format!("cannot probe SSL 3.0, TLS 1.0 and TLS 1.1: {why}"),
    )
    .expected("a TLS server answering the probes")
    .actual(why)
}

fn observe(subject: &str, version: ProtocolVersion, outcome: &ProbeOutcome) -> Observation {
    let name = version.name();
    let subject = format!("{subject} {name}");
    match outcome {
        ProbeOutcome::Accepted(n) => Observation::fail(subject, format!("{name} is accepted"))
            .expected("not accepted")
            .actual(format!("accepted with {}", n.suite_name())),
        ProbeOutcome::NotAccepted { reason } => {
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
