//! End-to-end (issue 7, sections 2-4): the real binary on real env files. Env files read with
//! the product's loader (dialects), weak secrets, and output that cannot leak a secret.

mod common;

use common::{findings, run, summary};
use proptest::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

const HEX64: &str = "9f2c4e7a1b3d5f6081a2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e";

/// A profile with one env file read as `dialect`, and these checks (TOML `[[check]]` tables).
fn audit(dialect: &str, env: &str, checks: &str) -> (common::Run, TempDir) {
    let tmp = TempDir::new().expect("temp dir");
    std::fs::write(tmp.path().join(".env"), env).expect("write env");
    let profile = format!(
        "name = \"t\"\ntitle = \"t\"\n\n[[env_file]]\nrole = \"main\"\npath = \".env\"\n\
         dialect = \"{dialect}\"\n\n{checks}"
    );
    let p = tmp.path().join("p.toml");
    std::fs::write(&p, profile).expect("write profile");
    let out = run(&[
        "audit",
        "--profile-file",
        p.to_str().expect("utf-8"),
        "--root",
        tmp.path().to_str().expect("utf-8"),
        "--json",
    ]);
    (out, tmp)
}

fn secret_check(id: &str, var: &str, extra: &str) -> String {
    format!(
        "[[check]]\nid = \"t.{id}\"\ntitle = \"{var}\"\nremediation = \"r\"\nkind = \"env.secret\"\nvar = \"{var}\"\n{extra}\n"
    )
}

fn only<'a>(report: &'a Value, id: &str) -> &'a Value {
    let found = findings(report, &format!("t.{id}"));
    assert_eq!(found.len(), 1, "{id}: {}", summary(report));
    found[0]
}

