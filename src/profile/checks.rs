//! Reads the `[[check]]` tables of a profile or check set into typed checks, keeping the
//! position of every key so that an error points at the key (or value) to fix.
//!
//! serde's `flatten` and internally tagged enums buffer values and lose their positions, so a
//! table is split here instead: the keys every check has go to [`CheckHeader`], `kind` picks
//! the parameter type, and the rest is deserialized into it, each half straight from the
//! spanned document.

use super::error::{line_column, ProfileError};
use super::schema::{CheckDef, CheckHeader, CheckOrigin};
use crate::checks::CheckKind;
use serde::Deserialize;
use std::ops::Range;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::Spanned;

/// A check read from a file, with the span of its table.
pub struct ParsedCheck {
    pub span: Range<usize>,
    pub check: CheckDef,
}

pub fn parse_checks(label: &str, text: &str) -> Result<Vec<ParsedCheck>, ProfileError> {
    let at = |span: Range<usize>, message: String| ProfileError::at(label, text, span, message);
    let doc = DeTable::parse(text).map_err(|e| match e.span() {
        Some(span) => at(span, e.message().trim().to_string()),
        None => ProfileError::whole_file(label, e.message().trim().to_string()),
    })?;
    let Some(checks) = doc.get_ref().get("check") else {
        return Ok(Vec::new());
    };
    let Some(items) = checks.get_ref().as_array() else {
        return Err(at(
            checks.span(),
            "`check` must be an array of tables".into(),
        ));
    };
    items
        .iter()
        .map(|item| {
            let span = item.span();
            let Some(table) = item.get_ref().as_table() else {
                return Err(at(span, "each `check` must be a table".into()));
            };
            let check = parse_one(label, text, span.clone(), table)?;
            Ok(ParsedCheck { span, check })
        })
        .collect()
}

fn parse_one(
    label: &str,
    text: &str,
    span: Range<usize>,
    table: &DeTable<'_>,
) -> Result<CheckDef, ProfileError> {
    let error = |e: toml::de::Error, fallback: &Range<usize>| {
        let span = e.span().unwrap_or_else(|| fallback.clone());
        ProfileError::at(label, text, span, e.message().trim().to_string())
    };
    let mut header = DeTable::new();
    let mut params = DeTable::new();
    let mut kind: Option<&Spanned<DeValue<'_>>> = None;
    let mut keys = Vec::new();
    for (key, value) in table.iter() {
        keys.push((
            key.get_ref().to_string(),
            line_column(text, key.span().start),
        ));
        if key.get_ref() == "kind" {
            kind = Some(value);
        } else if CheckHeader::KEYS.contains(&key.get_ref().as_ref()) {
            header.insert(key.clone(), value.clone());
        } else {
            params.insert(key.clone(), value.clone());
        }
    }
    let header = CheckHeader::deserialize(ValueDeserializer::from(Spanned::new(
        span.clone(),
        DeValue::Table(header),
    )))
    .map_err(|e| error(e, &span))?;
    let Some(kind) = kind else {
        return Err(ProfileError::at(
            label,
            text,
            span,
            format!("check {:?}: missing `kind`", header.id),
        ));
    };
    let Some(tag) = kind.get_ref().as_str() else {
        return Err(ProfileError::at(
            label,
            text,
            kind.span(),
            "`kind` must be a string".to_string(),
        ));
    };
    let params = ValueDeserializer::from(Spanned::new(span.clone(), DeValue::Table(params)));
    let kind = match CheckKind::deserialize_tagged(tag, params) {
        Some(parsed) => parsed.map_err(|e| error(e, &span))?,
        None => {
            return Err(ProfileError::at(
                label,
                text,
                kind.span(),
                format!(
                    "unknown kind {tag:?} (one of: {})",
                    CheckKind::TAGS.join(", ")
                ),
            ))
        }
    };
    let origin = CheckOrigin {
        file: label.to_string(),
        line: line_column(text, span.start).0,
        keys,
    };
    Ok(CheckDef::new(header, kind, origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_at(text: &str) -> String {
        match parse_checks("p.toml", text) {
            Ok(_) => panic!("expected an error for {text}"),
            Err(e) => e.to_string(),
        }
    }

    const HEAD: &str = "[[check]]\nid = \"t.a\"\ntitle = \"a\"\nremediation = \"r\"\n";

    #[test]
    fn every_error_points_at_its_key_or_value() {
        let e = error_at(&format!(
            "{HEAD}kind = \"env.secret\"\nvar = \"A\"\nmin_length = \"long\"\n"
        ));
        assert!(e.starts_with("p.toml:7:14: invalid type"), "{e}");
        let e = error_at(&format!("{HEAD}kind = \"env.nope\"\n"));
        assert!(
            e.starts_with("p.toml:5:8: unknown kind \"env.nope\""),
            "{e}"
        );
        let e = error_at(&format!(
            "{HEAD}kind = \"env.secret\"\nvar = \"A\"\nbogus = 1\n"
        ));
        assert!(e.starts_with("p.toml:7:1: unknown field `bogus`"), "{e}");
        let e = error_at(&format!("{HEAD}severity = \"huge\"\nkind = \"env.file\"\n"));
        assert!(e.starts_with("p.toml:5:12: unknown variant `huge`"), "{e}");
        let e = error_at(&format!(
            "{HEAD}kind = \"tls.version\"\nversion = \"1.1\"\n"
        ));
        assert!(e.starts_with("p.toml:6:11: unknown variant `1.1`"), "{e}");
    }

    #[test]
    fn every_registered_tag_round_trips_through_the_loader() {
        for tag in CheckKind::TAGS {
            let text = format!("{HEAD}kind = \"{tag}\"\n");
            match parse_checks("p.toml", &text) {
                Ok(checks) => {
                    let check = &checks[0].check;
                    assert_eq!(check.kind.tag(), *tag);
                    let shown = toml::to_string(check).unwrap();
                    let again = parse_checks("p.toml", &format!("[[check]]\n{shown}")).unwrap();
                    assert_eq!(&again[0].check.kind, &check.kind, "{shown}");
                }
                // Kinds with required parameters: the error names the kind's own field.
                Err(e) => assert!(e.message.contains("missing field"), "{tag}: {e}"),
            }
        }
    }
}
