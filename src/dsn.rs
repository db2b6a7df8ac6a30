//! Passwords inside connection strings, found the way the drivers find them, so the redaction
//! layer can mask them wherever they are echoed.
//!
//! - URLs (`postgresql+psycopg://user:pass@host/db`): the password runs from the first `:` of
//!   the user info to the LAST `@` of the token, so a password holding `/`, `@`, `?` or `#`
//!   is taken whole (libpq and SQLAlchemy both accept such passwords when they are the last
//!   `@`); the percent-decoded form is returned too.
//! - libpq keyword form (`host=db password='it''s' port=5432`): `password=` followed by a
//!   value that is single-quoted (with `\'` and `\\` escapes) or runs to the next blank.
//! - `password=` inside a URL query or a `;`-separated string: up to `&` or `;` as well.

/// Every password-like secret in `text` (duplicates possible), longest forms first per find.
pub fn passwords(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    url_passwords(text, &mut out);
    keyword_passwords(text, &mut out);
    out.retain(|p| !p.is_empty());
    out
}

/// Whether `text` holds a `password=...` keyword (libpq, ADO, a URL query).
pub fn has_keyword_password(text: &str) -> bool {
    let mut found = Vec::new();
    keyword_passwords(text, &mut found);
    found.iter().any(|p| !p.is_empty())
}

/// Tokens end at blanks and at quotes around the whole string.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '`')
        .filter(|t| !t.is_empty())
}

fn url_passwords(text: &str, out: &mut Vec<String>) {
    // A password may contain blanks only when the whole value is the URL; try the full text
    // as one token too.
    let whole = std::iter::once(text.trim());
    for token in whole.chain(tokens(text)) {
        let mut rest = token;
        // Several URLs may be packed in one token (comma-separated lists).
        for _ in 0..32 {
            let Some(scheme_end) = rest.find("://") else {
                break;
            };
            let after = &rest[scheme_end + 3..];
            let next_url = after.find("://").map_or(after.len(), |i| {
                // Back up to the start of the next scheme (after a `,` or `;`).
                after[..i].rfind([',', ';']).unwrap_or(i)
            });
            let authority_and_rest = &after[..next_url];
            if let Some(at) = authority_and_rest.rfind('@') {
                let userinfo = &authority_and_rest[..at];
                if let Some((_, password)) = userinfo.split_once(':') {
                    out.push(password.to_string());
                    let decoded = percent_decode(password);
                    if decoded != password {
                        out.push(decoded);
                    }
                }
            }
            rest = &after[next_url..];
        }
    }
}

fn keyword_passwords(text: &str, out: &mut Vec<String>) {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    for _ in 0..64 {
        let Some(i) = lower[from..].find("password").map(|i| i + from) else {
            break;
        };
        from = i + "password".len();
        let rest = text[from..].trim_start_matches([' ', '\t']);
        let Some(value) = rest.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start_matches([' ', '\t']);
        if let Some(quoted) = value.strip_prefix('\'') {
            out.push(libpq_quoted(quoted));
            continue;
        }
        let blank = value.find(char::is_whitespace).unwrap_or(value.len());
        let word = &value[..blank];
        out.push(word.to_string());
        let short = word.find(['&', ';']).map_or(word, |j| &word[..j]);
        if short != word {
            out.push(short.to_string());
        }
        let decoded = percent_decode(short);
        if decoded != short {
            out.push(decoded);
        }
    }
}

/// A libpq single-quoted value: `\'` and `\\` are escapes, the first bare `'` ends it.
fn libpq_quoted(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) => out.push(n),
                None => break,
            },
            '\'' => break,
            c => out.push(c),
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(text: &str, secret: &str) -> bool {
        passwords(text).iter().any(|p| p == secret)
    }

    #[test]
    fn urls_with_awkward_passwords() {
        assert!(has(
            "postgresql+psycopg://u:4821/kQz9Lm@db/x",
            "4821/kQz9Lm"
        ));
        assert!(has(
            "postgresql://u:8?Kx9#zz@db:5432/x?sslmode=require",
            "8?Kx9#zz"
        ));
        assert!(has("redis://:p@ss@word@cache:6379/0", "p@ss@word"));
        assert!(has("postgres://app:s%40cret%2Fx@db/app", "s@cret/x"));
        assert!(has(
            "DATABASE_URL=postgres://app:hunter22@db/app",
            "hunter22"
        ));
        assert!(has("a://u:one1one1@h/x,b://v:two2two2@h/y", "one1one1"));
        assert!(has("a://u:one1one1@h/x,b://v:two2two2@h/y", "two2two2"));
        assert!(passwords("https://example.com/path").is_empty());
    }

    #[test]
    fn libpq_keywords_and_queries() {
        assert!(has("host=db password=Xy7-secret port=5432", "Xy7-secret"));
        assert!(has(
            "host=db password = 'it\\'s a pw' user=app",
            "it's a pw"
        ));
        assert!(has(
            "postgres://db/x?user=app&password=q9Zx7&sslmode=disable",
            "q9Zx7"
        ));
        assert!(has(
            "Server=db;User Id=sa;Password=Str0ng!Pass;",
            "Str0ng!Pass"
        ));
    }
}
