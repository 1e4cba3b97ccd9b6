//! The trend chart: well-formed SVG, both series, gaps for missing values
//! (never zeros), notes for cells that are not numbers, escaped text, and
//! byte-for-byte deterministic output (checked against a snapshot).

use hyoka_core::chart::{Series, TrendChart, YearCells};
use hyoka_core::{FiscalYear, IndicatorCell};

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

fn cells(target: &str, actual: &str) -> YearCells {
    YearCells { baseline: None, target: Some(IndicatorCell::parse(target)), actual: Some(IndicatorCell::parse(actual)) }
}

/// 三島市 地域SNS利用者数 as printed H28–R02: actuals only up to H30, a
/// dash for the targets of the last two years.
fn mishima() -> TrendChart {
    TrendChart::new("sns", "三島市地域SNS利用者数", Some("人"))
        .year(fy(2018), cells("1,320人", "1,302人"))
        .year(fy(2016), cells("1,285人", "1,279人"))
        .year(fy(2017), cells("1,300人", "1,290人"))
        .year(fy(2019), cells("1,340人", ""))
        .year(fy(2020), cells("—", ""))
}

/// A minimal well-formedness check: tags balance, attributes are quoted,
/// text holds no raw `<`, and every `&` starts a known entity.
fn check_xml(svg: &str) -> Result<(), String> {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    let mut seen_root = false;
    while let Some(lt) = rest.find('<') {
        check_text(&rest[..lt])?;
        let after = &rest[lt + 1..];
        let gt = tag_end(after).ok_or("unterminated tag")?;
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().ok_or_else(|| format!("closing </{name}> without an opening tag"))?;
            if open != name.trim() {
                return Err(format!("<{open}> closed by </{name}>"));
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let name: String = body.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == ':').collect();
        if name.is_empty() {
            return Err(format!("bad tag <{tag}>"));
        }
        check_attributes(&body[name.len()..])?;
        if stack.is_empty() {
            if seen_root {
                return Err("more than one root element".into());
            }
            seen_root = true;
        }
        if !self_closing {
            stack.push(name);
        }
    }
    check_text(rest)?;
    if let Some(open) = stack.pop() {
        return Err(format!("<{open}> never closed"));
    }
    if !seen_root {
        return Err("no element".into());
    }
    Ok(())
}

fn tag_end(s: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '>' if !quoted => return Some(i),
            '<' if !quoted => return None,
            _ => {}
        }
    }
    None
}

fn check_attributes(mut s: &str) -> Result<(), String> {
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return Ok(());
        }
        let eq = s.find('=').ok_or_else(|| format!("attribute without value: {s}"))?;
        let name = &s[..eq];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':') {
            return Err(format!("bad attribute name {name:?}"));
        }
        let value = s[eq + 1..].strip_prefix('"').ok_or_else(|| format!("unquoted attribute {name}"))?;
        let close = value.find('"').ok_or_else(|| format!("unterminated attribute {name}"))?;
        check_text(&value[..close])?;
        s = &value[close + 1..];
    }
}

fn check_text(s: &str) -> Result<(), String> {
    if s.contains('>') {
        return Err(format!("raw '>' in text: {s}"));
    }
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        rest = &rest[at + 1..];
        let ok = ["amp;", "lt;", "gt;", "quot;", "#39;"].iter().any(|e| rest.starts_with(e));
        if !ok {
            return Err(format!("bare '&' in text: {s}"));
        }
    }
    Ok(())
}

/// The contents of the element that starts with `open`.
fn group<'a>(svg: &'a str, open: &str) -> &'a str {
    let at = svg.find(open).unwrap_or_else(|| panic!("{open} missing"));
    let rest = &svg[at..];
    &rest[..rest.find("</g>").expect("group closes")]
}

#[test]
fn the_checker_refuses_broken_markup() {
    assert!(check_xml("<svg><g></svg>").is_err());
    assert!(check_xml("<svg><text>a < b</text></svg>").is_err());
    assert!(check_xml("<svg><text>a & b</text></svg>").is_err());
    assert!(check_xml("<svg x=1></svg>").is_err());
    assert!(check_xml("<svg><line x=\"1\"/><text>&amp;</text></svg>").is_ok());
}

