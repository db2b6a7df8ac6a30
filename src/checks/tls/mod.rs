//! TLS protocol checks: which versions the server accepts and whether weak cipher classes are.

pub mod ciphers;
pub mod legacy;
pub mod version;
