//! Exposure facts as judges read them: the port scan of the audited address (network, on the
//! runtime under the socket limit and the deadline), and the host's listeners and ufw
//! configuration (local files under `--host-root`). Each is gathered once.

use super::host_root::HostFileError;
use super::listeners::{self, Listeners, ListenersError};
use super::ports::{self, PortList, PortScan, ScanOptions};
use super::runtime::{NetRuntime, RuntimeError};
use super::tls::TlsFacts;
use super::ufw::{self, UfwState};
use super::Unavailable;
use crate::target::Target;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::OnceLock;
use tokio::sync::OnceCell;

#[derive(Debug, Clone, PartialEq)]
pub enum ScanError {
    /// Neither `--host` nor `--url` says what to scan.
    NoAddress,
    /// The URL's host name could not be resolved.
    Resolve(String),
    Runtime(RuntimeError),
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanError::NoAddress => f.write_str("no address to scan: give --host ADDR or --url"),
            ScanError::Resolve(why) => write!(f, "cannot find the address to scan: {why}"),
            ScanError::Runtime(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ScanError {}

#[derive(Default)]
pub struct ExposureFacts {
    /// One scan per audited address (`--host`, or each address of the URL's host).
    scan: OnceCell<Result<Vec<PortScan>, ScanError>>,
    /// TCP only, and TCP with UDP.
    listeners: [OnceLock<Result<Listeners, ListenersError>>; 2],
    ufw: OnceLock<Result<UfwState, HostFileError>>,
}

impl ExposureFacts {
    /// Scans `wanted` plus `--ports` on each audited address, once: the engine asks with the
    /// union of every check's ports before judging.
    pub async fn scan(
        &self,
        target: &Target,
        tls: &TlsFacts,
        net: &NetRuntime,
        wanted: &PortList,
    ) -> &Result<Vec<PortScan>, ScanError> {
        self.scan
            .get_or_init(|| async {
                let addrs = scan_addresses(target, tls, net).await?;
                let mut ports = target.extra_ports.clone();
                ports.extend(wanted.iter());
                let options = ScanOptions {
                    connect_timeout: target.timeout,
                    deadline: Some(tokio::time::Instant::from_std(scan_deadline(net))),
                    max_in_flight: net.max_sockets(),
                };
                let mut scans = Vec::with_capacity(addrs.len());
                // One address after the other: each scan already fills the socket limit.
                for addr in addrs {
                    scans.push(ports::scan(addr, &ports, &options, &net.socket_limit()).await);
                }
                Ok(scans)
            })
            .await
    }
}

/// A little before the audit deadline, so that a scan cut short still returns what it found
/// (the unfinished ports as "not probed") instead of being dropped whole at the deadline.
fn scan_deadline(net: &NetRuntime) -> std::time::Instant {
    let deadline = net.deadline();
    let left = deadline.saturating_duration_since(std::time::Instant::now());
    let margin = (left / 10).min(std::time::Duration::from_millis(250));
    deadline.checked_sub(margin).unwrap_or(deadline)
}

/// `--host`, else the URL's addresses (the `--resolve` one, or every address its name
/// resolves to, IPv4 and IPv6: a service can be exposed on one family only), resolved the way
/// TLS facts do.
async fn scan_addresses(
    target: &Target,
    tls: &TlsFacts,
    net: &NetRuntime,
) -> Result<Vec<IpAddr>, ScanError> {
    if let Some(host) = target.host {
        return Ok(vec![host]);
    }
    if target.url.is_none() {
        return Err(ScanError::NoAddress);
    }
    match tls.endpoint(target, net).await {
        Ok(endpoint) => {
            let mut addrs: Vec<IpAddr> = Vec::new();
            for ip in endpoint.addrs.iter().map(|a| a.ip()) {
                if !addrs.contains(&ip) {
                    addrs.push(ip);
                }
            }
            if addrs.is_empty() {
                return Err(ScanError::Resolve("no addresses".into()));
            }
            Ok(addrs)
        }
        Err(e) => Err(ScanError::Resolve(e.to_string())),
    }
}

/// What exposure judges read.
pub struct ExposureView<'a> {
    pub(super) facts: &'a ExposureFacts,
    pub(super) tls: &'a TlsFacts,
    pub(super) target: &'a Target,
    pub(super) net: &'a NetRuntime,
}

impl<'a> ExposureView<'a> {
    /// The port scans (one per audited address), with at least `wanted` when they had not
    /// been gathered yet.
    pub fn ports(&self, wanted: &PortList) -> Result<&'a [PortScan], Unavailable> {
        if self.target.host.is_none() && self.target.url.is_none() {
            return Err(Unavailable::skip(
                "live host",
                "not examined: give --host ADDR (or --url) to scan its ports",
            ));
        }
        let gathered = self
            .net
            .block_on(self.facts.scan(self.target, self.tls, self.net, wanted));
        let subject = self
            .target
            .host
            .map(|h| h.to_string())
            .or_else(|| self.target.url.as_ref().map(|u| u.host.clone()))
            .unwrap_or_default();
        match gathered {
            Ok(Ok(scans)) => Ok(scans),
            Ok(Err(e)) => Err(Unavailable::error(
                subject,
                format!("cannot scan ports: {e}"),
            )),
            Err(e) => Err(Unavailable::error(
                subject,
                format!("cannot scan ports: {e}"),
            )),
        }
    }

