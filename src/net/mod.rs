//! Network plumbing shared by the TLS and certificate checks.

pub mod connect;
pub mod hello;
pub mod legacy_probe;
pub mod renegotiation;
pub mod rustls_probe;
pub mod suite_scan;
pub mod version;
