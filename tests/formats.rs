//! End-to-end: the CI formats (SARIF, JUnit, Markdown, Prometheus), the JSON Schema, waivers,
//! baselines and fleets, from real audits of fixture installs made here.

mod common;

use common::{findings, run, summary, write, Run};
use serde_json::Value;
use std::path::Path;
use tempfile::TempDir;

const STRONG: &str = "9f2c4e7a1b3d5f6081a2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e";
const STRONG_2: &str = "c41d8e2b9f7a6053e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c";
/// Weak, but still secrets: never printed in any format.
const WEAK: &str = "Sh0rtPw9";
const WEAK_2: &str = "Xy7Qw2Lk";

const PROFILE: &str = r#"
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
rationale = "A short token can be guessed."
remediation = "Generate one with openssl rand -hex 32."

[[check]]
id = "t.other"
title = "OTHER is strong"
kind = "env.secret"
var = "OTHER"
min_length = 32
severity = "medium"
remediation = "Generate one."

[[check]]
id = "t.mode"
title = "env file is private"
kind = "files.mode"
env_files = true
max_mode = "0600"
remediation = "chmod 600 .env"

[[check]]
id = "t.tls"
title = "No legacy TLS"
kind = "tls.legacy-versions"
severity = "high"
remediation = "Disable TLS 1.0 and 1.1."
"#;

struct Fixture {
    dir: TempDir,
}

impl Fixture {
    fn new(env: &str, mode: u32) -> Fixture {
        let dir = TempDir::new().expect("tempdir");
        write(dir.path(), ".env", env, mode);
        std::fs::write(dir.path().join("p.toml"), PROFILE).expect("profile");
        Fixture { dir }
    }

    fn path(&self, rel: &str) -> String {
        self.dir.path().join(rel).display().to_string()
    }

    fn audit(&self, extra: &[&str]) -> Run {
        let profile = self.path("p.toml");
        let root = self.path("");
        let mut args = vec!["audit", "--profile-file", &profile, "--root", &root];
        args.extend_from_slice(extra);
        run(&args)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

/// A port on 127.0.0.1 with nothing listening: connections are refused at once.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn assert_no_secret(label: &str, text: &str) {
    for s in [WEAK, WEAK_2, STRONG, STRONG_2] {
        assert!(!text.contains(s), "{label} contains a secret value {s}");
    }
}

/// 1-based line of `path` containing `needle`.
fn line_of(path: &Path, needle: &str) -> usize {
    let text = std::fs::read_to_string(path).expect("read");
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle} not in {}", path.display()))
}

#[test]
fn every_format_from_one_audit_gates_alike_and_never_leaks_a_secret() {
    let fx = Fixture::new(&format!("OTHER={WEAK_2}\nTOKEN={WEAK}\n"), 0o644);
    let url = format!("https://127.0.0.1:{}", closed_port());
    let mut args = vec!["--url", &url, "--timeout", "2"];
    let specs: Vec<String> = ["json", "sarif", "junit", "markdown", "prometheus", "text"]
        .iter()
        .map(|f| format!("{f}:{}", fx.path(&format!("r.{f}"))))
        .collect();
    for s in &specs {
        args.extend(["--report", s.as_str()]);
    }
    let all = fx.audit(&args);
    assert_eq!(all.code, 1, "{}", all.stderr);
    assert_no_secret("stdout", &all.stdout);
    assert_no_secret("stderr", &all.stderr);
    for f in ["json", "sarif", "junit", "markdown", "prometheus", "text"] {
        let on_stdout = fx.audit(&["--url", &url, "--timeout", "2", "--format", f]);
        assert_eq!(on_stdout.code, 1, "--format {f}: {}", on_stdout.stderr);
        assert_no_secret(&format!("--format {f}"), &on_stdout.stdout);
        assert_no_secret(&format!("--report {f}"), &fx.read(&format!("r.{f}")));
    }
    assert!(
        all.stdout.contains("FAILED"),
        "text on stdout: {}",
        all.stdout
    );
    let report: Value = serde_json::from_str(&fx.read("r.json")).expect("json report");

    check_sarif(&fx, &report, &url);
    check_junit(&fx.read("r.junit"), &report);
    check_markdown(&fx.read("r.markdown"), &report);
    check_prometheus(&fx.read("r.prometheus"));
}

