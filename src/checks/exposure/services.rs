//! What usually listens on a well-known port, so a finding says "5432 PostgreSQL" and the
//! operator knows at once what is exposed.

/// Ports of the usual databases, internals and the products rampart ships profiles for.
const WELL_KNOWN: &[(u16, &str)] = &[
    (21, "FTP"),
    (22, "SSH"),
    (23, "Telnet"),
    (25, "SMTP"),
    (53, "DNS"),
    (80, "HTTP"),
    (110, "POP3"),
    (111, "rpcbind"),
    (135, "MS RPC"),
    (139, "NetBIOS"),
    (143, "IMAP"),
    (443, "HTTPS"),
    (445, "SMB"),
    (465, "SMTPS"),
    (587, "SMTP submission"),
    (631, "CUPS"),
    (993, "IMAPS"),
    (995, "POP3S"),
    (1433, "Microsoft SQL Server"),
    (1455, "OAuth callback"),
    (1521, "Oracle Database"),
    (2049, "NFS"),
    (2375, "Docker API (unauthenticated root)"),
    (2376, "Docker API (TLS)"),
    (2379, "etcd"),
    (3000, "web app (Node.js default)"),
    (3306, "MySQL/MariaDB"),
    (3389, "RDP"),
    (4000, "agent server"),
    (5000, "web app (Flask/relay default)"),
    (5001, "web app (QA)"),
    (5432, "PostgreSQL"),
    (5601, "Kibana"),
    (5672, "RabbitMQ"),
    (5900, "VNC"),
    (6379, "Redis"),
    (6443, "Kubernetes API"),
    (8080, "HTTP alternate / SeaweedFS volume"),
    (8085, "OAuth callback"),
    (8090, "control plane"),
    (8317, "CLIProxyAPI"),
    (8888, "SeaweedFS filer"),
    (9000, "MinIO / PHP-FPM"),
    (9090, "Prometheus"),
    (9200, "Elasticsearch"),
    (9300, "Elasticsearch transport"),
    (9333, "SeaweedFS master"),
    (10250, "kubelet"),
    (11211, "memcached"),
    (11434, "Ollama"),
    (11451, "OAuth callback"),
    (15672, "RabbitMQ management"),
    (18789, "gateway"),
    (27017, "MongoDB"),
    (50061, "gRPC"),
    (50062, "gRPC"),
    (50063, "gRPC"),
    (50064, "gRPC"),
    (50065, "gRPC"),
    (50066, "gRPC"),
    (50067, "gRPC"),
    (51121, "OAuth callback"),
    (54545, "OAuth callback"),
];

pub fn service_name(port: u16) -> Option<&'static str> {
    WELL_KNOWN
        .binary_search_by_key(&port, |(p, _)| *p)
        .ok()
        .map(|i| WELL_KNOWN[i].1)
}

/// `5432 PostgreSQL`, or just `40000` for a port we have no name for.
pub fn port_label(port: u16) -> String {
    match service_name(port) {
        Some(name) => format!("{port} {name}"),
        None => port.to_string(),
    }
}

/// `5432 PostgreSQL, 6379 Redis`, at most `max` entries then "and N more".
pub fn ports_label(ports: &[u16], max: usize) -> String {
    let mut text = ports
        .iter()
        .take(max)
        .map(|p| port_label(*p))
        .collect::<Vec<_>>()
        .join(", ");
    if ports.len() > max {
        text.push_str(&format!(" and {} more", ports.len() - max));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_so_lookups_work() {
        assert!(WELL_KNOWN.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(port_label(5432), "5432 PostgreSQL");
        assert_eq!(port_label(6379), "6379 Redis");
        assert_eq!(port_label(2375), "2375 Docker API (unauthenticated root)");
        assert_eq!(port_label(40000), "40000");
        assert_eq!(ports_label(&[22, 80, 443], 2), "22 SSH, 80 HTTP and 1 more");
    }
}
