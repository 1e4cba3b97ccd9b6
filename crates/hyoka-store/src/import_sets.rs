//! An import's writes as sets: every item of a city, with every list it
//! replaces, and every indicator with its printings, cells and judgements,
//! in a number of statements that does not grow with the city (a few per
//! table and per 500 rows), instead of a dozen per item and per indicator.
//! The rows written are the ones the one-at-a-time writers
//! (`upsert_item`, `replace_narratives`, `set_budget`, …) write.

use std::collections::HashMap;

use hyoka_core::judgement::Judgement;
use hyoka_core::roadmap::RoadmapRow;
use hyoka_core::sheet::{BudgetRow, EvaluationRow, NarrativeRow, NextDirectionRow, ScheduleRow};
use hyoka_core::{FiscalYear, Grade, Hours, IndicatorCell, ValueRole, Yen};
use sqlx::Row;

use crate::bulk::Bind;
use crate::figures::BUDGET_COLUMNS;
use crate::indicators::{value_binds, VALUE_COLUMNS};
use crate::org::fy_i64;
use crate::sheets::{narrative_binds, schedule_binds, NARRATIVE_COLUMNS, SCHEDULE_COLUMNS};
use crate::tx::StoreTx;
use crate::{NewIndicator, Printing, StoreError};

/// One item as an import writes it: the item and every list of it, each
/// replaced whole.
pub struct ItemSet<'a> {
    pub key: &'a str,
    pub kind: &'a str,
    pub code: &'a str,
    pub title: &'a str,
    pub fiscal_year: Option<FiscalYear>,
    pub tags: &'a [String],
    pub relisting_of: Option<&'a str>,
    /// (node id, is a 再掲).
    pub placements: Vec<(i64, bool)>,
    pub section_ids: Vec<i64>,
    pub narratives: &'a [NarrativeRow],
    pub budgets: &'a [BudgetRow],
    pub evaluations: &'a [EvaluationRow],
    pub schedule: &'a [ScheduleRow],
    pub roadmap: &'a [RoadmapRow],
    pub next_direction: Option<&'a NextDirectionRow>,
}

/// One indicator as an import writes it, with all its printings, its
/// cells and its judgements, each replaced whole.
pub struct IndicatorSet<'a> {
    pub indicator: NewIndicator,
    pub printings: Vec<Printing>,
    pub values: Vec<(FiscalYear, ValueRole, &'a IndicatorCell)>,
    pub judgements: Vec<(FiscalYear, &'a Judgement)>,
}

/// The tables of an item's lists, children before parents.
const ITEM_LISTS: [&str; 9] = [
    "item_placements",
    "item_sections",
    "narratives",
    "budgets",
    "evaluations",
    "schedules",
    "roadmap_cells",
    "roadmap_steps",
    "next_directions",
];

/// Keeps one element per key: where the key first came, with the last
/// value given for it (what a series of upserts leaves).
fn last_per_key<T, K: Eq + std::hash::Hash>(items: impl IntoIterator<Item = T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut at: HashMap<K, usize> = HashMap::new();
    let mut out: Vec<T> = Vec::new();
    for item in items {
        match at.entry(key(&item)) {
            std::collections::hash_map::Entry::Occupied(slot) => out[*slot.get()] = item,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(out.len());
                out.push(item);
            }
        }
    }
    out
}

