//! The mapping file: how a city's own workbook maps onto hyoka's model
//! (docs/mapping.md). TOML, read with serde and then checked as a whole;
//! every problem names the mapping key (`indicators[2].kind`) in Japanese.

use std::collections::HashSet;
use std::fmt;

use hyoka_core::money::MoneyUnit;
use hyoka_core::text::normalise;
use hyoka_core::{Direction, Era, Evaluator, FiscalYear, IndicatorKind, NextDirection, Stage, ValueRole};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::canonical::json::serde_words;
use crate::error::{shown, ImportError, Place};

pub use super::column::ColumnRef;

/// A mapping file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub city: Option<CitySpec>,
    #[serde(default)]
    pub sheet: SheetSpec,
    pub year: YearSpec,
    pub item: ItemSpec,
    pub plan: Option<PlanSpec>,
    #[serde(default)]
    pub narratives: Vec<NarrativeSpec>,
    #[serde(default)]
    pub budgets: Vec<BudgetSpec>,
    #[serde(default)]
    pub indicators: Vec<IndicatorSpec>,
    #[serde(default)]
    pub criteria: Vec<CriterionSpec>,
    #[serde(default)]
    pub evaluations: Vec<EvaluationSpec>,
    pub direction: Option<DirectionSpec>,
    /// Further sheets joined to the main one row by row (mapping/join.rs).
    #[serde(default)]
    pub join: Vec<JoinSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitySpec {
    pub code: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetSpec {
    /// The sheet's exact name.
    pub name: Option<String>,
    /// A name with `*` standing for any characters: `事務事業評価*`.
    pub pattern: Option<String>,
    /// The header's row as the spreadsheet numbers it (1-based).
    pub header_row: Option<u32>,
    /// Or: the first row holding all these headings.
    #[serde(default)]
    pub header_find: Vec<String>,
    /// Rows between the header and the data (a units row).
    #[serde(default)]
    pub skip_rows: u32,
    /// `blank_key` (default): the data ends at the first row whose item
    /// code is blank. `skip_blank`: such rows are skipped to the sheet's end.
    pub until: Option<String>,
    /// Columns whose blank cells take the value above (merged cells).
    #[serde(default)]
    pub fill_down: Vec<ColumnRef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearSpec {
    /// One fiscal year for every row: `令和6年度`, `R6`, `2024`.
    pub fixed: Option<String>,
    /// Or the column holding each row's fiscal year.
    pub column: Option<ColumnRef>,
    /// The era of bare numbers (`6` → 令和6年度).
    pub era: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemSpec {
    /// The item's printed number: its key.
    pub code: ColumnRef,
    pub title: Option<ColumnRef>,
    /// `project` unless said otherwise.
    pub kind: Option<String>,
    /// Put before the code to make the key (`jimu:`); empty by default.
    #[serde(default)]
    pub key_prefix: String,
    /// Digit-only codes are zero-padded to this width (`7` → `007`).
    pub code_width: Option<usize>,
    pub department: Option<ColumnRef>,
    pub section: Option<ColumnRef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSpec {
    pub code: String,
    pub name: Option<String>,
    /// The plan node the item sits under, by its printed code.
    pub node: ColumnRef,
    pub node_title: Option<ColumnRef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeSpec {
    pub slot: String,
    /// The printed heading; the column's header when not given.
    pub label: Option<String>,
    pub column: ColumnRef,
    #[serde(default)]
    pub year: YearRef,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetSpec {
    #[serde(default)]
    pub year: YearRef,
    /// The same columns again for the following years: `count` blocks,
    /// `stride` columns apart, the year one later each time.
    pub repeat: Option<Repeat>,
    /// The key messages name (set when the mapping is read).
    #[serde(skip)]
    pub origin: String,
    /// `千円` unless said otherwise: the unit of bare numbers.
    pub unit: Option<String>,
    pub initial: Option<ColumnRef>,
    #[serde(rename = "final")]
    pub final_budget: Option<ColumnRef>,
    pub settlement: Option<ColumnRef>,
    pub general_revenue: Option<ColumnRef>,
    pub carried_over: Option<ColumnRef>,
    /// 財源内訳 (in `unit`).
    pub national: Option<ColumnRef>,
    pub prefectural: Option<ColumnRef>,
    pub bonds: Option<ColumnRef>,
    pub other_funding: Option<ColumnRef>,
    /// 従事時間 (hours, all staff).
    pub staff_hours: Option<ColumnRef>,
    /// 人件費単価 in yen per hour: a column, or one figure for every row.
    pub hourly_cost: Option<ColumnRef>,
    pub hourly_cost_yen: Option<i64>,
    /// 人件費 and トータルコスト as printed (in `unit`).
    pub personnel_cost: Option<ColumnRef>,
    pub total_cost: Option<ColumnRef>,
}

impl BudgetSpec {
    /// Every column the table names, in `BudgetLine::ALL` order (its keys
    /// are the lines' codes).
    pub fn columns(&self) -> [&Option<ColumnRef>; 13] {
        [
            &self.initial,
            &self.final_budget,
            &self.settlement,
            &self.general_revenue,
            &self.carried_over,
            &self.national,
            &self.prefectural,
            &self.bonds,
            &self.other_funding,
            &self.staff_hours,
            &self.hourly_cost,
            &self.personnel_cost,
            &self.total_cost,
        ]
    }

    fn columns_mut(&mut self) -> [&mut Option<ColumnRef>; 13] {
        [
            &mut self.initial,
            &mut self.final_budget,
            &mut self.settlement,
            &mut self.general_revenue,
            &mut self.carried_over,
            &mut self.national,
            &mut self.prefectural,
            &mut self.bonds,
            &mut self.other_funding,
            &mut self.staff_hours,
            &mut self.hourly_cost,
            &mut self.personnel_cost,
            &mut self.total_cost,
        ]
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// Unique within the mapping; the indicator's key is `<item key>/<id>`.
    pub id: String,
    /// 活動 / 対象 / 成果 (or the codes `activity`, `population`, `outcome`).
    pub kind: String,
    pub name: Option<ColumnRef>,
    /// A fixed name, when the sheet prints none.
    pub name_text: Option<String>,
    pub unit: Option<ColumnRef>,
    pub unit_text: Option<String>,
    pub direction: Option<String>,
    #[serde(default)]
    pub values: Vec<ValueSpec>,
    /// Values in a block of columns without years in their headers.
    pub values_block: Option<ValuesBlock>,
    /// The same group of columns again for the next indicators (ア, イ, ウ):
    /// `count` groups, `stride` columns apart; ids get `-1`, `-2` …
    pub repeat: Option<Repeat>,
    #[serde(skip)]
    pub origin: String,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    pub count: u32,
    pub stride: u32,
}

/// `{ start = "P", years = [-1, 0, 1], roles = ["target", "actual"] }`:
/// from column P on, for each year its roles side by side (P = target of
/// last year, Q = its actual, R = this year's target …). `stride`: columns
/// from one year to the next, the number of roles unless said otherwise.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValuesBlock {
    pub start: ColumnRef,
    pub years: Vec<YearRef>,
    pub roles: Vec<String>,
    pub stride: Option<u32>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueSpec {
    #[serde(default)]
    pub year: YearRef,
    /// `target` 目標 / `actual` 実績 / `baseline` 基準値.
    pub role: String,
    pub column: ColumnRef,
    #[serde(skip)]
    pub origin: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionSpec {
    /// The criterion as the sheet names it: 目的妥当性.
    pub name: String,
    pub category: Option<ColumnRef>,
    pub reason: Option<ColumnRef>,
    /// The narrative slot; `criterion` unless said otherwise.
    pub slot: Option<String>,
    /// The categories the city allows (`結びついている`, …): a cell with
    /// another is named, and they become the city's criteria.
    #[serde(default)]
    pub categories: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationSpec {
    pub stage: String,
    pub evaluator: String,
    pub scale: Option<String>,
    pub grade: Option<ColumnRef>,
    pub comment: Option<ColumnRef>,
    #[serde(default)]
    pub year: YearRef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectionSpec {
    pub column: ColumnRef,
    pub reason: Option<ColumnRef>,
    /// The city's words → `expand`, `keep`, `shrink`, `merge`, `pause`,
    /// `end`, or `none` (kept as printed only).
    #[serde(default)]
    pub words: std::collections::BTreeMap<String, String>,
}

/// A fiscal year relative to the row's (`-1` = the year before) or fixed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum YearRef {
    Offset(i32),
    Fixed(String),
}

impl Default for YearRef {
    fn default() -> Self {
        YearRef::Offset(0)
    }
}

impl<'de> Deserialize<'de> for YearRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = YearRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<YearRef, E> {
                i32::try_from(v).map(YearRef::Offset).map_err(|_| E::custom("年度のずれが大きすぎます"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<YearRef, E> {
                Ok(YearRef::Fixed(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// How the data ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
    BlankKey,
    SkipBlank,
}

/// A mapping checked as a whole: every word parsed, so that reading the
/// rows never fails on the mapping itself.
#[derive(Debug)]
pub struct Checked {
    pub raw: Mapping,
    pub until: Until,
    pub fixed_year: Option<FiscalYear>,
    pub era: Option<Era>,
    pub kind: String,
    pub indicators: Vec<CheckedIndicator>,
    pub budget_units: Vec<MoneyUnit>,
    pub evaluations: Vec<(Stage, Evaluator)>,
    /// Normalised city word → direction (`None`: printed only).
    pub direction_words: Vec<(String, Option<NextDirection>)>,
}

#[derive(Debug)]
pub struct CheckedIndicator {
    pub kind: IndicatorKind,
    pub direction: Direction,
    pub roles: Vec<ValueRole>,
}

impl Checked {
    /// The city's own words the mapping declares (criteria with their
    /// categories, direction words), to keep as the city's vocabulary;
    /// `None` when it declares neither.
    pub fn vocabulary(&self) -> Option<CityVocabulary> {
        let criteria: Vec<Criterion> = self
            .raw
            .criteria
            .iter()
            .map(|c| Criterion {
                name: c.name.trim().to_string(),
                categories: c.categories.iter().map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect(),
            })
            .collect();
        let directions: Vec<DirectionWord> = self
            .raw
            .direction
            .iter()
            .flat_map(|d| &d.words)
            .zip(&self.direction_words)
            .map(|((word, _), (_, direction))| DirectionWord { word: word.trim().to_string(), direction: *direction })
            .collect();
        let declared = criteria.iter().any(|c| !c.categories.is_empty()) || !directions.is_empty();
        declared.then_some(CityVocabulary { criteria, directions })
    }
}

/// Reads and checks a mapping file. Problems of the file's syntax name its
/// line; problems of its content name the key.
pub fn parse(file: &str, text: &str) -> Result<Checked, ImportError> {
    let de = toml::Deserializer::new(text);
    let raw: Mapping = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let line = inner.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let message = inner.message().trim().to_string();
        // serde's "field" is a key of the mapping, not an item (項目) of the model.
        let words = serde_words(&message).replacen("項目 ", "キー ", 1).replacen("必要な項目", "必要なキー", 1);
        let words = if words.contains("TOML") || !is_syntax(&inner) {
            words
        } else {
            "TOML の書き方に誤りがあります（キー = 値、[表]、[[表の配列]] の形で書きます）".to_string()
        };
        let key = if path.is_empty() || path == "." { String::new() } else { format!("{path}: ") };
        let place = match line {
            Some(l) => Place::line(file, l),
            None => Place::file(file),
        };
        ImportError::new(place, format!("対応表の {key}{words}"))
    })?;
    let mut raw = raw;
    let problems = expand(&mut raw);
    let problems: Vec<ImportError> = problems
        .into_iter()
        .map(|(key, message)| ImportError::new(Place::file(file), format!("対応表の {key}: {message}")))
        .collect();
    ImportError::all(problems)?;
    check(file, raw)
}

/// Writes out the repeated blocks (`repeat`, `values_block`) as the
/// entries they stand for, each remembering the key that made it.
fn expand(raw: &mut Mapping) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let mut indicators = Vec::new();
    for (i, mut ind) in std::mem::take(&mut raw.indicators).into_iter().enumerate() {
        let origin = format!("indicators[{i}]");
        for (j, v) in ind.values.iter_mut().enumerate() {
            v.origin = format!("{origin}.values[{j}]");
        }
        if let Some(block) = ind.values_block.take() {
            let key = format!("{origin}.values_block");
            let stride = block.stride.unwrap_or(block.roles.len() as u32);
            if block.years.is_empty() || block.roles.is_empty() {
                problems.push((key.clone(), "years と roles を1つ以上書いてください".into()));
            }
            for (yi, year) in block.years.iter().enumerate() {
                for (ri, role) in block.roles.iter().enumerate() {
                    let by = yi as u32 * stride + ri as u32;
                    match block.start.shifted(by, by) {
                        Ok(column) => ind.values.push(ValueSpec {
                            year: year.clone(),
                            role: role.clone(),
                            column,
                            origin: key.clone(),
                        }),
                        Err(m) => problems.push((format!("{key}.start"), m)),
                    }
                }
            }
        }
        ind.origin = origin.clone();
        match ind.repeat.take() {
            None => indicators.push(ind),
            Some(r) => {
                if r.count == 0 || r.stride == 0 {
                    problems.push((format!("{origin}.repeat"), "count と stride は 1 以上です".into()));
                }
                for k in 0..r.count {
                    let mut copy = ind.clone();
                    copy.id = format!("{}-{}", ind.id.trim(), k + 1);
                    copy.origin = format!("{origin}（repeat の{}つ目）", k + 1);
                    let mut shift = |c: &mut ColumnRef| match c.shifted(k * r.stride, k) {
                        Ok(n) => *c = n,
                        Err(m) => problems.push((format!("{origin}.repeat"), m)),
                    };
                    copy.name.iter_mut().for_each(&mut shift);
                    copy.unit.iter_mut().for_each(&mut shift);
                    for v in &mut copy.values {
                        shift(&mut v.column);
                        v.origin = format!("{}（repeat の{}つ目）", v.origin, k + 1);
                    }
                    indicators.push(copy);
                }
            }
        }
    }
    raw.indicators = indicators;
    let mut budgets = Vec::new();
    for (i, mut b) in std::mem::take(&mut raw.budgets).into_iter().enumerate() {
        let origin = format!("budgets[{i}]");
        b.origin = origin.clone();
        match b.repeat.take() {
            None => budgets.push(b),
            Some(r) => {
                let YearRef::Offset(base) = b.year else {
                    problems.push((
                        format!("{origin}.year"),
                        "repeat では year を行の年度からのずれ（数）で書いてください".into(),
                    ));
                    continue;
                };
                if r.count == 0 || r.stride == 0 {
                    problems.push((format!("{origin}.repeat"), "count と stride は 1 以上です".into()));
                }
                for k in 0..r.count {
                    let mut copy = b.clone();
                    copy.year = YearRef::Offset(base + k as i32);
                    copy.origin = format!("{origin}（repeat の{}つ目）", k + 1);
                    for c in copy.columns_mut().into_iter().flatten() {
                        match c.shifted(k * r.stride, k) {
                            Ok(n) => *c = n,
                            Err(m) => problems.push((format!("{origin}.repeat"), m)),
                        }
                    }
                    budgets.push(copy);
                }
            }
        }
    }
    raw.budgets = budgets;
    problems
}

/// Whether toml refused the text itself rather than a value in it.
fn is_syntax(e: &toml::de::Error) -> bool {
    let m = e.message();
    !(m.starts_with("missing field")
        || m.starts_with("unknown field")
        || m.starts_with("invalid type")
        || m.starts_with("invalid value")
        || m.starts_with("unknown variant")
        || m.starts_with("duplicate field")
        || !m.is_ascii())
}

fn check(file: &str, raw: Mapping) -> Result<Checked, ImportError> {
    let mut problems = Vec::new();
    let mut fail = |key: &str, message: String| {
        problems.push(ImportError::new(Place::file(file), format!("対応表の {key}: {message}")));
    };
    let s = &raw.sheet;
    if s.name.is_some() && s.pattern.is_some() {
        fail("sheet", "name と pattern はどちらか一方だけを書いてください".into());
    }
    match (s.header_row, s.header_find.is_empty()) {
        (Some(_), false) => fail("sheet", "header_row と header_find はどちらか一方だけを書いてください".into()),
        (None, true) => fail(
            "sheet.header_row",
            "見出しの行（header_row）か、見出しを探す文字（header_find）を書いてください".into(),
        ),
        (Some(0), _) => fail("sheet.header_row", "行は 1 から数えます".into()),
        _ => {}
    }
    if s.header_find.iter().any(|h| h.trim().is_empty()) {
        fail("sheet.header_find", "空の見出しは探せません".into());
    }
    let until = match s.until.as_deref().map(str::trim) {
        None | Some("blank_key") => Until::BlankKey,
        Some("skip_blank") => Until::SkipBlank,
        Some(other) => {
            fail("sheet.until", format!("「{}」は使えません（blank_key か skip_blank）", shown(other)));
            Until::BlankKey
        }
    };
    let era = match raw.year.era.as_deref().map(normalise) {
        None => None,
        Some(e) => {
            let e = e.trim_end_matches("年度").to_string();
            let era =
                Era::from_name(&e).or_else(|| e.chars().next().and_then(Era::from_initial).filter(|_| e.len() == 1));
            if era.is_none() {
                fail("year.era", format!("「{}」は元号として読み取れません（令和、平成、昭和、R、H など）", shown(&e)));
            }
            era
        }
    };
    let fixed_year = match (&raw.year.fixed, &raw.year.column) {
        (Some(_), Some(_)) => {
            fail("year", "fixed と column はどちらか一方だけを書いてください".into());
            None
        }
        (None, None) => {
            fail("year", "年度を fixed（すべての行に同じ年度）か column（年度の列）で書いてください".into());
            None
        }
        (Some(y), None) => match super::value::fiscal_year(y, era) {
            Ok(y) => Some(y),
            Err(m) => {
                fail("year.fixed", m);
                None
            }
        },
        (None, Some(_)) => None,
    };
    let kind = raw.item.kind.clone().unwrap_or_else(|| "project".into()).trim().to_string();
    if kind.is_empty() {
        fail("item.kind", "項目の種類が空です".into());
    }
    if raw.item.key_prefix.chars().any(char::is_control) {
        fail("item.key_prefix", "制御文字は使えません".into());
    }
    if let Some(p) = &raw.plan {
        if p.code.trim().is_empty() {
            fail("plan.code", "計画のコードが空です".into());
        }
    }
    for (i, n) in raw.narratives.iter().enumerate() {
        if n.slot.trim().is_empty() {
            fail(&format!("narratives[{i}].slot"), "記述の欄（slot）が空です".into());
        }
        check_year(&mut fail, &format!("narratives[{i}].year"), &n.year, era);
    }
    let mut budget_units = Vec::new();
    let mut budget_years = HashSet::new();
    for b in &raw.budgets {
        let key = b.origin.clone();
        let unit = match b.unit.as_deref().map(normalise).as_deref() {
            None | Some("千円") => MoneyUnit::Thousand,
            Some("円") => MoneyUnit::Yen,
            Some("百万円") => MoneyUnit::Million,
            Some(other) => {
                fail(&format!("{key}.unit"), format!("「{}」は使えません（円、千円、百万円）", shown(other)));
                MoneyUnit::Thousand
            }
        };
        budget_units.push(unit);
        if b.columns().iter().all(|c| c.is_none()) {
            let keys: Vec<&str> = BudgetLine::ALL.iter().map(|l| l.code()).collect();
            fail(&key, format!("列（{}）が1つもありません", keys.join("、")));
        }
        if b.hourly_cost.is_some() && b.hourly_cost_yen.is_some() {
            fail(
                &format!("{key}.hourly_cost_yen"),
                "hourly_cost（列）と hourly_cost_yen（決まった額）はどちらか一方です".into(),
            );
        }
        if b.hourly_cost_yen.is_some_and(|y| y <= 0) {
            fail(&format!("{key}.hourly_cost_yen"), "人件費単価は1円以上の整数で書いてください".into());
        }
        check_year(&mut fail, &format!("{key}.year"), &b.year, era);
        if !budget_years.insert(b.year.clone()) {
            fail(&format!("{key}.year"), "同じ年度の予算が2回書かれています。1つの表にまとめてください".into());
        }
    }
    let mut ids = HashSet::new();
    let mut indicators = Vec::new();
    for ind in &raw.indicators {
        let key = ind.origin.clone();
        let id = ind.id.trim();
        if id.is_empty() {
            fail(&format!("{key}.id"), "指標の id が空です".into());
        } else if !ids.insert(id.to_string()) {
            fail(&format!("{key}.id"), format!("id「{}」が2回あります", shown(id)));
        }
        let kind = indicator_kind(&ind.kind).unwrap_or_else(|| {
            fail(
                &format!("{key}.kind"),
                format!("「{}」は指標の種類として使えません（活動、対象、成果、KPI）", shown(&ind.kind)),
            );
            IndicatorKind::Outcome
        });
        let direction = match &ind.direction {
            None => Direction::HigherIsBetter,
            Some(d) => d.parse().unwrap_or_else(|m: String| {
                fail(&format!("{key}.direction"), m);
                Direction::HigherIsBetter
            }),
        };
        match (&ind.name, &ind.name_text) {
            (Some(_), Some(_)) => fail(&key, "name と name_text はどちらか一方だけを書いてください".into()),
            (None, None) => {
                fail(&format!("{key}.name"), "指標名の列（name）か指標名（name_text）を書いてください".into())
            }
            _ => {}
        }
        if ind.unit.is_some() && ind.unit_text.is_some() {
            fail(&key, "unit と unit_text はどちらか一方だけを書いてください".into());
        }
        if ind.values.is_empty() {
            fail(&format!("{key}.values"), "値の列が1つもありません".into());
        }
        let mut roles = Vec::new();
        let mut seen = HashSet::new();
        for v in &ind.values {
            let vkey = v.origin.clone();
            let role: ValueRole = v.role.parse().unwrap_or_else(|m: String| {
                fail(&format!("{vkey}.role"), m);
                ValueRole::Actual
            });
            if role == ValueRole::Target && !kind.has_targets() {
                fail(
                    &format!("{vkey}.role"),
                    "対象指標（事業の対象の大きさ）は目標を持ちません。実績（actual）として書いてください".into(),
                );
            }
            check_year(&mut fail, &format!("{vkey}.year"), &v.year, era);
            if !seen.insert((v.year.clone(), role)) {
                fail(&vkey, "同じ年度・同じ種類の値が2回書かれています".into());
            }
            roles.push(role);
        }
        indicators.push(CheckedIndicator { kind, direction, roles });
    }
    for (i, c) in raw.criteria.iter().enumerate() {
        if c.name.trim().is_empty() {
            fail(&format!("criteria[{i}].name"), "評価の観点の名前が空です".into());
        }
        if c.category.is_none() && c.reason.is_none() {
            fail(&format!("criteria[{i}]"), "区分の列（category）か理由の列（reason）を書いてください".into());
        }
    }
    let mut evaluations = Vec::new();
    let mut seen = HashSet::new();
    for (i, e) in raw.evaluations.iter().enumerate() {
        let key = format!("evaluations[{i}]");
        let stage: Stage = e.stage.parse().unwrap_or_else(|m: String| {
            fail(&format!("{key}.stage"), m);
            Stage::YearEnd
        });
        let evaluator: Evaluator = e.evaluator.parse().unwrap_or_else(|m: String| {
            fail(&format!("{key}.evaluator"), m);
            Evaluator::Section
        });
        if e.grade.is_none() && e.comment.is_none() {
            fail(&key, "評語の列（grade）か意見の列（comment）を書いてください".into());
        }
        check_year(&mut fail, &format!("{key}.year"), &e.year, era);
        if !seen.insert((e.year.clone(), stage, evaluator)) {
            fail(&key, "同じ年度・時期・評価者の評価が2回書かれています".into());
        }
        evaluations.push((stage, evaluator));
    }
    let mut direction_words = Vec::new();
    if let Some(d) = &raw.direction {
        for (word, code) in &d.words {
            let parsed = match code.trim() {
                "none" | "" => None,
                c => match c.parse::<NextDirection>() {
                    Ok(d) => Some(d),
                    Err(m) => {
                        fail(
                            &format!("direction.words.\"{}\"", shown(word)),
                            format!("{m}。方向性の対応のない語は none"),
                        );
                        None
                    }
                },
            };
            direction_words.push((direction_key(word), parsed));
        }
    }
    ImportError::all(problems)?;
    Ok(Checked { raw, until, fixed_year, era, kind, indicators, budget_units, evaluations, direction_words })
}

fn check_year(fail: &mut impl FnMut(&str, String), key: &str, year: &YearRef, era: Option<Era>) {
    if let YearRef::Fixed(y) = year {
        if let Err(m) = super::value::fiscal_year(y, era) {
            fail(key, m);
        }
    }
}

/// 活動 / 活動指標 / activity, … as a kind.
fn indicator_kind(s: &str) -> Option<IndicatorKind> {
    let s = normalise(s);
    match s.as_str() {
        "活動" => Some(IndicatorKind::Activity),
        "対象" => Some(IndicatorKind::Population),
        "成果" => Some(IndicatorKind::Outcome),
        _ => s.parse().ok(),
    }
}

use hyoka_core::budget::BudgetLine;
pub use hyoka_core::vocabulary::word_key as direction_key;
use hyoka_core::vocabulary::{CityVocabulary, Criterion, DirectionWord};

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "[sheet]\nheader_row = 1\n[year]\nfixed = \"令和6年度\"\n[item]\ncode = \"A\"\n";

    fn error(text: &str) -> String {
        parse("map.toml", text).unwrap_err().to_string()
    }

    #[test]
    fn a_minimal_mapping_reads() {
        let m = parse("map.toml", MINIMAL).unwrap();
        assert_eq!(m.fixed_year, Some(FiscalYear::new(2024).unwrap()));
        assert_eq!(m.raw.item.code, ColumnRef::letter(0));
        assert_eq!(m.kind, "project");
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_named_in_japanese() {
        let e = error(&format!("{MINIMAL}[[indicators]]\nid = \"a\"\nkind = \"活動\"\nnam = \"X\"\n"));
        assert!(e.contains("map.toml") && e.contains("indicators[0]") && e.contains("nam"), "{e}");
        assert!(!e.contains("unknown field"), "{e}");
        let e = error("[sheet]\nheader_row = \"三\"\n[year]\nfixed = \"R6\"\n[item]\ncode = \"A\"\n");
        assert!(e.contains("sheet.header_row") && e.contains("整数"), "{e}");
        let e = error("[sheet\n");
        assert!(e.starts_with("map.toml 1行目: 対応表の "), "{e}");
        let e = error("[sheet]\nheader_row = 1\n[year]\nfixed = \"R6\"\n");
        assert!(e.contains("item"), "{e}");
    }

    #[test]
    fn every_problem_of_the_content_names_its_key() {
        let text = format!(
            "{MINIMAL}[[indicators]]\nid = \"t\"\nkind = \"対象\"\nname = \"B\"\nvalues = [{{ role = \"target\", column = \"C\" }}]\n\
             [[indicators]]\nid = \"t\"\nkind = \"効果\"\nname = \"B\"\nvalues = [{{ role = \"actual\", column = \"C\" }}]\n\
             [[budgets]]\nunit = \"ドル\"\ninitial = \"D\"\n[direction]\ncolumn = \"E\"\nwords = {{ \"改革改善\" = \"reform\" }}\n"
        );
        let e = error(&text);
        for key in [
            "indicators[0].values[0].role",
            "indicators[1].id",
            "indicators[1].kind",
            "budgets[0].unit",
            "direction.words.\"改革改善\"",
        ] {
            assert!(e.contains(key), "{key} missing in {e}");
        }
        assert!(e.contains("対象指標"), "{e}");
    }

    #[test]
    fn year_needs_exactly_one_source() {
        let e = error("[sheet]\nheader_row = 1\n[year]\n[item]\ncode = \"A\"\n");
        assert!(e.contains("対応表の year: 年度を fixed"), "{e}");
        let e = error("[sheet]\nheader_row = 1\n[year]\nfixed = \"来年\"\n[item]\ncode = \"A\"\n");
        assert!(e.contains("year.fixed") && e.contains("来年"), "{e}");
    }

    #[test]
    fn direction_words_compare_without_numbers_or_width() {
        assert_eq!(direction_key("２　改革改善（縮小・統合含む）"), "改革改善(縮小・統合含む)");
        assert_eq!(direction_key("1 現状維持"), "現状維持");
    }
}

/// `[[join]]`: a further sheet whose rows belong to the main sheet's
/// projects, matched by a key column on each side.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinSpec {
    /// The sheet's exact name.
    pub sheet: Option<String>,
    /// Or a name with `*` standing for any characters.
    pub pattern: Option<String>,
    /// The name column references use (`指標!目標`); `sheet` by default.
    #[serde(rename = "as")]
    pub alias: Option<String>,
    pub header_row: Option<u32>,
    #[serde(default)]
    pub header_find: Vec<String>,
    #[serde(default)]
    pub skip_rows: u32,
    pub until: Option<String>,
    #[serde(default)]
    pub fill_down: Vec<ColumnRef>,
    pub on: JoinOn,
}

/// The join key: a column of the main sheet and one of the joined sheet.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinOn {
    pub main: ColumnRef,
    pub other: ColumnRef,
}

impl JoinSpec {
    /// The name column references use.
    pub fn alias(&self) -> &str {
        self.alias.as_deref().or(self.sheet.as_deref()).unwrap_or_default().trim()
    }

    /// How the workbook reader chooses and reads the sheet.
    pub fn sheet_spec(&self) -> SheetSpec {
        SheetSpec {
            name: self.sheet.clone(),
            pattern: self.pattern.clone(),
            header_row: self.header_row,
            header_find: self.header_find.clone(),
            skip_rows: self.skip_rows,
            until: self.until.clone(),
            fill_down: self.fill_down.clone(),
        }
    }
}
