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
    /// The header deletes the cookie (`Max-Age` of 0 or less, or else an `Expires` in the
    /// past): it carries no session, whatever its attributes.
    pub clears: bool,
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
        clears: false,
    };
    let mut max_age: Option<bool> = None;
    let mut expired: Option<bool> = None;
    for attribute in parts {
        let (key, value) = match attribute.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => (attribute.trim(), ""),
        };
        match key.to_ascii_lowercase().as_str() {
            "secure" => cookie.secure = true,
            "httponly" => cookie.http_only = true,
            "samesite" => cookie.same_site = Some(SameSite::parse(value)),
            // RFC 6265 5.2.2: a value that is not an integer is ignored; 0 or less expires.
            "max-age" => {
                if let Ok(seconds) = value.parse::<i64>() {
                    max_age = Some(seconds <= 0);
                }
            }
            "expires" => {
                if let Some(at) = cookie_date(value) {
                    expired = Some(at < time::OffsetDateTime::now_utc());
                }
            }
            _ => {}
        }
    }
    // Max-Age wins over Expires (RFC 6265 5.3 step 3).
    cookie.clears = max_age.or(expired).unwrap_or(false);
    Some(cookie)
}

/// RFC 6265 section 5.1.1's cookie-date algorithm: the time, day of month, month and year
/// found among the tokens, in any order; `None` when one is missing or out of range.
fn cookie_date(text: &str) -> Option<time::OffsetDateTime> {
    let is_delimiter = |c: char| matches!(c, '\t' | '\x20'..='\x2f' | '\x3b'..='\x40' | '\x5b'..='\x60' | '\x7b'..='\x7e');
    let leading_digits = |token: &str, min: usize, max: usize| -> Option<u32> {
        let digits: String = token.chars().take_while(char::is_ascii_digit).collect();
        (min..=max)
            .contains(&digits.len())
            .then(|| digits.parse().ok())
            .flatten()
    };
    let (mut clock, mut day, mut month, mut year) = (None, None, None, None);
    for token in text.split(is_delimiter).filter(|t| !t.is_empty()).take(64) {
        if clock.is_none() {
            let mut parts = token.splitn(3, ':');
            let fields = (parts.next(), parts.next(), parts.next());
            if let (Some(h), Some(m), Some(s)) = fields {
                if let (Some(h), Some(m), Some(s)) = (
                    leading_digits(h, 1, 2).filter(|_| h.len() <= 2),
                    leading_digits(m, 1, 2).filter(|_| m.len() <= 2),
                    leading_digits(s, 1, 2),
                ) {
                    clock = Some((h, m, s));
                    continue;
                }
            }
        }
        if day.is_none() {
            if let Some(d) = leading_digits(token, 1, 2) {
                day = Some(d);
                continue;
            }
        }
        if month.is_none() {
            let lower = token.to_ascii_lowercase();
            const MONTHS: [&str; 12] = [
                "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
            ];
            if let Some(i) = MONTHS.iter().position(|m| lower.starts_with(m)) {
                month = Some(i as u8 + 1);
                continue;
            }
        }
        if year.is_none() {
            if let Some(y) = leading_digits(token, 2, 4) {
                year = Some(y);
                continue;
            }
        }
    }
    let (hour, minute, second) = clock?;
    let year = match year? {
        y @ 70..=99 => y + 1900,
        y @ 0..=69 => y + 2000,
        y => y,
    };
    if year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let month = time::Month::try_from(month?).ok()?;
    let date =
        time::Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day?).ok()?)
            .ok()?;
    let clock = time::Time::from_hms(hour as u8, minute as u8, second as u8).ok()?;
    Some(time::PrimitiveDateTime::new(date, clock).assume_utc())
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
    fn deletions_are_recognised_by_max_age_then_expires() {
        let clears = |v: &str| parse(v).unwrap().clears;
        assert!(clears("sid=; Max-Age=0; Path=/"));
        assert!(clears("sid=; Max-Age=-1"));
        assert!(clears("sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT"));
        assert!(clears(
            "sid=; expires=Thu, 01-Jan-70 00:00:01 GMT; HttpOnly"
        ));
        assert!(!clears("sid=x; Expires=Wed, 21 Oct 2099 07:28:00 GMT"));
        // Max-Age wins over Expires; a Max-Age that is no integer is ignored.
        assert!(!clears(
            "sid=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=3600"
        ));
        assert!(clears(
            "sid=; Max-Age=soon; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
        ));
        // A date that does not parse changes nothing.
        assert!(!clears("sid=x; Expires=yesterday"));
        assert!(!clears("sid=x; Expires=Feb 30 2020 10:00:00"));
        assert!(!clears("sid=x"));
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
