//! Live exposure judges: what answers on the audited address (ports), what listens on the
//! host (listeners), what ufw admits (firewall), and what Docker publishes past ufw.

pub mod docker_ufw;
pub mod firewall;
pub mod listeners;
pub mod ports;
pub mod services;

/// More would be a profile mistake, not a policy.
const MAX_LIST_PARAM: usize = 1_000;

fn validate_ports(key: &str, ports: &[u16]) -> Result<(), String> {
    if ports.len() > MAX_LIST_PARAM {
        return Err(format!("`{key}` lists more than {MAX_LIST_PARAM} ports"));
    }
    if ports.contains(&0) {
        return Err(format!("`{key}`: 0 is not a port"));
    }
    Ok(())
}
