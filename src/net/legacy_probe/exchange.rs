//! One probe on the wire: connect, send a ClientHello, read until the server has answered.

use super::ProbeFailure;
use crate::net::connect::{self, Endpoint, NetError};
use crate::net::hello::{AnswerReader, ClientHello, ServerAnswer};
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

    let mut reader = AnswerReader::new();
    let mut buf = [0u8; 8192];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ProbeFailure::Net(waiting_timeout(addr)));
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|e| ProbeFailure::Net(connect::io_error(addr, "setting a timeout", &e)))?;
        match stream.read(&mut buf) {
            Ok(0) => return Ok((addr, reader.finish(false))),
            Ok(n) => {
                if let Some(answer) = reader.feed(&buf[..n]) {
                    return Ok((addr, answer));
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
                ) =>
            {
                return Ok((addr, reader.finish(true)))
            }
            Err(e) => {
                return Err(ProbeFailure::Net(connect::io_error(
                    addr,
                    "waiting for the ServerHello",
                    &e,
                )))
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
