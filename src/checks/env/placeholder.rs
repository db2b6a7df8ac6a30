//! Recognising placeholder values copied from example files (`changeme`, `your-*`, `<...>`).
//!
//! Matching is case-insensitive and treats `_`, `-` and spaces alike, so `CHANGE_ME_DB` and
//! `change-me-db` are one pattern. Every rule needs a whole word or a fixed shape, so a random
//! secret (hex, base64, base64url) does not trip it. The reason names the pattern, never the
//! value.

/// Why `value` looks like a placeholder rather than a real secret, or `None`.
/// `var_name` may be empty when the variable is unknown (then the own-name rule is skipped).
pub fn placeholder_reason(var_name: &str, value: &str) -> Option<&'static str> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return None;
    }
    let norm = normalize(trimmed);
    if trimmed.len() >= 2 && trimmed.starts_with('<') && trimmed.ends_with('>') {
        return Some("matches `<...>`");
    }
    if trimmed.len() >= 4 && trimmed.starts_with("{{") && trimmed.ends_with("}}") {
        return Some("matches `{{...}}`, an unrendered template");
    }
    if !var_name.is_empty() && norm == normalize(var_name) {
        return Some("equals the variable's own name");
    }
    if let Some(reason) = prefix_or_suffix(&norm) {
        return Some(reason);
    }
    if let Some(reason) = sample_word(strip_counter(&norm)) {
        return Some(reason);
    }
    if is_x_filler(&norm) {
        return Some("matches `xxx`");
    }
    if is_repetition(&norm) {
        return Some("is a short pattern repeated");
    }
    if is_sequence(&norm) {
        return Some("is a simple sequence like `123456` or `abcdef`");
    }
    if is_sample_phrase(&norm) {
        return Some("is made of sample words like `word-key-N`");
    }
    None
}

/// Lowercase with `_` and blanks turned into `-`.
fn normalize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '_' | ' ' | '\t' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// `password123!` -> `password`: counters and punctuation people append to a sample word.
fn strip_counter(norm: &str) -> &str {
    norm.trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, '!' | '-' | '.' | '?'))
}

fn prefix_or_suffix(norm: &str) -> Option<&'static str> {
    const PREFIXES: &[(&str, &str)] = &[
        ("changeme", "matches `changeme`"),
        ("change-me", "matches `CHANGE_ME_*`"),
        ("change-this", "matches `change-this-*`"),
        ("changethis", "matches `change-this-*`"),
        ("change-it", "matches `change-this-*`"),
        ("replace-with", "matches `replace-with-*`"),
        ("replacewith", "matches `replace-with-*`"),
        ("replace-me", "matches `REPLACE_ME`"),
        ("replaceme", "matches `REPLACE_ME`"),
        ("replace-this", "matches `replace-with-*`"),
        ("your-", "matches `your-*`"),
        ("generate-", "matches `generate-*`"),
        ("generated-", "matches `generate-*`"),
        ("insert-", "matches `insert-*`"),
        ("enter-", "matches `enter-*`"),
        ("paste-", "matches `paste-*`"),
        ("put-your", "matches `your-*`"),
        ("set-me", "matches `changeme`"),
        ("setme", "matches `changeme`"),
        ("fill-me", "matches `changeme`"),
        ("fillme", "matches `changeme`"),
    ];
    if let Some((_, reason)) = PREFIXES.iter().find(|(p, _)| norm.starts_with(p)) {
        return Some(reason);
    }
    // `yoursecretkey`, `yourpassword`: the `your-*` family written without separators.
    const YOUR_WORDS: &[&str] = &[
        "secret", "password", "pass", "key", "token", "api", "own", "app", "db", "client",
    ];
    if let Some(rest) = norm.strip_prefix("your") {
        if YOUR_WORDS.iter().any(|w| rest.starts_with(w)) {
            return Some("matches `your-*`");
        }
    }
    const SUFFIXES: &[&str] = &["-here", "goes-here", "goeshere"];
    if norm.len() > 5 && SUFFIXES.iter().any(|s| norm.ends_with(s)) {
        return Some("matches `*-here`");
    }
    if norm == "generate" {
        return Some("matches `generate-*`");
    }
    None
}

