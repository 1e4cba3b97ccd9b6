//! One row per project → an item of the batch, with its narratives,
//! budgets, evaluations, direction and indicators.
//!
//! A city's workbook reports one fiscal year (and prints a few around it:
//! last year's settlement, next year's target). Importing it must not
//! drop what earlier years' workbooks brought, while the canonical import
//! replaces an item's lists as a whole: so each item starts from what is
//! stored, and only the years and fields the mapping names for the row
//! are replaced. Importing the same workbook again changes nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use hyoka_core::budget::BudgetLine;
use hyoka_core::narrative::Block;
use hyoka_core::text::normalise;
use hyoka_core::{BudgetFigures, FiscalYear, Narrative, NextDirection, Yen};

use super::layout::{Col, Header, Resolver};
use super::spec::{direction_key, Checked, Until, YearRef};
use super::value::{budget_line, code, fiscal_year_cell, printed};
use super::workbook::Sheet;
use crate::batch::{
    BudgetRow, CityBatch, EvaluationRow, IndicatorRow, ItemRow, NarrativeRow, NextDirectionRow, NodeRow, PlacementRow,
    PlanRow, SectionRow, ValueRow,
};
use crate::error::{shown, ImportError};

/// The columns of the mapping, found in the sheet.
struct Cols {
    year: Option<Col>,
    code: Col,
    title: Option<Col>,
    department: Option<Col>,
    section: Option<Col>,
    node: Option<Col>,
    node_title: Option<Col>,
    narratives: Vec<Col>,
    /// In `BudgetLine::ALL` order.
    budgets: Vec<Vec<Option<Col>>>,
    indicators: Vec<(Option<Col>, Option<Col>, Vec<Col>)>,
    criteria: Vec<(Option<Col>, Option<Col>)>,
    evaluations: Vec<(Option<Col>, Option<Col>)>,
    direction: Option<(Col, Option<Col>)>,
    fill_down: Vec<Col>,
}

impl Cols {
    /// Every column the mapping reads.
    fn all(&self) -> impl Iterator<Item = &Col> {
        let one = [&self.year, &self.title, &self.department, &self.section, &self.node, &self.node_title];
        one.into_iter()
            .flatten()
            .chain(std::iter::once(&self.code))
            .chain(&self.narratives)
            .chain(self.budgets.iter().flatten().flatten())
            .chain(self.indicators.iter().flat_map(|(n, u, v)| n.iter().chain(u).chain(v)))
            .chain(self.criteria.iter().flat_map(|(a, b)| a.iter().chain(b)))
            .chain(self.evaluations.iter().flat_map(|(a, b)| a.iter().chain(b)))
            .chain(self.direction.iter().flat_map(|(a, b)| std::iter::once(a).chain(b)))
    }
}

