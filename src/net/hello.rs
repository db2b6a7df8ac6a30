//! A small TLS record codec: builds ClientHellos for any version and parses ServerHello/Alert.
//!
//! Pure functions over bytes, so every quirk of a server's answer (records split across reads,
//! several handshake messages per record, a message split across records, non-TLS bytes) is
//! tested with fixtures; the socket side lives in `legacy_probe`.

use std::fmt;
use std::net::IpAddr;

pub use super::version::{SSL3, TLS10, TLS11, TLS12, TLS13};

const CONTENT_CHANGE_CIPHER_SPEC: u8 = 20;
const CONTENT_ALERT: u8 = 21;
const CONTENT_HANDSHAKE: u8 = 22;
const CONTENT_APPLICATION_DATA: u8 = 23;

const HANDSHAKE_HELLO_REQUEST: u8 = 0;
const HANDSHAKE_CLIENT_HELLO: u8 = 1;
const HANDSHAKE_SERVER_HELLO: u8 = 2;
const HANDSHAKE_CERTIFICATE: u8 = 11;
const HANDSHAKE_SERVER_KEY_EXCHANGE: u8 = 12;
const HANDSHAKE_CERTIFICATE_REQUEST: u8 = 13;
const HANDSHAKE_SERVER_HELLO_DONE: u8 = 14;
const HANDSHAKE_CERTIFICATE_STATUS: u8 = 22;

const EXT_SERVER_NAME: u16 = 0;
const EXT_STATUS_REQUEST: u16 = 5;
const EXT_SUPPORTED_GROUPS: u16 = 10;
const EXT_EC_POINT_FORMATS: u16 = 11;
const EXT_SIGNATURE_ALGORITHMS: u16 = 13;
const EXT_PADDING: u16 = 21;
const EXT_SUPPORTED_VERSIONS: u16 = 43;
const EXT_KEY_SHARE: u16 = 51;
const EXT_RENEGOTIATION_INFO: u16 = 0xFF01;

/// x25519, the group TLS 1.3 hellos send a key share for.
pub const GROUP_X25519: u16 = 0x001D;

/// The ServerHello random that marks a TLS 1.3 HelloRetryRequest (RFC 8446 4.1.3).
const HELLO_RETRY_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// Signals secure renegotiation without an extension, which SSL 3.0 hellos cannot carry.
pub const RENEGOTIATION_INFO_SCSV: u16 = 0x00FF;

/// x25519, secp256r1, secp384r1, secp521r1: what ECDHE servers of every era pick from.
pub const GROUPS: [u16; 4] = [0x001D, 0x0017, 0x0018, 0x0019];

/// Every signature scheme a TLS 1.2 server might sign with, SHA-1 included, so the hello is
/// never refused for want of a scheme before the server looks at the cipher suites.
const SIGNATURE_SCHEMES: [u16; 16] = [
    0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0807, 0x0808, 0x0809, 0x080A, 0x080B, 0x0401,
    0x0501, 0x0601, 0x0201, 0x0203,
];

/// Largest record body the protocol allows (2^14 plus expansion for protected records).
const MAX_RECORD_LEN: usize = 16384 + 2048;
/// Bounds on what is read while waiting for the ServerHello.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;
pub const MAX_RECORDS: usize = 32;
/// Bounds on a whole TLS 1.2 server flight (ServerHello to ServerHelloDone): certificate
/// chains of a dozen large certificates fit, anything bigger is not a sane server.
pub const MAX_FLIGHT_BYTES: usize = 256 * 1024;
pub const MAX_FLIGHT_RECORDS: usize = 128;

/// "SSL 3.0", "TLS 1.2", ... for a wire version.
pub fn version_name(version: u16) -> String {
    match crate::net::version::TlsVersion::from_wire(version) {
        Some(v) => v.label().to_string(),
        None if version == 0x0002 => "SSL 2.0".into(),
        None => format!("version 0x{version:04x}"),
    }
}

