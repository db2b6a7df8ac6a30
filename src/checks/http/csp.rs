//! Content-Security-Policy read as browsers do (CSP level 3): a header may carry several
//! policies separated by `,`, every policy is enforced, directive names are case-insensitive,
//! a repeated directive is ignored after its first occurrence, and `script-src` falls back to
//! `default-src`.

/// Directives kept per policy at most; a real policy has a few dozen.
const MAX_DIRECTIVES: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Lower-cased directive name and its source expressions, first occurrence only.
    pub directives: Vec<(String, Vec<String>)>,
}

/// Every policy of every `Content-Security-Policy` header of a response.
pub fn parse_headers<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Policy> {
    values
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(parse_policy)
        .filter(|p| !p.directives.is_empty())
        .collect()
}

pub fn parse_policy(text: &str) -> Policy {
    let mut directives: Vec<(String, Vec<String>)> = Vec::new();
    for part in text.split(';').take(MAX_DIRECTIVES) {
        let mut tokens = part.split_ascii_whitespace();
        let Some(name) = tokens.next() else { continue };
        let name = name.to_ascii_lowercase();
        if directives.iter().any(|(n, _)| *n == name) {
            continue;
        }
        directives.push((name, tokens.map(str::to_string).collect()));
    }
    Policy { directives }
}

impl Policy {
    pub fn directive(&self, name: &str) -> Option<&[String]> {
        self.directives
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// The source list that governs scripts, and the directive it came from.
    pub fn script_sources(&self) -> Option<(&'static str, &[String])> {
        if let Some(list) = self.directive("script-src") {
            return Some(("script-src", list));
        }
        self.directive("default-src").map(|l| ("default-src", l))
    }
}

/// How a source list treats inline scripts and eval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptVerdict {
    /// The directive that governs scripts, or `None` when neither script-src nor default-src
    /// is set (scripts from anywhere, inline included).
    pub governed_by: Option<&'static str>,
    pub unsafe_inline_listed: bool,
    /// `'unsafe-inline'` is listed but a nonce or hash makes browsers ignore it.
    pub inline_neutralised_by: Option<String>,
    pub unsafe_eval: bool,
}

impl ScriptVerdict {
    pub fn allows_inline(&self) -> bool {
        self.governed_by.is_none()
            || (self.unsafe_inline_listed && self.inline_neutralised_by.is_none())
    }
}

fn is_nonce_or_hash(source: &str) -> bool {
    let s = source.to_ascii_lowercase();
    ["'nonce-", "'sha256-", "'sha384-", "'sha512-"]
        .iter()
        .any(|p| s.starts_with(p))
        && s.ends_with('\'')
}

pub fn judge_scripts(policy: &Policy) -> ScriptVerdict {
    let Some((name, sources)) = policy.script_sources() else {
        return ScriptVerdict {
            governed_by: None,
            unsafe_inline_listed: false,
            inline_neutralised_by: None,
            unsafe_eval: true,
        };
    };
    let has = |k: &str| sources.iter().any(|s| s.eq_ignore_ascii_case(k));
    ScriptVerdict {
        governed_by: Some(name),
        unsafe_inline_listed: has("'unsafe-inline'"),
        inline_neutralised_by: sources.iter().find(|s| is_nonce_or_hash(s)).map(|s| {
            if s.to_ascii_lowercase().starts_with("'nonce-") {
                "a nonce".to_string()
            } else {
                "a hash".to_string()
            }
        }),
        unsafe_eval: has("'unsafe-eval'"),
    }
}

/// Whether some policy restricts framing: `frame-ancestors` without a wildcard or bare scheme.
pub fn frame_ancestors_protects(policies: &[Policy]) -> Option<bool> {
    let lists: Vec<&[String]> = policies
        .iter()
        .filter_map(|p| p.directive("frame-ancestors"))
        .collect();
    if lists.is_empty() {
        return None;
    }
    Some(lists.iter().any(|list| {
        !list
            .iter()
            .any(|s| s == "*" || matches!(s.to_ascii_lowercase().as_str(), "https:" | "http:"))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_src_falls_back_to_default_src() {
        let p = parse_policy("default-src 'self' 'unsafe-inline'; img-src *");
        let v = judge_scripts(&p);
        assert_eq!(v.governed_by, Some("default-src"));
        assert!(v.allows_inline());
        let p = parse_policy("default-src 'self' 'unsafe-inline'; SCRIPT-SRC 'self'");
        let v = judge_scripts(&p);
        assert_eq!(v.governed_by, Some("script-src"));
        assert!(!v.allows_inline());
    }

    #[test]
    fn nonce_or_hash_makes_unsafe_inline_inert() {
        let v = judge_scripts(&parse_policy(
            "script-src 'self' 'unsafe-inline' 'nonce-abc123'",
        ));
        assert!(v.unsafe_inline_listed && !v.allows_inline());
        assert_eq!(v.inline_neutralised_by.as_deref(), Some("a nonce"));
        let v = judge_scripts(&parse_policy("script-src 'unsafe-inline' 'sha256-AAAA='"));
        assert_eq!(v.inline_neutralised_by.as_deref(), Some("a hash"));
        let v = judge_scripts(&parse_policy("script-src 'unsafe-inline' 'unsafe-eval'"));
        assert!(v.allows_inline() && v.unsafe_eval);
    }

    #[test]
    fn no_script_directive_allows_everything() {
        let v = judge_scripts(&parse_policy("frame-ancestors 'none'"));
        assert!(v.governed_by.is_none() && v.allows_inline());
    }

    #[test]
    fn first_directive_wins_and_policies_split_on_commas() {
        let policies = parse_headers([
            "script-src 'self'; script-src 'unsafe-inline'",
            "default-src 'none', frame-ancestors 'self'",
        ]);
        assert_eq!(policies.len(), 3);
        assert!(!judge_scripts(&policies[0]).allows_inline());
        assert_eq!(frame_ancestors_protects(&policies), Some(true));
        assert_eq!(
            frame_ancestors_protects(&parse_headers(["frame-ancestors *"])),
            Some(false)
        );
        assert_eq!(
            frame_ancestors_protects(&parse_headers(["default-src 'self'"])),
            None
        );
    }
}
