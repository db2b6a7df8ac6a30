//! HTTP hardening judges: pure functions from fetched responses ([`crate::facts::http`]) to
//! observations. The parsers (HSTS, CSP, Set-Cookie) are pure too.

pub mod access;
pub mod allowlist;
pub mod body_limit;
pub mod cookie;
pub mod cookies;
pub mod csp;
pub mod headers;
pub mod health;
pub mod hsts;
pub mod hsts_check;
pub mod redirect;
#[cfg(test)]
pub(crate) mod testutil;
pub mod websocket;

use crate::checks::Judgement;
use crate::facts::http::{HttpError, HttpNeed, HttpRequest, HttpResponse, HttpView};
use crate::facts::Facts;
use crate::finding::Observation;

/// The usual HTTP judgement: the answer to one declared request, judged, each observation
/// located at the request's host, port and path.
pub fn judge_need(
    facts: &Facts,
    need: &HttpNeed,
    judge: impl FnOnce(&HttpRequest, &Result<HttpResponse, HttpError>) -> Vec<Observation>,
) -> Judgement {
    let http = facts.http();
    http.url()?;
    let request = http.request(need)?;
    let outcome = http.response(need)?;
    Ok(located(&http, &request, judge(&request, &outcome)))
}

/// [`judge_need`] for several requests (one per path), observations in order.
pub fn judge_needs(
    facts: &Facts,
    needs: &[HttpNeed],
    judge: impl Fn(&Result<HttpResponse, HttpError>) -> Vec<Observation>,
) -> Judgement {
    let mut out = Vec::new();
    for need in needs {
        out.extend(judge_need(facts, need, |_, outcome| judge(outcome))?);
    }
    Ok(out)
}

/// The `validate` of kinds that take `paths`.
pub fn require_paths(paths: &[String]) -> Result<(), String> {
    if paths.is_empty() {
        return Err("`paths` must name at least one path".into());
    }
    Ok(())
}

/// Points every observation that has no location yet at the request's host, port and path.
pub fn located(
    view: &HttpView,
    request: &HttpRequest,
    observations: Vec<Observation>,
) -> Vec<Observation> {
    let location = view.location(request);
    observations
        .into_iter()
        .map(|o| {
            if o.location.is_some() {
                o
            } else {
                o.at(location.clone())
            }
        })
        .collect()
}

pub fn root_path() -> String {
    "/".to_string()
}

pub fn yes() -> bool {
    true
}

/// The plain-HTTP port browsers use; tests and staging may name another.
pub fn port_80() -> u16 {
    80
}

/// A request that got no answer, when an answer was needed to judge.
pub fn no_answer(subject: impl Into<String>, error: &HttpError) -> Observation {
    Observation::error(subject, format!("no HTTP answer: {error}"))
}

/// Case-insensitive glob with `*` for any run of characters. Iterative with one backtrack
/// point, so it stays linear-ish on hostile header values.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// A server string made safe to show: control characters escaped, length bounded.
pub fn shown(value: &str) -> String {
    const MAX: usize = 200;
    let mut out = String::new();
    for c in value.chars().take(MAX) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if value.chars().count() > MAX {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob() {
        assert!(glob_matches("*no-store*", "private, NO-STORE"));
        assert!(glob_matches("nginx*", "nginx/1.22"));
        assert!(!glob_matches("nginx", "nginx/1.22"));
        assert!(glob_matches("a*b*c", "aXbYbc"));
        assert!(!glob_matches("a*b*c", "aXbY"));
    }

    #[test]
    fn shown_escapes_only_control_characters() {
        assert_eq!(shown("script-src 'self'"), "script-src 'self'");
        assert_eq!(shown("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\n");
    }
}
