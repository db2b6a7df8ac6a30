//! http.access: a path that must not be public answers 401, 403 or 404 without credentials,
//! or redirects to the login page.

use super::{no_answer, shown};
use crate::finding::{Observation, Status};
use crate::net::http::{HttpError, HttpResponse};

/// `outcome` is the first answer (redirects not followed). `open_status` is what an open path
/// is (fail, or warn for paths that only reveal configuration).
pub fn judge(
    outcome: &Result<HttpResponse, HttpError>,
    login_path: &str,
    open_status: Status,
) -> Vec<Observation> {
    let response = match outcome {
        Ok(r) => r,
        Err(e) => return vec![no_answer(e.url(), e)],
    };
    let subject = response.url.as_str();
    let expected = format!("401, 403 or 404, or a redirect to {login_path}");
    let status = response.status;
    let o = match status {
        401 | 403 | 404 => {
            Observation::pass(subject, format!("answers {status} without credentials"))
        }
        _ if response.is_redirect() => {
            let location = response.location().unwrap_or("");
            let target = response.url.join(location).ok();
            let to_login = target.as_ref().is_some_and(|t| {
                t.host_str() == response.url.host_str()
                    && (t.path() == login_path
                        || t.path()
                            .starts_with(&format!("{}/", login_path.trim_end_matches('/'))))
            });
            if to_login {
                Observation::pass(
                    subject,
                    format!("redirects to {login_path} without credentials"),
                )
            } else {
                Observation::new(
                    open_status,
                    subject,
                    format!("redirects to {} instead of the login page", shown(location)),
                )
            }
        }
        200..=299 => Observation::new(
            open_status,
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

    fn status(code: u16, location: Option<&str>, open: Status) -> Status {
        let headers: Vec<(&str, &str)> =
            location.map(|l| vec![("location", l)]).unwrap_or_default();
        judge(
            &Ok(response("https://a.test/admin", code, &headers)),
            "/login",
            open,
        )[0]
        .status
    }

    #[test]
    fn statuses() {
        for code in [401, 403, 404] {
            assert_eq!(status(code, None, Status::Fail), Status::Pass);
        }
        assert_eq!(
            status(302, Some("/login?next=/admin"), Status::Fail),
            Status::Pass
        );
        assert_eq!(
            status(302, Some("https://a.test/login"), Status::Fail),
            Status::Pass
        );
        assert_eq!(
            status(302, Some("https://evil.test/login"), Status::Fail),
            Status::Fail
        );
        assert_eq!(status(302, Some("/loginx"), Status::Fail), Status::Fail);
        assert_eq!(status(200, None, Status::Fail), Status::Fail);
        assert_eq!(status(200, None, Status::Warn), Status::Warn);
        assert_eq!(status(500, None, Status::Fail), Status::Warn);
    }
}
