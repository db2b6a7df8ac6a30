//! Renegotiation: does the server refuse a renegotiation the client starts?
//!
//! rustls cannot renegotiate, so this is a minimal TLS 1.2 client of its own: ECDHE (x25519 or
//! P-256) with AES-128-GCM-SHA256, enough to complete one handshake, verify the server's
//! Finished, and send a second ClientHello over the protected connection. The server's answer
//! to that hello is the verdict: a ServerHello means it renegotiates at a client's request (a
//! cheap way to make it do expensive handshakes: DoS); an alert or a hang-up means it refuses.
//!
//! The server's ServerKeyExchange signature is not checked: the probe judges the server's
//! behaviour, not its identity, and sends nothing secret.

mod crypto;

use crate::net::connect::{self, Endpoint, NetError};
use crate::net::hello::{self, parse_server_hello, sni_name, Alert, ClientHello, HelloExtras};
use crypto::{prf, sha256, Direction, FIXED_IV_LEN, KEY_LEN};
use ring::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey};
use ring::rand::{SecureRandom, SystemRandom};
use std::fmt;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// The suites this client implements: ECDHE with AES-128-GCM and the SHA-256 PRF.
pub const SUITES: [u16; 2] = [0xC02F, 0xC02B];
const GROUPS: [u16; 2] = [0x001D, 0x0017];
/// Bounds on everything read from the server over the probe.
const MAX_BYTES: usize = 256 * 1024;
const MAX_RECORDS: usize = 256;

