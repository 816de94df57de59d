//! The device's password policy and live strength meter, as pure functions over a password.
//! The wizard shows each rule's outcome; devsim enforces the same outcomes: one implementation.

use serde::{Deserialize, Serialize};

use crate::isapi::LengthLimit;

/// The special characters the device accepts (space included; `"` and `:` are not).
pub const ALLOWED_SPECIALS: &str = " !#$%&'()*+,-./;<=>?@[\\]^_`{|}~";

/// Below this many characters a password is always [`Strength::Risky`], whatever the limits.
pub const RISKY_BELOW_LENGTH: usize = 8;

/// A username shorter than this is not looked for inside the password.
pub const USERNAME_CONTAINED_MIN_LENGTH: usize = 3;

/// Whether the device accepts `c` in a password: ASCII letters, digits and [`ALLOWED_SPECIALS`].
pub fn is_allowed_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ALLOWED_SPECIALS.contains(c)
}

/// The four kinds of character the policy counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CharClass {
    /// `a`-`z`.
    Lowercase,
    /// `A`-`Z`.
    Uppercase,
    /// `0`-`9`.
    Digit,
    /// Anything else (for the count; the allowed-characters rule judges which are accepted).
    Special,
}

impl CharClass {
    /// The class of one character.
    pub fn of(c: char) -> Self {
        if c.is_ascii_lowercase() {
            CharClass::Lowercase
        } else if c.is_ascii_uppercase() {
            CharClass::Uppercase
        } else if c.is_ascii_digit() {
            CharClass::Digit
        } else {
            CharClass::Special
        }
    }
}

/// The classes present in `password`, in [`CharClass`] order, without repeats.
pub fn classes(password: &str) -> Vec<CharClass> {
    let mut present: Vec<CharClass> = password.chars().map(CharClass::of).collect();
    present.sort();
    present.dedup();
    present
}

/// How strong the device's meter calls a password; `Risky` cannot be saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Strength {
    /// 0: too short, one class only, or the username (forwards or backwards).
    Risky,
    /// 1: exactly digits + lowercase, or digits + uppercase.
    Weak,
    /// 2: two classes otherwise.
    Medium,
    /// 3: three or four classes.
    Strong,
}

/// The strength as the device's meter computes it.
pub fn strength(password: &str, username: &str) -> Strength {
    let present = classes(password);
    let is_username = password == username || password.chars().eq(username.chars().rev());
    if password.chars().count() < RISKY_BELOW_LENGTH || present.len() <= 1 || is_username {
        return Strength::Risky;
    }
    use CharClass::{Digit, Lowercase, Uppercase};
    match present.as_slice() {
        [Lowercase, Digit] | [Uppercase, Digit] => Strength::Weak,
        [_, _] => Strength::Medium,
        _ => Strength::Strong,
    }
}

/// One rule of the policy, named for what must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Rule {
    /// The length lies within the device's limits.
    Length,
    /// Only ASCII letters, digits and [`ALLOWED_SPECIALS`].
    AllowedCharacters,
    /// At least two of lowercase, uppercase, digits, specials.
    TwoCharacterClasses,
    /// Not the username.
    NotTheUsername,
    /// Not the username reversed.
    NotTheReversedUsername,
    /// Does not contain the username (when it has 3 or more characters).
    DoesNotContainTheUsername,
    /// The strength meter does not say [`Strength::Risky`].
    NotRisky,
}

impl Rule {
    /// Every rule, in the order the wizard lists them.
    pub const ALL: [Rule; 7] = [
        Rule::Length,
        Rule::AllowedCharacters,
        Rule::TwoCharacterClasses,
        Rule::NotTheUsername,
        Rule::NotTheReversedUsername,
        Rule::DoesNotContainTheUsername,
        Rule::NotRisky,
    ];
}

/// Why a rule holds or fails, with the facts a message needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "reason")]
pub enum Reason {
    /// The length is within `min..=max`.
    #[serde(rename_all = "camelCase")]
    LengthWithin {
        /// Characters in the password.
        length: usize,
        /// The device's minimum.
        min: u32,
        /// The device's maximum.
        max: u32,
    },
    /// Fewer than `min` characters.
    #[serde(rename_all = "camelCase")]
    TooShort {
        /// Characters in the password.
        length: usize,
        /// The device's minimum.
        min: u32,
    },
    /// More than `max` characters.
    #[serde(rename_all = "camelCase")]
    TooLong {
        /// Characters in the password.
        length: usize,
        /// The device's maximum.
        max: u32,
    },
    /// Every character is accepted.
    OnlyAllowedCharacters,
    /// These characters are not accepted (each listed once, in order of appearance).
    ForbiddenCharacters {
        /// The refused characters.
        characters: Vec<char>,
    },
    /// The classes present (two or more needed).
    Classes {
        /// The classes found.
        present: Vec<CharClass>,
    },
    /// No username to compare with, or it is too short to look for.
    UsernameNotApplicable,
    /// The password differs from the username in the way this rule checks.
    DiffersFromUsername,
    /// The password is the username.
    EqualsUsername,
    /// The password is the username reversed.
    EqualsReversedUsername,
    /// The password contains the username.
    ContainsUsername,
    /// The meter's verdict.
    Strength {
        /// The strength.
        strength: Strength,
    },
}

