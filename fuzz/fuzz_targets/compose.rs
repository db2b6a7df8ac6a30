//! Compose files: the YAML reader, `${VAR}` interpolation under its size budget, and port
//! specs in short and long syntax.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::facts::compose::interpolate::Interpolator;
use rampart::facts::compose::{ports, yaml};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = yaml::parse(text);
    let env = Interpolator::from_pairs(&[("A", "127.0.0.1"), ("P", "8090"), ("BIG", "xxxxxxxx")]);
    let _ = env.expand(text);
    let value = serde_json::Value::String(text.to_string());
    let _ = ports::parse(&value, &env, Path::new("fuzz.yml"));
});
