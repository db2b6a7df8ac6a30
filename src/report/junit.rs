//! JUnit XML, as GitLab and Jenkins read it: one testsuite per category (per target and
//! category in a fleet), one testcase per finding. `fail` and `error` are failures (and so is
//! `warn` under `--fail-on warn`: the XML gates like the exit code), `skip` is skipped, and a
//! waived finding is skipped with the waiver's reason.

use super::{Entry, FailOn, ReportFinding};
use crate::finding::{Category, Status};
use std::fmt::Write;

/// Text as XML character data or attribute value. Characters XML 1.0 cannot carry at all
/// (most C0 controls) are written as `\u{..}`, so the document always parses.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

enum Outcome {
    Passed,
    Failed,
    Skipped(String),
}

fn outcome(f: &ReportFinding, fail_on: FailOn) -> Outcome {
    if let Some(w) = f.waiver.as_ref().filter(|w| !w.expired) {
        return Outcome::Skipped(format!("waived: {}", w.reason));
    }
    match f.status {
        Status::Skip => Outcome::Skipped(f.message.clone()),
        Status::Fail | Status::Error => Outcome::Failed,
        Status::Warn if fail_on.gates_status(Status::Warn) => Outcome::Failed,
        Status::Warn | Status::Pass => Outcome::Passed,
    }
}

fn details(f: &ReportFinding) -> String {
    let mut lines = vec![format!("subject: {}", f.subject)];
    if let Some(at) = f.location.display() {
        lines.push(format!("at: {at}"));
    }
    for (label, value) in [
        ("problem", &f.message),
        ("found", &f.actual),
        ("expected", &f.expected),
        ("fix", &f.remediation),
    ] {
        if !value.is_empty() {
            lines.push(format!("{label}: {value}"));
        }
    }
    lines.join("\n")
}

pub fn render(entries: &[Entry], fail_on: FailOn) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut skipped) = (0, 0, 0);
    let mut seconds = 0.0;
    for e in entries {
        let time = e.report.duration_ms as f64 / 1000.0;
        seconds += time;
        for category in Category::ALL {
            let in_category: Vec<&ReportFinding> = e
                .report
                .findings
                .iter()
                .filter(|f| f.category == category)
                .collect();
            if in_category.is_empty() {
                continue;
            }
            let name = match &e.name {
                Some(target) => format!("{target}.{category}"),
                None => category.as_str().to_string(),
            };
            let outcomes: Vec<Outcome> = in_category.iter().map(|f| outcome(f, fail_on)).collect();
            let suite_failures = outcomes
                .iter()
                .filter(|o| matches!(o, Outcome::Failed))
                .count();
            let suite_skipped = outcomes
                .iter()
                .filter(|o| matches!(o, Outcome::Skipped(_)))
                .count();
            tests += outcomes.len();
            failures += suite_failures;
            skipped += suite_skipped;
            let _ = writeln!(
                suites,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{suite_failures}\" errors=\"0\" \
                 skipped=\"{suite_skipped}\" time=\"{time:.3}\" timestamp=\"{}\">",
                escape(&name),
                outcomes.len(),
                escape(&e.report.started_at),
            );
            for (f, o) in in_category.iter().zip(&outcomes) {
                let _ = write!(
                    suites,
                    "    <testcase classname=\"rampart.{}\" name=\"{} [{}]\" time=\"0\"",
                    escape(&name),
                    escape(&f.id),
                    escape(&f.subject),
                );
                match o {
                    Outcome::Passed if f.status == Status::Warn => {
                        let _ = writeln!(
                            suites,
                            ">\n      <system-out>warn [{}]: {}</system-out>\n    </testcase>",
                            f.severity,
                            escape(&details(f))
                        );
                    }
                    Outcome::Passed => suites.push_str("/>\n"),
                    Outcome::Skipped(why) => {
                        let _ = writeln!(
                            suites,
                            ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                            escape(why)
                        );
                    }
                    Outcome::Failed => {
                        let _ = writeln!(
                            suites,
                            ">\n      <failure message=\"{}\" type=\"{} {}\">{}</failure>\n    </testcase>",
                            escape(&format!("{}: {}", f.title, f.message)),
                            f.status,
                            f.severity,
                            escape(&details(f))
                        );
                    }
                }
            }
            suites.push_str("  </testsuite>\n");
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rampart\" tests=\"{tests}\" \
         failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{seconds:.3}\">\n\
         {suites}</testsuites>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_the_document_well_formed() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(escape("x\u{1b}y\u{0}"), "x\\u{1b}y\\u{0}");
        assert_eq!(escape("line\nnext"), "line&#10;next");
    }
}
