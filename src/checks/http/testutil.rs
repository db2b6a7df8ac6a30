//! Hand-made responses for the judges' unit tests.

use crate::facts::http::HttpResponse;
use reqwest::Url;

pub fn response(url: &str, status: u16, headers: &[(&str, &str)]) -> HttpResponse {
    HttpResponse {
        url: Url::parse(url).unwrap(),
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
            .collect(),
        body: Vec::new(),
        body_truncated: false,
        redirects: Vec::new(),
        stopped: None,
    }
}

pub fn with_body(mut r: HttpResponse, body: &str) -> HttpResponse {
    r.body = body.as_bytes().to_vec();
    r
}
