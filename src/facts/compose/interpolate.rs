//! Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
//! `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}` and `$$`.
//!
//! Mirrors `docker compose`: an unset variable without a default becomes the empty string.
//! Where compose would stop with an error (`${VAR:?err}`, a malformed `${`), the audit keeps
//! going with the value (or empty, or the text as written) rather than fail the whole file.

use crate::facts::template::{self, OnMalformed, Rules, TemplateError};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;

pub use crate::facts::template::Lookup;

/// Longest value one `${...}` entry may expand to: a port, a path or an image name is short,
/// so only a hostile file gets near it.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;
/// All the text interpolation may produce for one project, so a file that repeats a large
/// variable thousands of times cannot take gigabytes or minutes.
pub const MAX_TOTAL_BYTES: usize = 8 * 1024 * 1024;

const RULES: Rules = Rules {
    on_malformed: OnMalformed::Keep,
    max_nesting: 8,
    max_len: MAX_VALUE_BYTES,
};

/// Where `${VAR}` values come from: the project's `.env` as compose reads it, or why it could
/// not be read. When it could not be read, every value that uses a variable is refused rather
/// than filled from its `:-default`, which would judge a value the deployment may not use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Variables, and the file they came from (`None`: no project `.env`, defaults only).
    Vars(BTreeMap<String, String>, Option<std::path::PathBuf>),
    Unreadable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterpolationError {
    SourceUnreadable(String),
    ValueTooLong,
    BudgetSpent,
}

impl std::fmt::Display for InterpolationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InterpolationError::SourceUnreadable(reason) => write!(
                f,
                "uses `${{...}}` variables, but the interpolation source could not be read \
                 ({reason}), so its value is unknown"
            ),
            InterpolationError::ValueTooLong => {
                write!(f, "`${{...}}` expands to more than {MAX_VALUE_BYTES} bytes")
            }
            InterpolationError::BudgetSpent => write!(
                f,
                "the project's `${{...}}` expansions passed {MAX_TOTAL_BYTES} bytes in all"
            ),
        }
    }
}

impl std::error::Error for InterpolationError {}

impl From<InterpolationError> for crate::facts::error::FactError {
    fn from(e: InterpolationError) -> Self {
        crate::facts::error::FactError::Malformed(e.to_string())
    }
}

/// Interpolates compose values from one [`Source`] under one size budget.
pub struct Interpolator {
    source: Source,
    /// Shared with the interpolators of included projects: the budget is the project's.
    spent: Rc<Cell<usize>>,
}

impl Interpolator {
    pub fn new(source: Source) -> Self {
        Interpolator {
            source,
            spent: Rc::new(Cell::new(0)),
        }
    }

    /// Variables given in place (tests, and callers that already hold them).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        let vars = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Interpolator::new(Source::Vars(vars, None))
    }

    /// The interpolator of an included project, as compose-go builds it: this project's
    /// variables, plus those of the include's env files (`vars`) that this project does not
    /// set. `Err` is why an env file of the include could not be read: its values are then
    /// unknown. The size budget stays shared.
    pub fn for_include(&self, vars: Result<BTreeMap<String, String>, String>) -> Interpolator {
        let source = match (&self.source, vars) {
            (Source::Unreadable(reason), _) => Source::Unreadable(reason.clone()),
            (_, Err(reason)) => Source::Unreadable(reason),
            (Source::Vars(own, file), Ok(mut merged)) => {
                merged.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
                Source::Vars(merged, file.clone())
            }
        };
        Interpolator {
            source,
            spent: Rc::clone(&self.spent),
        }
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    pub fn var(&self, name: &str) -> Option<String> {
        match &self.source {
            Source::Vars(vars, _) => vars.get(name).cloned(),
            Source::Unreadable(_) => None,
        }
    }

    pub fn expand(&self, text: &str) -> Result<String, InterpolationError> {
        if !text.contains('$') {
            return Ok(text.to_string());
        }
        if let Source::Unreadable(reason) = &self.source {
            // `$$` alone is a literal dollar, not a variable.
            if text.replace("$$", "").contains('$') {
                return Err(InterpolationError::SourceUnreadable(reason.clone()));
            }
        }
        let lookup = |name: &str| self.var(name);
        let out = interpolate(text, &lookup).map_err(|_| InterpolationError::ValueTooLong)?;
        let spent = self.spent.get().saturating_add(out.len());
        self.spent.set(spent);
        if spent > MAX_TOTAL_BYTES {
            return Err(InterpolationError::BudgetSpent);
        }
        Ok(out)
    }
}

