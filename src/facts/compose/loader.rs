//! Reads a list of compose files into one project the way `docker compose -f a -f b` does:
//! each file's `include`s first, then its services (each with its `extends` chain), layered in
//! order; then `volumes_from` and `profiles` are applied. Every step is bounded: the number of
//! files read, the depth of `include` and `extends`, and (in the interpolator) the expansion.

use super::interpolate::Interpolator;
use super::layer;
use super::model::{ComposeProject, ComposeState, Mount, Service};
use super::yaml::{self, RawFile, RawService};
use crate::facts::env::{self, EnvState};
use crate::target::ComposeFileSpec;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Files read in all (listed, included, extended): real projects use a handful.
pub const MAX_FILES: usize = 64;
/// How deep `include` and `extends` may nest; deeper is a cycle or a hostile file.
pub const MAX_DEPTH: usize = 8;

pub fn load(specs: &[ComposeFileSpec], env: &Interpolator, profiles: &[String]) -> ComposeState {
    let mut loader = Loader {
        project: ComposeProject::default(),
        reads: 0,
        included: BTreeSet::new(),
    };
    let mut any = false;
    for spec in specs {
        match loader.read(&spec.path) {
            Ok(Some(raw)) => {
                any = true;
                if let Err(e) = loader.apply_file(raw, &spec.path, 0, env) {
                    return ComposeState::Unusable(e);
                }
            }
            Ok(None) if spec.required => {
                return ComposeState::Unusable(format!(
                    "{}: required compose file not found",
                    spec.path.display()
                ))
            }
            Ok(None) => {}
            Err(e) => return ComposeState::Unusable(e),
        }
    }
    if !any {
        return ComposeState::Absent;
    }
    let mut project = loader.project;
    inherit_volumes_from(&mut project.services);
    split_inactive(&mut project, profiles);
    ComposeState::Loaded(project)
}

struct Loader {
    project: ComposeProject,
    reads: usize,
    /// Files already included: compose includes a file once.
    included: BTreeSet<PathBuf>,
}

