//! Just enough URL parsing for env checks (`scheme://user:pass@host:port/path?query#frag`),
//! and redaction so a URL can be shown without its credentials.

/// A URL split into the parts env checks look at; slices of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url<'a> {
    pub scheme: &'a str,
    /// Userinfo before `@`, still percent-encoded; `None` when absent.
    pub userinfo: Option<&'a str>,
    /// Host without IPv6 brackets; may be empty (`sqlite:///data.db`).
    pub host: &'a str,
    /// `host[:port]` exactly as written.
    pub host_port: &'a str,
    pub port: Option<u16>,
    /// From the first `/` after the authority up to `?` or `#`; may be empty.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub fragment: Option<&'a str>,
}

impl<'a> Url<'a> {
    pub fn user(&self) -> Option<&'a str> {
        self.userinfo
            .map(|u| u.split_once(':').map_or(u, |(user, _)| user))
    }

    /// The password part of the userinfo, still percent-encoded.
    pub fn password(&self) -> Option<&'a str> {
        self.userinfo
            .and_then(|u| u.split_once(':'))
            .map(|(_, p)| p)
    }

    /// Whether the scheme is one of `wanted`; `postgresql+asyncpg` counts as `postgresql`.
    pub fn scheme_is_one_of(&self, wanted: &[String]) -> bool {
        let base = self.scheme.split('+').next().unwrap_or(self.scheme);
        wanted
            .iter()
            .any(|w| w.eq_ignore_ascii_case(self.scheme) || w.eq_ignore_ascii_case(base))
    }
}

/// Parses a URL. The error says what is wrong without quoting the text.
pub fn parse(text: &str) -> Result<Url<'_>, &'static str> {
    let (scheme, rest) = text.split_once("://").ok_or("no `scheme://`")?;
    let mut scheme_chars = scheme.chars();
    let scheme_ok = scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return Err("invalid scheme");
    }
    let (userinfo, rest) = match split_userinfo(rest) {
        Some((u, r)) => (Some(u), r),
        None => (None, rest),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host_port, tail) = rest.split_at(authority_end);
    let (host, port_text) = if let Some(after) = host_port.strip_prefix('[') {
        let end = after.find(']').ok_or("unclosed `[` in the host")?;
        let port = match &after[end + 1..] {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or("unexpected text after `]`")?),
        };
        (&after[..end], port)
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    let port = match port_text {
        None | Some("") => None,
        Some(p) => Some(p.parse::<u16>().map_err(|_| "port is not a number")?),
    };
    if host.contains(|c: char| c.is_whitespace() || c == '@') {
        return Err("invalid host");
    }
    let (before_fragment, fragment) = match tail.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (tail, None),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_fragment, None),
    };
    Ok(Url {
        scheme,
        userinfo,
        host,
        host_port,
        port,
        path,
        query,
        fragment,
    })
}

/// Splits `user:pass@` off the text after `scheme://`. The user info ends at the LAST `@`, as
/// libpq and SQLAlchemy read it, so a password holding `/`, `?`, `#` or `@`
/// (`u:4821/kQz9@db/x`) is the password, not a port and a path. A `@` after a path that has no
/// `user:` before it (`http://host/a@b`) is part of the path.
fn split_userinfo(rest: &str) -> Option<(&str, &str)> {
    let at = rest.rfind('@')?;
    let (before, after) = (&rest[..at], &rest[at + 1..]);
    let first_delimiter = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if at < first_delimiter {
        return Some((before, after));
    }
    let (user, _) = before.split_once(':')?;
    (!user.contains(['/', '?', '#'])).then_some((before, after))
}

/// Query parameter names whose values are credentials.
const SECRET_PARAM_HINTS: &[&str] = &[
    "pass",
    "pwd",
    "secret",
    "token",
    "key",
    "auth",
    "sig",
    "credential",
];

