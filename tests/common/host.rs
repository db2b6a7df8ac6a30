//! Fixture host roots for `--host-root`: a `/proc/net` and an `/etc/ufw` made by the test, so
//! audits do not depend on the machine running them.

use std::path::Path;

pub const TCP_HEADER: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

pub fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    std::fs::write(full, text).expect("write");
}

/// A host with nothing listening and ufw enabled: deny incoming, SSH limited, 80/443 allowed.
pub fn hardened() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "/proc/net/tcp", TCP_HEADER);
    write(root, "/proc/net/tcp6", TCP_HEADER);
    ufw(
        root,
        "yes",
        "DROP",
        &[
            "limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in",
            "allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in",
            "allow tcp 443 0.0.0.0/0 any 0.0.0.0/0 in",
        ],
    );
    dir
}

/// Writes ufw.conf, /etc/default/ufw and user.rules with these rule tuples.
pub fn ufw(root: &Path, enabled: &str, policy: &str, tuples: &[&str]) {
    write(
        root,
        "/etc/ufw/ufw.conf",
        &format!("ENABLED={enabled}\nLOGLEVEL=low\n"),
    );
    write(
        root,
        "/etc/default/ufw",
        &format!("IPV6=yes\nDEFAULT_INPUT_POLICY=\"{policy}\"\nDEFAULT_OUTPUT_POLICY=\"ACCEPT\"\n"),
    );
    let mut rules = String::from("*filter\n:ufw-user-input - [0:0]\n### RULES ###\n\n");
    for t in tuples {
        rules.push_str(&format!(
            "### tuple ### {t}\n-A ufw-user-input -j ACCEPT\n\n"
        ));
    }
    rules.push_str("### END RULES ###\nCOMMIT\n");
    write(root, "/etc/ufw/user.rules", &rules);
}
