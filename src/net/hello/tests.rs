//! Building hellos and reading answers (one record or many, split anywhere, whole TLS 1.2
//! flights) from hand-made bytes.
use super::*;

const RANDOM: [u8; 32] = [7; 32];

/// The version and suite of a ServerHello answer.
fn chosen(answer: Option<ServerAnswer>) -> Option<(u16, u16)> {
    match answer {
        Some(ServerAnswer::Hello(h)) => Some((h.version, h.cipher_suite)),
        _ => None,
    }
}

/// A handshake record holding the given messages.
fn handshake_record(messages: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = messages.concat();
    record(CONTENT_HANDSHAKE, TLS12, &body)
}

fn record(content_type: u8, version: u16, body: &[u8]) -> Vec<u8> {
    let mut r = vec![content_type];
    put_u16(&mut r, version);
    put_u16(&mut r, body.len() as u16);
    r.extend_from_slice(body);
    r
}

fn message(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![kind];
    put_u24(&mut m, body.len());
    m.extend_from_slice(body);
    m
}

fn server_hello_body(version: u16, suite: u16, extensions: Option<&[u8]>) -> Vec<u8> {
    let mut b = Vec::new();
    put_u16(&mut b, version);
    b.extend_from_slice(&[9; 32]);
    b.push(32);
    b.extend_from_slice(&[1; 32]);
    put_u16(&mut b, suite);
    b.push(0);
    if let Some(ext) = extensions {
        put_u16(&mut b, ext.len() as u16);
        b.extend_from_slice(ext);
    }
    b
}

fn server_hello(version: u16, suite: u16) -> Vec<u8> {
    message(
        HANDSHAKE_SERVER_HELLO,
        &server_hello_body(version, suite, None),
    )
}

fn feed_all(chunks: &[&[u8]]) -> Option<ServerAnswer> {
    let mut reader = AnswerReader::new();
    for chunk in chunks {
        if let Some(answer) = reader.feed(chunk) {
            return Some(answer);
        }
    }
    None
}

/// Extension types with their data, in the order sent.
type Extensions = Vec<(u16, Vec<u8>)>;

/// Walks a ClientHello record and returns (record version, client version, suites,
/// extensions), checking every length field on the way.
fn dissect(record: &[u8]) -> (u16, u16, Vec<u16>, Extensions) {
    let mut f = Fields { data: record };
    assert_eq!(f.u8("type").unwrap(), CONTENT_HANDSHAKE);
    let record_version = f.u16("v").unwrap();
    let len = f.u16("len").unwrap();
    assert_eq!(usize::from(len), f.data.len(), "record length");
    assert_eq!(f.u8("hs").unwrap(), HANDSHAKE_CLIENT_HELLO);
    let hs_len = f.bytes(3, "len").unwrap();
    let hs_len = (usize::from(hs_len[1]) << 8) | usize::from(hs_len[2]);
    assert_eq!(hs_len, f.data.len(), "handshake length");
    let client_version = f.u16("cv").unwrap();
    assert_eq!(f.bytes(32, "random").unwrap(), &RANDOM);
    assert_eq!(f.u8("sid").unwrap(), 0);
    let n = f.u16("suites").unwrap();
    let suites = (0..n / 2).map(|_| f.u16("s").unwrap()).collect();
    assert_eq!(f.bytes(2, "compression").unwrap(), &[1, 0]);
    let mut exts = Vec::new();
    if !f.data.is_empty() {
        let total = f.u16("ext len").unwrap();
        assert_eq!(usize::from(total), f.data.len(), "extensions length");
        while !f.data.is_empty() {
            let kind = f.u16("k").unwrap();
            let len = f.u16("l").unwrap();
            exts.push((kind, f.bytes(usize::from(len), "d").unwrap().to_vec()));
        }
    }
    (record_version, client_version, suites, exts)
}