fn status(report: &Value, id: &str) -> String {
    only(report, id)["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn message(report: &Value, id: &str) -> String {
    only(report, id)["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

// ---- section 2: dialects -------------------------------------------------------------------

#[test]
fn npm_reads_a_hash_as_the_end_of_the_value() {
    let env = format!("ADMIN_PASSWORD=Tr0ub4dor#3xYz!Qw\nKEY={HEX64}#prod\n");
    let checks = secret_check(
        "pw",
        "ADMIN_PASSWORD",
        "min_length = 12\nmin_guesses_log10 = 1",
    ) + &secret_check("key", "KEY", "hex_length = 64");
    let (out, _tmp) = audit("npm", &env, &checks);
    let r = out.json();
    assert_eq!(status(&r, "pw"), "fail", "{}", summary(&r));
    assert!(
        message(&r, "pw").contains("9 characters"),
        "{}",
        message(&r, "pw")
    );
    assert_eq!(status(&r, "key"), "pass", "{}", message(&r, "key"));

    let (out, _tmp) = audit("compose", &env, &checks);
    let r = out.json();
    assert_eq!(status(&r, "pw"), "pass", "{}", message(&r, "pw"));
    assert_eq!(status(&r, "key"), "fail", "{}", message(&r, "key"));
}

#[test]
fn npm_does_not_expand_variables() {
    let env = format!("SHARED_TOKEN={HEX64}\nAGENT_SERVER_TOKEN=${{SHARED_TOKEN}}\n");
    let checks = secret_check("t", "AGENT_SERVER_TOKEN", "min_length = 32");
    let (out, _tmp) = audit("npm", &env, &checks);
    assert_eq!(status(&out.json(), "t"), "fail");
    let (out, _tmp) = audit("compose", &env, &checks);
    assert_eq!(status(&out.json(), "t"), "pass");
    let (out, _tmp) = audit("python", &env, &checks);
    assert_eq!(status(&out.json(), "t"), "pass");
}

#[test]
fn compose_comment_after_blanks_is_the_value_and_fails() {
    let env = "WEB_OPERATOR_SESSION_SECRET=   # generate with: openssl rand -hex 32\n";
    let checks = secret_check("s", "WEB_OPERATOR_SESSION_SECRET", "min_length = 32");
    let (out, _tmp) = audit("compose", env, &checks);
    let r = out.json();
    assert_eq!(status(&r, "s"), "fail");
    assert!(message(&r, "s").contains("comment"), "{}", message(&r, "s"));
}

#[test]
fn compose_reads_two_assignments_on_one_line() {
    let env = format!("A=\"x\" SESSION_SECRET={HEX64}\n");
    let checks = secret_check("s", "SESSION_SECRET", "hex_length = 64");
    let (out, _tmp) = audit("compose", &env, &checks);
    assert_eq!(status(&out.json(), "s"), "pass", "{}", out.stdout);
}

#[test]
fn an_unterminated_quote_is_an_error_naming_the_line_and_prints_nothing_of_the_next_lines() {
    let secret = "s3ss10n7f3a9b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d1e2f3a";
    let env = format!("DB_HOST=\"db\nWEB_SESSION_SECRET={secret}\nOTHER=\"\nLAST=1\n");
    let checks = secret_check("s", "WEB_SESSION_SECRET", "")
        + "[[check]]\nid = \"t.h\"\ntitle = \"h\"\nremediation = \"r\"\nkind = \"env.value\"\nvar = \"DB_HOST\"\nallowed = [\"db\"]\n";
    for dialect in ["compose", "npm", "python"] {
        let (out, _tmp) = audit(dialect, &env, &checks);
        let r = out.json();
        for id in ["s", "h"] {
            assert_eq!(status(&r, id), "error", "{dialect} {id}: {}", summary(&r));
            assert!(message(&r, id).contains("line 1"), "{}", message(&r, id));
        }
        assert!(
            !out.stdout.contains(&secret[..8]),
            "{dialect}: {}",
            out.stdout
        );
        assert!(
            !out.stderr.contains(&secret[..8]),
            "{dialect}: {}",
            out.stderr
        );
    }
}

// ---- section 3: weak secrets ---------------------------------------------------------------

#[test]
fn guessable_secrets_fail_and_are_described_by_shape() {
    let session = "Zq8rT2vXk9LmP4sWn7YbC3dF6hJ1uE5a";
    let env = format!(
        "HEX_KEY={}\nWORDS={}\nYEARS=koda2024koda2024koda2024\nLEET=P@ssw0rdP@ssw0rd\n\
         RUN=abcdefghijklmnopqrstuvwxyz123456\nSESSION_SECRET={session}\n\
         CONTROL_PLANE_API_TOKEN={HEX64},{session}\n",
        "deadbeef".repeat(8),
        "secret".repeat(6),
    );
    let checks = secret_check("hex", "HEX_KEY", "hex_length = 64")
        + &secret_check("words", "WORDS", "")
        + &secret_check("years", "YEARS", "")
        + &secret_check("leet", "LEET", "")
        + &secret_check("run", "RUN", "")
        + &secret_check("session", "SESSION_SECRET", "min_length = 32")
        + &secret_check("list", "CONTROL_PLANE_API_TOKEN", "list = true");
    let (out, _tmp) = audit("compose", &env, &checks);
    let r = out.json();
    for id in ["hex", "words", "years", "leet", "run", "list"] {
        assert_eq!(status(&r, id), "fail", "{id}: {}", message(&r, id));
    }
    assert_eq!(status(&r, "session"), "pass", "{}", message(&r, "session"));
    assert!(
        message(&r, "hex").contains("repeated"),
        "{}",
        message(&r, "hex")
    );
    assert!(message(&r, "run").contains("run"), "{}", message(&r, "run"));
    assert!(
        message(&r, "list").contains("entry 2 is the same value as SESSION_SECRET"),
        "{}",
        message(&r, "list")
    );
    for leak in [
        "deadbeef",
        "secretsecret",
        "koda2024",
        "P@ssw0rd",
        "abcdefgh",
        session,
    ] {
        assert!(!out.stdout.contains(leak), "{leak} in {}", out.stdout);
    }
}

// ---- section 4: output that cannot leak ----------------------------------------------------

/// Every output a run produces: JSON on stdout, text on stdout, the `--output` file, stderr.
fn all_outputs(dir: &TempDir, profile: &std::path::Path) -> Vec<String> {
    let root = dir.path().to_str().expect("utf-8");
    let p = profile.to_str().expect("utf-8");
    let file = dir.path().join("report.json");
    let mut outputs = Vec::new();
    for args in [
        vec!["audit", "--profile-file", p, "--root", root, "--json"],
        vec!["audit", "--profile-file", p, "--root", root],
        vec![
            "audit",
            "--profile-file",
            p,
            "--root",
            root,
            "--json",
            "--output",
            file.to_str().expect("utf-8"),
        ],
    ] {
        let out = run(&args);
        outputs.push(out.stdout);
        outputs.push(out.stderr);
    }
    outputs.push(std::fs::read_to_string(&file).unwrap_or_default());
    outputs
}

/// Where a generated secret goes in the env file.
#[derive(Debug, Clone)]
enum Placement {
    SecretName,
    PlainNameChecked,
    UrlPassword,
    LibpqKeyword,
    ListEntry,
    QueryParameter,
}

fn placement() -> impl Strategy<Value = Placement> {
    prop_oneof![
        Just(Placement::SecretName),
        Just(Placement::PlainNameChecked),
        Just(Placement::UrlPassword),
        Just(Placement::LibpqKeyword),
        Just(Placement::ListEntry),
        Just(Placement::QueryParameter),
    ]
}

/// Secrets as people write them: random text of the characters env files and URLs allow,
/// including the awkward ones (`/ ? # @ : %`).
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9/?@:%!*+._~-]{7,30}[A-Za-z0-9]"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn no_secret_reaches_any_output(
        entries in proptest::collection::vec((secret(), placement()), 1..5),
        dialect in prop_oneof![Just("compose"), Just("npm"), Just("python")],
    ) {
        let dir = TempDir::new().expect("temp dir");
        let mut env = String::from("# generated\nAPP_ENV=production\n");
        let mut checks = String::new();
        for (i, (secret, place)) in entries.iter().enumerate() {
            // Quote the value so every loader reads it whole (`#` ends npm values).
            let line = match place {
                Placement::SecretName => format!("APP_SECRET_{i}='{secret}'"),
                Placement::PlainNameChecked => {
                    checks += &secret_check(&format!("plain{i}"), &format!("PLAIN_{i}"), "");
                    format!("PLAIN_{i}='{secret}'")
                }
                Placement::UrlPassword => format!("DATABASE_URL_{i}='postgresql+psycopg://app:{secret}@db:5432/app'"),
                Placement::LibpqKeyword => format!("PG_DSN_{i}='host=db password={secret} user=app'"),
                Placement::ListEntry => format!("API_TOKENS_{i}='{HEX64},{secret}'"),
                Placement::QueryParameter => format!("CALLBACK_{i}='https://hooks.example/x?token=q&password={secret}'"),
            };
            env.push_str(&line);
            env.push('\n');
            // Each variable is also checked by kinds that print values of non-secret variables.
            let var = line.split('=').next().unwrap_or_default().to_string();
            checks += &format!(
                "[[check]]\nid = \"t.v{i}\"\ntitle = \"v\"\nremediation = \"r\"\nkind = \"env.value\"\nvar = \"{var}\"\nallowed = [\"none\"]\n"
            );
            checks += &secret_check(&format!("s{i}"), &var, "min_length = 200");
        }
        std::fs::write(dir.path().join(".env"), &env).expect("write env");
        let profile = dir.path().join("p.toml");
        std::fs::write(
            &profile,
            format!("name = \"t\"\ntitle = \"t\"\n\n[[env_file]]\nrole = \"main\"\npath = \".env\"\ndialect = \"{dialect}\"\n\n{checks}"),
        ).expect("write profile");
        let outputs = all_outputs(&dir, &profile);
        // The audit really ran: a JSON report with a finding for every check.
        let report: Value = serde_json::from_str(&outputs[0]).map_err(|e| TestCaseError::fail(format!("{e}: {}", outputs[1])))?;
        let expected = checks.matches("[[check]]").count();
        prop_assert_eq!(report["findings"].as_array().map_or(0, Vec::len), expected, "{}", summary(&report));
        for output in outputs {
            for (secret, place) in &entries {
                prop_assert!(!output.contains(secret.as_str()), "{:?} secret shown in:\n{}", place, output);
            }
        }
    }
}
