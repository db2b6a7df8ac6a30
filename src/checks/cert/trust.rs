//! Who vouches for the certificate: `cert.trust`, `cert.chain` and `cert.self-signed`.
//!
//! The three look at one question from different sides, and keep their verdicts apart:
//! - `cert.trust`: does the chain reach a trusted root (system store, webpki roots,
//!   `--ca-file`)? Dates are left to `cert.validity`.
//! - `cert.chain`: did the server send what a client needs to build the chain? The path the
//!   presented certificates form from the leaf must end at a self-signed certificate or at
//!   one issued by a known root. Otherwise an intermediate is missing; from the client's side
//!   that looks the same as a leaf issued straight by a root the client lacks, so the message
//!   names both remedies. A chain ending at an untrusted self-signed root is complete (and
//!   `cert.trust` fails it).
//! - `cert.self-signed`: the leaf is its own issuer (names equal and its own key verifies its
//!   signature; when the algorithm cannot be checked, equal names and no trust suffice).

use super::analyze::KeyInfo;
use super::Examined;
use crate::finding::Observation;
use rustls::{CertificateError, Error};

const TRUST_EXPECTED: &str = "a chain to a trusted root (system store, webpki roots or --ca-file)";

/// Clients (browsers, rustls/webpki, OpenSSL at security level 2) refuse handshake
/// signatures from RSA keys shorter than this.
const MIN_CLIENT_RSA_BITS: u32 = 2048;

pub fn trust(e: &Examined<'_>) -> Observation {
    let leaf = e.leaf();
    if let KeyInfo::Rsa { bits } = leaf.key {
        if bits < MIN_CLIENT_RSA_BITS {
            let why = format!(
                "the server's RSA key has {bits} bits: browsers, curl with OpenSSL 3 and \
                 rustls refuse RSA keys under {MIN_CLIENT_RSA_BITS} bits, so no strict client \
                 completes the handshake, whoever issued the certificate"
            );
            return e
                .fail(format!("not accepted by strict clients: {why}"))
                .expected(TRUST_EXPECTED)
                .actual(e.actual(&format!("a strict client rejects it now: {why}")));
        }
    }
    let observation = match &e.chain.trust {
        Ok(()) => {
            let mut message = format!(
                "trusted: issued by {}, which chains to a trusted root",
                leaf.issuer
            );
            if e.chain.trust_time_shifted {
                message.push_str(&format!(
                    " (judged as of {}, when every certificate was within its validity; \
                     see the validity check for the dates)",
                    super::analyze::rfc3339(unix_to_datetime(e.chain.trust_checked_at))
                ));
            }
            e.pass(message)
        }
        Err(err) if leaf.is_self_signed() => {
            if e.roots.has_anchor(&leaf.subject_der, &leaf.spki_der) {
                e.fail(format!(
                    "not trusted: the self-signed certificate {} is among the trusted roots \
                     but cannot serve as a server certificate ({})",
                    leaf.subject,
                    describe(err)
                ))
            } else {
                e.fail(format!(
                    "not trusted: self-signed by {}, which no trusted root vouches for",
                    leaf.subject
                ))
            }
        }
        Err(Error::InvalidCertificate(CertificateError::UnknownIssuer)) => {
            let top = e.top();
            let why = if top.is_self_signed() {
                format!(
                    "not trusted: issued by {}, which no trusted root vouches for \
                     (the server sends this root itself; sending a root does not make it trusted)",
                    top.issuer
                )
            } else if e.roots.has_subject(&top.issuer_der) {
                format!(
                    "not trusted: issued by {}, but no trusted root of that name signed it",
                    top.issuer
                )
            } else {
                format!(
                    "not trusted: issued by {}, which no trusted root vouches for \
                     (and the server did not send it)",
                    top.issuer
                )
            };
            e.fail(why)
        }
        Err(other) => e.fail(format!("not trusted: {}", describe(other))),
    };
    let strict = match &e.chain.verdict {
        Ok(()) => "a strict client accepts the certificate now".to_string(),
        Err(err) => format!("a strict client rejects it now: {}", describe(err)),
    };
    observation
        .expected(TRUST_EXPECTED)
        .actual(e.actual(&strict))
}

/// Verification errors in words an operator can act on.
fn describe(err: &Error) -> String {
    let Error::InvalidCertificate(cert_err) = err else {
        return err.to_string();
    };
    match cert_err {
        CertificateError::UnknownIssuer => "no trusted root vouches for the issuer".to_string(),
        CertificateError::BadSignature => "a signature in the chain does not verify".to_string(),
        CertificateError::UnsupportedSignatureAlgorithmContext { .. } => {
            "the chain is signed with an algorithm modern clients reject (such as SHA-1)"
                .to_string()
        }
        CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            "a certificate's signature algorithm does not match its issuer's key".to_string()
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "a certificate of the chain has expired".to_string()
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "a certificate of the chain is not valid yet".to_string()
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            "the certificate is not valid for this host name".to_string()
        }
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "the extended key usage does not include TLS server authentication".to_string()
        }
        CertificateError::Other(other) => match other.to_string().as_str() {
            "CaUsedAsEndEntity" => {
                "a CA certificate (basicConstraints CA:TRUE) is used as the server certificate"
                    .to_string()
            }
            "EndEntityUsedAsCa" => {
                "a certificate without CA rights (basicConstraints) issued another".to_string()
            }
            text => text.to_string(),
        },
        other => format!("{other:?}"),
    }
}

