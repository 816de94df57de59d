//! The password policy and strength meter, by example and by property.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use protocol::isapi::LengthLimit;
use protocol::password::{
    check, classes, is_allowed_char, strength, CharClass, Reason, Rule, Strength, ALLOWED_SPECIALS,
};

const DEFAULT: LengthLimit = LengthLimit::DEFAULT_PASSWORD;

#[test]
fn meter_matches_the_devices_examples() {
    assert_eq!(strength("Abc12345!", "admin"), Strength::Strong);
    assert_eq!(strength("abc12345", "admin"), Strength::Weak);
    assert_eq!(strength("ABC12345", "admin"), Strength::Weak);
    assert_eq!(strength("abcdEFGH", "admin"), Strength::Medium);
    assert_eq!(strength("abcd!@#$", "admin"), Strength::Medium);
    assert_eq!(strength("1234!@#$", "admin"), Strength::Medium);
    assert_eq!(strength("abcdefgh", "admin"), Strength::Risky);
    assert_eq!(strength("Ab1!", "admin"), Strength::Risky);
    assert_eq!(strength("aB3$aB3$", "aB3$aB3$"), Strength::Risky);
    assert_eq!(strength("$3Ba$3Ba", "aB3$aB3$"), Strength::Risky);
}

#[test]
fn good_password_passes_every_rule() {
    let report = check("Abc12345!", "admin", DEFAULT);
    assert!(report.is_acceptable(), "{report:?}");
    assert_eq!(report.failures().count(), 0);
    assert_eq!(report.rules.len(), Rule::ALL.len());
}

#[test]
fn too_short_says_how_short() {
    let report = check("Ab1!", "admin", DEFAULT);
    let outcome = report.outcome(Rule::Length).unwrap();
    assert!(!outcome.holds);
    assert_eq!(outcome.reason, Reason::TooShort { length: 4, min: 8 });
}

#[test]
fn too_long_for_the_devices_limit() {
    let report = check("Abcdefgh12345678!", "admin", DEFAULT);
    assert_eq!(
        report.outcome(Rule::Length).unwrap().reason,
        Reason::TooLong {
            length: 17,
            max: 16
        }
    );
}

#[test]
fn a_device_allowing_one_character_still_refuses_risky_passwords() {
    let limits = LengthLimit { min: 1, max: 16 };
    let report = check("Ab1!x", "admin", limits);
    assert!(report.holds(Rule::Length));
    assert!(!report.holds(Rule::NotRisky));
    assert!(!report.is_acceptable());
}

#[test]
fn quote_colon_and_non_ascii_are_refused_once_each() {
    let report = check("Ab\"1:é\"xyz", "admin", DEFAULT);
    assert_eq!(
        report.outcome(Rule::AllowedCharacters).unwrap().reason,
        Reason::ForbiddenCharacters {
            characters: vec!['"', ':', 'é']
        }
    );
}

#[test]
fn every_listed_special_and_space_is_allowed() {
    assert!(ALLOWED_SPECIALS.chars().all(is_allowed_char));
    assert!(ALLOWED_SPECIALS.contains(' '));
    assert!(!is_allowed_char('"') && !is_allowed_char(':') && !is_allowed_char('€'));
    let report = check("Aa1 !#$%&'()*+", "admin", DEFAULT);
    assert!(report.holds(Rule::AllowedCharacters));
}

#[test]
fn username_forwards_backwards_or_inside_is_refused() {
    let user = "Operator1";
    assert!(!check("Operator1", user, DEFAULT).holds(Rule::NotTheUsername));
    assert!(!check("1rotarepO", user, DEFAULT).holds(Rule::NotTheReversedUsername));
    assert!(!check("xxOperator1!", user, DEFAULT).holds(Rule::DoesNotContainTheUsername));
    assert!(check("Xy7!admin2", "ad", DEFAULT).holds(Rule::DoesNotContainTheUsername));
    assert!(!check("Xy7!admin2", "admin", DEFAULT).holds(Rule::DoesNotContainTheUsername));
}

#[test]
fn one_class_is_not_enough() {
    let report = check("abcdefghij", "admin", DEFAULT);
    assert_eq!(
        report.outcome(Rule::TwoCharacterClasses).unwrap().reason,
        Reason::Classes {
            present: vec![CharClass::Lowercase]
        }
    );
    assert!(!report.holds(Rule::TwoCharacterClasses));
}

