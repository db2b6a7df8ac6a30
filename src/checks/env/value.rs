//! `env.value`: rules for a configuration variable (allowed/forbidden values, formats, lists).
//!
//! Values of non-secret variables are shown in reports, with URL credentials redacted;
//! `secret = true` variables are described by shape only.

use super::placeholder::placeholder_reason;
use super::shape::describe_var;
use super::url::{self, percent_decode};
use super::{file_role, judge_var};
use super::{join_capped, list_entries, quoted_alternatives, IfUnset};
use crate::checks::{Judgement, Kind};
use crate::facts::env::is_valid_key;
use crate::facts::env::LoadedEnv;
use crate::facts::Facts;
use crate::finding::{Category, Observation};
use crate::ip::{is_internal_host, is_localhost, parse_network, NetworkEntry};
use serde::{Deserialize, Serialize};

/// Longest value shown verbatim in a report.
const MAX_SHOWN_CHARS: usize = 120;

enum Shown {
    Text(String),
    Shape(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvValue {
    pub var: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default)]
    pub if_unset: IfUnset,
    /// Value assumed when the variable is unset (e.g. a product default); checked like a set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden: Vec<String>,
    /// Comparisons ignore ASCII case unless set to false.
    #[serde(default = "yes")]
    pub ignore_case: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    /// Comma-separated list: every entry is checked on its own.
    #[serde(default)]
    pub list: bool,
    /// The value is sensitive: report its shape, never the value.
    #[serde(default)]
    pub secret: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Format {
    /// Exactly `length` hex digits.
    Hex {
        length: usize,
    },
    Integer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    Boolean,
    Url {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        schemes: Vec<String>,
        #[serde(default)]
        no_trailing_slash: bool,
        #[serde(default)]
        no_port: bool,
        #[serde(default)]
        not_localhost: bool,
        /// The host must be internal: loopback, private address, or a single-label / .internal /
        /// .local name (a container or service name).
        #[serde(default)]
        internal_host: bool,
        /// The URL must carry a password.
        #[serde(default)]
        password_required: bool,
        /// A password in the URL must not be a placeholder or one of `forbidden`.
        #[serde(default)]
        password_not_placeholder: bool,
    },
    /// An IP network in CIDR notation (or a bare address); `private_only` refuses public ranges
    /// and catch-alls like `0.0.0.0/0`.
    Cidr {
        #[serde(default)]
        private_only: bool,
    },
    Prefix {
        prefixes: Vec<String>,
    },
}

const BOOLEAN_WORDS: &[&str] = &["true", "false", "1", "0", "yes", "no", "on", "off"];

impl EnvValue {
    fn validate_params(&self) -> Result<(), String> {
        if !is_valid_key(&self.var) {
            return Err(format!("var {:?} is not a variable name", self.var));
        }
        if self
            .allowed
            .iter()
            .chain(&self.forbidden)
            .any(String::is_empty)
        {
            return Err(
                "allowed/forbidden must not contain an empty value; use if_unset for unset or empty variables"
                    .into(),
            );
        }
        if let Some(both) = self
            .allowed
            .iter()
            .find(|a| self.forbidden.iter().any(|f| self.same(a, f)))
        {
            return Err(format!("{both:?} is both allowed and forbidden"));
        }
        match &self.format {
            Some(Format::Hex { length: 0 }) => {
                Err("hex format needs a length of at least 1".into())
            }
            Some(Format::Integer {
                min: Some(min),
                max: Some(max),
            }) if min > max => Err(format!("integer format: min {min} is above max {max}")),
            Some(Format::Prefix { prefixes }) if prefixes.is_empty() => {
                Err("prefix format needs at least one prefix".into())
            }
            Some(Format::Prefix { prefixes }) if prefixes.iter().any(String::is_empty) => {
                Err("prefix format: a prefix must not be empty".into())
            }
            Some(Format::Url { schemes, .. }) if schemes.iter().any(|s| s.is_empty()) => {
                Err("url format: a scheme must not be empty".into())
            }
            _ => Ok(()),
        }
    }

