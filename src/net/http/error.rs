//! Why a request got no response, told apart the way the checks need it.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    /// The URL cannot be requested (no host, bad header value...).
    InvalidRequest { url: String, reason: String },
    /// The host name did not resolve.
    Resolve { url: String, reason: String },
    /// Nothing listens: the port is closed.
    Refused { url: String },
    /// No answer within the timeout (connect, TLS, or response): filtered or stalled.
    Timeout { url: String },
    /// The TLS handshake failed (untrusted certificate, wrong name, no common version...).
    Tls { url: String, reason: String },
    /// Connected, but the exchange broke (reset, closed early, not HTTP).
    Protocol { url: String, reason: String },
}

impl HttpError {
    pub fn url(&self) -> &str {
        match self {
            HttpError::InvalidRequest { url, .. }
            | HttpError::Resolve { url, .. }
            | HttpError::Refused { url }
            | HttpError::Timeout { url }
            | HttpError::Tls { url, .. }
            | HttpError::Protocol { url, .. } => url,
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::InvalidRequest { url, reason } => {
                write!(f, "cannot request {url}: {reason}")
            }
            HttpError::Resolve { url, reason } => write!(f, "{url}: cannot resolve host: {reason}"),
            HttpError::Refused { url } => write!(f, "{url}: connection refused"),
            HttpError::Timeout { url } => write!(f, "{url}: no answer within the timeout"),
            HttpError::Tls { url, reason } => write!(f, "{url}: TLS failed: {reason}"),
            HttpError::Protocol { url, reason } => write!(f, "{url}: {reason}"),
        }
    }
}

impl std::error::Error for HttpError {}

/// Sorts a reqwest error by walking its causes: reqwest wraps hyper, which wraps the I/O or
/// rustls error that says what really happened.
pub(super) fn classify(url: &str, err: &reqwest::Error) -> HttpError {
    let url = url.to_string();
    if err.is_timeout() {
        return HttpError::Timeout { url };
    }
    let mut reasons = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    // Cause chains are short; the bound only guards against a cycle.
    for _ in 0..16 {
        let Some(e) = source else { break };
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            let (kind, tls) = io_cause(io);
            match kind {
                std::io::ErrorKind::ConnectionRefused => return HttpError::Refused { url },
                std::io::ErrorKind::TimedOut => return HttpError::Timeout { url },
                _ => {}
            }
            if let Some(tls) = tls {
                return HttpError::Tls {
                    url,
                    reason: tls.to_string(),
                };
            }
        }
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return HttpError::Tls {
                url,
                reason: tls.to_string(),
            };
        }
        let text = e.to_string();
        if text.contains("dns error") || text.contains("failed to lookup address") {
            return HttpError::Resolve { url, reason: text };
        }
        if !reasons.contains(&text) {
            reasons.push(text);
        }
        source = e.source();
    }
    let reason = reasons
        .into_iter()
        .filter(|r| !r.starts_with("error sending request"))
        .collect::<Vec<_>>()
        .join(": ");
    HttpError::Protocol {
        url,
        reason: if reason.is_empty() {
            "the request failed".into()
        } else {
            reason
        },
    }
}

/// The innermost kind of an I/O error and the rustls error inside it, if any: connectors
/// wrap I/O errors in I/O errors (`io::Error::other(io_error)`), and an `io::Error`'s
/// `source()` skips its own payload, so the payloads are unwrapped by hand.
fn io_cause(io: &std::io::Error) -> (std::io::ErrorKind, Option<&rustls::Error>) {
    let mut current = io;
    for _ in 0..8 {
        let Some(inner) = current.get_ref() else {
            break;
        };
        if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
            return (current.kind(), Some(tls));
        }
        match inner.downcast_ref::<std::io::Error>() {
            Some(next) => current = next,
            None => break,
        }
    }
    (current.kind(), None)
}