/// The name to send as SNI for a host, or `None` when SNI must not be sent (IP literals,
/// names too long or not ASCII).
pub fn sni_name(host: &str) -> Option<&str> {
    let ok =
        !host.is_empty() && host.len() <= 253 && host.is_ascii() && host.parse::<IpAddr>().is_err();
    ok.then_some(host)
}

/// What a probe offers: the version (also the highest one acceptable to us) and the suites.
/// A `TLS13` hello is sent as real clients do: legacy version 1.2 plus `supported_versions`
/// and an x25519 key share taken from `extras.key_share`.
#[derive(Debug, Clone)]
pub struct ClientHello<'a> {
    pub version: u16,
    pub cipher_suites: &'a [u16],
    /// Sent as SNI unless the hello is SSL 3.0 (which has no extensions).
    pub server_name: Option<&'a str>,
    pub extras: HelloExtras<'a>,
}

/// Optional parts of a hello, for probes that need more than the version and suites.
#[derive(Debug, Clone, Default)]
pub struct HelloExtras<'a> {
    /// The groups offered for (EC)DHE; [`GROUPS`] when `None`.
    pub groups: Option<&'a [u16]>,
    /// Ask for a stapled OCSP response (`status_request`).
    pub status_request: bool,
    /// The x25519 public key for a TLS 1.3 hello.
    pub key_share: Option<&'a [u8]>,
    /// Send `renegotiation_info` with this data (empty on a first handshake, the client's
    /// Finished verify_data when renegotiating) instead of the signalling suite.
    pub renegotiation_info: Option<&'a [u8]>,
}

impl ClientHello<'_> {
    /// The complete record to write to the socket.
    pub fn to_record(&self, random: &[u8; 32]) -> Vec<u8> {
        let mut body = Vec::with_capacity(512);
        put_u16(&mut body, self.version.min(TLS12));
        body.extend_from_slice(random);
        body.push(0); // no session id: nothing to resume
        let mut suites: Vec<u16> = self.cipher_suites.to_vec();
        let scsv_wanted = self.extras.renegotiation_info.is_none() && self.version < TLS13;
        if scsv_wanted && !suites.contains(&RENEGOTIATION_INFO_SCSV) {
            suites.push(RENEGOTIATION_INFO_SCSV);
        }
        put_u16(&mut body, (suites.len() * 2) as u16);
        for s in suites {
            put_u16(&mut body, s);
        }
        body.extend_from_slice(&[1, 0]); // compression: null only

        // SSL 3.0 predates extensions; some SSL 3.0 stacks refuse a hello that carries any.
        if self.version > SSL3 {
            let mut ext = self.extensions();
            if let Some(padding) = padding_needed(4 + body.len() + 2 + ext.len()) {
                put_u16(&mut ext, EXT_PADDING);
                put_u16(&mut ext, padding as u16);
                ext.resize(ext.len() + padding, 0);
            }
            put_u16(&mut body, ext.len() as u16);
            body.extend_from_slice(&ext);
        }

        let mut handshake = Vec::with_capacity(body.len() + 4);
        handshake.push(HANDSHAKE_CLIENT_HELLO);
        put_u24(&mut handshake, body.len());
        handshake.extend_from_slice(&body);

        // Record version 3.1 for everything above SSL 3.0: what real clients send, and what
        // version-intolerant servers expect.
        let mut record = Vec::with_capacity(handshake.len() + 5);
        record.push(CONTENT_HANDSHAKE);
        put_u16(&mut record, self.version.min(TLS10));
        put_u16(&mut record, handshake.len() as u16);
        record.extend_from_slice(&handshake);
        record
    }

    fn extensions(&self) -> Vec<u8> {
        let mut ext = Vec::new();
        if let Some(name) = self.server_name {
            let mut list = Vec::new();
            list.push(0); // host_name
            put_u16(&mut list, name.len() as u16);
            list.extend_from_slice(name.as_bytes());
            let mut data = Vec::new();
            put_u16(&mut data, list.len() as u16);
            data.extend_from_slice(&list);
            put_extension(&mut ext, EXT_SERVER_NAME, &data);
        }
        let offered_groups = self.extras.groups.unwrap_or(&GROUPS);
        let mut groups = Vec::new();
        put_u16(&mut groups, (offered_groups.len() * 2) as u16);
        offered_groups.iter().for_each(|g| put_u16(&mut groups, *g));
        put_extension(&mut ext, EXT_SUPPORTED_GROUPS, &groups);
        put_extension(&mut ext, EXT_EC_POINT_FORMATS, &[1, 0]); // uncompressed only
        if self.extras.status_request {
            // OCSP, no responder ids, no request extensions.
            put_extension(&mut ext, EXT_STATUS_REQUEST, &[1, 0, 0, 0, 0]);
        }
        if let Some(info) = self.extras.renegotiation_info {
            let mut data = vec![info.len() as u8];
            data.extend_from_slice(info);
            put_extension(&mut ext, EXT_RENEGOTIATION_INFO, &data);
        }
        if self.version >= TLS13 {
            put_extension(&mut ext, EXT_SUPPORTED_VERSIONS, &[2, 0x03, 0x04]);
            let key = self.extras.key_share.unwrap_or(&[]);
            let mut share = Vec::new();
            put_u16(&mut share, (4 + key.len()) as u16);
            put_u16(&mut share, GROUP_X25519);
            put_u16(&mut share, key.len() as u16);
            share.extend_from_slice(key);
            put_extension(&mut ext, EXT_KEY_SHARE, &share);
        }
        if self.version >= TLS12 {
            let mut schemes = Vec::new();
            put_u16(&mut schemes, (SIGNATURE_SCHEMES.len() * 2) as u16);
            SIGNATURE_SCHEMES
                .iter()
                .for_each(|s| put_u16(&mut schemes, *s));
            put_extension(&mut ext, EXT_SIGNATURE_ALGORITHMS, &schemes);
        }
        ext
    }
}

