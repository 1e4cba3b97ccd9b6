//! The canonical JSON: `{"format": "hyoka-canonical", "version": 1,
//! "cities": [...]}`, the cities being the serde form of [`CityBatch`].
//! Recognised by its `format` key. The same references are checked as in
//! the tables; a problem is named by its line or by its path
//! (`cities[0].items[2].placements[0]`).

use std::collections::HashSet;

use hyoka_core::judgement::JudgementVocabulary;
use serde::{Deserialize, Serialize};
use serde_json::error::Category;
use serde_json::Value;

use super::tables::MONTHS;
use crate::batch::CityBatch;
use crate::control;
use crate::error::{shown, ImportError, Place};

pub const FORMAT: &str = "hyoka-canonical";
pub const VERSION: u64 = 1;

#[derive(Serialize)]
struct Envelope<'a> {
    format: &'static str,
    version: u64,
    cities: &'a [CityBatch],
}

/// `format` and `version` are checked on the untyped value first.
#[derive(Deserialize)]
struct Incoming {
    cities: Vec<CityBatch>,
}

/// Pretty-printed, two-space indent, ending in a newline.
pub(crate) fn write(cities: &[CityBatch]) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(&Envelope { format: FORMAT, version: VERSION, cities })
        .expect("a batch always serialises");
    out.push(b'\n');
    out
}

/// Whether the text is JSON: it opens with `{` or `[`, as no published
/// document does. Such a file is read as JSON, so that a broken one is told
/// as JSON (line and column), never as a document of another format.
pub(crate) fn looks_like_json(text: &str) -> bool {
    text.trim_start_matches('\u{FEFF}').trim_start().starts_with(['{', '['])
}

/// The envelope's head, read without building the cities.
#[derive(Deserialize)]
struct Head {
    #[serde(default)]
    format: Option<Value>,
    #[serde(default)]
    version: Option<Value>,
}

pub(crate) fn read(file: &str, text: &str) -> Result<Vec<CityBatch>, ImportError> {
    check_escaped_controls(file, text)?;
    if !text.trim_start_matches('\u{FEFF}').trim_start().starts_with('{') {
        return Err(ImportError::new(Place::file(file), "JSON の最上位がオブジェクト（{ … }）ではありません"));
    }
    let head: Head = serde_json::from_str(text).map_err(|e| match e.classify() {
        Category::Data => ImportError::new(Place::file(file), "JSON の最上位がオブジェクト（{ … }）ではありません"),
        _ => parse_error(file, text, &e, None),
    })?;
    match head.format {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(other) => {
            return Err(ImportError::new(
                Place::file(file),
                format!(
                    "\"format\" が \"{FORMAT}\" ではありません（{}）。hyoka の標準形式の JSON ではありません",
                    shown(&other.to_string())
                ),
            ));
        }
        None => {
            return Err(ImportError::new(
                Place::file(file),
                format!("hyoka の標準形式の JSON ではありません（\"format\": \"{FORMAT}\" がありません）"),
            ));
        }
    }
    match head.version {
        Some(v) if v.as_u64() == Some(VERSION) => {}
        Some(v) => {
            return Err(ImportError::new(
                Place::file(file),
                format!("版（version）{} には対応していません（対応している版: {VERSION}）", shown(&v.to_string())),
            ));
        }
        None => return Err(ImportError::new(Place::file(file), "\"version\" がありません")),
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let incoming: Incoming = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| parse_error(file, text, e.inner(), Some(e.path().to_string())))?;
    check(file, &incoming.cities)?;
    Ok(incoming.cities)
}

