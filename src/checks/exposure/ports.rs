//! exposure.ports: which ports of the audited address answer a TCP connect. A forbidden port
//! (database, internal service, Docker API, a loopback-only app port) that answers is a fail;
//! an open port the profile does not expect is a warn.

use super::services::{port_label, ports_label};
use super::validate_ports;
use crate::checks::{Judgement, Kind};
use crate::facts::ports::{PortList, PortScan, PortState};
use crate::facts::{Facts, Need};
use crate::finding::{Category, Location, Observation, Severity};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExposurePorts {
    /// Must not be reachable on the audited address.
    #[serde(default)]
    pub forbidden: Vec<u16>,
    /// Expected to be reachable (443, 80).
    #[serde(default)]
    pub allowed: Vec<u16>,
    /// May be reachable, but only for a reason the operator should confirm (OAuth callbacks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditional: Vec<u16>,
    /// Shown next to an open conditional port.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Unexpected open ports reported one by one; past this, one summary line.
const MAX_UNEXPECTED_LISTED: usize = 50;

impl Kind for ExposurePorts {
    const TAG: &'static str = "exposure.ports";
    const CATEGORY: Category = Category::Exposure;

    fn needs(&self) -> Vec<Need> {
        vec![Need::Ports(self.ports().iter().collect())]
    }

    fn validate(&self) -> Result<(), String> {
        validate_ports("forbidden", &self.forbidden)?;
        validate_ports("allowed", &self.allowed)?;
        validate_ports("conditional", &self.conditional)?;
        if let Some(p) = self.forbidden.iter().find(|p| self.allowed.contains(p)) {
            return Err(format!("port {p} is both forbidden and allowed"));
        }
        Ok(())
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let scans = facts.exposure().ports(&self.ports())?;
        Ok(scans
            .iter()
            .flat_map(|scan| self.judge_scan(scan))
            .collect())
    }
}

impl ExposurePorts {
    /// The ports this check needs scanned; `--ports` widens the scan further.
    pub fn ports(&self) -> PortList {
        let mut list = PortList::from_ports(self.forbidden.iter().copied());
        list.extend(self.allowed.iter().copied());
        list.extend(self.conditional.iter().copied());
        list
    }

    /// Pure: the verdict over a finished scan.
    pub fn judge_scan(&self, scan: &PortScan) -> Vec<Observation> {
        let mut out = Vec::new();
        let mut forbidden = self.forbidden.clone();
        forbidden.sort_unstable();
        forbidden.dedup();
        for &port in &forbidden {
            out.push(
                self.judge_forbidden(scan, port)
                    .at(location(scan.addr, port)),
            );
        }
        for (&port, state) in &scan.states {
            if forbidden.contains(&port) {
                continue;
            }
            if self.allowed.contains(&port) || self.conditional.contains(&port) {
                out.push(
                    self.judge_allowed(scan.addr, port, state)
                        .at(location(scan.addr, port)),
                );
            }
        }
        let unexpected: Vec<u16> = scan.open_ports().filter(|p| !self.expected(*p)).collect();
        for &port in unexpected.iter().take(MAX_UNEXPECTED_LISTED) {
            out.push(
                Observation::warn(
                    subject(scan.addr, port),
                    format!(
                        "{} is open on {}, and the profile does not expect it",
                        port_label(port),
                        scan.addr
                    ),
                )
                .expected("closed, unless you meant to publish it")
                .actual("open")
                // The check's severity is about forbidden ports; a stray open one is less.
                .severity(Severity::Medium)
                .at(location(scan.addr, port)),
            );
        }
        if unexpected.len() > MAX_UNEXPECTED_LISTED {
            let rest = &unexpected[MAX_UNEXPECTED_LISTED..];
            out.push(
                Observation::warn(
                    scan.addr.to_string(),
                    format!(
                        "{} more open ports the profile does not expect: {}",
                        rest.len(),
                        ports_label(rest, 20)
                    ),
                )
                .actual(format!("{} unexpected open ports", unexpected.len())),
            );
        }
        out.extend(unprobed_summary(scan, &forbidden));
        out
    }

    /// Allowed, conditional, or forbidden (already reported as a failure).
    fn expected(&self, port: u16) -> bool {
        self.allowed.contains(&port)
            || self.conditional.contains(&port)
            || self.forbidden.contains(&port)
    }

    fn judge_forbidden(&self, scan: &PortScan, port: u16) -> Observation {
        let subject = subject(scan.addr, port);
        let label = port_label(port);
        match scan.state(port) {
            Some(PortState::Open) => {
                Observation::fail(subject, format!("{label} is reachable on {}", scan.addr))
                    .expected("closed or filtered")
                    .actual("open")
            }
            Some(state @ (PortState::Closed | PortState::Filtered)) => Observation::pass(
                subject,
                format!(
                    "{label} is not reachable on {} ({})",
                    scan.addr,
                    state.as_str()
                ),
            )
            .expected("closed or filtered")
            .actual(state.as_str()),
            Some(PortState::Failed(reason)) => {
                Observation::error(subject, format!("{label} could not be probed: {reason}"))
            }
            Some(PortState::NotProbed) => Observation::error(
                subject,
                format!("{label} was not probed before the audit deadline"),
            ),
            None => Observation::error(subject, format!("{label} was not scanned")),
        }
    }

    fn judge_allowed(&self, addr: IpAddr, port: u16, state: &PortState) -> Observation {
        let label = port_label(port);
        let conditional = self.conditional.contains(&port);
        let mut message = match state {
            PortState::Open => format!("{label} is open on {addr}, as the profile allows"),
            other => format!("{label} may be public; it is {} on {addr}", other.as_str()),
        };
        if conditional && *state == PortState::Open && !self.note.is_empty() {
            message.push_str(&format!(". {}", self.note));
        }
        let obs = Observation::pass(subject(addr, port), message)
            .expected("allowed")
            .actual(state.as_str());
        if conditional {
            obs.severity(Severity::Info)
        } else {
            obs
        }
    }
}

/// Ports other than the forbidden ones that went unprobed: the unexpected-port verdict does
/// not cover them, so say so rather than imply they are closed.
fn unprobed_summary(scan: &PortScan, forbidden: &[u16]) -> Option<Observation> {
    let mut count = 0usize;
    let mut first_reason = None;
    for (port, state) in &scan.states {
        if forbidden.contains(port) {
            continue;
        }
        match state {
            PortState::Failed(reason) => {
                count += 1;
                first_reason.get_or_insert_with(|| format!("{port}: {reason}"));
            }
            PortState::NotProbed => {
                count += 1;
                first_reason.get_or_insert_with(|| format!("{port}: audit deadline reached"));
            }
            _ => {}
        }
    }
    let reason = first_reason?;
    Some(
        Observation::error(
            scan.addr.to_string(),
            format!(
                "{count} of {} scanned ports could not be probed (first: {reason})",
                scan.states.len()
            ),
        )
        .actual(format!("{count} ports unprobed")),
    )
}

fn location(addr: IpAddr, port: u16) -> Location {
    Location::endpoint(&addr.to_string(), port)
}

fn subject(addr: IpAddr, port: u16) -> String {
    SocketAddr::new(addr, port).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use std::collections::BTreeMap;
    use std::time::Duration;

    fn scan(states: &[(u16, PortState)]) -> PortScan {
        PortScan {
            addr: "203.0.113.7".parse().unwrap(),
            states: states.iter().cloned().collect::<BTreeMap<_, _>>(),
            concurrency: 1,
            elapsed: Duration::ZERO,
        }
    }

    fn check() -> ExposurePorts {
        ExposurePorts {
            forbidden: vec![5432, 6379, 2375],
            allowed: vec![443, 80],
            conditional: vec![8085],
            note: "open it only when remote OAuth is used".into(),
        }
    }

    #[test]
    fn forbidden_open_port_fails_naming_the_service() {
        let obs = check().judge_scan(&scan(&[
            (5432, PortState::Open),
            (6379, PortState::Closed),
            (2375, PortState::Filtered),
            (443, PortState::Open),
            (80, PortState::Closed),
        ]));
        let pg: Vec<_> = obs
            .iter()
            .filter(|o| o.subject.ends_with(":5432"))
            .collect();
        assert_eq!(pg.len(), 1, "{obs:?}");
        assert_eq!(pg[0].status, Status::Fail);
        assert!(
            pg[0].message.contains("5432 PostgreSQL"),
            "{}",
            pg[0].message
        );
        let redis = obs.iter().find(|o| o.subject.ends_with(":6379")).unwrap();
        assert_eq!(redis.status, Status::Pass);
        assert!(redis.message.contains("closed"));
        let docker = obs.iter().find(|o| o.subject.ends_with(":2375")).unwrap();
        assert_eq!(docker.status, Status::Pass);
        assert_eq!(docker.actual, "filtered");
        let https = obs.iter().find(|o| o.subject.ends_with(":443")).unwrap();
        assert_eq!(https.status, Status::Pass);
        assert!(!obs.iter().any(|o| o.status == Status::Warn), "{obs:?}");
    }

    #[test]
    fn unexpected_open_port_warns_and_conditional_is_info() {
        let obs = check().judge_scan(&scan(&[
            (5432, PortState::Closed),
            (6379, PortState::Closed),
            (2375, PortState::Closed),
            (8085, PortState::Open),
            (9999, PortState::Open),
            (10000, PortState::Closed),
        ]));
        let unexpected = obs.iter().find(|o| o.subject.ends_with(":9999")).unwrap();
        assert_eq!(unexpected.status, Status::Warn);
        let oauth = obs.iter().find(|o| o.subject.ends_with(":8085")).unwrap();
        assert_eq!(oauth.status, Status::Pass);
        assert_eq!(oauth.severity, Some(Severity::Info));
        assert!(oauth.message.contains("remote OAuth"));
        assert!(!obs.iter().any(|o| o.subject.ends_with(":10000")));
    }

    #[test]
    fn unprobed_ports_are_errors_never_passes() {
        let obs = check().judge_scan(&scan(&[
            (5432, PortState::NotProbed),
            (6379, PortState::Failed("Network is unreachable".into())),
            (9000, PortState::NotProbed),
        ]));
        let pg = obs.iter().find(|o| o.subject.ends_with(":5432")).unwrap();
        assert_eq!(pg.status, Status::Error);
        let redis = obs.iter().find(|o| o.subject.ends_with(":6379")).unwrap();
        assert_eq!(redis.status, Status::Error);
        assert!(redis.message.contains("unreachable"));
        // 2375 is missing from the scan entirely.
        let docker = obs.iter().find(|o| o.subject.ends_with(":2375")).unwrap();
        assert_eq!(docker.status, Status::Error);
        let summary = obs.iter().find(|o| o.subject == "203.0.113.7").unwrap();
        assert_eq!(summary.status, Status::Error);
        assert!(summary.message.contains("1 of 3"), "{}", summary.message);
    }

    #[test]
    fn many_unexpected_ports_are_summarised() {
        let states: Vec<(u16, PortState)> = (20000..20100).map(|p| (p, PortState::Open)).collect();
        let obs = ExposurePorts::default().judge_scan(&scan(&states));
        assert_eq!(obs.len(), MAX_UNEXPECTED_LISTED + 1);
        assert!(obs
            .last()
            .unwrap()
            .message
            .starts_with("50 more open ports"));
    }

    #[test]
    fn validation_rejects_contradictions() {
        let mut bad = check();
        bad.allowed.push(5432);
        assert!(bad.validate().is_err());
        assert!(check().validate().is_ok());
        assert_eq!(check().ports().len(), 6);
    }
}
