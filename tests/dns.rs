//! DNS facts and judges against an in-process DNS server on 127.0.0.1.

mod common;

use common::dns::{DnsServer, Zone};
use rampart::checks::dns::{judge_caa, judge_points_at, judge_resolves};
use rampart::facts::dns::{Answer, Dns};
use rampart::finding::{Severity, Status};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn zone() -> Zone {
    Zone::new()
        .exists("test")
        // CAA on the parent only: www inherits it.
        .caa_issue("caa.test", "letsencrypt.org")
        .a("www.caa.test", Ipv4Addr::new(127, 0, 0, 10))
        .aaaa("www.caa.test", Ipv6Addr::LOCALHOST)
        // CAA on the name itself.
        .caa_issue("own.caa.test", "pki.goog")
        .a("own.caa.test", Ipv4Addr::new(127, 0, 0, 11))
        // No CAA anywhere up the tree.
        .exists("nocaa.test")
        .a("app.nocaa.test", Ipv4Addr::new(127, 0, 0, 12))
        .exists("empty.test")
        .broken("broken.test")
}

#[test]
fn host_resolves_through_the_given_server() {
    let server = DnsServer::start(zone());
    runtime().block_on(async {
        let dns = Dns::new(Some(server.addr), Duration::from_secs(2)).unwrap();
        let facts = dns.addresses("www.caa.test").await;
        assert_eq!(
            facts.all(),
            vec![
                IpAddr::from([127, 0, 0, 10]),
                IpAddr::V6(Ipv6Addr::LOCALHOST)
            ]
        );
        let obs = judge_resolves(&facts);
        assert_eq!(obs[0].status, Status::Pass, "{obs:?}");
        assert!(obs[0].message.contains("127.0.0.10"));

        let missing = dns.addresses("nowhere.test").await;
        assert_eq!(missing.v4, Ok(Answer::NxDomain));
        let obs = judge_resolves(&missing);
        assert_eq!(obs[0].status, Status::Fail);
        assert!(obs[0].message.contains("NXDOMAIN"), "{}", obs[0].message);

        let empty = dns.addresses("empty.test").await;
        assert_eq!(empty.v4, Ok(Answer::NoData));
        assert_eq!(judge_resolves(&empty)[0].status, Status::Fail);

        let broken = dns.addresses("broken.test").await;
        assert!(broken.v4.is_err(), "{broken:?}");
        assert_eq!(judge_resolves(&broken)[0].status, Status::Error);
    });
    assert!(
        server.queries() >= 6,
        "the test server answered the lookups"
    );
}

#[test]
fn caa_is_found_on_the_name_inherited_from_the_parent_or_missing() {
    let server = DnsServer::start(zone());
    runtime().block_on(async {
        let dns = Dns::new(Some(server.addr), Duration::from_secs(2)).unwrap();

        let own = dns.caa("own.caa.test").await.unwrap();
        assert_eq!(own.queried, vec!["own.caa.test"]);
        let obs = judge_caa(&own);
        assert_eq!(obs[0].status, Status::Pass);
        assert!(
            obs[0].message.contains("own.caa.test has CAA"),
            "{}",
            obs[0].message
        );
        assert!(obs[0].message.contains("pki.goog"));

        let inherited = dns.caa("www.caa.test").await.unwrap();
        assert_eq!(inherited.queried, vec!["www.caa.test", "caa.test"]);
        let obs = judge_caa(&inherited);
        assert_eq!(obs[0].status, Status::Pass);
        assert!(
            obs[0]
                .message
                .contains("inherits the CAA records of caa.test"),
            "{}",
            obs[0].message
        );
        assert!(obs[0].message.contains("letsencrypt.org"));

        let none = dns.caa("app.nocaa.test").await.unwrap();
        assert_eq!(none.queried, vec!["app.nocaa.test", "nocaa.test", "test"]);
        let obs = judge_caa(&none);
        assert_eq!(obs[0].status, Status::Warn);
        assert_eq!(obs[0].severity, Some(Severity::Info));

        // An unanswered level (SERVFAIL on broken.test) stops the climb with an error: it
        // cannot be taken as "no CAA".
        let failed = dns.caa("x.broken.test").await;
        assert!(failed.is_err(), "{failed:?}");
    });
}

#[test]
fn points_at_compares_dns_with_the_audited_address() {
    let server = DnsServer::start(zone());
    runtime().block_on(async {
        let dns = Dns::new(Some(server.addr), Duration::from_secs(2)).unwrap();
        let facts = dns.addresses("own.caa.test").await;
        let here = judge_points_at(&facts, IpAddr::from([127, 0, 0, 11]));
        assert_eq!(here[0].status, Status::Pass);
        let elsewhere = judge_points_at(&facts, IpAddr::from([127, 0, 0, 99]));
        assert_eq!(elsewhere[0].status, Status::Warn);
        assert!(elsewhere[0]
            .message
            .starts_with("DNS still points elsewhere"));
    });
}

#[test]
fn a_silent_server_times_out_within_the_bound() {
    // Bound but never answering: the query must give up after the timeout.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let started = std::time::Instant::now();
    runtime().block_on(async {
        let dns = Dns::new(Some(addr), Duration::from_millis(300)).unwrap();
        let facts = dns.addresses("www.caa.test").await;
        assert!(facts.v4.is_err() && facts.v6.is_err(), "{facts:?}");
        assert_eq!(judge_resolves(&facts)[0].status, Status::Error);
    });
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
