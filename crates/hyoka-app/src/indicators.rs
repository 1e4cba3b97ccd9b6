//! Indicators as the city's admin defines them, for an item (事業) or for a
//! plan node (施策): kind (成果 / 活動 / 対象 / KPI), name, definition or
//! formula, unit, direction, judgement vocabulary, and the two values a
//! plan fixes in advance: the baseline (計画策定時・現状値) and the final
//! target (最終目標). Values are kept as typed, with their parsed meaning
//! beside them (`IndicatorCell::parse`); the yearly targets and actuals are
//! the sheets' business.

use hyoka_core::access::Action;
use hyoka_core::{Direction, FiscalYear, IndicatorCell, IndicatorKind, JudgementVocabulary, ValueRole};
use hyoka_store::{IndicatorRecord, IndicatorValue, NewIndicator, Store, StoreError};

use crate::input::{optional, optional_long, required, year};
use crate::items::{city_item, item_label};
use crate::plans::{city_node, node_label};
use crate::{Command, CommandError, Cx};

/// Whom an indicator belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndicatorOwner {
    /// An item's own indicator (活動指標, 成果指標 of a 事業).
    Item(i64),
    /// An indicator measuring a plan node (a 施策's 目標指標, a KPI).
    Node(i64),
}

/// What the indicator form holds, as typed.
#[derive(Clone, Debug, Default)]
pub struct IndicatorInput {
    pub kind: String,
    pub name: String,
    pub definition: String,
    pub unit: String,
    pub direction: String,
    pub vocabulary: String,
    pub baseline_year: String,
    pub baseline: String,
    pub target_year: String,
    pub target: String,
}

/// One value a plan fixes: its year and the cell as typed.
type Fixed = Option<(FiscalYear, IndicatorCell)>;

struct Parsed {
    kind: IndicatorKind,
    name: String,
    definition: Option<String>,
    unit: Option<String>,
    direction: Direction,
    vocabulary: Option<String>,
    baseline: Fixed,
    target: Fixed,
}

/// A year and a cell typed together; the year is needed when the cell is
/// not blank.
fn fixed(year_field: &str, field: &str, label: &str, year_text: &str, text: &str) -> Result<Fixed, CommandError> {
    let typed = text.trim();
    let y = year(year_field, &format!("{label}の年度"), year_text)?;
    if typed.is_empty() {
        return Ok(None);
    }
    if typed.chars().count() > 200 {
        return Err(CommandError::invalid(field, format!("{label}は200文字以内にしてください。")));
    }
    let y = y.ok_or_else(|| {
        CommandError::invalid(year_field, format!("{label}の年度を入力してください（例: 2024、令和6年度）。"))
    })?;
    Ok(Some((y, IndicatorCell::parse(typed))))
}

impl IndicatorInput {
    fn parse(&self) -> Result<Parsed, CommandError> {
        let kind: IndicatorKind =
            self.kind.parse().map_err(|_| CommandError::invalid("kind", "指標の種類を一覧から選んでください。"))?;
        let direction: Direction = self
            .direction
            .parse()
            .map_err(|_| CommandError::invalid("direction", "目指す方向を一覧から選んでください。"))?;
        let vocabulary = optional("vocabulary", "判定の表し方", &self.vocabulary, 50)?;
        if let Some(v) = &vocabulary {
            if !JudgementVocabulary::presets().iter().any(|p| &p.code == v) {
                return Err(CommandError::invalid("vocabulary", "判定の表し方を一覧から選んでください。"));
            }
        }
        let target = fixed("target_year", "target", "最終目標", &self.target_year, &self.target)?;
        if target.is_some() && !kind.has_targets() {
            return Err(CommandError::invalid(
                "target",
                "対象指標は事業の対象の大きさ（高齢者数など）を表す指標で、目標は持ちません。最終目標を空欄にしてください。",
            ));
        }
        Ok(Parsed {
            kind,
            name: required("name", "指標名", &self.name, 200)?,
            definition: optional_long("definition", "定義・計算式", &self.definition, 2000)?,
            unit: optional("unit", "単位", &self.unit, 20)?,
            direction,
            vocabulary,
            baseline: fixed("baseline_year", "baseline", "基準値", &self.baseline_year, &self.baseline)?,
            target,
        })
    }
}

/// The baseline and final target an indicator has now: the earliest
/// baseline and the latest target.
pub fn fixed_values(values: &[IndicatorValue]) -> (Fixed, Fixed) {
    let of = |role| values.iter().filter(move |v| v.role == role);
    let baseline = of(ValueRole::Baseline).min_by_key(|v| v.fiscal_year).map(|v| (v.fiscal_year, v.cell.clone()));
    let target = of(ValueRole::Target).max_by_key(|v| v.fiscal_year).map(|v| (v.fiscal_year, v.cell.clone()));
    (baseline, target)
}

