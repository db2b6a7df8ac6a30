//! Resolving a profile: parse, follow `extends`, merge `include`d check sets, apply `disable`,
//! validate every check. All errors carry the file, line and column.

use super::builtin;
use super::checks::{parse_checks, ParsedCheck};
use super::error::ProfileError;
use super::schema::{CheckDef, CheckSetFile, ComposeFileDecl, EnvFileDecl, ProfileFile};
use serde::Serialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// `extends` chains longer than this are refused (they are almost certainly a cycle).
const MAX_EXTENDS_DEPTH: usize = 8;
/// Largest profile or check-set file read from disk.
const MAX_PROFILE_BYTES: usize = 1024 * 1024;
/// All profile and check-set text one load may read.
const MAX_TOTAL_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    pub name: String,
    pub title: String,
    pub description: String,
    /// Profile names from the root of the `extends` chain down to this one.
    pub lineage: Vec<String>,
    pub env_file: Vec<EnvFileDecl>,
    pub compose_file: Vec<ComposeFileDecl>,
    pub check: Vec<CheckDef>,
    /// Waivers of this profile and those it extends.
    #[serde(skip)]
    pub waiver: Vec<crate::waiver::Waiver>,
}

/// Where a profile or check set came from: a built-in (by repository path) or a file on disk.
struct Source {
    label: String,
    text: String,
    dir: Option<PathBuf>,
}

pub fn load_builtin(name: &str) -> Result<Profile, ProfileError> {
    let embedded = builtin::profile(name).ok_or_else(|| {
        let names: Vec<_> = builtin::PROFILES.iter().map(|p| p.name).collect();
        ProfileError::whole_file(
            "--profile",
            format!(
                "no built-in profile {name:?} (available: {})",
                names.join(", ")
            ),
        )
    })?;
    resolve(builtin_source(embedded), &mut Loading::default())
}

pub fn load_file(path: &Path) -> Result<Profile, ProfileError> {
    resolve(read_source(path)?, &mut Loading::default())
}

fn builtin_source(e: &builtin::Embedded) -> Source {
    Source {
        label: e.path.to_string(),
        text: e.text.to_string(),
        dir: None,
    }
}

fn read_source(path: &Path) -> Result<Source, ProfileError> {
    let label = path.display().to_string();
    // Regular files only, capped by bytes read: a FIFO, /dev/zero or a growing file cannot
    // hang the loader or exhaust memory.
    let text = crate::read::read_text(path, MAX_PROFILE_BYTES)
        .map_err(|e| ProfileError::whole_file(&label, format!("{e}; not a profile")))?;
    Ok(Source {
        label,
        text,
        dir: path.parent().map(Path::to_path_buf),
    })
}

fn parse<T: serde::de::DeserializeOwned>(src: &Source) -> Result<T, ProfileError> {
    toml::from_str::<T>(&src.text).map_err(|e| {
        let message = e.message().trim().to_string();
        match e.span() {
            Some(span) => ProfileError::at(&src.label, &src.text, span, message),
            None => ProfileError::whole_file(&src.label, message),
        }
    })
}

/// A reference to another profile or check set: a built-in name, or a `.toml` path relative to
/// the referring file.
fn locate(
    reference: &Spanned<String>,
    from: &Source,
    what: &str,
    find_builtin: fn(&str) -> Option<&'static builtin::Embedded>,
) -> Result<Source, ProfileError> {
    let name = reference.get_ref();
    if name.ends_with(".toml") {
        let path = match &from.dir {
            Some(dir) => dir.join(name),
            None => PathBuf::from(name),
        };
        return read_source(&path).map_err(|e| {
            ProfileError::at(&from.label, &from.text, reference.span(), e.to_string())
        });
    }
    match find_builtin(name) {
        Some(e) => Ok(builtin_source(e)),
        None => Err(ProfileError::at(
            &from.label,
            &from.text,
            reference.span(),
            format!("{what} {name:?} not found: not a built-in and not a .toml path"),
        )),
    }
}

/// What one load has read so far, to stop loops, repeats and runaway totals.
#[derive(Default)]
struct Loading {
    /// The `extends` chain being resolved, root last.
    chain: Vec<String>,
    /// Check sets already merged (by path or built-in name): each is included once.
    included: std::collections::HashSet<String>,
    /// Bytes of profile and check-set text read.
    bytes: usize,
}

