//! The report: one serializable model, rendered as a text checklist or JSON.

pub mod json;
pub mod text;

use crate::finding::{Finding, Status};
use crate::target::Target;
use serde::Serialize;

/// Bumped whenever a field is removed or changes meaning; additions keep the version.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub profile: String,
    pub target: TargetInfo,
    pub started_at: String,
    pub duration_ms: u64,
    pub summary: Summary,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetInfo {
    pub url: Option<String>,
    pub root: String,
    pub env_files: Vec<String>,
    pub compose_files: Vec<String>,
    pub resolve: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub skip: usize,
    pub error: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            *s.slot(f.status) += 1;
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
}

/// Which statuses block a deploy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    #[default]
    Fail,
    Warn,
}

impl FailOn {
    pub fn gates(self, status: Status) -> bool {
        match status {
            Status::Fail | Status::Error => true,
            Status::Warn => self == FailOn::Warn,
            Status::Pass | Status::Skip => false,
        }
    }
}

impl Report {
    pub fn new(
        profile: &str,
        target: &Target,
        started_at: String,
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
            started_at,
            duration_ms,
            summary: Summary::of(&findings),
            findings,
        }
    }

    pub fn gated(&self, fail_on: FailOn) -> usize {
        self.findings
            .iter()
            .filter(|f| fail_on.gates(f.status))
            .count()
    }
}
