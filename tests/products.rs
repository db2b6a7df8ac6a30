//! End-to-end: every built-in profile against a flawed and a clean install directory made here,
//! with real file modes and a real git repository.

mod common;

use common::{git, run, status_of, summary, write};
use serde_json::Value;
use std::path::Path;
use tempfile::TempDir;

// Distinct, random-looking secrets for clean installs. None may ever appear in the output.
const SECRET_A: &str = "9f2c4e7a1b3d5f6081a2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e";
const SECRET_B: &str = "Qm8vR2xT5kLp9WzN3yHc7JdF4sGa6VbX1nMe0UoIqKtY";
const SECRET_C: &str = "c41d8e2b9f7a6053e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c";
const SECRET_D: &str = "Zx7Pq2Lm9Nv4Rt6Ws8Yb1Kc3Hd5Jf0GgTe";
const SECRET_E: &str = "e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4";
const PG_PASSWORD: &str = "Hq3vN8rT2mX6kP9w";
/// Weak values used by flawed installs that are still secrets and must not be printed.
const WEAK_SECRET: &str = "Sh0rtPw9";

/// Audits with the JSON report on stdout and every other format written with `--report`;
/// the output returned (for the secret checks) is stdout, stderr and every report file.
fn audit_json(profile: &str, root: &Path, extra: &[&str]) -> (Value, i32, String) {
    let reports = TempDir::new().expect("tempdir");
    let formats = ["text", "sarif", "junit", "markdown", "prometheus"];
    let specs: Vec<String> = formats
        .iter()
        .map(|f| format!("{f}:{}", reports.path().join(f).display()))
        .collect();
    let root = root.to_str().expect("utf-8 temp path");
    // Host checks read a fixture host, not the machine running the tests.
    let host = common::host::hardened();
    let host_root = host.path().to_str().expect("utf-8 temp path");
    let mut args = vec![
        "audit",
        "--profile",
        profile,
        "--root",
        root,
        "--host-root",
        host_root,
        "--json",
    ];
    for spec in &specs {
        args.extend(["--report", spec.as_str()]);
    }
    args.extend_from_slice(extra);
    let out = run(&args);
    assert!(
        out.code == 0 || out.code == 1,
        "exit {}; stderr: {}",
        out.code,
        out.stderr
    );
    let mut all = out.stdout.clone() + &out.stderr;
    for f in formats {
        let written = std::fs::read_to_string(reports.path().join(f))
            .unwrap_or_else(|e| panic!("--report {f}: {e}"));
        assert!(!written.is_empty(), "--report {f} is empty");
        all.push_str(&written);
    }
    (out.json(), out.code, all)
}

fn assert_no_fail(report: &Value) {
    let bad: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "fail" || f["status"] == "error")
        .collect();
    assert!(
        bad.is_empty(),
        "clean install has failures:\n{}",
        summary(report)
    );
}

fn assert_status(report: &Value, id: &str, subject: &str, want: &str) {
    let got = status_of(report, id, subject);
    assert_eq!(got, want, "{id} [{subject}]:\n{}", summary(report));
}

fn assert_never_printed(output: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!output.contains(s), "a secret value was printed: {s}");
    }
}

/// Initialises a git repository, ignores `ignored`, and commits `tracked`.
fn repo(root: &Path, ignored: &[&str], tracked: &[&str]) {
    git(root, &["init", "-q"]);
    write(root, ".gitignore", &(ignored.join("\n") + "\n"), 0o644);
    let mut add = vec!["add", "-f", ".gitignore"];
    add.extend_from_slice(tracked);
    git(root, &add);
    git(root, &["commit", "-q", "-m", "fixture"]);
}