fn columns(sheet: &Sheet, header: &Header, m: &Checked) -> Result<Cols, ImportError> {
    let raw = &m.raw;
    let mut r = Resolver { sheet, header, problems: Vec::new() };
    let year = r.opt("year.column", &raw.year.column);
    let code = r.col("item.code", &raw.item.code);
    let title = r.opt("item.title", &raw.item.title);
    let department = r.opt("item.department", &raw.item.department);
    let section = r.opt("item.section", &raw.item.section);
    let (node, node_title) = match &raw.plan {
        Some(p) => (r.col("plan.node", &p.node), r.opt("plan.node_title", &p.node_title)),
        None => (None, None),
    };
    let mut narratives = Vec::new();
    for (i, n) in raw.narratives.iter().enumerate() {
        narratives.extend(r.col(&format!("narratives[{i}].column"), &n.column));
    }
    let budgets = raw
        .budgets
        .iter()
        .map(|b| {
            BudgetLine::ALL
                .iter()
                .zip(b.columns())
                .map(|(l, c)| r.opt(&format!("{}.{}", b.origin, l.code()), c))
                .collect()
        })
        .collect();
    let indicators = raw
        .indicators
        .iter()
        .map(|ind| {
            let name = r.opt(&format!("{}.name", ind.origin), &ind.name);
            let unit = r.opt(&format!("{}.unit", ind.origin), &ind.unit);
            let values = ind
                .values
                .iter()
                .filter_map(|v| {
                    let key = if v.origin.contains("values_block") {
                        v.origin.clone()
                    } else {
                        format!("{}.column", v.origin)
                    };
                    r.col(&key, &v.column)
                })
                .collect();
            (name, unit, values)
        })
        .collect();
    let criteria = raw
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (r.opt(&format!("criteria[{i}].category"), &c.category), r.opt(&format!("criteria[{i}].reason"), &c.reason))
        })
        .collect();
    let evaluations = raw
        .evaluations
        .iter()
        .enumerate()
        .map(|(i, e)| {
            (
                r.opt(&format!("evaluations[{i}].grade"), &e.grade),
                r.opt(&format!("evaluations[{i}].comment"), &e.comment),
            )
        })
        .collect();
    let direction = match &raw.direction {
        Some(d) => r.col("direction.column", &d.column).map(|c| (c, r.opt("direction.reason", &d.reason))),
        None => None,
    };
    let fill_down = raw
        .sheet
        .fill_down
        .iter()
        .enumerate()
        .filter_map(|(i, c)| r.col(&format!("sheet.fill_down[{i}]"), c))
        .collect();
    ImportError::all(r.problems)?;
    Ok(Cols {
        year,
        code: code.expect("resolved, else an error above"),
        title,
        department,
        section,
        node,
        node_title,
        narratives,
        budgets,
        indicators,
        criteria,
        evaluations,
        direction,
        fill_down,
    })
}

/// What a sheet gave.
pub struct Read {
    pub city: CityBatch,
    /// For the person importing: what was noticed.
    pub notes: Vec<String>,
    /// One line per project: what its row brings.
    pub projects: Vec<String>,
}

/// The city's part of the batch, and notes for the person importing.
pub fn city(
    mut sheet: Sheet,
    header: &Header,
    m: &Checked,
    city_code: &str,
    name: &str,
    stored: Option<&CityBatch>,
) -> Result<Read, ImportError> {
    let cols = columns(&sheet, header, m)?;
    let first = header.row + 1 + m.raw.sheet.skip_rows;
    sheet.fill_down(cols.fill_down.iter().map(|c| c.index), first);
    let mut reader = RowReader { sheet: &sheet, m, cols: &cols, problems: Vec::new() };
    let mut city = CityBatch { code: city_code.to_string(), name: name.to_string(), ..CityBatch::default() };
    let stored_items: HashMap<&str, &ItemRow> =
        stored.map(|s| s.items.iter().map(|i| (i.key.as_str(), i)).collect()).unwrap_or_default();
    let stored_indicators: HashMap<&str, &IndicatorRow> =
        stored.map(|s| s.indicators.iter().map(|i| (i.key.as_str(), i)).collect()).unwrap_or_default();
    let mut rows_of: HashMap<String, u32> = HashMap::new();
    let mut nodes: BTreeMap<String, (String, u32)> = BTreeMap::new();
    let mut notes = Vec::new();
    let mut projects = Vec::new();
    let last = sheet.rows.keys().next_back().copied().unwrap_or(0);
    for row in first..=last {
        if sheet.continued.contains(&row) {
            continue;
        }
        let key_cell = sheet.cell(row, cols.code.index);
        let item_code = match code(key_cell, m.raw.item.code_width) {
            Ok(Some(c)) => c,
            Ok(None) if m.until == Until::BlankKey => break,
            Ok(None) => continue,
            Err(msg) => {
                reader.problems.push(cols.code.error(&sheet, row, msg));
                continue;
            }
        };
        let key = format!("{}{item_code}", m.raw.item.key_prefix);
        if let Some(before) = rows_of.insert(key.clone(), row) {
            reader.problems.push(cols.code.error(
                &sheet,
                row,
                format!("番号「{}」の行が2つあります（{}行目と{}行目）", shown(&item_code), before + 1, row + 1),
            ));
            continue;
        }
        let Some(year) = reader.year(row) else { continue };
        let base = stored_items.get(key.as_str()).map(|i| (*i).clone());
        let (item, indicators) = reader.item(row, year, key, item_code, base, &stored_indicators);
        projects.push(summary(row, year, &item, &indicators));
        if let (Some(n), Some(_)) = (&cols.node, &m.raw.plan) {
            if let Ok(Some(node)) = code(sheet.cell(row, n.index), None) {
                let title = cols
                    .node_title
                    .as_ref()
                    .and_then(|c| printed(sheet.cell(row, c.index)).ok().flatten())
                    .unwrap_or_else(|| node.clone());
                match nodes.get(&node) {
                    Some((t, at)) if normalise(t) != normalise(&title) => notes.push(format!(
                        "{}: 計画の項目「{node}」の名前が{}行目では「{}」、{}行目では「{}」です。最初の名前を使います",
                        sheet.file,
                        at + 1,
                        shown(t),
                        row + 1,
                        shown(&title)
                    )),
                    Some(_) => {}
                    None => {
                        nodes.insert(node, (title, row));
                    }
                }
            }
        }
        city.sections.extend(item.sections.iter().cloned());
        city.items.push(item);
        city.indicators.extend(indicators);
    }
    ImportError::all(reader.problems)?;
    if let Some(p) = &m.raw.plan {
        let plan_code = p.code.trim().to_string();
        let mut plan = stored.and_then(|s| s.plan(&plan_code)).cloned().unwrap_or_else(|| PlanRow {
            code: plan_code.clone(),
            name: plan_code.clone(),
            level_names: Vec::new(),
            nodes: Vec::new(),
        });
        if let Some(name) = &p.name {
            plan.name = name.trim().to_string();
        }
        for (node, (title, _)) in nodes {
            match plan.nodes.iter().find(|n| normalise(&n.code) == node) {
                Some(n) if normalise(&n.title) != normalise(&title) => notes.push(format!(
                    "{}: 計画の項目「{node}」は「{}」として登録済みのため、名前「{}」は使いません",
                    sheet.file,
                    shown(&n.title),
                    shown(&title)
                )),
                Some(_) => {}
                None => plan.nodes.push(NodeRow { code: node, parent: None, title, tags: Vec::new() }),
            }
        }
        city.plans.push(plan);
    }
    notes.push(format!("{}: 事業 {} 件、指標 {} 件", sheet.file, city.items.len(), city.indicators.len()));
    notes.extend(unread_columns(&sheet, header, &cols));
    notes.extend(super::join::unread(&sheet, &cols.all().map(|c| c.index).collect()));
    Ok(Read { city, notes, projects })
}

