//! Dates: `cert.validity` (every presented certificate valid now) and `cert.expiry` (days
//! left before the first one expires), read from the certificates themselves.

use super::analyze::{plural_days, rfc3339, CertInfo};
use super::{CertExpiry, Examined};
use crate::finding::Observation;

pub fn validity(e: &Examined<'_>) -> Observation {
    let expected = "every certificate of the chain valid now (notBefore <= now <= notAfter)";
    let problems: Vec<String> = e
        .all()
        .filter_map(|(position, cert)| date_problem(position, cert, e))
        .collect();
    let leaf = e.leaf();
    let observation = if problems.is_empty() {
        e.pass(format!(
            "valid now: from {} until {}",
            rfc3339(leaf.not_before),
            rfc3339(leaf.not_after)
        ))
    } else {
        e.fail(problems.join("; "))
    };
    observation.expected(expected)
}

fn date_problem(position: usize, cert: &CertInfo, e: &Examined<'_>) -> Option<String> {
    let which = if position == 1 {
        format!("the certificate ({})", cert.subject)
    } else {
        format!("certificate #{position} ({})", cert.subject)
    };
    if e.now < cert.not_before {
        let wait = (cert.not_before - e.now).whole_days();
        Some(format!(
            "{which} is not valid yet: notBefore {} (in {})",
            rfc3339(cert.not_before),
            plural_days(wait)
        ))
    } else if e.now > cert.not_after {
        Some(format!(
            "{which} expired: notAfter {} ({} ago)",
            rfc3339(cert.not_after),
            plural_days(-cert.days_left(e.now))
        ))
    } else {
        None
    }
}

pub fn expiry(e: &Examined<'_>, limits: &CertExpiry) -> Observation {
    let expected = format!(
        "at least {} days left (warn under {})",
        limits.fail_days, limits.warn_days
    );
    let (position, first) = first_to_expire(e);
    let days = first.days_left(e.now);
    let which = if position == 1 {
        "the certificate".to_string()
    } else {
        format!("certificate #{position} ({})", first.subject)
    };
    let when = rfc3339(first.not_after);
    let message = if first.not_after < e.now {
        format!("{which} expired on {when}, {} ago", plural_days(-days))
    } else {
        format!("{which} expires on {when}, in {}", plural_days(days))
    };
    let observation = if first.not_after < e.now || days < i64::from(limits.fail_days) {
        e.fail(message)
    } else if days < i64::from(limits.warn_days) {
        e.warn(message)
    } else {
        e.pass(message)
    };
    let detail = if position == 1 {
        String::new()
    } else {
        format!("#{position} {}", first.not_after_text(e.now))
    };
    observation.expected(expected).actual(e.actual(&detail))
}

/// The leaf, or an intermediate that expires before it. A self-signed root the server
/// happens to send is left out: clients take roots from their own store.
fn first_to_expire<'e>(e: &'e Examined<'_>) -> (usize, &'e CertInfo) {
    e.all()
        .filter(|(position, cert)| *position == 1 || !cert.is_self_signed())
        .min_by_key(|(_, cert)| cert.not_after)
        .unwrap_or((1, e.leaf()))
}

#[cfg(test)]
mod tests {
    use super::super::analyze::tests::{ca, leaf_params};
    use super::super::test_support::Fixture;
    use super::*;
    use crate::finding::Status;
    use rcgen::KeyPair;
    use time::{Duration, OffsetDateTime};

    fn leaf_valid(from: Duration, to: Duration) -> Fixture {
        let (root, issuer) = ca("dates CA");
        let mut params = leaf_params(&["a.test"]);
        let now = OffsetDateTime::now_utc();
        params.not_before = now + from;
        params.not_after = now + to;
        let key = KeyPair::generate().unwrap();
        let leaf = params.signed_by(&key, &issuer).unwrap();
        Fixture::new(&[&leaf], "a.test", Some(&root.pem()))
    }

    fn limits() -> CertExpiry {
        CertExpiry {
            warn_days: 30,
            fail_days: 21,
        }
    }

    #[test]
    fn expiry_thresholds() {
        let cases = [
            (Duration::days(90), Status::Pass, "in 89 days"),
            (Duration::days(25), Status::Warn, "in 24 days"),
            (Duration::days(10), Status::Fail, "in 9 days"),
            (Duration::days(-3), Status::Fail, "expired on"),
        ];
        for (end, status, words) in cases {
            let f = leaf_valid(Duration::days(-30), end);
            let o = expiry(&f.examined(), &limits());
            assert_eq!(o.status, status, "{o:?}");
            assert!(o.message.contains(words), "{}", o.message);
            assert!(o.actual.contains("notAfter "), "{}", o.actual);
        }
    }

    #[test]
    fn validity_reports_expired_and_future_certificates_with_dates() {
        let expired = leaf_valid(Duration::days(-30), Duration::days(-2));
        let e = expired.examined();
        let o = validity(&e);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("expired: notAfter"), "{}", o.message);
        assert!(o.actual.contains("expired 2 days ago"), "{}", o.actual);
        // Trust is judged inside the validity window, so the expiry does not hide the issuer.
        let t = super::super::trust::trust(&e);
        assert_eq!(t.status, Status::Pass, "{t:?}");
        assert!(t.message.contains("judged as of"), "{}", t.message);

        let future = leaf_valid(Duration::days(5), Duration::days(60));
        let o = validity(&future.examined());
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("not valid yet"), "{}", o.message);

        let fine = leaf_valid(Duration::days(-1), Duration::days(60));
        assert_eq!(validity(&fine.examined()).status, Status::Pass);
    }
}