impl Loading {
    fn count(&mut self, src: &Source) -> Result<(), ProfileError> {
        self.bytes += src.text.len();
        if self.bytes > MAX_TOTAL_BYTES {
            return Err(ProfileError::whole_file(
                &src.label,
                format!(
                    "profiles and check sets add up to more than {} MiB; refusing to read more",
                    MAX_TOTAL_BYTES / (1024 * 1024)
                ),
            ));
        }
        Ok(())
    }
}

/// The identity of an `include` reference: the file it names, or the built-in set.
fn include_key(reference: &str, from: &Source) -> String {
    if reference.ends_with(".toml") {
        match &from.dir {
            Some(dir) => dir.join(reference).display().to_string(),
            None => reference.to_string(),
        }
    } else {
        format!("builtin:{reference}")
    }
}

fn resolve(src: Source, loading: &mut Loading) -> Result<Profile, ProfileError> {
    if loading.chain.contains(&src.label) || loading.chain.len() >= MAX_EXTENDS_DEPTH {
        return Err(ProfileError::whole_file(
            &src.label,
            format!(
                "`extends` loops back: {} -> {}",
                loading.chain.join(" -> "),
                src.label
            ),
        ));
    }
    loading.count(&src)?;
    loading.chain.push(src.label.clone());
    let file: ProfileFile = parse(&src)?;

    let mut profile = match &file.extends {
        Some(parent) => {
            let parent_src = locate(parent, &src, "extends target", builtin::profile)?;
            resolve(parent_src, loading)?
        }
        None => Profile {
            name: String::new(),
            title: String::new(),
            description: String::new(),
            lineage: Vec::new(),
            env_file: Vec::new(),
            compose_file: Vec::new(),
            check: Vec::new(),
            waiver: Vec::new(),
        },
    };

    for reference in &file.include {
        if !loading
            .included
            .insert(include_key(reference.get_ref(), &src))
        {
            continue;
        }
        let set_src = locate(reference, &src, "check set", builtin::check_set)?;
        loading.count(&set_src)?;
        let _set: CheckSetFile = parse(&set_src)?;
        let checks = parse_checks(&set_src.label, &set_src.text)?;
        merge_checks(&mut profile.check, checks, &set_src)?;
    }
    merge_checks(
        &mut profile.check,
        parse_checks(&src.label, &src.text)?,
        &src,
    )?;

    for id in &file.disable {
        let before = profile.check.len();
        profile.check.retain(|c| &c.id != id.get_ref());
        if profile.check.len() == before {
            return Err(ProfileError::at(
                &src.label,
                &src.text,
                id.span(),
                format!(
                    "`disable` names {:?}, which no inherited check has",
                    id.get_ref()
                ),
            ));
        }
    }

    profile.name = file.name.get_ref().clone();
    profile.title = file.title;
    if !file.description.is_empty() {
        profile.description = file.description;
    }
    profile.lineage.push(profile.name.clone());
    if let Some(env) = file.env_file {
        profile.env_file = env;
    }
    if let Some(compose) = file.compose_file {
        profile.compose_file = compose;
    }
    for w in &file.waiver {
        let waiver = w
            .validate(&src.label)
            .map_err(|m| ProfileError::at(&src.label, &src.text, file.name.span(), m))?;
        profile.waiver.push(waiver);
    }
    validate_file_roles(&profile, &src, &file.name)?;
    loading.chain.pop();
    Ok(profile)
}

/// Adds checks in order; a check with an id already present replaces it in place, which is how
/// a profile overrides an inherited check. Ids must be unique within one file.
fn merge_checks(
    into: &mut Vec<CheckDef>,
    new: Vec<ParsedCheck>,
    src: &Source,
) -> Result<(), ProfileError> {
    let mut seen: Vec<String> = Vec::new();
    for ParsedCheck { span, check } in new {
        let err = |message: String| ProfileError::at(&src.label, &src.text, span.clone(), message);
        validate_check(&check).map_err(|m| err(format!("check {:?}: {m}", check.id)))?;
        if seen.contains(&check.id) {
            return Err(err(format!(
                "check id {:?} appears twice in this file",
                check.id
            )));
        }
        seen.push(check.id.clone());
        match into.iter_mut().find(|c| c.id == check.id) {
            Some(existing) => *existing = check,
            None => into.push(check),
        }
    }
    Ok(())
}

