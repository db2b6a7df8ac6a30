//! End-to-end: the compose project is the one `docker compose up` runs in the install
//! directory (discovery, override file, COMPOSE_FILE, the project .env, include, extends,
//! merge keys, !override/!reset, profiles, volumes_from), judged on real files by the binary.

mod common;

use common::{findings, git, run_bounded, status_of, summary, write};
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// `audit --json` over `root`, with an empty host root (the compose checks are under test, not
/// the machine running the suite); a hang fails the test instead of stalling the suite.
fn audit(profile: &str, root: &Path, extra: &[&str]) -> Value {
    let host = TempDir::new().unwrap();
    let root = root.to_str().expect("utf-8 temp path");
    let host_root = host.path().to_str().expect("utf-8 temp path");
    let mut args = vec!["audit", "--profile", profile, "--root", root];
    args.extend_from_slice(&["--host-root", host_root, "--json"]);
    args.extend_from_slice(extra);
    let out = run_bounded(None, &args, Duration::from_secs(60));
    assert!(
        matches!(out.code, 0 | 1),
        "exit {}; stderr: {}",
        out.code,
        out.stderr
    );
    out.json()
}

fn exposure(root: &Path) -> Value {
    audit("baseline", root, &["--only", "exposure"])
}

fn statuses(report: &Value, id: &str) -> Vec<String> {
    findings(report, id)
        .iter()
        .map(|f| f["status"].as_str().unwrap_or("").to_string())
        .collect()
}

fn assert_statuses(report: &Value, id: &str, want: &[&str]) {
    assert_eq!(statuses(report, id), want, "{id}:\n{}", summary(report));
}

fn message_of(report: &Value, id: &str) -> String {
    findings(report, id)
        .iter()
        .map(|f| f["message"].as_str().unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

const DB_PUBLIC: &str =
    "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n";

#[test]
fn compose_yaml_alone_is_discovered_and_preferred() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "compose.yaml", DB_PUBLIC, 0o644);
    let r = exposure(dir.path());
    assert_statuses(&r, "exposure.internal-ports", &["fail"]);
    // Both present: compose.yaml wins, and the report says the other was not read.
    write(
        dir.path(),
        "docker-compose.yml",
        "services:\n  web:\n    image: app\n",
        0o644,
    );
    let r = exposure(dir.path());
    assert_statuses(&r, "exposure.internal-ports", &["fail"]);
    let files = message_of(&r, "exposure.compose-files");
    assert!(files.contains("discovered compose.yaml"), "{files}");
    assert!(
        files.contains("not read by `docker compose up`: docker-compose.yml"),
        "{files}"
    );
}

#[test]
fn override_file_is_layered_like_a_bare_compose_up() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "infrastructure/docker-compose.yml",
        "services:\n  postgres:\n    image: postgres:16\n",
        0o644,
    );
    write(
        dir.path(),
        "infrastructure/docker-compose.override.yml",
        "services:\n  postgres:\n    ports:\n      - \"5432:5432\"\n",
        0o644,
    );
    let r = audit("cliproxyapi", dir.path(), &["--only", "exposure"]);
    assert_statuses(&r, "cliproxyapi.postgres-port", &["fail"]);
    let files = message_of(&r, "exposure.compose-files");
    assert!(files.contains("docker-compose.override.yml"), "{files}");
    // --compose-file works like -f: no override file then.
    let base = dir.path().join("infrastructure/docker-compose.yml");
    let r = audit(
        "cliproxyapi",
        dir.path(),
        &[
            "--only",
            "exposure",
            "--compose-file",
            base.to_str().unwrap(),
        ],
    );
    assert_statuses(&r, "cliproxyapi.postgres-port", &["pass"]);
}

#[test]
fn compose_file_and_profiles_from_the_project_env() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        ".env",
        "COMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=base.yml;ops/db.yml\n",
        0o600,
    );
    write(
        dir.path(),
        "base.yml",
        "services:\n  web:\n    image: app\n",
        0o644,
    );
    write(
        dir.path(),
        "ops/db.yml",
        "services:\n  db:\n    image: postgres\n    profiles: [debug]\n    ports: [\"5432:5432\"]\n",
        0o644,
    );
    // The db service's profile is not active: it does not start, and the finding says so.
    let r = exposure(dir.path());
    assert_statuses(&r, "exposure.internal-ports", &["pass", "pass"]);
    let msg = message_of(&r, "exposure.internal-ports");
    assert!(msg.contains("not started by `docker compose up`"), "{msg}");
    assert!(msg.contains("debug"), "{msg}");
    let files = message_of(&r, "exposure.compose-files");
    assert!(files.contains("COMPOSE_FILE"), "{files}");
    assert!(
        files.contains("not started (profile not active): db"),
        "{files}"
    );
    // COMPOSE_PROFILES activates it.
    write(
        dir.path(),
        ".env",
        "COMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=base.yml;ops/db.yml\nCOMPOSE_PROFILES=debug\n",
        0o600,
    );
    let r = exposure(dir.path());
    assert_statuses(&r, "exposure.internal-ports", &["fail"]);
}

