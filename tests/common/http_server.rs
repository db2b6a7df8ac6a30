//! An in-process HTTP(S) server for the HTTP tests: hyper on a loopback port, optionally
//! behind rustls with a certificate made at test time, routing by path to canned behaviours.
#![allow(dead_code)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

/// What the server does for one path.
#[derive(Clone)]
pub enum Route {
    /// Status, headers (repeats allowed), body.
    Reply(u16, Vec<(&'static str, String)>, String),
    /// Waits this long before a 200.
    Stall(Duration),
    /// 413 when the declared Content-Length is over the limit, from the headers alone.
    RefuseLarge(u64),
    /// Reads the whole body before answering 200 (a server with no upfront limit).
    ReadBody,
    /// 403 unless the header carries the allowed address (an allowlist trusting a header).
    TrustHeader(&'static str, &'static str),
    /// A body of this many bytes.
    Big(usize),
    /// A WebSocket endpoint: 101 with the right `Sec-WebSocket-Accept` to an upgrade request,
    /// 426 to anything else.
    WebSocket,
    /// Express's `express.raw({ type, limit })`: 413 for a body of that type declared over
    /// the limit; any other type skips the parser and gets the 404 of no route.
    LimitForType(&'static str, u64),
}

pub fn reply(status: u16, headers: &[(&'static str, &str)], body: &str) -> Route {
    Route::Reply(
        status,
        headers.iter().map(|(n, v)| (*n, v.to_string())).collect(),
        body.to_string(),
    )
}

pub struct Server {
    pub addr: SocketAddr,
    /// Requests received per path (method included: "GET /x").
    pub hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Server {
    pub fn hits(&self, key: &str) -> usize {
        self.hits.lock().unwrap().get(key).copied().unwrap_or(0)
    }
}

/// A test CA and a server certificate for `names`, signed by it.
pub struct Pki {
    pub ca_der: rustls::pki_types::CertificateDer<'static>,
    pub ca_pem: String,
    pub server: Arc<rustls::ServerConfig>,
}

pub fn pki(names: &[&str]) -> Pki {
    let issued = crate::pki::issue("rampart http test CA", names);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![issued.cert_der.clone()],
            rustls::pki_types::PrivateKeyDer::try_from(issued.key_der.clone()).unwrap(),
        )
        .unwrap();
    Pki {
        ca_der: issued.ca_der,
        ca_pem: issued.ca_pem,
        server: Arc::new(server),
    }
}

/// Starts the server on the current tokio runtime; it lives as long as the runtime.
pub async fn start(
    routes: Vec<(&'static str, Route)>,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let routes: Arc<HashMap<&'static str, Route>> = Arc::new(routes.into_iter().collect());
    let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let server_hits = hits.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let routes = routes.clone();
            let hits = server_hits.clone();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    let routes = routes.clone();
                    let hits = hits.clone();
                    async move { Ok::<_, std::convert::Infallible>(handle(req, &routes, &hits).await) }
                });
                let http = hyper::server::conn::http1::Builder::new();
                match acceptor {
                    Some(acceptor) => {
                        if let Ok(tls) = acceptor.accept(stream).await {
                            let _ = http
                                .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                                .await;
                        }
                    }
                    None => {
                        let _ = http
                            .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                            .await;
                    }
                }
            });
        }
    });
    Server { addr, hits }
}

async fn handle(
    req: Request<Incoming>,
    routes: &HashMap<&'static str, Route>,
    hits: &Mutex<HashMap<String, usize>>,
) -> Response<Full<Bytes>> {
    let path = req.uri().path().to_string();
    *hits
        .lock()
        .unwrap()
        .entry(format!("{} {path}", req.method()))
        .or_default() += 1;
    let respond = |status: u16, body: String| {
        Response::builder()
            .status(status)
            .body(Full::new(Bytes::from(body)))
            .unwrap()
    };
    match routes.get(path.as_str()).cloned() {
        None => respond(404, "not found".into()),
        Some(Route::Reply(status, headers, body)) => {
            let mut builder = Response::builder().status(status);
            for (name, value) in headers {
                builder = builder.header(name, value);
            }
            builder.body(Full::new(Bytes::from(body))).unwrap()
        }
        Some(Route::Stall(d)) => {
            tokio::time::sleep(d).await;
            respond(200, "late".into())
        }
        Some(Route::RefuseLarge(limit)) => {
            if declared_length(&req) > limit {
                respond(413, "too large".into())
            } else {
                respond(200, "ok".into())
            }
        }
        Some(Route::ReadBody) => {
            let _ = req.into_body().collect().await;
            respond(200, "read it all".into())
        }
        Some(Route::TrustHeader(name, allowed)) => {
            let ok = header(&req, name)
                .is_some_and(|v| v.split(',').next().map(str::trim) == Some(allowed));
            if ok {
                respond(200, "welcome".into())
            } else {
                respond(403, "forbidden".into())
            }
        }
        Some(Route::Big(n)) => respond(200, "x".repeat(n)),
        Some(Route::WebSocket) => {
            let upgrade =
                header(&req, "upgrade").is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
            match (upgrade, header(&req, "sec-websocket-key")) {
                (true, Some(key)) => Response::builder()
                    .status(101)
                    .header("upgrade", "websocket")
                    .header("connection", "Upgrade")
                    .header("sec-websocket-accept", websocket_accept(key))
                    .body(Full::new(Bytes::new()))
                    .unwrap(),
                _ => respond(426, "upgrade required".into()),
            }
        }
        Some(Route::LimitForType(content_type, limit)) => {
            let typed = header(&req, "content-type").is_some_and(|t| t.starts_with(content_type));
            if typed && declared_length(&req) > limit {
                respond(413, "too large".into())
            } else {
                respond(404, "no route".into())
            }
        }
    }
}

fn header<'a>(req: &'a Request<Incoming>, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The request's Content-Length, 0 when absent or unreadable.
fn declared_length(req: &Request<Incoming>) -> u64 {
    header(req, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// RFC 6455 section 4.2.2: base64(SHA-1(key + GUID)).
fn websocket_accept(key: &str) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        format!("{key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11").as_bytes(),
    );
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = digest.as_ref();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
