//! `Strict-Transport-Security` read per RFC 6797 section 6.1: directives separated by `;`,
//! names case-insensitive, each at most once, `max-age` required (delta-seconds, optionally
//! quoted), `includeSubDomains` valueless, unknown directives (such as `preload`) ignored by
//! the grammar but reported here.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hsts {
    pub max_age: u64,
    pub include_subdomains: bool,
    pub preload: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HstsProblem {
    MissingMaxAge,
    /// RFC 6797 6.1: a directive appearing twice makes the whole header invalid.
    Repeated(String),
    /// `max-age` is not a number of seconds; the value as sent (a server string, escaped).
    BadMaxAge(String),
    EmptyName,
    /// A directive name or value with characters outside an HTTP token.
    NotAToken(String),
    UnterminatedQuote,
    /// `includeSubDomains=...`: the directive takes no value.
    ValueNotAllowed(String),
}

impl fmt::Display for HstsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HstsProblem::MissingMaxAge => write!(f, "no max-age directive (it is required)"),
            HstsProblem::Repeated(name) => {
                write!(
                    f,
                    "directive {name} appears more than once, which voids the header"
                )
            }
            HstsProblem::BadMaxAge(v) => {
                write!(f, "max-age {v:?} is not a whole number of seconds")
            }
            HstsProblem::EmptyName => write!(f, "a directive has an empty name"),
            HstsProblem::NotAToken(t) => write!(f, "{t:?} is not a valid directive"),
            HstsProblem::UnterminatedQuote => write!(f, "a quoted value is not closed"),
            HstsProblem::ValueNotAllowed(name) => write!(f, "{name} takes no value"),
        }
    }
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_token_char)
}

/// Splits on `;` outside quoted strings.
fn split_directives(header: &str) -> Result<Vec<&str>, HstsProblem> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in header.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                parts.push(&header[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if quoted {
        return Err(HstsProblem::UnterminatedQuote);
    }
    parts.push(&header[start..]);
    Ok(parts)
}

pub fn parse(header: &str) -> Result<Hsts, HstsProblem> {
    let mut max_age = None;
    let mut include_subdomains = false;
    let mut preload = false;
    let mut seen: Vec<String> = Vec::new();
    for part in split_directives(header)? {
        let part = part.trim_matches([' ', '\t']);
        if part.is_empty() {
            continue; // the grammar allows empty directives: "max-age=1;;"
        }
        let (name, value) = match part.split_once('=') {
            Some((n, v)) => (
                n.trim_matches([' ', '\t']),
                Some(v.trim_matches([' ', '\t'])),
            ),
            None => (part, None),
        };
        if name.is_empty() {
            return Err(HstsProblem::EmptyName);
        }
        if !is_token(name) {
            return Err(HstsProblem::NotAToken(name.to_string()));
        }
        let lower = name.to_ascii_lowercase();
        if seen.contains(&lower) {
            return Err(HstsProblem::Repeated(name.to_string()));
        }
        seen.push(lower.clone());
        let value = match value {
            Some(v) if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') => {
                Some(v[1..v.len() - 1].to_string())
            }
            Some(v) if v.is_empty() || is_token(v) => Some(v.to_string()),
            Some(v) => return Err(HstsProblem::NotAToken(v.to_string())),
            None => None,
        };
        match lower.as_str() {
            "max-age" => {
                let v = value.unwrap_or_default();
                if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(HstsProblem::BadMaxAge(v));
                }
                // An overflowing delta-seconds means "very long" (RFC 9111 1.2.2).
                max_age = Some(v.parse::<u64>().unwrap_or(u64::MAX));
            }
            "includesubdomains" => {
                if value.is_some() {
                    return Err(HstsProblem::ValueNotAllowed(name.to_string()));
                }
                include_subdomains = true;
            }
            "preload" => preload = true,
            _ => {}
        }
    }
    Ok(Hsts {
        max_age: max_age.ok_or(HstsProblem::MissingMaxAge)?,
        include_subdomains,
        preload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_usual_forms() {
        assert_eq!(
            parse("max-age=31536000; includeSubDomains; preload"),
            Ok(Hsts {
                max_age: 31536000,
                include_subdomains: true,
                preload: true
            })
        );
        let h = parse("MAX-AGE=\"600\";INCLUDESUBDOMAINS;").unwrap();
        assert_eq!(
            (h.max_age, h.include_subdomains, h.preload),
            (600, true, false)
        );
        assert_eq!(parse(" max-age = 0 ").unwrap().max_age, 0);
        assert_eq!(
            parse("max-age=99999999999999999999999").unwrap().max_age,
            u64::MAX
        );
        assert!(parse("max-age=1; foo=\"a;b\"").is_ok());
    }

    #[test]
    fn names_what_is_wrong() {
        assert_eq!(parse("includeSubDomains"), Err(HstsProblem::MissingMaxAge));
        assert_eq!(
            parse("max-age=1; max-age=2"),
            Err(HstsProblem::Repeated("max-age".into()))
        );
        assert_eq!(
            parse("max-age=1y"),
            Err(HstsProblem::BadMaxAge("1y".into()))
        );
        assert_eq!(
            parse("max-age=-5"),
            Err(HstsProblem::BadMaxAge("-5".into()))
        );
        assert_eq!(parse("max-age="), Err(HstsProblem::BadMaxAge("".into())));
        assert_eq!(parse("max-age=1; =x"), Err(HstsProblem::EmptyName));
        assert_eq!(parse("max-age=\"1"), Err(HstsProblem::UnterminatedQuote));
        assert_eq!(
            parse("max-age=1, includeSubDomains"),
            Err(HstsProblem::NotAToken("1, includeSubDomains".into()))
        );
        assert_eq!(
            parse("max-age=1; includeSubDomains=yes"),
            Err(HstsProblem::ValueNotAllowed("includeSubDomains".into()))
        );
        let text = HstsProblem::Repeated("max-age".into()).to_string();
        assert!(text.contains("more than once"), "{text}");
    }
}
