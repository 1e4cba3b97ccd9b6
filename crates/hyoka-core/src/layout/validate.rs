//! Checking a sheet kind's definition, with Japanese messages that name the
//! key (as a path: `sections[3].grades[1].scale`) or the line.

use std::collections::BTreeSet;

use super::{item_kind_label, LayoutError, RowField, SectionKind, SheetLayout, ITEM_KINDS, MAX_LABEL_CHARS};

pub(super) fn invalid(key: impl Into<String>, message: impl Into<String>) -> LayoutError {
    LayoutError::Invalid { key: key.into(), message: message.into() }
}

/// A TOML error as a line, the key on it, and a Japanese message.
pub(super) fn syntax_error(text: &str, e: &toml::de::Error) -> LayoutError {
    let at = e.span().map(|s| s.start.min(text.len())).unwrap_or(0);
    let line = text[..at].matches('\n').count() + 1;
    let this = text.lines().nth(line - 1).unwrap_or("").trim();
    let key = match this.split_once('=') {
        Some((k, _)) if !this.starts_with('[') => k.trim().trim_matches('"').to_string(),
        _ => this.to_string(),
    };
    let m = e.message().trim();
    let quoted = |s: &str| -> Vec<String> { s.split('`').skip(1).step_by(2).map(str::to_string).collect() };
    let message = if let Some(rest) = m.strip_prefix("unknown field ") {
        let q = quoted(rest);
        let name = q.first().cloned().unwrap_or_default();
        format!("キー「{name}」はこの場所では使えません（使えるキー: {}）", q[1.min(q.len())..].join(", "))
    } else if let Some(rest) = m.strip_prefix("missing field ") {
        format!("キー「{}」がありません", quoted(rest).first().cloned().unwrap_or_default())
    } else if let Some(rest) = m.strip_prefix("unknown variant ") {
        let q = quoted(rest);
        let name = q.first().cloned().unwrap_or_default();
        format!("「{name}」は使えません（{} のいずれか）", q[1.min(q.len())..].join(", "))
    } else if let Some(rest) = m.strip_prefix("duplicate key ") {
        format!("キー「{}」が2回あります", quoted(rest).first().cloned().unwrap_or_default())
    } else if let Some(rest) = m.strip_prefix("invalid type: ") {
        format!("値の種類が違います（{rest}）")
    } else if m.contains("「") {
        // Our own messages (a stage, an evaluator, a table column).
        m.to_string()
    } else {
        format!("TOML として読み取れません（{m}）")
    };
    LayoutError::Syntax { line, key, message }
}

fn code_ok(code: &str, extra: &[char]) -> bool {
    !code.is_empty()
        && code.chars().count() <= 40
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || extra.contains(&c))
}

fn label_ok(key: &str, label: &str) -> Result<(), LayoutError> {
    if label.trim().is_empty() {
        return Err(invalid(key, "名前を入力してください"));
    }
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(invalid(key, format!("名前は{MAX_LABEL_CHARS}文字以内にしてください")));
    }
    Ok(())
}

fn item_kinds(key: &str, kinds: &[String]) -> Result<(), LayoutError> {
    if kinds.is_empty() {
        return Err(invalid(key, "どの種類の項目の調査票かを1つ以上書いてください"));
    }
    for (i, k) in kinds.iter().enumerate() {
        if item_kind_label(k).is_none() {
            let known: Vec<&str> = ITEM_KINDS.iter().map(|(c, _)| *c).collect();
            return Err(invalid(
                format!("{key}[{i}]"),
                format!("「{k}」という項目の種類はありません（{} のいずれか）", known.join(", ")),
            ));
        }
    }
    Ok(())
}

