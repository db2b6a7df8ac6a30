//! End-to-end: the CLI contract that CI jobs and dashboards rely on.

mod common;

use common::{findings, run, run_in, summary, write};
use std::process::{Command, Stdio};
use tempfile::TempDir;

const STRONG: &str = "9f2c4e7a1b3d5f6081a2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e";

fn profile(dir: &std::path::Path, body: &str) -> String {
    let path = dir.join("p.toml");
    std::fs::write(&path, body).expect("write profile");
    path.to_str().expect("utf-8").to_string()
}

const SECRET_PROFILE: &str = r#"
name = "t"
title = "test"

[[env_file]]
role = "main"
path = ".env"

[[check]]
id = "t.token"
title = "TOKEN is strong"
kind = "env.secret"
var = "TOKEN"
min_length = 32
severity = "high"
remediation = "Generate one."

[[check]]
id = "t.mode"
title = "env file is private"
kind = "files.mode"
env_files = true
max_mode = "0600"
remediation = "chmod 600 .env"
"#;

#[test]
fn json_report_has_the_documented_shape() {
    let tmp = TempDir::new().expect("tempdir");
    write(tmp.path(), ".env", &format!("TOKEN={STRONG}\n"), 0o600);
    let p = profile(tmp.path(), SECRET_PROFILE);
    let root = tmp.path().to_str().expect("utf-8");
    let out = run(&["audit", "--profile-file", &p, "--root", root, "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let r = out.json();
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["tool"]["name"], "rampart");
    assert_eq!(r["profile"], "t");
    assert!(r["started_at"].as_str().is_some_and(|s| s.contains('T')));
    assert!(r["duration_ms"].is_u64());
    assert_eq!(r["summary"]["pass"], 2, "{}", summary(&r));
    for key in ["fail", "warn", "skip", "error"] {
        assert_eq!(r["summary"][key], 0);
    }
    let f = &r["findings"][0];
    for key in [
        "id",
        "title",
        "category",
        "status",
        "severity",
        "subject",
        "message",
        "expected",
        "actual",
        "remediation",
    ] {
        assert!(f[key].is_string(), "finding lacks {key}: {f}");
    }
    assert_eq!(f["category"], "secrets");
    assert!(!out.stdout.contains(STRONG) && !out.stderr.contains(STRONG));
    for format in ["text", "sarif", "junit", "markdown", "prometheus"] {
        let out = run(&[
            "audit",
            "--profile-file",
            &p,
            "--root",
            root,
            "--format",
            format,
        ]);
        assert_eq!(out.code, 0, "--format {format}: {}", out.stderr);
        assert!(!out.stdout.is_empty(), "--format {format} printed nothing");
        assert!(
            !out.stdout.contains(STRONG) && !out.stderr.contains(STRONG),
            "--format {format} printed the secret"
        );
    }
}

#[test]
fn exit_code_follows_findings_and_fail_on() {
    let tmp = TempDir::new().expect("tempdir");
    write(tmp.path(), ".env", "TOKEN=changeme\n", 0o600);
    let p = profile(tmp.path(), SECRET_PROFILE);
    let root = tmp.path().to_str().expect("utf-8");
    assert_eq!(
        run(&["audit", "--profile-file", &p, "--root", root]).code,
        1
    );
    // Skipping the failing check leaves nothing gated.
    let out = run(&[
        "audit",
        "--profile-file",
        &p,
        "--root",
        root,
        "--skip",
        "t.token",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(findings(&out.json(), "t.token")[0]["status"], "skip");
    // --only keeps one category.
    let out = run(&[
        "audit",
        "--profile-file",
        &p,
        "--root",
        root,
        "--only",
        "files",
        "--json",
    ]);
    assert_eq!(out.code, 0);
    assert!(findings(&out.json(), "t.token").is_empty());
}

#[test]
fn warn_gates_only_with_fail_on_warn() {
    let tmp = TempDir::new().expect("tempdir");
    write(tmp.path(), ".env", "X=1\n", 0o600);
    let p = profile(
        tmp.path(),
        r#"
name = "t"
title = "t"
[[env_file]]
role = "main"
path = ".env"
[[check]]
id = "t.opt"
title = "OPTIONAL is set"
kind = "env.value"
var = "OPTIONAL"
if_unset = "warn"
remediation = "Set it."
"#,
    );
    let root = tmp.path().to_str().expect("utf-8");
    assert_eq!(
        run(&["audit", "--profile-file", &p, "--root", root]).code,
        0
    );
    assert_eq!(
        run(&[
            "audit",
            "--profile-file",
            &p,
            "--root",
            root,
            "--fail-on",
            "warn"
        ])
        .code,
        1
    );
}

#[test]
fn malformed_profile_exits_2_with_position() {
    let tmp = TempDir::new().expect("tempdir");
    let cases = [
        ("name = \"t\"\ntitle = \"t\"\nbogus = 1\n", ":3:1:"),
        (
            "name = \"t\"\ntitle = \"t\"\n[[check]]\nid = \"t.a\"\ntitle = \"a\"\nremediation = \"r\"\nkind = \"env.nope\"\n",
            ":7:8:",
        ),
        (
            "name = \"t\"\ntitle = \"t\"\n[[check]]\nid = \"t.a\"\ntitle = \"a\"\nremediation = \"r\"\nkind = \"env.secret\"\nvar = \"A\"\nmin_length = \"long\"\n",
            ":9:14:",
        ),
        ("name = \"t\"\ntitle = \"t\"\nextends = \"missing-profile\"\n", ":3:11:"),
        ("name = \"t\"\ntitle = [\n", ":2:"),
    ];
    for (body, position) in cases {
        let p = profile(tmp.path(), body);
        let out = run(&["audit", "--profile-file", &p, "--root", "."]);
        assert_eq!(out.code, 2, "{body}\n{}", out.stderr);
        assert!(
            out.stderr.contains(&format!("p.toml{position}")),
            "{body}\n{}",
            out.stderr
        );
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(!out.stderr.contains("panicked"));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn bad_arguments_exit_2_with_one_line() {
    for args in [
        vec!["audit", "--profile", "nope"],
        vec![
            "audit",
            "--profile",
            "koda",
            "--root",
            "/definitely/not/here",
        ],
        vec!["audit", "--profile", "koda", "--url", "ftp://x"],
        vec!["audit", "--profile", "koda", "--only", "nonsense"],
        vec!["audit", "--profile", "koda", "--skip", "no.such-check"],
        vec!["audit", "--profile", "koda", "--resolve", "bad"],
        vec![
            "audit",
            "--profile",
            "koda",
            "--url",
            "https://koda.example:443",
            "--resolve",
            "other.example:443:127.0.0.1",
        ],
        vec![
            "audit",
            "--profile",
            "koda",
            "--url",
            "https://admin:S3cret@koda.example",
        ],
        vec!["audit", "--profile", "baseline", "--only", "config"],
        vec!["audit", "--profile", "koda", "--deadline", "0"],
        vec!["audit", "--profile", "koda", "--timeout", "0"],
        vec![
            "audit",
            "--profile",
            "ocmt",
            "--env-file",
            "agnet=/tmp/agent.env",
        ],
        vec![
            "audit",
            "--profile",
            "koda",
            "--env-file",
            "a.env",
            "--env-file",
            "b.env",
        ],
    ] {
        let out = run(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.starts_with("rampart: "),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("S3cret"), "{}", out.stderr);
    }
    assert_eq!(run(&["audit", "--no-such-flag"]).code, 2);
}

#[test]
fn env_file_roles_route_each_file_to_its_checks() {
    let tmp = TempDir::new().expect("tempdir");
    let elsewhere = TempDir::new().expect("tempdir");
    let root = tmp.path().to_str().expect("utf-8");
    let token = "4c1d9e7b2a8f3061e5d4c3b2a1908f7e";
    write(
        tmp.path(),
        "management-server/.env",
        &format!("AGENT_SERVER_TOKEN={token}\n"),
        0o600,
    );
    let agent = elsewhere.path().join("agent.env");
    std::fs::write(&agent, format!("AUTH_TOKEN={token}\n")).expect("write");
    let agent_arg = format!("agent={}", agent.display());
    let audit = |extra: &[&str]| {
        let mut args = vec!["audit", "--profile", "ocmt", "--root", root, "--json"];
        args.extend(extra);
        run(&args).json()
    };
    let status = |report: &serde_json::Value| {
        findings(report, "ocmt.agent-token-matches-agent")[0]["status"].clone()
    };
    // Without the agent server's file the comparison cannot be made.
    assert_eq!(status(&audit(&[])), "skip");
    let report = audit(&["--env-file", &agent_arg]);
    assert_eq!(status(&report), "pass", "{}", summary(&report));
    std::fs::write(&agent, "AUTH_TOKEN=0000000000ffffffffff1111111111aa\n").expect("write");
    let report = audit(&["--env-file", &agent_arg]);
    assert_eq!(status(&report), "fail", "{}", summary(&report));
    let printed = report.to_string();
    assert!(!printed.contains(token) && !printed.contains("0000000000ffffffffff"));
}

#[test]
fn binary_env_file_is_an_error_finding() {
    let tmp = TempDir::new().expect("tempdir");
    std::fs::write(tmp.path().join(".env"), b"TOKEN=\x00\x01\x02\xff\xfe").expect("write");
    let p = profile(tmp.path(), SECRET_PROFILE);
    let root = tmp.path().to_str().expect("utf-8");
    let out = run(&["audit", "--profile-file", &p, "--root", root, "--json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.json();
    let token = &findings(&report, "t.token")[0];
    assert_eq!(token["status"], "error", "{}", summary(&report));
    assert!(token["subject"].as_str().unwrap_or("").contains(".env"));
}

#[test]
fn closed_stdout_pipe_ends_quietly() {
    let tmp = TempDir::new().expect("tempdir");
    write(tmp.path(), ".env", "TOKEN=changeme\n", 0o600);
    let p = profile(tmp.path(), SECRET_PROFILE);
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(["audit", "--profile-file", &p, "--json", "--root"])
        .arg(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "stderr: {stderr}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn text_checklist_has_details_under_failures_and_honours_color_flags() {
    let tmp = TempDir::new().expect("tempdir");
    write(tmp.path(), ".env", "TOKEN=changeme\n", 0o644);
    let p = profile(tmp.path(), SECRET_PROFILE);
    let root = tmp.path().to_str().expect("utf-8");
    let out = run(&["audit", "--profile-file", &p, "--root", root]);
    assert_eq!(out.code, 1);
    assert!(
        !out.stdout.contains('\x1b'),
        "no colour when not a terminal"
    );
    for needle in [
        "SECRETS",
        "FILES",
        "FAIL",
        "fix",
        "Generate one.",
        "Summary: 0 pass, 2 fail",
    ] {
        assert!(
            out.stdout.contains(needle),
            "missing {needle:?}:\n{}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains("changeme=") && !out.stdout.contains("TOKEN=changeme"));
    let colored = run(&[
        "audit",
        "--profile-file",
        &p,
        "--root",
        root,
        "--color",
        "always",
    ]);
    assert!(colored.stdout.contains("\x1b["));
}

#[test]
fn output_file_gets_the_report_and_stdout_the_checklist() {
    let tmp = TempDir::new().expect("tempdir");
    write(tmp.path(), ".env", &format!("TOKEN={STRONG}\n"), 0o600);
    let p = profile(tmp.path(), SECRET_PROFILE);
    let report = tmp.path().join("report.json");
    let out = run_in(
        Some(tmp.path()),
        &[
            "audit",
            "--profile-file",
            &p,
            "--format",
            "json",
            "--output",
            "report.json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Summary:"));
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report).expect("report")).expect("json");
    assert_eq!(saved["schema_version"], 1);
}

#[test]
fn missing_url_skips_network_checks_with_a_reason() {
    let out = run(&[
        "audit",
        "--profile",
        "baseline",
        "--root",
        ".",
        "--only",
        "tls",
        "--json",
    ]);
    let report = out.json();
    let all = report["findings"].as_array().expect("findings");
    assert!(!all.is_empty());
    for f in all {
        assert_eq!(f["status"], "skip", "{f}");
        assert!(f["message"].as_str().unwrap_or("").contains("--url"), "{f}");
    }
    assert_eq!(out.code, 0);
}

#[test]
fn profiles_list_show_and_explain() {
    let out = run(&["profiles"]);
    assert_eq!(out.code, 0);
    for name in [
        "baseline",
        "omnidev",
        "cliproxyapi",
        "rediflow",
        "ocmt",
        "koda",
    ] {
        assert!(out.stdout.contains(name), "{}", out.stdout);
    }
    let shown = run(&["profiles", "show", "koda"]);
    assert_eq!(shown.code, 0);
    assert!(shown.stdout.contains("baseline -> koda"));
    assert!(shown.stdout.contains("id = \"tls.legacy-versions\""));
    // The shown profile is itself a loadable profile.
    let tmp = TempDir::new().expect("tempdir");
    let p = profile(tmp.path(), &shown.stdout);
    let reloaded = run(&["profiles", "show", &p]);
    assert_eq!(reloaded.code, 0, "{}", reloaded.stderr);
    let explained = run(&["explain", "koda.loopback-ports"]);
    assert_eq!(explained.code, 0);
    assert!(explained.stdout.contains("127.0.0.1:3000:3000"));
    // Hand-wrapped rationale and remediation stay indented under their headings.
    let body = explained
        .stdout
        .split("Why it matters:")
        .nth(1)
        .unwrap_or("");
    for line in body.lines().filter(|l| !l.is_empty() && !l.ends_with(':')) {
        assert!(line.starts_with("  "), "unindented line: {line:?}");
    }
    assert_eq!(run(&["explain", "no.such"]).code, 2);
}

#[test]
fn user_profile_extends_and_overrides_a_builtin() {
    let tmp = TempDir::new().expect("tempdir");
    write(
        tmp.path(),
        ".env",
        &format!("KODA_ENV=staging\nWEB_OPERATOR_SESSION_SECRET={STRONG}\n"),
        0o600,
    );
    let p = profile(
        tmp.path(),
        r#"
name = "my-koda"
title = "Koda, staging"
extends = "koda"
disable = ["koda.env"]

[[check]]
id = "koda.session-secret"
title = "Session secret is very long"
kind = "env.secret"
var = "WEB_OPERATOR_SESSION_SECRET"
min_length = 100
remediation = "Longer."
"#,
    );
    let root = tmp.path().to_str().expect("utf-8");
    let out = run(&[
        "audit",
        "--profile-file",
        &p,
        "--root",
        root,
        "--only",
        "secrets",
        "--only",
        "config",
        "--json",
    ]);
    let report = out.json();
    assert!(
        findings(&report, "koda.env").is_empty(),
        "disabled check still ran"
    );
    let session = &findings(&report, "koda.session-secret")[0];
    assert_eq!(session["status"], "fail", "{}", summary(&report));
    assert_eq!(session["title"], "Session secret is very long");
}

#[test]
fn profile_paths_take_compose_defaults_so_a_world_readable_dir_is_judged() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new().expect("tempdir");
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    write(tmp.path(), ".env", "OTHER=1\n", 0o600);
    let p = profile(
        tmp.path(),
        r#"
name = "t"
title = "test"

[[env_file]]
role = "main"
path = ".env"

[[check]]
id = "t.data-dir"
title = "data directory is private"
kind = "files.mode"
path = "${DATA_DIR:-data}"
max_mode = "0700"
remediation = "chmod 700 data"
"#,
    );
    let root = tmp.path().to_str().expect("utf-8");
    let out = run(&["audit", "--profile-file", &p, "--root", root, "--json"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let report = out.json();
    let found = findings(&report, "t.data-dir");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["status"], "fail", "{:?}", found[0]);
    assert!(found[0]["subject"]
        .as_str()
        .unwrap_or("")
        .ends_with("/data"));
}

#[test]
fn json_findings_carry_a_structured_location() {
    let tmp = TempDir::new().expect("tempdir");
    write(tmp.path(), ".env", "A=1\nTOKEN=short\n", 0o600);
    let p = profile(tmp.path(), SECRET_PROFILE);
    let root = tmp.path().to_str().expect("utf-8");
    let out = run(&["audit", "--profile-file", &p, "--root", root, "--json"]);
    let report = out.json();
    let token = findings(&report, "t.token");
    let location = &token[0]["location"];
    assert!(
        location["file"].as_str().unwrap_or("").ends_with(".env"),
        "{location}"
    );
    assert_eq!(location["line"], 2, "{location}");
}
