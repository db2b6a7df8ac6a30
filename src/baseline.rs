//! Baselines: compare this audit with an earlier JSON report (`--baseline previous.json`), so a
//! team can adopt rampart on an existing deployment and gate only on regressions
//! (`--fail-on new`).
//!
//! A finding is identified by its check id and subject. A failing finding (fail, warn or
//! error) is `new` when the baseline did not have it failing, `unchanged` when it did; a
//! finding that failed in the baseline and no longer does is `resolved`, and is listed in the
//! summary even when this run has no finding for it at all.

use crate::finding::Status;
pub use crate::report::annotations::{BaselineSummary, Change, ResolvedFinding};
use crate::report::{Report, ReportFinding};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// Largest baseline report read (a fleet of many targets can be large).
const MAX_BASELINE_BYTES: usize = 64 * 1024 * 1024;

/// The part of an earlier report a comparison reads; anything else in it is ignored, so
/// reports from older and newer versions compare.
#[derive(Debug, Clone, Deserialize)]
struct PreviousFinding {
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    subject: String,
    status: Status,
    #[serde(default)]
    location: PreviousLocation,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct PreviousLocation {
    line: Option<usize>,
}

/// The subject without the `:LINE` of its location: a line added above a variable must not
/// make its finding look new.
fn stable_subject(subject: &str, line: Option<usize>) -> String {
    match line {
        Some(line) => subject.replacen(&format!(":{line} "), " ", 1),
        None => subject.to_string(),
    }
}

#[derive(Deserialize)]
struct PreviousReport {
    findings: Vec<PreviousFinding>,
}

#[derive(Deserialize)]
struct PreviousFleetTarget {
    name: String,
    report: PreviousReport,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum PreviousFile {
    Fleet { targets: Vec<PreviousFleetTarget> },
    Single(PreviousReport),
}

/// An earlier report: one audit's findings, or a fleet's by target name.
#[derive(Debug)]
pub struct Baseline {
    file: String,
    single: Option<Vec<PreviousFinding>>,
    by_target: BTreeMap<String, Vec<PreviousFinding>>,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let file = path.display().to_string();
        let text = crate::read::read_text(path, MAX_BASELINE_BYTES)
            .map_err(|e| format!("--baseline {file}: {e}"))?;
        let parsed: PreviousFile = serde_json::from_str(&text).map_err(|e| {
            format!("--baseline {file}: not a rampart JSON report ({e}); write one with --json")
        })?;
        Ok(match parsed {
            PreviousFile::Single(r) => Baseline {
                file,
                single: Some(r.findings),
                by_target: BTreeMap::new(),
            },
            PreviousFile::Fleet { targets } => Baseline {
                file,
                single: None,
                by_target: targets
                    .into_iter()
                    .map(|t| (t.name, t.report.findings))
                    .collect(),
            },
        })
    }

