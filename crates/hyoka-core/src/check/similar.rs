//! How alike two names are: for pairing a figure in prose with the
//! indicator it quotes, a target with its result, or two printings of one
//! title. Japanese has no spaces between words, so names are compared by
//! the pairs of adjacent characters (bigrams) they share.

use std::collections::HashSet;

use crate::text::fold_width;

/// The characters that name a thing: width-folded, without spaces,
/// punctuation, brackets, bullets and the particle `の`.
pub(crate) fn key(s: &str) -> Vec<char> {
    fold_width(s)
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    'の' | '、'
                        | '。'
                        | ','
                        | '.'
                        | ':'
                        | ';'
                        | '・'
                        | '●'
                        | '○'
                        | '「'
                        | '」'
                        | '『'
                        | '』'
                        | '【'
                        | '】'
                        | '('
                        | ')'
                        | '<'
                        | '>'
                        | '〈'
                        | '〉'
                        | '"'
                        | '\''
                        | '“'
                        | '”'
                )
        })
        .collect()
}

fn bigrams(k: &[char]) -> HashSet<(char, char)> {
    k.windows(2).map(|w| (w[0], w[1])).collect()
}

/// The share of `name`'s bigrams that occur in `text` (0 when `name` has
/// fewer than two characters).
pub(crate) fn coverage(name: &str, text: &str) -> f64 {
    let n = bigrams(&key(name));
    if n.is_empty() {
        return 0.0;
    }
    let t = bigrams(&key(text));
    n.iter().filter(|b| t.contains(b)).count() as f64 / n.len() as f64
}

/// The shorter label is (almost) contained in the longer one, and is long
/// enough to mean something: `満足度` in `受講者満足度`.
pub(crate) fn same_thing(a: &str, b: &str) -> bool {
    let (ka, kb) = (key(a), key(b));
    let (short, long) = if ka.len() <= kb.len() { (&ka, &kb) } else { (&kb, &ka) };
    let s = bigrams(short);
    if s.len() < 2 {
        return !short.is_empty() && short == long;
    }
    let l = bigrams(long);
    s.iter().filter(|x| l.contains(x)).count() as f64 / s.len() as f64 >= 0.8
}

/// Two printings of one title are the same after width, spaces, brackets
/// and punctuation are set aside.
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    key(a) == key(b)
}

/// Particles and bullets at the ends of a label: `・新規公開件数は` →
/// `新規公開件数`.
pub(crate) fn trim_label(s: &str) -> String {
    let s = s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '・' | '●' | '○' | '※' | ':' | '、'));
    let s = s.trim_start_matches(|c: char| matches!(c, 'と' | 'や') || c.is_whitespace());
    let s = s.strip_prefix("及び").unwrap_or(s);
    let s = s.strip_prefix("および").unwrap_or(s);
    let mut s = s.trim().to_string();
    for p in ["については", "では", "は", "が", "を", "も", "の", "で", "に", "と", "より", "から"] {
        if let Some(t) = s.strip_suffix(p) {
            s = t.trim_end().to_string();
            break;
        }
    }
    s
}

/// The measure a label ends with, if it names one: `新規公開件数` in
/// `新規公開件数は`, `決算調定額`. A figure whose own clause names a
/// measure is only compared with an indicator of that measure.
pub(crate) fn measure_word(label: &str) -> Option<String> {
    let t = trim_label(label);
    const MEASURES: [&str; 6] = ["数", "額", "率", "量", "高", "比"];
    if !MEASURES.iter().any(|m| t.ends_with(m)) {
        return None;
    }
    // The run of kanji, katakana and letters at the end: a particle
    // (hiragana) ends the noun.
    let run: Vec<char> = t.chars().rev().take_while(|c| is_word_char(*c)).collect();
    let word: String = run.into_iter().rev().collect();
    (word.chars().count() >= 2).then_some(word)
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !c.is_ascii_punctuation() && !('\u{3000}'..='\u{309F}').contains(&c) && c != '・'
}

/// The noun an indicator's name ends with: `利用者数` in
/// `消費者活動センターの利用者数`.
pub(crate) fn tail_noun(name: &str) -> String {
    let t = crate::text::squeeze(name);
    let t = t.trim_end_matches(|c: char| c == ')' || c == '(' || c.is_ascii_alphanumeric() || c == '-');
    let run: Vec<char> = t.chars().rev().take_while(|c| is_word_char(*c)).collect();
    run.into_iter().rev().collect()
}

/// `name` contains the measure word, compared by [`key`].
pub(crate) fn names_measure(name: &str, measure: &str) -> bool {
    let (n, m) = (key(name), key(measure));
    n.windows(m.len()).any(|w| w == m.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_ignores_particles_and_brackets() {
        assert!(coverage("電子申請の年間利用件数", "【電子申請】電子申請の利用件数") >= 0.6);
        assert!(coverage("オープンデータの公開数", "新規公開件数") < 0.6);
        assert!(same_thing("受講者満足度", "満足度"));
        assert!(!same_thing("参加者目標延べ", "参加者延べ約"));
        assert!(same_text(
            "なるほど出前講座「デリバリーこだいら」の推進",
            "なるほど出前講座 デリバリーこだいら の推進"
        ));
        assert!(!same_text("デリバリーこだいら", "デリバリーこだい"));
    }

    #[test]
    fn labels_and_measures() {
        assert_eq!(trim_label("・新規公開件数は"), "新規公開件数");
        assert_eq!(trim_label("及び受講者満足度"), "受講者満足度");
        assert_eq!(measure_word("新規公開件数は").as_deref(), Some("新規公開件数"));
        assert_eq!(measure_word("平成30年度中の手続数の増加に伴い"), None);
        assert!(names_measure("オープンデータの公開数", "公開数"));
        assert!(!names_measure("オープンデータの公開数", "新規公開件数"));
        assert_eq!(measure_word("電子申請の利用件数は").as_deref(), Some("利用件数"));
        assert_eq!(tail_noun("消費者活動センターの利用者数"), "利用者数");
    }
}
