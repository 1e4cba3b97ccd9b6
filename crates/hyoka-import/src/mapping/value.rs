//! Reading one cell of a city's workbook as a value of the model, the way
//! the readers of published documents do: full-width digits and spaces
//! folded, every dash variant a blank where a number is meant, thousands
//! separators, era years with or without the era's name. Printed text is
//! kept as printed (trimmed); the store parses indicator cells itself.

use hyoka_core::budget::BudgetLine;
use hyoka_core::money::MoneyUnit;
use hyoka_core::text::{fold_width, is_dash, squeeze};
use hyoka_core::{BudgetFigures, Era, FiscalYear, Hours, Number, Yen};

use crate::canonical::grid::{number_text, Cell};
use crate::error::shown;

/// A cell's text as printed, trimmed; `None` when blank. A number cell
/// prints as its shortest decimal (`12`, `0.5`).
pub fn printed(cell: &Cell) -> Result<Option<String>, String> {
    Ok(match cell {
        Cell::Empty => None,
        Cell::Text(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Cell::Int(i) => Some(i.to_string()),
        Cell::Number(f) => Some(number_text(*f)),
        Cell::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Cell::Unusable(what) => return Err(format!("{what}は読み込めません（文字か数にしてください）")),
    })
}

/// Whether a printed value is only a dash (`－`, `ー`, `—` …): "nothing
/// here", which is not zero.
pub fn is_dash_only(s: &str) -> bool {
    let s = squeeze(s);
    !s.is_empty() && s.chars().all(is_dash)
}

/// A code as a key: width-folded and trimmed, numbers stored as numbers
/// written without a decimal point, digit-only codes zero-padded to
/// `width` when given.
pub fn code(cell: &Cell, width: Option<usize>) -> Result<Option<String>, String> {
    let Some(p) = printed(cell)? else { return Ok(None) };
    let mut s = squeeze(&p);
    if let Some(w) = width {
        if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) && s.len() < w {
            s = format!("{s:0>w$}");
        }
    }
    Ok(Some(s).filter(|s| !s.is_empty()))
}

/// A fiscal year from any printed form: `令和6年度`, `R6`, `令和元`, `2024`,
/// `2024年度`, or a bare era year (`6`) with the mapping's era.
pub fn fiscal_year(text: &str, era: Option<Era>) -> Result<FiscalYear, String> {
    let s = squeeze(text);
    let fail = || {
        let hint = if era.is_none() {
            "。元号のない数は対応表の year.era で元号を指定してください"
        } else {
            ""
        };
        format!("「{}」を年度として読み取れません（例: 令和6年度、R6、2024）{hint}", shown(text.trim()))
    };
    if let Ok(y) = FiscalYear::parse(&s) {
        return Ok(y);
    }
    // An era name without 年度: `令和元`, `令和6年`.
    let bare = s.trim_end_matches("年度").trim_end_matches('年');
    if let Ok(y) = FiscalYear::parse(&format!("{bare}年度")) {
        return Ok(y);
    }
    let digits = if bare == "元" { Some(1) } else { bare.parse::<u32>().ok() };
    match digits {
        Some(n) if (1000..=9999).contains(&n) => FiscalYear::new(n as i32).map_err(|e| e.to_string()),
        Some(n) if n >= 1 => match era {
            Some(era) => FiscalYear::new(era.western_year(n)).map_err(|e| e.to_string()),
            None => Err(fail()),
        },
        _ => Err(fail()),
    }
}

/// A fiscal year from a cell: text, or a number (`2024`, `6`).
pub fn fiscal_year_cell(cell: &Cell, era: Option<Era>) -> Result<Option<FiscalYear>, String> {
    match printed(cell)? {
        None => Ok(None),
        Some(p) => fiscal_year(&p, era).map(Some),
    }
}

/// An amount: a bare number in `unit` (the header's 千円), or text with
/// its own unit (`1,200円`); a dash is blank. Full-width digits and
/// thousands separators are read.
pub fn yen(cell: &Cell, unit: MoneyUnit) -> Result<Option<Yen>, String> {
    let Some(p) = printed(cell)? else { return Ok(None) };
    if is_dash_only(&p) {
        return Ok(None);
    }
    let p = fold_width(&p);
    if let (Cell::Number(_) | Cell::Int(_), Some(n)) = (cell, Number::parse(&p)) {
        let yen = n.checked_mul_int(unit.factor()).and_then(Number::to_integer);
        return yen
            .map(|y| Some(Yen(y)))
            .ok_or_else(|| format!("「{}」は円未満の端数を含むため金額として扱えません", shown(&p)));
    }
    Yen::parse(&p, unit).map(Some).map_err(|e| e.to_string())
}

/// Reads one line of a budget table into `figures`: amounts in `unit`
/// (人件費単価 in yen), 従事時間 in hours.
pub fn budget_line(figures: &mut BudgetFigures, line: BudgetLine, cell: &Cell, unit: MoneyUnit) -> Result<(), String> {
    let unit = if line.in_yen() { MoneyUnit::Yen } else { unit };
    match figures.amount_mut(line) {
        Some(amount) => *amount = yen(cell, unit)?,
        None => {
            figures.staff.hours = match printed(cell)? {
                Some(p) if !is_dash_only(&p) => Some(
                    Hours::parse(&p)
                        .ok_or_else(|| format!("「{}」を時間として読み取れません（例: 1,234.5）", shown(&p)))?,
                ),
                _ => None,
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    #[test]
    fn fiscal_years_in_every_printed_form() {
        let y = |s: &str, era| fiscal_year(s, era).map(FiscalYear::year);
        assert_eq!(y("令和6年度", None), Ok(2024));
        assert_eq!(y("令和元", None), Ok(2019));
        assert_eq!(y("R6", None), Ok(2024));
        assert_eq!(y("２０２４", None), Ok(2024));
        assert_eq!(y("７", Some(Era::Reiwa)), Ok(2025));
        assert!(y("7", None).unwrap_err().contains("year.era"));
        assert_eq!(fiscal_year_cell(&Cell::Number(6.0), Some(Era::Reiwa)).unwrap().map(FiscalYear::year), Some(2024));
    }

    #[test]
    fn amounts_in_thousands_with_dashes_blank() {
        let k = MoneyUnit::Thousand;
        assert_eq!(yen(&text("１，２３４"), k), Ok(Some(Yen(1_234_000))));
        assert_eq!(yen(&Cell::Number(1234.0), k), Ok(Some(Yen(1_234_000))));
        assert_eq!(yen(&text("500円"), k), Ok(Some(Yen(500))));
        assert_eq!(yen(&text("△500"), k), Ok(Some(Yen(-500_000))));
        assert_eq!(yen(&text("―"), k), Ok(None));
        assert_eq!(yen(&text("－"), k), Ok(None));
        assert_eq!(yen(&text(" "), k), Ok(None));
        assert!(yen(&text("未定"), k).unwrap_err().contains("未定"));
        assert_eq!(
            yen(&Cell::Number(0.5), MoneyUnit::Yen).unwrap_err(),
            "「0.5」は円未満の端数を含むため金額として扱えません"
        );
    }

    #[test]
    fn codes_fold_width_and_numbers() {
        assert_eq!(code(&text(" １０２ "), None), Ok(Some("102".into())));
        assert_eq!(code(&Cell::Number(7.0), Some(3)), Ok(Some("007".into())));
        assert_eq!(code(&text("A-1"), Some(3)), Ok(Some("A-1".into())));
        assert_eq!(printed(&text("  －  ")), Ok(Some("－".into())));
        assert!(is_dash_only("－") && !is_dash_only("0"));
    }
}
