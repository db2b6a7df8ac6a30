//! End to end: `tls.legacy-versions` and `tls.weak-ciphers` against real `openssl s_server`
//! processes (and a few misbehaving plain-TCP servers) on loopback.

mod common;

use common::openssl::{free_port, SServer};
use common::{findings, run, status_of, summary, Run};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const PROFILE: &str = r#"name = "t"
title = "t"

[[check]]
id = "tls.legacy-versions"
title = "No legacy TLS"
severity = "high"
remediation = "Disable them."
kind = "tls.legacy-versions"

[[check]]
id = "tls.weak-ciphers"
title = "No weak ciphers"
remediation = "x"
kind = "tls.weak-ciphers"
"#;

const LEGACY: &str = "tls.legacy-versions";
const WEAK: &str = "tls.weak-ciphers";
const CLASSES: [&str; 5] = [
    "NULL suites",
    "anonymous suites",
    "EXPORT suites",
    "RC4 suites",
    "DES/3DES suites",
];

/// A directory with the profile and a self-signed certificate, made once for all tests.
fn fixtures() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("profile.toml"), PROFILE).expect("write profile");
        let out = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes"])
            .args(["-subj", "/CN=localhost", "-days", "30"])
            .arg("-keyout")
            .arg(dir.path().join("key.pem"))
            .arg("-out")
            .arg(dir.path().join("cert.pem"))
            .output()
            .unwrap_or_else(|e| {
                panic!("these tests need the `openssl` command (apt-get install openssl): {e}")
            });
        assert!(
            out.status.success(),
            "openssl req failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
    .path()
}

fn s_server(args: &[&str]) -> SServer {
    let dir = fixtures();
    common::openssl::s_server(dir, &dir.join("cert.pem"), &dir.join("key.pem"), args)
}

fn audit(port: u16, timeout: &str) -> Run {
    let profile = fixtures().join("profile.toml");
    let url = format!("https://127.0.0.1:{port}");
    run(&[
        "audit",
        "--profile-file",
        profile.to_str().expect("utf-8 temp path"),
        "--url",
        &url,
        "--json",
        "--timeout",
        timeout,
    ])
}

fn finding<'a>(report: &'a Value, id: &str, subject: &str) -> &'a Value {
    findings(report, id)
        .into_iter()
        .find(|f| f["subject"] == subject)
        .unwrap_or_else(|| panic!("no {id} finding for {subject:?}:\n{}", summary(report)))
}

/// Asserts the status of every version and class, in order SSL 3.0, TLS 1.0, TLS 1.1 and
/// NULL, anonymous, EXPORT, RC4, DES/3DES.
fn assert_statuses(report: &Value, port: u16, legacy: [&str; 3], weak: [&str; 5]) {
    let at = format!("127.0.0.1:{port}");
    assert_eq!(findings(report, LEGACY).len(), 3, "{}", summary(report));
    assert_eq!(findings(report, WEAK).len(), 5, "{}", summary(report));
    for (version, want) in ["SSL 3.0", "TLS 1.0", "TLS 1.1"].iter().zip(legacy) {
        let f = finding(report, LEGACY, &format!("{at} {version}"));
        assert_eq!(f["status"], want, "{version}:\n{}", summary(report));
    }
    for (class, want) in CLASSES.iter().zip(weak) {
        let f = finding(report, WEAK, &format!("{at} {class}"));
        assert_eq!(f["status"], want, "{class}:\n{}", summary(report));
    }
}

fn actual<'a>(report: &'a Value, id: &str, subject: &str) -> &'a str {
    finding(report, id, subject)["actual"]
        .as_str()
        .unwrap_or("")
}

