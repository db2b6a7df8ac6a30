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
    /// Read with spans by `profile::checks`; here only so the key is known.
    #[serde(default)]
    pub check: Vec<serde::de::IgnoredAny>,
    /// Findings this profile accepts (see `crate::waiver`).
    #[serde(default)]
    pub waiver: Vec<crate::waiver::WaiverDecl>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSetFile {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub check: Vec<serde::de::IgnoredAny>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvFileDecl {
    /// How env checks address this file (`file = "agent"`); the first one is the primary.
    pub role: String,
    pub path: String,
    #[serde(default = "yes")]
    pub required: bool,
    /// The program that loads the file: `compose` (default), `npm` or `python`.
    #[serde(default)]
    pub dialect: crate::target::Dialect,
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

/// The keys every check has, whatever its kind; the rest of the table is the kind's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckHeader {
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
}

impl CheckHeader {
    pub const KEYS: [&'static str; 8] = [
        "id",
        "title",
        "severity",
        "category",
        "remediation",
        "rationale",
        "when",
        "on_fail",
    ];
}

/// Where a check was declared: the profile or check set, and the line of its table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckOrigin {
    pub file: String,
    pub line: usize,
    /// 1-based line and column of each key of the table, for errors found after loading.
    pub keys: Vec<(String, (usize, usize))>,
}

/// A check of a resolved profile: its header, its kind with typed parameters, its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckDef {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub category: Option<Category>,
    pub remediation: String,
    pub rationale: String,
    pub when: Option<When>,
    pub on_fail: Option<OnFail>,
    pub kind: CheckKind,
    pub origin: CheckOrigin,
}

impl CheckDef {
    pub fn new(header: CheckHeader, kind: CheckKind, origin: CheckOrigin) -> Self {
        CheckDef {
            id: header.id,
            title: header.title,
            severity: header.severity,
            category: header.category,
            remediation: header.remediation,
            rationale: header.rationale,
            when: header.when,
            on_fail: header.on_fail,
            kind,
            origin,
        }
    }

    pub fn category(&self) -> Category {
        self.category
            .unwrap_or_else(|| self.kind.default_category())
    }

    fn header(&self) -> CheckHeader {
        CheckHeader {
            id: self.id.clone(),
            title: self.title.clone(),
            severity: self.severity,
            category: self.category,
            remediation: self.remediation.clone(),
            rationale: self.rationale.clone(),
            when: self.when.clone(),
            on_fail: self.on_fail,
        }
    }
}

/// As a profile writes it: the header keys, `kind`, then the kind's parameters.
impl Serialize for CheckDef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        #[derive(Serialize)]
        struct Shown {
            #[serde(flatten)]
            header: CheckHeader,
            kind: &'static str,
            #[serde(flatten)]
            params: toml::Table,
        }
        Shown {
            header: self.header(),
            kind: self.kind.tag(),
            params: self.kind.params_table().map_err(S::Error::custom)?,
        }
        .serialize(serializer)
    }
}
