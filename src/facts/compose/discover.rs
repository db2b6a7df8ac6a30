//! Which compose files `docker compose up`, run in the project directory, reads, and where its
//! `${VAR}` values come from (compose-go's `cli/options.go`):
//! - `-f` files (rampart: `--compose-file`), in order; else
//! - `COMPOSE_FILE` from the project `.env`, split on `COMPOSE_PATH_SEPARATOR` (default `:`);
//!   else
//! - the product's own `-f` list from the profile, when it names a file that discovery would not
//!   find (e.g. `docker-compose.prod.yml`: the product documents `-f a -f b`); else
//! - discovery: the first of [`DEFAULT_FILES`] in the project directory, plus the first
//!   [`OVERRIDE_FILES`] found next to it.
//!
//! The project directory is the first declared file's directory. Interpolation reads only its
//! `.env` (compose dialect), never the application's env file unless it is that same file.

use super::interpolate::{Interpolator, Source};
use super::loader;
use super::model::{ComposeState, ProjectSecrets};
use crate::facts::env::{self, EnvState};
use crate::target::ComposeFileSpec;
use std::path::Path;

/// In compose-go's order of preference.
pub const DEFAULT_FILES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];
pub const OVERRIDE_FILES: [&str; 4] = [
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];
/// More `COMPOSE_FILE` entries than this is not a real project.
const MAX_COMPOSE_FILE_ENTRIES: usize = 32;

/// The compose project: files chosen, loaded and layered.
pub fn resolve(declared: &[ComposeFileSpec], explicit: bool, root: &Path) -> ComposeState {
    let dir = declared
        .first()
        .and_then(|s| s.path.parent())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.to_path_buf());
    let env_path = dir.join(".env");
    let (source, mut notes) = interpolation_source(&env_path);
    let var = |name: &str| match &source {
        Source::Vars(vars, _) => vars.get(name).filter(|v| !v.trim().is_empty()).cloned(),
        Source::Unreadable(_) => None,
    };
    let (files, how) = choose_files(
        declared,
        explicit,
        &dir,
        var("COMPOSE_FILE"),
        var("COMPOSE_PATH_SEPARATOR"),
    );
    notes.insert(0, how);
    let profiles: Vec<String> = var("COMPOSE_PROFILES")
        .map(|p| {
            p.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .take(MAX_COMPOSE_FILE_ENTRIES)
                .collect()
        })
        .unwrap_or_default();
    if !profiles.is_empty() {
        notes.push(format!(
            "active profiles (COMPOSE_PROFILES): {}",
            profiles.join(", ")
        ));
    }
    let unreadable = match &source {
        Source::Unreadable(reason) => Some(reason.clone()),
        Source::Vars(..) => None,
    };
    let mut secrets = ProjectSecrets::default();
    if let Source::Vars(vars, _) = &source {
        secrets.add_vars(vars);
    }
    let interpolator = Interpolator::new(source);
    match loader::load(&files, &interpolator, &profiles) {
        ComposeState::Loaded(mut project) => {
            project.resolution = notes;
            project.env_unreadable = unreadable;
            // Included projects' env files added theirs while loading.
            project.env_secrets.0.splice(0..0, secrets.0);
            ComposeState::Loaded(project)
        }
        other => other,
    }
}

fn interpolation_source(path: &Path) -> (Source, Vec<String>) {
    // The project `.env` is read by Compose itself.
    let shown = path.display();
    match env::load(path, env::Dialect::Compose) {
        EnvState::Parsed(file) => {
            let vars = file
                .vars
                .into_iter()
                .map(|(k, v)| (k, v.value))
                .collect();
            (
                Source::Vars(vars, Some(path.to_path_buf())),
                vec![format!("`${{VAR}}` values from {shown}")],
            )
        }
        EnvState::Missing => (
            Source::Vars(Default::default(), None),
            vec![format!(
                "no {shown}: `${{VAR}}` take their defaults (the operator's shell is not the deployment's)"
            )],
        ),
        // The report says it once, from `ComposeProject::env_unreadable`.
        EnvState::Unusable(reason) => (Source::Unreadable(format!("{shown}: {reason}")), vec![]),
    }
}

fn is_discoverable(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| DEFAULT_FILES.contains(&n) || OVERRIDE_FILES.contains(&n))
}

fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// The files to load, and one sentence on why these.
fn choose_files(
    declared: &[ComposeFileSpec],
    explicit: bool,
    dir: &Path,
    compose_file: Option<String>,
    separator: Option<String>,
) -> (Vec<ComposeFileSpec>, String) {
    let shown = |files: &[ComposeFileSpec]| {
        files
            .iter()
            .map(|f| f.path.display().to_string())
            .collect::<Vec<_>>()
            .join(" + ")
    };
    if explicit {
        return (
            declared.to_vec(),
            format!("files given with --compose-file: {}", shown(declared)),
        );
    }
    if let Some(list) = compose_file {
        let separator = separator.unwrap_or_else(|| ":".to_string());
        let files: Vec<ComposeFileSpec> = list
            .split(separator.as_str())
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .take(MAX_COMPOSE_FILE_ENTRIES)
            .map(|p| ComposeFileSpec {
                path: dir.join(p),
                required: true,
            })
            .collect();
        let how = format!("COMPOSE_FILE in {}/.env: {}", dir.display(), shown(&files));
        return (files, how);
    }
    let product_list = declared
        .iter()
        .any(|s| exists(&s.path) && !is_discoverable(&s.path));
    if product_list {
        return (
            declared.to_vec(),
            format!(
                "the product's `-f` list from the profile: {}",
                shown(declared)
            ),
        );
    }
    let found: Vec<&str> = DEFAULT_FILES
        .iter()
        .copied()
        .filter(|n| exists(&dir.join(n)))
        .collect();
    let Some(winner) = found.first() else {
        // Nothing to discover: the declared files (all absent or optional) say what is missing.
        return (
            declared.to_vec(),
            format!("no compose file in {}", dir.display()),
        );
    };
    let mut files = vec![ComposeFileSpec {
        path: dir.join(winner),
        required: true,
    }];
    let mut how = format!("discovered {} in {}", winner, dir.display());
    if found.len() > 1 {
        how.push_str(&format!(
            " (also present but not read by `docker compose up`: {})",
            found[1..].join(", ")
        ));
    }
    if let Some(over) = OVERRIDE_FILES.iter().find(|n| exists(&dir.join(n))) {
        files.push(ComposeFileSpec {
            path: dir.join(over),
            required: true,
        });
        how.push_str(&format!(", with the override file {over} layered on top"));
    }
    (files, how)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(path: std::path::PathBuf) -> ComposeFileSpec {
        ComposeFileSpec {
            path,
            required: false,
        }
    }

    fn names(files: &[ComposeFileSpec]) -> Vec<String> {
        files
            .iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn compose_file_splits_on_colon_by_default() {
        let dir = tempfile::tempdir().unwrap();
        let (files, how) = choose_files(&[], false, dir.path(), Some("a.yml:b/c.yml".into()), None);
        assert_eq!(names(&files), ["a.yml", "c.yml"]);
        assert!(files.iter().all(|f| f.required));
        assert!(how.starts_with("COMPOSE_FILE"), "{how}");
    }

    #[test]
    fn discovery_prefers_compose_yaml_and_adds_one_override() {
        let dir = tempfile::tempdir().unwrap();
        for n in [
            "docker-compose.yml",
            "compose.yaml",
            "docker-compose.override.yml",
            "compose.override.yaml",
        ] {
            std::fs::write(dir.path().join(n), "").unwrap();
        }
        let declared = [spec(dir.path().join("docker-compose.yml"))];
        let (files, how) = choose_files(&declared, false, dir.path(), None, None);
        assert_eq!(names(&files), ["compose.yaml", "compose.override.yaml"]);
        assert!(how.contains("docker-compose.yml"), "{how}");
    }

    #[test]
    fn a_product_specific_file_keeps_the_profile_list() {
        let dir = tempfile::tempdir().unwrap();
        for n in [
            "docker-compose.yml",
            "docker-compose.prod.yml",
            "compose.override.yml",
        ] {
            std::fs::write(dir.path().join(n), "").unwrap();
        }
        let declared = [
            spec(dir.path().join("docker-compose.yml")),
            spec(dir.path().join("docker-compose.prod.yml")),
        ];
        let (files, _) = choose_files(&declared, false, dir.path(), None, None);
        assert_eq!(
            names(&files),
            ["docker-compose.yml", "docker-compose.prod.yml"]
        );
    }
}
