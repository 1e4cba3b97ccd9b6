//! The canonical tables back into cities: every cell read by its column's
//! kind, every reference checked against the table it points into, every
//! duplicate key refused, each with the file, sheet, row and column.
//!
//! Tables are read in [`super::tables::TABLES`] order, so a table only
//! refers to tables read before it. Every row of a table is read even when
//! an earlier one is bad, and the table's problems are reported together;
//! the next table is not read, since its references could not be checked.

use std::collections::{BTreeMap, HashMap};

use hyoka_core::judgement::JudgementVocabulary;
use hyoka_core::roadmap::RoadmapRow;
use hyoka_core::sheet::{BudgetRow, EvaluationRow, NarrativeRow, NextDirectionRow, ScheduleRow};
use hyoka_core::{
    BudgetFigures, Direction, EvaluationScale, Evaluator, Funding, Grade, IndicatorKind, Narrative, NextDirection,
    StaffCost, Stage, ValueRole,
};

use super::grid::{Row, Table};
use super::tables::{self, TableSpec, MONTHS};
use crate::batch::{
    CityBatch, IndicatorRow, ItemRow, JudgementRow, NodeRef, NodeRow, PlacementRow, PlanRow, SectionRow, ValueRow,
};
use crate::error::ImportError;

type Result<T> = std::result::Result<T, ImportError>;

/// Builds the cities from a complete set of tables, keyed by table name.
pub(crate) fn assemble(tables: &HashMap<&'static str, Table>) -> Result<Vec<CityBatch>> {
    let mut b = Builder {
        tables,
        cities: Vec::new(),
        city_at: HashMap::new(),
        scale_at: HashMap::new(),
        plan_at: HashMap::new(),
        node_at: HashMap::new(),
        item_at: HashMap::new(),
        indicator_at: HashMap::new(),
    };
    b.municipalities()?;
    b.sections()?;
    b.scales()?;
    b.plans()?;
    b.items()?;
    b.item_lists()?;
    b.indicators()?;
    b.roadmaps()?;
    Ok(b.cities)
}

fn codes<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| code(*v)).collect()
}

/// Reads every row of `table`, going on past bad rows, and reports all
/// their problems as one error.
fn each_row<'t>(table: &'t Table, mut read: impl FnMut(Row<'t>) -> Result<()>) -> Result<()> {
    ImportError::all(table.rows().filter_map(|row| read(row).err()).collect())
}

/// Rows of a list, per owner (city and index), with their position.
type Lists<T> = HashMap<(usize, usize), Vec<(i64, T)>>;

/// Orders rows by their `position`; positions are unique (checked as keys).
fn by_position<T>(mut rows: Vec<(i64, T)>) -> Vec<T> {
    rows.sort_by_key(|(p, _)| *p);
    rows.into_iter().map(|(_, t)| t).collect()
}

struct Builder<'t> {
    tables: &'t HashMap<&'static str, Table>,
    cities: Vec<CityBatch>,
    city_at: HashMap<String, usize>,
    scale_at: HashMap<(usize, String), usize>,
    plan_at: HashMap<(usize, String), usize>,
    node_at: HashMap<(usize, usize, String), usize>,
    item_at: HashMap<(usize, String), usize>,
    indicator_at: HashMap<(usize, String), usize>,
}

