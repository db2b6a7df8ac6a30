//! Reads one compose file from disk and parses the parts the audit uses, with hard limits on
//! size and YAML structure (anchors/aliases cannot blow up).

use crate::facts::error::FactError;
use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Tagged;
use std::collections::BTreeMap;
use std::path::Path;

/// Real compose files are a few KiB; anything this large is not one.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// Longest parser message kept in a report line.
const MAX_MESSAGE_CHARS: usize = 300;

/// Only the keys the checks read; everything else in the file is skipped unparsed.
#[derive(Debug, Default, Deserialize)]
pub struct RawFile {
    /// A service may itself carry `!override` (replace the whole service) or `!reset` (drop it).
    #[serde(default)]
    pub services: Option<BTreeMap<String, TaggedService>>,
    /// `include:` entries: paths, or mappings with `path` (a path or a list of paths).
    #[serde(default)]
    pub include: Value,
}

/// A value with its YAML tag, so `!reset` / `!override` can steer the merge.
pub type TaggedValue = Tagged<Value>;
/// A service definition with its own tag (`!override`, `!reset`); `None` for `web:` alone.
pub type TaggedService = Tagged<Option<RawService>>;

fn absent() -> TaggedValue {
    Tagged(Value::Null, None)
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawService {
    #[serde(default = "absent")]
    pub image: TaggedValue,
    #[serde(default = "absent")]
    pub user: TaggedValue,
    #[serde(default = "absent")]
    pub network_mode: TaggedValue,
    #[serde(default = "absent")]
    pub ports: TaggedValue,
    #[serde(default = "absent")]
    pub volumes: TaggedValue,
    #[serde(default = "absent")]
    pub privileged: TaggedValue,
    #[serde(default = "absent")]
    pub cap_add: TaggedValue,
    #[serde(default = "absent")]
    pub pid: TaggedValue,
    #[serde(default = "absent")]
    pub profiles: TaggedValue,
    #[serde(default = "absent")]
    pub volumes_from: TaggedValue,
    /// `extends: NAME` or `extends: {service: NAME, file: PATH}`.
    #[serde(default)]
    pub extends: Value,
}

impl Default for RawService {
    fn default() -> Self {
        RawService {
            image: absent(),
            user: absent(),
            network_mode: absent(),
            ports: absent(),
            volumes: absent(),
            privileged: absent(),
            cap_add: absent(),
            pid: absent(),
            profiles: absent(),
            volumes_from: absent(),
            extends: Value::Null,
        }
    }
}

/// The file's text; `Ok(None)` when it does not exist. Errors name the file.
pub fn read(path: &Path) -> Result<Option<String>, FactError> {
    use crate::read::{read_text, ReadError, ReadTextError};
    match read_text(path, MAX_FILE_BYTES as usize) {
        Ok(text) => Ok(Some(text)),
        Err(ReadTextError::Read(ReadError::NotFound)) => Ok(None),
        Err(e) => Err(FactError::from(format!("{}: {e}", path.display()))),
    }
}

/// Parses a compose document. The error says what is wrong and, when known, where
/// ("... at line 4, column 6"); the caller prefixes the file name.
pub fn parse(text: &str) -> Result<RawFile, FactError> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_reader_input_bytes: Some(MAX_FILE_BYTES as usize),
            max_events: 200_000,
            max_nodes: 100_000,
            max_aliases: 5_000,
            max_anchors: 5_000,
            max_depth: 64,
            max_documents: 1,
            max_total_scalar_bytes: 4 * MAX_FILE_BYTES as usize,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
            max_replay_stack_depth: 32,
        },
    };
    let parsed: Result<Option<RawFile>, _> = serde_saphyr::from_str_with_options(text, options);
    match parsed {
        Ok(file) => Ok(file.unwrap_or_default()),
        Err(e) => {
            // Without the snippet: it would quote lines of the file, which may hold secrets.
            let message = e.without_snippet().to_string();
            let mut message = message.lines().next().unwrap_or("").to_string();
            if message.chars().count() > MAX_MESSAGE_CHARS {
                message = message.chars().take(MAX_MESSAGE_CHARS).collect::<String>() + "…";
            }
            Err(FactError::from(format!("invalid compose YAML: {message}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_documents_have_no_services() {
        assert!(parse("").unwrap().services.is_none());
        assert!(parse("# only a comment\n").unwrap().services.is_none());
        assert!(parse("services:\n").unwrap().services.is_none());
    }

    #[test]
    fn keeps_tags_for_the_merge() {
        let f = parse("services:\n  web:\n    ports: !override\n      - 1\n    volumes: !reset\n")
            .unwrap();
        let services = f.services.unwrap();
        let web = services["web"].0.as_ref().unwrap();
        assert_eq!(web.ports.1.as_deref(), Some("!override"));
        assert_eq!(web.volumes.1.as_deref(), Some("!reset"));
        assert_eq!(web.image.0, Value::Null);
    }

    #[test]
    fn merge_keys_and_anchors_are_expanded() {
        let f = parse(
            "x-base: &base\n  image: app:1\n  user: \"1000\"\nservices:\n  web:\n    <<: *base\n",
        )
        .unwrap();
        let services = f.services.unwrap();
        let web = services["web"].0.as_ref().unwrap();
        assert_eq!(web.image.0, Value::String("app:1".into()));
    }

    #[test]
    fn explicit_keys_win_over_merge_keys() {
        let f = parse(
            "x-base: &base\n  image: app:1\n  privileged: true\nservices:\n  web:\n    <<: *base\n    image: app:2\n",
        )
        .unwrap();
        let services = f.services.unwrap();
        let web = services["web"].0.as_ref().unwrap();
        assert_eq!(web.image.0, Value::String("app:2".into()));
        assert_eq!(web.privileged.0, Value::Bool(true));
    }

    #[test]
    fn service_level_tags_are_kept() {
        let f = parse("services:\n  db: !reset {}\n  web: !override\n    image: x\n  plain:\n")
            .unwrap();
        let services = f.services.unwrap();
        assert_eq!(services["db"].1.as_deref(), Some("!reset"));
        assert_eq!(services["web"].1.as_deref(), Some("!override"));
        assert!(services["plain"].0.is_none());
    }

    #[test]
    fn errors_give_the_line() {
        let e = parse("services:\n  web:\n    ports: [\n  x: : :\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 4"), "{e}");
        let e = parse("services:\n  web:\n\t  image: x\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3"), "{e}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        text.push_str("services:\n  web:\n    image: x\n");
        assert!(parse(&text).is_err());
    }

    #[test]
    fn error_does_not_quote_the_file() {
        let e = parse("services:\n  web:\n    environment:\n      SECRET: hunter2-very-secret\n    ports: [\n  : x\n")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("hunter2"), "{e}");
        assert!(!e.contains('\n'));
    }

    #[test]
    fn read_caps_size_and_reports_missing() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(&dir.path().join("nope.yml")).unwrap(), None);
        let big = dir.path().join("big.yml");
        std::fs::write(&big, vec![b'#'; MAX_FILE_BYTES as usize + 10]).unwrap();
        let e = read(&big).unwrap_err().to_string();
        assert!(e.contains("big.yml") && e.contains("larger"), "{e}");
        let bin = dir.path().join("bin.yml");
        std::fs::write(&bin, [0xff, 0xfe, 0x00]).unwrap();
        assert!(read(&bin).unwrap_err().to_string().contains("UTF-8"));
    }
}
