//! The city's sheet layout and evaluation scales: a preset format,
//! renamed headings, renamed scales and grades. Grade codes (`S`, `1`,
//! `A`) stay as printed; only their names change.

use std::collections::{BTreeMap, BTreeSet};

use hyoka_core::access::Action;
use hyoka_core::layout::{SheetLayout, MAX_LABEL_CHARS, PRESETS};
use hyoka_core::EvaluationScale;
use hyoka_store::{Change, SheetKindRecord};

use crate::{Command, CommandError, Cx};

/// One sheet kind of the city as typed: the kind is added when the city
/// does not use it yet, its headings renamed (labels for another preset's
/// headings are dropped, not refused), and the city's scales renamed.
pub struct SetLayout {
    pub municipality: String,
    pub preset: String,
    /// Label key → the city's heading.
    pub labels: BTreeMap<String, String>,
    /// Scale code → its new name.
    pub scale_names: BTreeMap<String, String>,
    /// (scale code, grade code) → the grade's new name; blank keeps it.
    pub grade_labels: BTreeMap<(String, String), String>,
}

impl Command for SetLayout {
    const CODE: &'static str = "layout.set";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let code = self.municipality.as_str();
        cx.actor.require(Action::Administer, code, &[])?;
        cx.store.municipality(code).await?;
        let preset = self.preset.trim().to_string();
        let kinds = cx.store.sheet_kinds(code).await?;
        let current = kinds.iter().find(|k| k.preset == preset);
        let old_labels = current.map(|k| k.labels.clone()).unwrap_or_default();
        // The kind unrenamed: the city's own definition, else the preset.
        let new_layout = match current {
            Some(k) => SheetKindRecord { labels: BTreeMap::new(), ..k.clone() }.layout().ok(),
            None => SheetLayout::preset(&preset).ok(),
        }
        .ok_or_else(|| CommandError::invalid("preset", "様式を一覧から選んでください。"))?;
        let keys: BTreeSet<String> = new_layout.label_keys().into_iter().map(|(k, _)| k).collect();
        let labels: BTreeMap<String, String> = self.labels.into_iter().filter(|(k, _)| keys.contains(k)).collect();
        new_layout.clean_labels(&labels).map_err(|e| CommandError::invalid("labels", format!("見出しの名前: {e}")))?;

        let scales = cx.store.scales(code).await?;
        let mut changed_scales = Vec::new();
        let mut changes = Vec::new();
        for sc in &scales {
            let mut next = sc.clone();
            if let Some(name) = self.scale_names.get(&sc.code) {
                let name = hyoka_core::text::normalise(name);
                if name.is_empty() || name.chars().count() > MAX_LABEL_CHARS {
                    return Err(CommandError::invalid(
                        &format!("scale:{}", sc.code),
                        format!("評価尺度「{}」の名前は1～{MAX_LABEL_CHARS}文字で入力してください。", sc.name),
                    ));
                }
                next.name = name;
            }
            for g in &mut next.grades {
                let Some(label) = self.grade_labels.get(&(sc.code.clone(), g.code.clone())) else { continue };
                let label = hyoka_core::text::normalise(label);
                if label.chars().count() > MAX_LABEL_CHARS {
                    return Err(CommandError::invalid(
                        &format!("grade:{}:{}", sc.code, g.code),
                        format!(
                            "評価尺度「{}」の評価「{}」の名前は{MAX_LABEL_CHARS}文字以内で入力してください。",
                            sc.name, g.code
                        ),
                    ));
                }
                // Blank keeps the current name: a grade always has one.
                if !label.is_empty() && label != g.label {
                    changes.push(Change {
                        field: format!("評価尺度 {} の評価 {}", sc.name, g.code),
                        before: Some(g.label.clone()),
                        after: Some(label.clone()),
                    });
                    g.label = label;
                }
            }
            if next.name != sc.name {
                changes.push(Change {
                    field: format!("評価尺度の名前 {}", sc.code),
                    before: Some(sc.name.clone()),
                    after: Some(next.name.clone()),
                });
            }
            if next != *sc {
                changed_scales.push(next);
            }
        }

        let tx = cx.tx().await?;
        let stored = tx.set_sheet_layout(code, &preset, &labels).await?;
        if current.is_none() {
            changes.insert(
                0,
                Change {
                    field: "調査票の様式の追加".into(), before: None, after: Some(new_layout.name.clone())
                },
            );
        }
        let default_of: BTreeMap<String, String> = new_layout.label_keys().into_iter().collect();
        for key in stored.keys().chain(old_labels.keys()).collect::<BTreeSet<_>>() {
            let (before, after) = (old_labels.get(key), stored.get(key));
            if before != after && default_of.contains_key(key) {
                changes.push(Change {
                    field: format!("見出しの名前 {}", default_of[key]),
                    before: before.cloned(),
                    after: after.cloned(),
                });
            }
        }
        for sc in &changed_scales {
            tx.save_scale(code, sc).await?;
        }
        for sc in missing_scales(&new_layout, &scales) {
            tx.save_scale(code, &sc).await?;
            changes.push(Change { field: "評価尺度の追加".into(), before: None, after: Some(sc.name.clone()) });
        }
        if changes.is_empty() {
            cx.unchanged();
            return Ok(());
        }
        cx.about(code, None, None);
        cx.summary(format!("調査票の様式と評価尺度を変更（{}件）", changes.len()));
        for c in changes {
            cx.change(c.field, c.before, c.after);
        }
        Ok(())
    }
}

