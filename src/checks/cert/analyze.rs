//! What the certificate checks need to know about each presented certificate, read once
//! with x509-parser into plain owned values.

use crate::net::rustls_probe::roots::sequence_contents;
use rustls::pki_types::CertificateDer;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;
use x509_parser::public_key::PublicKey;
use x509_parser::signature_algorithm::RsaSsaPssParams;
use x509_parser::x509::SubjectPublicKeyInfo;

/// SANs listed in findings at most; the rest are counted.
const MAX_SANS_SHOWN: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyInfo {
    Rsa { bits: u32 },
    Ec { curve: String, bits: u32 },
    Ed25519,
    Ed448,
    Dsa { bits: u32 },
    Other { algorithm: String },
}

impl KeyInfo {
    pub fn describe(&self) -> String {
        match self {
            KeyInfo::Rsa { bits } => format!("RSA {bits} bits"),
            KeyInfo::Ec { curve, bits } => format!("EC {curve} ({bits} bits)"),
            KeyInfo::Ed25519 => "Ed25519".to_string(),
            KeyInfo::Ed448 => "Ed448".to_string(),
            KeyInfo::Dsa { bits } => format!("DSA {bits} bits"),
            KeyInfo::Other { algorithm } => format!("key algorithm {algorithm}"),
        }
    }
}

/// Whether a certificate whose issuer equals its subject is signed by its own key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelfSignature {
    /// Issuer differs from subject.
    NotSelfIssued,
    Verified,
    /// Same names, but its own key does not verify the signature: another CA of that name.
    Invalid,
    /// Same names; the algorithm cannot be checked here (e.g. RSA under 1024 bits).
    Unverifiable,
}

#[derive(Debug, Clone)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    /// DER `Name` contents, for matching issuers to subjects and roots.
    pub subject_der: Vec<u8>,
    pub issuer_der: Vec<u8>,
    /// DER `SubjectPublicKeyInfo` contents, to recognise this exact certificate among roots.
    pub spki_der: Vec<u8>,
    /// `DNS:name` / `IP:addr`, in certificate order.
    pub sans: Vec<String>,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub key: KeyInfo,
    pub signature_algorithm: String,
    /// The signature hash is SHA-1, MD5 or older.
    pub weak_signature_hash: bool,
    pub self_signature: SelfSignature,
    /// Index of the presented certificate that issued this one (name match and, where the
    /// algorithm allows, a verified signature).
    pub issued_by: Option<usize>,
    /// The keyUsage extension, when present.
    pub key_usage: Option<KeyUsageBits>,
    /// The extendedKeyUsage purposes, when the extension is present.
    pub extended_key_usage: Option<ExtendedUsage>,
    /// The TLS Feature extension (RFC 7633) asks for status_request: OCSP must-staple.
    pub must_staple: bool,
}

/// The keyUsage bits a TLS server certificate is judged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyUsageBits {
    pub digital_signature: bool,
    pub key_encipherment: bool,
    pub key_agreement: bool,
    pub key_cert_sign: bool,
}

impl KeyUsageBits {
    pub fn describe(&self) -> String {
        let names: Vec<&str> = [
            (self.digital_signature, "digitalSignature"),
            (self.key_encipherment, "keyEncipherment"),
            (self.key_agreement, "keyAgreement"),
            (self.key_cert_sign, "keyCertSign"),
        ]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
        .collect();
        if names.is_empty() {
            "no usage bit a TLS server needs".into()
        } else {
            names.join(", ")
        }
    }
}

/// The extendedKeyUsage purposes that matter for a TLS server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExtendedUsage {
    pub server_auth: bool,
    pub any: bool,
    pub client_auth: bool,
}

impl CertInfo {
    pub fn is_self_signed(&self) -> bool {
        matches!(
            self.self_signature,
            SelfSignature::Verified | SelfSignature::Unverifiable
        )
    }

    /// Whole days from `now` until notAfter; negative once expired.
    pub fn days_left(&self, now: OffsetDateTime) -> i64 {
        (self.not_after - now).whole_days()
    }

    pub fn sans_text(&self) -> String {
        if self.sans.is_empty() {
            return "none".to_string();
        }
        let shown = self.sans.iter().take(MAX_SANS_SHOWN).cloned();
        let mut text = shown.collect::<Vec<_>>().join(", ");
        if self.sans.len() > MAX_SANS_SHOWN {
            text.push_str(&format!(" and {} more", self.sans.len() - MAX_SANS_SHOWN));
        }
        text
    }

    /// `notAfter 2026-01-01T00:00:00Z (45 days left)` or `(expired 3 days ago)`.
    pub fn not_after_text(&self, now: OffsetDateTime) -> String {
        let days = self.days_left(now);
        let left = if self.not_after < now {
            format!("expired {} ago", plural_days(-days))
        } else {
            format!("{} left", plural_days(days))
        };
        format!("notAfter {} ({left})", rfc3339(self.not_after))
    }

