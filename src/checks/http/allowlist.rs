//! http.ip-allowlist: an IP allowlist must judge the connecting address, not a header the
//! client writes. A plain request from the auditor is compared with the same request carrying
//! a forged `X-Forwarded-For` or `X-Real-IP` naming an allowed address.

use super::{located, no_answer, root_path};
use crate::checks::{Judgement, Kind};
use crate::facts::http::HttpNeed;
use crate::facts::http::{HttpError, HttpOutcome, HttpRequest, HttpResponse};
use crate::facts::{Facts, Need, Unavailable};
use crate::finding::{Category, Observation};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpIpAllowlist {
    /// A path the allowlist guards.
    #[serde(default = "root_path")]
    pub path: String,
    /// The env variable holding the allowlist (comma-separated addresses and CIDRs).
    #[serde(default = "allowed_ips")]
    pub var: String,
    /// Env file role to read it from; the primary one when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
}

fn allowed_ips() -> String {
    "ALLOWED_IPS".to_string()
}

impl HttpIpAllowlist {
    fn need(&self) -> HttpNeed {
        HttpNeed::get(&self.path).no_follow()
    }
}

impl Kind for HttpIpAllowlist {
    const TAG: &'static str = "http.ip-allowlist";
    const CATEGORY: Category = Category::Http;

    fn needs(&self) -> Vec<Need> {
        vec![Need::Http(self.need())]
    }

    fn env_roles(&self) -> Vec<(&'static str, &str)> {
        self.env
            .as_deref()
            .map(|r| ("env", r))
            .into_iter()
            .collect()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let http = facts.http();
        http.url()?;
        let env = facts.parsed_env(self.env.as_deref(), &self.var)?;
        let value = env.get(&self.var).unwrap_or("");
        let ip = forged_address(value).map_err(|why| {
            Unavailable::skip(
                &self.var,
                format!("{why}; nothing to spoof").replace("ALLOWED_IPS", &self.var),
            )
        })?;
        let plain = http.request(&self.need())?;
        let outcomes = http.fetch_all(&probe_requests(&plain, ip))?;
        Ok(located(&http, &plain, judge_probes(&outcomes, ip)))
    }
}

/// The plain request, then one copy per header in [`FORGED_HEADERS`] carrying `ip`.
pub fn probe_requests(plain: &HttpRequest, ip: IpAddr) -> Vec<HttpRequest> {
    std::iter::once(plain.clone())
        .chain(
            FORGED_HEADERS
                .iter()
                .map(|header| plain.clone().with_header(header, &ip.to_string())),
        )
        .collect()
}

/// Judges the outcomes of [`probe_requests`], in the same order.
pub fn judge_probes(outcomes: &[HttpOutcome], ip: IpAddr) -> Vec<Observation> {
    let Some((plain, forged)) = outcomes.split_first() else {
        return Vec::new();
    };
    let forged: Vec<(&str, &Result<HttpResponse, HttpError>)> = FORGED_HEADERS
        .iter()
        .copied()
        .zip(forged.iter().map(|o| o.as_ref()))
        .collect();
    judge(plain, &forged, ip)
}

/// Headers that proxies and frameworks commonly trust for the client address.
pub const FORGED_HEADERS: [&str; 2] = ["X-Forwarded-For", "X-Real-IP"];

