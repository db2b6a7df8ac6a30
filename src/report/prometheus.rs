//! Prometheus text exposition format, for node_exporter's textfile collector: base units
//! (seconds), `rampart_` prefix, HELP and TYPE once per metric, escaped label values. A fleet
//! adds a `target` label to every series.

use super::{Entry, Report};
use crate::finding::Status;
use std::collections::BTreeMap;
use std::fmt::Write;

/// A label value: backslash, double quote and line feed escaped, as the format requires.
pub fn label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

struct Metric {
    name: &'static str,
    help: &'static str,
    samples: Vec<(String, f64)>,
}

fn labels(target: Option<&str>, pairs: &[(&str, &str)]) -> String {
    let mut all: Vec<String> = Vec::new();
    if let Some(t) = target {
        all.push(format!("target=\"{}\"", label(t)));
    }
    all.extend(pairs.iter().map(|(k, v)| format!("{k}=\"{}\"", label(v))));
    if all.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", all.join(","))
    }
}

/// 1 when every finding of the check passed (waived ones count as accepted), 0 when one
/// failed, warned or errored; checks with only skips are not exported (nothing was examined).
fn passed_by_check(report: &Report) -> BTreeMap<&str, Option<bool>> {
    let mut by_id: BTreeMap<&str, Option<bool>> = BTreeMap::new();
    for f in &report.findings {
        let verdict = match f.status {
            Status::Skip => None,
            Status::Pass => Some(true),
            _ => Some(f.is_waived()),
        };
        let slot = by_id.entry(f.id.as_str()).or_insert(None);
        *slot = match (*slot, verdict) {
            (Some(a), Some(b)) => Some(a && b),
            (a, b) => a.or(b),
        };
    }
    by_id
}

pub fn render(entries: &[Entry]) -> String {
    let fleet = super::is_fleet(entries);
    let mut findings = Metric {
        name: "rampart_findings",
        help: "Findings of the last audit, by status, severity and category.",
        samples: Vec::new(),
    };
    let mut passed = Metric {
        name: "rampart_check_passed",
        help: "1 when every finding of the check passed or is waived, 0 when one failed, warned or errored.",
        samples: Vec::new(),
    };
    let mut expiry = Metric {
        name: "rampart_certificate_expiry_seconds",
        help: "Unix time at which the examined leaf certificate expires.",
        samples: Vec::new(),
    };
    let mut duration = Metric {
        name: "rampart_audit_duration_seconds",
        help: "Wall time of the last audit.",
        samples: Vec::new(),
    };
    let mut timestamp = Metric {
        name: "rampart_audit_timestamp_seconds",
        help: "Unix time at which the last audit started.",
        samples: Vec::new(),
    };
    for e in entries {
        let target = if fleet {
            Some(e.name.as_deref().unwrap_or(&e.report.profile))
        } else {
            None
        };
        let r = &e.report;
        let mut counts: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
        for f in &r.findings {
            *counts
                .entry((f.status.as_str(), f.severity.as_str(), f.category.as_str()))
                .or_default() += 1;
        }
        for ((status, severity, category), n) in counts {
            findings.samples.push((
                labels(
                    target,
                    &[
                        ("status", status),
                        ("severity", severity),
                        ("category", category),
                    ],
                ),
                n as f64,
            ));
        }
        for (id, verdict) in passed_by_check(r) {
            if let Some(ok) = verdict {
                passed
                    .samples
                    .push((labels(target, &[("id", id)]), if ok { 1.0 } else { 0.0 }));
            }
        }
        for c in &r.certificates {
            let port = c.port.to_string();
            expiry.samples.push((
                labels(target, &[("host", &c.host), ("port", &port)]),
                c.not_after_unix as f64,
            ));
        }
        duration
            .samples
            .push((labels(target, &[]), r.duration_ms as f64 / 1000.0));
        timestamp
            .samples
            .push((labels(target, &[]), r.started_unix as f64));
    }
    let mut out = String::new();
    for m in [findings, passed, expiry, duration, timestamp] {
        if m.samples.is_empty() {
            continue;
        }
        let _ = writeln!(out, "# HELP {} {}", m.name, m.help);
        let _ = writeln!(out, "# TYPE {} gauge", m.name);
        for (labels, value) in m.samples {
            let _ = writeln!(out, "{}{labels} {value}", m.name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        assert_eq!(labels(Some("t"), &[("id", "x")]), "{target=\"t\",id=\"x\"}");
        assert_eq!(labels(None, &[]), "");
    }
}
