//! A real nginx for tests: started by the test as the test's own user, single process, on
//! high loopback ports, with its prefix, pid file, logs and temp files in a temp dir; killed
//! when dropped. A missing nginx fails the test loudly.
#![allow(dead_code)]

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Nginx {
    child: Child,
    pub dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts nginx with `servers` (the `server { ... }` blocks) inside an `http {}` block, and
/// waits until every port in `ports` accepts connections.
pub fn start(servers: &str, ports: &[u16], dir: tempfile::TempDir) -> Nginx {
    let path = dir.path();
    let p = |name: &str| path.join(name).display().to_string();
    // As root, nginx would hand its workers to `nobody`; keep everything as the caller.
    let user = if running_as_root() { "user root;" } else { "" };
    let conf = format!(
        r#"{user}
daemon off;
master_process off;
worker_processes 1;
pid {pid};
error_log {error_log} warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    default_type text/plain;
    server_tokens off;
{servers}
}}
"#,
        pid = p("nginx.pid"),
        error_log = p("error.log"),
        tmp = p("tmp"),
    );
    std::fs::create_dir_all(path.join("tmp")).unwrap();
    std::fs::write(path.join("nginx.conf"), conf).unwrap();
    let child = Command::new(nginx_binary())
        .args(["-p", &p(""), "-c", &p("nginx.conf"), "-e", &p("error.log")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start nginx ({e}); install it: apt-get install -y nginx")
        });
    let mut nginx = Nginx { child, dir };
    let deadline = Instant::now() + Duration::from_secs(10);
    for port in ports {
        while TcpStream::connect(("127.0.0.1", *port)).is_err() {
            if let Ok(Some(status)) = nginx.child.try_wait() {
                let log =
                    std::fs::read_to_string(nginx.dir.path().join("error.log")).unwrap_or_default();
                panic!("nginx exited ({status}) before listening on {port}:\n{log}");
            }
            assert!(
                Instant::now() < deadline,
                "nginx did not listen on {port} within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    nginx
}

fn nginx_binary() -> PathBuf {
    for candidate in ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"] {
        if Path::new(candidate).exists() {
            return PathBuf::from(candidate);
        }
    }
    panic!("nginx is not installed: apt-get install -y nginx (CI installs it in .ci/run)");
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Writes a certificate chain and key for `names` (signed by a fresh CA) into `dir`; returns
/// (cert path, key path, CA PEM path).
pub fn write_tls_files(dir: &Path, names: &[&str]) -> (PathBuf, PathBuf, PathBuf) {
    let issued = crate::pki::issue("rampart nginx test CA", names);
    let cert_path = dir.join("server.pem");
    let key_path = dir.join("server.key");
    let ca_path = dir.join("ca.pem");
    std::fs::write(&cert_path, issued.cert_pem).unwrap();
    std::fs::write(&key_path, issued.key_pem).unwrap();
    std::fs::write(&ca_path, issued.ca_pem).unwrap();
    (cert_path, key_path, ca_path)
}
