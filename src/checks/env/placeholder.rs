//! Recognising placeholder values copied from example files (`changeme`, `your-*`, `<...>`).