#[test]
fn tls10_hello_carries_sni_groups_and_scsv_but_no_signature_algorithms() {
    let hello = ClientHello {
        version: TLS10,
        cipher_suites: &[0xC013, 0x002F],
        server_name: Some("example.com"),
        extras: HelloExtras::default(),
    };
    let (record_version, client_version, suites, exts) = dissect(&hello.to_record(&RANDOM));
    assert_eq!((record_version, client_version), (TLS10, TLS10));
    assert_eq!(suites, vec![0xC013, 0x002F, RENEGOTIATION_INFO_SCSV]);
    let kinds: Vec<u16> = exts.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        kinds,
        vec![EXT_SERVER_NAME, EXT_SUPPORTED_GROUPS, EXT_EC_POINT_FORMATS]
    );
    let sni = &exts[0].1;
    assert_eq!(&sni[5..], b"example.com");
    assert_eq!(sni[2], 0, "host_name type");
}

#[test]
fn tls12_hello_adds_signature_algorithms_and_keeps_record_version_3_1() {
    let hello = ClientHello {
        version: TLS12,
        cipher_suites: &[0x0002],
        server_name: None,
        extras: HelloExtras::default(),
    };
    let (record_version, client_version, _, exts) = dissect(&hello.to_record(&RANDOM));
    assert_eq!((record_version, client_version), (TLS10, TLS12));
    assert!(exts.iter().all(|(k, _)| *k != EXT_SERVER_NAME));
    assert!(exts.iter().any(|(k, _)| *k == EXT_SIGNATURE_ALGORITHMS));
}

#[test]
fn ssl3_hello_has_no_extensions_at_all() {
    let hello = ClientHello {
        version: SSL3,
        cipher_suites: &[0x000A],
        server_name: None,
        extras: HelloExtras::default(),
    };
    let record = hello.to_record(&RANDOM);
    let (record_version, client_version, suites, exts) = dissect(&record);
    assert_eq!((record_version, client_version), (SSL3, SSL3));
    assert_eq!(suites, vec![0x000A, RENEGOTIATION_INFO_SCSV]);
    assert!(exts.is_empty());
    // Record header + handshake header + version + random + sid + suites + compression.
    assert_eq!(record.len(), 5 + 4 + 2 + 32 + 1 + 2 + 4 + 2);
}

#[test]
fn hellos_between_256_and_511_bytes_are_padded_to_512() {
    let suites: Vec<u16> = (1..=100).collect();
    let hello = ClientHello {
        version: TLS12,
        cipher_suites: &suites,
        server_name: None,
        extras: HelloExtras::default(),
    };
    let record = hello.to_record(&RANDOM);
    let (_, _, _, exts) = dissect(&record);
    assert_eq!(exts.last().map(|(k, _)| *k), Some(EXT_PADDING));
    assert_eq!(record.len() - 5, 512, "handshake message length");
    let small = ClientHello {
        version: TLS12,
        cipher_suites: &[1],
        server_name: None,
        extras: HelloExtras::default(),
    };
    let (_, _, _, exts) = dissect(&small.to_record(&RANDOM));
    assert!(exts.iter().all(|(k, _)| *k != EXT_PADDING));
}

#[test]
fn sni_is_omitted_for_ip_literals() {
    assert_eq!(sni_name("example.com"), Some("example.com"));
    assert_eq!(sni_name("127.0.0.1"), None);
    assert_eq!(sni_name("::1"), None);
    assert_eq!(sni_name(""), None);
    assert_eq!(sni_name(&"a".repeat(300)), None);
}

#[test]
fn parses_a_server_hello_in_one_record() {
    let bytes = handshake_record(&[server_hello(TLS10, 0xC013)]);
    assert_eq!(chosen(feed_all(&[&bytes])), Some((TLS10, 0xC013)));
}

