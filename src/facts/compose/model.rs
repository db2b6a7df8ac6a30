//! The merged compose project: services with their published ports, mounts and user.

use crate::ip::Reach;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::ops::RangeInclusive;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedPort {
    /// Interface the host side binds; `None` means all interfaces.
    pub host_ip: Option<String>,
    /// Host port (first of a range); `None` when Docker picks an ephemeral one.
    pub published: Option<u16>,
    /// Last host port of a range (equal to `published` for a single port).
    pub published_end: Option<u16>,
    /// Container port (first of a range).
    pub target: u16,
    /// Last container port of a range (equal to `target` for a single port).
    pub target_end: u16,
    pub protocol: String,
    /// The compose file that declared this mapping, and the mapping as written there.
    pub source: PathBuf,
    pub raw: String,
    /// The mapping after `${VAR}` interpolation.
    pub resolved: String,
}

/// Where a published port can be reached from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// No host IP, `0.0.0.0` or `::`: every interface of the host.
    AllInterfaces,
    /// 127.0.0.0/8, ::1 or `localhost`.
    Loopback,
    /// One private, link-local or CGNAT interface (LAN, VPN).
    Private(String),
    /// One interface with a public address.
    Public(String),
}

impl PublishedPort {
    pub fn binding(&self) -> Binding {
        let Some(ip_text) = self.host_ip.as_deref().filter(|ip| !ip.is_empty()) else {
            return Binding::AllInterfaces;
        };
        if ip_text.eq_ignore_ascii_case("localhost") {
            return Binding::Loopback;
        }
        match ip_text.parse::<IpAddr>().map(crate::ip::reach) {
            Ok(Reach::AllInterfaces) => Binding::AllInterfaces,
            Ok(Reach::Loopback) => Binding::Loopback,
            Ok(Reach::Private) => Binding::Private(ip_text.to_string()),
            _ => Binding::Public(ip_text.to_string()),
        }
    }

    pub fn targets(&self) -> RangeInclusive<u16> {
        self.target..=self.target_end.max(self.target)
    }

    pub fn host_ports(&self) -> Option<RangeInclusive<u16>> {
        let start = self.published?;
        Some(start..=self.published_end.unwrap_or(start).max(start))
    }

    /// Whether `port` is this mapping's container port or host port (ranges included).
    pub fn touches(&self, port: u16) -> bool {
        self.targets().contains(&port) || self.host_ports().is_some_and(|r| r.contains(&port))
    }

    /// `docker ps` style: `127.0.0.1:8090->8090/tcp`, `0.0.0.0:(random)->3000/tcp`.
    pub fn describe(&self) -> String {
        let ip = match self.host_ip.as_deref() {
            None | Some("") => "0.0.0.0".to_string(),
            Some(ip) if ip.contains(':') => format!("[{ip}]"),
            Some(ip) => ip.to_string(),
        };
        let host = match self.host_ports() {
            None => "(random)".to_string(),
            Some(r) => range_text(r),
        };
        format!(
            "{ip}:{host}->{}/{}",
            range_text(self.targets()),
            self.protocol
        )
    }
}

