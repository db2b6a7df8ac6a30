//! One audit from a resolved plan to a report entry: gather facts and judge (the engine), then
//! what the run adds on top (certificates examined, waivers, the baseline comparison).

use crate::baseline::Baseline;
use crate::engine::{self, Selection};
use crate::facts::{Facts, NetLimits};
use crate::finding::Status;
use crate::profile::Profile;
use crate::redact::Redactor;
use crate::report::{certificates, rules, Entry, Report, ReportFinding};
use crate::target::Target;
use crate::waiver::{self, Waiver};
use std::time::Instant;

/// What to audit, fully resolved from arguments (or a fleet target).
pub struct Plan {
    /// The target's name in a fleet; none for a single audit.
    pub name: Option<String>,
    pub profile: Profile,
    pub target: Target,
    pub selection: Selection,
}

/// What applies to every audit of the run.
#[derive(Default)]
pub struct Extras<'a> {
    /// `--waivers`; the profile's own waivers are added to these.
    pub waivers: &'a [Waiver],
    pub baseline: Option<&'a Baseline>,
}

/// A file finding whose kind did not say where it looked (e.g. a file mode) points at its
/// subject when that is a file, so SARIF and the other formats can show the file.
fn locate_file_subject(mut f: crate::finding::Finding) -> crate::finding::Finding {
    if f.location.is_empty() && std::path::Path::new(&f.subject).is_file() {
        f.location = crate::finding::Location::file(std::path::Path::new(&f.subject), None);
    }
    f
}

pub fn run(plan: Plan, extras: &Extras<'_>, limits: NetLimits) -> Entry {
    let clock = Instant::now();
    let started = time::OffsetDateTime::now_utc();
    let facts = Facts::new(plan.target, limits);
    // From here on every finding and every rendered byte go through the redaction layer.
    let redactor = Redactor::for_audit(&plan.profile, &facts);
    let mut findings = engine::run(&plan.profile, &facts, &plan.selection);
    let redactor = redactor.with_secrets(facts.compose_secrets_read().map(|(_, v)| v.clone()));
    for finding in &mut findings {
        redactor.redact_finding(finding);
    }
    // Whole rendered reports are masked again, sparing the profile's own texts.
    let public: Vec<&str> = plan
        .profile
        .check
        .iter()
        .flat_map(|c| [c.id.as_str(), c.title.as_str(), c.remediation.as_str()])
        .chain([plan.profile.name.as_str()])
        .collect();
    let output_redactor = redactor.sparing(&public);
    let ran: Vec<String> = findings
        .iter()
        .filter(|f| f.status != Status::Skip)
        .map(|f| f.id.clone())
        .collect();
    let examined = certificates::examined(&plan.profile, &facts, &ran);
    let findings = findings.into_iter().map(locate_file_subject).collect();
    let duration_ms = u64::try_from(clock.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut report = Report::new(
        &plan.profile.name,
        facts.target(),
        started,
        duration_ms,
        findings,
    );
    report.certificates = examined;
    let waivers: Vec<Waiver> = plan
        .profile
        .waiver
        .iter()
        .chain(extras.waivers)
        .cloned()
        .collect();
    let check_ids: Vec<&str> = plan.profile.check.iter().map(|c| c.id.as_str()).collect();
    let warnings = waiver::apply(&mut report.findings, &waivers, started.date(), &check_ids);
    let mut rules = rules::of_profile(&plan.profile);
    rules.extend(waiver::rules_for(&warnings));
    report
        .findings
        .extend(warnings.into_iter().map(ReportFinding::new));
    if let Some(baseline) = extras.baseline {
        baseline.compare(&mut report, plan.name.as_deref());
    }
    report.refresh_summary();
    Entry {
        name: plan.name,
        rules,
        report,
        redactor: output_redactor,
    }
}
