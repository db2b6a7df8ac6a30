//! Security headers from the audited server: Strict-Transport-Security (RFC 6797),
//! Content-Security-Policy and Set-Cookie.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::checks::http::{cookie, csp, hsts};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = hsts::parse(text);
    let _ = csp::judge_scripts(&csp::parse_policy(text));
    let _ = csp::parse_headers(text.split('\n'));
    let _ = cookie::parse(text);
});