pub fn chain(e: &Examined<'_>) -> Observation {
    let expected = "the server sends every intermediate up to a trusted root";
    let path = e.presented_path();
    let unused: Vec<String> = e
        .all()
        .filter(|(position, _)| !path.contains(&(position - 1)))
        .map(|(position, cert)| format!("#{position} {}", cert.subject))
        .collect();
    let sent = e.all().count();
    let mut detail = format!("server sent {sent} certificate(s)");
    if !unused.is_empty() {
        detail.push_str(&format!("; not part of the chain: {}", unused.join(", ")));
    }
    let top = e.top();
    let observation = if e.leaf().is_self_signed() {
        e.pass("a single self-signed certificate: there is nothing to complete (see the self-signed check)")
    } else if top.is_self_signed() {
        e.pass(format!(
            "complete: the server sends the chain up to the root {}",
            top.subject
        ))
    } else if e.roots.has_subject(&top.issuer_der) || e.chain.trust.is_ok() {
        e.pass(format!(
            "complete: {} is issued by {}, a trusted root",
            top.subject, top.issuer
        ))
    } else {
        e.fail(format!(
            "incomplete chain: {} is issued by {}, which the server does not send and which \
             is not a trusted root; the server must send the intermediate certificate(s) \
             (or, if {} is a private root, pass it with --ca-file)",
            top.subject, top.issuer, top.issuer
        ))
    };
    observation.expected(expected).actual(e.actual(&detail))
}

pub fn self_signed(e: &Examined<'_>) -> Observation {
    use super::analyze::SelfSignature;
    let expected = "a certificate issued by a certificate authority";
    let leaf = e.leaf();
    let observation = match leaf.self_signature {
        SelfSignature::Verified => e.fail(format!(
            "self-signed: {} is its own issuer and is signed by its own key",
            leaf.subject
        )),
        SelfSignature::Unverifiable if e.chain.trust.is_err() => e.fail(format!(
            "self-signed: {} is its own issuer and no trusted root vouches for it \
             ({} could not be checked)",
            leaf.subject, leaf.signature_algorithm
        )),
        SelfSignature::Unverifiable => e.pass(format!(
            "issuer equals subject ({}), but a trusted root vouches for it",
            leaf.subject
        )),
        SelfSignature::Invalid => e.pass(format!(
            "issued by another certificate authority named {}",
            leaf.issuer
        )),
        SelfSignature::NotSelfIssued => e.pass(format!("issued by {}", leaf.issuer)),
    };
    observation.expected(expected)
}

