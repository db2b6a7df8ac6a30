//! http.body-limit: a request declaring a body over the limit is refused with 413 from its
//! headers alone, before the server reads (or waits for) the body.

use super::{judge_need, no_answer, root_path};
use crate::checks::{Judgement, Kind};
use crate::facts::http::HttpNeed;
use crate::facts::http::{HttpError, HttpResponse, Method};
use crate::facts::{Facts, Need};
use crate::finding::{Category, Observation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpBodyLimit {
    #[serde(default = "root_path")]
    pub path: String,
    /// The Content-Length declared (no byte of it is sent).
    #[serde(default = "over_10_mb")]
    pub declared_bytes: u64,
    /// The `Content-Type` declared, for servers whose limit sits in the parser for one type
    /// (OCMT's `/api/mcp` takes `application/json` up to 10 MB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

fn over_10_mb() -> u64 {
    10 * 1024 * 1024 + 1
}

impl HttpBodyLimit {
    fn need(&self) -> HttpNeed {
        HttpNeed {
            method: Method::OversizedPost {
                declared: self.declared_bytes,
                content_type: self.content_type.clone(),
            },
            ..HttpNeed::get(&self.path).no_follow()
        }
    }
}

impl Kind for HttpBodyLimit {
    const TAG: &'static str = "http.body-limit";
    const CATEGORY: Category = Category::Http;

    fn needs(&self) -> Vec<Need> {
        vec![Need::Http(self.need())]
    }

    fn validate(&self) -> Result<(), String> {
        match &self.content_type {
            Some(t) if t.is_empty() || !t.bytes().all(|b| (0x20..0x7f).contains(&b)) => Err(
                format!("`content_type` must be printable ASCII, e.g. \"application/json\": {t:?}"),
            ),
            _ => Ok(()),
        }
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        judge_need(facts, &self.need(), |_, outcome| {
            judge(outcome, self.declared_bytes)
        })
    }
}

pub fn judge(outcome: &Result<HttpResponse, HttpError>, declared: u64) -> Vec<Observation> {
    let expected = "413 Payload Too Large before any body is sent".to_string();
    let o = match outcome {
        Ok(r) if r.status == 413 => Observation::pass(
            r.url.as_str(),
            format!("a declared body of {declared} bytes is refused with 413 up front"),
        )
        .actual("status 413"),
        Ok(r) if (200..300).contains(&r.status) => Observation::fail(
            r.url.as_str(),
            format!("answers {} to a declared body of {declared} bytes without waiting for it", r.status),
        )
        .actual(format!("status {}", r.status)),
        Ok(r) => Observation::warn(
            r.url.as_str(),
            format!("answers {} rather than 413: the size limit is not shown", r.status),
        )
        .actual(format!("status {}", r.status)),
        Err(HttpError::Timeout { url }) => Observation::warn(
            url.as_str(),
            format!("not refused up front: the server waited for the {declared}-byte body until the timeout"),
        )
        .actual("no answer before the timeout"),
        Err(HttpError::Protocol { url, reason }) => Observation::warn(
            url.as_str(),
            format!("the connection ended without a 413 ({reason})"),
        ),
        Err(e) => no_answer(e.url(), e),
    };
    vec![o.expected(expected)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::http::testutil::response;
    use crate::finding::Status;

    #[test]
    fn statuses() {
        let s = |o: Result<HttpResponse, HttpError>| judge(&o, 10_485_761)[0].status;
        assert_eq!(s(Ok(response("https://a.test/", 413, &[]))), Status::Pass);
        assert_eq!(s(Ok(response("https://a.test/", 200, &[]))), Status::Fail);
        assert_eq!(s(Ok(response("https://a.test/", 404, &[]))), Status::Warn);
        let o = judge(
            &Err(HttpError::Timeout {
                url: "https://a.test/".into(),
            }),
            1,
        );
        assert_eq!(o[0].status, Status::Warn);
        assert!(o[0].message.contains("not refused up front"));
        assert_eq!(
            s(Err(HttpError::Refused { url: "u".into() })),
            Status::Error
        );
    }
}
