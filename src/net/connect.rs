//! Reaching the target: name resolution and TCP connects, each bounded by the audit's timeout.

use crate::target::Target;
use std::fmt;
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
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

/// Maximum addresses tried for one name, so a resolver answering with hundreds stays bounded.
const MAX_ADDRS: usize = 8;

/// Works out where the URL's host lives: `--resolve` first, then IP literals, then DNS
/// (run on a helper thread so a stuck resolver cannot outlast the timeout).
pub fn endpoint_for(target: &Target) -> Option<Result<Endpoint, NetError>> {
    let url = target.url.as_ref()?;
    Some(resolve(
        &url.host,
        url.port,
        target.pinned_addr(),
        target.timeout,
    ))
}

pub fn resolve(
    host: &str,
    port: u16,
    pinned: Option<IpAddr>,
    timeout: Duration,
) -> Result<Endpoint, NetError> {
    let addrs = if let Some(ip) = pinned {
        vec![SocketAddr::new(ip, port)]
    } else if let Ok(ip) = host.parse::<IpAddr>() {
        vec![SocketAddr::new(ip, port)]
    } else {
        lookup(host, port, timeout)?
    };
    Ok(Endpoint {
        host: host.to_string(),
        port,
        addrs,
    })
}

fn lookup(host: &str, port: u16, timeout: Duration) -> Result<Vec<SocketAddr>, NetError> {
    let (tx, rx) = mpsc::channel();
    let query = format!("{host}:{port}");
    std::thread::spawn(move || {
        let result = query
            .to_socket_addrs()
            .map(|it| it.take(MAX_ADDRS).collect::<Vec<_>>());
        let _ = tx.send(result);
    });
    match rx.recv_timeout(timeout) {
        Ok(Ok(addrs)) if !addrs.is_empty() => Ok(addrs),
        Ok(Ok(_)) => Err(NetError::Resolve {
            host: host.to_string(),
            reason: "no addresses".into(),
        }),
        Ok(Err(e)) => Err(NetError::Resolve {
            host: host.to_string(),
            reason: e.to_string(),
        }),
        Err(_) => Err(NetError::Resolve {
            host: host.to_string(),
            reason: format!("no answer within {}s", timeout.as_secs_f32()),
        }),
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
