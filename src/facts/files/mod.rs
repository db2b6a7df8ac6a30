//! The install directory as the file system and git see it: what is at a path (following
//! links), who owns it, and what git tracks or ignores.

pub mod git;
pub mod gitcmd;
pub mod owner;
pub mod stat;

use crate::facts::error::FactError;
use crate::facts::Unavailable;
use git::GitPlace;
pub use gitcmd::GitError;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub struct FileFacts {
    root: PathBuf,
    toplevels: Mutex<HashMap<PathBuf, Result<Option<PathBuf>, GitError>>>,
}

impl FileFacts {
    pub fn new(root: PathBuf) -> Self {
        FileFacts {
            root,
            toplevels: Mutex::new(HashMap::new()),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// What is at `path`, links followed; `subject` names it in error messages.
    pub fn entry(&self, path: &Path, subject: &str) -> Result<stat::Entry, FactError> {
        stat::stat_following_links(path, subject)
    }

    /// What is at `path` itself (a link is not followed): `None` when nothing is there.
    pub fn own_entry(
        &self,
        path: &Path,
        subject: &str,
    ) -> Result<Option<std::fs::Metadata>, FactError> {
        match std::fs::symlink_metadata(path) {
            Ok(meta) => Ok(Some(meta)),
            Err(e) if is_absent(&e) => Ok(None),
            Err(e) => Err(FactError::from(stat_error(subject, &e))),
        }
    }

    /// The host's users (`/etc/passwd`), read once.
    pub fn users(&self) -> Result<&'static owner::Passwd, &'static FactError> {
        owner::system()
    }

    /// The git work tree holding `path`, or why it has none (skip) or cannot be asked (error).
    pub fn git_place(&self, path: &Path, subject: &str) -> Result<GitPlace, Unavailable> {
        let mut toplevels = match self.toplevels.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        git::locate(path, subject, &mut toplevels)
    }

    /// Index entries (tracked files) at or under `rels` in the work tree `top`.
    pub fn git_tracked(&self, top: &Path, rels: &[&OsStr]) -> Result<Vec<git::Tracked>, FactError> {
        git::ls_files(top, rels)
    }

    /// A commit on any ref that touched `rel` in `top`, if any.
    pub fn git_history(&self, top: &Path, rel: &OsStr) -> Result<Option<String>, FactError> {
        git::last_commit_touching(top, rel)
    }

    /// The ignored paths among `rels`, each with the rule that ignores it.
    pub fn git_ignored(
        &self,
        top: &Path,
        rels: &[&OsStr],
    ) -> Result<HashMap<PathBuf, String>, FactError> {
        git::check_ignore(top, rels)
    }
}

/// Errors that mean "nothing is at this path" rather than "could not look".
pub fn is_absent(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

/// A one-line reason for a failed `stat`, naming the path.
pub fn stat_error(subject: &str, e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::PermissionDenied {
        format!("cannot examine {subject}: permission denied (run as a user that can read it)")
    } else {
        format!("cannot examine {subject}: {e}")
    }
}
