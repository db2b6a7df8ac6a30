//! The renegotiation probe (a minimal TLS 1.2 client on ring) against real `openssl s_server`
//! processes: one that allows client-initiated renegotiation and one that refuses it.

mod common;

use common::openssl::{s_server, self_signed};
use rampart::net::connect::Endpoint;
use rampart::net::renegotiation::{probe, ClientInitiated, RenegotiationError};
use std::time::Duration;

fn endpoint(port: u16) -> Endpoint {
    Endpoint {
        host: "localhost".into(),
        port,
        addrs: vec![([127, 0, 0, 1], port).into()],
    }
}

fn run(
    key: &str,
    args: &[&str],
) -> Result<rampart::net::renegotiation::RenegotiationProbe, RenegotiationError> {
    let dir = tempfile::tempdir().unwrap();
    let (cert, keyf) = self_signed(dir.path(), "server", key, &[]);
    let server = s_server(dir.path(), &cert, &keyf, args);
    probe(&endpoint(server.port), Duration::from_secs(3))
}

#[test]
fn client_initiated_renegotiation_is_seen_when_the_server_allows_it() {
    let p = run("rsa:2048", &["-client_renegotiation"]).expect("probe completes");
    assert!(p.secure_renegotiation);
    assert_eq!(p.client_initiated, ClientInitiated::Accepted);
}

#[test]
fn a_default_server_refuses_client_initiated_renegotiation() {
    let p = run("rsa:2048", &["-tls1_2"]).expect("probe completes");
    assert!(p.secure_renegotiation);
    assert!(
        matches!(p.client_initiated, ClientInitiated::Refused { ref reason } if reason.contains("no_renegotiation")),
        "{p:?}"
    );
}

#[test]
fn a_server_without_the_probes_suites_is_unsupported_not_refused() {
    let e = run("rsa:2048", &["-tls1_2", "-cipher", "AES128-SHA"]).unwrap_err();
    assert!(matches!(e, RenegotiationError::Unsupported(_)), "{e:?}");
}

#[test]
fn audit_fails_a_server_that_renegotiates_at_the_clients_request() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, keyf) = self_signed(dir.path(), "server", "rsa:2048", &[]);
    let allowing = s_server(dir.path(), &cert, &keyf, &["-client_renegotiation"]);
    let refusing = s_server(dir.path(), &cert, &keyf, &[]);
    for (server, want) in [(&allowing, "fail"), (&refusing, "pass")] {
        let report = common::audit_localhost(server.port, &["--only", "tls"]);
        assert_eq!(
            common::status_of(
                &report,
                "tls.renegotiation",
                "client-initiated renegotiation"
            ),
            want,
            "{}",
            common::summary(&report)
        );
        assert_eq!(
            common::status_of(&report, "tls.renegotiation", "secure renegotiation"),
            "pass"
        );
    }
}
