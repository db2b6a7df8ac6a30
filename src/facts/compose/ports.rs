//! Parses one `ports:` entry (short string, bare integer, or long mapping) the way Docker
//! does (`nat.ParsePortSpec`): `[HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTO]`.

use super::interpolate::Interpolator;
use super::model::PublishedPort;
use crate::facts::error::FactError;
use serde_json::Value;
use std::net::IpAddr;
use std::path::Path;

/// `raw` is the entry as written (for the report); errors are one-line reasons. An entry
/// built from `${VAR}` is never quoted after interpolation: the variable may be a secret, and
/// the redaction layer only knows whole secrets, not the piece a parse error would quote.
pub fn parse(value: &Value, env: &Interpolator, source: &Path) -> Result<PublishedPort, FactError> {
    let interpolated = value.to_string().contains('$');
    parse_entry(value, env, source).map_err(|e| {
        let reason = e.to_string();
        // Interpolation's own errors quote nothing; a parse error quotes what it read.
        if interpolated && reason.contains('"') {
            unquoted(&reason)
        } else {
            e
        }
    })
}

/// `host port: "x1" is not a port number` becomes `host port: not a valid value after
/// ${...} interpolation (...)`: what is wrong where, without the value.
fn unquoted(reason: &str) -> FactError {
    let place = reason
        .split_once(": ")
        .map(|(place, _)| place)
        .filter(|place| !place.contains('"'));
    let what =
        "not valid after `${...}` interpolation (the value is not shown: it comes from a variable)";
    FactError::from(match place {
        Some(place) => format!("{place}: {what}"),
        None => format!("the entry is {what}"),
    })
}

fn parse_entry(
    value: &Value,
    env: &Interpolator,
    source: &Path,
) -> Result<PublishedPort, FactError> {
    match value {
        Value::Number(_) => {
            let port = number_port(value).ok_or("not a port number")?;
            Ok(PublishedPort {
                host_ip: None,
                published: None,
                published_end: None,
                target: port,
                target_end: port,
                protocol: "tcp".into(),
                source: source.to_path_buf(),
                raw: port.to_string(),
                resolved: port.to_string(),
            })
        }
        Value::String(text) => parse_short(text, &env.expand(text)?, source),
        Value::Object(map) => parse_long(map, env, source),
        _ => Err(FactError::from("expected a string, a number or a mapping")),
    }
}

fn parse_short(raw: &str, text: &str, source: &Path) -> Result<PublishedPort, FactError> {
    let text = text.trim();
    let (spec, protocol) = match text.rsplit_once('/') {
        Some((spec, proto)) => (spec, protocol(proto)?),
        None => (text, "tcp".to_string()),
    };
    let (ip, host, container) = split_parts(spec);
    let host_ip = host_ip(ip)?;
    let (target, target_end) = range(container).map_err(|e| format!("container port: {e}"))?;
    // Docker refuses container port 0 ("invalid containerPort"); only the host side may be 0
    // (an ephemeral port).
    if target == 0 {
        return Err(FactError::from(
            "container port 0 is not a port Docker accepts",
        ));
    }
    let published = if host.is_empty() {
        None
    } else {
        Some(range(host).map_err(|e| format!("host port: {e}"))?)
    };
    if let Some((start, end)) = published {
        let container_len = target_end - target;
        if container_len != 0 && end - start != container_len {
            return Err(FactError::from(
                "host and container port ranges differ in length",
            ));
        }
    }
    Ok(PublishedPort {
        host_ip,
        published: published.map(|p| p.0).filter(|p| *p != 0),
        published_end: published.filter(|p| p.0 != 0).map(|p| p.1),
        target,
        target_end,
        protocol,
        source: source.to_path_buf(),
        raw: raw.to_string(),
        resolved: text.to_string(),
    })
}

/// Docker's `splitParts`: the last field is the container port, the one before it the host
/// port, and everything before that (colons included, for bare IPv6) the host IP.
fn split_parts(spec: &str) -> (&str, &str, &str) {
    let colons: Vec<usize> = spec.match_indices(':').map(|(i, _)| i).collect();
    match colons.as_slice() {
        [] => ("", "", spec),
        [only] => ("", &spec[..*only], &spec[only + 1..]),
        [.., before_last, last] => (
            &spec[..*before_last],
            &spec[before_last + 1..*last],
            &spec[last + 1..],
        ),
    }
}

