//! Env files in every loader's dialect (compose-go, npm dotenv, python-dotenv): a value or a
//! one-line error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::facts::env::{parse_as, Dialect};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for dialect in [Dialect::Compose, Dialect::Npm, Dialect::Python] {
        if let Err(e) = parse_as(text, dialect) {
            assert!(!e.to_string().contains('\n'));
        }
    }
});