#[test]
fn tls10_only_server_fails_tls10_and_passes_the_rest() {
    let server = s_server(&["-tls1", "-cipher", "DEFAULT@SECLEVEL=0"]);
    let out = audit(server.port, "2");
    let report = out.json();
    assert_statuses(&report, server.port, ["pass", "fail", "pass"], ["pass"; 5]);
    let at = format!("127.0.0.1:{}", server.port);
    assert!(
        actual(&report, LEGACY, &format!("{at} TLS 1.0")).starts_with("accepted with TLS_"),
        "{}",
        summary(&report)
    );
    assert_eq!(
        actual(&report, LEGACY, &format!("{at} TLS 1.1")),
        "answered with TLS 1.0"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn tls11_only_server_fails_tls11() {
    let server = s_server(&["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"]);
    let out = audit(server.port, "2");
    let report = out.json();
    assert_statuses(&report, server.port, ["pass", "pass", "fail"], ["pass"; 5]);
    let at = format!("127.0.0.1:{}", server.port);
    assert_eq!(
        actual(&report, LEGACY, &format!("{at} TLS 1.0")),
        "alert protocol_version"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn null_cipher_server_fails_the_null_class_and_lists_its_suites() {
    let server = s_server(&["-tls1_2", "-cipher", "NULL:@SECLEVEL=0"]);
    let out = audit(server.port, "2");
    let report = out.json();
    // OpenSSL's NULL set includes the anonymous ECDH NULL suite, so aNULL fails too.
    assert_statuses(
        &report,
        server.port,
        ["pass", "pass", "pass"],
        ["fail", "fail", "pass", "pass", "pass"],
    );
    let null = actual(
        &report,
        WEAK,
        &format!("127.0.0.1:{} NULL suites", server.port),
    );
    for suite in [
        "TLS_RSA_WITH_NULL_SHA (TLS 1.2)",
        "TLS_RSA_WITH_NULL_SHA256 (TLS 1.2)",
        "TLS_ECDHE_RSA_WITH_NULL_SHA (TLS 1.2)",
    ] {
        assert!(null.contains(suite), "{suite} missing from {null:?}");
    }
    assert_eq!(out.code, 1);
}

#[test]
fn anonymous_cipher_server_fails_the_anonymous_class_only() {
    let server = s_server(&["-tls1_2", "-cipher", "aNULL:!eNULL:@SECLEVEL=0"]);
    let out = audit(server.port, "2");
    let report = out.json();
    assert_statuses(
        &report,
        server.port,
        ["pass", "pass", "pass"],
        ["pass", "fail", "pass", "pass", "pass"],
    );
    let anon = actual(
        &report,
        WEAK,
        &format!("127.0.0.1:{} anonymous suites", server.port),
    );
    // OpenSSL offers more anonymous suites than the rounds allow: the report says so.
    assert!(
        anon.contains("TLS_DH_anon_WITH_AES_128_CBC_SHA (TLS 1.2)")
            && anon.contains("there may be more"),
        "{anon:?}"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn tls10_only_null_server_is_caught_at_tls10() {
    let server = s_server(&["-tls1", "-cipher", "NULL:@SECLEVEL=0"]);
    let out = audit(server.port, "2");
    let report = out.json();
    assert_statuses(
        &report,
        server.port,
        ["pass", "fail", "pass"],
        ["fail", "fail", "pass", "pass", "pass"],
    );
    let null = actual(
        &report,
        WEAK,
        &format!("127.0.0.1:{} NULL suites", server.port),
    );
    assert!(null.contains("TLS_RSA_WITH_NULL_SHA (TLS 1.0)"), "{null:?}");
    assert_eq!(out.code, 1);
}

#[test]
fn modern_server_passes_both_checks() {
    let server = s_server(&["-no_ssl3", "-no_tls1", "-no_tls1_1"]);
    let started = Instant::now();
    let out = audit(server.port, "2");
    let elapsed = started.elapsed();
    let report = out.json();
    assert_statuses(&report, server.port, ["pass"; 3], ["pass"; 5]);
    assert_eq!(out.code, 0, "{}", summary(&report));
    // Every probe of both scans on loopback: far below one timeout.
    assert!(elapsed < Duration::from_secs(2), "audit took {elapsed:?}");
}

#[test]
fn stalled_server_is_an_error_within_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    // Accepts and holds every connection without a word, until the test process ends.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let started = Instant::now();
    let out = audit(port, "1");
    let elapsed = started.elapsed();
    let report = out.json();
    assert!(elapsed < Duration::from_secs(5), "audit took {elapsed:?}");
    for id in [LEGACY, WEAK] {
        let all = findings(&report, id);
        assert_eq!(all.len(), 1, "one error per check:\n{}", summary(&report));
        assert_eq!(all[0]["status"], "error");
        let message = all[0]["message"].as_str().unwrap_or("");
        assert!(
            message.contains(&format!("127.0.0.1:{port} did not answer in time")),
            "{message}"
        );
    }
    assert_eq!(out.code, 1);
}

#[test]
fn plain_http_server_is_an_error_saying_it_is_not_tls() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut buf = [0u8; 1024];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
            });
        }
    });
    let out = audit(port, "2");
    let report = out.json();
    for id in [LEGACY, WEAK] {
        let all = findings(&report, id);
        assert_eq!(all.len(), 1, "one error per check:\n{}", summary(&report));
        assert_eq!(all[0]["status"], "error");
        assert_eq!(all[0]["subject"], format!("127.0.0.1:{port}"));
        let message = all[0]["message"].as_str().unwrap_or("");
        assert!(
            message.contains("not TLS: the server answered in plain HTTP")
                && message.contains("HTTP/1.1 400 Bad Request"),
            "{message}"
        );
    }
    assert_eq!(out.code, 1);
}

#[test]
fn refused_port_is_an_error_naming_the_address() {
    let port = free_port();
    let out = audit(port, "2");
    let report = out.json();
    for id in [LEGACY, WEAK] {
        assert_eq!(
            status_of(&report, id, &format!("127.0.0.1:{port}")),
            "error"
        );
        let all = findings(&report, id);
        assert_eq!(all.len(), 1, "{}", summary(&report));
        let message = all[0]["message"].as_str().unwrap_or("");
        assert!(
            message.contains(&format!("connection to 127.0.0.1:{port} refused")),
            "{message}"
        );
    }
    assert_eq!(out.code, 1);
}