fn unix_to_datetime(t: rustls::pki_types::UnixTime) -> time::OffsetDateTime {
    i64::try_from(t.as_secs())
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// `cert.chain-order`: the server sends its certificates leaf first, each followed by its
/// issuer. Clients that do not reorder (older Java, embedded stacks) fail on a shuffled chain.
pub fn chain_order(e: &Examined<'_>) -> Observation {
    let expected = "leaf first, then each certificate's issuer in turn";
    let path = e.presented_path();
    let in_order = path.iter().enumerate().all(|(i, position)| i == *position);
    let order: Vec<String> = path.iter().map(|p| format!("#{}", p + 1)).collect();
    let detail = format!("chain as linked by issuer: {}", order.join(" -> "));
    let observation = if in_order {
        e.pass(format!(
            "sent in order ({} certificate{} in the chain)",
            path.len(),
            if path.len() == 1 { "" } else { "s" }
        ))
    } else {
        e.warn(format!(
            "sent out of order: the issuer chain runs {} instead of #1 -> #2 -> ...; clients \
             that do not reorder the chain fail to build it",
            order.join(" -> ")
        ))
    };
    observation.expected(expected).actual(e.actual(&detail))
}

#[cfg(test)]
mod tests {
    use super::super::analyze::tests::{ca, leaf_params};
    use super::super::test_support::Fixture;
    use super::*;
    use crate::finding::Status;
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

    fn intermediate(
        parent: &Issuer<'static, KeyPair>,
    ) -> (rcgen::Certificate, Issuer<'static, KeyPair>) {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "unit intermediate");
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, parent).unwrap();
        (cert, Issuer::new(params, key))
    }

    #[test]
    fn private_ca_given_with_ca_file_is_trusted_and_complete() {
        let (root, issuer) = ca("unit root");
        let key = KeyPair::generate().unwrap();
        let leaf = leaf_params(&["a.test"]).signed_by(&key, &issuer).unwrap();
        let f = Fixture::new(&[&leaf], "a.test", Some(&root.pem()));
        let e = f.examined();
        assert_eq!(trust(&e).status, Status::Pass, "{:?}", trust(&e));
        assert_eq!(chain(&e).status, Status::Pass);
        assert_eq!(self_signed(&e).status, Status::Pass);
    }

    #[test]
    fn root_sent_by_server_but_not_trusted_is_complete_but_untrusted() {
        let (root, issuer) = ca("unit stranger root");
        let key = KeyPair::generate().unwrap();
        let leaf = leaf_params(&["a.test"]).signed_by(&key, &issuer).unwrap();
        let f = Fixture::new(&[&leaf, &root], "a.test", None);
        let e = f.examined();
        let t = trust(&e);
        assert_eq!(t.status, Status::Fail);
        assert!(
            t.message.contains("issued by CN=unit stranger root"),
            "{}",
            t.message
        );
        assert!(
            t.message.contains("no trusted root vouches for"),
            "{}",
            t.message
        );
        assert_eq!(chain(&e).status, Status::Pass, "{:?}", chain(&e));
    }

    #[test]
    fn missing_intermediate_is_an_incomplete_chain() {
        let (root, root_issuer) = ca("unit root 2");
        let (_, mid) = intermediate(&root_issuer);
        let key = KeyPair::generate().unwrap();
        let leaf = leaf_params(&["a.test"]).signed_by(&key, &mid).unwrap();
        let f = Fixture::new(&[&leaf], "a.test", Some(&root.pem()));
        let e = f.examined();
        let c = chain(&e);
        assert_eq!(c.status, Status::Fail);
        assert!(c.message.contains("incomplete chain"), "{}", c.message);
        assert!(c.message.contains("CN=unit intermediate"), "{}", c.message);
        assert_eq!(trust(&e).status, Status::Fail);
    }

    #[test]
    fn sent_intermediate_completes_the_chain() {
        let (root, root_issuer) = ca("unit root 3");
        let (mid_cert, mid) = intermediate(&root_issuer);
        let key = KeyPair::generate().unwrap();
        let leaf = leaf_params(&["a.test"]).signed_by(&key, &mid).unwrap();
        let f = Fixture::new(&[&leaf, &mid_cert], "a.test", Some(&root.pem()));
        let e = f.examined();
        assert_eq!(e.presented_path(), vec![0, 1]);
        assert_eq!(chain(&e).status, Status::Pass);
        assert_eq!(trust(&e).status, Status::Pass);
    }

    #[test]
    fn self_signed_leaf_fails_only_the_self_signed_and_trust_checks() {
        let key = KeyPair::generate().unwrap();
        let mut params = leaf_params(&["a.test"]);
        params.distinguished_name = rcgen::DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, "a.test");
        let leaf = params.self_signed(&key).unwrap();
        let f = Fixture::new(&[&leaf], "a.test", None);
        let e = f.examined();
        let s = self_signed(&e);
        assert_eq!(s.status, Status::Fail);
        assert!(s.message.contains("signed by its own key"), "{}", s.message);
        let t = trust(&e);
        assert_eq!(t.status, Status::Fail);
        assert!(
            t.message
                .contains("self-signed by CN=a.test, which no trusted root vouches for"),
            "{}",
            t.message
        );
        assert!(
            t.actual.contains("a strict client rejects it now"),
            "{}",
            t.actual
        );
        assert_eq!(chain(&e).status, Status::Pass);
    }

    #[test]
    fn verification_errors_are_described_in_words() {
        let bad = Error::InvalidCertificate(CertificateError::BadSignature);
        assert_eq!(describe(&bad), "a signature in the chain does not verify");
        let expired = Error::InvalidCertificate(CertificateError::Expired);
        assert_eq!(describe(&expired), "a certificate of the chain has expired");
    }

    #[test]
    fn a_chain_sent_out_of_order_warns() {
        let (root, root_issuer) = ca("order root");
        let (mid, mid_issuer) = intermediate(&root_issuer);
        let key = KeyPair::generate().unwrap();
        let leaf = leaf_params(&["a.test"])
            .signed_by(&key, &mid_issuer)
            .unwrap();
        let shuffled = Fixture::new(&[&leaf, &root, &mid], "a.test", Some(&root.pem()));
        let o = chain_order(&shuffled.examined());
        assert_eq!(o.status, Status::Warn, "{o:?}");
        assert!(o.message.contains("#1 -> #3 -> #2"), "{}", o.message);
        let ordered = Fixture::new(&[&leaf, &mid, &root], "a.test", Some(&root.pem()));
        assert_eq!(chain_order(&ordered.examined()).status, Status::Pass);
    }
}
