//! `tls.client-simulation`: which common clients can connect, at which version and with which
//! suite, derived from each client's published ClientHello (versions, suites in preference
//! order, certificate key types it accepts) against what the scan found the server accepts.
//! Information only: the versions, suites and certificate are judged by their own checks.

use crate::checks::{Judgement, Kind};
use crate::facts::{Facts, Need};
use crate::finding::{Category, Observation, Severity};
use crate::net::hello::{version_name, TLS10, TLS11, TLS12, TLS13};
use crate::net::legacy_probe::suites::suite_name;
use crate::net::suite_scan::SuiteScan;

/// What the leaf certificate asks of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafKey {
    Rsa {
        bits: u32,
    },
    Ecdsa,
    EdDsa,
    /// No certificate could be read: the simulation assumes any client accepts it.
    Unknown,
}

/// A client's TLS capabilities as its ClientHello shows them.
pub struct ClientProfile {
    pub name: &'static str,
    /// Highest first.
    pub versions: &'static [u16],
    /// TLS 1.3 suites, in the client's order.
    pub tls13: &'static [u16],
    /// TLS 1.2-and-older suites, in the client's order.
    pub legacy: &'static [u16],
    pub accepts_eddsa: bool,
    pub min_rsa_bits: u32,
}

const OPENSSL3_TLS12: &[u16] = &[
    0xC02C, 0xC030, 0x009F, 0xCCA9, 0xCCA8, 0xCCAA, 0xC02B, 0xC02F, 0x009E, 0xC024, 0xC028, 0x006B,
    0xC023, 0xC027, 0x0067, 0xC00A, 0xC014, 0x0039, 0xC009, 0xC013, 0x0033, 0x009D, 0x009C, 0x003D,
    0x003C, 0x0035, 0x002F,
];

