//! Runs a profile's checks against the target and turns observations into findings.
//!
//! Checks run on a small pool of threads so that network probes overlap; the expensive scans
//! behind them live in [`AuditContext`] and run once, whichever check asks first.

use crate::checks::Needs;
use crate::context::AuditContext;
use crate::finding::{Category, Finding, Observation, Status};
use crate::profile::schema::{CheckDef, OnFail, When};
use crate::profile::Profile;
use crate::target::Scheme;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Enough threads for every network probe to be in flight at once; local checks take
/// microseconds, so the pool size only matters for those.
const WORKERS: usize = 16;

#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these categories are reported; all when empty.
    pub only: Vec<Category>,
    /// Check ids reported as `skip` without running.
    pub skip: Vec<String>,
}

pub fn run(profile: &Profile, ctx: &AuditContext, selection: &Selection) -> Vec<Finding> {
    let checks: Vec<&CheckDef> = profile
        .check
        .iter()
        .filter(|c| selection.only.is_empty() || selection.only.contains(&c.category()))
        .collect();
    let results: Vec<Mutex<Vec<Finding>>> = checks.iter().map(|_| Mutex::new(Vec::new())).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..WORKERS.min(checks.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(check) = checks.get(i) else { break };
                let findings = run_one(check, ctx, selection);
                if let Ok(mut slot) = results[i].lock() {
                    *slot = findings;
                }
            });
        }
    });
    results
        .into_iter()
        .flat_map(|m| m.into_inner().unwrap_or_default())
        .collect()
}

fn run_one(check: &CheckDef, ctx: &AuditContext, selection: &Selection) -> Vec<Finding> {
    let observations = if selection.skip.contains(&check.id) {
        vec![Observation::skip(check.kind.name(), "skipped with --skip")]
    } else if let Some(reason) = missing_input(check, ctx) {
        vec![Observation::skip(subject_for_missing(ctx), reason)]
    } else if let Some(reason) = check.when.as_ref().and_then(|w| condition_unmet(w, ctx)) {
        vec![Observation::skip(condition_subject(ctx), reason)]
    } else {
        let found = check.kind.evaluate(ctx);
        if found.is_empty() {
            vec![Observation::skip(check.kind.name(), "nothing to examine")]
        } else {
            found
        }
    };
    observations
        .into_iter()
        .map(|o| to_finding(check, o))
        .collect()
}

/// Conditions read the primary env file (or a named one); its path is the subject.
fn condition_subject(ctx: &AuditContext) -> String {
    ctx.env(None)
        .map(|e| e.spec.path.display().to_string())
        .unwrap_or_else(|| "env".to_string())
}

fn subject_for_missing(ctx: &AuditContext) -> String {
    ctx.target
        .url
        .as_ref()
        .map(|u| u.host_port())
        .unwrap_or_else(|| "live deployment".to_string())
}

fn missing_input(check: &CheckDef, ctx: &AuditContext) -> Option<String> {
    match check.kind.needs() {
        Needs::Local => None,
        Needs::HttpsUrl => match &ctx.target.url {
            None => Some("not examined: give --url https://HOST".into()),
            Some(u) if u.scheme != Scheme::Https => {
                Some("--url is http://; TLS and certificate checks need https://".into())
            }
            Some(_) => None,
        },
    }
}

/// `None` when the condition holds; otherwise why the check does not apply.
fn condition_unmet(when: &When, ctx: &AuditContext) -> Option<String> {
    if !when.all.is_empty() {
        return when.all.iter().find_map(|w| condition_unmet(w, ctx));
    }
    if !when.any.is_empty() {
        let reasons: Vec<String> = when
            .any
            .iter()
            .map(|w| condition_unmet(w, ctx))
            .collect::<Option<Vec<_>>>()?;
        return Some(reasons.join(", and "));
    }
    let var = when.var.as_deref().unwrap_or_default();
    let value = ctx
        .env(when.file.as_deref())
        .and_then(|e| e.get(var))
        .filter(|v| !v.is_empty());
    let same = |want: &str| value.is_some_and(|v| v.eq_ignore_ascii_case(want));
    if let Some(want) = &when.equals {
        if !same(want) {
            return Some(format!("applies only when {var}={want}"));
        }
    }
    if let Some(unwanted) = &when.not_equals {
        if same(unwanted) {
            return Some(format!("does not apply when {var}={unwanted}"));
        }
    }
    if let Some(set) = when.is_set {
        if set != value.is_some() {
            let state = if set { "is set" } else { "is unset" };
            return Some(format!("applies only when {var} {state}"));
        }
    }
    None
}

fn to_finding(check: &CheckDef, o: Observation) -> Finding {
    let status = match (o.status, check.on_fail) {
        (Status::Fail, Some(OnFail::Warn)) => Status::Warn,
        (status, _) => status,
    };
    Finding {
        id: check.id.clone(),
        title: check.title.clone(),
        category: check.category(),
        status,
        severity: o.severity.unwrap_or(check.severity),
        subject: o.subject,
        message: o.message,
        expected: o.expected,
        actual: o.actual,
        remediation: o
            .remediation
            .map(String::from)
            .unwrap_or_else(|| check.remediation.trim().to_string()),
    }
}
