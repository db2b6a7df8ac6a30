//! exposure.docker-ufw-bypass: Docker publishes container ports through its own iptables
//! chains (DOCKER, in the nat and FORWARD paths), which run before ufw's INPUT rules. A compose
//! port published on all interfaces is therefore reachable even when ufw denies it: the usual
//! way a self-hosted database ends up on the internet behind an "active" firewall.

use super::services::ports_label;
use crate::checks::{Judgement, Kind};
use crate::facts::compose::model::{Binding, ComposeProject, ComposeState, PublishedPort};
use crate::facts::ufw::{UfwState, Verdict};
use crate::facts::{Facts, Unavailable};
use crate::finding::{Category, Location, Observation, Severity};
use serde::{Deserialize, Serialize};

const SUBJECT: &str = "ufw + docker";

/// Host ports examined per mapping; a wider range is a mistake, not a policy.
const MAX_RANGE: usize = 1024;

const REMEDIES: &str = "bound to 127.0.0.1 (e.g. \"127.0.0.1:5432:5432\"), or filtered in the \
                        DOCKER-USER iptables chain";

/// Compares the compose project's published ports with ufw's rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DockerUfwBypass {
    /// Ports the profile expects to be public (80, 443, OAuth callbacks): published past ufw
    /// they are a warning (ufw should say so too), not a failure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public: Vec<u16>,
}

impl Kind for DockerUfwBypass {
    const TAG: &'static str = "exposure.docker-ufw-bypass";
    const CATEGORY: Category = Category::Exposure;

    fn judge(&self, facts: &Facts) -> Judgement {
        let ufw = facts.exposure().ufw()?;
        let project = match facts.compose() {
            ComposeState::Absent => None,
            ComposeState::Loaded(project) => Some(project),
            ComposeState::Unusable(why) => {
                return Err(Unavailable::error(
                    "compose files",
                    format!("cannot compare published ports with ufw: {why}"),
                ))
            }
        };
        Ok(judge(ufw, project, &self.public))
    }

    fn validate(&self) -> Result<(), String> {
        super::validate_ports("public", &self.public)
    }
}

/// Judges the merged compose project against ufw. `None` for the project: no compose files.
/// `public`: ports the profile expects to be reachable.
pub fn judge(ufw: &UfwState, project: Option<&ComposeProject>, public: &[u16]) -> Vec<Observation> {
    let config = match ufw {
        UfwState::NotInstalled => {
            return vec![Observation::skip(
                SUBJECT,
                "ufw is not configured, so there is no ufw for Docker to bypass \
                 (exposure.firewall reports the missing firewall)",
            )]
        }
        UfwState::Configured(c) if !c.is_enabled() => {
            return vec![Observation::skip(
                SUBJECT,
                "ufw is not enabled, so there is nothing for Docker to bypass yet \
                 (exposure.firewall reports it); run this again once ufw is enabled",
            )]
        }
        UfwState::Configured(c) => c,
    };
    let Some(project) = project else {
        return vec![Observation::skip(
            SUBJECT,
            "no compose files: no Docker-published ports to compare with ufw",
        )];
    };
    let mut out = Vec::new();
    let mut loopback = 0usize;
    for (service, svc) in &project.services {
        // Host networking uses the host's own sockets, which ufw does filter.
        if svc.uses_host_network() {
            continue;
        }
        for port in &svc.ports {
            let binding = port.binding();
            if binding == Binding::Loopback {
                loopback += 1;
                continue;
            }
            let verdict = judge_mapping(service, port, &binding, public, |p, proto| {
                matches!(config.verdict(p, proto), Verdict::Allowed(_))
            });
            out.push(verdict.at(Location::service(
                Some(&port.source),
                service,
                port.published,
            )));
        }
    }
    if out.is_empty() {
        out.push(
            Observation::pass(
                SUBJECT,
                format!(
                    "no compose port is published beyond loopback ({loopback} loopback mappings), \
                     so Docker opens nothing past ufw"
                ),
            )
            .expected("published ports bound to 127.0.0.1, or allowed by ufw")
            .actual(format!("{loopback} loopback mappings")),
        );
    }
    out
}