fn validate_check(check: &CheckDef) -> Result<(), String> {
    if !is_check_id(&check.id) {
        return Err(
            "id must be namespaced kebab-case, like `tls.legacy-versions` or `koda.session-secret`"
                .into(),
        );
    }
    if check.title.trim().is_empty() {
        return Err("`title` is empty".into());
    }
    if check.remediation.trim().is_empty() {
        return Err("`remediation` is empty: every failure needs a fix".into());
    }
    if let Some(when) = &check.when {
        when.validate()?;
    }
    check.kind.validate()
}

fn is_check_id(id: &str) -> bool {
    let mut parts = id.split('.');
    let first_ok = parts.next().is_some_and(is_kebab);
    let rest: Vec<&str> = parts.collect();
    first_ok && !rest.is_empty() && rest.iter().all(|p| is_kebab(p))
}

fn is_kebab(part: &str) -> bool {
    !part.is_empty()
        && !part.starts_with('-')
        && !part.ends_with('-')
        && part
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Env checks name env files by role; a role that the profile does not declare is a typo that
/// would otherwise turn into a silent skip. The error points at the key that names it.
fn validate_file_roles(
    profile: &Profile,
    src: &Source,
    name: &Spanned<String>,
) -> Result<(), ProfileError> {
    let roles: Vec<&str> = profile.env_file.iter().map(|e| e.role.as_str()).collect();
    for check in &profile.check {
        let mut named: Vec<(&str, &str)> = check.kind.env_roles();
        if let Some(w) = &check.when {
            named.extend(w.roles().into_iter().map(|r| ("when", r)));
        }
        let Some((key, bad)) = named.into_iter().find(|(_, r)| !roles.contains(r)) else {
            continue;
        };
        let message = format!(
            "check {:?} names env file role {bad:?}, but the profile declares only [{}]",
            check.id,
            roles.join(", ")
        );
        let position = check
            .origin
            .keys
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, pos)| *pos);
        return Err(match position {
            Some(position) => ProfileError {
                file: check.origin.file.clone(),
                position: Some(position),
                message,
            },
            None => ProfileError::at(&src.label, &src.text, name.span(), message),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ids_are_namespaced_kebab_case() {
        assert!(is_check_id("tls.legacy-versions"));
        assert!(is_check_id("koda.files.state-dir"));
        assert!(!is_check_id("tls"));
        assert!(!is_check_id("Tls.x"));
        assert!(!is_check_id("tls.-x"));
        assert!(!is_check_id("tls..x"));
    }

    #[test]
    fn every_kind_is_used_by_a_builtin_and_round_trips_through_profiles_show() {
        let mut used = std::collections::BTreeSet::new();
        for p in builtin::PROFILES {
            let profile = load_builtin(p.name).unwrap_or_else(|e| panic!("{e}"));
            for check in &profile.check {
                used.insert(check.kind.tag());
                #[derive(serde::Serialize)]
                struct Shown<'a> {
                    check: [&'a CheckDef; 1],
                }
                let shown = toml::to_string(&Shown { check: [check] }).unwrap();
                let again = super::parse_checks("shown", &shown)
                    .unwrap_or_else(|e| panic!("{}: {e}\n{shown}", check.id));
                let again = &again[0].check;
                assert_eq!(again.kind, check.kind, "{shown}");
                assert_eq!(again.id, check.id);
                assert_eq!(again.when, check.when);
            }
        }
        let unused: Vec<_> = crate::checks::CheckKind::TAGS
            .iter()
            .filter(|t| !used.contains(*t))
            .collect();
        assert!(
            unused.is_empty(),
            "kinds no built-in profile uses: {unused:?}"
        );
    }

    #[test]
    fn every_builtin_profile_loads() {
        for p in builtin::PROFILES {
            let profile = load_builtin(p.name).unwrap_or_else(|e| panic!("{e}"));
            assert!(!profile.check.is_empty(), "{} has no checks", p.name);
        }
    }
}