    fn observe_env(&self, env: &LoadedEnv) -> Vec<Observation> {
        let subject = env.locate(&self.var);
        let raw = env.get(&self.var);
        let is_unset = raw.is_none_or(str::is_empty);
        let value = match (raw, &self.default) {
            (Some(v), _) if !v.is_empty() => v,
            (_, Some(default)) => default.as_str(),
            (None, None) => return vec![self.unset(subject, "is not set", "unset")],
            (Some(_), None) => return vec![self.unset(subject, "is empty", "empty")],
        };
        let entries = if self.list {
            list_entries(value)
        } else {
            vec![(1, value)]
        };
        if entries.is_empty() {
            return vec![self.unset(subject, "is a list with no entries", "empty list")];
        }
        let problems: Vec<String> = entries
            .iter()
            .flat_map(|(i, entry)| {
                self.problems(entry).into_iter().map(move |p| {
                    if self.list {
                        format!("entry {i} {} {p}", self.inline(entry))
                    } else {
                        p
                    }
                })
            })
            .collect();
        let message = self.message(value, is_unset, &problems);
        let actual = if is_unset {
            format!("unset; default {}", self.show(value))
        } else {
            self.show(value)
        };
        let observation = if problems.is_empty() {
            Observation::pass(subject, message)
        } else {
            Observation::fail(subject, message)
        };
        vec![observation.expected(self.expected()).actual(actual)]
    }

    /// The verdict for an unset, empty or blank variable, as `if_unset` says.
    fn unset(&self, subject: String, what: &str, actual: &str) -> Observation {
        Observation::new(
            self.if_unset.status(),
            subject,
            format!("{} {what}", self.var),
        )
        .expected(self.expected())
        .actual(actual)
    }

    fn message(&self, value: &str, is_unset: bool, problems: &[String]) -> String {
        let (var, shown) = (&self.var, self.inline(value));
        match (is_unset, problems.is_empty(), self.list) {
            (false, true, _) => format!("{var} is {shown}"),
            (true, true, _) => format!("{var} is not set; its default {shown} applies"),
            (false, false, false) => format!("{var} is {shown}, which {}", problems.join("; ")),
            (true, false, false) => format!(
                "{var} is not set and its default {shown} {}",
                problems.join("; ")
            ),
            (false, false, true) => format!("{var}: {}", join_capped(problems)),
            (true, false, true) => format!(
                "{var} is not set; in its default: {}",
                join_capped(problems)
            ),
        }
    }