fn check_sarif(fx: &Fixture, report: &Value, url: &str) {
    let sarif: Value = serde_json::from_str(&fx.read("r.sarif")).expect("sarif is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"]
        .as_str()
        .unwrap_or("")
        .contains("sarif-2.1.0"));
    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "rampart");
    let rules = driver["rules"].as_array().expect("rules");
    for id in ["t.token", "t.other", "t.mode", "t.tls"] {
        let rule = rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("rule {id}"));
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(
                rule[key]["text"].as_str().is_some_and(|t| !t.is_empty()),
                "{id} {key}"
            );
        }
        let sev: f64 = rule["properties"]["security-severity"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("security-severity is a number in a string");
        assert!((0.0..=10.0).contains(&sev));
    }
    let token_rule = rules
        .iter()
        .find(|r| r["id"] == "t.token")
        .expect("t.token");
    assert_eq!(
        token_rule["fullDescription"]["text"],
        "A short token can be guessed."
    );
    assert_eq!(
        token_rule["help"]["text"],
        "Generate one with openssl rand -hex 32."
    );
    assert_eq!(token_rule["properties"]["security-severity"], "8.0");

    let results = run["results"].as_array().expect("results");
    let failing = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| ["fail", "warn", "error"].contains(&f["status"].as_str().unwrap_or("")))
        .count();
    assert_eq!(results.len(), failing, "one result per failing finding");
    for r in results {
        let id = r["ruleId"].as_str().expect("ruleId");
        assert!(rules.iter().any(|rule| rule["id"] == id), "{id} has a rule");
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap_or("")));
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].as_str().is_some(), "{r}");
        assert!(
            loc["region"]["startLine"].as_u64().is_some_and(|l| l >= 1),
            "{r}"
        );
    }
    let uri_path = |r: &Value| -> std::path::PathBuf {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        std::path::PathBuf::from(uri.strip_prefix("file://").expect("absolute temp path"))
    };
    let start_line = |r: &Value| {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .expect("line") as usize
    };
    // A local finding points at the env file and the very line of the variable.
    let token = results
        .iter()
        .find(|r| r["ruleId"] == "t.token")
        .expect("t.token result");
    assert_eq!(token["level"], "error");
    let env = uri_path(token);
    assert_eq!(env, fx.dir.path().join(".env"));
    assert_eq!(start_line(token), line_of(&env, "TOKEN="));
    assert_eq!(start_line(token), 2);
    // A network finding points at the check's table in the profile, the URL in the message.
    let tls = results
        .iter()
        .find(|r| r["ruleId"] == "t.tls")
        .expect("t.tls result");
    let profile = uri_path(tls);
    assert_eq!(profile, fx.dir.path().join("p.toml"));
    let check_line = line_of(&profile, "id = \"t.tls\"") - 1;
    assert_eq!(start_line(tls), check_line, "the [[check]] line of t.tls");
    assert!(
        tls["message"]["text"].as_str().unwrap_or("").contains(url),
        "{tls}"
    );
}

fn check_junit(xml: &str, report: &Value) {
    let doc = roxmltree::Document::parse(xml).expect("JUnit parses as XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let findings = report["findings"].as_array().expect("findings");
    let count = |status: &str| findings.iter().filter(|f| f["status"] == status).count();
    let cases: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), findings.len(), "one testcase per finding");
    let failures = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .count();
    assert_eq!(failures, count("fail") + count("error"));
    let skipped = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("skipped")))
        .count();
    assert_eq!(skipped, count("skip"));
    let suites: Vec<&str> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    for category in ["secrets", "files", "tls"] {
        assert!(suites.contains(&category), "suite {category} in {suites:?}");
    }
    assert_eq!(
        root.attribute("failures"),
        Some(failures.to_string().as_str())
    );
}

