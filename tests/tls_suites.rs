//! The raw suite scan (gathering only) against real `openssl s_server` processes on loopback:
//! servers rustls cannot talk to are still seen speaking TLS 1.2, with their certificate.

mod common;

use common::openssl::{openssl, s_server, self_signed};
use rampart::net::connect::Endpoint;
use rampart::net::hello::{TLS12, TLS13};
use rampart::net::suite_scan::kex::KexParams;
use rampart::net::suite_scan::{scan, Acceptance, SuiteScan};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

struct Fixtures {
    _dir: tempfile::TempDir,
    path: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

fn fixtures() -> &'static Fixtures {
    static F: OnceLock<Fixtures> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().to_path_buf();
        let (cert, key) = self_signed(&path, "rsa", "rsa:2048", &[]);
        openssl(&path, &["dhparam", "-out", "dh1024.pem", "1024"]);
        Fixtures {
            _dir: dir,
            path,
            cert,
            key,
        }
    })
}

fn endpoint(port: u16) -> Endpoint {
    Endpoint {
        host: "127.0.0.1".into(),
        port,
        addrs: vec![([127, 0, 0, 1], port).into()],
    }
}

fn scan_server(args: &[&str]) -> SuiteScan {
    let f = fixtures();
    let server = s_server(&f.path, &f.cert, &f.key, args);
    let result = scan(&endpoint(server.port), Duration::from_secs(3), 8);
    // One connection at a time (a --max-sockets of 1) finds the same suites.
    let serial = scan(&endpoint(server.port), Duration::from_secs(3), 1);
    for (a, b) in result.versions.iter().zip(&serial.versions) {
        let (mut x, mut y) = (a.ids(), b.ids());
        x.sort_unstable();
        y.sort_unstable();
        assert_eq!(x, y, "{}", rampart::net::hello::version_name(a.version));
    }
    drop(server);
    result
}

fn names(scan: &SuiteScan, version: u16) -> Vec<String> {
    scan.version(version)
        .unwrap()
        .ids()
        .into_iter()
        .map(rampart::net::legacy_probe::suites::suite_name)
        .collect()
}

fn dir() -> &'static Path {
    &fixtures().path
}

#[test]
fn cbc_only_server_speaks_tls12_and_sends_its_certificate() {
    let s = scan_server(&["-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA:AES256-SHA"]);
    let v = s.version(TLS12).unwrap();
    assert_eq!(v.acceptance, Acceptance::Accepted, "{s:#?}");
    let mut got = names(&s, TLS12);
    got.sort();
    assert_eq!(
        got,
        [
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_RSA_WITH_AES_256_CBC_SHA"
        ]
    );
    let chain = s.chain.as_ref().expect("certificate captured");
    assert_eq!(chain.version, TLS12);
    assert_eq!(chain.certs.len(), 1);
    assert!(matches!(
        s.version(TLS13).unwrap().acceptance,
        Acceptance::NotAccepted { .. }
    ));
    assert_eq!(s.secure_renegotiation, Some(true));
    assert!(s.ecdhe_groups.contains(&0x001D), "{:?}", s.ecdhe_groups);
}

#[test]
fn static_rsa_only_and_dhe_only_servers_are_recognised() {
    let s = scan_server(&["-tls1_2", "-cipher", "AES128-GCM-SHA256"]);
    assert_eq!(names(&s, TLS12), ["TLS_RSA_WITH_AES_128_GCM_SHA256"]);
    assert!(s.chain.is_some());
    let dh = dir().join("dh1024.pem");
    let s = scan_server(&[
        "-tls1_2",
        "-cipher",
        "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
        "-dhparam",
        dh.to_str().unwrap(),
    ]);
    let v = s.version(TLS12).unwrap();
    assert_eq!(names(&s, TLS12), ["TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"]);
    assert_eq!(v.suites[0].kex, Some(KexParams::Dhe { prime_bits: 1024 }));
}

#[test]
fn tls13_suites_and_server_preference_are_found() {
    let s = scan_server(&[
        "-ciphersuites",
        "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
        "-cipher",
        "AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256",
        "-serverpref",
    ]);
    let mut tls13 = names(&s, TLS13);
    tls13.sort();
    assert_eq!(
        tls13,
        ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]
    );
    let p = s.preference.clone().unwrap().unwrap();
    assert!(p.server_order(), "{p:?}");
    assert_eq!(
        rampart::net::legacy_probe::suites::suite_name(p.chosen_strong_first),
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "the server's own order puts the weak suite first"
    );
    let s = scan_server(&["-cipher", "AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256"]);
    let p = s.preference.clone().unwrap().unwrap();
    assert!(!p.server_order() && p.picks_weak_offered_first(), "{p:?}");
}

