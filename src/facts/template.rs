//! Compose's `${...}` templates: `$$`, `$NAME`, `${NAME}`, and `${NAME<op>word}` with `:-`,
//! `-`, `:+`, `+`, `:?`, `?`. Compose files and env files use the same syntax; they differ
//! only in what a malformed template means (see [`OnMalformed`]).
//!
//! An unset variable without a default becomes the empty string, as in compose. `:?`/`?`
//! never stop the audit: the value (or empty) is used, since compose might fill it from the
//! operator's shell, which is not the deployment's.

/// Variable lookup: `None` = unset, `Some("")` = set but empty.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnMalformed {
    /// Keep a malformed or too deeply nested template as written and go on.
    Keep,
    /// Stop with the [`TemplateError`].
    Refuse,
}

#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub on_malformed: OnMalformed,
    /// Defaults may themselves hold `${...}`; this bounds that recursion.
    pub max_nesting: usize,
    /// Longest result, in bytes, at any nesting level.
    pub max_len: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateError {
    Unclosed,
    InvalidReference,
    TooDeep,
    TooLong,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TemplateError::Unclosed => "unclosed `${`",
            TemplateError::InvalidReference => "invalid `${...}` reference",
            TemplateError::TooDeep => "`${...}` nested too deeply",
            TemplateError::TooLong => "`${...}` expands to too much text",
        })
    }
}

impl std::error::Error for TemplateError {}

/// Paths in profiles (`${STATE_ROOT_DIR}/control_plane`): refused when malformed, and no path
/// is longer than `PATH_MAX`.
pub const PATH_RULES: Rules = Rules {
    on_malformed: OnMalformed::Refuse,
    max_nesting: 8,
    max_len: 4096,
};

/// Whether `text` reads `name` with no fallback (`$NAME` or `${NAME}`), so an unset value
/// leaves a hole rather than taking a default.
pub fn used_without_default(text: &str, name: &str) -> bool {
    let braced = format!("${{{name}}}");
    if text.contains(&braced) {
        return true;
    }
    let bare = format!("${name}");
    text.match_indices(&bare).any(|(i, m)| {
        let next = text[i + m.len()..].chars().next();
        !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') && !text[..i].ends_with('$')
    })
}

pub fn expand(text: &str, env: Lookup<'_>, rules: &Rules) -> Result<String, TemplateError> {
    expand_at(text, env, rules, 0)
}

fn expand_at(
    text: &str,
    env: Lookup<'_>,
    rules: &Rules,
    depth: usize,
) -> Result<String, TemplateError> {
    let refuse = rules.on_malformed == OnMalformed::Refuse;
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
                Some(close) if depth < rules.max_nesting => {
                    out.push_str(&braced(&inner_and_tail[..close], env, rules, depth)?);
                    rest = &inner_and_tail[close + 1..];
                }
                Some(_) if refuse => return Err(TemplateError::TooDeep),
                None if refuse => return Err(TemplateError::Unclosed),
                _ => {
                    out.push('$');
                    rest = after;
                }
            }
        } else {
            let name_len = name_length(after);
            if name_len > 0 {
                out.push_str(&env(&after[..name_len]).unwrap_or_default());
            } else {
                out.push('$');
            }
            rest = &after[name_len..];
        }
        if out.len() > rules.max_len {
            return Err(TemplateError::TooLong);
        }
    }
    out.push_str(rest);
    if out.len() > rules.max_len {
        return Err(TemplateError::TooLong);
    }
    Ok(out)
}

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
fn braced(
    body: &str,
    env: Lookup<'_>,
    rules: &Rules,
    depth: usize,
) -> Result<String, TemplateError> {
    let name_len = name_length(body);
    let (name, op_and_word) = body.split_at(name_len);
    let Some((op, w)) = split_operator(op_and_word).filter(|_| !name.is_empty()) else {
        // `${}`, `${1}`, `${A/x}`: compose refuses them.
        return match rules.on_malformed {
            OnMalformed::Keep => Ok(format!("${{{body}}}")),
            OnMalformed::Refuse => Err(TemplateError::InvalidReference),
        };
    };
    let value = env(name);
    let set = value.is_some();
    let non_empty = value.as_deref().is_some_and(|v| !v.is_empty());
    let word = |w: &str| expand_at(w, env, rules, depth + 1);
    Ok(match op {
        "" => value.unwrap_or_default(),
        ":-" if non_empty => value.unwrap_or_default(),
        "-" if set => value.unwrap_or_default(),
        ":-" | "-" => word(w)?,
        ":+" if non_empty => word(w)?,
        "+" if set => word(w)?,
        ":+" | "+" => String::new(),
        _ => value.unwrap_or_default(), // `:?` and `?`
    })
}

/// The operator after a name and its word; `None` when the text is no operator.
fn split_operator(text: &str) -> Option<(&str, &str)> {
    if text.is_empty() {
        return Some(("", ""));
    }
    [":-", ":+", ":?", "-", "+", "?"]
        .into_iter()
        .find_map(|op| text.strip_prefix(op).map(|word| (op, word)))
}

/// Index of the `}` closing a `${` whose body starts `text`: nested `${...}` (in a default)
/// are counted and `$$` (a literal dollar) is not an opening.
fn matching_brace(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'$') => i += 1,
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "A").then(|| "1".to_string())
    }

    fn refuse(text: &str) -> Result<String, TemplateError> {
        let rules = Rules {
            on_malformed: OnMalformed::Refuse,
            max_nesting: 2,
            max_len: 8,
        };
        expand(text, &env, &rules)
    }

    #[test]
    fn finds_the_brace_that_closes_the_outer_template() {
        assert_eq!(matching_brace("A}"), Some(1));
        assert_eq!(matching_brace("A:-${B}}tail"), Some(7));
        assert_eq!(matching_brace("A:-$${B}"), Some(7));
        assert_eq!(matching_brace("A:-${B"), None);
    }

    #[test]
    fn refusing_rules_name_what_is_wrong() {
        assert_eq!(refuse("${A}${B:-${A}}"), Ok("11".into()));
        assert_eq!(refuse("${A"), Err(TemplateError::Unclosed));
        assert_eq!(refuse("${}"), Err(TemplateError::InvalidReference));
        assert_eq!(refuse("${A/x}"), Err(TemplateError::InvalidReference));
        assert_eq!(refuse("${B:-${B:-${A}}}"), Err(TemplateError::TooDeep));
        assert_eq!(refuse("${B:-123456789}"), Err(TemplateError::TooLong));
    }
}
