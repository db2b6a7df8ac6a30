//! End to end: the real binary scanning ports the test opens on loopback, reading a fixture
//! host root (listeners, ufw) and asking an in-process DNS server. Only loopback is contacted.

mod common;

use common::dns::{DnsServer, Zone};
use common::host::{self, TCP_HEADER};
use common::{findings, run, status_of, summary};
use serde_json::Value;
use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;

fn audit(args: &[&str]) -> (Value, i32) {
    let mut all = vec!["audit", "--json"];
    all.extend_from_slice(args);
    let out = run(&all);
    assert!(
        out.code == 0 || out.code == 1,
        "exit {}; stderr: {}",
        out.code,
        out.stderr
    );
    (out.json(), out.code)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `audit --json` of `profile` (`--profile NAME` or `--profile-file PATH`) over an install
/// directory and a fixture host root, with `extra` arguments.
fn audit_host(profile: [&str; 2], root: &Path, host_root: &Path, extra: &[&str]) -> (Value, i32) {
    let mut args = vec![
        profile[0],
        profile[1],
        "--root",
        s(root),
        "--host-root",
        s(host_root),
    ];
    args.extend_from_slice(extra);
    audit(&args)
}

/// A profile extending baseline whose `exposure.ports` forbids `port`.
fn forbidding(dir: &Path, port: u16) -> std::path::PathBuf {
    let profile = dir.join("p.toml");
    std::fs::write(
        &profile,
        format!(
            "name = \"e2e\"\ntitle = \"e2e\"\nextends = \"baseline\"\n\n[[check]]\n\
             id = \"exposure.ports\"\ntitle = \"internal port\"\nkind = \"exposure.ports\"\n\
             forbidden = [{port}]\nallowed = [443]\nseverity = \"critical\"\n\
             remediation = \"close it\"\n"
        ),
    )
    .unwrap();
    profile
}

#[test]
fn a_forbidden_port_open_on_the_scanned_address_fails_and_gates() {
    let listener = TcpListener::bind("127.0.0.2:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let profile = forbidding(dir.path(), port);
    let hosts = host::hardened();
    let (report, code) = audit_host(
        ["--profile-file", s(&profile)],
        dir.path(),
        hosts.path(),
        &["--host", "127.0.0.2", "--only", "exposure"],
    );
    let subject = format!("127.0.0.2:{port}");
    assert_eq!(
        status_of(&report, "exposure.ports", &subject),
        "fail",
        "{}",
        summary(&report)
    );
    assert_eq!(code, 1);
    let finding = findings(&report, "exposure.ports")
        .into_iter()
        .find(|f| f["subject"] == subject.as_str())
        .unwrap();
    assert_eq!(finding["location"]["host"], "127.0.0.2");
    assert_eq!(finding["location"]["port"], port);
    assert_eq!(finding["actual"], "open");

    // The same port bound to 127.0.0.2 only is not reachable on 127.0.0.3.
    let (report, code) = audit_host(
        ["--profile-file", s(&profile)],
        dir.path(),
        hosts.path(),
        &["--host", "127.0.0.3", "--only", "exposure"],
    );
    let subject = format!("127.0.0.3:{port}");
    assert_eq!(
        status_of(&report, "exposure.ports", &subject),
        "pass",
        "{}",
        summary(&report)
    );
    assert_eq!(code, 0, "{}", summary(&report));
}

#[test]
fn a_port_silent_past_the_deadline_is_an_error_and_the_rest_is_still_reported() {
    // A listener whose accept queue is full drops SYNs: the connect waits until the deadline.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _guard = rt.enter();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.8:0".parse().unwrap()).unwrap();
    let addr = socket.local_addr().unwrap();
    let _listener = socket.listen(0).unwrap();
    let mut held = Vec::new();
    for _ in 0..8 {
        match std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_millis(200)) {
            Ok(s) => held.push(s),
            Err(_) => break,
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let profile = forbidding(dir.path(), addr.port());
    let hosts = host::hardened();
    let started = std::time::Instant::now();
    let (report, code) = audit_host(
        ["--profile-file", s(&profile)],
        dir.path(),
        hosts.path(),
        &[
            "--host",
            "127.0.0.8",
            "--deadline",
            "1",
            "--only",
            "exposure",
        ],
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
    let subject = format!("127.0.0.8:{}", addr.port());
    assert_eq!(
        status_of(&report, "exposure.ports", &subject),
        "error",
        "{}",
        summary(&report)
    );
    // 443 answered (refused) before the deadline: still judged.
    assert_eq!(
        status_of(&report, "exposure.ports", "127.0.0.8:443"),
        "pass"
    );
    assert_eq!(code, 1, "an error gates");
    drop(held);
}

#[test]
fn without_host_the_url_hosts_addresses_are_scanned() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let profile = forbidding(dir.path(), port);
    let hosts = host::hardened();
    // localhost resolves (through /etc/hosts) to 127.0.0.1 at least.
    let (report, code) = audit_host(
        ["--profile-file", s(&profile)],
        dir.path(),
        hosts.path(),
        &["--url", "https://localhost", "--only", "exposure"],
    );
    let subject = format!("127.0.0.1:{port}");
    assert_eq!(
        status_of(&report, "exposure.ports", &subject),
        "fail",
        "{}",
        summary(&report)
    );
    assert_eq!(code, 1);
}

#[test]
fn ports_widens_the_scan_and_unexpected_open_ports_warn_on_ipv6_too() {
    let listener = TcpListener::bind("[::1]:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let hosts = host::hardened();
    let list = format!("{},{}", port.saturating_sub(2), port);
    let (report, code) = audit_host(
        ["--profile", "baseline"],
        dir.path(),
        hosts.path(),
        &["--host", "::1", "--ports", &list, "--only", "exposure"],
    );
    let subject = format!("[::1]:{port}");
    assert_eq!(
        status_of(&report, "exposure.ports", &subject),
        "warn",
        "{}",
        summary(&report)
    );
    assert_eq!(status_of(&report, "exposure.ports", "[::1]:5432"), "pass");
    assert_eq!(code, 0, "a warning does not gate by default");
}

#[test]
fn no_host_or_url_skips_the_scan_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = host::hardened();
    let (report, _) = audit_host(
        ["--profile", "baseline"],
        dir.path(),
        hosts.path(),
        &["--only", "exposure"],
    );
    let scan = findings(&report, "exposure.ports");
    assert_eq!(scan.len(), 1);
    assert_eq!(scan[0]["status"], "skip");
    assert!(scan[0]["message"].as_str().unwrap().contains("--host"));
}

#[test]
fn wildcard_listener_and_docker_bypass_from_a_fixture_host() {
    let hosts = host::hardened();
    // PostgreSQL on 0.0.0.0:5432, held by pid 812.
    host::write(
        hosts.path(),
        "/proc/net/tcp",
        &format!(
            "{TCP_HEADER}   0: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 \
             00000000   106        0 4242 1 0 100 0 0 10 0\n"
        ),
    );
    let fd = hosts.path().join("proc/812/fd");
    std::fs::create_dir_all(&fd).unwrap();
    std::os::unix::fs::symlink("socket:[4242]", fd.join("9")).unwrap();
    host::write(hosts.path(), "/proc/812/comm", "postgres\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n",
    )
    .unwrap();
    let (report, code) = audit_host(
        ["--profile", "baseline"],
        dir.path(),
        hosts.path(),
        &["--only", "exposure"],
    );
    assert_eq!(code, 1);
    let listener = findings(&report, "exposure.listeners")
        .into_iter()
        .find(|f| f["status"] == "fail")
        .unwrap_or_else(|| panic!("{}", summary(&report)));
    assert_eq!(listener["subject"], "0.0.0.0:5432/tcp");
    assert!(listener["message"]
        .as_str()
        .unwrap()
        .contains("postgres (pid 812)"));
    let bypass = findings(&report, "exposure.docker-ufw-bypass");
    assert_eq!(bypass.len(), 1, "{}", summary(&report));
    assert_eq!(bypass[0]["status"], "fail");
    assert_eq!(bypass[0]["location"]["service"], "db");
    assert!(bypass[0]["expected"]
        .as_str()
        .unwrap()
        .contains("DOCKER-USER"));
    assert_eq!(
        status_of(&report, "exposure.firewall", "ufw: 22/tcp"),
        "pass"
    );
    let ssh = findings(&report, "exposure.firewall")
        .into_iter()
        .find(|f| f["subject"] == "ufw: 22/tcp")
        .unwrap();
    assert_eq!(ssh["location"]["file"], "/etc/ufw/user.rules");
    assert_eq!(ssh["location"]["line"], 5, "the limit rule's tuple line");
}

#[test]
fn disabled_ufw_fails_and_missing_ufw_warns() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = host::hardened();
    host::ufw(hosts.path(), "no", "ACCEPT", &[]);
    let (report, code) = audit_host(
        ["--profile", "koda"],
        dir.path(),
        hosts.path(),
        &["--only", "exposure"],
    );
    assert_eq!(
        status_of(&report, "exposure.firewall", "ufw"),
        "fail",
        "{}",
        summary(&report)
    );
    assert_eq!(
        status_of(&report, "exposure.firewall", "ufw: default incoming"),
        "fail"
    );
    assert_eq!(code, 1);

    let bare = tempfile::tempdir().unwrap();
    host::write(bare.path(), "/proc/net/tcp", TCP_HEADER);
    let (report, _) = audit_host(
        ["--profile", "koda"],
        dir.path(),
        bare.path(),
        &["--only", "exposure"],
    );
    let firewall = findings(&report, "exposure.firewall");
    assert_eq!(firewall.len(), 1);
    assert_eq!(firewall[0]["status"], "warn");
    assert!(firewall[0]["message"]
        .as_str()
        .unwrap()
        .contains("out of scope"));
}

#[test]
fn dns_checks_ask_the_given_server() {
    let server = DnsServer::start(
        Zone::new()
            .exists("test")
            .caa_issue("caa.test", "letsencrypt.org")
            .a("www.caa.test", Ipv4Addr::new(127, 0, 0, 10)),
    );
    let dns = server.addr.to_string();
    let dir = tempfile::tempdir().unwrap();
    let (report, code) = audit(&[
        "--profile",
        "baseline",
        "--root",
        s(dir.path()),
        "--url",
        "https://www.caa.test",
        "--dns-server",
        &dns,
        "--resolve",
        "www.caa.test:443:127.0.0.99",
        "--only",
        "dns",
    ]);
    assert_eq!(
        status_of(&report, "dns.resolves", "www.caa.test"),
        "pass",
        "{}",
        summary(&report)
    );
    let caa = &findings(&report, "dns.caa")[0];
    assert_eq!(caa["status"], "pass");
    assert!(caa["message"]
        .as_str()
        .unwrap()
        .contains("inherits the CAA records of caa.test"));
    let points = &findings(&report, "dns.points-at")[0];
    assert_eq!(points["status"], "warn");
    assert_eq!(points["severity"], "info");
    assert!(points["message"]
        .as_str()
        .unwrap()
        .starts_with("DNS still points elsewhere"));
    assert_eq!(code, 0, "info findings do not gate");
    assert!(server.queries() >= 3);
}

#[test]
fn bad_exposure_arguments_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        ["--ports", "0-10"],
        ["--ports", "http"],
        ["--host", "example.com"],
        ["--dns-server", "127.0.0.1"],
        ["--host-root", "/nonexistent/rampart-host"],
    ] {
        let out = run(&[
            "audit",
            "--profile",
            "baseline",
            "--root",
            s(dir.path()),
            args[0],
            args[1],
        ]);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(args[0]), "{args:?}: {}", out.stderr);
    }
}