/// Runs the real binary with the baseline profile's TLS and certificate checks.
fn audit(port: u16) -> serde_json::Value {
    common::audit_localhost(port, &["--only", "tls", "--only", "certificate"])
}

fn audit_server(args: &[&str]) -> serde_json::Value {
    let f = fixtures();
    let server = s_server(&f.path, &f.cert, &f.key, args);
    audit(server.port)
}

fn status(report: &serde_json::Value, id: &str, subject: &str) -> String {
    common::status_of(report, id, subject)
}

fn field(report: &serde_json::Value, id: &str, name: &str) -> String {
    let all = common::findings(report, id);
    assert_eq!(all.len(), 1, "{id}:\n{}", common::summary(report));
    all[0][name].as_str().unwrap_or("").to_string()
}

#[test]
fn audit_of_a_cbc_and_static_rsa_server_names_the_weaknesses() {
    let r = audit_server(&["-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA:AES256-SHA"]);
    assert_eq!(
        status(&r, "tls.tls12", "TLS 1.2"),
        "pass",
        "{}",
        common::summary(&r)
    );
    assert_eq!(status(&r, "tls.forward-secrecy", "key exchange"), "warn");
    assert_eq!(
        field(&r, "tls.forward-secrecy", "actual"),
        "TLS_RSA_WITH_AES_256_CBC_SHA (TLS 1.2)"
    );
    assert_eq!(status(&r, "tls.cbc-suites", "CBC suites"), "warn");
    assert!(field(&r, "tls.cbc-suites", "actual").contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
    assert_eq!(
        status(&r, "tls.server-preference", "suite preference"),
        "warn"
    );
    assert_eq!(status(&r, "tls.suites", "TLS 1.2 suites"), "pass");
    let client = |name: &str| -> String {
        common::findings(&r, "tls.client-simulation")
            .into_iter()
            .find(|f| f["subject"].as_str().unwrap_or("").ends_with(name))
            .unwrap_or_else(|| panic!("no simulation for {name}"))["message"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert!(
        client("Chrome 131 / Edge 131").contains("TLS 1.2 with TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")
    );
    assert!(client("Python 3.12 ssl (OpenSSL 3)").contains("cannot connect"));
    // The certificate came from the raw TLS 1.2 probe: rustls cannot talk to this server.
    assert_eq!(status(&r, "cert.hostname", "certificate"), "pass");
    assert_eq!(status(&r, "cert.key-size", "certificate"), "pass");
}

#[test]
fn audit_of_a_dhe_only_server_with_a_1024_bit_prime_fails_dhe_params() {
    let dh = dir().join("dh1024.pem");
    let r = audit_server(&[
        "-tls1_2",
        "-cipher",
        "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0",
        "-dhparam",
        dh.to_str().unwrap(),
    ]);
    assert_eq!(
        status(&r, "tls.tls12", "TLS 1.2"),
        "pass",
        "{}",
        common::summary(&r)
    );
    assert_eq!(status(&r, "tls.dhe-params", "DHE parameters"), "fail");
    assert!(field(&r, "tls.dhe-params", "message").contains("1024-bit prime"));
    assert_eq!(status(&r, "tls.forward-secrecy", "key exchange"), "pass");
    assert_eq!(status(&r, "cert.hostname", "certificate"), "pass");
}

#[test]
fn audit_of_a_static_rsa_only_server_is_tls12_with_a_certificate() {
    let r = audit_server(&["-tls1_2", "-cipher", "AES128-GCM-SHA256"]);
    assert_eq!(
        status(&r, "tls.tls12", "TLS 1.2"),
        "pass",
        "{}",
        common::summary(&r)
    );
    assert!(field(&r, "tls.tls12", "actual").contains("cannot negotiate TLS 1.2"));
    assert_eq!(status(&r, "tls.forward-secrecy", "key exchange"), "warn");
    assert_eq!(status(&r, "tls.cbc-suites", "CBC suites"), "pass");
    assert_eq!(status(&r, "cert.validity", "certificate"), "pass");
}

#[test]
fn audit_of_a_weak_first_server_order_warns() {
    let r = audit_server(&[
        "-cipher",
        "AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256",
        "-serverpref",
    ]);
    assert_eq!(
        status(&r, "tls.server-preference", "suite preference"),
        "warn"
    );
    assert!(field(&r, "tls.server-preference", "message").contains("prefers the weaker suite"));
    // A TLS 1.3-only server: missing TLS 1.2 is a compatibility warning, not a failure.
    let r = audit_server(&["-tls1_3"]);
    assert_eq!(
        status(&r, "tls.tls12", "TLS 1.2"),
        "warn",
        "{}",
        common::summary(&r)
    );
    assert_eq!(status(&r, "tls.tls13", "TLS 1.3"), "pass");
}
