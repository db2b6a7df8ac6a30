//! http.headers: what one page's response headers must and must not say. The built-in
//! aspects follow Mozilla's HTTP Observatory; `required`, `forbidden` and `patterns` let a
//! profile add its own.

use super::csp::{self, Policy};
use super::{glob_matches, judge_needs, no_answer, require_paths, shown, yes};
use crate::checks::{Judgement, Kind};
use crate::facts::http::HttpNeed;
use crate::facts::http::{HttpError, HttpResponse};
use crate::facts::{Facts, Need};
use crate::finding::{Category, Observation};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

fn root_paths() -> Vec<String> {
    vec!["/".to_string()]
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpHeaders {
    /// Paths whose answers are judged (redirects on the host followed).
    #[serde(default = "root_paths")]
    pub paths: Vec<String>,
    /// Headers that must be present (any value).
    #[serde(default)]
    pub required: Vec<String>,
    /// Headers that must be absent (e.g. `X-Powered-By`).
    #[serde(default)]
    pub forbidden: Vec<String>,
    /// Header name -> glob (`*` = anything, case-insensitive) its value must match.
    #[serde(default)]
    pub patterns: BTreeMap<String, String>,
    #[serde(default = "yes")]
    pub nosniff: bool,
    #[serde(default = "yes")]
    pub clickjacking: bool,
    #[serde(default)]
    pub referrer_policy: bool,
    /// A Content-Security-Policy must be sent.
    #[serde(default = "yes")]
    pub csp: bool,
    /// Its script-src (or default-src) must not allow 'unsafe-inline' or 'unsafe-eval'.
    #[serde(default)]
    pub csp_scripts: bool,
}

impl Default for HttpHeaders {
    fn default() -> Self {
        HttpHeaders {
            paths: root_paths(),
            required: Vec::new(),
            forbidden: Vec::new(),
            patterns: BTreeMap::new(),
            nosniff: true,
            clickjacking: true,
            referrer_policy: false,
            csp: true,
            csp_scripts: false,
        }
    }
}

impl HttpHeaders {
    fn http_needs(&self) -> Vec<HttpNeed> {
        self.paths.iter().map(|p| HttpNeed::get(p)).collect()
    }
}

impl Kind for HttpHeaders {
    const TAG: &'static str = "http.headers";
    const CATEGORY: Category = Category::Http;

    fn needs(&self) -> Vec<Need> {
        self.http_needs().into_iter().map(Need::Http).collect()
    }

    fn validate(&self) -> Result<(), String> {
        require_paths(&self.paths)
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        judge_needs(facts, &self.http_needs(), |outcome| judge(outcome, self))
    }
}

pub fn judge(outcome: &Result<HttpResponse, HttpError>, rules: &HttpHeaders) -> Vec<Observation> {
    let response = match outcome {
        Ok(r) => r,
        Err(e) => return vec![no_answer(e.url(), e)],
    };
    let url = response.url.as_str();
    let subject = |name: &str| format!("{url} {}", name.to_ascii_lowercase());
    let mut out = Vec::new();
    for name in &rules.required {
        out.push(
            match response.header(name) {
                Some(v) => {
                    Observation::pass(subject(name), format!("{name} is sent")).actual(shown(v))
                }
                None => {
                    Observation::fail(subject(name), format!("{name} is missing")).actual("absent")
                }
            }
            .expected("present"),
        );
    }
    for name in &rules.forbidden {
        out.push(
            match response.header(name) {
                Some(v) => {
                    Observation::fail(subject(name), format!("{name} is sent")).actual(shown(v))
                }
                None => {
                    Observation::pass(subject(name), format!("{name} is not sent")).actual("absent")
                }
            }
            .expected("absent"),
        );
    }
    for (name, pattern) in &rules.patterns {
        let o = match response.header(name) {
            Some(v) if glob_matches(pattern, v) => {
                Observation::pass(subject(name), format!("{name} matches {pattern:?}"))
            }
            Some(_) => {
                Observation::fail(subject(name), format!("{name} does not match {pattern:?}"))
            }
            None => Observation::fail(subject(name), format!("{name} is missing")),
        };
        out.push(
            o.expected(format!("matches {pattern:?}")).actual(
                response
                    .header(name)
                    .map(shown)
                    .unwrap_or_else(|| "absent".into()),
            ),
        );
    }
    if rules.nosniff {
        out.push(nosniff(response, subject("x-content-type-options")));
    }
    let policies = csp::parse_headers(response.header_all("content-security-policy"));
    if rules.clickjacking {
        out.push(clickjacking(response, &policies, subject("clickjacking")));
    }
    if rules.referrer_policy {
        out.push(referrer_policy(response, subject("referrer-policy")));
    }
    if rules.csp || rules.csp_scripts {
        out.push(csp_check(
            response,
            &policies,
            rules.csp_scripts,
            subject("content-security-policy"),
        ));
    }
    out
}

/// Fetch's "determine nosniff": the first of all the header's comma-separated values decides.
fn nosniff(response: &HttpResponse, subject: String) -> Observation {
    let values: Vec<&str> = response.header_all("x-content-type-options").collect();
    let first = values.first().and_then(|v| v.split(',').next());
    match first.map(|f| f.trim_matches([' ', '\t'])) {
        Some(f) if f.eq_ignore_ascii_case("nosniff") => {
            Observation::pass(subject, "X-Content-Type-Options: nosniff")
        }
        Some(_) => Observation::fail(subject, "X-Content-Type-Options is not \"nosniff\"")
            .actual(shown(&values.join(", "))),
        None => Observation::fail(
            subject,
            "X-Content-Type-Options is missing: browsers may sniff content types",
        )
        .actual("absent"),
    }
    .expected("nosniff")
}

fn clickjacking(response: &HttpResponse, policies: &[Policy], subject: String) -> Observation {
    let expected = "CSP frame-ancestors, or X-Frame-Options DENY/SAMEORIGIN";
    let all_xfo: Vec<&str> = response.header_all("x-frame-options").collect();
    let xfo = (!all_xfo.is_empty()).then(|| all_xfo.join(", "));
    let xfo = xfo.as_deref();
    let actual = format!(
        "frame-ancestors {}; X-Frame-Options {}",
        policies
            .iter()
            .find_map(|p| p.directive("frame-ancestors"))
            .map(|l| shown(&l.join(" ")))
            .unwrap_or_else(|| "absent".into()),
        xfo.map(shown).unwrap_or_else(|| "absent".into())
    );
    // CSP frame-ancestors overrides X-Frame-Options in browsers that support both.
    let o = match csp::frame_ancestors_protects(policies) {
        Some(true) => Observation::pass(subject, "CSP frame-ancestors restricts framing"),
        Some(false) => Observation::fail(subject, "CSP frame-ancestors allows framing by any site"),
        None => match xfo.map(xfo_blocks_cross_origin_framing) {
            Some(true) => Observation::pass(
                subject,
                format!("X-Frame-Options: {}", shown(xfo.unwrap_or_default())),
            ),
            Some(false) => Observation::fail(
                subject,
                "X-Frame-Options has a value browsers ignore (only DENY and SAMEORIGIN work)",
            ),
            None => Observation::fail(
                subject,
                "no clickjacking protection: neither CSP frame-ancestors nor X-Frame-Options",
            ),
        },
    };
    o.expected(expected).actual(actual)
}

/// The HTML standard's X-Frame-Options processing ("check a navigation response's adherence
/// to X-Frame-Options"): every header value, split on commas, lower-cased, as a set. Several
/// different values block framing if one of them is deny, sameorigin or allowall, and allow
/// it otherwise; a single value blocks cross-origin framing when it is deny or sameorigin.
fn xfo_blocks_cross_origin_framing(combined: &str) -> bool {
    let mut values: Vec<String> = combined
        .split(',')
        .map(|v| v.trim_matches([' ', '\t']).to_ascii_lowercase())
        .collect();
    values.sort();
    values.dedup();
    match values.as_slice() {
        [one] => one == "deny" || one == "sameorigin",
        many => many
            .iter()
            .any(|v| v == "deny" || v == "sameorigin" || v == "allowall"),
    }
}

const PRIVATE_REFERRER: [&str; 4] = [
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
];
const KNOWN_REFERRER: [&str; 4] = [
    "origin",
    "origin-when-cross-origin",
    "unsafe-url",
    "no-referrer-when-downgrade",
];

fn referrer_policy(response: &HttpResponse, subject: String) -> Observation {
    let expected = PRIVATE_REFERRER.join(" | ");
    let Some(value) = response.header("referrer-policy") else {
        return Observation::warn(
            subject,
            "no Referrer-Policy (browsers default to strict-origin-when-cross-origin; older ones leak full URLs)",
        )
        .expected(expected)
        .actual("absent");
    };
    // The last token a browser recognises wins.
    let effective = value
        .split(',')
        .map(|t| t.trim().to_ascii_lowercase())
        .rfind(|t| PRIVATE_REFERRER.contains(&t.as_str()) || KNOWN_REFERRER.contains(&t.as_str()));
    match effective {
        Some(p) if PRIVATE_REFERRER.contains(&p.as_str()) => {
            Observation::pass(subject, format!("Referrer-Policy: {p}"))
        }
        Some(p) => Observation::fail(
            subject,
            format!("Referrer-Policy {p} sends URLs to other sites"),
        ),
        None => Observation::fail(subject, "Referrer-Policy has no value browsers recognise"),
    }
    .expected(expected)
    .actual(shown(value))
}

fn csp_check(
    response: &HttpResponse,
    policies: &[Policy],
    scripts: bool,
    subject: String,
) -> Observation {
    let header = response.header("content-security-policy");
    let actual = header.map(shown).unwrap_or_else(|| "absent".into());
    let expected = if scripts {
        "a CSP whose script-src (or default-src) allows neither 'unsafe-inline' nor 'unsafe-eval'"
    } else {
        "a Content-Security-Policy"
    };
    if policies.is_empty() {
        let message = if response
            .header("content-security-policy-report-only")
            .is_some()
        {
            "only Content-Security-Policy-Report-Only is sent: it reports, it blocks nothing"
        } else {
            "no Content-Security-Policy"
        };
        return Observation::fail(subject, message)
            .expected(expected)
            .actual(actual);
    }
    if !scripts {
        return Observation::pass(subject, "a Content-Security-Policy is sent")
            .expected(expected)
            .actual(actual);
    }
    // Every policy is enforced: a script runs only if all of them allow it.
    let verdicts: Vec<_> = policies.iter().map(csp::judge_scripts).collect();
    let inline_blocked = verdicts.iter().any(|v| !v.allows_inline());
    let eval_blocked = verdicts.iter().any(|v| !v.unsafe_eval);
    let mut problems = Vec::new();
    if !inline_blocked {
        problems.push(match verdicts.iter().find_map(|v| v.governed_by) {
            Some(d) => {
                format!("{d} allows 'unsafe-inline' (inline scripts run: XSS is not contained)")
            }
            None => {
                "neither script-src nor default-src is set: scripts from anywhere, inline included"
                    .to_string()
            }
        });
    }
    if !eval_blocked && verdicts.iter().any(|v| v.governed_by.is_some()) {
        let d = verdicts
            .iter()
            .find_map(|v| v.governed_by)
            .unwrap_or("script-src");
        problems.push(format!("{d} allows 'unsafe-eval'"));
    }
    let inert = verdicts
        .iter()
        .find(|v| v.unsafe_inline_listed && v.inline_neutralised_by.is_some());
    let o = if problems.is_empty() {
        let mut message = "script-src allows neither inline scripts nor eval".to_string();
        if let Some(v) = inert {
            message = format!(
                "'unsafe-inline' is listed in {} but inert: {} is present, so CSP level 3 browsers ignore it",
                v.governed_by.unwrap_or("script-src"),
                v.inline_neutralised_by.as_deref().unwrap_or("a nonce")
            );
        }
        Observation::pass(subject, message)
    } else {
        Observation::fail(subject, problems.join("; "))
    };
    o.expected(expected).actual(actual)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::http::testutil::response;
    use crate::finding::Status;

    fn statuses(headers: &[(&str, &str)], rules: &HttpHeaders) -> Vec<(String, Status)> {
        judge(&Ok(response("https://a.test/login", 200, headers)), rules)
            .into_iter()
            .map(|o| (o.subject.rsplit(' ').next().unwrap().to_string(), o.status))
            .collect()
    }

    fn scripts() -> HttpHeaders {
        HttpHeaders {
            csp_scripts: true,
            referrer_policy: true,
            ..HttpHeaders::default()
        }
    }

    #[test]
    fn good_headers_pass() {
        let got = statuses(
            &[
                ("X-Content-Type-Options", "nosniff"),
                (
                    "Content-Security-Policy",
                    "default-src 'self'; frame-ancestors 'none'",
                ),
                (
                    "Referrer-Policy",
                    "unsafe-url, strict-origin-when-cross-origin",
                ),
            ],
            &scripts(),
        );
        assert!(got.iter().all(|(_, s)| *s == Status::Pass), "{got:?}");
    }

    #[test]
    fn missing_headers_fail_each_on_its_own() {
        let got = statuses(&[], &scripts());
        assert_eq!(
            got,
            vec![
                ("x-content-type-options".into(), Status::Fail),
                ("clickjacking".into(), Status::Fail),
                ("referrer-policy".into(), Status::Warn),
                ("content-security-policy".into(), Status::Fail),
            ]
        );
    }

    #[test]
    fn x_frame_options_is_read_the_way_the_html_standard_reads_it() {
        let status = |headers: &[(&str, &str)]| {
            judge(
                &Ok(response("https://a.test/", 200, headers)),
                &HttpHeaders::default(),
            )[1]
            .status
        };
        let xfo = |v| ("X-Frame-Options", v);
        assert_eq!(status(&[xfo("DENY")]), Status::Pass);
        assert_eq!(status(&[xfo(" SameOrigin ")]), Status::Pass);
        // One header or two, the values form one set.
        assert_eq!(status(&[xfo("DENY, SAMEORIGIN")]), Status::Pass);
        assert_eq!(status(&[xfo("DENY"), xfo("DENY")]), Status::Pass);
        assert_eq!(status(&[xfo("sameorigin"), xfo("allowall")]), Status::Pass);
        assert_eq!(status(&[xfo("ALLOW-FROM https://a.test/")]), Status::Fail);
        assert_eq!(status(&[xfo("allowall")]), Status::Fail);
        assert_eq!(status(&[xfo("foo, bar")]), Status::Fail);
        assert_eq!(status(&[xfo("")]), Status::Fail);
    }

    #[test]
    fn nosniff_is_decided_by_the_first_value_as_fetch_does() {
        let status = |headers: &[(&str, &str)]| {
            judge(
                &Ok(response("https://a.test/", 200, headers)),
                &HttpHeaders::default(),
            )[0]
            .status
        };
        let xcto = |v| ("X-Content-Type-Options", v);
        assert_eq!(status(&[xcto("NoSniff")]), Status::Pass);
        assert_eq!(status(&[xcto("nosniff, foo")]), Status::Pass);
        assert_eq!(status(&[xcto("nosniff"), xcto("foo")]), Status::Pass);
        assert_eq!(status(&[xcto("foo, nosniff")]), Status::Fail);
        assert_eq!(status(&[xcto("")]), Status::Fail);
    }

    #[test]
    fn x_frame_options_counts_when_no_frame_ancestors() {
        let o = judge(
            &Ok(response(
                "https://a.test/",
                200,
                &[("X-Frame-Options", "sameorigin")],
            )),
            &HttpHeaders::default(),
        );
        assert_eq!(o[1].status, Status::Pass);
        let o = judge(
            &Ok(response(
                "https://a.test/",
                200,
                &[
                    ("X-Frame-Options", "DENY"),
                    ("Content-Security-Policy", "frame-ancestors *"),
                ],
            )),
            &HttpHeaders::default(),
        );
        assert_eq!(o[1].status, Status::Fail);
    }

    #[test]
    fn csp_script_rules() {
        let csp = |v: &str| {
            judge(
                &Ok(response(
                    "https://a.test/",
                    200,
                    &[("Content-Security-Policy", v)],
                )),
                &scripts(),
            )
            .into_iter()
            .find(|o| o.subject.ends_with("content-security-policy"))
            .unwrap()
        };
        let o = csp("default-src 'self'; script-src 'self' 'unsafe-inline'");
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("script-src allows 'unsafe-inline'"),
            "{}",
            o.message
        );
        let o = csp("default-src 'self' 'unsafe-inline'");
        assert!(o.message.contains("default-src"), "{}", o.message);
        let o = csp("script-src 'self' 'unsafe-inline' 'nonce-r4nd0m'");
        assert_eq!(o.status, Status::Pass);
        assert!(
            o.message.contains("inert") && o.message.contains("nonce"),
            "{}",
            o.message
        );
        let o = csp("script-src 'self' 'unsafe-eval'");
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("'unsafe-eval'"), "{}", o.message);
        let o = csp("img-src 'self'");
        assert_eq!(o.status, Status::Fail);
    }

    #[test]
    fn custom_rules() {
        let rules = HttpHeaders {
            required: vec!["Cache-Control".into()],
            forbidden: vec!["X-Powered-By".into()],
            patterns: BTreeMap::from([("Cache-Control".to_string(), "*no-store*".to_string())]),
            nosniff: false,
            clickjacking: false,
            csp: false,
            ..HttpHeaders::default()
        };
        let got = statuses(
            &[("cache-control", "private"), ("x-powered-by", "Express")],
            &rules,
        );
        assert_eq!(
            got,
            vec![
                ("cache-control".into(), Status::Pass),
                ("x-powered-by".into(), Status::Fail),
                ("cache-control".into(), Status::Fail),
            ]
        );
    }
}