const CHANGE_CIPHER_SPEC: u8 = 20;
const ALERT: u8 = 21;
const HANDSHAKE: u8 = 22;
const APPLICATION_DATA: u8 = 23;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenegotiationProbe {
    /// The server answered `renegotiation_info` (RFC 5746).
    pub secure_renegotiation: bool,
    pub client_initiated: ClientInitiated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientInitiated {
    /// The server answered the second ClientHello with a ServerHello.
    Accepted,
    /// The server refused: an alert, a hang-up, or no answer at all.
    Refused { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenegotiationError {
    Net(NetError),
    /// The server did not complete a handshake with the suites this client speaks.
    Unsupported(String),
    /// The server broke the protocol (or the probe's understanding of it).
    Protocol {
        addr: SocketAddr,
        what: String,
    },
    /// Something on this machine failed (no random bytes, key generation).
    Local(&'static str),
}

impl fmt::Display for RenegotiationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenegotiationError::Net(e) => e.fmt(f),
            RenegotiationError::Unsupported(why) => write!(
                f,
                "the renegotiation probe speaks only TLS 1.2 ECDHE with AES-128-GCM, and {why}"
            ),
            RenegotiationError::Protocol { addr, what } => write!(f, "{addr}: {what}"),
            RenegotiationError::Local(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for RenegotiationError {}

type Result<T> = std::result::Result<T, RenegotiationError>;

/// One completed TLS 1.2 handshake, then a client-initiated renegotiation attempt. The whole
/// probe is bounded by `timeout`.
pub fn probe(endpoint: &Endpoint, timeout: Duration) -> Result<RenegotiationProbe> {
    let rng = SystemRandom::new();
    let mut client_random = [0u8; 32];
    rng.fill(&mut client_random)
        .map_err(|_| RenegotiationError::Local("no random bytes"))?;
    let stream = connect::connect(endpoint, timeout).map_err(RenegotiationError::Net)?;
    let addr = stream
        .peer_addr()
        .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], endpoint.port)));
    let mut wire = Wire {
        stream,
        addr,
        deadline: Instant::now() + timeout,
        pending: Vec::new(),
        read: 0,
        records: 0,
    };
    let server_name = sni_name(&endpoint.host);

    // First handshake, in the clear.
    let first = ClientHello {
        version: hello::TLS12,
        cipher_suites: &SUITES,
        server_name,
        extras: HelloExtras {
            groups: Some(&GROUPS),
            renegotiation_info: Some(&[]),
            ..HelloExtras::default()
        },
    };
    let record = first.to_record(&client_random);
    let mut transcript = record[5..].to_vec();
    wire.send(&record)?;

    let mut messages = Messages::default();
    let server_hello = wire.next_message(&mut messages, None, &mut transcript)?;
    let (kind, body) = split_message(&server_hello);
    if kind != 2 {
        return Err(wire.protocol(format!("expected ServerHello, got message type {kind}")));
    }
    let sh = parse_server_hello(body).map_err(|e| wire.protocol(format!("ServerHello: {e}")))?;
    if sh.version != hello::TLS12 || !SUITES.contains(&sh.cipher_suite) {
        return Err(RenegotiationError::Unsupported(format!(
            "the server chose {} with suite 0x{:04X}",
            hello::version_name(sh.version),
            sh.cipher_suite
        )));
    }
    let mut server_point = None;
    loop {
        let message = wire.next_message(&mut messages, None, &mut transcript)?;
        let (kind, body) = split_message(&message);
        match kind {
            12 => server_point = Some(ecdhe_point(body).map_err(|e| wire.protocol(e))?),
            14 => break,
            11 | 13 | 22 => {} // Certificate, CertificateRequest, CertificateStatus
            other => {
                return Err(wire.protocol(format!("unexpected handshake message type {other}")))
            }
        }
    }
    let (group, point) =
        server_point.ok_or_else(|| wire.protocol("no ServerKeyExchange for ECDHE".into()))?;
    let algorithm = match group {
        0x001D => &agreement::X25519,
        0x0017 => &agreement::ECDH_P256,
        other => {
            return Err(RenegotiationError::Unsupported(format!(
                "the server chose group 0x{other:04X}"
            )))
        }
    };
    let private = EphemeralPrivateKey::generate(algorithm, &rng)
        .map_err(|_| RenegotiationError::Local("cannot generate an ECDHE key"))?;
    let public = private
        .compute_public_key()
        .map_err(|_| RenegotiationError::Local("cannot compute an ECDHE public key"))?;
    let premaster = agreement::agree_ephemeral(
        private,
        &UnparsedPublicKey::new(algorithm, &point),
        |secret| secret.to_vec(),
    )
    .map_err(|_| wire.protocol("the server's ECDHE public key is invalid".into()))?;

    let randoms = [client_random.as_slice(), sh.random.as_slice()].concat();
    let master = prf(&premaster, b"master secret", &randoms, 48);
    let server_client = [sh.random.as_slice(), client_random.as_slice()].concat();
    let block = prf(
        &master,
        b"key expansion",
        &server_client,
        2 * KEY_LEN + 2 * FIXED_IV_LEN,
    );
    let (client_key, rest) = block.split_at(KEY_LEN);
    let (server_key, rest) = rest.split_at(KEY_LEN);
    let (client_iv, server_iv) = rest.split_at(FIXED_IV_LEN);
    let local = |e: crypto::RecordError| RenegotiationError::Local(e.0);
    let mut tx = Direction::new(client_key, client_iv).map_err(local)?;
    let mut rx = Direction::new(server_key, server_iv).map_err(local)?;

    let mut key_exchange = vec![16];
    put_u24(&mut key_exchange, public.as_ref().len() + 1);
    key_exchange.push(public.as_ref().len() as u8);
    key_exchange.extend_from_slice(public.as_ref());
    transcript.extend_from_slice(&key_exchange);
    let client_verify = prf(&master, b"client finished", &sha256(&transcript), 12);
    let mut finished = vec![20, 0, 0, 12];
    finished.extend_from_slice(&client_verify);
    transcript.extend_from_slice(&finished);
    let mut flight = plain_record(HANDSHAKE, &key_exchange);
    flight.extend_from_slice(&plain_record(CHANGE_CIPHER_SPEC, &[1]));
    flight.extend_from_slice(&tx.seal(HANDSHAKE, &finished).map_err(local)?);
    wire.send(&flight)?;

    // The server's ChangeCipherSpec and Finished complete the first handshake.
    let expected_server_verify = prf(&master, b"server finished", &sha256(&transcript), 12);
    let mut messages = Messages::default();
    let mut ignored = Vec::new();
    let server_finished = wire.next_message(&mut messages, Some(&mut rx), &mut ignored)?;
    let (kind, body) = split_message(&server_finished);
    if kind != 20 || body != expected_server_verify.as_slice() {
        return Err(wire.protocol("the server's Finished does not verify".into()));
    }

    // The renegotiation: a new ClientHello, protected, carrying our verify_data (RFC 5746).
    let mut second_random = [0u8; 32];
    rng.fill(&mut second_random)
        .map_err(|_| RenegotiationError::Local("no random bytes"))?;
    let renegotiation_info: &[u8] = if sh.secure_renegotiation {
        &client_verify
    } else {
        &[]
    };
    let second = ClientHello {
        version: hello::TLS12,
        cipher_suites: &SUITES,
        server_name,
        extras: HelloExtras {
            groups: Some(&GROUPS),
            renegotiation_info: Some(renegotiation_info),
            ..HelloExtras::default()
        },
    };
    let record = second.to_record(&second_random);
    wire.send(&tx.seal(HANDSHAKE, &record[5..]).map_err(local)?)?;
    let client_initiated = wire.renegotiation_answer(&mut rx)?;
    Ok(RenegotiationProbe {
        secure_renegotiation: sh.secure_renegotiation,
        client_initiated,
    })
}

fn plain_record(content_type: u8, body: &[u8]) -> Vec<u8> {
    let mut r = vec![content_type, 3, 3];
    r.extend_from_slice(&(body.len() as u16).to_be_bytes());
    r.extend_from_slice(body);
    r
}

fn put_u24(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&[(v >> 16) as u8, (v >> 8) as u8, v as u8]);
}

