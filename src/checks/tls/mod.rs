//! TLS protocol checks: versions, cipher suites and what follows from them, renegotiation and
//! client compatibility.

pub mod ciphers;
pub mod clients;
pub mod legacy;
pub mod renegotiation;
pub mod suites;
pub mod version;

use crate::checks::Judgement;
use crate::facts::{Facts, Unavailable};
use crate::finding::Observation;
use crate::net::suite_scan::SuiteScan;

/// Runs `judge` on the suite scan, or says once why there is none (every round failed the
/// same way: refused, stalled, not TLS).
pub fn with_suites(facts: &Facts, judge: impl FnOnce(&SuiteScan) -> Vec<Observation>) -> Judgement {
    let tls = facts.tls();
    let scan = tls.suites()?;
    if let Some(f) = scan.common_failure() {
        return Err(Unavailable::error(
            scan.label.clone(),
            format!("cannot probe cipher suites: {f}"),
        )
        .at(tls.location()));
    }
    Ok(judge(scan)
        .into_iter()
        .map(|o| o.at(tls.location()))
        .collect())
}

/// What a refusal is worth when the server never answered in TLS: nothing.
pub(super) fn never_spoke_tls(subject: String, what: &str) -> Observation {
    Observation::error(
        subject,
        format!(
            "cannot tell whether {what}: the server never answered in TLS (every probe was \
             closed, reset or left unanswered), so a refusal cannot be told from a server \
             that does not speak TLS on this port"
        ),
    )
    .expected("a TLS server answering the probes")
    .actual("no TLS answer to any probe")
}
