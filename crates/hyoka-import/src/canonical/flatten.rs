//! A batch as rows of the canonical tables: one row per fact, lists in
//! their own tables, positions numbered from 1.

use hyoka_core::{FiscalYear, Yen};

use super::tables::{self, TableSpec, MONTHS, TABLES};
use super::ExportError;
use crate::batch::{CityBatch, RoadmapRow};
use crate::Batch;

/// A cell to write. Empty text is written as an empty cell.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Out {
    Empty,
    Text(String),
    Int(i64),
}

impl Out {
    pub fn to_text(&self) -> String {
        match self {
            Out::Empty => String::new(),
            Out::Text(s) => s.clone(),
            Out::Int(i) => i.to_string(),
        }
    }
}

pub(crate) struct TableRows {
    pub spec: &'static TableSpec,
    pub rows: Vec<Vec<Out>>,
}

fn t(s: &str) -> Out {
    if s.is_empty() {
        Out::Empty
    } else {
        Out::Text(s.to_string())
    }
}

fn ot(s: Option<&String>) -> Out {
    s.map_or(Out::Empty, |s| t(s))
}

fn y(fy: FiscalYear) -> Out {
    Out::Int(fy.year().into())
}

fn oy(fy: Option<FiscalYear>) -> Out {
    fy.map_or(Out::Empty, y)
}

fn b(v: bool) -> Out {
    Out::Int(v.into())
}

fn n(i: usize) -> Out {
    Out::Int(i as i64 + 1)
}

fn yen(v: Option<Yen>) -> Out {
    v.map_or(Out::Empty, |v| Out::Int(v.yen()))
}

/// Every table, in [`TABLES`] order, with the rows of every city.
pub(crate) fn flatten(batch: &Batch) -> Result<Vec<TableRows>, ExportError> {
    let mut out: Vec<TableRows> = TABLES.iter().map(|spec| TableRows { spec, rows: Vec::new() }).collect();
    for city in &batch.cities {
        city_rows(city, &mut out)?;
    }
    for t in &out {
        debug_assert!(t.rows.iter().all(|r| r.len() == t.spec.columns.len()), "{}", t.spec.name);
    }
    Ok(out)
}

/// An item's roadmap rows by sheet year, each year's in order (positions
/// count within a year).
fn roadmap_by_year(rows: &[RoadmapRow]) -> std::collections::BTreeMap<FiscalYear, Vec<&RoadmapRow>> {
    let mut m: std::collections::BTreeMap<FiscalYear, Vec<&RoadmapRow>> = Default::default();
    for r in rows {
        m.entry(r.fiscal_year).or_default().push(r);
    }
    m
}

