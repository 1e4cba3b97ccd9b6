//! Rows of cells as read from a CSV file or an XLSX sheet, bound to a
//! table's columns, and the reading of one cell by its column's kind. Every
//! error names file, sheet, row and column.

use std::collections::HashMap;
use std::str::FromStr;

use hyoka_core::text::normalise;
use hyoka_core::{FiscalYear, Hours, Yen};

use super::tables::{ColumnKind, TableSpec, TABLES};
use crate::control;
use crate::error::{shown, ImportError, Place};

/// A cell before its column says what it means. CSV gives only text; XLSX
/// also numbers and booleans.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Number(f64),
    Bool(bool),
    /// A date or an error value: described for the message that refuses it.
    Unusable(String),
}

impl Cell {
    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// One row as the spreadsheet shows it: `number` is 1-based, the header
/// being row 1.
#[derive(Clone, Debug)]
pub(crate) struct GridRow {
    pub number: usize,
    pub cells: Vec<Cell>,
}

/// A sheet or CSV file: its header row and the rows below it.
#[derive(Clone, Debug)]
pub(crate) struct Grid {
    pub file: String,
    pub sheet: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<GridRow>,
}

impl Grid {
    fn place(&self, row: usize, column: Option<&str>) -> Place {
        Place { file: self.file.clone(), sheet: self.sheet.clone(), row: Some(row), column: column.map(str::to_string) }
    }

    /// The table whose columns the header names, whatever their order.
    pub fn recognise(&self) -> Option<&'static TableSpec> {
        let names = self.header_names();
        TABLES.iter().find(|t| {
            names.iter().all(|n| t.column(n).is_some())
                && t.columns.iter().all(|c| c.may_be_absent || names.contains(&c.name))
                && names.len() <= t.columns.len()
        })
    }

    fn header_names(&self) -> Vec<&str> {
        self.header.iter().map(|h| h.trim()).filter(|h| !h.is_empty()).collect()
    }

    /// Explains why the header matches no table: every column that is
    /// unknown, twice or missing, one short line each. The table compared
    /// against is the one the file or sheet is named after, else the one
    /// sharing most columns.
    pub fn unrecognised(&self) -> ImportError {
        let names = self.header_names();
        let stem = self.sheet.clone().unwrap_or_else(|| file_stem(&self.file));
        let closest = TABLES.iter().find(|t| t.name == stem).or_else(|| {
            TABLES
                .iter()
                .map(|t| (t, t.columns.iter().filter(|c| names.contains(&c.name)).count()))
                .filter(|(_, n)| *n > 1)
                .max_by_key(|(_, n)| *n)
                .map(|(t, _)| t)
        });
        let Some(table) = closest else {
            let first = names.first().map(|s| shown(s));
            return ImportError::new(
                Place { row: Some(1), column: first, ..self.place(1, None) },
                "1行目の見出しがどの表の列とも一致しません（hyoka の標準形式の表として認識できません）",
            );
        };
        self.check_header(table).err().unwrap_or_else(|| {
            ImportError::new(self.place(1, None), format!("1行目の見出しが表 {} の列と一致しません", table.name))
        })
    }

