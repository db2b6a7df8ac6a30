//! A compact Markdown summary for `$GITHUB_STEP_SUMMARY` and pull-request comments: the
//! verdict, the counts, and one table row per failure and warning. Cells are escaped so an
//! outside string cannot break the table or inject HTML.

use super::{Entry, FailOn, ReportFinding};
use crate::finding::Status;
use std::fmt::Write;

/// A table cell: pipes, HTML and line breaks neutralised, control characters escaped.
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::escape::escape(text).chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' => out.push('\''),
            c => out.push(c),
        }
    }
    out.replace("\\n", "<br>")
}

fn mark(f: &ReportFinding) -> &'static str {
    if f.is_waived() {
        return "⚪ waived";
    }
    match f.status {
        Status::Fail => "❌ fail",
        Status::Error => "‼️ error",
        Status::Warn => "⚠️ warn",
        Status::Pass => "✅ pass",
        Status::Skip => "⏭️ skip",
    }
}

pub fn render(entries: &[Entry], fail_on: FailOn) -> String {
    let fleet = super::is_fleet(entries);
    let gated = super::gated(entries, fail_on);
    let mut out = String::new();
    let verdict = if gated == 0 {
        "✅ **PASSED**: nothing blocks this deploy".to_string()
    } else {
        format!(
            "❌ **FAILED**: {gated} finding{} block{} this deploy",
            if gated == 1 { "" } else { "s" },
            if gated == 1 { "s" } else { "" }
        )
    };
    let _ = writeln!(out, "## rampart audit\n\n{verdict}\n");
    if fleet {
        let _ = writeln!(
            out,
            "| Target | Profile | Gated | Pass | Fail | Warn | Skip | Error | Waived |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for e in entries {
            let s = &e.report.summary;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                cell(e.name.as_deref().unwrap_or("")),
                cell(&e.report.profile),
                e.report.gated(fail_on),
                s.pass,
                s.fail,
                s.warn,
                s.skip,
                s.error,
                s.waived
            );
        }
        out.push('\n');
    } else if let Some(e) = entries.first() {
        let s = &e.report.summary;
        let target = e
            .report
            .target
            .url
            .as_deref()
            .unwrap_or(&e.report.target.root);
        let _ = writeln!(
            out,
            "Profile **{}** on `{}`: {} pass, {} fail, {} warn, {} skip, {} error, {} waived ({} ms)\n",
            cell(&e.report.profile),
            cell(target),
            s.pass, s.fail, s.warn, s.skip, s.error, s.waived, e.report.duration_ms
        );
    }
    let rows: Vec<(&Entry, &ReportFinding)> = entries
        .iter()
        .flat_map(|e| e.report.findings.iter().map(move |f| (e, f)))
        .filter(|(_, f)| matches!(f.status, Status::Fail | Status::Warn | Status::Error))
        .collect();
    if rows.is_empty() {
        out.push_str("No failures or warnings.\n");
    } else {
        let target_head = if fleet { "Target | " } else { "" };
        let target_rule = if fleet { "---|" } else { "" };
        let _ = writeln!(
            out,
            "| {target_head}Status | Severity | Check | Subject | Problem | Fix |"
        );
        let _ = writeln!(out, "|{target_rule}---|---|---|---|---|---|");
        for (e, f) in rows {
            let target = if fleet {
                format!("{} | ", cell(e.name.as_deref().unwrap_or("")))
            } else {
                String::new()
            };
            let mut status = mark(f).to_string();
            if f.change == Some(crate::report::annotations::Change::New) {
                status.push_str(" 🆕");
            }
            let mut problem = cell(&f.message);
            if let Some(w) = &f.waiver {
                let note = if w.expired {
                    format!(" (waiver expired {})", w.expires.as_deref().unwrap_or(""))
                } else {
                    format!(" (waived: {})", w.reason)
                };
                problem.push_str(&cell(&note));
            }
            let _ = writeln!(
                out,
                "| {target}{status} | {} | `{}` {} | {} | {} | {} |",
                f.severity,
                cell(&f.id),
                cell(&f.title),
                cell(&f.subject),
                problem,
                cell(&f.remediation),
            );
        }
    }
    for e in entries {
        if let Some(b) = e
            .report
            .baseline
            .as_ref()
            .filter(|b| !b.resolved.is_empty())
        {
            let prefix = e
                .name
                .as_deref()
                .map(|n| format!(" ({})", cell(n)))
                .unwrap_or_default();
            let _ = writeln!(out, "\n**Resolved since the baseline{prefix}:**\n");
            for r in &b.resolved {
                let _ = writeln!(out, "- `{}` {} ({})", cell(&r.id), cell(&r.subject), r.was);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table_or_inject_html() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(cell("one\ntwo"), "one<br>two");
        assert!(!cell("x\u{1b}[31m").contains('\u{1b}'));
    }
}
