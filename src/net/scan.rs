//! Lazily-run, shared network scans: each runs at most once per audit, whichever check asks first.
