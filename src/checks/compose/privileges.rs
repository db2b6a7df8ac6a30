//! `compose.privileges`: `privileged: true`, `cap_add: [ALL]` / `SYS_ADMIN` / `SYS_MODULE` and
//! `pid: host` take the container's isolation away: a compromise of that service is a
//! compromise of the host. A fail on web-facing services (published beyond loopback, or on the
//! host network, or named in `services`), a warning elsewhere.

use super::checks::{judge_compose, validate_names, ProjectJudge, Scope};
use crate::checks::{Judgement, Kind};
use crate::facts::compose::model::{Binding, ComposeProject, Field, Service};
use crate::facts::Facts;
use crate::finding::{Category, Location, Observation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Privileges {
    /// Services that are web-facing even without a public port (e.g. behind a proxy on the
    /// compose network); services publishing beyond loopback always are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub web_facing: Vec<String>,
}

/// Capabilities that amount to root on the host.
const HOST_ROOT_CAPABILITIES: [&str; 3] = ["ALL", "SYS_ADMIN", "SYS_MODULE"];

impl Kind for Privileges {
    const TAG: &'static str = "compose.privileges";
    const CATEGORY: Category = Category::Exposure;

    fn validate(&self) -> Result<(), String> {
        validate_names("web_facing", &self.web_facing)
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        judge_compose(self, facts)
    }
}

/// What takes this service's isolation away, as written.
fn escalations(service: &Service) -> Vec<String> {
    let mut found = Vec::new();
    if service.privileged {
        found.push("privileged: true".to_string());
    }
    for cap in service.capabilities() {
        if HOST_ROOT_CAPABILITIES.contains(&cap.as_str()) {
            found.push(format!("cap_add: {cap}"));
        }
    }
    if service.uses_host_pid() {
        found.push("pid: host".to_string());
    }
    found
}

/// Why the service counts as web-facing, if it does.
fn web_facing(name: &str, service: &Service, named: &[String]) -> Option<String> {
    if named.iter().any(|n| n == name) {
        return Some("the profile names it web-facing".into());
    }
    if service.uses_host_network() {
        return Some("it uses the host's network".into());
    }
    service
        .ports
        .iter()
        .find(|p| p.binding() != Binding::Loopback)
        .map(|p| format!("it publishes {}", p.describe()))
}

impl ProjectJudge for Privileges {
    fn judge_project(&self, scope: &Scope<'_>, project: &ComposeProject) -> Vec<Observation> {
        let expected = "no privileged mode, host PID namespace or root-equivalent capabilities";
        let mut out = Vec::new();
        for (name, service) in &project.services {
            let found = escalations(service);
            if found.is_empty() {
                continue;
            }
            let what = found.join(", ");
            let location = Location::service(service.defined_in.as_deref(), name, None);
            let observation = match web_facing(name, service, &self.web_facing) {
                Some(why) => Observation::fail(
                    format!("service {name}"),
                    format!(
                        "{what} on a web-facing service ({why}): whoever breaks into it is root \
                         on the host; drop it, or add only the narrow capability it needs"
                    ),
                ),
                None => Observation::warn(
                    format!("service {name}"),
                    format!(
                        "{what}: the container is not isolated from the host; it publishes \
                         nothing beyond loopback, so only a compromise through another path \
                         reaches it"
                    ),
                ),
            };
            out.push(observation.expected(expected).actual(what).at(location));
        }
        out.extend(scope.problems(project, &[Field::Privileged, Field::CapAdd, Field::Pid]));
        if out.is_empty() {
            out.push(
                Observation::pass(
                    "container privileges",
                    format!(
                        "no service is privileged, shares the host PID namespace or adds {}; \
                         {} services examined",
                        HOST_ROOT_CAPABILITIES.join("/"),
                        project.services.len()
                    ),
                )
                .expected(expected),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::checks::test_support::*;
    use super::*;
    use crate::finding::Status;

    #[test]
    fn privileged_web_services_fail_internal_ones_warn() {
        let fx = Fixture::yaml(
            "services:
  web:
    image: app
    privileged: true
    ports: [\"80:80\"]
  api:
    image: api
    cap_add: [cap_sys_admin, NET_BIND_SERVICE]
    network_mode: host
  tools:
    image: t
    pid: host
  worker:
    image: w
    cap_add: [ALL]
  fine:
    image: f
    cap_add: [NET_BIND_SERVICE]
    ports: [\"127.0.0.1:81:81\"]
",
        );
        let obs = Privileges {
            web_facing: vec!["worker".into()],
        }
        .judge_scope(&fx.scope());
        let by = |s: &str| {
            obs.iter()
                .find(|o| o.subject == format!("service {s}"))
                .unwrap()
        };
        assert_eq!(by("web").status, Status::Fail, "{obs:#?}");
        assert!(by("web").message.contains("privileged: true"));
        assert_eq!(by("api").status, Status::Fail);
        assert!(by("api").message.contains("SYS_ADMIN"));
        assert_eq!(by("tools").status, Status::Warn);
        assert_eq!(by("worker").status, Status::Fail);
        assert_eq!(obs.len(), 4);
    }

    #[test]
    fn nothing_privileged_passes() {
        let fx = Fixture::yaml("services:\n  web:\n    image: app\n    privileged: false\n");
        let obs = Privileges::default().judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Pass]);
    }
}