    /// Checks the header against a table: every column once, no other.
    /// Every problem is listed, one short line each.
    fn check_header(&self, table: &TableSpec) -> Result<(), ImportError> {
        let mut problems = Vec::new();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, h) in self.header.iter().enumerate() {
            let h = h.trim();
            if h.is_empty() {
                continue;
            }
            let name = shown(h);
            if table.column(h).is_none() {
                problems.push(ImportError::new(
                    self.place(1, Some(&name)),
                    format!("列「{name}」（{}列目）は表 {} の列ではありません", i + 1, table.name),
                ));
            } else if let Some(first) = seen.insert(h, i) {
                problems.push(ImportError::new(
                    self.place(1, Some(&name)),
                    format!("列「{name}」が2回あります（{}列目と{}列目）", first + 1, i + 1),
                ));
            }
        }
        for missing in table.columns.iter().filter(|c| !c.may_be_absent && !seen.contains_key(c.name)) {
            problems.push(ImportError::new(
                self.place(1, Some(missing.name)),
                format!("列「{}」がありません（表 {}）", missing.name, table.name),
            ));
        }
        ImportError::all(problems)
    }

    /// Binds the grid to a table, checking the header. Columns may come in
    /// any order; cells under a blank header must be empty.
    pub fn bind(self, table: &'static TableSpec) -> Result<Table, ImportError> {
        self.check_header(table)?;
        self.check_control_characters()?;
        let index: HashMap<&str, usize> =
            self.header.iter().enumerate().filter(|(_, h)| !h.trim().is_empty()).map(|(i, h)| (h.trim(), i)).collect();
        for row in &self.rows {
            for (i, cell) in row.cells.iter().enumerate() {
                let unnamed = self.header.get(i).is_none_or(|h| h.trim().is_empty());
                if unnamed && !cell.is_blank() {
                    return Err(ImportError::new(
                        self.place(row.number, None),
                        format!("見出しのない列（{}列目）に値があります", i + 1),
                    ));
                }
            }
        }
        // An absent column (one that may be) points past every row's cells: blank.
        let columns = table.columns.iter().map(|c| index.get(c.name).copied().unwrap_or(usize::MAX)).collect();
        Ok(Table { spec: table, file: self.file, sheet: self.sheet, columns, rows: self.rows })
    }
}

impl Grid {
    /// Refuses text with control characters other than tab and line
    /// breaks, naming every cell that has one.
    fn check_control_characters(&self) -> Result<(), ImportError> {
        let mut problems = Vec::new();
        for row in &self.rows {
            for (i, cell) in row.cells.iter().enumerate() {
                let Cell::Text(text) = cell else { continue };
                if let Some((at, c)) = control::find(text) {
                    let column = match self.header.get(i).map(|h| h.trim()).filter(|h| !h.is_empty()) {
                        Some(h) => h.to_string(),
                        None => format!("{}列目", i + 1),
                    };
                    problems.push(ImportError::new(self.place(row.number, Some(&column)), control::message(at, c)));
                }
            }
        }
        ImportError::all(problems)
    }
}

/// `dir/items.csv` → `items`.
fn file_stem(file: &str) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    base.rsplit_once('.').map_or(base, |(stem, _)| stem).to_string()
}

/// A grid whose header matched a table.
#[derive(Debug)]
pub(crate) struct Table {
    pub spec: &'static TableSpec,
    pub file: String,
    pub sheet: Option<String>,
    /// For each of the spec's columns, its index among the cells.
    columns: Vec<usize>,
    rows: Vec<GridRow>,
}