fn dir(root: &Path, rel: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let p = root.join(rel);
    std::fs::create_dir_all(&p).expect("mkdir");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

// ---------------------------------------------------------------------------------------------
// Koda

fn koda_clean(root: &Path) {
    write(
        root,
        ".env",
        &format!(
            "# Koda production\nKODA_ENV=production\nALLOW_LOOPBACK_BOOTSTRAP=false\n\
             CONTROL_PLANE_API_TOKEN=\nWEB_OPERATOR_SESSION_SECRET={SECRET_A}\n\
             RUNTIME_LOCAL_UI_TOKEN={SECRET_C}\nPOSTGRES_PASSWORD={PG_PASSWORD}\n\
             S3_ACCESS_KEY_ID=kodaAK7f3e9c1b\nS3_SECRET_ACCESS_KEY={SECRET_B}\n\
             STATE_ROOT_DIR=state\nCONTROL_PLANE_PORT=8090\n"
        ),
        0o600,
    );
    dir(root, "state", 0o700);
    dir(root, "state/control_plane", 0o700);
    write(root, "state/control_plane/.master.key", SECRET_E, 0o600);
    write(
        root,
        "docker-compose.yml",
        "services:\n  web:\n    image: koda/web\n    ports:\n      - \"127.0.0.1:3000:3000\"\n\
         \x20 control-plane:\n    image: koda/control-plane\n    ports:\n\
         \x20     - \"127.0.0.1:${CONTROL_PLANE_PORT:-8090}:8090\"\n\
         \x20 seaweedfs:\n    image: chrislusf/seaweedfs\n    ports:\n      - \"127.0.0.1:9333:9333\"\n\
         \x20 postgres:\n    image: postgres:16\n",
        0o644,
    );
    write(
        root,
        "docker-compose.prod.yml",
        "services:\n  web:\n    restart: always\n",
        0o644,
    );
    repo(
        root,
        &[".env", "state/"],
        &["docker-compose.yml", "docker-compose.prod.yml"],
    );
}

fn koda_flawed(root: &Path) {
    write(
        root,
        ".env",
        &format!(
            "KODA_ENV=production\nCONTROL_PLANE_AUTH_MODE=open\nALLOW_LOOPBACK_BOOTSTRAP=true\n\
             WEB_OPERATOR_SESSION_SECRET=replace-with-a-long-random-string\n\
             RUNTIME_LOCAL_UI_TOKEN={WEAK_SECRET}\nPOSTGRES_PASSWORD=changeme\n\
             S3_ACCESS_KEY_ID=kodaAK7f3e9c1b\nS3_SECRET_ACCESS_KEY={SECRET_B}\n\
             ALLOW_INSECURE_COOKIES=true\nCONTROL_PLANE_OPERATOR_PASSWORD_MIN_LENGTH=8\n\
             STATE_ROOT_DIR=state\n"
        ),
        0o644,
    );
    dir(root, "state", 0o755);
    dir(root, "state/control_plane", 0o755);
    write(root, "state/control_plane/.master.key", SECRET_E, 0o644);
    write(root, "state/control_plane/bootstrap.txt", SECRET_D, 0o644);
    // The real trap: the base file publishes 8090 on all interfaces and the prod overlay only
    // adds a loopback mapping; Compose merges the two lists, so 8090 stays exposed.
    write(
        root,
        "docker-compose.yml",
        "services:\n  web:\n    image: koda/web\n    ports:\n      - \"127.0.0.1:3000:3000\"\n\
         \x20 control-plane:\n    image: koda/control-plane\n    ports:\n\
         \x20     - \"${CONTROL_PLANE_PORT:-8090}:8090\"\n\
         \x20 postgres:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n",
        0o644,
    );
    write(
        root,
        "docker-compose.prod.yml",
        "services:\n  control-plane:\n    ports:\n\
         \x20     - \"127.0.0.1:${CONTROL_PLANE_PORT:-8090}:8090\"\n",
        0o644,
    );
    repo(root, &["state/"], &[".env", "docker-compose.yml"]);
}

#[test]
fn koda_clean_install_has_no_failures() {
    let tmp = TempDir::new().expect("tempdir");
    koda_clean(tmp.path());
    let (report, code, output) = audit_json("koda", tmp.path(), &[]);
    assert_no_fail(&report);
    assert_eq!(code, 0, "{}", summary(&report));
    assert_status(&report, "koda.loopback-ports", "", "pass");
    assert_status(&report, "secrets.env-file-git", ".env", "pass");
    assert_never_printed(
        &output,
        &[SECRET_A, SECRET_B, SECRET_C, SECRET_E, PG_PASSWORD],
    );
}

#[test]
fn koda_flawed_install_fails_where_expected() {
    let tmp = TempDir::new().expect("tempdir");
    koda_flawed(tmp.path());
    let (report, code, output) = audit_json("koda", tmp.path(), &[]);
    assert_eq!(code, 1);
    for (id, subject) in [
        ("koda.auth-mode", "CONTROL_PLANE_AUTH_MODE"),
        ("koda.loopback-bootstrap", "ALLOW_LOOPBACK_BOOTSTRAP"),
        ("koda.session-secret", "WEB_OPERATOR_SESSION_SECRET"),
        ("koda.runtime-ui-token", "RUNTIME_LOCAL_UI_TOKEN"),
        ("koda.postgres-password", "POSTGRES_PASSWORD"),
        ("koda.insecure-cookies", "ALLOW_INSECURE_COOKIES"),
        (
            "koda.password-min-length",
            "CONTROL_PLANE_OPERATOR_PASSWORD_MIN_LENGTH",
        ),
        ("koda.state-dir", "state"),
        ("koda.bootstrap-token-mode", "bootstrap.txt"),
        ("koda.master-key", ".master.key"),
        ("koda.loopback-ports", "8090"),
        ("koda.private-ports", "5432"),
        ("secrets.env-file-mode", ".env"),
        ("secrets.env-file-git", ".env"),
    ] {
        assert_status(&report, id, subject, "fail");
    }
    assert_status(
        &report,
        "koda.bootstrap-token-gone",
        "bootstrap.txt",
        "warn",
    );
    // The loopback-only web port is fine even in the flawed install.
    let web = common::findings(&report, "koda.loopback-ports")
        .into_iter()
        .filter(|f| f["subject"].as_str().unwrap_or("").contains("3000"))
        .all(|f| f["status"] != "fail");
    assert!(web, "{}", summary(&report));
    assert_never_printed(&output, &[SECRET_B, SECRET_D, SECRET_E, WEAK_SECRET]);
}

#[test]
fn koda_compose_overlay_trap_is_caught_with_env_override() {
    let tmp = TempDir::new().expect("tempdir");
    koda_flawed(tmp.path());
    // Interpolation: the published port follows CONTROL_PLANE_PORT from the env file.
    let env = std::fs::read_to_string(tmp.path().join(".env")).expect("read");
    write(
        tmp.path(),
        ".env",
        &(env + "CONTROL_PLANE_PORT=18090\n"),
        0o600,
    );
    let (report, _, _) = audit_json("koda", tmp.path(), &["--only", "exposure"]);
    let trap: Vec<_> = common::findings(&report, "koda.loopback-ports")
        .into_iter()
        .filter(|f| f["status"] == "fail")
        .collect();
    assert_eq!(trap.len(), 1, "{}", summary(&report));
    let text = trap[0].to_string();
    assert!(text.contains("18090"), "{text}");
    assert!(text.contains("docker-compose.yml"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Omnidev

fn omnidev_env(root: &Path, body: &str, mode: u32) {
    write(root, ".env", body, mode);
}

#[test]
fn omnidev_clean_install_has_no_failures() {
    let tmp = TempDir::new().expect("tempdir");
    let root = tmp.path();
    omnidev_env(
        root,
        &format!(
            "NEXTAUTH_SECRET={SECRET_B}\nNEXTAUTH_URL=https://omnidev.example.com\n\
             INITIAL_SIGNUP_TOKEN={SECRET_A}\nALLOWED_IPS=203.0.113.7\nAPI_RATE_LIMIT=100\n\
             VALID_API_KEYS={SECRET_C},{SECRET_E}\n"
        ),
        0o600,
    );
    dir(root, "data", 0o700);
    write(root, "data/ralph.db", "SQLite format 3", 0o600);
    write(root, "data/api-keys.json", "{}", 0o600);
    write(
        root,
        "docker-compose.yml",
        "services:\n  omnidev:\n    image: omnidev\n    ports:\n      - \"127.0.0.1:3000:3000\"\n",
        0o644,
    );
    repo(root, &[".env", "data/"], &["docker-compose.yml"]);
    let (report, code, output) = audit_json("omnidev", root, &[]);
    assert_no_fail(&report);
    assert_eq!(code, 0);
    assert_status(&report, "omnidev.database-mode", "ralph.db", "pass");
    assert_status(
        &report,
        "omnidev.app-config-mode",
        "app-config.json",
        "skip",
    );
    assert_never_printed(&output, &[SECRET_A, SECRET_B, SECRET_C, SECRET_E]);
}

#[test]
fn omnidev_flawed_install_fails_where_expected() {
    let tmp = TempDir::new().expect("tempdir");
    let root = tmp.path();
    omnidev_env(
        root,
        &format!(
            "NEXTAUTH_SECRET={WEAK_SECRET}\nNEXTAUTH_URL=http://localhost:3000/\n\
             ALLOWED_IPS=*\nAPI_RATE_LIMIT=0\nVALID_API_KEYS=client-key-1,client-key-2\n\
             ADMIN_API_KEY=admin-secret-key-here\n"
        ),
        0o644,
    );
    dir(root, "data", 0o755);
    write(root, "data/ralph.db", "SQLite format 3", 0o644);
    write(root, "data/api-keys.json", "{}", 0o644);
    write(
        root,
        "docker-compose.yml",
        "services:\n  omnidev:\n    image: omnidev\n    ports:\n      - \"3000:3000\"\n\
         \x20 db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n",
        0o644,
    );
    repo(root, &[], &["docker-compose.yml", "data/api-keys.json"]);
    let (report, code, output) = audit_json("omnidev", root, &[]);
    assert_eq!(code, 1);
    for (id, subject) in [
        ("omnidev.nextauth-secret", "NEXTAUTH_SECRET"),
        ("omnidev.nextauth-url", "NEXTAUTH_URL"),
        ("omnidev.signup-token", "INITIAL_SIGNUP_TOKEN"),
        ("omnidev.api-rate-limit", "API_RATE_LIMIT"),
        ("omnidev.api-keys", "VALID_API_KEYS"),
        ("omnidev.admin-api-key", "ADMIN_API_KEY"),
        ("omnidev.data-dir-mode", "data"),
        ("omnidev.database-mode", "ralph.db"),
        ("omnidev.api-keys-file-mode", "api-keys.json"),
        ("omnidev.data-git", "data"),
        ("omnidev.app-port", "3000"),
        ("omnidev.postgres-port", "5432"),
        ("secrets.env-file-mode", ".env"),
        ("secrets.env-file-git", ".env"),
    ] {
        assert_status(&report, id, subject, "fail");
    }
    assert_status(&report, "omnidev.allowed-ips", "ALLOWED_IPS", "warn");
    assert_never_printed(&output, &[WEAK_SECRET]);
}

// ---------------------------------------------------------------------------------------------
// CLIProxyAPI

#[test]
fn cliproxyapi_clean_install_has_no_failures() {
    let tmp = TempDir::new().expect("tempdir");
    let root = tmp.path();
    write(
        root,
        "infrastructure/.env",
        &format!(
            "JWT_SECRET={SECRET_A}\nMANAGEMENT_API_KEY={SECRET_C}\nPROVIDER_ENCRYPTION_KEY={SECRET_E}\n\
             COLLECTOR_API_KEY=\nPOSTGRES_PASSWORD={PG_PASSWORD}\n\
             DATABASE_URL=postgresql://dashboard:{PG_PASSWORD}@postgres:5432/dashboard\n\
             CLIPROXYAPI_MANAGEMENT_URL=http://cliproxyapi:8317\n"
        ),
        0o600,
    );
    write(
        root,
        "infrastructure/docker-compose.yml",
        "services:\n  dashboard:\n    image: cliproxyapi/dashboard\n    ports:\n      - \"127.0.0.1:3000:3000\"\n\
         \x20 cliproxyapi:\n    image: eceasy/cli-proxy-api\n    ports:\n      - \"127.0.0.1:8317:8317\"\n\
         \x20     - \"8085:8085\"\n\
         \x20 docker-proxy:\n    image: tecnativa/docker-socket-proxy:latest\n    volumes:\n\
         \x20     - /var/run/docker.sock:/var/run/docker.sock:ro\n\
         \x20 postgres:\n    image: postgres:16\n",
        0o644,
    );
    repo(
        root,
        &["infrastructure/.env"],
        &["infrastructure/docker-compose.yml"],
    );
    let (report, code, output) = audit_json("cliproxyapi", root, &[]);
    assert_no_fail(&report);
    assert_eq!(code, 0);
    assert_status(
        &report,
        "cliproxyapi.collector-key",
        "COLLECTOR_API_KEY",
        "pass",
    );
    assert_status(&report, "exposure.docker-socket", "", "pass");
    assert_never_printed(&output, &[SECRET_A, SECRET_C, SECRET_E, PG_PASSWORD]);
}

#[test]
fn cliproxyapi_flawed_install_fails_where_expected() {
    let tmp = TempDir::new().expect("tempdir");
    let root = tmp.path();
    write(
        root,
        "infrastructure/.env",
        &format!(
            "JWT_SECRET={WEAK_SECRET}\nMANAGEMENT_API_KEY=your-management-key\n\
             COLLECTOR_API_KEY=short\nPOSTGRES_PASSWORD=CHANGE_ME_POSTGRES_PASSWORD\n\
             DATABASE_URL=postgresql://dashboard:devpassword@postgres:5432/dashboard\n\
             CLIPROXYAPI_MANAGEMENT_URL=https://proxy.example.com:8317\n"
        ),
        0o644,
    );
    write(
        root,
        "infrastructure/docker-compose.yml",
        "services:\n  dashboard:\n    image: cliproxyapi/dashboard\n    ports:\n      - \"3000:3000\"\n\
         \x20   volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n\
         \x20 cliproxyapi:\n    image: eceasy/cli-proxy-api\n    ports:\n      - \"8317:8317\"\n\
         \x20 docker-proxy:\n    image: tecnativa/docker-socket-proxy\n    ports:\n      - \"2375:2375\"\n\
         \x20   volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n\
         \x20 postgres:\n    image: postgres:16\n    ports:\n      - target: 5432\n        published: 5432\n",
        0o644,
    );
    let (report, code, output) = audit_json("cliproxyapi", root, &[]);
    assert_eq!(code, 1);
    for (id, subject) in [
        ("cliproxyapi.jwt-secret", "JWT_SECRET"),
        ("cliproxyapi.management-key", "MANAGEMENT_API_KEY"),
        ("cliproxyapi.collector-key", "COLLECTOR_API_KEY"),
        ("cliproxyapi.postgres-password", "POSTGRES_PASSWORD"),
        ("cliproxyapi.database-url", "DATABASE_URL"),
        ("cliproxyapi.management-url", "CLIPROXYAPI_MANAGEMENT_URL"),
        ("cliproxyapi.loopback-ports", "3000"),
        ("cliproxyapi.loopback-ports", "8317"),
        ("cliproxyapi.postgres-port", "5432"),
        ("cliproxyapi.docker-api-port", "2375"),
        ("exposure.docker-socket", "dashboard"),
        ("exposure.docker-socket", "docker-proxy"),
        ("secrets.env-file-mode", "infrastructure/.env"),
    ] {
        assert_status(&report, id, subject, "fail");
    }
    assert_status(
        &report,
        "cliproxyapi.provider-encryption-key",
        "PROVIDER_ENCRYPTION_KEY",
        "warn",
    );
    assert_status(&report, "secrets.env-file-git", ".env", "skip");
    assert_never_printed(&output, &[WEAK_SECRET]);
}

// ---------------------------------------------------------------------------------------------
// Rediflow

#[test]
fn rediflow_clean_install_has_no_failures() {
    let tmp = TempDir::new().expect("tempdir");
    let root = tmp.path();
    write(
        root,
        ".env.prod",
        &format!(
            "APP_ENV=prod\nSECRET_KEY={SECRET_B}\nPOSTGRES_PASSWORD={PG_PASSWORD}\n\
             OIDC_ISSUER=https://auth.example.com/application/o/rediflow/\nOIDC_CLIENT_ID=rediflow\n\
             OIDC_CLIENT_SECRET={SECRET_A}\nPROJECT_VISIBILITY_ENABLED=true\n\
             DATABASE_URL=postgresql+psycopg://rediflow:{PG_PASSWORD}@db:5432/rediflow\n"
        ),
        0o600,
    );
    write(
        root,
        "compose.deploy-prod.yml",
        "services:\n  app:\n    image: ghcr.io/example/rediflow:1.4\n    user: \"1000:1000\"\n\
         \x20   ports:\n      - \"127.0.0.1:5000:5000\"\n\
         \x20 db:\n    image: postgres:18\n    ports:\n      - \"127.0.0.1:5432:5432\"\n",
        0o644,
    );
    repo(
        root,
        &[".env.prod", ".env.qa"],
        &["compose.deploy-prod.yml"],
    );
    let (report, code, output) = audit_json("rediflow", root, &[]);
    assert_no_fail(&report);
    assert_eq!(code, 0);
    assert_status(&report, "rediflow.no-auth-allow-all", "", "skip");
    assert_never_printed(&output, &[SECRET_A, SECRET_B, PG_PASSWORD]);
}

#[test]
fn rediflow_flawed_install_fails_where_expected() {
    let tmp = TempDir::new().expect("tempdir");
    let root = tmp.path();
    write(
        root,
        ".env.prod",
        &format!(
            "APP_ENV=development\nSECRET_KEY={WEAK_SECRET}\nPOSTGRES_PASSWORD=password\n\
             POLICY_NO_AUTH_DEFAULT=allow_all\nDATABASE_URL=sqlite:///rediflow.db\n"
        ),
        0o640,
    );
    write(root, ".env.qa", "APP_ENV=qa\nSECRET_KEY=\n", 0o644);
    write(
        root,
        "compose.deploy-prod.yml",
        "services:\n  app:\n    image: ghcr.io/example/rediflow:1.4\n\
         \x20   ports:\n      - \"5000:5000\"\n\
         \x20 db:\n    image: postgres:18\n    ports:\n      - \"5432:5432\"\n",
        0o644,
    );
    repo(root, &[], &[".env.qa", "compose.deploy-prod.yml"]);
    let (report, code, output) = audit_json("rediflow", root, &[]);
    assert_eq!(code, 1);
    for (id, subject) in [
        ("rediflow.app-env", "APP_ENV"),
        ("rediflow.secret-key", "SECRET_KEY"),
        ("rediflow.postgres-password", "POSTGRES_PASSWORD"),
        ("rediflow.no-auth-allow-all", "POLICY_NO_AUTH_DEFAULT"),
        ("rediflow.database-url", "DATABASE_URL"),
        ("rediflow.app-ports", "5000"),
        ("rediflow.postgres-port", "5432"),
        ("rediflow.non-root", "app"),
        ("secrets.env-file-mode", ".env.prod"),
        ("secrets.env-file-mode", ".env.qa"),
        ("secrets.env-file-git", ".env.qa"),
        ("secrets.env-file-git", ".env.prod"),
    ] {
        assert_status(&report, id, subject, "fail");
    }
    assert_status(
        &report,
        "rediflow.project-visibility",
        "PROJECT_VISIBILITY_ENABLED",
        "warn",
    );
    assert_never_printed(&output, &[WEAK_SECRET]);
}

// ---------------------------------------------------------------------------------------------
// OCMT

fn ocmt_compose(root: &Path, ports: &str) {
    write(
        root,
        "deploy/docker-compose.yml",
        &format!(
            "services:\n  proxy:\n    image: caddy:2\n    ports:\n      - \"80:80\"\n      - \"443:443\"\n\
             \x20 management:\n    image: ocmt/management\n    ports:\n{ports}\
             \x20 redis:\n    image: redis:7\n"
        ),
        0o644,
    );
}

#[test]
fn ocmt_clean_install_has_no_failures() {
    let tmp = TempDir::new().expect("tempdir");
    let root = tmp.path();
    write(
        root,
        "management-server/.env",
        &format!(
            "NODE_ENV=production\nENCRYPTION_KEY={SECRET_A}\nADMIN_PASSWORD={SECRET_B}\n\
             ADMIN_TOKEN={SECRET_C}\nAGENT_SERVER_TOKEN={SECRET_E}\nBASE_URL=https://ocmt.example.com\n\
             TRUST_PROXY=loopback\nTRUSTED_PROXIES=127.0.0.1/32,10.0.0.0/8\n\
             DATABASE_URL=postgres://ocmt:{PG_PASSWORD}@postgres:5432/ocmt\n\
             REDIS_URL=redis://:{SECRET_D}@redis:6379\n"
        ),
        0o600,
    );
    write(
        root,
        "agent-server/.env",
        &format!("AUTH_TOKEN={SECRET_E}\n"),
        0o600,
    );
    write(
        root,
        "relay-server/.env",
        &format!("AGENT_SERVER_TOKEN={SECRET_E}\n"),
        0o600,
    );
    ocmt_compose(root, "      - \"127.0.0.1:3000:3000\"\n");
    repo(root, &[".env"], &["deploy/docker-compose.yml"]);
    let (report, code, output) = audit_json("ocmt", root, &[]);
    assert_no_fail(&report);
    assert_eq!(code, 0);
    assert_status(&report, "ocmt.agent-token-matches-agent", "", "pass");
    assert_status(&report, "ocmt.agent-token-matches-relay", "", "pass");
    assert_never_printed(
        &output,
        &[
            SECRET_A,
            SECRET_B,
            SECRET_C,
            SECRET_D,
            SECRET_E,
            PG_PASSWORD,
        ],
    );
}

#[test]
fn ocmt_flawed_install_fails_where_expected() {
    let tmp = TempDir::new().expect("tempdir");
    let root = tmp.path();
    write(
        root,
        "management-server/.env",
        &format!(
            "NODE_ENV=development\nENCRYPTION_KEY=0123456789abcdef\n\
             ADMIN_PASSWORD=change-this-to-something-secure\nADMIN_TOKEN={SECRET_C}\n\
             AGENT_SERVER_TOKEN={SECRET_E}\nBASE_URL=http://ocmt.example.com\nTRUST_PROXY=true\n\
             TRUSTED_PROXIES=0.0.0.0/0\nDATABASE_URL=postgres://ocmt:password@postgres:5432/ocmt\n\
             REDIS_URL=redis://redis:6379\n"
        ),
        0o600,
    );
    write(
        root,
        "agent-server/.env",
        &format!("AUTH_TOKEN={SECRET_A}\n"),
        0o600,
    );
    ocmt_compose(root, "      - \"3000:3000\"\n      - \"6379:6379\"\n");
    let (report, code, output) = audit_json("ocmt", root, &[]);
    assert_eq!(code, 1);
    for (id, subject) in [
        ("ocmt.node-env", "NODE_ENV"),
        ("ocmt.encryption-key", "ENCRYPTION_KEY"),
        ("ocmt.admin-password", "ADMIN_PASSWORD"),
        ("ocmt.agent-token-matches-agent", "AUTH_TOKEN"),
        ("ocmt.base-url", "BASE_URL"),
        ("ocmt.trusted-proxies", "TRUSTED_PROXIES"),
        ("ocmt.database-url", "DATABASE_URL"),
        ("ocmt.redis-url", "REDIS_URL"),
        ("ocmt.public-ports", "3000"),
        ("ocmt.internal-ports", "3000"),
        ("ocmt.internal-ports", "6379"),
    ] {
        assert_status(&report, id, subject, "fail");
    }
    assert_status(&report, "ocmt.trust-proxy", "TRUST_PROXY", "warn");
    assert_status(&report, "ocmt.agent-token-matches-relay", "", "skip");
    assert_never_printed(&output, &[SECRET_A, SECRET_C, SECRET_E]);
}
