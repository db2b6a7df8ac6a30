//! What well-known images do by default, for services whose ports compose does not show
//! (`network_mode: host`): the official postgres image listens on 0.0.0.0:5432, and so on.

use super::image;

/// Image repository -> the ports its default configuration listens on, on all interfaces.
const DEFAULT_LISTENERS: &[(&str, &[u16])] = &[
    ("postgres", &[5432]),
    ("postgis/postgis", &[5432]),
    ("bitnami/postgresql", &[5432]),
    ("pgvector/pgvector", &[5432]),
    ("timescale/timescaledb", &[5432]),
    ("redis", &[6379]),
    ("bitnami/redis", &[6379]),
    ("valkey/valkey", &[6379]),
    ("mongo", &[27017]),
    ("mysql", &[3306]),
    ("mariadb", &[3306]),
    ("elasticsearch", &[9200, 9300]),
    (
        "docker.elastic.co/elasticsearch/elasticsearch",
        &[9200, 9300],
    ),
    ("memcached", &[11211]),
    ("chrislusf/seaweedfs", &[9333, 8080, 8888, 19333]),
    ("tecnativa/docker-socket-proxy", &[2375]),
];

/// The ports `image` listens on by default, when it is a known one.
pub fn default_ports(image_ref: &str) -> &'static [u16] {
    DEFAULT_LISTENERS
        .iter()
        .find(|(pattern, _)| image::matches(image_ref, pattern))
        .map_or(&[], |(_, ports)| ports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_images_by_repository() {
        assert_eq!(default_ports("postgres:16-alpine"), &[5432]);
        assert_eq!(default_ports("docker.io/library/redis:7"), &[6379]);
        assert!(default_ports("ghcr.io/example/app").is_empty());
        assert!(default_ports("postgres-exporter").is_empty());
    }
}
