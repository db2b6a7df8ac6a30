//! Which TCP ports of one address answer: a connect scan on tokio. Each port is open
//! (handshake completed), closed (refused), filtered (no answer before the timeout), or could
//! not be probed (with the reason).

pub mod limit;
pub use crate::target::port_list as list;
mod probe;

pub use list::PortList;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
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
        let wait = connect_wait(options);
        tasks.spawn(async move {
            let state = probe::probe(SocketAddr::new(addr, port), wait).await;
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

/// How long one connect may wait: `--timeout`, or less when the deadline comes first. A port
/// silent for the whole timeout is filtered; one cut short by the deadline is only "not
/// probed", since it might have answered (and a filtered forbidden port would pass).
fn connect_wait(options: &ScanOptions) -> probe::Wait {
    let left = options
        .deadline
        .map(|d| d.saturating_duration_since(Instant::now()));
    match left {
        Some(left) if left < options.connect_timeout => probe::Wait {
            timeout: left,
            cut_by_deadline: true,
        },
        _ => probe::Wait {
            timeout: options.connect_timeout,
            cut_by_deadline: false,
        },
    }
}
