//! http.health: a health endpoint answers the expected status and JSON, and leaks none of the
//! audited env files' secrets. A leak names the variable, never the value.

use super::{judge_need, located, no_answer, shown};
use crate::checks::{Judgement, Kind};
use crate::facts::compose::model::ComposeState;
use crate::facts::env::EnvState;
use crate::facts::http::HttpNeed;
use crate::facts::http::{local_request, HttpError, HttpResponse};
use crate::facts::{Facts, Need};
use crate::finding::{Category, Observation, Severity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpHealth {
    pub path: String,
    #[serde(default = "ok_200")]
    pub status: u16,
    /// Dotted JSON paths and the values they must equal: `json = { status = "ok" }`. An
    /// array lists the values accepted: `json = { status = ["ok", "healthy"] }`.
    #[serde(default)]
    pub json: BTreeMap<String, serde_json::Value>,
    /// Variables whose values must never appear, on top of those whose names say secret.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secret_vars: Vec<String>,
    /// Ask the service on this port of the audited host itself (through loopback) instead of
    /// at `--url`: services behind the proxy (OCMT's relay on 5000, Koda's control plane on
    /// 8090) are not public, and their health is checked where they run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_port: Option<u16>,
}

fn ok_200() -> u16 {
    200
}

/// Name parts that mark an env variable as a secret to look for in the answer.
const SECRET_NAME_PARTS: [&str; 7] = [
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "TOKEN",
    "KEY",
    "CREDENTIAL",
    "PRIVATE",
];

impl Kind for HttpHealth {
    const TAG: &'static str = "http.health";
    const CATEGORY: Category = Category::Http;

    fn needs(&self) -> Vec<Need> {
        match self.service_port {
            // Found on this host's listeners at judge time; nothing to ask of --url.
            Some(_) => Vec::new(),
            None => vec![Need::Http(HttpNeed::get(&self.path))],
        }
    }

    fn validate(&self) -> Result<(), String> {
        if self.service_port == Some(0) {
            return Err("`service_port` must be 1-65535".into());
        }
        Ok(())
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        let rules = HealthRules {
            status: self.status,
            fields: self
                .json
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        };
        let secrets = env_secrets(facts, &self.secret_vars);
        let Some(port) = self.service_port else {
            return judge_need(facts, &HttpNeed::get(&self.path), |_, outcome| {
                judge(outcome, &rules, &secrets)
            });
        };
        let addr = facts.exposure().local_service(port)?;
        let request = local_request(addr, &self.path)?;
        let http = facts.http();
        let outcome = http.fetch_all(std::slice::from_ref(&request))?.remove(0);
        Ok(located(&http, &request, judge(&outcome, &rules, &secrets)))
    }
}

/// A secret to look for in answers; only `var` and `what` are ever shown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnvSecret {
    pub var: String,
    /// How a finding names it: "the value of JWT_SECRET", "the password in DATABASE_URL".
    pub what: String,
    pub value: String,
}

impl EnvSecret {
    pub fn value_of(var: &str, value: &str) -> EnvSecret {
        EnvSecret {
            var: var.to_string(),
            what: format!("the value of {var}"),
            value: value.to_string(),
        }
    }
}

/// Every secret in every audited env file: variables whose names say secret (and `extra`),
/// each comma-separated entry of them (`VALID_API_KEYS=k1,k2`), and the password inside any
/// URL or DSN (`DATABASE_URL=postgres://app:PASS@db/app`).
fn env_secrets(facts: &Facts, extra: &[String]) -> Vec<EnvSecret> {
    let mut out: Vec<EnvSecret> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut add = |secret: EnvSecret| {
        if seen.insert(secret.clone()) {
            out.push(secret);
        }
    };
    for file in facts.env_files() {
        let EnvState::Parsed(parsed) = &file.state else {
            continue;
        };
        for (name, var) in &parsed.vars {
            let upper = name.to_ascii_uppercase();
            if extra.contains(name) || SECRET_NAME_PARTS.iter().any(|p| upper.contains(p)) {
                add(EnvSecret::value_of(name, &var.value));
                for entry in var.value.split(',').map(str::trim) {
                    add(EnvSecret::value_of(name, entry));
                }
            }
            for password in crate::dsn::passwords(&var.value) {
                add(EnvSecret {
                    var: name.clone(),
                    what: format!("the password in {name}"),
                    value: password,
                });
            }
        }
    }
    // The compose project `.env` (POSTGRES_PASSWORD and the like), when there is a project.
    if let ComposeState::Loaded(project) = facts.compose() {
        for (name, value) in &project.env_secrets.0 {
            add(EnvSecret {
                var: name.clone(),
                what: format!("a secret of the compose project's .env ({name})"),
                value: value.clone(),
            });
        }
    }
    out
}