/// What one row brings, for the dry run: `5行目 001 子育て支援事業（令和6年度）: …`.
fn summary(row: u32, year: FiscalYear, item: &ItemRow, indicators: &[IndicatorRow]) -> String {
    let narratives = item.narratives.iter().filter(|n| n.fiscal_year == Some(year)).count();
    let budgets: Vec<String> = item.budgets.iter().map(|b| b.fiscal_year.label()).collect();
    let evaluations = item.evaluations.iter().filter(|e| e.fiscal_year == year).count();
    let values: usize = indicators.iter().map(|i| i.values.iter().filter(|v| v.printed_in == Some(year)).count()).sum();
    let direction = match &item.next_direction {
        Some(d) if d.fiscal_year == year => match d.direction {
            Some(code) => format!("「{}」（{}）", shown(&d.printed), code.label()),
            None => format!("「{}」", shown(&d.printed)),
        },
        _ => "なし".into(),
    };
    format!(
        "{}行目 {} {}（{}）: 記述 {narratives}、予算 {}、評価 {evaluations}、方向性 {direction}、指標 {}（値 {values}）",
        row + 1,
        item.code,
        shown(&item.title),
        year.label(),
        if budgets.is_empty() { "なし".to_string() } else { budgets.join("・") },
        indicators.len()
    )
}