impl<'t> Builder<'t> {
    /// A table, after refusing rows with the same key.
    fn table(&self, spec: &TableSpec) -> Result<&'t Table> {
        let table = &self.tables[spec.name];
        table.check_unique(spec.key)?;
        Ok(table)
    }

    fn city(&self, row: &Row) -> Result<usize> {
        let code = row.text("municipality_code")?;
        self.city_at.get(&code).copied().ok_or_else(|| {
            // Excel drops the leading zero of 北海道's codes when it opens a CSV.
            let lost_zero = code.len() == 5
                && code.bytes().all(|b| b.is_ascii_digit())
                && self.city_at.contains_key(&format!("0{code}"));
            let hint = if lost_zero {
                "。先頭の 0 が落ちていませんか（Excel で CSV を開くと数値として扱われます）"
            } else {
                ""
            };
            row.error("municipality_code", format!("この自治体コード \"{code}\" は municipalities にありません{hint}"))
        })
    }

    fn item(&self, row: &Row, city: usize, column: &str) -> Result<usize> {
        let key = row.text(column)?;
        self.item_at
            .get(&(city, key.clone()))
            .copied()
            .ok_or_else(|| row.error(column, format!("item_key \"{key}\" は items にありません")))
    }

    fn plan(&self, row: &Row, city: usize) -> Result<(usize, String)> {
        self.plan_in(row, city, "plan_code")
    }

    fn plan_in(&self, row: &Row, city: usize, column: &str) -> Result<(usize, String)> {
        let code = row.text(column)?;
        match self.plan_at.get(&(city, code.clone())) {
            Some(p) => Ok((*p, code)),
            None => Err(row.error(column, format!("計画 \"{code}\" は plans にありません"))),
        }
    }

    fn node(&self, row: &Row, city: usize) -> Result<(usize, usize)> {
        self.node_in(row, city, ("plan_code", "node_code"))
    }

    /// The node named by a pair of columns (plan code, node code).
    fn node_in(&self, row: &Row, city: usize, (plan_column, node_column): (&str, &str)) -> Result<(usize, usize)> {
        let (plan, plan_code) = self.plan_in(row, city, plan_column)?;
        let code = row.text(node_column)?;
        match self.node_at.get(&(city, plan, code.clone())) {
            Some(n) => Ok((plan, *n)),
            None => {
                Err(row
                    .error(node_column, format!("計画 \"{plan_code}\" の項目 \"{code}\" は plan_nodes にありません")))
            }
        }
    }

    /// A node named by an optional pair of columns: both filled or both
    /// empty.
    fn opt_node_ref(
        &self,
        row: &Row,
        city: usize,
        (plan_column, node_column): (&str, &str),
    ) -> Result<Option<NodeRef>> {
        match (row.opt_text(plan_column)?, row.opt_text(node_column)?) {
            (None, None) => Ok(None),
            (Some(plan), Some(node)) => {
                self.node_in(row, city, (plan_column, node_column))?;
                Ok(Some(NodeRef { plan, node }))
            }
            (plan, _) => {
                let empty = if plan.is_none() { plan_column } else { node_column };
                Err(row.error(empty, format!("{plan_column} と {node_column} は両方書くか、両方空にしてください")))
            }
        }
    }

    fn indicator(&self, row: &Row, city: usize) -> Result<usize> {
        let key = row.text("indicator_key")?;
        self.indicator_at
            .get(&(city, key.clone()))
            .copied()
            .ok_or_else(|| row.error("indicator_key", format!("indicator_key \"{key}\" は indicators にありません")))
    }

    fn municipalities(&mut self) -> Result<()> {
        each_row(self.table(&tables::MUNICIPALITIES)?, |row| {
            let (code, name) = (row.text("municipality_code")?, row.text("name")?);
            self.city_at.insert(code.clone(), self.cities.len());
            self.cities.push(CityBatch { code, name, ..CityBatch::default() });
            Ok(())
        })
    }

    fn sections(&mut self) -> Result<()> {
        each_row(self.table(&tables::SECTIONS)?, |row| {
            let c = self.city(&row)?;
            let section = SectionRow { department: row.text("department")?, section: row.text("section")? };
            self.cities[c].sections.push(section);
            Ok(())
        })
    }

    fn scales(&mut self) -> Result<()> {
        each_row(self.table(&tables::SCALES)?, |row| {
            let c = self.city(&row)?;
            let scale = EvaluationScale {
                code: row.text("scale_code")?,
                name: row.text("scale_name")?,
                grades: Vec::new(),
                legend_printed: row.boolean("legend_printed")?,
            };
            self.scale_at.insert((c, scale.code.clone()), self.cities[c].scales.len());
            self.cities[c].scales.push(scale);
            Ok(())
        })?;
        let table = self.table(&tables::SCALE_GRADES)?;
        table.check_unique(&["municipality_code", "scale_code", "grade_code"])?;
        let mut grades: Lists<Grade> = HashMap::new();
        each_row(table, |row| {
            let c = self.city(&row)?;
            let code = row.text("scale_code")?;
            let s = *self
                .scale_at
                .get(&(c, code.clone()))
                .ok_or_else(|| row.error("scale_code", format!("尺度 \"{code}\" は scales にありません")))?;
            let grade = Grade { code: row.text("grade_code")?, label: row.text("grade_label")? };
            grades.entry((c, s)).or_default().push((row.integer("position")?, grade));
            Ok(())
        })?;
        for ((c, s), list) in grades {
            self.cities[c].scales[s].grades = by_position(list);
        }
        Ok(())
    }

    fn plans(&mut self) -> Result<()> {
        each_row(self.table(&tables::PLANS)?, |row| {
            let c = self.city(&row)?;
            let plan = PlanRow {
                code: row.text("plan_code")?,
                name: row.text("plan_name")?,
                level_names: vec![],
                nodes: vec![],
            };
            self.plan_at.insert((c, plan.code.clone()), self.cities[c].plans.len());
            self.cities[c].plans.push(plan);
            Ok(())
        })?;

        let table = self.table(&tables::PLAN_LEVELS)?;
        let mut levels: Lists<(usize, String)> = HashMap::new();
        each_row(table, |row| {
            let c = self.city(&row)?;
            let (p, _) = self.plan(&row, c)?;
            levels.entry((c, p)).or_default().push((row.integer("level")?, (row.number(), row.text("level_name")?)));
            Ok(())
        })?;
        // In plan order, so that the same files always give the same error.
        let mut levels: Vec<_> = levels.into_iter().collect();
        levels.sort_by_key(|(owner, _)| *owner);
        for ((c, p), mut list) in levels {
            list.sort_by_key(|(level, _)| *level);
            for (i, (level, (number, _))) in list.iter().enumerate() {
                let expected = i as i64 + 1;
                if *level != expected {
                    return Err(table.error(
                        *number,
                        "level",
                        format!("level は 1 から順に欠けなく並べてください（{expected} がありません）"),
                    ));
                }
            }
            self.cities[c].plans[p].level_names = list.into_iter().map(|(_, (_, name))| name).collect();
        }

        let table = self.table(&tables::PLAN_NODES)?;
        table.check_unique(&["municipality_code", "plan_code", "position"])?;
        let mut nodes: Lists<(usize, NodeRow)> = HashMap::new();
        each_row(table, |row| {
            let c = self.city(&row)?;
            let (p, _) = self.plan(&row, c)?;
            let node = NodeRow {
                code: row.text("node_code")?,
                parent: row.opt_text("parent_code")?,
                title: row.text("title")?,
                tags: Vec::new(),
            };
            nodes.entry((c, p)).or_default().push((row.integer("position")?, (row.number(), node)));
            Ok(())
        })?;
        // Check plans in row order so that the first bad row is reported.
        let mut plans: Vec<_> = nodes.into_iter().map(|(k, list)| (k, by_position(list))).collect();
        plans.sort_by_key(|(_, list)| list.iter().map(|(number, _)| *number).min());
        for ((c, p), list) in plans {
            let plan_code = self.cities[c].plans[p].code.clone();
            let mut earlier: HashMap<&str, ()> = HashMap::new();
            for (number, node) in &list {
                if let Some(parent) = &node.parent {
                    if !earlier.contains_key(parent.as_str()) {
                        let message = if parent == &node.code {
                            "親の項目が自分自身になっています".to_string()
                        } else if list.iter().any(|(_, n)| &n.code == parent) {
                            format!("親の項目 \"{parent}\" がこの行より後に並んでいます（親の position を子より小さくしてください）")
                        } else {
                            format!("親の項目 \"{parent}\" は計画 \"{plan_code}\" の plan_nodes にありません")
                        };
                        return Err(table.error(*number, "parent_code", message));
                    }
                }
                earlier.insert(&node.code, ());
            }
            for (i, (_, node)) in list.iter().enumerate() {
                self.node_at.insert((c, p, node.code.clone()), i);
            }
            self.cities[c].plans[p].nodes = list.into_iter().map(|(_, n)| n).collect();
        }

        each_row(self.table(&tables::NODE_TAGS)?, |row| {
            let c = self.city(&row)?;
            let (p, n) = self.node(&row, c)?;
            let tag = row.text("tag")?;
            self.cities[c].plans[p].nodes[n].tags.push(tag);
            Ok(())
        })
    }

    fn items(&mut self) -> Result<()> {
        let table = self.table(&tables::ITEMS)?;
        each_row(table, |row| {
            let c = self.city(&row)?;
            let item = ItemRow {
                key: row.text("item_key")?,
                kind: row.text("kind")?,
                code: row.text("code")?,
                title: row.text("title")?,
                fiscal_year: row.opt_year("fiscal_year")?,
                relisting_of: row.opt_text("relisting_of")?,
                ..ItemRow::default()
            };
            self.item_at.insert((c, item.key.clone()), self.cities[c].items.len());
            self.cities[c].items.push(item);
            Ok(())
        })?;
        // A re-listing may point at an item further down.
        each_row(table, |row| {
            let c = self.city(&row)?;
            match row.opt_text("relisting_of")? {
                Some(of) if !self.item_at.contains_key(&(c, of.clone())) => {
                    Err(row.error("relisting_of", format!("再掲元の item_key \"{of}\" は items にありません")))
                }
                _ => Ok(()),
            }
        })
    }

    fn item_lists(&mut self) -> Result<()> {
        each_row(self.table(&tables::ITEM_TAGS)?, |row| {
            let c = self.city(&row)?;
            let i = self.item(&row, c, "item_key")?;
            let tag = row.text("tag")?;
            self.cities[c].items[i].tags.push(tag);
            Ok(())
        })?;
        each_row(self.table(&tables::PLACEMENTS)?, |row| {
            let c = self.city(&row)?;
            let i = self.item(&row, c, "item_key")?;
            self.node(&row, c)?;
            let placement = PlacementRow {
                plan: row.text("plan_code")?,
                node: row.text("node_code")?,
                relisting: row.boolean("relisting")?,
            };
            self.cities[c].items[i].placements.push(placement);
            Ok(())
        })?;
        each_row(self.table(&tables::ITEM_SECTIONS)?, |row| {
            let c = self.city(&row)?;
            let i = self.item(&row, c, "item_key")?;
            let section = SectionRow { department: row.text("department")?, section: row.text("section")? };
            self.cities[c].items[i].sections.push(section);
            Ok(())
        })?;

        let mut narratives: Lists<NarrativeRow> = HashMap::new();
        each_row(self.table(&tables::NARRATIVES)?, |row| {
            let c = self.city(&row)?;
            let i = self.item(&row, c, "item_key")?;
            let narrative = NarrativeRow {
                fiscal_year: row.opt_year("fiscal_year")?,
                slot: row.text("slot")?,
                label: row.text("label")?,
                text: Narrative::from_markup(&row.text("text")?),
            };
            narratives.entry((c, i)).or_default().push((row.integer("position")?, narrative));
            Ok(())
        })?;
        for ((c, i), list) in narratives {
            self.cities[c].items[i].narratives = by_position(list);
        }

        each_row(self.table(&tables::BUDGETS)?, |row| {
            let c = self.city(&row)?;
            let i = self.item(&row, c, "item_key")?;
            let budget = BudgetRow {
                fiscal_year: row.year("fiscal_year")?,
                figures: BudgetFigures {
                    initial: row.opt_yen("initial_yen")?,
                    final_budget: row.opt_yen("final_yen")?,
                    settlement: row.opt_yen("settlement_yen")?,
                    general_revenue: row.opt_yen("general_revenue_yen")?,
                    carried_over: row.opt_yen("carried_over_yen")?,
                    funding: Funding {
                        national: row.opt_yen("national_yen")?,
                        prefectural: row.opt_yen("prefectural_yen")?,
                        bonds: row.opt_yen("bonds_yen")?,
                        other: row.opt_yen("other_funding_yen")?,
                    },
                    staff: StaffCost {
                        hours: row.opt_hours("staff_hours")?,
                        hourly: row.opt_yen("hourly_cost_yen")?,
                        personnel: row.opt_yen("personnel_cost_yen")?,
                        total: row.opt_yen("total_cost_yen")?,
                    },
                },
                execution_rate_printed: row.opt_text("execution_rate_printed")?,
            };
            self.cities[c].items[i].budgets.push(budget);
            Ok(())
        })?;

        each_row(self.table(&tables::EVALUATIONS)?, |row| {
            let c = self.city(&row)?;
            let i = self.item(&row, c, "item_key")?;
            let fiscal_year = row.year("fiscal_year")?;
            let stage: Stage = row.coded("stage", "時期（stage）", &codes(Stage::ALL, Stage::code))?;
            let evaluator: Evaluator =
                row.coded("evaluator", "評価者（evaluator）", &codes(Evaluator::ALL, Evaluator::code))?;
            let scale = row.opt_text("scale")?;
            let grade = row.opt_text("grade")?;
            if let Some(code) = &scale {
                let s = self
                    .scale_at
                    .get(&(c, code.clone()))
                    .ok_or_else(|| row.error("scale", format!("尺度 \"{code}\" は scales にありません")))?;
                let grades = &self.cities[c].scales[*s].grades;
                if let Some(g) = &grade {
                    if !grades.iter().any(|x| &x.code == g) {
                        let list: Vec<&str> = grades.iter().map(|x| x.code.as_str()).collect();
                        return Err(row.error(
                            "grade",
                            format!("評語 \"{g}\" は尺度 \"{code}\" にありません（{} のいずれか）", list.join("・")),
                        ));
                    }
                }
            }
            let evaluation =
                EvaluationRow { fiscal_year, stage, evaluator, scale, grade, comment: row.opt_text("comment")? };
            self.cities[c].items[i].evaluations.push(evaluation);
            Ok(())
        })?;

        let mut schedules: Lists<ScheduleRow> = HashMap::new();
        each_row(self.table(&tables::SCHEDULES)?, |row| {
            let c = self.city(&row)?;
            let i = self.item(&row, c, "item_key")?;
            let schedule = ScheduleRow {
                fiscal_year: row.year("fiscal_year")?,
                kind: row.text("kind")?,
                label: row.text("label")?,
                months: MONTHS.iter().map(|m| row.text(m)).collect::<Result<_>>()?,
                hours_regular: row.opt_text("hours_regular")?,
                hours_other: row.opt_text("hours_other")?,
            };
            schedules.entry((c, i)).or_default().push((row.integer("position")?, schedule));
            Ok(())
        })?;
        for ((c, i), list) in schedules {
            self.cities[c].items[i].schedule = by_position(list);
        }

        each_row(self.table(&tables::NEXT_DIRECTIONS)?, |row| {
            let c = self.city(&row)?;
            let i = self.item(&row, c, "item_key")?;
            let direction = NextDirectionRow {
                fiscal_year: row.year("fiscal_year")?,
                printed: row.text("printed")?,
                direction: row.opt_coded::<NextDirection>(
                    "direction",
                    "方向性（direction）",
                    &codes(NextDirection::ALL, NextDirection::code),
                )?,
                reason: row.opt_text("reason")?,
                transfer: row.opt_text("transfer")?,
            };
            self.cities[c].items[i].next_direction = Some(direction);
            Ok(())
        })
    }

    /// The 工程表: one row per step and year column; the rows of one step
    /// share its position and its text, and a step with nothing in any year
    /// is one row with the year blank. Absent in files written before it.
    fn roadmaps(&mut self) -> Result<()> {
        let Some(table) = self.tables.get(tables::ROADMAPS.name) else { return Ok(()) };
        table.check_unique(tables::ROADMAPS.key)?;
        let mut steps: BTreeMap<(usize, usize, i32, i64), RoadmapRow> = BTreeMap::new();
        each_row(table, |row| {
            let c = self.city(&row)?;
            let i = self.item(&row, c, "item_key")?;
            let fiscal_year = row.year("fiscal_year")?;
            let position = row.integer("position")?;
            let step = row.text("step")?;
            let entry = steps.entry((c, i, fiscal_year.year(), position)).or_insert_with(|| RoadmapRow {
                fiscal_year,
                step: step.clone(),
                cells: Vec::new(),
            });
            if entry.step != step {
                return Err(row.error(
                    "step",
                    format!(
                        "{}の並び順 {position} の実施内容が同じ実施内容の別の行と異なります（「{}」と「{step}」）",
                        fiscal_year.label(),
                        entry.step
                    ),
                ));
            }
            let (planned, actual) = (row.text("planned")?, row.text("actual")?);
            match row.opt_year("year")? {
                // Keys are unique, so a year comes once per step.
                Some(year) => entry.set(year, planned, actual),
                None if planned.is_empty() && actual.is_empty() => {}
                None => {
                    return Err(row.error("year", "計画・実績のある行は年度の欄（year）を入力してください"));
                }
            }
            Ok(())
        })?;
        for ((c, i, _, _), r) in steps {
            self.cities[c].items[i].roadmap.push(r);
        }
        Ok(())
    }

    fn indicators(&mut self) -> Result<()> {
        let vocabularies: Vec<String> = JudgementVocabulary::presets().into_iter().map(|v| v.code).collect();
        each_row(self.table(&tables::INDICATORS)?, |row| {
            let c = self.city(&row)?;
            let key = row.text("indicator_key")?;
            let vocabulary = row.opt_text("vocabulary")?;
            if let Some(v) = &vocabulary {
                if !vocabularies.contains(v) {
                    return Err(row.error(
                        "vocabulary",
                        format!("判定の語彙は {} のいずれかです: \"{v}\"", vocabularies.join(", ")),
                    ));
                }
            }
            let item = row.opt_text("item_key")?;
            if item.is_some() {
                self.item(&row, c, "item_key")?;
            }
            let node = self.opt_node_ref(&row, c, ("plan_code", "node_code"))?;
            let related = self.opt_node_ref(&row, c, ("related_plan_code", "related_node_code"))?;
            let indicator = IndicatorRow {
                key: key.clone(),
                name: row.text("name")?,
                kind: row.coded("kind", "指標の種類（kind）", &codes(IndicatorKind::ALL, IndicatorKind::code))?,
                definition: row.opt_text("definition")?,
                unit: row.opt_text("unit")?,
                direction: row.coded("direction", "方向（direction）", &codes(Direction::ALL, Direction::code))?,
                vocabulary,
                item,
                node,
                related,
                values: Vec::new(),
                judgements: Vec::new(),
            };
            self.indicator_at.insert((c, key), self.cities[c].indicators.len());
            self.cities[c].indicators.push(indicator);
            Ok(())
        })?;
        each_row(self.table(&tables::INDICATOR_VALUES)?, |row| {
            let c = self.city(&row)?;
            let k = self.indicator(&row, c)?;
            let value = ValueRow {
                fiscal_year: row.year("fiscal_year")?,
                role: row.coded::<ValueRole>("role", "値の種類（role）", &codes(ValueRole::ALL, ValueRole::code))?,
                printed: row.text("printed")?,
                source: row.opt_text("source")?,
                printed_in: row.opt_year("printed_in")?,
            };
            self.cities[c].indicators[k].values.push(value);
            Ok(())
        })?;
        each_row(self.table(&tables::JUDGEMENTS)?, |row| {
            let c = self.city(&row)?;
            let k = self.indicator(&row, c)?;
            let judgement = JudgementRow {
                fiscal_year: row.year("fiscal_year")?,
                printed: row.text("printed")?,
                source: row.opt_text("source")?,
                printed_in: row.opt_year("printed_in")?,
            };
            self.cities[c].indicators[k].judgements.push(judgement);
            Ok(())
        })
    }
}