    fn same(&self, a: &str, b: &str) -> bool {
        if self.ignore_case {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    }

    /// What is wrong with one value (or list entry), as phrases following "which".
    fn problems(&self, entry: &str) -> Vec<String> {
        let mut problems = Vec::new();
        if !self.allowed.is_empty() && !self.allowed.iter().any(|a| self.same(a, entry)) {
            problems.push(format!("is not {}", quoted_alternatives(&self.allowed)));
        }
        if self.forbidden.iter().any(|f| self.same(f, entry)) {
            problems.push("is a forbidden value".to_string());
        }
        if let Some(format) = &self.format {
            problems.extend(self.format_problems(format, entry));
        }
        problems
    }

    fn format_problems(&self, format: &Format, entry: &str) -> Vec<String> {
        let one = |p: &str| vec![p.to_string()];
        match format {
            Format::Hex { length } => {
                if entry.chars().count() == *length && entry.chars().all(|c| c.is_ascii_hexdigit())
                {
                    vec![]
                } else {
                    vec![format!("is not exactly {length} hex digits")]
                }
            }
            Format::Integer { min, max } => match entry.parse::<i64>() {
                Err(_) => one("is not an integer"),
                Ok(n) if min.is_some_and(|m| n < m) => {
                    vec![format!(
                        "is below the minimum of {}",
                        min.unwrap_or_default()
                    )]
                }
                Ok(n) if max.is_some_and(|m| n > m) => {
                    vec![format!(
                        "is above the maximum of {}",
                        max.unwrap_or_default()
                    )]
                }
                Ok(_) => vec![],
            },
            Format::Boolean => {
                if BOOLEAN_WORDS.iter().any(|w| w.eq_ignore_ascii_case(entry)) {
                    vec![]
                } else {
                    one("is not a boolean (true/false, 1/0, yes/no, on/off)")
                }
            }
            Format::Url { .. } => self.url_problems(format, entry),
            Format::Cidr { private_only } => match parse_network(entry) {
                Err(reason) => vec![format!("is not an IP network in CIDR notation ({reason})")],
                Ok(NetworkEntry::Network(n)) if *private_only && n.is_everything() => {
                    one("covers every address")
                }
                Ok(network) if *private_only && !network.is_private() => {
                    one("includes public addresses")
                }
                Ok(_) => vec![],
            },
            Format::Prefix { prefixes } => {
                let starts = |p: &String| {
                    if self.ignore_case {
                        entry.len() >= p.len()
                            && entry
                                .get(..p.len())
                                .is_some_and(|head| head.eq_ignore_ascii_case(p))
                    } else {
                        entry.starts_with(p.as_str())
                    }
                };
                if prefixes.iter().any(starts) {
                    vec![]
                } else {
                    vec![format!(
                        "does not start with {}",
                        quoted_alternatives(prefixes)
                    )]
                }
            }
        }
    }

    fn url_problems(&self, format: &Format, entry: &str) -> Vec<String> {
        let Format::Url {
            schemes,
            no_trailing_slash,
            no_port,
            not_localhost,
            internal_host,
            password_required,
            password_not_placeholder,
        } = format
        else {
            return vec![];
        };
        let url = match url::parse(entry) {
            Ok(u) => u,
            Err(reason) => return vec![format!("is not a URL ({reason})")],
        };
        let mut problems = Vec::new();
        if !schemes.is_empty() && !url.scheme_is_one_of(schemes) {
            problems.push(format!(
                "uses scheme `{}` instead of {}",
                url.scheme.to_ascii_lowercase(),
                quoted_alternatives(schemes)
            ));
        }
        if *no_trailing_slash && url.path.ends_with('/') {
            problems.push("ends with a slash".into());
        }
        if *no_port {
            // The scheme's own port (https:443, http:80) is what a URL without one means.
            let default = match url.scheme.to_ascii_lowercase().as_str() {
                "https" => Some(443),
                "http" => Some(80),
                _ => None,
            };
            if let Some(port) = url.port.filter(|p| Some(*p) != default) {
                problems.push(format!("names port {port}"));
            }
        }
        if *not_localhost && is_localhost(url.host) {
            problems.push("points at the local host".into());
        }
        if *internal_host && !is_internal_host(url.host) {
            problems.push(if url.host.is_empty() {
                "names no host".into()
            } else {
                "points at a public host, not an internal service".into()
            });
        }
        let password = url.password().map(percent_decode).filter(|p| !p.is_empty());
        match &password {
            None if *password_required => problems.push("carries no password".into()),
            Some(pw) if *password_not_placeholder => {
                if let Some(reason) = placeholder_reason("", pw) {
                    problems.push(format!("has a placeholder password ({reason})"));
                } else if self.forbidden.iter().any(|f| f == pw) {
                    problems.push("has a forbidden password".into());
                } else if url.user().is_some_and(|u| percent_decode(u) == *pw) {
                    problems.push("has a password equal to its user name".into());
                }
            }
            _ => {}
        }
        problems
    }

    /// The value as a report may show it: the shape for secrets; otherwise the text with URL
    /// credentials redacted, shortened, control characters escaped.
    fn shown(&self, value: &str) -> Shown {
        // A libpq keyword DSN (`host=db password=...`) carries its password in plain text.
        if self.secret || crate::dsn::has_keyword_password(value) {
            return Shown::Shape(describe_var(&self.var, value));
        }
        let text = if value.contains("://") || value.contains('@') {
            match url::parse(value) {
                Ok(u) => url::redacted(&u),
                // Unparsable text with `@` or `://` may hide a credential: shape only.
                Err(_) => return Shown::Shape(describe_var(&self.var, value)),
            }
        } else {
            value.to_string()
        };
        let mut escaped = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_control() {
                escaped.extend(c.escape_default());
            } else {
                escaped.push(c);
            }
        }
        if escaped.chars().count() > MAX_SHOWN_CHARS {
            let head: String = escaped.chars().take(MAX_SHOWN_CHARS).collect();
            Shown::Text(format!("{head}…"))
        } else {
            Shown::Text(escaped)
        }
    }

    /// For the `actual` field.
    fn show(&self, value: &str) -> String {
        match self.shown(value) {
            Shown::Text(t) | Shown::Shape(t) => t,
        }
    }

