//! exposure.listeners: sockets listening on the host itself. A port the profile says is
//! loopback-only must not listen on a wildcard or public address; the finding names the
//! process holding it.

use super::services::port_label;
use super::validate_ports;
use crate::checks::{Judgement, Kind};
use crate::facts::listeners::{Listener, Listeners, Protocol};
use crate::facts::Facts;
use crate::finding::{Category, Location, Observation};
use crate::ip::Reach;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExposureListeners {
    /// Ports that may only listen on 127.0.0.0/8 or ::1.
    pub loopback_only: Vec<u16>,
    /// Also read the UDP tables (`/proc/net/udp`, `udp6`).
    #[serde(default)]
    pub udp: bool,
}

impl Kind for ExposureListeners {
    const TAG: &'static str = "exposure.listeners";
    const CATEGORY: Category = Category::Exposure;

    fn validate(&self) -> Result<(), String> {
        if self.loopback_only.is_empty() {
            return Err("`loopback_only` must list at least one port".into());
        }
        validate_ports("loopback_only", &self.loopback_only)
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let listeners = facts.exposure().listeners(self.udp, &self.loopback_only)?;
        Ok(self.judge_listeners(&listeners))
    }
}

impl ExposureListeners {
    /// Pure: the verdict over the host's listening sockets.
    pub fn judge_listeners(&self, facts: &Listeners) -> Vec<Observation> {
        let mut out = Vec::new();
        if facts.unreadable_lines > 0 {
            out.push(Observation::error(
                facts.tables.join(", "),
                format!(
                    "{} lines of the socket tables could not be read; a listener may be missing \
                     from this check",
                    facts.unreadable_lines
                ),
            ));
        }
        let mut ports = self.loopback_only.clone();
        ports.sort_unstable();
        ports.dedup();
        for port in ports {
            let on_port: Vec<&Listener> = facts
                .sockets
                .iter()
                .filter(|l| l.port == port && (self.udp || l.protocol == Protocol::Tcp))
                .collect();
            out.extend(self.judge_port(facts, port, &on_port));
        }
        out
    }

    fn judge_port(&self, facts: &Listeners, port: u16, on_port: &[&Listener]) -> Vec<Observation> {
        let label = port_label(port);
        if on_port.is_empty() {
            return vec![Observation::pass(
                format!("port {port}"),
                format!("nothing listens on {label} ({})", facts.tables.join(", ")),
            )
            .expected("loopback only")
            .actual("not listening")];
        }
        let exposed: Vec<&&Listener> = on_port
            .iter()
            .filter(|l| l.scope() != Reach::Loopback)
            .collect();
        if exposed.is_empty() {
            let who: Vec<String> = on_port.iter().map(|l| owner(facts, l)).collect();
            return vec![Observation::pass(
                format!("port {port}"),
                format!("{label} listens on loopback only ({})", who.join(", ")),
            )
            .expected("loopback only")
            .actual(
                on_port
                    .iter()
                    .map(|l| l.endpoint())
                    .collect::<Vec<_>>()
                    .join(", "),
            )];
        }
        exposed
            .into_iter()
            .map(|l| {
                let mut message = format!(
                    "{label} is loopback-only but listens on {} ({}), held by {}",
                    l.endpoint(),
                    where_bound(l.scope()),
                    owner(facts, l)
                );
                if l.process.as_ref().is_some_and(|p| p.name == "docker-proxy") {
                    message
                        .push_str("; Docker publishes it: bind the compose mapping to 127.0.0.1");
                }
                let obs = match l.scope() {
                    Reach::Private => Observation::warn(l.endpoint(), message),
                    _ => Observation::fail(l.endpoint(), message),
                };
                obs.expected("127.0.0.1 or ::1")
                    .actual(l.endpoint())
                    .at(Location::endpoint(&l.addr.to_string(), l.port))
            })
            .collect()
    }
}

fn where_bound(reach: Reach) -> &'static str {
    match reach {
        Reach::Loopback => "loopback",
        Reach::AllInterfaces => "all interfaces",
        Reach::Private => "a private address",
        Reach::Public => "a public address",
    }
}

