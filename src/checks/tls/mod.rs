//! TLS protocol checks: versions, cipher suites and what follows from them, renegotiation and
//! client compatibility.

pub mod ciphers;
pub mod legacy;
pub mod suites;
pub mod version;

use crate::context::AuditContext;
use crate::finding::Observation;
use crate::net::connect::NetError;
use crate::net::legacy_probe;
use crate::net::suite_scan::{self, SuiteScan};

/// The raw suite scan of the audited endpoint, run on first use. `None` without an
/// `https://` URL.
pub fn suite_scan(ctx: &AuditContext) -> Option<&Result<SuiteScan, NetError>> {
    let endpoint = ctx.tls_endpoint()?;
    Some(ctx.suite_scan.get_or_init(|| {
        endpoint
            .as_ref()
            .map(|e| suite_scan::scan(e, ctx.target.timeout))
            .map_err(Clone::clone)
    }))
}

/// Runs `judge` on the suite scan, or says once why there is nothing to judge.
pub fn with_suite_scan(
    ctx: &AuditContext,
    what: &str,
    judge: impl Fn(&SuiteScan) -> Vec<Observation>,
) -> Vec<Observation> {
    let subject = legacy_probe::endpoint_subject(ctx);
    match suite_scan(ctx) {
        None => vec![Observation::skip(
            subject,
            format!("needs --url https://HOST to probe {what}"),
        )],
        Some(Err(e)) => vec![Observation::error(
            subject,
            format!("cannot probe {what}: {e}"),
        )],
        Some(Ok(scan)) => match scan.common_failure() {
            Some(f) => {
                vec![
                    Observation::error(scan.label.clone(), format!("cannot probe {what}: {f}"))
                        .actual(f.to_string()),
                ]
            }
            None => judge(scan),
        },
    }
}
