//! The compose check kinds: parameters, validation, and what every kind shares (the gate on
//! the compose state, naming files and services in subjects). The judging lives in
//! `exposure`, `socket` and `user`.

use crate::checks::{Judgement, Kind};
use crate::facts::compose::model::{ComposeProject, ComposeState, Field, Problem};
use crate::facts::{Facts, Unavailable};
use crate::finding::{Category, Observation};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ComposeFilesCheck {}

/// Ports (container or host side) that may only be published on 127.0.0.1 / ::1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoopbackOnly {
    pub ports: Vec<u16>,
}

/// Ports (container side) that must not be published at all, or only on loopback when
/// `allow_loopback` is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotPublished {
    pub ports: Vec<u16>,
    #[serde(default)]
    pub allow_loopback: bool,
}

/// Every port published on all interfaces must be one of `allowed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicPorts {
    pub allowed: Vec<u16>,
    /// The web proxy's ports (80, 443): allowed too, and shown without `note`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub web_ports: Vec<u16>,
    /// Shown next to allowed public ports (e.g. "open them only when remote OAuth is used").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The Docker socket is mounted only by an allowed image (the socket proxy), read-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DockerSocket {
    #[serde(default)]
    pub allowed_images: Vec<String>,
}

/// Services that must declare a non-root `user:`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NonRoot {
    /// Service names; when empty, every service whose image does not start with one of
    /// `exclude_images`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_images: Vec<String>,
}

/// More would be a profile mistake, not a policy.
const MAX_LIST_PARAM: usize = 1_000;

fn validate_ports(key: &str, ports: &[u16], allow_empty: bool) -> Result<(), String> {
    if ports.is_empty() && !allow_empty {
        return Err(format!("`{key}` must list at least one port"));
    }
    if ports.len() > MAX_LIST_PARAM {
        return Err(format!("`{key}` lists more than {MAX_LIST_PARAM} ports"));
    }
    if ports.contains(&0) {
        return Err(format!("`{key}`: 0 is not a port"));
    }
    Ok(())
}

pub(super) fn validate_names(key: &str, names: &[String]) -> Result<(), String> {
    if names.len() > MAX_LIST_PARAM {
        return Err(format!("`{key}` lists more than {MAX_LIST_PARAM} entries"));
    }
    if names.iter().any(|n| n.trim().is_empty()) {
        return Err(format!("`{key}` has an empty entry"));
    }
    Ok(())
}

impl ComposeFilesCheck {
    fn validate_params(&self) -> Result<(), String> {
        Ok(())
    }
}

impl ProjectJudge for ComposeFilesCheck {
    fn judge_project(&self, scope: &Scope<'_>, project: &ComposeProject) -> Vec<Observation> {
        let layered: Vec<String> = project.files.iter().map(|f| scope.show(f)).collect();
        let skipped: Vec<String> = scope
            .declared
            .iter()
            .filter(|d| !project.files.contains(d))
            .map(|d| scope.show(d))
            .collect();
        let ports: usize = project.services.values().map(|s| s.ports.len()).sum();
        let mut message = format!(
            "layered {}: {} services, {} published port mappings",
            layered.join(" + "),
            project.services.len(),
            ports
        );
        if !skipped.is_empty() {
            message.push_str(&format!(" ({} not present)", skipped.join(", ")));
        }
        if !project.inactive.is_empty() {
            let names: Vec<&str> = project.inactive.keys().map(String::as_str).collect();
            message.push_str(&format!(
                "; not started (profile not active): {}",
                names.join(", ")
            ));
        }
        let root = format!("{}/", scope.root.display());
        for note in &project.resolution {
            message.push_str(&format!("; {}", note.replace(&root, "")));
        }
        let first = match &project.env_unreadable {
            Some(reason) => Observation::error(
                FILES_SUBJECT,
                format!(
                    "{message}; the project .env could not be read ({reason}), so the values \
                     it fills in and the COMPOSE_FILE/COMPOSE_PROFILES it may set are unknown"
                ),
            ),
            None => Observation::pass(FILES_SUBJECT, message),
        };
        let mut out = vec![first.actual(layered.join(" + "))];
        out.extend(
            project
                .problems
                .iter()
                .map(|p| scope.problem(p, "the checks that read it cannot judge it")),
        );
        out
    }
}

impl Kind for ComposeFilesCheck {
    const TAG: &'static str = "compose.files";
    const CATEGORY: Category = Category::Exposure;

    fn validate(&self) -> Result<(), String> {
        self.validate_params()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        judge_compose(self, facts)
    }
}

impl LoopbackOnly {
    fn validate_params(&self) -> Result<(), String> {
        validate_ports("ports", &self.ports, false)
    }
}

