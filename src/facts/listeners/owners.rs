//! Which process holds a socket: walk `/proc/PID/fd/*`, whose links read `socket:[INODE]`,
//! and name the process from `/proc/PID/comm`. Another user's processes cannot be read
//! without privileges; those are counted, not guessed.

use crate::facts::host_root::HostRoot;
use std::collections::{HashMap, HashSet};
use std::fs;

/// The process behind a socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub pid: u32,
    /// `/proc/PID/comm`: the executable name, at most 15 bytes.
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owners {
    pub by_inode: HashMap<u64, Process>,
    /// Processes whose descriptors we were not allowed to list.
    pub denied: usize,
    /// True when a limit below stopped the walk early.
    pub truncated: bool,
}

/// Bounds on the walk, so a host with huge descriptor tables cannot stall the audit.
const MAX_PROCESSES: usize = 100_000;
const MAX_FDS_TOTAL: usize = 2_000_000;
const MAX_COMM_BYTES: usize = 64;

/// Maps the `wanted` socket inodes to their processes.
pub fn find(root: &HostRoot, wanted: &HashSet<u64>) -> Owners {
    let mut owners = Owners::default();
    if wanted.is_empty() {
        return owners;
    }
    let Ok(entries) = fs::read_dir(root.path("/proc")) else {
        owners.truncated = true;
        return owners;
    };
    let mut fds_seen = 0usize;
    for (i, entry) in entries.flatten().enumerate() {
        if i >= MAX_PROCESSES || fds_seen >= MAX_FDS_TOTAL {
            owners.truncated = true;
            break;
        }
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let fd_dir = root.path(&format!("/proc/{pid}/fd"));
        let fds = match fs::read_dir(&fd_dir) {
            Ok(fds) => fds,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                owners.denied += 1;
                continue;
            }
            // The process exited between the two reads, or is a kernel thread.
            Err(_) => continue,
        };
        for fd in fds.flatten() {
            fds_seen += 1;
            if fds_seen >= MAX_FDS_TOTAL {
                break;
            }
            let Some(inode) = fs::read_link(fd.path())
                .ok()
                .and_then(|target| socket_inode(&target.to_string_lossy()))
            else {
                continue;
            };
            if wanted.contains(&inode) && !owners.by_inode.contains_key(&inode) {
                owners.by_inode.insert(
                    inode,
                    Process {
                        pid,
                        name: comm(root, pid),
                    },
                );
            }
        }
        if owners.by_inode.len() == wanted.len() {
            break;
        }
    }
    owners
}

/// `socket:[41234]` -> 41234.
fn socket_inode(link: &str) -> Option<u64> {
    link.strip_prefix("socket:[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

fn comm(root: &HostRoot, pid: u32) -> String {
    match root.read_text(&format!("/proc/{pid}/comm"), MAX_COMM_BYTES) {
        Ok(Some(name)) if !name.trim().is_empty() => name.trim().to_string(),
        _ => format!("pid {pid}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_socket_links_only() {
        assert_eq!(socket_inode("socket:[41234]"), Some(41234));
        assert_eq!(socket_inode("pipe:[41234]"), None);
        assert_eq!(socket_inode("/dev/null"), None);
        assert_eq!(socket_inode("socket:[x]"), None);
    }

    #[test]
    fn maps_inodes_through_a_fixture_proc() {
        let dir = tempfile::tempdir().unwrap();
        let fd = dir.path().join("proc/4242/fd");
        std::fs::create_dir_all(&fd).unwrap();
        std::os::unix::fs::symlink("socket:[5555]", fd.join("7")).unwrap();
        std::os::unix::fs::symlink("/dev/null", fd.join("0")).unwrap();
        std::fs::write(dir.path().join("proc/4242/comm"), "postgres\n").unwrap();
        std::fs::create_dir_all(dir.path().join("proc/net")).unwrap();
        let root = HostRoot::new(dir.path());
        let owners = find(&root, &HashSet::from([5555, 6666]));
        assert_eq!(
            owners.by_inode.get(&5555),
            Some(&Process {
                pid: 4242,
                name: "postgres".into()
            })
        );
        assert!(!owners.by_inode.contains_key(&6666));
    }
}
