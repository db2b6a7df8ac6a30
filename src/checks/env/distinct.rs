//! `env.distinct-secrets`: one secret value reused for two different variables.
//! Each env file is examined on its own: sharing a token across services' files is often
//! required (see `env.equals`).

use super::join_and;
use super::placeholder::placeholder_reason;
use super::shape::describe;
use crate::checks::{Judgement, Kind};
use crate::facts::env::{is_valid_key, EnvFile, EnvState, LoadedEnv};
use crate::facts::Facts;
use crate::finding::{Category, Observation};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Name parts that mark a variable as a secret.
const SECRET_WORDS: &[&str] = &[
    "SECRET",
    "SECRETS",
    "TOKEN",
    "TOKENS",
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "PASSPHRASE",
    "KEY",
    "KEYS",
    "APIKEY",
    "PRIVATE",
    "CREDENTIAL",
    "CREDENTIALS",
    "SALT",
];
/// A last name part that makes it a setting about a secret, not the secret itself
/// (`S3_ACCESS_KEY_ID`, `PASSWORD_MIN_LENGTH`, `SESSION_SECRET_FILE`).
const SETTING_SUFFIXES: &[&str] = &[
    "ID",
    "USER",
    "USERNAME",
    "NAME",
    "FILE",
    "PATH",
    "DIR",
    "LENGTH",
    "LEN",
    "TTL",
    "EXPIRY",
    "EXPIRES",
    "AGE",
    "ALGORITHM",
    "ALG",
    "HEADER",
    "MODE",
    "ENABLED",
    "TYPE",
    "PREFIX",
    "VERSION",
    "COUNT",
    "SIZE",
    "BITS",
    "URL",
    "HOST",
    "PORT",
    "REGION",
    "ISSUER",
];
/// A first name part that makes it a switch (`ALLOW_INSECURE_..._SECRET=true`).
const SWITCH_PREFIXES: &[&str] = &["ALLOW", "ENABLE", "DISABLE", "USE", "REQUIRE", "SKIP", "NO"];
/// Auto-selected values shorter than this are settings, not secrets.
const MIN_AUTO_LENGTH: usize = 8;
/// Reused-value groups reported per file; more are counted in the last one.
const MAX_GROUPS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EnvDistinctSecrets {
    /// Variables to compare; when empty, every variable whose name suggests a secret
    /// (SECRET, TOKEN, PASSWORD, KEY, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vars: Vec<String>,
}

