//! Judging answers, and whole scans against fake servers on loopback.

use super::*;
use crate::net::hello::{Alert, ServerHello};

fn addr() -> SocketAddr {
    "127.0.0.1:8443".parse().unwrap()
}

fn hello(version: u16, suites: &[u16]) -> ClientHello<'_> {
    ClientHello {
        version,
        cipher_suites: suites,
        server_name: None,
        extras: Default::default(),
    }
}

fn server_hello(version: u16, cipher_suite: u16) -> ServerAnswer {
    ServerAnswer::Hello(ServerHello {
        version,
        cipher_suite,
        ..Default::default()
    })
}

#[test]
fn version_probe_accepts_only_the_exact_version_offered() {
    let h = hello(hello::TLS10, &[0xC013, 0x002F]);
    assert_eq!(
        judge(
            &h,
            server_hello(hello::TLS10, 0xC013),
            addr(),
            Acceptance::ExactVersion
        ),
        ProbeOutcome::Accepted(Negotiated {
            version: hello::TLS10,
            suite: 0xC013
        })
    );
    assert_eq!(
        judge(
            &h,
            server_hello(hello::TLS12, 0xC013),
            addr(),
            Acceptance::ExactVersion
        ),
        ProbeOutcome::NotAccepted {
            reason: "answered with TLS 1.2".into()
        }
    );
    let h11 = hello(hello::TLS11, &[0x002F]);
    assert_eq!(
        judge(
            &h11,
            server_hello(hello::TLS10, 0x002F),
            addr(),
            Acceptance::ExactVersion
        ),
        ProbeOutcome::NotAccepted {
            reason: "answered with TLS 1.0".into()
        }
    );
}

#[test]
fn cipher_probe_accepts_a_lower_version_but_not_a_higher_one() {
    let h = hello(hello::TLS12, &[0x0002]);
    assert!(matches!(
        judge(
            &h,
            server_hello(hello::TLS10, 0x0002),
            addr(),
            Acceptance::UpToOffered
        ),
        ProbeOutcome::Accepted(Negotiated {
            version: hello::TLS10,
            ..
        })
    ));
    assert!(matches!(
        judge(
            &h,
            server_hello(hello::TLS13, 0x0002),
            addr(),
            Acceptance::UpToOffered
        ),
        ProbeOutcome::NotAccepted { .. }
    ));
}

#[test]
fn a_suite_that_was_not_offered_is_a_failure_not_a_verdict() {
    let h = hello(hello::TLS12, &[0x0002]);
    let ProbeOutcome::Failed(f) = judge(
        &h,
        server_hello(hello::TLS12, 0xC02F),
        addr(),
        Acceptance::UpToOffered,
    ) else {
        panic!("expected a failure");
    };
    assert_eq!(
        f.to_string(),
        "127.0.0.1:8443: answered TLS 1.2 but chose TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, \
         which was not offered"
    );
}

#[test]
fn alerts_and_closed_connections_are_refusals_and_garbage_is_a_failure() {
    let h = hello(hello::TLS11, &[0x002F]);
    let alert = ServerAnswer::Alert(Alert {
        level: 2,
        description: 70,
    });
    assert_eq!(
        judge(&h, alert, addr(), Acceptance::ExactVersion),
        ProbeOutcome::NotAccepted {
            reason: "alert protocol_version".into()
        }
    );
    assert!(matches!(
        judge(
            &h,
            ServerAnswer::Closed { reset: true },
            addr(),
            Acceptance::ExactVersion
        ),
        ProbeOutcome::NotAccepted { ref reason } if reason.contains("reset")
    ));
    let ProbeOutcome::Failed(f) = judge(
        &h,
        ServerAnswer::Invalid("not TLS: x".into()),
        addr(),
        Acceptance::ExactVersion,
    ) else {
        panic!("expected a failure");
    };
    assert_eq!(f.to_string(), "127.0.0.1:8443: not TLS: x");
}

#[test]
fn identical_failures_collapse_but_mixed_outcomes_do_not() {
    let refused = ProbeOutcome::Failed(ProbeFailure::Net(NetError::Refused { addr: addr() }));
    let scan = LegacyScan {
        results: TlsVersion::LEGACY
            .into_iter()
            .map(|v| (v, refused.clone()))
            .collect(),
    };
    assert_eq!(
        scan.common_failure().map(ToString::to_string),
        Some("connection to 127.0.0.1:8443 refused".into())
    );
    let mut mixed = scan.clone();
    mixed.results[1].1 = ProbeOutcome::NotAccepted {
        reason: "alert protocol_version".into(),
    };
    assert_eq!(mixed.common_failure(), None);
}

