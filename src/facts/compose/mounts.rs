//! Parses one service `volumes:` entry: short `SOURCE:TARGET[:MODE]` or the long mapping
//! (`type`, `source`, `target`, `read_only`).

use super::interpolate::Interpolator;
use super::model::{Mount, MountKind};
use crate::facts::error::FactError;
use serde_json::Value;
use std::path::Path;

pub fn parse(value: &Value, env: &Interpolator, source_file: &Path) -> Result<Mount, FactError> {
    match value {
        Value::String(raw) => parse_short(raw, &env.expand(raw)?, source_file),
        Value::Object(map) => parse_long(map, env, source_file),
        _ => Err(FactError::from("expected a string or a mapping")),
    }
}

fn parse_short(raw: &str, text: &str, source_file: &Path) -> Result<Mount, FactError> {
    let fields = split_fields(text.trim());
    let (source, target, mode) = match fields.as_slice() {
        [target] => ("", *target, ""),
        [source, target] => (*source, *target, ""),
        [source, target, mode] => (*source, *target, *mode),
        _ => return Err(FactError::from("expected SOURCE:TARGET[:MODE]")),
    };
    if target.is_empty() {
        return Err(FactError::from("no container path"));
    }
    let kind = if source.is_empty() {
        MountKind::Volume
    } else if looks_like_path(source) {
        MountKind::Bind
    } else {
        MountKind::Volume
    };
    Ok(Mount {
        source: source.to_string(),
        target: target.to_string(),
        read_only: mode.split(',').any(|m| m.trim() == "ro"),
        kind,
        source_file: source_file.to_path_buf(),
        raw: raw.to_string(),
    })
}

/// Splits on `:`, keeping a Windows drive letter (`C:\x`, `C:/x`) with its path.
fn split_fields(text: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices(':') {
        let field = &text[start..i];
        let rest = &text[i + 1..];
        let drive = field.len() == 1
            && field.bytes().all(|b| b.is_ascii_alphabetic())
            && (rest.starts_with('\\') || rest.starts_with('/'))
            && fields.is_empty();
        if drive {
            continue;
        }
        fields.push(field);
        start = i + 1;
    }
    fields.push(&text[start..]);
    fields
}

/// Compose treats a source starting with `/`, `.` or `~` (or a drive letter) as a host path;
/// anything else names a volume.
fn looks_like_path(source: &str) -> bool {
    source.starts_with(['/', '.', '~', '\\'])
        || matches!(source.as_bytes(), [drive, b':', ..] if drive.is_ascii_alphabetic())
}

fn parse_long(
    map: &serde_json::Map<String, Value>,
    env: &Interpolator,
    source_file: &Path,
) -> Result<Mount, FactError> {
    let text = |key: &str| -> Result<Option<String>, FactError> {
        Ok(match map.get(key) {
            Some(Value::String(s)) => Some(env.expand(s)?),
            Some(Value::Null) | None => None,
            Some(other) => Some(other.to_string()),
        })
    };
    let target = text("target")?.filter(|t| !t.is_empty());
    let target = target.ok_or("long syntax without `target`")?;
    let source = text("source")?.unwrap_or_default();
    let kind = match text("type")?.as_deref() {
        Some("bind") => MountKind::Bind,
        Some("volume") | None => MountKind::Volume,
        Some("npipe") => MountKind::Bind,
        Some(_) => MountKind::Other,
    };
    let read_only = match map.get("read_only") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(
            env.expand(s)?.trim().to_ascii_lowercase().as_str(),
            "true" | "yes" | "1"
        ),
        _ => false,
    };
    let raw = ["type", "source", "target", "read_only"]
        .iter()
        .filter_map(|k| {
            map.get(*k).map(|v| match v {
                Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
        })
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Mount {
        source,
        target,
        read_only,
        kind,
        source_file: source_file.to_path_buf(),
        raw: format!("{{{raw}}}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env() -> Interpolator {
        Interpolator::from_pairs(&[])
    }

    fn short(text: &str) -> Mount {
        parse(&Value::String(text.into()), &no_env(), Path::new("c.yml")).unwrap()
    }

    #[test]
    fn short_syntax_modes() {
        let m = short("/var/run/docker.sock:/var/run/docker.sock:ro");
        assert_eq!(
            (m.source.as_str(), m.target.as_str(), m.read_only, m.kind),
            (
                "/var/run/docker.sock",
                "/var/run/docker.sock",
                true,
                MountKind::Bind
            )
        );
        assert!(short("/a:/b:ro,z").read_only);
        assert!(short("/a:/b:z,ro").read_only);
        assert!(!short("/a:/b:rw").read_only);
        assert!(!short("/a:/b").read_only);
        assert!(!short("/a:/b:rw,z").read_only);
    }

    #[test]
    fn short_syntax_kinds() {
        assert_eq!(short("./data:/data").kind, MountKind::Bind);
        assert_eq!(short("~/x:/x").kind, MountKind::Bind);
        assert_eq!(short("pgdata:/var/lib/postgresql").kind, MountKind::Volume);
        let anon = short("/var/cache");
        assert_eq!(
            (anon.source.as_str(), anon.target.as_str(), anon.kind),
            ("", "/var/cache", MountKind::Volume)
        );
        let win = short("C:\\docker\\data:/data:ro");
        assert_eq!(
            (
                win.source.as_str(),
                win.target.as_str(),
                win.read_only,
                win.kind
            ),
            ("C:\\docker\\data", "/data", true, MountKind::Bind)
        );
    }

    #[test]
    fn short_syntax_interpolates() {
        let env = Interpolator::from_pairs(&[("SOCK", "/run/docker.sock")]);
        let m = parse(
            &Value::String("${SOCK}:/var/run/docker.sock".into()),
            &env,
            Path::new("c.yml"),
        )
        .unwrap();
        assert_eq!(m.source, "/run/docker.sock");
        assert_eq!(m.raw, "${SOCK}:/var/run/docker.sock");
    }

    #[test]
    fn long_syntax() {
        let v = serde_json::json!({"type": "bind", "source": "/var/run/docker.sock", "target": "/var/run/docker.sock", "read_only": true});
        let m = parse(&v, &no_env(), Path::new("c.yml")).unwrap();
        assert_eq!(
            (m.source.as_str(), m.read_only, m.kind),
            ("/var/run/docker.sock", true, MountKind::Bind)
        );
        let v = serde_json::json!({"type": "volume", "source": "data", "target": "/data"});
        let m = parse(&v, &no_env(), Path::new("c.yml")).unwrap();
        assert_eq!((m.read_only, m.kind), (false, MountKind::Volume));
        let v = serde_json::json!({"type": "tmpfs", "target": "/tmp"});
        assert_eq!(
            parse(&v, &no_env(), Path::new("c")).unwrap().kind,
            MountKind::Other
        );
        assert!(parse(
            &serde_json::json!({"source": "/a"}),
            &no_env(),
            Path::new("c")
        )
        .is_err());
        assert!(parse(&serde_json::json!(5), &no_env(), Path::new("c")).is_err());
        assert!(parse(&Value::String("a:b:c:d".into()), &no_env(), Path::new("c")).is_err());
    }
}
