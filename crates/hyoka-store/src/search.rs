//! Full-text search that works for Japanese on both backends.
//!
//! Japanese has no spaces between words, and two-character words (予算,
//! 道路) are common; trigram indexes find nothing for them, and a
//! morphological dictionary cannot be built here. Each item's text is kept
//! in `search_documents` in a *search form* (full-width ASCII and half-width
//! katakana folded, lower-cased, white space removed), indexed by its
//! bigrams (`search_index.rs`); a query matches by substring, every term
//! required, found through the bigram index and confirmed with `LIKE`, so
//! it never misses a word and never reads other documents.
//!
//! Excerpts are cut from the text as stored, not from the search form, so
//! people see what was written (`ＩＣＴ` stays `ＩＣＴ`) with the matches
//! marked.

use std::collections::BTreeMap;

use hyoka_core::FiscalYear;
use sqlx::Row;

use crate::fold::{fold, search_form};
use crate::org::fy_from_i64;
use crate::search_index::{item_texts, json_ids, matching};
use crate::{opt_i64, Store, StoreError};

/// The most terms a query may have; more adds nothing but cost.
pub const MAX_TERMS: usize = 8;
/// Characters of a query that are read; the rest is ignored.
const MAX_QUERY_CHARS: usize = 200;
/// Characters of text shown before and after the first match.
const EXCERPT_BEFORE: usize = 30;
const EXCERPT_AFTER: usize = 70;

/// One item that matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit {
    pub item_id: i64,
    /// As printed: 企-1, No.2-1, 第3-1.
    pub code: String,
    pub title: String,
    /// project, issue, measure, objective, …
    pub kind: String,
    pub fiscal_year: Option<FiscalYear>,
    /// Every fiscal year the item has a sheet for (its own year and the
    /// years it was carried forward to), newest first.
    pub sheet_years: Vec<FiscalYear>,
    /// The title with the matched terms marked.
    pub title_marked: Vec<Fragment>,
    /// A short passage of the sheet's text around the first match, with the
    /// matched terms marked; empty when only the code or title matched.
    pub excerpt: Vec<Fragment>,
}

/// A run of text, marked when it matched a term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fragment {
    pub text: String,
    pub matched: bool,
}

/// The answer to a query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchResults {
    /// The terms searched for, in search form.
    pub terms: Vec<String>,
    /// How many items matched in all.
    pub total: usize,
    /// The best `limit` of them: title matches first, then newer fiscal
    /// years, then in the order they were imported.
    pub hits: Vec<SearchHit>,
}

/// The terms of a query: split at white space (either width), in search
/// form, duplicates dropped, at most [`MAX_TERMS`].
pub fn search_terms(query: &str) -> Vec<String> {
    let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
    let mut terms: Vec<String> = Vec::new();
    for word in query.split(char::is_whitespace) {
        let t = search_form(word);
        if !t.is_empty() && !terms.contains(&t) {
            terms.push(t);
        }
    }
    // A term inside another adds nothing: `予算 予算額` is `予算額`.
    let all = terms.clone();
    terms.retain(|t| !all.iter().any(|o| o != t && o.contains(t.as_str())));
    terms.truncate(MAX_TERMS);
    terms
}