#[test]
fn accepted_suites_are_listed_once_with_every_version() {
    let result = ClassResult {
        class: WeakClass::Null,
        accepted: vec![
            Negotiated {
                version: hello::TLS12,
                suite: 0x0002,
            },
            Negotiated {
                version: hello::TLS12,
                suite: 0x003B,
            },
            Negotiated {
                version: hello::TLS10,
                suite: 0x0002,
            },
        ],
        endings: vec![],
        truncated: false,
    };
    assert_eq!(
        result.accepted_suites(),
        vec![
            "TLS_RSA_WITH_NULL_SHA (TLS 1.2, TLS 1.0)".to_string(),
            "TLS_RSA_WITH_NULL_SHA256 (TLS 1.2)".to_string(),
        ]
    );
}

// --- Whole scans against a fake TLS server on loopback -------------------------------------

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Instant;

/// What a fake server does with a ClientHello: given the client version and offered suites,
/// the bytes to answer with (`None`: say nothing and hold the connection open).
type Policy = fn(u16, &[u16]) -> Option<Vec<u8>>;

/// Serves every connection on its own thread until the test process ends.
fn fake_server(policy: Policy) -> Endpoint {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream, policy));
        }
    });
    Endpoint {
        host: "127.0.0.1".into(),
        port: addr.port(),
        addrs: vec![addr],
    }
}

fn serve(mut stream: TcpStream, policy: Policy) {
    let Some((version, suites)) = read_client_hello(&mut stream) else {
        return;
    };
    match policy(version, &suites) {
        Some(answer) => {
            // Byte by byte, so the client has to reassemble records across reads.
            let _ = stream.set_nodelay(true);
            for b in answer {
                if stream.write_all(&[b]).is_err() {
                    return;
                }
            }
        }
        None => std::thread::sleep(Duration::from_secs(10)),
    }
}

fn read_client_hello(stream: &mut TcpStream) -> Option<(u16, Vec<u16>)> {
    let mut header = [0u8; 5];
    stream.read_exact(&mut header).ok()?;
    let mut body = vec![0u8; usize::from(u16::from_be_bytes([header[3], header[4]]))];
    stream.read_exact(&mut body).ok()?;
    // handshake header (4), version (2), random (32), session id (1 + 0)
    let version = u16::from_be_bytes([body[4], body[5]]);
    let at = 4 + 2 + 32 + 1 + usize::from(body[38]);
    let len = usize::from(u16::from_be_bytes([body[at], body[at + 1]]));
    let suites = body[at + 2..at + 2 + len]
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .filter(|s| *s != hello::RENEGOTIATION_INFO_SCSV)
        .collect();
    Some((version, suites))
}

fn server_hello_record(version: u16, suite: u16) -> Vec<u8> {
    let mut body = version.to_be_bytes().to_vec();
    body.extend_from_slice(&[5; 32]);
    body.push(0);
    body.extend_from_slice(&suite.to_be_bytes());
    body.push(0);
    let mut message = vec![2, 0, 0, body.len() as u8];
    message.extend_from_slice(&body);
    // A Certificate message in the same record, which the client must not need.
    message.extend_from_slice(&[11, 0, 0, 3, 0, 0, 0]);
    let mut record = vec![22, 3, 1];
    record.extend_from_slice(&(message.len() as u16).to_be_bytes());
    record.extend_from_slice(&message);
    record
}

fn alert_record(level: u8, description: u8) -> Vec<u8> {
    vec![21, 3, 1, 0, 2, level, description]
}

const TIMEOUT: Duration = Duration::from_secs(3);

#[test]
fn legacy_scan_finds_the_one_legacy_version_a_server_speaks() {
    // Speaks TLS 1.0 at most and nothing older; picks the client's first suite.
    let endpoint = fake_server(|version, suites| {
        Some(if version < hello::TLS10 {
            alert_record(2, 40)
        } else {
            server_hello_record(version.min(hello::TLS10), suites[0])
        })
    });
    let scan = scan_legacy(&endpoint, TIMEOUT);
    let outcome = |v| {
        scan.results
            .iter()
            .find(|(version, _)| *version == v)
            .map(|(_, o)| o.clone())
            .unwrap()
    };
    assert_eq!(
        outcome(TlsVersion::Ssl3),
        ProbeOutcome::NotAccepted {
            reason: "alert handshake_failure".into()
        }
    );
    assert_eq!(
        outcome(TlsVersion::Tls10),
        ProbeOutcome::Accepted(Negotiated {
            version: hello::TLS10,
            suite: suites::legacy_offer()[0]
        })
    );
    assert_eq!(
        outcome(TlsVersion::Tls11),
        ProbeOutcome::NotAccepted {
            reason: "answered with TLS 1.0".into()
        }
    );
    assert_eq!(scan.common_failure(), None);
}

