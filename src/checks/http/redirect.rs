//! http.redirect: plain HTTP on port 80 must send browsers to HTTPS on the same host with a
//! permanent redirect.

use super::{judge_need, no_answer, port_80};
use crate::checks::{Judgement, Kind};
use crate::facts::http::HttpNeed;
use crate::facts::http::{HttpError, HttpResponse};
use crate::facts::{Facts, Need};
use crate::finding::{Category, Observation};
use reqwest::Url;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpRedirect {
    /// The plain-HTTP port browsers use (80; tests and staging may use another).
    #[serde(default = "port_80")]
    pub port: u16,
    /// A closed or filtered port is a pass (HTTPS-only deployments, HSTS-preloaded hosts).
    #[serde(default)]
    pub allow_closed: bool,
}

impl HttpRedirect {
    fn need(&self) -> HttpNeed {
        HttpNeed {
            plain_port: Some(self.port),
            ..HttpNeed::get("/").no_follow()
        }
    }
}

impl Kind for HttpRedirect {
    const TAG: &'static str = "http.redirect";
    const CATEGORY: Category = Category::Http;

    fn needs(&self) -> Vec<Need> {
        vec![Need::Http(self.need())]
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let host = facts.http().url()?.host.clone();
        judge_need(facts, &self.need(), |request, outcome| {
            judge(request.url.as_str(), outcome, &host, self.allow_closed)
        })
    }
}

/// `outcome` is the first answer to `GET http://HOST/` (redirects not followed).
pub fn judge(
    subject: &str,
    outcome: &Result<HttpResponse, HttpError>,
    host: &str,
    allow_closed: bool,
) -> Vec<Observation> {
    let expected = format!("301 or 308 to https://{host}/...");
    let response = match outcome {
        Ok(r) => r,
        Err(HttpError::Refused { .. }) => {
            return vec![
                closed(subject, "refused the connection (closed)", allow_closed).expected(expected),
            ];
        }
        Err(HttpError::Timeout { .. }) => {
            let o = closed(subject, "did not answer (filtered)", allow_closed);
            // Without the allowance a silent port is not evidence of anything.
            let o = if allow_closed {
                o
            } else {
                Observation::error(subject, o.message)
            };
            return vec![o.expected(expected)];
        }
        Err(e) => return vec![no_answer(subject, e).expected(expected)],
    };
    let status = response.status;
    let actual_status = |extra: &str| format!("{status}{extra}");
    if !response.is_redirect() {
        return vec![Observation::fail(
            subject,
            format!("port 80 answers {status} over plain HTTP instead of redirecting to HTTPS"),
        )
        .expected(expected)
        .actual(actual_status(""))];
    }
    let Some(location) = response.location() else {
        return vec![
            Observation::fail(subject, format!("{status} redirect without a Location"))
                .expected(expected)
                .actual(actual_status("")),
        ];
    };
    let target = response.url.join(location).ok();
    let shown = super::shown(location);
    let actual = actual_status(&format!(" -> {shown}"));
    let to_https = target.as_ref().is_some_and(|u| u.scheme() == "https");
    let same_host = target
        .as_ref()
        .and_then(Url::host_str)
        .map(|h| h.trim_matches(['[', ']']).eq_ignore_ascii_case(host))
        .unwrap_or(false);
    let o = if !to_https {
        Observation::fail(subject, format!("redirects to {shown}, not to HTTPS"))
    } else if !same_host {
        Observation::fail(
            subject,
            format!("redirects to another host ({shown}); expected https://{host}/"),
        )
    } else if matches!(status, 301 | 308) {
        Observation::pass(
            subject,
            format!("{status} permanent redirect to HTTPS on {host}"),
        )
    } else {
        Observation::warn(
            subject,
            format!(
                "{status} is a temporary redirect to HTTPS: browsers and caches will keep asking over plain HTTP; use 301 or 308"
            ),
        )
    };
    vec![o.expected(expected).actual(actual)]
}

fn closed(subject: &str, what: &str, allow_closed: bool) -> Observation {
    if allow_closed {
        Observation::pass(
            subject,
            format!("port 80 {what}; the profile allows port 80 to be closed"),
        )
    } else {
        Observation::fail(
            subject,
            format!("port 80 {what}: visitors typing http:// get no redirect to HTTPS"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::http::testutil::response;
    use crate::finding::Status;

    fn status(outcome: Result<HttpResponse, HttpError>, allow_closed: bool) -> Status {
        judge("http://a.test/", &outcome, "a.test", allow_closed)[0].status
    }

    #[test]
    fn statuses() {
        let r = |s, loc| Ok(response("http://a.test/", s, &[("Location", loc)]));
        assert_eq!(status(r(301, "https://a.test/"), false), Status::Pass);
        assert_eq!(status(r(308, "https://A.test:443/x"), false), Status::Pass);
        assert_eq!(status(r(302, "https://a.test/"), false), Status::Warn);
        assert_eq!(status(r(307, "https://a.test/"), false), Status::Warn);
        assert_eq!(status(r(301, "http://a.test/x"), false), Status::Fail);
        assert_eq!(status(r(301, "/x"), false), Status::Fail);
        assert_eq!(status(r(301, "https://evil.test/"), false), Status::Fail);
        assert_eq!(
            status(Ok(response("http://a.test/", 200, &[])), false),
            Status::Fail
        );
        let refused = || {
            Err(HttpError::Refused {
                url: "http://a.test/".into(),
            })
        };
        assert_eq!(status(refused(), false), Status::Fail);
        assert_eq!(status(refused(), true), Status::Pass);
        let timeout = || {
            Err(HttpError::Timeout {
                url: "http://a.test/".into(),
            })
        };
        assert_eq!(status(timeout(), false), Status::Error);
        assert_eq!(status(timeout(), true), Status::Pass);
        let o = &judge("s", &refused(), "a.test", false)[0];
        assert!(o.message.contains("refused"), "{}", o.message);
    }
}
