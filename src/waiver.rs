//! Waivers: a team's recorded decision to accept a finding for now, with a reason and an
//! optional expiry. A waived finding keeps its status (the report stays honest) but does not
//! gate. An expired waiver stops waiving and says so; a waiver that matches no failing finding
//! is reported as a warning, so stale waivers surface instead of piling up.

use crate::finding::{Category, Finding, Location, Severity, Status};
pub use crate::report::annotations::WaiverNote;
use crate::report::ReportFinding;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Largest waivers file read.
const MAX_WAIVER_FILE_BYTES: usize = 1024 * 1024;
/// Waivers one audit accepts; more is almost certainly a generated file gone wrong.
const MAX_WAIVERS: usize = 10_000;

/// Check id of the warnings about waivers themselves.
pub const STALE_ID: &str = "rampart.waiver-unmatched";
pub const EXPIRED_ID: &str = "rampart.waiver-expired";

/// A `[[waiver]]` table, in a waivers file or a profile.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WaiverDecl {
    pub id: String,
    /// Waives only the finding with exactly this subject; all of the check's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub reason: String,
    /// `2027-03-01` (a TOML date) or `"2027-03-01"`: the first day it no longer waives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<toml::Value>,
}

/// A validated waiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    pub id: String,
    pub subject: Option<String>,
    pub reason: String,
    pub expires: Option<time::Date>,
    /// The file that declared it, for the warnings about it.
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverFile {
    #[serde(default)]
    waiver: Vec<WaiverDecl>,
}

impl WaiverDecl {
    /// Checks the parts serde cannot: a non-empty reason and a real date.
    pub fn validate(&self, source: &str) -> Result<Waiver, String> {
        let what = format!("{source}: waiver for {:?}", self.id);
        if self.id.trim().is_empty() {
            return Err(format!("{source}: a waiver has an empty `id`"));
        }
        if self.reason.trim().is_empty() {
            return Err(format!(
                "{what}: `reason` is empty; say why the finding is accepted"
            ));
        }
        let expires = match &self.expires {
            None => None,
            Some(toml::Value::String(s)) => {
                Some(parse_date(s).ok_or_else(|| {
                    format!("{what}: `expires` {s:?} is not a date like 2027-03-01")
                })?)
            }
            Some(toml::Value::Datetime(d)) => match (d.date, d.time) {
                (Some(date), None) => Some(
                    time::Month::try_from(date.month)
                        .ok()
                        .and_then(|m| {
                            time::Date::from_calendar_date(i32::from(date.year), m, date.day).ok()
                        })
                        .ok_or_else(|| format!("{what}: `expires` {d} is not a valid date"))?,
                ),
                _ => {
                    return Err(format!(
                        "{what}: `expires` {d} must be a date without a time, like 2027-03-01"
                    ))
                }
            },
            Some(other) => {
                return Err(format!(
                    "{what}: `expires` must be a date like 2027-03-01, not {}",
                    other.type_str()
                ))
            }
        };
        Ok(Waiver {
            id: self.id.clone(),
            subject: self.subject.clone(),
            reason: self.reason.trim().to_string(),
            expires,
            source: source.to_string(),
        })
    }
}

impl Waiver {
    /// As a profile writes it (for `profiles show`).
    pub fn declaration(&self) -> WaiverDecl {
        WaiverDecl {
            id: self.id.clone(),
            subject: self.subject.clone(),
            reason: self.reason.clone(),
            expires: self.expires.map(|d| toml::Value::String(format_date(d))),
        }
    }
}

/// `YYYY-MM-DD`.
fn parse_date(text: &str) -> Option<time::Date> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

/// Reads `--waivers FILE`. Any problem (unreadable, not TOML, a waiver without a reason) is
/// an argument error: a CI gate must not run with half its waivers.
pub fn read_file(path: &Path) -> Result<Vec<Waiver>, String> {
    let label = path.display().to_string();
    let text = crate::read::read_text(path, MAX_WAIVER_FILE_BYTES)
        .map_err(|e| format!("--waivers {label}: {e}"))?;
    let file: WaiverFile = toml::from_str(&text).map_err(|e| {
        crate::profile::error::toml_error_line(&format!("--waivers {label}"), &text, &e)
    })?;
    if file.waiver.len() > MAX_WAIVERS {
        return Err(format!(
            "--waivers {label}: more than {MAX_WAIVERS} waivers; refusing to read more"
        ));
    }
    file.waiver.iter().map(|w| w.validate(&label)).collect()
}