    /// Sockets listening on `ports` under `--host-root` (UDP tables too when `udp`), each
    /// with the process holding it where that can be read.
    pub fn listeners(&self, udp: bool, ports: &[u16]) -> Result<Listeners, Unavailable> {
        let all = self.all_listeners(udp)?;
        Ok(listeners::on_ports(all, &self.target.host_root, ports))
    }

    /// Every listening socket, without the processes holding them (naming them walks every
    /// process's descriptors).
    fn all_listeners(&self, udp: bool) -> Result<&'a Listeners, Unavailable> {
        let root = &self.target.host_root;
        let gathered =
            self.facts.listeners[usize::from(udp)].get_or_init(|| listeners::gather(root, udp));
        match gathered {
            Ok(all) => Ok(all),
            Err(e @ ListenersError::Unsupported(_)) => {
                Err(Unavailable::skip("listeners", e.to_string()))
            }
            Err(e) => Err(Unavailable::error("listeners", e.to_string())),
        }
    }

    /// Where a service that listens on `port` on this host is reached from here: through
    /// loopback when it listens there or on every interface, else on the address it is bound
    /// to. Only on the live host that serves the audited URL: anywhere else the service found
    /// would be another machine's.
    pub fn local_service(&self, port: u16) -> Result<SocketAddr, Unavailable> {
        let subject = format!("service port {port}");
        let url =
            self.target.url.as_ref().ok_or_else(|| {
                Unavailable::skip(&subject, "not examined: give --url https://HOST")
            })?;
        if !self.target.host_root.is_live() {
            return Err(Unavailable::skip(
                &subject,
                "--host-root is a copy of a host, not this running machine: its services cannot be asked",
            ));
        }
        let found = self.all_listeners(false)?;
        let tcp = |p: u16| {
            found
                .sockets
                .iter()
                .filter(move |l| l.port == p && l.protocol == listeners::Protocol::Tcp)
        };
        if tcp(url.port).next().is_none() {
            return Err(Unavailable::skip(
                &subject,
                format!(
                    "rampart is not running on the host that serves {}:{}: nothing listens on port {} here; run it there to check services behind the proxy",
                    url.host, url.port, url.port
                ),
            ));
        }
        let mut on_port: Vec<IpAddr> = tcp(port).map(|l| l.addr).collect();
        // Loopback and wildcard binds first: they are reached without leaving the machine.
        on_port.sort_by_key(|a| (!(a.is_loopback() || a.is_unspecified()), a.is_ipv6()));
        let Some(addr) = on_port.first() else {
            return Err(Unavailable::skip(
                &subject,
                format!(
                    "nothing listens on port {port} on this host (the service is down, or runs in a container network without a published port)"
                ),
            ));
        };
        let reach = match addr {
            IpAddr::V4(a) if a.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(a) if a.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            other => *other,
        };
        Ok(SocketAddr::new(reach, port))
    }

    /// ufw's configuration under `--host-root`.
    pub fn ufw(&self) -> Result<&'a UfwState, Unavailable> {
        let root = &self.target.host_root;
        self.facts
            .ufw
            .get_or_init(|| ufw::gather(root))
            .as_ref()
            .map_err(|e| Unavailable::error("ufw", format!("cannot read ufw's configuration: {e}")))
    }
}
