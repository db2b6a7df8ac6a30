//! Host files (`/proc`, `/etc`) read under a root directory, so tests and audits of a mounted
//! image can point rampart at a fixture tree (`--host-root DIR`, default `/`).

use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The directory standing in for the host's `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRoot(PathBuf);

impl Default for HostRoot {
    fn default() -> Self {
        HostRoot(PathBuf::from("/"))
    }
}

impl HostRoot {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        HostRoot(dir.into())
    }

    /// True when host files are the live system's own (not a fixture tree).
    pub fn is_live(&self) -> bool {
        self.0 == Path::new("/")
    }

    /// `/proc/net/tcp` becomes `DIR/proc/net/tcp`.
    pub fn path(&self, absolute: &str) -> PathBuf {
        self.0.join(absolute.trim_start_matches('/'))
    }

    /// Reads a host file, at most `limit` bytes (counted as read: `/proc` files report size 0).
    /// `Ok(None)` when the file does not exist.
    pub fn read_text(&self, absolute: &str, limit: u64) -> Result<Option<String>, HostFileError> {
        let path = self.path(absolute);
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(HostFileError::io(absolute, e)),
        };
        let mut bytes = Vec::new();
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| HostFileError::io(absolute, e))?;
        if bytes.len() as u64 > limit {
            return Err(HostFileError::TooLarge {
                file: absolute.to_string(),
                limit,
            });
        }
        Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostFileError {
    Io {
        file: String,
        kind: io::ErrorKind,
        reason: String,
    },
    TooLarge {
        file: String,
        limit: u64,
    },
}

impl HostFileError {
    fn io(file: &str, e: io::Error) -> Self {
        HostFileError::Io {
            file: file.to_string(),
            kind: e.kind(),
            reason: e.to_string(),
        }
    }
}

impl fmt::Display for HostFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostFileError::Io { file, reason, .. } => write!(f, "cannot read {file}: {reason}"),
            HostFileError::TooLarge { file, limit } => {
                write!(f, "{file} is larger than {limit} bytes; not read")
            }
        }
    }
}

impl std::error::Error for HostFileError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_under_the_root_and_bounds_the_size() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("etc/ufw")).unwrap();
        std::fs::write(dir.path().join("etc/ufw/ufw.conf"), "ENABLED=yes\n").unwrap();
        let root = HostRoot::new(dir.path());
        assert!(!root.is_live());
        assert_eq!(
            root.read_text("/etc/ufw/ufw.conf", 100).unwrap().as_deref(),
            Some("ENABLED=yes\n")
        );
        assert_eq!(root.read_text("/etc/missing", 100).unwrap(), None);
        assert!(matches!(
            root.read_text("/etc/ufw/ufw.conf", 4),
            Err(HostFileError::TooLarge { .. })
        ));
    }
}