fn range_text(r: RangeInclusive<u16>) -> String {
    if r.start() == r.end() {
        r.start().to_string()
    } else {
        format!("{}-{}", r.start(), r.end())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MountKind {
    /// A host path mounted into the container.
    Bind,
    /// A named or anonymous volume.
    Volume,
    /// tmpfs, image, cluster...
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub source: String,
    pub target: String,
    pub read_only: bool,
    pub kind: MountKind,
    /// The compose file that declared this mount, and the entry as written there.
    pub source_file: PathBuf,
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Service {
    pub image: Option<String>,
    pub user: Option<String>,
    /// `host` means the service shares the host's network and `ports` do not apply.
    pub network_mode: Option<String>,
    pub ports: Vec<PublishedPort>,
    pub volumes: Vec<Mount>,
    pub privileged: bool,
    /// Capabilities as written, upper-cased, without a `CAP_` prefix.
    pub cap_add: Vec<String>,
    /// `host` shares the host's process namespace.
    pub pid: Option<String>,
    /// The service starts only when one of these profiles is active (none: always).
    pub profiles: Vec<String>,
    /// `SERVICE[:ro|:rw]` or `container:NAME[:ro|:rw]`: mounts inherited from another one.
    pub volumes_from: Vec<String>,
    /// The file that first defined the service (for locating findings about it).
    pub defined_in: Option<PathBuf>,
}

impl Service {
    pub fn uses_host_network(&self) -> bool {
        self.network_mode.as_deref().map(str::trim) == Some("host")
    }

    pub fn uses_host_pid(&self) -> bool {
        self.pid.as_deref().map(str::trim) == Some("host")
    }

    /// Capabilities without a `CAP_` prefix, upper-cased.
    pub fn capabilities(&self) -> impl Iterator<Item = String> + '_ {
        self.cap_add.iter().map(|c| {
            let upper = c.trim().to_ascii_uppercase();
            upper.strip_prefix("CAP_").unwrap_or(&upper).to_string()
        })
    }
}

/// Which part of a service an unreadable entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Image,
    User,
    NetworkMode,
    Ports,
    Volumes,
    Privileged,
    CapAdd,
    Pid,
    Profiles,
    VolumesFrom,
}

impl Field {
    pub fn key(self) -> &'static str {
        match self {
            Field::Image => "image",
            Field::User => "user",
            Field::NetworkMode => "network_mode",
            Field::Ports => "ports",
            Field::Volumes => "volumes",
            Field::Privileged => "privileged",
            Field::CapAdd => "cap_add",
            Field::Pid => "pid",
            Field::Profiles => "profiles",
            Field::VolumesFrom => "volumes_from",
        }
    }
}

/// An entry Docker would refuse (so the checks cannot judge it): kept, not silently dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub source: PathBuf,
    pub service: String,
    pub field: Field,
    pub raw: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ComposeProject {
    /// Files that were found and layered, in order (included and extended files too).
    pub files: Vec<PathBuf>,
    /// Services that `docker compose up` starts.
    pub services: BTreeMap<String, Service>,
    /// Services it does not start: none of their `profiles` is active.
    pub inactive: BTreeMap<String, Service>,
    pub problems: Vec<Problem>,
    /// How the files were chosen and where `${VAR}` values came from, for the report.
    pub resolution: Vec<String>,
    /// Why the project `.env` could not be read (values with `${VAR}` are then unknown).
    pub env_unreadable: Option<String>,
    /// The project `.env`'s secrets, for redaction and leak searches; never shown.
    pub env_secrets: ProjectSecrets,
}

/// (variable, value) of each secret in the project `.env`: variables whose names say secret,
/// and passwords inside URLs or DSNs. Its `Debug` gives the count only.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ProjectSecrets(pub Vec<(String, String)>);

impl ProjectSecrets {
    /// Keeps the secrets among `vars`: names that say secret, and passwords inside URLs or
    /// DSNs.
    pub fn add_vars(&mut self, vars: &BTreeMap<String, String>) {
        for (name, value) in vars {
            if crate::facts::env::is_secret_name(name) {
                self.0.push((name.clone(), value.clone()));
            }
            self.0.extend(
                crate::dsn::passwords(value)
                    .into_iter()
                    .map(|p| (name.clone(), p)),
            );
        }
    }
}