/// Some servers (notably older F5 load balancers) hang on hellos whose handshake message is
/// 256..=511 bytes long; RFC 7685 padding moves it to at least 512. Takes the message length
/// without padding and returns the padding extension's data length, if one is needed.
fn padding_needed(message_len: usize) -> Option<usize> {
    if !(256..512).contains(&message_len) {
        return None;
    }
    // The extension's own 4-byte header counts towards the 512.
    Some((512 - message_len).saturating_sub(4).max(1))
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_u24(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&[(v >> 16) as u8, (v >> 8) as u8, v as u8]);
}

fn put_extension(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    put_u16(out, kind);
    put_u16(out, data.len() as u16);
    out.extend_from_slice(data);
}

/// The parts of a ServerHello a probe needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerHello {
    /// The negotiated version: `supported_versions` when present, else the legacy field.
    pub version: u16,
    pub cipher_suite: u16,
    /// `renegotiation_info` came back: the server supports RFC 5746 secure renegotiation.
    pub secure_renegotiation: bool,
    /// `status_request` came back: a CertificateStatus (stapled OCSP) message follows.
    pub stapling_promised: bool,
    /// A TLS 1.3 HelloRetryRequest: the suite is chosen, the key share was not liked.
    pub hello_retry: bool,
    /// The server random (the renegotiation client needs it for its keys).
    pub random: [u8; 32],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alert {
    pub level: u8,
    pub description: u8,
}

impl Alert {
    pub fn is_fatal(&self) -> bool {
        self.level == 2
    }