impl Kind for LoopbackOnly {
    const TAG: &'static str = "compose.loopback-only";
    const CATEGORY: Category = Category::Exposure;

    fn validate(&self) -> Result<(), String> {
        self.validate_params()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        judge_compose(self, facts)
    }
}

impl NotPublished {
    fn validate_params(&self) -> Result<(), String> {
        validate_ports("ports", &self.ports, false)
    }
}

impl Kind for NotPublished {
    const TAG: &'static str = "compose.not-published";
    const CATEGORY: Category = Category::Exposure;

    fn validate(&self) -> Result<(), String> {
        self.validate_params()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        judge_compose(self, facts)
    }
}

impl PublicPorts {
    fn validate_params(&self) -> Result<(), String> {
        // An empty list is a policy: no port may be public.
        validate_ports("allowed", &self.allowed, true)?;
        validate_ports("web_ports", &self.web_ports, true)
    }
}

impl Kind for PublicPorts {
    const TAG: &'static str = "compose.public-ports";
    const CATEGORY: Category = Category::Exposure;

    fn validate(&self) -> Result<(), String> {
        self.validate_params()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        judge_compose(self, facts)
    }
}

impl DockerSocket {
    fn validate_params(&self) -> Result<(), String> {
        validate_names("allowed_images", &self.allowed_images)
    }
}

impl Kind for DockerSocket {
    const TAG: &'static str = "compose.docker-socket";
    const CATEGORY: Category = Category::Exposure;

    fn validate(&self) -> Result<(), String> {
        self.validate_params()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        judge_compose(self, facts)
    }
}

impl NonRoot {
    fn validate_params(&self) -> Result<(), String> {
        validate_names("services", &self.services)?;
        validate_names("exclude_images", &self.exclude_images)
    }
}

impl Kind for NonRoot {
    const TAG: &'static str = "compose.non-root";
    const CATEGORY: Category = Category::Exposure;

    fn validate(&self) -> Result<(), String> {
        self.validate_params()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        judge_compose(self, facts)
    }
}

const FILES_SUBJECT: &str = "compose files";

/// A compose kind judges the merged project; the project's absence is the engine's business.
pub(super) trait ProjectJudge {
    fn judge_project(&self, scope: &Scope<'_>, project: &ComposeProject) -> Vec<Observation>;

    /// The project judged, or the one observation that says why there is none.
    #[cfg(test)]
    fn judge_scope(&self, scope: &Scope<'_>) -> Vec<Observation> {
        match scope.project() {
            Ok(project) => self.judge_project(scope, project),
            Err(unavailable) => vec![unavailable.into_observation()],
        }
    }
}

pub(super) fn judge_compose(kind: &impl ProjectJudge, facts: &Facts) -> Judgement {
    let scope = Scope::of(facts);
    let project = scope.project()?;
    Ok(kind.judge_project(&scope, project))
}

/// What a compose kind looks at: the loaded state, and how to name files in reports.
pub(super) struct Scope<'a> {
    pub state: &'a ComposeState,
    pub root: &'a Path,
    /// The compose files the target declares, in order (shown when none exists).
    pub declared: Vec<PathBuf>,
}

impl<'a> Scope<'a> {
    pub fn of(facts: &'a Facts) -> Self {
        Scope {
            state: facts.compose(),
            root: &facts.target().root,
            declared: facts
                .target()
                .compose_files
                .iter()
                .map(|s| s.path.clone())
                .collect(),
        }
    }

    /// The merged project, or the one observation that says why there is none.
    pub fn project(&self) -> Result<&'a ComposeProject, Unavailable> {
        match self.state {
            ComposeState::Loaded(p) => Ok(p),
            ComposeState::Absent => {
                let names: Vec<String> = self.declared.iter().map(|d| self.show(d)).collect();
                let names = if names.is_empty() {
                    "the profile names none".to_string()
                } else {
                    names.join(", ")
                };
                let dir = self
                    .declared
                    .first()
                    .and_then(|d| d.parent())
                    .map(|d| self.show(d))
                    .filter(|d| !d.is_empty())
                    .unwrap_or_else(|| ".".into());
                let names = format!(
                    "{names}; and `docker compose up` in {dir} finds none of {}",
                    crate::facts::compose::discover::DEFAULT_FILES.join(", ")
                );
                Err(Unavailable::skip(
                    FILES_SUBJECT,
                    format!("no compose file found: {names}"),
                ))
            }
            ComposeState::Unusable(message) => {
                Err(Unavailable::error(FILES_SUBJECT, message.clone()))
            }
        }
    }

    /// A path as the operator knows it: relative to `--root` when under it.
    pub fn show(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// `service web, port "3000:3000" (docker-compose.yml)`.
    pub fn entry_subject(&self, service: &str, what: &str, raw: &str, file: &Path) -> String {
        format!("service {service}, {what} {raw:?} ({})", self.show(file))
    }

    pub fn problem(&self, p: &Problem, consequence: &str) -> Observation {
        let what = match p.field {
            Field::Ports => "port",
            Field::Volumes => "volume",
            other => other.key(),
        };
        Observation::error(
            self.entry_subject(&p.service, what, &p.raw, &p.source),
            format!(
                "cannot read this `{}` entry: {}; {consequence}",
                p.field.key(),
                p.reason
            ),
        )
    }

    /// Error observations for the unreadable entries of `field`: a check must not pass over
    /// what it could not read.
    pub fn problems(&self, project: &ComposeProject, fields: &[Field]) -> Vec<Observation> {
        project
            .problems
            .iter()
            .filter(|p| fields.contains(&p.field))
            .map(|p| self.problem(p, "it was not judged"))
            .collect()
    }
}

