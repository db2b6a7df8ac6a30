//! exposure.firewall: ufw's configuration as its files state it. ufw enabled, incoming
//! traffic denied by default, SSH allowed (rate-limited) so enabling ufw cannot lock the
//! operator out, no allow rule for a forbidden port, and allow rules that match the ports the
//! profile expects to be public.

use super::services::{port_label, ports_label};
use super::validate_ports;
use crate::checks::{Judgement, Kind};
use crate::facts::ufw::{Action, Rule, UfwConfig, UfwState, Verdict};
use crate::facts::Facts;
use crate::finding::{Category, Location, Observation};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExposureFirewall {
    /// No allow rule may admit these from anywhere.
    #[serde(default)]
    pub forbidden: Vec<u16>,
    /// Expected to be allowed (80, 443).
    #[serde(default)]
    pub allowed: Vec<u16>,
    /// May be allowed without a warning (OAuth callback ports), need not be.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditional: Vec<u16>,
    #[serde(default = "default_ssh_port")]
    pub ssh_port: u16,
}

fn default_ssh_port() -> u16 {
    22
}

const SUBJECT: &str = "ufw";

impl Kind for ExposureFirewall {
    const TAG: &'static str = "exposure.firewall";
    const CATEGORY: Category = Category::Exposure;

    fn validate(&self) -> Result<(), String> {
        validate_ports("forbidden", &self.forbidden)?;
        validate_ports("allowed", &self.allowed)?;
        validate_ports("conditional", &self.conditional)?;
        validate_ports("ssh_port", &[self.ssh_port])?;
        if self.forbidden.contains(&self.ssh_port) {
            return Err(format!("ssh_port {} is also forbidden", self.ssh_port));
        }
        Ok(())
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        Ok(self.judge_ufw(facts.exposure().ufw()?))
    }
}

