//! ufw's configuration, read from its files (never by running `ufw`, which needs root and
//! changes nothing we could not read): `/etc/ufw/ufw.conf` (enabled), `/etc/default/ufw`
//! (default policies), and the rule tuples ufw writes into `/etc/ufw/user.rules` and
//! `user6.rules`:
//!
//! ```text
//! ### tuple ### ACTION PROTO DPORT DST SPORT SRC [DAPP SAPP] DIRECTION [comment=HEX]
//! ### tuple ### limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in
//! ### tuple ### allow tcp 80,443 0.0.0.0/0 any 0.0.0.0/0 Nginx%20Full - in
//! ### tuple ### route:allow tcp 8080 0.0.0.0/0 any 0.0.0.0/0 in_eth0!out_docker0
//! ```

use crate::facts::host_root::{HostFileError, HostRoot};
use std::ops::RangeInclusive;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Allow,
    /// Allow, with rate limiting of new connections (what ufw recommends for SSH).
    Limit,
    Deny,
    Reject,
}

impl Action {
    pub fn admits(self) -> bool {
        matches!(self, Action::Allow | Action::Limit)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Limit => "limit",
            Action::Deny => "deny",
            Action::Reject => "reject",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub action: Action,
    /// `tcp`, `udp`, or `any`.
    pub protocol: String,
    /// `None` means every port.
    pub ports: Option<Vec<RangeInclusive<u16>>>,
    /// Source network, `0.0.0.0/0` / `::/0` for anywhere.
    pub source: String,
    pub inbound: bool,
    /// `ufw route` rules filter forwarded traffic, not traffic to the host.
    pub routed: bool,
    /// The rules file, the 1-based line of the tuple, and the tuple as written.
    pub file: String,
    pub line: usize,
    pub raw: String,
}

impl Rule {
    pub fn from_anywhere(&self) -> bool {
        matches!(self.source.as_str(), "0.0.0.0/0" | "::/0" | "any")
    }

    /// Whether this rule applies to inbound `protocol` traffic to the host on `port`.
    pub fn covers(&self, port: u16, protocol: &str) -> bool {
        self.inbound
            && !self.routed
            && (self.protocol == "any" || self.protocol == protocol)
            && self
                .ports
                .as_ref()
                .is_none_or(|ranges| ranges.iter().any(|r| r.contains(&port)))
    }