#[test]
fn weak_cipher_scan_lists_every_accepted_suite_of_each_class() {
    // Accepts NULL-SHA, NULL-SHA256 and RC4-MD5 at up to TLS 1.2; refuses everything else.
    let endpoint = fake_server(|version, suites| {
        let chosen = suites
            .iter()
            .find(|s| [0x0002, 0x003B, 0x0004].contains(*s));
        Some(match chosen {
            Some(s) => server_hello_record(version.min(hello::TLS12), *s),
            None => alert_record(2, 40),
        })
    });
    let scan = scan_weak_ciphers(&endpoint, TIMEOUT);
    let class = |c| scan.classes.iter().find(|r| r.class == c).unwrap();
    let null = class(WeakClass::Null);
    assert_eq!(
        null.accepted_suites(),
        vec![
            "TLS_RSA_WITH_NULL_SHA (TLS 1.2, TLS 1.0)".to_string(),
            "TLS_RSA_WITH_NULL_SHA256 (TLS 1.2, TLS 1.0)".to_string()
        ]
    );
    assert!(!null.truncated);
    assert_eq!(
        class(WeakClass::Rc4).accepted_suites(),
        vec!["TLS_RSA_WITH_RC4_128_MD5 (TLS 1.2, TLS 1.0)".to_string()]
    );
    for c in [WeakClass::Anonymous, WeakClass::Export, WeakClass::Des] {
        let r = class(c);
        assert!(r.accepted.is_empty(), "{c:?}");
        assert_eq!(r.endings.len(), 2, "{c:?} ended at both versions");
        assert!(r.endings.iter().all(|(_, o)| matches!(o,
            ProbeOutcome::NotAccepted { reason } if reason == "alert handshake_failure")));
    }
    assert_eq!(scan.common_failure(), None);
}

#[test]
fn weak_cipher_rounds_are_bounded() {
    // Accepts anything: the NULL class has more suites than there are rounds.
    let endpoint = fake_server(|version, suites| {
        Some(server_hello_record(version.min(hello::TLS12), suites[0]))
    });
    let scan = scan_weak_ciphers(&endpoint, TIMEOUT);
    let null = scan
        .classes
        .iter()
        .find(|r| r.class == WeakClass::Null)
        .unwrap();
    assert!(WeakClass::Null.suites().len() > MAX_ROUNDS_PER_CLASS);
    assert_eq!(null.accepted.len(), 2 * MAX_ROUNDS_PER_CLASS);
    assert!(null.truncated);
}

#[test]
fn a_stalled_server_fails_every_probe_with_a_timeout_and_does_not_hang() {
    let endpoint = fake_server(|_, _| None);
    let timeout = Duration::from_millis(300);
    let started = Instant::now();
    let scan = scan_legacy(&endpoint, timeout);
    let weak = scan_weak_ciphers(&endpoint, timeout);
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_millis(1500), "took {elapsed:?}");
    let failure = scan.common_failure().expect("one shared failure");
    assert!(
        matches!(failure, ProbeFailure::Net(NetError::Timeout { .. })),
        "{failure:?}"
    );
    assert_eq!(weak.common_failure(), Some(failure));
}

#[test]
fn a_warning_alert_then_close_is_reported_as_that_alert() {
    let endpoint = fake_server(|_, _| Some(alert_record(1, 112)));
    let scan = scan_legacy(&endpoint, TIMEOUT);
    assert!(scan.results.iter().all(|(_, o)| *o
        == ProbeOutcome::NotAccepted {
            reason: "warning alert unrecognized_name".into()
        }));
}

#[test]
fn a_refused_port_is_one_failure_naming_the_address() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let endpoint = Endpoint {
        host: "127.0.0.1".into(),
        port,
        addrs: vec![SocketAddr::from(([127, 0, 0, 1], port))],
    };
    let scan = scan_legacy(&endpoint, TIMEOUT);
    assert_eq!(
        scan.common_failure().map(ToString::to_string),
        Some(format!("connection to 127.0.0.1:{port} refused"))
    );
}
