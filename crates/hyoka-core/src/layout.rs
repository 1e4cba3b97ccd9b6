//! Sheet kinds as data.
//!
//! A city uses several kinds of sheet: 三鷹市 a project sheet (個別事業評価表)
//! and a measure sheet (the 施策 of its white paper); 三島市 a 行政評価表 per
//! 施策 that gathers the PDCA of each 施策の方向 and the 業務計画 beneath it;
//! 小平市 a survey sheet per reform item with a roadmap and two grades;
//! 東村山市 one 目標管理シート per department with a table of its sections'
//! objectives graded by the department head. A kind ([`SheetLayout`]) is the
//! list of sections a sheet shows, in order, with the headings the city
//! uses, and the kinds of item it is the sheet of. A kind is data: a TOML
//! definition (docs/layouts.md) that says everything about the sheet,
//! including what used to hang on a preset's name (how nothing prints, the
//! years of a 工程表). Presets mirror every kind in the seed documents, as
//! files embedded in the binary (`presets/*.toml`); a city uses one or more
//! and renames any label (kept as overrides by key), or defines its own
//! kind, so no code changes when a city calls 事業概要 something else or
//! uses a form of its own.
//!
//! A section of kind [`SectionKind::Children`] is a table of the items
//! beneath the sheet's item in the plan (三島市's 施策の方向 and 手段,
//! 東村山市's objectives): each row is one such item with its own narrative
//! slots, grades, indicators and direction, edited on the parent's sheet.
//!
//! Narrative slot codes are the ones the importers write (`overview`,
//! `plan`, `do`, …), so an imported sheet lands in the right place.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::scale::{Evaluator, Stage};

mod validate;
use validate::{invalid, syntax_error};

/// What kind of content a section holds; in a definition, `kind =
/// "narratives"` and so on (the codes below).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    Narratives,
    Indicators,
    Budget,
    /// 財源内訳, 従事時間 × 単価 = 人件費, トータルコスト.
    Cost,
    Schedule,
    StaffHours,
    Grades,
    Direction,
    /// A table of the items beneath the sheet's item.
    Children,
    /// A multi-year 工程表: steps × the plan's years, planned and actual
    /// (`hyoka_core::roadmap`; the years: [`SheetLayout::roadmap_years`]).
    Roadmap,
}

coded_enum!(SectionKind {
    Narratives => "narratives", "記述";
    Indicators => "indicators", "指標";
    Budget => "budget", "予算・決算";
    Cost => "cost", "財源内訳・コスト";
    Schedule => "schedule", "スケジュール";
    StaffHours => "staff_hours", "従事時間";
    Grades => "grades", "評価";
    Direction => "direction", "今後の方向性";
    Children => "children", "下位の項目";
    Roadmap => "roadmap", "工程表";
});

/// Who fills in a narrative slot or a grade. The sheet's editors fill the
/// section's own parts; a head's grade is the head's; the review board's
/// parts belong to the review workflow and are read-only on the sheet form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Writer {
    /// 担当課: editors and heads of the section, and the admin.
    Section,
    /// 課長・部長: the head of the section, and the admin.
    Head,
    /// 審査会・行革本部: written through the review, not on the sheet form.
    Reviewer,
}

/// A block of narrative under a heading, stored under `code`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeSlot {
    pub code: String,
    pub label: String,
    #[serde(default = "section_writer")]
    pub writer: Writer,
    /// Part of the plan rather than of one year's results (目的・ねらい, 工程表,
    /// 事業概要): opening the next year copies it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub carried: bool,
}

fn section_writer() -> Writer {
    Writer::Section
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// What a [`SectionKind::Children`] section shows of each item beneath the
/// sheet's item.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChildRows {
    /// The kinds of item listed (`measure_direction`, `activity`, `objective`).
    pub item_kinds: Vec<String>,
    /// Each row's narrative slots.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slots: Vec<NarrativeSlot>,
    /// Each row's grades.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grades: Vec<GradeSlot>,
    /// Each row's own indicators.
    #[serde(default, skip_serializing_if = "is_false")]
    pub indicators: bool,
    /// Each row's direction for next year (and transfer).
    #[serde(default, skip_serializing_if = "is_false")]
    pub direction: bool,
    /// Each row's monthly schedule with staff hours.
    #[serde(default, skip_serializing_if = "is_false")]
    pub schedule: bool,
    /// The columns when the rows print as one table, a line per item, as
    /// the city prints them (東村山市's 具体的な取り組み: No. | 課名 |
    /// 総計・行革・その他 | 項目 | 目標 | 評価 | 成果又は課題); empty prints a
    /// block per item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub table: Vec<RowColumn>,
}

