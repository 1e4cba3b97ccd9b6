//! Two people editing one sheet never lose work.
//!
//! The form carries the sheet's version and a fingerprint of every field as
//! it was when the form was opened (the base). A save from an older
//! version is refused; the form comes back with a three-way merge: fields
//! only the other person changed take their value, fields only this
//! person changed keep this person's input, and fields both changed keep
//! this person's input and are flagged. A table shows, per differing
//! field, what is stored now and what this person typed, so nothing is
//! overwritten without being seen. The schedule is one unit: its rows have
//! no identity beyond their position.

use std::collections::BTreeMap;

use hyoka_core::layout::SheetLayout;
use maud::{html, Markup};
use sha2::{Digest, Sha256};

use super::fields::{display, Field, Fields};
use super::markup::lines;

/// The fingerprint of one value: enough to tell a change, short enough to
/// carry every field's in one hidden input.
fn fingerprint(value: &str) -> String {
    Sha256::digest(value.as_bytes()).iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The unit a field merges in: its key, or `s` for the schedule.
fn unit(key: &str) -> &str {
    if key.starts_with("s.") {
        "s"
    } else {
        key
    }
}

/// The schedule's values as one string.
fn schedule_text(f: &Fields) -> String {
    f.list.iter().filter(|x| x.key.starts_with("s.")).map(|x| format!("{}={}\n", x.key, x.value)).collect()
}

fn unit_value(f: &Fields, unit: &str) -> String {
    if unit == "s" {
        schedule_text(f)
    } else {
        f.get(unit).to_string()
    }
}

/// The base to carry in the form: `key:fingerprint` joined by spaces
/// (keys hold no spaces).
pub(crate) fn base_of(fields: &Fields) -> String {
    let mut units: Vec<&str> = Vec::new();
    for f in &fields.list {
        let u = unit(&f.key);
        if !units.contains(&u) {
            units.push(u);
        }
    }
    units.iter().map(|u| format!("{u}:{}", fingerprint(&unit_value(fields, u)))).collect::<Vec<_>>().join(" ")
}

fn parse_base(s: &str) -> BTreeMap<String, String> {
    s.split_whitespace().filter_map(|p| p.split_once(':')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Who {
    /// Only this person changed it: their input is in the form.
    Mine,
    /// Only the other person changed it: their value is in the form.
    Theirs,
    /// Both changed it: this person's input is in the form.
    Both,
}

impl Who {
    fn label(self) -> &'static str {
        match self {
            Who::Mine => "あなたが変更: あなたの入力をフォームに残しました",
            Who::Theirs => "他の人が変更: 保存済みの内容をフォームに入れました",
            Who::Both => "両方が変更: あなたの入力をフォームに残しました。確かめてください",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Difference {
    pub label: String,
    pub theirs: Option<String>,
    pub yours: Option<String>,
    pub who: Who,
}

/// Merges this person's input (`yours`) with what is stored now
/// (`theirs`), given the base the form started from.
pub(crate) fn merge(layout: &SheetLayout, base: &str, theirs: &Fields, yours: &Fields) -> (Fields, Vec<Difference>) {
    let base = parse_base(base);
    let mut merged = Fields::default();
    let mut differences = Vec::new();
    let mut decided: BTreeMap<String, bool> = BTreeMap::new(); // unit → take yours
    let mut order: Vec<&Field> = theirs.list.iter().collect();
    order.extend(yours.list.iter().filter(|f| !theirs.has(&f.key)));
    for f in &order {
        let u = unit(&f.key).to_string();
        let take_yours = *decided.entry(u.clone()).or_insert_with(|| {
            let (t, y) = (unit_value(theirs, &u), unit_value(yours, &u));
            if t == y {
                return false;
            }
            let b = base.get(&u);
            let mine = b.is_none_or(|h| *h != fingerprint(&y));
            let other = b.is_none_or(|h| *h != fingerprint(&t));
            let who = match (mine, other) {
                (true, false) => Who::Mine,
                (false, true) => Who::Theirs,
                _ => Who::Both,
            };
            let keys: Vec<&Field> = order.iter().copied().filter(|x| unit(&x.key) == u).collect();
            for k in keys {
                let (tv, yv) = (theirs.get(&k.key), yours.get(&k.key));
                if tv != yv {
                    differences.push(Difference {
                        label: k.label.clone(),
                        theirs: display(layout, &k.key, tv),
                        yours: display(layout, &k.key, yv),
                        who,
                    });
                }
            }
            who != Who::Theirs
        });
        let source = if take_yours { yours } else { theirs };
        if source.has(&f.key) {
            merged.list.push(Field {
                key: f.key.clone(),
                label: f.label.clone(),
                value: source.get(&f.key).to_string(),
            });
        }
    }
    (merged, differences)
}

/// The comparison shown above the form after a refused save.
pub(crate) fn comparison(differences: &[Difference], updated: &str) -> Markup {
    html! {
        section id="conflict" aria-labelledby="conflict-heading" {
            h2 id="conflict-heading" { "保存済みの内容とあなたの入力の比較" }
            p class="note" { (updated) }
            table {
                caption class="sr-only" { "項目ごとの、他の人が保存した内容（現在）とあなたの入力" }
                thead { tr {
                    th scope="col" { "項目" }
                    th scope="col" { "現在の保存内容" }
                    th scope="col" { "あなたの入力" }
                    th scope="col" { "フォームに入れた内容" }
                } }
                tbody {
                    @for d in differences {
                        tr class=[(d.who == Who::Both).then_some("warn")] {
                            th scope="row" { (d.label) }
                            td { @match &d.theirs { Some(v) => (lines(v)), None => span class="note" { "（空欄）" } } }
                            td { @match &d.yours { Some(v) => (lines(v)), None => span class="note" { "（空欄）" } } }
                            td { (d.who.label()) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields {
            list: pairs
                .iter()
                .map(|(k, v)| Field { key: k.to_string(), label: format!("「{k}」"), value: v.to_string() })
                .collect(),
        }
    }

    #[test]
    fn three_way_merge_keeps_both_peoples_work() {
        let layout = SheetLayout::preset("mitaka").unwrap();
        let base = fields(&[("n.a.0", "元"), ("n.b.0", "元"), ("n.c.0", "元"), ("s.0.label", "x")]);
        let theirs = fields(&[("n.a.0", "他"), ("n.b.0", "元"), ("n.c.0", "他"), ("s.0.label", "y")]);
        let yours = fields(&[("n.a.0", "元"), ("n.b.0", "私"), ("n.c.0", "私"), ("s.0.label", "x")]);
        let (merged, diffs) = merge(&layout, &base_of(&base), &theirs, &yours);
        assert_eq!(merged.get("n.a.0"), "他", "only they changed it");
        assert_eq!(merged.get("n.b.0"), "私", "only I changed it");
        assert_eq!(merged.get("n.c.0"), "私", "both changed it: my input stays");
        assert_eq!(merged.get("s.0.label"), "y");
        let who: Vec<Who> = diffs.iter().map(|d| d.who).collect();
        assert_eq!(who, vec![Who::Theirs, Who::Mine, Who::Both, Who::Theirs]);
        // Without a base every difference counts as both.
        let (_, diffs) = merge(&layout, "", &theirs, &yours);
        assert!(diffs.iter().all(|d| d.who == Who::Both));
    }
}
