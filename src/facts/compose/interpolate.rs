//! Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
//! `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}` and `$$`.
//!
//! Mirrors `docker compose`: an unset variable without a default becomes the empty string.
//! Where compose would stop with an error (`${VAR:?err}`, a malformed `${`), the audit keeps
//! going with the value (or empty, or the text as written) rather than fail the whole file.

use crate::facts::template::{self, OnMalformed, Rules};

pub use crate::facts::template::Lookup;

const RULES: Rules = Rules {
    on_malformed: OnMalformed::Keep,
    max_nesting: 8,
    // The compose file's own size cap bounds the text; values come from a bounded env file.
    max_len: usize::MAX,
};

pub fn interpolate(text: &str, env: Lookup<'_>) -> String {
    // With `Keep`, only `max_len` could refuse, and it is unbounded here.
    template::expand(text, env, &RULES).unwrap_or_default()
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
        interpolate(text, &env)
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
}