/// A waiver's subject names the finding's subject whole, or its last part: the variable of
/// `/srv/app/.env:3 TOKEN`, the file of `/srv/app/.env`, a path suffix, so waivers stay valid
/// when the install moves or a line is added above.
fn subject_matches(wanted: &str, subject: &str) -> bool {
    subject == wanted
        || subject
            .strip_suffix(wanted)
            .is_some_and(|head| head.ends_with([' ', '/', ':']))
}

fn matches(w: &Waiver, f: &Finding) -> bool {
    f.id == w.id
        && w.subject
            .as_deref()
            .is_none_or(|s| subject_matches(s, &f.subject))
}

/// Marks the findings each waiver covers and returns the warnings about waivers that have
/// expired or are stale: their check passed, or no check of the profile (`check_ids`) has their
/// id. A waiver for a check this run did not examine (`--only`, `--skip`, a skip) is left
/// alone: nothing shows it is stale. `today` decides expiry.
pub fn apply(
    findings: &mut [ReportFinding],
    waivers: &[Waiver],
    today: time::Date,
    check_ids: &[&str],
) -> Vec<Finding> {
    let mut warnings = Vec::new();
    for w in waivers {
        let expired = w.expires.is_some_and(|e| today >= e);
        let note = WaiverNote {
            reason: w.reason.clone(),
            expires: w.expires.map(format_date),
            expired,
        };
        let mut matched = 0;
        for f in findings.iter_mut() {
            // Only findings that would gate or warn can be waived; a waiver over a pass is stale.
            let waivable = matches!(f.status, Status::Fail | Status::Warn | Status::Error);
            // The first waiver that still applies wins; an expired one never hides a live one.
            if waivable && matches(w, f) && f.waiver.as_ref().is_none_or(|n| n.expired) {
                f.waiver = Some(note.clone());
                matched += 1;
            }
        }
        let subject = match &w.subject {
            Some(s) => format!("{} [{s}]", w.id),
            None => w.id.clone(),
        };
        let examined = findings
            .iter()
            .any(|f| matches(w, f) && f.status == Status::Pass);
        let unknown = !check_ids.contains(&w.id.as_str());
        if matched == 0 && (examined || unknown) {
            let why = if unknown {
                "no check of this profile has this id"
            } else {
                "the finding passes now"
            };
            warnings.push(warning(
                STALE_ID,
                "Every waiver matches a finding",
                subject,
                format!(
                    "this waiver matches no failing finding: {why} (reason: {})",
                    w.reason
                ),
                "Remove the waiver, or correct its `id` and `subject` (see the JSON report).",
                &w.source,
            ));
        } else if expired {
            warnings.push(warning(
                EXPIRED_ID,
                "No waiver has expired",
                subject,
                format!(
                    "this waiver expired on {}; {matched} finding{} gate{} again",
                    note.expires.as_deref().unwrap_or(""),
                    if matched == 1 { "" } else { "s" },
                    if matched == 1 { "s" } else { "" },
                ),
                "Fix the finding, or renew the waiver with a new `expires` date and reason.",
                &w.source,
            ));
        }
    }
    warnings
}

fn warning(
    id: &str,
    title: &str,
    subject: String,
    message: String,
    remediation: &str,
    source: &str,
) -> Finding {
    Finding {
        id: id.to_string(),
        title: title.to_string(),
        category: Category::Config,
        status: Status::Warn,
        severity: Severity::Low,
        subject,
        location: Location::file(Path::new(source), None),
        message,
        expected: String::new(),
        actual: String::new(),
        remediation: remediation.to_string(),
    }
}

/// Rules for the warnings [`apply`] returned, so SARIF can describe them like any check.
pub fn rules_for(warnings: &[Finding]) -> Vec<crate::report::rules::Rule> {
    let mut rules: Vec<crate::report::rules::Rule> = Vec::new();
    for w in warnings {
        if rules.iter().any(|r| r.id == w.id) {
            continue;
        }
        rules.push(crate::report::rules::Rule {
            id: w.id.clone(),
            title: w.title.clone(),
            rationale: "Waivers are decisions with a reason and a date; one that expired or \
                        matches nothing no longer says what the team accepts."
                .to_string(),
            remediation: w.remediation.clone(),
            severity: w.severity,
            category: w.category,
            file: w.location.file.clone().unwrap_or_default(),
            line: 1,
        });
    }
    rules
}