impl Table {
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |row| Row { table: self, row })
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn place(&self, row: usize, column: &str) -> Place {
        Place::cell(&self.file, self.sheet.as_deref(), row, column)
    }

    pub fn error(&self, row: usize, column: &str, message: impl Into<String>) -> ImportError {
        ImportError::new(self.place(row, column), message)
    }

    /// Refuses two rows with the same values in `columns`. Values are
    /// compared as read (`2018` and `平成30年度` are the same year); a row
    /// whose value cannot be read is left to the check of that cell.
    pub fn check_unique(&self, columns: &[&str]) -> Result<(), ImportError> {
        if columns.is_empty() {
            return Ok(());
        }
        let mut seen: HashMap<Vec<String>, usize> = HashMap::new();
        for row in self.rows() {
            let Some(key) = columns.iter().map(|c| row.key_text(c)).collect::<Option<Vec<String>>>() else {
                continue;
            };
            if let Some(first) = seen.insert(key, row.number()) {
                let named = columns.iter().copied().find(|c| *c != "municipality_code").unwrap_or(columns[0]);
                return Err(row.error(
                    named,
                    format!(
                        "同じキー（{}）の行が2回あります（{}行目と{}行目）",
                        columns.join(", "),
                        first,
                        row.number()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// One row of a bound table; reads its cells by column name.
#[derive(Clone, Copy)]
pub(crate) struct Row<'a> {
    table: &'a Table,
    row: &'a GridRow,
}

impl<'a> Row<'a> {
    pub fn number(&self) -> usize {
        self.row.number
    }

    pub fn error(&self, column: &str, message: impl Into<String>) -> ImportError {
        self.table.error(self.row.number, column, message)
    }

    fn cell(&self, column: &str) -> (&'static super::tables::ColumnSpec, &'a Cell) {
        let (i, spec) = self
            .table
            .spec
            .columns
            .iter()
            .enumerate()
            .find(|(_, c)| c.name == column)
            .unwrap_or_else(|| panic!("table {} has no column {column}", self.table.spec.name));
        (spec, self.row.cells.get(self.table.columns[i]).unwrap_or(&Cell::Empty))
    }

    /// The cell as text: numbers without a fractional part as integers
    /// (`132047`, not `132047.0`). Empty is `""`; a required column refuses it.
    pub fn text(&self, column: &str) -> Result<String, ImportError> {
        let (spec, cell) = self.cell(column);
        if spec.required && cell.is_blank() {
            return Err(self.error(column, "必須の値が空です"));
        }
        match cell {
            Cell::Empty => Ok(String::new()),
            Cell::Text(s) => Ok(s.clone()),
            Cell::Int(i) => Ok(i.to_string()),
            Cell::Number(f) => Ok(number_text(*f)),
            Cell::Bool(b) => Ok(if *b { "TRUE" } else { "FALSE" }.to_string()),
            Cell::Unusable(what) => {
                Err(self.error(column, format!("{what}は使えません。セルの書式を「文字列」にして入力し直してください")))
            }
        }
    }

    /// `None` for an empty cell.
    pub fn opt_text(&self, column: &str) -> Result<Option<String>, ImportError> {
        let s = self.text(column)?;
        Ok((!s.is_empty()).then_some(s))
    }

    pub fn year(&self, column: &str) -> Result<FiscalYear, ImportError> {
        self.opt_year(column)?.ok_or_else(|| self.error(column, "必須の値が空です"))
    }

    pub fn opt_year(&self, column: &str) -> Result<Option<FiscalYear>, ImportError> {
        const HINT: &str = "年度は西暦の整数（2018）か和暦（平成30年度）で入力してください";
        let (_, cell) = self.cell(column);
        if cell.is_blank() {
            return Ok(None);
        }
        if let Cell::Number(_) | Cell::Int(_) | Cell::Unusable(_) = cell {
            let n = self.integer_cell(column, cell, HINT)?;
            let year = i32::try_from(n)
                .map_err(|_| self.error(column, format!("年度として読み取れません: \"{n}\"。{HINT}")))?;
            return FiscalYear::new(year).map(Some).map_err(|e| self.error(column, e.to_string()));
        }
        let Some(text) = self.opt_text(column)? else { return Ok(None) };
        parse_year(&text).map(Some).map_err(|m| self.error(column, m))
    }

    pub fn integer(&self, column: &str) -> Result<i64, ImportError> {
        let (_, cell) = self.cell(column);
        if cell.is_blank() {
            return Err(self.error(column, "必須の値が空です"));
        }
        self.integer_cell(column, cell, "整数で入力してください")
    }

    pub fn opt_yen(&self, column: &str) -> Result<Option<Yen>, ImportError> {
        let (_, cell) = self.cell(column);
        if cell.is_blank() {
            return Ok(None);
        }
        self.integer_cell(column, cell, "金額は円単位の整数で入力してください（例: 7368000）").map(|n| Some(Yen(n)))
    }

    /// Hours as a number with at most two decimals (`1234.5`).
    pub fn opt_hours(&self, column: &str) -> Result<Option<Hours>, ImportError> {
        let (_, cell) = self.cell(column);
        let text = match cell {
            _ if cell.is_blank() => return Ok(None),
            Cell::Int(i) => i.to_string(),
            Cell::Number(f) => number_text(*f),
            _ => self.opt_text(column)?.unwrap_or_default(),
        };
        Hours::parse(&text).map(Some).ok_or_else(|| {
            self.error(column, format!("時間は小数第2位までの数で入力してください（例: 1234.5）: \"{}\"", shown(&text)))
        })
    }

    fn integer_cell(&self, column: &str, cell: &Cell, hint: &str) -> Result<i64, ImportError> {
        let fraction = |value: &str| self.error(column, format!("小数は使えません。{hint}: \"{}\"", shown(value)));
        match cell {
            Cell::Int(i) => Ok(*i),
            Cell::Number(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(*f as i64),
            Cell::Number(f) if f.is_finite() => Err(fraction(&number_text(*f))),
            Cell::Text(s) => {
                let n = normalise(s).replace(',', "");
                if let Ok(i) = n.parse::<i64>() {
                    return Ok(i);
                }
                // `1200.0` is a whole number written by a program; `1.5` is not.
                if let Some((whole, frac)) = n.split_once('.') {
                    if !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit()) {
                        return match whole.parse::<i64>() {
                            Ok(i) if frac.bytes().all(|b| b == b'0') => Ok(i),
                            Ok(_) => Err(fraction(s)),
                            Err(_) => Err(self.error(column, format!("{hint}: \"{}\"", shown(s)))),
                        };
                    }
                }
                Err(self.error(column, format!("{hint}: \"{}\"", shown(s))))
            }
            Cell::Unusable(what) => Err(self.error(column, format!("{what}は使えません。{hint}"))),
            Cell::Number(_) => Err(self.error(column, format!("数として読めない値です。{hint}"))),
            Cell::Bool(b) => Err(self.error(column, format!("{hint}: {}", if *b { "TRUE" } else { "FALSE" }))),
            Cell::Empty => Err(self.error(column, "必須の値が空です")),
        }
    }

    pub fn boolean(&self, column: &str) -> Result<bool, ImportError> {
        let (_, cell) = self.cell(column);
        match cell {
            Cell::Bool(b) => Ok(*b),
            Cell::Int(0) => Ok(false),
            Cell::Int(1) => Ok(true),
            Cell::Number(f) if *f == 0.0 => Ok(false),
            Cell::Number(f) if *f == 1.0 => Ok(true),
            _ if cell.is_blank() => Err(self.error(column, "必須の値が空です（0 または 1）")),
            _ => {
                let text = self.text(column)?;
                match normalise(&text).to_ascii_lowercase().as_str() {
                    "1" | "true" => Ok(true),
                    "0" | "false" => Ok(false),
                    _ => Err(self.error(column, format!("0 または 1 で入力してください: \"{}\"", shown(&text)))),
                }
            }
        }
    }

    /// A coded value (`higher`, `target`, `midyear`); the Japanese label is
    /// accepted too. `what` names the column in the message.
    pub fn coded<T: FromStr>(&self, column: &str, what: &str, codes: &[&str]) -> Result<T, ImportError> {
        self.opt_coded(column, what, codes)?.ok_or_else(|| self.error(column, "必須の値が空です"))
    }

    pub fn opt_coded<T: FromStr>(&self, column: &str, what: &str, codes: &[&str]) -> Result<Option<T>, ImportError> {
        if self.cell(column).1.is_blank() {
            return Ok(None);
        }
        let text = self.text(column)?;
        text.parse::<T>().map(Some).map_err(|_| {
            self.error(column, format!("{what}は {} のいずれかです: \"{}\"", codes.join(", "), shown(&text)))
        })
    }

    /// The cell's value for comparing keys, or `None` when it cannot be read.
    fn key_text(&self, column: &str) -> Option<String> {
        let (spec, _) = self.cell(column);
        match spec.kind {
            ColumnKind::Year => self.opt_year(column).ok().map(|y| y.map(|y| y.year().to_string()).unwrap_or_default()),
            ColumnKind::Integer => self.integer(column).ok().map(|i| i.to_string()),
            _ => match self.cell(column).1 {
                Cell::Unusable(_) => None,
                _ => self.text(column).ok().or(Some(String::new())),
            },
        }
    }
}

/// `2018`, `２０１８`, `平成30年度`, `H30`, `FY2018`.
pub(crate) fn parse_year(text: &str) -> Result<FiscalYear, String> {
    let s = normalise(text);
    let unreadable = || format!("「{}」を年度として読み取れません（例: 2018、平成30年度、H30）", shown(text));
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let year: i32 = s.parse().map_err(|_| unreadable())?;
        return FiscalYear::new(year).map_err(|e| e.to_string());
    }
    FiscalYear::parse(&s).map_err(|_| unreadable())
}

/// `132047.0` → `132047`; other numbers in their shortest exact form.
pub(crate) fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}
