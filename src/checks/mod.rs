//! Check kinds: judges over facts, one module per kind, grouped by area. Each kind implements
//! [`kind::Kind`] and is registered by one line in the [`kinds!`] list below.

pub mod cert;
pub mod compose;
pub mod dns;
pub mod env;
pub mod exposure;
pub mod files;
pub mod http;
pub mod kind;
pub mod tls;

pub use kind::{Judgement, Kind};

crate::kinds! {
    EnvFile => env::file::EnvFileCheck,
    EnvSecret => env::secret::EnvSecret,
    EnvValue => env::value::EnvValue,
    EnvEquals => env::equals::EnvEquals,
    EnvDistinctSecrets => env::distinct::EnvDistinctSecrets,

    FilesMode => files::mode::FilesMode,
    FilesGit => files::git::FilesGit,
    FilesAbsent => files::absent::FilesAbsent,

    ComposeFiles => compose::checks::ComposeFilesCheck,
    ComposeLoopbackOnly => compose::checks::LoopbackOnly,
    ComposeNotPublished => compose::checks::NotPublished,
    ComposePublicPorts => compose::checks::PublicPorts,
    ComposeDockerSocket => compose::checks::DockerSocket,
    ComposeNonRoot => compose::checks::NonRoot,
    ComposePrivileges => compose::privileges::Privileges,

    TlsLegacyVersions => tls::legacy::LegacyVersions,
    TlsVersion => tls::version::TlsVersionCheck,
    TlsWeakCiphers => tls::ciphers::WeakCiphers,
    TlsSuites => tls::suites::SuiteList,
    TlsForwardSecrecy => tls::suites::ForwardSecrecy,
    TlsCbcSuites => tls::suites::CbcSuites,
    TlsServerPreference => tls::suites::ServerPreference,
    TlsDheParams => tls::suites::DheParams,
    TlsEcdheGroups => tls::suites::EcdheGroups,
    TlsRenegotiation => tls::renegotiation::Renegotiation,
    TlsClientSimulation => tls::clients::ClientSimulation,

    CertTrust => cert::CertTrust,
    CertHostname => cert::CertHostname,
    CertValidity => cert::CertValidity,
    CertExpiry => cert::CertExpiry,
    CertKeySize => cert::CertKeySize,
    CertSignature => cert::CertSignature,
    CertSelfSigned => cert::CertSelfSigned,
    CertChain => cert::CertChain,
    CertChainOrder => cert::CertChainOrder,
    CertKeyUsage => cert::CertKeyUsage,
    CertKeyType => cert::CertKeyType,
    CertLifetime => cert::CertLifetime,
    CertOcspStapling => cert::CertOcspStapling,

    HttpRedirect => http::redirect::HttpRedirect,
    HttpHsts => http::hsts_check::HttpHsts,
    HttpHeaders => http::headers::HttpHeaders,
    HttpCookie => http::cookies::HttpCookie,
    HttpHealth => http::health::HttpHealth,
    HttpAccess => http::access::HttpAccess,
    HttpIpAllowlist => http::allowlist::HttpIpAllowlist,
    HttpBodyLimit => http::body_limit::HttpBodyLimit,
    HttpWebSocket => http::websocket::HttpWebSocket,

    ExposurePorts => exposure::ports::ExposurePorts,
    ExposureListeners => exposure::listeners::ExposureListeners,
    ExposureFirewall => exposure::firewall::ExposureFirewall,
    ExposureDockerUfwBypass => exposure::docker_ufw::DockerUfwBypass,

    DnsResolves => dns::DnsResolves,
    DnsCaa => dns::DnsCaa,
    DnsPointsAt => dns::DnsPointsAt,
}

impl CheckKind {
    /// `kind = "..."` and its parameters from TOML text, without positions (tests and
    /// examples; profiles go through `profile::checks`, which keeps them).
    pub fn from_toml(text: &str) -> Result<CheckKind, String> {
        let mut table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let tag = match table.remove("kind") {
            Some(toml::Value::String(tag)) => tag,
            _ => return Err("missing `kind`".into()),
        };
        CheckKind::deserialize_tagged(&tag, toml::Value::Table(table))
            .ok_or_else(|| format!("unknown kind {tag:?}"))?
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_unique_and_namespaced_by_category() {
        let mut seen = std::collections::BTreeSet::new();
        for tag in CheckKind::TAGS {
            assert!(seen.insert(*tag), "tag {tag} registered twice");
            assert!(tag.contains('.'), "tag {tag} has no area prefix");
        }
    }
}
