//! Listening sockets from the kernel's sock_diag netlink interface (`ss` uses it). The kernel
//! walks only the sockets in the asked states, where `/proc/net/tcp` prints every socket of
//! the host: on a busy web server that is tens of thousands of TIME_WAIT lines, and reading
//! them costs milliseconds per thousand. Used on the live host only; `--host-root` copies and
//! any failure here fall back to the `/proc` tables.

use super::procnet::{Protocol, Socket};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_DUMP: u16 = 0x300;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLMSG_HEADER: usize = 16;
/// `struct inet_diag_msg`: family, state, timer, retrans, the 48-byte socket id, then
/// expires, rqueue, wqueue, uid and inode.
const INET_DIAG_MSG: usize = 72;
const TCP_LISTEN: u8 = 10;
/// Unconnected UDP sockets sit in TCP_CLOSE; connected ones in ESTABLISHED.
const UDP_UNCONNECTED: u8 = 7;
/// As many sockets as the `/proc` reader takes, so both give up at the same size.
const MAX_SOCKETS: usize = 500_000;
/// Datagrams read per dump at most, whatever they hold.
const MAX_DATAGRAMS: usize = 100_000;
/// A dump that takes longer than this is abandoned (the `/proc` tables are read instead).
#[cfg(target_os = "linux")]
const MAX_DUMP_TIME: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiagError {
    /// A socket call failed (no netlink in this sandbox, a seccomp filter, ...).
    Os(String),
    /// The kernel answered with an error code.
    Kernel(i32),
    /// An answer that does not parse as sock_diag messages.
    Malformed(&'static str),
    /// More sockets or datagrams than the bounds allow.
    TooMany,
}

impl fmt::Display for DiagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiagError::Os(e) => write!(f, "netlink: {e}"),
            DiagError::Kernel(code) => write!(f, "netlink: the kernel answered error {code}"),
            DiagError::Malformed(why) => write!(f, "netlink: malformed answer ({why})"),
            DiagError::TooMany => f.write_str("netlink: too many sockets"),
        }
    }
}

/// The listening TCP sockets (and unconnected UDP ones when `udp`), IPv4 and IPv6.
#[cfg(target_os = "linux")]
pub fn listening(udp: bool) -> Result<Vec<Socket>, DiagError> {
    let mut out = Vec::new();
    let mut queries = vec![(Protocol::Tcp, TCP_LISTEN)];
    if udp {
        queries.push((Protocol::Udp, UDP_UNCONNECTED));
    }
    let channel = Channel::open()?;
    for (protocol, state) in queries {
        for family in [libc::AF_INET as u8, libc::AF_INET6 as u8] {
            channel.send(&request(family, protocol, state))?;
            channel.receive_dump(|message| {
                if let Some(socket) = parse_message(message, protocol, state)? {
                    if out.len() >= MAX_SOCKETS {
                        return Err(DiagError::TooMany);
                    }
                    out.push(socket);
                }
                Ok(())
            })?;
        }
    }
    Ok(out)
}

#[cfg(not(target_os = "linux"))]
pub fn listening(_udp: bool) -> Result<Vec<Socket>, DiagError> {
    Err(DiagError::Os("sock_diag is Linux's".into()))
}

/// `nlmsghdr` + `inet_diag_req_v2` asking for every socket of one family, protocol and state.
fn request(family: u8, protocol: Protocol, state: u8) -> Vec<u8> {
    let ip_protocol: u8 = match protocol {
        Protocol::Tcp => 6,
        Protocol::Udp => 17,
    };
    let length = NLMSG_HEADER + 56;
    let mut message = Vec::with_capacity(length);
    message.extend_from_slice(&(length as u32).to_ne_bytes());
    message.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    message.extend_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    message.extend_from_slice(&1u32.to_ne_bytes()); // sequence
    message.extend_from_slice(&0u32.to_ne_bytes()); // port id: the kernel fills it in
    message.extend_from_slice(&[family, ip_protocol, 0, 0]);
    message.extend_from_slice(&(1u32 << state).to_ne_bytes());
    message.extend_from_slice(&[0u8; 48]); // any socket id
    message
}

