//! End to end: servers that never speak TLS, stall, drip or reset. The audit must end within
//! its deadline plus a small margin, and a refusal only counts when the server spoke TLS: a
//! server that closes, resets or says nothing gets `error`, never `pass`.

mod common;

use common::{run_bounded, summary};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A loopback server that runs `behave` on every connection until dropped.
struct Hostile {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl Hostile {
    fn start(behave: fn(TcpStream)) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((sock, _)) => {
                        let _ = sock.set_nonblocking(false);
                        std::thread::spawn(move || behave(sock));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Hostile { port, stop }
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn read_hello(sock: &mut TcpStream) {
    let _ = sock.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = [0u8; 4096];
    let _ = sock.read(&mut buf);
}

fn close_at_once(sock: TcpStream) {
    drop(sock);
}

fn close_after_hello(mut sock: TcpStream) {
    read_hello(&mut sock);
}

fn reset_after_hello(mut sock: TcpStream) {
    // Read only the record header: closing with unread bytes queued makes Linux send RST.
    let _ = sock.set_read_timeout(Some(Duration::from_secs(5)));
    let mut header = [0u8; 5];
    let _ = sock.read_exact(&mut header);
    std::thread::sleep(Duration::from_millis(20));
}

fn silent(mut sock: TcpStream) {
    read_hello(&mut sock);
    std::thread::sleep(Duration::from_secs(30));
}

fn one_byte_per_second(mut sock: TcpStream) {
    read_hello(&mut sock);
    // A TLS handshake record header, one byte at a time, forever.
    for b in [0x16u8, 0x03, 0x03, 0x40, 0x00].iter().cycle().take(60) {
        if sock.write_all(&[*b]).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

fn garbage(mut sock: TcpStream) {
    read_hello(&mut sock);
    let _ = sock.write_all(&[0x42; 64]);
}

fn audit(port: u16) -> common::Run {
    let url = format!("https://127.0.0.1:{port}");
    run_bounded(
        None,
        &[
            "audit",
            "--profile",
            "baseline",
            "--url",
            &url,
            "--only",
            "tls",
            "--only",
            "certificate",
            "--timeout",
            "1",
            "--deadline",
            "4",
            "--json",
        ],
        Duration::from_secs(4 + 6),
    )
}

#[test]
fn servers_that_never_speak_tls_get_errors_not_passes() {
    for (name, behave) in [
        ("closes at once", close_at_once as fn(TcpStream)),
        ("closes after the hello", close_after_hello),
        ("resets after the hello", reset_after_hello),
        ("stays silent", silent),
        ("drips one byte per second", one_byte_per_second),
        ("answers garbage", garbage),
    ] {
        let server = Hostile::start(behave);
        let out = audit(server.port);
        assert_eq!(out.code, 1, "{name}: {}\n{}", out.stdout, out.stderr);
        let report = out.json();
        let findings = report["findings"].as_array().expect("findings");
        for f in findings {
            let status = f["status"].as_str().unwrap_or("");
            assert_ne!(
                status,
                "pass",
                "{name}: {} passed without evidence\n{}",
                f["id"],
                summary(&report)
            );
        }
        for id in ["tls.legacy-versions", "tls.weak-ciphers"] {
            let statuses: Vec<&str> = findings
                .iter()
                .filter(|f| f["id"] == id)
                .filter_map(|f| f["status"].as_str())
                .collect();
            assert!(
                !statuses.is_empty() && statuses.iter().all(|s| *s == "error"),
                "{name}: {id} {statuses:?}\n{}",
                summary(&report)
            );
        }
    }
}
