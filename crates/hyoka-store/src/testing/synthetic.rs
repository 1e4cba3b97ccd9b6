//! A synthetic city of any size, written as an import and the staff would.

use hyoka_core::access::Role;
use hyoka_core::judgement::{Declared, Judgement};
use hyoka_core::narrative::Block;
use hyoka_core::org::Validity;
use hyoka_core::plan::PlanTree;
use hyoka_core::sheet::{BudgetRow, EvaluationRow, NarrativeRow, NextDirectionRow, ScheduleRow};
use hyoka_core::{
    BudgetFigures, Direction, EvaluationScale, Evaluator, FiscalYear, IndicatorCell, IndicatorKind, Narrative,
    NextDirection, Stage, ValueRole, Yen,
};

use crate::{Municipality, NewAccount, NewIndicator, NewItem, Store};

/// Words the synthetic cities are written with, so that searches have
/// something to find: two-character words among them.
pub const SYNTHETIC_WORDS: &[&str] = &["予算", "道路", "子育て", "防災", "ＩＣＴ", "図書館", "公園", "健康"];

/// A word that appears only in the draft (unpublished) year's text.
pub const SYNTHETIC_DRAFT_WORD: &str = "未公開の下書き";

/// What [`synthetic_city`] wrote.
#[derive(Clone, Debug)]
pub struct SyntheticCity {
    pub code: String,
    /// Published (locked and public).
    pub published: FiscalYear,
    /// Open, with drafts: never public.
    pub draft: FiscalYear,
    pub plan_id: i64,
    pub node_ids: Vec<i64>,
    pub item_ids: Vec<i64>,
    /// One per item, in item order, then one per node.
    pub indicator_ids: Vec<i64>,
    pub admin_id: i64,
}