#[test]
fn chart_is_well_formed_accessible_svg() {
    let svg = mishima().to_svg();
    check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains("<title id=\"sns-title\">三島市地域SNS利用者数の推移（目標と実績）</title>"));
    assert!(svg.contains("aria-labelledby=\"sns-title\"") && svg.contains("aria-describedby=\"sns-desc\""));
    let desc = &svg[svg.find("<desc").unwrap()..svg.find("</desc>").unwrap()];
    assert!(desc.contains("平成28年度: 目標 1,285人、実績 1,279人。"), "{desc}");
    assert!(desc.contains("令和元年度: 目標 1,340人、実績は記載なし。"), "{desc}");
    assert!(desc.contains("単位は人です。"), "{desc}");
    // Under a CSP without 'unsafe-inline': no style attributes, no scripts,
    // no event handlers.
    for banned in ["style=", "<script", "<style", " on", "javascript:"] {
        assert!(!svg.to_lowercase().contains(banned), "{banned} in {svg}");
    }
}

#[test]
fn both_series_are_drawn_with_fiscal_year_labels() {
    let svg = mishima().to_svg();
    let target = group(&svg, "<g class=\"series target\">");
    let actual = group(&svg, "<g class=\"series actual\">");
    assert!(target.contains("<polyline") && target.contains("stroke-dasharray"), "targets: a dashed line");
    assert!(actual.contains("<polyline") && !actual.contains("stroke-dasharray"), "actuals: a solid line");
    assert_eq!(target.matches("<rect").count(), 4, "four printed targets; the dash is not a point");
    assert_eq!(actual.matches("<circle").count(), 3, "three printed actuals");
    assert!(actual.contains("<title>平成30年度 実績 1,302人</title>"));
    let axis = group(&svg, "<g class=\"axis-x\">");
    let labels: Vec<usize> = ["H28", "H29", "H30", "R01", "R02"].iter().map(|l| axis.find(l).unwrap()).collect();
    assert!(labels.windows(2).all(|w| w[0] < w[1]), "years in order whatever the input order");
    assert!(axis.contains("<title>令和元年度</title>"));
    assert!(svg.contains("単位: 人"));
    let ticks = group(&svg, "<g class=\"axis-y\">");
    assert!(ticks.contains(">1,300<"), "value ticks are grouped numbers: {ticks}");
}

#[test]
fn blanks_and_dashes_are_gaps_not_zeros() {
    let chart = TrendChart::new("g", "窓口の待ち時間", Some("分"))
        .year(fy(2015), cells("10分", "12分"))
        .year(fy(2016), cells("10分", "11分"))
        .year(fy(2017), cells("10分", ""))
        .year(fy(2018), cells("10分", "—"))
        .year(fy(2019), cells("10分", "9分"))
        .year(fy(2020), cells("10分", "8分"));
    let plot = chart.plot();
    let actual_years: Vec<i32> =
        plot.points.iter().filter(|p| p.series == Series::Actual).map(|p| p.fiscal_year.year()).collect();
    assert_eq!(actual_years, [2015, 2016, 2019, 2020]);
    assert!(plot.points.iter().all(|p| p.value != 0.0), "no zero was invented");
    assert!(plot.gaps.contains(&(Series::Actual, fy(2017))) && plot.gaps.contains(&(Series::Actual, fy(2018))));
    assert!(plot.notes.is_empty(), "a gap is not a note: {:?}", plot.notes);
    let svg = chart.to_svg();
    check_xml(&svg).unwrap();
    let actual = group(&svg, "<g class=\"series actual\">");
    assert_eq!(actual.matches("<polyline").count(), 2, "the line breaks at the gap");
    let target = group(&svg, "<g class=\"series target\">");
    assert_eq!(target.matches("<polyline").count(), 1, "targets continue");
    // Zero is not in the data, so the axis need not start there either.
    assert!(!group(&svg, "<g class=\"axis-y\">").contains(">0<"));
}

#[test]
fn a_printed_zero_is_a_point() {
    let chart = TrendChart::new("z", "研修の開催回数", Some("回"))
        .year(fy(2016), cells("1回", "1回"))
        .year(fy(2017), cells("1回", "0回"));
    let plot = chart.plot();
    let zero = plot.points.iter().find(|p| p.series == Series::Actual && p.fiscal_year == fy(2017)).unwrap();
    assert_eq!(zero.value, 0.0);
    let svg = chart.to_svg();
    assert_eq!(group(&svg, "<g class=\"series actual\">").matches("<circle").count(), 2);
}

