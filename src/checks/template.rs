//! What compose files and env files share in `${...}` templates.

/// Index of the `}` closing a `${` whose body starts `text`: nested `${...}` (in a default)
/// are counted and `$$` (a literal dollar) is not an opening.
pub fn matching_brace(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'$') => i += 1,
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::matching_brace;

    #[test]
    fn finds_the_brace_that_closes_the_outer_template() {
        assert_eq!(matching_brace("A}"), Some(1));
        assert_eq!(matching_brace("A:-${B}}tail"), Some(7));
        assert_eq!(matching_brace("A:-$${B}"), Some(7));
        assert_eq!(matching_brace("A:-${B"), None);
    }
}