fn owner(facts: &Listeners, listener: &Listener) -> String {
    match &listener.process {
        Some(p) => format!("{} (pid {})", p.name, p.pid),
        None if facts.owners_denied > 0 => {
            "an unknown process (another user's; run as root to name it)".to_string()
        }
        None => "an unknown process".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::listeners::Process;
    use crate::finding::Status;

    fn listener(addr: &str, port: u16, name: Option<&str>) -> Listener {
        Listener {
            protocol: Protocol::Tcp,
            addr: addr.parse().unwrap(),
            port,
            inode: 1,
            process: name.map(|n| Process {
                pid: 42,
                name: n.into(),
            }),
        }
    }

    fn facts(sockets: Vec<Listener>) -> Listeners {
        Listeners {
            sockets,
            tables: vec!["/proc/net/tcp".into(), "/proc/net/tcp6".into()],
            unreadable_lines: 0,
            owners_denied: 0,
            owners_truncated: false,
        }
    }

    fn check(ports: &[u16]) -> ExposureListeners {
        ExposureListeners {
            loopback_only: ports.to_vec(),
            udp: false,
        }
    }

    #[test]
    fn wildcard_listener_fails_naming_the_process() {
        let obs = check(&[5432]).judge_listeners(&facts(vec![
            listener("0.0.0.0", 5432, Some("postgres")),
            listener("127.0.0.1", 5432, Some("postgres")),
        ]));
        assert_eq!(obs.len(), 1, "{obs:?}");
        assert_eq!(obs[0].status, Status::Fail);
        assert_eq!(obs[0].subject, "0.0.0.0:5432/tcp");
        assert!(
            obs[0].message.contains("postgres (pid 42)"),
            "{}",
            obs[0].message
        );
        assert!(obs[0].message.contains("5432 PostgreSQL"));
    }

    #[test]
    fn public_fails_private_warns_loopback_passes() {
        let obs = check(&[3000, 6379, 8090, 9333]).judge_listeners(&facts(vec![
            listener("203.0.113.7", 3000, Some("node")),
            listener("10.8.0.1", 6379, Some("redis-server")),
            listener("::1", 8090, Some("koda")),
            listener("::", 9333, Some("docker-proxy")),
        ]));
        let by_port = |p: &str| obs.iter().find(|o| o.subject.contains(p)).unwrap();
        assert_eq!(by_port(":3000").status, Status::Fail);
        assert_eq!(by_port(":6379").status, Status::Warn);
        assert_eq!(by_port("8090").status, Status::Pass);
        assert!(by_port("8090").message.contains("koda"));
        let seaweed = by_port(":9333");
        assert_eq!(seaweed.status, Status::Fail);
        assert!(seaweed.message.contains("compose mapping"));
    }

    #[test]
    fn no_listener_passes_and_unknown_owner_says_why() {
        let mut f = facts(vec![listener("0.0.0.0", 6379, None)]);
        f.owners_denied = 3;
        let obs = check(&[5432, 6379]).judge_listeners(&f);
        assert_eq!(obs[0].status, Status::Pass);
        assert!(obs[0].message.contains("nothing listens"));
        assert_eq!(obs[1].status, Status::Fail);
        assert!(obs[1].message.contains("run as root"), "{}", obs[1].message);
    }

    #[test]
    fn udp_listeners_count_only_when_asked() {
        let mut udp = listener("0.0.0.0", 5353, Some("avahi"));
        udp.protocol = Protocol::Udp;
        let f = facts(vec![udp]);
        assert_eq!(check(&[5353]).judge_listeners(&f)[0].status, Status::Pass);
        let mut with_udp = check(&[5353]);
        with_udp.udp = true;
        assert_eq!(with_udp.judge_listeners(&f)[0].status, Status::Fail);
    }

    #[test]
    fn unreadable_table_lines_are_an_error() {
        let mut f = facts(vec![]);
        f.unreadable_lines = 2;
        let obs = check(&[5432]).judge_listeners(&f);
        assert_eq!(obs[0].status, Status::Error);
    }
}