/// Writes a city of `projects` projects through [`crate::StoreTx`], as an
/// import and the staff would: a plan of goals and measures, sections, and
/// per project its placement (every tenth also re-listed under a second
/// measure), section, tags, narratives, schedule, budgets, grades, next
/// year's direction and an indicator with cells and a judgement; each
/// measure has an indicator too. FY2018 is locked and published, FY2019
/// open with drafts (its narratives use [`SYNTHETIC_DRAFT_WORD`]). Text
/// uses [`SYNTHETIC_WORDS`]. For tests that must behave the same at any
/// size (statement counts) and for backups.
pub async fn synthetic_city(store: &Store, code: &str, name: &str, projects: usize) -> SyntheticCity {
    let fy = |y: i32| FiscalYear::new(y).expect("a fiscal year");
    let (published, draft) = (fy(2018), fy(2019));
    let mut tx = store.begin_at(hyoka_core::time::Timestamp(1_700_000_000)).await.expect("begin");
    tx.upsert_municipality(&Municipality { code: code.into(), name: name.into() }).await.expect("city");
    let scale = EvaluationScale::kodaira_sab();
    tx.save_scale(code, &scale).await.expect("scale");

    let mut sections = Vec::new();
    for d in ["企画部", "市民部", "都市整備部"] {
        for s in ["第一課", "第二課"] {
            sections.push(tx.upsert_section(code, d, &format!("{d}{s}"), Validity::default()).await.expect("section"));
        }
    }
    let admin_id = tx
        .create_account(&NewAccount {
            municipality: Some(code.into()),
            login: format!("admin-{code}"),
            display_name: format!("{name}の管理者"),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
            role: Role::Admin,
            section_id: None,
        })
        .await
        .expect("account");

    // Goals, each with measures (施策) that projects sit under.
    let measures = (projects / 10).max(2);
    let mut tree = PlanTree::new("basic", &format!("{name}総合計画"), &["基本目標", "施策"]);
    let mut measure_codes = Vec::new();
    for g in 0..2 {
        let goal = tree.add_root(&format!("{}", g + 1), &format!("基本目標{}", g + 1)).expect("goal");
        for m in (0..measures).filter(|m| m % 2 == g) {
            let word = SYNTHETIC_WORDS[m % SYNTHETIC_WORDS.len()];
            let code = format!("{}-{}", g + 1, m + 1);
            tree.add_child(goal, &code, &format!("{word}の推進")).expect("measure");
            measure_codes.push(code);
        }
    }
    let plan_id = tx.save_plan(code, &tree).await.expect("plan");
    let mut node_ids = Vec::new();
    for c in &measure_codes {
        node_ids.push(tx.node_id(code, "basic", c).await.expect("node"));
    }

    let mut item_ids = Vec::new();
    let mut indicator_ids = Vec::new();
    for i in 0..projects {
        let word = SYNTHETIC_WORDS[i % SYNTHETIC_WORDS.len()];
        let other = SYNTHETIC_WORDS[(i + 3) % SYNTHETIC_WORDS.len()];
        let item = NewItem {
            key: format!("p{i}"),
            kind: "project".into(),
            code: format!("事-{}", i + 1),
            title: format!("{word}に関する事業{}", i + 1),
        };
        let id = tx.upsert_item(code, &item).await.expect("item");
        let tags: Vec<String> = if i % 3 == 0 { vec!["新規".into()] } else { Vec::new() };
        tx.set_item_details(id, Some(published), &tags, None).await.expect("details");
        let mut placements = vec![(node_ids[i % node_ids.len()], false)];
        if i % 10 == 0 {
            placements.push((node_ids[(i + 1) % node_ids.len()], true));
        }
        tx.replace_placements(id, &placements).await.expect("placements");
        tx.replace_item_sections(id, &[sections[i % sections.len()]]).await.expect("sections");
        let paragraph = |text: String| Narrative { blocks: vec![Block::Paragraph(text)] };
        let narratives = [
            NarrativeRow {
                fiscal_year: None,
                slot: "overview".into(),
                label: "事業概要".into(),
                text: paragraph(format!("{word}の充実を図るため、関係機関と連携して取り組む。")),
            },
            NarrativeRow {
                fiscal_year: Some(published),
                slot: "summary".into(),
                label: "事業の総括".into(),
                text: Narrative {
                    blocks: vec![
                        Block::Paragraph(format!("{other}と{word}について、計画どおり実施した。")),
                        Block::List(vec![format!("{}件を実施", i + 1), "予算の執行率は95.0%".into()]),
                    ],
                },
            },
            NarrativeRow {
                fiscal_year: Some(draft),
                slot: "summary".into(),
                label: "事業の総括".into(),
                text: paragraph(format!("{SYNTHETIC_DRAFT_WORD}：{word}の見直しを検討中。")),
            },
        ];
        tx.replace_narratives(id, &narratives).await.expect("narratives");
        let months: Vec<String> = (0..12).map(|m| if m % 3 == i % 3 { "●".into() } else { String::new() }).collect();
        let schedule = [ScheduleRow {
            fiscal_year: published,
            kind: "planned".into(),
            label: format!("{word}の点検"),
            months,
            hours_regular: Some(format!("{}", 100 + i)),
            hours_other: None,
        }];
        tx.replace_schedule(id, &schedule).await.expect("schedule");
        let budgets: Vec<BudgetRow> = [published, draft]
            .iter()
            .map(|y| BudgetRow {
                fiscal_year: *y,
                figures: BudgetFigures {
                    initial: Some(Yen(1_000_000 * (i as i64 + 1))),
                    final_budget: Some(Yen(1_100_000 * (i as i64 + 1))),
                    settlement: Some(Yen(1_045_000 * (i as i64 + 1))),
                    general_revenue: Some(Yen(500_000)),
                    ..Default::default()
                },
                execution_rate_printed: Some("95.0%".into()),
            })
            .collect();
        tx.replace_budgets(id, &budgets).await.expect("budgets");
        let grades: Vec<EvaluationRow> = [published, draft]
            .iter()
            .map(|y| EvaluationRow {
                fiscal_year: *y,
                stage: Stage::YearEnd,
                evaluator: Evaluator::Section,
                scale: Some(scale.code.clone()),
                grade: Some(["S", "A", "B"][i % 3].into()),
                comment: Some(format!("{word}の成果が出ている（{}）", y.label())),
            })
            .collect();
        tx.replace_evaluations(code, id, &grades).await.expect("grades");
        let direction = NextDirectionRow {
            fiscal_year: published,
            printed: "維持".into(),
            direction: Some(NextDirection::Keep),
            reason: Some(format!("{word}の需要が続くため")),
            transfer: None,
        };
        tx.replace_next_direction(id, Some(&direction)).await.expect("direction");
        let indicator = NewIndicator {
            key: format!("p{i}-i"),
            name: format!("{word}の実施件数{}", i + 1),
            kind: IndicatorKind::Activity,
            definition: Some("年度内の実施件数".into()),
            unit: Some("件".into()),
            direction: Direction::HigherIsBetter,
            vocabulary: Some("achievement".into()),
            item_id: Some(id),
            node_id: None,
            related_node_id: None,
        };
        indicator_ids.push(write_indicator(&mut tx, code, &indicator, published, draft).await);
        tx.reindex_item(id).await.expect("reindex");
        item_ids.push(id);
    }
    for (n, node) in node_ids.iter().enumerate() {
        let indicator = NewIndicator {
            key: format!("n{n}-i"),
            name: format!("施策{}の満足度", n + 1),
            kind: IndicatorKind::Outcome,
            definition: None,
            unit: Some("%".into()),
            direction: Direction::HigherIsBetter,
            vocabulary: Some("achievement".into()),
            item_id: None,
            node_id: Some(*node),
            related_node_id: None,
        };
        indicator_ids.push(write_indicator(&mut tx, code, &indicator, published, draft).await);
    }
    let plan = crate::SheetPlan { item_kinds: vec!["project".into()], ..Default::default() };
    let locked = tx.lock_year(code, published, Some(admin_id), &plan).await.expect("lock");
    assert!(locked.is_some(), "nothing saved meanwhile");
    tx.publish_year(code, published, Some(admin_id)).await.expect("publish");
    tx.set_fiscal_year(&crate::FiscalYearRecord {
        municipality: code.into(),
        fiscal_year: draft,
        locked: false,
        deadline: Some("2020-05-31".into()),
    })
    .await
    .expect("draft year");
    tx.commit().await.expect("commit");
    SyntheticCity { code: code.into(), published, draft, plan_id, node_ids, item_ids, indicator_ids, admin_id }
}