/// An address the allowlist admits, to forge: the first entry that is an address, or the
/// first host of the first CIDR. `Err` says why there is none (`*`, empty, unparsable).
pub fn forged_address(allowed_ips: &str) -> Result<IpAddr, String> {
    let entries: Vec<&str> = allowed_ips
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    if entries.is_empty() {
        return Err("ALLOWED_IPS is empty: no allowlist to test".into());
    }
    if entries.contains(&"*") {
        return Err(
            "ALLOWED_IPS contains \"*\": every address is allowed, nothing to bypass".into(),
        );
    }
    for entry in entries {
        let (addr, prefix) = match entry.split_once('/') {
            Some((a, p)) => (a, p.parse::<u8>().ok()),
            None => (entry, None),
        };
        let Ok(ip) = addr.parse::<IpAddr>() else {
            continue;
        };
        let host = match (ip, prefix) {
            // A network address: take its first host so the forged value is a real client.
            (IpAddr::V4(v4), Some(p)) if p < 31 => {
                IpAddr::from(u32::from(v4).saturating_add(1).to_be_bytes())
            }
            (IpAddr::V6(v6), Some(p)) if p < 127 => {
                IpAddr::from(u128::from(v6).saturating_add(1).to_be_bytes())
            }
            _ => ip,
        };
        return Ok(host);
    }
    Err("ALLOWED_IPS has no IP address or CIDR entry".into())
}

/// Statuses that mean "refused by the allowlist".
pub fn is_refused(status: u16) -> bool {
    matches!(status, 401 | 403)
}

/// `forged` pairs each forged header name with the outcome of the request carrying it.
pub fn judge(
    plain: &Result<HttpResponse, HttpError>,
    forged: &[(&str, &Result<HttpResponse, HttpError>)],
    forged_ip: IpAddr,
) -> Vec<Observation> {
    let plain = match plain {
        Ok(r) => r,
        Err(e) => return vec![no_answer(e.url(), e)],
    };
    let url = plain.url.as_str();
    if !is_refused(plain.status) {
        return vec![Observation::skip(
            url,
            format!(
                "a plain request from this machine is already let through (status {}): the allowlist admits the auditor or is not enforced here, so spoofing cannot be told apart",
                plain.status
            ),
        )];
    }
    forged
        .iter()
        .map(|(header, outcome)| {
            let subject = format!("{url} {header}");
            let expected = format!("refused like the plain request ({})", plain.status);
            match outcome {
                Err(e) => no_answer(subject, e),
                Ok(r) if is_refused(r.status) => Observation::pass(
                    subject,
                    format!("a forged {header}: {forged_ip} is refused ({}) like the plain request", r.status),
                )
                .expected(expected)
                .actual(format!("status {}", r.status)),
                Ok(r) => Observation::fail(
                    subject,
                    format!(
                        "the allowlist is bypassable: a forged {header}: {forged_ip} gets {} where the plain request gets {}",
                        r.status, plain.status
                    ),
                )
                .expected(expected)
                .actual(format!("status {}", r.status)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::http::testutil::response;
    use crate::finding::Status;

    #[test]
    fn forged_address_from_allowlist() {
        assert_eq!(
            forged_address("203.0.113.9, 10.0.0.0/8")
                .unwrap()
                .to_string(),
            "203.0.113.9"
        );
        assert_eq!(
            forged_address("junk,10.0.0.0/8").unwrap().to_string(),
            "10.0.0.1"
        );
        assert_eq!(
            forged_address("2001:db8::/32").unwrap().to_string(),
            "2001:db8::1"
        );
        assert!(forged_address("*").is_err());
        assert!(forged_address(" , ").is_err());
        assert!(forged_address("office").is_err());
    }

    #[test]
    fn names_the_header_that_gets_through() {
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let plain = Ok(response("https://a.test/", 403, &[]));
        let xff = Ok(response("https://a.test/", 200, &[]));
        let real = Ok(response("https://a.test/", 403, &[]));
        let all = judge(
            &plain,
            &[("X-Forwarded-For", &xff), ("X-Real-IP", &real)],
            ip,
        );
        assert_eq!(all[0].status, Status::Fail);
        assert!(
            all[0].message.contains("X-Forwarded-For"),
            "{}",
            all[0].message
        );
        assert_eq!(all[1].status, Status::Pass);
        let open = Ok(response("https://a.test/", 200, &[]));
        assert_eq!(
            judge(&open, &[("X-Real-IP", &real)], ip)[0].status,
            Status::Skip
        );
    }
}
