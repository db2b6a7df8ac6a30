//! The vocabulary every check and report shares: statuses, severities, categories and findings.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

/// One line of the report: what a check concluded about one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub title: String,
    pub category: Category,
    pub status: Status,
    pub severity: Severity,
    pub subject: String,
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
}
