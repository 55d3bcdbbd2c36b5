//! The edges of the P1 rules: exactly 10 minutes, the 5th wrong try, exactly 15 minutes.

use super::*;
use time::macros::datetime;

const T0: OffsetDateTime = datetime!(2026-11-23 10:00:00 UTC);
const RIGHT: &str = "hash-of-right-code";

fn anna() -> CustomerId {
    CustomerId::parse("cus_anna").unwrap()
}

fn challenge(at: OffsetDateTime) -> Challenge {
    Challenge::issue(
        &OtpPolicy::default(),
        LockKey::customer(&anna()),
        Some(anna()),
        RIGHT.into(),
        at,
    )
}

fn try_code(c: Option<&Challenge>, lockout: Lockout, hash: &str, at: OffsetDateTime) -> Checked {
    let attempt = Attempt {
        challenge: c,
        lockout,
        presented_hash: hash,
        linked_customer: None,
    };
    check(&OtpPolicy::default(), attempt, at)
}

fn min(m: i64) -> Duration {
    Duration::minutes(m)
}

#[test]
fn codes_parse_six_digits_with_separators() {
    let cases = [
        ("482913", Some("482913")),
        (" 482 913 ", Some("482913")),
        ("482-913", Some("482913")),
        ("000000", Some("000000")),
        ("48291", None),
        ("4829134", None),
        ("48291a", None),
        ("４８２９１３", None),
        ("", None),
        ("482_913", None),
    ];
    for (raw, want) in cases {
        assert_eq!(
            OtpCode::parse(raw).ok().as_ref().map(OtpCode::as_str),
            want,
            "{raw:?}"
        );
    }
    assert_eq!(OtpCode::from_number(42).unwrap().as_str(), "000042");
    assert!(OtpCode::from_number(1_000_000).is_none());
    assert_eq!(
        format!("{:?}", OtpCode::parse("482913").unwrap()),
        "OtpCode(******)"
    );
}

#[test]
fn emails() {
    for ok in [
        "anna@example.com",
        " Anna@Example.COM ",
        "a.b+c@mail.example.co.uk",
    ] {
        assert!(EmailAddress::parse(ok).is_ok(), "{ok}");
    }
    for bad in [
        "",
        "anna",
        "anna@",
        "@example.com",
        "anna@example",
        "an na@example.com",
        "anna@@example.com",
        "anna@example..com",
        "anna@.example.com",
    ] {
        assert!(EmailAddress::parse(bad).is_err(), "{bad}");
    }
    let email = EmailAddress::parse(" Anna@Example.COM ").unwrap();
    assert_eq!(email.as_str(), "Anna@Example.COM");
    assert_eq!(email.normalized(), "anna@example.com");
}

#[test]
fn the_right_code_verifies_until_exactly_ten_minutes() {
    let c = challenge(T0);
    let just_before = T0 + min(10) - Duration::milliseconds(1);
    let ok = try_code(Some(&c), Lockout::default(), RIGHT, just_before);
    assert_eq!(ok.outcome, CheckOutcome::Verified { customer: anna() });
    assert_eq!(ok.challenge, None, "a code verifies once");
    let late = try_code(Some(&c), Lockout::default(), RIGHT, T0 + min(10));
    assert_eq!(late.outcome, CheckOutcome::Expired);
    assert_eq!(late.challenge, Some(c.clone()));
}

