//! DNS judges: the URL host resolves, a CAA record governs it (its own or inherited from the
//! nearest ancestor), and, when `--resolve` pins the audited address, whether public DNS
//! already points there.

use crate::checks::{Judgement, Kind};
use crate::facts::dns::{Answer, CaaSearch, DnsError, HostAddresses};
use crate::facts::{Facts, Need, Unavailable};
use crate::finding::{Category, Observation, Severity};
use std::net::IpAddr;

crate::no_params_kind!(
    /// `dns.resolves`: the URL host has A or AAAA records.
    DnsResolves
);

crate::no_params_kind!(
    /// `dns.caa`: a CAA record set governs the URL host.
    DnsCaa
);

crate::no_params_kind!(
    /// `dns.points-at`: DNS already answers with the audited address (`--resolve`/`--host`).
    DnsPointsAt
);

impl Kind for DnsResolves {
    const TAG: &'static str = "dns.resolves";
    const CATEGORY: Category = Category::Dns;

    fn needs(&self) -> Vec<Need> {
        vec![Need::DnsAddresses]
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        Ok(judge_resolves(facts.dns().addresses()?))
    }
}

impl Kind for DnsCaa {
    const TAG: &'static str = "dns.caa";
    const CATEGORY: Category = Category::Dns;

    fn needs(&self) -> Vec<Need> {
        vec![Need::DnsCaa]
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        Ok(judge_caa(facts.dns().caa()?))
    }
}

impl Kind for DnsPointsAt {
    const TAG: &'static str = "dns.points-at";
    const CATEGORY: Category = Category::Dns;

    fn needs(&self) -> Vec<Need> {
        vec![Need::DnsAddresses]
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let dns = facts.dns();
        let target = dns.target();
        let Some(audited) = target.pinned_addr().or(target.host) else {
            return Err(Unavailable::skip(
                "DNS",
                "no audited address to compare with: give --resolve HOST:PORT:ADDR (or --host \
                 ADDR)",
            ));
        };
        Ok(judge_points_at(dns.addresses()?, audited))
    }
}

/// dns.resolves: the host has A or AAAA records.
pub fn judge_resolves(facts: &HostAddresses) -> Vec<Observation> {
    let name = &facts.name;
    let found = facts.all();
    let failures: Vec<&DnsError> = [&facts.v4, &facts.v6]
        .into_iter()
        .filter_map(|r| r.as_ref().err())
        .collect();
    if !found.is_empty() {
        let mut message = format!("{name} resolves to {}", join(&found));
        if let Some(e) = failures.first() {
            message.push_str(&format!(" (the other query failed: {e})"));
        }
        return vec![Observation::pass(name.clone(), message)
            .expected("A or AAAA records")
            .actual(join(&found))];
    }
    if failures.len() == 2 || (failures.len() == 1 && !is_definite(facts)) {
        let reasons: Vec<String> = failures.iter().map(|e| e.to_string()).collect();
        return vec![Observation::error(
            name.clone(),
            format!("could not resolve {name}: {}", reasons.join("; ")),
        )];
    }
    let nx = matches!(facts.v4, Ok(Answer::NxDomain)) || matches!(facts.v6, Ok(Answer::NxDomain));
    let why = if nx {
        "the name does not exist (NXDOMAIN)"
    } else {
        "it has no A or AAAA record"
    };
    vec![
        Observation::fail(name.clone(), format!("{name} does not resolve: {why}"))
            .expected("A or AAAA records")
            .actual(if nx { "NXDOMAIN" } else { "no records" }),
    ]
}

/// Both queries answered definitely (records or none).
fn is_definite(facts: &HostAddresses) -> bool {
    facts.v4.is_ok() && facts.v6.is_ok()
}

/// dns.caa: a CAA record set governs the host. Missing is worth knowing, not a failure:
/// without CAA any public CA may issue for the name.
pub fn judge_caa(search: &CaaSearch) -> Vec<Observation> {
    let name = &search.name;
    match &search.found {
        Some((owner, records)) => {
            let whose = if owner == name.trim_end_matches('.') {
                format!("{name} has CAA records")
            } else {
                format!("{name} inherits the CAA records of {owner}")
            };
            vec![
                Observation::pass(name.clone(), format!("{whose}: {}", records.join(", ")))
                    .expected("a CAA record set")
                    .actual(format!("{owner}: {}", records.join(", "))),
            ]
        }
        None => vec![Observation::warn(
            name.clone(),
            format!(
                "no CAA record on {name} or its parents ({}): any public CA may issue \
                 certificates for it",
                search.queried.join(", ")
            ),
        )
        .expected("a CAA record naming your CA, e.g. 0 issue \"letsencrypt.org\"")
        .actual("none")
        .severity(Severity::Info)],
    }
}