fn sample_word(word: &str) -> Option<&'static str> {
    let reason = match word {
        "changeme" | "change-me" => "matches `changeme`",
        "replaceme" | "replace-me" => "matches `REPLACE_ME`",
        "password" | "passwd" | "pass" | "pwd" | "mypassword" | "my-password" => {
            "matches `password`"
        }
        "secret" | "secrets" | "mysecret" | "my-secret" | "secretkey" | "secret-key" => {
            "matches `secret`"
        }
        "example" | "sample" => "matches `example`",
        "test" | "testing" | "demo" => "matches `test`",
        "dummy" | "fake" | "foo" | "foobar" | "bar" => "matches `dummy`",
        "devpassword" | "dev-password" | "devsecret" | "dev-secret" => "matches `devpassword`",
        "placeholder" | "todo" | "tbd" | "fixme" | "none" | "null" | "undefined" | "nil" => {
            "matches `placeholder`"
        }
        "key" | "apikey" | "api-key" | "token" | "apitoken" | "api-token" => {
            "matches `key`/`token`, a sample name"
        }
        "admin" | "root" | "postgres" | "qwerty" | "letmein" | "default" | "welcome"
        | "minioadmin" => "is a well-known default password",
        _ => return None,
    };
    Some(reason)
}

/// `xxx`, `sk-xxxxxxxx`, `xxxx-xxxx`: x filler with at most a short prefix around it.
fn is_x_filler(norm: &str) -> bool {
    if !norm.contains("xxx") {
        return false;
    }
    let rest: Vec<char> = norm
        .chars()
        .filter(|c| *c != 'x' && c.is_ascii_alphanumeric())
        .collect();
    rest.len() <= 4
}

/// `aaaaaaaa`, `abcabcabc`, `12121212`: a unit of up to four characters repeated.
fn is_repetition(norm: &str) -> bool {
    let chars: Vec<char> = norm.chars().collect();
    if chars.len() < 3 {
        return false;
    }
    (1..=4).any(|unit| {
        let long_enough = if unit == 1 {
            chars.len() >= 3
        } else {
            chars.len() >= unit * 3
        };
        long_enough && chars.iter().enumerate().all(|(i, c)| *c == chars[i % unit])
    })
}

/// `123456`, `abcdef`, `0123456789abcdef...`: each character one after the previous.
fn is_sequence(norm: &str) -> bool {
    let chars: Vec<char> = norm.chars().collect();
    chars.len() >= 6
        && chars.windows(2).all(|w| {
            let (a, b) = (w[0], w[1]);
            (b as u32 == a as u32 + 1 && a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric())
                || (a == '9' && (b == '0' || b == 'a'))
                || (a == 'f' && b == '0')
                || (a == 'z' && b == 'a')
        })
}