pub fn format_date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: &str, subject: &str, status: Status) -> ReportFinding {
        ReportFinding::sample(id, subject, status)
    }

    fn decl(text: &str) -> Result<Waiver, String> {
        let w: WaiverDecl = toml::from_str(text).map_err(|e| e.to_string())?;
        w.validate("w.toml")
    }

    #[test]
    fn subjects_match_whole_or_by_their_last_part() {
        assert!(subject_matches("TOKEN", "/srv/app/.env:3 TOKEN"));
        assert!(subject_matches(".env", "/srv/app/.env"));
        assert!(subject_matches("app/.env", "/srv/app/.env"));
        assert!(!subject_matches("KEN", "/srv/app/.env:3 TOKEN"));
        assert!(!subject_matches("TOKEN", "/srv/app/.env:3 MY_TOKEN"));
    }

    fn day(text: &str) -> time::Date {
        parse_date(text).unwrap()
    }

    #[test]
    fn declarations_need_a_reason_and_a_real_date() {
        assert!(decl("id = \"a.b\"").unwrap_err().contains("reason"));
        assert!(decl("id = \"a.b\"\nreason = \"  \"")
            .unwrap_err()
            .contains("reason"));
        let w = decl("id = \"a.b\"\nreason = \"r\"\nexpires = 2027-03-01").unwrap();
        assert_eq!(w.expires, Some(day("2027-03-01")));
        let w = decl("id = \"a.b\"\nreason = \"r\"\nexpires = \"2027-03-01\"").unwrap();
        assert_eq!(w.expires.map(format_date).as_deref(), Some("2027-03-01"));
        assert!(decl("id = \"a.b\"\nreason = \"r\"\nexpires = \"2027-02-30\"").is_err());
        assert!(decl("id = \"a.b\"\nreason = \"r\"\nexpires = 2027-03-01T10:00:00Z").is_err());
        assert!(decl("id = \"a.b\"\nreason = \"r\"\nexpires = 5").is_err());
    }

    #[test]
    fn waivers_waive_until_they_expire_and_stale_ones_warn() {
        let mut findings = vec![
            finding("a.b", "X", Status::Fail),
            finding("a.b", "Y", Status::Fail),
            finding("c.d", "Z", Status::Fail),
            finding("e.f", "W", Status::Pass),
        ];
        let today = day("2026-11-25");
        let waivers = vec![
            decl("id = \"a.b\"\nsubject = \"X\"\nreason = \"accepted\"\nexpires = 2027-01-01")
                .unwrap(),
            decl("id = \"c.d\"\nreason = \"old\"\nexpires = 2026-11-25").unwrap(),
            decl("id = \"e.f\"\nreason = \"fixed since\"").unwrap(),
        ];
        let warnings = apply(&mut findings, &waivers, today, &["a.b", "c.d", "e.f"]);
        assert!(findings[0].is_waived());
        assert_eq!(findings[0].waiver.as_ref().unwrap().reason, "accepted");
        assert!(
            findings[1].waiver.is_none(),
            "the subject limits the waiver"
        );
        let expired = findings[2].waiver.as_ref().unwrap();
        assert!(expired.expired && !findings[2].is_waived());
        assert!(findings[3].waiver.is_none(), "passes are not waived");
        let ids: Vec<&str> = warnings.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(ids, vec![EXPIRED_ID, STALE_ID]);
        assert!(warnings[0].message.contains("expired on 2026-11-25"));
        assert!(warnings.iter().all(|w| w.status == Status::Warn));
        assert!(warnings[1].message.contains("passes now"));
    }

    #[test]
    fn waivers_for_checks_not_examined_are_left_alone_but_typos_warn() {
        let mut findings = vec![finding("a.b", "X", Status::Skip)];
        let today = day("2026-11-25");
        let waivers = vec![
            decl("id = \"a.b\"\nreason = \"r\"").unwrap(),
            decl("id = \"a.typo\"\nreason = \"r\"").unwrap(),
        ];
        let warnings = apply(&mut findings, &waivers, today, &["a.b"]);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].subject, "a.typo");
        assert!(warnings[0].message.contains("no check of this profile"));
    }
}
