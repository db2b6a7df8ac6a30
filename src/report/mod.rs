//! The report: one serializable model, rendered as a text checklist, JSON, SARIF, JUnit XML,
//! Markdown or Prometheus metrics. Every format reads the same model, so a finding's status,
//! waiver and baseline mark are the same everywhere, and so is the exit code.

pub mod annotations;
pub mod certificates;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod output;
pub mod prometheus;
pub mod rules;
pub mod sarif;
pub mod schema;
pub mod text;

use crate::finding::{Finding, Status};
use crate::target::Target;
use schemars::JsonSchema;
use serde::Serialize;

/// Bumped whenever a field is removed or changes meaning; additions keep the version.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub profile: String,
    pub target: TargetInfo,
    /// RFC 3339, UTC.
    pub started_at: String,
    /// `started_at` as Unix seconds, for metrics.
    #[serde(skip)]
    pub started_unix: i64,
    pub duration_ms: u64,
    pub summary: Summary,
    pub findings: Vec<ReportFinding>,
    /// Certificates the audit examined (the endpoint's leaf), for dashboards and metrics.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<certificates::CertificateInfo>,
    /// The comparison with `--baseline`, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::report::annotations::BaselineSummary>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TargetInfo {
    pub url: Option<String>,
    pub root: String,
    pub env_files: Vec<String>,
    pub compose_files: Vec<String>,
    pub resolve: Vec<String>,
}

/// A finding as reported: what the check concluded, plus what the run made of it (a waiver,
/// a baseline comparison). The finding's own fields stay at the top level of the JSON object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ReportFinding {
    #[serde(flatten)]
    pub finding: Finding,
    /// The waiver that matched this finding; `expired` ones no longer waive it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<crate::report::annotations::WaiverNote>,
    /// `new`, `unchanged` or `resolved` against `--baseline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<crate::report::annotations::Change>,
}

impl ReportFinding {
    pub fn new(finding: Finding) -> Self {
        ReportFinding {
            finding,
            waiver: None,
            change: None,
        }
    }

    /// A finding with this id, subject and status and nothing else, for unit tests.
    #[cfg(test)]
    pub fn sample(id: &str, subject: &str, status: Status) -> Self {
        ReportFinding::new(Finding {
            id: id.into(),
            title: id.into(),
            category: crate::finding::Category::Secrets,
            status,
            severity: crate::finding::Severity::High,
            subject: subject.into(),
            location: crate::finding::Location::default(),
            message: String::new(),
            expected: String::new(),
            actual: String::new(),
            remediation: String::new(),
        })
    }

    /// Waived by a waiver that has not expired: shown, but never gating.
    pub fn is_waived(&self) -> bool {
        self.waiver.as_ref().is_some_and(|w| !w.expired)
    }
}

impl std::ops::Deref for ReportFinding {
    type Target = Finding;
    fn deref(&self) -> &Finding {
        &self.finding
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub skip: usize,
    pub error: usize,
    /// Findings (counted above under their status) that a waiver keeps from gating.
    pub waived: usize,
}

impl Summary {
    pub fn of(findings: &[ReportFinding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            *s.slot(f.status) += 1;
            if f.is_waived() {
                s.waived += 1;
            }
        }
        s
    }

    fn slot(&mut self, status: Status) -> &mut usize {
        match status {
            Status::Pass => &mut self.pass,
            Status::Fail => &mut self.fail,
            Status::Warn => &mut self.warn,
            Status::Skip => &mut self.skip,
            Status::Error => &mut self.error,
        }
    }

    pub fn count(&self, status: Status) -> usize {
        let mut copy = *self;
        *copy.slot(status)
    }

    pub fn add(&mut self, other: &Summary) {
        self.pass += other.pass;
        self.fail += other.fail;
        self.warn += other.warn;
        self.skip += other.skip;
        self.error += other.error;
        self.waived += other.waived;
    }
}

/// Which findings block a deploy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// `fail` and `error`.
    #[default]
    Fail,
    /// `warn` too.
    Warn,
    /// `fail` and `error` findings that `--baseline` did not have: regressions only.
    New,
}

impl FailOn {
    /// Whether this status gates, before waivers and baselines (`New` gates like `Fail`).
    pub fn gates_status(self, status: Status) -> bool {
        match status {
            Status::Fail | Status::Error => true,
            Status::Warn => self == FailOn::Warn,
            Status::Pass | Status::Skip => false,
        }
    }

