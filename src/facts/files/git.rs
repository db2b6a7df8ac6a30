//! What git knows about a path: the work tree it belongs to, whether the index tracks it, and
//! which `.gitignore` rule (if any) ignores it. Git is asked as few times as possible: one
//! `rev-parse` per distinct directory, then per repository one `ls-files` and (when needed)
//! one `check-ignore` for many paths at once.

use super::gitcmd::{self, GitError, GitOutput};
use super::{is_absent, stat_error};
use crate::facts::error::FactError;
use crate::facts::Unavailable;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// A path placed in its repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitPlace {
    /// The work tree's top directory.
    pub top: PathBuf,
    /// Relative to `top`, as git names it.
    pub rel: PathBuf,
    /// Whether anything exists at the path on disk.
    pub present: bool,
}

/// The work tree holding `path`, and the path relative to its top; or the observation that
/// ends the check for this path (not in a repository, git missing, unreadable).
pub(super) fn locate(
    path: &Path,
    subject: &str,
    toplevels: &mut HashMap<PathBuf, Result<Option<PathBuf>, GitError>>,
) -> Result<GitPlace, Unavailable> {
    let present = match std::fs::symlink_metadata(path) {
        Ok(_) => true,
        Err(e) if is_absent(&e) => false,
        Err(e) => return Err(Unavailable::error(subject, stat_error(subject, &e))),
    };
    // Ask git from the nearest directory that exists: a tracked file may be gone from disk.
    let Some(dir) = path
        .ancestors()
        .skip(1)
        .map(|a| {
            if a.as_os_str().is_empty() {
                Path::new(".")
            } else {
                a
            }
        })
        .find(|a| a.is_dir())
    else {
        return Err(Unavailable::skip(subject, "no existing parent directory"));
    };
    let real_dir = std::fs::canonicalize(dir)
        .map_err(|e| Unavailable::error(subject, stat_error(&dir.display().to_string(), &e)))?;
    let tail = path.strip_prefix(dir).unwrap_or(path);

    let top = toplevels
        .entry(real_dir.clone())
        .or_insert_with(|| toplevel(&real_dir));
    let top = match top {
        Ok(Some(top)) => top.clone(),
        Ok(None) => return Err(Unavailable::skip(subject, "not inside a git work tree")),
        Err(GitError::NotInstalled) => return Err(Unavailable::skip(subject, "git not found")),
        Err(GitError::TimedOut) => {
            return Err(Unavailable::error(
                subject,
                format!(
                    "git did not answer within {}s in {}",
                    gitcmd::GIT_TIMEOUT.as_secs(),
                    real_dir.display()
                ),
            ))
        }
        Err(GitError::Io(e)) => return Err(Unavailable::error(subject, e.clone())),
    };
    let Ok(in_repo) = real_dir.strip_prefix(&top) else {
        return Err(Unavailable::skip(
            subject,
            format!("outside the git work tree {}", top.display()),
        ));
    };
    let rel = in_repo.join(tail);
    if rel.as_os_str().is_empty() {
        return Err(Unavailable::skip(
            subject,
            "is the top of the git work tree itself",
        ));
    }
    Ok(GitPlace { top, rel, present })
}

/// `Ok(None)` when `dir` is not inside a work tree (including inside `.git` or a bare repo).
fn toplevel(dir: &Path) -> Result<Option<PathBuf>, GitError> {
    let out = gitcmd::run(
        dir,
        &[OsStr::new("rev-parse"), OsStr::new("--show-toplevel")],
    )?;
    if out.code != Some(0) {
        let reason = out.reason();
        if reason.contains("not a git repository") || reason.contains("work tree") {
            return Ok(None);
        }
        // Git's safe.directory guard, typically when rampart runs as root over a deployment
        // owned by a service user. Overriding it would let that user's repository config run
        // commands as root, so the check reports it instead.
        if reason.contains("dubious ownership") {
            return Err(GitError::Io(format!(
                "git refuses the repository around {}: it belongs to another user \
                 (run rampart as its owner, or add it to git's safe.directory)",
                dir.display()
            )));
        }
        return Err(GitError::Io(format!(
            "git cannot read the repository around {}: {reason}",
            dir.display()
        )));
    }
    let line = out.stdout.strip_suffix(b"\n").unwrap_or(&out.stdout);
    if line.is_empty() {
        return Ok(None);
    }
    Ok(Some(PathBuf::from(OsStr::from_bytes(line))))
}

