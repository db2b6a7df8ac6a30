//! Property tests for parsers of outside input (bounded case counts, so they stay fast in the
//! normal suite): no panic, output bounded by input, and round trips where they exist.

use proptest::prelude::*;
use rampart::checks::CheckKind;
use rampart::facts::template::{self, OnMalformed, Rules};
use rampart::profile::checks::parse_checks;

const KEEP: Rules = Rules {
    on_malformed: OnMalformed::Keep,
    max_nesting: 8,
    max_len: 64 * 1024,
};

fn env(name: &str) -> Option<String> {
    match name {
        "A" => Some("alpha".into()),
        "EMPTY" => Some(String::new()),
        "BIG" => Some("x".repeat(1000)),
        _ => None,
    }
}

/// Template-ish text: mostly the characters that matter to the syntax.
fn template_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("$".to_string()),
            Just("${".to_string()),
            Just("}".to_string()),
            Just(":-".to_string()),
            Just(":?".to_string()),
            Just("+".to_string()),
            Just("A".to_string()),
            Just("BIG".to_string()),
            Just("EMPTY".to_string()),
            "[a-z_ /.0-9]{0,4}",
        ],
        0..64,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn template_expansion_never_panics_and_stays_bounded(text in template_text()) {
        match template::expand(&text, &env, &KEEP) {
            Ok(out) => prop_assert!(out.len() <= KEEP.max_len),
            Err(e) => prop_assert_eq!(e, template::TemplateError::TooLong),
        }
        let refuse = Rules { on_malformed: OnMalformed::Refuse, ..KEEP };
        let _ = template::expand(&text, &env, &refuse);
    }

    #[test]
    fn text_without_a_dollar_expands_to_itself(text in "[^$]{0,200}") {
        prop_assert_eq!(template::expand(&text, &env, &KEEP).unwrap(), text);
    }

    #[test]
    fn doubled_dollars_are_literal(name in "[A-Z_]{1,8}") {
        let text = format!("$${{{name}}}");
        prop_assert_eq!(template::expand(&text, &env, &KEEP).unwrap(), format!("${{{name}}}"));
    }

    #[test]
    fn the_check_parser_never_panics_on_arbitrary_tables(
        keys in proptest::collection::vec(
            (prop_oneof![
                Just("id"), Just("title"), Just("kind"), Just("remediation"), Just("var"),
                Just("min_length"), Just("ports"), Just("version"), Just("when"), Just("x"),
            ], prop_oneof![
                Just("\"t.a\"".to_string()), Just("\"env.secret\"".to_string()),
                Just("\"tls.version\"".to_string()), Just("3".to_string()),
                Just("[1, 2]".to_string()), Just("{ var = \"A\" }".to_string()),
                Just("\"1.3\"".to_string()), Just("true".to_string()),
            ]),
            0..10,
        )
    ) {
        let mut text = String::from("[[check]]\n");
        let mut seen = std::collections::HashSet::new();
        for (k, v) in keys {
            if seen.insert(k) {
                text.push_str(&format!("{k} = {v}\n"));
            }
        }
        match parse_checks("p.toml", &text) {
            Ok(checks) => {
                for c in checks {
                    prop_assert!(CheckKind::TAGS.contains(&c.check.kind.tag()));
                }
            }
            Err(e) => {
                let shown = e.to_string();
                prop_assert!(shown.starts_with("p.toml"), "{}", shown);
                prop_assert_eq!(shown.lines().count(), 1, "{}", shown);
            }
        }
    }
}
