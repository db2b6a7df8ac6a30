//! `compose.docker-socket`: a container runtime's API socket (Docker, containerd, podman,
//! CRI-O) gives root on the host, so only the socket proxy may mount it, and read-only. A
//! read-only mount of the socket itself limits nothing: `:ro` only stops the container from
//! replacing the socket file, every API call still goes through.

use super::checks::{DockerSocket, ProjectJudge, Scope};
use super::image;
use crate::facts::compose::model::{ComposeProject, Field, Mount, MountKind};
use crate::finding::Observation;

/// Socket file names of container runtimes whose API starts containers as root: Docker (and
/// podman's Docker-compatible API), containerd, CRI-O, cri-dockerd.
const SOCKET_NAMES: [&str; 7] = [
    "docker.sock",
    "podman.sock",
    "docker_engine",
    "containerd.sock",
    "crio.sock",
    "cri-dockerd.sock",
    "dockershim.sock",
];
/// Host directories that contain such a socket: mounting them mounts the socket.
const SOCKET_DIRS: [&str; 11] = [
    "/",
    "/run",
    "/var/run",
    "/run/containerd",
    "/var/run/containerd",
    "/run/crio",
    "/var/run/crio",
    "/run/podman",
    "/var/run/podman",
    "/run/docker",
    "/var/run/docker",
];

/// Why this mount reaches the Docker socket, if it does.
fn reaches_socket(mount: &Mount) -> Option<String> {
    if mount.kind == MountKind::Volume {
        return None;
    }
    let source = mount.source.trim();
    let trimmed = source.trim_end_matches(['/', '\\']);
    let file_name = trimmed.rsplit(['/', '\\']).next().unwrap_or(trimmed);
    if SOCKET_NAMES.contains(&file_name) {
        return Some(format!("mounts the container runtime socket {source}"));
    }
    let dir = if trimmed.is_empty() && source.starts_with('/') {
        "/"
    } else {
        trimmed
    };
    SOCKET_DIRS
        .contains(&dir)
        .then(|| format!("mounts {source}, which contains a container runtime socket"))
}

