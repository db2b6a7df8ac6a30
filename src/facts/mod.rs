//! Facts: everything the audit learns about the target, and the only place that does I/O.
//!
//! Local facts (env files, the compose project, file metadata, git state) are read on first
//! need, synchronously, and cached. Network facts (TLS scans) run on one tokio runtime that
//! starts only when one is needed; the engine asks for all of them at once before judging
//! ([`Facts::prefetch`]), so they overlap under one socket limit and one deadline.
//!
//! Facts know nothing of checks. A fact a judge cannot have comes back as [`Unavailable`],
//! which the engine reports as `skip` or `error` with the reason, the same way for every kind.

pub mod compose;
pub mod dns;
pub mod env;
pub mod error;
pub mod exposure;
pub mod files;
pub mod host_root;
pub mod http;
pub mod listeners;
pub mod ports;
pub mod runtime;
pub mod template;
pub mod tls;
pub mod ufw;

use crate::facts::error::FactError;
use crate::finding::{Location, Observation, Status};
use crate::target::Target;
use env::{EnvState, LoadedEnv};
use runtime::NetRuntime;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

/// Why a judge could not look at what it needed. `status` is `skip` when the input was not
/// given (no `--url`, no env file) and `error` when it was given but could not be examined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    pub status: Status,
    pub subject: String,
    pub reason: String,
    pub location: Option<Box<Location>>,
}

impl Unavailable {
    pub fn skip(subject: impl Into<String>, reason: impl Into<String>) -> Self {
        Unavailable {
            status: Status::Skip,
            subject: subject.into(),
            reason: reason.into(),
            location: None,
        }
    }