pub(super) fn layout(l: &SheetLayout) -> Result<(), LayoutError> {
    if !code_ok(&l.preset, &['-']) {
        return Err(invalid("code", "半角の英小文字・数字・ハイフン・下線で40文字以内にしてください"));
    }
    label_ok("name", &l.name)?;
    item_kinds("item_kinds", &l.item_kinds)?;
    let vocabularies = crate::judgement::JudgementVocabulary::presets();
    if !vocabularies.iter().any(|v| v.code == l.vocabulary) {
        let known: Vec<&str> = vocabularies.iter().map(|v| v.code.as_str()).collect();
        return Err(invalid(
            "vocabulary",
            format!("「{}」という判定の語はありません（{} のいずれか）", l.vocabulary, known.join(", ")),
        ));
    }
    if l.nil_amount.chars().count() > 3 {
        return Err(invalid("nil_amount", "3文字以内にしてください（0 や - など）"));
    }
    if let Some(n) = l.roadmap_years {
        if !(1..=10).contains(&n) {
            return Err(invalid("roadmap_years", "1から10までの年数にしてください"));
        }
        if !l.has(SectionKind::Roadmap) {
            return Err(invalid("roadmap_years", "工程表の見出し（kind = \"roadmap\"）がありません"));
        }
    }
    for (k, v) in &l.labels {
        label_ok(&format!("labels.\"{k}\""), v)?;
    }
    if l.sections.is_empty() {
        return Err(invalid("sections", "見出し（[[sections]]）を1つ以上書いてください"));
    }
    for (i, s) in l.sections.iter().enumerate() {
        let at = format!("sections[{i}]");
        if !code_ok(&s.key, &[]) {
            return Err(invalid(format!("{at}.key"), "半角の英小文字・数字・下線で40文字以内にしてください"));
        }
        let at = format!("sections[{i}]（key = \"{}\"）", s.key);
        label_ok(&format!("{at}.label"), &s.label)?;
        let must = |has: bool, part: &str, kind: SectionKind| -> Result<(), LayoutError> {
            match (s.kind == kind, has) {
                (true, false) => Err(invalid(
                    format!("{at}.{part}"),
                    format!("kind = \"{}\" の見出しには {part} が要ります", kind.code()),
                )),
                (false, true) => Err(invalid(
                    format!("{at}.{part}"),
                    format!("{part} は kind = \"{}\" の見出しにだけ書けます", kind.code()),
                )),
                _ => Ok(()),
            }
        };
        must(!s.slots.is_empty(), "slots", SectionKind::Narratives)?;
        must(!s.grades.is_empty(), "grades", SectionKind::Grades)?;
        must(s.children.is_some(), "children", SectionKind::Children)?;
        slots(&at, "slots", &s.slots)?;
        grades(&at, "grades", &s.grades)?;
        if let Some(rows) = &s.children {
            let at = format!("{at}.children");
            item_kinds(&format!("{at}.item_kinds"), &rows.item_kinds)?;
            slots(&at, "slots", &rows.slots)?;
            grades(&at, "grades", &rows.grades)?;
            for (c, col) in rows.table.iter().enumerate() {
                let key = format!("{at}.table[{c}]");
                label_ok(&format!("{key}.label"), &col.label)?;
                match &col.field {
                    RowField::Slot(code) if !rows.slots.iter().any(|x| &x.code == code) => {
                        return Err(invalid(
                            format!("{key}.field"),
                            format!("「{code}」という記述はこの表の行（children.slots）にありません"),
                        ))
                    }
                    RowField::Grade(n) if *n >= rows.grades.len() => {
                        return Err(invalid(
                            format!("{key}.field"),
                            format!(
                                "評価の番号 {n} はありません（children.grades は{}件、0から数えます）",
                                rows.grades.len()
                            ),
                        ))
                    }
                    _ => {}
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    for (k, _) in l.label_keys() {
        if !seen.insert(k.clone()) {
            return Err(invalid(
                k.clone(),
                format!(
                    "キー「{k}」が2回あります（見出しの key、記述の code、評価の段階と評価者の組は、ひとつの様式で重ならないようにしてください）"
                ),
            ));
        }
    }
    Ok(())
}

fn slots(at: &str, part: &str, slots: &[super::NarrativeSlot]) -> Result<(), LayoutError> {
    for (i, s) in slots.iter().enumerate() {
        let key = format!("{at}.{part}[{i}]");
        if !code_ok(&s.code, &[]) {
            return Err(invalid(format!("{key}.code"), "半角の英小文字・数字・下線で40文字以内にしてください"));
        }
        label_ok(&format!("{key}.label"), &s.label)?;
    }
    Ok(())
}

fn grades(at: &str, part: &str, grades: &[super::GradeSlot]) -> Result<(), LayoutError> {
    for (i, g) in grades.iter().enumerate() {
        let key = format!("{at}.{part}[{i}]");
        if g.scale.trim().is_empty() {
            return Err(invalid(format!("{key}.scale"), "評価尺度（scale）を書いてください"));
        }
        label_ok(&format!("{key}.label"), &g.label)?;
    }
    Ok(())
}

pub(super) fn scales(l: &SheetLayout, known: &[String]) -> Result<(), LayoutError> {
    for (i, s) in l.sections.iter().enumerate() {
        let at = format!("sections[{i}]（key = \"{}\"）", s.key);
        let own = s.grades.iter().enumerate().map(|(j, g)| (format!("{at}.grades[{j}].scale"), g));
        let rows = s
            .children
            .iter()
            .flat_map(|c| c.grades.iter().enumerate())
            .map(|(j, g)| (format!("{at}.children.grades[{j}].scale"), g));
        for (key, g) in own.chain(rows) {
            if !known.iter().any(|k| k == &g.scale) {
                return Err(invalid(
                    key,
                    format!("「{}」という評価尺度はありません（{} のいずれか）", g.scale, known.join(", ")),
                ));
            }
        }
    }
    Ok(())
}
