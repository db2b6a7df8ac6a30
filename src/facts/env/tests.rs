//! Each dialect against its loader: the cases each loader's own test suite covers (rewritten
//! here), the cases from issue 7, and property tests comparing the parser with a reference
//! model written from the loader's documented rules.

use super::{parse_as, Dialect, EnvFile};
use proptest::prelude::*;

fn parsed(dialect: Dialect, text: &str) -> EnvFile {
    match parse_as(text, dialect) {
        Ok(f) => f,
        Err(e) => panic!("{dialect:?}: expected {text:?} to parse, got {e}"),
    }
}

fn get(f: &EnvFile, key: &str) -> Option<String> {
    f.vars.get(key).map(|v| v.value.clone())
}

fn value(dialect: Dialect, text: &str, key: &str) -> String {
    let f = parsed(dialect, text);
    get(&f, key).unwrap_or_else(|| panic!("{dialect:?}: {key} not set by {text:?}: {f:?}"))
}

fn refused(dialect: Dialect, text: &str) -> String {
    match parse_as(text, dialect) {
        Ok(f) => panic!("{dialect:?}: expected {text:?} to be refused, parsed {f:?}"),
        Err(e) => e.to_string(),
    }
}

const HEX64: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

// ---- issue 7's cases -------------------------------------------------------------------

#[test]
fn npm_ends_an_unquoted_value_at_a_hash() {
    let npm = Dialect::Npm;
    assert_eq!(
        value(npm, "ADMIN_PASSWORD=Tr0ub4dor#3xYz!Qw\n", "ADMIN_PASSWORD"),
        "Tr0ub4dor"
    );
    assert_eq!(value(npm, &format!("KEY={HEX64}#prod\n"), "KEY"), HEX64);
    // Compose and python-dotenv need a blank before the `#`.
    for d in [Dialect::Compose, Dialect::Python] {
        assert_eq!(
            value(d, "ADMIN_PASSWORD=Tr0ub4dor#3xYz!Qw\n", "ADMIN_PASSWORD"),
            "Tr0ub4dor#3xYz!Qw"
        );
    }
}

#[test]
fn npm_does_not_expand_variables() {
    let text = "SHARED_TOKEN=abc\nAGENT_SERVER_TOKEN=${SHARED_TOKEN}\nB=\"$SHARED_TOKEN\"\n";
    assert_eq!(
        value(Dialect::Npm, text, "AGENT_SERVER_TOKEN"),
        "${SHARED_TOKEN}"
    );
    assert_eq!(value(Dialect::Npm, text, "B"), "$SHARED_TOKEN");
    assert_eq!(value(Dialect::Compose, text, "AGENT_SERVER_TOKEN"), "abc");
    assert_eq!(value(Dialect::Python, text, "AGENT_SERVER_TOKEN"), "abc");
}

#[test]
fn blanks_then_a_comment_after_the_equal_sign() {
    let text = "WEB_OPERATOR_SESSION_SECRET=   # generate with: openssl rand -hex 32\n";
    let key = "WEB_OPERATOR_SESSION_SECRET";
    // Compose trims the blanks first and only then looks for ` #`: the comment is the value.
    assert_eq!(
        value(Dialect::Compose, text, key),
        "# generate with: openssl rand -hex 32"
    );
    assert_eq!(value(Dialect::Npm, text, key), "");
    assert_eq!(value(Dialect::Python, text, key), "");
}

#[test]
fn two_assignments_on_one_line() {
    let f = parsed(Dialect::Compose, "A=\"x\" B=1\nC=3\n");
    assert_eq!(get(&f, "A").as_deref(), Some("x"));
    assert_eq!(get(&f, "B").as_deref(), Some("1"));
    assert_eq!(f.vars["B"].line, 1);
    assert_eq!(f.vars["C"].line, 2);
    // npm falls back to the unquoted rule and keeps the quotes.
    let f = parsed(Dialect::Npm, "A=\"x\" B=1\n");
    assert_eq!(get(&f, "A").as_deref(), Some("\"x\" B=1"));
    assert_eq!(get(&f, "B"), None);
    // python-dotenv cannot parse the binding at all.
    let e = refused(Dialect::Python, "Z=0\nA=\"x\" B=1\n");
    assert!(e.contains("line 2"), "{e}");
}