#[test]
fn interpolation_reads_the_project_env_not_the_app_env() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "deploy/docker-compose.yml",
        "services:\n  postgres:\n    image: postgres:16\n    ports:\n      - \"${BIND_ADDR:-127.0.0.1}:5432:5432\"\n",
        0o644,
    );
    write(dir.path(), "deploy/.env", "BIND_ADDR=0.0.0.0\n", 0o600);
    write(
        dir.path(),
        "management-server/.env",
        "BIND_ADDR=127.0.0.1\n",
        0o600,
    );
    let r = audit("ocmt", dir.path(), &["--only", "exposure"]);
    let f = findings(&r, "exposure.internal-ports");
    assert_eq!(f.len(), 1, "{}", summary(&r));
    assert_eq!(f[0]["status"], "fail", "{}", summary(&r));
    assert!(f[0]["message"]
        .as_str()
        .unwrap()
        .contains("0.0.0.0:5432:5432"));
}

#[test]
fn unreadable_project_env_makes_dependent_ports_errors() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "docker-compose.yml",
        "services:\n  db:\n    image: postgres\n    ports:\n      - \"${PG_BIND:-127.0.0.1}:5432:5432\"\n  web:\n    image: app\n    ports: [\"127.0.0.1:3000:3000\"]\n",
        0o644,
    );
    // Over the env file size cap: its PG_BIND=0.0.0.0 cannot be read.
    let mut big = String::from("PG_BIND=0.0.0.0\n");
    while big.len() < 2 * 1024 * 1024 {
        big.push_str("# padding padding padding padding padding padding padding\n");
    }
    write(dir.path(), ".env", &big, 0o600);
    let r = exposure(dir.path());
    let internal = findings(&r, "exposure.internal-ports");
    assert!(
        internal.iter().any(|f| f["status"] == "error"),
        "{}",
        summary(&r)
    );
    assert!(
        internal.iter().all(|f| f["status"] != "pass"),
        "{}",
        summary(&r)
    );
    assert_statuses(&r, "exposure.compose-files", &["error", "error"]);
}

#[test]
fn include_extends_and_merge_keys_are_followed() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "docker-compose.yml",
        "include:\n  - infra/cache.yml\nx-db: &db\n  image: mysql:8\n  ports: [\"3306:3306\"]\nservices:\n  mysql:\n    <<: *db\n  worker:\n    extends:\n      file: common.yml\n      service: pg\n",
        0o644,
    );
    write(
        dir.path(),
        "infra/cache.yml",
        "services:\n  redis:\n    image: redis:7\n    ports: [\"6379:6379\"]\n",
        0o644,
    );
    write(
        dir.path(),
        "common.yml",
        "services:\n  base:\n    image: postgres\n    ports: [\"5432:5432\"]\n  pg:\n    extends: base\n",
        0o644,
    );
    let r = exposure(dir.path());
    let msg = message_of(&r, "exposure.internal-ports");
    assert_statuses(&r, "exposure.internal-ports", &["fail", "fail", "fail"]);
    for port in ["3306", "6379", "5432"] {
        assert!(msg.contains(&format!("port {port}")), "{port}: {msg}");
    }
}

#[test]
fn include_cycles_and_extends_cycles_are_bounded() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "docker-compose.yml",
        "include: [a.yml]\nservices:\n  x:\n    extends: y\n  y:\n    extends: x\n",
        0o644,
    );
    write(
        dir.path(),
        "a.yml",
        "include: [docker-compose.yml]\n",
        0o644,
    );
    let r = exposure(dir.path());
    assert_statuses(&r, "exposure.internal-ports", &["error"]);
    assert!(message_of(&r, "exposure.internal-ports").contains("extends"));
}

