//! Where an address or network sits: loopback, private (RFC 1918, link-local, ULA, CGNAT), or
//! public. The one classification every part of rampart uses: URL hosts (`internal_host`,
//! `not_localhost`), CIDR lists (`private_only`), compose bindings and listeners.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Non-public IPv4 ranges: RFC 1918, loopback, link-local, and the shared address space
/// 100.64/10 (RFC 6598: carrier-grade NAT and VPN overlays such as Tailscale). CGNAT is not
/// reachable from the internet, so it is not public; it is not loopback either, so a port
/// bound there is still reachable by other hosts on that network.
const PRIVATE_V4: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(100, 64, 0, 0), 10),
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    (Ipv4Addr::new(127, 0, 0, 0), 8),
    (Ipv4Addr::new(169, 254, 0, 0), 16),
];

/// Loopback, unique local (fc00::/7), link-local (fe80::/10).
const PRIVATE_V6: &[(Ipv6Addr, u8)] = &[
    (Ipv6Addr::LOCALHOST, 128),
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),
];

/// Name suffixes that never resolve on the public internet.
const INTERNAL_SUFFIXES: &[&str] = &[
    ".internal",
    ".local",
    ".lan",
    ".localhost",
    ".localdomain",
    ".home.arpa",
];

/// Express `trust proxy` names for private ranges.
const PRIVATE_KEYWORDS: &[&str] = &["loopback", "linklocal", "uniquelocal"];

/// An IP network: an address and a prefix length (a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    pub addr: IpAddr,
    pub prefix: u8,
}

/// What a CIDR-list entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkEntry {
    Network(Network),
    /// `loopback`, `linklocal`, `uniquelocal`.
    PrivateKeyword,
}

/// Parses `10.0.0.0/8`, `fd00::/8`, `192.168.1.5`, `[::1]`, or a private keyword.
pub fn parse_network(text: &str) -> Result<NetworkEntry, &'static str> {
    let text = text.trim();
    if PRIVATE_KEYWORDS
        .iter()
        .any(|k| text.eq_ignore_ascii_case(k))
    {
        return Ok(NetworkEntry::PrivateKeyword);
    }
    let (addr_text, prefix_text) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let addr_text = addr_text
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .unwrap_or(addr_text);
    let addr: IpAddr = addr_text.parse().map_err(|_| "not an IP address")?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix_text {
        None => max,
        Some(p) => match p.parse::<u8>() {
            Ok(p) if p <= max => p,
            _ => return Err("prefix length out of range"),
        },
    };
    Ok(NetworkEntry::Network(Network { addr, prefix }))
}

impl NetworkEntry {
    /// True when every address of the entry is private (loopback, RFC 1918, link-local, ULA).
    pub fn is_private(&self) -> bool {
        match self {
            NetworkEntry::PrivateKeyword => true,
            NetworkEntry::Network(n) => n.is_private(),
        }
    }
}

impl Network {
    pub fn is_private(&self) -> bool {
        match self.addr {
            IpAddr::V4(v4) => v4_network_is_private(v4, self.prefix),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) if self.prefix >= 96 => v4_network_is_private(v4, self.prefix - 96),
                _ => PRIVATE_V6.iter().any(|(range, range_prefix)| {
                    self.prefix >= *range_prefix
                        && mask_v6(v6, *range_prefix) == mask_v6(*range, *range_prefix)
                }),
            },
        }
    }

    /// `0.0.0.0/0`, `::/0`: every address.
    pub fn is_everything(&self) -> bool {
        self.prefix == 0
    }
}

fn mask_v4(addr: Ipv4Addr, prefix: u8) -> u32 {
    let bits = u32::from(addr);
    if prefix == 0 {
        0
    } else {
        bits & (u32::MAX << (32 - u32::from(prefix)))
    }
}

fn mask_v6(addr: Ipv6Addr, prefix: u8) -> u128 {
    let bits = u128::from(addr);
    if prefix == 0 {
        0
    } else {
        bits & (u128::MAX << (128 - u32::from(prefix)))
    }
}

fn v4_network_is_private(addr: Ipv4Addr, prefix: u8) -> bool {
    PRIVATE_V4.iter().any(|(range, range_prefix)| {
        prefix >= *range_prefix && mask_v4(addr, *range_prefix) == mask_v4(*range, *range_prefix)
    })
}

/// Where a bound address can be reached from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// `0.0.0.0` or `::`: every interface of the host.
    AllInterfaces,
    /// 127.0.0.0/8 or ::1: this host only.
    Loopback,
    /// RFC 1918, link-local, ULA or CGNAT: hosts on that network, not the internet.
    Private,
    Public,
}

pub fn reach(ip: IpAddr) -> Reach {
    let ip = unmapped(ip);
    if ip.is_unspecified() {
        Reach::AllInterfaces
    } else if ip.is_loopback() {
        Reach::Loopback
    } else if is_internal_ip(ip) {
        Reach::Private
    } else {
        Reach::Public
    }
}