#[test]
fn an_unterminated_quote_never_swallows_the_next_lines() {
    let secret = "s3ss10n-s3cr3t-7f3a9b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a";
    let text = format!("DB_HOST=\"db\nSESSION_SECRET={secret}\nOTHER=\"\nLAST=1\n");
    for d in [Dialect::Compose, Dialect::Npm, Dialect::Python] {
        let e = refused(d, &text);
        assert!(e.contains("line 1") && e.contains("DB_HOST"), "{d:?}: {e}");
        assert!(!e.contains("s3ss10n"), "{d:?}: {e}");
    }
    // An empty `NAME=` line in between is an assignment too.
    let text = "NOTE=\"abc\nOTHER=\nLAST=\"\n";
    for d in [Dialect::Compose, Dialect::Npm, Dialect::Python] {
        assert!(refused(d, text).contains("line 1"), "{d:?}");
    }
    // No closing quote anywhere: Compose refuses, npm keeps the quote as text.
    let text = "DB_HOST=\"db\nSESSION_SECRET=abc\n";
    assert!(refused(Dialect::Compose, text).contains("line 1"));
    assert!(refused(Dialect::Python, text).contains("line 1"));
    let f = parsed(Dialect::Npm, text);
    assert_eq!(get(&f, "DB_HOST").as_deref(), Some("\"db"));
    assert_eq!(get(&f, "SESSION_SECRET").as_deref(), Some("abc"));
}

#[test]
fn multi_line_values_are_still_read() {
    let pem = "KEY=\"-----BEGIN KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASC=\nAbC12==\n-----END KEY-----\"\nNEXT=1\n";
    for d in [Dialect::Compose, Dialect::Npm, Dialect::Python] {
        let f = parsed(d, pem);
        assert_eq!(
            get(&f, "KEY").as_deref(),
            Some(
                "-----BEGIN KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASC=\nAbC12==\n-----END KEY-----"
            ),
            "{d:?}"
        );
        assert_eq!(f.vars["NEXT"].line, 5, "{d:?}");
    }
}

// ---- npm dotenv 16's own test cases --------------------------------------------------

#[test]
fn npm_dotenv_suite() {
    let text = concat!(
        "BASIC=basic\n\n# skipped\nAFTER_LINE=after_line\nEMPTY=\nEMPTY_SQ=''\nEMPTY_DQ=\"\"\n",
        "EMPTY_BT=``\nSQ='single_quotes'\nSQ_SPACED='    single quotes    '\n",
        "DQ_SPACED=\"    double quotes    \"\nDQ_IN_SQ='double \"quotes\" work'\n",
        "BRACKET=\"{ port: $PORT}\"\nBT=`backticks`\nBT_MIXED=`double \"quotes\" and single 'quotes'`\n",
        "EXPAND_NEWLINES=\"expand\\nnew\\nlines\"\nDONT_EXPAND_UNQUOTED=dontexpand\\nnewlines\n",
        "DONT_EXPAND_SQUOTED='dontexpand\\nnewlines'\n# COMMENTS=work\n",
        "INLINE=inline comments # work #very #well\nINLINE_SQ='outside of #singlequotes' # work\n",
        "INLINE_NOSPACE=start with a#number sign\nEQUAL_SIGNS=equals==\n",
        "INNER={\"foo\": \"bar\"}\nINNER_BT=`{\"foo\": \"bar's\"}`\nTRIM=    some spaced out string\n",
        "USERNAME=someone@example.tld\n    SPACED_KEY = parsed\nexport EXPORTED=yes\nYAML: style\n",
    );
    let f = parsed(Dialect::Npm, text);
    let expect = [
        ("BASIC", "basic"),
        ("AFTER_LINE", "after_line"),
        ("EMPTY", ""),
        ("EMPTY_SQ", ""),
        ("EMPTY_DQ", ""),
        ("EMPTY_BT", ""),
        ("SQ", "single_quotes"),
        ("SQ_SPACED", "    single quotes    "),
        ("DQ_SPACED", "    double quotes    "),
        ("DQ_IN_SQ", "double \"quotes\" work"),
        ("BRACKET", "{ port: $PORT}"),
        ("BT", "backticks"),
        ("BT_MIXED", "double \"quotes\" and single 'quotes'"),
        ("EXPAND_NEWLINES", "expand\nnew\nlines"),
        ("DONT_EXPAND_UNQUOTED", "dontexpand\\nnewlines"),
        ("DONT_EXPAND_SQUOTED", "dontexpand\\nnewlines"),
        ("INLINE", "inline comments"),
        ("INLINE_SQ", "outside of #singlequotes"),
        ("INLINE_NOSPACE", "start with a"),
        ("EQUAL_SIGNS", "equals=="),
        ("INNER", "{\"foo\": \"bar\"}"),
        ("INNER_BT", "{\"foo\": \"bar's\"}"),
        ("TRIM", "some spaced out string"),
        ("USERNAME", "someone@example.tld"),
        ("SPACED_KEY", "parsed"),
        ("EXPORTED", "yes"),
        ("YAML", "style"),
    ];
    for (k, v) in expect {
        assert_eq!(get(&f, k).as_deref(), Some(v), "{k}");
    }
    assert_eq!(get(&f, "COMMENTS"), None);
    assert_eq!(f.vars["AFTER_LINE"].line, 4);
    // Line endings: \r, \n and \r\n read the same.
    for sep in ["\r", "\n", "\r\n"] {
        let f = parsed(Dialect::Npm, &format!("A=1{sep}B=\"x\"{sep}C=3"));
        assert_eq!(get(&f, "C").as_deref(), Some("3"), "{sep:?}");
        assert_eq!(f.vars["C"].line, 3);
    }
    // Multi-line double quotes.
    assert_eq!(
        value(Dialect::Npm, "K=\"a\nb\"\n", "K"),
        "a\nb",
        "multiline double quotes"
    );
}

