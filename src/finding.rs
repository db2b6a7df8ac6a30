//! The vocabulary every check and report shares: statuses, severities, categories and findings.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    Skip,
    Error,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pass,
        Status::Fail,
        Status::Warn,
        Status::Skip,
        Status::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Skip => "skip",
            Status::Error => "error",
        }
    }

    /// Ranks how bad a status is, so several observations can be folded into the worst.
    pub fn badness(self) -> u8 {
        match self {
            Status::Skip => 0,
            Status::Pass => 1,
            Status::Warn => 2,
            Status::Fail => 3,
            Status::Error => 4,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status a rule reports when it is not met, where a profile may choose: `fail` (gates the
/// deploy) or `warn` (advisory). Typed so `pass` or `skip` cannot be configured by mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailStatus {
    #[default]
    Fail,
    Warn,
}

impl FailStatus {
    pub fn status(self) -> Status {
        match self {
            FailStatus::Fail => Status::Fail,
            FailStatus::Warn => Status::Warn,
        }
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Tls,
    Certificate,
    Http,
    Exposure,
    Secrets,
    Files,
    Dns,
    Config,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Tls,
        Category::Certificate,
        Category::Http,
        Category::Exposure,
        Category::Secrets,
        Category::Files,
        Category::Dns,
        Category::Config,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Tls => "tls",
            Category::Certificate => "certificate",
            Category::Http => "http",
            Category::Exposure => "exposure",
            Category::Secrets => "secrets",
            Category::Files => "files",
            Category::Dns => "dns",
            Category::Config => "config",
        }
    }

    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding points, as data: a file and line (env and compose findings), a network
/// endpoint and URL path (TLS, certificate, HTTP), a compose service and port. Reports render
/// it; SARIF and fleet reports read it without parsing `subject` back.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The URL path, for HTTP findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The compose service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
}

impl Location {
    pub fn file(path: &std::path::Path, line: Option<usize>) -> Self {
        Location {
            file: Some(path.display().to_string()),
            line,
            ..Location::default()
        }
    }

    pub fn endpoint(host: &str, port: u16) -> Self {
        Location {
            host: Some(host.to_string()),
            port: Some(port),
            ..Location::default()
        }
    }

    pub fn service(file: Option<&std::path::Path>, service: &str, port: Option<u16>) -> Self {
        Location {
            file: file.map(|f| f.display().to_string()),
            service: Some(service.to_string()),
            port,
            ..Location::default()
        }
    }

    pub fn with_path(mut self, path: &str) -> Self {
        self.path = Some(path.to_string());
        self
    }

    pub fn is_empty(&self) -> bool {
        *self == Location::default()
    }

    /// `file:line`, `host:port/path` or `service` for one-line display.
    pub fn display(&self) -> Option<String> {
        if let Some(file) = &self.file {
            let mut s = file.clone();
            if let Some(line) = self.line {
                s.push_str(&format!(":{line}"));
                if let Some(col) = self.column {
                    s.push_str(&format!(":{col}"));
                }
            }
            if let Some(service) = &self.service {
                s.push_str(&format!(" (service {service})"));
            }
            return Some(s);
        }
        if let Some(host) = &self.host {
            let host = if host.contains(':') {
                format!("[{host}]")
            } else {
                host.clone()
            };
            let port = self.port.map(|p| format!(":{p}")).unwrap_or_default();
            return Some(format!(
                "{host}{port}{}",
                self.path.as_deref().unwrap_or("")
            ));
        }
        self.service.as_ref().map(|s| format!("service {s}"))
    }
}

/// One line of the report: what a check concluded about one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    pub id: String,
    pub title: String,
    pub category: Category,
    pub status: Status,
    pub severity: Severity,
    pub subject: String,
    /// Where the subject is, as data. Always present in JSON (empty when unknown).
    #[serde(default)]
    pub location: Location,
    pub message: String,
    pub expected: String,
    pub actual: String,
    pub remediation: String,
}

/// What a check kind says about one subject. The engine turns it into a [`Finding`] by adding
/// the check's identity (id, title, category, severity, remediation) from the profile.
///
/// `actual` must never contain a secret's value: describe its shape instead
/// (see `checks::env::shape`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub status: Status,
    pub subject: String,
    pub message: String,
    pub expected: String,
    pub actual: String,
    /// Overrides the check's severity for this observation (e.g. `info` for an allowed port).
    pub severity: Option<Severity>,
    /// Overrides the check's remediation when it does not fit this observation (e.g. an
    /// error saying the subject could not be examined at all).
    pub remediation: Option<Box<str>>,
    pub location: Option<Box<Location>>,
}

impl Observation {
    pub fn new(status: Status, subject: impl Into<String>, message: impl Into<String>) -> Self {
        Observation {
            status,
            subject: subject.into(),
            message: message.into(),
            expected: String::new(),
            actual: String::new(),
            severity: None,
            remediation: None,
            location: None,
        }
    }

    pub fn pass(subject: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Status::Pass, subject, message)
    }

    pub fn fail(subject: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Status::Fail, subject, message)
    }

    pub fn warn(subject: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Status::Warn, subject, message)
    }

    pub fn skip(subject: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::new(Status::Skip, subject, reason)
    }

    pub fn error(subject: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Status::Error, subject, message)
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = expected.into();
        self
    }

    pub fn actual(mut self, actual: impl Into<String>) -> Self {
        self.actual = actual.into();
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    pub fn remediation(mut self, remediation: impl Into<String>) -> Self {
        self.remediation = Some(remediation.into().into_boxed_str());
        self
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    /// [`Observation::at`] unless the observation already says where it looked.
    pub fn or_at(self, location: impl FnOnce() -> Location) -> Self {
        if self.location.is_some() {
            self
        } else {
            self.at(location())
        }
    }
}
