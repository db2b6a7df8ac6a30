//! Fleet audits (`--targets FILE`): many deployments in one run, one exit code for all.
//!
//! Targets run concurrently on a few worker threads, each audit with its own facts and
//! runtime. The global socket limit (`--max-sockets`) is split between the workers, so the
//! whole fleet never holds more sockets than it allows; the audit deadline is shared.

use crate::audit::{self, Extras, Plan};
use crate::cli::AuditArgs;
use crate::facts::NetLimits;
use crate::progress::Progress;
use crate::report::Entry;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Largest targets file read.
const MAX_TARGETS_FILE_BYTES: usize = 4 * 1024 * 1024;
/// Targets one run accepts.
const MAX_TARGETS: usize = 10_000;
/// Audits running at once, at most.
const MAX_WORKERS: usize = 32;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsFile {
    #[serde(default)]
    target: Vec<TargetDecl>,
}

/// A `[[target]]`: the same settings as the command-line flags of `audit`, which give the
/// defaults for anything a target leaves out. Paths are relative to the current directory.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetDecl {
    pub name: String,
    pub profile: Option<String>,
    pub profile_file: Option<PathBuf>,
    pub url: Option<String>,
    pub root: Option<PathBuf>,
    #[serde(default)]
    pub resolve: Vec<String>,
    #[serde(default)]
    pub env_file: Vec<String>,
    #[serde(default)]
    pub compose_file: Vec<PathBuf>,
    pub ca_file: Option<PathBuf>,
    pub host: Option<String>,
    pub ports: Option<String>,
    pub host_root: Option<PathBuf>,
    pub dns_server: Option<String>,
}

pub fn read(path: &Path) -> Result<Vec<TargetDecl>, String> {
    let label = path.display().to_string();
    let text = crate::read::read_text(path, MAX_TARGETS_FILE_BYTES)
        .map_err(|e| format!("--targets {label}: {e}"))?;
    let file: TargetsFile = toml::from_str(&text).map_err(|e| {
        crate::profile::error::toml_error_line(&format!("--targets {label}"), &text, &e)
    })?;
    if file.target.is_empty() {
        return Err(format!("--targets {label}: no [[target]] tables"));
    }
    if file.target.len() > MAX_TARGETS {
        return Err(format!(
            "--targets {label}: more than {MAX_TARGETS} targets"
        ));
    }
    let mut names = std::collections::HashSet::new();
    for t in &file.target {
        if t.name.trim().is_empty() {
            return Err(format!("--targets {label}: a target has an empty name"));
        }
        if !names.insert(t.name.as_str()) {
            return Err(format!(
                "--targets {label}: target name {:?} appears twice",
                t.name
            ));
        }
    }
    Ok(file.target)
}

/// The command line as this target would have written it.
pub fn args_for(base: &AuditArgs, t: &TargetDecl) -> AuditArgs {
    let mut args = base.clone();
    if t.profile.is_some() || t.profile_file.is_some() {
        args.profile = t.profile.clone();
        args.profile_file = t.profile_file.clone();
    }
    if let Some(url) = &t.url {
        args.url = Some(url.clone());
    }
    if let Some(root) = &t.root {
        args.root = root.clone();
    }
    if !t.resolve.is_empty() {
        args.resolve = t.resolve.clone();
    }
    if !t.env_file.is_empty() {
        args.env_file = t.env_file.clone();
    }
    if !t.compose_file.is_empty() {
        args.compose_file = t.compose_file.clone();
    }
    if t.ca_file.is_some() {
        args.ca_file = t.ca_file.clone();
    }
    if t.host.is_some() {
        args.host = t.host.clone();
    }
    if t.ports.is_some() {
        args.ports = t.ports.clone();
    }
    if let Some(dir) = &t.host_root {
        args.host_root = dir.clone();
    }
    if t.dns_server.is_some() {
        args.dns_server = t.dns_server.clone();
    }
    args.targets = None;
    args
}

/// Audits every plan, in the order given.
pub fn run(
    plans: Vec<Plan>,
    extras: &Extras<'_>,
    max_sockets: usize,
    deadline: Instant,
    progress: &Progress,
) -> Vec<Entry> {
    let count = plans.len();
    let workers = count.clamp(1, MAX_WORKERS).min(max_sockets.max(1));
    let limits = NetLimits {
        max_sockets: (max_sockets / workers).max(1),
        deadline,
    };
    let queue: Vec<Mutex<Option<Plan>>> = plans.into_iter().map(|p| Mutex::new(Some(p))).collect();
    let results: Vec<Mutex<Option<Entry>>> = (0..count).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(slot) = queue.get(i) else { break };
                let plan = slot.lock().ok().and_then(|mut p| p.take());
                if let Some(plan) = plan {
                    let entry = audit::run(plan, extras, limits);
                    if let Ok(mut r) = results[i].lock() {
                        *r = Some(entry);
                    }
                }
                progress.inc();
            });
        }
    });
    results
        .into_iter()
        .filter_map(|r| r.into_inner().ok().flatten())
        .collect()
}