/// The URL with its password (or a lone userinfo, which some clients read as a password),
/// secret-looking query values and a `key=value` fragment replaced by `***`.
pub fn redacted(url: &Url) -> String {
    let mut out = format!("{}://", url.scheme);
    match url.userinfo {
        Some(info) if info.contains(':') => {
            out.push_str(url.user().unwrap_or(""));
            out.push_str(":***@");
        }
        Some("") => out.push('@'),
        Some(_) => out.push_str("***@"),
        None => {}
    }
    out.push_str(url.host_port);
    out.push_str(url.path);
    if let Some(query) = url.query {
        let params: Vec<String> = query
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((name, _)) if is_secret_param(name) => format!("{name}=***"),
                _ => param.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    match url.fragment {
        Some(f) if f.contains('=') => out.push_str("#***"),
        Some(f) => {
            out.push('#');
            out.push_str(f);
        }
        None => {}
    }
    out
}

fn is_secret_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_PARAM_HINTS.iter().any(|h| lower.contains(h))
}

/// Decodes `%XX` escapes; invalid ones are kept as written.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_with_delimiters_are_userinfo() {
        let u = parse("postgresql+psycopg://u:4821/kQz9Lm@db/x").unwrap();
        assert_eq!(
            (u.user(), u.password(), u.host),
            (Some("u"), Some("4821/kQz9Lm"), "db")
        );
        assert_eq!(redacted(&u), "postgresql+psycopg://u:***@db/x");
        let u = parse("postgresql://u:8?Kx9#a@b@db:5432/x?sslmode=require").unwrap();
        assert_eq!(
            (u.password(), u.host, u.port),
            (Some("8?Kx9#a@b"), "db", Some(5432))
        );
        assert_eq!(redacted(&u), "postgresql://u:***@db:5432/x?sslmode=require");
        let u = parse("https://host/a@b").unwrap();
        assert_eq!((u.userinfo, u.host, u.path), (None, "host", "/a@b"));
    }

    fn url(text: &str) -> Url<'_> {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn splits_the_parts() {
        let u = url("postgresql+asyncpg://app:p%40ss@db.internal:5432/app?sslmode=require");
        assert_eq!(u.scheme, "postgresql+asyncpg");
        assert_eq!(u.user(), Some("app"));
        assert_eq!(u.password(), Some("p%40ss"));
        assert_eq!(percent_decode(u.password().unwrap_or("")), "p@ss");
        assert_eq!((u.host, u.port), ("db.internal", Some(5432)));
        assert_eq!((u.path, u.query), ("/app", Some("sslmode=require")));
        assert!(u.scheme_is_one_of(&["postgresql".into()]));
        assert!(!u.scheme_is_one_of(&["sqlite".into()]));

        let u = url("https://[::1]:8443");
        assert_eq!((u.host, u.port, u.path), ("::1", Some(8443), ""));
        let u = url("redis://:pw@redis:6379/0");
        assert_eq!((u.user(), u.password()), (Some(""), Some("pw")));
        let u = url("sqlite:///data/app.db");
        assert_eq!((u.host, u.path), ("", "/data/app.db"));
        let u = url("https://example.com/");
        assert_eq!((u.port, u.path), (None, "/"));
        // An unencoded `@` in the password: the last `@` ends the userinfo.
        let u = url("postgres://u:a@b@db/x");
        assert_eq!((u.password(), u.host), (Some("a@b"), "db"));
    }

    #[test]
    fn refuses_what_is_not_a_url() {
        for text in [
            "example.com",
            "://x",
            "1http://x",
            "http://h:port",
            "http://[::1",
            "http://[::1]x",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn redaction_hides_credentials_only() {
        let r = |t: &str| redacted(&url(t));
        assert_eq!(r("postgres://app:s3cret@db/x"), "postgres://app:***@db/x");
        assert_eq!(r("redis://:s3cret@redis:6379"), "redis://:***@redis:6379");
        assert_eq!(
            r("https://tok3n@github.com/o/r"),
            "https://***@github.com/o/r"
        );
        assert_eq!(
            r("https://h/cb?client=web&access_token=abc&api_key=def#x"),
            "https://h/cb?client=web&access_token=***&api_key=***#x"
        );
        assert_eq!(r("https://h/#token=abc"), "https://h/#***");
        assert_eq!(r("https://koda.example.com"), "https://koda.example.com");
    }

    #[test]
    fn percent_decoding_keeps_invalid_escapes() {
        assert_eq!(percent_decode("a%2Fb%zz%4"), "a/b%zz%4");
        assert_eq!(percent_decode("%41"), "A");
    }
}
