//! `cert.ocsp-stapling`: a must-staple certificate comes with its OCSP response; stapling
//! itself is reported as information.

use super::Examined;
use crate::finding::{Observation, Severity};

pub fn stapling(e: &Examined<'_>) -> Observation {
    let stapled = !e.chain.ocsp_response.is_empty();
    let must = e.leaf().must_staple;
    let detail = format!(
        "must-staple (TLS Feature status_request): {}; OCSP response stapled in {}: {}",
        if must { "yes" } else { "no" },
        e.via,
        if stapled {
            format!("yes ({} bytes)", e.chain.ocsp_response.len())
        } else {
            "no".to_string()
        }
    );
    let observation = match (must, stapled) {
        (true, false) => e.fail(
            "the certificate demands OCSP stapling (must-staple) but the server staples no \
             OCSP response: Firefox refuses the connection",
        ),
        (true, true) => e.pass("must-staple certificate with a stapled OCSP response"),
        (false, true) => e
            .pass("the server staples an OCSP response")
            .severity(Severity::Info),
        (false, false) => e
            .pass("no OCSP response is stapled (information: clients check revocation themselves)")
            .severity(Severity::Info),
    };
    observation
        .expected("a stapled OCSP response whenever the certificate is must-staple")
        .actual(e.actual(&detail))
}

#[cfg(test)]
mod tests {
    use super::super::analyze::tests::{ca, leaf_params};
    use super::super::test_support::Fixture;
    use super::*;
    use crate::finding::Status;
    use rcgen::{CustomExtension, KeyPair};

    #[test]
    fn must_staple_without_a_staple_fails() {
        let (root, issuer) = ca("staple root");
        let mut params = leaf_params(&["a.test"]);
        // TLS Feature: SEQUENCE { INTEGER 5 } (status_request).
        params.custom_extensions = vec![CustomExtension::from_oid_content(
            &[1, 3, 6, 1, 5, 5, 7, 1, 24],
            vec![0x30, 0x03, 0x02, 0x01, 0x05],
        )];
        let key = KeyPair::generate().unwrap();
        let leaf = params.signed_by(&key, &issuer).unwrap();
        let f = Fixture::new(&[&leaf], "a.test", Some(&root.pem()));
        let o = stapling(&f.examined());
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert!(o
            .actual
            .contains("must-staple (TLS Feature status_request): yes"));

        let plain = leaf_params(&["a.test"]).signed_by(&key, &issuer).unwrap();
        let f = Fixture::new(&[&plain], "a.test", Some(&root.pem()));
        let o = stapling(&f.examined());
        assert_eq!((o.status, o.severity), (Status::Pass, Some(Severity::Info)));
    }
}
