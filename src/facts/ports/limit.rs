//! How many connects may be in flight at once: what the caller asks, fitted under the
//! process's open-file limit so a full-range scan cannot starve the rest of the audit of
//! descriptors (or fail with EMFILE half way).

/// Descriptors left for everything else the audit opens (TLS probes, DNS, env files).
const RESERVED_FDS: u64 = 64;

/// The soft `RLIMIT_NOFILE`, or `None` when unlimited or unreadable.
pub fn open_files_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct we pass, which lives for the call.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    if rc != 0 || limit.rlim_cur == libc::RLIM_INFINITY {
        return None;
    }
    // rlim_t is u64 on Linux and macOS but not on every libc target.
    #[allow(clippy::unnecessary_cast)]
    Some(limit.rlim_cur as u64)
}

/// `wanted`, lowered to what `open_files` leaves after the reserve; at least 1.
pub fn fit_concurrency(wanted: usize, open_files: Option<u64>) -> usize {
    let cap = match open_files {
        Some(n) => n.saturating_sub(RESERVED_FDS).max(1),
        None => u64::MAX,
    };
    (wanted as u64).min(cap).max(1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_under_the_open_files_limit() {
        assert_eq!(fit_concurrency(4096, Some(1024)), 960);
        assert_eq!(fit_concurrency(500, Some(1024)), 500);
        assert_eq!(fit_concurrency(500, Some(10)), 1);
        assert_eq!(fit_concurrency(0, None), 1);
        assert_eq!(fit_concurrency(4096, None), 4096);
    }

    #[test]
    fn reads_this_process_limit() {
        let limit = open_files_limit();
        // Every Linux process has a finite soft limit unless raised to infinity on purpose.
        if let Some(n) = limit {
            assert!(n >= 3, "{n}");
        }
    }
}