#[test]
fn parses_a_record_split_across_many_reads() {
    let bytes = handshake_record(&[server_hello(TLS11, 0x002F)]);
    let chunks: Vec<&[u8]> = bytes.chunks(3).collect();
    let mut reader = AnswerReader::new();
    let mut answer = None;
    for (i, c) in chunks.iter().enumerate() {
        answer = reader.feed(c);
        if i + 1 < chunks.len() {
            assert_eq!(answer, None, "answer before the last chunk");
        }
    }
    assert_eq!(chosen(answer), Some((TLS11, 0x002F)));
}

#[test]
fn parses_a_server_hello_split_across_records() {
    let msg = server_hello(TLS12, 0x009C);
    let (a, b) = msg.split_at(10);
    let bytes = [
        record(CONTENT_HANDSHAKE, TLS12, a),
        record(CONTENT_HANDSHAKE, TLS12, b),
    ]
    .concat();
    assert_eq!(chosen(feed_all(&[&bytes])), Some((TLS12, 0x009C)));
}

#[test]
fn skips_hello_request_and_stops_at_the_server_hello_among_several_messages() {
    let certificate = message(11, &[0; 40]);
    let bytes = handshake_record(&[
        message(HANDSHAKE_HELLO_REQUEST, &[]),
        server_hello(TLS12, 0x0002),
        certificate,
    ]);
    assert_eq!(chosen(feed_all(&[&bytes])), Some((TLS12, 0x0002)));
}

#[test]
fn supported_versions_overrides_the_legacy_version_field() {
    let mut ext = Vec::new();
    put_extension(&mut ext, 0xFF01, &[0]);
    put_extension(&mut ext, EXT_SUPPORTED_VERSIONS, &TLS13.to_be_bytes());
    let msg = message(
        HANDSHAKE_SERVER_HELLO,
        &server_hello_body(TLS12, 0x1301, Some(&ext)),
    );
    assert_eq!(
        chosen(feed_all(&[&handshake_record(&[msg])])),
        Some((TLS13, 0x1301))
    );
}

#[test]
fn fatal_alert_ends_the_answer() {
    let bytes = record(CONTENT_ALERT, TLS10, &[2, 70]);
    let Some(ServerAnswer::Alert(alert)) = feed_all(&[&bytes]) else {
        panic!("expected an alert");
    };
    assert_eq!(alert.to_string(), "alert protocol_version");
}

#[test]
fn warning_alert_is_remembered_until_the_connection_ends() {
    let mut reader = AnswerReader::new();
    assert_eq!(reader.feed(&record(CONTENT_ALERT, TLS12, &[1, 112])), None);
    let answer = reader.finish(false);
    assert_eq!(
        answer,
        ServerAnswer::Alert(Alert {
            level: 1,
            description: 112
        })
    );
    if let ServerAnswer::Alert(a) = answer {
        assert_eq!(a.to_string(), "warning alert unrecognized_name");
    }
    // ...but a ServerHello after it still counts.
    let mut reader = AnswerReader::new();
    let bytes = [
        record(CONTENT_ALERT, TLS12, &[1, 112]),
        handshake_record(&[server_hello(TLS12, 0x0005)]),
    ]
    .concat();
    assert!(matches!(reader.feed(&bytes), Some(ServerAnswer::Hello(_))));
}

#[test]
fn end_of_stream_without_answer_is_closed() {
    let mut reader = AnswerReader::new();
    let partial = handshake_record(&[server_hello(TLS12, 0x0005)]);
    assert_eq!(reader.feed(&partial[..20]), None);
    assert_eq!(reader.finish(true), ServerAnswer::Closed { reset: true });
}

#[test]
fn http_answer_is_described_as_not_tls() {
    let Some(ServerAnswer::Invalid(why)) = feed_all(&[b"HTTP/1.1 400 Bad Request\r\n\r\n"]) else {
        panic!("expected an invalid answer");
    };
    assert_eq!(
        why,
        "not TLS: the server answered in plain HTTP (\"HTTP/1.1 400 Bad Request\")"
    );
    let Some(ServerAnswer::Invalid(why)) = feed_all(&[&[0x00, 0xff, 0x10, 0x99]]) else {
        panic!("expected an invalid answer");
    };
    assert_eq!(why, "not TLS: the answer starts with bytes 00 ff 10 99");
    let Some(ServerAnswer::Invalid(why)) = feed_all(&[b"SSH-2.0-OpenSSH_9.6\r\n"]) else {
        panic!("expected an invalid answer");
    };
    assert!(why.contains("SSH"), "{why}");
}

