//! A small authoritative DNS responder on 127.0.0.1 (UDP) for tests: answers from a fixed
//! zone, NXDOMAIN for names it does not know, SERVFAIL for names marked broken. Built on the
//! message codec hickory-resolver re-exports, so it adds no dependency.

use hickory_resolver::proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_resolver::proto::rr::rdata::{A, AAAA, CAA};
use hickory_resolver::proto::rr::{Name, RData, Record};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub struct Zone {
    records: Vec<(String, RData)>,
    /// Names that exist (with or without records): NOERROR/no data rather than NXDOMAIN.
    names: Vec<String>,
    broken: Vec<String>,
}

impl Zone {
    pub fn new() -> Self {
        Zone {
            records: Vec::new(),
            names: Vec::new(),
            broken: Vec::new(),
        }
    }

    fn add(mut self, name: &str, rdata: RData) -> Self {
        let name = normal(name);
        self.names.push(name.clone());
        self.records.push((name, rdata));
        self
    }

    pub fn a(self, name: &str, ip: Ipv4Addr) -> Self {
        self.add(name, RData::A(A(ip)))
    }

    pub fn aaaa(self, name: &str, ip: Ipv6Addr) -> Self {
        self.add(name, RData::AAAA(AAAA(ip)))
    }

    pub fn caa_issue(self, name: &str, ca: &str) -> Self {
        let issuer = Name::from_ascii(ca).unwrap();
        self.add(
            name,
            RData::CAA(CAA::new_issue(false, Some(issuer), vec![])),
        )
    }

    /// A name that exists but has no records (an empty non-terminal, or a zone apex here).
    pub fn exists(mut self, name: &str) -> Self {
        self.names.push(normal(name));
        self
    }

    /// Queries for this name get SERVFAIL.
    pub fn broken(mut self, name: &str) -> Self {
        self.broken.push(normal(name));
        self
    }
}

fn normal(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

pub struct DnsServer {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    queries: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl DnsServer {
    pub fn start(zone: Zone) -> DnsServer {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let addr = socket.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let queries = Arc::new(AtomicUsize::new(0));
        let (stop2, queries2) = (stop.clone(), queries.clone());
        let thread = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while !stop2.load(Ordering::Relaxed) {
                let Ok((len, peer)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                queries2.fetch_add(1, Ordering::Relaxed);
                if let Some(reply) = answer(&zone, &buf[..len]) {
                    let _ = socket.send_to(&reply, peer);
                }
            }
        });
        DnsServer {
            addr,
            stop,
            queries,
            thread: Some(thread),
        }
    }

    pub fn queries(&self) -> usize {
        self.queries.load(Ordering::Relaxed)
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn answer(zone: &Zone, packet: &[u8]) -> Option<Vec<u8>> {
    let request = Message::from_vec(packet).ok()?;
    let query = request.queries.first()?.clone();
    let name = normal(&query.name().to_ascii());
    let mut reply = Message::new(request.metadata.id, MessageType::Response, OpCode::Query);
    reply.metadata.authoritative = true;
    reply.metadata.recursion_desired = request.metadata.recursion_desired;
    reply.metadata.recursion_available = true;
    reply.add_query(query.clone());
    if zone.broken.contains(&name) {
        reply.metadata.response_code = ResponseCode::ServFail;
    } else if !zone.names.contains(&name) {
        reply.metadata.response_code = ResponseCode::NXDomain;
    } else {
        for (owner, rdata) in &zone.records {
            if *owner == name && rdata.record_type() == query.query_type() {
                reply.add_answer(Record::from_rdata(query.name().clone(), 60, rdata.clone()));
            }
        }
    }
    reply.to_vec().ok()
}
