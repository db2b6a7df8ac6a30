//! `env.equals`: two variables (possibly in different env files) must hold the same value.
//! Differences are described by shape only: these are usually shared tokens.

use super::shape::describe_var;
use super::{file_role, judge_var};
use crate::checks::{Judgement, Kind};
use crate::facts::env::LoadedEnv;
use crate::facts::env::{is_valid_key, EnvState};
use crate::facts::Facts;
use crate::finding::{Category, Observation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvEquals {
    pub var: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub other_var: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_file: Option<String>,
}

impl EnvEquals {
    fn validate_params(&self) -> Result<(), String> {
        for name in [&self.var, &self.other_var] {
            if !is_valid_key(name) {
                return Err(format!("{name:?} is not a variable name"));
            }
        }
        if self.var == self.other_var && self.file == self.other_file {
            return Err("var and other_var name the same variable in the same file".into());
        }
        Ok(())
    }

    fn observe_env(&self, env: &LoadedEnv, facts: &Facts) -> Vec<Observation> {
        let subject = env.locate(&self.var);
        let other_role = self.other_file.as_deref();
        let other = match facts.env(other_role) {
            None => {
                return vec![Observation::error(
                    subject,
                    format!(
                        "the profile declares no env file with role `{}`",
                        other_role.unwrap_or("primary")
                    ),
                )]
            }
            Some(other) => other,
        };
        let other_path = other.spec.path.display();
        let subject = format!("{subject} vs {}", other.locate(&self.other_var));
        match &other.state {
            EnvState::Parsed(_) => {}
            EnvState::Missing => {
                return vec![Observation::skip(
                    subject,
                    format!(
                        "{} env file {other_path} not given; nothing to compare",
                        other.spec.role
                    ),
                )]
            }
            EnvState::Unusable(reason) => {
                return vec![Observation::error(
                    subject,
                    format!("cannot read {}: {other_path}: {reason}", self.other_var),
                )]
            }
        }
        let other_name = format!("{} in {other_path}", self.other_var);
        let mine = env.get(&self.var).filter(|v| !v.is_empty());
        let theirs = other.get(&self.other_var).filter(|v| !v.is_empty());
        let shape = |var: &str, v: Option<&str>| match v {
            Some(v) => describe_var(var, v),
            None => "unset".to_string(),
        };
        let actual = format!(
            "{}: {}; {}: {}",
            self.var,
            shape(&self.var, mine),
            self.other_var,
            shape(&self.other_var, theirs)
        );
        let var = &self.var;
        let observation = match (mine, theirs) {
            (None, None) => {
                Observation::skip(subject, format!("neither {var} nor {other_name} is set"))
            }
            (Some(_), None) => {
                Observation::fail(subject, format!("{var} is set but {other_name} is not"))
            }
            (None, Some(_)) => {
                Observation::fail(subject, format!("{other_name} is set but {var} is not"))
            }
            (Some(a), Some(b)) if a == b => {
                Observation::pass(subject, format!("{var} matches {other_name}"))
            }
            (Some(a), Some(b)) if a.trim() == b.trim() => Observation::fail(
                subject,
                format!("{var} and {other_name} differ only in surrounding whitespace"),
            ),
            (Some(_), Some(_)) => Observation::fail(
                subject,
                format!("{var} and {other_name} hold different values"),
            ),
        };
        vec![observation
            .expected(format!("the same value as {other_name}"))
            .actual(actual)]
    }
}

impl Kind for EnvEquals {
    const TAG: &'static str = "env.equals";
    const CATEGORY: Category = Category::Secrets;

    fn validate(&self) -> Result<(), String> {
        self.validate_params()
    }

    fn env_roles(&self) -> Vec<(&'static str, &str)> {
        let other = self.other_file.as_deref().map(|r| ("other_file", r));
        file_role(&self.file).into_iter().chain(other).collect()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        judge_var(facts, self.file.as_deref(), &self.var, |env| {
            self.observe_env(env, facts)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_no_leak, only, Fixture};
    use super::*;
    use crate::finding::Status;

    const TOKEN: &str = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";
    const OTHER: &str = "7f83b1657ff1fc53b7dc2f6d4f9b9a1bd4a6a8cd7e6b1a6f7a5e4f3c2b1a0f9e";

    fn rule(other_var: &str, other_file: &str) -> EnvEquals {
        EnvEquals {
            var: "AGENT_SERVER_TOKEN".into(),
            file: None,
            other_var: other_var.into(),
            other_file: Some(other_file.into()),
        }
    }

    fn fixture(agent: &str) -> Fixture {
        Fixture::new()
            .env("main", "mgmt.env", &format!("AGENT_SERVER_TOKEN={TOKEN}\n"))
            .env("agent", "agent.env", agent)
            .absent("relay", "relay.env", false)
    }

    fn run(r: &EnvEquals, fx: &Fixture) -> Observation {
        let obs = r.evaluate(&fx.ctx());
        assert_no_leak(&obs, &[TOKEN, OTHER, &TOKEN[..16], &OTHER[..16]]);
        only(obs)
    }

    #[test]
    fn equal_values_pass() {
        let fx = fixture(&format!("AUTH_TOKEN=\"{TOKEN}\"\n"));
        let o = run(&rule("AUTH_TOKEN", "agent"), &fx);
        assert_eq!(o.status, Status::Pass, "{o:?}");
        assert!(
            o.subject.contains("mgmt.env:1 AGENT_SERVER_TOKEN vs ")
                && o.subject.ends_with("agent.env:1 AUTH_TOKEN"),
            "{}",
            o.subject
        );
    }

    #[test]
    fn different_values_fail_with_shapes_only() {
        let fx = fixture(&format!("AUTH_TOKEN={OTHER}\n"));
        let o = run(&rule("AUTH_TOKEN", "agent"), &fx);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("different values"), "{}", o.message);
        assert_eq!(
            o.actual,
            "AGENT_SERVER_TOKEN: length 64, hex; AUTH_TOKEN: length 64, hex"
        );

        let fx = fixture(&format!("AUTH_TOKEN=' {TOKEN}'\n"));
        let o = run(&rule("AUTH_TOKEN", "agent"), &fx);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("whitespace"), "{}", o.message);
    }

    #[test]
    fn unset_sides_and_missing_files() {
        let fx = fixture("OTHER=1\n");
        let o = run(&rule("AUTH_TOKEN", "agent"), &fx);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("is set but AUTH_TOKEN"), "{}", o.message);

        let o = run(&rule("AGENT_SERVER_TOKEN", "relay"), &fx);
        assert_eq!(o.status, Status::Skip);
        assert!(o.message.contains("relay env file"), "{}", o.message);

        let mut r = rule("OTHER", "agent");
        r.var = "NOT_SET".into();
        let fx = fixture("");
        assert_eq!(run(&r, &fx).status, Status::Skip);

        let fx = fixture("AUTH_TOKEN=\"open\n");
        assert_eq!(run(&rule("AUTH_TOKEN", "agent"), &fx).status, Status::Error);
    }

    #[test]
    fn validation() {
        assert!(rule("AUTH_TOKEN", "agent").validate().is_ok());
        let mut r = rule("AGENT_SERVER_TOKEN", "x");
        r.other_file = None;
        assert!(r.validate().is_err());
        assert!(rule("BAD NAME", "agent").validate().is_err());
    }
}