impl Loader {
    /// The parsed file; `Ok(None)` when it does not exist. Errors name the file.
    fn read(&mut self, path: &Path) -> Result<Option<RawFile>, String> {
        self.reads += 1;
        if self.reads > MAX_FILES {
            return Err(format!(
                "{}: more than {MAX_FILES} compose files to read (include/extends), not read",
                path.display()
            ));
        }
        let text = match yaml::read(path) {
            Ok(Some(text)) => text,
            Ok(None) => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        let raw = yaml::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if !self.project.files.iter().any(|f| f == path) {
            self.project.files.push(path.to_path_buf());
        }
        Ok(Some(raw))
    }

    /// Layers one file (its includes first) with `env` filling its `${VAR}`.
    fn apply_file(
        &mut self,
        raw: RawFile,
        path: &Path,
        depth: usize,
        env: &Interpolator,
    ) -> Result<(), String> {
        let shown = path.display();
        let includes = include_entries(&raw.include, path, env);
        for include in includes.map_err(|e| format!("{shown}: {e}"))? {
            if depth + 1 > MAX_DEPTH {
                return Err(format!(
                    "{shown}: `include` nested deeper than {MAX_DEPTH} files"
                ));
            }
            // Each included project is interpolated with its own .env (or `env_file`) under
            // this project's variables, as compose-go does.
            let vars = self
                .include_env(&include)
                .map_err(|e| format!("{shown}: include: {e}"))?;
            let include_env = env.for_include(vars);
            for included in include.paths {
                let key = std::fs::canonicalize(&included).unwrap_or_else(|_| included.clone());
                if !self.included.insert(key) {
                    continue;
                }
                match self.read(&included)? {
                    Some(inner) => self.apply_file(inner, &included, depth + 1, &include_env)?,
                    None => {
                        return Err(format!(
                            "{shown}: included file {} not found",
                            included.display()
                        ))
                    }
                }
            }
        }
        let Some(services) = raw.services.as_ref() else {
            return Ok(());
        };
        for (name, tagged) in services {
            let mode = layer::merge_tag(tagged.1.as_deref());
            let layers = match &tagged.0 {
                Some(service) => self
                    .extends_chain(name, service, path, services, 0, env)
                    .map_err(|e| format!("{shown}: service {name}: {e}"))?,
                None => Vec::new(),
            };
            layer::apply_service(&mut self.project, name, mode, &layers, env)
                .map_err(|e| format!("{shown}: {e}"))?;
        }
        Ok(())
    }

    /// The variables an include brings: its `env_file`s in order (a missing one is an error,
    /// as in compose), or else its project's `.env` when there is one. `Ok(Err)` is an env
    /// file that exists but cannot be read: the values depending on it are unknown.
    fn include_env(
        &mut self,
        include: &Include,
    ) -> Result<Result<BTreeMap<String, String>, String>, String> {
        let (files, required) = if include.env_files.is_empty() {
            (vec![include.project_dir.join(".env")], false)
        } else {
            (include.env_files.clone(), true)
        };
        let mut vars = BTreeMap::new();
        for file in files {
            if file == Path::new("/dev/null") {
                continue;
            }
            self.reads += 1;
            if self.reads > MAX_FILES {
                return Err(format!(
                    "{}: more than {MAX_FILES} files to read (compose and env files), not read",
                    file.display()
                ));
            }
            match env::load(&file, env::Dialect::Compose) {
                EnvState::Parsed(parsed) => {
                    let found: BTreeMap<String, String> =
                        parsed.vars.into_iter().map(|(k, v)| (k, v.value)).collect();
                    self.project.env_secrets.add_vars(&found);
                    vars.extend(found);
                }
                EnvState::Missing if required => {
                    return Err(format!("env_file {} not found", file.display()));
                }
                EnvState::Missing => {}
                EnvState::Unusable(reason) => {
                    return Ok(Err(format!("{}: {reason}", file.display())));
                }
            }
        }
        Ok(Ok(vars))
    }

    /// The service's definition after the ones it `extends`, base first.
    fn extends_chain(
        &mut self,
        name: &str,
        service: &RawService,
        path: &Path,
        siblings: &BTreeMap<String, yaml::TaggedService>,
        depth: usize,
        env: &Interpolator,
    ) -> Result<Vec<(RawService, PathBuf)>, String> {
        let Some((base_name, base_file)) = extends_target(&service.extends, name)? else {
            return Ok(vec![(service.clone(), path.to_path_buf())]);
        };
        if depth >= MAX_DEPTH {
            return Err(format!(
                "`extends` nested deeper than {MAX_DEPTH} (a cycle?)"
            ));
        }
        let mut chain = match base_file {
            None => {
                let base = lookup(siblings, &base_name, path)?;
                self.extends_chain(&base_name, &base, path, siblings, depth + 1, env)?
            }
            Some(file) => {
                let file = env
                    .expand(&file)
                    .map_err(|e| format!("extends.file {file:?}: {e}"))?;
                let file = relative_to(path, &file);
                let other = self
                    .read(&file)?
                    .ok_or_else(|| format!("extends: {} not found", file.display()))?;
                let others = other.services.unwrap_or_default();
                let base = lookup(&others, &base_name, &file)?;
                self.extends_chain(&base_name, &base, &file, &others, depth + 1, env)?
            }
        };
        chain.push((service.clone(), path.to_path_buf()));
        Ok(chain)
    }
}

fn lookup(
    services: &BTreeMap<String, yaml::TaggedService>,
    name: &str,
    file: &Path,
) -> Result<RawService, String> {
    match services.get(name) {
        Some(tagged) => Ok(tagged.0.clone().unwrap_or_default()),
        None => Err(format!(
            "extends: no service {name:?} in {}",
            file.display()
        )),
    }
}

/// `extends: NAME` or `{service: NAME, file: PATH}`; `None` when the service extends nothing.
fn extends_target(value: &Value, name: &str) -> Result<Option<(String, Option<String>)>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(base) => Ok(Some((base.clone(), None))),
        Value::Object(map) => {
            let base = match map.get("service") {
                Some(Value::String(s)) => s.clone(),
                _ => return Err("`extends` without `service`".into()),
            };
            let file = match map.get("file") {
                Some(Value::String(f)) => Some(f.clone()),
                None | Some(Value::Null) => None,
                Some(_) => return Err("`extends.file` is not a path".into()),
            };
            if file.is_none() && base == name {
                return Err(format!("service {name} extends itself"));
            }
            Ok(Some((base, file)))
        }
        _ => Err("`extends` is neither a name nor a mapping".into()),
    }
}

