//! The HTTP fact gatherer against real in-process servers on loopback, and the judges on
//! what it gathered.

#[path = "common/http_server.rs"]
mod http_server;
#[path = "common/pki.rs"]
mod pki;

use http_server::{pki, reply, start, Route};
use rampart::checks::http::{
    access, allowlist, body_limit, cookie::SameSite, cookies, headers, health, websocket,
};
use rampart::finding::{Severity, Status};
use rampart::net::http::{
    HttpError, HttpFetcher, HttpRequest, HttpSettings, Method, RedirectStop, BODY_LIMIT,
};
use rampart::net::rustls_probe::roots::TrustRoots;
use rampart::target::ResolveOverride;
use reqwest::Url;
use std::sync::Arc;
use std::time::{Duration, Instant};

const HOST: &str = "app.test";

fn fetcher(
    port: u16,
    ca: &[rustls::pki_types::CertificateDer<'static>],
    timeout: Duration,
) -> HttpFetcher {
    let settings = HttpSettings {
        resolve: vec![ResolveOverride::parse(&format!("{HOST}:{port}:127.0.0.1")).unwrap()],
        timeout,
        sockets: Arc::new(tokio::sync::Semaphore::new(16)),
    };
    HttpFetcher::new(settings, &TrustRoots::load(ca))
}

fn url(scheme: &str, port: u16, path: &str) -> Url {
    Url::parse(&format!("{scheme}://{HOST}:{port}{path}")).unwrap()
}

#[tokio::test]
async fn https_through_ca_file_and_resolve_keeps_every_header() {
    let pki = pki(&[HOST]);
    let server = start(
        vec![(
            "/login",
            reply(
                200,
                &[
                    (
                        "set-cookie",
                        "koda_operator_session=abc; Secure; HttpOnly; SameSite=Strict",
                    ),
                    ("set-cookie", "theme=dark"),
                    (
                        "content-security-policy",
                        "default-src 'self'; script-src 'self' 'unsafe-inline'",
                    ),
                    ("x-frame-options", "DENY"),
                ],
                "<html>",
            ),
        )],
        Some(pki.server.clone()),
    )
    .await;
    let port = server.addr.port();
    let f = fetcher(
        port,
        std::slice::from_ref(&pki.ca_der),
        Duration::from_secs(5),
    );
    let outcome = f
        .fetch(&HttpRequest::get(url("https", port, "/login")))
        .await;
    let response = outcome.as_ref().as_ref().expect("an answer");
    assert_eq!(response.status, 200);
    assert_eq!(response.set_cookies().len(), 2);
    assert_eq!(response.body, b"<html>");

    let rules = headers::HttpHeaders {
        csp_scripts: true,
        ..Default::default()
    };
    let observations = headers::judge(&outcome, &rules);
    let by = |suffix: &str| {
        observations
            .iter()
            .find(|o| o.subject.ends_with(suffix))
            .unwrap()
            .status
    };
    assert_eq!(by("x-content-type-options"), Status::Fail);
    assert_eq!(by("clickjacking"), Status::Pass);
    assert_eq!(by("content-security-policy"), Status::Fail);

    let cookie_rules = cookies::CookieRules {
        secure: true,
        http_only: true,
        same_site: Some(SameSite::Strict),
    };
    assert_eq!(
        cookies::judge(&outcome, "koda_operator_session", &cookie_rules)[0].status,
        Status::Pass
    );
    assert_eq!(
        cookies::judge(&outcome, "theme", &cookie_rules)[0].status,
        Status::Fail
    );
    assert_eq!(
        cookies::judge(&outcome, "never_set", &cookie_rules)[0].status,
        Status::Skip
    );
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_tls_error() {
    let pki = pki(&[HOST]);
    let server = start(vec![("/", reply(200, &[], "hi"))], Some(pki.server.clone())).await;
    let port = server.addr.port();
    let f = fetcher(port, &[], Duration::from_secs(5));
    let outcome = f.fetch(&HttpRequest::get(url("https", port, "/"))).await;
    assert!(
        matches!(outcome.as_ref(), Err(HttpError::Tls { .. })),
        "{outcome:?}"
    );
    assert_eq!(server.hits("GET /"), 0);
}

#[tokio::test]
async fn redirects_stay_on_the_host_and_loops_stop() {
    let server = start(
        vec![
            (
                "/start",
                reply(
                    302,
                    &[("location", "/final"), ("set-cookie", "sid=1; Secure")],
                    "",
                ),
            ),
            ("/final", reply(200, &[], "done")),
            (
                "/offhost",
                reply(302, &[("location", "https://elsewhere.test/steal")], ""),
            ),
            ("/loop-a", reply(302, &[("location", "/loop-b")], "")),
            ("/loop-b", reply(301, &[("location", "/loop-a")], "")),
        ],
        None,
    )
    .await;
    let port = server.addr.port();
    let f = fetcher(port, &[], Duration::from_secs(5));
    let outcome = f
        .fetch(&HttpRequest::get(url("http", port, "/start")))
        .await;
    let r = outcome.as_ref().as_ref().unwrap();
    assert_eq!(
        (r.status, r.url.path(), r.redirects.len()),
        (200, "/final", 1)
    );
    assert_eq!(r.redirects[0].status, 302);
    assert_eq!(r.set_cookies(), vec!["sid=1; Secure"]);

    let outcome = f
        .fetch(&HttpRequest::get(url("http", port, "/offhost")))
        .await;
    let r = outcome.as_ref().as_ref().unwrap();
    assert_eq!(r.status, 302);
    assert!(
        matches!(&r.stopped, Some(RedirectStop::OffHost { location }) if location.contains("elsewhere.test"))
    );

    let outcome = f
        .fetch(&HttpRequest::get(url("http", port, "/loop-a")))
        .await;
    let r = outcome.as_ref().as_ref().unwrap();
    assert!(
        matches!(r.stopped, Some(RedirectStop::Loop { .. })),
        "{:?}",
        r.stopped
    );
    assert_eq!(server.hits("GET /loop-a"), 1);
    assert_eq!(server.hits("GET /loop-b"), 1);

    // Not following: the first answer is what is judged.
    let outcome = f
        .fetch(&HttpRequest::get(url("http", port, "/start")).no_follow())
        .await;
    assert_eq!(outcome.as_ref().as_ref().unwrap().status, 302);
    assert_eq!(
        access::judge(&outcome, &["/login"], &[401, 403, 404])[0].status,
        Status::Fail
    );
}

#[tokio::test]
async fn a_stalled_server_times_out_and_bodies_are_capped() {
    let server = start(
        vec![
            ("/stall", Route::Stall(Duration::from_secs(20))),
            ("/big", Route::Big(3 * BODY_LIMIT)),
        ],
        None,
    )
    .await;
    let port = server.addr.port();
    let f = fetcher(port, &[], Duration::from_millis(400));
    let started = Instant::now();
    let outcome = f
        .fetch(&HttpRequest::get(url("http", port, "/stall")))
        .await;
    assert!(
        matches!(outcome.as_ref(), Err(HttpError::Timeout { .. })),
        "{outcome:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));

    let f = fetcher(port, &[], Duration::from_secs(10));
    let outcome = f.fetch(&HttpRequest::get(url("http", port, "/big"))).await;
    let r = outcome.as_ref().as_ref().unwrap();
    assert_eq!(r.body.len(), BODY_LIMIT);
    assert!(r.body_truncated);
}

#[tokio::test]
async fn a_closed_port_is_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let f = fetcher(port, &[], Duration::from_secs(5));
    let outcome = f.fetch(&HttpRequest::get(url("http", port, "/"))).await;
    assert!(
        matches!(outcome.as_ref(), Err(HttpError::Refused { .. })),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn each_request_is_made_once_and_requests_run_concurrently() {
    let server = start(
        vec![
            ("/slow1", Route::Stall(Duration::from_millis(400))),
            ("/slow2", Route::Stall(Duration::from_millis(400))),
            ("/slow3", Route::Stall(Duration::from_millis(400))),
        ],
        None,
    )
    .await;
    let port = server.addr.port();
    let f = fetcher(port, &[], Duration::from_secs(5));
    let requests: Vec<HttpRequest> = ["/slow1", "/slow2", "/slow3", "/slow1", "/slow2"]
        .iter()
        .map(|p| HttpRequest::get(url("http", port, p)))
        .collect();
    let started = Instant::now();
    let outcomes = f.fetch_all(&requests).await;
    let elapsed = started.elapsed();
    assert!(outcomes
        .iter()
        .all(|o| o.as_ref().as_ref().is_ok_and(|r| r.status == 200)));
    assert!(
        elapsed < Duration::from_millis(1000),
        "not concurrent: {elapsed:?}"
    );
    assert_eq!(
        (server.hits("GET /slow1"), server.hits("GET /slow2")),
        (1, 1)
    );
    assert_eq!(f.distinct_requests(), 3);
    // A forged header makes a different request.
    f.fetch(&HttpRequest::get(url("http", port, "/slow1")).with_header("X-Real-IP", "10.0.0.1"))
        .await;
    assert_eq!(server.hits("GET /slow1"), 2);
}

#[tokio::test]
async fn body_limit_probe_sends_no_body() {
    let server = start(
        vec![
            ("/refuses", Route::RefuseLarge(10 * 1024 * 1024)),
            ("/waits", Route::ReadBody),
        ],
        None,
    )
    .await;
    let port = server.addr.port();
    let f = fetcher(port, &[], Duration::from_millis(800));
    let declared = 10 * 1024 * 1024 + 1;
    let probe = |path: &str| HttpRequest {
        method: Method::OversizedPost {
            declared,
            content_type: None,
        },
        ..HttpRequest::get(url("http", port, path)).no_follow()
    };
    let refused = f.fetch(&probe("/refuses")).await;
    assert_eq!(
        body_limit::judge(&refused, declared)[0].status,
        Status::Pass
    );
    let waited = f.fetch(&probe("/waits")).await;
    let o = &body_limit::judge(&waited, declared)[0];
    assert_eq!(o.status, Status::Warn, "{o:?}");
    assert!(o.message.contains("not refused up front"));
}

#[tokio::test]
async fn body_limit_probe_declares_the_type_whose_parser_holds_the_limit() {
    // OCMT's /api/mcp: express.raw({ type: "application/json", limit: "10mb" }).
    let server = start(
        vec![(
            "/api/mcp",
            Route::LimitForType("application/json", 10 * 1024 * 1024),
        )],
        None,
    )
    .await;
    let port = server.addr.port();
    let f = fetcher(port, &[], Duration::from_millis(800));
    let declared = 10 * 1024 * 1024 + 1;
    let probe = |content_type: Option<&str>| HttpRequest {
        method: Method::OversizedPost {
            declared,
            content_type: content_type.map(str::to_string),
        },
        ..HttpRequest::get(url("http", port, "/api/mcp")).no_follow()
    };
    let json = f.fetch(&probe(Some("application/json"))).await;
    assert_eq!(body_limit::judge(&json, declared)[0].status, Status::Pass);
    let untyped = f.fetch(&probe(None)).await;
    assert_ne!(
        body_limit::judge(&untyped, declared)[0].status,
        Status::Pass
    );
}

#[tokio::test]
async fn websocket_upgrades_over_tls_and_never_over_plain_http() {
    let pki = pki(&[HOST]);
    let tls = start(
        vec![
            ("/api/ws/", Route::WebSocket),
            ("/auth/ws/", reply(401, &[], "")),
        ],
        Some(pki.server.clone()),
    )
    .await;
    let upgrade = |scheme: &str, port: u16, path: &str| HttpRequest {
        method: Method::WebSocketUpgrade,
        ..HttpRequest::get(url(scheme, port, path)).no_follow()
    };
    let tls_port = tls.addr.port();
    let f = fetcher(
        tls_port,
        std::slice::from_ref(&pki.ca_der),
        Duration::from_secs(5),
    );
    let judge_tls = |outcome: &Result<_, _>| websocket::judge_tls("wss", outcome);
    // A real handshake, answered with the accept for rampart's own key.
    let o = judge_tls(&*f.fetch(&upgrade("https", tls_port, "/api/ws/")).await);
    assert_eq!(o.status, Status::Pass, "{o:?}");
    let o = judge_tls(&*f.fetch(&upgrade("https", tls_port, "/auth/ws/")).await);
    assert_eq!(o.status, Status::Pass, "{o:?}");
    // A proxy that drops the Upgrade header: the app sees a plain GET with no route.
    let o = judge_tls(&*f.fetch(&upgrade("https", tls_port, "/elsewhere")).await);
    assert_eq!(o.status, Status::Fail, "{o:?}");
    assert!(o.message.contains("404"), "{}", o.message);

    let plain = start(vec![("/api/ws/", Route::WebSocket)], None).await;
    let redirecting = start(
        vec![(
            "/api/ws/",
            reply(301, &[("location", "https://app.test/api/ws/")], ""),
        )],
        None,
    )
    .await;
    for (server, want) in [(&plain, Status::Fail), (&redirecting, Status::Pass)] {
        let port = server.addr.port();
        let f = fetcher(port, &[], Duration::from_secs(5));
        let o = websocket::judge_plain(
            "ws",
            &*f.fetch(&upgrade("http", port, "/api/ws/")).await,
            port,
        );
        assert_eq!(o.status, want, "{o:?}");
    }
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let f = fetcher(closed, &[], Duration::from_secs(5));
    let o = websocket::judge_plain(
        "ws",
        &*f.fetch(&upgrade("http", closed, "/api/ws/")).await,
        closed,
    );
    assert_eq!(o.status, Status::Pass, "{o:?}");
    assert!(o.message.contains("refuses"), "{}", o.message);
}

#[tokio::test]
async fn a_header_trusting_allowlist_is_caught_naming_the_header() {
    let server = start(
        vec![("/", Route::TrustHeader("x-forwarded-for", "10.0.0.1"))],
        None,
    )
    .await;
    let port = server.addr.port();
    let f = fetcher(port, &[], Duration::from_secs(5));
    let ip = allowlist::forged_address("10.0.0.0/8,192.168.1.5").unwrap();
    let base = HttpRequest::get(url("http", port, "/")).no_follow();
    let outcomes = f.fetch_all(&allowlist::probe_requests(&base, ip)).await;
    let all = allowlist::judge_probes(&outcomes, ip);
    assert_eq!(all[0].status, Status::Fail);
    assert!(all[0].subject.ends_with("X-Forwarded-For") && all[0].message.contains("bypassable"));
    assert_eq!(all[1].status, Status::Pass);
}

#[tokio::test]
async fn a_health_body_leaking_a_secret_names_the_variable() {
    let secret = "Zq8-leaky-session-secret-0123456789";
    let server = start(
        vec![(
            "/health",
            reply(
                200,
                &[("content-type", "application/json")],
                &format!(r#"{{"status":"ok","debug":"{secret}"}}"#),
            ),
        )],
        None,
    )
    .await;
    let port = server.addr.port();
    let f = fetcher(port, &[], Duration::from_secs(5));
    let outcome = f
        .fetch(&HttpRequest::get(url("http", port, "/health")))
        .await;
    let rules = health::HealthRules {
        status: 200,
        fields: vec![("status".into(), serde_json::json!("ok"))],
    };
    let all = health::judge(
        &outcome,
        &rules,
        &[health::EnvSecret::value_of(
            "WEB_OPERATOR_SESSION_SECRET",
            secret,
        )],
    );
    assert_eq!(all[0].status, Status::Fail);
    assert_eq!(all[0].severity, Some(Severity::Critical));
    assert!(all[0].message.contains("WEB_OPERATOR_SESSION_SECRET"));
    assert!(!format!("{all:?}").contains(secret));
    assert_eq!(all[1].status, Status::Pass);
}

#[tokio::test]
async fn head_reads_headers_and_no_body() {
    let server = start(
        vec![(
            "/",
            reply(200, &[("x-content-type-options", "nosniff")], "a body"),
        )],
        None,
    )
    .await;
    let port = server.addr.port();
    let f = fetcher(port, &[], Duration::from_secs(5));
    let request = HttpRequest {
        method: Method::Head,
        ..HttpRequest::get(url("http", port, "/"))
    };
    let outcome = f.fetch(&request).await;
    let r = outcome.as_ref().as_ref().unwrap();
    assert_eq!(
        (r.status, r.header("X-Content-Type-Options")),
        (200, Some("nosniff"))
    );
    assert!(r.body.is_empty());
    assert_eq!(server.hits("HEAD /"), 1);
}
