//! Which TCP ports of one address answer: a connect scan on tokio. Each port is open
//! (handshake completed), closed (refused), filtered (no answer before the timeout), or could
//! not be probed (with the reason).

pub mod limit;
pub mod list;

pub use list::PortList;

use std::collections::BTreeMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortState {
    Open,
    /// The host answered with a reset (or an ICMP port unreachable).
    Closed,
    /// Nothing came back before the timeout, or a firewall answered "prohibited".
    Filtered,
    /// The audit deadline passed before this port's turn.
    NotProbed,
    /// The connect could not be attempted (no route, no descriptors, no local port).
    Failed(String),
}

impl PortState {
    pub fn as_str(&self) -> &'static str {
        match self {
            PortState::Open => "open",
            PortState::Closed => "closed",
            PortState::Filtered => "filtered",
            PortState::NotProbed => "not probed",
            PortState::Failed(_) => "not probed (error)",
        }
    }
}

/// The result of scanning one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortScan {
    pub addr: IpAddr,
    pub states: BTreeMap<u16, PortState>,
    /// Connects allowed in flight at once (after fitting to the open-files limit).
    pub concurrency: usize,
    pub elapsed: Duration,
}

impl PortScan {
    pub fn state(&self, port: u16) -> Option<&PortState> {
        self.states.get(&port)
    }

    pub fn open_ports(&self) -> impl Iterator<Item = u16> + '_ {
        self.states
            .iter()
            .filter(|(_, s)| **s == PortState::Open)
            .map(|(p, _)| *p)
    }
}

#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Per-connect timeout: a port silent this long is filtered.
    pub connect_timeout: Duration,
    /// Ports not started by then are reported as not probed.
    pub deadline: Option<Instant>,
    /// Most connects in flight from this scan; fitted to `RLIMIT_NOFILE` by [`scan`].
    pub max_in_flight: usize,
}

/// Connects in flight when the caller does not say: enough to sweep all 65535 ports of a
/// loopback address in about a second, few enough not to look like a flood to a remote host's
/// connection tracking.
pub const DEFAULT_IN_FLIGHT: usize = 1024;

/// Scans `ports` of `addr`. `sockets` is the audit-wide socket limit: every connect holds one
/// of its permits, so this scan shares descriptors fairly with the other network facts.
pub async fn scan(
    addr: IpAddr,
    ports: &PortList,
    options: &ScanOptions,
    sockets: &Arc<Semaphore>,
) -> PortScan {
    let started = Instant::now();
    let concurrency = limit::fit_concurrency(options.max_in_flight, limit::open_files_limit());
    let in_flight = Arc::new(Semaphore::new(concurrency));
    let mut tasks = JoinSet::new();
    let mut states = BTreeMap::new();
    for port in ports.iter() {
        if options.deadline.is_some_and(|d| Instant::now() >= d) {
            states.insert(port, PortState::NotProbed);
            continue;
        }
        // Our own semaphores are never closed; an error here would mean they were.
        let (Ok(mine), Ok(shared)) = (
            in_flight.clone().acquire_owned().await,
            sockets.clone().acquire_owned().await,
        ) else {
            states.insert(port, PortState::Failed("socket limit closed".into()));
            continue;
        };
        while let Some(done) = tasks.try_join_next() {
            if let Ok((p, state)) = done {
                states.insert(p, state);
            }
        }
        let timeout = per_connect_timeout(options);
        tasks.spawn(async move {
            let state = probe(SocketAddr::new(addr, port), timeout).await;
            drop((mine, shared));
            (port, state)
        });
    }
    while let Some(done) = tasks.join_next().await {
        if let Ok((p, state)) = done {
            states.insert(p, state);
        }
    }
    // A probe task that panicked left its port without a state: say so, never "closed".
    for port in ports.iter() {
        states
            .entry(port)
            .or_insert_with(|| PortState::Failed("probe task failed".into()));
    }
    PortScan {
        addr,
        states,
        concurrency,
        elapsed: started.elapsed(),
    }
}

fn per_connect_timeout(options: &ScanOptions) -> Duration {
    match options.deadline {
        Some(d) => options
            .connect_timeout
            .min(d.saturating_duration_since(Instant::now())),
        None => options.connect_timeout,
    }
}

/// Attempts when the local side runs short (descriptors, ephemeral ports, buffers).
const LOCAL_RETRIES: u32 = 3;

async fn probe(target: SocketAddr, timeout: Duration) -> PortState {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match tokio::time::timeout(timeout, TcpStream::connect(target)).await {
            Err(_) => return PortState::Filtered,
            Ok(Ok(stream)) => {
                // Connecting to a port in our own ephemeral range can pick that very port as
                // the source and "connect" to itself (TCP simultaneous open): nobody listens.
                if stream.local_addr().ok() == Some(target) {
                    return PortState::Closed;
                }
                // Reset rather than FIN: no TIME_WAIT left behind per open port.
                let _ = stream.set_zero_linger();
                return PortState::Open;
            }
            Ok(Err(e)) => match classify(&e) {
                Outcome::State(state) => return state,
                Outcome::LocalShortage if attempt < LOCAL_RETRIES => {
                    tokio::time::sleep(Duration::from_millis(10 * u64::from(attempt))).await;
                }
                Outcome::LocalShortage => return PortState::Failed(e.to_string()),
            },
        }
    }
}

enum Outcome {
    State(PortState),
    LocalShortage,
}

fn classify(e: &io::Error) -> Outcome {
    if e.kind() == io::ErrorKind::ConnectionRefused {
        return Outcome::State(PortState::Closed);
    }
    match e.raw_os_error() {
        // ICMP host unreachable / administratively prohibited: a firewall answered for the port.
        Some(libc::EHOSTUNREACH) => Outcome::State(PortState::Filtered),
        Some(libc::EMFILE | libc::ENFILE | libc::EADDRNOTAVAIL | libc::ENOBUFS | libc::EAGAIN) => {
            Outcome::LocalShortage
        }
        _ => Outcome::State(PortState::Failed(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_is_closed_and_shortages_are_retried() {
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        assert!(matches!(
            classify(&refused),
            Outcome::State(PortState::Closed)
        ));
        let unreachable = io::Error::from_raw_os_error(libc::EHOSTUNREACH);
        assert!(matches!(
            classify(&unreachable),
            Outcome::State(PortState::Filtered)
        ));
        let emfile = io::Error::from_raw_os_error(libc::EMFILE);
        assert!(matches!(classify(&emfile), Outcome::LocalShortage));
        let no_route = io::Error::from_raw_os_error(libc::ENETUNREACH);
        assert!(matches!(
            classify(&no_route),
            Outcome::State(PortState::Failed(_))
        ));
    }
}
