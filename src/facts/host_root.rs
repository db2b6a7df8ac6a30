//! Host files (`/proc`, `/etc`) read under a root directory, so tests and audits of a mounted
//! image can point rampart at a fixture tree (`--host-root DIR`, default `/`).

use crate::read::{self, ReadError};
use std::fmt;

pub use crate::target::HostRoot;

impl HostRoot {
    /// Reads a host file, at most `limit` bytes (counted as read: `/proc` files report size 0).
    /// `Ok(None)` when the file does not exist.
    pub fn read_text(&self, absolute: &str, limit: usize) -> Result<Option<String>, HostFileError> {
        match read::read_bounded(&self.path(absolute), limit) {
            Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Err(ReadError::NotFound) => Ok(None),
            Err(error) => Err(HostFileError {
                file: absolute.to_string(),
                error,
            }),
        }
    }
}

/// A host file that exists but could not be read (permissions, too large, not a file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostFileError {
    /// The path as on the host (`/etc/ufw/user.rules`), not under the host root.
    pub file: String,
    pub error: ReadError,
}

impl fmt::Display for HostFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.error)
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
            Err(HostFileError {
                error: ReadError::TooLarge { .. },
                ..
            })
        ));
    }
}
