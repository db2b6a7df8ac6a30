//! The protocol version type every probe and check uses, with its wire value and name.

use serde::{Deserialize, Serialize};

/// Wire values of the protocol versions.
pub const SSL3: u16 = 0x0300;
pub const TLS10: u16 = 0x0301;
pub const TLS11: u16 = 0x0302;
pub const TLS12: u16 = 0x0303;
pub const TLS13: u16 = 0x0304;

/// SSL 3.0 to TLS 1.3. Profiles name the two a `tls.version` check can require as `"1.2"` and
/// `"1.3"`; older versions are only ever probed for, never required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TlsVersion {
    #[serde(skip)]
    Ssl3,
    #[serde(skip)]
    Tls10,
    #[serde(skip)]
    Tls11,
    #[serde(rename = "1.2")]
    Tls12,
    #[serde(rename = "1.3")]
    Tls13,
}

impl TlsVersion {
    /// The versions `tls.legacy-versions` probes.
    pub const LEGACY: [TlsVersion; 3] = [TlsVersion::Ssl3, TlsVersion::Tls10, TlsVersion::Tls11];

    /// The version number on the wire (`0x0303` for TLS 1.2).
    pub fn wire(self) -> u16 {
        match self {
            TlsVersion::Ssl3 => SSL3,
            TlsVersion::Tls10 => TLS10,
            TlsVersion::Tls11 => TLS11,
            TlsVersion::Tls12 => TLS12,
            TlsVersion::Tls13 => TLS13,
        }
    }

    pub fn from_wire(wire: u16) -> Option<TlsVersion> {
        [
            TlsVersion::Ssl3,
            TlsVersion::Tls10,
            TlsVersion::Tls11,
            TlsVersion::Tls12,
            TlsVersion::Tls13,
        ]
        .into_iter()
        .find(|v| v.wire() == wire)
    }

    /// "SSL 3.0", "TLS 1.2", ...
    pub fn label(self) -> &'static str {
        match self {
            TlsVersion::Ssl3 => "SSL 3.0",
            TlsVersion::Tls10 => "TLS 1.0",
            TlsVersion::Tls11 => "TLS 1.1",
            TlsVersion::Tls12 => "TLS 1.2",
            TlsVersion::Tls13 => "TLS 1.3",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_values_round_trip_and_only_modern_versions_are_read_from_profiles() {
        for v in [TlsVersion::Ssl3, TlsVersion::Tls12, TlsVersion::Tls13] {
            assert_eq!(TlsVersion::from_wire(v.wire()), Some(v));
        }
        assert_eq!(TlsVersion::from_wire(0x0305), None);
        assert_eq!(
            crate::net::hello::version_name(TlsVersion::Tls11.wire()),
            TlsVersion::Tls11.label()
        );
        #[derive(Deserialize)]
        struct P {
            v: TlsVersion,
        }
        assert_eq!(
            toml::from_str::<P>("v = \"1.3\"").unwrap().v,
            TlsVersion::Tls13
        );
        assert!(toml::from_str::<P>("v = \"1.1\"").is_err());
        assert!(toml::from_str::<P>("v = \"Tls10\"").is_err());
    }
}
