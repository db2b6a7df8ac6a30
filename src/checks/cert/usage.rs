//! What the leaf may be used for and what kind of key it holds: `cert.key-usage` and
//! `cert.key-type`.

use super::analyze::KeyInfo;
use super::Examined;
use crate::finding::FailStatus;
use crate::finding::Observation;

/// The key exchanges the server accepted, as far as the leaf's usage bits are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyExchanges {
    /// ECDHE, DHE or TLS 1.3: the leaf's key signs the handshake (digitalSignature).
    pub signed: bool,
    /// Static RSA: the client encrypts to the leaf's key (keyEncipherment).
    pub rsa_encrypted: bool,
}

/// `cert.key-usage`: keyUsage and extendedKeyUsage allow what the server does with the key.
pub fn key_usage(e: &Examined<'_>, exchanges: KeyExchanges) -> Observation {
    let leaf = e.leaf();
    let expected = "keyUsage with digitalSignature (ECDHE/DHE/TLS 1.3) and keyEncipherment \
                    (static RSA), extendedKeyUsage with serverAuth, or the extensions absent";
    let mut problems = Vec::new();
    if let Some(ku) = leaf.key_usage {
        if exchanges.signed && !ku.digital_signature {
            problems.push(format!(
                "keyUsage ({}) lacks digitalSignature, which ECDHE, DHE and TLS 1.3 handshakes \
                 need: clients such as curl abort the handshake",
                ku.describe()
            ));
        }
        let rsa_key = matches!(leaf.key, KeyInfo::Rsa { .. });
        if exchanges.rsa_encrypted && rsa_key && !ku.key_encipherment {
            problems.push(format!(
                "keyUsage ({}) lacks keyEncipherment, which static RSA key exchange needs",
                ku.describe()
            ));
        }
    }
    if let Some(eku) = leaf.extended_key_usage {
        if !eku.server_auth && !eku.any {
            problems.push(
                "extendedKeyUsage does not include serverAuth (TLS Web Server Authentication)"
                    .to_string(),
            );
        }
    }
    let detail = format!(
        "keyUsage: {}; extendedKeyUsage: {}",
        leaf.key_usage
            .map(|k| k.describe())
            .unwrap_or_else(|| "absent (any use)".into()),
        match leaf.extended_key_usage {
            None => "absent (any purpose)".to_string(),
            Some(eku) => {
                let mut purposes = Vec::new();
                if eku.server_auth {
                    purposes.push("serverAuth");
                }
                if eku.client_auth {
                    purposes.push("clientAuth");
                }
                if eku.any {
                    purposes.push("anyExtendedKeyUsage");
                }
                if purposes.is_empty() {
                    "no TLS purpose".to_string()
                } else {
                    purposes.join(", ")
                }
            }
        }
    );
    let observation = if problems.is_empty() {
        e.pass("the leaf's key usage fits a TLS server")
    } else {
        e.fail(problems.join("; "))
    };
    observation.expected(expected).actual(e.actual(&detail))
}

/// `cert.key-type`: an Ed25519/Ed448 leaf, which no mainstream browser accepts.
pub fn key_type(e: &Examined<'_>, if_eddsa: FailStatus) -> Observation {
    let expected = "an RSA or ECDSA leaf key (browsers do not accept Ed25519/Ed448 certificates)";
    let key = &e.leaf().key;
    let observation = match key {
        KeyInfo::Ed25519 | KeyInfo::Ed448 => {
            let mut o = e.fail(format!(
                "the leaf key is {}: Chrome, Firefox and Safari do not accept EdDSA \
                 certificates, so browsers cannot connect",
                key.describe()
            ));
            o.status = if_eddsa.status();
            o
        }
        other => e.pass(format!(
            "the leaf key ({}) is a type every client accepts",
            other.describe()
        )),
    };
    observation
        .expected(expected)
        .actual(e.actual(&format!("leaf key: {}", key.describe())))
}

#[cfg(test)]
mod tests {
    use super::super::analyze::tests::{ca, leaf_params};
    use super::super::test_support::Fixture;
    use super::*;
    use crate::finding::Status;
    use rcgen::{ExtendedKeyUsagePurpose, KeyPair, KeyUsagePurpose};

    const SIGNED: KeyExchanges = KeyExchanges {
        signed: true,
        rsa_encrypted: false,
    };

    #[test]
    fn a_key_cert_sign_only_leaf_fails_and_a_server_leaf_passes() {
        let (root, issuer) = ca("usage root");
        let mut params = leaf_params(&["a.test"]);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        let key = KeyPair::generate().unwrap();
        let leaf = params.signed_by(&key, &issuer).unwrap();
        let f = Fixture::new(&[&leaf], "a.test", Some(&root.pem()));
        let o = key_usage(&f.examined(), SIGNED);
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert!(
            o.message.contains("lacks digitalSignature"),
            "{}",
            o.message
        );
        assert!(o.actual.contains("keyUsage: keyCertSign"), "{}", o.actual);

        let mut params = leaf_params(&["a.test"]);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf = params.signed_by(&key, &issuer).unwrap();
        let f = Fixture::new(&[&leaf], "a.test", Some(&root.pem()));
        assert_eq!(key_usage(&f.examined(), SIGNED).status, Status::Pass);

        let mut params = leaf_params(&["a.test"]);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let leaf = params.signed_by(&key, &issuer).unwrap();
        let f = Fixture::new(&[&leaf], "a.test", Some(&root.pem()));
        let o = key_usage(&f.examined(), SIGNED);
        assert!(o.message.contains("serverAuth"), "{}", o.message);
    }

    #[test]
    fn an_ed25519_leaf_fails_unless_the_profile_lowers_it() {
        let (root, issuer) = ca("ed root");
        let key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
        let leaf = leaf_params(&["a.test"]).signed_by(&key, &issuer).unwrap();
        let f = Fixture::new(&[&leaf], "a.test", Some(&root.pem()));
        let o = key_type(&f.examined(), FailStatus::Fail);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("Ed25519"), "{}", o.message);
        assert_eq!(
            key_type(&f.examined(), FailStatus::Warn).status,
            Status::Warn
        );
        let ec = KeyPair::generate().unwrap();
        let leaf = leaf_params(&["a.test"]).signed_by(&ec, &issuer).unwrap();
        let f = Fixture::new(&[&leaf], "a.test", Some(&root.pem()));
        assert_eq!(
            key_type(&f.examined(), FailStatus::Fail).status,
            Status::Pass
        );
    }
}
