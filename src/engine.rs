//! Runs a profile's checks over the facts and turns what each judge says into findings.
//!
//! First every network fact the selected checks need is gathered at once (they overlap on the
//! facts layer's runtime); then each judge runs. What a judge could not have becomes a `skip`
//! or `error` finding with the reason, the same way for every kind, and a judge that panics
//! becomes an `error` finding for its check instead of ending the audit.

use crate::facts::{Facts, Need};
use crate::finding::{Category, Finding, Location, Observation, Status};
use crate::profile::schema::{CheckDef, OnFail, When};
use crate::profile::Profile;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};

#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these categories are reported; all when empty.
    pub only: Vec<Category>,
    /// Check ids reported as `skip` without running.
    pub skip: Vec<String>,
}

thread_local! {
    static JUDGING: Cell<bool> = const { Cell::new(false) };
}

/// Whether a panic happening now is inside a judge, where the engine reports it as a finding
/// (so the process-wide panic hook should stay quiet).
pub fn panic_is_contained() -> bool {
    JUDGING.with(Cell::get)
}

pub fn run(profile: &Profile, facts: &Facts, selection: &Selection) -> Vec<Finding> {
    let checks: Vec<&CheckDef> = profile
        .check
        .iter()
        .filter(|c| selection.only.is_empty() || selection.only.contains(&c.category()))
        .collect();
    let mut needs: Vec<Need> = checks
        .iter()
        .filter(|c| !selection.skip.contains(&c.id))
        .filter(|c| {
            c.when
                .as_ref()
                .is_none_or(|w| condition_unmet(w, facts).is_none())
        })
        .flat_map(|c| c.kind.needs())
        .collect();
    needs.sort();
    needs.dedup();
    facts.prefetch(&needs);
    checks
        .into_iter()
        .flat_map(|check| run_one(check, facts, selection))
        .collect()
}

fn run_one(check: &CheckDef, facts: &Facts, selection: &Selection) -> Vec<Finding> {
    let observations = if selection.skip.contains(&check.id) {
        vec![Observation::skip(check.kind.tag(), "skipped with --skip")]
    } else if let Some(reason) = check.when.as_ref().and_then(|w| condition_unmet(w, facts)) {
        vec![Observation::skip(condition_subject(facts), reason)]
    } else {
        match judge_contained(check, facts) {
            Ok(found) if found.is_empty() => {
                vec![Observation::skip(check.kind.tag(), "nothing to examine")]
            }
            Ok(found) => found,
            Err(panic_message) => vec![Observation::error(
                check.kind.tag(),
                format!("internal error in this check: {panic_message} (please report this)"),
            )],
        }
    };
    let default_location = default_location(check, facts);
    observations
        .into_iter()
        .map(|o| to_finding(check, o, &default_location))
        .collect()
}

/// The judge's observations (an unavailable fact as one observation), or the panic message.
fn judge_contained(check: &CheckDef, facts: &Facts) -> Result<Vec<Observation>, String> {
    JUDGING.with(|j| j.set(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| check.kind.judge(facts)));
    JUDGING.with(|j| j.set(false));
    match outcome {
        Ok(Ok(observations)) => Ok(observations),
        Ok(Err(unavailable)) => Ok(vec![unavailable.into_observation()]),
        Err(payload) => Err(payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string())),
    }
}

/// Network checks that did not say where they looked point at the audited endpoint.
fn default_location(check: &CheckDef, facts: &Facts) -> Location {
    match &facts.target().url {
        Some(u) if !check.kind.needs().is_empty() => Location::endpoint(&u.host, u.port),
        _ => Location::default(),
    }
}

/// Conditions read the primary env file (or a named one); its path is the subject.
fn condition_subject(facts: &Facts) -> String {
    facts
        .env(None)
        .map(|e| e.spec.path.display().to_string())
        .unwrap_or_else(|| "env".to_string())
}

/// `None` when the condition holds; otherwise why the check does not apply.
fn condition_unmet(when: &When, facts: &Facts) -> Option<String> {
    if !when.all.is_empty() {
        return when.all.iter().find_map(|w| condition_unmet(w, facts));
    }
    if !when.any.is_empty() {
        let reasons: Vec<String> = when
            .any
            .iter()
            .map(|w| condition_unmet(w, facts))
            .collect::<Option<Vec<_>>>()?;
        return Some(reasons.join(", and "));
    }
    let var = when.var.as_deref().unwrap_or_default();
    let value = facts
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

fn to_finding(check: &CheckDef, o: Observation, default_location: &Location) -> Finding {
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
        location: o.location.map_or_else(|| default_location.clone(), |l| *l),
        message: o.message,
        expected: o.expected,
        actual: o.actual,
        remediation: o
            .remediation
            .map(String::from)
            .unwrap_or_else(|| check.remediation.trim().to_string()),
    }
}
