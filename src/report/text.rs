//! The human checklist: grouped by category, one line per finding, details under every
//! failure and warning, and a closing summary.

use super::{FailOn, Report};
use crate::finding::{Category, Finding, Severity, Status};
use std::fmt::Write;

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn status(&self, status: Status) -> String {
        let (code, mark) = match status {
            Status::Pass => ("32", "✔ PASS "),
            Status::Fail => ("1;31", "✘ FAIL "),
            Status::Warn => ("33", "▲ WARN "),
            Status::Skip => ("2", "○ SKIP "),
            Status::Error => ("1;35", "‼ ERROR"),
        };
        self.paint(code, mark)
    }

    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
}

pub fn render(report: &Report, style: Style, fail_on: FailOn) -> String {
    let mut out = String::new();
    let target = match &report.target.url {
        Some(url) => format!("{} and {}", report.target.root, url),
        None => report.target.root.clone(),
    };
    let _ = writeln!(
        out,
        "{} {} · profile {} · {}",
        style.bold("rampart"),
        report.tool.version,
        style.bold(&report.profile),
        target
    );

    for category in Category::ALL {
        let in_category: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.category == category)
            .collect();
        if in_category.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", style.bold(&category.as_str().to_uppercase()));
        for f in &in_category {
            write_finding(&mut out, f, style);
        }
    }

    let s = &report.summary;
    let _ = writeln!(
        out,
        "\nSummary: {} pass, {} fail, {} warn, {} skip, {} error  ({} ms)",
        s.pass, s.fail, s.warn, s.skip, s.error, report.duration_ms
    );
    let gated = report.gated(fail_on);
    let verdict = if gated == 0 {
        style.paint("1;32", "PASSED: nothing blocks this deploy")
    } else {
        style.paint(
            "1;31",
            &format!(
                "FAILED: {gated} finding{} block{} this deploy",
                if gated == 1 { "" } else { "s" },
                if gated == 1 { "s" } else { "" }
            ),
        )
    };
    let _ = writeln!(out, "{verdict}");
    out
}

fn write_finding(out: &mut String, f: &Finding, style: Style) {
    let severity = match f.status {
        Status::Fail | Status::Warn | Status::Error => format!(" [{}]", f.severity),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "  {} {}{} {}",
        style.status(f.status),
        f.title,
        style.dim(&severity),
        style.dim(&format!("({})", f.id))
    );
    match f.status {
        // The message names what passed ("TLS 1.0 is not accepted"), so lines of one check
        // can be told apart; information lines also show what was found.
        Status::Pass => {
            let _ = writeln!(out, "          {}", style.dim(&f.message));
            if f.severity == Severity::Info && !f.actual.is_empty() {
                let _ = writeln!(out, "          {}", style.dim(&f.actual));
            }
        }
        Status::Skip => {
            let _ = writeln!(
                out,
                "          {}",
                style.dim(&format!("{}: {}", f.subject, f.message))
            );
        }
        Status::Fail | Status::Warn | Status::Error => {
            detail(out, style, "subject", &f.subject);
            detail(out, style, "problem", &f.message);
            detail(out, style, "found", &f.actual);
            detail(out, style, "expected", &f.expected);
            detail(out, style, "fix", &f.remediation);
        }
    }
}

fn detail(out: &mut String, style: Style, label: &str, value: &str) {
    if value.is_empty() {
        return;
    }
    let mut lines = value.lines();
    if let Some(first) = lines.next() {
        let _ = writeln!(
            out,
            "          {} {first}",
            style.dim(&format!("{label:<9}"))
        );
    }
    for line in lines {
        let _ = writeln!(out, "                    {line}");
    }
}