// ---- python-dotenv's own test cases ----------------------------------------------------

#[test]
fn python_dotenv_suite() {
    let py = Dialect::Python;
    let cases = [
        ("a=b", "a", "b"),
        ("'a'=b", "a", "b"),
        ("[=b", "[", "b"),
        (" a = b ", "a", "b"),
        ("export a=b", "a", "b"),
        (" export 'a'=b", "a", "b"),
        ("a=b#c", "a", "b#c"),
        ("a=b #c", "a", "b"),
        ("a=b\t#c", "a", "b"),
        ("a=b c", "a", "b c"),
        ("a=b\tc", "a", "b\tc"),
        ("a=b c ", "a", "b c"),
        ("a='b c '", "a", "b c "),
        ("a=\"b c \"", "a", "b c "),
        ("export export_a=1", "export_a", "1"),
        ("export port=8000", "port", "8000"),
        ("a=\"b\nc\"", "a", "b\nc"),
        ("a='b\nc'", "a", "b\nc"),
        ("a=\"b\\nc\"", "a", "b\nc"),
        ("a='b\\nc'", "a", "b\\nc"),
        ("a=\"b\\\"c\"", "a", "b\"c"),
        ("a='b\\'c'", "a", "b'c"),
        ("a=à", "a", "à"),
        ("a=\"à\"", "a", "à"),
        ("a=\nb=c", "a", ""),
        ("a=b\rc=d", "c", "d"),
        ("a=b\r\nc=d", "c", "d"),
        ("a=S3cr3t_P4ssw#rD #comment", "a", "S3cr3t_P4ssw#rD"),
        ("\u{feff}a=b", "a", "b"),
        ("a=#b", "a", "#b"),
        ("a=  #b", "a", ""),
    ];
    for (text, key, want) in cases {
        assert_eq!(value(py, text, key), want, "{text:?}");
    }
    // A bare name is not set; `a: b` is not python-dotenv syntax.
    assert_eq!(
        get(&parsed(py, "no_value_var\nb=1\n"), "no_value_var"),
        None
    );
    assert!(refused(py, "x=1\na: b\n").contains("line 2"));
    // Expansion: `${VAR}` and `${VAR:-default}` in every value, single quotes included (its
    // suite: `a='${b}'` is `c`); `$VAR` is literal; the default only when undefined.
    let f = parsed(
        py,
        "b=c\na=${b}\nsq='${b}'\ndq=\"x${b}y\"\nbare=$b\nd=${nope:-dflt}\ne=\nf=${e:-dflt}\ng=${b}${b}\n",
    );
    for (k, v) in [
        ("a", "c"),
        ("sq", "c"),
        ("dq", "xcy"),
        ("bare", "$b"),
        ("d", "dflt"),
        ("f", ""),
        ("g", "cc"),
    ] {
        assert_eq!(get(&f, k).as_deref(), Some(v), "{k}");
    }
    // Redefinitions: each value sees the values above it.
    let f = parsed(py, "a=b\nc=${a}\nd=e\nc=${d}\n");
    assert_eq!(get(&f, "c").as_deref(), Some("e"));
}