#[test]
fn service_level_override_and_reset_replace_the_service() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "docker-compose.yml",
        "services:\n  db:\n    image: postgres\n    ports: [\"5432:5432\"]\n  cache:\n    image: redis\n    ports: [\"6379:6379\"]\n",
        0o644,
    );
    write(
        dir.path(),
        "docker-compose.prod.yml",
        "services:\n  db: !override\n    image: postgres\n    ports: [\"127.0.0.1:5432:5432\"]\n  cache: !reset {}\n",
        0o644,
    );
    let r = exposure(dir.path());
    assert_statuses(&r, "exposure.internal-ports", &["pass"]);
    let files = message_of(&r, "exposure.compose-files");
    assert!(files.contains("1 services"), "{files}");
}

#[test]
fn sockets_privileges_and_host_network() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:
  proxy:
    image: tecnativa/docker-socket-proxy
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
  sidecar:
    image: busybox
    volumes_from: [\"proxy:ro\"]
  agent:
    image: ci-agent
    volumes:
      - /run/containerd/containerd.sock:/run/containerd/containerd.sock:ro
  web:
    image: app
    privileged: true
    ports: [\"80:80\"]
  tools:
    image: t
    cap_add: [SYS_ADMIN]
  db:
    image: postgres:16
    network_mode: host
",
        0o644,
    );
    let r = exposure(dir.path());
    assert_eq!(status_of(&r, "exposure.docker-socket", "sidecar"), "fail");
    assert_eq!(status_of(&r, "exposure.docker-socket", "agent"), "fail");
    let sock = message_of(&r, "exposure.docker-socket");
    assert!(sock.contains("read-only, but that does not help"), "{sock}");
    assert_eq!(
        status_of(&r, "exposure.container-privileges", "web"),
        "fail"
    );
    assert_eq!(
        status_of(&r, "exposure.container-privileges", "tools"),
        "warn"
    );
    assert_eq!(
        status_of(&r, "exposure.internal-ports", "service db"),
        "fail"
    );
}

#[test]
fn long_syntax_ranges_and_ipv6_keep_working() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "docker-compose.yml",
        "services:
  a:
    image: x
    ports:
      - \"[::1]:5432:5432\"
      - target: 6379
        published: \"6379\"
        host_ip: \"::\"
      - \"0.0.0.0:3300-3310:3300-3310\"
",
        0o644,
    );
    let r = exposure(dir.path());
    assert_statuses(&r, "exposure.internal-ports", &["fail", "fail"]);
    let msg = message_of(&r, "exposure.internal-ports");
    assert!(
        msg.contains("port 6379") && msg.contains("port 3306"),
        "{msg}"
    );
}

#[test]
fn hostile_expansion_is_capped_and_reported() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        ".env",
        &format!("BIG={}\n", "7".repeat(60_000)),
        0o600,
    );
    let entry = "${BIG}".repeat(16_000);
    write(
        dir.path(),
        "docker-compose.yml",
        &format!("services:\n  a:\n    image: x\n    ports:\n      - \"{entry}:5432\"\n"),
        0o644,
    );
    let started = Instant::now();
    let r = exposure(dir.path());
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_statuses(&r, "exposure.internal-ports", &["error"]);
    assert!(message_of(&r, "exposure.internal-ports").contains("expands to more than"));
}

#[test]
fn repeated_template_openings_are_linear() {
    let dir = TempDir::new().unwrap();
    let entry = "${".repeat(400_000);
    write(
        dir.path(),
        "docker-compose.yml",
        &format!("services:\n  a:\n    image: x\n    ports:\n      - '{entry}'\n"),
        0o644,
    );
    let started = Instant::now();
    let r = exposure(dir.path());
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert_statuses(&r, "exposure.internal-ports", &["error"]);
}

#[test]
fn fifo_named_docker_compose_yml_does_not_hang() {
    let dir = TempDir::new().unwrap();
    let fifo = dir.path().join("docker-compose.yml");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo must be installed")
        .success();
    assert!(ok, "mkfifo failed");
    let started = Instant::now();
    let r = exposure(dir.path());
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_statuses(&r, "exposure.compose-files", &["error"]);
    assert_statuses(&r, "exposure.internal-ports", &["error"]);
    // The same FIFO as an `include` or `extends` target.
    let other = TempDir::new().unwrap();
    std::fs::rename(&fifo, other.path().join("pipe.yml")).unwrap();
    write(
        other.path(),
        "compose.yaml",
        "include: [pipe.yml]
services:
  a:
    extends:
      file: pipe.yml
      service: x
",
        0o644,
    );
    let started = Instant::now();
    let r = exposure(other.path());
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_statuses(&r, "exposure.compose-files", &["error"]);
    // A FIFO as the project .env: the values it would fill in are unknown, not defaulted.
    let third = TempDir::new().unwrap();
    std::fs::rename(other.path().join("pipe.yml"), third.path().join(".env")).unwrap();
    write(
        third.path(),
        "compose.yaml",
        "services:\n  db:\n    image: postgres\n    ports: [\"${PG_BIND:-127.0.0.1}:5432:5432\"]\n",
        0o644,
    );
    let started = Instant::now();
    let r = exposure(third.path());
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_statuses(&r, "exposure.internal-ports", &["error"]);
}

