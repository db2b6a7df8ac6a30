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
    match contained(|| check.kind.judge(facts))? {
        Ok(observations) => Ok(observations),
        Err(unavailable) => Ok(vec![unavailable.into_observation()]),
    }
}

/// Runs `work`, turning a panic into its message.
fn contained<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    JUDGING.with(|j| j.set(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(work));
    JUDGING.with(|j| j.set(false));
    outcome.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string())
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::CheckKind;
    use crate::facts::testing;
    use crate::profile::schema::{CheckHeader, CheckOrigin};

    fn check(id: &str, kind: &str, when: Option<When>, on_fail: Option<OnFail>) -> CheckDef {
        let header = CheckHeader {
            id: id.into(),
            title: "t".into(),
            severity: crate::finding::Severity::High,
            category: None,
            remediation: "fix it".into(),
            rationale: String::new(),
            when,
            on_fail,
        };
        CheckDef::new(
            header,
            CheckKind::from_toml(kind).unwrap(),
            CheckOrigin::default(),
        )
    }

    fn profile(checks: Vec<CheckDef>) -> Profile {
        Profile {
            name: "t".into(),
            title: "t".into(),
            description: String::new(),
            lineage: vec!["t".into()],
            env_file: Vec::new(),
            compose_file: Vec::new(),
            check: checks,
            waiver: Vec::new(),
        }
    }

    fn var(var: &str) -> When {
        When {
            var: Some(var.into()),
            ..When::default()
        }
    }

    const SECRET: &str = "kind = \"env.secret\"\nvar = \"TOKEN\"\nmin_length = 8";

    fn statuses(findings: &[Finding]) -> Vec<(String, Status)> {
        findings.iter().map(|f| (f.id.clone(), f.status)).collect()
    }

    #[test]
    fn when_conditions_gate_checks_on_fake_env_facts() {
        let facts = testing::with_env(&[("KODA_ENV", "production"), ("TOKEN", "short")]);
        let equals = When {
            equals: Some("PRODUCTION".into()),
            ..var("KODA_ENV")
        };
        let not_equals = When {
            not_equals: Some("production".into()),
            ..var("KODA_ENV")
        };
        let unset = When {
            is_set: Some(false),
            ..var("MISSING")
        };
        let all_hold = When {
            all: vec![equals.clone(), unset.clone()],
            ..When::default()
        };
        let all_fail = When {
            all: vec![equals.clone(), not_equals.clone()],
            ..When::default()
        };
        let any_none = When {
            any: vec![
                not_equals.clone(),
                When {
                    is_set: Some(true),
                    ..var("MISSING")
                },
            ],
            ..When::default()
        };
        for w in [
            &equals,
            &not_equals,
            &unset,
            &all_hold,
            &all_fail,
            &any_none,
        ] {
            w.validate().unwrap();
        }
        let p = profile(vec![
            check("t.equals", SECRET, Some(equals), None),
            check("t.not-equals", SECRET, Some(not_equals), None),
            check("t.unset", SECRET, Some(unset), None),
            check("t.all-hold", SECRET, Some(all_hold), None),
            check("t.all-fail", SECRET, Some(all_fail), None),
            check("t.any-none", SECRET, Some(any_none), None),
        ]);
        let found = run(&p, &facts, &Selection::default());
        assert_eq!(
            statuses(&found),
            vec![
                ("t.equals".into(), Status::Fail),
                ("t.not-equals".into(), Status::Skip),
                ("t.unset".into(), Status::Fail),
                ("t.all-hold".into(), Status::Fail),
                ("t.all-fail".into(), Status::Skip),
                ("t.any-none".into(), Status::Skip),
            ]
        );
        assert!(found[1]
            .message
            .contains("does not apply when KODA_ENV=production"));
        assert!(found[5].message.contains(", and "), "{}", found[5].message);
    }

    #[test]
    fn when_validation_refuses_ambiguous_conditions() {
        assert!(var("A").validate().is_err(), "a var needs one test");
        let two = When {
            equals: Some("x".into()),
            is_set: Some(true),
            ..var("A")
        };
        assert!(two.validate().is_err());
        let mixed = When {
            equals: Some("x".into()),
            all: vec![When {
                equals: Some("y".into()),
                ..var("B")
            }],
            ..var("A")
        };
        assert!(mixed.validate().is_err());
        let nested_bad = When {
            any: vec![var("B")],
            ..When::default()
        };
        assert!(nested_bad.validate().is_err());
    }

    #[test]
    fn on_fail_warn_softens_failures_only() {
        let facts = testing::with_env(&[("TOKEN", "short")]);
        let p = profile(vec![
            check("t.hard", SECRET, None, None),
            check("t.soft", SECRET, None, Some(OnFail::Warn)),
        ]);
        let found = run(&p, &facts, &Selection::default());
        assert_eq!(
            statuses(&found),
            vec![
                ("t.hard".into(), Status::Fail),
                ("t.soft".into(), Status::Warn)
            ]
        );
        let strong = testing::with_env(&[("TOKEN", "9f2c4e7a1b3d5f60")]);
        let found = run(&p, &strong, &Selection::default());
        assert_eq!(found[1].status, Status::Pass);
    }

    #[test]
    fn unavailable_facts_become_skip_or_error_the_same_way_for_every_kind() {
        let no_url = testing::with_env(&[]);
        let p = profile(vec![
            check("t.tls", "kind = \"tls.legacy-versions\"", None, None),
            check("t.cert", "kind = \"cert.trust\"", None, None),
            check("t.compose", "kind = \"compose.files\"", None, None),
        ]);
        let found = run(&p, &no_url, &Selection::default());
        for f in &found {
            assert_eq!(f.status, Status::Skip, "{f:?}");
        }
        assert!(found[0].message.contains("--url https://"));
        assert!(
            !no_url.network_started(),
            "a local-only audit must not start the network runtime"
        );
    }

    #[test]
    fn skip_and_only_select_checks() {
        let facts = testing::with_env(&[("TOKEN", "short")]);
        let p = profile(vec![
            check("t.a", SECRET, None, None),
            check("t.b", "kind = \"tls.legacy-versions\"", None, None),
        ]);
        let selection = Selection {
            only: vec![Category::Secrets],
            skip: vec!["t.a".into()],
        };
        let found = run(&p, &facts, &selection);
        assert_eq!(statuses(&found), vec![("t.a".into(), Status::Skip)]);
        assert_eq!(found[0].message, "skipped with --skip");
    }

    #[test]
    fn a_panic_is_contained_and_reported() {
        let out: Result<(), String> = contained(|| panic!("judge bug"));
        assert_eq!(out, Err("judge bug".to_string()));
        assert!(!panic_is_contained(), "the flag is cleared after the judge");
        assert_eq!(contained(|| 7), Ok(7));
    }
}
