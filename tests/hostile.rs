//! End to end: hostile files and paths end quickly, with a clear error or finding, never a
//! hang, a runaway read, a pass without evidence, or a forged line on the terminal.

mod common;

use common::{findings, run_bounded, write};
use std::path::Path;
use std::time::Duration;
use tempfile::TempDir;

const LIMIT: Duration = Duration::from_secs(20);

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

const MINIMAL: &str = "name = \"t\"\ntitle = \"t\"\n";

#[test]
fn special_files_as_profiles_and_ca_bundles_are_refused_at_once() {
    let tmp = TempDir::new().expect("tempdir");
    let fifo = tmp.path().join("pipe.toml");
    mkfifo(&fifo);
    write(
        tmp.path(),
        "inc.toml",
        &format!("{MINIMAL}include = [\"pipe.toml\"]\n"),
        0o644,
    );
    write(
        tmp.path(),
        "ext.toml",
        &format!("{MINIMAL}extends = \"pipe.toml\"\n"),
        0o644,
    );
    let inc = tmp.path().join("inc.toml");
    let ext = tmp.path().join("ext.toml");
    let root = path_str(tmp.path());
    for args in [
        vec!["audit", "--profile-file", path_str(&fifo), "--root", root],
        vec!["audit", "--profile-file", "/dev/zero", "--root", root],
        vec!["audit", "--profile-file", path_str(&inc), "--root", root],
        vec!["audit", "--profile-file", path_str(&ext), "--root", root],
        vec![
            "audit",
            "--profile",
            "koda",
            "--root",
            root,
            "--ca-file",
            path_str(&fifo),
        ],
        vec![
            "audit",
            "--profile",
            "koda",
            "--root",
            root,
            "--ca-file",
            "/dev/zero",
        ],
    ] {
        let out = run_bounded(None, &args, LIMIT);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("named pipe") || out.stderr.contains("device"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn a_kernel_file_behind_an_env_symlink_does_not_hang() {
    let tmp = TempDir::new().expect("tempdir");
    // /proc/kmsg reports itself as a regular file of size 0 and blocks on read; it is not
    // readable by everyone, so /proc/self/status (also size 0) stands in where it is not.
    let target = if std::fs::File::open("/proc/kmsg").is_ok() {
        "/proc/kmsg"
    } else {
        "/proc/self/status"
    };
    std::os::unix::fs::symlink(target, tmp.path().join(".env")).expect("symlink");
    let root = path_str(tmp.path());
    let out = run_bounded(
        None,
        &[
            "audit",
            "--profile",
            "koda",
            "--root",
            root,
            "--only",
            "secrets",
            "--json",
        ],
        LIMIT,
    );
    assert!(out.code == 1, "{}\n{}", out.stdout, out.stderr);
    let report = out.json();
    let session = findings(&report, "koda.session-secret");
    assert!(
        matches!(session[0]["status"].as_str(), Some("error") | Some("fail")),
        "{:?}",
        session[0]
    );
}

#[test]
fn one_check_set_included_many_times_is_read_once() {
    let tmp = TempDir::new().expect("tempdir");
    let mut set = String::from("description = \"big\"\n");
    for i in 0..200 {
        set.push_str(&format!(
            "[[check]]\nid = \"big.c{i}\"\ntitle = \"t\"\nremediation = \"r\"\nkind = \"env.file\"\n"
        ));
    }
    write(tmp.path(), "set.toml", &set, 0o644);
    let includes = vec!["\"set.toml\""; 20_000].join(", ");
    write(
        tmp.path(),
        "p.toml",
        &format!("{MINIMAL}include = [{includes}]\n"),
        0o644,
    );
    let profile = tmp.path().join("p.toml");
    let started = std::time::Instant::now();
    let out = run_bounded(None, &["profiles", "show", path_str(&profile)], LIMIT);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.matches("[[check]]").count(), 200);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn control_characters_from_the_audited_system_are_escaped_in_the_text_report() {
    let tmp = TempDir::new().expect("tempdir");
    let real = tmp.path().join("real.env");
    std::fs::write(&real, "X=1\n").expect("write");
    // A symlink target that tries to end the line and forge a green PASS line.
    let forged = tmp
        .path()
        .join("x\n  \u{1b}[32m✔ PASS \u{1b}[0m forged\u{202e}");
    std::fs::write(&forged, "X=1\n").expect("write");
    std::os::unix::fs::symlink(&forged, tmp.path().join(".env")).expect("symlink");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&forged, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let root = path_str(tmp.path());
    let out = run_bounded(
        None,
        &[
            "audit",
            "--profile",
            "koda",
            "--root",
            root,
            "--only",
            "files",
            "--color",
            "never",
        ],
        LIMIT,
    );
    assert!(!out.stdout.contains('\u{1b}'), "{}", out.stdout);
    assert!(!out.stdout.contains('\u{202e}'), "{}", out.stdout);
    assert!(out.stdout.contains("\\u{1b}"), "{}", out.stdout);
    assert!(
        !out.stdout
            .lines()
            .any(|l| l.trim_start().starts_with("✔ PASS  forged")),
        "{}",
        out.stdout
    );
}

#[test]
fn compose_service_names_and_env_values_cannot_inject_terminal_codes() {
    let tmp = TempDir::new().expect("tempdir");
    // YAML's "\e" is ESC: a service name that would recolour the terminal and end the line.
    write(
        tmp.path(),
        "docker-compose.yml",
        "services:\n  \"web\\e[32m\\n  \\u2714 PASS forged\":\n    image: app\n    ports:\n      - \"3000:3000\"\n",
        0o644,
    );
    write(
        tmp.path(),
        ".env",
        "KODA_ENV=\"prod\u{202e}uction\u{2028}x\"\nCONTROL_PLANE_AUTH_MODE=\"open\u{1b}[0m\"\n",
        0o600,
    );
    let root = path_str(tmp.path());
    let out = run_bounded(
        None,
        &[
            "audit",
            "--profile",
            "koda",
            "--root",
            root,
            "--color",
            "never",
        ],
        LIMIT,
    );
    for bad in ['\u{1b}', '\u{202e}', '\u{2028}'] {
        assert!(
            !out.stdout.contains(bad),
            "{bad:?} reached the terminal:\n{}",
            out.stdout
        );
        assert!(
            !out.stderr.contains(bad),
            "{bad:?} reached stderr:\n{}",
            out.stderr
        );
    }
    assert!(out.stdout.contains("\\u{1b}"), "{}", out.stdout);
    assert!(
        !out.stdout
            .lines()
            .any(|l| l.trim_start().starts_with("✔ PASS forged")),
        "{}",
        out.stdout
    );
}