// ---- git: symlinks and history -------------------------------------------------------

fn git_status(root: &Path) -> Value {
    audit("baseline", root, &["--only", "files"])
}

#[test]
fn symlinked_env_is_judged_through_to_its_committed_target() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "config/prod.env", "TOKEN=abc\n", 0o600);
    write(root, ".gitignore", ".env\n", 0o644);
    std::os::unix::fs::symlink("config/prod.env", root.join(".env")).unwrap();
    git(root, &["add", ".gitignore", "config/prod.env"]);
    git(root, &["commit", "-qm", "x"]);
    let r = git_status(root);
    assert_eq!(status_of(&r, "secrets.env-file-git", "prod.env"), "fail");
}

#[test]
fn committed_symlink_holds_only_the_link_text() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, ".gitignore", "secrets/\n", 0o644);
    write(root, "secrets/prod.env", "TOKEN=abc\n", 0o600);
    std::os::unix::fs::symlink("secrets/prod.env", root.join(".env")).unwrap();
    git(root, &["add", ".gitignore", ".env"]);
    git(root, &["commit", "-qm", "link"]);
    let r = git_status(root);
    let all = findings(&r, "secrets.env-file-git");
    assert_eq!(all.len(), 2, "{}", summary(&r));
    assert!(all.iter().all(|f| f["status"] == "pass"), "{}", summary(&r));
    assert!(message_of(&r, "secrets.env-file-git").contains("link text"));
}

#[test]
fn env_file_ever_committed_fails_with_rotate() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, ".env", "TOKEN=abc\n", 0o600);
    git(root, &["add", ".env"]);
    git(root, &["commit", "-qm", "oops"]);
    git(root, &["rm", "-q", "--cached", ".env"]);
    write(root, ".gitignore", ".env\n", 0o644);
    git(root, &["add", ".gitignore"]);
    git(root, &["commit", "-qm", "ignore"]);
    let r = git_status(root);
    assert_statuses(&r, "secrets.env-file-git", &["fail"]);
    assert!(message_of(&r, "secrets.env-file-git").contains("rotate"));
    // Never committed: passes.
    let clean = TempDir::new().unwrap();
    git(clean.path(), &["init", "-q"]);
    write(clean.path(), ".env", "TOKEN=abc\n", 0o600);
    write(clean.path(), ".gitignore", ".env\n", 0o644);
    git(clean.path(), &["add", ".gitignore"]);
    git(clean.path(), &["commit", "-qm", "ignore"]);
    assert_statuses(&git_status(clean.path()), "secrets.env-file-git", &["pass"]);
}

// ---- profile facts ------------------------------------------------------------------

#[test]
fn koda_seaweedfs_volume_and_filer_are_loopback_only() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "docker-compose.yml",
        "services:\n  seaweedfs:\n    image: chrislusf/seaweedfs\n    ports: [\"127.0.0.1:9333:9333\", \"8080:8080\", \"8888:8888\"]\n",
        0o644,
    );
    let r = audit("koda", dir.path(), &["--only", "exposure"]);
    assert_statuses(&r, "koda.loopback-ports", &["fail", "fail"]);
}

#[test]
fn cliproxyapi_caddy_ports_are_allowed_public() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "infrastructure/docker-compose.yml",
        "services:\n  caddy:\n    image: caddy:2\n    ports: [\"80:80\", \"443:443\", \"443:443/udp\"]\n",
        0o644,
    );
    let r = audit("cliproxyapi", dir.path(), &["--only", "exposure"]);
    assert_statuses(&r, "cliproxyapi.public-ports", &["pass", "pass", "pass"]);
    assert!(!message_of(&r, "cliproxyapi.public-ports").contains("OAuth"));
}