/// Walks the netlink messages of one datagram: `Ok(true)` once the dump is done.
fn for_each_message(
    datagram: &[u8],
    on_message: &mut dyn FnMut(&[u8]) -> Result<(), DiagError>,
) -> Result<bool, DiagError> {
    let mut rest = datagram;
    while !rest.is_empty() {
        if rest.len() < NLMSG_HEADER {
            return Err(DiagError::Malformed("a header cut short"));
        }
        let length = u32::from_ne_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let kind = u16::from_ne_bytes([rest[4], rest[5]]);
        if length < NLMSG_HEADER || length > rest.len() {
            return Err(DiagError::Malformed(
                "a message length outside the datagram",
            ));
        }
        let payload = &rest[NLMSG_HEADER..length];
        match kind {
            NLMSG_DONE => return Ok(true),
            NLMSG_ERROR => {
                let code = payload
                    .get(..4)
                    .map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
                    .ok_or(DiagError::Malformed("an error message cut short"))?;
                return Err(DiagError::Kernel(code));
            }
            SOCK_DIAG_BY_FAMILY => on_message(payload)?,
            _ => {}
        }
        // Messages are padded to 4 bytes.
        let advance = (length + 3) & !3;
        rest = rest.get(advance..).unwrap_or(&[]);
    }
    Ok(false)
}

/// One `inet_diag_msg`; `None` for a socket in another state (the kernel filters, this is a
/// second lock) or a connected UDP socket.
fn parse_message(
    message: &[u8],
    protocol: Protocol,
    state: u8,
) -> Result<Option<Socket>, DiagError> {
    if message.len() < INET_DIAG_MSG {
        return Err(DiagError::Malformed("a socket message cut short"));
    }
    let family = message[0];
    let id = &message[4..52];
    let port = u16::from_be_bytes([id[0], id[1]]);
    let remote_port = u16::from_be_bytes([id[2], id[3]]);
    let source = &id[4..20];
    let inode = u32::from_ne_bytes([message[68], message[69], message[70], message[71]]);
    if message[1] != state || (protocol == Protocol::Udp && remote_port != 0) {
        return Ok(None);
    }
    let addr = if i32::from(family) == libc::AF_INET {
        IpAddr::V4(Ipv4Addr::new(source[0], source[1], source[2], source[3]))
    } else if i32::from(family) == libc::AF_INET6 {
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(source);
        let v6 = Ipv6Addr::from(bytes);
        // The same mapping as the /proc reader: a dual-stack socket bound to IPv4.
        match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        }
    } else {
        return Err(DiagError::Malformed("an unknown address family"));
    };
    Ok(Some(Socket {
        protocol,
        addr,
        port,
        inode: u64::from(inode),
    }))
}

#[cfg(target_os = "linux")]
struct Channel {
    fd: std::os::fd::OwnedFd,
}

