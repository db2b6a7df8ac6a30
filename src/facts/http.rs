//! HTTP facts about the live URL: responses to the requests the HTTP checks declare, each made
//! once, all concurrently, on the network runtime under the socket limit and the deadline.

use super::runtime::{NetRuntime, RuntimeError};
use super::Unavailable;
use crate::finding::Location;
use crate::net::http::{HttpFetcher, HttpSettings};
// What HTTP judges read, named here so that checks depend on facts, never on `net`.
pub use crate::net::http::websocket::accept_is_valid as websocket_accept_is_valid;
pub use crate::net::http::{
    Hop, HttpError, HttpOutcome, HttpRequest, HttpResponse, Method, RedirectStop, BODY_LIMIT,
};
use crate::net::rustls_probe::roots::TrustRoots;
use crate::target::{Scheme, Target, TargetUrl};
use reqwest::Url;
use std::sync::OnceLock;

/// A request a check declares before judging, relative to `--url`: the same host, the URL's
/// own scheme and port, or plain HTTP on `plain_port` (the port-80 redirect check).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HttpNeed {
    pub method: Method,
    /// Absolute path (with query, if any) on the audited host.
    pub path: String,
    pub plain_port: Option<u16>,
    pub follow_redirects: bool,
}

impl HttpNeed {
    pub fn get(path: &str) -> HttpNeed {
        HttpNeed {
            method: Method::Get,
            path: path.to_string(),
            plain_port: None,
            follow_redirects: true,
        }
    }

    pub fn no_follow(mut self) -> HttpNeed {
        self.follow_redirects = false;
        self
    }
}

#[derive(Default)]
pub struct HttpFacts {
    fetcher: OnceLock<HttpFetcher>,
}

impl HttpFacts {
    fn fetcher(&self, target: &Target, net: &NetRuntime) -> &HttpFetcher {
        self.fetcher.get_or_init(|| {
            let settings = HttpSettings {
                resolve: target.resolve.clone(),
                timeout: target.timeout,
                sockets: net.socket_limit(),
            };
            HttpFetcher::new(settings, &TrustRoots::load(&target.ca_certs))
        })
    }

    /// Gathers every need at once (those that cannot be made, e.g. without `--url`, are left
    /// for the accessor to explain).
    pub async fn gather(&self, target: &Target, net: &NetRuntime, needs: &[&HttpNeed]) {
        let requests: Vec<HttpRequest> = needs
            .iter()
            .filter_map(|n| request_for(target, n).ok())
            .collect();
        if requests.is_empty() {
            return;
        }
        self.fetcher(target, net).fetch_all(&requests).await;
    }
}

/// The URL a need means for this target.
pub fn request_for(target: &Target, need: &HttpNeed) -> Result<HttpRequest, Unavailable> {
    let url = target.url.as_ref().ok_or_else(no_url)?;
    let (scheme, port) = match (need.plain_port, url.scheme) {
        (Some(p), _) => ("http", p),
        (None, Scheme::Https) => ("https", url.port),
        (None, Scheme::Http) => ("http", url.port),
    };
    let host = if url.host.contains(':') {
        format!("[{}]", url.host)
    } else {
        url.host.clone()
    };
    let parsed = url_for(&format!("{scheme}://{host}:{port}"), &need.path)?;
    Ok(HttpRequest {
        method: need.method.clone(),
        url: parsed,
        headers: Vec::new(),
        follow_redirects: need.follow_redirects,
    })
}

/// A GET of `path` from a service on this host at `addr` (see
/// [`super::exposure::ExposureView::local_service`]), plain HTTP.
pub fn local_request(addr: std::net::SocketAddr, path: &str) -> Result<HttpRequest, Unavailable> {
    Ok(HttpRequest::get(url_for(&format!("http://{addr}"), path)?))
}

/// `origin` + `path`, the path made absolute.
fn url_for(origin: &str, path: &str) -> Result<Url, Unavailable> {
    let text = if path.starts_with('/') {
        format!("{origin}{path}")
    } else {
        format!("{origin}/{path}")
    };
    Url::parse(&text)
        .map_err(|e| Unavailable::error(text.clone(), format!("cannot build the request URL: {e}")))
}

fn no_url() -> Unavailable {
    Unavailable::skip("live deployment", "not examined: give --url https://HOST")
}

/// What HTTP judges read.
pub struct HttpView<'a> {
    pub(super) facts: &'a HttpFacts,
    pub(super) target: &'a Target,
    pub(super) net: &'a NetRuntime,
}

impl<'a> HttpView<'a> {
    pub fn url(&self) -> Result<&'a TargetUrl, Unavailable> {
        self.target.url.as_ref().ok_or_else(no_url)
    }

    pub fn request(&self, need: &HttpNeed) -> Result<HttpRequest, Unavailable> {
        request_for(self.target, need)
    }

    /// Where a finding about this request points.
    pub fn location(&self, request: &HttpRequest) -> Location {
        let host = request
            .url
            .host_str()
            .unwrap_or("")
            .trim_matches(['[', ']']);
        let port = request.url.port_or_known_default().unwrap_or(0);
        Location::endpoint(host, port).with_path(request.url.path())
    }

    /// The outcome of a declared request (gathered by prefetch, or now).
    pub fn response(&self, need: &HttpNeed) -> Result<HttpOutcome, Unavailable> {
        let request = self.request(need)?;
        Ok(self.fetch_all(std::slice::from_ref(&request))?.remove(0))
    }

    /// Requests only known at judge time (e.g. forged headers built from an env value), made
    /// concurrently and cached like the others.
    pub fn fetch_all(&self, requests: &[HttpRequest]) -> Result<Vec<HttpOutcome>, Unavailable> {
        let fetcher = self.facts.fetcher(self.target, self.net);
        self.net
            .block_on(fetcher.fetch_all(requests))
            .map_err(|e: RuntimeError| {
                let subject = requests
                    .first()
                    .map(|r| r.url.to_string())
                    .unwrap_or_default();
                Unavailable::error(subject, format!("cannot fetch: {e}"))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::TargetUrl;

    fn target(url: &str) -> Target {
        Target {
            url: Some(TargetUrl::parse(url).unwrap()),
            ..Target::default()
        }
    }

    #[test]
    fn needs_become_urls_on_the_audited_host() {
        let t = target("https://Koda.example.com:8443/ignored");
        let r = request_for(&t, &HttpNeed::get("/login")).unwrap();
        assert_eq!(r.url.as_str(), "https://koda.example.com:8443/login");
        assert!(r.follow_redirects);
        let plain = HttpNeed {
            plain_port: Some(80),
            ..HttpNeed::get("/").no_follow()
        };
        let r = request_for(&t, &plain).unwrap();
        assert_eq!(r.url.as_str(), "http://koda.example.com/");
        assert!(!r.follow_redirects);
        let r = request_for(&target("http://[::1]:8080"), &HttpNeed::get("health")).unwrap();
        assert_eq!(r.url.as_str(), "http://[::1]:8080/health");
    }

    #[test]
    fn without_url_the_need_is_a_skip() {
        let e = request_for(&Target::default(), &HttpNeed::get("/")).unwrap_err();
        assert_eq!(e.status, crate::finding::Status::Skip);
        assert!(e.reason.contains("--url"));
    }
}
