//! The real binary against a real nginx on loopback: the Koda profile's HTTP checks (plus the
//! baseline's), statuses asserted by check id and subject, and the env secret that the health
//! endpoint leaks never printed in any format or output file.

mod common;
#[path = "common/nginx.rs"]
mod nginx;
#[path = "common/pki.rs"]
mod pki;

use common::{run, status_of, summary, write};

const HOST: &str = "koda.test";
const SECRET: &str = "Zq8vLeakySessionSecret0123456789abcdef";

struct Site {
    _nginx: nginx::Nginx,
    tls_port: u16,
    plain_port: u16,
    control_plane_port: u16,
    root: tempfile::TempDir,
}

/// A Koda-like site: port "80" redirects, /login sets the session cookie, the sign-in pages
/// ship 'unsafe-inline' (one with a nonce), and the control plane health leaks a secret.
fn koda_site() -> Site {
    let [tls_port, plain_port, control_plane_port] = [0; 3].map(|_| nginx::free_port());
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, _) = nginx::write_tls_files(dir.path(), &[HOST]);
    let common = r#"
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
        add_header X-Content-Type-Options nosniff always;"#;
    let inline_csp = r#"add_header Content-Security-Policy "default-src 'self'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'" always;"#;
    let servers = format!(
        r#"
    server {{ listen 127.0.0.1:{plain_port}; return 301 https://$host:{tls_port}$request_uri; }}
    server {{
        listen 127.0.0.1:{tls_port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        {common}
        {inline_csp}
        location = / {{ return 200 "home"; }}
        location = /login {{
            {common}
            {inline_csp}
            add_header Set-Cookie "koda_operator_session=opaque123; Path=/; Secure; HttpOnly; SameSite=Strict" always;
            return 200 "sign in";
        }}
        location = /setup {{
            {common}
            add_header Content-Security-Policy "script-src 'self' 'unsafe-inline' 'nonce-r4nd0m'; frame-ancestors 'none'" always;
            return 200 "setup";
        }}
        location = /forgot-password {{ return 200 "reset"; }}
        # The control plane's cluster route published by mistake; its /health left to the
        # dashboard, which sends visitors without a session to /setup.
        location = /cluster/status {{ default_type application/json; return 200 '{{"workers":[]}}'; }}
        location = /health {{ return 307 /setup?next=%2Fhealth; }}
    }}
    server {{
        listen 127.0.0.1:{control_plane_port};
        location = /health {{
            default_type application/json;
            return 200 '{{"status":"healthy","debug":"{SECRET}"}}';
        }}
    }}
"#,
        cert = cert.display(),
        key = key.display(),
    );
    let nginx = nginx::start(&servers, &[tls_port, plain_port, control_plane_port], dir);
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        ".env",
        &format!("KODA_ENV=production\nWEB_OPERATOR_SESSION_SECRET={SECRET}\n"),
        0o600,
    );
    // The redirect check on the plain port this nginx uses instead of 80.
    write(
        root.path(),
        "koda-test.toml",
        &format!(
            r#"name = "koda-test"
title = "Koda on test ports"
extends = "koda"

[[check]]
id = "http.redirect"
title = "Plain HTTP redirects permanently to HTTPS on the same host"
kind = "http.redirect"
port = {plain_port}
severity = "high"
remediation = "Redirect with 301."

# The control plane on this host, on a free port instead of 8090.
[[check]]
id = "koda.control-plane-health"
title = "The control plane's /health answers a healthy JSON status"
kind = "http.health"
service_port = {control_plane_port}
path = "/health"
json = {{ status = ["ok", "healthy"] }}
severity = "medium"
remediation = "Check the control plane."
"#
        ),
        0o644,
    );
    Site {
        _nginx: nginx,
        tls_port,
        plain_port,
        control_plane_port,
        root,
    }
}

fn audit_args(site: &Site, extra: &[&str]) -> Vec<String> {
    let root = site.root.path();
    let mut args: Vec<String> = [
        "audit",
        "--profile-file",
        &root.join("koda-test.toml").display().to_string(),
        "--root",
        &root.display().to_string(),
        "--url",
        &format!("https://{HOST}:{}", site.tls_port),
        "--resolve",
        &format!("{HOST}:{}:127.0.0.1", site.tls_port),
        "--ca-file",
        &site._nginx.dir.path().join("ca.pem").display().to_string(),
        "--only",
        "http",
        "--timeout",
        "3",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn audit(site: &Site, extra: &[&str]) -> common::Run {
    let args = audit_args(site, extra);
    run(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn koda_http_checks_against_nginx() {
    let site = koda_site();
    let out = audit(&site, &["--json"]);
    let report = out.json();
    let s = |id: &str, subject: &str| status_of(&report, id, subject);
    let all = summary(&report);
    assert_eq!(out.code, 1, "{all}\n{}", out.stderr);
    assert_eq!(
        s(
            "http.redirect",
            &format!("http://{HOST}:{}/", site.plain_port)
        ),
        "pass",
        "{all}"
    );
    assert_eq!(
        s("http.hsts", &format!("https://{HOST}:{}/", site.tls_port)),
        "pass",
        "{all}"
    );
    assert_eq!(
        s("http.security-headers", "/ x-content-type-options"),
        "pass",
        "{all}"
    );
    assert_eq!(
        s("http.security-headers", "/ clickjacking"),
        "pass",
        "{all}"
    );
    assert_eq!(
        s("http.security-headers", "/ content-security-policy"),
        "pass",
        "{all}"
    );
    assert_eq!(
        s("koda.session-cookie", "cookie koda_operator_session"),
        "pass",
        "{all}"
    );
    assert_eq!(
        s("koda.login-csp", "/login content-security-policy"),
        "fail",
        "{all}"
    );
    assert_eq!(
        s("koda.login-csp", "/setup content-security-policy"),
        "pass",
        "{all}"
    );
    assert_eq!(
        s("koda.login-csp", "/forgot-password content-security-policy"),
        "fail",
        "{all}"
    );
    assert_eq!(
        s("koda.control-plane-health", "WEB_OPERATOR_SESSION_SECRET"),
        "fail",
        "{all}"
    );
    let leak = common::findings(&report, "koda.control-plane-health")
        .into_iter()
        .find(|f| {
            f["subject"]
                .as_str()
                .unwrap_or("")
                .contains("WEB_OPERATOR_SESSION_SECRET")
        })
        .unwrap();
    assert_eq!(leak["severity"], "critical");
    assert_eq!(
        s("koda.proxy-published-paths", "/cluster/status"),
        "fail",
        "{all}"
    );
    assert_eq!(s("koda.proxy-published-paths", "/health"), "pass", "{all}");
    // Asked on this host, past the proxy, at the service's own port.
    let health = format!("http://127.0.0.1:{}/health", site.control_plane_port);
    let answered = common::findings(&report, "koda.control-plane-health")
        .into_iter()
        .find(|f| f["subject"] == health.as_str())
        .unwrap();
    assert_eq!(answered["status"], "pass", "{all}");
    assert_eq!(leak["location"]["port"], site.control_plane_port, "{leak}");
    let setup = common::findings(&report, "koda.login-csp")
        .into_iter()
        .find(|f| f["subject"].as_str().unwrap_or("").contains("/setup"))
        .unwrap();
    assert!(
        setup["message"].as_str().unwrap().contains("inert"),
        "{setup}"
    );
    // Findings point at host, port and path.
    let cookie = &common::findings(&report, "koda.session-cookie")[0];
    assert_eq!(cookie["location"]["path"], "/login", "{cookie}");
    assert_eq!(cookie["location"]["port"], site.tls_port, "{cookie}");
    assert!(!out.stdout.contains(SECRET) && !out.stderr.contains(SECRET));
}

#[test]
fn service_health_is_asked_only_on_the_host_that_serves_the_url() {
    let site = koda_site();
    // A URL port nothing listens on here: this machine is not the one serving it.
    let elsewhere = nginx::free_port();
    let mut args = audit_args(&site, &["--json"]);
    for arg in args.iter_mut() {
        *arg = arg.replace(&site.tls_port.to_string(), &elsewhere.to_string());
    }
    let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let report = out.json();
    let health = common::findings(&report, "koda.control-plane-health");
    assert_eq!(health.len(), 1, "{}", summary(&report));
    assert_eq!(health[0]["status"], "skip", "{}", health[0]);
    let message = health[0]["message"].as_str().unwrap_or("");
    assert!(message.contains("not running on the host"), "{message}");
    assert!(!out.stdout.contains(SECRET));
}

#[test]
fn the_leaked_secret_never_appears_in_any_format_or_file() {
    let site = koda_site();
    let dir = tempfile::tempdir().unwrap();
    for format in ["text", "json"] {
        let file = dir.path().join(format!("report.{format}"));
        let out = audit(
            &site,
            &["--format", format, "--output", &file.display().to_string()],
        );
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        for (what, text) in [
            ("stdout", out.stdout.clone()),
            ("stderr", out.stderr.clone()),
        ] {
            assert!(!text.contains(SECRET), "{format} {what} leaks the secret");
        }
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(
            written.contains("WEB_OPERATOR_SESSION_SECRET"),
            "{format} file"
        );
        assert!(
            !written.contains(SECRET),
            "{format} output file leaks the secret"
        );
        assert!(
            !written.contains("opaque123"),
            "{format} output file shows a cookie value"
        );
    }
}

#[test]
fn without_url_http_checks_are_skipped_with_the_reason() {
    let root = tempfile::tempdir().unwrap();
    write(root.path(), ".env", "KODA_ENV=production\n", 0o600);
    let out = run(&[
        "audit",
        "--profile",
        "koda",
        "--root",
        &root.path().display().to_string(),
        "--only",
        "http",
        "--json",
    ]);
    let report = out.json();
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["status"], "skip", "{}", summary(&report));
        assert!(f["message"].as_str().unwrap().contains("--url"), "{f}");
    }
    assert_eq!(common::findings(&report, "http.redirect").len(), 1);
}

#[test]
fn omnidev_allowlist_written_the_wrong_way_is_caught_by_the_binary() {
    let port = nginx::free_port();
    let dir = tempfile::tempdir().unwrap();
    let www = dir.path().join("www");
    std::fs::create_dir(&www).unwrap();
    std::fs::write(www.join("index.html"), "dashboard").unwrap();
    // The common wrong way: X-Forwarded-For trusted from anyone, so a client can name itself.
    let servers = format!(
        r#"
    server {{
        listen 127.0.0.1:{port};
        real_ip_header X-Forwarded-For; set_real_ip_from 0.0.0.0/0;
        location / {{ allow 10.20.0.7; deny all; root {www}; }}
        location = /api/health {{ default_type application/json; return 200 '{{"ok":true}}'; }}
        location = /api/config/validate {{ default_type application/json; return 200 '{{"github":"missing token"}}'; }}
    }}
"#,
        www = www.display()
    );
    let _nginx = nginx::start(&servers, &[port], dir);
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        ".env",
        &format!("ALLOWED_IPS=10.20.0.7, 192.168.0.0/16\nNEXTAUTH_SECRET={SECRET}\n"),
        0o600,
    );
    let out = run(&[
        "audit",
        "--profile",
        "omnidev",
        "--root",
        &root.path().display().to_string(),
        "--url",
        &format!("http://omni.test:{port}"),
        "--resolve",
        &format!("omni.test:{port}:127.0.0.1"),
        "--only",
        "http",
        "--timeout",
        "3",
        "--json",
    ]);
    let report = out.json();
    let all = summary(&report);
    let s = |id: &str, subject: &str| status_of(&report, id, subject);
    assert_eq!(
        s("omnidev.ip-allowlist-spoofing", "X-Forwarded-For"),
        "fail",
        "{all}"
    );
    assert_eq!(
        s("omnidev.ip-allowlist-spoofing", "X-Real-IP"),
        "pass",
        "{all}"
    );
    assert_eq!(
        s("omnidev.config-validate", "/api/config/validate"),
        "warn",
        "{all}"
    );
    assert_eq!(s("omnidev.health", "/api/health"), "pass", "{all}");
    assert_eq!(s("http.hsts", "omni.test"), "skip", "{all}");
    assert_eq!(out.code, 1);
    assert!(!out.stdout.contains(SECRET) && !out.stderr.contains(SECRET));
}

#[test]
fn a_stalling_server_ends_at_the_audit_deadline_as_an_error() {
    // Accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(64) {
            held.push(stream);
        }
    });
    let root = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let out = run(&[
        "audit",
        "--profile",
        "baseline",
        "--root",
        &root.path().display().to_string(),
        "--url",
        &format!("http://127.0.0.1:{port}"),
        "--only",
        "http",
        "--timeout",
        "10",
        "--deadline",
        "1",
        "--json",
    ]);
    let elapsed = started.elapsed();
    let report = out.json();
    let all = summary(&report);
    assert!(
        elapsed < std::time::Duration::from_secs(5),
        "took {elapsed:?}"
    );
    let headers = &common::findings(&report, "http.security-headers")[0];
    assert_eq!(headers["status"], "error", "{all}");
    assert!(
        headers["message"].as_str().unwrap().contains("deadline"),
        "{all}"
    );
    assert_eq!(out.code, 1);
}