    /// For use inside a sentence: backquoted text, or the shape in parentheses.
    fn inline(&self, value: &str) -> String {
        match self.shown(value) {
            Shown::Text(t) => format!("`{t}`"),
            Shown::Shape(s) => format!("({s})"),
        }
    }

    fn expected(&self) -> String {
        let mut parts = Vec::new();
        if !self.allowed.is_empty() {
            parts.push(format!("one of {}", quoted_alternatives(&self.allowed)));
        }
        if !self.forbidden.is_empty() {
            parts.push(format!("not {}", quoted_alternatives(&self.forbidden)));
        }
        if let Some(format) = &self.format {
            parts.push(format_expectation(format));
        }
        let rule = if parts.is_empty() {
            "set".to_string()
        } else {
            parts.join("; ")
        };
        if self.list {
            format!("each comma-separated entry: {rule}")
        } else {
            rule
        }
    }
}

impl Kind for EnvValue {
    const TAG: &'static str = "env.value";
    const CATEGORY: Category = Category::Config;

    fn validate(&self) -> Result<(), String> {
        self.validate_params()
    }

    fn env_roles(&self) -> Vec<(&'static str, &str)> {
        file_role(&self.file).into_iter().collect()
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        judge_var(facts, self.file.as_deref(), &self.var, |env| {
            self.observe_env(env)
        })
    }
}

fn format_expectation(format: &Format) -> String {
    match format {
        Format::Hex { length } => format!("exactly {length} hex digits"),
        Format::Integer { min, max } => match (min, max) {
            (Some(a), Some(b)) => format!("an integer from {a} to {b}"),
            (Some(a), None) => format!("an integer of at least {a}"),
            (None, Some(b)) => format!("an integer of at most {b}"),
            (None, None) => "an integer".into(),
        },
        Format::Boolean => "a boolean".into(),
        Format::Url {
            schemes,
            no_trailing_slash,
            no_port,
            not_localhost,
            internal_host,
            password_required,
            password_not_placeholder,
        } => {
            let mut text = if schemes.is_empty() {
                "a URL".to_string()
            } else {
                format!("a {} URL", quoted_alternatives(schemes))
            };
            let rules: Vec<&str> = [
                (*no_trailing_slash, "no trailing slash"),
                (*no_port, "no port"),
                (*not_localhost, "not localhost"),
                (*internal_host, "an internal host"),
                (*password_required, "a password"),
                (*password_not_placeholder, "no placeholder password"),
            ]
            .into_iter()
            .filter_map(|(on, rule)| on.then_some(rule))
            .collect();
            if !rules.is_empty() {
                text.push_str(" with ");
                text.push_str(&rules.join(", "));
            }
            text
        }
        Format::Cidr { private_only: true } => "a private IP network (CIDR)".into(),
        Format::Cidr {
            private_only: false,
        } => "an IP network (CIDR)".into(),
        Format::Prefix { prefixes } => format!("starting with {}", quoted_alternatives(prefixes)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{assert_no_leak, only, Fixture};
    use super::*;
    use crate::finding::Status;

    const ENV: &str = "\
NODE_ENV=production
APP_ENV=development
MODE=Open
RATE=0
RATE_OK=120
FLAG=maybe
NEXTAUTH_URL=https://omni.example.com
NEXTAUTH_BAD=http://localhost:3000/
MGMT_URL=http://cliproxyapi:8317/v0/management
MGMT_PUBLIC=https://proxy.example.com
DATABASE_URL=postgres://app:CHANGE_ME_POSTGRES_PASSWORD@db:5432/app
DATABASE_OK=postgresql://app:Xq3vLr8tZp2mWk7s@db/app
DATABASE_DEV=postgres://app:devpassword@db/app
DATABASE_SQLITE=sqlite:///data/app.db
REDIS_URL=redis://redis:6379
REDIS_DEFAULT=redis://:password@redis:6379
TRUSTED_PROXIES=10.0.0.0/8, loopback ,0.0.0.0/0,,8.8.8.0/24
TRUSTED_OK=172.16.0.0/12,fd00::/8,uniquelocal
TRUSTED_BLANK=\" , ,\"
KEY_HEX=9f86d081884c7d659a2feaa0c55ad015
TOKEN=sk-live-Zq8rT2vXk3
BROKEN_URL=postgres://u:pa55word@[db:5432/x
";

    fn rule(var: &str) -> EnvValue {
        EnvValue {
            var: var.into(),
            file: None,
            if_unset: IfUnset::Fail,
            default: None,
            allowed: vec![],
            forbidden: vec![],
            ignore_case: true,
            format: None,
            list: false,
            secret: false,
        }
    }

    fn url_format() -> Format {
        Format::Url {
            schemes: vec![],
            no_trailing_slash: false,
            no_port: false,
            not_localhost: false,
            internal_host: false,
            password_required: false,
            password_not_placeholder: false,
        }
    }

    fn with_url(var: &str, edit: impl FnOnce(&mut Format)) -> EnvValue {
        let mut format = url_format();
        edit(&mut format);
        let mut r = rule(var);
        r.format = Some(format);
        r
    }

    const SECRETS: &[&str] = &[
        "CHANGE_ME_POSTGRES_PASSWORD",
        "Xq3vLr8tZp2mWk7s",
        ":password@",
        "Zq8rT2vXk3",
        "pa/ss",
    ];

    fn run(r: &EnvValue) -> Observation {
        let fx = Fixture::new().env("main", ".env", ENV);
        let obs = r.evaluate(&fx.ctx());
        assert_no_leak(&obs, SECRETS);
        only(obs)
    }

    #[test]
    fn allowed_and_forbidden_values() {
        let mut r = rule("NODE_ENV");
        r.allowed = vec!["production".into()];
        let o = run(&r);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.message, "NODE_ENV is `production`");
        assert_eq!(o.actual, "production");

        let mut r = rule("APP_ENV");
        r.allowed = vec!["qa".into(), "prod".into()];
        let o = run(&r);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            "APP_ENV is `development`, which is not `qa` or `prod`"
        );
        assert_eq!(o.expected, "one of `qa` or `prod`");

        let mut r = rule("MODE");
        r.forbidden = vec!["open".into(), "development".into()];
        assert_eq!(run(&r).status, Status::Fail);
        r.ignore_case = false;
        assert_eq!(run(&r).status, Status::Pass);
    }

    #[test]
    fn unset_and_defaults() {
        let mut r = rule("ALLOW_LOOPBACK_BOOTSTRAP");
        r.forbidden = vec!["true".into()];
        r.if_unset = IfUnset::Pass;
        let o = run(&r);
        assert_eq!((o.status, o.actual.as_str()), (Status::Pass, "unset"));
        r.default = Some("true".into());
        let o = run(&r);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("not set and its default `true`"),
            "{}",
            o.message
        );
        assert_eq!(o.actual, "unset; default true");
        r.if_unset = IfUnset::Warn;
        r.default = None;
        assert_eq!(run(&r).status, Status::Warn);
    }

