//! Profile errors that point at the file, line and column to fix.

use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    pub file: String,
    /// 1-based; `None` when the error concerns the whole file (unreadable, not found).
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl ProfileError {
    pub fn whole_file(file: impl Into<String>, message: impl Into<String>) -> Self {
        ProfileError {
            file: file.into(),
            position: None,
            message: message.into(),
        }
    }

    pub fn at(file: &str, text: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        ProfileError {
            file: file.to_string(),
            position: Some(line_column(text, span.start)),
            message: message.into(),
        }
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ProfileError {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// A TOML error in a file that is not a profile (waivers, fleet targets), as one line:
/// `LABEL at line L: message`.
pub fn toml_error_line(label: &str, text: &str, e: &toml::de::Error) -> String {
    let at = e
        .span()
        .map(|s| format!(" at line {}", line_column(text, s.start).0))
        .unwrap_or_default();
    format!("{label}{at}: {}", e.message().trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
    }
}
