//! http.hsts: the HTTPS answer carries a valid `Strict-Transport-Security` that lasts long
//! enough. A header received over plain HTTP is ignored by browsers and does not count.

use super::{hsts, judge_need, no_answer, root_path, shown, yes};
use crate::checks::{Judgement, Kind};
use crate::facts::http::HttpNeed;
use crate::facts::http::{HttpError, HttpResponse};
use crate::facts::{Facts, Need, Unavailable};
use crate::finding::{Category, Observation, Severity};
use crate::target::Scheme;
use serde::{Deserialize, Serialize};

pub const DEFAULT_MIN_MAX_AGE: u64 = 31_536_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpHsts {
    #[serde(default = "root_path")]
    pub path: String,
    #[serde(default = "one_year")]
    pub min_max_age: u64,
    #[serde(default = "yes")]
    pub include_subdomains: bool,
}

fn one_year() -> u64 {
    DEFAULT_MIN_MAX_AGE
}

impl Kind for HttpHsts {
    const TAG: &'static str = "http.hsts";
    const CATEGORY: Category = Category::Http;

    fn needs(&self) -> Vec<Need> {
        vec![Need::Http(HttpNeed::get(&self.path))]
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let url = facts.http().url()?;
        if url.scheme != Scheme::Https {
            return Err(Unavailable::skip(
                url.host_port(),
                "--url is http://; HSTS counts only on an https:// answer",
            ));
        }
        judge_need(facts, &HttpNeed::get(&self.path), |_, outcome| {
            judge(outcome, self.min_max_age, self.include_subdomains)
        })
    }
}

pub fn judge(
    outcome: &Result<HttpResponse, HttpError>,
    min_max_age: u64,
    require_subdomains: bool,
) -> Vec<Observation> {
    let response = match outcome {
        Ok(r) => r,
        Err(e) => return vec![no_answer(e.url(), e)],
    };
    let subject = response.url.as_str();
    let mut expected = format!("max-age >= {min_max_age}");
    if require_subdomains {
        expected.push_str("; includeSubDomains");
    }
    if response.url.scheme() != "https" {
        return vec![Observation::fail(
            subject,
            "the answer came over plain HTTP, where browsers ignore Strict-Transport-Security",
        )
        .expected(expected)
        .actual(format!("final URL {}", response.url))];
    }
    let values: Vec<&str> = response.header_all("strict-transport-security").collect();
    let Some(first) = values.first() else {
        return vec![
            Observation::fail(subject, "no Strict-Transport-Security header")
                .expected(expected)
                .actual("absent"),
        ];
    };
    let actual = shown(first);
    // RFC 6797 8.1: only the first header is processed.
    let note = if values.len() > 1 {
        format!(
            " ({} headers sent; browsers use only the first)",
            values.len()
        )
    } else {
        String::new()
    };
    let parsed = match hsts::parse(first) {
        Ok(p) => p,
        Err(problem) => {
            return vec![Observation::fail(
                subject,
                format!("malformed Strict-Transport-Security: {problem}{note}; browsers ignore it"),
            )
            .expected(expected)
            .actual(actual)]
        }
    };
    let mut problems = Vec::new();
    if parsed.max_age == 0 {
        problems.push("max-age=0 tells browsers to forget HSTS".to_string());
    } else if parsed.max_age < min_max_age {
        problems.push(format!("max-age={} is under {min_max_age}", parsed.max_age));
    }
    if require_subdomains && !parsed.include_subdomains {
        problems.push("includeSubDomains is missing".to_string());
    }
    let main = if problems.is_empty() {
        Observation::pass(
            subject,
            format!(
                "HSTS max-age={}{}{note}",
                parsed.max_age,
                if parsed.include_subdomains {
                    "; includeSubDomains"
                } else {
                    ""
                }
            ),
        )
    } else {
        Observation::fail(subject, format!("{}{note}", problems.join("; ")))
    };
    let preload = if parsed.preload {
        Observation::pass(format!("{subject} preload"), "preload requested")
    } else {
        Observation::skip(
            format!("{subject} preload"),
            "preload not requested (informational: only needed to join the browsers' preload list)",
        )
    }
    .severity(Severity::Info);
    vec![main.expected(expected).actual(actual), preload]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::http::testutil::response;
    use crate::finding::Status;

    fn first(url: &str, header: Option<&str>, min: u64, sub: bool) -> Observation {
        let headers: Vec<(&str, &str)> = header
            .map(|h| vec![("Strict-Transport-Security", h)])
            .unwrap_or_default();
        judge(&Ok(response(url, 200, &headers)), min, sub).remove(0)
    }

    #[test]
    fn statuses() {
        let full = Some("max-age=31536000; includeSubDomains; preload");
        assert_eq!(
            first("https://a.test/", full, DEFAULT_MIN_MAX_AGE, true).status,
            Status::Pass
        );
        let o = first(
            "https://a.test/",
            Some("max-age=600"),
            DEFAULT_MIN_MAX_AGE,
            false,
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("under"), "{}", o.message);
        let o = first(
            "https://a.test/",
            Some("max-age=31536000"),
            DEFAULT_MIN_MAX_AGE,
            true,
        );
        assert!(o.message.contains("includeSubDomains"), "{}", o.message);
        let o = first("https://a.test/", Some("max-age=1; max-age=2"), 1, false);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("more than once"), "{}", o.message);
        assert_eq!(
            first("https://a.test/", None, 1, false).status,
            Status::Fail
        );
        let o = first("http://a.test/", full, 1, false);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("plain HTTP"), "{}", o.message);
        let all = judge(
            &Err(HttpError::Timeout {
                url: "https://a.test/".into(),
            }),
            1,
            false,
        );
        assert_eq!(all[0].status, Status::Error);
    }

    #[test]
    fn preload_is_informational() {
        let all = judge(
            &Ok(response(
                "https://a.test/",
                200,
                &[("strict-transport-security", "max-age=31536000")],
            )),
            1,
            false,
        );
        assert_eq!(all[1].status, Status::Skip);
        assert_eq!(all[1].severity, Some(Severity::Info));
    }
}
