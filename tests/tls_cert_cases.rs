//! End to end: the certificate cases the raw probe and the new certificate checks catch, each
//! served by a real `openssl s_server` with certificates made at test time.

mod common;

use common::openssl::{ca, issued, openssl, s_server};
use serde_json::Value;
use std::path::{Path, PathBuf};

const SERVER_EXT: [&str; 3] = [
    "subjectAltName=DNS:localhost",
    "keyUsage=critical,digitalSignature,keyEncipherment",
    "extendedKeyUsage=serverAuth",
];

fn audit(ca_file: &Path, port: u16) -> Value {
    let ca = ca_file.to_str().unwrap();
    common::audit_localhost(port, &["--ca-file", ca, "--only", "certificate"])
}

fn finding<'a>(report: &'a Value, id: &str) -> &'a Value {
    let all = common::findings(report, id);
    assert_eq!(all.len(), 1, "{id}:\n{}", common::summary(report));
    all[0]
}

fn status(report: &Value, id: &str) -> String {
    finding(report, id)["status"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn text(report: &Value, id: &str, field: &str) -> String {
    finding(report, id)[field]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn key_cert_sign_only_leaf_fails_key_usage() {
    let dir = tempfile::tempdir().unwrap();
    let root = ca(dir.path(), "root");
    let leaf = issued(
        dir.path(),
        "localhost",
        "ec",
        &root,
        30,
        &[
            "subjectAltName=DNS:localhost",
            "keyUsage=critical,keyCertSign",
        ],
    );
    let server = s_server(dir.path(), &leaf.0, &leaf.1, &[]);
    let r = audit(&root.0, server.port);
    assert_eq!(
        status(&r, "cert.key-usage"),
        "fail",
        "{}",
        common::summary(&r)
    );
    assert!(text(&r, "cert.key-usage", "message").contains("lacks digitalSignature"));
    assert_eq!(status(&r, "cert.trust"), "pass", "{}", common::summary(&r));
}

#[test]
fn ed25519_leaf_fails_key_type() {
    let dir = tempfile::tempdir().unwrap();
    let root = ca(dir.path(), "root");
    let leaf = issued(dir.path(), "localhost", "ed25519", &root, 30, &SERVER_EXT);
    let server = s_server(dir.path(), &leaf.0, &leaf.1, &[]);
    let r = audit(&root.0, server.port);
    assert_eq!(
        status(&r, "cert.key-type"),
        "fail",
        "{}",
        common::summary(&r)
    );
    assert!(text(&r, "cert.key-type", "message").contains("Ed25519"));
    assert_eq!(status(&r, "cert.key-usage"), "pass");
}

#[test]
fn ten_year_leaf_from_a_private_ca_is_reported_as_information() {
    let dir = tempfile::tempdir().unwrap();
    let root = ca(dir.path(), "root");
    let leaf = issued(dir.path(), "localhost", "ec", &root, 3650, &SERVER_EXT);
    let server = s_server(dir.path(), &leaf.0, &leaf.1, &[]);
    let r = audit(&root.0, server.port);
    let f = finding(&r, "cert.lifetime");
    assert_eq!(f["status"], "pass", "{}", common::summary(&r));
    assert_eq!(f["severity"], "info");
    assert!(text(&r, "cert.lifetime", "message").contains("3650 days"));
    assert!(text(&r, "cert.lifetime", "message").contains("200 days"));
}

#[test]
fn must_staple_leaf_without_stapling_fails() {
    let dir = tempfile::tempdir().unwrap();
    let root = ca(dir.path(), "root");
    let mut ext = SERVER_EXT.to_vec();
    ext.push("tlsfeature=status_request");
    let leaf = issued(dir.path(), "localhost", "ec", &root, 30, &ext);
    let server = s_server(dir.path(), &leaf.0, &leaf.1, &[]);
    let r = audit(&root.0, server.port);
    assert_eq!(
        status(&r, "cert.ocsp-stapling"),
        "fail",
        "{}",
        common::summary(&r)
    );
    assert!(text(&r, "cert.ocsp-stapling", "message").contains("must-staple"));
}

#[test]
fn chain_sent_out_of_order_warns() {
    let dir = tempfile::tempdir().unwrap();
    let root = ca(dir.path(), "root");
    let mid = issued(
        dir.path(),
        "intermediate",
        "ec",
        &root,
        60,
        &[
            "basicConstraints=critical,CA:TRUE",
            "keyUsage=critical,keyCertSign",
        ],
    );
    let leaf = issued(dir.path(), "localhost", "ec", &mid, 30, &SERVER_EXT);
    // Root first, then the intermediate: the wrong order.
    let chain = dir.path().join("chain.pem");
    let pem = [
        std::fs::read_to_string(&root.0).unwrap(),
        std::fs::read_to_string(&mid.0).unwrap(),
    ]
    .concat();
    std::fs::write(&chain, pem).unwrap();
    let server = s_server(
        dir.path(),
        &leaf.0,
        &leaf.1,
        &["-cert_chain", chain.to_str().unwrap()],
    );
    let r = audit(&root.0, server.port);
    assert_eq!(
        status(&r, "cert.chain-order"),
        "warn",
        "{}",
        common::summary(&r)
    );
    assert!(text(&r, "cert.chain-order", "message").contains("#1 -> #3 -> #2"));
    assert_eq!(status(&r, "cert.trust"), "pass");
}

/// A good OCSP response for `leaf`, signed by its CA, made with `openssl ocsp`.
fn ocsp_response(dir: &Path, ca: &(PathBuf, PathBuf), leaf: &Path) -> PathBuf {
    let serial = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-serial", "-in"])
        .arg(leaf)
        .output()
        .expect("openssl x509");
    let serial = String::from_utf8_lossy(&serial.stdout);
    let serial = serial.trim().trim_start_matches("serial=");
    std::fs::write(
        dir.join("index.txt"),
        format!("V\t301231235959Z\t\t{serial}\tunknown\t/CN=localhost\n"),
    )
    .unwrap();
    let (ca_pem, ca_key) = (ca.0.to_str().unwrap(), ca.1.to_str().unwrap());
    let leaf = leaf.to_str().unwrap();
    openssl(
        dir,
        &[
            "ocsp",
            "-issuer",
            ca_pem,
            "-cert",
            leaf,
            "-reqout",
            "req.der",
            "-no_nonce",
        ],
    );
    openssl(
        dir,
        &[
            "ocsp",
            "-index",
            "index.txt",
            "-rsigner",
            ca_pem,
            "-rkey",
            ca_key,
            "-CA",
            ca_pem,
            "-reqin",
            "req.der",
            "-respout",
            "resp.der",
            "-ndays",
            "1",
        ],
    );
    dir.join("resp.der")
}

#[test]
fn a_stapled_response_is_reported_and_satisfies_must_staple() {
    let dir = tempfile::tempdir().unwrap();
    let root = ca(dir.path(), "root");
    let mut ext = SERVER_EXT.to_vec();
    ext.push("tlsfeature=status_request");
    let leaf = issued(dir.path(), "localhost", "ec", &root, 30, &ext);
    let response = ocsp_response(dir.path(), &root, &leaf.0);
    let status_file = response.to_str().unwrap();
    let server = s_server(dir.path(), &leaf.0, &leaf.1, &["-status_file", status_file]);
    let r = audit(&root.0, server.port);
    assert_eq!(
        status(&r, "cert.ocsp-stapling"),
        "pass",
        "{}",
        common::summary(&r)
    );
    assert!(
        text(&r, "cert.ocsp-stapling", "actual").contains("stapled in the TLS 1.3 handshake: yes")
    );
    // The same over the raw TLS 1.2 probe: a CBC-only server rustls cannot talk to.
    let server = s_server(
        dir.path(),
        &leaf.0,
        &leaf.1,
        &[
            "-status_file",
            status_file,
            "-tls1_2",
            "-cipher",
            "ECDHE-ECDSA-AES128-SHA",
        ],
    );
    let r = audit(&root.0, server.port);
    assert_eq!(
        status(&r, "cert.ocsp-stapling"),
        "pass",
        "{}",
        common::summary(&r)
    );
    assert!(
        text(&r, "cert.ocsp-stapling", "actual").contains("stapled in the raw TLS 1.2 probe: yes"),
        "{}",
        common::summary(&r)
    );
}
