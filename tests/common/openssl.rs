//! Real `openssl` servers and certificates for the TLS tests, made at test time on loopback.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind an ephemeral port")
        .port()
}

/// Runs `openssl ARGS` in `dir`, failing loudly when openssl is missing or fails.
pub fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("these tests need the `openssl` command (apt-get install openssl): {e}")
        });
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A self-signed RSA certificate for localhost/127.0.0.1 written as `NAME.pem` / `NAME.key`.
pub fn self_signed(dir: &Path, name: &str, key: &str, extra: &[&str]) -> (PathBuf, PathBuf) {
    let cert = dir.join(format!("{name}.pem"));
    let keyf = dir.join(format!("{name}.key"));
    let mut args = vec![
        "req",
        "-x509",
        "-newkey",
        key,
        "-nodes",
        "-subj",
        "/CN=localhost",
    ];
    args.extend_from_slice(&["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]);
    args.extend_from_slice(extra);
    let (c, k) = (cert.to_str().unwrap(), keyf.to_str().unwrap());
    args.extend_from_slice(&["-keyout", k, "-out", c]);
    if !extra.contains(&"-days") {
        args.extend_from_slice(&["-days", "30"]);
    }
    openssl(dir, &args);
    (cert, keyf)
}

/// An `openssl s_server` killed when dropped, pass or fail.
pub struct SServer {
    child: Child,
    pub port: u16,
    log: PathBuf,
}

impl Drop for SServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SServer {
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Starts `openssl s_server -www` with this certificate and extra arguments.
pub fn s_server(dir: &Path, cert: &Path, key: &Path, args: &[&str]) -> SServer {
    let port = free_port();
    let log = dir.join(format!("s_server-{port}.log"));
    let child = Command::new("openssl")
        .args(["s_server", "-accept", &port.to_string(), "-www", "-quiet"])
        .arg("-cert")
        .arg(cert)
        .arg("-key")
        .arg(key)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("create log"))
        .spawn()
        .unwrap_or_else(|e| {
            panic!("these tests need the `openssl` command (apt-get install openssl): {e}")
        });
    let mut server = SServer { child, port, log };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if TcpStream::connect(("127.0.0.1", server.port)).is_ok() {
            return server;
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("openssl s_server exited ({status}): {}", server.log());
        }
        assert!(
            Instant::now() < deadline,
            "s_server did not listen within 10s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A self-signed CA written as `NAME.pem` / `NAME.key`.
pub fn ca(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let cert = dir.join(format!("{name}.pem"));
    let key = dir.join(format!("{name}.key"));
    let (c, k) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let subj = format!("/CN={name}");
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-subj",
            &subj,
            "-days",
            "365",
            "-keyout",
            k,
            "-out",
            c,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    (cert, key)
}

/// A certificate for localhost signed by `issuer`, with `key` ("ec", "ed25519", "rsa:2048"),
/// lasting `days`, with extra `-addext` values. Written as `NAME.pem` / `NAME.key`.
pub fn issued(
    dir: &Path,
    name: &str,
    key: &str,
    issuer: &(PathBuf, PathBuf),
    days: u32,
    addext: &[&str],
) -> (PathBuf, PathBuf) {
    let cert = dir.join(format!("{name}.pem"));
    let keyf = dir.join(format!("{name}.key"));
    let (c, k) = (cert.to_str().unwrap(), keyf.to_str().unwrap());
    let days = days.to_string();
    let subj = format!("/CN={name}");
    let mut args = vec![
        "req", "-x509", "-newkey", key, "-nodes", "-subj", &subj, "-days", &days,
    ];
    if key == "ec" {
        args.extend_from_slice(&["-pkeyopt", "ec_paramgen_curve:P-256"]);
    }
    args.extend_from_slice(&[
        "-CA",
        issuer.0.to_str().unwrap(),
        "-CAkey",
        issuer.1.to_str().unwrap(),
    ]);
    args.extend_from_slice(&["-keyout", k, "-out", c]);
    // `req -x509` marks certificates CA:TRUE unless told otherwise.
    if !addext.iter().any(|e| e.starts_with("basicConstraints")) {
        args.extend_from_slice(&["-addext", "basicConstraints=critical,CA:FALSE"]);
    }
    for ext in addext {
        args.extend_from_slice(&["-addext", ext]);
    }
    openssl(dir, &args);
    (cert, keyf)
}