fn failed(what: &str, top: &Path, out: &GitOutput) -> String {
    format!("git {what} failed in {}: {}", top.display(), out.reason())
}

fn timeout_message(what: &str, top: &Path, e: GitError) -> String {
    match e {
        GitError::TimedOut => format!(
            "git {what} did not answer within {}s in {}",
            gitcmd::GIT_TIMEOUT.as_secs(),
            top.display()
        ),
        GitError::NotInstalled => "git not found".into(),
        GitError::Io(e) => e,
    }
}

/// One index entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    pub path: PathBuf,
    /// Mode 120000: git holds the link text, not the content of what it points at.
    pub symlink: bool,
}

/// Index entries (tracked files) at or under the given paths.
pub(super) fn ls_files(top: &Path, rels: &[&OsStr]) -> Result<Vec<Tracked>, FactError> {
    // Paths are passed as they are: `*` or `:` in a file name is not a pattern.
    let mut args = ["--literal-pathspecs", "ls-files", "-s", "-z", "--"]
        .map(OsStr::new)
        .to_vec();
    args.extend_from_slice(rels);
    let out = gitcmd::run(top, &args).map_err(|e| timeout_message("ls-files", top, e))?;
    if out.code != Some(0) {
        return Err(FactError::from(failed("ls-files", top, &out)));
    }
    // Records are `MODE OBJECT STAGE<TAB>PATH`, NUL-terminated.
    Ok(out
        .stdout
        .split(|b| *b == 0)
        .filter_map(|record| {
            let tab = record.iter().position(|b| *b == b'\t')?;
            let (meta, path) = (&record[..tab], &record[tab + 1..]);
            Some(Tracked {
                path: PathBuf::from(OsStr::from_bytes(path)),
                symlink: meta.starts_with(b"120000 "),
            })
        })
        .collect())
}

/// A commit (on any ref) that touched `rel`, when there is one: a file that was ever
/// committed keeps its content in the history even after `git rm --cached`.
pub(super) fn last_commit_touching(top: &Path, rel: &OsStr) -> Result<Option<String>, FactError> {
    let args = [
        "--literal-pathspecs",
        "log",
        "--all",
        "--format=%H",
        "-n",
        "1",
        "--",
    ]
    .map(OsStr::new);
    let mut args = args.to_vec();
    args.push(rel);
    let out = gitcmd::run(top, &args).map_err(|e| timeout_message("log", top, e))?;
    if out.code != Some(0) {
        let reason = out.reason();
        // A repository without any commit has no history to search.
        if reason.contains("does not have any commits") || reason.contains("bad default revision") {
            return Ok(None);
        }
        return Err(FactError::from(failed("log", top, &out)));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .lines()
        .next()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string))
}

/// The ignored paths among `rels`, each with the rule that ignores it (`.gitignore:3 (*.env)`).
pub(super) fn check_ignore(
    top: &Path,
    rels: &[&OsStr],
) -> Result<HashMap<PathBuf, String>, FactError> {
    let args = ["check-ignore", "-v", "-z", "--stdin"].map(OsStr::new);
    let mut input = Vec::new();
    for rel in rels {
        input.extend_from_slice(rel.as_bytes());
        input.push(0);
    }
    let out = gitcmd::run_with_input(top, &args, Some(input))
        .map_err(|e| timeout_message("check-ignore", top, e))?;
    // 0: some paths ignored, 1: none.
    if !matches!(out.code, Some(0) | Some(1)) {
        return Err(FactError::from(failed("check-ignore", top, &out)));
    }
    let fields: Vec<&[u8]> = out.stdout.split(|b| *b == 0).collect();
    let mut ignored = HashMap::new();
    // Records are SOURCE NUL LINE NUL PATTERN NUL PATH NUL.
    for record in fields.chunks_exact(4) {
        let [source, line, pattern, path] = record else {
            continue;
        };
        // `-v` also reports matches of negated (`!`) patterns, which un-ignore the path.
        if pattern.starts_with(b"!") {
            continue;
        }
        let rule = format!(
            "{}:{} ({})",
            String::from_utf8_lossy(source),
            String::from_utf8_lossy(line),
            String::from_utf8_lossy(pattern)
        );
        ignored.insert(PathBuf::from(OsStr::from_bytes(path)), rule);
    }
    Ok(ignored)
}
