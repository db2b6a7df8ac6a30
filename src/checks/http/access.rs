//! http.access: a path that must not be public answers 401, 403 or 404 without credentials,
//! or redirects to the login page.

use super::{judge_needs, no_answer, require_paths, shown};
use crate::checks::{Judgement, Kind};
use crate::facts::http::HttpNeed;
use crate::facts::http::{HttpError, HttpResponse};
use crate::facts::{Facts, Need};
use crate::finding::{Category, Observation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpAccess {
    /// Paths that must not answer without credentials.
    pub paths: Vec<String>,
    /// A redirect here counts as refused: one path, or several (Koda sends visitors to
    /// `/setup` until an owner exists, then to `/login`). (`on_fail = "warn"` on the check
    /// makes an open path a warning, e.g. for paths that only reveal configuration.)
    #[serde(default = "login")]
    pub login_path: LoginPaths,
    /// The statuses that count as refused. A product whose API answers 401 to anyone who
    /// reaches it (CLIProxyAPI's management API with remote management on) lists `[403, 404]`:
    /// its 401 means the API is published and only its key stands in the way.
    #[serde(default = "refusals")]
    pub refused: Vec<u16>,
}

fn refusals() -> Vec<u16> {
    vec![401, 403, 404]
}

/// `login_path = "/login"` or `login_path = ["/login", "/setup"]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LoginPaths {
    One(String),
    Any(Vec<String>),
}

impl LoginPaths {
    pub fn paths(&self) -> Vec<&str> {
        match self {
            LoginPaths::One(p) => vec![p.as_str()],
            LoginPaths::Any(ps) => ps.iter().map(String::as_str).collect(),
        }
    }
}

fn login() -> LoginPaths {
    LoginPaths::One("/login".to_string())
}

impl HttpAccess {
    fn http_needs(&self) -> Vec<HttpNeed> {
        self.paths
            .iter()
            .map(|p| HttpNeed::get(p).no_follow())
            .collect()
    }
}

impl Kind for HttpAccess {
    const TAG: &'static str = "http.access";
    const CATEGORY: Category = Category::Http;

    fn needs(&self) -> Vec<Need> {
        self.http_needs().into_iter().map(Need::Http).collect()
    }

    fn validate(&self) -> Result<(), String> {
        require_paths(&self.paths)?;
        if self.refused.is_empty() || self.refused.iter().any(|s| !(400..500).contains(s)) {
            return Err("`refused` must list 4xx statuses, e.g. [401, 403, 404]".into());
        }
        let logins = self.login_path.paths();
        if logins.is_empty() || logins.iter().any(|p| !p.starts_with('/')) {
            return Err("`login_path` must be one or more paths starting with '/'".into());
        }
        Ok(())
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        judge_needs(facts, &self.http_needs(), |outcome| {
            judge(outcome, &self.login_path.paths(), &self.refused)
        })
    }
}

/// `outcome` is the first answer (redirects not followed); a redirect to any of
/// `login_paths` on the same host counts as refused.
pub fn judge(
    outcome: &Result<HttpResponse, HttpError>,
    login_paths: &[&str],
    refused: &[u16],
) -> Vec<Observation> {
    let response = match outcome {
        Ok(r) => r,
        Err(e) => return vec![no_answer(e.url(), e)],
    };
    let subject = response.url.as_str();
    let login_path = login_paths.join(" or ");
    let listed: Vec<String> = refused.iter().map(u16::to_string).collect();
    let expected = format!("{}, or a redirect to {login_path}", listed.join(", "));
    let status = response.status;
    let o = match status {
        s if refused.contains(&s) => {
            Observation::pass(subject, format!("answers {status} without credentials"))
        }
        401 | 403 | 404 => Observation::fail(
            subject,
            format!(
                "answers {status}: the path is published and reached; only its own authentication stands in the way"
            ),
        ),
        _ if response.is_redirect() => {
            let location = response.location().unwrap_or("");
            let target = response.url.join(location).ok();
            let to_login = target.as_ref().and_then(|t| {
                let same_host = t.host_str() == response.url.host_str();
                login_paths.iter().find(|login| {
                    same_host
                        && (t.path() == **login
                            || t.path()
                                .starts_with(&format!("{}/", login.trim_end_matches('/'))))
                })
            });
            if let Some(login) = to_login {
                Observation::pass(subject, format!("redirects to {login} without credentials"))
            } else {
                Observation::fail(
                    subject,
                    format!("redirects to {} instead of the login page", shown(location)),
                )
            }
        }
        200..=299 => Observation::fail(
            subject,
            format!("answers {status} to a request without credentials: the path is public"),
        ),
        _ => Observation::warn(
            subject,
            format!("answers {status}: not clearly refused, not clearly open"),
        ),
    };
    vec![o.expected(expected).actual(format!(
        "status {status}{}",
        response
            .location()
            .map(|l| format!(" -> {}", shown(l)))
            .unwrap_or_default()
    ))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::http::testutil::response;
    use crate::finding::Status;

    fn status(code: u16, location: Option<&str>) -> Status {
        let headers: Vec<(&str, &str)> =
            location.map(|l| vec![("location", l)]).unwrap_or_default();
        judge(
            &Ok(response("https://a.test/admin", code, &headers)),
            &["/login", "/setup"],
            &[401, 403, 404],
        )[0]
        .status
    }

    #[test]
    fn a_narrower_refusal_list_makes_a_401_a_fail() {
        let judged = |code| {
            judge(
                &Ok(response("https://a.test/v0/management/usage", code, &[])),
                &["/login"],
                &[403, 404],
            )
            .remove(0)
        };
        assert_eq!(judged(403).status, Status::Pass);
        assert_eq!(judged(404).status, Status::Pass);
        let o = judged(401);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("published"), "{}", o.message);
    }

    #[test]
    fn statuses() {
        for code in [401, 403, 404] {
            assert_eq!(status(code, None), Status::Pass);
        }
        assert_eq!(status(302, Some("/login?next=/admin")), Status::Pass);
        assert_eq!(status(302, Some("https://a.test/login")), Status::Pass);
        assert_eq!(status(302, Some("https://evil.test/login")), Status::Fail);
        assert_eq!(status(302, Some("/loginx")), Status::Fail);
        assert_eq!(
            status(307, Some("/setup?next=%2Fcluster%2Fstatus")),
            Status::Pass
        );
        assert_eq!(status(307, Some("/setupx")), Status::Fail);
        assert_eq!(status(200, None), Status::Fail);
        assert_eq!(status(500, None), Status::Warn);
    }
}
