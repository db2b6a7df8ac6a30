//! The one tokio runtime network facts run on, with the audit's global socket limit and its
//! deadline. It starts only when a network fact is first needed, so a local-only audit never
//! pays for it.

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Sockets open at once when `--max-sockets` is not given: enough for every TLS probe of one
/// endpoint to run in parallel, far below any default file-descriptor limit.
pub const DEFAULT_MAX_SOCKETS: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub enum RuntimeError {
    /// The audit's deadline passed before the fact was gathered.
    Deadline { seconds: f64 },
    /// The runtime could not start (no threads or file descriptors left).
    Start(String),
    /// The gathering task died (a panic inside it).
    Task(String),
}

impl std::fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuntimeError::Deadline { seconds } => write!(
                f,
                "not finished when the audit deadline ({seconds:.0} s) passed; raise --deadline"
            ),
            RuntimeError::Start(why) => write!(f, "cannot start the network runtime: {why}"),
            RuntimeError::Task(why) => write!(f, "the probe stopped unexpectedly: {why}"),
        }
    }
}

impl std::error::Error for RuntimeError {}

pub struct NetRuntime {
    runtime: OnceLock<Result<tokio::runtime::Runtime, RuntimeError>>,
    sockets: Arc<Semaphore>,
    max_sockets: usize,
    deadline: Instant,
    deadline_secs: f64,
}

impl NetRuntime {
    pub fn new(max_sockets: usize, deadline: Instant) -> Self {
        let max_sockets = max_sockets.max(1);
        NetRuntime {
            runtime: OnceLock::new(),
            sockets: Arc::new(Semaphore::new(max_sockets)),
            max_sockets,
            deadline,
            deadline_secs: deadline
                .saturating_duration_since(Instant::now())
                .as_secs_f64(),
        }
    }

    fn runtime(&self) -> Result<&tokio::runtime::Runtime, RuntimeError> {
        self.runtime
            .get_or_init(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| RuntimeError::Start(e.to_string()))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Runs `work` to completion on the runtime, or until the audit deadline.
    pub fn block_on<T>(&self, work: impl Future<Output = T>) -> Result<T, RuntimeError> {
        let runtime = self.runtime()?;
        let deadline = tokio::time::Instant::from_std(self.deadline);
        runtime
            .block_on(async { tokio::time::timeout_at(deadline, work).await })
            .map_err(|_| RuntimeError::Deadline {
                seconds: self.deadline_secs,
            })
    }

    /// How many sockets a probe asking for `wanted` actually gets (the limit may be lower), so
    /// it runs no more connections at once than it holds permits for.
    pub fn granted(&self, wanted: usize) -> usize {
        wanted.clamp(1, self.max_sockets)
    }

    /// Takes `count` sockets from the global limit (fewer if the limit is lower), waiting for
    /// them to be free. Hold the permit for as long as the sockets are open.
    pub async fn sockets(&self, count: usize) -> Result<OwnedSemaphorePermit, RuntimeError> {
        let wanted = u32::try_from(count.clamp(1, self.max_sockets)).unwrap_or(1);
        Arc::clone(&self.sockets)
            .acquire_many_owned(wanted)
            .await
            .map_err(|e| RuntimeError::Task(e.to_string()))
    }

    /// Runs blocking probe code on the runtime's blocking pool while holding `sockets`
    /// sockets, and bounds the wait by the audit deadline.
    pub async fn blocking<T: Send + 'static>(
        &self,
        sockets: usize,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, RuntimeError> {
        let permit = self.sockets(sockets).await?;
        let task = tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        });
        let deadline = tokio::time::Instant::from_std(self.deadline);
        match tokio::time::timeout_at(deadline, task).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(RuntimeError::Task(e.to_string())),
            Err(_) => Err(RuntimeError::Deadline {
                seconds: self.deadline_secs,
            }),
        }
    }

    /// The global socket limit itself, for a fact that takes one permit per connect (the port
    /// scan) instead of a block of them up front.
    pub fn socket_limit(&self) -> Arc<Semaphore> {
        Arc::clone(&self.sockets)
    }

    /// The global socket limit's size (`--max-sockets`).
    pub fn max_sockets(&self) -> usize {
        self.max_sockets
    }

    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    pub fn started(&self) -> bool {
        self.runtime.get().is_some()
    }
}

impl Drop for NetRuntime {
    /// Probes still blocked in a read are bounded by their own timeouts; the audit does not
    /// wait for them once its report is written.
    fn drop(&mut self) {
        if let Some(Ok(runtime)) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_deadline_ends_work_that_outlives_it() {
        let rt = NetRuntime::new(4, Instant::now() + Duration::from_millis(50));
        let started = Instant::now();
        let out = rt.block_on(async { tokio::time::sleep(Duration::from_secs(5)).await });
        assert!(matches!(out, Err(RuntimeError::Deadline { .. })));
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn the_socket_limit_is_shared() {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        let rt = NetRuntime::new(2, Instant::now() + Duration::from_secs(5));
        let open = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let probe = || {
            let (open, peak) = (open.clone(), peak.clone());
            rt.blocking(1, move || {
                let now = open.fetch_add(1, SeqCst) + 1;
                peak.fetch_max(now, SeqCst);
                std::thread::sleep(Duration::from_millis(30));
                open.fetch_sub(1, SeqCst);
            })
        };
        let results = rt
            .block_on(async { tokio::join!(probe(), probe(), probe(), probe(), probe()) })
            .unwrap();
        assert!(results.0.is_ok() && results.4.is_ok());
        let peak = peak.load(SeqCst);
        assert_eq!(peak, 2, "{peak} probes ran at once with a limit of 2");
    }

    #[test]
    fn no_runtime_until_needed() {
        let rt = NetRuntime::new(4, Instant::now() + Duration::from_secs(1));
        assert!(!rt.started());
        rt.block_on(async {}).unwrap();
        assert!(rt.started());
    }
}
