//! Terminal escaping: the one function every string from the audited system goes through
//! before the text report (or anything else meant for a terminal) shows it.

/// Strings from the audited system (certificate names, paths, service names, values) reach
/// the terminal only through here: control characters, and the Unicode ones that reorder or
/// break lines, are shown as escapes so nothing can forge a line or recolour the report.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe_for_terminal(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// [`escape`], keeping line breaks: for multi-line texts written by the profile author.
pub fn escape_keeping_lines(text: &str) -> String {
    text.split('\n').map(escape).collect::<Vec<_>>().join("\n")
}

fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200e}' | '\u{200f}'             // left-to-right / right-to-left marks
            | '\u{2028}' | '\u{2029}'           // line and paragraph separators
            | '\u{202a}'..='\u{202e}'           // bidi embeddings and overrides
            | '\u{2066}'..='\u{2069}'           // bidi isolates
            | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_strings_cannot_forge_lines_or_colours() {
        let forged = "x\n  \u{1b}[32m✔ PASS \u{1b}[0m all good\u{202e}\u{2028}";
        let shown = escape(forged);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown}");
        assert!(!shown.contains('\u{202e}') && !shown.contains('\u{2028}'));
        assert!(shown.contains("\\u{1b}") && shown.contains("\\n"));
        assert_eq!(escape("plain café ✔"), "plain café ✔");
        assert_eq!(escape_keeping_lines("a\nb\u{7}"), "a\nb\\u{7}");
    }
}
