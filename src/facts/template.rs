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
    let closes = closing_braces(text);
    expand_at(text, 0, env, rules, 0, &closes)
}

/// Expands `text`, which starts at byte `offset` of the whole template whose `${` pairs are
/// `closes` (found once, so every `${` is matched in one linear pass, not rescanned).
fn expand_at(
    text: &str,
    offset: usize,
    env: Lookup<'_>,
    rules: &Rules,
    depth: usize,
    closes: &Closes,
) -> Result<String, TemplateError> {
    let refuse = rules.on_malformed == OnMalformed::Refuse;
    let mut out = String::with_capacity(text.len().min(rules.max_len));
    let mut pos = 0;
    while let Some(found) = text[pos..].find('$') {
        let dollar = pos + found;
        push_bounded(&mut out, &text[pos..dollar], rules)?;
        let after = dollar + 1;
        let rest = &text[after..];
        if rest.starts_with('$') {
            push_bounded(&mut out, "$", rules)?;
            pos = after + 1;
        } else if rest.starts_with('{') {
            let open = after; // index of `{`
            match closes.get(&(offset + open)).copied() {
                Some(close) if depth < rules.max_nesting => {
                    let close = close - offset;
                    let body = &text[open + 1..close];
                    let value = braced(body, offset + open + 1, env, rules, depth, closes)?;
                    push_bounded(&mut out, &value, rules)?;
                    pos = close + 1;
                }
                Some(_) if refuse => return Err(TemplateError::TooDeep),
                None if refuse => return Err(TemplateError::Unclosed),
                _ => {
                    push_bounded(&mut out, "$", rules)?;
                    pos = after;
                }
            }
        } else {
            let name_len = name_length(rest);
            if name_len > 0 {
                push_bounded(&mut out, &env(&rest[..name_len]).unwrap_or_default(), rules)?;
            } else {
                push_bounded(&mut out, "$", rules)?;
            }
            pos = after + name_len;
        }
    }
    push_bounded(&mut out, &text[pos..], rules)?;
    Ok(out)
}

/// Appends unless the result would pass `max_len`: the bound holds before memory is taken.
fn push_bounded(out: &mut String, piece: &str, rules: &Rules) -> Result<(), TemplateError> {
    if out.len().saturating_add(piece.len()) > rules.max_len {
        return Err(TemplateError::TooLong);
    }
    out.push_str(piece);
    Ok(())
}

/// Byte index of each `{` of a `${` -> byte index of the `}` that closes it.
type Closes = std::collections::HashMap<usize, usize>;

/// One pass over the template: `$$` is a literal dollar (never an opening), `${` opens, `}`
/// closes the innermost open one; unclosed openings have no entry.
fn closing_braces(text: &str) -> Closes {
    let bytes = text.as_bytes();
    let mut closes = Closes::new();
    let mut open = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'$') => i += 1,
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                open.push(i + 1);
                i += 1;
            }
            b'}' => {
                if let Some(start) = open.pop() {
                    closes.insert(start, i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    closes
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
    offset: usize,
    env: Lookup<'_>,
    rules: &Rules,
    depth: usize,
    closes: &Closes,
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
    let word_offset = offset + name_len + op.len();
    let word = |w: &str| expand_at(w, word_offset, env, rules, depth + 1, closes);
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

    fn close_of(text: &str) -> Option<usize> {
        // The `{` of a template starting the text is at index 1.
        closing_braces(text).get(&1).copied()
    }

    #[test]
    fn finds_the_brace_that_closes_the_outer_template() {
        assert_eq!(close_of("${A}"), Some(3));
        assert_eq!(close_of("${A:-${B}}tail"), Some(9));
        assert_eq!(close_of("${A:-$${B}"), Some(9));
        assert_eq!(close_of("${A:-${B"), None);
    }

    #[test]
    fn many_unclosed_openings_take_linear_time() {
        let keep = Rules {
            on_malformed: OnMalformed::Keep,
            max_nesting: 8,
            max_len: 4 << 20,
        };
        let text = "${".repeat(512 * 1024);
        let started = std::time::Instant::now();
        assert_eq!(expand(&text, &env, &keep).unwrap(), text);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn output_is_bounded_before_it_is_built() {
        let big = |n: &str| (n == "A").then(|| "x".repeat(1000));
        let rules = Rules {
            on_malformed: OnMalformed::Keep,
            max_nesting: 8,
            max_len: 10_000,
        };
        assert!(expand(&"${A}".repeat(9), &big, &rules).is_ok());
        assert_eq!(
            expand(&"${A}".repeat(11), &big, &rules),
            Err(TemplateError::TooLong)
        );
        assert_eq!(
            expand(
                "${U:-${A}${A}}",
                &big,
                &Rules {
                    max_len: 1500,
                    ..rules
                }
            ),
            Err(TemplateError::TooLong)
        );
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
