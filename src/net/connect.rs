//! Reaching the target: name resolution and TCP connects, each bounded by the audit's timeout.

use std::fmt;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Where to connect for a URL: the name to send as SNI and check the certificate against,
/// and the addresses to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub addrs: Vec<SocketAddr>,
}

impl Endpoint {
    /// `host:port` as shown to the user, with the pinned address when it differs.
    pub fn label(&self) -> String {
        let hp = if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        };
        match self.addrs.first() {
            Some(a) if a.ip().to_string() != self.host => format!("{hp} ({})", a.ip()),
            _ => hp,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    Resolve {
        host: String,
        reason: String,
    },
    Refused {
        addr: SocketAddr,
    },
    Timeout {
        addr: SocketAddr,
        during: &'static str,
    },
    Io {
        addr: SocketAddr,
        reason: String,
    },
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::Resolve { host, reason } => write!(f, "cannot resolve {host}: {reason}"),
            NetError::Refused { addr } => write!(f, "connection to {addr} refused"),
            NetError::Timeout { addr, during } => {
                write!(f, "{addr} did not answer in time ({during})")
            }
            NetError::Io { addr, reason } => write!(f, "{addr}: {reason}"),
        }
    }
}

/// Connects to the first address that accepts, with read and write timeouts set on the stream.
pub fn connect(endpoint: &Endpoint, timeout: Duration) -> Result<TcpStream, NetError> {
    let mut last = None;
    for addr in &endpoint.addrs {
        match connect_addr(*addr, timeout) {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or(NetError::Resolve {
        host: endpoint.host.clone(),
        reason: "no addresses".into(),
    }))
}

pub fn connect_addr(addr: SocketAddr, timeout: Duration) -> Result<TcpStream, NetError> {
    let stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| match e.kind() {
        std::io::ErrorKind::ConnectionRefused => NetError::Refused { addr },
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => NetError::Timeout {
            addr,
            during: "connect",
        },
        _ => NetError::Io {
            addr,
            reason: e.to_string(),
        },
    })?;
    let io = |e: std::io::Error| NetError::Io {
        addr,
        reason: e.to_string(),
    };
    stream.set_read_timeout(Some(timeout)).map_err(io)?;
    stream.set_write_timeout(Some(timeout)).map_err(io)?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

/// Maps an I/O error on an open stream to a [`NetError`], telling timeouts apart.
pub fn io_error(addr: SocketAddr, during: &'static str, e: &std::io::Error) -> NetError {
    match e.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            NetError::Timeout { addr, during }
        }
        _ => NetError::Io {
            addr,
            reason: format!("{during}: {e}"),
        },
    }
}
