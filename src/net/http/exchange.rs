//! One request and its answer, with the body read up to [`BODY_LIMIT`] bytes and no further.

use super::error::{classify, HttpError};
use super::{HttpRequest, Method, BODY_LIMIT};
use bytes::Bytes;
use reqwest::Url;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// The answer to one request, before any redirect is followed.
pub(super) struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub body_truncated: bool,
}

pub(super) async fn exchange(
    client: &reqwest::Client,
    request: &HttpRequest,
    url: &Url,
    timeout: Duration,
) -> Result<Answer, HttpError> {
    let shown = url.as_str();
    let mut builder = match &request.method {
        Method::Get => client.get(url.clone()),
        Method::Head => client.head(url.clone()),
        Method::OversizedPost {
            declared,
            content_type,
        } => {
            let post = client
                .post(url.clone())
                .header(reqwest::header::CONTENT_LENGTH, *declared)
                .body(reqwest::Body::wrap(NeverSent {
                    declared: *declared,
                }));
            match content_type {
                Some(t) => post.header(reqwest::header::CONTENT_TYPE, t.as_str()),
                None => post,
            }
        }
        Method::WebSocketUpgrade => super::websocket::request_headers()
            .into_iter()
            .fold(client.get(url.clone()), |b, (name, value)| {
                b.header(name, value)
            }),
    };
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    // reqwest's own timeout covers connect, headers and body; this outer one is the guarantee.
    let sent = tokio::time::timeout(timeout, async {
        let mut response = builder.send().await.map_err(|e| classify(shown, &e))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let mut body_truncated = false;
        // After a 101 the connection speaks WebSocket: there is no HTTP body to read.
        let has_body = !matches!(request.method, Method::Head) && status != 101;
        if has_body {
            while let Some(chunk) = response.chunk().await.map_err(|e| classify(shown, &e))? {
                let room = BODY_LIMIT - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    body_truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
        }
        Ok(Answer {
            status,
            headers,
            body,
            body_truncated,
        })
    })
    .await;
    sent.unwrap_or_else(|_| {
        Err(HttpError::Timeout {
            url: shown.to_string(),
        })
    })
}

/// A request body that declares its length and never produces a byte: the server sees the
/// headers of a large upload and must decide from them alone.
struct NeverSent {
    declared: u64,
}

impl http_body::Body for NeverSent {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        // Never ready: the request's timeout ends the wait.
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        false
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.declared)
    }
}
