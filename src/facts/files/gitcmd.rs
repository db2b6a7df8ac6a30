//! Running `git` as a bounded subprocess: a deadline, capped output, no prompts, and an
//! environment that cannot point it at some other repository.

use std::ffi::OsStr;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Local git queries take milliseconds; this only guards against a wedged filesystem or lock.
pub const GIT_TIMEOUT: Duration = Duration::from_secs(5);
/// Output kept per stream; the rest is drained and dropped so git never blocks on a full pipe.
const MAX_OUTPUT: usize = 8 * 1024 * 1024;

/// Variables that would make git read a different repository, index or work tree than the one
/// at `-C DIR` (set, for instance, when rampart runs from inside a git hook).
const REPO_OVERRIDES: [&str; 7] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
];

#[derive(Debug)]
pub struct GitOutput {
    /// `None` when git was killed by a signal.
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl GitOutput {
    /// The first line of stderr, shortened: enough to explain a failure on one line.
    pub fn reason(&self) -> String {
        let line = self.stderr.lines().next().unwrap_or("").trim();
        let line = line.strip_prefix("fatal: ").unwrap_or(line);
        let short: String = line.chars().take(200).collect();
        if short.is_empty() {
            format!("git exited with {:?}", self.code)
        } else {
            short
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum GitError {
    /// No `git` on PATH.
    NotInstalled,
    TimedOut,
    Io(String),
}

/// Runs `git -C DIR <fixed options> ARGS...` and collects its output within [`GIT_TIMEOUT`].
pub fn run(dir: &Path, args: &[&OsStr]) -> Result<GitOutput, GitError> {
    run_with_input(dir, args, None)
}

/// As [`run`], feeding `input` to git's stdin (for `--stdin` modes).
pub fn run_with_input(
    dir: &Path,
    args: &[&OsStr],
    input: Option<Vec<u8>>,
) -> Result<GitOutput, GitError> {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(dir)
        .args(["-c", "core.quotepath=off", "-c", "core.fsmonitor=false"])
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C");
    for var in REPO_OVERRIDES {
        cmd.env_remove(var);
    }
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => GitError::NotInstalled,
        _ => GitError::Io(format!("cannot run git: {e}")),
    })?;
    let deadline = Instant::now() + GIT_TIMEOUT;
    if let (Some(mut stdin), Some(input)) = (child.stdin.take(), input) {
        // A thread, so a git that stops reading cannot stall us past the deadline.
        thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }

    let (done_tx, done_rx) = mpsc::channel();
    let stdout = child.stdout.take().map(|s| drain(s, done_tx.clone()));
    let stderr = child.stderr.take().map(|s| drain(s, done_tx));
    // Both pipes close when git exits; waiting on them avoids a sleep-poll in the common case.
    let mut open = usize::from(stdout.is_some()) + usize::from(stderr.is_some());
    while open > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        match done_rx.recv_timeout(left) {
            Ok(()) => open -= 1,
            Err(_) => break,
        }
    }
    let status = match wait_until(&mut child, deadline) {
        Some(Ok(status)) => status,
        Some(Err(e)) => return Err(GitError::Io(format!("waiting for git: {e}"))),
        // The readers are left to finish on their own: something git spawned may still hold
        // the pipes open, and joining them could outlast the deadline.
        None => return Err(GitError::TimedOut),
    };
    let stdout = stdout.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
    Ok(GitOutput {
        code: status.code(),
        stdout,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    })
}

/// Reads a pipe to its end, keeping at most [`MAX_OUTPUT`] bytes; signals when done.
fn drain(
    mut pipe: impl Read + Send + 'static,
    done: mpsc::Sender<()>,
) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    let room = MAX_OUTPUT.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        let _ = done.send(());
        kept
    })
}

/// The exit status, or `None` after killing git at the deadline.
fn wait_until(
    child: &mut Child,
    deadline: Instant,
) -> Option<io::Result<std::process::ExitStatus>> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(Ok(status)),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => thread::sleep(Duration::from_millis(1)),
            Err(e) => return Some(Err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_exit_code_and_stderr_outside_a_repository() {
        let dir = tempfile::tempdir().unwrap();
        let out = run(
            dir.path(),
            &[OsStr::new("rev-parse"), OsStr::new("--show-toplevel")],
        )
        .expect("git is installed");
        assert_eq!(out.code, Some(128));
        assert!(
            out.reason().contains("not a git repository"),
            "{}",
            out.reason()
        );
    }
}