impl EnvDistinctSecrets {
    fn validate_params(&self) -> Result<(), String> {
        if let Some(bad) = self.vars.iter().find(|v| !is_valid_key(v)) {
            return Err(format!("{bad:?} is not a variable name"));
        }
        if self.vars.len() == 1 {
            return Err(
                "vars needs at least two variables to compare (or none for all secrets)".into(),
            );
        }
        let mut sorted: Vec<&String> = self.vars.iter().collect();
        sorted.sort();
        if let Some(pair) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(format!("{} is listed twice in vars", pair[0]));
        }
        Ok(())
    }

    fn observe(&self, facts: &Facts) -> Vec<Observation> {
        let files = facts.env_files();
        let mut observations = Vec::new();
        for env in files {
            match &env.state {
                EnvState::Missing => {}
                EnvState::Unusable(reason) => observations.push(Observation::error(
                    env.spec.path.display().to_string(),
                    format!("cannot use the env file: {reason}"),
                )),
                EnvState::Parsed(file) => observations.extend(self.examine(env, file)),
            }
        }
        if observations.is_empty() {
            observations.push(Observation::skip(
                "env files",
                "no env file present to compare secrets in",
            ));
        }
        observations
    }

    fn candidates<'a>(&self, file: &'a EnvFile) -> Vec<(&'a str, &'a str, usize)> {
        let explicit = !self.vars.is_empty();
        file.vars
            .iter()
            .filter(|(name, _)| {
                if explicit {
                    self.vars.iter().any(|v| v == *name)
                } else {
                    looks_like_secret_name(name)
                }
            })
            .filter(|(name, var)| {
                let v = var.value.as_str();
                !v.trim().is_empty()
                    && placeholder_reason(name, v).is_none()
                    && (explicit || v.chars().count() >= MIN_AUTO_LENGTH)
            })
            .map(|(name, var)| (name.as_str(), var.value.as_str(), var.line))
            .collect()
    }

    fn examine(&self, env: &LoadedEnv, file: &EnvFile) -> Vec<Observation> {
        let subject = env.spec.path.display().to_string();
        let candidates = self.candidates(file);
        let mut by_value: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
        for (name, value, line) in &candidates {
            by_value.entry(value).or_default().push((name, *line));
        }
        let mut groups: Vec<(&str, Vec<(&str, usize)>)> = by_value
            .into_iter()
            .filter(|(_, vars)| vars.len() > 1)
            .map(|(value, mut vars)| {
                vars.sort_by_key(|(_, line)| *line);
                (value, vars)
            })
            .collect();
        groups.sort_by_key(|(_, vars)| vars[0].1);
        if groups.is_empty() {
            let compared = match candidates.len() {
                1 => "1 secret variable".to_string(),
                n => format!("{n} secret variables"),
            };
            return vec![Observation::pass(
                subject,
                format!("{compared} compared; no value is reused"),
            )
            .expected("a different value for each secret")
            .actual(format!("{} distinct values", candidates.len()))];
        }
        let extra = groups.len().saturating_sub(MAX_GROUPS);
        let mut observations: Vec<Observation> = groups
            .iter()
            .take(MAX_GROUPS)
            .map(|(value, vars)| {
                let names: Vec<String> = vars.iter().map(|(n, _)| n.to_string()).collect();
                let lines: Vec<String> = vars.iter().map(|(_, l)| l.to_string()).collect();
                Observation::warn(
                    subject.clone(),
                    format!(
                        "{} hold the same value: one leak exposes both",
                        join_and(&names)
                    ),
                )
                .expected("a different value for each secret")
                .actual(format!(
                    "one value ({}) on lines {}",
                    describe(value),
                    join_and(&lines)
                ))
            })
            .collect();
        if extra > 0 {
            observations.push(Observation::warn(
                subject,
                format!("{extra} more groups of variables share a value"),
            ));
        }
        observations
    }
}

impl Kind for EnvDistinctSecrets {
    const TAG: &'static str = "env.distinct-secrets";
    const CATEGORY: Category = Category::Secrets;

    fn validate(&self) -> Result<(), String> {
        self.validate_params()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        Ok(self.observe(facts))
    }
}