    pub fn description_name(&self) -> String {
        let name = match self.description {
            0 => "close_notify",
            10 => "unexpected_message",
            20 => "bad_record_mac",
            21 => "decryption_failed",
            22 => "record_overflow",
            30 => "decompression_failure",
            40 => "handshake_failure",
            41 => "no_certificate",
            42 => "bad_certificate",
            43 => "unsupported_certificate",
            44 => "certificate_revoked",
            45 => "certificate_expired",
            46 => "certificate_unknown",
            47 => "illegal_parameter",
            48 => "unknown_ca",
            49 => "access_denied",
            50 => "decode_error",
            51 => "decrypt_error",
            60 => "export_restriction",
            70 => "protocol_version",
            71 => "insufficient_security",
            80 => "internal_error",
            86 => "inappropriate_fallback",
            90 => "user_canceled",
            100 => "no_renegotiation",
            109 => "missing_extension",
            110 => "unsupported_extension",
            112 => "unrecognized_name",
            113 => "bad_certificate_status_response",
            115 => "unknown_psk_identity",
            116 => "certificate_required",
            120 => "no_application_protocol",
            other => return format!("alert {other}"),
        };
        name.to_string()
    }
}

impl fmt::Display for Alert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = if self.is_fatal() { "" } else { "warning " };
        write!(f, "{level}alert {}", self.description_name())
    }
}

/// How a server answered a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerAnswer {
    Hello(ServerHello),
    /// A fatal alert, a close_notify, or a warning alert followed by the end of the connection.
    Alert(Alert),
    /// The connection ended (closed or reset) before a ServerHello or an alert.
    Closed {
        reset: bool,
    },
    /// Not a TLS answer; says what the bytes look like.
    Invalid(String),
}

/// The rest of a TLS 1.2 (or older) server flight after the ServerHello, all plaintext.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flight {
    /// DER certificates in the order sent (leaf first); empty when no Certificate came.
    pub certificates: Vec<Vec<u8>>,
    /// The stapled OCSP response from a CertificateStatus message.
    pub ocsp_response: Option<Vec<u8>>,
    /// The ServerKeyExchange body, for (EC)DHE suites.
    pub server_key_exchange: Option<Vec<u8>>,
    /// ServerHelloDone arrived: the flight is complete.
    pub done: bool,
    /// Why the flight ended early (alert, closed connection, malformed message), if it did.
    pub ended_early: Option<String>,
}

/// Where an [`AnswerReader`] stops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReadUntil {
    /// The first ServerHello (or refusal).
    #[default]
    ServerHello,
    /// ServerHelloDone, collecting the Certificate, CertificateStatus and ServerKeyExchange on
    /// the way; a TLS 1.3 ServerHello ends it at once (the rest is encrypted).
    ServerHelloDone,
}

/// Reassembles a server's answer from the bytes read so far, up to the ServerHello (or up to
/// ServerHelloDone, see [`ReadUntil`]).
#[derive(Debug, Default)]
pub struct AnswerReader {
    pending: Vec<u8>,
    handshake: Vec<u8>,
    alert: Vec<u8>,
    total: usize,
    records: usize,
    warning: Option<Alert>,
    until: ReadUntil,
    hello: Option<ServerHello>,
    flight: Flight,
}