#[test]
fn cells_that_are_not_numbers_become_notes() {
    let chart = TrendChart::new("n", "放置自転車の台数", Some("台"))
        .year(fy(2017), cells("80台以下", "82台"))
        .year(fy(2018), cells("維持", "66台"))
        .year(fy(2019), cells("導入", "70台"))
        .year(fy(2020), cells("75台", "30件"));
    let plot = chart.plot();
    let reasons: Vec<(i32, &str, &str)> =
        plot.notes.iter().map(|n| (n.fiscal_year.year(), n.printed.as_str(), n.reason)).collect();
    assert_eq!(
        reasons,
        [
            (2017, "80台以下", "範囲の目標"),
            (2018, "維持", "維持"),
            (2019, "導入", "文字による記載"),
            (2020, "30件", "単位が異なる")
        ]
    );
    assert_eq!(plot.unit.as_deref(), Some("台"));
    let svg = chart.to_svg();
    check_xml(&svg).unwrap();
    let notes = group(&svg, "<g class=\"notes\">");
    assert!(notes.contains("グラフに含めていない記載"));
    assert!(notes.contains("平成29年度 目標「80台以下」（範囲の目標）"), "{notes}");
    assert!(notes.contains("令和2年度 実績「30件」（単位が異なる）"), "{notes}");
    assert_eq!(group(&svg, "<g class=\"series target\">").matches("<rect").count(), 1, "only 75台 is a point");
}

#[test]
fn baselines_are_markers_and_years_are_proportional() {
    // 三鷹市 white paper: 計画策定時 H22, then H26, H30, R2 and the R4 target.
    let chart = TrendChart::new("w", "英語版ホームページのアクセス件数", Some("件"))
        .year(fy(2010), YearCells { baseline: Some(IndicatorCell::parse("34,677件")), ..Default::default() })
        .year(fy(2014), YearCells { actual: Some(IndicatorCell::parse("60,359件")), ..Default::default() })
        .year(fy(2018), YearCells { actual: Some(IndicatorCell::parse("293,478件")), ..Default::default() })
        .year(fy(2020), YearCells { actual: Some(IndicatorCell::parse("202,850件")), ..Default::default() })
        .year(fy(2022), YearCells { target: Some(IndicatorCell::parse("400,000件")), ..Default::default() });
    let svg = chart.to_svg();
    check_xml(&svg).unwrap();
    assert!(group(&svg, "<g class=\"series baseline\">").contains("<polygon"));
    assert!(group(&svg, "<g class=\"legend\">").contains("基準値"));
    let actual = group(&svg, "<g class=\"series actual\">");
    assert_eq!(actual.matches("<polyline").count(), 1, "H26, H30, R2 are consecutive columns");
    // x of H22, H26, H30 are evenly spaced (four years apart); R2 is half a step.
    let axis = group(&svg, "<g class=\"axis-x\">");
    let xs: Vec<f64> =
        axis.split("<text x=\"").skip(1).map(|s| s.split('"').next().unwrap().parse().unwrap()).collect();
    assert_eq!(xs.len(), 6, "five years and the axis title: {axis}");
    let step = xs[1] - xs[0];
    assert!((xs[2] - xs[1] - step).abs() < 0.2 && (xs[3] - xs[2] - step / 2.0).abs() < 0.2, "{xs:?}");
    assert!(group(&svg, "<g class=\"axis-y\">").contains(">400,000<"));
}

#[test]
fn text_is_escaped() {
    let chart = TrendChart::new("x\"><script>", "<script>alert(\"x\")</script> & 'q'", Some("<b>人</b>"))
        .year(fy(2018), cells("<i>1</i>", "2<script>"))
        .year(fy(2019), cells("10人", "12人"));
    let svg = chart.to_svg();
    check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert!(!svg.contains("<script") && !svg.contains("<i>") && !svg.contains("<b>"));
    assert!(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"));
    assert!(svg.contains("id=\"xscript-title\""), "ids keep only safe characters");
}

#[test]
fn nothing_to_plot_says_so() {
    let chart = TrendChart::new("e", "取組の状況", None).year(fy(2018), cells("再構築", "—"));
    let svg = chart.to_svg();
    check_xml(&svg).unwrap();
    assert!(svg.contains("グラフにできる数値の記載がありません"));
    assert!(chart.plot().points.is_empty());
    let empty = TrendChart::new("e", "記載なし", None).to_svg();
    check_xml(&empty).unwrap();
}

#[test]
fn output_is_deterministic_and_matches_the_snapshot() {
    let a = mishima().to_svg();
    assert_eq!(a, mishima().to_svg());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/chart_mishima.svg");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
        std::fs::write(path, &a).unwrap();
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run with UPDATE_SNAPSHOTS=1 to write it)"));
    assert_eq!(a, expected, "the chart changed; review and run with UPDATE_SNAPSHOTS=1 to accept");
}