fn city_rows(city: &CityBatch, out: &mut [TableRows]) -> Result<(), ExportError> {
    let mut push = |spec: &TableSpec, row: Vec<Out>| {
        let table = out.iter_mut().find(|t| t.spec.name == spec.name).expect("every table is in TABLES");
        table.rows.push(row);
    };
    let mc = || t(&city.code);
    push(&tables::MUNICIPALITIES, vec![mc(), t(&city.name)]);
    for s in &city.sections {
        push(&tables::SECTIONS, vec![mc(), t(&s.department), t(&s.section)]);
    }
    for s in &city.scales {
        push(&tables::SCALES, vec![mc(), t(&s.code), t(&s.name), b(s.legend_printed)]);
        for (i, g) in s.grades.iter().enumerate() {
            push(&tables::SCALE_GRADES, vec![mc(), t(&s.code), n(i), t(&g.code), t(&g.label)]);
        }
    }
    for p in &city.plans {
        push(&tables::PLANS, vec![mc(), t(&p.code), t(&p.name)]);
        for (i, l) in p.level_names.iter().enumerate() {
            push(&tables::PLAN_LEVELS, vec![mc(), t(&p.code), n(i), t(l)]);
        }
        for (i, node) in p.nodes.iter().enumerate() {
            push(
                &tables::PLAN_NODES,
                vec![mc(), t(&p.code), n(i), t(&node.code), ot(node.parent.as_ref()), t(&node.title)],
            );
            for tag in &node.tags {
                push(&tables::NODE_TAGS, vec![mc(), t(&p.code), t(&node.code), t(tag)]);
            }
        }
    }
    for item in &city.items {
        let key = || t(&item.key);
        push(
            &tables::ITEMS,
            vec![
                mc(),
                key(),
                t(&item.kind),
                t(&item.code),
                t(&item.title),
                oy(item.fiscal_year),
                ot(item.relisting_of.as_ref()),
            ],
        );
        for tag in &item.tags {
            push(&tables::ITEM_TAGS, vec![mc(), key(), t(tag)]);
        }
        for p in &item.placements {
            push(&tables::PLACEMENTS, vec![mc(), key(), t(&p.plan), t(&p.node), b(p.relisting)]);
        }
        for s in &item.sections {
            push(&tables::ITEM_SECTIONS, vec![mc(), key(), t(&s.department), t(&s.section)]);
        }
        for (i, r) in item.narratives.iter().enumerate() {
            push(
                &tables::NARRATIVES,
                vec![mc(), key(), n(i), oy(r.fiscal_year), t(&r.slot), t(&r.label), t(&r.text.to_markup())],
            );
        }
        for r in &item.budgets {
            let f = &r.figures;
            push(
                &tables::BUDGETS,
                vec![
                    mc(),
                    key(),
                    y(r.fiscal_year),
                    yen(f.initial),
                    yen(f.final_budget),
                    yen(f.settlement),
                    yen(f.general_revenue),
                    yen(f.carried_over),
                    ot(r.execution_rate_printed.as_ref()),
                    yen(f.funding.national),
                    yen(f.funding.prefectural),
                    yen(f.funding.bonds),
                    yen(f.funding.other),
                    f.staff.hours.map_or(Out::Empty, |h| Out::Text(h.number().replace(',', ""))),
                    yen(f.staff.hourly),
                    yen(f.staff.personnel),
                    yen(f.staff.total),
                ],
            );
        }
        for e in &item.evaluations {
            push(
                &tables::EVALUATIONS,
                vec![
                    mc(),
                    key(),
                    y(e.fiscal_year),
                    t(e.stage.code()),
                    t(e.evaluator.code()),
                    ot(e.scale.as_ref()),
                    ot(e.grade.as_ref()),
                    ot(e.comment.as_ref()),
                ],
            );
        }
        for (i, s) in item.schedule.iter().enumerate() {
            if s.months.len() != MONTHS.len() {
                return Err(ExportError::Invalid(format!(
                    "{}（{}）の項目 {} のスケジュール「{}」は月が{}個あります。4月から3月までの12個でなければ表に書けません",
                    city.name,
                    city.code,
                    item.key,
                    s.label,
                    s.months.len()
                )));
            }
            let mut row = vec![mc(), key(), n(i), y(s.fiscal_year), t(&s.kind), t(&s.label)];
            row.extend(s.months.iter().map(|m| t(m)));
            row.push(ot(s.hours_regular.as_ref()));
            row.push(ot(s.hours_other.as_ref()));
            push(&tables::SCHEDULES, row);
        }
        for (fy, rows) in roadmap_by_year(&item.roadmap) {
            for (position, r) in rows.iter().enumerate() {
                let head = || vec![mc(), key(), y(fy), n(position), t(&r.step)];
                if r.cells.is_empty() {
                    let mut row = head();
                    row.extend([Out::Empty, Out::Empty, Out::Empty]);
                    push(&tables::ROADMAPS, row);
                }
                for c in &r.cells {
                    let mut row = head();
                    row.extend([y(c.year), t(&c.planned), t(&c.actual)]);
                    push(&tables::ROADMAPS, row);
                }
            }
        }
        if let Some(d) = &item.next_direction {
            push(
                &tables::NEXT_DIRECTIONS,
                vec![
                    mc(),
                    key(),
                    y(d.fiscal_year),
                    t(&d.printed),
                    d.direction.map_or(Out::Empty, |x| t(x.code())),
                    ot(d.reason.as_ref()),
                    ot(d.transfer.as_ref()),
                ],
            );
        }
    }
    for ind in &city.indicators {
        let key = || t(&ind.key);
        push(
            &tables::INDICATORS,
            vec![
                mc(),
                key(),
                t(&ind.name),
                t(ind.kind.code()),
                ot(ind.definition.as_ref()),
                ot(ind.unit.as_ref()),
                t(ind.direction.code()),
                ot(ind.vocabulary.as_ref()),
                ot(ind.item.as_ref()),
                ot(ind.node.as_ref().map(|n| &n.plan)),
                ot(ind.node.as_ref().map(|n| &n.node)),
                ot(ind.related.as_ref().map(|n| &n.plan)),
                ot(ind.related.as_ref().map(|n| &n.node)),
            ],
        );
        for v in &ind.values {
            push(
                &tables::INDICATOR_VALUES,
                vec![
                    mc(),
                    key(),
                    y(v.fiscal_year),
                    t(v.role.code()),
                    ot(v.source.as_ref()),
                    t(&v.printed),
                    oy(v.printed_in),
                ],
            );
        }
        for j in &ind.judgements {
            push(
                &tables::JUDGEMENTS,
                vec![mc(), key(), y(j.fiscal_year), ot(j.source.as_ref()), t(&j.printed), oy(j.printed_in)],
            );
        }
    }
    Ok(())
}