impl AnswerReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// A reader that goes on to ServerHelloDone; [`AnswerReader::flight`] has what came.
    pub fn for_flight() -> Self {
        AnswerReader {
            until: ReadUntil::ServerHelloDone,
            ..Self::default()
        }
    }

    /// What followed the ServerHello (empty when reading stopped at the ServerHello).
    pub fn flight(&self) -> &Flight {
        &self.flight
    }

    fn limits(&self) -> (usize, usize) {
        match self.until {
            ReadUntil::ServerHello => (MAX_ANSWER_BYTES, MAX_RECORDS),
            ReadUntil::ServerHelloDone => (MAX_FLIGHT_BYTES, MAX_FLIGHT_RECORDS),
        }
    }

    /// Takes the next bytes from the socket; returns the answer as soon as it is complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Option<ServerAnswer> {
        let (max_bytes, max_records) = self.limits();
        let take = bytes.len().min(max_bytes - self.total);
        self.pending.extend_from_slice(&bytes[..take]);
        self.total += take;
        loop {
            if let Some(problem) = self.header_problem() {
                return Some(self.end(ServerAnswer::Invalid(problem)));
            }
            if self.pending.len() < 5 {
                break;
            }
            let len = usize::from(u16::from_be_bytes([self.pending[3], self.pending[4]]));
            if self.pending.len() < 5 + len {
                break;
            }
            let content_type = self.pending[0];
            let payload: Vec<u8> = self.pending.drain(..5 + len).skip(5).collect();
            self.records += 1;
            if let Some(answer) = self.on_record(content_type, &payload) {
                return Some(answer);
            }
            if self.records >= max_records {
                let what = self.awaited();
                return Some(self.end(ServerAnswer::Invalid(format!(
                    "no {what} within the first {max_records} records"
                ))));
            }
        }
        if self.total >= max_bytes {
            let what = self.awaited();
            return Some(self.end(ServerAnswer::Invalid(format!(
                "no {what} within the first {} KiB",
                max_bytes / 1024
            ))));
        }
        None
    }

    /// The answer when the connection ends before one was complete.
    pub fn finish(&mut self, reset: bool) -> ServerAnswer {
        let closed = if reset {
            "connection reset"
        } else {
            "connection closed"
        };
        match self.warning {
            Some(alert) => self.end(ServerAnswer::Alert(alert)),
            None if self.hello.is_some() => self.end(ServerAnswer::Invalid(closed.into())),
            None => ServerAnswer::Closed { reset },
        }
    }

    /// When time runs out mid-flight: the ServerHello already read, with the flight marked
    /// as ended early; `None` when no ServerHello came.
    pub fn give_up(&mut self, why: &str) -> Option<ServerAnswer> {
        self.hello?;
        Some(self.end(ServerAnswer::Invalid(why.to_string())))
    }

    fn awaited(&self) -> &'static str {
        if self.hello.is_some() {
            "ServerHelloDone"
        } else {
            "ServerHello"
        }
    }

    /// Once the ServerHello is in, whatever stops the flight still leaves the server's choice
    /// standing: the answer is the ServerHello, and the flight says why it ended early.
    fn end(&mut self, answer: ServerAnswer) -> ServerAnswer {
        let Some(hello) = self.hello else {
            return answer;
        };
        let why = match answer {
            ServerAnswer::Alert(a) => a.to_string(),
            ServerAnswer::Closed { reset: true } => "connection reset".into(),
            ServerAnswer::Closed { reset: false } => "connection closed".into(),
            ServerAnswer::Invalid(why) => why,
            ServerAnswer::Hello(_) => return answer,
        };
        self.flight.ended_early = Some(why);
        ServerAnswer::Hello(hello)
    }

    /// Checks the (possibly partial) header of the next record, so that non-TLS bytes are
    /// recognised from the first byte rather than after waiting for five.
    fn header_problem(&self) -> Option<String> {
        let h = &self.pending;
        let bad_type = h
            .first()
            .is_some_and(|t| !(CONTENT_CHANGE_CIPHER_SPEC..=CONTENT_APPLICATION_DATA).contains(t));
        let bad_version =
            h.get(1).is_some_and(|major| *major != 3) || h.get(2).is_some_and(|minor| *minor > 4);
        let bad_len =
            h.len() >= 5 && usize::from(u16::from_be_bytes([h[3], h[4]])) > MAX_RECORD_LEN;
        if !(bad_type || bad_version || bad_len) {
            return None;
        }
        Some(if self.records == 0 {
            describe_non_tls(h)
        } else {
            format!(
                "malformed TLS record after {} records (header {})",
                self.records,
                hex(&h[..h.len().min(5)])
            )
        })
    }

    fn on_record(&mut self, content_type: u8, payload: &[u8]) -> Option<ServerAnswer> {
        match content_type {
            CONTENT_HANDSHAKE => {
                self.handshake.extend_from_slice(payload);
                self.next_handshake_message()
            }
            CONTENT_ALERT => {
                self.alert.extend_from_slice(payload);
                while self.alert.len() >= 2 {
                    let alert = Alert {
                        level: self.alert[0],
                        description: self.alert[1],
                    };
                    self.alert.drain(..2);
                    // A warning (e.g. unrecognized_name) does not end the handshake by itself.
                    if alert.is_fatal() || alert.description == 0 {
                        return Some(self.end(ServerAnswer::Alert(alert)));
                    }
                    self.warning = Some(alert);
                }
                None
            }
            CONTENT_CHANGE_CIPHER_SPEC => {
                let what = self.awaited();
                Some(self.end(ServerAnswer::Invalid(format!(
                    "ChangeCipherSpec before any {what}"
                ))))
            }
            _ => {
                let what = self.awaited();
                Some(self.end(ServerAnswer::Invalid(format!(
                    "application data before any {what}"
                ))))
            }
        }
    }

    fn next_handshake_message(&mut self) -> Option<ServerAnswer> {
        let (max_bytes, _) = self.limits();
        while self.handshake.len() >= 4 {
            let kind = self.handshake[0];
            let len = (usize::from(self.handshake[1]) << 16)
                | (usize::from(self.handshake[2]) << 8)
                | usize::from(self.handshake[3]);
            if len > max_bytes {
                return Some(self.end(ServerAnswer::Invalid(format!(
                    "handshake message of {len} bytes announced"
                ))));
            }
            if self.handshake.len() < 4 + len {
                return None;
            }
            let body: Vec<u8> = self.handshake.drain(..4 + len).skip(4).collect();
            if self.hello.is_some() {
                if let Some(answer) = self.on_flight_message(kind, body) {
                    return Some(answer);
                }
                continue;
            }
            match kind {
                HANDSHAKE_SERVER_HELLO => {
                    let hello = match parse_server_hello(&body) {
                        Ok(hello) => hello,
                        Err(e) => {
                            return Some(ServerAnswer::Invalid(format!(
                                "malformed ServerHello: {e}"
                            )))
                        }
                    };
                    let last = self.until == ReadUntil::ServerHello || hello.version >= TLS13;
                    if last {
                        return Some(ServerAnswer::Hello(hello));
                    }
                    self.hello = Some(hello);
                }
                HANDSHAKE_HELLO_REQUEST => continue,
                other => {
                    return Some(ServerAnswer::Invalid(format!(
                        "handshake message type {other} before any ServerHello"
                    )))
                }
            }
        }
        None
    }

    /// A message after the ServerHello of a TLS 1.2-or-older flight.
    fn on_flight_message(&mut self, kind: u8, body: Vec<u8>) -> Option<ServerAnswer> {
        let parsed = match kind {
            HANDSHAKE_CERTIFICATE => parse_certificate_list(&body).map(|certs| {
                self.flight.certificates = certs;
            }),
            HANDSHAKE_CERTIFICATE_STATUS => parse_certificate_status(&body).map(|ocsp| {
                self.flight.ocsp_response = Some(ocsp);
            }),
            HANDSHAKE_SERVER_KEY_EXCHANGE => {
                self.flight.server_key_exchange = Some(body);
                Ok(())
            }
            HANDSHAKE_CERTIFICATE_REQUEST => Ok(()),
            HANDSHAKE_SERVER_HELLO_DONE => {
                self.flight.done = true;
                return self.hello.map(ServerAnswer::Hello);
            }
            other => Err(format!("unexpected handshake message type {other}")),
        };
        match parsed {
            Ok(()) => None,
            Err(e) => Some(self.end(ServerAnswer::Invalid(e))),
        }
    }
}