    /// The one-line description every certificate finding's `actual` starts with.
    pub fn summary(&self, now: OffsetDateTime) -> String {
        format!(
            "subject {}; issuer {}; SANs {}; notBefore {}; {}",
            self.subject,
            self.issuer,
            self.sans_text(),
            rfc3339(self.not_before),
            self.not_after_text(now)
        )
    }
}

pub fn plural_days(n: i64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// Reads every presented certificate (leaf first). Fails on the first one that is not
/// valid X.509, naming its position.
pub fn analyze(chain: &[CertificateDer<'_>]) -> Result<Vec<CertInfo>, String> {
    let parsed = chain
        .iter()
        .enumerate()
        .map(|(i, der)| {
            x509_parser::parse_x509_certificate(der.as_ref())
                .map(|(_, cert)| cert)
                .map_err(|e| format!("certificate #{} is not valid X.509: {e}", i + 1))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut infos: Vec<CertInfo> = parsed.iter().map(describe).collect();
    for (i, cert) in parsed.iter().enumerate() {
        infos[i].issued_by = parsed
            .iter()
            .enumerate()
            .find(|(j, issuer)| *j != i && issued(cert, issuer))
            .map(|(j, _)| j);
    }
    Ok(infos)
}

fn describe(cert: &X509Certificate<'_>) -> CertInfo {
    let subject_der = sequence_der(cert.subject().as_raw());
    let issuer_der = sequence_der(cert.issuer().as_raw());
    let self_signature = if subject_der != issuer_der {
        SelfSignature::NotSelfIssued
    } else {
        match cert.verify_signature(None) {
            Ok(()) => SelfSignature::Verified,
            Err(x509_parser::error::X509Error::SignatureVerificationError) => {
                SelfSignature::Invalid
            }
            Err(_) => SelfSignature::Unverifiable,
        }
    };
    let sig_oid = cert.signature_algorithm.algorithm.to_id_string();
    let pss_hash = (sig_oid == RSASSA_PSS).then(|| pss_hash_oid(cert));
    CertInfo {
        subject: name_text(&cert.subject().to_string()),
        issuer: name_text(&cert.issuer().to_string()),
        subject_der,
        issuer_der,
        spki_der: sequence_der(cert.public_key().raw),
        sans: sans(cert),
        not_before: cert.validity().not_before.to_datetime(),
        not_after: cert.validity().not_after.to_datetime(),
        key: key_info(cert.public_key()),
        signature_algorithm: signature_name(&sig_oid, pss_hash.as_deref()),
        weak_signature_hash: is_weak_signature(&sig_oid, pss_hash.as_deref()),
        self_signature,
        issued_by: None,
        key_usage: key_usage(cert),
        extended_key_usage: extended_usage(cert),
        must_staple: must_staple(cert),
    }
}

fn key_usage(cert: &X509Certificate<'_>) -> Option<KeyUsageBits> {
    let ku = cert.key_usage().ok()??.value;
    Some(KeyUsageBits {
        digital_signature: ku.digital_signature(),
        key_encipherment: ku.key_encipherment(),
        key_agreement: ku.key_agreement(),
        key_cert_sign: ku.key_cert_sign(),
    })
}

fn extended_usage(cert: &X509Certificate<'_>) -> Option<ExtendedUsage> {
    let eku = cert.extended_key_usage().ok()??.value;
    Some(ExtendedUsage {
        server_auth: eku.server_auth,
        any: eku.any,
        client_auth: eku.client_auth,
    })
}

const TLS_FEATURE: &str = "1.3.6.1.5.5.7.1.24";

/// The TLS Feature extension is a SEQUENCE OF INTEGER; status_request is 5.
fn must_staple(cert: &X509Certificate<'_>) -> bool {
    cert.extensions()
        .iter()
        .filter(|ext| ext.oid.to_id_string() == TLS_FEATURE)
        .any(|ext| sequence_contents(ext.value).is_some_and(|items| lists_feature(items, 5)))
}

/// Walks DER INTEGERs (short lengths only, as TLS feature numbers are small).
fn lists_feature(mut items: &[u8], feature: u8) -> bool {
    const INTEGER: u8 = 0x02;
    while let [INTEGER, len, rest @ ..] = items {
        let len = usize::from(*len);
        let Some(value) = rest.get(..len) else {
            return false;
        };
        if value == [feature] {
            return true;
        }
        items = &rest[len..];
    }
    false
}

/// Whether `issuer` issued `cert`: names match and, when the algorithm can be checked, the
/// signature verifies with the issuer's key.
fn issued(cert: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> bool {
    if sequence_der(cert.issuer().as_raw()) != sequence_der(issuer.subject().as_raw()) {
        return false;
    }
    !matches!(
        cert.verify_signature(Some(issuer.public_key())),
        Err(x509_parser::error::X509Error::SignatureVerificationError)
    )
}

fn sequence_der(raw: &[u8]) -> Vec<u8> {
    sequence_contents(raw).unwrap_or(raw).to_vec()
}

fn name_text(text: &str) -> String {
    if text.is_empty() {
        "(empty name)".to_string()
    } else {
        text.to_string()
    }
}

fn sans(cert: &X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(ext)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    ext.value
        .general_names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DNSName(dns) => Some(format!("DNS:{dns}")),
            GeneralName::IPAddress(bytes) => Some(format!("IP:{}", ip_text(bytes))),
            _ => None,
        })
        .collect()
}

fn ip_text(bytes: &[u8]) -> String {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        std::net::Ipv4Addr::from(v4).to_string()
    } else if let Ok(v6) = <[u8; 16]>::try_from(bytes) {
        std::net::Ipv6Addr::from(v6).to_string()
    } else {
        format!("(malformed, {} bytes)", bytes.len())
    }
}

const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const ED25519: &str = "1.3.101.112";
const ED448: &str = "1.3.101.113";
const DSA: &str = "1.2.840.10040.4.1";
const SHA1: &str = "1.3.14.3.2.26";

fn key_info(spki: &SubjectPublicKeyInfo<'_>) -> KeyInfo {
    let algorithm = spki.algorithm.algorithm.to_id_string();
    match algorithm.as_str() {
        RSA_ENCRYPTION | RSASSA_PSS => match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => KeyInfo::Rsa {
                bits: significant_bits(rsa.modulus),
            },
            _ => KeyInfo::Other {
                algorithm: "RSA (unreadable key)".to_string(),
            },
        },
        EC_PUBLIC_KEY => {
            let curve_oid = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string())
                .unwrap_or_default();
            let (curve, bits) = match curve_oid.as_str() {
                "1.2.840.10045.3.1.7" => ("P-256".to_string(), 256),
                "1.3.132.0.34" => ("P-384".to_string(), 384),
                "1.3.132.0.35" => ("P-521".to_string(), 521),
                "1.3.132.0.33" => ("P-224".to_string(), 224),
                "1.2.840.10045.3.1.1" => ("P-192".to_string(), 192),
                "1.3.132.0.10" => ("secp256k1".to_string(), 256),
                other => {
                    // Unknown curve: an uncompressed point is 04 || X || Y.
                    let point = spki.subject_public_key.data.len();
                    let bits = u32::try_from(point.saturating_sub(1) / 2 * 8).unwrap_or(0);
                    (format!("curve {other}"), bits)
                }
            };
            KeyInfo::Ec { curve, bits }
        }
        ED25519 => KeyInfo::Ed25519,
        ED448 => KeyInfo::Ed448,
        DSA => KeyInfo::Dsa {
            bits: match spki.parsed() {
                Ok(key) => u32::try_from(key.key_size()).unwrap_or(0),
                Err(_) => 0,
            },
        },
        other => KeyInfo::Other {
            algorithm: other.to_string(),
        },
    }
}

