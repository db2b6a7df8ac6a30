//! SARIF 2.1.0, as GitHub code scanning reads it: one rule per check id (descriptions, help =
//! remediation, `security-severity`), one result per failing finding with a level, a message
//! and a location. Local findings point at the env or compose file and line that caused them;
//! network findings point at the check's table in the profile, with the URL in the message.
//! Waived findings carry an external suppression with the waiver's reason.

use super::rules::Rule;
use super::Entry;
use crate::finding::{Severity, Status};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// GitHub's scale: 9.0+ critical, 7.0+ high, 4.0+ medium, 0.1+ low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn level(status: Status, severity: Severity) -> &'static str {
    match (status, severity) {
        (_, Severity::Info) => "note",
        (Status::Fail | Status::Error, _) => "error",
        _ => "warning",
    }
}

/// A file path as an artifact URI: relative paths stay relative to the checkout
/// (`%SRCROOT%`), so code scanning shows the line; absolute ones become `file://` URIs.
fn artifact(path: &str) -> Value {
    let p = Path::new(path);
    let relative = if p.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf))
    } else {
        Some(p.to_path_buf())
    };
    match relative {
        Some(rel) => {
            let text = rel.display().to_string();
            let text = text.strip_prefix("./").unwrap_or(&text).to_string();
            json!({ "uri": uri_escape(&text), "uriBaseId": "%SRCROOT%" })
        }
        None => json!({ "uri": format!("file://{}", uri_escape(path)) }),
    }
}

/// Percent-encodes what may not appear in a URI reference path.
fn uri_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn rule_json(rule: &Rule) -> Value {
    let full = if rule.rationale.is_empty() {
        &rule.title
    } else {
        &rule.rationale
    };
    json!({
        "id": rule.id,
        "name": rule.id,
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": full },
        "help": { "text": rule.remediation, "markdown": rule.remediation },
        "defaultConfiguration": { "level": level(Status::Fail, rule.severity) },
        "properties": {
            "security-severity": security_severity(rule.severity),
            "tags": ["security", rule.category.as_str()],
        },
    })
}

/// A stable identity for a finding across runs (id + subject + target), so code scanning
/// tracks one alert instead of opening a new one each run.
fn fingerprint(parts: &[&str]) -> String {
    // FNV-1a, 64 bits: stable across versions and platforms, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0u8]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

pub fn render(entries: &[Entry]) -> String {
    let mut rules: BTreeMap<&str, &Rule> = BTreeMap::new();
    for e in entries {
        for r in &e.rules {
            rules.entry(r.id.as_str()).or_insert(r);
        }
    }
    let rule_index: BTreeMap<&str, usize> =
        rules.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut results = Vec::new();
    for e in entries {
        let url = e.report.target.url.as_deref();
        for f in &e.report.findings {
            if !matches!(f.status, Status::Fail | Status::Warn | Status::Error) {
                continue;
            }
            let rule = rules.get(f.id.as_str());
            let local = f.location.file.as_deref();
            let location = match (local, rule) {
                (Some(file), _) => json!({
                    "physicalLocation": {
                        "artifactLocation": artifact(file),
                        "region": { "startLine": f.location.line.unwrap_or(1) },
                    }
                }),
                (None, Some(rule)) => json!({
                    "physicalLocation": {
                        "artifactLocation": artifact(&rule.file),
                        "region": { "startLine": rule.line },
                    }
                }),
                // A finding with neither (rampart's own warnings without a file) points at
                // the install directory.
                (None, None) => json!({
                    "physicalLocation": { "artifactLocation": artifact(&e.report.target.root) }
                }),
            };
            let mut text = String::new();
            if let Some(name) = &e.name {
                text.push_str(&format!("[{name}] "));
            }
            text.push_str(&format!("{}: {}", f.title, f.message));
            if local.is_none() {
                if let Some(url) = url {
                    text.push_str(&format!(" (URL {url}"));
                    if let Some(path) = &f.location.path {
                        text.push_str(&format!(", path {path}"));
                    }
                    text.push(')');
                }
            }
            text.push_str(&format!(" Subject: {}.", f.subject));
            if !f.actual.is_empty() {
                text.push_str(&format!(" Found: {}.", f.actual));
            }
            if !f.expected.is_empty() {
                text.push_str(&format!(" Expected: {}.", f.expected));
            }
            let mut result = json!({
                "ruleId": f.id,
                "level": level(f.status, f.severity),
                "message": { "text": text },
                "locations": [location],
                "partialFingerprints": {
                    "rampartFinding/v1": fingerprint(&[
                        e.name.as_deref().unwrap_or(""), &f.id, &f.subject,
                    ]),
                },
                "properties": {
                    "status": f.status.as_str(),
                    "severity": f.severity.as_str(),
                    "category": f.category.as_str(),
                    "subject": f.subject,
                },
            });
            if let Some(i) = rule_index.get(f.id.as_str()) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(change) = f.change {
                result["baselineState"] = json!(match change {
                    crate::report::annotations::Change::New => "new",
                    crate::report::annotations::Change::Unchanged => "unchanged",
                    crate::report::annotations::Change::Resolved => "absent",
                });
            }
            if let Some(w) = f.waiver.as_ref().filter(|w| !w.expired) {
                result["suppressions"] = json!([{ "kind": "external", "justification": w.reason }]);
            }
            results.push(result);
        }
    }
    let version = entries
        .first()
        .map(|e| e.report.tool.version)
        .unwrap_or(env!("CARGO_PKG_VERSION"));
    let doc = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "rampart",
                "version": version,
                "semanticVersion": version,
                "rules": rules.values().map(|r| rule_json(r)).collect::<Vec<_>>(),
            }},
            "automationDetails": { "id": "rampart/" },
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| {
        json!({ "version": "2.1.0", "runs": [], "error": e.to_string() }).to_string()
    });
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_uris_are_relative_when_they_can_be_and_escaped() {
        assert_eq!(artifact("profiles/koda.toml")["uri"], "profiles/koda.toml");
        assert_eq!(artifact("./a b.env")["uri"], "a%20b.env");
        assert_eq!(artifact("./a b.env")["uriBaseId"], "%SRCROOT%");
        let abs = artifact("/nonexistent-root/x/.env");
        assert_eq!(abs["uri"], "file:///nonexistent-root/x/.env");
        assert!(abs.get("uriBaseId").is_none());
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
    }
}
