//! End-to-end TLS and certificate checks: the real binary against TLS servers this test
//! starts on loopback (in-process rustls servers with rcgen certificates, and `openssl
//! s_server` for what rustls and rcgen will not make: RSA-1024 keys and SHA-1 signatures).

mod common;

use common::{findings, run, summary, Run};
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, SupportedProtocolVersion};
use serde_json::Value;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

// ---------------------------------------------------------------------------------------
// Certificates

struct Ca {
    cert: Certificate,
    issuer: Issuer<'static, KeyPair>,
}

impl Ca {
    fn root(name: &str) -> Ca {
        let mut params = ca_params(name);
        params.not_before = OffsetDateTime::now_utc() - time::Duration::days(400);
        params.not_after = OffsetDateTime::now_utc() + time::Duration::days(3650);
        let key = KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("self-sign CA");
        Ca {
            cert,
            issuer: Issuer::new(params, key),
        }
    }

    fn intermediate(&self, name: &str) -> Ca {
        let mut params = ca_params(name);
        params.not_before = OffsetDateTime::now_utc() - time::Duration::days(300);
        params.not_after = OffsetDateTime::now_utc() + time::Duration::days(1000);
        let key = KeyPair::generate().expect("key");
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("sign intermediate");
        Ca {
            cert,
            issuer: Issuer::new(params, key),
        }
    }

    fn pem(&self) -> String {
        self.cert.pem()
    }
}

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params
}

/// A server certificate and its key (ECDSA P-256).
struct Leaf {
    cert: Certificate,
    key: KeyPair,
}

struct LeafSpec<'a> {
    names: &'a [&'a str],
    /// Days from now; negative is in the past.
    valid_from_days: i64,
    valid_until_days: i64,
}

impl Default for LeafSpec<'_> {
    fn default() -> Self {
        LeafSpec {
            names: &["localhost", "127.0.0.1"],
            valid_from_days: -10,
            valid_until_days: 90,
        }
    }
}

fn leaf_params(spec: &LeafSpec<'_>) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
    params.subject_alt_names = spec
        .names
        .iter()
        .map(|n| match n.parse() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => SanType::DnsName((*n).try_into().expect("dns name")),
        })
        .collect();
    params
        .distinguished_name
        .push(DnType::CommonName, spec.names[0]);
    let now = OffsetDateTime::now_utc();
    params.not_before = now + time::Duration::days(spec.valid_from_days);
    params.not_after = now + time::Duration::days(spec.valid_until_days);
    params
}

fn leaf_signed_by(ca: &Ca, spec: &LeafSpec<'_>) -> Leaf {
    let key = KeyPair::generate().expect("key");
    let cert = leaf_params(spec)
        .signed_by(&key, &ca.issuer)
        .expect("sign leaf");
    Leaf { cert, key }
}

fn self_signed_leaf(spec: &LeafSpec<'_>) -> Leaf {
    let key = KeyPair::generate().expect("key");
    let cert = leaf_params(spec).self_signed(&key).expect("self-sign");
    Leaf { cert, key }
}

// ---------------------------------------------------------------------------------------
// Servers

/// A rustls server on loopback answering handshakes until dropped.
struct TlsServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TlsServer {
    fn start(leaf: &Leaf, extra: &[&Certificate]) -> TlsServer {
        Self::start_on("127.0.0.1:0", leaf, extra, rustls::ALL_VERSIONS).expect("bind 127.0.0.1")
    }