pub fn interpolate(text: &str, env: Lookup<'_>) -> Result<String, TemplateError> {
    // With `Keep`, only `max_len` can refuse.
    template::expand(text, env, &RULES)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "PORT" => Some("9000".into()),
            "EMPTY" => Some(String::new()),
            "HOST" => Some("127.0.0.1".into()),
            _ => None,
        }
    }

    fn run(text: &str) -> String {
        interpolate(text, &env).unwrap()
    }

    #[test]
    fn plain_and_braced_variables() {
        assert_eq!(run("${PORT}:80"), "9000:80");
        assert_eq!(run("$PORT:80"), "9000:80");
        assert_eq!(run("$HOST:$PORT"), "127.0.0.1:9000");
        assert_eq!(run("${UNSET}:80"), ":80");
        assert_eq!(run("$UNSET/x"), "/x");
        assert_eq!(run("no vars"), "no vars");
    }

    #[test]
    fn colon_dash_defaults_when_unset_or_empty() {
        assert_eq!(run("${PORT:-8090}"), "9000");
        assert_eq!(run("${UNSET:-8090}"), "8090");
        assert_eq!(run("${EMPTY:-8090}"), "8090");
    }

    #[test]
    fn dash_defaults_only_when_unset() {
        assert_eq!(run("${UNSET-8090}"), "8090");
        assert_eq!(run("${EMPTY-8090}"), "");
        assert_eq!(run("${PORT-8090}"), "9000");
    }

    #[test]
    fn required_forms_do_not_fail() {
        assert_eq!(run("${PORT:?must be set}"), "9000");
        assert_eq!(run("${UNSET:?must be set}"), "");
        assert_eq!(run("${UNSET?must be set}"), "");
    }

    #[test]
    fn alternative_values() {
        assert_eq!(run("${PORT:+set}"), "set");
        assert_eq!(run("${EMPTY:+set}"), "");
        assert_eq!(run("${EMPTY+set}"), "set");
        assert_eq!(run("${UNSET+set}"), "");
    }

    #[test]
    fn dollar_escapes_and_malformed_templates() {
        assert_eq!(run("$$PORT"), "$PORT");
        assert_eq!(run("a$$b"), "a$b");
        assert_eq!(run("cost: $5"), "cost: $5");
        assert_eq!(run("${PORT"), "${PORT");
        assert_eq!(run("${}"), "${}");
        assert_eq!(run("end$"), "end$");
    }

    #[test]
    fn nested_defaults() {
        assert_eq!(run("${UNSET:-${PORT}}"), "9000");
        assert_eq!(run("${UNSET:-${ALSO_UNSET:-7}}:80"), "7:80");
        assert_eq!(run("${UNSET:-$HOST}"), "127.0.0.1");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let mut text = String::from("x");
        for _ in 0..100 {
            text = format!("${{UNSET:-{text}}}");
        }
        // Does not recurse without bound; the innermost levels stay as written.
        let out = run(&text);
        assert!(out.contains("${UNSET:-"));
    }

    #[test]
    fn expansion_is_capped_per_value_and_per_project() {
        let mut vars = BTreeMap::new();
        vars.insert("BIG".to_string(), "x".repeat(60_000));
        let i = Interpolator::new(Source::Vars(vars, None));
        assert_eq!(i.expand("${BIG}").unwrap().len(), 60_000);
        assert_eq!(
            i.expand("${BIG}${BIG}"),
            Err(InterpolationError::ValueTooLong)
        );
        let mut last = Ok(String::new());
        for _ in 0..200 {
            last = i.expand("${BIG}");
            if last.is_err() {
                break;
            }
        }
        assert_eq!(last, Err(InterpolationError::BudgetSpent));
    }

    #[test]
    fn unreadable_source_refuses_variables_but_not_plain_text() {
        let i = Interpolator::new(Source::Unreadable(".env: too large".into()));
        assert_eq!(i.expand("127.0.0.1:80:80").unwrap(), "127.0.0.1:80:80");
        assert_eq!(i.expand("a$$b").unwrap(), "a$b");
        let e = i.expand("${BIND:-127.0.0.1}:5432:5432").unwrap_err();
        assert!(e.to_string().contains(".env: too large"), "{e}");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn template() -> impl Strategy<Value = String> {
            proptest::collection::vec(
                prop_oneof![
                    Just("$".to_string()),
                    Just("${".to_string()),
                    Just("}".to_string()),
                    Just("$$".to_string()),
                    Just(":-".to_string()),
                    Just("-".to_string()),
                    Just(":+".to_string()),
                    Just("?".to_string()),
                    Just("PORT".to_string()),
                    Just("BIG".to_string()),
                    Just("UNSET".to_string()),
                    "[a-z0-9:./ ]{0,4}",
                ],
                0..200,
            )
            .prop_map(|parts| parts.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            #[test]
            fn expansion_never_panics_and_stays_bounded(text in template()) {
                let i = Interpolator::from_pairs(&[("PORT", "9000"), ("BIG", &"x".repeat(4096))]);
                match i.expand(&text) {
                    Ok(out) => prop_assert!(out.len() <= MAX_VALUE_BYTES),
                    Err(e) => prop_assert!(
                        e == InterpolationError::ValueTooLong || e == InterpolationError::BudgetSpent
                    ),
                }
            }

            #[test]
            fn text_without_dollar_is_unchanged(text in "[^$]{0,300}") {
                let i = Interpolator::from_pairs(&[]);
                prop_assert_eq!(i.expand(&text).unwrap(), text);
            }

            #[test]
            fn without_variables_only_dollars_and_templates_change(text in template()) {
                // With no variable set and no defaults taken, the output is never longer than
                // the input: unset variables become empty, `$$` becomes `$`.
                let i = Interpolator::from_pairs(&[]);
                let no_default = text.replace(":-", "").replace('-', "").replace(":+", "");
                let out = i.expand(&no_default).unwrap();
                prop_assert!(out.len() <= no_default.len());
            }
        }
    }
}