#[test]
fn the_fifth_wrong_try_locks_for_fifteen_minutes() {
    let c = challenge(T0);
    let mut lockout = Lockout::default();
    for left in (1..=4).rev() {
        let r = try_code(Some(&c), lockout, "wrong", T0 + min(1));
        assert_eq!(
            r.outcome,
            CheckOutcome::Wrong {
                attempts_left: left
            }
        );
        lockout = r.lockout;
    }
    let fifth = try_code(Some(&c), lockout, "wrong", T0 + min(2));
    let until = T0 + min(17);
    assert_eq!(fifth.outcome, CheckOutcome::Locked { until });
    let ended = fifth.challenge.clone().unwrap();
    assert_eq!(
        ended.expires_at,
        T0 + min(2),
        "a lock ends the code's validity"
    );
    // Even the right code is refused while locked, in any conversation of this key.
    let other = challenge(T0 + min(3));
    let r = try_code(Some(&other), fifth.lockout, RIGHT, T0 + min(3));
    assert_eq!(r.outcome, CheckOutcome::Locked { until });
    assert_eq!(
        may_request(&fifth.lockout, until - Duration::milliseconds(1)),
        Err(Locked { until })
    );
    // The lock ends exactly 15 minutes after the fifth try; a new code then works.
    assert_eq!(may_request(&fifth.lockout, until), Ok(()));
    let old = try_code(Some(&ended), fifth.lockout, RIGHT, until);
    assert_eq!(
        old.outcome,
        CheckOutcome::Expired,
        "the locked code stays dead"
    );
    let fresh = challenge(until);
    let r = try_code(Some(&fresh), fifth.lockout, RIGHT, until);
    assert_eq!(r.outcome, CheckOutcome::Verified { customer: anna() });
    assert_eq!(r.lockout, Lockout::default());
    // ...and a wrong try after the lock starts counting from 5 again.
    let r = try_code(Some(&fresh), fifth.lockout, "wrong", until);
    assert_eq!(r.outcome, CheckOutcome::Wrong { attempts_left: 4 });
}

#[test]
fn a_new_code_request_while_locked_is_refused() {
    let locked = Lockout {
        failures: 0,
        last_failure_at: Some(T0),
        locked_until: Some(T0 + min(15)),
    };
    assert_eq!(
        may_request(&locked, T0 + min(14)),
        Err(Locked {
            until: T0 + min(15)
        })
    );
    assert_eq!(may_request(&Lockout::default(), T0), Ok(()));
}

#[test]
fn wrong_tries_are_forgotten_after_a_quiet_lock_period() {
    let stale = Lockout {
        failures: 4,
        last_failure_at: Some(T0),
        locked_until: None,
    };
    let c = challenge(T0 + min(15));
    let r = try_code(Some(&c), stale, "wrong", T0 + min(15));
    assert_eq!(r.outcome, CheckOutcome::Wrong { attempts_left: 4 });
    let r = try_code(Some(&c), stale, "wrong", T0 + min(14));
    assert!(matches!(r.outcome, CheckOutcome::Locked { .. }), "{r:?}");
}

#[test]
fn unknown_emails_never_verify_but_count_like_known_ones() {
    let c = Challenge::issue(
        &OtpPolicy::default(),
        LockKey::unknown_email("abc"),
        None,
        RIGHT.into(),
        T0,
    );
    let r = try_code(Some(&c), Lockout::default(), RIGHT, T0);
    assert_eq!(r.outcome, CheckOutcome::Wrong { attempts_left: 4 });
}

#[test]
fn no_challenge_and_other_customer() {
    let r = try_code(None, Lockout::default(), RIGHT, T0);
    assert_eq!(r.outcome, CheckOutcome::NoChallenge);
    let c = challenge(T0);
    let erik = CustomerId::parse("cus_erik").unwrap();
    let attempt = Attempt {
        challenge: Some(&c),
        lockout: Lockout::default(),
        presented_hash: RIGHT,
        linked_customer: Some(&erik),
    };
    let r = check(&OtpPolicy::default(), attempt, T0);
    assert_eq!(r.outcome, CheckOutcome::OtherCustomer);
    assert_eq!(r.challenge, None);
    let anna = anna();
    let same = Attempt {
        linked_customer: Some(&anna),
        ..attempt
    };
    assert!(matches!(
        check(&OtpPolicy::default(), same, T0).outcome,
        CheckOutcome::Verified { .. }
    ));
}

#[test]
fn lock_keys() {
    assert_eq!(LockKey::customer(&anna()).as_str(), "customer:cus_anna");
    assert_eq!(
        LockKey::parse("email:ab").unwrap(),
        LockKey::unknown_email("ab")
    );
    assert!(LockKey::parse("cus_anna").is_err());
}