/// The header's columns the mapping does not read, so that a person sees
/// what stays behind.
fn unread_columns(sheet: &Sheet, header: &Header, cols: &Cols) -> Option<String> {
    // A column read on a project's later row (`row = 2`) is read too.
    let own = |i: u32| sheet.segment(i).filter(|s| s.joined.is_none()).map_or(i, |s| i - s.base);
    let used: HashSet<u32> = cols.all().map(|c| own(c.index)).collect();
    let unread: Vec<String> = header
        .texts
        .iter()
        .enumerate()
        .filter(|(i, h)| !h.is_empty() && !used.contains(&(*i as u32)))
        .map(|(i, h)| format!("{}（{}）", crate::canonical::limits::column_letters(i as u32), shown(h)))
        .collect();
    if unread.is_empty() {
        return None;
    }
    let more = if unread.len() > 20 { format!(" ほか {} 列", unread.len() - 20) } else { String::new() };
    let listed: Vec<&str> = unread.iter().take(20).map(String::as_str).collect();
    Some(format!("{}: 対応表にない列（取り込みません）: {}{more}", sheet.file, listed.join("、")))
}

struct RowReader<'a> {
    sheet: &'a Sheet,
    m: &'a Checked,
    cols: &'a Cols,
    problems: Vec<ImportError>,
}