/// Where the terms occur in `text`, as ranges of its characters, sorted
/// and merged.
fn match_ranges(text: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let folded = fold(text);
    let hay: Vec<char> = folded.iter().map(|(c, _)| *c).collect();
    let mut ranges = Vec::new();
    for t in terms {
        let needle: Vec<char> = t.chars().collect();
        if needle.is_empty() || needle.len() > hay.len() {
            continue;
        }
        for start in 0..=hay.len() - needle.len() {
            if hay[start..start + needle.len()] == needle[..] {
                ranges.push((folded[start].1 .0, folded[start + needle.len() - 1].1 .1));
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Splits `text` into fragments with every occurrence of the terms marked.
pub fn highlight(text: &str, terms: &[String]) -> Vec<Fragment> {
    let chars: Vec<char> = text.chars().collect();
    fragments(&chars, 0, chars.len(), &match_ranges(text, terms))
}

fn fragments(chars: &[char], from: usize, to: usize, ranges: &[(usize, usize)]) -> Vec<Fragment> {
    let mut out: Vec<Fragment> = Vec::new();
    let mut push = |s: usize, e: usize, matched: bool| {
        if s < e {
            // Line breaks and runs of spaces read as one space in a result list.
            let mut text = String::new();
            for c in &chars[s..e] {
                if c.is_whitespace() {
                    if !text.ends_with(' ') {
                        text.push(' ');
                    }
                } else {
                    text.push(*c);
                }
            }
            out.push(Fragment { text, matched });
        }
    };
    let mut at = from;
    for &(s, e) in ranges {
        let (s, e) = (s.max(from), e.min(to));
        if s >= e || s < at {
            continue;
        }
        push(at, s, false);
        push(s, e, true);
        at = e;
    }
    push(at, to, false);
    out
}

/// A passage around the first match, every term marked; `…` where cut.
pub fn excerpt(text: &str, terms: &[String]) -> Vec<Fragment> {
    let ranges = match_ranges(text, terms);
    let Some(&(first, _)) = ranges.first() else {
        return Vec::new();
    };
    let chars: Vec<char> = text.chars().collect();
    let from = first.saturating_sub(EXCERPT_BEFORE);
    let to = (first + EXCERPT_AFTER).min(chars.len());
    let mut out = Vec::new();
    if from > 0 {
        out.push(Fragment { text: "…".into(), matched: false });
    }
    out.extend(fragments(&chars, from, to, &ranges));
    if to < chars.len() {
        out.push(Fragment { text: "…".into(), matched: false });
    }
    out
}

impl Store {
    /// Items of a city whose text contains every term of the query, best
    /// first; at most `limit` of them with excerpts, and how many in all.
    /// Only the named city's documents are ever read.
    pub async fn search(&self, municipality: &str, query: &str, limit: usize) -> Result<SearchResults, StoreError> {
        let terms = search_terms(query);
        if terms.is_empty() {
            return Ok(SearchResults::default());
        }
        let (matching, binds) = matching(&terms, 2);
        let sql = format!(
            "SELECT d.item_id, i.code, i.title, i.kind, i.fiscal_year,
               (SELECT MAX(s.fiscal_year) FROM sheets s WHERE s.item_id = d.item_id) AS latest
             FROM search_documents d
             JOIN items i ON i.id = d.item_id
             WHERE d.municipality_code = $1 AND i.municipality_code = $1{matching}"
        );
        let mut q = sqlx::query(&sql).bind(municipality);
        for b in binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(self.pool()).await?;
        let mut hits = Vec::with_capacity(rows.len());
        for r in &rows {
            let title: String = r.try_get("title")?;
            let title_terms = terms.iter().filter(|t| search_form(&title).contains(t.as_str())).count();
            let fiscal_year = opt_i64(r, "fiscal_year")?.map(fy_from_i64).transpose()?;
            let latest = opt_i64(r, "latest")?.map(fy_from_i64).transpose()?;
            hits.push((
                (title_terms, fiscal_year.max(latest)),
                SearchHit {
                    item_id: r.try_get("item_id")?,
                    code: r.try_get("code")?,
                    title,
                    kind: r.try_get("kind")?,
                    fiscal_year,
                    sheet_years: Vec::new(),
                    // Marked below, for the hits shown only.
                    title_marked: Vec::new(),
                    excerpt: Vec::new(),
                },
            ));
        }
        // More terms in the title first, newer years next, then import order.
        hits.sort_by(|(ka, a), (kb, b)| kb.cmp(ka).then_with(|| a.item_id.cmp(&b.item_id)));
        let total = hits.len();
        let mut hits: Vec<SearchHit> = hits.into_iter().take(limit).map(|(_, h)| h).collect();
        // Excerpts and sheet years of the hits shown, in two statements.
        let ids: Vec<i64> = hits.iter().map(|h| h.item_id).collect();
        let mut conn = self.pool().acquire().await?;
        let mut texts = item_texts(&mut conn, self.backend(), &ids).await?;
        let sql = format!("SELECT item_id, fiscal_year FROM sheets WHERE item_id IN {}", self.backend().id_list("$1"));
        let mut sheet_years: BTreeMap<i64, Vec<FiscalYear>> = BTreeMap::new();
        for r in sqlx::query(&sql).bind(json_ids(&ids)).fetch_all(&mut *conn).await? {
            sheet_years.entry(r.try_get("item_id")?).or_default().push(fy_from_i64(r.try_get("fiscal_year")?)?);
        }
        for hit in &mut hits {
            let text = texts.remove(&hit.item_id).unwrap_or_default().join("\n");
            hit.excerpt = excerpt(&text, &terms);
            hit.title_marked = highlight(&hit.title, &terms);
            let mut years: Vec<FiscalYear> = hit.fiscal_year.into_iter().collect();
            years.extend(sheet_years.remove(&hit.item_id).unwrap_or_default());
            years.sort_unstable_by(|a, b| b.cmp(a));
            years.dedup();
            hit.sheet_years = years;
        }
        Ok(SearchResults { terms, total, hits })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(f: &[Fragment]) -> String {
        f.iter().map(|f| if f.matched { format!("[{}]", f.text) } else { f.text.clone() }).collect()
    }

    #[test]
    fn search_form_folds_width_case_and_space() {
        assert_eq!(search_form("ＩＣＴ 推進　計画"), "ict推進計画");
        assert_eq!(search_form("ｵｰﾌﾟﾝﾃﾞｰﾀ"), "オープンデータ");
        assert_eq!(search_form("ｶﾞｲﾄﾞ ﾊﾟﾝﾌ ｳﾞ"), "ガイドパンフヴ");
        assert_eq!(search_form("道 路"), "道路");
    }

    #[test]
    fn terms_split_on_either_space() {
        assert_eq!(search_terms(" 予算　道路 予算 "), ["予算", "道路"]);
        assert_eq!(search_terms("予算 予算額"), ["予算額"]);
        assert!(search_terms(" 　 ").is_empty());
        assert_eq!(search_terms("a b c d e f g h i j").len(), MAX_TERMS);
    }

    #[test]
    fn highlight_marks_the_text_as_written() {
        let terms = search_terms("ict 推進");
        assert_eq!(marked(&highlight("ＩＣＴの推進とICT", &terms)), "[ＩＣＴ]の[推進]と[ICT]");
        assert_eq!(marked(&highlight("道 路の整備", &search_terms("道路"))), "[道 路]の整備");
        assert_eq!(marked(&highlight("ｵｰﾌﾟﾝﾃﾞｰﾀ", &search_terms("オープン"))), "[ｵｰﾌﾟﾝ]ﾃﾞｰﾀ");
    }

    #[test]
    fn excerpt_is_cut_around_the_first_match() {
        let text = format!("{}予算の執行{}", "あ".repeat(50), "い".repeat(100));
        let e = excerpt(&text, &search_terms("予算"));
        let s = marked(&e);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("[予算]の執行"));
        assert!(excerpt("関係なし", &search_terms("予算")).is_empty());
    }
}
