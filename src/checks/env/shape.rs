//! Describing a secret without revealing it: length, character classes, placeholder look.
//! The description is built only from counts and fixed words, so no part of the value can
//! end up in a report.

use super::placeholder::placeholder_reason;

/// `length 44, base64-like`, `length 64, hex`, `empty`,
/// `length 8, lowercase letters, looks like a placeholder (matches `changeme`)`.
pub fn describe(value: &str) -> String {
    describe_var("", value)
}

/// Like [`describe`], also flagging a value equal to its own variable name.
pub fn describe_var(var_name: &str, value: &str) -> String {
    if value.is_empty() {
        return "empty".into();
    }
    let mut parts = vec![format!("length {}", value.chars().count()), charset(value)];
    if value.contains('\n') {
        parts.push("multi-line".into());
    }
    if value.trim() != value && !value.trim().is_empty() {
        parts.push("leading or trailing whitespace".into());
    }
    if let Some(reason) = placeholder_reason(var_name, value) {
        parts.push(format!("looks like a placeholder ({reason})"));
    }
    parts.join(", ")
}

fn charset(value: &str) -> String {
    let all = |f: fn(&char) -> bool| value.chars().all(|c| f(&c));
    let any = |f: fn(&char) -> bool| value.chars().any(|c| f(&c));
    if all(|c| c.is_whitespace()) {
        return "only whitespace".into();
    }
    if all(char::is_ascii_digit) {
        return "digits only".into();
    }
    if all(char::is_ascii_hexdigit) {
        return "hex".into();
    }
    let (lower, upper, digit) = (
        any(char::is_ascii_lowercase),
        any(char::is_ascii_uppercase),
        any(char::is_ascii_digit),
    );
    if looks_like_base64(value) && lower && upper {
        return "base64-like".into();
    }
    if all(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        && lower
        && upper
        && digit
        && any(|c| *c == '-' || *c == '_')
    {
        return "base64url-like".into();
    }
    let mut classes = Vec::new();
    if lower {
        classes.push("lowercase letters");
    }
    if upper {
        classes.push("uppercase letters");
    }
    if digit {
        classes.push("digits");
    }
    if any(|c| c.is_ascii_punctuation()) {
        classes.push("symbols");
    }
    if any(|c| c.is_ascii_whitespace()) {
        classes.push("spaces");
    }
    if any(|c| !c.is_ascii()) {
        classes.push("non-ASCII characters");
    }
    classes.join(", ")
}

/// Standard base64: a multiple of four characters, `+` `/` alphabet, `=` padding at the end.
fn looks_like_base64(value: &str) -> bool {
    let body = value.trim_end_matches('=');
    value.len().is_multiple_of(4)
        && value.len() - body.len() <= 2
        && !body.is_empty()
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_common_secret_shapes() {
        assert_eq!(describe(""), "empty");
        assert_eq!(
            describe("K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols="),
            "length 44, base64-like"
        );
        assert_eq!(
            describe("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
            "length 64, hex"
        );
        assert!(describe(&"ab12".repeat(16)).ends_with("(is a short pattern repeated)"));
        assert_eq!(describe("3f9a7c1e0b2d4f6a"), "length 16, hex");
        assert_eq!(describe("8236412"), "length 7, digits only");
        assert_eq!(
            describe("Xy3_k9LmQ-2vB7nZ0pRt4w"),
            "length 22, base64url-like"
        );
        assert_eq!(
            describe("Tr0ub4dor&3"),
            "length 11, lowercase letters, uppercase letters, digits, symbols"
        );
        assert_eq!(describe("   "), "length 3, only whitespace");
        assert_eq!(
            describe("line one\nline two"),
            "length 17, lowercase letters, spaces, multi-line"
        );
        assert_eq!(
            describe(" padded9 "),
            "length 9, lowercase letters, digits, spaces, leading or trailing whitespace"
        );
    }

    #[test]
    fn flags_placeholders_by_pattern() {
        assert_eq!(
            describe("changeme"),
            "length 8, lowercase letters, looks like a placeholder (matches `changeme`)"
        );
        assert!(describe("CHANGE_ME_POSTGRES_PASSWORD").ends_with("(matches `CHANGE_ME_*`)"));
        assert!(describe_var("JWT_SECRET", "jwt_secret").contains("own name"));
    }

    #[test]
    fn never_contains_the_value_or_a_piece_of_it() {
        for secret in [
            "K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=",
            "hunter2hunter2",
            "s3cr3t!",
        ] {
            let shape = describe(secret);
            let chars: Vec<char> = secret.chars().collect();
            for window in chars.windows(4) {
                let piece: String = window.iter().collect();
                assert!(!shape.contains(&piece), "{shape:?} contains {piece:?}");
            }
        }
    }
}
