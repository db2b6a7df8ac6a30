//! `tls.weak-ciphers`: no NULL, anonymous, EXPORT, RC4 or DES/3DES suite is accepted.

use crate::context::AuditContext;
use crate::finding::Observation;

pub fn evaluate(ctx: &AuditContext) -> Vec<Observation> {
    let _ = ctx;
    vec![Observation::error(
        "tls",
        "tls.weak-ciphers not implemented yet",
    )]
}