/// One `include:` entry: its files (the first is the included project's main file), and where
/// its variables come from.
struct Include {
    paths: Vec<PathBuf>,
    /// `env_file` as given (relative to the including file's directory); empty: the
    /// included project's own `.env`, if there is one.
    env_files: Vec<PathBuf>,
    /// `project_directory`, else the directory of the first file.
    project_dir: PathBuf,
}

/// `include:` entries, paths relative to the including file's directory, `${VAR}` filled in.
fn include_entries(
    value: &Value,
    including: &Path,
    env: &Interpolator,
) -> Result<Vec<Include>, String> {
    let entries = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Array(entries) => entries,
        _ => return Err("`include` is not a list".into()),
    };
    if entries.len() > MAX_FILES {
        return Err(format!("more than {MAX_FILES} `include` entries"));
    }
    let path = |text: &str, what: &str| -> Result<PathBuf, String> {
        let expanded = env
            .expand(text)
            .map_err(|e| format!("{what} {text:?}: {e}"))?;
        Ok(relative_to(including, &expanded))
    };
    let strings = |value: Option<&Value>, what: &str| -> Result<Vec<String>, String> {
        match value {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::String(p)) => Ok(vec![p.clone()]),
            Some(Value::Array(list)) if list.len() <= MAX_FILES => list
                .iter()
                .map(|p| match p {
                    Value::String(p) => Ok(p.clone()),
                    _ => Err(format!("`include.{what}` entry is not a path")),
                })
                .collect(),
            Some(Value::Array(_)) => Err(format!("more than {MAX_FILES} `include.{what}` entries")),
            Some(_) => Err(format!("`include.{what}` is not a path")),
        }
    };
    let mut out = Vec::new();
    for entry in entries {
        let (paths, env_files, project_dir) = match entry {
            Value::String(p) => (vec![p.clone()], Vec::new(), None),
            Value::Object(map) => {
                let paths = strings(map.get("path"), "path")?;
                if paths.is_empty() {
                    return Err("`include` entry without `path`".into());
                }
                let dir = match map.get("project_directory") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(d)) => Some(d.clone()),
                    Some(_) => return Err("`include.project_directory` is not a path".into()),
                };
                (paths, strings(map.get("env_file"), "env_file")?, dir)
            }
            _ => return Err("`include` entry is neither a path nor a mapping".into()),
        };
        let paths = paths
            .iter()
            .map(|p| path(p, "include"))
            .collect::<Result<Vec<_>, _>>()?;
        let project_dir = match project_dir {
            Some(d) => path(&d, "include.project_directory")?,
            None => paths
                .first()
                .and_then(|p| p.parent())
                .map(Path::to_path_buf)
                .unwrap_or_default(),
        };
        out.push(Include {
            paths,
            env_files: env_files
                .iter()
                .map(|f| path(f, "include.env_file"))
                .collect::<Result<Vec<_>, _>>()?,
            project_dir,
        });
    }
    Ok(out)
}

fn relative_to(file: &Path, path: &str) -> PathBuf {
    let path = Path::new(path);
    if path.is_absolute() {
        return path.to_path_buf();
    }
    file.parent().unwrap_or(Path::new(".")).join(path)
}

