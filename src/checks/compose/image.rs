//! Matching image references against profile patterns such as
//! `tecnativa/docker-socket-proxy` or `postgres`, regardless of registry, tag and digest.

/// An image reference split into the parts that matter for matching. Docker Hub's implicit
/// `docker.io/library/` prefix is removed so `postgres` and `docker.io/library/postgres`
/// compare equal.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ImageRef {
    registry: Option<String>,
    path: String,
    tag: Option<String>,
}

fn parse(text: &str) -> ImageRef {
    let text = text.trim().to_ascii_lowercase();
    let without_digest = text.split('@').next().unwrap_or("");
    let last_slash = without_digest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match without_digest[last_slash..].rfind(':') {
        Some(i) => (
            &without_digest[..last_slash + i],
            Some(&without_digest[last_slash + i + 1..]),
        ),
        None => (without_digest, None),
    };
    let (registry, path) = match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    };
    let registry = registry
        .filter(|r| !matches!(*r, "docker.io" | "index.docker.io" | "registry-1.docker.io"));
    let path = match registry {
        None => path.strip_prefix("library/").unwrap_or(path),
        Some(_) => path,
    };
    ImageRef {
        registry: registry.map(str::to_string),
        path: path.to_string(),
        tag: tag.filter(|t| !t.is_empty()).map(str::to_string),
    }
}

/// Whether `image` is the one `pattern` names. The repository path must be equal (or, when the
/// pattern ends in `/`, start with it: `tecnativa/` matches every tecnativa image); a
/// registry or tag in the pattern must also be equal, otherwise any registry and tag match.
pub fn matches(image: &str, pattern: &str) -> bool {
    let image = parse(image);
    let pattern = parse(pattern);
    if pattern.path.is_empty() {
        return false;
    }
    let path_ok = if pattern.path.ends_with('/') {
        image.path.starts_with(&pattern.path)
    } else {
        image.path == pattern.path
    };
    let registry_ok = pattern.registry.is_none() || pattern.registry == image.registry;
    let tag_ok = pattern.tag.is_none() || pattern.tag == image.tag;
    path_ok && registry_ok && tag_ok
}

pub fn matches_any(image: &str, patterns: &[String]) -> bool {
    patterns.iter().any(|p| matches(image, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_tag_registry_and_digest() {
        let proxy = "tecnativa/docker-socket-proxy";
        assert!(matches("tecnativa/docker-socket-proxy", proxy));
        assert!(matches("tecnativa/docker-socket-proxy:latest", proxy));
        assert!(matches("ghcr.io/tecnativa/docker-socket-proxy", proxy));
        assert!(matches(
            "ghcr.io/tecnativa/docker-socket-proxy:0.3@sha256:abc",
            proxy
        ));
        assert!(matches(
            "docker.io/Tecnativa/docker-socket-proxy:edge",
            proxy
        ));
        assert!(matches(
            "localhost:5000/tecnativa/docker-socket-proxy:1",
            proxy
        ));
    }

    #[test]
    fn does_not_match_lookalikes() {
        let proxy = "tecnativa/docker-socket-proxy";
        assert!(!matches("tecnativa/docker-socket-proxy-fork", proxy));
        assert!(!matches("someone/docker-socket-proxy", proxy));
        assert!(!matches("portainer/portainer-ce", proxy));
        assert!(!matches("docker-socket-proxy", proxy));
        assert!(!matches("anything", ""));
    }

    #[test]
    fn official_images() {
        assert!(matches("postgres:16-alpine", "postgres"));
        assert!(matches("docker.io/library/postgres", "postgres"));
        assert!(matches("library/redis:7", "redis"));
        assert!(!matches("postgres-exporter", "postgres"));
        assert!(!matches("bitnami/postgresql", "postgres"));
    }

    #[test]
    fn optional_registry_tag_and_namespace_in_pattern() {
        assert!(matches("ghcr.io/a/b:1", "ghcr.io/a/b"));
        assert!(!matches("quay.io/a/b:1", "ghcr.io/a/b"));
        assert!(matches("redis:7", "redis:7"));
        assert!(!matches("redis:6", "redis:7"));
        assert!(matches("tecnativa/anything:1", "tecnativa/"));
        assert!(!matches("other/anything", "tecnativa/"));
    }

    #[test]
    fn authentik_server_by_repository_path() {
        let pattern = "goauthentik/server";
        assert!(matches("ghcr.io/goauthentik/server:2025.2", pattern));
        assert!(matches("goauthentik/server", pattern));
        assert!(matches("docker.io/goauthentik/server@sha256:abc", pattern));
        assert!(!matches("ghcr.io/goauthentik/ldap", pattern));
        assert!(!matches("ghcr.io/goauthentik/server-fork", pattern));
        // A registry-only pattern names no repository: it never matched the server image.
        assert!(!matches(
            "ghcr.io/goauthentik/server",
            "ghcr.io/goauthentik"
        ));
    }
}
