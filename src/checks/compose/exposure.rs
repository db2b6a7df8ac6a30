//! Published-port kinds: `compose.loopback-only`, `compose.not-published`,
//! `compose.public-ports`. They judge the MERGED `ports` lists: an overlay's loopback mapping
//! is added next to the base file's mapping, it does not replace it.

use super::checks::{LoopbackOnly, NotPublished, ProjectJudge, PublicPorts, Scope};
use crate::facts::compose::model::{Binding, ComposeProject, Field, PublishedPort, Service};
use crate::finding::{Location, Observation, Severity};

fn port_list(ports: &[u16]) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn port_subject(scope: &Scope<'_>, service: &str, port: &PublishedPort) -> String {
    scope.entry_subject(service, "port", &port.raw, &port.source)
}

/// "port 8090", "ports 3000, 3001".
fn named_ports(ports: &[u16]) -> String {
    match ports {
        [one] => format!("port {one}"),
        _ => format!("ports {}", port_list(ports)),
    }
}

/// How a binding reads in a message: "all interfaces (host port 8090)".
fn where_bound(port: &PublishedPort) -> String {
    let host = match port.host_ports() {
        None => "random host port".to_string(),
        Some(r) if r.start() == r.end() => format!("host port {}", r.start()),
        Some(r) => format!("host ports {}-{}", r.start(), r.end()),
    };
    match port.binding() {
        Binding::AllInterfaces => format!("all interfaces ({host})"),
        Binding::Loopback => format!("loopback ({host})"),
        Binding::Private(ip) => format!("{ip}, a private interface, not loopback ({host})"),
        Binding::Public(ip) => format!("{ip} ({host})"),
    }
}

/// `; "${P:-8090}:8090" resolves to "8090:8090"` when interpolation changed the mapping (the
/// subject already shows it as written).
fn resolution(port: &PublishedPort) -> String {
    if port.resolved != port.raw && !port.raw.starts_with('{') {
        format!("; {:?} resolves to {:?}", port.raw, port.resolved)
    } else {
        String::new()
    }
}

/// Other files' loopback mappings for the same ports: the layering trap to explain.
fn loopback_twins<'s>(
    service: &'s Service,
    exposed: &PublishedPort,
    hits: &[u16],
) -> Vec<&'s PublishedPort> {
    service
        .ports
        .iter()
        .filter(|p| p.binding() == Binding::Loopback)
        .filter(|p| p.source != exposed.source || p.raw != exposed.raw)
        .filter(|p| hits.iter().any(|h| p.touches(*h)))
        .collect()
}

fn layering_note(scope: &Scope<'_>, twins: &[&PublishedPort]) -> String {
    let Some(first) = twins.first() else {
        return String::new();
    };
    format!(
        "; the loopback mapping in {} ({:?}) does not remove this one: compose adds `ports` \
         from later files to the earlier ones, so the merged service is published on both \
         (drop the mapping from the base file, or write `ports: !override` in the overlay)",
        scope.show(&first.source),
        first.raw
    )
}

/// A host-network service whose image is known to listen on one of `ports` on every interface
/// (the postgres image on 0.0.0.0:5432): exposed, whatever `ports:` says.
fn host_network_finding(name: &str, service: &Service, ports: &[u16]) -> Observation {
    let image = service.image.as_deref().unwrap_or("");
    let known = super::known::default_ports(image);
    // Under host networking `ports:` is ignored, but it says what the service listens on.
    let declared = |p: u16| service.ports.iter().any(|m| m.targets().contains(&p));
    let listening: Vec<u16> = ports
        .iter()
        .copied()
        .filter(|p| known.contains(p) || declared(*p))
        .collect();
    if listening.is_empty() {
        return host_network_warning(name, ports);
    }
    let why = if listening.iter().all(|p| known.contains(p)) {
        format!(
            "its image {image} listens on {} of every host interface by default",
            named_ports(&listening)
        )
    } else {
        format!(
            "it serves {} (its `ports:` say so, but they are ignored under host networking: \
             the process binds the host's interfaces itself)",
            named_ports(&listening)
        )
    };
    Observation::fail(
        format!("service {name}"),
        format!(
            "uses `network_mode: host`, and {why}: the service is reachable from the network \
             without any published port, and Docker's port rules do not apply; remove \
             `network_mode: host` and let other services reach it on the compose network"
        ),
    )
    .expected("no host networking for databases and internal services")
    .actual("network_mode: host")
    .at(Location::service(
        service.defined_in.as_deref(),
        name,
        listening.first().copied(),
    ))
}