fn host_ip(text: &str) -> Result<Option<String>, FactError> {
    let text = text.trim();
    let bare = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    if bare.is_empty() {
        return Ok(None);
    }
    if bare.eq_ignore_ascii_case("localhost") {
        return Ok(Some("localhost".into()));
    }
    bare.parse::<IpAddr>()
        .map(|ip| Some(ip.to_string()))
        .map_err(|_| FactError::from(format!("host IP {bare:?} is not an IP address")))
}

fn protocol(text: &str) -> Result<String, FactError> {
    let proto = text.trim().to_ascii_lowercase();
    match proto.as_str() {
        "tcp" | "udp" | "sctp" => Ok(proto),
        _ => Err(FactError::from(format!("unknown protocol {text:?}"))),
    }
}

/// `"3000"` or `"3000-3005"`.
fn range(text: &str) -> Result<(u16, u16), FactError> {
    let text = text.trim();
    let (start, end) = match text.split_once('-') {
        Some((a, b)) => (port_number(a)?, port_number(b)?),
        None => {
            let p = port_number(text)?;
            (p, p)
        }
    };
    if end < start {
        return Err(FactError::from(format!(
            "range {text:?} ends before it starts"
        )));
    }
    Ok((start, end))
}

fn port_number(text: &str) -> Result<u16, FactError> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FactError::from(format!("{text:?} is not a port number")));
    }
    text.parse::<u16>()
        .map_err(|_| FactError::from(format!("{text:?} is not a port number (0-65535)")))
}

fn number_port(value: &Value) -> Option<u16> {
    let n = value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0)
            .map(|f| f as u64)
    })?;
    u16::try_from(n).ok().filter(|p| *p != 0)
}