/// The live host (no `--host-root`): the listeners come from the kernel's sock_diag interface,
/// and a socket the test holds on every interface fails while one on loopback passes, each
/// named with this test's own process.
#[cfg(target_os = "linux")]
#[test]
fn live_host_listeners_are_read_from_the_kernel() {
    let everywhere = TcpListener::bind("0.0.0.0:0").unwrap();
    let open_port = everywhere.local_addr().unwrap().port();
    let loopback = TcpListener::bind("127.0.0.1:0").unwrap();
    let local_port = loopback.local_addr().unwrap().port();
    let idle_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    std::fs::write(
        &profile,
        format!(
            "name = \"live\"\ntitle = \"live\"\n\n[[check]]\nid = \"exposure.listeners\"\n\
             title = \"loopback only\"\nkind = \"exposure.listeners\"\n\
             loopback_only = [{open_port}, {local_port}, {idle_port}]\nseverity = \"high\"\n\
             remediation = \"bind to 127.0.0.1\"\n"
        ),
    )
    .unwrap();
    let (report, _) = audit(&[
        "--profile-file",
        s(&profile),
        "--root",
        s(dir.path()),
        "--only",
        "exposure",
    ]);
    let all = summary(&report);
    let open = format!("0.0.0.0:{open_port}/tcp");
    assert_eq!(
        status_of(&report, "exposure.listeners", &open),
        "fail",
        "{all}"
    );
    let local = format!("port {local_port}");
    assert_eq!(
        status_of(&report, "exposure.listeners", &local),
        "pass",
        "{all}"
    );
    let idle = findings(&report, "exposure.listeners")
        .into_iter()
        .find(|f| f["subject"] == format!("port {idle_port}").as_str())
        .unwrap();
    assert_eq!(idle["status"], "pass", "{all}");
    let message = idle["message"].as_str().unwrap_or("");
    if std::env::var_os("RAMPART_SKIP_NETLINK").is_none() {
        assert!(message.contains("netlink sock_diag"), "{message}");
    }
    drop((everywhere, loopback));
}
