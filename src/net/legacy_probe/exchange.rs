//! One probe on the wire: connect, send a ClientHello, read until the server has answered.

use super::ProbeFailure;
use crate::net::connect::{self, Endpoint, NetError};
use crate::net::hello::{AnswerReader, ClientHello, Flight, ServerAnswer};
use ring::rand::{SecureRandom, SystemRandom};
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

/// Sends `hello` on a fresh connection and returns the server's answer. The whole exchange
/// after connecting is bounded by one `timeout`, so a server dripping bytes cannot stretch it.
pub fn exchange(
    endpoint: &Endpoint,
    hello: &ClientHello,
    timeout: Duration,
) -> Result<(SocketAddr, ServerAnswer), ProbeFailure> {
    exchange_with(endpoint, hello, timeout, AnswerReader::new()).map(|(a, answer, _)| (a, answer))
}

/// As [`exchange`], but reads on to ServerHelloDone and returns the rest of the flight too
/// (certificates, stapled OCSP, ServerKeyExchange) for TLS 1.2 and older.
pub fn exchange_flight(
    endpoint: &Endpoint,
    hello: &ClientHello,
    timeout: Duration,
) -> Result<(SocketAddr, ServerAnswer, Flight), ProbeFailure> {
    exchange_with(endpoint, hello, timeout, AnswerReader::for_flight())
}

fn exchange_with(
    endpoint: &Endpoint,
    hello: &ClientHello,
    timeout: Duration,
    mut reader: AnswerReader,
) -> Result<(SocketAddr, ServerAnswer, Flight), ProbeFailure> {
    let mut random = [0u8; 32];
    SystemRandom::new()
        .fill(&mut random)
        .map_err(|_| ProbeFailure::Local("no random bytes for the ClientHello".into()))?;
    let record = hello.to_record(&random);

    let mut stream = connect::connect(endpoint, timeout).map_err(ProbeFailure::Net)?;
    let addr = stream
        .peer_addr()
        .ok()
        .or_else(|| endpoint.addrs.first().copied())
        .unwrap_or(SocketAddr::new(
            IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            endpoint.port,
        ));
    let deadline = Instant::now() + timeout;

    if let Err(e) = stream.write_all(&record) {
        match e.kind() {
            // The server may already have answered (an alert, or plain text) and closed:
            // what it said is still worth reading.
            ErrorKind::BrokenPipe | ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => {}
            _ => {
                return Err(ProbeFailure::Net(connect::io_error(
                    addr,
                    "sending the ClientHello",
                    &e,
                )))
            }
        }
    }

    let mut buf = [0u8; 8192];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            if let Some(answer) = reader.give_up("timed out before ServerHelloDone") {
                return Ok((addr, answer, reader.flight().clone()));
            }
            return Err(ProbeFailure::Net(waiting_timeout(addr)));
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|e| ProbeFailure::Net(connect::io_error(addr, "setting a timeout", &e)))?;
        match stream.read(&mut buf) {
            Ok(0) => {
                let answer = reader.finish(false);
                return Ok((addr, answer, reader.flight().clone()));
            }
            Ok(n) => {
                if let Some(answer) = reader.feed(&buf[..n]) {
                    return Ok((addr, answer, reader.flight().clone()));
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
                ) =>
            {
                let answer = reader.finish(true);
                return Ok((addr, answer, reader.flight().clone()));
            }
            Err(e) => {
                if let Some(answer) =
                    reader.give_up(&format!("stopped before ServerHelloDone: {e}"))
                {
                    return Ok((addr, answer, reader.flight().clone()));
                }
                return Err(ProbeFailure::Net(connect::io_error(
                    addr,
                    "waiting for the ServerHello",
                    &e,
                )));
            }
        }
    }
}

fn waiting_timeout(addr: SocketAddr) -> NetError {
    NetError::Timeout {
        addr,
        during: "waiting for the ServerHello",
    }
}
