//! How guessable a secret is, estimated by zxcvbn (dictionary words and common passwords with
//! leetspeak, keyboard and alphabet runs, repetition of any unit, dates), described by the
//! kind of pattern found and never by its text.

use zxcvbn::matching::patterns::MatchPattern;

/// Longest prefix estimated: zxcvbn's matching grows faster than linearly with the length
/// (64 characters cost a third of 128), and a secret whose first 64 characters are guessable
/// is weak whatever follows.
const MAX_ESTIMATED_CHARS: usize = 64;

/// Default minimum: 10^14 guesses. A random 16-character alphanumeric or hex secret estimates
/// far above it; a doubled common password, a repeated word or an alphabet run far below.
pub const DEFAULT_MIN_GUESSES_LOG10: f64 = 14.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Weakness {
    /// log10 of zxcvbn's guess estimate.
    pub guesses_log10: f64,
    /// The kinds of pattern that make it guessable, e.g. `a repeated unit, a dictionary word`.
    pub patterns: String,
}

/// `Some` when `value` needs fewer than 10^`min_log10` guesses. `hints` are words an attacker
/// knows (the variable name's parts, the product's name).
pub fn weakness(value: &str, min_log10: f64, hints: &[&str]) -> Option<Weakness> {
    let cut: String = value.chars().take(MAX_ESTIMATED_CHARS).collect();
    if cut.is_empty() {
        return None;
    }
    let entropy = zxcvbn::zxcvbn(&cut, hints);
    let guesses_log10 = entropy.guesses_log10();
    if guesses_log10 >= min_log10 {
        return None;
    }
    let mut kinds: Vec<&'static str> = Vec::new();
    for m in entropy.sequence() {
        let kind = match &m.pattern {
            MatchPattern::Dictionary(d) if d.l33t => "a dictionary word in leetspeak",
            MatchPattern::Dictionary(d) if d.reversed => "a reversed dictionary word",
            MatchPattern::Dictionary(_) => "a dictionary word or common password",
            MatchPattern::Spatial(_) => "a keyboard run",
            MatchPattern::Repeat(_) => "a repeated unit",
            MatchPattern::Sequence(_) => "an alphabet or digit run",
            MatchPattern::Regex(_) => "a recent year",
            MatchPattern::Date(_) => "a date",
            MatchPattern::BruteForce => continue,
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    let patterns = if kinds.is_empty() {
        "too little randomness".to_string()
    } else {
        kinds.join(", ")
    };
    Some(Weakness {
        guesses_log10,
        patterns,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weak(value: &str) -> Option<Weakness> {
        weakness(value, DEFAULT_MIN_GUESSES_LOG10, &[])
    }

    #[test]
    fn issue_7_weak_secrets_are_caught_by_kind() {
        let cases = [
            ("deadbeef".repeat(8), "repeated"),
            ("secret".repeat(6), "repeated"),
            ("koda2024koda2024".to_string(), "repeated"),
            ("P@ssw0rdP@ssw0rd".to_string(), "repeated"),
            ("abcdefghijklmnopqrstuvwxyz123456".to_string(), "run"),
            ("qwertyuiopasdfghjkl".to_string(), "keyboard|dictionary"),
            ("zxcvbnm,./asdfghjkl;".to_string(), "keyboard|dictionary"),
            ("P@ssw0rd!".to_string(), "leetspeak"),
        ];
        for (value, kind) in cases {
            let w = weak(&value).unwrap_or_else(|| panic!("{value} passed"));
            assert!(
                kind.split('|').any(|k| w.patterns.contains(k)),
                "{value}: {w:?}"
            );
            assert!(!w.patterns.contains(&value[..4]), "{w:?}");
        }
    }

    #[test]
    fn random_secrets_are_strong() {
        for value in [
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=",
            "x7Qp2LmZ9vRt4KcW",
            "e3b0c44298fc1c14",
        ] {
            assert_eq!(weak(value), None, "{value}");
        }
    }

    #[test]
    fn long_values_are_bounded() {
        let long = "ab".repeat(50_000);
        assert!(weak(&long).is_some());
    }
}
