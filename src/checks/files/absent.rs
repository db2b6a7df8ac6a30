//! `files.absent`: a path that should be gone (e.g. a one-time bootstrap token).

use super::{is_absent, stat_error, validate_pattern};
use crate::checks::{Judgement, Kind};
use crate::facts::Facts;
use crate::finding::{Category, FailStatus, Observation};
use serde::{Deserialize, Serialize};

fn warn() -> FailStatus {
    FailStatus::Warn
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesAbsent {
    pub path: String,
    /// Status reported when the path exists (`warn` or `fail`).
    #[serde(default = "warn")]
    pub if_present: FailStatus,
    /// Why the path should be gone, shown in the finding.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

impl FilesAbsent {
    fn validate_params(&self) -> Result<(), String> {
        validate_pattern(&self.path)
    }

    fn observe(&self, facts: &Facts) -> Vec<Observation> {
        let path = match facts.resolve_path(&self.path) {
            Ok(p) => p,
            Err(reason) => return vec![Observation::skip(&self.path, reason.to_string())],
        };
        let subject = path.display().to_string();
        let obs = match std::fs::symlink_metadata(&path) {
            Err(e) if is_absent(&e) => Observation::pass(&subject, "not present").actual("absent"),
            Err(e) => Observation::error(&subject, stat_error(&subject, &e)),
            Ok(meta) => {
                let kind = if meta.file_type().is_symlink() {
                    "symlink"
                } else if meta.is_dir() {
                    "directory"
                } else {
                    "file"
                };
                let message = if self.reason.is_empty() {
                    "present; it should have been removed".to_string()
                } else {
                    format!("present: {}", self.reason)
                };
                Observation::new(self.if_present.status(), &subject, message)
                    .actual(format!("present ({kind})"))
            }
        };
        vec![obs.expected("absent")]
    }
}

impl Kind for FilesAbsent {
    const TAG: &'static str = "files.absent";
    const CATEGORY: Category = Category::Files;

    fn validate(&self) -> Result<(), String> {
        self.validate_params()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        Ok(self.observe(facts))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{self, write};
    use super::*;
    use crate::checks::CheckKind;
    use crate::finding::Status;

    fn check(path: &str) -> FilesAbsent {
        FilesAbsent {
            path: path.into(),
            if_present: FailStatus::Warn,
            reason: "bootstrap token left after setup".into(),
        }
    }

    fn one(c: &FilesAbsent, root: &std::path::Path) -> Observation {
        c.validate().unwrap();
        let mut obs = c.evaluate(&testutil::ctx(root));
        assert_eq!(obs.len(), 1, "{obs:?}");
        obs.remove(0)
    }

    #[test]
    fn absent_passes_present_reports_configured_status_with_reason() {
        let dir = tempfile::tempdir().unwrap();
        let c = check("control_plane/bootstrap.txt");
        assert_eq!(one(&c, dir.path()).status, Status::Pass);

        write(dir.path(), "control_plane/bootstrap.txt", 0o600);
        let o = one(&c, dir.path());
        assert_eq!(o.status, Status::Warn);
        assert_eq!(o.message, "present: bootstrap token left after setup");
        assert_eq!(o.actual, "present (file)");
        assert!(!format!("{o:?}").contains("hunter2"));

        let strict = FilesAbsent {
            if_present: FailStatus::Fail,
            reason: String::new(),
            ..c
        };
        let o = one(&strict, dir.path());
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("should have been removed"));
    }

    #[test]
    fn dangling_symlink_counts_as_present() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("gone", dir.path().join("token")).unwrap();
        let o = one(&check("token"), dir.path());
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Warn, "present (symlink)")
        );
    }

    #[test]
    fn unresolvable_variable_skips() {
        let dir = tempfile::tempdir().unwrap();
        let o = one(
            &check("${STATE_ROOT_DIR}/control_plane/bootstrap.txt"),
            dir.path(),
        );
        assert_eq!(o.status, Status::Skip);
        assert!(
            o.message.contains("STATE_ROOT_DIR is not set"),
            "{}",
            o.message
        );
    }

    #[test]
    fn odd_statuses_are_refused_when_the_profile_loads_and_empty_paths_by_validate() {
        let parse = |text: &str| CheckKind::from_toml(text);
        assert!(parse("kind = \"files.absent\"\npath = \"x\"\nif_present = \"pass\"").is_err());
        assert!(parse("kind = \"files.absent\"\npath = \"x\"\nif_present = \"fail\"").is_ok());
        assert!(check("x").validate().is_ok());
        assert!(check("").validate().is_err());
    }
}
