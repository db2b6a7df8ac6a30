//! DNS facts about the URL's host: its addresses and the CAA record set that governs it,
//! gathered once on the network runtime, under the socket limit and the deadline.

pub mod resolver;

pub use resolver::{ancestors, Answer, CaaSearch, Dns, DnsError, HostAddresses};

use super::runtime::{NetRuntime, RuntimeError};
use super::Unavailable;
use crate::finding::Location;
use crate::target::{Target, TargetUrl};
use tokio::sync::OnceCell;

/// One socket: the resolver asks one question at a time per fact.
const DNS_SOCKETS: usize = 1;

#[derive(Default)]
pub struct DnsFacts {
    resolver: OnceCell<Result<Dns, DnsError>>,
    addresses: OnceCell<Result<HostAddresses, DnsError>>,
    caa: OnceCell<Result<CaaSearch, DnsError>>,
}

impl DnsFacts {
    async fn resolver(&self, target: &Target) -> &Result<Dns, DnsError> {
        self.resolver
            .get_or_init(|| async { Dns::new(target.dns_server, target.timeout) })
            .await
    }

    pub async fn addresses(
        &self,
        target: &Target,
        net: &NetRuntime,
        name: &str,
    ) -> &Result<HostAddresses, DnsError> {
        self.addresses
            .get_or_init(|| async {
                let dns = self.resolver(target).await.clone()?;
                let _permit = net.sockets(DNS_SOCKETS).await.map_err(runtime_error)?;
                Ok(dns.addresses(name).await)
            })
            .await
    }

    pub async fn caa(
        &self,
        target: &Target,
        net: &NetRuntime,
        name: &str,
    ) -> &Result<CaaSearch, DnsError> {
        self.caa
            .get_or_init(|| async {
                let dns = self.resolver(target).await.clone()?;
                let _permit = net.sockets(DNS_SOCKETS).await.map_err(runtime_error)?;
                dns.caa(name).await
            })
            .await
    }
}

fn runtime_error(e: RuntimeError) -> DnsError {
    DnsError::Setup(e.to_string())
}

/// The host name DNS checks look up: the URL's, unless it is an IP literal.
pub fn host_name(target: &Target) -> Result<&TargetUrl, Unavailable> {
    let Some(url) = &target.url else {
        return Err(Unavailable::skip(
            "DNS",
            "not examined: give --url https://HOST to check its DNS",
        ));
    };
    if url.host.parse::<std::net::IpAddr>().is_ok() {
        return Err(Unavailable::skip(
            url.host.clone(),
            "the URL names an IP address; there is no DNS name to check",
        ));
    }
    Ok(url)
}

/// What DNS judges read.
pub struct DnsView<'a> {
    pub(in crate::facts) facts: &'a DnsFacts,
    pub(in crate::facts) target: &'a Target,
    pub(in crate::facts) net: &'a NetRuntime,
}

impl<'a> DnsView<'a> {
    pub fn addresses(&self) -> Result<&'a HostAddresses, Unavailable> {
        let url = host_name(self.target)?;
        let gathered = self
            .net
            .block_on(self.facts.addresses(self.target, self.net, &url.host));
        read(url, "resolve", gathered)
    }

    pub fn caa(&self) -> Result<&'a CaaSearch, Unavailable> {
        let url = host_name(self.target)?;
        let gathered = self
            .net
            .block_on(self.facts.caa(self.target, self.net, &url.host));
        read(url, "look up CAA records of", gathered)
    }

    pub fn target(&self) -> &'a Target {
        self.target
    }
}

fn read<'a, T>(
    url: &TargetUrl,
    what: &str,
    gathered: Result<&'a Result<T, DnsError>, RuntimeError>,
) -> Result<&'a T, Unavailable> {
    let unavailable = |why: String| {
        Unavailable::error(
            url.host.clone(),
            format!("cannot {what} {}: {why}", url.host),
        )
        .at(Location::endpoint(&url.host, url.port))
    };
    match gathered {
        Ok(Ok(fact)) => Ok(fact),
        Ok(Err(e)) => Err(unavailable(e.to_string())),
        Err(e) => Err(unavailable(e.to_string())),
    }
}
