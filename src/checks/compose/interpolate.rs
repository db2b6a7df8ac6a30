//! Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
//! `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}` and `$$`.
//!
//! Mirrors `docker compose`: an unset variable without a default becomes the empty string.
//! Where compose would stop with an error (`${VAR:?err}`, a malformed `${`), the audit keeps
//! going with the value (or empty, or the text as written) rather than fail the whole file.

use crate::checks::template::matching_brace;

/// Defaults may themselves hold `${...}`; this bounds that recursion.
const MAX_NESTING: usize = 8;

/// Variable lookup: `None` = unset, `Some("")` = set but empty.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

pub fn interpolate(text: &str, env: Lookup<'_>) -> String {
    expand(text, env, 0)
}

fn expand(text: &str, env: Lookup<'_>, depth: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner_and_tail) = after.strip_prefix('{') {
            match matching_brace(inner_and_tail) {
                Some(close) if depth < MAX_NESTING => {
                    out.push_str(&braced(&inner_and_tail[..close], env, depth));
                    rest = &inner_and_tail[close + 1..];
                }
                _ => {
                    // Unclosed or too deeply nested: keep the text as written.
                    out.push('$');
                    rest = after;
                }
            }
        } else {
            let name_len = name_length(after);
            if name_len == 0 {
                out.push('$');
                rest = after;
            } else {
                out.push_str(&env(&after[..name_len]).unwrap_or_default());
                rest = &after[name_len..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Length of the variable name at the start of `text` (`[A-Za-z_][A-Za-z0-9_]*`), 0 if none.
fn name_length(text: &str) -> usize {
    let bytes = text.as_bytes();
    match bytes.first() {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => bytes
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count(),
        _ => 0,
    }
}

/// The body of `${...}`: a name, optionally followed by an operator and its word.
fn braced(body: &str, env: Lookup<'_>, depth: usize) -> String {
    let name_len = name_length(body);
    let name = &body[..name_len];
    let op_and_word = &body[name_len..];
    if name.is_empty() {
        // Not a valid template (`${}`, `${1}`): compose refuses it; keep it visible as written.
        return format!("${{{body}}}");
    }
    let value = env(name);
    let set = value.is_some();
    let non_empty = value.as_deref().is_some_and(|v| !v.is_empty());
    let word = |w: &str| expand(w, env, depth + 1);
    let (op, w) = split_operator(op_and_word);
    match op {
        "" => value.unwrap_or_default(),
        ":-" if non_empty => value.unwrap_or_default(),
        ":-" => word(w),
        "-" if set => value.unwrap_or_default(),
        "-" => word(w),
        ":+" if non_empty => word(w),
        "+" if set => word(w),
        ":+" | "+" => String::new(),
        // Required-variable forms: compose would stop; the audit uses what is there.
        ":?" | "?" => value.unwrap_or_default(),
        _ => format!("${{{body}}}"),
    }
}

fn split_operator(text: &str) -> (&str, &str) {
    for op in [":-", ":+", ":?", "-", "+", "?"] {
        if let Some(word) = text.strip_prefix(op) {
            return (op, word);
        }
    }
    (text, "")
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