/// Secret values shorter than this are not searched for: they would match by chance.
pub const MIN_SECRET_LEN: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub struct HealthRules {
    pub status: u16,
    /// Dotted path into the JSON body (`status`, `checks.db`) and the value it must equal.
    pub fields: Vec<(String, serde_json::Value)>,
}

/// `secrets` are those of the audited env files.
pub fn judge(
    outcome: &Result<HttpResponse, HttpError>,
    rules: &HealthRules,
    secrets: &[EnvSecret],
) -> Vec<Observation> {
    let response = match outcome {
        Ok(r) => r,
        Err(e) => return vec![no_answer(e.url(), e)],
    };
    let subject = response.url.as_str();
    let mut out = leaks(response, secrets);
    let expected = std::iter::once(format!("status {}", rules.status))
        .chain(rules.fields.iter().map(|(p, v)| match v {
            serde_json::Value::Array(any) => format!(
                "{p} one of {}",
                any.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
            ),
            v => format!("{p} == {v}"),
        }))
        .collect::<Vec<_>>()
        .join(", ");
    if response.status != rules.status {
        out.push(
            Observation::fail(
                subject,
                format!("answers {} instead of {}", response.status, rules.status),
            )
            .expected(expected)
            .actual(format!("status {}", response.status)),
        );
        return out;
    }
    if rules.fields.is_empty() {
        out.push(
            Observation::pass(subject, format!("answers {}", response.status)).expected(expected),
        );
        return out;
    }
    if response.body_truncated {
        out.push(
            Observation::error(subject, "the body is over 1 MiB; not read as JSON")
                .expected(expected),
        );
        return out;
    }
    let json: serde_json::Value = match serde_json::from_slice(&response.body) {
        Ok(j) => j,
        Err(e) => {
            out.push(
                Observation::fail(subject, format!("the body is not JSON ({e})"))
                    .expected(expected)
                    .actual(format!(
                        "{} bytes, content-type {}",
                        response.body.len(),
                        response
                            .header("content-type")
                            .map(shown)
                            .unwrap_or_else(|| "absent".into())
                    )),
            );
            return out;
        }
    };
    let mut wrong = Vec::new();
    let mut seen = Vec::new();
    for (path, want) in &rules.fields {
        let got = path.split('.').try_fold(&json, |v, key| v.get(key));
        let got_text = got
            .map(|v| shown(&v.to_string()))
            .unwrap_or_else(|| "absent".into());
        seen.push(format!("{path} = {got_text}"));
        let accepted = match want {
            serde_json::Value::Array(any) => got.is_some_and(|g| any.contains(g)),
            want => got == Some(want),
        };
        if !accepted {
            wrong.push(format!("{path} is {got_text}, expected {want}"));
        }
    }
    let o = if wrong.is_empty() {
        Observation::pass(
            subject,
            format!("answers {} with {}", response.status, seen.join(", ")),
        )
    } else {
        Observation::fail(subject, wrong.join("; "))
    };
    out.push(o.expected(expected).actual(seen.join(", ")));
    out
}

/// The forms a value takes when a server echoes it: as is, escaped inside a JSON string
/// (`"` and `\\`, and `/` as `\/` the way PHP writes it), and percent-encoded inside a URL.
fn echoed_forms(value: &str) -> Vec<Vec<u8>> {
    let mut forms = vec![value.to_string()];
    if let Ok(quoted) = serde_json::to_string(value) {
        // serde_json wraps the string in exactly one pair of quotes.
        let json = quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .unwrap_or(&quoted)
            .to_string();
        forms.push(json.replace('/', "\\/"));
        forms.push(json);
    }
    let percent: String = value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    forms.push(percent);
    forms.sort();
    forms.dedup();
    forms.into_iter().map(String::into_bytes).collect()
}

