//! rampart: a deployment-hardening audit for self-hosted web products.

pub mod app;
pub mod audit;
pub mod baseline;
pub mod checks;
pub mod cli;
pub mod dsn;
pub mod engine;
pub mod escape;
pub mod facts;
pub mod finding;
pub mod fleet;
pub mod ip;
pub mod net;
pub mod profile;
pub mod progress;
pub mod read;
pub mod redact;
pub mod report;
pub mod target;
pub mod waiver;