    pub fn error(subject: impl Into<String>, reason: impl Into<String>) -> Self {
        Unavailable {
            status: Status::Error,
            subject: subject.into(),
            reason: reason.into(),
            location: None,
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    pub fn into_observation(self) -> Observation {
        let mut o = Observation::new(self.status, self.subject, self.reason);
        o.location = self.location;
        o
    }
}

/// Network facts a check reads. The engine gathers the union of every selected check's needs
/// concurrently before any judge runs; a fact that was not asked for is still gathered on first
/// read, only without overlapping the others.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Need {
    TlsHandshake,
    TlsLegacyVersions,
    TlsWeakCiphers,
    TlsSuites,
    TlsRenegotiation,
    /// One HTTP request to the live URL (each distinct one is made once).
    Http(http::HttpNeed),
    /// These TCP ports of the audited address; every check's lists are scanned in one go.
    Ports(Vec<u16>),
    DnsAddresses,
    DnsCaa,
}

/// How network facts are bounded.
#[derive(Debug, Clone, Copy)]
pub struct NetLimits {
    pub max_sockets: usize,
    pub deadline: Instant,
}

pub struct Facts {
    target: Target,
    env_files: OnceLock<Vec<LoadedEnv>>,
    compose: OnceLock<compose::model::ComposeState>,
    files: files::FileFacts,
    net: NetRuntime,
    tls: tls::TlsFacts,
    http: http::HttpFacts,
    exposure: exposure::ExposureFacts,
    dns: dns::DnsFacts,
}

impl Facts {
    pub fn new(target: Target, limits: NetLimits) -> Self {
        Facts {
            files: files::FileFacts::new(target.root.clone()),
            net: NetRuntime::new(limits.max_sockets, limits.deadline),
            target,
            env_files: OnceLock::new(),
            compose: OnceLock::new(),
            tls: tls::TlsFacts::default(),
            http: http::HttpFacts::default(),
            exposure: exposure::ExposureFacts::default(),
            dns: dns::DnsFacts::default(),
        }
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Whether any network fact has run (the runtime starts on the first one).
    pub fn network_started(&self) -> bool {
        self.net.started()
    }

    /// Whether the target gives what this fact is gathered from (an `https://` URL, an address
    /// to scan, a name to resolve). Facts that cannot be gathered are not started, so an audit
    /// without network input never starts the runtime; their accessors say why.
    fn can_gather(&self, need: &Need) -> bool {
        let target = &self.target;
        match need {
            Need::TlsHandshake
            | Need::TlsLegacyVersions
            | Need::TlsWeakCiphers
            | Need::TlsSuites
            | Need::TlsRenegotiation => target
                .url
                .as_ref()
                .is_some_and(|u| u.scheme == crate::target::Scheme::Https),
            Need::Ports(ports) => {
                !ports.is_empty() && (target.host.is_some() || target.url.is_some())
            }
            Need::DnsAddresses | Need::DnsCaa => dns::host_name(target).is_ok(),
            // Plain-HTTP requests (the redirect check) work with an http:// URL too.
            Need::Http(_) => target.url.is_some(),
        }
    }

    /// Gathers these network facts concurrently, each at most once.
    pub fn prefetch(&self, needs: &[Need]) {
        let needs: Vec<Need> = needs
            .iter()
            .filter(|n| self.can_gather(n))
            .cloned()
            .collect();
        if needs.is_empty() {
            return;
        }
        let all = async {
            let tls = &self.tls;
            let want = |n: Need| needs.contains(&n);
            let http_needs: Vec<&http::HttpNeed> = needs
                .iter()
                .filter_map(|n| match n {
                    Need::Http(h) => Some(h),
                    _ => None,
                })
                .collect();
            let ports = ports::PortList::from_ports(needs.iter().flat_map(|n| match n {
                Need::Ports(p) => p.clone(),
                _ => Vec::new(),
            }));
            let dns_name = dns::host_name(&self.target).ok().map(|u| u.host.as_str());
            tokio::join!(
                async {
                    if want(Need::TlsHandshake) {
                        tls.handshake(&self.target, &self.net).await;
                    }
                },
                async {
                    if want(Need::TlsLegacyVersions) {
                        tls.legacy(&self.target, &self.net).await;
                    }
                },
                async {
                    if want(Need::TlsWeakCiphers) {
                        tls.weak_ciphers(&self.target, &self.net).await;
                    }
                },
                self.http.gather(&self.target, &self.net, &http_needs),
                async {
                    if want(Need::TlsSuites) {
                        tls.suites(&self.target, &self.net).await;
                    }
                },
                async {
                    if want(Need::TlsRenegotiation) {
                        tls.renegotiation(&self.target, &self.net).await;
                    }
                },
                async {
                    if !ports.is_empty() {
                        let (target, net) = (&self.target, &self.net);
                        self.exposure.scan(target, tls, net, &ports).await;
                    }
                },
                async {
                    match dns_name {
                        Some(name) if want(Need::DnsAddresses) => {
                            self.dns.addresses(&self.target, &self.net, name).await;
                        }
                        _ => {}
                    }
                },
                async {
                    match dns_name {
                        Some(name) if want(Need::DnsCaa) => {
                            self.dns.caa(&self.target, &self.net, name).await;
                        }
                        _ => {}
                    }
                },
            );
        };
        // A deadline here is recorded by each unfinished fact when it is read.
        let _ = self.net.block_on(all);
    }

    // ---- env files -------------------------------------------------------------------

    pub fn env_files(&self) -> &[LoadedEnv] {
        self.env_files
            .get_or_init(|| env::load_all(&self.target.env_files))
    }

    /// The env file with this role, or the primary one for `None`.
    pub fn env(&self, role: Option<&str>) -> Option<&LoadedEnv> {
        let files = self.env_files();
        match role {
            None => files.first(),
            Some(r) => files.iter().find(|f| f.spec.role == r),
        }
    }

    /// The parsed env file a variable check reads, or why there is none: no env file at all
    /// (skip), an unknown role (error: the profile is wrong), a missing file (skip: `env.file`
    /// reports it), an unusable file (error).
    pub fn parsed_env(&self, role: Option<&str>, var: &str) -> Result<&LoadedEnv, Unavailable> {
        let Some(env) = self.env(role) else {
            return Err(match role {
                None => Unavailable::skip(var, "no env file is configured for this target"),
                Some(r) => Unavailable::error(
                    var,
                    format!("the profile declares no env file with role `{r}`"),
                ),
            });
        };
        match &env.state {
            EnvState::Parsed(_) => Ok(env),
            EnvState::Missing => Err(Unavailable::skip(
                env.locate(var),
                format!("env file {} not found", env.spec.path.display()),
            )
            .at(env.location(var))),
            EnvState::Unusable(reason) => Err(Unavailable::error(
                env.locate(var),
                format!("cannot read {var}: {}: {reason}", env.spec.path.display()),
            )
            .at(env.location(var))),
        }
    }

    /// A variable of the primary env file. The auditor's own process environment is not
    /// consulted: it is not the deployment's.
    pub fn interpolation_var(&self, name: &str) -> Option<String> {
        self.env(None).and_then(|e| e.get(name)).map(str::to_string)
    }

    // ---- compose -----------------------------------------------------------------------

    /// The compose project as `docker compose up` in the project directory runs it; its
    /// `${VAR}` come from the project's `.env`, not from the application's env file.
    pub fn compose(&self) -> &compose::model::ComposeState {
        self.compose.get_or_init(|| {
            compose::discover::resolve(
                &self.target.compose_files,
                self.target.compose_explicit,
                &self.target.root,
            )
        })
    }

    /// The compose project `.env`'s secrets, if a check loaded the project (reading them
    /// is no reason to load it).
    pub fn compose_secrets_read(&self) -> impl Iterator<Item = &(String, String)> {
        let project = match self.compose.get() {
            Some(compose::model::ComposeState::Loaded(p)) => Some(p),
            _ => None,
        };
        project.into_iter().flat_map(|p| p.env_secrets.0.iter())
    }

    // ---- files -------------------------------------------------------------------------

    pub fn files(&self) -> &files::FileFacts {
        &self.files
    }

    /// Resolves a profile path under `--root`, filling `${VAR}` (with compose's `:-` and
    /// friends) from the primary env file. A variable used without a default that is unset
    /// is the error, named.
    pub fn resolve_path(&self, pattern: &str) -> Result<PathBuf, FactError> {
        let missing = std::cell::RefCell::new(Vec::new());
        let lookup = |name: &str| {
            let value = self.interpolation_var(name).filter(|v| !v.is_empty());
            if value.is_none() {
                missing.borrow_mut().push(name.to_string());
            }
            value
        };
        let expanded = template::expand(pattern, &lookup, &template::PATH_RULES)
            .map_err(|e| format!("path {pattern:?}: {e}"))?;
        if let Some(name) = missing
            .borrow()
            .iter()
            .find(|n| template::used_without_default(pattern, n))
        {
            return Err(FactError::Unset(name.clone()));
        }
        if expanded.trim().is_empty() {
            return Err(FactError::from(format!(
                "path {pattern:?} is empty once filled in"
            )));
        }
        let path = PathBuf::from(expanded);
        Ok(if path.is_absolute() {
            path
        } else {
            self.target.root.join(path)
        })
    }

    // ---- HTTP ----------------------------------------------------------------------------

    pub fn http(&self) -> http::HttpView<'_> {
        http::HttpView {
            facts: &self.http,
            target: &self.target,
            net: &self.net,
        }
    }

