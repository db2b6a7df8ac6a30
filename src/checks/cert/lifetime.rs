//! `cert.lifetime`: how long the leaf is valid for, against the CA/Browser Forum's maximum for
//! the date it was issued (ballot SC-081).

use super::Examined;
use crate::finding::{Observation, Severity};
use time::macros::datetime;
use time::OffsetDateTime;

/// The longest validity (days) a publicly trusted leaf may have, by issue date.
pub fn max_days_for(issued: OffsetDateTime) -> u32 {
    if issued >= datetime!(2029-03-15 0:00 UTC) {
        47
    } else if issued >= datetime!(2027-03-15 0:00 UTC) {
        100
    } else if issued >= datetime!(2026-03-15 0:00 UTC) {
        200
    } else {
        398
    }
}

pub fn lifetime(e: &Examined<'_>) -> Observation {
    let leaf = e.leaf();
    let days = (leaf.not_after - leaf.not_before).whole_days();
    let max = max_days_for(leaf.not_before);
    let expected = format!(
        "at most {max} days for a leaf issued on {} (CA/Browser Forum SC-081: 200 days from \
         2026-03-15, 100 from 2027-03-15, 47 from 2029-03-15)",
        leaf.not_before.date()
    );
    let detail = format!("valid for {days} days");
    // A public CA breaking the limit is a misissuance browsers reject; a private CA is free to
    // choose, but long-lived leaves make key compromise and renewal failures costly.
    let public = e.chain.trust.is_ok() && e.roots.is_public_subject(&e.top().issuer_der);
    let observation = if days <= i64::from(max) {
        e.pass(format!(
            "the leaf is valid for {days} days (limit {max} for its issue date)"
        ))
    } else if public {
        e.warn(format!(
            "the leaf is valid for {days} days, longer than the {max} days publicly trusted \
             certificates issued on {} may last: browsers may reject it",
            leaf.not_before.date()
        ))
    } else {
        e.pass(format!(
            "the leaf is valid for {days} days, longer than the {max} days a public CA may \
             issue; a private CA may, but shorter lifetimes limit the damage of a leaked key"
        ))
        .severity(Severity::Info)
    };
    observation.expected(expected).actual(e.actual(&detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_follow_the_sc081_schedule() {
        assert_eq!(max_days_for(datetime!(2026-03-14 23:59 UTC)), 398);
        assert_eq!(max_days_for(datetime!(2026-03-15 0:00 UTC)), 200);
        assert_eq!(max_days_for(datetime!(2027-06-01 0:00 UTC)), 100);
        assert_eq!(max_days_for(datetime!(2029-03-15 0:00 UTC)), 47);
    }
}

#[cfg(test)]
mod judged {
    use super::super::analyze::tests::{ca, leaf_params};
    use super::super::test_support::Fixture;
    use super::*;
    use crate::finding::Status;
    use rcgen::KeyPair;

    #[test]
    fn a_ten_year_leaf_from_a_private_ca_is_information_and_a_short_one_passes() {
        let (root, issuer) = ca("life root");
        let key = KeyPair::generate().unwrap();
        let now = OffsetDateTime::now_utc();
        let mut params = leaf_params(&["a.test"]);
        params.not_before = now - time::Duration::days(1);
        params.not_after = now + time::Duration::days(3650);
        let leaf = params.signed_by(&key, &issuer).unwrap();
        let f = Fixture::new(&[&leaf], "a.test", Some(&root.pem()));
        let o = lifetime(&f.examined());
        assert_eq!(
            (o.status, o.severity),
            (Status::Pass, Some(Severity::Info)),
            "{o:?}"
        );
        assert!(o.message.contains("3651 days"), "{}", o.message);

        let mut params = leaf_params(&["a.test"]);
        params.not_before = now - time::Duration::days(1);
        params.not_after = now + time::Duration::days(40);
        let leaf = params.signed_by(&key, &issuer).unwrap();
        let f = Fixture::new(&[&leaf], "a.test", Some(&root.pem()));
        let o = lifetime(&f.examined());
        assert_eq!((o.status, o.severity), (Status::Pass, None));
    }
}