impl RowReader<'_> {
    /// The printed text of a cell, or `None` when blank; an unusable cell
    /// (a date, an error value) is a problem.
    fn text(&mut self, col: &Col, row: u32) -> Option<String> {
        match printed(self.sheet.cell(row, col.index)) {
            Ok(t) => t,
            Err(m) => {
                self.problems.push(col.error(self.sheet, row, m));
                None
            }
        }
    }

    fn opt_text(&mut self, col: &Option<Col>, row: u32) -> Option<String> {
        col.as_ref().and_then(|c| self.text(c, row))
    }

    fn year(&mut self, row: u32) -> Option<FiscalYear> {
        if let Some(y) = self.m.fixed_year {
            return Some(y);
        }
        let col = self.cols.year.as_ref().expect("a year column when no fixed year");
        match fiscal_year_cell(self.sheet.cell(row, col.index), self.m.era) {
            Ok(Some(y)) => Some(y),
            Ok(None) => {
                self.problems.push(col.error(self.sheet, row, "年度が空です"));
                None
            }
            Err(msg) => {
                self.problems.push(col.error(self.sheet, row, msg));
                None
            }
        }
    }

    /// A year relative to the row's, or fixed (checked with the mapping).
    fn at(&mut self, year: FiscalYear, r: &YearRef, col: &Col, row: u32) -> Option<FiscalYear> {
        let y = match r {
            YearRef::Offset(d) => FiscalYear::new(year.year() + d).map_err(|e| e.to_string()),
            YearRef::Fixed(s) => super::value::fiscal_year(s, self.m.era),
        };
        y.map_err(|msg| self.problems.push(col.error(self.sheet, row, msg))).ok()
    }

    fn item(
        &mut self,
        row: u32,
        year: FiscalYear,
        key: String,
        item_code: String,
        base: Option<ItemRow>,
        stored_indicators: &HashMap<&str, &IndicatorRow>,
    ) -> (ItemRow, Vec<IndicatorRow>) {
        let (m, cols) = (self.m, self.cols);
        let mut item = base.unwrap_or_else(|| ItemRow { key: key.clone(), ..ItemRow::default() });
        item.kind = m.kind.clone();
        item.code = item_code;
        if let Some(t) = &cols.title {
            item.title = self.text(t, row).unwrap_or_default();
        }
        item.fiscal_year = Some(item.fiscal_year.map_or(year, |y| y.max(year)));
        if cols.department.is_some() || cols.section.is_some() {
            let department = self.opt_text(&cols.department, row).unwrap_or_default();
            let section = self.opt_text(&cols.section, row).unwrap_or_default();
            item.sections = if department.is_empty() && section.is_empty() {
                Vec::new()
            } else {
                vec![SectionRow { department, section }]
            };
        }
        if let (Some(p), Some(n)) = (&m.raw.plan, &cols.node) {
            let plan = p.code.trim();
            item.placements.retain(|pl| pl.plan != plan);
            match code(self.sheet.cell(row, n.index), None) {
                Ok(Some(node)) => item.placements.push(PlacementRow { plan: plan.to_string(), node, relisting: false }),
                Ok(None) => {}
                Err(msg) => self.problems.push(n.error(self.sheet, row, msg)),
            }
        }
        // Narratives of the city's own slots, and the criteria as narratives.
        let mut narratives: Vec<NarrativeRow> = Vec::new();
        let mut replaced: HashSet<(Option<FiscalYear>, String, String)> = HashSet::new();
        for (spec, col) in m.raw.narratives.iter().zip(&cols.narratives) {
            let Some(y) = self.at(year, &spec.year, col, row) else { continue };
            let label = spec.label.clone().unwrap_or_else(|| col.header.clone());
            let slot = spec.slot.trim().to_string();
            replaced.insert((Some(y), slot.clone(), label.clone()));
            if let Some(text) = self.text(col, row) {
                narratives.push(NarrativeRow {
                    fiscal_year: Some(y),
                    slot,
                    label,
                    text: Narrative::from_markup(&text),
                });
            }
        }
        for (spec, (category, reason)) in m.raw.criteria.iter().zip(&cols.criteria) {
            let slot = spec.slot.clone().unwrap_or_else(|| "criterion".into()).trim().to_string();
            let label = spec.name.trim().to_string();
            replaced.insert((Some(year), slot.clone(), label.clone()));
            let category_col = category.as_ref();
            let category = self.opt_text(category, row);
            if let (Some(c), Some(col)) = (&category, category_col) {
                let allowed =
                    hyoka_core::vocabulary::Criterion { name: label.clone(), categories: spec.categories.clone() };
                if !allowed.allows(c) {
                    self.problems.push(col.error(
                        self.sheet,
                        row,
                        format!(
                            "{}の区分「{}」が対応表の categories にありません（{} のいずれか）",
                            label,
                            shown(c),
                            spec.categories.join("・")
                        ),
                    ));
                }
            }
            let reason = self.opt_text(reason, row);
            let mut blocks: Vec<Block> = category.into_iter().map(Block::Paragraph).collect();
            if let Some(r) = reason {
                blocks.extend(Narrative::from_markup(&r).blocks);
            }
            if !blocks.is_empty() {
                narratives.push(NarrativeRow { fiscal_year: Some(year), slot, label, text: Narrative { blocks } });
            }
        }
        item.narratives.retain(|n| !replaced.contains(&(n.fiscal_year, n.slot.clone(), n.label.clone())));
        item.narratives.extend(narratives);
        // Stable by year, so that importing an older year's workbook after
        // a newer one gives the order importing them in turn would.
        item.narratives.sort_by_key(|n| n.fiscal_year);

        for ((spec, cs), unit) in m.raw.budgets.iter().zip(&cols.budgets).zip(&m.budget_units) {
            let Some(any) = cs.iter().flatten().next() else { continue };
            let Some(y) = self.at(year, &spec.year, any, row) else { continue };
            let mut figures =
                item.budgets.iter().find(|b| b.fiscal_year == y).map(|b| b.figures.clone()).unwrap_or_default();
            let rate = item.budgets.iter().find(|b| b.fiscal_year == y).and_then(|b| b.execution_rate_printed.clone());
            for (&line, col) in BudgetLine::ALL.iter().zip(cs) {
                let Some(col) = col else { continue };
                let cell = self.sheet.cell(row, col.index);
                if let Err(msg) = budget_line(&mut figures, line, cell, *unit) {
                    self.problems.push(col.error(self.sheet, row, msg));
                }
            }
            if let Some(rate) = spec.hourly_cost_yen {
                figures.staff.hourly = Some(Yen(rate));
            }
            item.budgets.retain(|b| b.fiscal_year != y);
            let empty = figures == BudgetFigures::default();
            if !empty {
                item.budgets.push(BudgetRow { fiscal_year: y, figures, execution_rate_printed: rate });
            }
        }
        item.budgets.sort_by_key(|b| b.fiscal_year);

        for ((spec, (grade, comment)), (stage, evaluator)) in
            m.raw.evaluations.iter().zip(&cols.evaluations).zip(&m.evaluations)
        {
            let Some(any) = grade.as_ref().or(comment.as_ref()) else { continue };
            let Some(y) = self.at(year, &spec.year, any, row) else { continue };
            let grade = self.opt_text(grade, row).map(|g| normalise(&g));
            let comment = self.opt_text(comment, row);
            item.evaluations.retain(|e| !(e.fiscal_year == y && e.stage == *stage && e.evaluator == *evaluator));
            if grade.is_some() || comment.is_some() {
                item.evaluations.push(EvaluationRow {
                    fiscal_year: y,
                    stage: *stage,
                    evaluator: *evaluator,
                    scale: spec.scale.clone(),
                    grade,
                    comment,
                });
            }
        }

        if let Some((col, reason)) = &cols.direction {
            let newer = item.next_direction.as_ref().is_some_and(|d| d.fiscal_year > year);
            let printed = self.text(col, row);
            let reason = self.opt_text(reason, row);
            if !newer {
                item.next_direction = match printed {
                    None if reason.is_none() => None,
                    printed => {
                        let printed = printed.unwrap_or_default();
                        let direction = if printed.is_empty() { None } else { self.direction(col, row, &printed) };
                        Some(NextDirectionRow {
                            fiscal_year: year,
                            printed,
                            direction,
                            reason,
                            transfer: item.next_direction.as_ref().and_then(|d| d.transfer.clone()),
                        })
                    }
                };
            }
        }

        let mut indicators = Vec::new();
        for ((spec, checked), (name_col, unit_col, value_cols)) in
            m.raw.indicators.iter().zip(&m.indicators).zip(&cols.indicators)
        {
            let name = self.opt_text(name_col, row).or_else(|| spec.name_text.clone());
            let unit = self.opt_text(unit_col, row).or_else(|| spec.unit_text.clone());
            let mut values = Vec::new();
            let mut covered = HashSet::new();
            for ((v, role), col) in spec.values.iter().zip(&checked.roles).zip(value_cols) {
                let Some(y) = self.at(year, &v.year, col, row) else { continue };
                covered.insert((y, *role));
                if let Some(p) = self.text(col, row) {
                    values.push((y, *role, p, col));
                }
            }
            let ikey = format!("{key}/{}", spec.id.trim());
            let stored = stored_indicators.get(ikey.as_str());
            let Some(name) = name else {
                if let Some((_, _, _, col)) = values.first() {
                    let at = name_col.as_ref().unwrap_or(col);
                    self.problems.push(at.error(self.sheet, row, "指標名が空ですが、値があります"));
                }
                if let Some(s) = stored {
                    indicators.push((*s).clone());
                }
                continue;
            };
            let mut ind = stored.map(|s| (*s).clone()).unwrap_or_else(|| IndicatorRow {
                key: ikey.clone(),
                name: String::new(),
                kind: checked.kind,
                definition: None,
                unit: None,
                direction: checked.direction,
                vocabulary: None,
                item: None,
                node: None,
                related: None,
                values: Vec::new(),
                judgements: Vec::new(),
            });
            ind.name = name;
            ind.kind = checked.kind;
            ind.unit = unit;
            ind.direction = checked.direction;
            ind.item = Some(key.clone());
            ind.values.retain(|v| !(v.source.is_none() && covered.contains(&(v.fiscal_year, v.role))));
            for (y, role, printed, _) in values {
                ind.values.push(ValueRow { fiscal_year: y, role, printed, source: None, printed_in: Some(year) });
            }
            ind.values.sort_by_key(|v| (v.fiscal_year, v.role));
            indicators.push(ind);
        }
        (item, indicators)
    }

    /// The direction a printed word stands for: the mapping's words first,
    /// then hyoka's own (拡充, 維持, 縮小, 統合, 休止, 終了, 廃止). A word
    /// neither knows is a problem: nothing is guessed.
    fn direction(&mut self, col: &Col, row: u32, printed: &str) -> Option<NextDirection> {
        let k = direction_key(printed);
        if let Some((_, d)) = self.m.direction_words.iter().find(|(w, _)| *w == k) {
            return *d;
        }
        if let Some(d) = NextDirection::parse_printed(&k) {
            return Some(d);
        }
        self.problems.push(col.error(
            self.sheet,
            row,
            format!(
                "方向性「{}」が対応表の direction.words にありません。words に \"{}\" = \"keep\" のように書いてください（対応しない語は \"none\"）",
                shown(printed),
                shown(printed)
            ),
        ));
        None
    }
}
