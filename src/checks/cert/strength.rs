//! Cryptographic strength of the presented chain: `cert.key-size` and `cert.signature`.

use super::analyze::KeyInfo;
use super::{CertKeySize, Examined};
use crate::finding::{Observation, Status};

pub fn key_size(e: &Examined<'_>, limits: &CertKeySize) -> Observation {
    let expected = format!(
        "RSA keys of at least {} bits, EC keys of at least {} bits (Ed25519/Ed448 accepted)",
        limits.min_rsa_bits, limits.min_ec_bits
    );
    let mut worst = Status::Pass;
    let mut problems = Vec::new();
    let mut keys = Vec::new();
    for (position, cert) in e.all() {
        keys.push(format!("#{position} {}", cert.key.describe()));
        let verdict = match &cert.key {
            KeyInfo::Rsa { bits } if *bits < limits.min_rsa_bits => Some((
                Status::Fail,
                format!("a {bits}-bit RSA key (minimum {})", limits.min_rsa_bits),
            )),
            KeyInfo::Ec { curve, bits } if *bits < limits.min_ec_bits => Some((
                Status::Fail,
                format!(
                    "a {bits}-bit EC key on {curve} (minimum {})",
                    limits.min_ec_bits
                ),
            )),
            KeyInfo::Dsa { bits } => Some((
                Status::Fail,
                format!("a {bits}-bit DSA key, which TLS clients no longer accept"),
            )),
            KeyInfo::Other { algorithm } => Some((
                Status::Warn,
                format!("an unrecognised {algorithm}; its strength cannot be judged"),
            )),
            _ => None,
        };
        if let Some((status, text)) = verdict {
            if status.badness() > worst.badness() {
                worst = status;
            }
            let which = if position == 1 {
                "the certificate".to_string()
            } else {
                format!("certificate #{position} ({})", cert.subject)
            };
            problems.push(format!("{which} has {text}"));
        }
    }
    let detail = format!("keys: {}", keys.join(", "));
    let observation = match worst {
        Status::Pass => e.pass(format!("key strong enough: {}", e.leaf().key.describe())),
        Status::Warn => e.warn(problems.join("; ")),
        _ => e.fail(problems.join("; ")),
    };
    observation.expected(expected).actual(e.actual(&detail))
}

pub fn signature(e: &Examined<'_>) -> Observation {
    let expected =
        "no SHA-1 or MD5 signature in the chain (a self-signed root's own signature excepted)";
    let weak: Vec<String> = e
        .all()
        // A root's signature on itself is never checked by clients.
        .filter(|(position, cert)| {
            cert.weak_signature_hash && !(*position > 1 && cert.is_self_signed())
        })
        .map(|(position, cert)| {
            let which = if position == 1 {
                format!("the certificate ({})", cert.subject)
            } else {
                format!("certificate #{position} ({})", cert.subject)
            };
            format!("{which} is signed with {}", cert.signature_algorithm)
        })
        .collect();
    let algorithms: Vec<String> = e
        .all()
        .map(|(position, cert)| format!("#{position} {}", cert.signature_algorithm))
        .collect();
    let detail = format!("signatures: {}", algorithms.join(", "));
    let observation = if weak.is_empty() {
        e.pass(format!("signed with {}", e.leaf().signature_algorithm))
    } else {
        e.fail(format!("weak signature hash: {}", weak.join("; ")))
    };
    observation.expected(expected).actual(e.actual(&detail))
}

#[cfg(test)]
mod tests {
    use super::super::analyze::tests::{ca, leaf_params};
    use super::super::test_support::Fixture;
    use super::*;
    use rcgen::KeyPair;

    fn p256_chain() -> Fixture {
        let (root, issuer) = ca("strength CA");
        let key = KeyPair::generate().unwrap();
        let leaf = leaf_params(&["a.test"]).signed_by(&key, &issuer).unwrap();
        Fixture::new(&[&leaf, &root], "a.test", None)
    }

    #[test]
    fn p256_passes_default_limits_and_fails_stricter_ones() {
        let f = p256_chain();
        let e = f.examined();
        let defaults = CertKeySize {
            min_rsa_bits: 2048,
            min_ec_bits: 256,
        };
        let o = key_size(&e, &defaults);
        assert_eq!(o.status, Status::Pass, "{o:?}");
        assert!(o.actual.contains("#1 EC P-256 (256 bits)"), "{}", o.actual);
        let strict = CertKeySize {
            min_rsa_bits: 2048,
            min_ec_bits: 384,
        };
        let o = key_size(&e, &strict);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("256-bit EC key on P-256 (minimum 384)"),
            "{}",
            o.message
        );
    }

    #[test]
    fn sha256_signatures_pass() {
        let f = p256_chain();
        let o = signature(&f.examined());
        assert_eq!(o.status, Status::Pass, "{o:?}");
        assert!(o.actual.contains("#2 ecdsa-with-SHA256"), "{}", o.actual);
    }
}