/// (type, body) of a whole handshake message.
fn split_message(message: &[u8]) -> (u8, &[u8]) {
    (message[0], &message[4..])
}

/// The named group and public point of an ECDHE ServerKeyExchange.
fn ecdhe_point(body: &[u8]) -> std::result::Result<(u16, Vec<u8>), String> {
    match body {
        [3, hi, lo, len, rest @ ..] if rest.len() >= usize::from(*len) => Ok((
            u16::from_be_bytes([*hi, *lo]),
            rest[..usize::from(*len)].to_vec(),
        )),
        _ => Err("malformed ECDHE ServerKeyExchange".into()),
    }
}

/// Handshake messages reassembled across records.
#[derive(Default)]
struct Messages {
    buffer: Vec<u8>,
}

impl Messages {
    fn pop(&mut self) -> Option<Vec<u8>> {
        if self.buffer.len() < 4 {
            return None;
        }
        let len = (usize::from(self.buffer[1]) << 16)
            | (usize::from(self.buffer[2]) << 8)
            | usize::from(self.buffer[3]);
        if self.buffer.len() < 4 + len {
            return None;
        }
        Some(self.buffer.drain(..4 + len).collect())
    }
}

struct Wire {
    stream: TcpStream,
    addr: SocketAddr,
    deadline: Instant,
    pending: Vec<u8>,
    read: usize,
    records: usize,
}

/// What ended a read of the server's records.
enum Ending {
    Closed,
    TimedOut,
}

impl Wire {
    fn protocol(&self, what: String) -> RenegotiationError {
        RenegotiationError::Protocol {
            addr: self.addr,
            what,
        }
    }

    fn send(&mut self, bytes: &[u8]) -> Result<()> {
        self.stream
            .write_all(bytes)
            .map_err(|e| RenegotiationError::Net(connect::io_error(self.addr, "sending", &e)))
    }