/// Bit length of a big-endian unsigned integer (leading zero bytes and bits ignored).
fn significant_bits(be: &[u8]) -> u32 {
    let trimmed: &[u8] = match be.iter().position(|b| *b != 0) {
        Some(first) => &be[first..],
        None => return 0,
    };
    let whole = u32::try_from(trimmed.len() - 1).unwrap_or(u32::MAX / 8) * 8;
    whole + (8 - trimmed[0].leading_zeros())
}

fn pss_hash_oid(cert: &X509Certificate<'_>) -> String {
    cert.signature_algorithm
        .parameters
        .as_ref()
        .and_then(|p| RsaSsaPssParams::try_from(p).ok())
        .map(|params| params.hash_algorithm_oid().to_id_string())
        // RFC 4055: absent parameters mean SHA-1.
        .unwrap_or_else(|| SHA1.to_string())
}

/// Signature algorithms whose hash is broken for signatures: MD2, MD4, MD5, SHA-1.
fn is_weak_signature(oid: &str, pss_hash: Option<&str>) -> bool {
    match oid {
        "1.2.840.113549.1.1.2" // md2WithRSAEncryption
        | "1.2.840.113549.1.1.3" // md4WithRSAEncryption
        | "1.2.840.113549.1.1.4" // md5WithRSAEncryption
        | "1.2.840.113549.1.1.5" // sha1WithRSAEncryption
        | "1.3.14.3.2.29" // sha1WithRSASignature (OIW)
        | "1.3.14.3.2.3" // md5WithRSA (OIW)
        | "1.2.840.10045.4.1" // ecdsa-with-SHA1
        | "1.2.840.10040.4.3" // dsa-with-sha1
        | "1.3.14.3.2.27" => true, // dsaWithSHA1 (OIW)
        RSASSA_PSS => pss_hash == Some(SHA1),
        _ => false,
    }
}