/// Secrets searched in one answer at most; env files hold far fewer. Past it the search is
/// reported as incomplete (an error), never as clean.
const MAX_SEARCHED_SECRETS: usize = 4096;

fn leaks(response: &HttpResponse, secrets: &[EnvSecret]) -> Vec<Observation> {
    let subject = |var: &str| format!("{} {var}", response.url);
    let searched: Vec<&EnvSecret> = secrets
        .iter()
        .filter(|s| s.value.len() >= MIN_SECRET_LEN)
        .collect();
    let mut out = Vec::new();
    if searched.len() > MAX_SEARCHED_SECRETS {
        out.push(Observation::error(
            subject("secrets"),
            format!(
                "the env files hold {} secret values; only the first {MAX_SEARCHED_SECRETS} were searched for in the answer",
                searched.len()
            ),
        ));
    }
    let searched = &searched[..searched.len().min(MAX_SEARCHED_SECRETS)];
    // Every echoed form of every secret, each pattern knowing whose it is.
    let (patterns, owners): (Vec<Vec<u8>>, Vec<usize>) = searched
        .iter()
        .enumerate()
        .flat_map(|(i, s)| echoed_forms(&s.value).into_iter().map(move |f| (f, i)))
        .unzip();
    if patterns.is_empty() {
        return out;
    }
    let automaton = match aho_corasick::AhoCorasick::new(&patterns) {
        Ok(a) => a,
        Err(e) => {
            out.push(Observation::error(
                subject("secrets"),
                format!("cannot search the answer for secrets: {e}"),
            ));
            return out;
        }
    };
    // Which secrets each part of the answer holds.
    let mut places: Vec<Vec<String>> = vec![Vec::new(); searched.len()];
    let parts = std::iter::once(("the body".to_string(), response.body.as_slice())).chain(
        response
            .headers
            .iter()
            .map(|(name, value)| (format!("header {name}"), value.as_bytes())),
    );
    for (place, haystack) in parts {
        let mut found = vec![false; searched.len()];
        // Overlapping matches: a secret inside another is found too. One match per pattern
        // position at most, so the walk is bounded by the answer's size times the patterns.
        for m in automaton.find_overlapping_iter(haystack) {
            found[owners[m.pattern().as_usize()]] = true;
        }
        for (i, hit) in found.into_iter().enumerate() {
            if hit {
                places[i].push(place.clone());
            }
        }
    }
    let mut reported: Vec<&str> = Vec::new();
    for (secret, places) in searched.iter().zip(places) {
        if places.is_empty() || reported.contains(&secret.var.as_str()) {
            continue;
        }
        reported.push(&secret.var);
        out.push(
            Observation::fail(
                subject(&secret.var),
                format!("{} appears in {}", secret.what, places.join(" and ")),
            )
            .expected("no secret from the env files in the response")
            .actual(format!("{} leaked (value not shown)", secret.var))
            .severity(Severity::Critical),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::http::testutil::{response, with_body};
    use crate::finding::Status;
    use serde_json::json;

    fn rules(fields: &[(&str, serde_json::Value)]) -> HealthRules {
        HealthRules {
            status: 200,
            fields: fields
                .iter()
                .map(|(p, v)| (p.to_string(), v.clone()))
                .collect(),
        }
    }

    fn run(status: u16, body: &str, r: &HealthRules, secrets: &[EnvSecret]) -> Vec<Observation> {
        judge(
            &Ok(with_body(
                response("https://a.test/health", status, &[]),
                body,
            )),
            r,
            secrets,
        )
    }

    #[test]
    fn status_and_fields() {
        let ok = rules(&[("status", json!("ok"))]);
        assert_eq!(
            run(200, r#"{"status":"ok","db":true}"#, &ok, &[])[0].status,
            Status::Pass
        );
        assert_eq!(
            run(200, r#"{"status":"degraded"}"#, &ok, &[])[0].status,
            Status::Fail
        );
        assert_eq!(
            run(503, r#"{"status":"ok"}"#, &ok, &[])[0].status,
            Status::Fail
        );
        assert_eq!(run(200, "<html>", &ok, &[])[0].status, Status::Fail);
        let nested = rules(&[("ok", json!(true)), ("checks.db", json!("up"))]);
        assert_eq!(
            run(200, r#"{"ok":true,"checks":{"db":"up"}}"#, &nested, &[])[0].status,
            Status::Pass
        );
        assert_eq!(
            run(200, r#"{"ok":"true"}"#, &rules(&[("ok", json!(true))]), &[])[0].status,
            Status::Fail
        );
        let either = rules(&[("status", json!(["ok", "healthy"]))]);
        for body in [r#"{"status":"ok"}"#, r#"{"status":"healthy"}"#] {
            assert_eq!(
                run(200, body, &either, &[])[0].status,
                Status::Pass,
                "{body}"
            );
        }
        let o = run(200, r#"{"status":"degraded"}"#, &either, &[]).remove(0);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("degraded"), "{}", o.message);
        assert_eq!(
            run(200, r#"{"status":["ok"]}"#, &either, &[])[0].status,
            Status::Fail
        );
    }

    #[test]
    fn a_leak_is_critical_and_names_the_variable_only() {
        let secret = "hunter2-very-secret-value".to_string();
        let secrets = vec![
            EnvSecret::value_of("JWT_SECRET", &secret),
            EnvSecret::value_of("SHORT", "ok"),
        ];
        let body = format!(r#"{{"status":"ok","env":{{"JWT_SECRET":"{secret}"}}}}"#);
        let all = run(200, &body, &rules(&[("status", json!("ok"))]), &secrets);
        assert_eq!(all.len(), 2, "{all:?}");
        assert_eq!(all[0].status, Status::Fail);
        assert_eq!(all[0].severity, Some(Severity::Critical));
        assert!(all[0].message.contains("JWT_SECRET"));
        assert!(!format!("{all:?}").contains(&secret));
    }

    #[test]
    fn leaks_are_found_escaped_and_encoded_and_reported_once_per_variable() {
        let password = r#"p@ss/w"rd-0123456789"#;
        let secrets = vec![
            EnvSecret::value_of("ADMIN_PASSWORD", password),
            EnvSecret {
                var: "DATABASE_URL".into(),
                what: "the password in DATABASE_URL".into(),
                value: "dsn-only-password-42".into(),
            },
        ];
        let ok = rules(&[("status", json!("ok"))]);
        let leaked = |body: &str| {
            run(200, body, &ok, &secrets)
                .into_iter()
                .filter(|o| o.severity == Some(Severity::Critical))
                .map(|o| o.message)
                .collect::<Vec<_>>()
        };
        // serde/JSON.stringify escaping, PHP's \/ and a URL's percent-encoding.
        for body in [
            r#"{"status":"ok","p":"p@ss/w\"rd-0123456789"}"#,
            r#"{"status":"ok","p":"p@ss\/w\"rd-0123456789"}"#,
            r#"{"status":"ok","u":"https://x/?p=p%40ss%2Fw%22rd-0123456789"}"#,
        ] {
            assert_eq!(leaked(body).len(), 1, "{body}");
        }
        let both = format!(
            r#"{{"status":"ok","a":"{}","b":"{}"}}"#,
            "dsn-only-password-42", "dsn-only-password-42"
        );
        let found = leaked(&both);
        assert_eq!(
            found,
            vec!["the password in DATABASE_URL appears in the body".to_string()]
        );
        assert!(leaked(r#"{"status":"ok"}"#).is_empty());
    }

    #[test]
    fn a_search_cut_short_is_an_error_never_a_clean_answer() {
        let secrets: Vec<EnvSecret> = (0..=MAX_SEARCHED_SECRETS)
            .map(|i| EnvSecret::value_of("VALID_API_KEYS", &format!("key-{i:08}-abcdef")))
            .collect();
        let body = format!(r#"{{"status":"ok","pad":"{}"}}"#, "x".repeat(BODY_BYTES));
        let all = run(200, &body, &rules(&[("status", json!("ok"))]), &secrets);
        assert_eq!(all[0].status, Status::Error, "{:?}", all[0]);
        assert!(
            all[0].message.contains("only the first"),
            "{}",
            all[0].message
        );
        assert_eq!(all.last().map(|o| o.status), Some(Status::Pass));
    }

    const BODY_BYTES: usize = 1024 * 1024 - 64;
}
