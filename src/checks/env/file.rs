//! `env.file`: every env file of the target is present when required and parses cleanly.

use super::{join_and, MAX_NAMED_PROBLEMS};
use crate::checks::{Judgement, Kind};
use crate::facts::env::{EnvFile, EnvState, LoadedEnv};
use crate::facts::Facts;
use crate::finding::{Category, Observation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EnvFileCheck {}

impl EnvFileCheck {
    fn validate_params(&self) -> Result<(), String> {
        Ok(())
    }

    fn observe(&self, facts: &Facts) -> Vec<Observation> {
        let files = facts.env_files();
        if files.is_empty() {
            return vec![Observation::skip(
                "env files",
                "the profile names no env file and none was given with --env-file",
            )];
        }
        files.iter().map(observe).collect()
    }
}

impl Kind for EnvFileCheck {
    const TAG: &'static str = "env.file";
    const CATEGORY: Category = Category::Secrets;

    fn validate(&self) -> Result<(), String> {
        self.validate_params()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        Ok(self.observe(facts))
    }
}

fn observe(env: &LoadedEnv) -> Observation {
    let subject = env.spec.path.display().to_string();
    match &env.state {
        EnvState::Missing if env.spec.required => {
            Observation::fail(subject, "required env file not found")
                .expected("present")
                .actual("missing")
        }
        EnvState::Missing => Observation::skip(subject, "optional env file not present"),
        EnvState::Unusable(reason) => {
            Observation::error(subject, format!("cannot use the env file: {reason}"))
        }
        EnvState::Parsed(file) if !file.duplicates.is_empty() => {
            Observation::warn(subject, duplicates_message(file))
                .expected("each variable defined once")
                .actual(format!(
                    "{} defined more than once",
                    plural(file.duplicates.len(), "variable")
                ))
        }
        EnvState::Parsed(file) => Observation::pass(subject, plural(file.vars.len(), "variable"))
            .actual(format!("parsed, {}", plural(file.vars.len(), "variable"))),
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `FOO defined on lines 3 and 9; the last wins`.
fn duplicates_message(file: &EnvFile) -> String {
    let mut parts: Vec<String> = file
        .duplicates
        .iter()
        .take(MAX_NAMED_PROBLEMS)
        .map(|d| {
            let lines: Vec<String> = d.lines.iter().map(usize::to_string).collect();
            format!("{} defined on lines {}", d.key, join_and(&lines))
        })
        .collect();
    if file.duplicates.len() > MAX_NAMED_PROBLEMS {
        parts.push(format!(
            "{} more",
            plural(file.duplicates.len() - MAX_NAMED_PROBLEMS, "variable")
        ));
    }
    format!("{}; the last wins", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_no_leak, Fixture};
    use super::*;
    use crate::finding::Status;

    #[test]
    fn one_observation_per_env_file() {
        let fx = Fixture::new()
            .env("main", "main.env", "A=hunter2secret\nB=2\n")
            .env(
                "agent",
                "agent.env",
                "FOO=first-secret-value\nX=1\n\nFOO=second-secret-value\n",
            )
            .env_bytes("relay", "relay.env", b"TOKEN=\x00\x01")
            .absent("ui", "ui.env", false)
            .absent("mgmt", "mgmt.env", true);
        let obs = EnvFileCheck {}.evaluate(&fx.ctx());
        let statuses: Vec<Status> = obs.iter().map(|o| o.status).collect();
        assert_eq!(
            statuses,
            vec![
                Status::Pass,
                Status::Warn,
                Status::Error,
                Status::Skip,
                Status::Fail
            ]
        );
        assert!(obs[0].subject.ends_with("main.env"));
        assert_eq!(obs[0].message, "2 variables");
        assert_eq!(
            obs[1].message,
            "FOO defined on lines 1 and 4; the last wins"
        );
        assert!(obs[2].message.contains("binary"), "{}", obs[2].message);
        assert!(obs[4].subject.ends_with("mgmt.env"));
        assert_no_leak(
            &obs,
            &["hunter2secret", "first-secret-value", "second-secret-value"],
        );
    }

    #[test]
    fn malformed_file_is_an_error_naming_the_line() {
        let fx = Fixture::new().env("main", ".env", "A=1\nB=\"unterminated s3cret\n");
        let obs = EnvFileCheck {}.evaluate(&fx.ctx());
        assert_eq!(obs[0].status, Status::Error);
        assert!(obs[0].message.contains("line 2"), "{}", obs[0].message);
        assert_no_leak(&obs, &["s3cret"]);
    }

    #[test]
    fn no_env_file_at_all_is_a_skip() {
        let obs = EnvFileCheck {}.evaluate(&Fixture::new().ctx());
        assert_eq!(obs.len(), 1);
        assert_eq!(obs[0].status, Status::Skip);
    }
}