async fn city_indicator(store: &Store, code: &str, id: i64) -> Result<IndicatorRecord, CommandError> {
    match store.indicator(id).await {
        Ok(i) if i.municipality_code == code => Ok(i),
        Ok(_) | Err(StoreError::NotFound { .. }) => Err(CommandError::NotFound("指標".into())),
        Err(e) => Err(e.into()),
    }
}

/// Refuses a value in a locked year, naming the field.
async fn check_open(store: &Store, code: &str, field: &str, fy: FiscalYear) -> Result<(), CommandError> {
    if store.fiscal_year(code, fy).await?.locked {
        return Err(CommandError::invalid(
            field,
            format!(
                "{}は確定済みのため、その年度の値は変更できません。確定していない年度を入力してください。",
                fy.label()
            ),
        ));
    }
    Ok(())
}

/// Writes one fixed value where it changed, removing the old one when its
/// year moved or it was cleared. `before` and `after` are checked against
/// locked years by the caller.
async fn write_fixed(
    cx: &mut Cx<'_>,
    id: i64,
    role: ValueRole,
    before: &Fixed,
    after: &Fixed,
) -> Result<(), CommandError> {
    let tx = cx.tx().await?;
    if let Some((y, _)) = before {
        if after.as_ref().is_none_or(|(ny, _)| ny != y) {
            tx.set_typed_value(id, *y, role, None).await?;
        }
    }
    if let Some((y, cell)) = after {
        tx.set_typed_value(id, *y, role, Some(cell)).await?;
    }
    Ok(())
}

fn same(a: &Fixed, b: &Fixed) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some((ya, ca)), Some((yb, cb))) => ya == yb && ca.printed() == cb.printed(),
        _ => false,
    }
}

/// Checks the years a change of a fixed value touches.
async fn check_fixed(
    store: &Store,
    code: &str,
    field: &str,
    before: &Fixed,
    after: &Fixed,
) -> Result<(), CommandError> {
    if same(before, after) {
        return Ok(());
    }
    if let Some((y, _)) = after {
        check_open(store, code, field, *y).await?;
    }
    if let Some((y, _)) = before {
        check_open(store, code, field, *y).await?;
    }
    Ok(())
}

fn show_fixed(f: &Fixed) -> Option<String> {
    f.as_ref().map(|(y, c)| format!("{}（{}）", c.printed(), y.label()))
}

/// How a field of an indicator reads in the audit log.
type Shown = fn(&Parsed) -> Option<String>;

/// Records the field-level changes of an indicator.
fn record(cx: &mut Cx<'_>, name: &str, before: Option<&Parsed>, after: &Parsed, was: (&Fixed, &Fixed)) {
    let b = |f: Shown| before.and_then(f);
    let fields: [(&str, Shown); 6] = [
        ("指標名", |p| Some(p.name.clone())),
        ("種類", |p| Some(p.kind.label().into())),
        ("定義・計算式", |p| p.definition.clone()),
        ("単位", |p| p.unit.clone()),
        ("目指す方向", |p| Some(p.direction.label().into())),
        ("判定の表し方", |p| {
            p.vocabulary.as_ref().map(|v| {
                JudgementVocabulary::presets().into_iter().find(|x| &x.code == v).map_or(v.clone(), |x| x.name)
            })
        }),
    ];
    for (label, get) in fields {
        let (old, new) = (b(get), get(after));
        if old != new {
            cx.change(format!("指標の{label} {name}"), old, new);
        }
    }
    if !same(was.0, &after.baseline) {
        cx.change(format!("基準値 {name}"), show_fixed(was.0), show_fixed(&after.baseline));
    }
    if !same(was.1, &after.target) {
        cx.change(format!("最終目標 {name}"), show_fixed(was.1), show_fixed(&after.target));
    }
}

/// Adds an indicator to an item or a plan node. Its key is made from the
/// owner's (`{item key}-1`, `{plan code}-{node code}-1`).
pub struct CreateIndicator {
    pub municipality: String,
    pub owner: IndicatorOwner,
    pub input: IndicatorInput,
}

impl Command for CreateIndicator {
    const CODE: &'static str = "indicator.create";
    type Output = i64;