/// Services `docker compose up` does not start (inactive profiles) that would publish one of
/// `ports`: said, not failed.
fn inactive_notes(project: &ComposeProject, ports: &[u16]) -> Vec<Observation> {
    project
        .inactive
        .iter()
        .filter_map(|(name, service)| {
            let hits: Vec<String> = service
                .ports
                .iter()
                .filter(|p| ports.is_empty() || ports.iter().any(|h| p.touches(*h)))
                .map(PublishedPort::describe)
                .collect();
            (!hits.is_empty()).then(|| {
                Observation::pass(
                    format!("service {name}"),
                    format!(
                        "not started by `docker compose up`: its profile(s) {} are not active \
                         (COMPOSE_PROFILES); it would publish {} when started with --profile",
                        service.profiles.join(", "),
                        hits.join(", ")
                    ),
                )
                .severity(Severity::Info)
            })
        })
        .collect()
}

fn host_network_warning(name: &str, ports: &[u16]) -> Observation {
    Observation::warn(
        format!("service {name}"),
        format!(
            "uses `network_mode: host`: it listens directly on the host's interfaces and \
             compose publishes nothing, so {} cannot be judged from the compose files; check \
             the host's listeners",
            if ports.is_empty() {
                "its ports".to_string()
            } else {
                named_ports(ports)
            }
        ),
    )
    .expected("ports published through compose")
    .actual("network_mode: host")
}

fn count_summary(project: &ComposeProject, examined: usize) -> String {
    let mappings: usize = project.services.values().map(|s| s.ports.len()).sum();
    format!(
        "{} services, {mappings} published port mappings examined ({examined} for these ports)",
        project.services.len()
    )
}

/// What `compose.loopback-only` and `compose.not-published` share: the ports a rule covers,
/// whether a loopback binding satisfies it, and how to word its verdicts.
struct PortRule<'a> {
    ports: &'a [u16],
    allow_loopback: bool,
    expected: &'a str,
    /// After "N is published on WHERE": what makes that a failure.
    exposed: &'a str,
    /// The pass message when nothing matching is published.
    none_published: String,
    /// The pass message's prefix before the loopback bindings it accepted.
    loopback_published: &'a str,
}

impl PortRule<'_> {
    fn judge(&self, scope: &Scope<'_>, project: &ComposeProject) -> Vec<Observation> {
        let mut out = Vec::new();
        let mut tolerated = Vec::new();
        let mut examined = 0;
        for (name, service) in &project.services {
            if service.uses_host_network() {
                // Its `ports:` bind nothing: judged above, not as published mappings.
                out.push(host_network_finding(name, service, self.ports));
                continue;
            }
            for port in &service.ports {
                let hits: Vec<u16> = self
                    .ports
                    .iter()
                    .copied()
                    .filter(|p| port.touches(*p))
                    .collect();
                if hits.is_empty() {
                    continue;
                }
                examined += 1;
                if self.allow_loopback && port.binding() == Binding::Loopback {
                    tolerated.push(format!("{name} {}", port.describe()));
                    continue;
                }
                let twins = if self.allow_loopback {
                    loopback_twins(service, port, &hits)
                } else {
                    Vec::new()
                };
                let message = format!(
                    "{} is published on {}{}{}{}",
                    named_ports(&hits),
                    where_bound(port),
                    self.exposed,
                    resolution(port),
                    layering_note(scope, &twins)
                );
                out.push(
                    Observation::fail(port_subject(scope, name, port), message)
                        .expected(self.expected)
                        .actual(port.describe())
                        .at(Location::service(
                            Some(&port.source),
                            name,
                            port.host_ports().map(|r| *r.start()),
                        )),
                );
            }
        }
        out.extend(scope.problems(project, &[Field::Ports, Field::NetworkMode]));
        if out.is_empty() {
            let detail = if tolerated.is_empty() {
                self.none_published.clone()
            } else {
                format!("{}: {}", self.loopback_published, tolerated.join(", "))
            };
            out.push(
                Observation::pass(
                    "published ports",
                    format!("{detail}; {}", count_summary(project, examined)),
                )
                .expected(self.expected),
            );
        }
        out.extend(inactive_notes(project, self.ports));
        out
    }
}