/// dns.points-at: with `--resolve`, whether DNS already sends users to the audited address.
/// Before a cut-over it does not, which is expected: info, not a failure.
pub fn judge_points_at(facts: &HostAddresses, audited: IpAddr) -> Vec<Observation> {
    let name = &facts.name;
    let found = facts.all();
    if found.contains(&audited) {
        return vec![Observation::pass(
            name.clone(),
            format!("{name} already points at the audited address {audited}"),
        )
        .expected(audited.to_string())
        .actual(join(&found))];
    }
    if found.is_empty() && (facts.v4.is_err() || facts.v6.is_err()) {
        return vec![Observation::error(
            name.clone(),
            format!("could not resolve {name} to compare it with {audited}"),
        )];
    }
    let now = if found.is_empty() {
        "no address".to_string()
    } else {
        join(&found)
    };
    vec![Observation::warn(
        name.clone(),
        format!(
            "DNS still points elsewhere: {name} resolves to {now}, not to the audited address \
             {audited} (expected before the cut-over)"
        ),
    )
    .expected(audited.to_string())
    .actual(now)
    .severity(Severity::Info)]
}

fn join(addrs: &[IpAddr]) -> String {
    addrs
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;

    fn addrs(
        v4: Result<Answer<IpAddr>, DnsError>,
        v6: Result<Answer<IpAddr>, DnsError>,
    ) -> HostAddresses {
        HostAddresses {
            name: "app.example.com".into(),
            v4,
            v6,
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn timeout() -> DnsError {
        DnsError::Query {
            name: "app.example.com".into(),
            rtype: "AAAA".into(),
            reason: "request timed out".into(),
        }
    }

    #[test]
    fn resolves_passes_fails_and_errors() {
        let ok = addrs(
            Ok(Answer::Records(vec![ip("203.0.113.7")])),
            Ok(Answer::NoData),
        );
        assert_eq!(judge_resolves(&ok)[0].status, Status::Pass);
        let nx = addrs(Ok(Answer::NxDomain), Ok(Answer::NxDomain));
        let obs = judge_resolves(&nx);
        assert_eq!(obs[0].status, Status::Fail);
        assert!(obs[0].message.contains("NXDOMAIN"));
        let half = addrs(Ok(Answer::NoData), Err(timeout()));
        assert_eq!(judge_resolves(&half)[0].status, Status::Error);
        let v4_and_failed_v6 = addrs(Ok(Answer::Records(vec![ip("203.0.113.7")])), Err(timeout()));
        let obs = judge_resolves(&v4_and_failed_v6);
        assert_eq!(obs[0].status, Status::Pass);
        assert!(obs[0].message.contains("timed out"));
    }

    #[test]
    fn caa_own_inherited_and_missing() {
        let own = CaaSearch {
            name: "example.com".into(),
            queried: vec!["example.com".into()],
            found: Some((
                "example.com".into(),
                vec!["0 issue \"letsencrypt.org\"".into()],
            )),
        };
        assert!(judge_caa(&own)[0]
            .message
            .starts_with("example.com has CAA"));
        let inherited = CaaSearch {
            name: "app.example.com".into(),
            queried: vec!["app.example.com".into(), "example.com".into()],
            found: own.found.clone(),
        };
        let obs = judge_caa(&inherited);
        assert_eq!(obs[0].status, Status::Pass);
        assert!(obs[0]
            .message
            .contains("inherits the CAA records of example.com"));
        let missing = CaaSearch {
            name: "app.example.com".into(),
            queried: vec!["app.example.com".into(), "example.com".into(), "com".into()],
            found: None,
        };
        let obs = judge_caa(&missing);
        assert_eq!(obs[0].status, Status::Warn);
        assert_eq!(obs[0].severity, Some(Severity::Info));
    }

    #[test]
    fn points_at_the_audited_address_or_elsewhere() {
        let facts = addrs(
            Ok(Answer::Records(vec![ip("198.51.100.1")])),
            Ok(Answer::NoData),
        );
        let obs = judge_points_at(&facts, ip("198.51.100.1"));
        assert_eq!(obs[0].status, Status::Pass);
        let obs = judge_points_at(&facts, ip("203.0.113.7"));
        assert_eq!(obs[0].status, Status::Warn);
        assert_eq!(obs[0].severity, Some(Severity::Info));
        assert!(obs[0].message.starts_with("DNS still points elsewhere"));
        let failed = addrs(Err(timeout()), Err(timeout()));
        assert_eq!(
            judge_points_at(&failed, ip("203.0.113.7"))[0].status,
            Status::Error
        );
    }
}