    /// Marks `report` against the baseline findings for `target` (a fleet target's name), or
    /// the single report's. A target the baseline does not know has only new findings.
    pub fn compare(&self, report: &mut Report, target: Option<&str>) {
        let empty = Vec::new();
        let previous = match (target, &self.single) {
            (Some(name), _) if !self.by_target.is_empty() => {
                self.by_target.get(name).unwrap_or(&empty)
            }
            (_, Some(single)) => single,
            _ => &empty,
        };
        report.baseline = Some(compare(&mut report.findings, previous, &self.file));
        report.refresh_summary();
    }
}

fn failing(status: Status) -> bool {
    matches!(status, Status::Fail | Status::Warn | Status::Error)
}

fn compare(
    findings: &mut [ReportFinding],
    previous: &[PreviousFinding],
    file: &str,
) -> BaselineSummary {
    let previous: Vec<PreviousFinding> = previous
        .iter()
        .map(|p| PreviousFinding {
            subject: stable_subject(&p.subject, p.location.line),
            ..p.clone()
        })
        .collect();
    let now: Vec<String> = findings
        .iter()
        .map(|f| stable_subject(&f.subject, f.location.line))
        .collect();
    let failed_before: HashSet<(&str, &str)> = previous
        .iter()
        .filter(|p| failing(p.status))
        .map(|p| (p.id.as_str(), p.subject.as_str()))
        .collect();
    let (mut new, mut unchanged) = (0, 0);
    for (f, subject) in findings.iter_mut().zip(&now) {
        let before = failed_before.contains(&(f.id.as_str(), subject.as_str()));
        f.change = match (failing(f.status), before) {
            (true, true) => {
                unchanged += 1;
                Some(Change::Unchanged)
            }
            (true, false) => {
                new += 1;
                Some(Change::New)
            }
            // Passing (or skipped) now: resolved if it failed before. A skip has no evidence
            // of a fix, so it is listed as resolved with its status but not marked on it.
            (false, true) if f.status == Status::Pass => Some(Change::Resolved),
            (false, _) => None,
        };
    }
    let failing_now: HashSet<(&str, &str)> = findings
        .iter()
        .zip(&now)
        .filter(|(f, _)| failing(f.status))
        .map(|(f, s)| (f.id.as_str(), s.as_str()))
        .collect();
    let mut seen = HashSet::new();
    let resolved = previous
        .iter()
        .filter(|p| failing(p.status))
        .filter(|p| !failing_now.contains(&(p.id.as_str(), p.subject.as_str())))
        .filter(|p| seen.insert((p.id.as_str(), p.subject.as_str())))
        .map(|p| ResolvedFinding {
            id: p.id.clone(),
            title: p.title.clone(),
            subject: p.subject.clone(),
            was: p.status,
            now: findings
                .iter()
                .zip(&now)
                .find(|(f, s)| f.id == p.id && **s == p.subject)
                .map(|(f, _)| f.status),
        })
        .collect();
    BaselineSummary {
        file: file.to_string(),
        new,
        unchanged,
        resolved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: &str, subject: &str, status: Status) -> ReportFinding {
        ReportFinding::sample(id, subject, status)
    }

    fn prev(id: &str, subject: &str, status: Status) -> PreviousFinding {
        PreviousFinding {
            id: id.into(),
            title: id.into(),
            subject: subject.into(),
            status,
            location: PreviousLocation::default(),
        }
    }

    #[test]
    fn a_moved_line_is_the_same_finding() {
        let mut f = finding("a.b", "/srv/.env:5 TOKEN", Status::Fail);
        f.finding.location.line = Some(5);
        let mut before = prev("a.b", "/srv/.env:2 TOKEN", Status::Fail);
        before.location.line = Some(2);
        let mut now = vec![f];
        let s = compare(&mut now, &[before], "b.json");
        assert_eq!(now[0].change, Some(Change::Unchanged));
        assert!(s.resolved.is_empty());
    }

    #[test]
    fn findings_are_new_unchanged_or_resolved() {
        let mut now = vec![
            finding("a.kept", "X", Status::Fail),
            finding("a.fixed", "X", Status::Pass),
            finding("a.introduced", "X", Status::Fail),
            finding("a.always-fine", "X", Status::Pass),
        ];
        let before = vec![
            prev("a.kept", "X", Status::Fail),
            prev("a.fixed", "X", Status::Fail),
            prev("a.gone", "Y", Status::Warn),
            prev("a.introduced", "X", Status::Pass),
        ];
        let s = compare(&mut now, &before, "b.json");
        let marks: Vec<_> = now.iter().map(|f| f.change).collect();
        assert_eq!(
            marks,
            vec![
                Some(Change::Unchanged),
                Some(Change::Resolved),
                Some(Change::New),
                None
            ]
        );
        assert_eq!((s.new, s.unchanged), (1, 1));
        let resolved: Vec<_> = s.resolved.iter().map(|r| (r.id.as_str(), r.now)).collect();
        assert_eq!(
            resolved,
            vec![("a.fixed", Some(Status::Pass)), ("a.gone", None)]
        );
    }

    #[test]
    fn reads_single_and_fleet_reports() {
        let dir = tempfile::tempdir().unwrap();
        let single = dir.path().join("s.json");
        std::fs::write(
            &single,
            r#"{"schema_version":1,"findings":[{"id":"a.b","subject":"X","status":"fail","extra":1}]}"#,
        )
        .unwrap();
        let b = Baseline::read(&single).unwrap();
        assert_eq!(b.single.as_ref().map(Vec::len), Some(1));
        let fleet = dir.path().join("f.json");
        std::fs::write(
            &fleet,
            r#"{"kind":"fleet","targets":[{"name":"web","report":{"findings":[]}}]}"#,
        )
        .unwrap();
        let b = Baseline::read(&fleet).unwrap();
        assert!(b.by_target.contains_key("web"));
        std::fs::write(&fleet, "not json").unwrap();
        assert!(Baseline::read(&fleet).unwrap_err().contains("--baseline"));
    }
}
