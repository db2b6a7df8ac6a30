//! DNS lookups with hickory-resolver: the host's A/AAAA records and the CAA record set that
//! governs it (found by climbing from the name towards the root, as issuers do, RFC 8659).
//! `--dns-server ADDR:PORT` replaces the system resolver (tests point it at loopback).

use hickory_resolver::config::{NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::NetError;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::TokioResolver;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsError {
    /// The resolver could not be set up (unreadable /etc/resolv.conf...).
    Setup(String),
    /// The query got no usable answer (timeout, SERVFAIL, refused).
    Query {
        name: String,
        rtype: String,
        reason: String,
    },
}

impl fmt::Display for DnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DnsError::Setup(reason) => write!(f, "cannot set up the DNS resolver: {reason}"),
            DnsError::Query {
                name,
                rtype,
                reason,
            } => write!(f, "{rtype} query for {name} failed: {reason}"),
        }
    }
}

impl std::error::Error for DnsError {}

/// The answer to one query: records, or a definite "none" (NXDOMAIN or no data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer<T> {
    Records(Vec<T>),
    /// The name exists but has no record of this type.
    NoData,
    /// The name does not exist.
    NxDomain,
}

impl<T> Answer<T> {
    pub fn records(&self) -> &[T] {
        match self {
            Answer::Records(r) => r,
            _ => &[],
        }
    }
}

/// A and AAAA records of one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostAddresses {
    pub name: String,
    pub v4: Result<Answer<IpAddr>, DnsError>,
    pub v6: Result<Answer<IpAddr>, DnsError>,
}

impl HostAddresses {
    pub fn all(&self) -> Vec<IpAddr> {
        let mut out = Vec::new();
        for answer in [&self.v4, &self.v6].into_iter().flatten() {
            out.extend_from_slice(answer.records());
        }
        out
    }
}

/// Where the CAA records that govern a name were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaaSearch {
    pub name: String,
    /// Names queried, from the host upwards, in order.
    pub queried: Vec<String>,
    /// The first name with a CAA record set, and its records (`0 issue "letsencrypt.org"`).
    pub found: Option<(String, Vec<String>)>,
}

/// Most records taken from one answer, and most labels climbed for CAA.
const MAX_RECORDS: usize = 64;
const MAX_CAA_LEVELS: usize = 16;

#[derive(Clone)]
pub struct Dns {
    resolver: TokioResolver,
}

impl Dns {
    /// A resolver using `server` (UDP, then TCP on the same port), or the system's
    /// configuration. Each query is bounded by `timeout`, one attempt. Must be called inside
    /// a tokio runtime.
    pub fn new(server: Option<SocketAddr>, timeout: Duration) -> Result<Dns, DnsError> {
        let mut builder = match server {
            Some(addr) => {
                let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
                for connection in &mut ns.connections {
                    connection.port = addr.port();
                }
                TokioResolver::builder_with_config(
                    ResolverConfig::from_name_servers(vec![ns]),
                    TokioRuntimeProvider::default(),
                )
            }
            None => TokioResolver::builder_tokio().map_err(|e| DnsError::Setup(e.to_string()))?,
        };
        let options: &mut ResolverOpts = builder.options_mut();
        // The checks are about public DNS: an /etc/hosts entry (common before a cut-over)
        // must not make a name "resolve".
        options.use_hosts_file = ResolveHosts::Never;
        options.timeout = timeout;
        options.attempts = 1;
        options.cache_size = 256;
        let resolver = builder
            .build()
            .map_err(|e| DnsError::Setup(e.to_string()))?;
        Ok(Dns { resolver })
    }

    pub async fn addresses(&self, name: &str) -> HostAddresses {
        let (v4, v6) = tokio::join!(
            self.query(name, RecordType::A, |r| match r {
                RData::A(a) => Some(IpAddr::V4(a.0)),
                _ => None,
            }),
            self.query(name, RecordType::AAAA, |r| match r {
                RData::AAAA(a) => Some(IpAddr::V6(a.0)),
                _ => None,
            }),
        );
        HostAddresses {
            name: name.to_string(),
            v4,
            v6,
        }
    }

    /// Climbs from `name` towards the root until a name has CAA records. A failed query stops
    /// the climb: an unanswered name cannot be taken as "no CAA".
    pub async fn caa(&self, name: &str) -> Result<CaaSearch, DnsError> {
        let mut search = CaaSearch {
            name: name.to_string(),
            queried: Vec::new(),
            found: None,
        };
        for candidate in ancestors(name).take(MAX_CAA_LEVELS) {
            search.queried.push(candidate.to_string());
            let answer = self
                .query(candidate, RecordType::CAA, |r| match r {
                    RData::CAA(caa) => Some(caa.to_string()),
                    _ => None,
                })
                .await?;
            if let Answer::Records(records) = answer {
                search.found = Some((candidate.to_string(), records));
                break;
            }
        }
        Ok(search)
    }

    async fn query<T>(
        &self,
        name: &str,
        rtype: RecordType,
        pick: impl Fn(&RData) -> Option<T>,
    ) -> Result<Answer<T>, DnsError> {
        // A trailing dot: the name is absolute, never tried under search domains.
        let absolute = format!("{}.", name.trim_end_matches('.'));
        match self.resolver.lookup(absolute.as_str(), rtype).await {
            Ok(lookup) => {
                let records: Vec<T> = lookup
                    .answers()
                    .iter()
                    .filter_map(|r| pick(&r.data))
                    .take(MAX_RECORDS)
                    .collect();
                Ok(if records.is_empty() {
                    Answer::NoData
                } else {
                    Answer::Records(records)
                })
            }
            Err(e) if e.is_nx_domain() => Ok(Answer::NxDomain),
            Err(e) if e.is_no_records_found() => Ok(Answer::NoData),
            Err(e) => Err(query_error(name, rtype, &e)),
        }
    }
}

fn query_error(name: &str, rtype: RecordType, e: &NetError) -> DnsError {
    DnsError::Query {
        name: name.to_string(),
        rtype: rtype.to_string(),
        reason: e.to_string(),
    }
}

/// `a.b.example.com`, `b.example.com`, `example.com`, `com`.
pub fn ancestors(name: &str) -> impl Iterator<Item = &str> {
    let name = name.trim_end_matches('.');
    std::iter::successors(Some(name), |n| n.split_once('.').map(|(_, rest)| rest))
        .filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn climbs_label_by_label() {
        let names: Vec<&str> = ancestors("app.eu.example.com.").collect();
        assert_eq!(
            names,
            vec!["app.eu.example.com", "eu.example.com", "example.com", "com"]
        );
        assert_eq!(
            ancestors("localhost").collect::<Vec<_>>(),
            vec!["localhost"]
        );
    }
}
