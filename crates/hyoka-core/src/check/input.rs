//! What the checks read: one sheet (an item in a fiscal year) with
//! everything printed on it, or a whole city-year of sheets with its plans,
//! scales and printed counts. The store fills these; the rules never see
//! how the data came in.

use crate::cell::IndicatorCell;
use crate::judgement::JudgementVocabulary;
use crate::number::Number;
use crate::sheet::{BudgetRow, EvaluationRow, NarrativeRow};
use crate::{Direction, EvaluationScale, FiscalYear, IndicatorKind, ValueRole};

/// A row with the line of the source document it was read from, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub row: T,
    /// 1-based line of [`SheetInput::file`].
    pub line: Option<usize>,
}

impl<T> Located<T> {
    pub fn new(row: T) -> Self {
        Located { row, line: None }
    }
    pub fn at(row: T, line: Option<usize>) -> Self {
        Located { row, line }
    }
}

/// One sheet: an item (project, issue, reform item, objective) in one
/// fiscal year, as stored.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SheetInput {
    /// The item's stable key within the city.
    pub key: String,
    /// As printed: `企-7`, `No.2-3`, `1-(2)`.
    pub code: String,
    pub title: String,
    pub fiscal_year: Option<FiscalYear>,
    /// The document the sheet was imported from, for places in flags.
    pub file: Option<String>,
    /// The line of the sheet's heading in that file.
    pub line: Option<usize>,
    /// The key of the sheet whose indicators this one reports on (a
    /// 施策の方向 under its 施策, a sub-sheet `No.2-1` under `No.2`). Its
    /// indicators are compared with this sheet's narrative too.
    pub parent: Option<String>,
    /// Other printings of the title, code or purpose: the summary list, the
    /// sheet's heading, a schedule, a budget table.
    pub printings: Vec<Printing>,
    pub indicators: Vec<IndicatorInput>,
    pub narratives: Vec<Located<NarrativeRow>>,
    pub budgets: Vec<Located<BudgetRow>>,
    pub evaluations: Vec<Located<EvaluationRow>>,
    pub placements: Vec<PlacementInput>,
    /// Set when the sheet is a re-listing (再掲) of another item.
    pub relisting: Option<Relisting>,
}

/// The title, code or purpose of an item or plan node as printed in one
/// place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Printing {
    pub field: NameField,
    /// Where it is printed: `一覧表`, `調査票`, `目次`, `スケジュール表`.
    pub place: String,
    pub text: String,
    pub line: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameField {
    Title,
    Code,
    /// 目的・ねらい and other one-line descriptions printed twice.
    Purpose,
}

impl NameField {
    pub fn label(self) -> &'static str {
        match self {
            NameField::Title => "名称",
            NameField::Code => "番号",
            NameField::Purpose => "目的",
        }
    }
}

/// An item placed under a plan node (see [`crate::plan::Placement`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacementInput {
    pub plan: String,
    pub node: String,
    /// Marked as a re-listing (再掲) at this place.
    pub relisting: bool,
}

/// What a re-listing says it repeats.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Relisting {
    /// The key of the item it repeats, when known.
    pub of_item: Option<String>,
    /// The plan node the document names as the origin: `IV-7-48-(4)` in
    /// `IT推進事業(施策48-(4)再掲)`.
    pub of_node: Option<String>,
    /// The note as printed.
    pub printed: String,
    pub line: Option<usize>,
}

/// One indicator with every printing of every value.
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorInput {
    pub key: String,
    pub name: String,
    pub kind: IndicatorKind,
    pub unit: Option<String>,
    /// As declared for the indicator; never guessed from the numbers.
    pub direction: Direction,
    /// The words its judgements are printed in.
    pub vocabulary: Option<JudgementVocabulary>,
    pub values: Vec<ValueInput>,
    pub judgements: Vec<JudgementInput>,
}

impl IndicatorInput {
    pub fn new(key: &str, name: &str, direction: Direction) -> Self {
        IndicatorInput {
            key: key.into(),
            name: name.into(),
            kind: IndicatorKind::Outcome,
            unit: None,
            direction,
            vocabulary: None,
            values: Vec::new(),
            judgements: Vec::new(),
        }
    }
}

/// One printed cell of an indicator. When a value is printed in two
/// tables, both printings are kept and `source` names the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueInput {
    pub fiscal_year: FiscalYear,
    pub role: ValueRole,
    pub cell: IndicatorCell,
    pub source: Option<String>,
    pub line: Option<usize>,
}

impl ValueInput {
    /// Parses `printed` into a cell.
    pub fn new(fiscal_year: FiscalYear, role: ValueRole, printed: &str) -> Self {
        ValueInput { fiscal_year, role, cell: IndicatorCell::parse(printed), source: None, line: None }
    }
    pub fn from_source(mut self, source: &str) -> Self {
        self.source = Some(source.into());
        self
    }
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }
}

/// A judgement as printed for one fiscal year (`達成`, `順調`, `S`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JudgementInput {
    pub fiscal_year: FiscalYear,
    pub printed: String,
    pub source: Option<String>,
    pub line: Option<usize>,
}

/// A scale of grades with the achievement each grade stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaleInput {
    pub scale: EvaluationScale,
    /// The achievement each grade allows. `None`: read from the grades'
    /// labels (`計画の7割未満`, `予定どおり`, `遅れている`), see
    /// [`crate::check::bands::infer`].
    pub bands: Option<Vec<GradeBand>>,
}

impl ScaleInput {
    pub fn new(scale: EvaluationScale) -> Self {
        ScaleInput { scale, bands: None }
    }
}

/// The achievements (actual ÷ target) a grade is consistent with: at least
/// `min` and below `max`. A grade with neither says nothing about numbers
/// (`その他（取組方針の変更等）`, `重点的に取り組む`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradeBand {
    pub grade: String,
    pub min: Option<Number>,
    pub max: Option<Number>,
}

/// A plan with the printings of its nodes' titles and codes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanInput {
    pub code: String,
    pub name: String,
    /// Parents before children.
    pub nodes: Vec<NodeInput>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeInput {
    pub code: String,
    pub parent: Option<String>,
    pub title: String,
    /// Every other printing of the node's title or code (目次, 体系図,
    /// section heading).
    pub printings: Vec<Printing>,
}

/// A count printed in a summary: `S 3件`, `全34施策`, `68の目標指標`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TallyInput {
    /// What the document says it counts, as printed.
    pub label: String,
    pub counts: Counted,
    /// Only items placed in this plan …
    pub plan: Option<String>,
    /// … at or under this node.
    pub node: Option<String>,
    /// Only items with this grade at their last stage.
    pub grade: Option<String>,
    pub printed: String,
    pub file: Option<String>,
    pub line: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    Items,
    Indicators,
}

/// Everything of one city in one fiscal year.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CityYearInput {
    /// 全国地方公共団体コード.
    pub city: String,
    pub fiscal_year: Option<FiscalYear>,
    pub scales: Vec<ScaleInput>,
    /// The city's judgement vocabularies, besides the presets.
    pub vocabularies: Vec<JudgementVocabulary>,
    /// The city's criteria and direction words.
    pub words: crate::vocabulary::CityVocabulary,
    pub sheets: Vec<SheetInput>,
    pub plans: Vec<PlanInput>,
    pub tallies: Vec<TallyInput>,
}
