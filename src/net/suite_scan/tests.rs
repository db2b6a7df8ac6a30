use super::*;

fn accepted(suite: u16) -> (ServerHello, Flight) {
    let hello = ServerHello {
        version: hello::TLS12,
        cipher_suite: suite,
        ..Default::default()
    };
    (hello, Flight::default())
}

fn line(suites: &[u16], ending: Option<Round>) -> Line {
    Line {
        accepted: suites.iter().map(|s| accepted(*s)).collect(),
        ending,
        truncated: false,
    }
}

#[test]
fn a_version_is_accepted_when_any_family_accepted_and_failures_beat_refusals() {
    let refused = || Some(Round::Refused("alert handshake_failure".into()));
    let failed = || Some(Round::Failed(ProbeFailure::Local("stalled".into())));
    let lines = [line(&[], refused()), line(&[0x002F], refused())];
    let v = version_result(hello::TLS12, lines.iter());
    assert_eq!(v.acceptance, Acceptance::Accepted);
    assert_eq!(v.ids(), vec![0x002F]);
    let lines = [line(&[], refused()), line(&[], failed())];
    let v = version_result(hello::TLS12, lines.iter());
    assert!(matches!(v.acceptance, Acceptance::Failed(_)));
    let lines = [line(&[], refused()), line(&[], refused())];
    let v = version_result(hello::TLS11, lines.iter());
    assert_eq!(
        v.acceptance,
        Acceptance::NotAccepted {
            reason: "alert handshake_failure".into()
        }
    );
}

#[test]
fn preference_is_tested_with_the_strongest_and_weakest_suite() {
    let versions = vec![
        version_result(hello::TLS13, [line(&[0x1301], None)].iter()),
        version_result(hello::TLS12, [line(&[0x002F, 0xC02F, 0xC013], None)].iter()),
    ];
    assert_eq!(
        preference_pair(&versions),
        Some((hello::TLS12, 0xC02F, 0x002F))
    );
    let single = vec![version_result(hello::TLS12, [line(&[0xC02F], None)].iter())];
    assert_eq!(preference_pair(&single), None);
    let p = Preference {
        version: hello::TLS12,
        strong: 0xC02F,
        weak: 0x002F,
        chosen_weak_first: 0x002F,
        chosen_strong_first: 0xC02F,
    };
    assert!(!p.server_order() && p.picks_weak_offered_first());
}

#[test]
fn families_cover_every_negotiable_suite_once_strong_first() {
    let families = families(hello::TLS12);
    let total: usize = families.iter().map(Vec::len).sum();
    assert_eq!(total, negotiable_suites(true).len());
    for family in &families {
        assert!(strength(family[0]) >= strength(*family.last().unwrap()));
        let kinds: std::collections::HashSet<_> = family
            .iter()
            .map(|id| {
                (
                    suite_traits(*id).key_exchange,
                    suite_traits(*id).protection == RecordProtection::Aead,
                )
            })
            .collect();
        assert_eq!(kinds.len(), 1, "one key exchange and protection per family");
    }
    let with = |id: u16| families.iter().position(|f| f.contains(&id));
    assert_ne!(with(0x002F), with(0x009C), "CBC and AEAD static RSA apart");
}

#[test]
fn all_suites_lists_each_suite_once_with_its_versions() {
    let scan = test_support::scan_with(&[
        (hello::TLS12, Acceptance::Accepted, &[0xC013, 0x002F]),
        (hello::TLS10, Acceptance::Accepted, &[0xC013]),
    ]);
    assert_eq!(
        scan.all_suites(),
        vec![
            (0xC013, vec![hello::TLS12, hello::TLS10]),
            (0x002F, vec![hello::TLS12])
        ]
    );
}