/// A column of child rows printed as a table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowColumn {
    pub field: RowField,
    /// The header; a slot's column is headed with the slot's label, so a
    /// city's renaming shows.
    pub label: String,
}

/// What a [`RowColumn`] shows of an item; in a definition `code`,
/// `sections`, `tags`, `title`, `slot:CODE` or `grade:N`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum RowField {
    /// Its printed code (`No.`).
    Code,
    /// Its sections (`課名`).
    Sections,
    /// Its tags (`総計`, `行革`).
    Tags,
    /// Its title (`項目`).
    Title,
    /// The year's text of one of the rows' slots, by code.
    Slot(String),
    /// The year's grade of one of the rows' grade slots, by index.
    Grade(usize),
}

impl From<RowField> for String {
    fn from(f: RowField) -> String {
        match f {
            RowField::Code => "code".into(),
            RowField::Sections => "sections".into(),
            RowField::Tags => "tags".into(),
            RowField::Title => "title".into(),
            RowField::Slot(code) => format!("slot:{code}"),
            RowField::Grade(i) => format!("grade:{i}"),
        }
    }
}

impl TryFrom<String> for RowField {
    type Error = String;
    fn try_from(s: String) -> Result<RowField, String> {
        Ok(match s.as_str() {
            "code" => RowField::Code,
            "sections" => RowField::Sections,
            "tags" => RowField::Tags,
            "title" => RowField::Title,
            _ => match s.split_once(':') {
                Some(("slot", code)) if !code.is_empty() => RowField::Slot(code.to_string()),
                Some(("grade", n)) if n.parse::<usize>().is_ok() => RowField::Grade(n.parse().unwrap_or(0)),
                _ => {
                    return Err(format!(
                        "列「{s}」は使えません（code, sections, tags, title, slot:記述のコード, grade:評価の番号 のいずれか）"
                    ))
                }
            },
        })
    }
}

/// A grade at one stage by one evaluator, on one of the city's scales.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeSlot {
    #[serde(with = "by_code")]
    pub stage: Stage,
    #[serde(with = "by_code")]
    pub evaluator: Evaluator,
    /// The code of the evaluation scale (`mitaka-midyear`, `kodaira-sab`);
    /// blank is refused by [`SheetLayout::validate`].
    #[serde(default)]
    pub scale: String,
    pub label: String,
    #[serde(default = "section_writer")]
    pub writer: Writer,
}

/// A stage or an evaluator in a definition by its code (`midyear`,
/// `department_head`) or its Japanese name (`中間評価`, `部長`).
mod by_code {
    use serde::{Deserialize, Deserializer, Serializer};

    pub trait Coded: Sized + Copy + std::str::FromStr<Err = String> {
        fn coded(self) -> &'static str;
    }
    impl Coded for crate::scale::Stage {
        fn coded(self) -> &'static str {
            self.code()
        }
    }
    impl Coded for crate::scale::Evaluator {
        fn coded(self) -> &'static str {
            self.code()
        }
    }

    pub fn serialize<T: Coded, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.coded())
    }

    pub fn deserialize<'de, T: Coded, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl GradeSlot {
    /// The key under which a city may rename it: `grade.midyear.section`.
    pub fn key(&self) -> String {
        format!("grade.{}.{}", self.stage.code(), self.evaluator.code())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutSection {
    /// Stable within the layout; the key of the section's heading.
    pub key: String,
    pub kind: SectionKind,
    pub label: String,
    /// For [`SectionKind::Narratives`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slots: Vec<NarrativeSlot>,
    /// For [`SectionKind::Grades`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grades: Vec<GradeSlot>,
    /// For [`SectionKind::Children`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children: Option<ChildRows>,
}

/// The unit money is entered and shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoneyInputUnit {
    Thousand,
    Yen,
}

impl MoneyInputUnit {
    pub fn factor(self) -> i64 {
        match self {
            MoneyInputUnit::Thousand => 1_000,
            MoneyInputUnit::Yen => 1,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MoneyInputUnit::Thousand => "千円",
            MoneyInputUnit::Yen => "円",
        }
    }
}

