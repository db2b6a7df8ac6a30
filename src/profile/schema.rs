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

/// A `when` condition on env variables: the check only applies when it holds. Either one
/// variable test (`var` with `equals` / `not_equals` / `is_set`) or a combination (`any`, `all`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct When {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub var: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_equals: Option<String>,
    /// `true`: the variable is set and non-empty; `false`: unset or empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_set: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any: Vec<When>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all: Vec<When>,
}

impl When {
    pub fn validate(&self) -> Result<(), String> {
        let tests = self.equals.is_some() as u8
            + self.not_equals.is_some() as u8
            + self.is_set.is_some() as u8;
        let combined = !self.any.is_empty() || !self.all.is_empty();
        match (&self.var, combined) {
            (Some(_), false) if tests == 1 => Ok(()),
            (Some(_), false) => {
                Err("`when` needs exactly one of `equals`, `not_equals`, `is_set`".into())
            }
            (None, true) if tests == 0 && self.file.is_none() => self
                .any
                .iter()
                .chain(&self.all)
                .try_for_each(When::validate),
            _ => Err("`when` takes either `var` with one test, or `any`/`all` lists".into()),
        }
    }

    /// Every env file role the condition reads.
    pub fn roles(&self) -> Vec<&str> {
        let mut roles: Vec<&str> = self.file.as_deref().into_iter().collect();
        for w in self.any.iter().chain(&self.all) {
            roles.extend(w.roles());
        }
        roles
    }
}

/// How a check's failures count: some product rules are advisories (`warn`), not blockers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnFail {
    Fail,
    Warn,
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
    /// `warn` reports this check's failures as warnings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_fail: Option<OnFail>,
    #[serde(flatten)]
    pub kind: CheckKind,
}

impl CheckDef {
    pub fn category(&self) -> Category {
        self.category
            .unwrap_or_else(|| self.kind.default_category())
    }
}
