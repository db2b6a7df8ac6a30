//! Property tests for the exposure parsers of outside input (/proc/net tables, ufw rule files,
//! --ports): no panic, output bounded by input, and the port list means what it says.

use proptest::prelude::*;
use rampart::facts::listeners::procnet::{self, Protocol};
use rampart::facts::ports::PortList;
use rampart::facts::ufw;

/// Lines shaped like /proc/net/tcp rows: hex words, colons, spaces and the odd stray byte.
fn procnet_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::collection::vec(
            prop_oneof![
                "[0-9A-F]{1,32}:[0-9A-F]{1,4}",
                "[0-9A-F]{2}",
                "[0-9]{1,12}",
                "[0-9]{1,3}:",
                Just("0A".to_string()),
                Just("07".to_string()),
                ".{0,3}",
            ],
            0..14,
        )
        .prop_map(|fields| fields.join(" ")),
        0..20,
    )
    .prop_map(|lines| lines.join("\n"))
}

/// Tuple lines ufw might write, with damage.
fn ufw_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::collection::vec(
            prop_oneof![
                Just("allow".to_string()),
                Just("limit".to_string()),
                Just("route:deny_log".to_string()),
                Just("tcp".to_string()),
                Just("any".to_string()),
                Just("0.0.0.0/0".to_string()),
                Just("in".to_string()),
                Just("in_eth0".to_string()),
                "[0-9]{1,6}",
                "[0-9]{1,5}:[0-9]{1,5}",
                "[0-9]{1,5},[0-9]{1,5}",
                "comment=[0-9a-f]{0,8}",
                ".{0,4}",
            ],
            0..11,
        )
        .prop_map(|fields| format!("### tuple ### {}", fields.join(" "))),
        0..16,
    )
    .prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn procnet_never_panics_and_yields_at_most_one_socket_a_line(text in procnet_text()) {
        let lines = text.lines().count();
        let (sockets, unreadable) = procnet::parse(&text, Protocol::Tcp, 1000);
        prop_assert!(sockets.len() + unreadable <= lines.saturating_sub(1));
        let (udp, _) = procnet::parse(&text, Protocol::Udp, 1000);
        prop_assert!(udp.len() <= lines);
    }

    #[test]
    fn ufw_rules_never_panic_and_every_tuple_is_kept_or_reported(text in ufw_text(), max in 0usize..20) {
        let tuples = text.lines().count();
        let (rules, unparsed) = ufw::parse_rules(&text, "/etc/ufw/user.rules", max);
        prop_assert!(rules.len() + unparsed.len() <= tuples.min(max));
        if max >= tuples {
            prop_assert_eq!(rules.len() + unparsed.len(), tuples);
        }
        for rule in &rules {
            prop_assert!(rule.line >= 1 && rule.line <= tuples);
        }
    }

    #[test]
    fn port_lists_never_panic(text in "[0-9,\\- a-z]{0,40}") {
        if let Ok(list) = PortList::parse(&text) {
            prop_assert!(!list.is_empty());
            prop_assert!(!list.contains(0));
        }
    }

    #[test]
    fn port_lists_hold_exactly_the_ranges_written(
        ranges in proptest::collection::vec((1u16..=65535, 0u16..50), 1..6)
    ) {
        let text = ranges
            .iter()
            .map(|(start, len)| format!("{start}-{}", start.saturating_add(*len)))
            .collect::<Vec<_>>()
            .join(",");
        let list = PortList::parse(&text).unwrap();
        let mut expected = std::collections::BTreeSet::new();
        for (start, len) in &ranges {
            expected.extend(*start..=start.saturating_add(*len));
        }
        prop_assert_eq!(list.iter().collect::<std::collections::BTreeSet<_>>(), expected);
    }
}
