//! The TOML shapes of profiles (`profiles/*.toml`) and check sets (`checks/*.toml`).

use crate::checks::CheckKind;
use crate::finding::{Category, Severity};
use serde::{Deserialize, Serialize};
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    pub name: Spanned<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub extends: Option<Spanned<String>>,
    /// Check sets: built-in names (`tls`) or `.toml` paths relative to this file.
    #[serde(default)]
    pub include: Vec<Spanned<String>>,
    /// Inherited check ids to drop.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// When given, replaces the inherited list.
    pub env_file: Option<Vec<EnvFileDecl>>,
    pub compose_file: Option<Vec<ComposeFileDecl>>,
    #[serde(default)]
    pub check: Vec<Spanned<CheckDef>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSetFile {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub check: Vec<Spanned<CheckDef>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvFileDecl {
    /// How env checks address this file (`file = "agent"`); the first one is the primary.
    pub role: String,
    pub path: String,
    #[serde(default = "yes")]
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComposeFileDecl {
    pub path: String,
    #[serde(default)]
    pub required: bool,
}

fn yes() -> bool {
    true
}

fn medium() -> Severity {
    Severity::Medium
}

/// A `when` condition on an env variable: the check only applies when it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    pub var: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_equals: Option<String>,
    /// `true`: the variable is set and non-empty; `false`: unset or empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_set: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckDef {
    pub id: String,
    pub title: String,
    #[serde(default = "medium")]
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    pub remediation: String,
    /// Why the check matters; shown by `rampart explain`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rationale: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
    #[serde(flatten)]
    pub kind: CheckKind,
}

impl CheckDef {
    pub fn category(&self) -> Category {
        self.category
            .unwrap_or_else(|| self.kind.default_category())
    }
}
