//! Certificates made at test time: a private CA and a server certificate it signs.
#![allow(dead_code)]

pub struct TestPki {
    pub ca_der: rustls::pki_types::CertificateDer<'static>,
    pub ca_pem: String,
    pub cert_der: rustls::pki_types::CertificateDer<'static>,
    pub cert_pem: String,
    pub key_der: Vec<u8>,
    pub key_pem: String,
}

/// A fresh CA named `ca_name` and a certificate for `names` signed by it.
pub fn issue(ca_name: &str, names: &[&str]) -> TestPki {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, ca_name);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let params =
        rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    TestPki {
        ca_der: ca.der().clone(),
        ca_pem: ca.pem(),
        cert_der: cert.der().clone(),
        cert_pem: cert.pem(),
        key_der: key.serialize_der(),
        key_pem: key.serialize_pem(),
    }
}