#[cfg(test)]
pub(super) mod test_support {
    use super::*;
    use crate::facts::compose::load;
    use crate::target::ComposeFileSpec;

    /// Writes the files into a temporary root and loads them like the audit does.
    pub struct Fixture {
        pub dir: tempfile::TempDir,
        pub state: ComposeState,
        pub declared: Vec<PathBuf>,
    }

    impl Fixture {
        pub fn new(files: &[(&str, &str)], env: &[(&str, &str)]) -> Fixture {
            let dir = tempfile::tempdir().unwrap();
            let specs: Vec<ComposeFileSpec> = files
                .iter()
                .map(|(name, text)| {
                    let path = dir.path().join(name);
                    std::fs::write(&path, text).unwrap();
                    ComposeFileSpec {
                        path,
                        required: false,
                    }
                })
                .collect();
            let state = load(
                &specs,
                &crate::facts::compose::interpolate::Interpolator::from_pairs(env),
                &[],
            );
            let declared = specs.into_iter().map(|s| s.path).collect();
            Fixture {
                dir,
                state,
                declared,
            }
        }

        pub fn yaml(text: &str) -> Fixture {
            Fixture::new(&[("docker-compose.yml", text)], &[])
        }

        pub fn scope(&self) -> Scope<'_> {
            Scope {
                state: &self.state,
                root: self.dir.path(),
                declared: self.declared.clone(),
            }
        }
    }

    pub fn statuses(obs: &[Observation]) -> Vec<crate::finding::Status> {
        obs.iter().map(|o| o.status).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use crate::finding::Status;

    fn kind(toml_text: &str) -> crate::checks::CheckKind {
        let kind = crate::checks::CheckKind::from_toml(toml_text).unwrap();
        kind.validate().unwrap();
        kind
    }

    #[test]
    fn evaluates_through_the_audit_context() {
        use crate::target::{ComposeFileSpec, EnvFileSpec, Target};
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".env"), "CONTROL_PLANE_PORT=8090\n").unwrap();
        std::fs::write(
            root.join("docker-compose.yml"),
            "services:\n  control-plane:\n    ports:\n      - \"${CONTROL_PLANE_PORT:-8090}:8090\"\n",
        )
        .unwrap();
        std::fs::write(
            root.join("docker-compose.prod.yml"),
            "services:\n  control-plane:\n    ports:\n      - \"127.0.0.1:${CONTROL_PLANE_PORT:-8090}:8090\"\n",
        )
        .unwrap();
        let compose = |name: &str| ComposeFileSpec {
            path: root.join(name),
            required: false,
        };
        let ctx = crate::facts::testing::facts(Target {
            root: root.to_path_buf(),
            env_files: vec![EnvFileSpec {
                role: "main".into(),
                path: root.join(".env"),
                required: true,
                dialect: Default::default(),
            }],
            compose_files: vec![
                compose("docker-compose.yml"),
                compose("docker-compose.prod.yml"),
            ],
            timeout: std::time::Duration::from_secs(5),
            ..Target::default()
        });

        let obs = kind("kind = \"compose.files\"").evaluate(&ctx);
        assert_eq!(statuses(&obs), vec![Status::Pass]);
        assert!(obs[0]
            .message
            .contains("docker-compose.yml + docker-compose.prod.yml"));

        let obs = kind("kind = \"compose.loopback-only\"\nports = [3000, 8090]").evaluate(&ctx);
        assert_eq!(statuses(&obs), vec![Status::Fail]);
        assert!(obs[0].subject.contains("(docker-compose.yml)"));
        assert!(obs[0].message.contains("docker-compose.prod.yml"));
    }

    #[test]
    fn parameters_deserialize_from_profile_toml() {
        kind("kind = \"compose.not-published\"\nports = [5432]\nallow_loopback = true");
        kind("kind = \"compose.public-ports\"\nallowed = [80, 443]\nnote = \"x\"");
        kind("kind = \"compose.docker-socket\"\nallowed_images = [\"tecnativa/docker-socket-proxy\"]");
        kind("kind = \"compose.non-root\"\nservices = [\"app\"]\nexclude_images = [\"postgres\"]");
        let bad =
            crate::checks::CheckKind::from_toml("kind = \"compose.loopback-only\"\nport = [1]");
        assert!(bad.is_err());
    }

    #[test]
    fn validation() {
        assert!(LoopbackOnly { ports: vec![] }.validate().is_err());
        assert!(LoopbackOnly { ports: vec![0] }.validate().is_err());
        assert!(LoopbackOnly { ports: vec![3000] }.validate().is_ok());
        assert!(NotPublished {
            ports: vec![],
            allow_loopback: true
        }
        .validate()
        .is_err());
        assert!(PublicPorts {
            allowed: vec![],
            web_ports: vec![],
            note: String::new()
        }
        .validate()
        .is_ok());
        assert!(DockerSocket {
            allowed_images: vec![" ".into()]
        }
        .validate()
        .is_err());
        assert!(NonRoot {
            services: vec!["".into()],
            exclude_images: vec![]
        }
        .validate()
        .is_err());
    }

    #[test]
    fn files_check_lists_layered_files() {
        let fx = Fixture::new(
            &[
                (
                    "docker-compose.yml",
                    "services:\n  web:\n    ports: [\"80:80\"]\n",
                ),
                (
                    "docker-compose.prod.yml",
                    "services:\n  web:\n    user: app\n",
                ),
            ],
            &[],
        );
        let obs = ComposeFilesCheck {}.judge_scope(&fx.scope());
        assert_eq!(statuses(&obs), vec![Status::Pass]);
        assert!(
            obs[0]
                .message
                .contains("docker-compose.yml + docker-compose.prod.yml"),
            "{}",
            obs[0].message
        );
        assert!(obs[0].message.contains("1 services, 1 published"));
    }

    #[test]
    fn files_check_notes_missing_optional_files_and_problems() {
        let fx = Fixture::yaml("services:\n  web:\n    ports: [\"a:b:c:d\"]\n");
        let mut scope = fx.scope();
        scope
            .declared
            .push(fx.dir.path().join("docker-compose.prod.yml"));
        let obs = ComposeFilesCheck {}.judge_scope(&scope);
        assert_eq!(statuses(&obs), vec![Status::Pass, Status::Error]);
        assert!(obs[0]
            .message
            .contains("docker-compose.prod.yml not present"));
        assert!(obs[1].subject.contains("service web"));
        assert!(obs[1].subject.contains("a:b:c:d"));
    }

    #[test]
    fn absent_skips_and_unusable_errors_for_every_kind() {
        let dir = tempfile::tempdir().unwrap();
        let absent = ComposeState::Absent;
        let scope = Scope {
            state: &absent,
            root: dir.path(),
            declared: vec![dir.path().join("docker-compose.yml")],
        };
        let unusable = ComposeState::Unusable("docker-compose.yml: invalid compose YAML".into());
        let broken = Scope {
            state: &unusable,
            root: dir.path(),
            declared: vec![],
        };
        type Judge = Box<dyn Fn(&Scope<'_>) -> Vec<Observation>>;
        let kinds: Vec<Judge> = vec![
            Box::new(|s| ComposeFilesCheck {}.judge_scope(s)),
            Box::new(|s| LoopbackOnly { ports: vec![3000] }.judge_scope(s)),
            Box::new(|s| {
                NotPublished {
                    ports: vec![5432],
                    allow_loopback: false,
                }
                .judge_scope(s)
            }),
            Box::new(|s| {
                PublicPorts {
                    allowed: vec![443],
                    web_ports: vec![],
                    note: String::new(),
                }
                .judge_scope(s)
            }),
            Box::new(|s| {
                DockerSocket {
                    allowed_images: vec![],
                }
                .judge_scope(s)
            }),
            Box::new(|s| {
                NonRoot {
                    services: vec![],
                    exclude_images: vec![],
                }
                .judge_scope(s)
            }),
        ];
        for judge in kinds {
            let obs = judge(&scope);
            assert_eq!(statuses(&obs), vec![Status::Skip]);
            assert!(obs[0]
                .message
                .contains("no compose file found: docker-compose.yml"));
            let obs = judge(&broken);
            assert_eq!(statuses(&obs), vec![Status::Error]);
            assert!(obs[0].message.contains("docker-compose.yml"));
        }
    }
}