fn check_markdown(md: &str, report: &Value) {
    assert!(
        md.contains("| Status | Severity | Check | Subject | Problem | Fix |"),
        "{md}"
    );
    let rows = md
        .lines()
        .filter(|l| l.starts_with("| ❌") || l.starts_with("| ‼") || l.starts_with("| ⚠"))
        .count();
    let failing = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] != "pass" && f["status"] != "skip")
        .count();
    assert_eq!(rows, failing, "{md}");
    assert!(md.contains("**FAILED**"));
}

fn check_prometheus(text: &str) {
    let mut declared = std::collections::HashSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split(' ');
            declared.insert(parts.next().expect("name").to_string());
            assert_eq!(parts.next(), Some("gauge"));
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let name = line.split(['{', ' ']).next().expect("metric name");
        assert!(
            declared.contains(name),
            "{name} sampled before its TYPE line"
        );
        assert!(name.starts_with("rampart_"), "{line}");
        let value = line.rsplit(' ').next().expect("value");
        value
            .parse::<f64>()
            .unwrap_or_else(|_| panic!("bad value in {line}"));
    }
    assert!(
        text.contains("rampart_findings{status=\"fail\",severity=\"high\",category=\"secrets\"} 1"),
        "{text}"
    );
    assert!(text.contains("rampart_check_passed{id=\"t.token\"} 0"));
    assert!(
        text.contains("rampart_findings{status=\"error\",severity=\"high\",category=\"tls\"} 1"),
        "{text}"
    );
    for m in [
        "rampart_audit_duration_seconds ",
        "rampart_audit_timestamp_seconds ",
    ] {
        assert!(text.contains(m), "{m} in {text}");
    }
}

// ---------------------------------------------------------------------------------------
// JSON Schema: a small validator for the subset schemars emits ($ref, type, properties,
// required, items, enum, const, anyOf/oneOf, additionalProperties), so real reports are
// checked against the generated schema without a second HTTP stack from a validator crate.