    // ---- TLS -----------------------------------------------------------------------------

    pub fn exposure(&self) -> exposure::ExposureView<'_> {
        exposure::ExposureView {
            facts: &self.exposure,
            tls: &self.tls,
            target: &self.target,
            net: &self.net,
        }
    }

    pub fn dns(&self) -> dns::DnsView<'_> {
        dns::DnsView {
            facts: &self.dns,
            target: &self.target,
            net: &self.net,
        }
    }

    pub fn tls(&self) -> tls::TlsView<'_> {
        tls::TlsView {
            facts: &self.tls,
            target: &self.target,
            net: &self.net,
        }
    }
}

#[cfg(test)]
pub mod testing {
    //! Facts over a target made by a test: real files, no network beyond what it starts.

    use super::*;
    use std::time::Duration;

    /// Fake facts: one env file with these variables, held in memory (nothing on disk).
    pub fn with_env(vars: &[(&str, &str)]) -> Facts {
        let spec = crate::target::EnvFileSpec {
            role: "main".into(),
            path: PathBuf::from("/fake/.env"),
            required: true,
            dialect: Default::default(),
        };
        let mut file = env::EnvFile::default();
        for (line, (key, value)) in vars.iter().enumerate() {
            file.vars.insert(
                key.to_string(),
                env::EnvVar {
                    value: value.to_string(),
                    line: line + 1,
                },
            );
        }
        let target = Target {
            env_files: vec![spec.clone()],
            timeout: Duration::from_secs(1),
            ..Target::default()
        };
        let facts = facts(target);
        let _ = facts.env_files.set(vec![LoadedEnv {
            spec,
            state: EnvState::Parsed(file),
        }]);
        facts
    }

    pub fn facts(target: Target) -> Facts {
        Facts::new(
            target,
            NetLimits {
                max_sockets: 16,
                deadline: Instant::now() + Duration::from_secs(30),
            },
        )
    }
}
