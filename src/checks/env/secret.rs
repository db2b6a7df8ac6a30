//! `env.secret`: a variable that must hold a real secret (set, not a placeholder, long enough).
//! Reports describe the value's shape only.

use super::placeholder::placeholder_reason;
use super::shape::describe_var;
use super::strength;
use super::{file_role, judge_var};
use super::{join_capped, list_entries, IfUnset};
use crate::checks::{Judgement, Kind};
use crate::facts::env::is_valid_key;
use crate::facts::env::{is_secret_name, EnvState, LoadedEnv};
use crate::facts::Facts;
use crate::finding::{Category, Observation, Status};
use serde::{Deserialize, Serialize};

fn default_min_length() -> usize {
    16
}

fn default_min_guesses_log10() -> u8 {
    // The estimator's constant is a whole power of ten.
    strength::DEFAULT_MIN_GUESSES_LOG10 as u8
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvSecret {
    pub var: String,
    /// Env file role; the primary env file when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default)]
    pub if_unset: IfUnset,
    #[serde(default = "default_min_length")]
    pub min_length: usize,
    /// Exactly this many hex digits (e.g. 64 for a 256-bit key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hex_length: Option<usize>,
    /// Comma-separated list: every entry is checked as a secret.
    #[serde(default)]
    pub list: bool,
    /// Known sample values from the product's docs that must not be used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden: Vec<String>,
    /// A secret zxcvbn can guess in fewer than 10^this many tries fails (repetition,
    /// dictionary words, keyboard runs, dates). 0 turns the estimate off, for identifiers
    /// that are not secrets but must not be placeholders (an access key id).
    #[serde(default = "default_min_guesses_log10")]
    pub min_guesses_log10: u8,
}

impl EnvSecret {
    fn validate_params(&self) -> Result<(), String> {
        if !is_valid_key(&self.var) {
            return Err(format!("var {:?} is not a variable name", self.var));
        }
        if self.min_length == 0 {
            return Err("min_length must be at least 1".into());
        }
        if self.min_guesses_log10 > 100 {
            return Err("min_guesses_log10 must be at most 100 (0 turns the estimate off)".into());
        }
        if self.hex_length == Some(0) {
            return Err("hex_length must be at least 1".into());
        }
        if self.forbidden.iter().any(|f| f.trim().is_empty()) {
            return Err("forbidden must not contain an empty value; use if_unset".into());
        }
        Ok(())
    }

    /// `others`: the other secrets loaded in this audit, by name, that a list entry must not
    /// repeat.
    fn observe_env(&self, env: &LoadedEnv, others: &[(String, &str)]) -> Vec<Observation> {
        let subject = env.locate(&self.var);
        let raw = env.get(&self.var);
        let entries: Vec<(usize, &str)> = match raw {
            Some(v) if self.list => list_entries(v),
            Some(v) if !v.is_empty() => vec![(1, v)],
            _ => Vec::new(),
        };
        if entries.is_empty() {
            let (message, actual) = match raw {
                None => ("is not set", "unset"),
                Some(_) => ("is empty", "empty"),
            };
            return vec![Observation::new(
                self.if_unset.status(),
                subject,
                format!("{} {message}", self.var),
            )
            .expected(self.expected())
            .actual(actual)];
        }
        let observation = if self.list {
            self.judge_list(subject, &entries, others)
        } else {
            self.judge_one(subject, entries[0].1)
        };
        vec![observation.expected(self.expected())]
    }

    fn judge_one(&self, subject: String, value: &str) -> Observation {
        let actual = describe_var(&self.var, value);
        match self.problem(value) {
            Some(problem) => Observation::fail(subject, format!("{} {problem}", self.var)),
            None => Observation::pass(
                subject,
                format!("{} is set and looks like a real secret", self.var),
            ),
        }
        .actual(actual)
    }

    fn judge_list(
        &self,
        subject: String,
        entries: &[(usize, &str)],
        others: &[(String, &str)],
    ) -> Observation {
        let problems: Vec<String> = entries
            .iter()
            .enumerate()
            .filter_map(|(k, (i, e))| {
                let repeated = entries[..k].iter().find(|(_, earlier)| earlier == e);
                let reused = others.iter().find(|(_, v)| v == e);
                let p = match (repeated, reused) {
                    (Some((j, _)), _) => Some(format!("repeats entry {j}")),
                    (None, Some((name, _))) => Some(format!("is the same value as {name}")),
                    (None, None) => self.problem(e),
                };
                p.map(|p| format!("entry {i} {p}"))
            })
            .collect();
        let shapes: Vec<String> = entries
            .iter()
            .map(|(i, e)| format!("entry {i}: {}", describe_var(&self.var, e)))
            .collect();
        let actual = join_capped(&shapes);
        if problems.is_empty() {
            Observation::pass(
                subject,
                format!(
                    "{}: every entry ({}) looks like a real secret",
                    self.var,
                    entries.len()
                ),
            )
        } else {
            Observation::new(
                Status::Fail,
                subject,
                format!("{}: {}", self.var, join_capped(&problems)),
            )
        }
        .actual(actual)
    }

    /// What is wrong with one secret, phrased to follow its name; never quotes it.
    fn problem(&self, value: &str) -> Option<String> {
        if value.trim().is_empty() {
            return Some("is only whitespace".into());
        }
        if let Some(reason) = placeholder_reason(&self.var, value) {
            return Some(format!("looks like a placeholder ({reason})"));
        }
        if self.forbidden.iter().any(|f| f.trim() == value.trim()) {
            return Some("is a sample value from the product's documentation".into());
        }
        if value.trim_start().starts_with('#') {
            return Some(
                "starts with `#`: the loader read a comment as the value (Compose keeps \
                 `KEY=   # note` as the text of the note)"
                    .into(),
            );
        }
        let length = value.chars().count();
        match self.hex_length {
            Some(n) if length != n || !value.chars().all(|c| c.is_ascii_hexdigit()) => {
                Some(format!("is not exactly {n} hex digits"))
            }
            None if length < self.min_length => Some(format!(
                "is {length} characters long; at least {} required",
                self.min_length
            )),
            _ => self.guessable(value),
        }
    }

    /// zxcvbn's verdict, with the variable name's words as known hints.
    fn guessable(&self, value: &str) -> Option<String> {
        if self.min_guesses_log10 == 0 {
            return None;
        }
        let lower = self.var.to_ascii_lowercase();
        let hints: Vec<&str> = lower
            .split(['_', '-', '.'])
            .filter(|w| w.len() > 2)
            .collect();
        let min = f64::from(self.min_guesses_log10);
        strength::weakness(value, min, &hints).map(|w| {
            format!(
                "is guessable: {} (about 10^{:.0} guesses; at least 10^{} required)",
                w.patterns,
                w.guesses_log10.floor(),
                self.min_guesses_log10
            )
        })
    }

    fn expected(&self) -> String {
        let strength = match self.hex_length {
            Some(n) => format!("exactly {n} hex digits"),
            None => format!("at least {} characters", self.min_length),
        };
        let each = if self.list {
            "each comma-separated entry: "
        } else {
            ""
        };
        format!("{each}a secret of {strength}, not a placeholder or documented sample")
    }
}

impl Kind for EnvSecret {
    const TAG: &'static str = "env.secret";
    const CATEGORY: Category = Category::Secrets;

    fn validate(&self) -> Result<(), String> {
        self.validate_params()
    }

    fn env_roles(&self) -> Vec<(&'static str, &str)> {
        file_role(&self.file).into_iter().collect()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        judge_var(facts, self.file.as_deref(), &self.var, |env| {
            let others = other_secrets(facts, env, &self.var);
            self.observe_env(env, &others)
        })
    }
}

/// Every secret-named variable of every env file but `var` in `env` itself, named
/// `VAR` in the same file and `role:VAR` in another.
fn other_secrets<'a>(facts: &'a Facts, env: &LoadedEnv, var: &str) -> Vec<(String, &'a str)> {
    let mut out = Vec::new();
    for file in facts.env_files() {
        let EnvState::Parsed(parsed) = &file.state else {
            continue;
        };
        let same_file = file.spec.role == env.spec.role;
        for (name, v) in &parsed.vars {
            if (same_file && name == var) || !is_secret_name(name) || v.value.is_empty() {
                continue;
            }
            let label = if same_file {
                name.clone()
            } else {
                format!("{}:{name}", file.spec.role)
            };
            out.push((label, v.value.as_str()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_no_leak, only, Fixture};
    use super::*;

    const HEX64: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    const B64: &str = "K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=";

    fn check(var: &str) -> EnvSecret {
        EnvSecret {
            var: var.into(),
            file: None,
            if_unset: IfUnset::Fail,
            min_length: 32,
            hex_length: None,
            list: false,
            forbidden: Vec::new(),
            min_guesses_log10: default_min_guesses_log10(),
        }
    }

    #[test]
    fn guessable_secrets_fail_by_kind_and_keep_exact_formats() {
        let session = "Zq8rT2vXk9LmP4sWn7YbC3dF6hJ1uE5a";
        let fx = Fixture::new().env(
            "main",
            ".env",
            &format!(
                "REPEAT_HEX={}\nWORDS={}\nLEET=P@ssw0rdP@ssw0rdP@ssw0rdP@ssw0rd\n\
                 RUN=abcdefghijklmnopqrstuvwxyz123456\nNOTE=# generate with: openssl rand -hex 32\n\
                 SESSION_SECRET={session}\nAPI_TOKENS={HEX64},{session}\nDUP_TOKENS={B64},{B64}\n",
                "deadbeef".repeat(8),
                "secret".repeat(6)
            ),
        );
        let leaks = [
            session,
            HEX64,
            B64,
            "deadbeef",
            "secretsecret",
            "P@ssw0rd",
            "abcdefgh",
        ];
        for (var, hex, needle) in [
            ("REPEAT_HEX", Some(64), "repeated"),
            ("WORDS", None, "repeated"),
            ("LEET", None, "guessable"),
            ("RUN", None, "run"),
            ("NOTE", None, "comment"),
        ] {
            let mut c = check(var);
            c.hex_length = hex;
            let obs = c.evaluate(&fx.ctx());
            assert_no_leak(&obs, &leaks);
            let o = only(obs);
            assert_eq!(o.status, Status::Fail, "{var}: {o:?}");
            assert!(o.message.contains(needle), "{var}: {}", o.message);
        }
        let mut c = check("API_TOKENS");
        c.list = true;
        let obs = c.evaluate(&fx.ctx());
        assert_no_leak(&obs, &leaks);
        let o = only(obs);
        assert_eq!(o.status, Status::Fail, "{o:?}");
        assert!(
            o.message
                .contains("entry 2 is the same value as SESSION_SECRET"),
            "{}",
            o.message
        );
        c.var = "DUP_TOKENS".into();
        let o = only(c.evaluate(&fx.ctx()));
        assert!(
            o.message.contains("entry 2 repeats entry 1"),
            "{}",
            o.message
        );
        // A lower threshold lets a weak-but-long value through; the parameter is per check.
        let mut c = check("WORDS");
        c.min_guesses_log10 = 1;
        assert_eq!(only(c.evaluate(&fx.ctx())).status, Status::Pass);
    }

    fn env() -> Fixture {
        Fixture::new().env(
            "main",
            ".env",
            &format!(
                "# secrets\nGOOD={B64}\nPLACEHOLDER=CHANGE_ME_POSTGRES_PASSWORD\nSHORT=Zq8rT2vX\n\
                 EMPTY=\nHEX={HEX64}\nBADHEX={}\nSAMPLE=a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4\n\
                 TOKENS=\"{HEX64}, replace-with-a-random-token,,Zq8rT2vX\"\nOKLIST={HEX64},{B64}\n\
                 SPACES='                                        '\n",
                &HEX64[..63]
            ),
        )
    }

    fn run(c: &EnvSecret, fx: &Fixture) -> Observation {
        let obs = c.evaluate(&fx.ctx());
        assert_no_leak(
            &obs,
            &[B64, HEX64, &HEX64[..20], "Zq8rT2vX", "a9b8c7d6e5f4"],
        );
        only(obs)
    }

    #[test]
    fn real_secret_passes_with_its_shape() {
        let fx = env();
        let o = run(&check("GOOD"), &fx);
        assert_eq!(o.status, Status::Pass, "{o:?}");
        assert_eq!(o.actual, "length 44, base64-like");
        assert!(o.subject.ends_with(".env:2 GOOD"), "{}", o.subject);
    }

    #[test]
    fn placeholder_short_and_whitespace_fail() {
        let fx = env();
        let o = run(&check("PLACEHOLDER"), &fx);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("`CHANGE_ME_*`"), "{}", o.message);
        let o = run(&check("SHORT"), &fx);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("8 characters"), "{}", o.message);
        assert_eq!(run(&check("SPACES"), &fx).status, Status::Fail);
    }

    #[test]
    fn unset_and_empty_follow_if_unset() {
        let fx = env();
        let o = run(&check("NOT_THERE"), &fx);
        assert_eq!((o.status, o.actual.as_str()), (Status::Fail, "unset"));
        let mut c = check("EMPTY");
        c.if_unset = IfUnset::Pass;
        let o = run(&c, &fx);
        assert_eq!((o.status, o.actual.as_str()), (Status::Pass, "empty"));
        c.if_unset = IfUnset::Warn;
        assert_eq!(run(&c, &fx).status, Status::Warn);
    }

    #[test]
    fn hex_length_and_forbidden_samples() {
        let fx = env();
        let mut c = check("HEX");
        c.hex_length = Some(64);
        assert_eq!(run(&c, &fx).status, Status::Pass);
        c.var = "BADHEX".into();
        let o = run(&c, &fx);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("exactly 64 hex digits"), "{}", o.message);
        c.var = "GOOD".into();
        assert_eq!(run(&c, &fx).status, Status::Fail);

        let mut c = check("SAMPLE");
        c.forbidden = vec!["a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4".into()];
        let o = run(&c, &fx);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("documentation"), "{}", o.message);
    }

    #[test]
    fn list_checks_every_entry_and_names_the_failing_ones() {
        let fx = env();
        let mut c = check("TOKENS");
        c.list = true;
        let o = run(&c, &fx);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("entry 2 looks like a placeholder")
                && o.message.contains("entry 4 is 8 characters"),
            "{}",
            o.message
        );
        assert!(!o.message.contains("entry 1"), "{}", o.message);
        c.var = "OKLIST".into();
        let o = run(&c, &fx);
        assert_eq!(o.status, Status::Pass, "{o:?}");
        assert!(o.actual.contains("entry 2: length 44"), "{}", o.actual);
    }

    #[test]
    fn missing_and_unusable_env_files() {
        let fx = Fixture::new().absent("main", ".env", true);
        let o = only(check("GOOD").evaluate(&fx.ctx()));
        assert_eq!(o.status, Status::Skip);
        assert!(o.message.contains("not found"), "{}", o.message);

        let fx = Fixture::new().env("main", ".env", "GOOD='unterminated\n");
        let o = only(check("GOOD").evaluate(&fx.ctx()));
        assert_eq!(o.status, Status::Error);
        assert!(o.message.contains("line 1"), "{}", o.message);

        let mut c = check("GOOD");
        c.file = Some("agent".into());
        assert_eq!(only(c.evaluate(&env().ctx())).status, Status::Error);
    }

    #[test]
    fn validation() {
        assert!(check("A").validate().is_ok());
        let mut c = check("A");
        c.min_length = 0;
        assert!(c.validate().is_err());
        let mut c = check("A");
        c.hex_length = Some(0);
        assert!(c.validate().is_err());
        assert!(check("NOT A NAME").validate().is_err());
        let mut c = check("A");
        c.forbidden = vec![" ".into()];
        assert!(c.validate().is_err());
    }
}
