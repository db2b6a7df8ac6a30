//! reqwest clients for the audit: the one ring-backed rustls with the audit's trust roots,
//! `--resolve` pins, no proxy, no automatic redirects, and the audit's timeout.

use crate::net::rustls_probe::roots::TrustRoots;
use crate::target::ResolveOverride;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// The TLS settings every HTTP request shares: system + webpki roots plus `--ca-file`,
/// HTTP/1.1 only (what the checks judge is the same over h2, and h1 keeps the client small).
pub fn tls_config(roots: &TrustRoots) -> Result<rustls::ClientConfig, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots.store.clone())
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The address `--resolve` pins for `host` when connecting to `port`. An exact HOST:PORT
/// entry wins; otherwise an entry for the same host on another port is used, so that the
/// port-80 redirect check reaches the same server as the HTTPS checks instead of whatever
/// DNS says before go-live.
pub fn pinned(resolve: &[ResolveOverride], host: &str, port: u16) -> Option<SocketAddr> {
    let host = host.to_ascii_lowercase();
    resolve
        .iter()
        .find(|r| r.host == host && r.port == port)
        .or_else(|| resolve.iter().find(|r| r.host == host))
        .map(|r| SocketAddr::new(r.addr, port))
}

/// A client for requests to `port`: reqwest's DNS overrides carry no port of their own, so
/// each port gets its own client with the pins that apply to it.
pub fn build(
    tls: &rustls::ClientConfig,
    resolve: &[ResolveOverride],
    port: u16,
    timeout: Duration,
) -> Result<reqwest::Client, reqwest::Error> {
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls.clone())
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(timeout)
        .timeout(timeout)
        .http1_only()
        .user_agent(concat!("rampart/", env!("CARGO_PKG_VERSION")));
    let hosts: std::collections::BTreeSet<&str> = resolve.iter().map(|r| r.host.as_str()).collect();
    for host in hosts {
        if let Some(addr) = pinned(resolve, host, port) {
            builder = builder.resolve(host, addr);
        }
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_pin_wins_then_same_host_on_any_port() {
        let resolve = vec![
            ResolveOverride::parse("a.test:443:127.0.0.2").unwrap(),
            ResolveOverride::parse("a.test:80:127.0.0.3").unwrap(),
            ResolveOverride::parse("b.test:8443:127.0.0.4").unwrap(),
        ];
        assert_eq!(
            pinned(&resolve, "A.test", 80),
            Some("127.0.0.3:80".parse().unwrap())
        );
        assert_eq!(
            pinned(&resolve, "b.test", 80),
            Some("127.0.0.4:80".parse().unwrap())
        );
        assert_eq!(pinned(&resolve, "c.test", 80), None);
    }
}