/// OCMT behind nginx: the WebSocket path refuses an unauthenticated upgrade over TLS, port
/// "80" redirects it, and the MCP route's 10 MB limit answers 413 from the headers. A second
/// nginx forgets the Upgrade headers (404 at the socket path) and serves plain HTTP.
const COMPOSE_SECRET: &str = "C0mposeOnlyDbPassw0rd";

#[test]
fn ocmt_websocket_and_body_limit_judged_through_the_binary() {
    let [tls_port, plain_port, bad_tls_port, bad_plain_port, idle_port] =
        [0; 5].map(|_| nginx::free_port());
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, _) = nginx::write_tls_files(dir.path(), &["ocmt.test"]);
    let tls = |port: u16, ws: &str| {
        format!(
            r#"
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        client_max_body_size 10m;
        location /api/ws/ {{ {ws} }}
        location = /api/mcp {{ return 200 "mcp"; }}
        location = /health {{ default_type application/json; return 200 '{{"status":"ok","db":"postgres://ocmt:{COMPOSE_SECRET}@db/ocmt"}}'; }}
        location / {{ return 200 "ocmt"; }}
    }}"#,
            cert = cert.display(),
            key = key.display(),
        )
    };
    let servers = [
        tls(tls_port, "return 401;"),
        tls(bad_tls_port, "return 404;"),
        format!("server {{ listen 127.0.0.1:{plain_port}; return 301 https://$host:{tls_port}$request_uri; }}"),
        format!("server {{ listen 127.0.0.1:{bad_plain_port}; location / {{ return 401; }} }}"),
    ]
    .join("\n");
    let nginx = nginx::start(
        &servers,
        &[tls_port, plain_port, bad_tls_port, bad_plain_port],
        dir,
    );
    let root = tempfile::tempdir().unwrap();
    // The compose project's own .env, not one of the app's env files.
    write(
        root.path(),
        "deploy/.env",
        &format!("POSTGRES_PASSWORD={COMPOSE_SECRET}\n"),
        0o600,
    );
    write(
        root.path(),
        "deploy/docker-compose.yml",
        "services:\n  db:\n    image: postgres\n",
        0o644,
    );
    let audit = |https: u16, plain: u16| {
        write(
            root.path(),
            "ocmt-test.toml",
            &format!(
                r#"name = "ocmt-test"
title = "OCMT on test ports"
extends = "ocmt"

[[check]]
id = "ocmt.websocket-wss"
title = "WSS only"
kind = "http.websocket"
path = "/api/ws/"
port = {plain}
severity = "high"
remediation = "Pass the Upgrade header; redirect port 80."

[[check]]
id = "ocmt.relay-health"
title = "The relay answers on this host"
kind = "http.health"
service_port = {idle_port}
path = "/health"
json = {{ status = "ok" }}
severity = "medium"
remediation = "Start the relay."
"#
            ),
            0o644,
        );
        let out = run(&[
            "audit",
            "--profile-file",
            &root.path().join("ocmt-test.toml").display().to_string(),
            "--root",
            &root.path().display().to_string(),
            "--url",
            &format!("https://ocmt.test:{https}"),
            "--resolve",
            &format!("ocmt.test:{https}:127.0.0.1"),
            "--ca-file",
            &nginx.dir.path().join("ca.pem").display().to_string(),
            "--only",
            "http",
            "--timeout",
            "3",
            "--json",
        ]);
        out.json()
    };
    let ws = |report: &serde_json::Value, scheme: &str| -> String {
        common::findings(report, "ocmt.websocket-wss")
            .into_iter()
            .find(|f| f["subject"].as_str().unwrap_or("").starts_with(scheme))
            .map(|f| f["status"].as_str().unwrap_or("").to_string())
            .unwrap_or_else(|| panic!("no {scheme} finding: {}", summary(report)))
    };

    let good = audit(tls_port, plain_port);
    assert_eq!(ws(&good, "https://"), "pass", "{}", summary(&good));
    assert_eq!(ws(&good, "http://"), "pass", "{}", summary(&good));
    assert_eq!(
        status_of(&good, "ocmt.body-limit", "/api/mcp"),
        "pass",
        "{}",
        summary(&good)
    );
    let relay = &common::findings(&good, "ocmt.relay-health")[0];
    assert_eq!(relay["status"], "skip", "{relay}");
    assert!(
        relay["message"]
            .as_str()
            .unwrap_or("")
            .contains(&format!("nothing listens on port {idle_port}")),
        "{relay}"
    );

    // The health body leaks the compose project's database password: critical, named, unshown.
    let leak = common::findings(&good, "ocmt.health")
        .into_iter()
        .find(|f| f["severity"] == "critical")
        .unwrap_or_else(|| panic!("no leak found: {}", summary(&good)));
    assert_eq!(leak["status"], "fail");
    assert!(
        leak["message"]
            .as_str()
            .unwrap_or("")
            .contains("POSTGRES_PASSWORD"),
        "{leak}"
    );
    assert!(!good.to_string().contains(COMPOSE_SECRET));

    let bad = audit(bad_tls_port, bad_plain_port);
    assert_eq!(ws(&bad, "https://"), "fail", "{}", summary(&bad));
    assert_eq!(ws(&bad, "http://"), "warn", "{}", summary(&bad));
}

