//! Compose-style `${...}` templates (compose files, env files, profile paths).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::facts::template::{expand, OnMalformed, Rules};

const LIMIT: usize = 64 * 1024;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let env = |name: &str| (name.len() % 3 == 0).then(|| name.repeat(3));
    for on_malformed in [OnMalformed::Keep, OnMalformed::Refuse] {
        let rules = Rules {
            on_malformed,
            max_nesting: 8,
            max_len: LIMIT,
        };
        if let Ok(out) = expand(text, &env, &rules) {
            assert!(out.len() <= LIMIT);
        }
    }
});