#[cfg(target_os = "linux")]
impl Channel {
    fn open() -> Result<Channel, DiagError> {
        use std::os::fd::FromRawFd;
        // SAFETY: plain socket(2); the descriptor is owned right away.
        let raw = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
                libc::NETLINK_SOCK_DIAG,
            )
        };
        if raw < 0 {
            return Err(last_os_error());
        }
        // SAFETY: `raw` is a fresh descriptor nothing else owns.
        let fd = unsafe { std::os::fd::OwnedFd::from_raw_fd(raw) };
        // The kernel answers at once; the timeout only bounds a kernel that never does.
        let timeout = libc::timeval {
            tv_sec: 1,
            tv_usec: 0,
        };
        // SAFETY: setsockopt with a correctly sized timeval.
        let set = unsafe {
            libc::setsockopt(
                std::os::fd::AsRawFd::as_raw_fd(&fd),
                libc::SOL_SOCKET,
                libc::SO_RCVTIMEO,
                (&timeout as *const libc::timeval).cast(),
                std::mem::size_of::<libc::timeval>() as libc::socklen_t,
            )
        };
        if set < 0 {
            return Err(last_os_error());
        }
        Ok(Channel { fd })
    }

    fn send(&self, message: &[u8]) -> Result<(), DiagError> {
        // SAFETY: a zeroed sockaddr_nl with its family set addresses the kernel.
        let mut kernel: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        kernel.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        // SAFETY: the buffer and address outlive the call; lengths are theirs.
        let sent = unsafe {
            libc::sendto(
                std::os::fd::AsRawFd::as_raw_fd(&self.fd),
                message.as_ptr().cast(),
                message.len(),
                0,
                (&kernel as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if sent < 0 {
            return Err(last_os_error());
        }
        Ok(())
    }

    fn receive_dump(
        &self,
        mut on_message: impl FnMut(&[u8]) -> Result<(), DiagError>,
    ) -> Result<(), DiagError> {
        let mut buffer = vec![0u8; 64 * 1024];
        let started = std::time::Instant::now();
        for _ in 0..MAX_DATAGRAMS {
            // Each receive is bounded by SO_RCVTIMEO; the whole dump by this.
            if started.elapsed() > MAX_DUMP_TIME {
                return Err(DiagError::Os("the dump took longer than 5 s".into()));
            }
            // SAFETY: recv into a buffer we own, bounded by its length.
            let got = unsafe {
                libc::recv(
                    std::os::fd::AsRawFd::as_raw_fd(&self.fd),
                    buffer.as_mut_ptr().cast(),
                    buffer.len(),
                    0,
                )
            };
            if got < 0 {
                return Err(last_os_error());
            }
            let datagram = buffer.get(..got as usize).unwrap_or(&[]);
            if datagram.is_empty() {
                return Err(DiagError::Malformed("an empty datagram"));
            }
            if for_each_message(datagram, &mut on_message)? {
                return Ok(());
            }
        }
        Err(DiagError::TooMany)
    }
}

#[cfg(target_os = "linux")]
fn last_os_error() -> DiagError {
    DiagError::Os(std::io::Error::last_os_error().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(length: usize, kind: u16) -> Vec<u8> {
        let mut h = Vec::new();
        h.extend_from_slice(&(length as u32).to_ne_bytes());
        h.extend_from_slice(&kind.to_ne_bytes());
        h.extend_from_slice(&[0u8; 10]);
        h
    }

    fn socket_message(
        family: u8,
        state: u8,
        port: u16,
        remote_port: u16,
        addr: &[u8],
        inode: u32,
    ) -> Vec<u8> {
        let mut m = header(NLMSG_HEADER + INET_DIAG_MSG, SOCK_DIAG_BY_FAMILY);
        let mut body = vec![family, state, 0, 0];
        body.extend_from_slice(&port.to_be_bytes());
        body.extend_from_slice(&remote_port.to_be_bytes());
        let mut source = [0u8; 16];
        source[..addr.len()].copy_from_slice(addr);
        body.extend_from_slice(&source);
        body.extend_from_slice(&[0u8; 16 + 4 + 8]); // destination, interface, cookie
        body.extend_from_slice(&[0u8; 16]); // expires, rqueue, wqueue, uid
        body.extend_from_slice(&inode.to_ne_bytes());
        m.extend_from_slice(&body);
        m
    }

    fn collect(
        datagram: &[u8],
        protocol: Protocol,
        state: u8,
    ) -> Result<(Vec<Socket>, bool), DiagError> {
        let mut found = Vec::new();
        let done = for_each_message(datagram, &mut |m| {
            found.extend(parse_message(m, protocol, state)?);
            Ok(())
        })?;
        Ok((found, done))
    }

    #[test]
    fn reads_sockets_until_done() {
        let mut datagram = socket_message(
            libc::AF_INET as u8,
            TCP_LISTEN,
            5432,
            0,
            &[127, 0, 0, 1],
            77,
        );
        let mut mapped = [0u8; 16];
        mapped[10] = 0xff;
        mapped[11] = 0xff;
        mapped[12..].copy_from_slice(&[10, 0, 0, 5]);
        datagram.extend(socket_message(
            libc::AF_INET6 as u8,
            TCP_LISTEN,
            443,
            0,
            &mapped,
            78,
        ));
        datagram.extend(socket_message(
            libc::AF_INET6 as u8,
            TCP_LISTEN,
            80,
            0,
            &[0u8; 16],
            79,
        ));
        datagram.extend(header(NLMSG_HEADER + 4, NLMSG_DONE));
        datagram.extend_from_slice(&[0u8; 4]);
        let (found, done) = collect(&datagram, Protocol::Tcp, TCP_LISTEN).unwrap();
        assert!(done);
        let seen: Vec<(IpAddr, u16, u64)> =
            found.iter().map(|s| (s.addr, s.port, s.inode)).collect();
        assert_eq!(
            seen,
            vec![
                (IpAddr::from([127, 0, 0, 1]), 5432, 77),
                (IpAddr::from([10, 0, 0, 5]), 443, 78),
                (IpAddr::V6(Ipv6Addr::UNSPECIFIED), 80, 79),
            ]
        );
    }

    #[test]
    fn connected_udp_and_other_states_are_left_out() {
        let mut datagram = socket_message(libc::AF_INET as u8, UDP_UNCONNECTED, 53, 0, &[0; 4], 1);
        datagram.extend(socket_message(
            libc::AF_INET as u8,
            UDP_UNCONNECTED,
            5000,
            443,
            &[0; 4],
            2,
        ));
        datagram.extend(socket_message(libc::AF_INET as u8, 1, 6000, 0, &[0; 4], 3));
        let (found, done) = collect(&datagram, Protocol::Udp, UDP_UNCONNECTED).unwrap();
        assert!(!done);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].port, 53);
    }

    #[test]
    fn malformed_answers_are_errors_never_panics() {
        let good = socket_message(libc::AF_INET as u8, TCP_LISTEN, 1, 0, &[0; 4], 1);
        for cut in 0..good.len() {
            let _ = collect(&good[..cut], Protocol::Tcp, TCP_LISTEN);
        }
        assert!(collect(&good[..10], Protocol::Tcp, TCP_LISTEN).is_err());
        let mut too_long = good.clone();
        too_long[0] = 0xff;
        assert!(collect(&too_long, Protocol::Tcp, TCP_LISTEN).is_err());
        let mut short_message = header(NLMSG_HEADER + 8, SOCK_DIAG_BY_FAMILY);
        short_message.extend_from_slice(&[0u8; 8]);
        assert!(collect(&short_message, Protocol::Tcp, TCP_LISTEN).is_err());
        let mut odd_family = good.clone();
        odd_family[NLMSG_HEADER] = 99;
        assert!(collect(&odd_family, Protocol::Tcp, TCP_LISTEN).is_err());
        let mut error = header(NLMSG_HEADER + 4, NLMSG_ERROR);
        error.extend_from_slice(&(-13i32).to_ne_bytes());
        assert_eq!(
            collect(&error, Protocol::Tcp, TCP_LISTEN).unwrap_err(),
            DiagError::Kernel(-13)
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn agrees_with_proc_net_on_this_host() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let udp_port = udp.local_addr().unwrap().port();
        let found = match listening(true) {
            Ok(found) => found,
            // A sandbox without netlink: rampart falls back to the /proc tables, and says so here.
            Err(e) if std::env::var_os("RAMPART_SKIP_NETLINK").is_some() => {
                eprintln!("sock_diag unavailable ({e}); RAMPART_SKIP_NETLINK is set");
                return;
            }
            Err(e) => panic!(
                "sock_diag failed ({e}); set RAMPART_SKIP_NETLINK=1 where netlink is blocked"
            ),
        };
        let text = std::fs::read_to_string("/proc/net/tcp").unwrap();
        let (proc_tcp, _) = super::super::procnet::parse(&text, Protocol::Tcp, MAX_SOCKETS);
        let from_proc = proc_tcp.iter().find(|s| s.port == port).unwrap();
        let from_diag = found
            .iter()
            .find(|s| s.port == port && s.protocol == Protocol::Tcp)
            .unwrap();
        assert_eq!(from_diag, from_proc);
        assert!(found
            .iter()
            .any(|s| s.port == udp_port && s.protocol == Protocol::Udp));
    }
}