    /// `limit tcp 22 from anywhere`.
    pub fn describe(&self) -> String {
        let ports = match &self.ports {
            None => "any port".to_string(),
            Some(ranges) => ranges
                .iter()
                .map(|r| {
                    if r.start() == r.end() {
                        r.start().to_string()
                    } else {
                        format!("{}:{}", r.start(), r.end())
                    }
                })
                .collect::<Vec<_>>()
                .join(","),
        };
        let from = if self.from_anywhere() {
            "anywhere".to_string()
        } else {
            self.source.clone()
        };
        format!(
            "{} {} {ports} from {from}",
            self.action.as_str(),
            self.protocol
        )
    }
}

/// What ufw does with inbound traffic to one port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// An allow (or limit) rule admits it from anywhere.
    Allowed(&'a Rule),
    /// Allowed only from some sources.
    AllowedFrom(Vec<&'a Rule>),
    /// A rule denies or rejects it from anywhere before any allow.
    Denied(&'a Rule),
    /// No rule: the default incoming policy decides.
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UfwConfig {
    /// `ENABLED` in ufw.conf; `None` when the file or key is missing.
    pub enabled: Option<bool>,
    /// `DEFAULT_INPUT_POLICY` in /etc/default/ufw (`DROP`, `REJECT`, `ACCEPT`).
    pub default_input: Option<String>,
    pub rules: Vec<Rule>,
    /// Tuple lines that could not be understood, with their file.
    pub unparsed: Vec<String>,
    /// Files read, in order.
    pub files: Vec<String>,
}

impl UfwConfig {
    /// Rules are matched first to last, as ufw installs them (IPv4 file, then IPv6).
    pub fn verdict(&self, port: u16, protocol: &str) -> Verdict<'_> {
        let mut partial = Vec::new();
        for rule in self.rules.iter().filter(|r| r.covers(port, protocol)) {
            match (rule.action.admits(), rule.from_anywhere()) {
                (true, true) => return Verdict::Allowed(rule),
                (true, false) => partial.push(rule),
                // A deny from anywhere ends the search: only earlier allows still apply.
                (false, true) if partial.is_empty() => return Verdict::Denied(rule),
                (false, true) => return Verdict::AllowedFrom(partial),
                (false, false) => {}
            }
        }
        if partial.is_empty() {
            Verdict::Default
        } else {
            Verdict::AllowedFrom(partial)
        }
    }

    /// True when the default incoming policy admits what no rule mentions.
    pub fn default_accepts(&self) -> bool {
        self.default_input
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case("ACCEPT"))
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled == Some(true)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UfwState {
    /// Neither /etc/ufw/ufw.conf nor /etc/default/ufw exists.
    NotInstalled,
    Configured(UfwConfig),
}

const CONF: &str = "/etc/ufw/ufw.conf";
const DEFAULTS: &str = "/etc/default/ufw";
const RULE_FILES: [&str; 2] = ["/etc/ufw/user.rules", "/etc/ufw/user6.rules"];
const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
const MAX_RULES: usize = 10_000;

pub fn gather(root: &HostRoot) -> Result<UfwState, HostFileError> {
    let conf = root.read_text(CONF, MAX_FILE_BYTES)?;
    let defaults = root.read_text(DEFAULTS, MAX_FILE_BYTES)?;
    if conf.is_none() && defaults.is_none() {
        return Ok(UfwState::NotInstalled);
    }
    let mut config = UfwConfig {
        enabled: None,
        default_input: None,
        rules: Vec::new(),
        unparsed: Vec::new(),
        files: Vec::new(),
    };
    if let Some(text) = conf {
        config.enabled = shell_var(&text, "ENABLED").map(|v| v.eq_ignore_ascii_case("yes"));
        config.files.push(CONF.to_string());
    }
    if let Some(text) = defaults {
        config.default_input = shell_var(&text, "DEFAULT_INPUT_POLICY");
        config.files.push(DEFAULTS.to_string());
    }
    for file in RULE_FILES {
        let Some(text) = root.read_text(file, MAX_FILE_BYTES)? else {
            continue;
        };
        config.files.push(file.to_string());
        let room = MAX_RULES.saturating_sub(config.rules.len() + config.unparsed.len());
        let (rules, unparsed) = parse_rules(&text, file, room);
        config.rules.extend(rules);
        config.unparsed.extend(unparsed);
    }
    Ok(UfwState::Configured(config))
}

/// The rule tuples of one rules file, at most `max` of them; tuple lines that cannot be
/// understood come back as `file: line` so the judge can say what it did not judge.
pub fn parse_rules(text: &str, file: &str, max: usize) -> (Vec<Rule>, Vec<String>) {
    let mut rules = Vec::new();
    let mut unparsed = Vec::new();
    for (index, line) in text.lines().map(str::trim).enumerate() {
        let Some(tuple) = line.strip_prefix("### tuple ###") else {
            continue;
        };
        if rules.len() + unparsed.len() >= max {
            break;
        }
        match parse_tuple(tuple, file) {
            Some(rule) => rules.push(Rule {
                line: index + 1,
                ..rule
            }),
            None => unparsed.push(format!("{file}: {line}")),
        }
    }
    (rules, unparsed)
}

/// The last `KEY=value` assignment in a shell-style file, quotes removed.
fn shell_var(text: &str, key: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim().trim_matches(['"', '\'']).to_string())
        .next_back()
}

fn parse_tuple(tuple: &str, file: &str) -> Option<Rule> {
    let mut fields: Vec<&str> = tuple.split_whitespace().collect();
    if fields.last().is_some_and(|f| f.starts_with("comment=")) {
        fields.pop();
    }
    // Six fields is the old format without a direction; it meant inbound.
    let direction = match fields.len() {
        6 => "in",
        7 | 9 => fields.last()?,
        _ => return None,
    };
    let (routed, action_text) = match fields[0].strip_prefix("route:") {
        Some(a) => (true, a),
        None => (false, fields[0]),
    };
    // `allow_log`, `deny_log-all`: logging does not change what passes.
    let action = match action_text.split('_').next()? {
        "allow" => Action::Allow,
        "limit" => Action::Limit,
        "deny" => Action::Deny,
        "reject" => Action::Reject,
        _ => return None,
    };
    Some(Rule {
        action,
        protocol: fields[1].to_ascii_lowercase(),
        ports: parse_ports(fields[2])?,
        source: fields[5].to_string(),
        inbound: direction == "in" || direction.starts_with("in_"),
        routed,
        file: file.to_string(),
        line: 0,
        raw: format!("### tuple ###{tuple}"),
    })
}

/// `any`, `22`, `80,443`, `8000:8100`; `Some(None)` means every port.
#[allow(clippy::type_complexity)]
fn parse_ports(text: &str) -> Option<Option<Vec<RangeInclusive<u16>>>> {
    if text == "any" {
        return Some(None);
    }
    let mut ranges = Vec::new();
    for part in text.split(',') {
        let part = part.split('/').next()?;
        let range = match part.split_once(':') {
            Some((a, b)) => a.parse::<u16>().ok()?..=b.parse::<u16>().ok()?,
            None => {
                let p = part.parse::<u16>().ok()?;
                p..=p
            }
        };
        ranges.push(range);
    }
    Some(Some(ranges))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(tuple: &str) -> Rule {
        parse_tuple(tuple, "/etc/ufw/user.rules").unwrap()
    }

    #[test]
    fn parses_tuples_in_every_shape() {
        let ssh = rule(" limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in");
        assert_eq!(ssh.action, Action::Limit);
        assert!(ssh.covers(22, "tcp") && !ssh.covers(22, "udp") && ssh.from_anywhere());
        let web = rule(" allow tcp 80,443 0.0.0.0/0 any 0.0.0.0/0 Nginx%20Full - in");
        assert!(web.covers(443, "tcp") && web.covers(80, "tcp") && !web.covers(8080, "tcp"));
        let range = rule(" allow udp 60000:61000 ::/0 any ::/0 in comment=6d6f7368");
        assert!(range.covers(60500, "udp") && range.from_anywhere());
        let routed = rule(" route:allow tcp 8080 0.0.0.0/0 any 0.0.0.0/0 in_eth0!out_docker0");
        assert!(routed.routed && !routed.covers(8080, "tcp"));
        let iface = rule(" allow_log tcp 5432 0.0.0.0/0 any 10.0.0.0/8 in_wg0");
        assert!(iface.covers(5432, "tcp") && !iface.from_anywhere());
        let any = rule(" allow any any 0.0.0.0/0 any 192.168.1.0/24 in");
        assert!(any.covers(1, "udp"));
        let legacy = rule(" deny tcp 23 0.0.0.0/0 any 0.0.0.0/0");
        assert!(legacy.inbound && legacy.action == Action::Deny);
        let out = rule(" allow tcp 25 0.0.0.0/0 any 0.0.0.0/0 out");
        assert!(!out.covers(25, "tcp"));
        assert!(parse_tuple(" frobnicate tcp 1 0.0.0.0/0 any 0.0.0.0/0 in", "f").is_none());
        assert!(parse_tuple(" allow tcp http 0.0.0.0/0 any 0.0.0.0/0 in", "f").is_none());
    }

    #[test]
    fn first_matching_rule_decides() {
        let config = UfwConfig {
            enabled: Some(true),
            default_input: Some("DROP".into()),
            rules: vec![
                rule(" deny tcp 5432 0.0.0.0/0 any 0.0.0.0/0 in"),
                rule(" allow tcp 5432 0.0.0.0/0 any 0.0.0.0/0 in"),
                rule(" allow tcp 6379 0.0.0.0/0 any 10.0.0.0/8 in"),
                rule(" allow tcp 443 0.0.0.0/0 any 0.0.0.0/0 in"),
            ],
            unparsed: vec![],
            files: vec![],
        };
        assert!(matches!(config.verdict(5432, "tcp"), Verdict::Denied(_)));
        assert!(matches!(config.verdict(6379, "tcp"), Verdict::AllowedFrom(r) if r.len() == 1));
        assert!(matches!(config.verdict(443, "tcp"), Verdict::Allowed(_)));
        assert_eq!(config.verdict(22, "tcp"), Verdict::Default);
        assert!(!config.default_accepts());
    }

    #[test]
    fn reads_the_files_under_the_host_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = HostRoot::new(dir.path());
        assert_eq!(gather(&root).unwrap(), UfwState::NotInstalled);
        std::fs::create_dir_all(dir.path().join("etc/ufw")).unwrap();
        std::fs::create_dir_all(dir.path().join("etc/default")).unwrap();
        std::fs::write(
            dir.path().join("etc/ufw/ufw.conf"),
            "# /etc/ufw/ufw.conf\nENABLED=yes\nLOGLEVEL=low\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("etc/default/ufw"),
            "IPV6=yes\nDEFAULT_INPUT_POLICY=\"DROP\"\nDEFAULT_OUTPUT_POLICY=\"ACCEPT\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("etc/ufw/user.rules"),
            "*filter\n### RULES ###\n\n### tuple ### limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n\
             -A ufw-user-input -p tcp --dport 22 -j ufw-user-limit-accept\n\
             ### tuple ### bogus\n### END RULES ###\nCOMMIT\n",
        )
        .unwrap();
        let UfwState::Configured(config) = gather(&root).unwrap() else {
            panic!("ufw not found")
        };
        assert!(config.is_enabled());
        assert_eq!(config.default_input.as_deref(), Some("DROP"));
        assert_eq!(config.rules.len(), 1);
        assert_eq!(config.unparsed.len(), 1);
        assert_eq!(config.files.len(), 3);
    }
}
