//! End-to-end fleet audits over TLS: one in-process rustls server listening on many addresses
//! of 127.0.0.0/8, each target a name pinned to its own address with `--resolve`.

mod common;

use common::{run, run_bounded, summary, Run};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection};
use serde_json::Value;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use time::OffsetDateTime;

/// A private CA and a wildcard leaf for `*.fleet.test`, written as PEM for `--ca-file`.
struct Pki {
    ca_pem: String,
    leaf: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
}

fn pki() -> Pki {
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "fleet test CA");
    ca.not_before = OffsetDateTime::now_utc() - time::Duration::days(10);
    ca.not_after = OffsetDateTime::now_utc() + time::Duration::days(3650);
    let ca_key = KeyPair::generate().expect("key");
    let ca_cert = ca.self_signed(&ca_key).expect("CA");
    let issuer = Issuer::new(ca, ca_key);
    let mut leaf = CertificateParams::new(vec!["*.fleet.test".to_string()]).expect("params");
    leaf.distinguished_name
        .push(DnType::CommonName, "*.fleet.test");
    leaf.not_before = OffsetDateTime::now_utc() - time::Duration::days(1);
    leaf.not_after = OffsetDateTime::now_utc() + time::Duration::days(60);
    let key = KeyPair::generate().expect("key");
    let cert = leaf.signed_by(&key, &issuer).expect("leaf");
    Pki {
        ca_pem: ca_cert.pem(),
        leaf: cert.der().clone(),
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

/// Listens on 127.0.1.1 .. 127.0.1.N on one port (the first free one found) until dropped.
struct FleetServer {
    port: u16,
    addrs: Vec<SocketAddr>,
    stop: Arc<AtomicBool>,
}

impl FleetServer {
    fn start(pki: &Pki, count: u8) -> FleetServer {
        let config = Arc::new(
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .expect("versions")
                .with_no_client_auth()
                .with_single_cert(vec![pki.leaf.clone()], pki.key.clone_key())
                .expect("server config"),
        );
        let stop = Arc::new(AtomicBool::new(false));
        'port: for _ in 0..20 {
            let first = TcpListener::bind("127.0.1.1:0").expect("bind 127.0.1.1");
            let port = first.local_addr().expect("addr").port();
            let mut listeners = vec![first];
            for i in 2..=count {
                match TcpListener::bind(("127.0.1.".to_string() + &i.to_string(), port)) {
                    Ok(l) => listeners.push(l),
                    Err(_) => continue 'port,
                }
            }
            let addrs = listeners
                .iter()
                .map(|l| l.local_addr().expect("addr"))
                .collect();
            for listener in listeners {
                let (config, stop) = (config.clone(), stop.clone());
                std::thread::spawn(move || {
                    for stream in listener.incoming() {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let Ok(stream) = stream else { continue };
                        let config = config.clone();
                        std::thread::spawn(move || serve_one(stream, config));
                    }
                });
            }
            return FleetServer { port, addrs, stop };
        }
        panic!("no port free on 127.0.1.1-{count}");
    }
}

fn serve_one(mut sock: TcpStream, config: Arc<ServerConfig>) {
    let _ = sock.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = sock.set_write_timeout(Some(Duration::from_secs(5)));
    let Ok(mut conn) = ServerConnection::new(config) else {
        return;
    };
    while conn.is_handshaking() {
        if conn.complete_io(&mut sock).is_err() {
            return;
        }
    }
    let _ = conn.complete_io(&mut sock);
}

impl Drop for FleetServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for addr in &self.addrs {
            let _ = TcpStream::connect_timeout(addr, Duration::from_secs(1));
        }
    }
}

/// A targets file for `count` deployments `web-N.fleet.test`, each pinned to 127.0.1.N.
fn targets_file(dir: &TempDir, server: &FleetServer, count: u8) -> String {
    let root = dir.path().join("root");
    std::fs::create_dir_all(&root).expect("root");
    let mut toml = String::new();
    for i in 1..=count {
        let host = format!("web-{i}.fleet.test");
        toml.push_str(&format!(
            "[[target]]\nname = \"web-{i}\"\nprofile = \"baseline\"\nroot = {root:?}\n\
             url = \"https://{host}:{port}/\"\nresolve = [\"{host}:{port}:127.0.1.{i}\"]\n\n",
            port = server.port,
        ));
    }
    let path = dir.path().join("targets.toml");
    std::fs::write(&path, toml).expect("targets");
    path.display().to_string()
}