/// Current browsers, the common HTTP client stacks, and two generations of old Android.
pub const CLIENTS: &[ClientProfile] = &[
    ClientProfile {
        name: "Chrome 131 / Edge 131",
        versions: &[TLS13, TLS12],
        tls13: &[0x1301, 0x1302, 0x1303],
        legacy: &[
            0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC013, 0xC014, 0x009C, 0x009D, 0x002F,
            0x0035,
        ],
        accepts_eddsa: false,
        min_rsa_bits: 2048,
    },
    ClientProfile {
        name: "Firefox 133",
        versions: &[TLS13, TLS12],
        tls13: &[0x1301, 0x1303, 0x1302],
        legacy: &[
            0xC02B, 0xC02F, 0xCCA9, 0xCCA8, 0xC02C, 0xC030, 0xC00A, 0xC009, 0xC013, 0xC014, 0x009C,
            0x009D, 0x002F, 0x0035,
        ],
        accepts_eddsa: false,
        min_rsa_bits: 2048,
    },
    ClientProfile {
        name: "Safari 18",
        versions: &[TLS13, TLS12],
        tls13: &[0x1301, 0x1302, 0x1303],
        legacy: &[
            0xC02C, 0xC02B, 0xCCA9, 0xC030, 0xC02F, 0xCCA8, 0xC00A, 0xC009, 0xC014, 0xC013, 0x009D,
            0x009C, 0x0035, 0x002F,
        ],
        accepts_eddsa: false,
        min_rsa_bits: 2048,
    },
    ClientProfile {
        name: "curl 8 (OpenSSL 3)",
        versions: &[TLS13, TLS12],
        tls13: &[0x1302, 0x1303, 0x1301],
        legacy: OPENSSL3_TLS12,
        accepts_eddsa: true,
        min_rsa_bits: 1024,
    },
    ClientProfile {
        name: "Python 3.12 ssl (OpenSSL 3)",
        versions: &[TLS13, TLS12],
        tls13: &[0x1302, 0x1303, 0x1301],
        legacy: &[
            0xC02C, 0xC030, 0xC02B, 0xC02F, 0xCCA9, 0xCCA8, 0xC024, 0xC028, 0xC023, 0xC027, 0x009F,
            0x009E, 0x006B, 0x0067,
        ],
        accepts_eddsa: true,
        min_rsa_bits: 2048,
    },
    ClientProfile {
        name: "Java 17",
        versions: &[TLS13, TLS12],
        tls13: &[0x1302, 0x1301, 0x1303],
        legacy: &[
            0xC02C, 0xC02B, 0xCCA9, 0xC030, 0xCCA8, 0xC02F, 0x009F, 0xCCAA, 0x009E, 0xC024, 0xC028,
            0xC023, 0xC027, 0x006B, 0x0067, 0xC00A, 0xC014, 0xC009, 0xC013, 0x0039, 0x0033, 0x009D,
            0x009C, 0x003D, 0x003C, 0x0035, 0x002F,
        ],
        accepts_eddsa: true,
        min_rsa_bits: 1024,
    },
    ClientProfile {
        name: "Go 1.22 crypto/tls",
        versions: &[TLS13, TLS12],
        tls13: &[0x1301, 0x1302, 0x1303],
        legacy: &[
            0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0xC009, 0xC013, 0xC00A, 0xC014,
        ],
        accepts_eddsa: true,
        min_rsa_bits: 1024,
    },
    ClientProfile {
        name: "Android 7.0",
        versions: &[TLS12, TLS11, TLS10],
        tls13: &[],
        legacy: &[
            0xC02B, 0xC02C, 0xCCA9, 0xC02F, 0xC030, 0xCCA8, 0xC009, 0xC00A, 0xC013, 0xC014, 0x009C,
            0x009D, 0x002F, 0x0035,
        ],
        accepts_eddsa: false,
        min_rsa_bits: 1024,
    },
    ClientProfile {
        name: "Android 4.4",
        versions: &[TLS12, TLS11, TLS10],
        tls13: &[],
        legacy: &[
            0xC02B, 0xC02F, 0x009E, 0xC00A, 0xC009, 0xC013, 0xC014, 0xC007, 0xC011, 0x0033, 0x0032,
            0x0039, 0x009C, 0x002F, 0x0035, 0x000A, 0x0005, 0x0004,
        ],
        accepts_eddsa: false,
        min_rsa_bits: 1024,
    },
];

crate::no_params_kind!(
    /// `tls.client-simulation` takes no parameters.
    ClientSimulation
);

impl Kind for ClientSimulation {
    const TAG: &'static str = "tls.client-simulation";
    const CATEGORY: Category = Category::Tls;

    fn needs(&self) -> Vec<Need> {
        vec![Need::TlsSuites, Need::TlsHandshake]
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let leaf = leaf_key(facts);
        super::with_suites(facts, |scan| simulate(scan, leaf))
    }
}

fn leaf_key(facts: &Facts) -> LeafKey {
    use crate::checks::cert::analyze::{analyze, KeyInfo};
    let Ok(presented) = facts.tls().certificate() else {
        return LeafKey::Unknown;
    };
    let Some(leaf) = presented.chain.certs.first() else {
        return LeafKey::Unknown;
    };
    match analyze(std::slice::from_ref(leaf))
        .ok()
        .and_then(|v| v.into_iter().next())
    {
        Some(info) => match info.key {
            KeyInfo::Rsa { bits } => LeafKey::Rsa { bits },
            KeyInfo::Ec { .. } => LeafKey::Ecdsa,
            KeyInfo::Ed25519 | KeyInfo::Ed448 => LeafKey::EdDsa,
            _ => LeafKey::Unknown,
        },
        None => LeafKey::Unknown,
    }
}

