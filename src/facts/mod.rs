//! Facts about the target: all the I/O of an audit. Facts know nothing about checks.

pub mod dns;
pub mod host_root;
pub mod listeners;
pub mod ports;
pub mod ufw;
