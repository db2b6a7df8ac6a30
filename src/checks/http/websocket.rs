//! http.websocket: the product's WebSocket endpoint upgrades over TLS (wss://), and plain
//! HTTP never upgrades it (ws://), where its frames and the credentials sent with the
//! handshake would cross the network in clear.

use super::{judge_need, no_answer, port_80, shown};
use crate::checks::{Judgement, Kind};
use crate::facts::http::{websocket_accept_is_valid, HttpError, HttpNeed, HttpResponse, Method};
use crate::facts::{Facts, Need};
use crate::finding::{Category, Observation};
use crate::target::Scheme;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpWebSocket {
    /// The path browsers open the socket on, e.g. OCMT's `/api/ws/`.
    pub path: String,
    /// The plain-HTTP port that must not upgrade (80; tests and staging may use another).
    #[serde(default = "port_80")]
    pub port: u16,
}

impl HttpWebSocket {
    fn over_tls(&self) -> HttpNeed {
        HttpNeed {
            method: Method::WebSocketUpgrade,
            ..HttpNeed::get(&self.path).no_follow()
        }
    }

    fn over_plain_http(&self) -> HttpNeed {
        HttpNeed {
            plain_port: Some(self.port),
            ..self.over_tls()
        }
    }
}

impl Kind for HttpWebSocket {
    const TAG: &'static str = "http.websocket";
    const CATEGORY: Category = Category::Http;

    fn needs(&self) -> Vec<Need> {
        vec![
            Need::Http(self.over_tls()),
            Need::Http(self.over_plain_http()),
        ]
    }

    fn validate(&self) -> Result<(), String> {
        if !self.path.starts_with('/') {
            return Err(format!("`path` must start with '/': {:?}", self.path));
        }
        Ok(())
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let url = facts.http().url()?;
        let mut out = if url.scheme == Scheme::Https {
            judge_need(facts, &self.over_tls(), |request, outcome| {
                vec![judge_tls(request.url.as_str(), outcome)]
            })?
        } else {
            vec![Observation::skip(
                format!("wss://{}{}", url.host, self.path),
                "not examined over TLS: the audited URL is http://; give the https:// URL",
            )]
        };
        out.extend(judge_need(
            facts,
            &self.over_plain_http(),
            |request, outcome| vec![judge_plain(request.url.as_str(), outcome, self.port)],
        )?);
        Ok(out)
    }
}

const EXPECTED_TLS: &str = "101 Switching Protocols over TLS (or 401/403 without credentials)";
const EXPECTED_PLAIN: &str = "no upgrade over plain HTTP (closed, a redirect, or a refusal)";

/// The answer to an upgrade request on the HTTPS URL.
pub fn judge_tls(subject: &str, outcome: &Result<HttpResponse, HttpError>) -> Observation {
    let response = match outcome {
        Ok(r) => r,
        Err(e) => return no_answer(subject, e).expected(EXPECTED_TLS),
    };
    let status = response.status;
    let o = match status {
        101 if websocket_accept_is_valid(response.header("sec-websocket-accept")) => {
            Observation::pass(subject, "upgrades to WebSocket over TLS (101)")
        }
        101 => Observation::warn(
            subject,
            "answers 101 over TLS without a valid Sec-WebSocket-Accept: not a WebSocket handshake browsers accept",
        ),
        401 | 403 => Observation::pass(
            subject,
            format!(
                "served over TLS and refuses an upgrade without credentials ({status}); rampart sends none"
            ),
        ),
        _ => Observation::fail(subject, refused_upgrade(response)),
    };
    o.expected(EXPECTED_TLS).actual(answer(response))
}

fn refused_upgrade(response: &HttpResponse) -> String {
    let status = response.status;
    let hint = "a proxy in front must pass the Upgrade and Connection headers";
    match response.location() {
        Some(location) if response.is_redirect() => format!(
            "answers the upgrade with a {status} redirect to {} instead of switching protocols; WebSocket clients do not follow redirects",
            shown(location)
        ),
        _ => format!("answers the upgrade with {status} instead of switching protocols: {hint}"),
    }
}

