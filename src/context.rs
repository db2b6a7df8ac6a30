//! Everything checks read about the target, loaded at most once and shared between checks
//! that run concurrently.

use crate::checks::compose::model::{self, ComposeState};
use crate::checks::env::dotenv::{self, LoadedEnv};
use crate::net::connect::{self, Endpoint, NetError};
use crate::net::legacy_probe::{LegacyScan, WeakCipherScan};
use crate::net::rustls_probe::recorder::CapturedChain;
use crate::net::rustls_probe::HandshakeScan;
use crate::net::suite_scan::SuiteScan;
use crate::target::{Scheme, Target};
use std::path::PathBuf;
use std::sync::OnceLock;

pub struct AuditContext {
    pub target: Target,
    env_files: OnceLock<Vec<LoadedEnv>>,
    compose: OnceLock<ComposeState>,
    endpoint: OnceLock<Option<Result<Endpoint, NetError>>>,
    /// Filled by `net::legacy_probe`, `net::rustls_probe` on first use.
    pub(crate) legacy_scan: OnceLock<Result<LegacyScan, NetError>>,
    pub(crate) weak_cipher_scan: OnceLock<Result<WeakCipherScan, NetError>>,
    pub(crate) handshake_scan: OnceLock<HandshakeScan>,
    pub(crate) suite_scan: OnceLock<Result<SuiteScan, NetError>>,
    /// The raw probe's chain with its verdicts, when rustls got none.
    pub(crate) raw_chain: OnceLock<Option<CapturedChain>>,
}

impl AuditContext {
    pub fn new(target: Target) -> Self {
        AuditContext {
            target,
            env_files: OnceLock::new(),
            compose: OnceLock::new(),
            endpoint: OnceLock::new(),
            legacy_scan: OnceLock::new(),
            weak_cipher_scan: OnceLock::new(),
            handshake_scan: OnceLock::new(),
            suite_scan: OnceLock::new(),
            raw_chain: OnceLock::new(),
        }
    }

    pub fn env_files(&self) -> &[LoadedEnv] {
        self.env_files
            .get_or_init(|| dotenv::load_all(&self.target.env_files))
    }

    /// The env file with this role, or the primary one for `None`.
    pub fn env(&self, role: Option<&str>) -> Option<&LoadedEnv> {
        let files = self.env_files();
        match role {
            None => files.first(),
            Some(r) => files.iter().find(|f| f.spec.role == r),
        }
    }

    /// A variable of the primary env file. The auditor's own process environment is not
    /// consulted: it is not the deployment's.
    pub fn interpolation_var(&self, name: &str) -> Option<String> {
        self.env(None).and_then(|e| e.get(name)).map(str::to_string)
    }

    pub fn compose(&self) -> &ComposeState {
        self.compose.get_or_init(|| {
            model::load(&self.target.compose_files, &|name| {
                self.interpolation_var(name)
            })
        })
    }

    /// Resolves a profile path under `--root`, filling `${VAR}` from the primary env file.
    /// Errors name the variable that is not set.
    pub fn resolve_path(&self, pattern: &str) -> Result<PathBuf, String> {
        let mut out = String::new();
        let mut rest = pattern;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| format!("unclosed `${{` in path {pattern:?}"))?;
            let name = &after[..end];
            let value = self
                .interpolation_var(name)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("{name} is not set in the env file"))?;
            out.push_str(&value);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        let path = PathBuf::from(out);
        Ok(if path.is_absolute() {
            path
        } else {
            self.target.root.join(path)
        })
    }

    /// The TLS endpoint when the target has an `https://` URL; `None` otherwise.
    pub fn tls_endpoint(&self) -> Option<&Result<Endpoint, NetError>> {
        self.endpoint
            .get_or_init(|| match &self.target.url {
                Some(u) if u.scheme == Scheme::Https => connect::endpoint_for(&self.target),
                _ => None,
            })
            .as_ref()
    }
}
