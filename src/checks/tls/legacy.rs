//! `tls.legacy-versions`: SSL 3.0, TLS 1.0 and TLS 1.1 must not be accepted.

use crate::context::AuditContext;
use crate::finding::Observation;

pub fn evaluate(ctx: &AuditContext) -> Vec<Observation> {
    let _ = ctx;
    vec![Observation::error(
        "tls",
        "tls.legacy-versions not implemented yet",
    )]
}