impl std::fmt::Debug for ProjectSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProjectSecrets({} values)", self.0.len())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeState {
    /// None of the profile's compose files exists.
    Absent,
    /// A file could not be read or parsed; names the file (and line when known).
    Unusable(String),
    Loaded(ComposeProject),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::compose::interpolate::Interpolator;
    use crate::target::ComposeFileSpec;

    /// Loads and layers these compose files with no active profiles.
    fn load(specs: &[ComposeFileSpec], env: &Interpolator) -> ComposeState {
        super::super::loader::load(specs, env, &[])
    }
    use std::path::Path;

    fn spec(path: &Path, required: bool) -> ComposeFileSpec {
        ComposeFileSpec {
            path: path.to_path_buf(),
            required,
        }
    }

    fn no_env() -> Interpolator {
        Interpolator::from_pairs(&[])
    }

    #[test]
    fn absent_when_no_file_exists() {
        let dir = tempfile::tempdir().unwrap();
        let specs = [spec(&dir.path().join("docker-compose.yml"), false)];
        assert_eq!(load(&specs, &no_env()), ComposeState::Absent);
        assert_eq!(load(&[], &no_env()), ComposeState::Absent);
    }

    #[test]
    fn missing_required_file_is_unusable_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let specs = [spec(&dir.path().join("compose.deploy-prod.yml"), true)];
        match load(&specs, &no_env()) {
            ComposeState::Unusable(m) => assert!(m.contains("compose.deploy-prod.yml"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn missing_optional_overlay_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("docker-compose.yml");
        std::fs::write(&base, "services:\n  web:\n    image: app\n").unwrap();
        let specs = [
            spec(&base, false),
            spec(&dir.path().join("docker-compose.prod.yml"), false),
        ];
        match load(&specs, &no_env()) {
            ComposeState::Loaded(p) => {
                assert_eq!(p.files, vec![base]);
                assert_eq!(p.services["web"].image.as_deref(), Some("app"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_yaml_names_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("docker-compose.yml");
        std::fs::write(&base, "services:\n  web:\n    image: app\n").unwrap();
        let bad = dir.path().join("docker-compose.prod.yml");
        std::fs::write(&bad, "services:\n  web:\n    ports: [\"80:80\"\n  db: {\n").unwrap();
        let specs = [spec(&base, true), spec(&bad, false)];
        match load(&specs, &no_env()) {
            ComposeState::Unusable(m) => {
                assert!(m.contains("docker-compose.prod.yml"), "{m}");
                assert!(m.contains("line "), "{m}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wrong_shape_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("compose.yml");
        std::fs::write(&base, "services:\n  - web\n").unwrap();
        match load(&[spec(&base, true)], &no_env()) {
            ComposeState::Unusable(m) => assert!(m.contains("compose.yml"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn describes_mappings_like_docker_ps() {
        let port = PublishedPort {
            host_ip: None,
            published: None,
            published_end: None,
            target: 3000,
            target_end: 3000,
            protocol: "tcp".into(),
            source: PathBuf::from("c.yml"),
            raw: "3000".into(),
            resolved: "3000".into(),
        };
        assert_eq!(port.describe(), "0.0.0.0:(random)->3000/tcp");
        let port = PublishedPort {
            host_ip: Some("::1".into()),
            published: Some(8000),
            published_end: Some(8002),
            target: 80,
            target_end: 82,
            ..port
        };
        assert_eq!(port.describe(), "[::1]:8000-8002->80-82/tcp");
    }

    #[test]
    fn classifies_bindings() {
        let with_ip = |ip: &str| PublishedPort {
            host_ip: Some(ip.into()),
            published: Some(1),
            published_end: Some(1),
            target: 1,
            target_end: 1,
            protocol: "tcp".into(),
            source: PathBuf::new(),
            raw: String::new(),
            resolved: String::new(),
        };
        assert_eq!(with_ip("0.0.0.0").binding(), Binding::AllInterfaces);
        assert_eq!(with_ip("::").binding(), Binding::AllInterfaces);
        assert_eq!(with_ip("").binding(), Binding::AllInterfaces);
        assert_eq!(with_ip("127.0.0.2").binding(), Binding::Loopback);
        assert_eq!(with_ip("localhost").binding(), Binding::Loopback);
        assert_eq!(with_ip("::1").binding(), Binding::Loopback);
        assert!(matches!(
            with_ip("192.168.1.4").binding(),
            Binding::Private(_)
        ));
        assert!(matches!(
            with_ip("100.100.1.1").binding(),
            Binding::Private(_)
        ));
        assert!(matches!(with_ip("fd00::1").binding(), Binding::Private(_)));
        assert!(matches!(with_ip("8.8.8.8").binding(), Binding::Public(_)));
        assert!(matches!(
            with_ip("2001:db8::1").binding(),
            Binding::Public(_)
        ));
    }
}