fn signature_name(oid: &str, pss_hash: Option<&str>) -> String {
    let name = match oid {
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.3" => "md4WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.3.14.3.2.29" => "sha1WithRSASignature",
        "1.3.14.3.2.3" => "md5WithRSA",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10040.4.3" => "dsa-with-SHA1",
        "1.3.14.3.2.27" => "dsaWithSHA1",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        RSASSA_PSS => {
            let hash = match pss_hash {
                Some(SHA1) => "SHA-1",
                Some("2.16.840.1.101.3.4.2.1") => "SHA-256",
                Some("2.16.840.1.101.3.4.2.2") => "SHA-384",
                Some("2.16.840.1.101.3.4.2.3") => "SHA-512",
                _ => "unknown hash",
            };
            return format!("RSASSA-PSS with {hash}");
        }
        other => return format!("signature algorithm {other}"),
    };
    name.to_string()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

    pub fn ca(name: &str) -> (rcgen::Certificate, Issuer<'static, KeyPair>) {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        (cert, Issuer::new(params, key))
    }

    pub fn leaf_params(names: &[&str]) -> CertificateParams {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params.distinguished_name.push(DnType::CommonName, "leaf");
        params
    }

    #[test]
    fn reads_names_keys_dates_and_links() {
        let (ca_cert, issuer) = ca("analyze CA");
        let key = KeyPair::generate().unwrap();
        let leaf = leaf_params(&["localhost", "127.0.0.1"])
            .signed_by(&key, &issuer)
            .unwrap();
        let infos = analyze(&[leaf.der().clone(), ca_cert.der().clone()]).unwrap();
        let (leaf, root) = (&infos[0], &infos[1]);
        assert_eq!(leaf.subject, "CN=leaf");
        assert_eq!(leaf.issuer, "CN=analyze CA");
        assert_eq!(leaf.sans, ["DNS:localhost", "IP:127.0.0.1"]);
        assert_eq!(
            leaf.key,
            KeyInfo::Ec {
                curve: "P-256".into(),
                bits: 256
            }
        );
        assert_eq!(leaf.signature_algorithm, "ecdsa-with-SHA256");
        assert!(!leaf.weak_signature_hash);
        assert_eq!(leaf.self_signature, SelfSignature::NotSelfIssued);
        assert_eq!(leaf.issued_by, Some(1));
        assert_eq!(root.self_signature, SelfSignature::Verified);
        assert_eq!(root.issued_by, None, "a root is not linked to itself");
        let now = OffsetDateTime::now_utc();
        let summary = leaf.summary(now);
        assert!(
            summary.contains("SANs DNS:localhost, IP:127.0.0.1"),
            "{summary}"
        );
        assert!(
            summary.contains("notAfter ") && summary.contains("days left"),
            "{summary}"
        );
    }

    #[test]
    fn same_name_but_other_key_is_not_an_issuer() {
        let (_, real) = ca("twin CA");
        let (impostor_cert, _) = ca("twin CA");
        let key = KeyPair::generate().unwrap();
        let leaf = leaf_params(&["a.test"]).signed_by(&key, &real).unwrap();
        let infos = analyze(&[leaf.der().clone(), impostor_cert.der().clone()]).unwrap();
        assert_eq!(infos[0].issued_by, None);
    }

    #[test]
    fn counts_rsa_bits_exactly() {
        assert_eq!(significant_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(significant_bits(&[0x01, 0xff]), 9);
        assert_eq!(significant_bits(&[0, 0]), 0);
    }

    #[test]
    fn flags_sha1_and_md5_signatures() {
        assert!(is_weak_signature("1.2.840.113549.1.1.5", None));
        assert!(is_weak_signature("1.2.840.113549.1.1.4", None));
        assert!(is_weak_signature("1.2.840.10045.4.1", None));
        assert!(is_weak_signature(RSASSA_PSS, Some(SHA1)));
        assert!(!is_weak_signature(
            RSASSA_PSS,
            Some("2.16.840.1.101.3.4.2.1")
        ));
        assert!(!is_weak_signature("1.2.840.113549.1.1.11", None));
        assert_eq!(
            signature_name(RSASSA_PSS, Some(SHA1)),
            "RSASSA-PSS with SHA-1"
        );
    }

    #[test]
    fn malformed_certificates_are_named_by_position() {
        let good = ca("x").0.der().clone();
        let err = analyze(&[good, CertificateDer::from(vec![1, 2, 3])]).unwrap_err();
        assert!(err.contains("#2"), "{err}");
    }
}
