//! `Set-Cookie` attributes read per RFC 6265 section 5.2. The cookie's value is a session
//! token: it is never kept.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SameSite {
    Strict,
    Lax,
    None,
    /// A value browsers do not recognise (they then apply their default).
    Other(String),
}

impl SameSite {
    pub fn parse(value: &str) -> SameSite {
        match value.to_ascii_lowercase().as_str() {
            "strict" => SameSite::Strict,
            "lax" => SameSite::Lax,
            "none" => SameSite::None,
            _ => SameSite::Other(value.to_string()),
        }
    }

    pub fn label(&self) -> String {
        match self {
            SameSite::Strict => "Strict".into(),
            SameSite::Lax => "Lax".into(),
            SameSite::None => "None".into(),
            SameSite::Other(v) => format!("{v:?} (unrecognised)"),
        }
    }
}

/// What a `Set-Cookie` says about one cookie, its value left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieAttributes {
    pub name: String,
    pub secure: bool,
    pub http_only: bool,
    /// The last `SameSite` attribute, as browsers use it.
    pub same_site: Option<SameSite>,
}

/// `None` for a string browsers ignore (no `=` in the name-value pair).
pub fn parse(set_cookie: &str) -> Option<CookieAttributes> {
    let mut parts = set_cookie.split(';');
    let pair = parts.next()?;
    let (name, _value) = pair.split_once('=')?;
    let mut cookie = CookieAttributes {
        name: name.trim().to_string(),
        secure: false,
        http_only: false,
        same_site: None,
    };
    for attribute in parts {
        let (key, value) = match attribute.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => (attribute.trim(), ""),
        };
        match key.to_ascii_lowercase().as_str() {
            "secure" => cookie.secure = true,
            "httponly" => cookie.http_only = true,
            "samesite" => cookie.same_site = Some(SameSite::parse(value)),
            _ => {}
        }
    }
    Some(cookie)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_attributes_case_insensitively_without_the_value() {
        let c = parse("koda_operator_session=s3cr3t; Path=/; SECURE; httponly; SameSite=strict")
            .unwrap();
        assert_eq!(c.name, "koda_operator_session");
        assert!(c.secure && c.http_only);
        assert_eq!(c.same_site, Some(SameSite::Strict));
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }

    #[test]
    fn missing_and_odd_attributes() {
        let c = parse("sid=1; Path=/; SameSite=Lax; SameSite=Bogus").unwrap();
        assert!(!c.secure && !c.http_only);
        assert_eq!(c.same_site, Some(SameSite::Other("Bogus".into())));
        assert_eq!(parse("sid=1").unwrap().same_site, None);
        assert_eq!(parse("no-equals-sign; Secure"), None);
        // "Secure" inside a value is not the attribute.
        assert!(!parse("sid=Secure; Path=/").unwrap().secure);
    }
}
