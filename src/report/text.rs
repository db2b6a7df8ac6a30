//! The human checklist: grouped by category, one line per finding, details under every
//! failure and warning, and a closing summary.

use super::{Entry, FailOn, Report, ReportFinding};
pub use crate::escape::escape;
use crate::escape::escape_keeping_lines;
use crate::finding::{Category, Severity, Status};
use crate::report::annotations::Change;
use owo_colors::OwoColorize;
use std::fmt::Write;

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, style: owo_colors::Style, text: &str) -> String {
        if self.color {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }

    fn status(&self, status: Status) -> String {
        let plain = owo_colors::Style::new();
        let (style, mark) = match status {
            Status::Pass => (plain.green(), "✔ PASS "),
            Status::Fail => (plain.bold().red(), "✘ FAIL "),
            Status::Warn => (plain.yellow(), "▲ WARN "),
            Status::Skip => (plain.dimmed(), "○ SKIP "),
            Status::Error => (plain.bold().magenta(), "‼ ERROR"),
        };
        self.paint(style, mark)
    }

    fn dim(&self, text: &str) -> String {
        self.paint(owo_colors::Style::new().dimmed(), text)
    }

    fn bold(&self, text: &str) -> String {
        self.paint(owo_colors::Style::new().bold(), text)
    }
}

pub fn render(report: &Report, style: Style, fail_on: FailOn) -> String {
    let mut out = String::new();
    let target = match &report.target.url {
        Some(url) => format!("{} and {}", escape(&report.target.root), escape(url)),
        None => escape(&report.target.root),
    };
    let _ = writeln!(
        out,
        "{} {} · profile {} · {}",
        style.bold("rampart"),
        report.tool.version,
        style.bold(&escape(&report.profile)),
        target
    );

    for category in Category::ALL {
        let in_category: Vec<&ReportFinding> = report
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

    if let Some(b) = &report.baseline {
        let _ = writeln!(
            out,
            "\nBaseline {}: {} new, {} unchanged, {} resolved",
            escape(&b.file),
            b.new,
            b.unchanged,
            b.resolved.len()
        );
        for r in &b.resolved {
            let now = r
                .now
                .map(|s| format!("now {s}"))
                .unwrap_or_else(|| "gone".into());
            let _ = writeln!(
                out,
                "  {} {} [{}] (was {}, {now})",
                style.paint(owo_colors::Style::new().green(), "✔ RESOLVED"),
                escape(&r.id),
                escape(&r.subject),
                r.was
            );
        }
    }
    let s = &report.summary;
    let waived = if s.waived > 0 {
        format!(", {} waived", s.waived)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "\nSummary: {} pass, {} fail, {} warn, {} skip, {} error{waived}  ({} ms)",
        s.pass, s.fail, s.warn, s.skip, s.error, report.duration_ms
    );
    let gated = report.gated(fail_on);
    out.push_str(&verdict(gated, style));
    out
}

fn verdict(gated: usize, style: Style) -> String {
    let verdict = if gated == 0 {
        style.paint(
            owo_colors::Style::new().bold().green(),
            "PASSED: nothing blocks this deploy",
        )
    } else {
        style.paint(
            owo_colors::Style::new().bold().red(),
            &format!(
                "FAILED: {gated} finding{} block{} this deploy",
                if gated == 1 { "" } else { "s" },
                if gated == 1 { "s" } else { "" }
            ),
        )
    };
    format!("{verdict}\n")
}

/// One checklist, or for a fleet one checklist per target and then a summary table.
pub fn render_all(entries: &[Entry], style: Style, fail_on: FailOn) -> String {
    if !super::is_fleet(entries) {
        return entries
            .iter()
            .map(|e| render(&e.report, style, fail_on))
            .collect();
    }
    let mut out = String::new();
    for e in entries {
        let name = escape(e.name.as_deref().unwrap_or(&e.report.profile));
        let _ = writeln!(out, "{}", style.bold(&format!("══ target {name} ══")));
        out.push_str(&render(&e.report, style, fail_on));
        out.push('\n');
    }
    let width = entries
        .iter()
        .map(|e| escape(e.name.as_deref().unwrap_or("")).chars().count())
        .max()
        .unwrap_or(0)
        .max(6);
    let _ = writeln!(out, "{}", style.bold("Fleet summary"));
    let _ = writeln!(
        out,
        "  {:<width$}  {:<12} {:>5} {:>5} {:>5} {:>5} {:>5} {:>6}  verdict",
        "target", "profile", "pass", "fail", "warn", "skip", "error", "waived"
    );
    for e in entries {
        let s = &e.report.summary;
        let gated = e.report.gated(fail_on);
        let verdict = if gated == 0 {
            style.paint(owo_colors::Style::new().green(), "passed")
        } else {
            style.paint(
                owo_colors::Style::new().bold().red(),
                &format!("FAILED ({gated})"),
            )
        };
        let _ = writeln!(
            out,
            "  {:<width$}  {:<12} {:>5} {:>5} {:>5} {:>5} {:>5} {:>6}  {verdict}",
            escape(e.name.as_deref().unwrap_or("")),
            escape(&e.report.profile),
            s.pass,
            s.fail,
            s.warn,
            s.skip,
            s.error,
            s.waived
        );
    }
    let gated_targets = entries
        .iter()
        .filter(|e| e.report.gated(fail_on) > 0)
        .count();
    let _ = writeln!(
        out,
        "\n{} target{}, {gated_targets} gated",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" }
    );
    out.push_str(&verdict(super::gated(entries, fail_on), style));
    out
}

fn write_finding(out: &mut String, f: &ReportFinding, style: Style) {
    let severity = match f.status {
        Status::Fail | Status::Warn | Status::Error => format!(" [{}]", f.severity),
        _ => String::new(),
    };
    let mark = if f.is_waived() {
        style.paint(owo_colors::Style::new().cyan(), "◌ WAIVED")
    } else {
        style.status(f.status)
    };
    let change = match f.change {
        Some(Change::New) => style.paint(owo_colors::Style::new().bold().yellow(), " NEW"),
        Some(Change::Resolved) => style.paint(owo_colors::Style::new().green(), " RESOLVED"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "  {mark} {}{}{change} {}",
        escape(&f.title),
        style.dim(&severity),
        style.dim(&format!("({})", f.id))
    );
    if let Some(w) = &f.waiver {
        let note = if w.expired {
            format!(
                "waiver expired on {}, no longer waived (reason was: {})",
                w.expires.as_deref().unwrap_or(""),
                w.reason
            )
        } else {
            let until = w
                .expires
                .as_deref()
                .map(|d| format!(" until {d}"))
                .unwrap_or_default();
            format!("{} {}{until}: {}", f.status, "waived", w.reason)
        };
        detail(out, style, "waiver", &escape(&note));
    }
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
                style.dim(&format!("{}: {}", escape(&f.subject), escape(&f.message)))
            );
        }
        Status::Fail | Status::Warn | Status::Error => {
            detail(out, style, "subject", &escape(&f.subject));
            if let Some(at) = f
                .location
                .display()
                .filter(|at| !f.subject.contains(at.as_str()))
            {
                detail(out, style, "at", &escape(&at));
            }
            detail(out, style, "problem", &escape(&f.message));
            detail(out, style, "found", &escape(&f.actual));
            detail(out, style, "expected", &escape(&f.expected));
            detail(out, style, "fix", &escape_keeping_lines(&f.remediation));
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
