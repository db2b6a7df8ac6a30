//! Layers one service definition onto the project like `docker compose -f base -f overlay`:
//! services merge by name, scalars from later files win, `ports` ACCUMULATE (exact duplicates
//! collapse), `volumes` merge by container path. The `!reset` tag clears a key and `!override`
//! replaces it instead of merging, as in compose 2.24+; on a whole service, `!override`
//! replaces the service and `!reset` removes it.

use super::interpolate::Interpolator;
use super::model::{ComposeProject, Field, Problem, PublishedPort, Service};
use super::yaml::{RawService, TaggedValue};
use super::{mounts, ports};
use crate::facts::error::FactError;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub const MAX_SERVICES: usize = 1_000;
const MAX_ENTRIES_PER_LIST: usize = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// Plain value: add to (lists) or replace (scalars) what earlier files said.
    Combine,
    /// `!override`: replace what earlier files said.
    Override,
    /// `!reset`: forget what earlier files said.
    Reset,
}

pub fn merge_tag(tag: Option<&str>) -> Merge {
    match tag {
        Some("!reset") => Merge::Reset,
        Some("!override") => Merge::Override,
        _ => Merge::Combine,
    }
}

fn merge_mode(value: &TaggedValue) -> Merge {
    merge_tag(value.1.as_deref())
}

/// Applies one file's definition of service `name`: `layers` are the service's `extends`
/// chain, base first, each with the file it was written in; `mode` is the service's own tag.
pub fn apply_service(
    project: &mut ComposeProject,
    name: &str,
    mode: Merge,
    layers: &[(RawService, PathBuf)],
    env: &Interpolator,
) -> Result<(), FactError> {
    if mode == Merge::Reset {
        project.services.remove(name);
        project.problems.retain(|p| p.service != name);
        return Ok(());
    }
    if !project.services.contains_key(name) && project.services.len() >= MAX_SERVICES {
        return Err(FactError::from(format!(
            "more than {MAX_SERVICES} services, not read"
        )));
    }
    if mode == Merge::Override {
        project.problems.retain(|p| p.service != name);
        project
            .services
            .insert(name.to_string(), Service::default());
    }
    let service = project.services.entry(name.to_string()).or_default();
    if service.defined_in.is_none() {
        service.defined_in = layers.last().map(|(_, source)| source.clone());
    }
    for (raw, source) in layers {
        let mut layer = Layer {
            service: &mut *service,
            problems: &mut project.problems,
            name,
            source,
            env,
        };
        layer.apply(raw)?;
    }
    Ok(())
}

struct Layer<'a> {
    service: &'a mut Service,
    problems: &'a mut Vec<Problem>,
    name: &'a str,
    source: &'a Path,
    env: &'a Interpolator,
}

