//! Check kinds. Each kind is a parameter struct deserialized from a profile's `[[check]]` table
//! (tagged by `kind`) with an `evaluate` that examines the target and reports observations.
//!
//! Adding a kind: write the module, add one variant to [`CheckKind`] and one arm to each match
//! below.

pub mod cert;
pub mod compose;
pub mod env;
pub mod files;
pub mod http;
pub mod template;
pub mod tls;

use crate::context::AuditContext;
use crate::finding::{Category, Observation};
use serde::{Deserialize, Serialize};

/// For kinds that take no parameters; still rejects unknown keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum CheckKind {
    #[serde(rename = "env.file")]
    EnvFile(env::file::EnvFileCheck),
    #[serde(rename = "env.secret")]
    EnvSecret(env::secret::EnvSecret),
    #[serde(rename = "env.value")]
    EnvValue(env::value::EnvValue),
    #[serde(rename = "env.equals")]
    EnvEquals(env::equals::EnvEquals),
    #[serde(rename = "env.distinct-secrets")]
    EnvDistinctSecrets(env::distinct::EnvDistinctSecrets),

    #[serde(rename = "files.mode")]
    FilesMode(files::mode::FilesMode),
    #[serde(rename = "files.git")]
    FilesGit(files::git::FilesGit),
    #[serde(rename = "files.absent")]
    FilesAbsent(files::absent::FilesAbsent),

    #[serde(rename = "compose.files")]
    ComposeFiles(compose::checks::ComposeFilesCheck),
    #[serde(rename = "compose.loopback-only")]
    ComposeLoopbackOnly(compose::checks::LoopbackOnly),
    #[serde(rename = "compose.not-published")]
    ComposeNotPublished(compose::checks::NotPublished),
    #[serde(rename = "compose.public-ports")]
    ComposePublicPorts(compose::checks::PublicPorts),
    #[serde(rename = "compose.docker-socket")]
    ComposeDockerSocket(compose::checks::DockerSocket),
    #[serde(rename = "compose.non-root")]
    ComposeNonRoot(compose::checks::NonRoot),

    #[serde(rename = "tls.legacy-versions")]
    TlsLegacyVersions(NoParams),
    #[serde(rename = "tls.version")]
    TlsVersion(tls::version::TlsVersionCheck),
    #[serde(rename = "tls.weak-ciphers")]
    TlsWeakCiphers(NoParams),

    #[serde(rename = "cert.trust")]
    CertTrust(NoParams),
    #[serde(rename = "cert.hostname")]
    CertHostname(NoParams),
    #[serde(rename = "cert.validity")]
    CertValidity(NoParams),
    #[serde(rename = "cert.expiry")]
    CertExpiry(cert::CertExpiry),
    #[serde(rename = "cert.key-size")]
    CertKeySize(cert::CertKeySize),
    #[serde(rename = "cert.signature")]
    CertSignature(NoParams),
    #[serde(rename = "cert.self-signed")]
    CertSelfSigned(NoParams),
    #[serde(rename = "cert.chain")]
    CertChain(NoParams),
}

/// What a kind needs from the target before it can say anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Only the install directory (always available: `--root` defaults to `.`).
    Local,
    /// An `https://` URL.
    HttpsUrl,
}