impl ProjectJudge for DockerSocket {
    fn judge_project(&self, scope: &Scope<'_>, project: &ComposeProject) -> Vec<Observation> {
        let expected = if self.allowed_images.is_empty() {
            "no service mounts the Docker socket".to_string()
        } else {
            format!(
                "only {} mounts the Docker socket, read-only",
                self.allowed_images.join(" or ")
            )
        };
        let mut out = Vec::new();
        let mut proxies = Vec::new();
        for (name, service) in &project.services {
            let image_text = service.image.as_deref().unwrap_or("");
            let allowed =
                !image_text.is_empty() && image::matches_any(image_text, &self.allowed_images);
            let shown_image = if image_text.is_empty() {
                "no image (built locally)".to_string()
            } else {
                format!("image {image_text}")
            };
            for mount in &service.volumes {
                let Some(how) = reaches_socket(mount) else {
                    continue;
                };
                let subject = scope.entry_subject(name, "volume", &mount.raw, &mount.source_file);
                let actual = format!(
                    "{shown_image}, {} mount {}",
                    if mount.read_only {
                        "read-only"
                    } else {
                        "read-write"
                    },
                    mount.source
                );
                if !allowed {
                    out.push(
                        Observation::fail(
                            subject,
                            format!(
                                "{how} ({shown_image}): whoever controls this container \
                                 controls the container runtime, i.e. root on the host{}; \
                                 reach the API through a socket proxy such as \
                                 tecnativa/docker-socket-proxy instead",
                                if mount.read_only {
                                    ". The mount is read-only, but that does not help: `:ro` \
                                     only protects the socket file, the API behind it still \
                                     accepts every call, including starting a privileged \
                                     container"
                                } else {
                                    ""
                                }
                            ),
                        )
                        .expected(expected.clone())
                        .actual(actual),
                    );
                } else if !mount.read_only {
                    out.push(
                        Observation::fail(
                            subject,
                            format!("{how} read-write ({shown_image}); mount it with `:ro`"),
                        )
                        .expected(expected.clone())
                        .actual(actual),
                    );
                } else {
                    proxies.push(format!("{name} ({image_text})"));
                }
            }
        }
        out.extend(scope.problems(project, &[Field::Volumes, Field::Image]));
        if out.is_empty() {
            let detail = if proxies.is_empty() {
                "no service mounts the Docker socket".to_string()
            } else {
                format!(
                    "only {} mount(s) the Docker socket, read-only",
                    proxies.join(", ")
                )
            };
            out.push(
                Observation::pass(
                    "docker socket",
                    format!(
                        "{detail}; {} services' volumes examined",
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

    fn kind() -> DockerSocket {
        DockerSocket {
            allowed_images: vec!["tecnativa/docker-socket-proxy".into()],
        }
    }

    #[test]
    fn proxy_read_only_passes() {
        let fx = Fixture::yaml(
            "services:
  socket-proxy:
    image: ghcr.io/tecnativa/docker-socket-proxy:0.3
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
  dashboard:
    image: dash
    volumes:
      - ./data:/data
      - pgdata:/var/lib/postgresql/data
",
        );
        let obs = kind().judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Pass], "{obs:#?}");
        assert!(obs[0].message.contains("socket-proxy"));
    }

    #[test]
    fn proxy_read_write_fails() {
        let fx = Fixture::yaml(
            "services:
  socket-proxy:
    image: tecnativa/docker-socket-proxy:latest
    volumes:
      - type: bind
        source: /var/run/docker.sock
        target: /var/run/docker.sock
",
        );
        let obs = kind().judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Fail]);
        assert!(obs[0].message.contains("read-write"));
        assert!(obs[0].subject.starts_with("service socket-proxy, volume"));
    }

    #[test]
    fn other_services_mounting_the_socket_fail_even_read_only() {
        let fx = Fixture::yaml(
            "services:
  portainer:
    image: portainer/portainer-ce
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
  builder:
    build: .
    volumes:
      - /run/user/1000/docker.sock:/var/run/docker.sock
  sneaky:
    image: alpine
    volumes:
      - /var/run:/host-run:ro
  fine:
    image: alpine
    volumes:
      - /srv/app:/app
",
        );
        let obs = kind().judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Fail; 3], "{obs:#?}");
        assert!(obs[0].message.contains("no image"));
        assert!(obs[1].message.contains("portainer/portainer-ce"));
        assert!(obs[2]
            .message
            .contains("contains a container runtime socket"));
        assert!(obs[1].message.contains("read-only, but that does not help"));
    }

    #[test]
    fn overlay_making_the_mount_read_only_counts() {
        let fx = Fixture::new(
            &[
                (
                    "docker-compose.yml",
                    "services:\n  proxy:\n    image: tecnativa/docker-socket-proxy\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n",
                ),
                (
                    "docker-compose.prod.yml",
                    "services:\n  proxy:\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n",
                ),
            ],
            &[],
        );
        assert_eq!(
            statuses(&kind().judge_scope(&fx.scope())),
            vec![Status::Pass]
        );
    }

    #[test]
    fn no_mounts_pass_and_named_volumes_are_not_sockets() {
        let fx = Fixture::yaml("services:\n  a:\n    volumes: [\"docker.sock:/x\"]\n");
        let obs = kind().judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Pass]);
        assert!(obs[0]
            .message
            .contains("no service mounts the Docker socket"));
    }

    #[test]
    fn other_runtime_sockets_and_volumes_from_count() {
        let fx = Fixture::yaml(
            "services:
  agent:
    image: agent
    volumes:
      - /run/containerd/containerd.sock:/run/containerd/containerd.sock:ro
  crio:
    image: x
    volumes:
      - /var/run/crio/crio.sock:/crio.sock
  pod:
    image: y
    volumes:
      - /run/user/1000/podman/podman.sock:/var/run/docker.sock
  proxy:
    image: tecnativa/docker-socket-proxy
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
  sidecar:
    image: z
    volumes_from:
      - proxy:ro
",
        );
        let obs = kind().judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Fail; 4], "{obs:#?}");
        let sidecar = obs.iter().find(|o| o.subject.contains("sidecar")).unwrap();
        assert!(
            sidecar.subject.contains("volumes_from proxy"),
            "{}",
            sidecar.subject
        );
        assert!(obs.iter().any(|o| o.subject.contains("containerd.sock")));
    }
}
