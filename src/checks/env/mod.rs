//! Env-file checks: parsing dotenv files the way Docker Compose does, and rules per variable.

pub mod distinct;
pub mod equals;
pub mod file;
pub mod placeholder;
pub mod secret;
pub mod shape;
pub mod strength;
pub mod url;
pub mod value;

use crate::checks::Judgement;
use crate::facts::env::LoadedEnv;
use crate::facts::Facts;
use crate::finding::{Observation, Status};
use serde::{Deserialize, Serialize};

/// Judges one variable of one env file: the file parsed (or the engine says why not), then
/// every observation located at the variable's line unless it says where it looked.
pub(crate) fn judge_var(
    facts: &Facts,
    file: Option<&str>,
    var: &str,
    judge: impl FnOnce(&LoadedEnv) -> Vec<Observation>,
) -> Judgement {
    let env = facts.parsed_env(file, var)?;
    Ok(judge(env)
        .into_iter()
        .map(|o| o.or_at(|| env.location(var)))
        .collect())
}

/// The env file role a `file = "..."` parameter names, for the profile loader's check.
pub(crate) fn file_role(file: &Option<String>) -> Option<(&'static str, &str)> {
    file.as_deref().map(|r| ("file", r))
}

/// What an unset (or empty) variable means for a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum IfUnset {
    #[default]
    Fail,
    Warn,
    Pass,
    Skip,
}

impl IfUnset {
    pub fn status(self) -> Status {
        match self {
            IfUnset::Fail => Status::Fail,
            IfUnset::Warn => Status::Warn,
            IfUnset::Pass => Status::Pass,
            IfUnset::Skip => Status::Skip,
        }
    }
}

/// List entries beyond this are not examined one by one: no real list is that long.
const MAX_LIST_ENTRIES: usize = 1000;
/// Failures named in one message; the rest are counted.
pub(crate) const MAX_NAMED_PROBLEMS: usize = 5;

/// Comma-separated entries with their 1-based position in the list, blanks trimmed and
/// empty entries left out.
pub(crate) fn list_entries(value: &str) -> Vec<(usize, &str)> {
    value
        .split(',')
        .map(str::trim)
        .enumerate()
        .filter(|(_, e)| !e.is_empty())
        .take(MAX_LIST_ENTRIES)
        .map(|(i, e)| (i + 1, e))
        .collect()
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// At most [`MAX_NAMED_PROBLEMS`] items joined by `; `, then how many more there are.
pub(crate) fn join_capped(items: &[String]) -> String {
    let mut text = items
        .iter()
        .take(MAX_NAMED_PROBLEMS)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if items.len() > MAX_NAMED_PROBLEMS {
        text.push_str(&format!("; and {} more", items.len() - MAX_NAMED_PROBLEMS));
    }
    text
}

/// `` `a`, `b` or `c` `` for listing profile values in messages.
pub(crate) fn quoted_alternatives(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Builds an [`Facts`] over real env files in a temporary install directory.

    use crate::facts::Facts;
    use crate::finding::Observation;
    use crate::target::{EnvFileSpec, Target};
    use std::time::Duration;

    pub struct Fixture {
        pub dir: tempfile::TempDir,
        specs: Vec<EnvFileSpec>,
    }

    impl Fixture {
        pub fn new() -> Self {
            Fixture {
                dir: tempfile::tempdir().expect("temp dir"),
                specs: Vec::new(),
            }
        }

        /// Adds a required env file with this role and content.
        pub fn env(self, role: &str, name: &str, content: &str) -> Self {
            self.env_bytes(role, name, content.as_bytes())
        }

        pub fn env_bytes(mut self, role: &str, name: &str, content: &[u8]) -> Self {
            let path = self.dir.path().join(name);
            std::fs::write(&path, content).expect("write env file");
            self.specs.push(EnvFileSpec {
                role: role.into(),
                path,
                required: true,
                dialect: Default::default(),
            });
            self
        }

        /// Declares an env file that does not exist.
        pub fn absent(mut self, role: &str, name: &str, required: bool) -> Self {
            self.specs.push(EnvFileSpec {
                role: role.into(),
                path: self.dir.path().join(name),
                required,
                dialect: Default::default(),
            });
            self
        }

        pub fn ctx(&self) -> Facts {
            crate::facts::testing::facts(Target {
                root: self.dir.path().to_path_buf(),
                env_files: self.specs.clone(),
                compose_files: Vec::new(),
                timeout: Duration::from_secs(1),
                ..Target::default()
            })
        }
    }

    /// Fails when any field of any observation contains one of `secrets`.
    pub fn assert_no_leak(observations: &[Observation], secrets: &[&str]) {
        for o in observations {
            for field in [&o.subject, &o.message, &o.expected, &o.actual] {
                for secret in secrets {
                    assert!(
                        !field.contains(secret),
                        "secret {secret:?} leaked into {o:?}"
                    );
                }
            }
        }
    }

    /// The one observation a check returned.
    pub fn only(observations: Vec<Observation>) -> Observation {
        assert_eq!(observations.len(), 1, "{observations:?}");
        observations.into_iter().next().expect("one observation")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_entries_keep_positions_and_skip_blanks() {
        assert_eq!(
            list_entries(" a, ,b ,,c"),
            vec![(1, "a"), (3, "b"), (5, "c")]
        );
        assert!(list_entries(" , ").is_empty());
    }

    #[test]
    fn joins_read_naturally() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join_and(&s(&["3", "9"])), "3 and 9");
        assert_eq!(join_and(&s(&["1", "4", "5"])), "1, 4 and 5");
        assert_eq!(quoted_alternatives(&s(&["qa", "prod"])), "`qa` or `prod`");
        let many: Vec<String> = (0..7).map(|i| i.to_string()).collect();
        assert_eq!(join_capped(&many), "0; 1; 2; 3; 4; and 2 more");
    }
}