/// `volumes_from: [other]` gives the service every mount of `other` (read-only with `:ro`),
/// including a Docker socket. Chains resolve over a bounded number of rounds.
fn inherit_volumes_from(services: &mut BTreeMap<String, Service>) {
    for _ in 0..MAX_DEPTH {
        let snapshot: BTreeMap<String, Vec<Mount>> = services
            .iter()
            .map(|(name, s)| (name.clone(), s.volumes.clone()))
            .collect();
        let mut changed = false;
        for (name, service) in services.iter_mut() {
            for entry in service.volumes_from.clone() {
                if entry.starts_with("container:") {
                    continue; // A container outside the project: nothing to read.
                }
                let (from, mode) = entry.split_once(':').unwrap_or((entry.as_str(), "rw"));
                if from == name {
                    continue;
                }
                let Some(mounts) = snapshot.get(from) else {
                    continue;
                };
                for mount in mounts {
                    if service.volumes.iter().any(|m| m.target == mount.target) {
                        continue;
                    }
                    let mut inherited = mount.clone();
                    inherited.read_only = mount.read_only || mode == "ro";
                    inherited.raw = format!("volumes_from {from}: {}", mount.raw);
                    service.volumes.push(inherited);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// Moves services whose profiles are all inactive out of the started set.
fn split_inactive(project: &mut ComposeProject, active: &[String]) {
    let all = active.iter().any(|p| p == "*");
    let names: Vec<String> = project
        .services
        .iter()
        .filter(|(_, s)| !s.profiles.is_empty())
        .filter(|(_, s)| !all && !s.profiles.iter().any(|p| active.contains(p)))
        .map(|(n, _)| n.clone())
        .collect();
    for name in names {
        if let Some(service) = project.services.remove(&name) {
            project.inactive.insert(name, service);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_dir(files: &[(&str, &str)], profiles: &[&str]) -> ComposeState {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let spec = ComposeFileSpec {
            path: dir.path().join(files[0].0),
            required: true,
        };
        let profiles: Vec<String> = profiles.iter().map(|p| p.to_string()).collect();
        load(&[spec], &Interpolator::from_pairs(&[]), &profiles)
    }

    fn project(state: ComposeState) -> ComposeProject {
        match state {
            ComposeState::Loaded(p) => p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_included_file_is_read_once() {
        let p = project(load_dir(
            &[
                ("c.yml", "include: [a.yml, a.yml, b.yml]\n"),
                ("a.yml", "include: [b.yml]\nservices:\n  a:\n    image: a\n"),
                ("b.yml", "services:\n  b:\n    image: b\n"),
            ],
            &[],
        ));
        assert_eq!(p.files.len(), 3);
        assert_eq!(p.services.len(), 2);
    }

    #[test]
    fn too_many_files_is_unusable() {
        let mut files = vec![("c.yml".to_string(), String::new())];
        let mut include = String::from("include:\n");
        for i in 0..=MAX_FILES {
            include.push_str(&format!("  - f{i}.yml\n"));
            files.push((format!("f{i}.yml"), "services: {}\n".to_string()));
        }
        files[0].1 = include;
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        match load_dir(&refs, &[]) {
            ComposeState::Unusable(m) => assert!(m.contains("more than"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn extends_chain_layers_base_first_and_child_wins() {
        let p = project(load_dir(
            &[(
                "c.yml",
                "services:\n  base:\n    image: app:1\n    user: root\n    ports: [\"80:80\"]\n  web:\n    extends: base\n    user: \"1000\"\n    ports: [\"127.0.0.1:81:81\"]\n",
            )],
            &[],
        ));
        let web = &p.services["web"];
        assert_eq!(web.image.as_deref(), Some("app:1"));
        assert_eq!(web.user.as_deref(), Some("1000"));
        assert_eq!(web.ports.len(), 2);
    }

    #[test]
    fn volumes_from_inherits_through_a_chain_and_profiles_split() {
        let p = project(load_dir(
            &[(
                "c.yml",
                "services:\n  a:\n    volumes: [\"/var/run/docker.sock:/s\"]\n  b:\n    volumes_from: [a]\n  c:\n    volumes_from: [\"b:ro\"]\n  d:\n    profiles: [ops]\n  e:\n    profiles: [debug]\n",
            )],
            &["ops"],
        ));
        let c = &p.services["c"];
        assert_eq!(c.volumes.len(), 1);
        assert!(c.volumes[0].read_only);
        assert!(c.volumes[0].raw.starts_with("volumes_from b"));
        assert!(p.services.contains_key("d"));
        assert!(p.inactive.contains_key("e"));
    }

    /// `c.yml` includes `db/compose.yml` (with `include_extra` in its entry), which publishes
    /// `${DB_BIND:-0.0.0.0}:5432:5432`; `files` adds the env files.
    fn include_with(
        include_extra: &str,
        files: &[(&str, &str)],
        parent: &[(&str, &str)],
    ) -> ComposeState {
        let dir = tempfile::tempdir().unwrap();
        let mut all = vec![
            (
                "c.yml".to_string(),
                format!("include:\n  - path: db/compose.yml\n{include_extra}"),
            ),
            (
                "db/compose.yml".to_string(),
                "services:\n  db:\n    image: postgres\n    ports:\n      - \"${DB_BIND:-0.0.0.0}:5432:5432\"\n".to_string(),
            ),
        ];
        all.extend(files.iter().map(|(n, t)| (n.to_string(), t.to_string())));
        for (name, text) in &all {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let spec = ComposeFileSpec {
            path: dir.path().join("c.yml"),
            required: true,
        };
        load(&[spec], &Interpolator::from_pairs(parent), &[])
    }

    fn db_bind(state: ComposeState) -> Option<String> {
        project(state).services["db"].ports[0].host_ip.clone()
    }

    #[test]
    fn an_included_project_reads_its_own_env_under_the_parents_variables() {
        // Its own .env fills what the parent does not set...
        let own = [(
            "db/.env",
            "DB_BIND=127.0.0.1\nDB_PASSWORD=Included-Secret-123\n",
        )];
        let state = include_with("", &own, &[]);
        let ComposeState::Loaded(p) = &state else {
            panic!("{state:?}")
        };
        assert!(p
            .env_secrets
            .0
            .iter()
            .any(|(n, v)| n == "DB_PASSWORD" && v == "Included-Secret-123"));
        assert!(!format!("{p:?}").contains("Included-Secret-123"));
        assert_eq!(db_bind(state), Some("127.0.0.1".into()));
        // ...and never overrides what the parent sets (compose-go's Mapping.Merge).
        assert_eq!(
            db_bind(include_with("", &own, &[("DB_BIND", "0.0.0.0")])),
            Some("0.0.0.0".into())
        );
        // An explicit env_file replaces the project's .env, relative to the including file.
        let explicit = [
            ("db/.env", "DB_BIND=127.0.0.1\n"),
            ("db.env", "DB_BIND=10.0.0.5\n"),
        ];
        assert_eq!(
            db_bind(include_with("    env_file: db.env\n", &explicit, &[])),
            Some("10.0.0.5".into())
        );
        // A missing explicit env_file stops compose; a missing .env does not.
        let missing = include_with("    env_file: [nope.env]\n", &[], &[]);
        assert!(
            matches!(&missing, ComposeState::Unusable(e) if e.contains("nope.env")),
            "{missing:?}"
        );
        assert_eq!(db_bind(include_with("", &[], &[])), Some("0.0.0.0".into()));
    }

    #[test]
    fn an_unreadable_include_env_leaves_its_values_unknown() {
        let state = include_with("", &[("db/.env", "DB_BIND=127.0.0.1\n\0\0binary")], &[]);
        let p = project(state);
        assert!(p.services["db"].ports.is_empty(), "{:?}", p.services["db"]);
        assert!(
            p.problems.iter().any(|pr| pr.service == "db"),
            "{:?}",
            p.problems
        );
    }

    #[test]
    fn include_and_extends_paths_are_interpolated() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("infra")).unwrap();
        std::fs::write(
            dir.path().join("c.yml"),
            "include: [\"${D}/db.yml\"]\nservices:\n  w:\n    extends:\n      file: ${D:-x}/base.yml\n      service: b\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("infra/db.yml"),
            "services:\n  db:\n    image: postgres\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("infra/base.yml"),
            "services:\n  b:\n    image: base\n",
        )
        .unwrap();
        let spec = ComposeFileSpec {
            path: dir.path().join("c.yml"),
            required: true,
        };
        let p = project(load(
            &[spec],
            &Interpolator::from_pairs(&[("D", "infra")]),
            &[],
        ));
        assert_eq!(p.services["db"].image.as_deref(), Some("postgres"));
        assert_eq!(p.services["w"].image.as_deref(), Some("base"));
    }
}
