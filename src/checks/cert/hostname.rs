//! `cert.hostname`: the leaf is valid for the name the client asked for. Only subject
//! alternative names count (dNSName with wildcards, iPAddress); the subject CN is not a
//! fallback, as in every current browser and in rustls/webpki, whose matcher is used here.

use super::Examined;
use crate::finding::Observation;
use rustls::{CertificateError, Error};

pub fn hostname(e: &Examined<'_>) -> Observation {
    let expected = format!("a subject alternative name matching {}", e.host);
    let leaf = e.leaf();
    let observation = match &e.chain.name {
        Ok(()) => e.pass(format!("valid for {}", e.host)),
        Err(Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        )) if leaf.sans.is_empty() => e.fail(format!(
            "not valid for {}: the certificate has no subject alternative names \
             (its subject {} is not used for name checks)",
            e.host, leaf.subject
        )),
        Err(Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        )) => e.fail(format!(
            "not valid for {}: the certificate names {}",
            e.host,
            leaf.sans_text()
        )),
        Err(other) => Observation::error(
            &e.subject,
            format!("cannot check the name {}: {other}", e.host),
        )
        .actual(e.actual("")),
    };
    observation.expected(expected)
}

#[cfg(test)]
mod tests {
    use super::super::analyze::tests::{ca, leaf_params};
    use super::super::test_support::Fixture;
    use super::*;
    use crate::finding::Status;
    use rcgen::{DnType, KeyPair};

    fn status_for(names: &[&str], host: &str) -> Observation {
        let (root, issuer) = ca("names CA");
        let key = KeyPair::generate().unwrap();
        let mut params = leaf_params(names);
        params.distinguished_name = rcgen::DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, host);
        let leaf = params.signed_by(&key, &issuer).unwrap();
        let f = Fixture::new(&[&leaf], host, Some(&root.pem()));
        hostname(&f.examined())
    }

    #[test]
    fn matches_sans_wildcards_and_ips_but_not_the_cn() {
        assert_eq!(status_for(&["a.test"], "a.test").status, Status::Pass);
        assert_eq!(status_for(&["*.a.test"], "www.a.test").status, Status::Pass);
        assert_eq!(
            status_for(&["*.a.test"], "x.www.a.test").status,
            Status::Fail
        );
        assert_eq!(status_for(&["127.0.0.1"], "127.0.0.1").status, Status::Pass);
        let wrong = status_for(&["other.test"], "a.test");
        assert_eq!(wrong.status, Status::Fail);
        assert!(
            wrong.message.contains("DNS:other.test"),
            "{}",
            wrong.message
        );
        // CN=a.test but no SAN: not accepted.
        let cn_only = status_for(&[], "a.test");
        assert_eq!(cn_only.status, Status::Fail);
        assert!(
            cn_only.message.contains("no subject alternative names"),
            "{}",
            cn_only.message
        );
    }
}
