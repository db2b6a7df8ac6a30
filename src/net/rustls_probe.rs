//! rustls handshakes for TLS 1.2 and 1.3 with a verifier that records the chain, not rejects it.

/// Results of the TLS 1.2 / 1.3 handshakes and the captured certificate chain.
#[derive(Debug, Clone, Default)]
pub struct HandshakeScan {}
