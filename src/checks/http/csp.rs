//! Content-Security-Policy read as browsers do (CSP level 3): a header may carry several
//! policies separated by `,`, every policy is enforced, directive names are case-insensitive,
//! a repeated directive is ignored after its first occurrence, inline scripts follow
//! `script-src-elem` and inline handlers `script-src-attr`, each falling back to `script-src`
//! and then `default-src`.

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

    /// The source list that governs scripts (and eval), and the directive it came from.
    pub fn script_sources(&self) -> Option<(&'static str, &[String])> {
        self.first_of(&["script-src", "default-src"])
    }

    /// The first of `names` this policy sets: CSP level 3's fallback lists.
    fn first_of(&self, names: &[&'static str]) -> Option<(&'static str, &[String])> {
        names
            .iter()
            .find_map(|name| self.directive(name).map(|list| (*name, list)))
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

/// CSP level 3: inline `<script>` elements are governed by script-src-elem, inline event
/// handlers by script-src-attr, each falling back to script-src, then default-src; eval by
/// script-src, then default-src. Inline code runs if either inline kind is allowed.
pub fn judge_scripts(policy: &Policy) -> ScriptVerdict {
    let has = |list: &[String], k: &str| list.iter().any(|s| s.eq_ignore_ascii_case(k));
    let unsafe_eval = policy
        .script_sources()
        .is_none_or(|(_, list)| has(list, "'unsafe-eval'"));
    let judge = |kind: Option<(&'static str, &[String])>| match kind {
        None => ScriptVerdict {
            governed_by: None,
            unsafe_inline_listed: false,
            inline_neutralised_by: None,
            unsafe_eval,
        },
        Some((name, list)) => ScriptVerdict {
            governed_by: Some(name),
            unsafe_inline_listed: has(list, "'unsafe-inline'"),
            inline_neutralised_by: neutraliser(list),
            unsafe_eval,
        },
    };
    let elements = judge(policy.first_of(&["script-src-elem", "script-src", "default-src"]));
    let attributes = judge(policy.first_of(&["script-src-attr", "script-src", "default-src"]));
    let inert = |v: &ScriptVerdict| v.unsafe_inline_listed && v.inline_neutralised_by.is_some();
    // The kind that lets inline code run speaks for the policy; else the one whose
    // 'unsafe-inline' is inert (for the finding's note); else the elements'.
    if attributes.allows_inline() && !elements.allows_inline()
        || !inert(&elements) && inert(&attributes)
    {
        attributes
    } else {
        elements
    }
}

/// What makes a listed `'unsafe-inline'` ignored (CSP level 3): a nonce, a hash, or
/// `'strict-dynamic'`.
fn neutraliser(list: &[String]) -> Option<String> {
    if let Some(s) = list.iter().find(|s| is_nonce_or_hash(s)) {
        return Some(if s.to_ascii_lowercase().starts_with("'nonce-") {
            "a nonce".to_string()
        } else {
            "a hash".to_string()
        });
    }
    list.iter()
        .any(|s| s.eq_ignore_ascii_case("'strict-dynamic'"))
        .then(|| "'strict-dynamic'".to_string())
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
    fn level_3_split_directives_and_strict_dynamic() {
        // Inline event handlers follow script-src-attr, inline elements script-src-elem.
        let v = judge_scripts(&parse_policy(
            "script-src 'self'; script-src-attr 'unsafe-inline'",
        ));
        assert!(v.allows_inline());
        assert_eq!(v.governed_by, Some("script-src-attr"));
        let v = judge_scripts(&parse_policy(
            "default-src 'self'; script-src-elem 'self' 'unsafe-inline'",
        ));
        assert!(v.allows_inline());
        assert_eq!(v.governed_by, Some("script-src-elem"));
        // Both kinds fall back to script-src, then default-src.
        assert!(!judge_scripts(&parse_policy("script-src 'self'; default-src *")).allows_inline());
        // 'strict-dynamic' makes 'unsafe-inline' inert, like a nonce or a hash.
        let v = judge_scripts(&parse_policy(
            "script-src 'strict-dynamic' 'unsafe-inline' https:",
        ));
        assert!(!v.allows_inline());
        assert_eq!(v.inline_neutralised_by.as_deref(), Some("'strict-dynamic'"));
        // Eval is script-src's (or default-src's) alone.
        assert!(
            !judge_scripts(&parse_policy(
                "script-src 'self'; script-src-elem 'unsafe-eval'"
            ))
            .unsafe_eval
        );
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
