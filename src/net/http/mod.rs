//! HTTP facts: GET/HEAD requests (plus the oversized-POST probe and WebSocket upgrade requests
//! that never send a frame) against the audited host, with redirects followed by hand so that
//! none leaves the host, bodies capped, and every request bounded by the audit's timeout.

pub mod client;
mod error;
mod exchange;
pub mod fetcher;
mod follow;
mod response;
pub mod websocket;

pub use error::HttpError;
pub use fetcher::{HttpFetcher, HttpSettings};
pub use response::{Hop, HttpResponse, RedirectStop};

use reqwest::Url;

/// The most body bytes kept from one response; the rest is never read.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Same-host redirects followed at most, so a redirect loop stays bounded.
pub const MAX_REDIRECTS: usize = 10;

/// What is sent. Only methods that change no server state, plus the body-limit probe.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Head,
    /// A POST declaring `Content-Length: declared` that never sends a byte of body: a server
    /// that enforces a size limit refuses it from the headers alone.
    OversizedPost {
        declared: u64,
        /// The body's declared type: frameworks apply their size limit in the parser for
        /// that type (Express's `express.json` only sees `application/json`).
        content_type: Option<String>,
    },
    /// A GET asking to switch to WebSocket ([`websocket`]): the answer's status and headers
    /// are read, never a frame.
    WebSocketUpgrade,
}

impl Method {
    pub fn as_str(&self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::OversizedPost { .. } => "POST",
            Method::WebSocketUpgrade => "GET",
        }
    }
}

/// One request to make. Equal requests are made once per audit (see [`HttpFetcher`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HttpRequest {
    pub method: Method,
    pub url: Url,
    /// Extra headers, e.g. a forged `X-Forwarded-For` for the allowlist probe.
    pub headers: Vec<(String, String)>,
    /// Follow redirects that stay on the URL's host (never any other).
    pub follow_redirects: bool,
}

impl HttpRequest {
    pub fn get(url: Url) -> HttpRequest {
        HttpRequest {
            method: Method::Get,
            url,
            headers: Vec::new(),
            follow_redirects: true,
        }
    }

    /// The first answer only: for checks that judge the redirect itself.
    pub fn no_follow(mut self) -> HttpRequest {
        self.follow_redirects = false;
        self
    }

    pub fn with_header(mut self, name: &str, value: &str) -> HttpRequest {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// What a request came to: a response, or why there is none. Shared by every check that
/// asked for the same request.
pub type HttpOutcome = std::sync::Arc<Result<HttpResponse, HttpError>>;