#[test]
fn bad_version_byte_is_caught_before_the_header_is_complete() {
    // Handshake content type, but major version 0x05: not TLS.
    assert!(matches!(
        feed_all(&[&[22, 5]]),
        Some(ServerAnswer::Invalid(_))
    ));
}

#[test]
fn oversized_record_and_too_many_records_are_refused() {
    assert!(matches!(
        feed_all(&[&[22, 3, 3, 0xff, 0xff]]),
        Some(ServerAnswer::Invalid(_))
    ));
    let hello_request = handshake_record(&[message(HANDSHAKE_HELLO_REQUEST, &[])]);
    let many = hello_request.repeat(MAX_RECORDS + 1);
    let Some(ServerAnswer::Invalid(why)) = feed_all(&[&many]) else {
        panic!("expected the record limit");
    };
    assert!(why.contains("records"), "{why}");
}

#[test]
fn answer_bytes_are_bounded() {
    // One huge handshake message that never completes.
    let mut reader = AnswerReader::new();
    let mut first = vec![CONTENT_HANDSHAKE, 3, 3, 0x40, 0x00, 11, 0x00, 0xff, 0xff];
    first.resize(5 + 0x4000, 0);
    let mut answer = reader.feed(&first);
    let chunk = record(CONTENT_HANDSHAKE, TLS12, &[0; 0x4000]);
    for _ in 0..8 {
        if answer.is_some() {
            break;
        }
        answer = reader.feed(&chunk);
    }
    assert!(
        matches!(answer, Some(ServerAnswer::Invalid(ref why)) if why.contains("KiB")),
        "{answer:?}"
    );
}

#[test]
fn malformed_server_hello_is_reported_not_panicked_on() {
    let msg = message(HANDSHAKE_SERVER_HELLO, &[3, 3, 1, 2]);
    let Some(ServerAnswer::Invalid(why)) = feed_all(&[&handshake_record(&[msg])]) else {
        panic!("expected an invalid answer");
    };
    assert_eq!(why, "malformed ServerHello: truncated at random");
}

#[test]
fn change_cipher_spec_before_server_hello_is_invalid() {
    assert!(matches!(
        feed_all(&[&record(CONTENT_CHANGE_CIPHER_SPEC, TLS12, &[1])]),
        Some(ServerAnswer::Invalid(_))
    ));
}

fn certificate_message(certs: &[&[u8]]) -> Vec<u8> {
    let mut list = Vec::new();
    for c in certs {
        put_u24(&mut list, c.len());
        list.extend_from_slice(c);
    }
    let mut body = Vec::new();
    put_u24(&mut body, list.len());
    body.extend_from_slice(&list);
    message(HANDSHAKE_CERTIFICATE, &body)
}

