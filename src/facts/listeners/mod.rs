//! Listening sockets on the host: from the kernel's sock_diag netlink interface on the live
//! host, else its socket tables under `/proc/net` (a `--host-root` copy), each socket
//! with its bind address and, where permitted, the process holding it.

pub mod owners;
pub mod procnet;
pub mod sock_diag;

pub use owners::Process;
pub use procnet::Protocol;

use crate::facts::host_root::{HostFileError, HostRoot};
use crate::ip::Reach;
use std::collections::HashSet;
use std::fmt;
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    pub protocol: Protocol,
    pub addr: IpAddr,
    pub port: u16,
    pub inode: u64,
    /// `None` when the owner could not be found (another user's process without privileges).
    pub process: Option<Process>,
}

impl Listener {
    /// Where the socket accepts connections from (loopback, all interfaces, ...).
    pub fn scope(&self) -> Reach {
        crate::ip::reach(self.addr)
    }

    /// `0.0.0.0:5432/tcp`, `[::1]:6379/tcp`.
    pub fn endpoint(&self) -> String {
        match self.addr {
            IpAddr::V6(v6) => format!("[{v6}]:{}/{}", self.port, self.protocol.as_str()),
            IpAddr::V4(v4) => format!("{v4}:{}/{}", self.port, self.protocol.as_str()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listeners {
    pub sockets: Vec<Listener>,
    /// Where the sockets were read: `netlink sock_diag (tcp, tcp6)`, or the tables read, e.g.
    /// `/proc/net/tcp` (a table absent on this host is left out).
    pub tables: Vec<String>,
    /// Lines of the tables that could not be parsed.
    pub unreadable_lines: usize,
    /// Processes whose descriptors could not be listed (not running as root).
    pub owners_denied: usize,
    pub owners_truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenersError {
    /// Not a Linux host: there is no `/proc/net` to read.
    Unsupported(&'static str),
    /// Neither `/proc/net/tcp` nor `tcp6` exists under the host root.
    NoTables(String),
    Read(HostFileError),
}

impl fmt::Display for ListenersError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenersError::Unsupported(os) => {
                write!(
                    f,
                    "listening sockets are read from Linux's /proc; this host runs {os}"
                )
            }
            ListenersError::NoTables(root) => {
                write!(f, "no /proc/net/tcp or /proc/net/tcp6 under {root}")
            }
            ListenersError::Read(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ListenersError {}

/// `/proc/net/tcp` lists one line per socket, established ones included: a busy host can
/// have hundreds of thousands.
const MAX_TABLE_BYTES: usize = 64 * 1024 * 1024;
const MAX_TABLE_LINES: usize = 500_000;

/// Reads the listening sockets under `root`: TCP always, UDP when `udp` is set.
pub fn gather(root: &HostRoot, udp: bool) -> Result<Listeners, ListenersError> {
    if root.is_live() && !cfg!(target_os = "linux") {
        return Err(ListenersError::Unsupported(std::env::consts::OS));
    }
    if root.is_live() {
        // The kernel's own filter is far cheaper than printing every socket; /proc stays the
        // answer where netlink is blocked.
        if let Ok(sockets) = sock_diag::listening(udp) {
            let source = if udp {
                "netlink sock_diag (tcp, tcp6, udp, udp6)"
            } else {
                "netlink sock_diag (tcp, tcp6)"
            };
            return Ok(from_sockets(sockets, vec![source.to_string()], 0));
        }
    }
    let mut tables = vec![
        ("/proc/net/tcp", Protocol::Tcp),
        ("/proc/net/tcp6", Protocol::Tcp),
    ];
    if udp {
        tables.push(("/proc/net/udp", Protocol::Udp));
        tables.push(("/proc/net/udp6", Protocol::Udp));
    }
    let mut found = Vec::new();
    let mut read = Vec::new();
    let mut unreadable_lines = 0;
    for (table, protocol) in tables {
        let Some(text) = root
            .read_text(table, MAX_TABLE_BYTES)
            .map_err(ListenersError::Read)?
        else {
            continue;
        };
        let (sockets, bad) = procnet::parse(&text, protocol, MAX_TABLE_LINES);
        found.extend(sockets);
        unreadable_lines += bad;
        read.push(table.to_string());
    }
    if !read.iter().any(|t| t.starts_with("/proc/net/tcp")) {
        return Err(ListenersError::NoTables(
            root.path("/").display().to_string(),
        ));
    }
    Ok(from_sockets(found, read, unreadable_lines))
}

fn from_sockets(
    found: Vec<procnet::Socket>,
    tables: Vec<String>,
    unreadable_lines: usize,
) -> Listeners {
    let sockets = found
        .into_iter()
        .map(|s| Listener {
            process: None,
            protocol: s.protocol,
            addr: s.addr,
            port: s.port,
            inode: s.inode,
        })
        .collect();
    Listeners {
        sockets,
        tables,
        unreadable_lines,
        owners_denied: 0,
        owners_truncated: false,
    }
}

/// The listeners on `ports`, each named with its process. Naming means walking every
/// process's descriptors, so it is done only for the sockets a check asks about: on a host
/// where nothing listens on those ports, nothing is walked.
pub fn on_ports(all: &Listeners, root: &HostRoot, ports: &[u16]) -> Listeners {
    let mut sockets: Vec<Listener> = all
        .sockets
        .iter()
        .filter(|s| ports.contains(&s.port))
        .cloned()
        .collect();
    let inodes: HashSet<u64> = sockets
        .iter()
        .map(|s| s.inode)
        .filter(|i| *i != 0)
        .collect();
    let owners = owners::find(root, &inodes);
    for socket in &mut sockets {
        socket.process = owners.by_inode.get(&socket.inode).cloned();
    }
    Listeners {
        sockets,
        tables: all.tables.clone(),
        unreadable_lines: all.unreadable_lines,
        owners_denied: owners.denied,
        owners_truncated: owners.truncated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapped_ipv4_listener_is_classified_as_ipv4() {
        let listener = |addr: &str| Listener {
            protocol: Protocol::Tcp,
            addr: addr.parse().unwrap(),
            port: 5432,
            inode: 1,
            process: None,
        };
        assert_eq!(listener("::ffff:127.0.0.1").scope(), Reach::Loopback);
        assert_eq!(listener("::").scope(), Reach::AllInterfaces);
        assert_eq!(listener("10.8.0.1").scope(), Reach::Private);
        assert_eq!(listener("203.0.113.7").endpoint(), "203.0.113.7:5432/tcp");
        assert_eq!(listener("::1").endpoint(), "[::1]:5432/tcp");
    }
}
