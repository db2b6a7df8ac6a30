//! Which reports a run writes: the one on stdout (`--format`) and any number of files
//! (`--report FORMAT:PATH`). All are rendered from the same entries, so they agree with each
//! other and with the exit code.

use super::{text::Style, Entry, FailOn};
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
    Markdown,
    Prometheus,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Prometheus => "prometheus",
        }
    }
}

/// One `--report FORMAT:PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    pub format: Format,
    pub path: PathBuf,
}

impl ReportFile {
    pub fn parse(text: &str) -> Result<ReportFile, String> {
        let names = || {
            Format::value_variants()
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (format, path) = text.split_once(':').ok_or_else(|| {
            format!(
                "--report {text:?}: expected FORMAT:PATH, e.g. sarif:rampart.sarif ({})",
                names()
            )
        })?;
        let format = Format::from_str(format, true)
            .map_err(|_| format!("--report {text:?}: unknown format {format:?} ({})", names()))?;
        if path.is_empty() {
            return Err(format!("--report {text:?}: no path after the format"));
        }
        Ok(ReportFile {
            format,
            path: PathBuf::from(path),
        })
    }
}

/// The report in `format`, through every entry's redaction layer.
pub fn render(format: Format, entries: &[Entry], fail_on: FailOn, style: Style) -> String {
    super::redact(entries, &render_plain(format, entries, fail_on, style))
}

fn render_plain(format: Format, entries: &[Entry], fail_on: FailOn, style: Style) -> String {
    match format {
        Format::Text => super::text::render_all(entries, style, fail_on),
        Format::Json => super::json::render(entries, fail_on),
        Format::Sarif => super::sarif::render(entries),
        Format::Junit => super::junit::render(entries, fail_on),
        Format::Markdown => super::markdown::render(entries, fail_on),
        Format::Prometheus => super::prometheus::render(entries),
    }
}

/// Writes a report file whole: to a temporary file next to it, then renamed over it, so the
/// textfile collector or a CI upload never reads half a report.
pub fn write_file(path: &std::path::Path, content: &str) -> Result<(), String> {
    let shown = path.display();
    let name = path
        .file_name()
        .ok_or_else(|| format!("report {shown}: not a file path"))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = path.with_file_name(temp_name);
    std::fs::write(&temp, content).map_err(|e| format!("report {shown}: {e}"))?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        format!("report {shown}: {e}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_specs_name_a_format_and_a_path() {
        let r = ReportFile::parse("sarif:out/r.sarif").unwrap();
        assert_eq!(
            (r.format, r.path),
            (Format::Sarif, PathBuf::from("out/r.sarif"))
        );
        assert_eq!(
            ReportFile::parse("JUnit:c:/x").unwrap().path,
            PathBuf::from("c:/x")
        );
        assert!(ReportFile::parse("sarif")
            .unwrap_err()
            .contains("FORMAT:PATH"));
        assert!(ReportFile::parse("xml:a")
            .unwrap_err()
            .contains("unknown format"));
        assert!(ReportFile::parse("json:").is_err());
    }
}