fn validate(schema: &Value, root: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.strip_prefix("#/$defs/").expect("local ref");
        return validate(&root["$defs"][name], root, value, at, errors);
    }
    if let Some(types) = match &schema["type"] {
        Value::String(t) => Some(vec![t.as_str()]),
        Value::Array(ts) => Some(ts.iter().filter_map(Value::as_str).collect()),
        _ => None,
    } {
        let ok = types.iter().any(|t| match *t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            _ => false,
        });
        if !ok {
            errors.push(format!("{at}: {value} is not {types:?}"));
            return;
        }
    }
    if let Some(options) = schema["enum"].as_array() {
        if !options.contains(value) {
            errors.push(format!("{at}: {value} not in {options:?}"));
        }
    }
    if let Some(c) = schema.get("const") {
        if c != value {
            errors.push(format!("{at}: {value} is not {c}"));
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alternatives) = schema[key].as_array() {
            let matching = alternatives
                .iter()
                .filter(|s| {
                    let mut e = Vec::new();
                    validate(s, root, value, at, &mut e);
                    e.is_empty()
                })
                .count();
            if matching == 0 || (key == "oneOf" && matching > 1) {
                errors.push(format!("{at}: {matching} alternatives of {key} match"));
            }
        }
    }
    if let (Some(props), Some(obj)) = (schema["properties"].as_object(), value.as_object()) {
        for req in schema["required"].as_array().into_iter().flatten() {
            let req = req.as_str().expect("required name");
            if !obj.contains_key(req) {
                errors.push(format!("{at}: missing required {req}"));
            }
        }
        for (k, v) in obj {
            match props.get(k) {
                Some(s) => validate(s, root, v, &format!("{at}.{k}"), errors),
                None if schema["additionalProperties"] == Value::Bool(false) => {
                    errors.push(format!("{at}: unexpected property {k}"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), value.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            validate(items, root, v, &format!("{at}[{i}]"), errors);
        }
    }
}

fn schema_errors(schema: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    validate(schema, schema, value, "$", &mut errors);
    errors
}

#[test]
fn real_reports_validate_against_the_generated_schema() {
    let schema = run(&["schema"]);
    assert_eq!(schema.code, 0);
    let schema = schema.json();
    assert!(schema["$schema"]
        .as_str()
        .unwrap_or("")
        .contains("json-schema.org"));
    let fx = Fixture::new(&format!("OTHER={STRONG_2}\nTOKEN={WEAK}\n"), 0o600);
    let waivers = fx.path("w.toml");
    std::fs::write(&waivers, "[[waiver]]\nid = \"t.token\"\nreason = \"tracked\"\n[[waiver]]\nid = \"t.none\"\nreason = \"stale\"\n").expect("waivers");
    let first = fx.audit(&["--json", "--url", "https://127.0.0.1:1", "--timeout", "1"]);
    std::fs::write(fx.path("base.json"), &first.stdout).expect("baseline");
    let base = fx.path("base.json");
    let out = fx.audit(&["--json", "--waivers", &waivers, "--baseline", &base]);
    let report = out.json();
    assert!(report["findings"][0].get("change").is_some() || report["baseline"].is_object());
    for (label, r) in [("first", first.json()), ("waived+baseline", report.clone())] {
        let errors = schema_errors(&schema, &r);
        assert!(errors.is_empty(), "{label}: {errors:#?}");
    }
    // The validator can fail: a report without findings, or with an unknown status, does not pass.
    let mut broken = report.clone();
    broken.as_object_mut().expect("object").remove("findings");
    assert!(!schema_errors(&schema, &broken).is_empty());
    let mut broken = report;
    broken["findings"][0]["status"] = Value::String("maybe".into());
    assert!(!schema_errors(&schema, &broken).is_empty());

    let fleet_schema = run(&["schema", "--fleet"]).json();
    let targets = fx.path("targets.toml");
    let root = fx.path("");
    let profile = fx.path("p.toml");
    std::fs::write(
        &targets,
        format!("[[target]]\nname = \"a\"\nroot = {root:?}\nprofile_file = {profile:?}\n\n[[target]]\nname = \"b\"\nroot = {root:?}\nprofile_file = {profile:?}\n"),
    )
    .expect("targets");
    let fleet = run(&["audit", "--targets", &targets, "--json"]);
    let errors = schema_errors(&fleet_schema, &fleet.json());
    assert!(errors.is_empty(), "fleet: {errors:#?}");
}

// ---------------------------------------------------------------------------------------
// Waivers

#[test]
fn a_waiver_stops_a_finding_gating_until_it_expires() {
    let fx = Fixture::new(&format!("OTHER={STRONG_2}\nTOKEN={WEAK}\n"), 0o600);
    let unwaived = fx.audit(&["--json"]);
    assert_eq!(unwaived.code, 1, "{}", summary(&unwaived.json()));

    let waivers = fx.path("w.toml");
    std::fs::write(
        &waivers,
        "[[waiver]]\nid = \"t.token\"\nsubject = \"TOKEN\"\nreason = \"rotation tracked in OPS-12\"\nexpires = 2999-01-01\n",
    )
    .expect("waivers");
    let future = fx.audit(&["--json", "--waivers", &waivers]);
    assert_eq!(
        future.code,
        0,
        "{}\n{}",
        future.stderr,
        summary(&future.json())
    );
    let r = future.json();
    let token = findings(&r, "t.token")[0];
    assert_eq!(token["status"], "fail", "a waiver keeps the status");
    assert_eq!(token["waiver"]["reason"], "rotation tracked in OPS-12");
    assert_eq!(token["waiver"]["expired"], false);
    assert_eq!(r["summary"]["waived"], 1);
    let text = fx.audit(&["--waivers", &waivers, "--color", "never"]);
    assert!(
        text.stdout.contains("WAIVED") && text.stdout.contains("OPS-12"),
        "{}",
        text.stdout
    );
    let md = fx.audit(&["--waivers", &waivers, "--format", "markdown"]);
    assert!(
        md.stdout.contains("waived: rotation tracked"),
        "{}",
        md.stdout
    );

    std::fs::write(
        &waivers,
        "[[waiver]]\nid = \"t.token\"\nreason = \"rotation tracked in OPS-12\"\nexpires = \"2020-01-01\"\n\n\
         [[waiver]]\nid = \"t.other\"\nreason = \"was weak once\"\n",
    )
    .expect("waivers");
    let past = fx.audit(&["--json", "--waivers", &waivers]);
    assert_eq!(past.code, 1, "an expired waiver gates again");
    let r = past.json();
    let token = findings(&r, "t.token")[0];
    assert_eq!(token["waiver"]["expired"], true);
    let expired = findings(&r, "rampart.waiver-expired");
    assert_eq!(expired.len(), 1, "{}", summary(&r));
    assert_eq!(expired[0]["status"], "warn");
    assert!(expired[0]["message"]
        .as_str()
        .unwrap_or("")
        .contains("2020-01-01"));
    let sarif = fx.audit(&["--waivers", &waivers, "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&sarif.stdout).expect("sarif");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for id in ["rampart.waiver-expired", "rampart.waiver-unmatched"] {
        assert!(rules.iter().any(|r| r["id"] == id), "SARIF rule for {id}");
    }
    let stale = findings(&r, "rampart.waiver-unmatched");
    assert_eq!(
        stale.len(),
        1,
        "the t.other waiver matches no failing finding"
    );
    assert_eq!(stale[0]["status"], "warn");
    assert!(stale[0]["subject"]
        .as_str()
        .unwrap_or("")
        .contains("t.other"));

    std::fs::write(&waivers, "[[waiver]]\nid = \"t.token\"\n").expect("waivers");
    let no_reason = fx.audit(&["--waivers", &waivers]);
    assert_eq!(no_reason.code, 2, "{}", no_reason.stderr);
    assert!(no_reason.stderr.contains("reason"), "{}", no_reason.stderr);
}

#[test]
fn a_profile_can_carry_waivers_and_one_without_a_reason_is_refused() {
    let fx = Fixture::new(&format!("OTHER={STRONG_2}\nTOKEN={WEAK}\n"), 0o600);
    let own = fx.path("own.toml");
    std::fs::write(
        &own,
        format!(
            "name = \"own\"\ntitle = \"own\"\nextends = {:?}\n\n[[waiver]]\nid = \"t.token\"\nreason = \"accepted for staging\"\n",
            fx.path("p.toml")
        ),
    )
    .expect("profile");
    let root = fx.path("");
    let out = run(&["audit", "--profile-file", &own, "--root", &root, "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        findings(&out.json(), "t.token")[0]["waiver"]["reason"],
        "accepted for staging"
    );
    std::fs::write(
        &own,
        "name = \"own\"\ntitle = \"own\"\n\n[[waiver]]\nid = \"t.token\"\n",
    )
    .expect("profile");
    let bad = run(&["audit", "--profile-file", &own, "--root", &root]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("reason"), "{}", bad.stderr);
}

// ---------------------------------------------------------------------------------------
// Baselines

#[test]
fn a_baseline_marks_findings_new_unchanged_or_resolved_and_fail_on_new_gates_regressions() {
    // Before: TOKEN weak, OTHER strong, .env world-readable.
    let fx = Fixture::new(&format!("OTHER={STRONG_2}\nTOKEN={WEAK}\n"), 0o644);
    let before = fx.audit(&["--json"]);
    assert_eq!(before.code, 1);
    let base = fx.path("before.json");
    std::fs::write(&base, &before.stdout).expect("baseline");
    // After: the mode was fixed, OTHER was replaced by a weak value, TOKEN is still weak.
    write(
        fx.dir.path(),
        ".env",
        &format!("OTHER={WEAK_2}\nTOKEN={WEAK}\n"),
        0o600,
    );
    let after = fx.audit(&["--json", "--baseline", &base]);
    let r = after.json();
    let change = |id: &str| findings(&r, id)[0]["change"].clone();
    assert_eq!(change("t.token"), "unchanged", "{}", summary(&r));
    assert_eq!(change("t.other"), "new");
    assert_eq!(change("t.mode"), "resolved");
    assert_eq!(r["baseline"]["new"], 1);
    assert_eq!(r["baseline"]["unchanged"], 1);
    let resolved = r["baseline"]["resolved"].as_array().expect("resolved list");
    assert_eq!(resolved.len(), 1);
    assert_eq!(resolved[0]["id"], "t.mode");
    assert_eq!(resolved[0]["now"], "pass");

    let gate_new = fx.audit(&["--baseline", &base, "--fail-on", "new"]);
    assert_eq!(gate_new.code, 1, "the new OTHER failure gates");
    assert!(
        gate_new.stdout.contains("NEW") && gate_new.stdout.contains("RESOLVED"),
        "{}",
        gate_new.stdout
    );
    // Against a baseline that already has both failures, nothing is new: exit 0.
    let now = fx.path("now.json");
    std::fs::write(&now, &after.stdout).expect("baseline");
    let no_regression = fx.audit(&["--baseline", &now, "--fail-on", "new"]);
    assert_eq!(no_regression.code, 0, "{}", no_regression.stdout);
    let plain = fx.audit(&["--baseline", &now]);
    assert_eq!(
        plain.code, 1,
        "without --fail-on new every failure still gates"
    );
    let missing = fx.audit(&["--fail-on", "new"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("--baseline"), "{}", missing.stderr);
}

// ---------------------------------------------------------------------------------------
// Fleets

#[test]
fn a_fleet_reports_each_target_then_a_summary_with_one_exit_code() {
    let clean = Fixture::new(&format!("OTHER={STRONG_2}\nTOKEN={STRONG}\n"), 0o600);
    let flawed = Fixture::new(&format!("OTHER={STRONG_2}\nTOKEN={WEAK}\n"), 0o600);
    let targets = clean.path("targets.toml");
    std::fs::write(
        &targets,
        format!(
            "[[target]]\nname = \"web-1\"\nroot = {:?}\nprofile_file = {:?}\n\n\
             [[target]]\nname = \"web-2\"\nroot = {:?}\nprofile_file = {:?}\n",
            clean.path(""),
            clean.path("p.toml"),
            flawed.path(""),
            flawed.path("p.toml"),
        ),
    )
    .expect("targets");
    let text = run(&["audit", "--targets", &targets, "--color", "never"]);
    assert_eq!(text.code, 1, "{}", text.stderr);
    assert!(text.stdout.contains("target web-1") && text.stdout.contains("target web-2"));
    let table = text
        .stdout
        .split("Fleet summary")
        .nth(1)
        .expect("fleet summary table");
    assert!(
        table.contains("web-1") && table.contains("passed"),
        "{table}"
    );
    assert!(
        table.contains("web-2") && table.contains("FAILED (1)"),
        "{table}"
    );
    assert!(
        text.stderr.is_empty(),
        "no progress line when piped: {}",
        text.stderr
    );

    let json = run(&["audit", "--targets", &targets, "--json"]);
    assert_eq!(json.code, 1);
    let fleet = json.json();
    assert_eq!(fleet["kind"], "fleet");
    assert_eq!(fleet["summary"]["targets"], 2);
    assert_eq!(fleet["summary"]["gated_targets"], 1);
    assert_eq!(fleet["targets"][1]["name"], "web-2");
    assert_eq!(fleet["targets"][1]["gated"], 1);
    assert_eq!(fleet["targets"][0]["report"]["profile"], "t");
    assert_no_secret("fleet json", &json.stdout);

    let prom = run(&["audit", "--targets", &targets, "--format", "prometheus"]);
    assert!(
        prom.stdout
            .contains("rampart_check_passed{target=\"web-2\",id=\"t.token\"} 0"),
        "{}",
        prom.stdout
    );
    let sarif = run(&["audit", "--targets", &targets, "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&sarif.stdout).expect("sarif");
    assert!(sarif["runs"][0]["results"][0]["message"]["text"]
        .as_str()
        .unwrap_or("")
        .starts_with("[web-2]"));

    std::fs::write(
        &targets,
        "[[target]]\nname = \"x\"\nroot = \"/nonexistent-rampart-dir\"\nprofile = \"baseline\"\n",
    )
    .expect("targets");
    let bad = run(&["audit", "--targets", &targets]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("target \"x\""), "{}", bad.stderr);
}

// ---------------------------------------------------------------------------------------
// Comfort

#[test]
fn completions_and_man_page_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(
            out.stdout.contains("rampart") && out.stdout.contains("--baseline"),
            "{shell}"
        );
    }
    let man = run(&["man"]);
    assert_eq!(man.code, 0);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH rampart"),
        "{}",
        &man.stdout[..200.min(man.stdout.len())]
    );
    assert_eq!(run(&["completions", "tcsh"]).code, 2);
}

#[test]
fn report_arguments_are_checked_before_the_audit() {
    let fx = Fixture::new("TOKEN=x\n", 0o600);
    let bad = fx.audit(&["--report", "xml:out.xml"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("unknown format"), "{}", bad.stderr);
    let nowhere = fx.audit(&["--report", "sarif:/nonexistent-rampart-dir/r.sarif"]);
    assert_eq!(nowhere.code, 2, "{}", nowhere.stderr);
}

#[test]
fn forged_names_cannot_break_any_format() {
    let fx = Fixture::new("TOKEN=x\n", 0o600);
    // An env file reached through a name with a newline, escape codes and a bidi override.
    let forged = fx
        .dir
        .path()
        .join("x\n| ✔ pass | <b>forged<b>\u{1b}[32m\u{202e}");
    std::fs::rename(fx.dir.path().join(".env"), &forged).expect("rename");
    std::os::unix::fs::symlink(&forged, fx.dir.path().join(".env")).expect("symlink");
    let out = |format: &str| fx.audit(&["--format", format]).stdout;
    let md = out("markdown");
    assert!(!md.contains('\u{1b}') && !md.contains('\u{202e}'), "{md}");
    assert!(!md.contains("<b>"), "{md}");
    assert!(!md.lines().any(|l| l.starts_with("| ✔ pass")), "{md}");
    let junit = out("junit");
    roxmltree::Document::parse(&junit).expect("JUnit still parses");
    assert!(!junit.contains('\u{1b}'));
    let sarif: Value = serde_json::from_str(&out("sarif")).expect("SARIF still parses");
    assert!(sarif["runs"][0]["results"].is_array());
    let prom = out("prometheus");
    assert!(
        prom.lines()
            .all(|l| l.starts_with('#') || l.starts_with("rampart_")),
        "{prom}"
    );
}

/// A TCP server that accepts and never answers, so the audit waits out its timeout.
fn silent_server() -> (std::net::TcpListener, u16) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    (l, port)
}

/// Runs the binary on a pseudo-terminal with `script` (util-linux) and returns what the
/// terminal showed (stdout goes to /dev/null, so this is stderr).
fn on_terminal(args: &[String]) -> String {
    let log = TempDir::new().expect("tempdir");
    let transcript = log.path().join("t");
    let command = std::iter::once(env!("CARGO_BIN_EXE_rampart").to_string())
        .chain(args.iter().map(|a| format!("'{a}'")))
        .collect::<Vec<_>>()
        .join(" ")
        + " > /dev/null";
    let status = std::process::Command::new("script")
        .args(["-qec", &command])
        .arg(&transcript)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status()
        .expect("`script` (util-linux) is needed for this test");
    assert!(status.code().is_some());
    String::from_utf8_lossy(&std::fs::read(&transcript).expect("transcript")).into_owned()
}

#[test]
fn a_progress_line_shows_on_a_terminal_for_a_slow_run_only() {
    let fx = Fixture::new("TOKEN=x\n", 0o600);
    let (_server, port) = silent_server();
    let base: Vec<String> = [
        "audit",
        "--profile-file",
        &fx.path("p.toml"),
        "--root",
        &fx.path(""),
        "--url",
        &format!("https://127.0.0.1:{port}"),
        "--timeout",
        "1",
        "--only",
        "tls",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let shown = on_terminal(&base);
    assert!(shown.contains("auditing t"), "{shown}");
    let quiet = on_terminal(&[base.clone(), vec!["--quiet".into()]].concat());
    assert!(!quiet.contains("auditing"), "{quiet}");
    let fast = on_terminal(&[
        "audit".into(),
        "--profile-file".into(),
        fx.path("p.toml"),
        "--root".into(),
        fx.path(""),
    ]);
    assert!(
        !fast.contains("auditing"),
        "a quick run shows no progress: {fast}"
    );
    let rest: Vec<&str> = base[5..].iter().map(String::as_str).collect();
    let piped = fx.audit(&rest);
    assert!(!piped.stderr.contains("auditing"), "{}", piped.stderr);
}