/// `client-key-1`, `admin-secret-key`, `my-api-token`: dictionary words around a secret noun.
/// Random secrets never consist only of short lowercase words and small numbers.
fn is_sample_phrase(norm: &str) -> bool {
    const TRIGGERS: &[&str] = &[
        "key",
        "keys",
        "secret",
        "token",
        "password",
        "passwd",
        "pass",
        "pwd",
        "api",
        "apikey",
        "example",
        "sample",
        "dummy",
        "test",
        "demo",
        "fake",
        "changeme",
        "placeholder",
        "default",
        "my",
        "your",
    ];
    let segments: Vec<&str> = norm.split(['-', '.', ':']).collect();
    if segments.len() < 2 || segments.iter().any(|s| s.is_empty()) {
        return false;
    }
    let wordy = segments.iter().all(|s| {
        (s.len() <= 12 && s.chars().all(|c| c.is_ascii_lowercase()))
            || (s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit()))
    });
    wordy && segments.iter().any(|s| TRIGGERS.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(value: &str) -> Option<&'static str> {
        placeholder_reason("SOME_VAR", value)
    }

    #[test]
    fn catches_the_placeholders_from_real_example_files() {
        let cases: &[(&str, &str)] = &[
            ("changeme", "changeme"),
            ("CHANGEME", "changeme"),
            ("changeme123", "changeme"),
            ("CHANGE_ME_POSTGRES_PASSWORD", "CHANGE_ME_*"),
            ("change-this-to-something-secure", "change-this-*"),
            ("replace-with-a-long-random-token", "replace-with-*"),
            ("REPLACE_ME", "REPLACE_ME"),
            ("your-secret-key", "your-*"),
            ("your_api_key", "your-*"),
            ("YOURSECRETKEY", "your-*"),
            ("admin-secret-key-here", "*-here"),
            ("put_your_token_here", "your-*"),
            ("generate-with-openssl-rand-hex-32", "generate-*"),
            ("<paste-generated-value>", "<...>"),
            ("<your-generated-secret>", "<...>"),
            ("password", "password"),
            ("Password123!", "password"),
            ("secret", "secret"),
            ("example", "example"),
            ("test", "test"),
            ("dummy", "dummy"),
            ("xxx", "xxx"),
            ("sk-xxxxxxxxxxxxxxxx", "xxx"),
            ("devpassword", "devpassword"),
            ("client-key-1", "word-key-N"),
            ("my-api-token", "word-key-N"),
            ("aaaaaaaaaaaaaaaa", "repeated"),
            ("abcabcabcabc", "repeated"),
            ("1234567890", "sequence"),
            ("0123456789abcdef0", "sequence"),
            ("{{ SECRET }}", "template"),
            ("postgres", "default"),
        ];
        for (value, pattern) in cases {
            let r = reason(value).unwrap_or_else(|| panic!("{value:?} not caught"));
            assert!(
                r.contains(pattern),
                "{value:?}: {r:?} should name {pattern:?}"
            );
        }
    }

    #[test]
    fn a_value_equal_to_its_variable_name_is_a_placeholder() {
        assert_eq!(
            placeholder_reason("JWT_SECRET", "jwt-secret"),
            Some("equals the variable's own name")
        );
        assert_eq!(
            placeholder_reason("POSTGRES_PASSWORD", "POSTGRES_PASSWORD"),
            Some("equals the variable's own name")
        );
        assert_eq!(placeholder_reason("", "xq9Lr2VbT7mW4kPz"), None);
    }

    #[test]
    fn the_reason_never_contains_the_value() {
        for value in [
            "CHANGE_ME_POSTGRES_PASSWORD",
            "your-secret-key",
            "client-key-1",
        ] {
            let r = reason(value).unwrap_or_default();
            assert!(!r.contains(value), "{r}");
        }
    }

    /// A deterministic generator so the test is reproducible.
    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn string(&mut self, alphabet: &[u8], len: usize) -> String {
            (0..len)
                .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize] as char)
                .collect()
        }
    }

    #[test]
    fn random_secrets_are_not_placeholders() {
        const HEX: &[u8] = b"0123456789abcdef";
        const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..3000 {
            for (alphabet, len) in [(HEX, 64), (HEX, 32), (B64, 43), (B64URL, 43), (B64URL, 22)] {
                let mut value = rng.string(alphabet, len);
                if alphabet == B64 {
                    value.push('=');
                }
                assert_eq!(reason(&value), None, "{value}");
            }
        }
        for real in [
            "d41d8cd98f00b204e9800998ecf8427e",
            "3f1c9a7e-52b4-4d8e-9c0f-6a2b7d1e8f90",
            "K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=",
            "correct-horse-battery-staple",
            "sk-proj-9fJ2kLm3Qx7Vb1Nz",
            "Tr0ub4dor&3",
        ] {
            assert_eq!(reason(real), None, "{real}");
        }
    }
}