/// CLIProxyAPI behind nginx: with remote management on, its management routes answer 401
/// ("missing management key") from the public URL, which is a fail; a proxy that does not
/// route them (404) or remote management off (403) is a pass. The bare /v0/management prefix
/// is no route at all, so it is not what rampart asks.
#[test]
fn cliproxyapi_management_published_with_remote_management_on_fails() {
    let [open_port, closed_port] = [0; 2].map(|_| nginx::free_port());
    let dir = tempfile::tempdir().unwrap();
    let (cert, key, _) = nginx::write_tls_files(dir.path(), &["cpa.test"]);
    let server = |port: u16, management: &str| {
        format!(
            r#"
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        location /v0/management/ {{ {management} }}
        location = /v0/management {{ return 404; }}
        location / {{ return 200 "dashboard"; }}
    }}"#,
            cert = cert.display(),
            key = key.display(),
        )
    };
    let servers = [
        server(
            open_port,
            r#"default_type application/json; return 401 '{"error":"missing management key"}';"#,
        ),
        server(
            closed_port,
            r#"default_type application/json; return 403 '{"error":"remote management disabled"}';"#,
        ),
    ]
    .join("\n");
    let nginx = nginx::start(&servers, &[open_port, closed_port], dir);
    let root = tempfile::tempdir().unwrap();
    let management = |port: u16| -> Vec<String> {
        let out = run(&[
            "audit",
            "--profile",
            "cliproxyapi",
            "--root",
            &root.path().display().to_string(),
            "--url",
            &format!("https://cpa.test:{port}"),
            "--resolve",
            &format!("cpa.test:{port}:127.0.0.1"),
            "--ca-file",
            &nginx.dir.path().join("ca.pem").display().to_string(),
            "--only",
            "http",
            "--timeout",
            "3",
            "--json",
        ]);
        let report = out.json();
        common::findings(&report, "cliproxyapi.management-not-public")
            .iter()
            .map(|f| f["status"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(management(open_port), ["fail", "fail"]);
    assert_eq!(management(closed_port), ["pass", "pass"]);
}
