//! One TCP connect probe. The socket is made non-blocking and connected by hand so that a port
//! whose answer arrives while `connect()` runs (loopback and nearby hosts: the kernel handles
//! the SYN and its RST or SYN-ACK inside the call) is settled right away, without a trip
//! through the event loop; only a still-pending connect is handed to tokio to wait for.

use super::PortState;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::io;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;

/// Attempts when the local side runs short (descriptors, ephemeral ports, buffers).
const LOCAL_RETRIES: u32 = 3;

/// How long a probe waits for an answer, and whether that was shortened by the audit deadline.
#[derive(Debug, Clone, Copy)]
pub(super) struct Wait {
    pub timeout: Duration,
    pub cut_by_deadline: bool,
}

pub(super) async fn probe(target: SocketAddr, wait_for: Wait) -> PortState {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let outcome = match start(target) {
            Ok(Started::Settled(state)) => return state,
            Ok(Started::Pending(stream)) => wait(stream, target, wait_for).await,
            Err(e) => classify(&e),
        };
        match outcome {
            Outcome::State(state) => return state,
            Outcome::LocalShortage(_) if attempt < LOCAL_RETRIES => {
                tokio::time::sleep(Duration::from_millis(10 * u64::from(attempt))).await;
            }
            Outcome::LocalShortage(reason) => return PortState::Failed(reason),
        }
    }
}

enum Started {
    Settled(PortState),
    Pending(std::net::TcpStream),
}

/// Opens a non-blocking socket and starts the connect; settles the port if the answer is
/// already there.
fn start(target: SocketAddr) -> io::Result<Started> {
    let socket = nonblocking_socket(Domain::for_address(target))?;
    match socket.connect(&SockAddr::from(target)) {
        Ok(()) => return Ok(Started::Settled(opened(&socket, target))),
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
        Err(e) => return Err(e),
    }
    if let Some(e) = socket.take_error()? {
        return Err(e);
    }
    if socket.peer_addr().is_ok() {
        return Ok(Started::Settled(opened(&socket, target)));
    }
    Ok(Started::Pending(socket.into()))
}

/// One `socket()` call with `SOCK_NONBLOCK` where the flag exists, else `socket()` + `fcntl`.
fn nonblocking_socket(domain: Domain) -> io::Result<Socket> {
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    {
        Socket::new(domain, Type::STREAM.nonblocking(), Some(Protocol::TCP))
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    {
        let socket = Socket::new(domain, Type::STREAM, Some(Protocol::TCP))?;
        socket.set_nonblocking(true)?;
        Ok(socket)
    }
}

/// Waits for a pending connect to finish, at most `wait_for.timeout`.
async fn wait(stream: std::net::TcpStream, target: SocketAddr, wait_for: Wait) -> Outcome {
    let stream = match TcpStream::from_std(stream) {
        Ok(s) => s,
        Err(e) => return classify(&e),
    };
    match tokio::time::timeout(wait_for.timeout, stream.writable()).await {
        Err(_) if wait_for.cut_by_deadline => Outcome::State(PortState::NotProbed),
        Err(_) => Outcome::State(PortState::Filtered),
        Ok(Err(e)) => classify(&e),
        Ok(Ok(())) => match stream.take_error() {
            Ok(Some(e)) | Err(e) => classify(&e),
            Ok(None) => match stream.into_std() {
                Ok(std) => Outcome::State(opened(&Socket::from(std), target)),
                Err(e) => classify(&e),
            },
        },
    }
}

/// A completed handshake: open, unless the socket connected to itself.
fn opened(socket: &Socket, target: SocketAddr) -> PortState {
    // Connecting to a port in our own ephemeral range can pick that very port as the source
    // and "connect" to itself (TCP simultaneous open): nobody listens there.
    let local = socket.local_addr().ok().and_then(|a| a.as_socket());
    if local == Some(target) {
        return PortState::Closed;
    }
    // Reset rather than FIN on close: no TIME_WAIT left behind per open port.
    let _ = socket.set_linger(Some(Duration::ZERO));
    PortState::Open
}

enum Outcome {
    State(PortState),
    /// Out of descriptors, local ports or buffers: worth a retry, with the reason.
    LocalShortage(String),
}

fn classify(e: &io::Error) -> Outcome {
    if e.kind() == io::ErrorKind::ConnectionRefused {
        return Outcome::State(PortState::Closed);
    }
    match e.raw_os_error() {
        // ICMP host unreachable / administratively prohibited: a firewall answered for the
        // port. ETIMEDOUT: the kernel gave up on the SYN before our own timeout did.
        Some(libc::EHOSTUNREACH | libc::ETIMEDOUT) => Outcome::State(PortState::Filtered),
        Some(libc::EMFILE | libc::ENFILE | libc::EADDRNOTAVAIL | libc::ENOBUFS | libc::EAGAIN) => {
            Outcome::LocalShortage(e.to_string())
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
        assert!(matches!(classify(&emfile), Outcome::LocalShortage(_)));
        let no_route = io::Error::from_raw_os_error(libc::ENETUNREACH);
        assert!(matches!(
            classify(&no_route),
            Outcome::State(PortState::Failed(_))
        ));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn settles_loopback_ports_without_waiting() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let open = listener.local_addr().unwrap();
        let wait = Wait {
            timeout: Duration::from_secs(1),
            cut_by_deadline: false,
        };
        assert_eq!(probe(open, wait).await, PortState::Open);
        drop(listener);
        assert_eq!(probe(open, wait).await, PortState::Closed);
    }
}