/// Refuses a string that spells a control character as an escape
/// (`\u0000`); one written raw is a syntax error of JSON already.
fn check_escaped_controls(file: &str, text: &str) -> Result<(), ImportError> {
    let (mut line, mut column) = (1, 0);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        column += 1;
        match c {
            '\n' => (line, column) = (line + 1, 0),
            '\\' => {
                let at = column;
                let Some(next) = chars.next() else { break };
                column += 1;
                if next == 'u' {
                    let hex: String = chars.clone().take(4).collect();
                    if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        if control::is_forbidden(c) {
                            return Err(ImportError::new(
                                Place::line(file, line),
                                format!(
                                    "{at}文字目の文字列に制御文字 {}（\\u{hex}）があります。タブと改行のほかの制御文字は使えません",
                                    control::name(c)
                                ),
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The place shows the line; the message the character within it (serde
/// counts bytes, a person counts characters), the path of the value when
/// known (`cities[0].items[3].fiscal_year`), and what is wrong, in
/// Japanese: serde's English never reaches a person.
fn parse_error(file: &str, text: &str, e: &serde_json::Error, path: Option<String>) -> ImportError {
    let place = Place::line(file, e.line().max(1));
    let line = text.lines().nth(e.line().saturating_sub(1)).unwrap_or("");
    let mut end = e.column().min(line.len());
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    let at = format!("{}文字目", line[..end].chars().count().max(1));
    let message = match e.classify() {
        Category::Eof => format!("JSON が途中で終わっています（{at}。壊れているか途中で切れています）"),
        Category::Syntax => format!("JSON の書き方に誤りがあります（{at}）: {}", syntax(e)),
        Category::Data | Category::Io => {
            let path = path.filter(|p| !p.is_empty() && p != ".").map(|p| format!("{p}: ")).unwrap_or_default();
            format!("{path}値が正しくありません（{at}）: {}", data(e))
        }
    };
    ImportError::new(place, message)
}

/// serde's message without its position.
fn detail(e: &serde_json::Error) -> String {
    let full = e.to_string();
    full.rsplit_once(" at line ").map_or(full.clone(), |(d, _)| d.to_string())
}

/// A syntax error in words.
fn syntax(e: &serde_json::Error) -> &'static str {
    let d = detail(e);
    const WORDS: &[(&str, &str)] = &[
        ("expected `,` or `}`", "「,」か「}」があるべきところに別の文字があります"),
        ("expected `,` or `]`", "「,」か「]」があるべきところに別の文字があります"),
        ("expected `:`", "項目名の後に「:」がありません"),
        ("expected value", "値（\"…\"、数、true、false、null、{ }、[ ]）があるべきところに別の文字があります"),
        ("expected ident", "true、false、null のつづりが違います"),
        ("trailing comma", "最後の要素の後に「,」があります"),
        ("trailing characters", "JSON の終わりの後にさらに文字があります"),
        ("control character", "文字列の中に改行などの制御文字がそのまま書かれています（改行は \\n と書きます）"),
        ("invalid escape", "文字列の中の「\\」の使い方が正しくありません"),
        ("invalid unicode code point", "文字列の中の \\u の後の16進数が正しくありません"),
        ("lone leading surrogate", "文字列の中の \\u の後の16進数が正しくありません"),
        ("unexpected end of hex escape", "文字列の中の \\u の後の16進数が正しくありません"),
        ("key must be a string", "項目名は \"…\" で囲んで書いてください"),
        ("invalid number", "数の書き方が正しくありません"),
        ("number out of range", "数が大きすぎます"),
        ("recursion limit exceeded", "入れ子が深すぎます"),
        ("EOF while parsing", "JSON が途中で終わっています"),
    ];
    WORDS.iter().find(|(en, _)| d.contains(en)).map_or("JSON として読めない文字があります", |(_, ja)| *ja)
}

/// A value that does not fit the model, in words.
fn data(e: &serde_json::Error) -> String {
    serde_words(&detail(e))
}

/// serde's English description of a value that does not fit (the same
/// words from every serde format), in Japanese. Also used for the mapping
/// files.
pub(crate) fn serde_words(d: &str) -> String {
    let d = d.to_string();
    let ticked = |s: &str| s.split('`').skip(1).step_by(2).map(str::to_string).collect::<Vec<_>>();
    if d.starts_with("missing field") {
        return format!("必要な項目 {} がありません", ticked(&d).join(", "));
    }
    if d.starts_with("duplicate field") {
        return format!("項目 {} が2回あります", ticked(&d).join(", "));
    }
    if d.starts_with("unknown variant") {
        let names = ticked(&d);
        let (bad, allowed) = names.split_first().map_or((String::new(), &[][..]), |(b, a)| (b.clone(), a));
        return format!("\"{}\" は使えません（{} のいずれか）", shown(&bad), allowed.join(", "));
    }
    if d.starts_with("unknown field") {
        return format!("項目 {} はありません", ticked(&d).first().map(|s| shown(s)).unwrap_or_default());
    }
    if let Some(rest) = d.strip_prefix("invalid type: ") {
        let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("{}ではなく{}を書いてください", kind_of(got), expected_kind(expected));
    }
    if let Some(rest) = d.strip_prefix("invalid value: ") {
        let (got, _) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("{}は使えません", kind_of(got));
    }
    if let Some(rest) = d.strip_prefix("invalid length ") {
        let n = rest.split(',').next().unwrap_or("");
        return format!("要素の数（{n}）が違います");
    }
    // Our own types explain themselves in Japanese (a fiscal year out of
    // range); anything else in English is not shown.
    if d.is_ascii() {
        "値の形が正しくありません".to_string()
    } else {
        shown(&d)
    }
}

/// `string "abc"` → `文字列 "abc"`; `integer `5`` → `数 5`.
fn kind_of(got: &str) -> String {
    let value = got.split('`').nth(1).map(str::to_string);
    if let Some(s) = got.strip_prefix("string ") {
        format!("文字列 {}", shown(s))
    } else if got.starts_with("integer") || got.starts_with("floating point") {
        format!("数 {}", value.unwrap_or_default())
    } else if got.starts_with("boolean") {
        format!("真偽値 {}", value.unwrap_or_default())
    } else if got == "null" || got.starts_with("unit") {
        "null".to_string()
    } else if got == "map" {
        "オブジェクト（{ … }）".to_string()
    } else if got == "sequence" {
        "配列（[ … ]）".to_string()
    } else {
        "この値".to_string()
    }
}

fn expected_kind(expected: &str) -> &'static str {
    if expected.contains("string") || expected.contains("char") {
        "文字列（\"…\"）"
    } else if ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "integer"]
        .iter()
        .any(|t| expected.contains(t))
    {
        "整数"
    } else if expected.contains("bool") {
        "true か false"
    } else if expected.contains("sequence") || expected.contains("array") || expected.starts_with("a vec") {
        "配列（[ … ]）"
    } else if expected.contains("struct") || expected.contains("map") {
        "オブジェクト（{ … }）"
    } else if expected.contains("option") {
        "値か null"
    } else {
        "正しい型の値"
    }
}

/// The checks the tables get from their references, for JSON.
fn check(file: &str, cities: &[CityBatch]) -> Result<(), ImportError> {
    let fail = |path: String, message: String| Err(ImportError::new(Place::file(file), format!("{path}: {message}")));
    let vocabularies: Vec<String> = JudgementVocabulary::presets().into_iter().map(|v| v.code).collect();
    let mut codes = HashSet::new();
    for (ci, city) in cities.iter().enumerate() {
        let at = format!("cities[{ci}]");
        if city.code.trim().is_empty() {
            return fail(format!("{at}.code"), "自治体コードが空です".into());
        }
        if !codes.insert(city.code.as_str()) {
            return fail(at, format!("自治体 {} が2回あります", city.code));
        }
        let mut scales = HashSet::new();
        for (si, s) in city.scales.iter().enumerate() {
            if !scales.insert(s.code.as_str()) {
                return fail(format!("{at}.scales[{si}]"), format!("尺度 \"{}\" が2回あります", s.code));
            }
            let mut grades = HashSet::new();
            for (gi, g) in s.grades.iter().enumerate() {
                if !grades.insert(g.code.as_str()) {
                    return fail(
                        format!("{at}.scales[{si}].grades[{gi}]"),
                        format!("評語 \"{}\" が2回あります", g.code),
                    );
                }
            }
        }
        let mut plans = HashSet::new();
        let mut nodes = HashSet::new();
        for (pi, p) in city.plans.iter().enumerate() {
            if !plans.insert(p.code.as_str()) {
                return fail(format!("{at}.plans[{pi}]"), format!("計画 \"{}\" が2回あります", p.code));
            }
            let mut earlier = HashSet::new();
            for (ni, n) in p.nodes.iter().enumerate() {
                let path = format!("{at}.plans[{pi}].nodes[{ni}]");
                if n.code.trim().is_empty() || n.title.trim().is_empty() {
                    return fail(path, "項目のコードと見出しは空にできません".into());
                }
                if let Some(parent) = &n.parent {
                    if !earlier.contains(parent.as_str()) {
                        return fail(path, format!("親の項目 \"{parent}\" がこの項目より前にありません"));
                    }
                }
                if !earlier.insert(n.code.as_str()) {
                    return fail(path, format!("項目 \"{}\" が2回あります", n.code));
                }
                nodes.insert((p.code.as_str(), n.code.as_str()));
            }
        }
        let keys: HashSet<&str> = city.items.iter().map(|i| i.key.as_str()).collect();
        let mut seen = HashSet::new();
        for (ii, item) in city.items.iter().enumerate() {
            let at = format!("{at}.items[{ii}]");
            if item.key.trim().is_empty() {
                return fail(at, "item_key が空です".into());
            }
            if !seen.insert(item.key.as_str()) {
                return fail(at, format!("item_key \"{}\" が2回あります", item.key));
            }
            if let Some(of) = &item.relisting_of {
                if !keys.contains(of.as_str()) {
                    return fail(format!("{at}.relisting_of"), format!("再掲元の item_key \"{of}\" はありません"));
                }
            }
            let mut placed = HashSet::new();
            for (pi, p) in item.placements.iter().enumerate() {
                if !nodes.contains(&(p.plan.as_str(), p.node.as_str())) {
                    return fail(
                        format!("{at}.placements[{pi}]"),
                        format!("計画 \"{}\" の項目 \"{}\" はありません", p.plan, p.node),
                    );
                }
                if !placed.insert((p.plan.as_str(), p.node.as_str())) {
                    return fail(format!("{at}.placements[{pi}]"), "同じ位置が2回あります".into());
                }
            }
            let mut years = HashSet::new();
            for (bi, b) in item.budgets.iter().enumerate() {
                if !years.insert(b.fiscal_year) {
                    return fail(format!("{at}.budgets[{bi}]"), format!("{}の予算が2回あります", b.fiscal_year));
                }
            }
            let mut graded = HashSet::new();
            for (ei, e) in item.evaluations.iter().enumerate() {
                let path = format!("{at}.evaluations[{ei}]");
                if !graded.insert((e.fiscal_year, e.stage, e.evaluator)) {
                    return fail(path, "同じ年度・時期・評価者の評価が2回あります".into());
                }
                if let Some(code) = &e.scale {
                    let Some(scale) = city.scales.iter().find(|s| &s.code == code) else {
                        return fail(path, format!("尺度 \"{code}\" はありません"));
                    };
                    if let Some(g) = &e.grade {
                        if !scale.grades.iter().any(|x| &x.code == g) {
                            let list: Vec<&str> = scale.grades.iter().map(|x| x.code.as_str()).collect();
                            return fail(
                                path,
                                format!(
                                    "評語 \"{g}\" は尺度 \"{code}\" にありません（{} のいずれか）",
                                    list.join("・")
                                ),
                            );
                        }
                    }
                }
            }
            for (si, s) in item.schedule.iter().enumerate() {
                if s.months.len() != MONTHS.len() {
                    return fail(
                        format!("{at}.schedule[{si}].months"),
                        format!("月は4月から3月までの12個です（{}個あります）", s.months.len()),
                    );
                }
            }
        }
        let mut seen = HashSet::new();
        for (ki, ind) in city.indicators.iter().enumerate() {
            let at = format!("{at}.indicators[{ki}]");
            if ind.key.trim().is_empty() {
                return fail(at, "indicator_key が空です".into());
            }
            if !seen.insert(ind.key.as_str()) {
                return fail(at, format!("indicator_key \"{}\" が2回あります", ind.key));
            }
            if let Some(item) = &ind.item {
                if !keys.contains(item.as_str()) {
                    return fail(format!("{at}.item"), format!("item_key \"{item}\" はありません"));
                }
            }
            for (field, n) in [("node", &ind.node), ("related", &ind.related)] {
                if let Some(n) = n.as_ref().filter(|n| !nodes.contains(&(n.plan.as_str(), n.node.as_str()))) {
                    return fail(
                        format!("{at}.{field}"),
                        format!("計画 \"{}\" の項目 \"{}\" はありません", n.plan, n.node),
                    );
                }
            }
            if let Some(v) = &ind.vocabulary {
                if !vocabularies.contains(v) {
                    return fail(
                        format!("{at}.vocabulary"),
                        format!("判定の語彙は {} のいずれかです: \"{v}\"", vocabularies.join(", ")),
                    );
                }
            }
            let mut printed = HashSet::new();
            for (vi, v) in ind.values.iter().enumerate() {
                if !printed.insert((v.fiscal_year, v.role, v.source.as_deref().unwrap_or(""))) {
                    return fail(format!("{at}.values[{vi}]"), "同じ年度・種類・表の値が2回あります".into());
                }
            }
            let mut judged = HashSet::new();
            for (ji, j) in ind.judgements.iter().enumerate() {
                if !judged.insert((j.fiscal_year, j.source.as_deref().unwrap_or(""))) {
                    return fail(format!("{at}.judgements[{ji}]"), "同じ年度・表の判定が2回あります".into());
                }
            }
        }
    }
    Ok(())
}
