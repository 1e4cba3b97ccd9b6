//! A city's own words, as data: the criteria its 事務事業評価 rates each
//! project against (目的妥当性, 有効性, 効率性, 公平性 …) with the categories
//! each allows, and its words for next year's direction
//! (「２　改革改善（縮小・統合含む）」) tied to hyoka's directions.
//!
//! A project's rating of a criterion is a narrative (slot `criterion`,
//! label = the criterion, first paragraph = the category as printed); the
//! vocabulary says which categories are the city's, so a sheet can offer
//! them and a check can name one that is not.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::scale::NextDirection;
use crate::text::squeeze;

/// One criterion and the categories a rating of it may take.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub name: String,
    /// As the city prints them; empty: any category.
    pub categories: Vec<String>,
}

impl Criterion {
    /// Whether `printed` is one of the categories (compared as words).
    pub fn allows(&self, printed: &str) -> bool {
        self.categories.is_empty() || self.categories.iter().any(|c| word_key(c) == word_key(printed))
    }
}

/// A city's word for a direction, and the direction it stands for
/// (`None`: hyoka has no such direction; the word is kept as printed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectionWord {
    pub word: String,
    pub direction: Option<NextDirection>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CityVocabulary {
    pub criteria: Vec<Criterion>,
    pub directions: Vec<DirectionWord>,
}

/// The longest list a city keeps; a sheet shows every entry.
pub const MAX_ENTRIES: usize = 50;
/// The longest word or name.
pub const MAX_WORD_CHARS: usize = 60;

impl CityVocabulary {
    pub fn is_empty(&self) -> bool {
        self.criteria.is_empty() && self.directions.is_empty()
    }

    pub fn criterion(&self, name: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| word_key(&c.name) == word_key(name))
    }

    /// The city's word `typed` stands for, compared as words.
    pub fn direction_word(&self, typed: &str) -> Option<&DirectionWord> {
        let k = word_key(typed);
        self.directions.iter().find(|d| word_key(&d.word) == k)
    }

    /// The text an administrator edits: one criterion a line
    /// (`目的妥当性: 妥当 / 見直しの余地あり`), then one direction word a line
    /// (`２　改革改善（縮小・統合含む） = なし`).
    pub fn criteria_text(&self) -> String {
        let mut s = String::new();
        for c in &self.criteria {
            let _ = if c.categories.is_empty() {
                writeln!(s, "{}", c.name)
            } else {
                writeln!(s, "{}: {}", c.name, c.categories.join(" / "))
            };
        }
        s
    }

    pub fn directions_text(&self) -> String {
        let mut s = String::new();
        for d in &self.directions {
            let _ = writeln!(s, "{} = {}", d.word, d.direction.map_or("なし", NextDirection::label));
        }
        s
    }

    /// Reads the two texts of [`CityVocabulary::criteria_text`] and
    /// [`CityVocabulary::directions_text`]. Each problem names its line.
    pub fn parse(criteria: &str, directions: &str) -> Result<CityVocabulary, Vec<String>> {
        let mut problems = Vec::new();
        let mut v = CityVocabulary::default();
        for (n, line) in lines(criteria) {
            let (name, cats) = match line.split_once([':', '：']) {
                Some((name, cats)) => (name.trim(), cats),
                None => (line, ""),
            };
            let categories: Vec<String> =
                cats.split(['/', '／']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect();
            if name.is_empty() {
                problems.push(format!("評価の観点 {n}行目: 観点の名前がありません"));
            } else if v.criterion(name).is_some() {
                problems.push(format!("評価の観点 {n}行目: 「{name}」が2回あります"));
            } else if name.chars().count() > MAX_WORD_CHARS
                || categories.iter().any(|c| c.chars().count() > MAX_WORD_CHARS)
            {
                problems.push(format!("評価の観点 {n}行目: 名前と区分は{MAX_WORD_CHARS}文字以内にしてください"));
            } else {
                v.criteria.push(Criterion { name: name.to_string(), categories });
            }
        }
        for (n, line) in lines(directions) {
            let Some((word, code)) = line.rsplit_once(['=', '＝']) else {
                problems.push(format!(
                    "方向性の語 {n}行目: 「語 = 方向性」の形で書いてください（例: ２　改革改善（縮小・統合含む） = なし）"
                ));
                continue;
            };
            let (word, code) = (word.trim(), code.trim());
            let direction = match code {
                "なし" | "none" | "" => None,
                c => match c.parse::<NextDirection>() {
                    Ok(d) => Some(d),
                    Err(_) => {
                        let labels: Vec<&str> = NextDirection::ALL.iter().map(|d| d.label()).collect();
                        problems.push(format!(
                            "方向性の語 {n}行目: 「{c}」は方向性ではありません（{}、なし のいずれか）",
                            labels.join("、")
                        ));
                        continue;
                    }
                },
            };
            if word.is_empty() {
                problems.push(format!("方向性の語 {n}行目: 語がありません"));
            } else if v.direction_word(word).is_some() {
                problems.push(format!("方向性の語 {n}行目: 「{word}」が2回あります"));
            } else if word.chars().count() > MAX_WORD_CHARS {
                problems.push(format!("方向性の語 {n}行目: 語は{MAX_WORD_CHARS}文字以内にしてください"));
            } else {
                v.directions.push(DirectionWord { word: word.to_string(), direction });
            }
        }
        if v.criteria.len() > MAX_ENTRIES || v.directions.len() > MAX_ENTRIES {
            problems.push(format!("評価の観点と方向性の語は、それぞれ{MAX_ENTRIES}件までです"));
        }
        if problems.is_empty() {
            Ok(v)
        } else {
            Err(problems)
        }
    }
}

