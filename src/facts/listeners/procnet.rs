//! `/proc/net/tcp`, `tcp6`, `udp`, `udp6`: the kernel's socket tables, one socket a line.
//!
//! ```text
//!   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
//!    0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41234 ...
//! ```
//! Addresses are hex words in the kernel's byte order; `st` 0A is TCP LISTEN, and an unbound
//! UDP socket waiting for datagrams shows st 07 with a zero remote address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

/// One listening socket as the kernel lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Socket {
    pub protocol: Protocol,
    pub addr: IpAddr,
    pub port: u16,
    pub inode: u64,
}

const TCP_LISTEN: &str = "0A";
const UDP_UNCONNECTED: &str = "07";

/// The listening sockets of one table. Lines that do not parse are counted, not guessed at.
pub fn parse(text: &str, protocol: Protocol, max_lines: usize) -> (Vec<Socket>, usize) {
    let mut sockets = Vec::new();
    let mut unreadable = 0;
    for line in text.lines().skip(1).take(max_lines) {
        match parse_line(line, protocol) {
            Ok(Some(socket)) => sockets.push(socket),
            Ok(None) => {}
            Err(()) => unreadable += 1,
        }
    }
    (sockets, unreadable)
}

fn parse_line(line: &str, protocol: Protocol) -> Result<Option<Socket>, ()> {
    let mut fields = line.split_whitespace();
    let _slot = fields.next().ok_or(())?;
    let local = fields.next().ok_or(())?;
    let remote = fields.next().ok_or(())?;
    let state = fields.next().ok_or(())?;
    // tx_queue:rx_queue, tr:when, retrnsmt, uid, timeout, then the inode.
    let inode = fields.nth(5).ok_or(())?.parse::<u64>().map_err(|_| ())?;
    let listening = match protocol {
        Protocol::Tcp => state == TCP_LISTEN,
        Protocol::Udp => state == UDP_UNCONNECTED && endpoint(remote)?.1 == 0,
    };
    if !listening {
        return Ok(None);
    }
    let (addr, port) = endpoint(local)?;
    Ok(Some(Socket {
        protocol,
        addr,
        port,
        inode,
    }))
}

/// `0100007F:1F90` or a 32-digit IPv6 address, then the port in big-endian hex.
fn endpoint(text: &str) -> Result<(IpAddr, u16), ()> {
    let (addr_hex, port_hex) = text.split_once(':').ok_or(())?;
    // Byte slicing below: only ASCII can be cut at any byte.
    if !addr_hex.is_ascii() {
        return Err(());
    }
    let port = u16::from_str_radix(port_hex, 16).map_err(|_| ())?;
    let addr = match addr_hex.len() {
        8 => IpAddr::V4(Ipv4Addr::from(word(addr_hex)?)),
        32 => {
            let mut bytes = [0u8; 16];
            for (i, chunk) in bytes.chunks_mut(4).enumerate() {
                chunk.copy_from_slice(&word(&addr_hex[i * 8..i * 8 + 8])?);
            }
            let v6 = Ipv6Addr::from(bytes);
            // A dual-stack socket bound to an IPv4 address shows it as ::ffff:a.b.c.d.
            match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => IpAddr::V6(v6),
            }
        }
        _ => return Err(()),
    };
    Ok((addr, port))
}

/// The kernel prints each 32-bit word of the address as a number in its own byte order.
fn word(hex: &str) -> Result<[u8; 4], ()> {
    if !hex.is_ascii() {
        return Err(());
    }
    u32::from_str_radix(hex, 16)
        .map(u32::to_ne_bytes)
        .map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured on x86_64 (little-endian words), like the test fixtures.
    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41234 1 0000000000000000 100 0 0 10 0
   1: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 5555 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 77 1 0000000000000000 20 4 30 10 -1
   3: garbage
";

    const TCP6: &str = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:18EB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 900 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 901 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:0CEA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 902 1 0000000000000000 100 0 0 10 0
";

    #[test]
    fn reads_tcp_listeners_and_skips_connections() {
        let (sockets, unreadable) = parse(TCP, Protocol::Tcp, 100);
        assert_eq!(unreadable, 1);
        assert_eq!(sockets.len(), 2);
        assert_eq!(sockets[0].addr, IpAddr::from([127, 0, 0, 1]));
        assert_eq!(sockets[0].port, 8080);
        assert_eq!(sockets[0].inode, 41234);
        assert_eq!(sockets[1].addr, IpAddr::from([0, 0, 0, 0]));
        assert_eq!(sockets[1].port, 5432);
    }

    #[test]
    fn reads_tcp6_words_and_mapped_addresses() {
        let (sockets, unreadable) = parse(TCP6, Protocol::Tcp, 100);
        assert_eq!(unreadable, 0);
        let addrs: Vec<(IpAddr, u16)> = sockets.iter().map(|s| (s.addr, s.port)).collect();
        assert_eq!(
            addrs,
            vec![
                (IpAddr::V6(Ipv6Addr::LOCALHOST), 6379),
                (IpAddr::V6(Ipv6Addr::UNSPECIFIED), 80),
                (IpAddr::from([127, 0, 0, 1]), 3306),
            ]
        );
    }

    #[test]
    fn udp_listeners_are_unconnected_sockets() {
        let udp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  10: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000   104        0 321 2 0000000000000000 0
  11: 0100007F:A1B2 0100007F:0035 01 00000000:00000000 00:00000000 00000000  1000        0 322 2 0000000000000000 0
";
        let (sockets, _) = parse(udp, Protocol::Udp, 100);
        assert_eq!(sockets.len(), 1);
        assert_eq!(sockets[0].port, 5353);
        assert_eq!(sockets[0].protocol, Protocol::Udp);
    }

    #[test]
    fn multibyte_text_in_an_address_is_unreadable_not_a_panic() {
        // 32 bytes whose 8th byte falls inside a character.
        let addr = format!("a{}b", "é".repeat(15));
        let line = format!("   0: {addr}:0050 00000000:0000 0A 0 0 0 0 0 99");
        let text = format!("header\n{line}\n");
        assert_eq!(parse(&text, Protocol::Tcp, 10), (vec![], 1));
    }

    #[test]
    fn stops_at_the_line_limit() {
        let (sockets, _) = parse(TCP, Protocol::Tcp, 1);
        assert_eq!(sockets.len(), 1);
    }
}