/// An indicator with a baseline, targets and actuals in both years and a
/// judgement per year, the published one overridden with a reason.
async fn write_indicator(
    tx: &mut crate::StoreTx,
    code: &str,
    indicator: &NewIndicator,
    published: FiscalYear,
    draft: FiscalYear,
) -> i64 {
    let id = tx.upsert_indicator(code, indicator).await.expect("indicator");
    let unit = indicator.unit.as_deref().unwrap_or_default();
    let cells = [
        (published, ValueRole::Baseline, format!("50{unit}")),
        (published, ValueRole::Target, format!("100{unit}")),
        (published, ValueRole::Actual, format!("1,020{unit}")),
        (draft, ValueRole::Target, format!("120{unit}")),
        (draft, ValueRole::Actual, "—".to_string()),
    ];
    for (y, role, printed) in cells {
        tx.set_indicator_value(id, y, role, &IndicatorCell::parse(&printed)).await.expect("cell");
    }
    let judged = Judgement {
        printed: Some("達成".into()),
        computed: Some("達成".into()),
        declared: Some(Declared {
            label: "概ね達成".into(), reason: "年度末に集計を修正したため".into()
        }),
    };
    tx.set_judgement(id, published, &judged).await.expect("judgement");
    let pending = Judgement { printed: None, computed: Some("未達成".into()), declared: None };
    tx.set_judgement(id, draft, &pending).await.expect("judgement");
    id
}
