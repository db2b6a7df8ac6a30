//! http.cookie: a named cookie carries Secure, HttpOnly and the SameSite value the profile
//! asks for. A cookie the page never sets is a skip: there is nothing to judge.

use super::cookie::{self, SameSite};
use super::{glob_matches, judge_need, no_answer, root_path, shown, yes};
use crate::checks::{Judgement, Kind};
use crate::facts::http::HttpNeed;
use crate::facts::http::{HttpError, HttpResponse};
use crate::facts::{Facts, Need};
use crate::finding::{Category, Observation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SameSiteRule {
    #[serde(rename = "strict", alias = "Strict")]
    Strict,
    #[serde(rename = "lax", alias = "Lax")]
    Lax,
    #[serde(rename = "none", alias = "None")]
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpCookie {
    /// The cookie's name, e.g. `koda_operator_session`, or a pattern with `*` (`*session*`):
    /// every cookie it matches is judged.
    pub name: String,
    /// The page that sets it (redirects on the host followed; cookies set on the way count).
    #[serde(default = "root_path")]
    pub path: String,
    #[serde(default = "yes")]
    pub secure: bool,
    #[serde(default = "yes")]
    pub http_only: bool,
    /// The SameSite value required; unset: any valid SameSite attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_site: Option<SameSiteRule>,
}

impl Kind for HttpCookie {
    const TAG: &'static str = "http.cookie";
    const CATEGORY: Category = Category::Http;

    fn needs(&self) -> Vec<Need> {
        vec![Need::Http(HttpNeed::get(&self.path))]
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let rules = CookieRules {
            secure: self.secure,
            http_only: self.http_only,
            same_site: self.same_site.map(|s| match s {
                SameSiteRule::Strict => SameSite::Strict,
                SameSiteRule::Lax => SameSite::Lax,
                SameSiteRule::None => SameSite::None,
            }),
        };
        judge_need(facts, &HttpNeed::get(&self.path), |_, outcome| {
            judge(outcome, &self.name, &rules)
        })
    }
}

/// A name with `*` is a pattern (`*session*`), for products whose cookie name is not fixed
/// by their documentation; any other name is matched exactly, as browsers do.
fn name_matches(wanted: &str, name: &str) -> bool {
    if wanted.contains('*') {
        glob_matches(wanted, name)
    } else {
        wanted == name
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieRules {
    pub secure: bool,
    pub http_only: bool,
    /// `None`: any SameSite value, but one must be set.
    pub same_site: Option<SameSite>,
}

pub fn judge(
    outcome: &Result<HttpResponse, HttpError>,
    name: &str,
    rules: &CookieRules,
) -> Vec<Observation> {
    let response = match outcome {
        Ok(r) => r,
        Err(e) => return vec![no_answer(format!("{} cookie {name}", e.url()), e)],
    };
    let subject = format!("{} cookie {name}", response.url);
    let mut expected = Vec::new();
    if rules.secure {
        expected.push("Secure".to_string());
    }
    if rules.http_only {
        expected.push("HttpOnly".to_string());
    }
    expected.push(match &rules.same_site {
        Some(s) => format!("SameSite={}", s.label()),
        None => "SameSite".to_string(),
    });
    let expected = expected.join("; ");
    let set: Vec<_> = response
        .set_cookies()
        .into_iter()
        .filter_map(cookie::parse)
        .filter(|c| name_matches(name, &c.name))
        .collect();
    // A header that deletes the cookie carries no session: its attributes do not matter.
    let (cleared, set): (Vec<_>, Vec<_>) = set.into_iter().partition(|c| c.clears);
    if set.is_empty() {
        let why = if cleared.is_empty() {
            "the cookie was not set by this request"
        } else {
            "this request only deletes the cookie (Max-Age=0 or an Expires in the past)"
        };
        return vec![Observation::skip(
            subject,
            format!(
                "{why} (final status {}); it may only be set after signing in",
                response.status
            ),
        )
        .expected(expected)];
    }
    set.iter()
        .map(|c| {
            let cookie_name = shown(&c.name);
            let subject = format!("{} cookie {cookie_name}", response.url);
            let mut missing = Vec::new();
            if rules.secure && !c.secure {
                missing.push("Secure".to_string());
            }
            if rules.http_only && !c.http_only {
                missing.push("HttpOnly".to_string());
            }
            match (&rules.same_site, &c.same_site) {
                (_, None) => missing.push("SameSite".to_string()),
                (Some(want), Some(got)) if want != got => {
                    missing.push(format!("SameSite={} (is {})", want.label(), got.label()))
                }
                (None, Some(SameSite::Other(v))) => {
                    missing.push(format!("a valid SameSite (is {v:?})"))
                }
                _ => {}
            }
            let actual = [
                c.secure.then_some("Secure".to_string()),
                c.http_only.then_some("HttpOnly".to_string()),
                c.same_site
                    .as_ref()
                    .map(|s| format!("SameSite={}", s.label())),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; ");
            let actual = if actual.is_empty() {
                "no attributes".to_string()
            } else {
                actual
            };
            let o = if missing.is_empty() {
                Observation::pass(subject, format!("{cookie_name} is {actual}"))
            } else {
                Observation::fail(
                    subject,
                    format!("{cookie_name} lacks {}", missing.join(", ")),
                )
            };
            o.expected(expected.clone()).actual(actual)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::http::testutil::response;
    use crate::finding::Status;

    fn strict() -> CookieRules {
        CookieRules {
            secure: true,
            http_only: true,
            same_site: Some(SameSite::Strict),
        }
    }

    #[test]
    fn statuses() {
        let judge_one = |v: &str| {
            judge(
                &Ok(response("https://a.test/login", 200, &[("set-cookie", v)])),
                "sid",
                &strict(),
            )
            .remove(0)
        };
        assert_eq!(
            judge_one("sid=abc; Secure; HttpOnly; SameSite=Strict").status,
            Status::Pass
        );
        let o = judge_one("sid=abcdef; HttpOnly; SameSite=Lax");
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("Secure") && o.message.contains("SameSite=Strict (is Lax)"),
            "{}",
            o.message
        );
        assert!(!format!("{o:?}").contains("abcdef"));
        let o = judge_one("other=1; Secure");
        assert_eq!(o.status, Status::Skip);
        assert!(o.message.contains("not set"), "{}", o.message);
    }

    #[test]
    fn a_pattern_judges_every_cookie_it_matches_by_its_own_name() {
        let r = response(
            "https://a.test/login",
            302,
            &[
                ("set-cookie", "session=abc; Secure; HttpOnly; SameSite=Lax"),
                ("set-cookie", "app_session_id=abc; Secure; SameSite=Lax"),
                ("set-cookie", "locale=en"),
                (
                    "set-cookie",
                    "Session\u{1b}[31m=x; Secure; HttpOnly; SameSite=Lax",
                ),
            ],
        );
        let rules = CookieRules {
            secure: true,
            http_only: true,
            same_site: None,
        };
        let all = judge(&Ok(r), "*session*", &rules);
        let by_subject: Vec<(String, Status)> =
            all.iter().map(|o| (o.subject.clone(), o.status)).collect();
        assert_eq!(all.len(), 3, "{by_subject:?}");
        assert!(all[0].subject.ends_with("cookie session") && all[0].status == Status::Pass);
        assert!(all[1].subject.ends_with("cookie app_session_id"));
        assert_eq!(all[1].status, Status::Fail);
        assert!(all[1].message.contains("HttpOnly"), "{}", all[1].message);
        assert!(!all[2].subject.contains('\u{1b}'), "{}", all[2].subject);
        // An exact name does not match other cookies.
        assert_eq!(
            judge(
                &Ok(response(
                    "https://a.test/",
                    200,
                    &[("set-cookie", "xsession=1")]
                )),
                "session",
                &rules
            )[0]
            .status,
            Status::Skip
        );
    }

    #[test]
    fn a_deletion_is_not_judged_as_the_session_cookie() {
        let judged = |headers: &[(&str, &str)]| {
            judge(
                &Ok(response("https://a.test/login", 200, headers)),
                "sid",
                &strict(),
            )
        };
        let o = judged(&[("set-cookie", "sid=; Max-Age=0; Path=/")]).remove(0);
        assert_eq!(o.status, Status::Skip);
        assert!(o.message.contains("only deletes"), "{}", o.message);
        // Cleared, then set again: the new one is judged, alone.
        let all = judged(&[
            ("set-cookie", "sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"),
            ("set-cookie", "sid=abc; Secure; HttpOnly; SameSite=Strict"),
        ]);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].status, Status::Pass);
    }

    #[test]
    fn cookies_set_on_redirects_count() {
        let mut r = response("https://a.test/home", 200, &[]);
        r.redirects.push(crate::facts::http::Hop {
            url: reqwest::Url::parse("https://a.test/login").unwrap(),
            status: 302,
            headers: vec![(
                "set-cookie".into(),
                "sid=1; Secure; HttpOnly; SameSite=Strict".into(),
            )],
        });
        assert_eq!(judge(&Ok(r), "sid", &strict())[0].status, Status::Pass);
    }
}
