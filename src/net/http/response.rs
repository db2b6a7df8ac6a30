//! What came back: status, headers (every `Set-Cookie` kept), a capped body, and the redirect
//! chain that led to it.

use reqwest::Url;

/// One redirect answer that was followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub url: Url,
    pub status: u16,
    /// Header names lower-cased, in the order received, repeats kept.
    pub headers: Vec<(String, String)>,
}

impl Hop {
    pub fn location(&self) -> Option<&str> {
        header(&self.headers, "location")
    }
}

/// Why a chain of redirects stopped on a redirect answer instead of following it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectStop {
    /// The `Location` names another host: never followed.
    OffHost { location: String },
    /// The `Location` leads back to a URL already visited.
    Loop { location: String },
    /// More than [`super::MAX_REDIRECTS`] same-host redirects.
    TooMany,
    /// The `Location` is not a usable URL.
    BadLocation { location: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The URL that gave this answer (after any redirects followed).
    pub url: Url,
    pub status: u16,
    /// Header names lower-cased, in the order received, repeats kept (every `Set-Cookie`).
    pub headers: Vec<(String, String)>,
    /// At most [`super::BODY_LIMIT`] bytes of the body.
    pub body: Vec<u8>,
    /// The body went on past the limit; the rest was not read.
    pub body_truncated: bool,
    /// Redirects followed before this answer, first first.
    pub redirects: Vec<Hop>,
    /// Set when this answer is itself a redirect that was not followed, and why.
    pub stopped: Option<RedirectStop>,
}

impl HttpResponse {
    /// The first value of a header (names are matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// Every value of a header, in order.
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every `Set-Cookie` of the whole chain, redirects first: a login page may set its
    /// session cookie on a redirect.
    pub fn set_cookies(&self) -> Vec<&str> {
        self.redirects
            .iter()
            .flat_map(|hop| &hop.headers)
            .chain(&self.headers)
            .filter(|(n, _)| n == "set-cookie")
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn is_redirect(&self) -> bool {
        is_redirect_status(self.status)
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }
}

pub fn is_redirect_status(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