impl ExposureFirewall {
    /// Pure: the verdict over ufw's configuration.
    pub fn judge_ufw(&self, state: &UfwState) -> Vec<Observation> {
        let config = match state {
            UfwState::NotInstalled => {
                return vec![Observation::warn(
                    "firewall",
                    "ufw is not configured on this host (no /etc/ufw/ufw.conf or \
                     /etc/default/ufw). Other firewalls (nftables, firewalld, iptables scripts, \
                     a provider's security groups) are out of scope for this check: confirm by \
                     hand that incoming traffic is denied by default",
                )
                .expected("ufw enabled, default deny incoming")
                .actual("no ufw configuration")]
            }
            UfwState::Configured(config) => config,
        };
        let mut out = vec![enabled(config), default_policy(config), self.ssh(config)];
        out.extend(self.forbidden_ports(config));
        out.extend(self.unexpected_allows(config));
        out.extend(self.missing_allows(config));
        if !config.unparsed.is_empty() {
            out.push(
                Observation::warn(
                    SUBJECT,
                    format!(
                        "{} ufw rules could not be read, so they were not judged: {}",
                        config.unparsed.len(),
                        config
                            .unparsed
                            .iter()
                            .take(5)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                )
                .actual(format!("{} unreadable rules", config.unparsed.len())),
            );
        }
        out
    }

    fn ssh(&self, config: &UfwConfig) -> Observation {
        let label = format!("SSH ({}/tcp)", self.ssh_port);
        let subject = format!("{SUBJECT}: {}/tcp", self.ssh_port);
        let expected = format!("ufw limit {}/tcp", self.ssh_port);
        match config.verdict(self.ssh_port, "tcp") {
            Verdict::Allowed(rule) if rule.action == Action::Limit => {
                Observation::pass(subject, format!("{label} is allowed with rate limiting"))
                    .expected(expected)
                    .actual(rule.describe())
                    .at(at_rule(rule))
            }
            Verdict::Allowed(rule) => Observation::warn(
                subject,
                format!(
                    "{label} is allowed, but not rate-limited: `ufw limit` slows password \
                     guessing"
                ),
            )
            .expected(expected)
            .actual(rule.describe())
            .at(at_rule(rule)),
            Verdict::AllowedFrom(rules) => Observation::pass(
                subject,
                format!("{label} is allowed from {} only", sources(&rules)),
            )
            .expected(expected)
            .actual(rules[0].describe())
            .at(at_rule(rules[0])),
            Verdict::Denied(rule) => Observation::fail(
                subject,
                format!("ufw denies {label}: with ufw enabled the operator is locked out"),
            )
            .expected(expected)
            .actual(rule.describe())
            .at(at_rule(rule)),
            Verdict::Default if config.default_accepts() => Observation::warn(
                subject,
                format!(
                    "no rule allows {label}; it is reachable only because the default policy \
                     accepts everything"
                ),
            )
            .expected(expected)
            .actual("no rule"),
            Verdict::Default => Observation::fail(
                subject,
                format!(
                    "no rule allows {label}: with incoming traffic denied by default, enabling \
                     ufw locks the operator out"
                ),
            )
            .expected(expected)
            .actual("no rule"),
        }
    }

    fn forbidden_ports(&self, config: &UfwConfig) -> Vec<Observation> {
        let mut out = Vec::new();
        let mut closed = Vec::new();
        for &port in &self.forbidden {
            let subject = format!("{SUBJECT}: {port}/tcp");
            let label = port_label(port);
            match config.verdict(port, "tcp") {
                Verdict::Allowed(rule) => out.push(
                    Observation::fail(
                        subject,
                        format!("ufw allows {label} from anywhere ({})", rule.raw.trim()),
                    )
                    .expected("no allow rule")
                    .actual(rule.describe())
                    .at(at_rule(rule)),
                ),
                Verdict::AllowedFrom(rules) => out.push(
                    Observation::warn(
                        subject,
                        format!("ufw allows {label} from {}", sources(&rules)),
                    )
                    .expected("no allow rule")
                    .actual(rules[0].describe())
                    .at(at_rule(rules[0])),
                ),
                Verdict::Default if config.default_accepts() => out.push(
                    Observation::fail(
                        subject,
                        format!("{label} is admitted by the default incoming policy ACCEPT"),
                    )
                    .expected("denied")
                    .actual("default ACCEPT"),
                ),
                Verdict::Denied(_) | Verdict::Default => closed.push(port),
            }
        }
        if !closed.is_empty() {
            out.push(
                Observation::pass(
                    format!("{SUBJECT}: forbidden ports"),
                    format!(
                        "no ufw rule admits the forbidden ports ({})",
                        ports_label(&closed, 20)
                    ),
                )
                .expected("no allow rule")
                .actual("none"),
            );
        }
        out
    }

    /// Allow rules from anywhere for ports the profile does not expect to be public.
    fn unexpected_allows(&self, config: &UfwConfig) -> Vec<Observation> {
        let mut out = Vec::new();
        for rule in config
            .rules
            .iter()
            .filter(|r| r.action.admits() && r.from_anywhere() && r.inbound && !r.routed)
        {
            let Some(ranges) = &rule.ports else {
                out.push(
                    Observation::fail(
                        SUBJECT,
                        format!(
                            "a ufw rule admits every port from anywhere ({})",
                            rule.raw.trim()
                        ),
                    )
                    .expected("rules for single ports")
                    .actual(rule.describe())
                    .at(at_rule(rule)),
                );
                continue;
            };
            let expected = |p: u16| {
                p == self.ssh_port
                    || self.allowed.contains(&p)
                    || self.conditional.contains(&p)
                    // Forbidden ones are already reported as failures.
                    || self.forbidden.contains(&p)
            };
            let surprising: Vec<u16> = ranges
                .iter()
                .flat_map(|r| r.clone())
                .filter(|p| !expected(*p))
                .take(1000)
                .collect();
            if !surprising.is_empty() {
                out.push(
                    Observation::warn(
                        format!("{SUBJECT}: {}", rule.describe()),
                        format!(
                            "ufw allows {} from anywhere, which the profile does not expect",
                            ports_label(&surprising, 10)
                        ),
                    )
                    .expected(format!("only {}", ports_label(&self.public_ports(), 20)))
                    .actual(rule.describe())
                    .at(at_rule(rule)),
                );
            }
        }
        out
    }

    /// Ports the profile expects to be public that ufw does not admit.
    fn missing_allows(&self, config: &UfwConfig) -> Vec<Observation> {
        if config.default_accepts() {
            return Vec::new();
        }
        self.allowed
            .iter()
            .filter(|p| !matches!(config.verdict(**p, "tcp"), Verdict::Allowed(_)))
            .map(|&p| {
                Observation::warn(
                    format!("{SUBJECT}: {p}/tcp"),
                    format!(
                        "ufw does not allow {} from anywhere, which the profile expects to be \
                         public",
                        port_label(p)
                    ),
                )
                .expected(format!("ufw allow {p}/tcp"))
                .actual("not allowed")
            })
            .collect()
    }

    fn public_ports(&self) -> Vec<u16> {
        let mut ports = vec![self.ssh_port];
        ports.extend(&self.allowed);
        ports.extend(&self.conditional);
        ports
    }
}

/// The rules file and line of a ufw tuple, as on the host.
fn at_rule(rule: &Rule) -> Location {
    Location::file(Path::new(&rule.file), Some(rule.line))
}

fn enabled(config: &UfwConfig) -> Observation {
    let at = Location::file(Path::new("/etc/ufw/ufw.conf"), None);
    let obs = match config.enabled {
        Some(true) => {
            Observation::pass(SUBJECT, "ufw is enabled (ENABLED=yes in /etc/ufw/ufw.conf)")
                .expected("enabled")
                .actual("ENABLED=yes")
        }
        Some(false) => Observation::fail(
            SUBJECT,
            "ufw is installed but disabled (ENABLED=no in /etc/ufw/ufw.conf)",
        )
        .expected("enabled")
        .actual("ENABLED=no"),
        None => Observation::fail(
            SUBJECT,
            "ufw's ENABLED setting is missing (/etc/ufw/ufw.conf): ufw is not enabled at boot",
        )
        .expected("enabled")
        .actual("not set"),
    };
    obs.at(at)
}

fn default_policy(config: &UfwConfig) -> Observation {
    let subject = format!("{SUBJECT}: default incoming");
    let at = Location::file(Path::new("/etc/default/ufw"), None);
    let obs = match config.default_input.as_deref() {
        Some(p) if p.eq_ignore_ascii_case("DROP") || p.eq_ignore_ascii_case("REJECT") => {
            Observation::pass(
                subject,
                format!("incoming traffic is denied by default ({p})"),
            )
            .expected("DROP or REJECT")
            .actual(p.to_string())
        }
        Some(p) => Observation::fail(
            subject,
            format!("the default incoming policy is {p}: every port without a rule is open"),
        )
        .expected("DROP or REJECT")
        .actual(p.to_string()),
        None => Observation::warn(
            subject,
            "DEFAULT_INPUT_POLICY is not set in /etc/default/ufw",
        )
        .expected("DROP or REJECT")
        .actual("not set"),
    };
    obs.at(at)
}

fn sources(rules: &[&crate::facts::ufw::Rule]) -> String {
    let mut list: Vec<&str> = rules.iter().map(|r| r.source.as_str()).collect();
    list.dedup();
    list.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::ufw::Rule;
    use crate::finding::Status;

    fn rule(action: Action, port: Option<u16>, source: &str) -> Rule {
        Rule {
            action,
            protocol: "tcp".into(),
            ports: port.map(|p| vec![p..=p]),
            source: source.into(),
            inbound: true,
            routed: false,
            file: "/etc/ufw/user.rules".into(),
            line: 1,
            raw: format!("### tuple ### {} tcp {port:?}", action.as_str()),
        }
    }

    fn config(rules: Vec<Rule>) -> UfwState {
        UfwState::Configured(UfwConfig {
            enabled: Some(true),
            default_input: Some("DROP".into()),
            rules,
            unparsed: vec![],
            files: vec![],
        })
    }

    fn check() -> ExposureFirewall {
        ExposureFirewall {
            forbidden: vec![5432, 6379],
            allowed: vec![80, 443],
            conditional: vec![8085],
            ssh_port: 22,
        }
    }

    fn find<'a>(obs: &'a [Observation], subject: &str) -> &'a Observation {
        obs.iter()
            .find(|o| o.subject == subject)
            .unwrap_or_else(|| panic!("no {subject} in {obs:#?}"))
    }

    #[test]
    fn hardened_ufw_passes_everything() {
        let obs = check().judge_ufw(&config(vec![
            rule(Action::Limit, Some(22), "0.0.0.0/0"),
            rule(Action::Allow, Some(80), "0.0.0.0/0"),
            rule(Action::Allow, Some(443), "0.0.0.0/0"),
            rule(Action::Allow, Some(8085), "0.0.0.0/0"),
        ]));
        assert!(obs.iter().all(|o| o.status == Status::Pass), "{obs:#?}");
        assert!(find(&obs, "ufw: forbidden ports")
            .message
            .contains("5432 PostgreSQL"));
    }

    #[test]
    fn allow_rule_for_a_forbidden_port_fails() {
        let obs = check().judge_ufw(&config(vec![
            rule(Action::Allow, Some(22), "0.0.0.0/0"),
            rule(Action::Allow, Some(5432), "0.0.0.0/0"),
            rule(Action::Allow, Some(6379), "10.0.0.0/8"),
            rule(Action::Allow, Some(8080), "0.0.0.0/0"),
        ]));
        let pg = find(&obs, "ufw: 5432/tcp");
        assert_eq!(pg.status, Status::Fail);
        assert!(pg.message.contains("5432 PostgreSQL"));
        assert_eq!(find(&obs, "ufw: 6379/tcp").status, Status::Warn);
        assert_eq!(
            find(&obs, "ufw: 22/tcp").status,
            Status::Warn,
            "allow without limit"
        );
        assert_eq!(
            find(&obs, "ufw: allow tcp 8080 from anywhere").status,
            Status::Warn
        );
        assert_eq!(
            find(&obs, "ufw: 443/tcp").status,
            Status::Warn,
            "443 not allowed"
        );
    }

    #[test]
    fn disabled_accepting_ufw_without_ssh_fails() {
        let state = UfwState::Configured(UfwConfig {
            enabled: Some(false),
            default_input: Some("ACCEPT".into()),
            rules: vec![rule(Action::Allow, None, "0.0.0.0/0")],
            unparsed: vec!["/etc/ufw/user.rules: ### tuple ### odd".into()],
            files: vec![],
        });
        let obs = check().judge_ufw(&state);
        assert_eq!(find(&obs, "ufw").status, Status::Fail);
        assert_eq!(find(&obs, "ufw: default incoming").status, Status::Fail);
        assert_eq!(find(&obs, "ufw: 5432/tcp").status, Status::Fail);
        assert!(obs
            .iter()
            .any(|o| o.message.contains("every port from anywhere")));
        assert!(obs.iter().any(|o| o.message.contains("could not be read")));
    }

    #[test]
    fn missing_ssh_rule_under_drop_is_a_lockout() {
        let obs = check().judge_ufw(&config(vec![rule(Action::Deny, Some(22), "0.0.0.0/0")]));
        let ssh = find(&obs, "ufw: 22/tcp");
        assert_eq!(ssh.status, Status::Fail);
        assert!(ssh.message.contains("locked out"));
        let obs = check().judge_ufw(&config(vec![]));
        assert_eq!(find(&obs, "ufw: 22/tcp").status, Status::Fail);
    }

    #[test]
    fn no_ufw_warns_and_says_other_firewalls_are_out_of_scope() {
        let obs = check().judge_ufw(&UfwState::NotInstalled);
        assert_eq!(obs.len(), 1);
        assert_eq!(obs[0].status, Status::Warn);
        assert!(obs[0].message.contains("out of scope"));
    }
}
