//! The audit's HTTP fetcher: each distinct request made once however many checks read it,
//! requests made concurrently, each holding a permit of the audit's socket limit.

use super::client;
use super::follow::fetch_following;
use super::{HttpError, HttpOutcome, HttpRequest};
use crate::net::rustls_probe::roots::TrustRoots;
use crate::target::ResolveOverride;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OnceCell, Semaphore};

/// What every request shares.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub resolve: Vec<ResolveOverride>,
    pub timeout: Duration,
    /// Sockets open at once across the audit.
    pub sockets: Arc<Semaphore>,
}

pub struct HttpFetcher {
    settings: HttpSettings,
    tls: Result<rustls::ClientConfig, String>,
    clients: Mutex<HashMap<u16, reqwest::Client>>,
    /// One cell per distinct request: the first caller fetches, later ones wait for its answer.
    cache: Mutex<HashMap<HttpRequest, Arc<OnceCell<HttpOutcome>>>>,
}

impl HttpFetcher {
    pub fn new(settings: HttpSettings, roots: &TrustRoots) -> HttpFetcher {
        HttpFetcher {
            settings,
            tls: client::tls_config(roots).map_err(|e| e.to_string()),
            clients: Mutex::new(HashMap::new()),
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The outcome of `request`, fetched on first call and shared afterwards.
    pub async fn fetch(&self, request: &HttpRequest) -> HttpOutcome {
        let cell = {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            cache.entry(request.clone()).or_default().clone()
        };
        cell.get_or_init(|| async {
            let outcome = match self.settings.sockets.acquire().await {
                Ok(_permit) => {
                    fetch_following(
                        |port| self.client(port, request),
                        request,
                        self.settings.timeout,
                    )
                    .await
                }
                Err(_) => Err(HttpError::InvalidRequest {
                    url: request.url.to_string(),
                    reason: "the audit is shutting down".into(),
                }),
            };
            Arc::new(outcome)
        })
        .await
        .clone()
    }

    /// Fetches all `requests` concurrently; outcomes in the same order.
    pub async fn fetch_all(&self, requests: &[HttpRequest]) -> Vec<HttpOutcome> {
        let mut pending: Vec<_> = requests.iter().map(|r| Box::pin(self.fetch(r))).collect();
        join_all(&mut pending).await
    }

    /// How many distinct requests were made (or are under way).
    pub fn distinct_requests(&self) -> usize {
        self.cache.lock().map(|c| c.len()).unwrap_or(0)
    }

    fn client(&self, port: u16, request: &HttpRequest) -> Result<reqwest::Client, HttpError> {
        let invalid = |reason: String| HttpError::InvalidRequest {
            url: request.url.to_string(),
            reason,
        };
        let tls = self
            .tls
            .as_ref()
            .map_err(|e| invalid(format!("cannot configure TLS: {e}")))?;
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(client) = clients.get(&port) {
            return Ok(client.clone());
        }
        let client = client::build(tls, &self.settings.resolve, port, self.settings.timeout)
            .map_err(|e| invalid(format!("cannot build the HTTP client: {e}")))?;
        clients.insert(port, client.clone());
        Ok(client)
    }
}

/// Polls every future until all are done, without spawning (so they may borrow).
async fn join_all<F: std::future::Future + Unpin>(futures: &mut [F]) -> Vec<F::Output> {
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all_done = true;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match std::pin::Pin::new(future).poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => all_done = false,
                }
            }
        }
        if all_done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}
