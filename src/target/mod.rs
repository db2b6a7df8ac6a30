//! What is audited: the install directory, its env and compose files, and the live URL.

pub mod dialect;
pub mod port_list;

pub use dialect::Dialect;
use std::path::Path;

/// The directory standing in for the host's `/` (`--host-root`); `facts::host_root` reads
/// host files under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRoot(PathBuf);

impl Default for HostRoot {
    fn default() -> Self {
        HostRoot(PathBuf::from("/"))
    }
}

impl HostRoot {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        HostRoot(dir.into())
    }

    /// True when host files are the live system's own (not a fixture tree).
    pub fn is_live(&self) -> bool {
        self.0 == Path::new("/")
    }

    /// `/proc/net/tcp` becomes `DIR/proc/net/tcp`.
    pub fn path(&self, absolute: &str) -> PathBuf {
        self.0.join(absolute.trim_start_matches('/'))
    }
}

use port_list::PortList;
use rustls::pki_types::CertificateDer;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// An env file the audit reads. `role` names it so checks can address one file among several
/// (OCMT has one per service); the first declared role is the primary one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFileSpec {
    pub role: String,
    pub path: PathBuf,
    pub required: bool,
    /// The loader whose rules the file is read with.
    pub dialect: Dialect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeFileSpec {
    pub path: PathBuf,
    pub required: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

/// A parsed `--url`. Only what the audit needs: scheme, host, port and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetUrl {
    pub scheme: Scheme,
    /// Host name or IP literal, without IPv6 brackets.
    pub host: String,
    pub port: u16,
    pub path: String,
}

impl TargetUrl {
    pub fn parse(text: &str) -> Result<TargetUrl, String> {
        // Errors quote the URL, so never with its userinfo: it may carry a password.
        let redacted = redact_userinfo(text);
        let text = redacted.as_str();
        let (scheme, rest) = if let Some(rest) = text.strip_prefix("https://") {
            (Scheme::Https, rest)
        } else if let Some(rest) = text.strip_prefix("http://") {
            (Scheme::Http, rest)
        } else {
            return Err(format!(
                "--url {text:?}: expected an http:// or https:// URL"
            ));
        };
        let (authority, path) = match rest.find(['/', '?', '#']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if authority.contains('@') {
            return Err(format!(
                "--url {text:?}: credentials in the URL are not supported"
            ));
        }
        let default_port = match scheme {
            Scheme::Https => 443,
            Scheme::Http => 80,
        };
        let (host, port_text) = if let Some(after) = authority.strip_prefix('[') {
            let end = after
                .find(']')
                .ok_or_else(|| format!("--url {text:?}: unclosed '[' in IPv6 address"))?;
            let host = &after[..end];
            host.parse::<std::net::Ipv6Addr>()
                .map_err(|_| format!("--url {text:?}: {host:?} is not an IPv6 address"))?;
            let tail = &after[end + 1..];
            let port = match tail.strip_prefix(':') {
                Some(p) => Some(p),
                None if tail.is_empty() => None,
                None => return Err(format!("--url {text:?}: unexpected {tail:?} after ']'")),
            };
            (host.to_string(), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (authority.to_string(), None),
            }
        };
        if host.is_empty() {
            return Err(format!("--url {text:?}: no host"));
        }
        let port = match port_text {
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| format!("--url {text:?}: {p:?} is not a port number"))?,
            None => default_port,
        };
        Ok(TargetUrl {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
            path: path.to_string(),
        })
    }