/// One information line per client.
pub fn simulate(scan: &SuiteScan, leaf: LeafKey) -> Vec<Observation> {
    CLIENTS
        .iter()
        .map(|client| {
            let subject = format!("{} client {}", scan.label, client.name);
            let message = match connect(client, scan, leaf) {
                Ok((version, suite, shared)) => format!(
                    "{}: {} with {}{}",
                    client.name,
                    version_name(version),
                    suite_name(suite),
                    if shared > 1 {
                        format!(" ({shared} shared suites; the server may pick another)")
                    } else {
                        String::new()
                    }
                ),
                Err(why) => format!("{}: cannot connect ({why})", client.name),
            };
            Observation::pass(subject, message).severity(Severity::Info)
        })
        .collect()
}

/// The version and first shared suite (in the client's order) a client would get, with the
/// number of shared suites at that version; or why it cannot connect.
fn connect(
    client: &ClientProfile,
    scan: &SuiteScan,
    leaf: LeafKey,
) -> Result<(u16, u16, usize), String> {
    match leaf {
        LeafKey::EdDsa if !client.accepts_eddsa => {
            return Err("it does not accept Ed25519/Ed448 certificates".into())
        }
        LeafKey::Rsa { bits } if bits < client.min_rsa_bits => {
            return Err(format!(
                "it refuses RSA keys under {} bits; the server's has {bits}",
                client.min_rsa_bits
            ))
        }
        _ => {}
    }
    for version in client.versions {
        let Some(server) = scan.version(*version).filter(|v| v.accepted()) else {
            continue;
        };
        let offered = if *version == TLS13 {
            client.tls13
        } else {
            client.legacy
        };
        let accepted = server.ids();
        let shared: Vec<u16> = offered
            .iter()
            .copied()
            .filter(|s| accepted.contains(s))
            .collect();
        if let Some(first) = shared.first() {
            return Ok((*version, *first, shared.len()));
        }
    }
    let versions: Vec<String> = client.versions.iter().map(|v| version_name(*v)).collect();
    Err(format!(
        "no shared version and suite ({} offered)",
        versions.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::suite_scan::test_support::scan_with;
    use crate::net::suite_scan::Acceptance;

    fn line<'a>(lines: &'a [Observation], client: &str) -> &'a str {
        &lines
            .iter()
            .find(|o| o.subject.ends_with(client))
            .unwrap()
            .message
    }

    #[test]
    fn a_modern_server_leaves_old_android_out() {
        let scan = scan_with(&[
            (TLS13, Acceptance::Accepted, &[0x1301, 0x1302]),
            (TLS12, Acceptance::Accepted, &[0xC02B, 0xC02F]),
        ]);
        let lines = simulate(&scan, LeafKey::Ecdsa);
        assert_eq!(lines.len(), CLIENTS.len());
        assert!(lines.iter().all(|o| o.severity == Some(Severity::Info)));
        assert_eq!(
            line(&lines, "Firefox 133"),
            "Firefox 133: TLS 1.3 with TLS_AES_128_GCM_SHA256 (2 shared suites; the server may pick another)"
        );
        assert!(line(&lines, "Android 7.0")
            .contains("TLS 1.2 with TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
        let cbc_only = scan_with(&[(TLS12, Acceptance::Accepted, &[0x0041])]);
        let lines = simulate(&cbc_only, LeafKey::Rsa { bits: 2048 });
        assert!(
            line(&lines, "Android 4.4").contains("cannot connect"),
            "{lines:?}"
        );
    }

    #[test]
    fn an_eddsa_or_short_rsa_leaf_shuts_out_the_clients_that_refuse_it() {
        let scan = scan_with(&[(TLS13, Acceptance::Accepted, &[0x1301])]);
        let lines = simulate(&scan, LeafKey::EdDsa);
        assert!(line(&lines, "Chrome 131 / Edge 131").contains("Ed25519"));
        assert!(line(&lines, "Go 1.22 crypto/tls").contains("TLS 1.3"));
        let lines = simulate(&scan, LeafKey::Rsa { bits: 1024 });
        assert!(line(&lines, "Safari 18").contains("under 2048 bits"));
        assert!(line(&lines, "Java 17").contains("TLS 1.3"));
    }
}