    pub fn gates(self, f: &ReportFinding) -> bool {
        if f.is_waived() || !self.gates_status(f.status) {
            return false;
        }
        match self {
            FailOn::New => f.change != Some(crate::report::annotations::Change::Unchanged),
            FailOn::Fail | FailOn::Warn => true,
        }
    }
}

impl Report {
    pub fn new(
        profile: &str,
        target: &Target,
        started: time::OffsetDateTime,
        duration_ms: u64,
        findings: Vec<Finding>,
    ) -> Report {
        let url = target.url.as_ref().map(|u| {
            let scheme = match u.scheme {
                crate::target::Scheme::Https => "https",
                crate::target::Scheme::Http => "http",
            };
            format!("{scheme}://{}{}", u.host_port(), u.path)
        });
        let findings: Vec<ReportFinding> = findings.into_iter().map(ReportFinding::new).collect();
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "rampart",
                version: env!("CARGO_PKG_VERSION"),
            },
            profile: profile.to_string(),
            target: TargetInfo {
                url,
                root: target.root.display().to_string(),
                env_files: target
                    .env_files
                    .iter()
                    .map(|e| e.path.display().to_string())
                    .collect(),
                compose_files: target
                    .compose_files
                    .iter()
                    .map(|c| c.path.display().to_string())
                    .collect(),
                resolve: target
                    .resolve
                    .iter()
                    .map(|r| format!("{}:{}:{}", r.host, r.port, r.addr))
                    .collect(),
            },
            started_at: started
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            started_unix: started.unix_timestamp(),
            duration_ms,
            summary: Summary::of(&findings),
            findings,
            certificates: Vec::new(),
            baseline: None,
        }
    }

    /// Recounts the summary after waivers or a baseline changed findings.
    pub fn refresh_summary(&mut self) {
        self.summary = Summary::of(&self.findings);
    }

    pub fn gated(&self, fail_on: FailOn) -> usize {
        self.findings.iter().filter(|f| fail_on.gates(f)).count()
    }
}

/// One audited deployment: its report, the name it has in a fleet, and the checks that ran
/// (SARIF rules read their descriptions and where the profile declares them).
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: Option<String>,
    pub report: Report,
    pub rules: Vec<rules::Rule>,
    /// Masks this audit's secrets in rendered output (sparing the profile's own texts).
    pub redactor: crate::redact::Redactor,
}

/// `text` with every entry's secrets masked: the second lock behind shape-only findings.
pub fn redact(entries: &[Entry], text: &str) -> String {
    entries
        .iter()
        .fold(text.to_string(), |out, e| e.redactor.redact(&out))
}

/// A fleet audit as JSON: one report per target.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FleetReport {
    pub schema_version: u32,
    pub tool: Tool,
    /// Always `"fleet"`, to tell this object from a single report.
    pub kind: &'static str,
    pub summary: FleetSummary,
    pub targets: Vec<FleetTarget>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FleetSummary {
    pub targets: usize,
    /// Targets with at least one gating finding.
    pub gated_targets: usize,
    pub findings: Summary,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FleetTarget {
    pub name: String,
    /// Findings of this target that block its deploy.
    pub gated: usize,
    pub report: Report,
}

impl FleetReport {
    pub fn of(entries: &[Entry], fail_on: FailOn) -> FleetReport {
        let mut findings = Summary::default();
        for e in entries {
            findings.add(&e.report.summary);
        }
        let targets: Vec<FleetTarget> = entries
            .iter()
            .map(|e| FleetTarget {
                name: e.name.clone().unwrap_or_else(|| e.report.profile.clone()),
                gated: e.report.gated(fail_on),
                report: e.report.clone(),
            })
            .collect();
        FleetReport {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "rampart",
                version: env!("CARGO_PKG_VERSION"),
            },
            kind: "fleet",
            summary: FleetSummary {
                targets: targets.len(),
                gated_targets: targets.iter().filter(|t| t.gated > 0).count(),
                findings,
            },
            targets,
        }
    }
}

/// Whether these entries are a fleet (several named targets) rather than one audit.
pub fn is_fleet(entries: &[Entry]) -> bool {
    entries.len() != 1 || entries.iter().any(|e| e.name.is_some())
}

/// Findings that block the deploy, over every entry.
pub fn gated(entries: &[Entry], fail_on: FailOn) -> usize {
    entries.iter().map(|e| e.report.gated(fail_on)).sum()
}