/// Certificate message (TLS 1.2): a u24-length list of u24-length DER certificates.
pub fn parse_certificate_list(body: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    /// More than any real chain; extra certificates are not kept.
    const MAX_CERTS: usize = 16;
    let mut f = Fields { data: body };
    let total = f.u24("certificate list length")?;
    let mut list = Fields {
        data: f.bytes(total, "certificate list")?,
    };
    let mut certs = Vec::new();
    while !list.data.is_empty() {
        let len = list.u24("certificate length")?;
        let der = list.bytes(len, "certificate")?;
        if certs.len() < MAX_CERTS {
            certs.push(der.to_vec());
        }
    }
    Ok(certs)
}

/// CertificateStatus: status_type ocsp(1) and the u24-length DER OCSPResponse.
fn parse_certificate_status(body: &[u8]) -> Result<Vec<u8>, String> {
    let mut f = Fields { data: body };
    let kind = f.u8("status type")?;
    if kind != 1 {
        return Err(format!("CertificateStatus of type {kind}"));
    }
    let len = f.u24("OCSP response length")?;
    Ok(f.bytes(len, "OCSP response")?.to_vec())
}

/// Reads big-endian fields from a slice, failing instead of panicking at its end.
struct Fields<'a> {
    data: &'a [u8],
}

