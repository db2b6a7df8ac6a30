//! Install-directory checks: file modes and ownership, presence, and what git tracks.

pub mod absent;
pub mod git;
pub mod mode;

use crate::facts::Facts;
use crate::finding::Observation;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Which paths a files check examines: one path (relative to `--root`, `${VAR}` filled from the
/// primary env file) or every env file of the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PathSelector {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub env_files: bool,
}

impl PathSelector {
    pub fn validate(&self) -> Result<(), String> {
        validate_selector(self.path.as_deref(), self.env_files)
    }
}

/// The rule behind [`PathSelector`], shared by kinds that carry `path` / `env_files` inline.
pub(crate) fn validate_selector(path: Option<&str>, env_files: bool) -> Result<(), String> {
    match (path, env_files) {
        (Some(_), true) => Err("give either `path` or `env_files = true`, not both".into()),
        (None, false) => Err("missing `path` (or `env_files = true`)".into()),
        (Some(p), false) => validate_pattern(p),
        (None, true) => Ok(()),
    }
}

/// A path pattern must name something and be a well-formed template (the same `${...}`
/// syntax, with compose's `:-` defaults, that paths are filled in with).
pub(crate) fn validate_pattern(pattern: &str) -> Result<(), String> {
    if pattern.trim().is_empty() {
        return Err("`path` is empty".into());
    }
    crate::facts::template::expand(pattern, &|_| None, &crate::facts::template::PATH_RULES)
        .map(|_| ())
        .map_err(|e| format!("`path` {pattern:?}: {e}"))
}

/// One path a check examines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Selected {
    /// What findings name: the resolved path, or the pattern when it could not be resolved.
    pub subject: String,
    /// The path on disk, or why it could not be worked out (a skip reason).
    pub path: Result<PathBuf, String>,
    /// An env file's own `required`; `None` for a profile path (the check decides).
    pub required: Option<bool>,
}

/// The paths named by `path` or `env_files`, in declaration order.
pub(crate) fn select(facts: &Facts, path: Option<&str>, env_files: bool) -> Vec<Selected> {
    if env_files {
        return facts
            .target()
            .env_files
            .iter()
            .map(|spec| Selected {
                subject: spec.path.display().to_string(),
                path: Ok(spec.path.clone()),
                required: Some(spec.required),
            })
            .collect();
    }
    let Some(pattern) = path else {
        return Vec::new();
    };
    vec![match facts.resolve_path(pattern) {
        Ok(p) => Selected {
            subject: p.display().to_string(),
            path: Ok(p),
            required: None,
        },
        Err(reason) => Selected {
            subject: pattern.to_string(),
            path: Err(reason.to_string()),
            required: None,
        },
    }]
}

/// What a check reports when `env_files = true` but the target has none.
pub(crate) fn no_env_files() -> Observation {
    Observation::skip("env files", "the target declares no env files")
}

pub(crate) use crate::facts::files::{is_absent, stat_error};

#[cfg(test)]
pub(crate) mod testutil {
    use crate::facts::Facts;
    use crate::target::{EnvFileSpec, Target};
    use std::path::Path;
    use std::time::Duration;

    pub fn ctx(root: &Path) -> Facts {
        ctx_with_env(root, Vec::new())
    }

    pub fn ctx_with_env(root: &Path, env_files: Vec<EnvFileSpec>) -> Facts {
        crate::facts::testing::facts(Target {
            root: root.to_path_buf(),
            env_files,
            compose_files: Vec::new(),
            timeout: Duration::from_secs(5),
            ..Target::default()
        })
    }

    pub fn env_spec(root: &Path, name: &str, required: bool) -> EnvFileSpec {
        EnvFileSpec {
            role: name.to_string(),
            path: root.join(name),
            required,
            dialect: Default::default(),
        }
    }

    pub fn write(root: &Path, rel: &str, mode: u32) -> std::path::PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = root.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, "SECRET_VALUE=hunter2-do-not-print\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_needs_exactly_one_source() {
        assert!(validate_selector(Some(".env"), false).is_ok());
        assert!(validate_selector(None, true).is_ok());
        assert!(validate_selector(Some(".env"), true).is_err());
        assert!(validate_selector(None, false).is_err());
        assert!(validate_selector(Some(""), false).is_err());
        assert!(validate_selector(Some("${STATE/x"), false).is_err());
        assert!(validate_selector(Some("${}/x"), false).is_err());
        assert!(validate_selector(Some("${STATE_ROOT_DIR}/x"), false).is_ok());
        let sel = PathSelector {
            path: None,
            env_files: false,
        };
        assert!(sel.validate().is_err());
    }

    #[test]
    fn unset_variable_becomes_a_skip_reason_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = testutil::ctx(dir.path());
        let sel = select(&ctx, Some("${STATE_ROOT_DIR}/bootstrap.txt"), false);
        assert_eq!(sel.len(), 1);
        assert_eq!(sel[0].subject, "${STATE_ROOT_DIR}/bootstrap.txt");
        let reason = sel[0].path.clone().unwrap_err();
        assert!(reason.contains("STATE_ROOT_DIR"), "{reason}");
    }

    #[test]
    fn paths_are_filled_in_like_compose_templates() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".env"), "DATA_DIR=/srv/data\n").unwrap();
        let with_env = testutil::ctx_with_env(root, vec![testutil::env_spec(root, ".env", true)]);
        let without = testutil::ctx(root);
        let path = |facts: &Facts, p: &str| select(facts, Some(p), false)[0].path.clone();
        assert_eq!(
            path(&without, "${DATA_DIR:-data}/x"),
            Ok(root.join("data/x"))
        );
        assert_eq!(
            path(&with_env, "${DATA_DIR:-data}/x"),
            Ok("/srv/data/x".into())
        );
        assert_eq!(path(&with_env, "$DATA_DIR/x"), Ok("/srv/data/x".into()));
        assert_eq!(path(&with_env, "${DATA_DIR}"), Ok("/srv/data".into()));
        let unset = path(&without, "$DATA_DIR/x").unwrap_err();
        assert!(unset.contains("DATA_DIR is not set"), "{unset}");
        assert!(path(&without, "$$DATA_DIR").is_ok());
    }

    #[test]
    fn env_files_selects_every_env_file_with_its_required_flag() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let ctx = testutil::ctx_with_env(
            root,
            vec![
                testutil::env_spec(root, ".env", true),
                testutil::env_spec(root, ".env.qa", false),
            ],
        );
        let sel = select(&ctx, None, true);
        assert_eq!(sel.len(), 2);
        assert_eq!(sel[0].required, Some(true));
        assert_eq!(sel[1].required, Some(false));
        assert_eq!(sel[1].path.as_deref().unwrap(), root.join(".env.qa"));
    }
}