/// Loopback or the unspecified address (which connects to the local host).
pub fn is_local_ip(ip: IpAddr) -> bool {
    let ip = unmapped(ip);
    ip.is_loopback() || ip.is_unspecified()
}

/// Local or in a private range.
pub fn is_internal_ip(ip: IpAddr) -> bool {
    let ip = unmapped(ip);
    let prefix = if ip.is_ipv4() { 32 } else { 128 };
    is_local_ip(ip) || Network { addr: ip, prefix }.is_private()
}

fn unmapped(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

fn host_ip(host: &str) -> Option<IpAddr> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse().ok()
}

fn host_name(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// `localhost`, `*.localhost`, 127.0.0.0/8, `::1`, `0.0.0.0`, `::`.
pub fn is_localhost(host: &str) -> bool {
    if let Some(ip) = host_ip(host) {
        return is_local_ip(ip);
    }
    let name = host_name(host);
    name == "localhost" || name.ends_with(".localhost")
}

/// A host only reachable inside the deployment: a local or private address, a single-label
/// name (a container or service name such as `cliproxyapi`), or an internal-only suffix.
pub fn is_internal_host(host: &str) -> bool {
    if let Some(ip) = host_ip(host) {
        return is_internal_ip(ip);
    }
    let name = host_name(host);
    !name.is_empty() && (!name.contains('.') || INTERNAL_SUFFIXES.iter().any(|s| name.ends_with(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn private(text: &str) -> bool {
        match parse_network(text) {
            Ok(n) => n.is_private(),
            Err(e) => panic!("{text}: {e}"),
        }
    }

    #[test]
    fn private_networks() {
        for text in [
            "10.0.0.0/8",
            "10.1.2.3",
            "172.16.0.0/12",
            "172.31.255.0/24",
            "192.168.0.0/16",
            "127.0.0.1",
            "169.254.0.0/16",
            "::1",
            "fd00::/8",
            "fc00::/7",
            "fe80::/10",
            "::ffff:10.0.0.0/104",
            "100.64.0.0/10",
            "100.100.1.1",
            "loopback",
            "UniqueLocal",
            "[::1]",
        ] {
            assert!(private(text), "{text} should be private");
        }
        for text in [
            "0.0.0.0/0",
            "::/0",
            "10.0.0.0/7",
            "172.0.0.0/8",
            "172.32.0.0/16",
            "8.8.8.8",
            "100.0.0.0/8",
            "2001:db8::/32",
            "::ffff:8.8.8.8",
            "fe00::/7",
        ] {
            assert!(!private(text), "{text} should be public");
        }
        assert!(parse_network("10.0.0.0/33").is_err());
        assert!(parse_network("not-an-ip").is_err());
        assert!(parse_network("::/129").is_err());
    }

    #[test]
    fn hosts() {
        for h in [
            "localhost",
            "LOCALHOST.",
            "app.localhost",
            "127.0.0.1",
            "127.9.9.9",
            "::1",
            "[::1]",
            "0.0.0.0",
            "::",
        ] {
            assert!(is_localhost(h), "{h}");
        }
        for h in ["example.com", "10.0.0.1", "cliproxyapi"] {
            assert!(!is_localhost(h), "{h}");
        }
        for h in [
            "cliproxyapi",
            "db",
            "api.internal",
            "nas.local",
            "router.lan",
            "10.0.0.5",
            "192.168.1.1",
            "[fd12::1]",
            "127.0.0.1",
            "localhost",
            "100.64.1.1",
        ] {
            assert!(is_internal_host(h), "{h}");
        }
        for h in [
            "example.com",
            "8.8.8.8",
            "api.example.internal.com",
            "100.128.1.1",
            "",
        ] {
            assert!(!is_internal_host(h), "{h}");
        }
    }
}

#[cfg(test)]
mod reach_tests {
    use super::*;

    #[test]
    fn one_answer_for_every_caller() {
        let r = |t: &str| reach(t.parse().unwrap());
        assert_eq!(r("0.0.0.0"), Reach::AllInterfaces);
        assert_eq!(r("::"), Reach::AllInterfaces);
        assert_eq!(r("127.0.0.2"), Reach::Loopback);
        assert_eq!(r("::1"), Reach::Loopback);
        assert_eq!(r("::ffff:127.0.0.1"), Reach::Loopback);
        assert_eq!(r("10.1.2.3"), Reach::Private);
        assert_eq!(r("100.64.0.1"), Reach::Private);
        assert_eq!(r("fe80::1"), Reach::Private);
        assert_eq!(r("100.128.0.1"), Reach::Public);
        assert_eq!(r("203.0.113.7"), Reach::Public);
    }
}