/// Non-blank lines, numbered from 1.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())).filter(|(_, l)| !l.is_empty())
}

/// A word as compared: width-folded, without spaces or a leading number
/// (`２　改革改善` and `2 改革改善` are the same word).
pub fn word_key(word: &str) -> String {
    let s: String = squeeze(word);
    s.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | '．' | '、' | ')' | '）' | ':')).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_compare_without_width_spaces_or_numbering() {
        assert_eq!(word_key("２　改革改善（縮小・統合含む）"), "改革改善(縮小・統合含む)");
        assert_eq!(word_key("1 現状維持"), "現状維持");
    }

    #[test]
    fn the_text_form_round_trips_and_names_each_bad_line() {
        let v = CityVocabulary::parse(
            "目的妥当性: 妥当 / 見直しの余地あり\n\n有効性：向上余地がある／向上余地がない\n公平性\n",
            "１　現状維持 = 維持\n２　改革改善（縮小・統合含む） = なし\n３　終了・廃止・休止 = end\n",
        )
        .unwrap();
        assert_eq!(v.criteria.len(), 3);
        assert_eq!(v.criteria[1].categories, ["向上余地がある", "向上余地がない"]);
        assert!(v.criterion("有効性").unwrap().allows("向上余地がある"));
        assert!(!v.criterion("有効性").unwrap().allows("妥当"));
        assert!(v.criterion("公平性").unwrap().allows("何でも"), "no categories: any");
        assert_eq!(v.direction_word("2 改革改善（縮小・統合含む）").unwrap().direction, None);
        assert_eq!(v.direction_word("3 終了・廃止・休止").unwrap().direction, Some(NextDirection::End));
        let again = CityVocabulary::parse(&v.criteria_text(), &v.directions_text()).unwrap();
        assert_eq!(again, v);

        let e = CityVocabulary::parse("有効性: a\n有効性: b\n", "継続\n拡大 = 大きく\n").unwrap_err();
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e[0].contains("2行目") && e[0].contains("2回"), "{e:?}");
        assert!(e[1].contains("方向性の語 1行目"), "{e:?}");
        assert!(e[2].contains("「大きく」は方向性ではありません"), "{e:?}");
    }
}
