//! Raw-socket probes for what rustls will not speak: SSL 3.0, TLS 1.0/1.1 and weak cipher classes.

/// Results of the legacy-version probes (filled in by the probe implementation).
#[derive(Debug, Clone, Default)]
pub struct LegacyScan {}

/// Results of the weak-cipher-class probes.
#[derive(Debug, Clone, Default)]
pub struct WeakCipherScan {}
