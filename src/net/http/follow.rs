//! Following redirects by hand: only those that stay on the requested host, at most
//! [`MAX_REDIRECTS`], each URL at most once. The chain is kept for the checks to judge.

use super::exchange::{exchange, Answer};
use super::response::is_redirect_status;
use super::{Hop, HttpError, HttpRequest, HttpResponse, Method, RedirectStop, MAX_REDIRECTS};
use reqwest::Url;
use std::collections::HashSet;
use std::time::Duration;

/// `client_for(port)` gives the client that connects to that port (see `client::build`).
pub(super) async fn fetch_following<F>(
    client_for: F,
    request: &HttpRequest,
    timeout: Duration,
) -> Result<HttpResponse, HttpError>
where
    F: Fn(u16) -> Result<reqwest::Client, HttpError>,
{
    let mut url = request.url.clone();
    let mut hops: Vec<Hop> = Vec::new();
    let mut seen: HashSet<Url> = HashSet::from([url.clone()]);
    loop {
        let port = url.port_or_known_default().unwrap_or(443);
        let client = client_for(port)?;
        let answer = exchange(&client, request, &url, timeout).await?;
        let follow = request.follow_redirects
            && !matches!(request.method, Method::OversizedPost { .. })
            && is_redirect_status(answer.status);
        let location = answer
            .headers
            .iter()
            .find(|(n, _)| n == "location")
            .map(|(_, v)| v.clone());
        let (Some(location), true) = (location, follow) else {
            return Ok(finish(url, answer, hops, None));
        };
        let next = match url.join(&location) {
            Err(_) => Err(RedirectStop::BadLocation { location }),
            Ok(next) if next.host_str() != request.url.host_str() => {
                Err(RedirectStop::OffHost { location })
            }
            Ok(next) if seen.contains(&next) => Err(RedirectStop::Loop { location }),
            Ok(_) if hops.len() >= MAX_REDIRECTS => Err(RedirectStop::TooMany),
            Ok(next) => Ok(next),
        };
        match next {
            Err(stop) => return Ok(finish(url, answer, hops, Some(stop))),
            Ok(next) => {
                seen.insert(next.clone());
                hops.push(Hop {
                    url: std::mem::replace(&mut url, next),
                    status: answer.status,
                    headers: answer.headers,
                });
            }
        }
    }
}

fn finish(
    url: Url,
    answer: Answer,
    redirects: Vec<Hop>,
    stopped: Option<RedirectStop>,
) -> HttpResponse {
    HttpResponse {
        url,
        status: answer.status,
        headers: answer.headers,
        body: answer.body,
        body_truncated: answer.body_truncated,
        redirects,
        stopped,
    }
}
