//! Shared helpers for end-to-end tests: run the real binary and read its JSON report.
#![allow(dead_code)]

pub mod dns;
pub mod host;
pub mod openssl;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

pub fn rampart() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

pub fn run(args: &[&str]) -> Run {
    run_in(None, args)
}

pub fn run_in(dir: Option<&Path>, args: &[&str]) -> Run {
    let mut cmd = rampart();
    cmd.args(args).env_remove("NO_COLOR");
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let out: Output = cmd.output().expect("run rampart");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Like [`run_in`], but the process must finish within `limit`: a hang fails the test (and
/// the process is killed) instead of stalling the suite.
pub fn run_bounded(dir: Option<&Path>, args: &[&str], limit: std::time::Duration) -> Run {
    use std::io::Read;
    use std::process::Stdio;
    let mut cmd = rampart();
    cmd.args(args)
        .env_remove("NO_COLOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let mut child = cmd.spawn().expect("run rampart");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rampart {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out_reader.join().expect("stdout reader")).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().expect("stderr reader")).into_owned(),
    }
}

/// Findings of the report with this check id.
pub fn findings<'a>(report: &'a Value, id: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f["id"] == id)
        .collect()
}

/// The status of the one finding with this id whose subject contains `subject`.
pub fn status_of(report: &Value, id: &str, subject: &str) -> String {
    let matching: Vec<_> = findings(report, id)
        .into_iter()
        .filter(|f| f["subject"].as_str().unwrap_or("").contains(subject))
        .collect();
    assert!(
        !matching.is_empty(),
        "no finding {id} with subject containing {subject:?}; findings:\n{}",
        summary(report)
    );
    matching[0]["status"].as_str().unwrap_or("").to_string()
}

/// One line per finding, for assertion messages.
pub fn summary(report: &Value) -> String {
    report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    format!(
                        "{} {} [{}] {} | {}",
                        f["status"].as_str().unwrap_or(""),
                        f["id"].as_str().unwrap_or(""),
                        f["subject"].as_str().unwrap_or(""),
                        f["message"].as_str().unwrap_or(""),
                        f["actual"].as_str().unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// Writes a file, creating parent directories, and sets its mode.
pub fn write(root: &Path, rel: &str, content: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, content).expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

pub fn git(root: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.email=t@example.invalid", "-c", "user.name=t"])
        .args(args)
        .current_dir(root)
        .output()
        .expect("git")
        .status
        .success();
    assert!(ok, "git {args:?} failed");
}

/// Runs `rampart audit --profile baseline --json` against a loopback TLS server on `port`,
/// named `localhost` (pinned to 127.0.0.1), with `extra` arguments (`--only`, `--ca-file`...),
/// and returns the report.
pub fn audit_localhost(port: u16, extra: &[&str]) -> Value {
    let url = format!("https://localhost:{port}");
    let resolve = format!("localhost:{port}:127.0.0.1");
    let mut args = vec![
        "audit",
        "--profile",
        "baseline",
        "--url",
        &url,
        "--resolve",
        &resolve,
        "--json",
        "--timeout",
        "3",
    ];
    args.extend_from_slice(extra);
    run(&args).json()
}