#[test]
fn report_travels_as_json_for_the_wizard() {
    let json = serde_json::to_value(check("Ab1!", "admin", DEFAULT)).unwrap();
    assert_eq!(json["strength"], "risky");
    assert_eq!(json["rules"][0]["rule"], "length");
    assert_eq!(json["rules"][0]["reason"]["reason"], "tooShort");
}

fn allowed_password() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            proptest::char::range('a', 'z'),
            proptest::char::range('A', 'Z'),
            proptest::char::range('0', '9'),
            proptest::sample::select(ALLOWED_SPECIALS.chars().collect::<Vec<_>>()),
        ],
        0..24,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn limits() -> impl Strategy<Value = LengthLimit> {
    (0u32..24, 0u32..24).prop_map(|(a, b)| LengthLimit {
        min: a.min(b),
        max: a.max(b),
    })
}

proptest! {
    #[test]
    fn check_never_panics_and_lists_every_rule(password in "\\PC{0,40}", user in "\\PC{0,10}", min in any::<u32>(), max in any::<u32>()) {
        let report = check(&password, &user, LengthLimit { min, max });
        prop_assert_eq!(report.rules.iter().map(|r| r.rule).collect::<Vec<_>>(), Rule::ALL.to_vec());
    }

    #[test]
    fn length_rule_is_exactly_the_limit(password in allowed_password(), limits in limits()) {
        let report = check(&password, "admin", limits);
        prop_assert_eq!(report.holds(Rule::Length), limits.contains(password.chars().count()));
    }

    #[test]
    fn allowed_alphabet_always_passes_the_character_rule(password in allowed_password()) {
        prop_assert!(check(&password, "admin", DEFAULT).holds(Rule::AllowedCharacters));
    }

    #[test]
    fn any_forbidden_character_fails_the_character_rule(
        prefix in allowed_password(),
        bad in prop_oneof![Just('"'), Just(':'), Just('\t'), proptest::char::range('\u{80}', '\u{10FFFF}')],
        suffix in allowed_password(),
    ) {
        let password = format!("{prefix}{bad}{suffix}");
        let report = check(&password, "admin", DEFAULT);
        prop_assert!(!report.holds(Rule::AllowedCharacters));
        prop_assert!(!report.is_acceptable());
    }

    #[test]
    fn short_or_single_class_passwords_are_risky(password in allowed_password()) {
        let s = strength(&password, "admin");
        if password.chars().count() < 8 || classes(&password).len() < 2 {
            prop_assert_eq!(s, Strength::Risky);
        }
    }

    #[test]
    fn strength_follows_the_class_count(password in allowed_password()) {
        let s = strength(&password, "nobody-matches-this");
        let present = classes(&password);
        if password.chars().count() >= 8 {
            let expected = match present.len() {
                0 | 1 => Strength::Risky,
                2 if !present.contains(&CharClass::Special) && present.contains(&CharClass::Digit) => Strength::Weak,
                2 => Strength::Medium,
                _ => Strength::Strong,
            };
            prop_assert_eq!(s, expected);
        }
    }

    #[test]
    fn the_username_is_always_risky(user in allowed_password()) {
        let reversed: String = user.chars().rev().collect();
        prop_assert_eq!(strength(&user, &user), Strength::Risky);
        prop_assert_eq!(strength(&reversed, &user), Strength::Risky);
        if !user.is_empty() {
            prop_assert!(!check(&user, &user, DEFAULT).holds(Rule::NotTheUsername));
            prop_assert!(!check(&reversed, &user, DEFAULT).holds(Rule::NotTheReversedUsername));
        }
    }

    #[test]
    fn acceptable_means_every_rule_and_at_least_weak(password in allowed_password(), user in "[a-z]{0,6}", limits in limits()) {
        let report = check(&password, &user, limits);
        if report.is_acceptable() {
            prop_assert!(report.strength >= Strength::Weak);
            prop_assert!(limits.contains(password.chars().count()));
            prop_assert!(classes(&password).len() >= 2);
            prop_assert!(user.chars().count() < 3 || !password.contains(&user));
        }
    }
}
