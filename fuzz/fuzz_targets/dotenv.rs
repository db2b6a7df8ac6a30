//! Env files as Docker Compose reads them: a value or a one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = rampart::facts::env::parse(text) {
        assert!(!e.to_string().contains('\n'));
    }
});