/// The answer to the same upgrade request over plain HTTP on `port`.
pub fn judge_plain(
    subject: &str,
    outcome: &Result<HttpResponse, HttpError>,
    port: u16,
) -> Observation {
    let response = match outcome {
        Ok(r) => r,
        Err(HttpError::Refused { .. }) => {
            return Observation::pass(
                subject,
                format!("port {port} refuses connections: nothing serves ws:// there"),
            )
            .expected(EXPECTED_PLAIN)
            .actual("closed");
        }
        Err(HttpError::Timeout { .. }) => {
            return Observation::skip(
                subject,
                format!(
                    "port {port} did not answer in time (filtered or stalled): no answer to judge"
                ),
            )
            .expected(EXPECTED_PLAIN);
        }
        Err(e) => return no_answer(subject, e).expected(EXPECTED_PLAIN),
    };
    let status = response.status;
    let o = match status {
        101 => Observation::fail(
            subject,
            "upgrades to WebSocket over plain HTTP (ws://): its frames and the credentials sent with the handshake cross the network in clear",
        ),
        401 | 403 => Observation::warn(
            subject,
            format!(
                "the WebSocket endpoint answers over plain HTTP ({status}): only authentication keeps ws:// closed, and credentials sent to it travel in clear; redirect port {port} to HTTPS"
            ),
        ),
        _ if response.is_redirect() => Observation::pass(
            subject,
            format!("answers with a {status} redirect; WebSocket clients do not follow it, so no ws:// connection opens"),
        ),
        _ => Observation::pass(
            subject,
            format!("does not upgrade over plain HTTP (answers {status})"),
        ),
    };
    o.expected(EXPECTED_PLAIN).actual(answer(response))
}

fn answer(response: &HttpResponse) -> String {
    match response.location() {
        Some(location) if response.is_redirect() => {
            format!("{} -> {}", response.status, shown(location))
        }
        _ => response.status.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::http::testutil::response;
    use crate::finding::Status;

    fn tls(status: u16, headers: &[(&str, &str)]) -> Status {
        judge_tls("wss", &Ok(response("https://a.test/ws", status, headers))).status
    }

    fn plain(outcome: Result<HttpResponse, HttpError>) -> Observation {
        judge_plain("ws", &outcome, 80)
    }

    #[test]
    fn over_tls() {
        // A 101 whose accept does not answer our key is not a handshake.
        assert_eq!(
            tls(
                101,
                &[("sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")]
            ),
            Status::Warn
        );
        assert_eq!(tls(101, &[]), Status::Warn);
        assert_eq!(tls(401, &[]), Status::Pass);
        assert_eq!(tls(403, &[]), Status::Pass);
        assert_eq!(tls(404, &[]), Status::Fail);
        assert_eq!(tls(200, &[]), Status::Fail);
        assert_eq!(tls(400, &[]), Status::Fail);
        let o = judge_tls(
            "wss",
            &Ok(response(
                "https://a.test/ws",
                302,
                &[("location", "/login")],
            )),
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("do not follow"), "{}", o.message);
        let o = judge_tls(
            "wss",
            &Err(HttpError::Timeout {
                url: "https://a.test/ws".into(),
            }),
        );
        assert_eq!(o.status, Status::Error);
    }

    #[test]
    fn over_plain_http() {
        let r =
            |status, headers: &[(&str, &str)]| Ok(response("http://a.test/ws", status, headers));
        assert_eq!(plain(r(101, &[])).status, Status::Fail);
        assert_eq!(plain(r(401, &[])).status, Status::Warn);
        assert_eq!(
            plain(r(301, &[("location", "https://a.test/ws")])).status,
            Status::Pass
        );
        assert_eq!(plain(r(404, &[])).status, Status::Pass);
        assert_eq!(
            plain(Err(HttpError::Refused {
                url: "http://a.test/ws".into()
            }))
            .status,
            Status::Pass
        );
        assert_eq!(
            plain(Err(HttpError::Timeout {
                url: "http://a.test/ws".into()
            }))
            .status,
            Status::Skip
        );
    }
}
