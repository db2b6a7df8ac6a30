//! The HTTP judges against a real nginx: the port-80 redirect in its usual forms, HSTS sent
//! over plain HTTP, and an IP allowlist written the common wrong way next to the right way.

#[path = "common/nginx.rs"]
mod nginx;
#[path = "common/pki.rs"]
mod pki;

use rampart::checks::http::{allowlist, hsts_check, redirect};
use rampart::finding::Status;
use rampart::net::http::{HttpFetcher, HttpRequest, HttpSettings};
use rampart::net::rustls_probe::roots::TrustRoots;
use rampart::target::ResolveOverride;
use reqwest::Url;
use std::sync::Arc;
use std::time::Duration;

const HOST: &str = "shop.test";

fn fetcher() -> HttpFetcher {
    let settings = HttpSettings {
        // One pin for the host covers every port (the HTTPS port's pin is reused for :80).
        resolve: vec![ResolveOverride::parse(&format!("{HOST}:443:127.0.0.1")).unwrap()],
        timeout: Duration::from_secs(5),
        sockets: Arc::new(tokio::sync::Semaphore::new(16)),
    };
    HttpFetcher::new(settings, &TrustRoots::load(&[]))
}

fn url(port: u16, path: &str) -> Url {
    Url::parse(&format!("http://{HOST}:{port}{path}")).unwrap()
}

#[tokio::test]
async fn port_80_redirects_judged_against_nginx() {
    let [permanent, temporary, content, elsewhere, closed] = [0; 5].map(|_| nginx::free_port());
    let servers = format!(
        r#"
    server {{ listen 127.0.0.1:{permanent}; return 301 https://$host$request_uri; }}
    server {{ listen 127.0.0.1:{temporary}; return 302 https://$host/; }}
    server {{ listen 127.0.0.1:{content};
             add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
             location / {{ return 200 "welcome over plain http"; }} }}
    server {{ listen 127.0.0.1:{elsewhere}; return 301 https://other.test/; }}
"#
    );
    let _nginx = nginx::start(
        &servers,
        &[permanent, temporary, content, elsewhere],
        tempfile::tempdir().unwrap(),
    );
    let f = fetcher();
    let ports = [permanent, temporary, content, elsewhere, closed];
    let requests: Vec<_> = ports
        .iter()
        .map(|p| HttpRequest::get(url(*p, "/")).no_follow())
        .collect();
    let outcomes = f.fetch_all(&requests).await;
    let judged: Vec<_> = outcomes
        .iter()
        .map(|o| redirect::judge("http://shop.test/", o, HOST, false).remove(0))
        .collect();
    let statuses: Vec<Status> = judged.iter().map(|o| o.status).collect();
    assert_eq!(
        statuses,
        vec![
            Status::Pass,
            Status::Warn,
            Status::Fail,
            Status::Fail,
            Status::Fail
        ],
        "{judged:#?}"
    );
    assert!(judged[2].message.contains("200"), "{}", judged[2].message);
    assert!(
        judged[3].message.contains("another host"),
        "{}",
        judged[3].message
    );
    assert!(
        judged[4].message.contains("refused"),
        "{}",
        judged[4].message
    );
    assert_eq!(
        redirect::judge("s", &outcomes[4], HOST, true)[0].status,
        Status::Pass
    );

    // HSTS sent over plain HTTP does not count.
    let hsts = hsts_check::judge(&outcomes[2], hsts_check::DEFAULT_MIN_MAX_AGE, true);
    assert_eq!(hsts[0].status, Status::Fail);
    assert!(
        hsts[0].message.contains("plain HTTP"),
        "{}",
        hsts[0].message
    );
}

#[tokio::test]
async fn allowlist_trusting_any_forwarded_for_is_bypassable() {
    let [wrong, right] = [0; 2].map(|_| nginx::free_port());
    let dir = tempfile::tempdir().unwrap();
    let www = dir.path().join("www");
    std::fs::create_dir(&www).unwrap();
    std::fs::write(www.join("index.html"), "admin area").unwrap();
    let www = www.display();
    // `return` would answer before the access phase; serve a file so allow/deny apply.
    // Wrong: trusts X-Forwarded-For from anyone. Right: only from the real proxy's address.
    let servers = format!(
        r#"
    server {{ listen 127.0.0.1:{wrong};
             real_ip_header X-Forwarded-For; set_real_ip_from 0.0.0.0/0;
             allow 10.0.0.1; deny all;
             root {www}; }}
    server {{ listen 127.0.0.1:{right};
             real_ip_header X-Forwarded-For; set_real_ip_from 192.0.2.10;
             allow 10.0.0.1; deny all;
             root {www}; }}
"#
    );
    let _nginx = nginx::start(&servers, &[wrong, right], dir);
    let f = fetcher();
    let ip = allowlist::forged_address("10.0.0.0/8").unwrap();
    let mut verdicts = Vec::new();
    for port in [wrong, right] {
        let plain = HttpRequest::get(url(port, "/")).no_follow();
        let outcomes = f.fetch_all(&allowlist::probe_requests(&plain, ip)).await;
        verdicts.push(allowlist::judge_probes(&outcomes, ip));
    }
    let statuses =
        |v: &Vec<rampart::finding::Observation>| v.iter().map(|o| o.status).collect::<Vec<_>>();
    assert_eq!(
        statuses(&verdicts[0]),
        vec![Status::Fail, Status::Pass],
        "{:#?}",
        verdicts[0]
    );
    assert!(verdicts[0][0].message.contains("X-Forwarded-For"));
    assert_eq!(
        statuses(&verdicts[1]),
        vec![Status::Pass, Status::Pass],
        "{:#?}",
        verdicts[1]
    );
}