    fn start_on(
        bind: &str,
        leaf: &Leaf,
        extra: &[&Certificate],
        versions: &[&'static SupportedProtocolVersion],
    ) -> std::io::Result<TlsServer> {
        let mut chain: Vec<CertificateDer<'static>> = vec![leaf.cert.der().clone()];
        chain.extend(extra.iter().map(|c| c.der().clone()));
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf.key.serialize_der()));
        let config =
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_protocol_versions(versions)
                .expect("versions")
                .with_no_client_auth()
                .with_single_cert(chain, key)
                .expect("server config");
        let listener = TcpListener::bind(bind)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let config = Arc::new(config);
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let config = config.clone();
                std::thread::spawn(move || serve_one(stream, config));
            }
        });
        Ok(TlsServer {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    fn port(&self) -> u16 {
        self.addr.port()
    }
}

fn serve_one(mut sock: TcpStream, config: Arc<ServerConfig>) {
    let _ = sock.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = sock.set_write_timeout(Some(Duration::from_secs(5)));
    let Ok(mut conn) = ServerConnection::new(config) else {
        return;
    };
    while conn.is_handshaking() {
        // On a handshake error rustls sends the alert before returning it.
        if conn.complete_io(&mut sock).is_err() {
            return;
        }
    }
    // Until the client says goodbye.
    let _ = conn.complete_io(&mut sock);
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A TCP server that does not speak TLS: each connection is handed to `behave`.
struct RawServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl RawServer {
    fn start(behave: fn(TcpStream, Arc<AtomicBool>)) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let stopping = stopping.clone();
                    std::thread::spawn(move || behave(stream, stopping));
                }
            }
        });
        RawServer {
            addr,
            stop,
            thread: Some(thread),
        }
    }

    /// Accepts and never says a word.
    fn stalled() -> RawServer {
        Self::start(|_stream, stop| {
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    }

    /// Starts a TLS handshake record and then sends one byte every 200 ms: no single read
    /// ever times out, only a deadline on the whole handshake ends it.
    fn dripping() -> RawServer {
        Self::start(|mut stream, stop| {
            use std::io::Write;
            let _ = stream.write_all(&[0x16, 0x03, 0x03, 0x40, 0x00]);
            while !stop.load(Ordering::SeqCst) {
                if stream.write_all(&[0x02]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        })
    }

    /// Answers like a plain HTTP server.
    fn plain_http() -> RawServer {
        Self::start(|mut stream, _stop| {
            use std::io::{Read, Write};
            let mut buf = [0u8; 1024];
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        })
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `openssl s_server`, killed when dropped.
struct OpensslServer {
    child: Child,
    port: u16,
}

impl OpensslServer {
    fn start(cert: &Path, key: &Path) -> OpensslServer {
        let port = free_port();
        let child = Command::new("openssl")
            .args(["s_server", "-www", "-quiet", "-cert"])
            .arg(cert)
            .arg("-key")
            .arg(key)
            .args(["-accept", &format!("127.0.0.1:{port}")])
            .args(["-cipher", "DEFAULT@SECLEVEL=0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl is required for these tests (apt-get install openssl)");
        let server = OpensslServer { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "openssl s_server did not start listening on 127.0.0.1:{port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }
}

impl Drop for OpensslServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

fn openssl(args: &[&str], dir: &Path) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is required for these tests (apt-get install openssl)");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------
// Running the audit

const PROFILE: &str = r#"
name = "tls-cert-test"
title = "TLS and certificate checks"

[[check]]
id = "tls.tls12"
title = "TLS 1.2 accepted"
kind = "tls.version"
version = "1.2"
remediation = "Enable TLS 1.2."

[[check]]
id = "tls.tls13"
title = "TLS 1.3 accepted"
kind = "tls.version"
version = "1.3"
if_missing = "warn"
remediation = "Enable TLS 1.3."

[[check]]
id = "cert.trust"
title = "Trusted certificate"
kind = "cert.trust"
remediation = "Use a certificate from a trusted CA."

[[check]]
id = "cert.hostname"
title = "Certificate matches the host"
kind = "cert.hostname"
remediation = "Include the host in the certificate's SANs."

[[check]]
id = "cert.validity"
title = "Certificate within its validity"
kind = "cert.validity"
remediation = "Renew the certificate."

[[check]]
id = "cert.expiry"
title = "Certificate renewal margin"
kind = "cert.expiry"
warn_days = 30
fail_days = 21
remediation = "Renew the certificate."

[[check]]
id = "cert.key-size"
title = "Strong keys"
kind = "cert.key-size"
remediation = "Use RSA 2048+ or ECDSA P-256+."

[[check]]
id = "cert.signature"
title = "No SHA-1/MD5 signatures"
kind = "cert.signature"
remediation = "Reissue with SHA-256."

[[check]]
id = "cert.self-signed"
title = "Not self-signed"
kind = "cert.self-signed"
remediation = "Use a CA-issued certificate."

[[check]]
id = "cert.chain"
title = "Complete chain"
kind = "cert.chain"
remediation = "Serve the full chain."
"#;

const CERT_IDS: [&str; 8] = [
    "cert.trust",
    "cert.hostname",
    "cert.validity",
    "cert.expiry",
    "cert.key-size",
    "cert.signature",
    "cert.self-signed",
    "cert.chain",
];

struct Audit {
    run: Run,
    report: Value,
    elapsed: Duration,
}

impl Audit {
    fn finding(&self, id: &str) -> &Value {
        let all = findings(&self.report, id);
        assert_eq!(
            all.len(),
            1,
            "expected one {id} finding:\n{}",
            summary(&self.report)
        );
        all[0]
    }

    fn status(&self, id: &str) -> &str {
        self.finding(id)["status"].as_str().unwrap_or("")
    }

    fn text(&self, id: &str, field: &str) -> &str {
        self.finding(id)[field].as_str().unwrap_or("")
    }

    fn expect(&self, id: &str, status: &str) {
        assert_eq!(
            self.status(id),
            status,
            "{id}; all findings:\n{}\nstderr: {}",
            summary(&self.report),
            self.run.stderr
        );
    }
}

struct Scene {
    dir: tempfile::TempDir,
}

impl Scene {
    fn new() -> Scene {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("profile.toml"), PROFILE).expect("profile");
        Scene { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn ca_file(&self, pem: &str) -> String {
        let path = self.path("ca.pem");
        std::fs::write(&path, pem).expect("ca file");
        path.display().to_string()
    }

    /// `--url https://localhost:PORT --resolve localhost:PORT:127.0.0.1`.
    fn audit_localhost(&self, port: u16, ca_file: Option<&str>, extra: &[&str]) -> Audit {
        let url = format!("https://localhost:{port}");
        let resolve = format!("localhost:{port}:127.0.0.1");
        let mut args = vec!["--url", url.as_str(), "--resolve", resolve.as_str()];
        if let Some(ca) = ca_file {
            args.extend(["--ca-file", ca]);
        }
        args.extend(extra);
        self.audit(&args)
    }

    fn audit(&self, args: &[&str]) -> Audit {
        let profile = self.path("profile.toml").display().to_string();
        let mut all = vec!["audit", "--profile-file", profile.as_str(), "--json"];
        if !args.contains(&"--timeout") {
            all.extend(["--timeout", "2"]);
        }
        all.extend(args);
        let started = Instant::now();
        let run = run(&all);
        let elapsed = started.elapsed();
        let report = run.json();
        Audit {
            run,
            report,
            elapsed,
        }
    }
}

fn good_leaf(ca: &Ca) -> Leaf {
    leaf_signed_by(ca, &LeafSpec::default())
}

// ---------------------------------------------------------------------------------------
// Tests

#[test]
fn good_server_passes_every_tls_and_certificate_check() {
    let scene = Scene::new();
    let ca = Ca::root("rampart good CA");
    let server = TlsServer::start(&good_leaf(&ca), &[]);
    let audit = scene.audit_localhost(server.port(), Some(&scene.ca_file(&ca.pem())), &[]);

    for f in audit.report["findings"].as_array().expect("findings") {
        let category = f["category"].as_str().unwrap_or("");
        if category == "tls" || category == "certificate" {
            assert_eq!(f["status"], "pass", "{}\n{}", f, summary(&audit.report));
        }
    }
    assert_eq!(audit.run.code, 0, "{}", summary(&audit.report));
    // One handshake scan serves every check: the whole audit is quick even in a debug build.
    let duration = audit.report["duration_ms"].as_u64().unwrap_or(u64::MAX);
    assert!(duration < 1000, "audit took {duration} ms");
    assert!(audit.text("tls.tls13", "actual").contains("TLS_AES_"));
    assert!(audit
        .text("tls.tls12", "actual")
        .contains("TLS_ECDHE_ECDSA"));
    for id in CERT_IDS {
        let actual = audit.text(id, "actual");
        assert!(
            actual.contains("notAfter ") && actual.contains("days left"),
            "{id} actual lacks notAfter/days left: {actual}"
        );
        assert!(actual.contains("subject CN=localhost"), "{id}: {actual}");
        assert!(
            actual.contains("issuer CN=rampart good CA"),
            "{id}: {actual}"
        );
        assert!(
            actual.contains("DNS:localhost, IP:127.0.0.1"),
            "{id}: {actual}"
        );
        assert!(
            audit
                .text(id, "subject")
                .contains(&format!("localhost:{}", server.port())),
            "{id}"
        );
    }
    assert!(audit.text("cert.expiry", "message").contains("in 89 days"));
}

#[test]
fn expired_certificate_fails_validity_and_expiry_but_keeps_its_trust_verdict() {
    let scene = Scene::new();
    let ca = Ca::root("rampart expired CA");
    let leaf = leaf_signed_by(
        &ca,
        &LeafSpec {
            valid_from_days: -60,
            valid_until_days: -3,
            ..LeafSpec::default()
        },
    );
    let server = TlsServer::start(&leaf, &[]);
    let audit = scene.audit_localhost(server.port(), Some(&scene.ca_file(&ca.pem())), &[]);
    audit.expect("cert.validity", "fail");
    audit.expect("cert.expiry", "fail");
    audit.expect("cert.trust", "pass");
    audit.expect("cert.hostname", "pass");
    audit.expect("tls.tls13", "pass");
    assert!(audit
        .text("cert.validity", "message")
        .contains("expired: notAfter"));
    assert!(audit
        .text("cert.expiry", "actual")
        .contains("expired 3 days ago"));
    assert_eq!(audit.run.code, 1);
}

#[test]
fn certificate_not_yet_valid_fails_validity() {
    let scene = Scene::new();
    let ca = Ca::root("rampart future CA");
    let leaf = leaf_signed_by(
        &ca,
        &LeafSpec {
            valid_from_days: 5,
            valid_until_days: 100,
            ..LeafSpec::default()
        },
    );
    let server = TlsServer::start(&leaf, &[]);
    let audit = scene.audit_localhost(server.port(), Some(&scene.ca_file(&ca.pem())), &[]);
    audit.expect("cert.validity", "fail");
    let message = audit.text("cert.validity", "message");
    assert!(message.contains("not valid yet: notBefore"), "{message}");
    audit.expect("cert.expiry", "pass");
    audit.expect("cert.trust", "pass");
    assert_eq!(audit.run.code, 1);
}

#[test]
fn self_signed_certificate_fails_self_signed_and_trust() {
    let scene = Scene::new();
    let server = TlsServer::start(&self_signed_leaf(&LeafSpec::default()), &[]);
    let audit = scene.audit_localhost(server.port(), None, &[]);
    audit.expect("cert.self-signed", "fail");
    audit.expect("cert.trust", "fail");
    audit.expect("cert.chain", "pass");
    audit.expect("cert.hostname", "pass");
    assert!(audit
        .text("cert.self-signed", "message")
        .contains("signed by its own key"));
    assert!(audit
        .text("cert.trust", "message")
        .contains("self-signed by CN=localhost"));
    assert_eq!(audit.run.code, 1);
}

#[test]
fn wrong_host_fails_hostname_listing_the_sans() {
    let scene = Scene::new();
    let ca = Ca::root("rampart names CA");
    let leaf = leaf_signed_by(
        &ca,
        &LeafSpec {
            names: &["other.example", "www.other.example"],
            ..LeafSpec::default()
        },
    );
    let server = TlsServer::start(&leaf, &[]);
    let audit = scene.audit_localhost(server.port(), Some(&scene.ca_file(&ca.pem())), &[]);
    audit.expect("cert.hostname", "fail");
    let message = audit.text("cert.hostname", "message");
    assert!(
        message.contains("not valid for localhost")
            && message.contains("DNS:other.example, DNS:www.other.example"),
        "{message}"
    );
    audit.expect("cert.trust", "pass");
    assert_eq!(audit.run.code, 1);
}

#[test]
fn chain_to_an_unknown_root_is_complete_but_untrusted() {
    let scene = Scene::new();
    let known = Ca::root("rampart known CA");
    let stranger = Ca::root("rampart stranger root");
    let server = TlsServer::start(&good_leaf(&stranger), &[&stranger.cert]);
    let audit = scene.audit_localhost(server.port(), Some(&scene.ca_file(&known.pem())), &[]);
    audit.expect("cert.trust", "fail");
    let message = audit.text("cert.trust", "message");
    assert!(
        message.contains("not trusted: issued by CN=rampart stranger root")
            && message.contains("no trusted root vouches for"),
        "{message}"
    );
    audit.expect("cert.chain", "pass");
    audit.expect("cert.self-signed", "pass");
    audit.expect("cert.hostname", "pass");
    assert_eq!(audit.run.code, 1);
}

#[test]
fn missing_intermediate_is_reported_as_an_incomplete_chain() {
    let scene = Scene::new();
    let root = Ca::root("rampart chain root");
    let intermediate = root.intermediate("rampart chain intermediate");
    let server = TlsServer::start(&good_leaf(&intermediate), &[]);
    let audit = scene.audit_localhost(server.port(), Some(&scene.ca_file(&root.pem())), &[]);
    audit.expect("cert.chain", "fail");
    let message = audit.text("cert.chain", "message");
    assert!(
        message.contains("incomplete chain") && message.contains("CN=rampart chain intermediate"),
        "{message}"
    );
    audit.expect("cert.trust", "fail");
    assert_eq!(audit.run.code, 1);

    // The same leaf with its intermediate sent: complete and trusted.
    let full = TlsServer::start(&good_leaf(&intermediate), &[&intermediate.cert]);
    let audit = scene.audit_localhost(full.port(), Some(&scene.ca_file(&root.pem())), &[]);
    audit.expect("cert.chain", "pass");
    audit.expect("cert.trust", "pass");
}

#[test]
fn expiry_margin_fails_at_10_days_and_warns_at_25() {
    let scene = Scene::new();
    let ca = Ca::root("rampart expiry CA");
    let ca_file = scene.ca_file(&ca.pem());
    for (days, status, code) in [(10, "fail", 1), (25, "warn", 0)] {
        let leaf = leaf_signed_by(
            &ca,
            &LeafSpec {
                valid_until_days: days,
                ..LeafSpec::default()
            },
        );
        let server = TlsServer::start(&leaf, &[]);
        let audit = scene.audit_localhost(server.port(), Some(&ca_file), &[]);
        audit.expect("cert.expiry", status);
        let left = days - 1;
        assert!(
            audit
                .text("cert.expiry", "actual")
                .contains(&format!("({left} days left)")),
            "{}",
            audit.text("cert.expiry", "actual")
        );
        audit.expect("cert.validity", "pass");
        assert_eq!(audit.run.code, code, "{}", summary(&audit.report));
        if status == "warn" {
            let gated =
                scene.audit_localhost(server.port(), Some(&ca_file), &["--fail-on", "warn"]);
            assert_eq!(gated.run.code, 1);
        }
    }
}

#[test]
fn rsa_1024_and_sha1_from_openssl_fail_key_size_and_signature() {
    let scene = Scene::new();
    let dir = scene.dir.path();
    openssl(
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:1024",
            "-sha1",
            "-nodes",
            "-keyout",
            "weak.key",
            "-out",
            "weak.pem",
            "-days",
            "60",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ],
        dir,
    );
    let server = OpensslServer::start(&scene.path("weak.pem"), &scene.path("weak.key"));
    let audit = scene.audit_localhost(server.port, None, &[]);
    audit.expect("cert.key-size", "fail");
    let message = audit.text("cert.key-size", "message");
    assert!(
        message.contains("1024-bit RSA key (minimum 2048)"),
        "{message}"
    );
    audit.expect("cert.signature", "fail");
    let message = audit.text("cert.signature", "message");
    assert!(message.contains("sha1WithRSAEncryption"), "{message}");
    audit.expect("cert.self-signed", "fail");
    // The trust verdict agrees with the key size and names the real reason, not the
    // "BadSignature" webpki reports for a short key.
    audit.expect("cert.trust", "fail");
    let message = audit.text("cert.trust", "message");
    assert!(
        message.contains("the server's RSA key has 1024 bits"),
        "{message}"
    );
    assert!(!audit
        .text("cert.trust", "actual")
        .contains("accepts the certificate"));
    assert!(!audit.text("tls.tls13", "actual").contains("BadSignature"));
    assert!(audit.text("tls.tls13", "actual").contains("1024 bits"));
    audit.expect("cert.hostname", "pass");
    // The server did accept TLS 1.3, whatever our client thinks of its 1024-bit key.
    audit.expect("tls.tls13", "pass");
    assert_eq!(audit.run.code, 1);
}

#[test]
fn tls12_only_server_warns_about_missing_tls13() {
    let scene = Scene::new();
    let ca = Ca::root("rampart 1.2 CA");
    let server = TlsServer::start_on(
        "127.0.0.1:0",
        &good_leaf(&ca),
        &[],
        &[&rustls::version::TLS12],
    )
    .expect("bind");
    let ca_file = scene.ca_file(&ca.pem());
    let audit = scene.audit_localhost(server.port(), Some(&ca_file), &[]);
    audit.expect("tls.tls13", "warn");
    audit.expect("tls.tls12", "pass");
    let actual = audit.text("tls.tls13", "actual");
    assert!(actual.contains("protocol_version"), "{actual}");
    for id in CERT_IDS {
        audit.expect(id, "pass");
    }
    assert_eq!(audit.run.code, 0, "warn does not gate by default");
    let gated = scene.audit_localhost(server.port(), Some(&ca_file), &["--fail-on", "warn"]);
    assert_eq!(gated.run.code, 1);
}

#[test]
fn stalled_and_dripping_servers_are_errors_within_the_timeout() {
    let scene = Scene::new();
    for server in [RawServer::stalled(), RawServer::dripping()] {
        let url = format!("https://127.0.0.1:{}", server.addr.port());
        let audit = scene.audit(&["--url", &url, "--timeout", "1"]);
        assert!(
            audit.elapsed < Duration::from_secs(4),
            "took {:?}",
            audit.elapsed
        );
        for id in ["tls.tls12", "tls.tls13"] {
            audit.expect(id, "error");
            let message = audit.text(id, "message");
            assert!(
                message.contains(&format!("127.0.0.1:{}", server.addr.port()))
                    && message.contains("did not answer in time"),
                "{message}"
            );
        }
        // The missing certificate is reported once, with its cause; the other certificate
        // checks skip instead of repeating it with fixes that do not apply.
        for id in CERT_IDS {
            audit.expect(id, if id == "cert.trust" { "error" } else { "skip" });
        }
        assert!(audit
            .text("cert.trust", "message")
            .contains("no certificate received"));
        assert!(!audit
            .text("cert.trust", "remediation")
            .contains("public CA"));
        assert_eq!(audit.run.code, 1);
    }
}

#[test]
fn plain_http_answer_is_an_error_saying_it_is_not_tls() {
    let scene = Scene::new();
    let server = RawServer::plain_http();
    let url = format!("https://127.0.0.1:{}", server.addr.port());
    let audit = scene.audit(&["--url", &url]);
    for id in ["tls.tls12", "tls.tls13"] {
        audit.expect(id, "error");
        let message = audit.text(id, "message");
        assert!(
            message.contains(&format!("127.0.0.1:{}", server.addr.port()))
                && message.contains("not TLS: the server answered in plain HTTP"),
            "{message}"
        );
    }
    audit.expect("cert.trust", "error");
    audit.expect("cert.chain", "skip");
    assert_eq!(audit.run.code, 1);
}

#[test]
fn refused_connection_is_an_error_naming_the_address() {
    let scene = Scene::new();
    let port = free_port();
    let url = format!("https://127.0.0.1:{port}");
    let audit = scene.audit(&["--url", &url]);
    audit.expect("tls.tls13", "error");
    let message = audit.text("tls.tls13", "message");
    assert!(
        message.contains(&format!("127.0.0.1:{port}")) && message.contains("refused"),
        "{message}"
    );
    audit.expect("cert.trust", "error");
    assert_eq!(audit.run.code, 1);
}

#[test]
fn unusable_ca_file_is_a_usage_error_naming_the_file() {
    let scene = Scene::new();
    let junk = scene.path("junk-ca.pem");
    std::fs::write(&junk, "this is not PEM\n").expect("write");
    let profile = scene.path("profile.toml").display().to_string();
    let junk = junk.display().to_string();
    // Rejected before any connection: the port is never dialled.
    let run = run(&[
        "audit",
        "--profile-file",
        &profile,
        "--url",
        "https://localhost:9",
        "--ca-file",
        &junk,
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let line = run.stderr.trim();
    assert!(
        line.contains("--ca-file") && line.contains("junk-ca.pem"),
        "{line}"
    );
    assert_eq!(line.lines().count(), 1, "{line}");
}

#[test]
fn ipv6_literal_url_is_examined_with_an_ip_san() {
    let scene = Scene::new();
    let ca = Ca::root("rampart v6 CA");
    let leaf = leaf_signed_by(
        &ca,
        &LeafSpec {
            names: &["::1"],
            ..LeafSpec::default()
        },
    );
    let server = match TlsServer::start_on("[::1]:0", &leaf, &[], rustls::ALL_VERSIONS) {
        Ok(server) => server,
        // A host without IPv6 loopback cannot run this case; it must say so, not pass.
        Err(e) if std::env::var_os("RAMPART_SKIP_IPV6").is_some() => {
            println!("SKIPPED: the IPv6 case (RAMPART_SKIP_IPV6 set; cannot bind [::1]: {e})");
            return;
        }
        Err(e) => panic!(
            "cannot bind [::1]: {e}; on a host without IPv6 loopback set RAMPART_SKIP_IPV6=1 \
             to skip this case knowingly"
        ),
    };
    let url = format!("https://[::1]:{}", server.port());
    let ca_file = scene.ca_file(&ca.pem());
    let audit = scene.audit(&["--url", &url, "--ca-file", &ca_file]);
    audit.expect("tls.tls13", "pass");
    for id in CERT_IDS {
        audit.expect(id, "pass");
    }
    assert!(audit.text("cert.hostname", "actual").contains("IP:::1"));
    assert!(audit
        .text("cert.trust", "subject")
        .contains(&format!("[::1]:{}", server.port())));
    assert_eq!(audit.run.code, 0);
}