    #[test]
    fn integers_and_booleans() {
        let mut r = rule("RATE");
        r.format = Some(Format::Integer {
            min: Some(1),
            max: None,
        });
        let o = run(&r);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("below the minimum of 1"),
            "{}",
            o.message
        );
        r.var = "RATE_OK".into();
        assert_eq!(run(&r).status, Status::Pass);
        r.format = Some(Format::Integer {
            min: None,
            max: Some(100),
        });
        assert_eq!(run(&r).status, Status::Fail);
        r.var = "NODE_ENV".into();
        assert!(run(&r).message.contains("not an integer"));

        let mut r = rule("FLAG");
        r.format = Some(Format::Boolean);
        assert_eq!(run(&r).status, Status::Fail);
    }

    #[test]
    fn url_rules_for_public_urls() {
        let omni = |f: &mut Format| {
            if let Format::Url {
                schemes,
                no_trailing_slash,
                no_port,
                not_localhost,
                ..
            } = f
            {
                *schemes = vec!["https".into()];
                *no_trailing_slash = true;
                *no_port = true;
                *not_localhost = true;
            }
        };
        assert_eq!(run(&with_url("NEXTAUTH_URL", omni)).status, Status::Pass);
        let o = run(&with_url("NEXTAUTH_BAD", omni));
        assert_eq!(o.status, Status::Fail);
        for part in [
            "scheme `http` instead of `https`",
            "ends with a slash",
            "names port 3000",
            "local host",
        ] {
            assert!(o.message.contains(part), "{part}: {}", o.message);
        }
    }

    #[test]
    fn url_rules_for_internal_services() {
        let internal = |f: &mut Format| {
            if let Format::Url { internal_host, .. } = f {
                *internal_host = true;
            }
        };
        assert_eq!(run(&with_url("MGMT_URL", internal)).status, Status::Pass);
        let o = run(&with_url("MGMT_PUBLIC", internal));
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("public host"), "{}", o.message);
    }

    #[test]
    fn url_passwords_are_checked_and_redacted() {
        let db = |f: &mut Format| {
            if let Format::Url {
                schemes,
                password_not_placeholder,
                ..
            } = f
            {
                *schemes = vec!["postgres".into(), "postgresql".into()];
                *password_not_placeholder = true;
            }
        };
        let o = run(&with_url("DATABASE_URL", db));
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("placeholder password"), "{}", o.message);
        assert_eq!(o.actual, "postgres://app:***@db:5432/app");

        let o = run(&with_url("DATABASE_OK", db));
        assert_eq!(o.status, Status::Pass, "{o:?}");
        assert_eq!(o.actual, "postgresql://app:***@db/app");

        assert_eq!(run(&with_url("DATABASE_DEV", db)).status, Status::Fail);
        let o = run(&with_url("DATABASE_SQLITE", db));
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("scheme `sqlite`"), "{}", o.message);

        let redis = |f: &mut Format| {
            if let Format::Url {
                password_required,
                password_not_placeholder,
                ..
            } = f
            {
                *password_required = true;
                *password_not_placeholder = true;
            }
        };
        let o = run(&with_url("REDIS_URL", redis));
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("carries no password"), "{}", o.message);
        let o = run(&with_url("REDIS_DEFAULT", redis));
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("matches `password`"), "{}", o.message);
        assert_eq!(o.actual, "redis://:***@redis:6379");

        // An unparsable URL is described by shape: it may hide a credential.
        let o = run(&with_url("BROKEN_URL", |_| {}));
        assert_eq!(o.status, Status::Fail);
        assert!(o.actual.starts_with("length "), "{}", o.actual);
    }

    #[test]
    fn cidr_lists_private_only() {
        let mut r = rule("TRUSTED_PROXIES");
        r.list = true;
        r.format = Some(Format::Cidr { private_only: true });
        let o = run(&r);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            "TRUSTED_PROXIES: entry 3 `0.0.0.0/0` covers every address; \
             entry 5 `8.8.8.0/24` includes public addresses"
        );
        r.var = "TRUSTED_OK".into();
        assert_eq!(run(&r).status, Status::Pass);
        r.var = "TRUSTED_BLANK".into();
        r.if_unset = IfUnset::Skip;
        let o = run(&r);
        assert_eq!((o.status, o.actual.as_str()), (Status::Skip, "empty list"));
    }

    #[test]
    fn hex_prefix_and_secret_values() {
        let mut r = rule("KEY_HEX");
        r.format = Some(Format::Hex { length: 32 });
        r.secret = true;
        let o = run(&r);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.actual, "length 32, hex");
        assert_no_leak(&[o], &["9f86d081884c7d65"]);

        let mut r = rule("TOKEN");
        r.secret = true;
        r.format = Some(Format::Prefix {
            prefixes: vec!["sk-test-".into()],
        });
        let o = run(&r);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains("does not start with `sk-test-`"),
            "{}",
            o.message
        );
        r.format = Some(Format::Prefix {
            prefixes: vec!["SK-LIVE-".into()],
        });
        assert_eq!(run(&r).status, Status::Pass);
    }

    #[test]
    fn validation() {
        assert!(rule("A").validate().is_ok());
        assert!(rule("A B").validate().is_err());
        let mut r = rule("A");
        r.format = Some(Format::Integer {
            min: Some(5),
            max: Some(1),
        });
        assert!(r.validate().is_err());
        r.format = Some(Format::Hex { length: 0 });
        assert!(r.validate().is_err());
        r.format = Some(Format::Prefix { prefixes: vec![] });
        assert!(r.validate().is_err());
        let mut r = rule("A");
        r.allowed = vec!["x".into()];
        r.forbidden = vec!["X".into()];
        assert!(r.validate().is_err());
    }
}
