//! `compose.non-root`: the chosen services declare a `user:` that is not root.

use super::checks::{NonRoot, ProjectJudge, Scope};
use super::image;
use crate::facts::compose::model::{ComposeProject, Field, Service};
use crate::finding::{Observation, Status};

/// Why `user` runs as root, if it does. `user:` is `USER[:GROUP]`, by name or id; only the
/// user part decides (group 0 alone does not make a process root).
fn root_reason(user: &str) -> Option<&'static str> {
    let name = user.split(':').next().unwrap_or("").trim();
    if name.eq_ignore_ascii_case("root") {
        Some("`user: root` runs the container as root")
    } else if !name.is_empty() && name.bytes().all(|b| b == b'0') {
        Some("uid 0 is root")
    } else {
        None
    }
}

const EXPECTED: &str = "a non-root `user:` (e.g. \"1000:1000\")";

impl ProjectJudge for NonRoot {
    fn judge_project(&self, scope: &Scope<'_>, project: &ComposeProject) -> Vec<Observation> {
        let mut out = Vec::new();
        let mut chosen: Vec<(&str, &Service)> = Vec::new();
        if self.services.is_empty() {
            chosen.extend(
                project
                    .services
                    .iter()
                    .filter(|(_, s)| {
                        s.image
                            .as_deref()
                            .is_none_or(|i| !image::matches_any(i, &self.exclude_images))
                    })
                    .map(|(n, s)| (n.as_str(), s)),
            );
        } else {
            for name in &self.services {
                match project.services.get(name) {
                    Some(s) => chosen.push((name, s)),
                    None => out.push(Observation::skip(
                        format!("service {name}"),
                        "not defined in the compose files",
                    )),
                }
            }
        }
        let mut fine = Vec::new();
        for (name, service) in &chosen {
            let subject = format!("service {name}");
            let user = service.user.as_deref().map(str::trim).unwrap_or("");
            if user.is_empty() {
                out.push(
                    Observation::fail(
                        subject,
                        "no `user:` in the compose files: the container runs as the image's \
                         default user, which is root unless its Dockerfile sets USER",
                    )
                    .expected(EXPECTED)
                    .actual(if service.user.is_some() {
                        "user: (empty after interpolation)"
                    } else {
                        "no user:"
                    }),
                );
            } else if let Some(reason) = root_reason(user) {
                out.push(
                    Observation::fail(subject, reason)
                        .expected(EXPECTED)
                        .actual(format!("user: {user}")),
                );
            } else {
                fine.push(format!("{name} ({user})"));
            }
        }
        let names: Vec<&str> = chosen.iter().map(|(n, _)| *n).collect();
        out.extend(
            scope
                .problems(project, &[Field::User, Field::Image])
                .into_iter()
                .filter(|o| {
                    names
                        .iter()
                        .any(|n| o.subject.starts_with(&format!("service {n},")))
                }),
        );
        let judged_wrong = out.iter().any(|o| o.status != Status::Skip);
        if chosen.is_empty() && self.services.is_empty() {
            out.push(Observation::skip(
                "services",
                "no service to examine: every service's image is excluded",
            ));
        } else if !judged_wrong && !fine.is_empty() {
            out.push(
                Observation::pass(
                    "services",
                    format!("non-root user declared by {}", fine.join(", ")),
                )
                .expected(EXPECTED),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::checks::test_support::*;
    use super::*;

    const FILE: &str = "services:
  app:
    image: rediflow:latest
    user: \"1000:1000\"
  worker:
    image: rediflow:latest
    user: root
  cron:
    image: rediflow:latest
  db:
    image: postgres:18
  zero:
    image: x
    user: \"0:1000\"
";

    #[test]
    fn root_forms() {
        for user in ["root", "0", "0:0", "root:root", "ROOT", "00", " 0 "] {
            assert!(root_reason(user).is_some(), "{user}");
        }
        for user in ["1000", "1000:0", "app", "app:root", "nobody"] {
            assert!(root_reason(user).is_none(), "{user}");
        }
    }

    #[test]
    fn listed_services() {
        let fx = Fixture::yaml(FILE);
        let kind = NonRoot {
            services: vec!["app".into(), "worker".into(), "cron".into(), "ghost".into()],
            exclude_images: vec![],
        };
        let obs = kind.judge_scope(&fx.scope());
        assert_eq!(
            statuses(&obs),
            vec![Status::Skip, Status::Fail, Status::Fail],
            "{obs:#?}"
        );
        assert_eq!(obs[0].subject, "service ghost");
        assert_eq!(obs[1].subject, "service worker");
        assert!(obs[1].message.contains("root"));
        assert_eq!(obs[2].subject, "service cron");
        assert!(obs[2].message.contains("no `user:`"));
    }

    #[test]
    fn all_services_minus_excluded_images() {
        let fx = Fixture::yaml(FILE);
        let kind = NonRoot {
            services: vec![],
            exclude_images: vec!["postgres".into()],
        };
        let obs = kind.judge_scope(&fx.scope());
        let subjects: Vec<&str> = obs.iter().map(|o| o.subject.as_str()).collect();
        assert_eq!(
            subjects,
            vec!["service cron", "service worker", "service zero"]
        );
        assert!(obs.iter().all(|o| o.status == Status::Fail));
        assert!(obs[2].message.contains("uid 0"));
    }

    #[test]
    fn passes_when_users_are_non_root() {
        let env = [("APP_UID", "1001")];
        let fx = Fixture::new(
            &[(
                "compose.yml",
                "services:\n  app:\n    image: a\n    user: \"${APP_UID}:${APP_UID}\"\n  db:\n    image: postgres\n",
            )],
            &env,
        );
        let kind = NonRoot {
            services: vec!["app".into()],
            exclude_images: vec![],
        };
        let obs = kind.judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Pass]);
        assert!(obs[0].message.contains("app (1001:1001)"));
    }

    #[test]
    fn empty_after_interpolation_is_not_a_user() {
        let fx = Fixture::yaml("services:\n  app:\n    user: \"${APP_UID}\"\n");
        let obs = NonRoot {
            services: vec![],
            exclude_images: vec![],
        }
        .judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Fail]);
        assert!(obs[0].actual.contains("empty"));
    }

    #[test]
    fn everything_excluded_is_a_skip() {
        let fx = Fixture::yaml("services:\n  db:\n    image: postgres\n");
        let obs = NonRoot {
            services: vec![],
            exclude_images: vec!["postgres".into()],
        }
        .judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Skip]);
    }
}
