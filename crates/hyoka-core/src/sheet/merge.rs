//! Two people editing one sheet never lose work.
//!
//! The form carries the sheet's version and a fingerprint of every field as
//! it was when the form was opened (the base). A save from an older
//! version is refused; the form comes back with a three-way merge: fields
//! only the other person changed take their value, fields only this
//! person changed keep this person's input, and fields both changed keep
//! this person's input and are flagged. The schedule is one unit: its rows
//! have no identity beyond their position.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::draft::{display, Field, SheetDraft};
use crate::layout::SheetLayout;

/// The fingerprint of one value: enough to tell a change, short enough to
/// carry every field's in one hidden input.
fn fingerprint(value: &str) -> String {
    Sha256::digest(value.as_bytes()).iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The unit a field merges in: its key, or `s` for the schedule.
fn unit(name: &str) -> &str {
    if name.starts_with("s.") {
        return "s";
    }
    // The 工程表 is one unit too: its rows are renumbered on every save.
    if name.starts_with("r.") {
        return "r";
    }
    // A child row's schedule, `c{item}.s.…`: one unit per row's item.
    if let Some((head, rest)) = name.split_once('.') {
        if head.starts_with('c') && rest.starts_with("s.") {
            return &name[..head.len() + 2];
        }
    }
    name
}

/// A schedule's values as one string.
fn schedule_text(f: &SheetDraft, schedule: &str) -> String {
    f.list.iter().filter(|x| unit(&x.name) == schedule).map(|x| format!("{}={}\n", x.name, x.value)).collect()
}

fn unit_value(f: &SheetDraft, unit: &str) -> String {
    if unit == "s" || unit == "r" || unit.ends_with(".s") {
        schedule_text(f, unit)
    } else {
        f.get(unit).to_string()
    }
}

/// The base to carry in the form: `key:fingerprint` joined by spaces
/// (keys hold no spaces).
pub fn base_of(fields: &SheetDraft) -> String {
    let mut units: Vec<&str> = Vec::new();
    for f in &fields.list {
        let u = unit(&f.name);
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
pub enum Who {
    /// Only this person changed it: their input is in the form.
    Mine,
    /// Only the other person changed it: their value is in the form.
    Theirs,
    /// Both changed it: this person's input is in the form.
    Both,
}

impl Who {
    pub fn label(self) -> &'static str {
        match self {
            Who::Mine => "あなたが変更: あなたの入力をフォームに残しました",
            Who::Theirs => "他の人が変更: 保存済みの内容をフォームに入れました",
            Who::Both => "両方が変更: あなたの入力をフォームに残しました。確かめてください",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub label: String,
    pub theirs: Option<String>,
    pub yours: Option<String>,
    pub who: Who,
}

/// Merges this person's input (`yours`) with what is stored now
/// (`theirs`), given the base the form started from.
pub fn merge(
    layout: &SheetLayout,
    base: &str,
    theirs: &SheetDraft,
    yours: &SheetDraft,
) -> (SheetDraft, Vec<Difference>) {
    let base = parse_base(base);
    let mut merged = SheetDraft::default();
    let mut differences = Vec::new();
    let mut decided: BTreeMap<String, bool> = BTreeMap::new(); // unit → take yours
    let mut order: Vec<&Field> = theirs.list.iter().collect();
    order.extend(yours.list.iter().filter(|f| !theirs.has(&f.name)));
    for f in &order {
        let u = unit(&f.name).to_string();
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
            let keys: Vec<&Field> = order.iter().copied().filter(|x| unit(&x.name) == u).collect();
            for k in keys {
                let (tv, yv) = (theirs.get(&k.name), yours.get(&k.name));
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
        if source.has(&f.name) {
            merged.list.push(Field { value: source.get(&f.name).to_string(), ..(*f).clone() });
        }
    }
    (merged, differences)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::SheetLayout;

    fn fields(pairs: &[(&str, &str)]) -> SheetDraft {
        let mut d = SheetDraft::default();
        for (k, v) in pairs {
            d.push(k.parse().unwrap(), format!("「{k}」"), v.to_string());
        }
        d
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
