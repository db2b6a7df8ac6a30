//! End to end: peak memory against hostile servers and the largest hostile files. rampart
//! must stay under 64 MB however much a server sends or a file holds.

mod common;
#[path = "common/pki.rs"]
mod pki;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MAX_RSS_KB: i64 = 64 * 1024;

/// Runs rampart and returns (exit code, peak RSS in KiB, wall time), measured by wait4 for
/// that one process.
// wait4 below reaps the child; std's wait() would not return its rusage.
#[allow(clippy::zombie_processes)]
fn peak_rss(args: &[&str]) -> (i32, i64, Duration) {
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run rampart");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data, fully written by wait4 for the child we spawned.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, usage.ru_maxrss, started.elapsed())
}

/// A server that answers every connection with `head` and then `chunk` repeated until the
/// client goes away (or 30 s pass).
fn endless(head: &'static [u8], chunk: &'static [u8]) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for sock in listener.incoming().flatten() {
            std::thread::spawn(move || serve_endless(sock, head, chunk));
        }
    });
    port
}

fn serve_endless(mut sock: TcpStream, head: &[u8], chunk: &[u8]) {
    let _ = sock.set_read_timeout(Some(Duration::from_secs(2)));
    let mut request = [0u8; 4096];
    let _ = sock.read(&mut request);
    if sock.write_all(head).is_err() {
        return;
    }
    let until = Instant::now() + Duration::from_secs(30);
    while Instant::now() < until {
        if sock.write_all(chunk).is_err() {
            return;
        }
    }
}

const BODY_CHUNK: &[u8] = &[b'x'; 16 * 1024];
const HEADER_CHUNK: &[u8] = &[b'a'; 16 * 1024];

#[test]
fn endless_bodies_headers_and_huge_files_stay_under_64_mb() {
    // An endless body and an endless header line, over plain HTTP.
    let body = endless(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
        BODY_CHUNK,
    );
    let header = endless(b"HTTP/1.1 200 OK\r\nX-Endless: ", HEADER_CHUNK);
    for port in [body, header] {
        let url = format!("http://127.0.0.1:{port}");
        let (code, rss, took) = peak_rss(&[
            "audit",
            "--profile",
            "baseline",
            "--url",
            &url,
            "--only",
            "http",
            "--timeout",
            "2",
            "--deadline",
            "8",
        ]);
        assert_eq!(code, 1, "{url}");
        assert!(rss < MAX_RSS_KB, "{url}: peak RSS {rss} KiB");
        assert!(took < Duration::from_secs(8 + 4), "{url}: took {took:?}");
        println!("endless server {url}: peak RSS {rss} KiB in {took:?}");
    }

    // The largest env and compose files rampart accepts, full of `${`: parsed within bounds.
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut env = String::from("B=0123456789abcdef0123456789abcdef\n");
    while env.len() < 1000 * 1024 {
        env.push_str("A=${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}${B}\n");
    }
    std::fs::write(tmp.path().join(".env"), &env).expect("write env");
    let mut compose = String::from("services:\n  web:\n    image: app\n    ports:\n");
    while compose.len() < 1000 * 1024 {
        compose.push_str("      - \"${B}${B}${B}${B}${B}${B}${B}${B}:${{${{${{${{${{:80\"\n");
    }
    std::fs::write(tmp.path().join("docker-compose.yml"), &compose).expect("write compose");
    let root = tmp.path().to_str().expect("utf-8");
    let (code, rss, took) = peak_rss(&["audit", "--profile", "koda", "--root", root]);
    assert!(code == 1, "exit {code}");
    assert!(rss < MAX_RSS_KB, "huge files: peak RSS {rss} KiB");
    println!("largest hostile files: peak RSS {rss} KiB in {took:?}");
}

#[test]
fn a_certificate_with_ten_thousand_names_is_examined_within_bounds() {
    let names: Vec<String> = (0..10_000).map(|i| format!("h{i}.example.test")).collect();
    let mut all: Vec<&str> = vec!["localhost"];
    all.extend(names.iter().map(String::as_str));
    let pki = pki::issue("rampart SAN CA", &all);
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&cert, &pki.cert_pem).expect("cert");
    std::fs::write(&key, &pki.key_pem).expect("key");
    std::fs::write(&ca, &pki.ca_pem).expect("ca");
    let server = common::openssl::s_server(dir.path(), &cert, &key, &[]);
    let url = format!("https://localhost:{}", server.port);
    let (code, rss, took) = peak_rss(&[
        "audit",
        "--profile",
        "baseline",
        "--url",
        &url,
        "--ca-file",
        ca.to_str().expect("utf-8"),
        "--only",
        "certificate",
        "--timeout",
        "5",
    ]);
    assert!(code == 0 || code == 1, "exit {code}");
    assert!(rss < MAX_RSS_KB, "peak RSS {rss} KiB");
    assert!(took < Duration::from_secs(20), "took {took:?}");
    println!("10,000-SAN certificate: peak RSS {rss} KiB in {took:?}");
}
