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
        let logins = self.login_path.paths();
        if logins.is_empty() || logins.iter().any(|p| !p.starts_with('/')) {
            return Err("`login_path` must be one or more paths starting with '/'".into());
        }
        Ok(())
    }

    fn judge(&self, facts: &Facts) -> Judgement {
        judge_needs(facts, &self.http_needs(), |outcome| {
            judge(outcome, &self.login_path.paths())
        })
    }
}

/// `outcome` is the first answer (redirects not followed); a redirect to any of
/// `login_paths` on the same host counts as refused.
pub fn judge(outcome: &Result<HttpResponse, HttpError>, login_paths: &[&str]) -> Vec<Observation> {
    let response = match outcome {
        Ok(r) => r,
        Err(e) => return vec![no_answer(e.url(), e)],
    };
    let subject = response.url.as_str();
    let login_path = login_paths.join(" or ");
    let expected = format!("401, 403 or 404, or a redirect to {login_path}");
    let status = response.status;
    let o = match status {
        401 | 403 | 404 => {
            Observation::pass(subject, format!("answers {status} without credentials"))
        }
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
        )[0]
        .status
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