    /// The next record, or why there is none.
    fn record(&mut self) -> Result<std::result::Result<(u8, Vec<u8>), Ending>> {
        loop {
            if self.pending.len() >= 5 {
                let len = usize::from(u16::from_be_bytes([self.pending[3], self.pending[4]]));
                if self.pending[1] != 3 || len > 18432 {
                    return Err(self.protocol(hello::describe_non_tls(&self.pending)));
                }
                if self.pending.len() >= 5 + len {
                    let content_type = self.pending[0];
                    let payload = self.pending.drain(..5 + len).skip(5).collect();
                    self.records += 1;
                    if self.records > MAX_RECORDS {
                        return Err(self.protocol(format!("more than {MAX_RECORDS} records")));
                    }
                    return Ok(Ok((content_type, payload)));
                }
            }
            if self.read >= MAX_BYTES {
                return Err(self.protocol(format!("more than {} KiB", MAX_BYTES / 1024)));
            }
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(Err(Ending::TimedOut));
            }
            let _ = self.stream.set_read_timeout(Some(left));
            let mut buf = [0u8; 8192];
            let want = buf.len().min(MAX_BYTES - self.read);
            match self.stream.read(&mut buf[..want]) {
                Ok(0) => return Ok(Err(Ending::Closed)),
                Ok(n) => {
                    self.read += n;
                    self.pending.extend_from_slice(&buf[..n]);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Ok(Err(Ending::TimedOut))
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
                    ) =>
                {
                    return Ok(Err(Ending::Closed))
                }
                Err(e) => {
                    return Err(RenegotiationError::Net(connect::io_error(
                        self.addr, "reading", &e,
                    )))
                }
            }
        }
    }

    /// The next handshake message of the first handshake (decrypted with `rx` once the
    /// server's ChangeCipherSpec came); plaintext messages are added to `transcript`.
    fn next_message(
        &mut self,
        messages: &mut Messages,
        mut rx: Option<&mut Direction>,
        transcript: &mut Vec<u8>,
    ) -> Result<Vec<u8>> {
        loop {
            if let Some(message) = messages.pop() {
                transcript.extend_from_slice(&message);
                return Ok(message);
            }
            let (content_type, payload) = match self.record()? {
                Ok(r) => r,
                Err(Ending::Closed) => {
                    return Err(self.unsupported_or_protocol("closed the connection"))
                }
                Err(Ending::TimedOut) => {
                    return Err(RenegotiationError::Net(NetError::Timeout {
                        addr: self.addr,
                        during: "the renegotiation probe's first handshake",
                    }))
                }
            };
            let encrypted = rx.is_some();
            let payload = match (&mut rx, content_type) {
                (_, CHANGE_CIPHER_SPEC) => continue,
                (Some(rx), _) => rx
                    .open(content_type, &payload)
                    .map_err(|e| self.protocol(e.0.into()))?,
                (None, _) => payload,
            };
            match content_type {
                HANDSHAKE => messages.buffer.extend_from_slice(&payload),
                ALERT if payload.len() >= 2 => {
                    let alert = Alert {
                        level: payload[0],
                        description: payload[1],
                    };
                    if alert.is_fatal() || alert.description == 0 {
                        return Err(self.unsupported_or_protocol(&alert.to_string()));
                    }
                }
                _ if encrypted => {}
                other => return Err(self.protocol(format!("record type {other} mid-handshake"))),
            }
        }
    }

    fn unsupported_or_protocol(&self, what: &str) -> RenegotiationError {
        RenegotiationError::Unsupported(format!("the server ended the handshake: {what}"))
    }

    /// Reads the server's protected answer to the renegotiating ClientHello.
    fn renegotiation_answer(&mut self, rx: &mut Direction) -> Result<ClientInitiated> {
        let mut handshake = Vec::new();
        loop {
            let (content_type, payload) = match self.record()? {
                Ok(r) => r,
                Err(Ending::Closed) => {
                    return Ok(ClientInitiated::Refused {
                        reason: "the server closed the connection".into(),
                    })
                }
                Err(Ending::TimedOut) => {
                    return Ok(ClientInitiated::Refused {
                        reason: "the server did not answer the new ClientHello in time".into(),
                    })
                }
            };
            let plain = rx
                .open(content_type, &payload)
                .map_err(|e| self.protocol(e.0.into()))?;
            match content_type {
                HANDSHAKE => {
                    handshake.extend_from_slice(&plain);
                    match handshake.first() {
                        Some(2) => return Ok(ClientInitiated::Accepted),
                        Some(0) if handshake.len() >= 4 => {
                            handshake.drain(..4); // HelloRequest: not an answer
                        }
                        Some(other) if handshake.len() >= 4 => {
                            return Err(self.protocol(format!(
                                "answered the new ClientHello with handshake message type {other}"
                            )))
                        }
                        _ => {}
                    }
                }
                ALERT if plain.len() >= 2 => {
                    let alert = Alert {
                        level: plain[0],
                        description: plain[1],
                    };
                    return Ok(ClientInitiated::Refused {
                        reason: format!("the server answered with {alert}"),
                    });
                }
                APPLICATION_DATA => {} // e.g. a response to nothing; keep reading
                other => {
                    return Err(self.protocol(format!(
                        "answered the new ClientHello with record type {other}"
                    )))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_ecdhe_point_and_refuses_malformed_parameters() {
        assert_eq!(
            ecdhe_point(&[3, 0, 0x1D, 2, 9, 8, 0xAA]),
            Ok((0x001D, vec![9, 8]))
        );
        assert!(ecdhe_point(&[3, 0, 0x1D, 5, 9]).is_err());
        assert!(ecdhe_point(&[1, 0, 0x1D]).is_err());
    }

    #[test]
    fn messages_are_reassembled_across_records() {
        let mut m = Messages::default();
        m.buffer.extend_from_slice(&[14, 0, 0]);
        assert_eq!(m.pop(), None);
        m.buffer.extend_from_slice(&[0, 2, 0, 0, 5]);
        assert_eq!(m.pop(), Some(vec![14, 0, 0, 0]));
        assert_eq!(m.pop(), None);
    }
}