#[test]
fn rediflow_authentik_images_run_as_non_root() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "compose.deploy-prod.yml",
        "services:\n  app:\n    image: rediflow\n    user: \"1000:1000\"\n  server:\n    image: ghcr.io/goauthentik/server:2025.2\n  worker:\n    image: goauthentik/server\n",
        0o644,
    );
    let r = audit("rediflow", dir.path(), &["--only", "exposure"]);
    assert_statuses(&r, "rediflow.non-root", &["pass"]);
}

#[test]
fn omnidev_https_default_port_is_not_a_port_mistake() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        ".env",
        "NEXTAUTH_URL=https://omni.example.com:443\n",
        0o600,
    );
    let r = audit("omnidev", dir.path(), &["--only", "config"]);
    assert_eq!(
        status_of(&r, "omnidev.nextauth-url", "NEXTAUTH_URL"),
        "pass"
    );
    write(
        dir.path(),
        ".env",
        "NEXTAUTH_URL=https://omni.example.com:3000\n",
        0o600,
    );
    let r = audit("omnidev", dir.path(), &["--only", "config"]);
    assert_eq!(
        status_of(&r, "omnidev.nextauth-url", "NEXTAUTH_URL"),
        "fail"
    );
}

/// Rediflow's app env file is .env.prod; the compose project's .env is another file. Its
/// secrets are masked all the same, in every format, wherever a finding quotes an
/// interpolated value (here the container user the non-root check names).
#[test]
fn the_project_env_secrets_are_never_printed() {
    const SECRET: &str = "Sup3rS3cretPassw0rdValue";
    let dir = TempDir::new().unwrap();
    write(dir.path(), ".env.prod", "APP_ENV=prod\n", 0o600);
    write(
        dir.path(),
        ".env",
        &format!("DB_PASSWORD={SECRET}\nDATABASE_URL=postgres://app:Dsn-0nly-Pa55word@db/app\n"),
        0o600,
    );
    write(
        dir.path(),
        "compose.deploy-prod.yml",
        "services:\n  app:\n    image: app\n    user: \"${DB_PASSWORD}\"\n  worker:\n    image: app\n    user: \"${DATABASE_URL}\"\n    ports:\n      - \"${DB_PASSWORD}:5000\"\n",
        0o644,
    );
    let host = TempDir::new().unwrap();
    for format in ["text", "json", "sarif", "junit", "markdown", "prometheus"] {
        let args = [
            "audit",
            "--profile",
            "rediflow",
            "--root",
            dir.path().to_str().unwrap(),
            "--host-root",
            host.path().to_str().unwrap(),
            "--format",
            format,
        ];
        let out = run_bounded(None, &args, Duration::from_secs(60));
        assert!(matches!(out.code, 0 | 1), "{format}: {}", out.stderr);
        for leaked in [SECRET, "Dsn-0nly-Pa55word", "Sup3rS3"] {
            assert!(
                !out.stdout.contains(leaked) && !out.stderr.contains(leaked),
                "{format} prints a secret of the project .env"
            );
        }
        if format == "text" {
            assert!(out.stdout.contains("[redacted]"), "{}", out.stdout);
        }
    }
}

/// An included project is interpolated with its own .env under the parent's variables
/// (compose-go's include): its loopback binding counts, and its secrets stay unprinted.
#[test]
fn an_included_project_uses_its_own_env() {
    const SECRET: &str = "Included-Db-Passw0rd-77";
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "management-server/.env",
        "NODE_ENV=production\n",
        0o600,
    );
    write(
        dir.path(),
        "deploy/docker-compose.yml",
        "include:\n  - db/compose.yml\nservices:\n  app:\n    image: app\n",
        0o644,
    );
    write(
        dir.path(),
        "deploy/db/compose.yml",
        "services:\n  db:\n    image: postgres\n    user: \"${POSTGRES_PASSWORD}\"\n    ports:\n      - \"${PG_BIND:-0.0.0.0}:5432:5432\"\n",
        0o644,
    );
    write(
        dir.path(),
        "deploy/db/.env",
        &format!("PG_BIND=127.0.0.1\nPOSTGRES_PASSWORD={SECRET}\n"),
        0o600,
    );
    let report = audit("ocmt", dir.path(), &["--only", "exposure"]);
    let all = summary(&report);
    assert_eq!(
        status_of(&report, "ocmt.internal-ports", "published ports"),
        "pass",
        "{all}"
    );
    assert!(
        message_of(&report, "ocmt.internal-ports").contains("db 127.0.0.1:5432"),
        "{all}"
    );
    assert!(!report.to_string().contains(SECRET), "{all}");
}