/// A sheet kind: a preset or a city's own definition, with the city's
/// labels applied. Read from and written as TOML (docs/layouts.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetLayout {
    /// The kind's code: `mitaka`, `mitaka-measure`, `mitaka-issue`,
    /// `mishima`, `kodaira`, `higashimurayama`, `jimu`, or a city's own.
    #[serde(rename = "code")]
    pub preset: String,
    /// The name of the printed form: `個別事業評価表`.
    pub name: String,
    /// The kinds of item this is the sheet of (`project`, `measure`, …).
    pub item_kinds: Vec<String>,
    /// The cities (municipality codes) that use a preset until they choose
    /// (the seed cities' own kinds); empty in a city's own definition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cities: Vec<String>,
    #[serde(default = "thousand")]
    pub money_unit: MoneyInputUnit,
    /// The judgement vocabulary for indicators that name none.
    pub vocabulary: String,
    /// How the printed form shows an amount of nothing (`0`, or 三島市's
    /// `-`); blank stays blank.
    #[serde(default = "zero")]
    pub nil_amount: String,
    /// The years a multi-year 工程表 (the `roadmap` slot) spans on the
    /// printed form, as a grid (小平市: 4); none prints it as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roadmap_years: Option<u8>,
    /// Labels of table columns and fields, by key (`budget.initial`,
    /// `schedule.planned`, `direction.transfer`, …); a definition names
    /// only the ones it changes from [`default_labels`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    pub sections: Vec<LayoutSection>,
}

fn thousand() -> MoneyInputUnit {
    MoneyInputUnit::Thousand
}

fn zero() -> String {
    "0".into()
}

/// The preset codes, in the order they are offered.
/// The kinds of item hyoka knows, with the names pages show them by: the
/// kinds sheet kinds list and the readers create. The first four are what a
/// person adds most often.
pub const ITEM_KINDS: [(&str, &str); 9] = [
    ("project", "事業"),
    ("issue", "個別課題・改革項目"),
    ("objective", "目標"),
    ("activity", "手段・活動"),
    ("measure", "施策"),
    ("measure_direction", "施策の方向"),
    ("department", "部"),
    ("goal", "基本目標"),
    ("overview", "計画の概要"),
];

/// The name of a kind of item, if hyoka knows it.
pub fn item_kind_label(code: &str) -> Option<&'static str> {
    ITEM_KINDS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// The built-in presets, in the order they are offered, as TOML embedded in
/// the binary (crates/hyoka-core/presets/*.toml).
const PRESET_FILES: &[(&str, &str)] = &[
    ("mitaka", include_str!("../presets/mitaka.toml")),
    ("mitaka-measure", include_str!("../presets/mitaka-measure.toml")),
    ("mitaka-issue", include_str!("../presets/mitaka-issue.toml")),
    ("mishima", include_str!("../presets/mishima.toml")),
    ("kodaira", include_str!("../presets/kodaira.toml")),
    ("higashimurayama", include_str!("../presets/higashimurayama.toml")),
    ("jimu", include_str!("../presets/jimu.toml")),
];

/// The preset codes, in the order they are offered.
pub const PRESETS: &[&str] =
    &["mitaka", "mitaka-measure", "mitaka-issue", "mishima", "kodaira", "higashimurayama", "jimu"];

/// The presets, read once (each file is checked by a test).
fn preset_layouts() -> &'static [SheetLayout] {
    static PARSED: std::sync::OnceLock<Vec<SheetLayout>> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        PRESET_FILES
            .iter()
            .map(|(code, text)| {
                SheetLayout::from_toml(text).unwrap_or_else(|e| panic!("the preset {code} is a valid definition: {e}"))
            })
            .collect()
    })
}

/// The kinds a city uses until it chooses: the presets that name the city
/// in their `cities`, and the first preset (三鷹市's project sheet) for a
/// city none names.
pub fn default_kinds_for(municipality: &str) -> Vec<&'static str> {
    let named: Vec<&'static str> = preset_layouts()
        .iter()
        .filter(|l| l.cities.iter().any(|c| c == municipality))
        .map(|l| l.preset.as_str())
        .collect();
    if named.is_empty() {
        vec![PRESETS[0]]
    } else {
        named
    }
}