/// Whether one rule holds for a password, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleOutcome {
    /// The rule.
    pub rule: Rule,
    /// Whether it holds.
    pub holds: bool,
    /// Why.
    pub reason: Reason,
}

/// Every rule's outcome for one password, plus the strength meter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyReport {
    /// One outcome per rule, in [`Rule::ALL`] order.
    pub rules: Vec<RuleOutcome>,
    /// The strength meter's verdict.
    pub strength: Strength,
}

impl PolicyReport {
    /// Whether the device would accept the password: every rule holds.
    pub fn is_acceptable(&self) -> bool {
        self.rules.iter().all(|r| r.holds)
    }

    /// The rules that fail.
    pub fn failures(&self) -> impl Iterator<Item = &RuleOutcome> {
        self.rules.iter().filter(|r| !r.holds)
    }

    /// The outcome of one rule.
    pub fn outcome(&self, rule: Rule) -> Option<&RuleOutcome> {
        self.rules.iter().find(|r| r.rule == rule)
    }

    /// Whether one rule holds.
    pub fn holds(&self, rule: Rule) -> bool {
        self.outcome(rule).is_some_and(|r| r.holds)
    }
}

/// Checks `password` for `username` against the device's length `limits` and every rule.
pub fn check(password: &str, username: &str, limits: LengthLimit) -> PolicyReport {
    let length = password.chars().count();
    let strength = strength(password, username);
    let rules = Rule::ALL
        .iter()
        .map(|&rule| {
            let (holds, reason) = judge(rule, password, username, length, limits, strength);
            RuleOutcome {
                rule,
                holds,
                reason,
            }
        })
        .collect();
    PolicyReport { rules, strength }
}

fn judge(
    rule: Rule,
    password: &str,
    username: &str,
    length: usize,
    limits: LengthLimit,
    strength: Strength,
) -> (bool, Reason) {
    let LengthLimit { min, max } = limits;
    match rule {
        Rule::Length => {
            if u32::try_from(length).map_or(true, |l| l > max) {
                (false, Reason::TooLong { length, max })
            } else if u32::try_from(length).is_ok_and(|l| l < min) {
                (false, Reason::TooShort { length, min })
            } else {
                (true, Reason::LengthWithin { length, min, max })
            }
        }
        Rule::AllowedCharacters => {
            let mut characters: Vec<char> = Vec::new();
            for c in password.chars().filter(|&c| !is_allowed_char(c)) {
                if !characters.contains(&c) {
                    characters.push(c);
                }
            }
            if characters.is_empty() {
                (true, Reason::OnlyAllowedCharacters)
            } else {
                (false, Reason::ForbiddenCharacters { characters })
            }
        }
        Rule::TwoCharacterClasses => {
            let present = classes(password);
            (present.len() >= 2, Reason::Classes { present })
        }
        Rule::NotTheUsername => {
            if username.is_empty() {
                (true, Reason::UsernameNotApplicable)
            } else if password == username {
                (false, Reason::EqualsUsername)
            } else {
                (true, Reason::DiffersFromUsername)
            }
        }
        Rule::NotTheReversedUsername => {
            if username.is_empty() {
                (true, Reason::UsernameNotApplicable)
            } else if password.chars().eq(username.chars().rev()) {
                (false, Reason::EqualsReversedUsername)
            } else {
                (true, Reason::DiffersFromUsername)
            }
        }
        Rule::DoesNotContainTheUsername => {
            if username.chars().count() < USERNAME_CONTAINED_MIN_LENGTH {
                (true, Reason::UsernameNotApplicable)
            } else if password.contains(username) {
                (false, Reason::ContainsUsername)
            } else {
                (true, Reason::DiffersFromUsername)
            }
        }
        Rule::NotRisky => (strength != Strength::Risky, Reason::Strength { strength }),
    }
}