impl Layer<'_> {
    fn apply(&mut self, raw: &RawService) -> Result<(), FactError> {
        if let Some(image) = self.scalar(Field::Image, &raw.image) {
            self.service.image = image;
        }
        if let Some(user) = self.scalar(Field::User, &raw.user) {
            self.service.user = user;
        }
        if let Some(mode) = self.scalar(Field::NetworkMode, &raw.network_mode) {
            self.service.network_mode = mode;
        }
        if let Some(pid) = self.scalar(Field::Pid, &raw.pid) {
            self.service.pid = pid;
        }
        if let Some(privileged) = self.scalar(Field::Privileged, &raw.privileged) {
            self.service.privileged = match privileged.as_deref().map(str::trim) {
                None => false,
                Some(text) => match text.to_ascii_lowercase().as_str() {
                    "true" | "yes" | "1" => true,
                    "false" | "no" | "0" | "" => false,
                    _ => {
                        let value = Value::String(text.to_string());
                        self.problem(Field::Privileged, &value, "expected true or false".into());
                        false
                    }
                },
            };
        }
        if let Some(entries) = self.list(Field::Ports, &raw.ports)? {
            for entry in entries {
                match ports::parse(entry, self.env, self.source) {
                    Ok(port) => add_port(&mut self.service.ports, port),
                    Err(reason) => self.problem(Field::Ports, entry, reason.to_string()),
                }
            }
        }
        if let Some(entries) = self.list(Field::Volumes, &raw.volumes)? {
            for entry in entries {
                match mounts::parse(entry, self.env, self.source) {
                    Ok(mount) => {
                        self.service.volumes.retain(|m| m.target != mount.target);
                        self.service.volumes.push(mount);
                    }
                    Err(reason) => self.problem(Field::Volumes, entry, reason.to_string()),
                }
            }
        }
        for field in [Field::CapAdd, Field::Profiles, Field::VolumesFrom] {
            let value = match field {
                Field::CapAdd => &raw.cap_add,
                Field::Profiles => &raw.profiles,
                _ => &raw.volumes_from,
            };
            let Some(entries) = self.list(field, value)? else {
                continue;
            };
            for entry in entries {
                let text = match entry {
                    Value::String(s) => self.env.expand(s),
                    other => {
                        self.problem(field, other, "expected a string".into());
                        continue;
                    }
                };
                let text = match text {
                    Ok(t) => t.trim().to_string(),
                    Err(e) => {
                        self.problem(field, entry, e.to_string());
                        continue;
                    }
                };
                let list = self.string_list(field);
                if !list.contains(&text) {
                    list.push(text);
                }
            }
        }
        Ok(())
    }

    fn string_list(&mut self, field: Field) -> &mut Vec<String> {
        match field {
            Field::CapAdd => &mut self.service.cap_add,
            Field::Profiles => &mut self.service.profiles,
            _ => &mut self.service.volumes_from,
        }
    }

    /// `None`: leave as is; `Some(None)`: reset; `Some(Some(v))`: the new value.
    fn scalar(&mut self, field: Field, value: &TaggedValue) -> Option<Option<String>> {
        if merge_mode(value) == Merge::Reset {
            self.forget_problems(field);
            return Some(None);
        }
        let text = match &value.0 {
            Value::Null => return None,
            Value::String(s) => match self.env.expand(s) {
                Ok(text) => text,
                Err(e) => {
                    self.forget_problems(field);
                    self.problem(field, &value.0, e.to_string());
                    return None;
                }
            },
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => {
                self.problem(field, other, "expected a single value".into());
                return None;
            }
        };
        self.forget_problems(field);
        Some(Some(text))
    }

    /// The entries to merge in, after clearing earlier ones for `!reset` / `!override`.
    fn list<'v>(
        &mut self,
        field: Field,
        value: &'v TaggedValue,
    ) -> Result<Option<&'v Vec<Value>>, FactError> {
        let mode = merge_mode(value);
        if mode != Merge::Combine {
            self.forget_problems(field);
            match field {
                Field::Ports => self.service.ports.clear(),
                Field::Volumes => self.service.volumes.clear(),
                other => self.string_list(other).clear(),
            }
        }
        if mode == Merge::Reset {
            return Ok(None);
        }
        match &value.0 {
            Value::Null => Ok(None),
            Value::Array(entries) if entries.len() > MAX_ENTRIES_PER_LIST => {
                Err(FactError::from(format!(
                    "service {}: more than {MAX_ENTRIES_PER_LIST} {} entries, not read",
                    self.name,
                    field.key()
                )))
            }
            Value::Array(entries) => Ok(Some(entries)),
            other => {
                self.problem(field, other, "expected a list".into());
                Ok(None)
            }
        }
    }

    fn problem(&mut self, field: Field, value: &Value, reason: String) {
        let raw = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        self.problems.push(Problem {
            source: self.source.to_path_buf(),
            service: self.name.to_string(),
            field,
            raw,
            reason,
        });
    }

    fn forget_problems(&mut self, field: Field) {
        let name = self.name;
        self.problems
            .retain(|p| !(p.service == name && p.field == field));
    }
}

/// Appends unless the same binding is already there (compose collapses exact duplicates);
/// the first declaration is kept so reports name the file that introduced it.
fn add_port(ports: &mut Vec<PublishedPort>, port: PublishedPort) {
    let key = |p: &PublishedPort| (p.binding(), p.host_ports(), p.targets(), p.protocol.clone());
    let new_key = key(&port);
    if !ports.iter().any(|p| key(p) == new_key) {
        ports.push(port);
    }
}

#[cfg(test)]
mod tests {
    use super::super::interpolate::Interpolator;
    use super::super::loader;
    use super::super::model::{Binding, ComposeState};
    use crate::target::ComposeFileSpec;
    use std::path::Path;

    fn write_files(dir: &Path, files: &[(&str, &str)]) -> Vec<ComposeFileSpec> {
        files
            .iter()
            .map(|(name, text)| {
                let path = dir.join(name);
                std::fs::write(&path, text).unwrap();
                ComposeFileSpec {
                    path,
                    required: true,
                }
            })
            .collect()
    }

