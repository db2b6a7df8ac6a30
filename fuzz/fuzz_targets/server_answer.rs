//! The server's answer to a raw ClientHello (records split anywhere, alerts, garbage), read
//! both up to the ServerHello and, as the suite scan does, on to ServerHelloDone.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::net::hello::AnswerReader;

fuzz_target!(|data: &[u8]| {
    for mut reader in [AnswerReader::new(), AnswerReader::for_flight()] {
        // Feed in uneven chunks, as a network would.
        let mut answered = false;
        for chunk in data.chunks(7) {
            if reader.feed(chunk).is_some() {
                answered = true;
                break;
            }
        }
        if !answered {
            let _ = reader.finish(true);
        }
        let _ = reader.flight();
    }
});