/// The preset scales the layout's grades use that the city lacks.
pub fn missing_scales(layout: &SheetLayout, have: &[EvaluationScale]) -> Vec<EvaluationScale> {
    let mut codes: Vec<&str> =
        layout.all_grade_slots().map(|g| g.scale.as_str()).filter(|c| !have.iter().any(|h| h.code == *c)).collect();
    codes.sort();
    codes.dedup();
    EvaluationScale::presets().into_iter().filter(|p| codes.contains(&p.code.as_str())).collect()
}

/// Stops using a sheet kind: its items keep their data and are shown with
/// the city's main kind. The last kind cannot be stopped.
pub struct DisableSheetKind {
    pub municipality: String,
    pub preset: String,
}

impl Command for DisableSheetKind {
    const CODE: &'static str = "layout.disable";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let code = self.municipality.as_str();
        cx.actor.require(Action::Administer, code, &[])?;
        cx.store.municipality(code).await?;
        let kinds = cx.store.sheet_kinds(code).await?;
        let Some(kind) = kinds.iter().find(|k| k.preset == self.preset) else {
            cx.unchanged();
            return Ok(());
        };
        if kinds.len() == 1 {
            return Err(CommandError::Conflict(
                "最後の様式は止められません。ほかの様式を追加してから止めてください。".into(),
            ));
        }
        let name = kind.layout().map(|l| l.name).unwrap_or_else(|_| kind.preset.clone());
        cx.tx().await?.disable_sheet_kind(code, &self.preset).await?;
        cx.about(code, None, None);
        cx.summary(format!("調査票の様式「{name}」を使わない"));
        cx.change("調査票の様式の停止", Some(name), None);
        Ok(())
    }
}

/// A city's own sheet kind, as a TOML definition (docs/layouts.md): added
/// first in precedence (so the city's items of its kinds get it), or its
/// definition replaced when the city has a kind of that code. The preset
/// scales its grades use that the city lacks are added. Nothing is written
/// when the definition does not read or check; the message names the line
/// or the key.
pub struct DefineSheetKind {
    pub municipality: String,
    pub definition: String,
}

impl Command for DefineSheetKind {
    const CODE: &'static str = "layout.define";
    type Output = SheetLayout;

    async fn run(self, cx: &mut Cx<'_>) -> Result<SheetLayout, CommandError> {
        let code = self.municipality.as_str();
        cx.actor.require(Action::Administer, code, &[])?;
        cx.store.municipality(code).await?;
        let text = self.definition.replace("\r\n", "\n");
        if text.trim().is_empty() {
            return Err(CommandError::invalid("definition", "様式の定義（TOML）を入力してください。"));
        }
        let layout = SheetLayout::from_toml(&text).map_err(|e| CommandError::invalid("definition", e.to_string()))?;
        if PRESETS.contains(&layout.preset.as_str()) {
            return Err(CommandError::invalid(
                "definition",
                format!(
                    "様式の定義の code: 「{}」は組み込みの様式の名前です。この市の様式には別の code を付けてください。",
                    layout.preset
                ),
            ));
        }
        if !layout.cities.is_empty() {
            return Err(CommandError::invalid(
                "definition",
                "様式の定義の cities: 組み込みの様式だけが使えます。この市の様式では書かないでください。",
            ));
        }
        let scales = cx.store.scales(code).await?;
        let known: Vec<String> = scales
            .iter()
            .map(|s| s.code.clone())
            .chain(EvaluationScale::presets().into_iter().map(|p| p.code))
            .fold(Vec::new(), |mut v, c| {
                if !v.contains(&c) {
                    v.push(c);
                }
                v
            });
        layout.check_scales(&known).map_err(|e| CommandError::invalid("definition", e.to_string()))?;

        let kinds = cx.store.sheet_kinds(code).await?;
        let before = kinds.iter().find(|k| k.preset == layout.preset);
        if before.is_some_and(|k| k.chosen && k.definition.as_deref() == Some(text.as_str())) {
            cx.unchanged();
            return Ok(layout);
        }
        let old = before.and_then(|k| k.definition.clone());
        let tx = cx.tx().await?;
        tx.define_sheet_kind(code, &layout.preset, &text).await?;
        let added = missing_scales(&layout, &scales);
        for sc in &added {
            tx.save_scale(code, sc).await?;
        }
        cx.about(code, None, None);
        cx.summary(format!(
            "この市の調査票の様式「{}」（{}）を{}",
            layout.name,
            layout.preset,
            if old.is_some() { "変更" } else { "定義" }
        ));
        cx.change(format!("調査票の様式の定義 {}", layout.preset), old, Some(text.clone()));
        for sc in added {
            cx.change("評価尺度の追加", None, Some(sc.name));
        }
        Ok(layout)
    }
}