#[test]
fn a_tls12_flight_is_read_to_server_hello_done_across_records() {
    let mut ext = Vec::new();
    put_extension(&mut ext, EXT_RENEGOTIATION_INFO, &[0]);
    put_extension(&mut ext, EXT_STATUS_REQUEST, &[]);
    let hello = message(
        HANDSHAKE_SERVER_HELLO,
        &server_hello_body(TLS12, 0xC02F, Some(&ext)),
    );
    let status = message(
        HANDSHAKE_CERTIFICATE_STATUS,
        &[1, 0, 0, 3, 0xAA, 0xBB, 0xCC],
    );
    let ske = message(HANDSHAKE_SERVER_KEY_EXCHANGE, &[3, 0, 0x1D, 1, 9]);
    let done = message(HANDSHAKE_SERVER_HELLO_DONE, &[]);
    let all = [
        hello,
        certificate_message(&[b"leaf", b"intermediate"]),
        status,
        ske,
        done,
    ]
    .concat();
    let (a, b) = all.split_at(50);
    let bytes = [
        record(CONTENT_HANDSHAKE, TLS12, a),
        record(CONTENT_HANDSHAKE, TLS12, b),
    ]
    .concat();
    let mut reader = AnswerReader::for_flight();
    let mut answer = None;
    for chunk in bytes.chunks(7) {
        answer = reader.feed(chunk);
        if answer.is_some() {
            break;
        }
    }
    let Some(ServerAnswer::Hello(h)) = answer else {
        panic!("expected a ServerHello, got {answer:?}");
    };
    assert!(h.secure_renegotiation && h.stapling_promised && !h.hello_retry);
    let flight = reader.flight();
    assert!(flight.done);
    assert_eq!(
        flight.certificates,
        vec![b"leaf".to_vec(), b"intermediate".to_vec()]
    );
    assert_eq!(
        flight.ocsp_response.as_deref(),
        Some(&[0xAA, 0xBB, 0xCC][..])
    );
    assert_eq!(
        flight.server_key_exchange.as_deref(),
        Some(&[3, 0, 0x1D, 1, 9][..])
    );
}

#[test]
fn an_alert_after_the_server_hello_keeps_the_choice_and_says_why_the_flight_ended() {
    let bytes = [
        handshake_record(&[server_hello(TLS12, 0x002F)]),
        record(CONTENT_ALERT, TLS12, &[2, 40]),
    ]
    .concat();
    let mut reader = AnswerReader::for_flight();
    assert_eq!(chosen(reader.feed(&bytes)), Some((TLS12, 0x002F)));
    assert!(!reader.flight().done);
    assert_eq!(
        reader.flight().ended_early.as_deref(),
        Some("alert handshake_failure")
    );
    // A TLS 1.3 ServerHello ends the flight at once: the rest is encrypted.
    let mut ext = Vec::new();
    put_extension(&mut ext, EXT_SUPPORTED_VERSIONS, &TLS13.to_be_bytes());
    let msg = message(
        HANDSHAKE_SERVER_HELLO,
        &server_hello_body(TLS12, 0x1302, Some(&ext)),
    );
    let mut reader = AnswerReader::for_flight();
    assert_eq!(
        chosen(reader.feed(&handshake_record(&[msg]))),
        Some((TLS13, 0x1302))
    );
    // A malformed Certificate message is reported, not panicked on.
    let bad = message(HANDSHAKE_CERTIFICATE, &[0, 0, 9, 0, 0]);
    let mut reader = AnswerReader::for_flight();
    let bytes = handshake_record(&[server_hello(TLS12, 0x002F), bad]);
    assert_eq!(chosen(reader.feed(&bytes)), Some((TLS12, 0x002F)));
    assert!(reader.flight().ended_early.is_some());
}

#[test]
fn tls13_hellos_carry_supported_versions_and_a_key_share() {
    let key = [5u8; 32];
    let hello = ClientHello {
        version: TLS13,
        cipher_suites: &[0x1301],
        server_name: None,
        extras: HelloExtras {
            key_share: Some(&key),
            ..HelloExtras::default()
        },
    };
    let (_, client_version, suites, exts) = dissect(&hello.to_record(&RANDOM));
    assert_eq!(client_version, TLS12, "legacy_version stays 1.2");
    assert_eq!(suites, vec![0x1301], "no SCSV in a TLS 1.3-only hello");
    let get = |k| {
        exts.iter()
            .find(|(kind, _)| *kind == k)
            .map(|(_, d)| d.clone())
    };
    assert_eq!(get(EXT_SUPPORTED_VERSIONS), Some(vec![2, 3, 4]));
    let share = get(EXT_KEY_SHARE).unwrap();
    assert_eq!(&share[..6], &[0, 36, 0, 0x1D, 0, 32]);
}