/// `JWT_SECRET`, `ADMIN_API_KEY`, `POSTGRES_PASSWORD`; not `S3_ACCESS_KEY_ID`,
/// `PASSWORD_MIN_LENGTH`, `ALLOW_INSECURE_COOKIES`, `NEXT_PUBLIC_API_KEY`.
pub fn looks_like_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let parts: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    let secret_part = parts.iter().any(|p| {
        SECRET_WORDS.contains(p)
            || ["SECRET", "TOKEN", "PASSWORD", "APIKEY"]
                .iter()
                .any(|w| p.ends_with(w))
    });
    secret_part
        && !SETTING_SUFFIXES.contains(last)
        && !SWITCH_PREFIXES.contains(first)
        && !parts.contains(&"PUBLIC")
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_no_leak, Fixture};
    use super::*;
    use crate::finding::Status;

    const SHARED: &str = "c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2";
    const UNIQUE: &str = "Q2hhbmdlZCBvbiBwdXJwb3NlIGZvciB0aGUgdGVzdA==";

    #[test]
    fn secret_names() {
        for n in [
            "JWT_SECRET",
            "ADMIN_API_KEY",
            "POSTGRES_PASSWORD",
            "NEXTAUTH_SECRET",
            "S3_SECRET_ACCESS_KEY",
            "APIKEY",
            "GITHUB_ACCESSTOKEN",
            "ENCRYPTION_KEY",
            "PRIVATE_KEY",
        ] {
            assert!(looks_like_secret_name(n), "{n}");
        }
        for n in [
            "S3_ACCESS_KEY_ID",
            "CONTROL_PLANE_OPERATOR_PASSWORD_MIN_LENGTH",
            "ALLOW_INSECURE_WEB_OPERATOR_SESSION_SECRET",
            "NEXT_PUBLIC_API_KEY",
            "KEYCLOAK_REALM",
            "MONKEY",
            "NODE_ENV",
            "DATABASE_URL",
            "SESSION_SECRET_FILE",
        ] {
            assert!(!looks_like_secret_name(n), "{n}");
        }
    }

    #[test]
    fn reused_secret_warns_naming_both_variables() {
        let fx = Fixture::new().env(
            "main",
            ".env",
            &format!(
                "JWT_SECRET={SHARED}\nNODE_ENV=production\nDEPLOY_SECRET={UNIQUE}\n\
                 MANAGEMENT_API_KEY={SHARED}\nA_PASSWORD=changeme\nB_PASSWORD=changeme\n\
                 ALLOW_X_SECRET=false\nALLOW_Y_SECRET=false\nS3_ACCESS_KEY_ID=minio-user-01\n\
                 S3_USER_KEY_ID=minio-user-01\n"
            ),
        );
        let obs = EnvDistinctSecrets::default().evaluate(&fx.ctx());
        assert_no_leak(&obs, &[SHARED, UNIQUE, &SHARED[..12]]);
        assert_eq!(obs.len(), 1, "{obs:?}");
        assert_eq!(obs[0].status, Status::Warn);
        assert_eq!(
            obs[0].message,
            "JWT_SECRET and MANAGEMENT_API_KEY hold the same value: one leak exposes both"
        );
        assert_eq!(obs[0].actual, "one value (length 64, hex) on lines 1 and 4");
    }

    #[test]
    fn explicit_vars_and_distinct_values_pass() {
        let fx = Fixture::new()
            .env(
                "main",
                ".env",
                &format!("ONE={SHARED}\nTWO={UNIQUE}\nTHREE={SHARED}\n"),
            )
            .absent("agent", "agent.env", false);
        let only_two = EnvDistinctSecrets {
            vars: vec!["ONE".into(), "TWO".into()],
        };
        let obs = only_two.evaluate(&fx.ctx());
        assert_eq!(obs.len(), 1);
        assert_eq!(obs[0].status, Status::Pass);
        let all_three = EnvDistinctSecrets {
            vars: vec!["ONE".into(), "TWO".into(), "THREE".into()],
        };
        let obs = all_three.evaluate(&fx.ctx());
        assert_eq!(obs[0].status, Status::Warn);
        assert_no_leak(&obs, &[SHARED, UNIQUE]);
    }

    #[test]
    fn each_file_on_its_own_and_unusable_files_error() {
        let fx = Fixture::new()
            .env("main", "a.env", &format!("AGENT_SERVER_TOKEN={SHARED}\n"))
            .env("agent", "b.env", &format!("AUTH_TOKEN={SHARED}\n"))
            .env_bytes("relay", "c.env", b"\xff\xfe");
        let obs = EnvDistinctSecrets::default().evaluate(&fx.ctx());
        let statuses: Vec<Status> = obs.iter().map(|o| o.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Pass, Status::Error]);

        let none = Fixture::new().absent("main", ".env", true);
        let obs = EnvDistinctSecrets::default().evaluate(&none.ctx());
        assert_eq!(obs[0].status, Status::Skip);
    }

    #[test]
    fn validation() {
        assert!(EnvDistinctSecrets::default().validate().is_ok());
        let one = EnvDistinctSecrets {
            vars: vec!["A".into()],
        };
        assert!(one.validate().is_err());
        let twice = EnvDistinctSecrets {
            vars: vec!["A".into(), "B".into(), "A".into()],
        };
        assert!(twice.validate().is_err());
    }
}