/// Audits a fleet of `count` targets with the test build, or with the binary named by
/// `RAMPART_BENCH_BIN` (e.g. a release build, for the measurement).
fn fleet_audit(count: u8, extra: &[&str]) -> (Run, Duration) {
    let pki = pki();
    let server = FleetServer::start(&pki, count);
    let dir = TempDir::new().expect("tempdir");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).expect("ca");
    let targets = targets_file(&dir, &server, count);
    let ca = ca.display().to_string();
    let mut args = vec![
        "audit",
        "--targets",
        &targets,
        "--ca-file",
        &ca,
        "--timeout",
        "5",
    ];
    args.extend_from_slice(extra);
    let started = Instant::now();
    let out = match std::env::var("RAMPART_BENCH_BIN") {
        Ok(bin) => {
            let out = std::process::Command::new(bin)
                .args(&args)
                .output()
                .expect("run the benchmark binary");
            Run {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            }
        }
        Err(_) => run_bounded(None, &args, Duration::from_secs(120)),
    };
    (out, started.elapsed())
}

#[test]
fn a_tls_fleet_is_audited_per_target_with_certificate_metrics() {
    let only = ["--only", "tls", "--only", "certificate"];
    let (out, _) = fleet_audit(5, &[&["--json"][..], &only].concat());
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let fleet: Value = out.json();
    assert_eq!(fleet["summary"]["targets"], 5);
    for (i, t) in fleet["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .enumerate()
    {
        assert_eq!(t["name"], format!("web-{}", i + 1));
        let r = &t["report"];
        for id in ["cert.trust", "cert.hostname", "tls.tls13"] {
            let status = common::status_of(r, id, "");
            assert_eq!(status, "pass", "{id} on web-{}:\n{}", i + 1, summary(r));
        }
        assert_eq!(
            r["certificates"][0]["host"],
            format!("web-{}.fleet.test", i + 1)
        );
    }
    let (prom, _) = fleet_audit(3, &[&["--format", "prometheus"][..], &only].concat());
    let expiry: Vec<&str> = prom
        .stdout
        .lines()
        .filter(|l| l.starts_with("rampart_certificate_expiry_seconds{"))
        .collect();
    assert_eq!(expiry.len(), 3, "{}", prom.stdout);
    let in_60_days = (OffsetDateTime::now_utc() + time::Duration::days(60)).unix_timestamp() as f64;
    for line in expiry {
        let value: f64 = line
            .rsplit(' ')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("value");
        assert!((value - in_60_days).abs() < 86_400.0, "{line}");
        assert!(line.contains("host=\"web-"), "{line}");
    }
}

/// The measurement asked for by the fleet issue: 200 loopback targets, TLS and certificate
/// checks each. Run with `cargo test --test fleet -- --ignored --nocapture`, and
/// `RAMPART_BENCH_BIN=target/release/rampart` to time a release build.
#[test]
#[ignore]
fn fleet_of_200_loopback_targets_wall_time() {
    // TLS and certificate checks only: the baseline profile's host checks (port scans,
    // listeners, firewall) judge the machine the test runs on, not the fleet.
    let (out, elapsed) = fleet_audit(200, &["--json", "--only", "tls", "--only", "certificate"]);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let fleet = out.json();
    assert_eq!(fleet["summary"]["targets"], 200);
    let errors = fleet["summary"]["findings"]["error"].as_u64().unwrap_or(0);
    println!(
        "fleet of 200 TLS targets: {:.2} s wall, summary {}",
        elapsed.as_secs_f64(),
        fleet["summary"]
    );
    assert_eq!(errors, 0, "no probe may time out or fail");
    let _ = run(&["--version"]);
}