impl StoreTx {
    /// Every node id of a city's plans, by (plan code, node code): one
    /// statement.
    pub async fn node_ids(&mut self, municipality: &str) -> Result<HashMap<(String, String), i64>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.code AS plan_code, n.code AS node_code, n.id FROM plan_nodes n JOIN plans p ON p.id = n.plan_id
             WHERE p.municipality_code = $1",
        )
        .bind(municipality)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(|r| Ok(((r.try_get("plan_code")?, r.try_get("node_code")?), r.try_get("id")?))).collect()
    }

    /// Sets the tags of many nodes: (node id, tags).
    pub async fn set_nodes_tags(&mut self, nodes: &[(i64, &[String])]) -> Result<(), StoreError> {
        // An update per node; a plan has tens of nodes, not thousands.
        for (id, tags) in nodes {
            self.set_node_tags(*id, tags).await?;
        }
        Ok(())
    }

    /// Writes the items of a city and replaces every list of each: a few
    /// statements per table, whatever the number of items. Returns each
    /// item's id by key. An item given twice is written once, with what
    /// it was given last.
    pub async fn write_items(
        &mut self,
        municipality: &str,
        items: &[ItemSet<'_>],
    ) -> Result<HashMap<String, i64>, StoreError> {
        let items = last_per_key(items, |i| i.key);
        if items.is_empty() {
            return Ok(HashMap::new());
        }
        let tags: Vec<String> = items.iter().map(|i| serde_json::to_string(i.tags)).collect::<Result<_, _>>()?;
        let rows: Vec<Vec<Bind>> = items
            .iter()
            .zip(&tags)
            .map(|(i, tags)| {
                vec![
                    Bind::Text(Some(municipality)),
                    Bind::Text(Some(i.key)),
                    Bind::Text(Some(i.kind)),
                    Bind::Text(Some(i.code)),
                    Bind::Text(Some(i.title)),
                    Bind::Int(i.fiscal_year.map(fy_i64)),
                    Bind::Text(Some(tags)),
                    Bind::Text(i.relisting_of),
                ]
            })
            .collect();
        let columns = ["municipality_code", "item_key", "kind", "code", "title", "fiscal_year", "tags", "relisting_of"];
        let returned = self
            .upsert_rows(
                "items",
                &columns,
                &rows,
                "ON CONFLICT (municipality_code, item_key) DO UPDATE
                   SET kind = excluded.kind, code = excluded.code, title = excluded.title,
                       fiscal_year = excluded.fiscal_year, tags = excluded.tags, relisting_of = excluded.relisting_of
                 RETURNING id, item_key",
            )
            .await?;
        let mut ids = HashMap::with_capacity(returned.len());
        for r in &returned {
            ids.insert(r.try_get::<String, _>("item_key")?, r.try_get::<i64, _>("id")?);
        }
        let id_of = |i: &ItemSet| ids[i.key];
        let all: Vec<i64> = items.iter().map(|i| id_of(i)).collect();
        self.delete_where_in(&ITEM_LISTS, "item_id", &all).await?;

        // Placements and sections.
        let placements = last_per_key(
            items.iter().flat_map(|i| i.placements.iter().map(move |&(node, relisting)| (id_of(i), node, relisting))),
            |&(item, node, _)| (item, node),
        );
        let rows: Vec<Vec<Bind>> = placements
            .iter()
            .map(|&(item, node, relisting)| {
                vec![Bind::Int(Some(item)), Bind::Int(Some(node)), Bind::Int(Some(relisting as i64))]
            })
            .collect();
        self.insert_rows("item_placements", &["item_id", "node_id", "relisting"], &rows).await?;
        let sections =
            last_per_key(items.iter().flat_map(|i| i.section_ids.iter().map(move |&s| (id_of(i), s))), |&pair| pair);
        let rows: Vec<Vec<Bind>> =
            sections.iter().map(|&(item, section)| vec![Bind::Int(Some(item)), Bind::Int(Some(section))]).collect();
        self.insert_rows("item_sections", &["item_id", "section_id"], &rows).await?;

        // Narratives, in the order given.
        let bodies: Vec<Vec<(String, String)>> = items
            .iter()
            .map(|i| {
                i.narratives
                    .iter()
                    .map(|n| Ok((serde_json::to_string(&n.text)?, n.text.to_plain_text())))
                    .collect::<Result<Vec<_>, serde_json::Error>>()
            })
            .collect::<Result<_, _>>()?;
        let rows: Vec<Vec<Bind>> = items
            .iter()
            .zip(&bodies)
            .flat_map(|(i, bodies)| {
                let item = id_of(i);
                i.narratives
                    .iter()
                    .zip(bodies)
                    .enumerate()
                    .map(move |(position, (n, body))| narrative_binds(item, position, n, body))
            })
            .collect();
        self.insert_rows("narratives", &NARRATIVE_COLUMNS, &rows).await?;

        // Budgets: one per item and year, the last given.
        let budgets =
            last_per_key(items.iter().flat_map(|i| i.budgets.iter().map(move |b| (id_of(i), b))), |(item, b)| {
                (*item, b.fiscal_year)
            });
        let y = |v: Option<Yen>| Bind::Int(v.map(Yen::yen));
        let rows: Vec<Vec<Bind>> = budgets
            .iter()
            .map(|(item, b)| {
                let (f, funding, staff) = (&b.figures, &b.figures.funding, &b.figures.staff);
                vec![
                    Bind::Int(Some(*item)),
                    Bind::Int(Some(fy_i64(b.fiscal_year))),
                    y(f.initial),
                    y(f.final_budget),
                    y(f.settlement),
                    y(f.general_revenue),
                    y(f.carried_over),
                    y(funding.national),
                    y(funding.prefectural),
                    y(funding.bonds),
                    y(funding.other),
                    Bind::Int(staff.hours.map(Hours::hundredths)),
                    y(staff.hourly),
                    y(staff.personnel),
                    y(staff.total),
                    Bind::Text(b.execution_rate_printed.as_deref()),
                ]
            })
            .collect();
        let columns: Vec<&str> = ["item_id", "fiscal_year"].into_iter().chain(BUDGET_COLUMNS).collect();
        self.insert_rows("budgets", &columns, &rows).await?;

        // Grades, checked against the city's scales (read once).
        let scales = self.scales_by_code(municipality).await?;
        let mut evaluations = Vec::new();
        for i in &items {
            for e in i.evaluations {
                let scale_id = match &e.scale {
                    Some(code) => {
                        let (id, grades) = scales
                            .get(code)
                            .ok_or_else(|| StoreError::NotFound { what: "評価の尺度", key: code.clone() })?;
                        if let Some(g) = &e.grade {
                            if !grades.iter().any(|x| &x.code == g) {
                                let codes: Vec<&str> = grades.iter().map(|x| x.code.as_str()).collect();
                                return Err(StoreError::Invalid(format!(
                                    "評価「{g}」は尺度「{code}」にありません（{} のいずれか）",
                                    codes.join("・")
                                )));
                            }
                        }
                        Some(*id)
                    }
                    None => None,
                };
                evaluations.push((id_of(i), e, scale_id));
            }
        }
        let evaluations =
            last_per_key(evaluations, |(item, e, _)| (*item, e.fiscal_year, e.stage.code(), e.evaluator.code()));
        let rows: Vec<Vec<Bind>> = evaluations
            .iter()
            .map(|(item, e, scale)| {
                vec![
                    Bind::Int(Some(*item)),
                    Bind::Int(Some(fy_i64(e.fiscal_year))),
                    Bind::Text(Some(e.stage.code())),
                    Bind::Text(Some(e.evaluator.code())),
                    Bind::Int(*scale),
                    Bind::Text(e.grade.as_deref()),
                    Bind::Text(e.comment.as_deref()),
                ]
            })
            .collect();
        let columns = ["item_id", "fiscal_year", "stage", "evaluator", "scale_id", "grade", "comment"];
        self.insert_rows("evaluations", &columns, &rows).await?;

        // Schedules, in the order given.
        let months: Vec<Vec<String>> = items
            .iter()
            .map(|i| i.schedule.iter().map(|s| serde_json::to_string(&s.months)).collect::<Result<Vec<_>, _>>())
            .collect::<Result<_, _>>()?;
        let rows: Vec<Vec<Bind>> = items
            .iter()
            .zip(&months)
            .flat_map(|(i, months)| {
                let item = id_of(i);
                i.schedule
                    .iter()
                    .zip(months)
                    .enumerate()
                    .map(move |(position, (s, months))| schedule_binds(item, position, s, months))
            })
            .collect();
        self.insert_rows("schedules", &SCHEDULE_COLUMNS, &rows).await?;

        // Roadmaps: positions count from 0 within each sheet year.
        let mut steps: Vec<Vec<Bind>> = Vec::new();
        let mut cells: Vec<Vec<Bind>> = Vec::new();
        for i in &items {
            let item = id_of(i);
            let mut next: HashMap<FiscalYear, i64> = HashMap::new();
            for r in i.roadmap {
                let p = next.entry(r.fiscal_year).or_insert(0);
                let position = *p;
                *p += 1;
                steps.push(vec![
                    Bind::Int(Some(item)),
                    Bind::Int(Some(fy_i64(r.fiscal_year))),
                    Bind::Int(Some(position)),
                    Bind::Text(Some(&r.step)),
                ]);
                for c in &r.cells {
                    cells.push(vec![
                        Bind::Int(Some(item)),
                        Bind::Int(Some(fy_i64(r.fiscal_year))),
                        Bind::Int(Some(position)),
                        Bind::Int(Some(fy_i64(c.year))),
                        Bind::Text(Some(&c.planned)),
                        Bind::Text(Some(&c.actual)),
                    ]);
                }
            }
        }
        self.insert_rows("roadmap_steps", &["item_id", "fiscal_year", "position", "step"], &steps).await?;
        let columns = ["item_id", "fiscal_year", "position", "column_year", "planned", "actual"];
        self.insert_rows("roadmap_cells", &columns, &cells).await?;

        // Next year's direction.
        let rows: Vec<Vec<Bind>> = items
            .iter()
            .filter_map(|i| i.next_direction.map(|d| (id_of(i), d)))
            .map(|(item, d)| {
                vec![
                    Bind::Int(Some(item)),
                    Bind::Int(Some(fy_i64(d.fiscal_year))),
                    Bind::Text(Some(&d.printed)),
                    Bind::Text(d.direction.map(|x| x.code())),
                    Bind::Text(d.reason.as_deref()),
                    Bind::Text(d.transfer.as_deref()),
                ]
            })
            .collect();
        let columns = ["item_id", "fiscal_year", "printed", "direction", "reason", "transfer"];
        self.insert_rows("next_directions", &columns, &rows).await?;
        Ok(ids)
    }

    /// Writes the indicators of a city and replaces the printings, cells
    /// and judgements of each: a few statements per table, whatever the
    /// number of indicators. An indicator given twice is written once,
    /// with what it was given last.
    pub async fn write_indicators(&mut self, municipality: &str, sets: &[IndicatorSet<'_>]) -> Result<(), StoreError> {
        let sets = last_per_key(sets, |s| s.indicator.key.as_str());
        if sets.is_empty() {
            return Ok(());
        }
        let rows: Vec<Vec<Bind>> = sets
            .iter()
            .map(|s| {
                let i = &s.indicator;
                vec![
                    Bind::Text(Some(municipality)),
                    Bind::Text(Some(&i.key)),
                    Bind::Text(Some(&i.name)),
                    Bind::Text(Some(i.kind.code())),
                    Bind::Text(i.definition.as_deref()),
                    Bind::Text(i.unit.as_deref()),
                    Bind::Text(Some(i.direction.code())),
                    Bind::Text(i.vocabulary.as_deref()),
                    Bind::Int(i.item_id),
                    Bind::Int(i.node_id),
                    Bind::Int(i.related_node_id),
                ]
            })
            .collect();
        let columns = [
            "municipality_code",
            "indicator_key",
            "name",
            "kind",
            "definition",
            "unit",
            "direction",
            "vocabulary",
            "item_id",
            "node_id",
            "related_node_id",
        ];
        let returned = self
            .upsert_rows(
                "indicators",
                &columns,
                &rows,
                "ON CONFLICT (municipality_code, indicator_key) DO UPDATE SET
                   name = excluded.name, kind = excluded.kind, definition = excluded.definition,
                   unit = excluded.unit, direction = excluded.direction, vocabulary = excluded.vocabulary,
                   item_id = excluded.item_id, node_id = excluded.node_id, related_node_id = excluded.related_node_id
                 RETURNING id, indicator_key",
            )
            .await?;
        let mut ids: HashMap<String, i64> = HashMap::with_capacity(returned.len());
        for r in &returned {
            ids.insert(r.try_get("indicator_key")?, r.try_get("id")?);
        }
        let id_of = |s: &IndicatorSet| ids[&s.indicator.key];
        let all: Vec<i64> = sets.iter().map(|s| id_of(s)).collect();
        self.delete_where_in(&["indicator_printings", "indicator_values", "judgements"], "indicator_id", &all).await?;

        let rows: Vec<Vec<Bind>> = sets
            .iter()
            .flat_map(|s| {
                let id = id_of(s);
                s.printings.iter().map(move |p| {
                    vec![
                        Bind::Int(Some(id)),
                        Bind::Int(Some(fy_i64(p.fiscal_year))),
                        Bind::Text(Some(&p.role)),
                        Bind::Text(Some(&p.source)),
                        Bind::Text(Some(&p.printed)),
                        Bind::Int(p.printed_in.map(fy_i64)),
                    ]
                })
            })
            .collect();
        let columns = ["indicator_id", "fiscal_year", "role", "source", "printed", "printed_in"];
        self.insert_rows("indicator_printings", &columns, &rows).await?;

        // The parsed forms are computed first: the rows borrow them.
        let parsed: Vec<Vec<(Option<String>, String)>> = sets
            .iter()
            .map(|s| {
                s.values
                    .iter()
                    .map(|(_, _, cell)| Ok((cell.primary_number().map(|n| n.plain()), serde_json::to_string(cell)?)))
                    .collect::<Result<Vec<_>, serde_json::Error>>()
            })
            .collect::<Result<_, _>>()?;
        let rows: Vec<Vec<Bind>> = sets
            .iter()
            .zip(&parsed)
            .flat_map(|(s, parsed)| {
                let id = id_of(s);
                s.values.iter().zip(parsed).map(move |(v, parsed)| value_binds(id, v, parsed))
            })
            .collect();
        self.insert_rows("indicator_values", &VALUE_COLUMNS, &rows).await?;

        let rows: Vec<Vec<Bind>> = sets
            .iter()
            .flat_map(|s| {
                let id = id_of(s);
                s.judgements.iter().map(move |(fy, j)| {
                    vec![
                        Bind::Int(Some(id)),
                        Bind::Int(Some(fy_i64(*fy))),
                        Bind::Text(j.printed.as_deref()),
                        Bind::Text(j.computed.as_deref()),
                        Bind::Text(j.declared.as_ref().map(|d| d.label.as_str())),
                        Bind::Text(j.declared.as_ref().map(|d| d.reason.as_str())),
                    ]
                })
            })
            .collect();
        let columns = ["indicator_id", "fiscal_year", "printed", "computed", "declared", "declared_reason"];
        self.insert_rows("judgements", &columns, &rows).await
    }

    /// The city's evaluation scales by code: (id, grades).
    async fn scales_by_code(&mut self, municipality: &str) -> Result<HashMap<String, (i64, Vec<Grade>)>, StoreError> {
        let rows = sqlx::query("SELECT id, code, grades FROM evaluation_scales WHERE municipality_code = $1")
            .bind(municipality)
            .fetch_all(self.conn())
            .await?;
        rows.iter()
            .map(|r| {
                let grades: Vec<Grade> = serde_json::from_str(&r.try_get::<String, _>("grades")?)?;
                Ok((r.try_get("code")?, (r.try_get("id")?, grades)))
            })
            .collect()
    }

    /// `DELETE FROM t WHERE column IN (ids)` for each of `tables` (our own
    /// names, never user input): one statement per table.
    async fn delete_where_in(&mut self, tables: &[&'static str], column: &str, ids: &[i64]) -> Result<(), StoreError> {
        let list = self.backend().id_list("$1");
        let ids = serde_json::to_string(ids)?;
        for table in tables {
            sqlx::query(&format!("DELETE FROM {table} WHERE {column} IN {list}"))
                .bind(ids.as_str())
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::last_per_key;

    #[test]
    fn a_repeated_key_keeps_its_first_place_and_its_last_value() {
        let kept = last_per_key([("a", 1), ("b", 2), ("a", 3)], |p| p.0);
        assert_eq!(kept, vec![("a", 3), ("b", 2)]);
    }
}