impl ProjectJudge for LoopbackOnly {
    fn judge_project(&self, scope: &Scope<'_>, project: &ComposeProject) -> Vec<Observation> {
        let expected = format!("{} on loopback only", named_ports(&self.ports));
        PortRule {
            ports: &self.ports,
            allow_loopback: true,
            expected: &expected,
            exposed: ", not only on loopback",
            none_published: format!("none of {} is published", named_ports(&self.ports)),
            loopback_published: "bound to loopback only",
        }
        .judge(scope, project)
    }
}

impl ProjectJudge for NotPublished {
    fn judge_project(&self, scope: &Scope<'_>, project: &ComposeProject) -> Vec<Observation> {
        let expected = if self.allow_loopback {
            "not published, or on loopback only"
        } else {
            "not published"
        };
        PortRule {
            ports: &self.ports,
            allow_loopback: self.allow_loopback,
            expected,
            exposed: "",
            none_published: format!("{} not published", named_ports(&self.ports)),
            loopback_published: "published on loopback only",
        }
        .judge(scope, project)
    }
}

impl ProjectJudge for PublicPorts {
    fn judge_project(&self, scope: &Scope<'_>, project: &ComposeProject) -> Vec<Observation> {
        let all_allowed: Vec<u16> = self
            .web_ports
            .iter()
            .chain(&self.allowed)
            .copied()
            .collect();
        let allowed_text = if all_allowed.is_empty() {
            "no public port".to_string()
        } else {
            format!("public ports limited to {}", port_list(&all_allowed))
        };
        let mut out = Vec::new();
        let mut public = 0;
        for (name, service) in &project.services {
            if service.uses_host_network() {
                out.push(host_network_warning(name, &[]));
            }
            for port in &service.ports {
                if !matches!(port.binding(), Binding::AllInterfaces | Binding::Public(_)) {
                    continue;
                }
                public += 1;
                let subject = port_subject(scope, name, port);
                let Some(hosts) = port.host_ports() else {
                    out.push(
                        Observation::fail(
                            subject,
                            format!(
                                "container port {} is published on {}{}",
                                port.target,
                                where_bound(port),
                                resolution(port)
                            ),
                        )
                        .expected(allowed_text.clone())
                        .actual(port.describe()),
                    );
                    continue;
                };
                let refused: Vec<u16> =
                    hosts.clone().filter(|h| !all_allowed.contains(h)).collect();
                if refused.is_empty() {
                    let opened: Vec<u16> = hosts.take(20).collect();
                    let mut message = format!(
                        "{} is published on {} and allowed to be public{}",
                        named_ports(&opened),
                        where_bound(port),
                        resolution(port)
                    );
                    let only_web = opened.iter().all(|p| self.web_ports.contains(p));
                    if !self.note.is_empty() && !only_web {
                        message.push_str(&format!(". {}", self.note));
                    }
                    out.push(
                        Observation::pass(subject, message)
                            .expected(allowed_text.clone())
                            .actual(port.describe())
                            .severity(Severity::Info),
                    );
                } else {
                    out.push(
                        Observation::fail(
                            subject,
                            format!(
                                "{} is published on {} and is not an allowed public port{}",
                                named_ports(&refused[..refused.len().min(20)]),
                                where_bound(port),
                                resolution(port)
                            ),
                        )
                        .expected(allowed_text.clone())
                        .actual(port.describe()),
                    );
                }
            }
        }
        out.extend(scope.problems(project, &[Field::Ports, Field::NetworkMode]));
        if out.is_empty() {
            let mappings: usize = project.services.values().map(|s| s.ports.len()).sum();
            out.push(
                Observation::pass(
                    "published ports",
                    format!(
                        "no port is published on a public interface; {} services, {mappings} \
                         published port mappings examined ({public} public)",
                        project.services.len()
                    ),
                )
                .expected(allowed_text),
            );
        }
        out.extend(inactive_notes(project, &[]));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::checks::test_support::*;
    use super::*;
    use crate::finding::Status;

    const KODA_BASE: &str = "services:
  web:
    image: koda-web
    ports:
      - \"127.0.0.1:3000:3000\"
  control-plane:
    image: koda-cp
    ports:
      - \"${CONTROL_PLANE_PORT:-8090}:8090\"
  postgres:
    image: postgres:16
";
    const KODA_PROD: &str = "services:
  control-plane:
    ports:
      - \"127.0.0.1:${CONTROL_PLANE_PORT:-8090}:8090\"
";

    fn loopback(ports: &[u16]) -> LoopbackOnly {
        LoopbackOnly {
            ports: ports.to_vec(),
        }
    }

    #[test]
    fn koda_trap_overlay_loopback_does_not_hide_base_mapping() {
        // Through the real loader, with the env value from the primary env file.
        let env = [("CONTROL_PLANE_PORT", "8090")];
        let fx = Fixture::new(
            &[
                ("docker-compose.yml", KODA_BASE),
                ("docker-compose.prod.yml", KODA_PROD),
            ],
            &env,
        );
        let obs = loopback(&[3000, 8090]).judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Fail], "{obs:#?}");
        let fail = &obs[0];
        assert_eq!(
            fail.subject,
            "service control-plane, port \"${CONTROL_PLANE_PORT:-8090}:8090\" (docker-compose.yml)"
        );
        assert!(fail.message.contains("port 8090"), "{}", fail.message);
        assert!(fail.message.contains("all interfaces"), "{}", fail.message);
        assert!(
            fail.message.contains("docker-compose.prod.yml")
                && fail.message.contains("does not remove"),
            "{}",
            fail.message
        );
        assert!(
            fail.message.contains("resolves to \"8090:8090\""),
            "{}",
            fail.message
        );
        assert_eq!(fail.actual, "0.0.0.0:8090->8090/tcp");
    }

    #[test]
    fn koda_trap_follows_the_env_port() {
        // The env file moves the host port; the container port still identifies the mapping.
        let env = [("CONTROL_PLANE_PORT", "18090")];
        let fx = Fixture::new(
            &[
                ("docker-compose.yml", KODA_BASE),
                ("docker-compose.prod.yml", KODA_PROD),
            ],
            &env,
        );
        let obs = loopback(&[8090]).judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Fail]);
        assert_eq!(obs[0].actual, "0.0.0.0:18090->8090/tcp");
    }

    #[test]
    fn override_in_overlay_fixes_the_trap() {
        let prod =
            "services:\n  control-plane:\n    ports: !override\n      - \"127.0.0.1:8090:8090\"\n";
        let fx = Fixture::new(
            &[
                ("docker-compose.yml", KODA_BASE),
                ("docker-compose.prod.yml", prod),
            ],
            &[],
        );
        let obs = loopback(&[3000, 8090]).judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Pass], "{obs:#?}");
        assert!(
            obs[0].message.contains("loopback only"),
            "{}",
            obs[0].message
        );
        assert!(obs[0]
            .message
            .contains("3 services, 2 published port mappings"));
    }

    #[test]
    fn loopback_only_judges_host_side_too_and_each_binding() {
        let fx = Fixture::yaml(
            "services:
  a:
    ports: [\"3000\"]
  b:
    ports: [\"3000:80\"]
  c:
    ports: [\"10.0.0.2:3000:3000\"]
  d:
    ports: [\"[::1]:3000:3000\", \"127.0.0.1:3001:3001\"]
  e:
    ports: [\"2990-3010:2990-3010\"]
",
        );
        let obs = loopback(&[3000]).judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Fail; 4], "{obs:#?}");
        assert!(obs[0].message.contains("all interfaces (random host port)"));
        assert!(obs[1].subject.starts_with("service b,"));
        assert!(obs[2].message.contains("private interface"));
        assert!(obs[3].subject.starts_with("service e,"));
    }

    #[test]
    fn loopback_only_passes_when_port_not_published() {
        let fx = Fixture::yaml("services:\n  web:\n    ports: [\"443:443\"]\n");
        let obs = loopback(&[3000]).judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Pass]);
        assert!(obs[0].message.contains("none of port 3000 is published"));
    }

    #[test]
    fn host_network_is_not_silently_passed() {
        let fx = Fixture::yaml("services:\n  app:\n    network_mode: host\n");
        let obs = loopback(&[3000]).judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Warn]);
        assert!(obs[0].message.contains("network_mode: host"));
    }

    #[test]
    fn host_network_internal_services_fail_even_with_loopback_ports() {
        let fx = Fixture::yaml(
            "services:\n  cp:\n    network_mode: host\n    ports: [\"127.0.0.1:8090:8090\"]\n  db:\n    image: postgres:16\n    network_mode: host\n",
        );
        let obs = loopback(&[8090, 5432]).judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Fail, Status::Fail], "{obs:#?}");
        assert!(obs[0].message.contains("ignored under host networking"));
        assert!(obs[1].message.contains("postgres:16 listens on port 5432"));
    }

    #[test]
    fn unreadable_port_entries_are_errors_not_passes() {
        let fx = Fixture::yaml("services:\n  app:\n    ports: [\"nohost:3000:3000\"]\n");
        let obs = loopback(&[3000]).judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Error]);
        assert!(obs[0].subject.contains("nohost:3000:3000"));
    }

    #[test]
    fn not_published_with_and_without_loopback() {
        let fx = Fixture::yaml(
            "services:
  db:
    image: postgres
    ports:
      - \"127.0.0.1:5432:5432\"
  cache:
    image: redis
    ports:
      - target: 6379
        published: 16379
",
        );
        let strict = NotPublished {
            ports: vec![5432, 6379],
            allow_loopback: false,
        };
        let obs = strict.judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Fail, Status::Fail]);
        assert!(obs[0]
            .subject
            .starts_with("service cache, port \"{target: 6379"));
        assert!(obs[0].message.contains("port 6379"));
        assert!(obs[1].message.contains("on loopback"));

        let lenient = NotPublished {
            ports: vec![5432],
            allow_loopback: true,
        };
        let obs = lenient.judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Pass]);
        assert!(obs[0].message.contains("loopback only"));

        let none = NotPublished {
            ports: vec![27017],
            allow_loopback: false,
        };
        let obs = none.judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Pass]);
        assert!(obs[0].message.contains("port 27017 not published"));
    }

    #[test]
    fn public_ports_allowed_are_info_passes_others_fail() {
        let fx = Fixture::yaml(
            "services:
  proxy:
    ports:
      - \"8085:8085\"
      - \"1455:1455\"
      - \"127.0.0.1:8317:8317\"
  dashboard:
    ports:
      - \"3000:3000\"
      - \"9000\"
  lan:
    ports:
      - \"192.168.1.5:9100:9100\"
",
        );
        let kind = PublicPorts {
            allowed: vec![8085, 1455, 54545],
            web_ports: vec![],
            note: "open them only when remote OAuth is used".into(),
        };
        let obs = kind.judge_scope(&fx.scope());
        assert_eq!(
            statuses(&obs),
            vec![Status::Fail, Status::Fail, Status::Pass, Status::Pass],
            "{obs:#?}"
        );
        assert!(obs[0].message.contains("port 3000") && obs[0].message.contains("not an allowed"));
        assert!(obs[1].message.contains("random host port"));
        assert_eq!(obs[2].severity, Some(Severity::Info));
        assert!(obs[2].message.contains("remote OAuth"));
        assert_eq!(obs[0].severity, None);
    }

    #[test]
    fn public_ports_ranges_must_be_fully_allowed() {
        let fx = Fixture::yaml("services:\n  a:\n    ports: [\"80-81:80-81\"]\n");
        let kind = PublicPorts {
            allowed: vec![80],
            web_ports: vec![],
            note: String::new(),
        };
        let obs = kind.judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Fail]);
        assert!(obs[0].message.contains("port 81"));
        let kind = PublicPorts {
            allowed: vec![80, 81],
            web_ports: vec![],
            note: String::new(),
        };
        assert_eq!(statuses(&kind.judge_scope(&fx.scope())), vec![Status::Pass]);
    }

    #[test]
    fn public_ports_pass_when_nothing_public() {
        let fx = Fixture::yaml(
            "services:\n  a:\n    ports: [\"127.0.0.1:80:80\"]\n  b:\n    image: x\n",
        );
        let obs = PublicPorts {
            allowed: vec![],
            web_ports: vec![],
            note: String::new(),
        }
        .judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Pass]);
        assert!(obs[0]
            .message
            .contains("2 services, 1 published port mappings examined"));
    }
}