impl<'a> Fields<'a> {
    fn bytes(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        if self.data.len() < n {
            return Err(format!("truncated at {what}"));
        }
        let (head, tail) = self.data.split_at(n);
        self.data = tail;
        Ok(head)
    }

    fn u8(&mut self, what: &str) -> Result<u8, String> {
        Ok(self.bytes(1, what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16, String> {
        let b = self.bytes(2, what)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u24(&mut self, what: &str) -> Result<usize, String> {
        let b = self.bytes(3, what)?;
        Ok((usize::from(b[0]) << 16) | (usize::from(b[1]) << 8) | usize::from(b[2]))
    }
}

pub fn parse_server_hello(body: &[u8]) -> Result<ServerHello, String> {
    let mut f = Fields { data: body };
    let legacy_version = f.u16("version")?;
    let mut random = [0u8; 32];
    random.copy_from_slice(f.bytes(32, "random")?);
    let session_id_len = f.u8("session id")?;
    if session_id_len > 32 {
        return Err(format!("session id of {session_id_len} bytes"));
    }
    f.bytes(usize::from(session_id_len), "session id")?;
    let cipher_suite = f.u16("cipher suite")?;
    f.u8("compression method")?;
    let mut version = legacy_version;
    let mut secure_renegotiation = false;
    let mut stapling_promised = false;
    if !f.data.is_empty() {
        let ext_len = f.u16("extensions length")?;
        let mut exts = Fields {
            data: f.bytes(usize::from(ext_len), "extensions")?,
        };
        while !exts.data.is_empty() {
            let kind = exts.u16("extension type")?;
            let len = exts.u16("extension length")?;
            let data = exts.bytes(usize::from(len), "extension data")?;
            if kind == EXT_SUPPORTED_VERSIONS {
                let [hi, lo] = data else {
                    return Err(format!("supported_versions of {len} bytes"));
                };
                version = u16::from_be_bytes([*hi, *lo]);
            }
            secure_renegotiation |= kind == EXT_RENEGOTIATION_INFO;
            stapling_promised |= kind == EXT_STATUS_REQUEST;
        }
    }
    Ok(ServerHello {
        version,
        cipher_suite,
        secure_renegotiation,
        stapling_promised,
        hello_retry: random == HELLO_RETRY_RANDOM,
        random,
    })
}

/// Says what a non-TLS answer looks like, from its first bytes.
pub fn describe_non_tls(bytes: &[u8]) -> String {
    let first_line: String = bytes
        .iter()
        .take_while(|b| **b != b'\r' && **b != b'\n')
        .take(60)
        .map(|b| char::from(*b))
        .collect();
    let printable = !first_line.is_empty()
        && first_line
            .chars()
            .all(|c| c.is_ascii_graphic() || c == ' ' || c == '\t');
    if bytes.starts_with(b"HTTP/") {
        format!("not TLS: the server answered in plain HTTP ({first_line:?})")
    } else if bytes.starts_with(b"SSH-") {
        format!("not TLS: looks like an SSH server ({first_line:?})")
    } else if printable {
        format!("not TLS: the server sent text ({first_line:?})")
    } else {
        format!(
            "not TLS: the answer starts with bytes {}",
            hex(&bytes[..bytes.len().min(8)])
        )
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