// ---- compose-go's own test cases -------------------------------------------------------

#[test]
fn compose_go_suite() {
    let c = Dialect::Compose;
    let cases = [
        ("FOO=bar", "FOO", "bar"),
        ("FOO =bar", "FOO", "bar"),
        ("FOO= bar", "FOO", "bar"),
        ("FOO=\"bar\"", "FOO", "bar"),
        ("FOO='bar'", "FOO", "bar"),
        ("FOO=\"escaped\\\"bar\"", "FOO", "escaped\"bar"),
        ("FOO=\"'d'\"", "FOO", "'d'"),
        ("FOO=foobar=", "FOO", "foobar="),
        ("FOO=bar ", "FOO", "bar"),
        ("FOO=\"bar#baz\"", "FOO", "bar#baz"),
        ("FOO='bar#baz'", "FOO", "bar#baz"),
        ("FOO=bar#baz", "FOO", "bar#baz"),
        ("FOO=bar # baz", "FOO", "bar"),
        ("FOO: bar", "FOO", "bar"),
        ("export FOO=bar", "FOO", "bar"),
        ("FOO.BAR=foobar", "FOO.BAR", "foobar"),
        ("FOO=\"bar\\nbaz\"", "FOO", "bar\nbaz"),
        ("FOO='bar\\nbaz'", "FOO", "bar\\nbaz"),
        ("FOO=\"bar\\\\r\\\\n\"", "FOO", "bar\\r\\n"),
        ("FOO=\"\\$bar\"", "FOO", "$bar"),
        ("FOO=$$bar", "FOO", "$bar"),
    ];
    for (text, key, want) in cases {
        assert_eq!(value(c, text, key), want, "{text:?}");
    }
}

// ---- property tests --------------------------------------------------------------------

/// Characters a generated value is made of: everything that changes how a line is read
/// (quotes, `#`, blanks, `=`, `:`) and plain text. Backslashes, `$` and line breaks are
/// covered by the concrete cases above.
fn raw_value() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-z0-9 \\t#'\"`=:/@!%&*()_+.,~-]{0,24}")
        .expect("valid strategy")
}

fn key() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Z][A-Z0-9_]{0,10}").expect("valid strategy")
}

/// What npm dotenv 16 reads for `KEY=raw` (one line, followed by lines without quotes).
fn npm_model(raw: &str) -> String {
    let v = raw.trim_start_matches([' ', '\t']);
    if let Some(q) = v.chars().next().filter(|c| matches!(c, '\'' | '"' | '`')) {
        if let Some(end) = v[1..].find(q).map(|i| i + 1) {
            let tail = v[end + 1..].trim_start_matches([' ', '\t']);
            if tail.is_empty() || tail.starts_with('#') {
                return v[1..end].to_string();
            }
        }
    }
    // Unquoted: up to the first `#`, trimmed, one pair of outer quotes removed.
    let text = v.split('#').next().unwrap_or("").trim();
    match text.chars().next() {
        Some(q @ ('\'' | '"' | '`')) if text.len() >= 2 && text.ends_with(q) => {
            text[1..text.len() - 1].to_string()
        }
        _ => text.to_string(),
    }
}

/// What python-dotenv reads for `KEY=raw`; `None` when it cannot parse the binding.
fn python_model(raw: &str) -> Option<String> {
    let v = raw.trim_start_matches([' ', '\t']);
    let after_blank = v.len() != raw.len();
    if let Some(q) = v.chars().next().filter(|c| matches!(c, '\'' | '"')) {
        let end = v[1..].find(q)? + 1;
        let tail = v[end + 1..].trim_start_matches([' ', '\t']);
        let ok = tail.starts_with('#') || tail.trim_end_matches([' ', '\t']).is_empty();
        return ok.then(|| v[1..end].to_string());
    }
    if after_blank && v.starts_with('#') {
        return Some(String::new());
    }
    // Cut at the first blank that is followed by `#`, then trim the end.
    let mut cut = v.len();
    for (i, c) in v.char_indices() {
        if c == '#' && v[..i].ends_with([' ', '\t']) {
            cut = v[..i].trim_end_matches([' ', '\t']).len();
            break;
        }
    }
    Some(v[..cut].trim_end().to_string())
}

enum ComposeModel {
    Value(String),
    Error,
    /// More statements follow on the line: covered by the concrete cases.
    NotModelled,
}

