//! Host files read under --host-root: /proc/net/tcp* and udp* socket tables, ufw rules, and
//! the --ports list syntax.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rampart::facts::listeners::{procnet, Protocol};
use rampart::facts::ports::list::PortList;
use rampart::facts::ufw;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for protocol in [Protocol::Tcp, Protocol::Udp] {
        let (sockets, _) = procnet::parse(text, protocol, 10_000);
        assert!(sockets.len() <= 10_000);
    }
    let (rules, _) = ufw::parse_rules(text, "user.rules", 10_000);
    assert!(rules.len() <= 10_000);
    let _ = PortList::parse(text);
});
