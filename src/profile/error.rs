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

/// serde reports unknown keys and kinds against the whole `[[check]]` table; this finds the
/// offending key's own line inside the table so the error points where the fix goes.
pub fn refine_span(text: &str, table: Range<usize>, message: &str) -> Range<usize> {
    let key = if message.starts_with("unknown variant") || message.contains("missing field `kind`")
    {
        Some("kind".to_string())
    } else {
        message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string)
    };
    let Some(key) = key else { return table };
    let mut offset = table.start;
    // The table runs from its header to the next header; look at most that far.
    for (index, line) in text[table.start.min(text.len())..]
        .split_inclusive('\n')
        .enumerate()
    {
        let trimmed = line.trim_start();
        if index > 0 && trimmed.starts_with('[') {
            break;
        }
        if let Some(after) = trimmed.strip_prefix(key.as_str()) {
            if after.trim_start().starts_with('=') {
                let indent = line.len() - trimmed.len();
                return offset + indent..offset + line.len();
            }
        }
        offset += line.len();
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
    }

    #[test]
    fn refines_unknown_key_to_its_line() {
        let text = "x = 1\n[[check]]\nid = 'a'\n  bogus = 2\n[[check]]\nbogus = 3\n";
        let span = refine_span(text, 6..15, "unknown field `bogus`, expected `var`");
        assert_eq!(line_column(text, span.start), (4, 3));
    }
}