/// What Compose reads for `KEY=raw` (one line, followed by lines without quotes).
fn compose_model(raw: &str) -> ComposeModel {
    let v = raw.trim_start_matches([' ', '\t']);
    if let Some(q) = v.chars().next().filter(|c| matches!(c, '\'' | '"')) {
        let Some(end) = v[1..].find(q).map(|i| i + 1) else {
            return ComposeModel::Error;
        };
        let tail = v[end + 1..].trim_start_matches([' ', '\t']);
        if tail.is_empty() || tail.starts_with('#') {
            return ComposeModel::Value(v[1..end].to_string());
        }
        return ComposeModel::NotModelled;
    }
    let text = v.split(" #").next().unwrap_or("");
    ComposeModel::Value(text.trim_end().to_string())
}

fn separator(dialect: Dialect) -> impl Strategy<Value = &'static str> {
    let seps: &'static [&'static str] = match dialect {
        Dialect::Npm => &["=", " = ", ": "],
        Dialect::Compose => &["=", " = ", ": "],
        Dialect::Python => &["=", " = ", "\t="],
    };
    proptest::sample::select(seps)
}

fn prefix() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(&["", "  ", "export ", "\t"][..])
}

fn file(prefix: &str, key: &str, sep: &str, raw: &str) -> String {
    format!("# header\n{prefix}{key}{sep}{raw}\nZZ_END=1\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn npm_reads_what_dotenv_reads(p in prefix(), k in key(), sep in separator(Dialect::Npm), raw in raw_value()) {
        // `KEY: value` needs the blank npm requires after `:`, which the separator has.
        let text = file(p, &k, sep, &raw);
        let f = parse_as(&text, Dialect::Npm).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(get(&f, &k), Some(npm_model(&format!("{}{raw}", sep.trim_start_matches([' ', '=', ':'])))));
        prop_assert_eq!(get(&f, "ZZ_END"), Some("1".to_string()));
        prop_assert_eq!(f.vars[&k].line, 2);
    }

    #[test]
    fn python_reads_what_python_dotenv_reads(p in prefix(), k in key(), sep in separator(Dialect::Python), raw in raw_value()) {
        let text = file(p, &k, sep, &raw);
        let after_sep = format!("{}{raw}", &sep[sep.find('=').map_or(0, |i| i + 1)..]);
        match (python_model(&after_sep), parse_as(&text, Dialect::Python)) {
            (Some(want), Ok(f)) => {
                prop_assert_eq!(get(&f, &k), Some(want));
                prop_assert_eq!(f.vars[&k].line, 2);
            }
            (None, Err(e)) => prop_assert!(e.to_string().contains("line 2"), "{}", e),
            (want, got) => prop_assert!(false, "model {:?}, parser {:?}", want, got.map(|f| get(&f, &k))),
        }
    }

    #[test]
    fn compose_reads_what_compose_reads(p in prefix(), k in key(), sep in separator(Dialect::Compose), raw in raw_value()) {
        let text = file(p, &k, sep, &raw);
        let after_sep = format!("{}{raw}", sep.trim_start_matches([' ']).trim_start_matches(['=', ':']));
        match (compose_model(&after_sep), parse_as(&text, Dialect::Compose)) {
            (ComposeModel::Value(want), Ok(f)) => {
                prop_assert_eq!(get(&f, &k), Some(want));
                prop_assert_eq!(get(&f, "ZZ_END"), Some("1".to_string()));
            }
            (ComposeModel::Error, Err(e)) => prop_assert!(e.to_string().contains("line 2"), "{}", e),
            (ComposeModel::NotModelled, _) => {}
            (ComposeModel::Value(want), Err(e)) => prop_assert!(false, "model {:?}, parser error {}", want, e),
            (ComposeModel::Error, Ok(f)) => prop_assert!(false, "model error, parser {:?}", get(&f, &k)),
        }
    }

    #[test]
    fn no_dialect_panics_on_any_text(text in "(?s).{0,200}") {
        for d in [Dialect::Compose, Dialect::Npm, Dialect::Python] {
            let _ = parse_as(&text, d);
        }
    }

    #[test]
    fn no_dialect_panics_on_env_like_text(lines in proptest::collection::vec("[A-Z_]{0,4}[=: ]{0,2}[ -~\\t]{0,12}", 0..8)) {
        let text = lines.join("\n");
        for d in [Dialect::Compose, Dialect::Npm, Dialect::Python] {
            let _ = parse_as(&text, d);
        }
    }
}
