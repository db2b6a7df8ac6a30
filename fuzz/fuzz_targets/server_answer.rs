//! The server's answer to a raw ClientHello (records split anywhere, alerts, garbage).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::net::hello::AnswerReader;

fuzz_target!(|data: &[u8]| {
    let mut reader = AnswerReader::new();
    // Feed in uneven chunks, as a network would.
    for chunk in data.chunks(7) {
        if reader.feed(chunk).is_some() {
            return;
        }
    }
    let _ = reader.finish(true);
});