    /// `host:port`, with brackets around IPv6 literals: the subject of network findings.
    pub fn host_port(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// `scheme://user:secret@host/` with the userinfo replaced by `***`.
pub fn redact_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// One `--resolve HOST:PORT:ADDR`: connect to ADDR when the URL names HOST:PORT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveOverride {
    pub host: String,
    pub port: u16,
    pub addr: IpAddr,
}

impl ResolveOverride {
    pub fn parse(text: &str) -> Result<ResolveOverride, String> {
        let bad = || {
            format!(
                "--resolve {text:?}: expected HOST:PORT:ADDR (e.g. example.com:443:203.0.113.7)"
            )
        };
        let (host, rest) = text.split_once(':').ok_or_else(bad)?;
        let (port, addr) = rest.split_once(':').ok_or_else(bad)?;
        let port = port.parse::<u16>().map_err(|_| bad())?;
        let addr_text = addr
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(addr);
        let addr = addr_text.parse::<IpAddr>().map_err(|_| bad())?;
        if host.is_empty() {
            return Err(bad());
        }
        Ok(ResolveOverride {
            host: host.to_ascii_lowercase(),
            port,
            addr,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct Target {
    pub root: PathBuf,
    pub env_files: Vec<EnvFileSpec>,
    pub compose_files: Vec<ComposeFileSpec>,
    /// The compose files were named on the command line (`-f`): no discovery.
    pub compose_explicit: bool,
    pub url: Option<TargetUrl>,
    pub resolve: Vec<ResolveOverride>,
    /// Certificates from `--ca-file`, trusted next to the system and webpki roots.
    pub ca_certs: Vec<CertificateDer<'static>>,
    /// Limit for each connect, handshake and read.
    pub timeout: Duration,
    /// `--host`: the address whose ports are scanned (else the URL's address).
    pub host: Option<IpAddr>,
    /// `--ports`: scanned in addition to the ports the profile names.
    pub extra_ports: PortList,
    /// `--host-root`: where the host's `/proc` and `/etc` are read (default `/`).
    pub host_root: HostRoot,
    /// `--dns-server`: the resolver DNS checks ask, instead of the system's.
    pub dns_server: Option<SocketAddr>,
}

impl Target {
    /// The address `--resolve` pins for the URL's host and port, if any.
    pub fn pinned_addr(&self) -> Option<IpAddr> {
        let url = self.url.as_ref()?;
        self.resolve
            .iter()
            .find(|r| r.host == url.host && r.port == url.port)
            .map(|r| r.addr)
    }

    pub fn primary_env(&self) -> Option<&EnvFileSpec> {
        self.env_files.first()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls_with_ports_and_ipv6() {
        let u = TargetUrl::parse("https://Example.com:8443/x").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port, u.path.as_str()),
            ("example.com", 8443, "/x")
        );
        let u = TargetUrl::parse("https://[::1]:9443").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 9443));
        assert_eq!(u.host_port(), "[::1]:9443");
        let u = TargetUrl::parse("http://h").unwrap();
        assert_eq!((u.scheme, u.port, u.path.as_str()), (Scheme::Http, 80, "/"));
        assert!(TargetUrl::parse("ftp://h").is_err());
        assert!(TargetUrl::parse("https://h:0").is_err());
        assert!(TargetUrl::parse("https://[::1").is_err());
    }

    #[test]
    fn url_errors_never_quote_a_password() {
        let e = TargetUrl::parse("https://admin:S3cret@host/").unwrap_err();
        assert!(!e.contains("S3cret") && e.contains("***@host"), "{e}");
        let e = TargetUrl::parse("ftp://u:p4ss@h").unwrap_err();
        assert!(!e.contains("p4ss"), "{e}");
        assert_eq!(redact_userinfo("https://h/a@b"), "https://h/a@b");
    }

    #[test]
    fn parses_resolve_overrides() {
        let r = ResolveOverride::parse("a.example:443:127.0.0.1").unwrap();
        assert_eq!(r.port, 443);
        let r = ResolveOverride::parse("a.example:443:[::1]").unwrap();
        assert_eq!(r.addr, "::1".parse::<IpAddr>().unwrap());
        let r = ResolveOverride::parse("a.example:443:::1").unwrap();
        assert!(r.addr.is_ipv6());
        assert!(ResolveOverride::parse("a.example:443").is_err());
    }
}