impl CheckKind {
    pub fn name(&self) -> &'static str {
        match self {
            CheckKind::EnvFile(_) => "env.file",
            CheckKind::EnvSecret(_) => "env.secret",
            CheckKind::EnvValue(_) => "env.value",
            CheckKind::EnvEquals(_) => "env.equals",
            CheckKind::EnvDistinctSecrets(_) => "env.distinct-secrets",
            CheckKind::FilesMode(_) => "files.mode",
            CheckKind::FilesGit(_) => "files.git",
            CheckKind::FilesAbsent(_) => "files.absent",
            CheckKind::ComposeFiles(_) => "compose.files",
            CheckKind::ComposeLoopbackOnly(_) => "compose.loopback-only",
            CheckKind::ComposeNotPublished(_) => "compose.not-published",
            CheckKind::ComposePublicPorts(_) => "compose.public-ports",
            CheckKind::ComposeDockerSocket(_) => "compose.docker-socket",
            CheckKind::ComposeNonRoot(_) => "compose.non-root",
            CheckKind::TlsLegacyVersions(_) => "tls.legacy-versions",
            CheckKind::TlsVersion(_) => "tls.version",
            CheckKind::TlsWeakCiphers(_) => "tls.weak-ciphers",
            CheckKind::CertTrust(_) => "cert.trust",
            CheckKind::CertHostname(_) => "cert.hostname",
            CheckKind::CertValidity(_) => "cert.validity",
            CheckKind::CertExpiry(_) => "cert.expiry",
            CheckKind::CertKeySize(_) => "cert.key-size",
            CheckKind::CertSignature(_) => "cert.signature",
            CheckKind::CertSelfSigned(_) => "cert.self-signed",
            CheckKind::CertChain(_) => "cert.chain",
        }
    }

    /// The category a check of this kind belongs to unless its profile says otherwise.
    pub fn default_category(&self) -> Category {
        match self {
            CheckKind::EnvFile(_)
            | CheckKind::EnvSecret(_)
            | CheckKind::EnvEquals(_)
            | CheckKind::EnvDistinctSecrets(_) => Category::Secrets,
            CheckKind::EnvValue(_) => Category::Config,
            CheckKind::FilesMode(_) | CheckKind::FilesGit(_) | CheckKind::FilesAbsent(_) => {
                Category::Files
            }
            CheckKind::ComposeFiles(_)
            | CheckKind::ComposeLoopbackOnly(_)
            | CheckKind::ComposeNotPublished(_)
            | CheckKind::ComposePublicPorts(_)
            | CheckKind::ComposeDockerSocket(_)
            | CheckKind::ComposeNonRoot(_) => Category::Exposure,
            CheckKind::TlsLegacyVersions(_)
            | CheckKind::TlsVersion(_)
            | CheckKind::TlsWeakCiphers(_) => Category::Tls,
            CheckKind::CertTrust(_)
            | CheckKind::CertHostname(_)
            | CheckKind::CertValidity(_)
            | CheckKind::CertExpiry(_)
            | CheckKind::CertKeySize(_)
            | CheckKind::CertSignature(_)
            | CheckKind::CertSelfSigned(_)
            | CheckKind::CertChain(_) => Category::Certificate,
        }
    }

    pub fn needs(&self) -> Needs {
        match self.default_category() {
            Category::Tls | Category::Certificate => Needs::HttpsUrl,
            _ => Needs::Local,
        }
    }

    /// Checks parameters that serde cannot (ranges, octal modes, non-empty lists).
    /// The message is shown next to the check's position in its profile.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            CheckKind::EnvFile(c) => c.validate(),
            CheckKind::EnvSecret(c) => c.validate(),
            CheckKind::EnvValue(c) => c.validate(),
            CheckKind::EnvEquals(c) => c.validate(),
            CheckKind::EnvDistinctSecrets(c) => c.validate(),
            CheckKind::FilesMode(c) => c.validate(),
            CheckKind::FilesGit(c) => c.validate(),
            CheckKind::FilesAbsent(c) => c.validate(),
            CheckKind::ComposeFiles(_) => Ok(()),
            CheckKind::ComposeLoopbackOnly(c) => c.validate(),
            CheckKind::ComposeNotPublished(c) => c.validate(),
            CheckKind::ComposePublicPorts(c) => c.validate(),
            CheckKind::ComposeDockerSocket(c) => c.validate(),
            CheckKind::ComposeNonRoot(c) => c.validate(),
            CheckKind::TlsVersion(c) => c.validate(),
            CheckKind::CertExpiry(c) => c.validate(),
            CheckKind::CertKeySize(c) => c.validate(),
            CheckKind::TlsLegacyVersions(_)
            | CheckKind::TlsWeakCiphers(_)
            | CheckKind::CertTrust(_)
            | CheckKind::CertHostname(_)
            | CheckKind::CertValidity(_)
            | CheckKind::CertSignature(_)
            | CheckKind::CertSelfSigned(_)
            | CheckKind::CertChain(_) => Ok(()),
        }
    }

    pub fn evaluate(&self, ctx: &AuditContext) -> Vec<Observation> {
        match self {
            CheckKind::EnvFile(c) => c.evaluate(ctx),
            CheckKind::EnvSecret(c) => c.evaluate(ctx),
            CheckKind::EnvValue(c) => c.evaluate(ctx),
            CheckKind::EnvEquals(c) => c.evaluate(ctx),
            CheckKind::EnvDistinctSecrets(c) => c.evaluate(ctx),
            CheckKind::FilesMode(c) => c.evaluate(ctx),
            CheckKind::FilesGit(c) => c.evaluate(ctx),
            CheckKind::FilesAbsent(c) => c.evaluate(ctx),
            CheckKind::ComposeFiles(c) => c.evaluate(ctx),
            CheckKind::ComposeLoopbackOnly(c) => c.evaluate(ctx),
            CheckKind::ComposeNotPublished(c) => c.evaluate(ctx),
            CheckKind::ComposePublicPorts(c) => c.evaluate(ctx),
            CheckKind::ComposeDockerSocket(c) => c.evaluate(ctx),
            CheckKind::ComposeNonRoot(c) => c.evaluate(ctx),
            CheckKind::TlsLegacyVersions(_) => tls::legacy::evaluate(ctx),
            CheckKind::TlsVersion(c) => c.evaluate(ctx),
            CheckKind::TlsWeakCiphers(_) => tls::ciphers::evaluate(ctx),
            CheckKind::CertTrust(_) => cert::trust(ctx),
            CheckKind::CertHostname(_) => cert::hostname(ctx),
            CheckKind::CertValidity(_) => cert::validity(ctx),
            CheckKind::CertExpiry(c) => c.evaluate(ctx),
            CheckKind::CertKeySize(c) => c.evaluate(ctx),
            CheckKind::CertSignature(_) => cert::signature(ctx),
            CheckKind::CertSelfSigned(_) => cert::self_signed(ctx),
            CheckKind::CertChain(_) => cert::chain(ctx),
        }
    }
}