    async fn run(self, cx: &mut Cx<'_>) -> Result<i64, CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        let (item_id, node_id, stem, owner) = match self.owner {
            IndicatorOwner::Item(id) => {
                let item = city_item(cx.store, city, id).await?;
                (Some(item.id), None, item.key.clone(), item_label(&item))
            }
            IndicatorOwner::Node(id) => {
                let (node, plan) = city_node(cx.store, city, id).await?;
                (None, Some(node.id), format!("{}-{}", plan.code, node.code), node_label(&plan, &node))
            }
        };
        let p = self.input.parse()?;
        check_fixed(cx.store, city, "baseline_year", &None, &p.baseline).await?;
        check_fixed(cx.store, city, "target_year", &None, &p.target).await?;
        let mut n = 1;
        let key = loop {
            let key = format!("{stem}-{n}");
            if !cx.store.indicator_key_taken(city, &key).await? {
                break key;
            }
            n += 1;
        };
        let new = NewIndicator {
            key: key.clone(),
            name: p.name.clone(),
            kind: p.kind,
            definition: p.definition.clone(),
            unit: p.unit.clone(),
            direction: p.direction,
            vocabulary: p.vocabulary.clone(),
            item_id,
            node_id,
            related_node_id: None,
        };
        let id = cx.tx().await?.upsert_indicator(city, &new).await?;
        write_fixed(cx, id, ValueRole::Baseline, &None, &p.baseline).await?;
        write_fixed(cx, id, ValueRole::Target, &None, &p.target).await?;
        if let Some(item) = item_id {
            cx.tx().await?.reindex_item(item).await?;
        }
        cx.about(city, item_id, None);
        cx.summary(format!("{}の指標「{}」（{}）を追加", owner, p.name, p.kind.label()));
        cx.change(format!("指標 {}", p.name), None, Some(format!("追加（キー {key}）")));
        record(cx, &p.name, None, &p, (&None, &None));
        Ok(id)
    }
}

/// Changes an indicator's definition, baseline or final target.
pub struct EditIndicator {
    pub municipality: String,
    pub indicator_id: i64,
    pub input: IndicatorInput,
}

impl Command for EditIndicator {
    const CODE: &'static str = "indicator.edit";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        let ind = city_indicator(cx.store, city, self.indicator_id).await?;
        let p = self.input.parse()?;
        let (baseline, target) = fixed_values(&cx.store.indicator_values(ind.id).await?);
        let before = Parsed {
            kind: ind.kind,
            name: ind.name.clone(),
            definition: ind.definition.clone(),
            unit: ind.unit.clone(),
            direction: ind.direction,
            vocabulary: ind.vocabulary.clone(),
            baseline: None,
            target: None,
        };
        check_fixed(cx.store, city, "baseline_year", &baseline, &p.baseline).await?;
        check_fixed(cx.store, city, "target_year", &target, &p.target).await?;
        let unchanged_fields = (p.kind, &p.name, &p.definition, &p.unit, p.direction, &p.vocabulary)
            == (before.kind, &before.name, &before.definition, &before.unit, before.direction, &before.vocabulary);
        if unchanged_fields && same(&baseline, &p.baseline) && same(&target, &p.target) {
            cx.unchanged();
            return Ok(());
        }
        let new = NewIndicator {
            key: ind.key.clone(),
            name: p.name.clone(),
            kind: p.kind,
            definition: p.definition.clone(),
            unit: p.unit.clone(),
            direction: p.direction,
            vocabulary: p.vocabulary.clone(),
            item_id: ind.item_id,
            node_id: ind.node_id,
            // The form does not show it: an edit keeps the node it names.
            related_node_id: ind.related_node_id,
        };
        cx.tx().await?.upsert_indicator(city, &new).await?;
        if !same(&baseline, &p.baseline) {
            write_fixed(cx, ind.id, ValueRole::Baseline, &baseline, &p.baseline).await?;
        }
        if !same(&target, &p.target) {
            write_fixed(cx, ind.id, ValueRole::Target, &target, &p.target).await?;
        }
        if let Some(item) = ind.item_id {
            cx.tx().await?.reindex_item(item).await?;
        }
        cx.about(city, ind.item_id, None);
        cx.summary(format!("指標「{}」を変更", ind.name));
        record(cx, &ind.name, Some(&before), &p, (&baseline, &target));
        Ok(())
    }
}

/// Removes an indicator with its values, unless it has values or
/// judgements in a locked (確定) year: then the years are named.
pub struct RemoveIndicator {
    pub municipality: String,
    pub indicator_id: i64,
}

impl Command for RemoveIndicator {
    const CODE: &'static str = "indicator.remove";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        let ind = city_indicator(cx.store, city, self.indicator_id).await?;
        let locked = cx.store.indicator_locked_years(ind.id).await?;
        if !locked.is_empty() {
            let years: Vec<String> = locked.iter().map(|y| y.label()).collect();
            return Err(CommandError::Conflict(format!(
                "指標「{}」には確定済みの年度（{}）の値があるため削除できません。確定した記録は変更できません。",
                ind.name,
                years.join("、")
            )));
        }
        let values = cx.store.indicator_values(ind.id).await?;
        cx.tx().await?.delete_indicator(ind.id).await?;
        if let Some(item) = ind.item_id {
            cx.tx().await?.reindex_item(item).await?;
        }
        cx.about(city, ind.item_id, None);
        cx.summary(format!("指標「{}」（キー {}）を削除", ind.name, ind.key));
        cx.change(format!("指標 {}", ind.name), Some(format!("キー {}、値{}件", ind.key, values.len())), None);
        Ok(())
    }
}
