//! The TCP connect scan against real listeners the test opens on loopback addresses across
//! 127.0.0.0/8 and on ::1: a socket bound to one loopback address is closed on another, a
//! wildcard socket answers on all of them, and a listener whose accept queue is full drops
//! SYNs (filtered).

use rampart::checks::exposure::ports::ExposurePorts;
use rampart::facts::ports::{scan, PortList, PortScan, PortState, ScanOptions};
use rampart::finding::Status;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn options(timeout_ms: u64) -> ScanOptions {
    ScanOptions {
        connect_timeout: Duration::from_millis(timeout_ms),
        deadline: None,
        max_in_flight: 512,
    }
}

fn run_scan(addr: &str, ports: &PortList, options: &ScanOptions) -> PortScan {
    let addr: IpAddr = addr.parse().unwrap();
    let sockets = Arc::new(Semaphore::new(256));
    runtime().block_on(scan(addr, ports, options, &sockets))
}

fn bind(addr: &str) -> TcpListener {
    TcpListener::bind(SocketAddr::new(addr.parse().unwrap(), 0)).unwrap()
}

fn port_of(l: &TcpListener) -> u16 {
    l.local_addr().unwrap().port()
}

#[test]
fn tells_listeners_on_different_loopback_addresses_apart() {
    let on_two = bind("127.0.0.2");
    let on_three = bind("127.0.0.3");
    let wildcard = bind("0.0.0.0");
    let v6 = bind("::1");
    let (p2, p3, pw, p6) = (
        port_of(&on_two),
        port_of(&on_three),
        port_of(&wildcard),
        port_of(&v6),
    );
    let ports = PortList::from_ports([p2, p3, pw, p6]);

    let at_two = run_scan("127.0.0.2", &ports, &options(1000));
    assert_eq!(at_two.state(p2), Some(&PortState::Open));
    assert_eq!(at_two.state(p3), Some(&PortState::Closed));
    assert_eq!(at_two.state(pw), Some(&PortState::Open));

    let at_three = run_scan("127.0.0.3", &ports, &options(1000));
    assert_eq!(at_three.state(p2), Some(&PortState::Closed));
    assert_eq!(at_three.state(p3), Some(&PortState::Open));
    assert_eq!(at_three.state(pw), Some(&PortState::Open));

    let at_v6 = run_scan("::1", &ports, &options(1000));
    assert_eq!(at_v6.state(p6), Some(&PortState::Open));
    assert_eq!(at_v6.state(p2), Some(&PortState::Closed));

    // Judged: the port bound to 127.0.0.2 only is forbidden and reachable there, not on .3.
    let check = ExposurePorts {
        forbidden: vec![p2],
        allowed: vec![pw],
        conditional: vec![],
        note: String::new(),
    };
    let obs = check.judge_scan(&at_two);
    let forbidden = obs
        .iter()
        .find(|o| o.subject == format!("127.0.0.2:{p2}"))
        .unwrap();
    assert_eq!(forbidden.status, Status::Fail, "{obs:#?}");
    let obs = check.judge_scan(&at_three);
    let forbidden = obs
        .iter()
        .find(|o| o.subject == format!("127.0.0.3:{p2}"))
        .unwrap();
    assert_eq!(forbidden.status, Status::Pass);
    // p3 is open on .3 and the profile does not expect it.
    let unexpected = obs
        .iter()
        .find(|o| o.subject == format!("127.0.0.3:{p3}"))
        .unwrap();
    assert_eq!(unexpected.status, Status::Warn);
}

#[test]
fn a_listener_that_drops_syns_is_filtered() {
    // A listener with a full accept queue drops new SYNs: the connect gets no answer.
    let rt = runtime();
    rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.4:0".parse().unwrap()).unwrap();
        let addr = socket.local_addr().unwrap();
        let _listener = socket.listen(0).unwrap();
        let mut held = Vec::new();
        for _ in 0..8 {
            match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                Ok(s) => held.push(s),
                Err(_) => break,
            }
        }
        let sockets = Arc::new(Semaphore::new(8));
        let result = scan(
            addr.ip(),
            &PortList::from_ports([addr.port()]),
            &options(300),
            &sockets,
        )
        .await;
        assert_eq!(result.state(addr.port()), Some(&PortState::Filtered));
        drop(held);
    });
}

#[test]
fn a_connect_cut_short_by_the_deadline_is_not_probed_rather_than_filtered() {
    // Same silent listener; the deadline comes long before the connect timeout. "Filtered"
    // would let a forbidden port pass on no evidence.
    let rt = runtime();
    rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.7:0".parse().unwrap()).unwrap();
        let addr = socket.local_addr().unwrap();
        let _listener = socket.listen(0).unwrap();
        let mut held = Vec::new();
        for _ in 0..8 {
            match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                Ok(s) => held.push(s),
                Err(_) => break,
            }
        }
        let opts = ScanOptions {
            deadline: Some(tokio::time::Instant::now() + Duration::from_millis(300)),
            ..options(10_000)
        };
        let started = std::time::Instant::now();
        let result = scan(
            addr.ip(),
            &PortList::from_ports([addr.port()]),
            &opts,
            &Arc::new(Semaphore::new(8)),
        )
        .await;
        assert_eq!(result.state(addr.port()), Some(&PortState::NotProbed));
        assert!(started.elapsed() < Duration::from_secs(3));
        let check = ExposurePorts {
            forbidden: vec![addr.port()],
            ..ExposurePorts::default()
        };
        assert_eq!(check.judge_scan(&result)[0].status, Status::Error);
        drop(held);
    });
}

#[test]
fn a_wide_range_is_scanned_completely_and_fast() {
    let listener = bind("127.0.0.5");
    let port = port_of(&listener);
    let mut ports = PortList::parse("1-4000").unwrap();
    ports.extend([port]);
    let result = run_scan("127.0.0.5", &ports, &options(1000));
    assert_eq!(result.states.len(), ports.len());
    assert_eq!(result.state(port), Some(&PortState::Open));
    let unprobed: Vec<_> = result
        .states
        .iter()
        .filter(|(_, s)| matches!(s, PortState::Failed(_) | PortState::NotProbed))
        .collect();
    assert!(unprobed.is_empty(), "{unprobed:?}");
    assert!(result.concurrency >= 1 && result.concurrency <= 512);
    assert!(
        result.elapsed < Duration::from_secs(20),
        "{:?}",
        result.elapsed
    );
}

#[test]
fn ports_after_the_deadline_are_not_probed() {
    let listener = bind("127.0.0.6");
    let port = port_of(&listener);
    let rt = runtime();
    let result = rt.block_on(async {
        let opts = ScanOptions {
            deadline: Some(tokio::time::Instant::now()),
            ..options(1000)
        };
        scan(
            "127.0.0.6".parse().unwrap(),
            &PortList::from_ports([port]),
            &opts,
            &Arc::new(Semaphore::new(4)),
        )
        .await
    });
    assert_eq!(result.state(port), Some(&PortState::NotProbed));
    let check = ExposurePorts {
        forbidden: vec![port],
        ..ExposurePorts::default()
    };
    assert_eq!(check.judge_scan(&result)[0].status, Status::Error);
}