fn judge_mapping(
    service: &str,
    port: &PublishedPort,
    binding: &Binding,
    public: &[u16],
    ufw_allows: impl Fn(u16, &str) -> bool,
) -> Observation {
    let subject = format!("service {service}, port {:?}", port.resolved);
    let protocol = port.protocol.as_str();
    let interfaces = match binding {
        Binding::AllInterfaces => "all interfaces".to_string(),
        Binding::Public(ip) => format!("public address {ip}"),
        Binding::Private(ip) => format!("private address {ip}"),
        Binding::Loopback => "loopback".to_string(),
    };
    let Some(hosts) = port.host_ports() else {
        return Observation::fail(
            subject,
            format!(
                "Docker publishes container port {} on a random host port on {interfaces}; ufw \
                 cannot allow or deny a port it does not know, and Docker's own iptables rules \
                 run before ufw's",
                port.target
            ),
        )
        .expected(REMEDIES)
        .actual(port.describe());
    };
    let bypassing: Vec<u16> = hosts
        .take(MAX_RANGE)
        .filter(|p| !ufw_allows(*p, protocol))
        .collect();
    if bypassing.is_empty() {
        return Observation::pass(
            subject,
            format!(
                "published on {interfaces} and allowed by ufw: public on purpose ({})",
                port.describe()
            ),
        )
        .expected("allowed by ufw, or bound to 127.0.0.1")
        .actual(port.describe())
        .severity(Severity::Info);
    }
    let message = format!(
        "ufw does not allow {}/{protocol}, yet Docker publishes it on {interfaces} through its \
         own iptables chains, which run before ufw's: it is reachable from outside anyway",
        ports_label(&bypassing, 10)
    );
    if bypassing.iter().all(|p| public.contains(p)) {
        let allow: Vec<String> = bypassing
            .iter()
            .take(10)
            .map(|p| format!("ufw allow {p}/{protocol}"))
            .collect();
        return Observation::warn(
            subject,
            format!(
                "{message}. The profile expects it to be public: allow it in ufw too, so the \
                 firewall states what is reachable"
            ),
        )
        .expected(allow.join(", "))
        .actual(port.describe());
    }
    let obs = match binding {
        Binding::Private(_) => Observation::warn(subject, message),
        _ => Observation::fail(subject, message),
    };
    obs.expected(REMEDIES).actual(port.describe())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::compose::model::Service;
    use crate::facts::ufw::{Action, Rule, UfwConfig};
    use crate::finding::Status;
    use std::path::PathBuf;

    fn mapping(host_ip: Option<&str>, published: Option<u16>, target: u16) -> PublishedPort {
        PublishedPort {
            host_ip: host_ip.map(str::to_string),
            published,
            published_end: published,
            target,
            target_end: target,
            protocol: "tcp".into(),
            source: PathBuf::from("docker-compose.yml"),
            raw: String::new(),
            resolved: match (host_ip, published) {
                (Some(ip), Some(p)) => format!("{ip}:{p}:{target}"),
                (None, Some(p)) => format!("{p}:{target}"),
                _ => target.to_string(),
            },
        }
    }

    fn project(ports: Vec<(&str, PublishedPort)>) -> ComposeProject {
        let mut project = ComposeProject::default();
        for (service, port) in ports {
            project
                .services
                .entry(service.to_string())
                .or_insert_with(Service::default)
                .ports
                .push(port);
        }
        project
    }

    fn ufw(enabled: bool, allowed: &[u16]) -> UfwState {
        UfwState::Configured(UfwConfig {
            enabled: Some(enabled),
            default_input: Some("DROP".into()),
            rules: allowed
                .iter()
                .map(|&p| Rule {
                    action: Action::Allow,
                    protocol: "tcp".into(),
                    ports: Some(vec![p..=p]),
                    source: "0.0.0.0/0".into(),
                    inbound: true,
                    routed: false,
                    file: "/etc/ufw/user.rules".into(),
                    line: 1,
                    raw: String::new(),
                })
                .collect(),
            unparsed: vec![],
            files: vec![],
        })
    }

    #[test]
    fn database_published_on_all_interfaces_bypasses_ufw() {
        let p = project(vec![
            ("db", mapping(None, Some(5432), 5432)),
            ("caddy", mapping(None, Some(443), 443)),
            ("web", mapping(Some("127.0.0.1"), Some(3000), 3000)),
        ]);
        let obs = judge(&ufw(true, &[22, 443]), Some(&p), &[]);
        assert_eq!(obs.len(), 2, "{obs:#?}");
        let caddy = &obs[0];
        assert_eq!(caddy.status, Status::Pass);
        let db = &obs[1];
        assert_eq!(db.status, Status::Fail);
        assert_eq!(db.subject, "service db, port \"5432:5432\"");
        assert!(db.message.contains("5432 PostgreSQL/tcp"), "{}", db.message);
        assert!(db.expected.contains("127.0.0.1") && db.expected.contains("DOCKER-USER"));
    }

    #[test]
    fn random_host_port_and_private_bindings() {
        let p = project(vec![
            ("api", mapping(None, None, 8317)),
            ("redis", mapping(Some("10.0.0.5"), Some(6379), 6379)),
            ("pg", mapping(Some("0.0.0.0"), Some(5432), 5432)),
        ]);
        let obs = judge(&ufw(true, &[]), Some(&p), &[]);
        let by = |s: &str| obs.iter().find(|o| o.subject.contains(s)).unwrap();
        assert_eq!(by("api").status, Status::Fail);
        assert!(by("api").message.contains("random host port"));
        assert_eq!(by("redis").status, Status::Warn);
        assert_eq!(by("pg").status, Status::Fail);
    }

    #[test]
    fn expected_public_port_past_ufw_is_a_warning_naming_the_allow_rule() {
        let p = project(vec![
            ("api", mapping(None, Some(8085), 8085)),
            ("db", mapping(None, Some(5432), 5432)),
        ]);
        let obs = judge(&ufw(true, &[22]), Some(&p), &[8085, 443]);
        let api = obs.iter().find(|o| o.subject.contains("api")).unwrap();
        assert_eq!(api.status, Status::Warn);
        assert_eq!(api.expected, "ufw allow 8085/tcp");
        let db = obs.iter().find(|o| o.subject.contains("db")).unwrap();
        assert_eq!(db.status, Status::Fail);
    }

    #[test]
    fn skips_without_an_enabled_ufw_or_compose_project() {
        let p = project(vec![("db", mapping(None, Some(5432), 5432))]);
        assert_eq!(
            judge(&UfwState::NotInstalled, Some(&p), &[])[0].status,
            Status::Skip
        );
        assert_eq!(
            judge(&ufw(false, &[]), Some(&p), &[])[0].status,
            Status::Skip
        );
        assert_eq!(judge(&ufw(true, &[]), None, &[])[0].status, Status::Skip);
        let loopback = project(vec![("db", mapping(Some("127.0.0.1"), Some(5432), 5432))]);
        let obs = judge(&ufw(true, &[]), Some(&loopback), &[]);
        assert_eq!(obs.len(), 1);
        assert_eq!(obs[0].status, Status::Pass);
    }
}