/// The city's first kind until it chooses: the kind of its main sheet.
pub fn default_preset_for(municipality: &str) -> &'static str {
    default_kinds_for(municipality)[0]
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    #[error("様式「{0}」はありません（{list} のいずれか）", list = PRESETS.join(", "))]
    UnknownPreset(String),
    #[error("見出し「{0}」はこの様式にありません")]
    UnknownLabel(String),
    #[error("見出し「{key}」の名前は{max}文字以内にしてください")]
    TooLong { key: String, max: usize },
    /// A definition that does not read as TOML or has a wrong key or value:
    /// the line and the key.
    #[error("様式の定義の{line}行目（{key}）: {message}")]
    Syntax { line: usize, key: String, message: String },
    /// A definition that reads but does not make a sheet: the key, as a
    /// path (`sections[3].grades[1].scale`).
    #[error("様式の定義の {key}: {message}")]
    Invalid { key: String, message: String },
}

/// The longest label a city may give; headings are short.
pub const MAX_LABEL_CHARS: usize = 60;

/// Column and field labels every layout has; a definition's `[labels]`
/// changes some.
pub fn default_labels() -> BTreeMap<String, String> {
    [
        ("budget.initial", "当初予算"),
        ("budget.final", "最終予算（補正後）"),
        ("budget.settlement", "決算額"),
        ("budget.general_revenue", "うち一般財源"),
        ("budget.carried_over", "繰越明許"),
        ("budget.rate", "執行率"),
        ("cost.national", "国庫支出金"),
        ("cost.prefectural", "都道府県支出金"),
        ("cost.bonds", "地方債"),
        ("cost.other", "その他"),
        ("cost.hours", "従事時間"),
        ("cost.hourly", "人件費単価（円/時間）"),
        ("cost.personnel", "人件費"),
        ("cost.total", "トータルコスト"),
        ("schedule.planned", "計画"),
        ("schedule.actual", "実績"),
        ("hours.regular", "正職員"),
        ("hours.other", "その他職員"),
        ("indicator.baseline", "基準値"),
        ("indicator.target", "目標"),
        ("indicator.actual", "実績"),
        ("indicator.judgement", "判定"),
        // The plan node an indicator names besides its own (RelatedNode).
        ("indicator.related", "関連する計画の項目"),
        ("direction.direction", "方向性"),
        ("direction.reason", "理由"),
        ("direction.transfer", "事務移管先"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

impl SheetLayout {
    /// A preset by code.
    pub fn preset(code: &str) -> Result<SheetLayout, LayoutError> {
        preset_layouts()
            .iter()
            .find(|l| l.preset == code)
            .cloned()
            .ok_or_else(|| LayoutError::UnknownPreset(code.to_string()))
    }

    pub fn presets() -> Vec<SheetLayout> {
        preset_layouts().to_vec()
    }

    /// A preset's definition as shipped, to show or to start a city's own
    /// kind from.
    pub fn preset_toml(code: &str) -> Option<&'static str> {
        PRESET_FILES.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)
    }

    /// Reads a definition (docs/layouts.md): TOML, with the labels it does
    /// not name taken from [`default_labels`], checked by
    /// [`SheetLayout::validate`]. Errors name the line and the key.
    pub fn from_toml(text: &str) -> Result<SheetLayout, LayoutError> {
        let mut layout: SheetLayout = toml::from_str(text).map_err(|e| syntax_error(text, &e))?;
        let mut labels = default_labels();
        let named = std::mem::take(&mut layout.labels);
        for (k, v) in named {
            if !labels.contains_key(&k) {
                let known: Vec<String> = labels.keys().cloned().collect();
                return Err(invalid(
                    format!("labels.\"{k}\""),
                    format!("「{k}」という項目はありません（{} のいずれか）", known.join(", ")),
                ));
            }
            labels.insert(k, v);
        }
        layout.labels = labels;
        layout.validate()?;
        Ok(layout)
    }

    /// The definition as TOML: what [`SheetLayout::from_toml`] reads back
    /// as this layout; labels equal to [`default_labels`] are left out.
    pub fn to_toml(&self) -> String {
        let mut l = self.clone();
        let defaults = default_labels();
        l.labels.retain(|k, v| defaults.get(k) != Some(v));
        toml::to_string(&l).unwrap_or_default()
    }

    /// Checks that a definition makes a sheet: codes and headings present,
    /// known kinds of item, section kinds with their parts, no key twice,
    /// every grade with a scale, table columns naming the rows' slots and
    /// grades. Whether the scales exist is the city's matter
    /// ([`SheetLayout::check_scales`]).
    pub fn validate(&self) -> Result<(), LayoutError> {
        validate::layout(self)
    }

    /// Checks that every grade's scale is one of `known` (the city's scales
    /// and the preset scales).
    pub fn check_scales(&self, known: &[String]) -> Result<(), LayoutError> {
        validate::scales(self, known)
    }

    /// A preset with a city's label overrides applied. Unknown keys (left
    /// from another preset) are ignored, so switching presets never fails.
    pub fn with_overrides(code: &str, overrides: &BTreeMap<String, String>) -> Result<SheetLayout, LayoutError> {
        Ok(SheetLayout::preset(code)?.with_labels(overrides))
    }

    /// This kind with a city's label overrides applied; unknown keys are
    /// ignored.
    pub fn with_labels(mut self, overrides: &BTreeMap<String, String>) -> SheetLayout {
        let layout = &mut self;
        let get = |key: &str| overrides.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
        for s in &mut layout.sections {
            if let Some(l) = get(&s.key) {
                s.label = l.to_string();
            }
            for slot in &mut s.slots {
                if let Some(l) = get(&slot.code) {
                    slot.label = l.to_string();
                }
            }
            for g in &mut s.grades {
                if let Some(l) = get(&g.key()) {
                    g.label = l.to_string();
                }
            }
            if let Some(rows) = &mut s.children {
                for slot in &mut rows.slots {
                    if let Some(l) = get(&slot.code) {
                        slot.label = l.to_string();
                    }
                }
                for g in &mut rows.grades {
                    if let Some(l) = get(&g.key()) {
                        g.label = l.to_string();
                    }
                }
            }
        }
        for (k, v) in layout.labels.iter_mut() {
            if let Some(l) = get(k) {
                *v = l.to_string();
            }
        }
        self
    }

    /// Everything a city may rename: (key, the preset's label), in the
    /// order the sheet shows them.
    pub fn label_keys(&self) -> Vec<(String, String)> {
        let mut keys = Vec::new();
        for s in &self.sections {
            keys.push((s.key.clone(), s.label.clone()));
            keys.extend(s.slots.iter().map(|x| (x.code.clone(), x.label.clone())));
            keys.extend(s.grades.iter().map(|g| (g.key(), g.label.clone())));
            if let Some(rows) = &s.children {
                keys.extend(rows.slots.iter().map(|x| (x.code.clone(), x.label.clone())));
                keys.extend(rows.grades.iter().map(|g| (g.key(), g.label.clone())));
            }
        }
        keys.extend(self.labels.iter().map(|(k, v)| (k.clone(), v.clone())));
        keys
    }

    /// Checks a city's overrides against the preset: every key must exist,
    /// labels are trimmed and short. Labels equal to the preset's, or
    /// blank, are dropped (blank means "use the preset's").
    pub fn clean_overrides(
        code: &str,
        overrides: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, LayoutError> {
        SheetLayout::preset(code)?.clean_labels(overrides)
    }

    /// Checks a city's overrides against this kind (see
    /// [`SheetLayout::clean_overrides`]).
    pub fn clean_labels(&self, overrides: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>, LayoutError> {
        let defaults: BTreeMap<String, String> = self.label_keys().into_iter().collect();
        let mut out = BTreeMap::new();
        for (k, v) in overrides {
            let default = defaults.get(k).ok_or_else(|| LayoutError::UnknownLabel(k.clone()))?;
            let v = crate::text::normalise(v);
            if v.chars().count() > MAX_LABEL_CHARS {
                return Err(LayoutError::TooLong { key: default.clone(), max: MAX_LABEL_CHARS });
            }
            if !v.is_empty() && &v != default {
                out.insert(k.clone(), v);
            }
        }
        Ok(out)
    }

    /// A field label by key, or the key itself when unknown.
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels.get(key).map(String::as_str).unwrap_or(key)
    }

    /// How the printed form shows an amount of nothing (the definition's
    /// `nil_amount`): 三島市's 行政評価表 prints 「-」 (its 繰越明許 row reads
    /// `- - -`, and the reader keeps that as zero yen), the other forms
    /// print 0. Blank stays blank.
    pub fn nil_amount(&self) -> &str {
        &self.nil_amount
    }

    /// The years a multi-year 工程表 (the `roadmap` slot) spans on the
    /// printed form (the definition's `roadmap_years`): 小平市's 進捗状況調査票
    /// prints 平成29年度…平成32年度 of its four-year plan as a grid.
    pub fn roadmap_years(&self) -> Option<u8> {
        self.roadmap_years
    }

    pub fn has(&self, kind: SectionKind) -> bool {
        self.sections.iter().any(|s| s.kind == kind)
    }

    pub fn section(&self, kind: SectionKind) -> Option<&LayoutSection> {
        self.sections.iter().find(|s| s.kind == kind)
    }

    /// The narrative slot with this code of the sheet's own item, if the
    /// layout has it.
    pub fn slot(&self, code: &str) -> Option<&NarrativeSlot> {
        self.sections.iter().flat_map(|s| &s.slots).find(|s| s.code == code)
    }

    /// Whether a narrative slot the layout has no place for holds one of
    /// the form's notes on its costs (`note:N`: 三島市's 「※人件費…は含まれて
    /// おりません」), shown under the budget table rather than with the
    /// other leftovers; only when the layout has that table.
    pub fn is_cost_note(&self, slot: &str) -> bool {
        slot.starts_with("note:") && self.slot(slot).is_none() && self.has(SectionKind::Budget)
    }

    /// The grades of the sheet's own item.
    pub fn grade_slots(&self) -> impl Iterator<Item = &GradeSlot> {
        self.sections.iter().flat_map(|s| &s.grades)
    }

    /// The child-row sections, with what each row holds.
    pub fn child_sections(&self) -> impl Iterator<Item = (&LayoutSection, &ChildRows)> {
        self.sections.iter().filter_map(|s| s.children.as_ref().map(|c| (s, c)))
    }

    /// The rows an item of `kind` beneath the sheet's item gets, if any.
    pub fn rows_for(&self, kind: &str) -> Option<&ChildRows> {
        self.child_sections().map(|(_, c)| c).find(|c| c.item_kinds.iter().any(|k| k == kind))
    }

    /// Every grade slot, own and children's, for offering stages and
    /// evaluators in the review.
    pub fn all_grade_slots(&self) -> impl Iterator<Item = &GradeSlot> {
        self.grade_slots().chain(self.child_sections().flat_map(|(_, c)| &c.grades))
    }

    /// The narrative slots copied into the next year (the plan part).
    pub fn carried_slots(&self) -> Vec<&str> {
        let own = self.sections.iter().flat_map(|s| &s.slots);
        let rows = self.child_sections().flat_map(|(_, c)| &c.slots);
        own.chain(rows).filter(|s| s.carried).map(|s| s.code.as_str()).collect()
    }

    /// Whether this is the sheet of an item of `kind`.
    pub fn is_for(&self, kind: &str) -> bool {
        self.item_kinds.iter().any(|k| k == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_has_unique_keys() {
        for layout in SheetLayout::presets() {
            let keys = layout.label_keys();
            let mut seen = std::collections::BTreeSet::new();
            for (k, _) in &keys {
                assert!(seen.insert(k.clone()), "{} repeats {k}", layout.preset);
            }
            assert!(layout.has(SectionKind::Narratives), "{}", layout.preset);
            assert!(!layout.item_kinds.is_empty(), "{} is the sheet of some kind of item", layout.preset);
            assert!(!layout.name.is_empty());
        }
        // Every kind a seed city uses exists.
        for city in ["132047", "222062", "132110", "132136", "011002"] {
            for kind in default_kinds_for(city) {
                assert!(SheetLayout::preset(kind).is_ok(), "{city}: {kind}");
            }
        }
    }

    /// The files were written from the Rust code that built the presets
    /// and checked to read as exactly that (see the history of this file);
    /// now they read back as themselves and keep what the forms hinge on.
    #[test]
    fn preset_files_read_back_as_themselves() {
        for code in PRESETS {
            let text = SheetLayout::preset_toml(code).unwrap();
            let read = SheetLayout::from_toml(text).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(read.preset, *code, "the file's code is its name");
            assert_eq!(SheetLayout::from_toml(&read.to_toml()).unwrap(), read, "{code}");
        }
        let nil: Vec<&str> = PRESETS
            .iter()
            .map(|p| SheetLayout::preset(p).unwrap().nil_amount)
            .map(|n| if n == "-" { "-" } else { "0" })
            .collect();
        assert_eq!(nil, ["0", "0", "0", "-", "0", "0", "0"], "三島市 prints nothing as -");
        let roadmap: Vec<Option<u8>> =
            PRESETS.iter().map(|p| SheetLayout::preset(p).unwrap().roadmap_years()).collect();
        assert_eq!(roadmap, [None, None, None, None, Some(4), None, None], "小平市's 工程表 spans four years");
        assert_eq!(default_kinds_for("132047"), ["mitaka", "mitaka-measure", "mitaka-issue"]);
        assert_eq!(default_kinds_for("222062"), ["mishima"]);
        assert_eq!(SheetLayout::preset("mitaka").unwrap().label("budget.initial"), "予算額（当初）");
        assert_eq!(SheetLayout::preset("mitaka").unwrap().label("budget.settlement"), "決算額");
    }

    /// A city's own 事業評価 sheet: two narratives, an indicator table and
    /// one grade by the section head on a 3-grade scale.
    pub const OWN: &str = r#"
code = "sample-jigyo"
name = "事業評価シート"
item_kinds = ["project"]
vocabulary = "achievement"

[labels]
"indicator.actual" = "今年度の実績"

[[sections]]
key = "content"
kind = "narratives"
label = "事業の内容"

[[sections.slots]]
code = "overview"
label = "事業のあらまし"
carried = true

[[sections.slots]]
code = "summary"
label = "今年度のふりかえり"

[[sections]]
key = "indicators"
kind = "indicators"
label = "成果の指標"

[[sections]]
key = "grades"
kind = "grades"
label = "課長の評価"

[[sections.grades]]
stage = "事後評価"
evaluator = "section"
scale = "mitaka-midyear"
label = "課長評価"
writer = "head"
"#;

    #[test]
    fn a_city_defines_its_own_kind() {
        let own = SheetLayout::from_toml(OWN).unwrap();
        assert_eq!(own.preset, "sample-jigyo");
        assert_eq!(own.money_unit, MoneyInputUnit::Thousand);
        assert_eq!(own.nil_amount(), "0");
        assert_eq!(own.label("indicator.actual"), "今年度の実績");
        assert_eq!(own.label("budget.initial"), "当初予算", "labels it does not name are the defaults");
        let g = own.grade_slots().next().unwrap();
        assert_eq!((g.stage, g.evaluator, g.writer), (Stage::YearEnd, Evaluator::Section, Writer::Head));
        assert_eq!(own.carried_slots(), vec!["overview"]);
        assert!(own.check_scales(&["mitaka-midyear".into()]).is_ok());
        let e = own.check_scales(&["kodaira-sab".into()]).unwrap_err().to_string();
        assert_eq!(
            e,
            "様式の定義の sections[2]（key = \"grades\"）.grades[0].scale: 「mitaka-midyear」という評価尺度はありません（kodaira-sab のいずれか）"
        );
        assert_eq!(SheetLayout::from_toml(&own.to_toml()).unwrap(), own);
    }

    #[test]
    fn a_wrong_definition_is_told_by_its_key() {
        let bad = |from: &str, to: &str| {
            assert!(OWN.contains(from), "{from}");
            SheetLayout::from_toml(&OWN.replacen(from, to, 1)).unwrap_err().to_string()
        };
        assert_eq!(
            bad("stage = \"事後評価\"", "stage = \"final\""),
            "様式の定義の35行目（stage）: 「final」は使えません（midyear, yearend, first, second のいずれか）"
        );
        assert!(bad("evaluator = \"section\"", "evaluator = \"課長\"").contains("（evaluator）: 「課長」は使えません"));
        assert_eq!(
            bad("scale = \"mitaka-midyear\"\n", ""),
            "様式の定義の sections[2]（key = \"grades\"）.grades[0].scale: 評価尺度（scale）を書いてください"
        );
        assert_eq!(
            bad("code = \"summary\"", "code = \"overview\""),
            "様式の定義の overview: キー「overview」が2回あります（見出しの key、記述の code、評価の段階と評価者の組は、ひとつの様式で重ならないようにしてください）"
        );
        assert!(bad("kind = \"indicators\"", "kind = \"graph\"")
            .contains("（kind）: 「graph」は使えません（narratives, indicators,"));
        assert!(bad("label = \"事業の内容\"", "label = \"事業の内容\"\ncolour = \"red\"")
            .contains("（colour）: キー「colour」はこの場所では使えません"));
        assert!(bad("name = \"事業評価シート\"\n", "").contains("キー「name」がありません"));
        assert!(bad("item_kinds = [\"project\"]", "item_kinds = [\"jigyo\"]")
            .starts_with("様式の定義の item_kinds[0]: 「jigyo」という項目の種類はありません"));
        assert!(bad("\"indicator.actual\"", "\"indicator.colour\"")
            .starts_with("様式の定義の labels.\"indicator.colour\": "));
        assert!(bad("name = \"事業評価シート\"", "name = \"a\"\nname = \"b\"").contains("キー「name」が2回あります"));
        assert!(bad("key = \"grades\"\nkind = \"grades\"", "key = \"grades\"\nkind = \"narratives\"")
            .contains("kind = \"narratives\" の見出しには slots が要ります"));
    }

    #[test]
    fn default_preset_follows_the_city() {
        assert_eq!(default_preset_for("132047"), "mitaka");
        assert_eq!(default_preset_for("222062"), "mishima");
        assert_eq!(default_preset_for("132110"), "kodaira");
        assert_eq!(default_preset_for("132136"), "higashimurayama");
        assert_eq!(default_preset_for("011002"), "mitaka");
    }

    #[test]
    fn slots_match_the_importers() {
        let mitaka = SheetLayout::preset("mitaka").unwrap();
        assert_eq!(mitaka.slot("summary").unwrap().label, "事業の総括（主管課）");
        assert_eq!(mitaka.slot("board_opinion").unwrap().writer, Writer::Reviewer);
        assert_eq!(mitaka.carried_slots(), vec!["overview"]);
        let mishima = SheetLayout::preset("mishima").unwrap();
        assert!(mishima.has(SectionKind::StaffHours));
        assert!(mishima.is_cost_note("note:1") && !mishima.is_cost_note("organisation"));
        assert!(!SheetLayout::preset("higashimurayama").unwrap().is_cost_note("note:1"), "no cost table");
        let directions = mishima.rows_for("measure_direction").unwrap();
        assert_eq!(directions.slots[2].label, "実施内容に対する評価(Check)");
        assert!(mishima.rows_for("activity").unwrap().indicators);
        assert!(mishima.rows_for("objective").is_none());
        let kodaira = SheetLayout::preset("kodaira").unwrap();
        assert_eq!(kodaira.carried_slots(), vec!["purpose"], "the plan part goes into the next year");
        let hm = SheetLayout::preset("higashimurayama").unwrap();
        assert!(hm.is_for("department") && !hm.is_for("objective"));
        let rows = hm.rows_for("objective").unwrap();
        assert_eq!(rows.grades[0].writer, Writer::Head);
        assert_eq!(rows.grades[0].evaluator, Evaluator::DepartmentHead);
        assert!(hm.all_grade_slots().any(|g| g.scale == "higashimurayama-ab"));
        assert!(SheetLayout::preset("sapporo").is_err());
    }

    #[test]
    fn cities_rename_labels() {
        let mut o = BTreeMap::new();
        o.insert("overview".to_string(), "  事業の概要 ".to_string());
        o.insert("budget.settlement".to_string(), "決算見込額".to_string());
        o.insert("grade.yearend.section".to_string(), "自己評価".to_string());
        o.insert("part_plan".to_string(), String::new());
        let clean = SheetLayout::clean_overrides("mitaka", &o).unwrap();
        assert_eq!(clean.len(), 3, "the blank one means the preset's");
        let l = SheetLayout::with_overrides("mitaka", &clean).unwrap();
        assert_eq!(l.slot("overview").unwrap().label, "事業の概要");
        assert_eq!(l.label("budget.settlement"), "決算見込額");
        assert_eq!(l.grade_slots().nth(2).unwrap().label, "自己評価");
        assert_eq!(l.sections[0].label, "当初計画");

        o.insert("nonsense".into(), "x".into());
        assert_eq!(
            SheetLayout::clean_overrides("mitaka", &o).unwrap_err(),
            LayoutError::UnknownLabel("nonsense".into())
        );
        let long: BTreeMap<String, String> = std::iter::once(("overview".to_string(), "長".repeat(61))).collect();
        assert!(matches!(SheetLayout::clean_overrides("mitaka", &long), Err(LayoutError::TooLong { .. })));
        // Overrides left from another preset are ignored, not an error.
        let stray: BTreeMap<String, String> = std::iter::once(("purpose".to_string(), "ねらい".to_string())).collect();
        assert!(SheetLayout::with_overrides("mitaka", &stray).is_ok());
    }
}
