//! The profile and check-set loader's `[[check]]` parser: errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = rampart::profile::checks::parse_checks("fuzz.toml", text) {
        assert!(e.to_string().starts_with("fuzz.toml"));
    }
});