fn parse_long(
    map: &serde_json::Map<String, Value>,
    env: &Interpolator,
    source: &Path,
) -> Result<PublishedPort, FactError> {
    let field = |key: &str| -> Result<Option<String>, FactError> {
        Ok(match map.get(key) {
            Some(Value::String(s)) => Some(env.expand(s)?),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Null) | None => None,
            Some(other) => Some(other.to_string()),
        })
    };
    let target_text = field("target")?.ok_or("long syntax without `target`")?;
    let (target, target_end) = range(&target_text).map_err(|e| format!("target: {e}"))?;
    let published = match field("published")? {
        Some(p) if !p.trim().is_empty() => Some(range(&p).map_err(|e| format!("published: {e}"))?),
        _ => None,
    };
    let host_ip = host_ip(&field("host_ip")?.unwrap_or_default())?;
    let protocol = match field("protocol")? {
        Some(p) if !p.trim().is_empty() => protocol(&p)?,
        _ => "tcp".into(),
    };
    let mut raw_parts = Vec::new();
    for key in ["target", "published", "host_ip", "protocol"] {
        if let Some(v) = map.get(key) {
            let shown = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            raw_parts.push(format!("{key}: {shown}"));
        }
    }
    let published = published.filter(|p| p.0 != 0);
    let mut port = PublishedPort {
        host_ip,
        published: published.map(|p| p.0),
        published_end: published.map(|p| p.1),
        target,
        target_end,
        protocol,
        source: source.to_path_buf(),
        raw: format!("{{{}}}", raw_parts.join(", ")),
        resolved: String::new(),
    };
    port.resolved = port.describe();
    Ok(port)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::compose::model::Binding;

    fn no_env() -> Interpolator {
        Interpolator::from_pairs(&[])
    }

    fn short(text: &str) -> Result<PublishedPort, String> {
        parse(&Value::String(text.into()), &no_env(), Path::new("c.yml")).map_err(|e| e.to_string())
    }

    #[test]
    fn a_bad_interpolated_entry_is_described_without_its_value() {
        let env = Interpolator::from_pairs(&[("DB_PASSWORD", "Xk9-secret-part")]);
        let bad = |text: &str| {
            parse(&Value::String(text.into()), &env, Path::new("c.yml"))
                .unwrap_err()
                .to_string()
        };
        let reason = bad("${DB_PASSWORD}:5432");
        assert!(reason.starts_with("host port: "), "{reason}");
        assert!(!reason.contains("Xk9"), "{reason}");
        let mut long = serde_json::Map::new();
        long.insert("target".into(), Value::from(5432));
        long.insert("published".into(), Value::from("${DB_PASSWORD}"));
        let reason = parse(&Value::Object(long), &env, Path::new("c.yml"))
            .unwrap_err()
            .to_string();
        assert!(!reason.contains("Xk9"), "{reason}");
        // Written out literally, the value is the file's own text: quoted to help fix it.
        assert!(short("x1:5432").unwrap_err().contains("\"x1\""));
    }

    fn parts(p: &PublishedPort) -> (Option<&str>, Option<u16>, Option<u16>, u16, u16, &str) {
        (
            p.host_ip.as_deref(),
            p.published,
            p.published_end,
            p.target,
            p.target_end,
            p.protocol.as_str(),
        )
    }

    #[test]
    fn container_port_only_gets_an_ephemeral_host_port_on_all_interfaces() {
        let p = short("3000").unwrap();
        assert_eq!(parts(&p), (None, None, None, 3000, 3000, "tcp"));
        assert_eq!(p.binding(), Binding::AllInterfaces);
        let p = parse(&serde_json::json!(3000), &no_env(), Path::new("c.yml")).unwrap();
        assert_eq!(parts(&p), (None, None, None, 3000, 3000, "tcp"));
        assert_eq!(p.raw, "3000");
    }

    #[test]
    fn host_and_container() {
        let p = short("8080:80").unwrap();
        assert_eq!(parts(&p), (None, Some(8080), Some(8080), 80, 80, "tcp"));
        assert_eq!(p.binding(), Binding::AllInterfaces);
    }

    #[test]
    fn ipv4_host_ip() {
        let p = short("127.0.0.1:3000:3000").unwrap();
        assert_eq!(
            parts(&p),
            (Some("127.0.0.1"), Some(3000), Some(3000), 3000, 3000, "tcp")
        );
        assert_eq!(p.binding(), Binding::Loopback);
        let p = short("0.0.0.0:3000:3000").unwrap();
        assert_eq!(p.binding(), Binding::AllInterfaces);
        let p = short("127.0.0.1::3000").unwrap();
        assert_eq!(
            parts(&p),
            (Some("127.0.0.1"), None, None, 3000, 3000, "tcp")
        );
        let p = short("10.0.0.5:80:80").unwrap();
        assert_eq!(p.binding(), Binding::Private("10.0.0.5".into()));
        let p = short("203.0.113.7:80:80").unwrap();
        assert_eq!(p.binding(), Binding::Public("203.0.113.7".into()));
    }

    #[test]
    fn ipv6_host_ip_bracketed_or_bare() {
        let p = short("[::1]:3000:3000").unwrap();
        assert_eq!(
            parts(&p),
            (Some("::1"), Some(3000), Some(3000), 3000, 3000, "tcp")
        );
        assert_eq!(p.binding(), Binding::Loopback);
        let p = short("::1:3000:3000").unwrap();
        assert_eq!(parts(&p).0, Some("::1"));
        assert_eq!(p.binding(), Binding::Loopback);
        let p = short("[::]:3000:3000").unwrap();
        assert_eq!(p.binding(), Binding::AllInterfaces);
        let p = short(":::3000:3000").unwrap();
        assert_eq!(p.binding(), Binding::AllInterfaces);
    }

    #[test]
    fn container_port_zero_is_refused_like_docker_does() {
        // Found by the property test below: "0" once parsed as container port 0.
        assert!(short("0").is_err());
        assert!(short("8080:0").is_err());
        assert!(short("0:80").is_ok(), "host port 0 is an ephemeral port");
    }

    #[test]
    fn ranges_and_protocols() {
        let p = short("3000-3005:3000-3005").unwrap();
        assert_eq!(parts(&p), (None, Some(3000), Some(3005), 3000, 3005, "tcp"));
        assert!(p.touches(3003));
        assert!(!p.touches(3006));
        let p = short("9000-9010:80").unwrap();
        assert_eq!(parts(&p), (None, Some(9000), Some(9010), 80, 80, "tcp"));
        let p = short("53:53/udp").unwrap();
        assert_eq!(p.protocol, "udp");
        let p = short("127.0.0.1:5000:5000/TCP").unwrap();
        assert_eq!(p.protocol, "tcp");
        assert!(short("3000-3005:4000-4001").is_err());
        assert!(short("3005-3000:80").is_err());
        assert!(short("80:80/http").is_err());
    }

    #[test]
    fn rejects_what_docker_rejects() {
        assert!(short("").is_err());
        assert!(short("abc").is_err());
        assert!(short("70000:80").is_err());
        assert!(short("myhost:80:80").is_err());
        assert!(short("80:").is_err());
        assert!(parse(&serde_json::json!(0), &no_env(), Path::new("c")).is_err());
        assert!(parse(&serde_json::json!(true), &no_env(), Path::new("c")).is_err());
    }

    #[test]
    fn interpolates_before_parsing() {
        let env = Interpolator::from_pairs(&[("WEB_PORT", "8443")]);
        let p = parse(
            &Value::String("${BIND:-127.0.0.1}:${WEB_PORT:-3000}:3000".into()),
            &env,
            Path::new("c.yml"),
        )
        .unwrap();
        assert_eq!(
            parts(&p),
            (Some("127.0.0.1"), Some(8443), Some(8443), 3000, 3000, "tcp")
        );
        assert_eq!(p.raw, "${BIND:-127.0.0.1}:${WEB_PORT:-3000}:3000");
        assert_eq!(p.resolved, "127.0.0.1:8443:3000");
        // An unset host IP leaves an empty IP field: Docker binds all interfaces.
        let p = parse(
            &Value::String("${BIND}:3000:3000".into()),
            &no_env(),
            Path::new("c.yml"),
        )
        .unwrap();
        assert_eq!(p.binding(), Binding::AllInterfaces);
    }

    #[test]
    fn long_syntax() {
        let v = serde_json::json!({"target": 80, "published": "8080", "host_ip": "127.0.0.1", "protocol": "tcp", "mode": "host"});
        let p = parse(&v, &no_env(), Path::new("c.yml")).unwrap();
        assert_eq!(
            parts(&p),
            (Some("127.0.0.1"), Some(8080), Some(8080), 80, 80, "tcp")
        );
        assert_eq!(p.binding(), Binding::Loopback);
        let v = serde_json::json!({"target": 80, "published": 8080});
        let p = parse(&v, &no_env(), Path::new("c.yml")).unwrap();
        assert_eq!(parts(&p), (None, Some(8080), Some(8080), 80, 80, "tcp"));
        assert_eq!(p.binding(), Binding::AllInterfaces);
        let v = serde_json::json!({"target": 80, "published": "8000-8010"});
        let p = parse(&v, &no_env(), Path::new("c.yml")).unwrap();
        assert_eq!((p.published, p.published_end), (Some(8000), Some(8010)));
        let v = serde_json::json!({"target": "53", "protocol": "udp"});
        let p = parse(&v, &no_env(), Path::new("c.yml")).unwrap();
        assert_eq!(parts(&p), (None, None, None, 53, 53, "udp"));
        let v = serde_json::json!({"target": 80, "published": "${P:-9090}", "host_ip": "::1"});
        let p = parse(&v, &no_env(), Path::new("c.yml")).unwrap();
        assert_eq!((p.published, p.binding()), (Some(9090), Binding::Loopback));
        assert!(p.raw.contains("${P:-9090}"));
        assert!(parse(
            &serde_json::json!({"published": 80}),
            &no_env(),
            Path::new("c")
        )
        .is_err());
        assert!(parse(
            &serde_json::json!({"target": 80, "host_ip": "example.com"}),
            &no_env(),
            Path::new("c")
        )
        .is_err());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]

            #[test]
            fn short_syntax_never_panics(text in "[0-9a-f:.\\[\\]/\\-${}A-Z]{0,40}") {
                let i = Interpolator::from_pairs(&[("P", "8080")]);
                if let Ok(p) = parse(&Value::String(text), &i, Path::new("c.yml")) {
                    prop_assert!(p.target <= p.target_end);
                    prop_assert!(p.target != 0);
                }
            }
        }
    }
}