    fn loaded(files: &[(&str, &str)], env: &[(&str, &str)]) -> super::ComposeProject {
        let dir = tempfile::tempdir().unwrap();
        let specs = write_files(dir.path(), files);
        match loader::load(&specs, &Interpolator::from_pairs(env), &[]) {
            ComposeState::Loaded(p) => p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ports_accumulate_across_files() {
        let p = loaded(
            &[
                (
                    "a.yml",
                    "services:\n  cp:\n    image: koda\n    ports:\n      - \"${CONTROL_PLANE_PORT:-8090}:8090\"\n",
                ),
                (
                    "b.yml",
                    "services:\n  cp:\n    ports:\n      - \"127.0.0.1:${CONTROL_PLANE_PORT:-8090}:8090\"\n",
                ),
            ],
            &[],
        );
        let ports = &p.services["cp"].ports;
        assert_eq!(ports.len(), 2);
        assert_eq!(ports[0].binding(), Binding::AllInterfaces);
        assert!(ports[0].source.ends_with("a.yml"));
        assert_eq!(ports[1].binding(), Binding::Loopback);
        assert!(ports[1].source.ends_with("b.yml"));
        assert_eq!(p.services["cp"].image.as_deref(), Some("koda"));
    }

    #[test]
    fn exact_duplicate_ports_collapse() {
        let p = loaded(
            &[
                ("a.yml", "services:\n  web:\n    ports: [\"80:80\", \"443:443\"]\n"),
                (
                    "b.yml",
                    "services:\n  web:\n    ports:\n      - \"80:80\"\n      - target: 443\n        published: 443\n",
                ),
            ],
            &[],
        );
        let ports = &p.services["web"].ports;
        assert_eq!(ports.len(), 2);
        assert!(ports.iter().all(|p| p.source.ends_with("a.yml")));
    }

    #[test]
    fn override_and_reset_tags_replace_lists() {
        let p = loaded(
            &[
                (
                    "a.yml",
                    "services:\n  web:\n    ports: [\"3000:3000\"]\n    volumes: [\"/a:/a\"]\n  db:\n    ports: [\"5432:5432\"]\n",
                ),
                (
                    "b.yml",
                    "services:\n  web:\n    ports: !override\n      - \"127.0.0.1:3000:3000\"\n    volumes: !reset []\n  db:\n    ports: !reset\n",
                ),
            ],
            &[],
        );
        let web = &p.services["web"];
        assert_eq!(web.ports.len(), 1);
        assert_eq!(web.ports[0].binding(), Binding::Loopback);
        assert!(web.volumes.is_empty());
        assert!(p.services["db"].ports.is_empty());
    }

    #[test]
    fn scalars_from_later_files_win() {
        let env = [("APP_UID", "1000")];
        let p = loaded(
            &[
                (
                    "a.yml",
                    "services:\n  web:\n    image: app:dev\n    user: root\n  worker:\n    image: app:dev\n    user: \"1000\"\n",
                ),
                (
                    "b.yml",
                    "services:\n  web:\n    image: app:${TAG:-prod}\n    user: ${APP_UID}:${APP_UID}\n  worker:\n    user: !reset null\n  extra:\n",
                ),
            ],
            &env,
        );
        assert_eq!(p.services["web"].image.as_deref(), Some("app:prod"));
        assert_eq!(p.services["web"].user.as_deref(), Some("1000:1000"));
        assert_eq!(p.services["worker"].user, None);
        assert_eq!(p.services["worker"].image.as_deref(), Some("app:dev"));
        assert!(p.services.contains_key("extra"));
    }

    #[test]
    fn volumes_merge_by_container_path() {
        let p = loaded(
            &[
                (
                    "a.yml",
                    "services:\n  proxy:\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n      - ./conf:/etc/conf:ro\n",
                ),
                (
                    "b.yml",
                    "services:\n  proxy:\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n",
                ),
            ],
            &[],
        );
        let vols = &p.services["proxy"].volumes;
        assert_eq!(vols.len(), 2);
        let sock = vols
            .iter()
            .find(|m| m.target == "/var/run/docker.sock")
            .unwrap();
        assert!(sock.read_only);
        assert!(sock.source_file.ends_with("b.yml"));
    }

    #[test]
    fn bad_entries_are_kept_as_problems() {
        let p = loaded(
            &[(
                "a.yml",
                "services:\n  web:\n    ports:\n      - \"80:80\"\n      - \"myhost:81:81\"\n    volumes: 5\n",
            )],
            &[],
        );
        assert_eq!(p.services["web"].ports.len(), 1);
        assert_eq!(p.problems.len(), 2);
        assert_eq!(p.problems[0].raw, "myhost:81:81");
        assert!(p.problems[0].source.ends_with("a.yml"));
    }
}
