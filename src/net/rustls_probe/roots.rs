//! The roots a certificate chain is judged against: the system store, the webpki (Mozilla)
//! roots and the operator's `--ca-file`.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

/// A CA file larger than this is not a CA bundle (the Mozilla bundle is ~220 KB).
const MAX_CA_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Certificates read from one CA file at most.
const MAX_CA_FILE_CERTS: usize = 2000;

#[derive(Debug)]
pub struct TrustRoots {
    pub store: Arc<RootCertStore>,
    /// Subjects of every root (DER `Name` contents, without the outer SEQUENCE header), to
    /// tell "issuer is a known root" apart from "issuer was never sent".
    subjects: HashSet<Vec<u8>>,
}

impl TrustRoots {
    /// `extra` holds the `--ca-file` certificates, already read and checked by
    /// [`read_ca_file`].
    pub fn load(extra: &[CertificateDer<'static>]) -> TrustRoots {
        let mut store = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        // Unreadable entries in the system store are the platform's business; whatever did
        // load is used, and webpki-roots still covers the public CAs.
        let native = rustls_native_certs::load_native_certs();
        store.add_parsable_certificates(native.certs);
        store.add_parsable_certificates(extra.iter().cloned());
        let subjects = store
            .roots
            .iter()
            .map(|anchor| anchor.subject.as_ref().to_vec())
            .collect();
        TrustRoots {
            store: Arc::new(store),
            subjects,
        }
    }

    /// Whether some root has this subject (a DER `Name` without its outer SEQUENCE header,
    /// as webpki stores it).
    pub fn has_subject(&self, subject: &[u8]) -> bool {
        self.subjects.contains(subject)
    }

    /// Whether a root of this subject is one of Mozilla's public CAs (webpki-roots), as opposed
    /// to the system store's extras or the operator's `--ca-file`.
    pub fn is_public_subject(&self, subject: &[u8]) -> bool {
        webpki_roots::TLS_SERVER_ROOTS
            .iter()
            .any(|anchor| anchor.subject.as_ref() == subject)
    }

    /// Whether this exact certificate identity (subject and key, both without their outer
    /// SEQUENCE headers) is a root: a name alone can be shared, e.g. Debian's snakeoil
    /// `CN=localhost` sits in /etc/ssl/certs.
    pub fn has_anchor(&self, subject: &[u8], spki: &[u8]) -> bool {
        self.store
            .roots
            .iter()
            .any(|a| a.subject.as_ref() == subject && a.subject_public_key_info.as_ref() == spki)
    }
}

/// The contents of a DER SEQUENCE (a `Name`, a `SubjectPublicKeyInfo`) without its tag and
/// length: the form webpki keeps trust anchors in. `None` when `der` is not one well-formed
/// SEQUENCE.
pub fn sequence_contents(der: &[u8]) -> Option<&[u8]> {
    const SEQUENCE: u8 = 0x30;
    let (&tag, rest) = der.split_first()?;
    if tag != SEQUENCE {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, body) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let len = rest[..count]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[count..])
    };
    (body.len() == len).then_some(body)
}

/// Reads `--ca-file` once, before the audit starts: an unusable CA bundle is a bad argument.
pub fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let shown = path.display();
    // A FIFO or device here would hang or never end: one bounded reader for every file.
    let pem = crate::read::read_bounded(path, MAX_CA_FILE_BYTES as usize)
        .map_err(|e| format!("--ca-file {shown}: {e}; expected a PEM CA bundle"))?;
    // Each certificate must make a trust anchor; this store only checks that.
    let mut store = RootCertStore::empty();
    let mut certs = Vec::new();
    for (index, item) in CertificateDer::pem_slice_iter(&pem)
        .take(MAX_CA_FILE_CERTS)
        .enumerate()
    {
        let cert = item.map_err(|e| format!("--ca-file {shown}: invalid PEM: {e}"))?;
        store.add(cert.clone()).map_err(|e| {
            format!(
                "--ca-file {shown}: certificate #{} is not a usable CA certificate: {e}",
                index + 1
            )
        })?;
        certs.push(cert);
    }
    if certs.is_empty() {
        return Err(format!("--ca-file {shown}: no PEM CERTIFICATE block found"));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_contents_strips_the_sequence_header() {
        assert_eq!(
            sequence_contents(&[0x30, 0x02, 0x31, 0x00]),
            Some(&[0x31, 0x00][..])
        );
        let long: Vec<u8> = [vec![0x30, 0x81, 0x80], vec![7; 0x80]].concat();
        assert_eq!(sequence_contents(&long).map(<[u8]>::len), Some(0x80));
        assert_eq!(sequence_contents(&[0x31, 0x00]), None);
        assert_eq!(sequence_contents(&[0x30, 0x05, 0x00]), None);
        assert_eq!(sequence_contents(&[]), None);
    }

    #[test]
    fn ca_file_problems_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate\n").unwrap();
        let problem = read_ca_file(&junk).unwrap_err();
        assert!(
            problem.contains("junk.pem") && problem.contains("no PEM"),
            "{problem}"
        );

        let broken = dir.path().join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let problem = read_ca_file(&broken).unwrap_err();
        assert!(
            problem.contains("broken.pem") && problem.contains("#1"),
            "{problem}"
        );

        let missing = dir.path().join("missing.pem");
        let problem = read_ca_file(&missing).unwrap_err();
        assert!(problem.contains("missing.pem"), "{problem}");
    }

    #[test]
    fn ca_file_roots_are_added_with_their_subjects() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "roots test CA");
        let ca = params.self_signed(&key).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, ca.pem()).unwrap();
        let roots = TrustRoots::load(&read_ca_file(&path).unwrap());
        let parsed = x509_parser::parse_x509_certificate(ca.der()).unwrap().1;
        let subject = sequence_contents(parsed.subject().as_raw()).unwrap();
        assert!(roots.has_subject(subject));
        let spki = sequence_contents(parsed.public_key().raw).unwrap();
        assert!(roots.has_anchor(subject, spki));
        let other_key = rcgen::KeyPair::generate().unwrap();
        let other =
            x509_parser::parse_x509_certificate(params.self_signed(&other_key).unwrap().der())
                .unwrap()
                .1
                .public_key()
                .raw
                .to_vec();
        assert!(!roots.has_anchor(subject, sequence_contents(&other).unwrap()));
    }
}
