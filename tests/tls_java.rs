//! End to end against a real JSSE (Java 17) server: what a stock Java service does that
//! OpenSSL 3 will not (client-initiated renegotiation allowed by default), and a suite only a
//! JDK can still be made to serve (3DES).

mod common;

use common::openssl::{free_port, openssl, self_signed};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct JavaServer {
    child: Child,
    port: u16,
}

impl Drop for JavaServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts tests/java/TlsServer.java (the JDK's source launcher compiles it) with an RSA
/// certificate for localhost, `suites` enabled ("default" for the JDK's own list) and extra
/// `java.security` properties.
fn java_server(dir: &Path, suites: &str, security: &str) -> JavaServer {
    let (cert, key) = self_signed(dir, "java", "rsa:2048", &[]);
    let keystore = dir.join("keys.p12");
    openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-in",
            cert.to_str().unwrap(),
            "-inkey",
            key.to_str().unwrap(),
            "-out",
            keystore.to_str().unwrap(),
            "-passout",
            "pass:changeit",
            "-name",
            "server",
        ],
    );
    let properties = dir.join("java.security");
    std::fs::write(&properties, security).unwrap();
    let port = free_port();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/java/TlsServer.java");
    let mut child = Command::new("java")
        .arg(format!(
            "-Djava.security.properties={}",
            properties.display()
        ))
        .arg(source)
        .arg(&keystore)
        .args(["changeit", &port.to_string(), suites])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("these tests need a JDK (apt-get install default-jdk-headless): {e}")
        });
    // Wait for the server's "listening" line, bounded: a JDK that hangs fails the test.
    let stdout = child.stdout.take().expect("java stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let first = BufReader::new(stdout).lines().next().and_then(Result::ok);
        let _ = tx.send(first);
    });
    let ready = rx.recv_timeout(Duration::from_secs(60)).ok().flatten();
    let mut server = JavaServer { child, port };
    if ready.as_deref() != Some("listening") {
        let status = server.child.try_wait();
        panic!("the Java TLS server did not start within 60s ({ready:?}, {status:?})");
    }
    server
}

#[test]
fn a_stock_java_17_server_allows_client_initiated_renegotiation() {
    let dir = tempfile::tempdir().unwrap();
    let server = java_server(dir.path(), "default", "");
    let r = common::audit_localhost(server.port, &["--only", "tls"]);
    assert_eq!(
        common::status_of(&r, "tls.renegotiation", "client-initiated renegotiation"),
        "fail",
        "{}",
        common::summary(&r)
    );
    assert_eq!(
        common::status_of(&r, "tls.renegotiation", "secure renegotiation"),
        "pass"
    );
    assert_eq!(common::status_of(&r, "tls.tls13", "TLS 1.3"), "pass");
}

#[test]
fn a_java_server_offering_only_3des_fails_the_des_class_and_still_speaks_tls12() {
    let dir = tempfile::tempdir().unwrap();
    let server = java_server(
        dir.path(),
        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,SSL_RSA_WITH_3DES_EDE_CBC_SHA",
        "jdk.tls.disabledAlgorithms=SSLv3, RC4, NULL\n",
    );
    let r = common::audit_localhost(server.port, &["--only", "tls", "--only", "certificate"]);
    assert_eq!(
        common::status_of(&r, "tls.weak-ciphers", "DES/3DES suites"),
        "fail",
        "{}",
        common::summary(&r)
    );
    assert_eq!(common::status_of(&r, "tls.tls12", "TLS 1.2"), "pass");
    assert_eq!(
        common::status_of(&r, "tls.forward-secrecy", "key exchange"),
        "warn"
    );
    assert_eq!(
        common::status_of(&r, "cert.hostname", "certificate"),
        "pass"
    );
}
