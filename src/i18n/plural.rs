//! CLDR plural categories for whole numbers: which form of a counted phrase ("1 try",
//! "2 tries") a language uses for a count. Written from the CLDR plural rules (v46).

use super::Lang;

/// The categories `lang`'s tables give for each counted field, "other" last.
///
/// French, Spanish and Portuguese also have "many" in CLDR, but only for exact millions
/// (French "1 000 000 d'essais"); the wizard never counts that high, so it is left out.
/// Russian's "other" is for fractions only: CLDR requires it, whole numbers never pick it.
#[cfg(test)]
pub fn categories(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En | Lang::De | Lang::Es | Lang::Fr | Lang::PtBr => &["one", "other"],
        Lang::Ru => &["one", "few", "many", "other"],
        Lang::Ar => &["zero", "one", "two", "few", "many", "other"],
        Lang::ZhCn => &["other"],
    }
}

/// The category `lang` uses for the whole number `n`.
pub fn category(lang: Lang, n: u64) -> &'static str {
    let (last, last_two) = (n % 10, n % 100);
    match lang {
        Lang::En | Lang::De | Lang::Es => {
            if n == 1 {
                "one"
            } else {
                "other"
            }
        }
        // French and Brazilian Portuguese count 0 with 1 ("0 essai", "i = 0..1").
        Lang::Fr | Lang::PtBr => {
            if n <= 1 {
                "one"
            } else {
                "other"
            }
        }
        Lang::Ru => match (last, last_two) {
            (1, t) if t != 11 => "one",
            (2..=4, t) if !(12..=14).contains(&t) => "few",
            _ => "many",
        },
        Lang::Ar => match (n, last_two) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        Lang::ZhCn => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(lang: Lang, numbers: &[u64]) -> Vec<&'static str> {
        numbers.iter().map(|&n| category(lang, n)).collect()
    }

    #[test]
    fn english_like_languages_have_one_and_other() {
        for lang in [Lang::En, Lang::De, Lang::Es] {
            assert_eq!(
                forms(lang, &[0, 1, 2, 11, 21]),
                ["other", "one", "other", "other", "other"]
            );
        }
        for lang in [Lang::Fr, Lang::PtBr] {
            assert_eq!(
                forms(lang, &[0, 1, 2, 21]),
                ["one", "one", "other", "other"]
            );
        }
    }

    #[test]
    fn russian_follows_the_last_two_digits() {
        assert_eq!(
            forms(Lang::Ru, &[1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 0]),
            [
                "one", "few", "few", "many", "many", "many", "many", "one", "few", "many", "one",
                "many", "many"
            ]
        );
    }

    #[test]
    fn arabic_has_six_forms() {
        assert_eq!(
            forms(Lang::Ar, &[0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111]),
            ["zero", "one", "two", "few", "few", "many", "many", "other", "other", "few", "many"]
        );
    }

    #[test]
    fn every_category_used_is_listed() {
        for lang in Lang::ALL {
            for n in 0..1_000 {
                assert!(
                    categories(lang).contains(&category(lang, n)),
                    "{lang:?} {n}"
                );
            }
            assert_eq!(categories(lang).last(), Some(&"other"));
        }
    }
}
