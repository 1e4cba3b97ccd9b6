//! Every indicator-cell shape found in the seed documents, parsed to its
//! meaning with the printed text kept.
//!
//! Each row names a seed file and a 1-based line, and the test first checks
//! that the printed text is a whole tab-separated cell of that line, so the
//! catalogue cannot drift from the documents. The sweep tests then read
//! every cell of the regular indicator tables of seeds 001 and 002 (and the
//! survey-sheet columns of 003) and check that none is left unparsed.
//!
//! Expectations are written in a small notation, compared with a rendering of
//! the parsed cell:
//!
//! | notation                | meaning                                            |
//! |-------------------------|----------------------------------------------------|
//! | `blank`                 | nothing printed                                    |
//! | `dash`, `same_as_left`  | placeholders `—` `-` `ー`, `同左`                  |
//! | `remark「…」`           | a remark in place of a value, `※…`                |
//! | `maintain`              | `維持`                                             |
//! | `milestone「…」`        | a state to reach, in words                         |
//! | `unparsed`              | not understood                                     |
//! | `=4372 人`              | a quantity: value as decimal text, then unit       |
//! | `=2 回 q:年間`          | … with a qualifier before the number               |
//! | `=92 回 /年`            | … counted per something                            |
//! | `<=80 台`, `>=10000 人` | a bound with one inclusive limit (`<`, `>` if not) |
//! | `[80,90) %`             | a bound with both limits, `[`/`]` inclusive        |
//! | `~…`, `… keep`          | the bound is approximate (概ね), or to be kept (維持) |
//! | `{a ; b}`               | a composite of parts; `label: x` a labelled part,  |
//! |                         | `(x)` a part printed in brackets                   |
//! | `@FY2019`, `@CY2016`    | data period: fiscal or calendar year, `「note」`   |
//! | `#注2`                  | a footnote marker                                  |
//! | `note「…」`             | a remark kept beside the value                     |

use std::collections::HashMap;
use std::fs;
use std::sync::OnceLock;

use hyoka_core::cell::{Bound, CellMeaning, DataPeriod, IndicatorCell, Limit, Part, Placeholder, Quantity};

const S001: &str = "001_9b686f713a20fe01.txt";
const S002: &str = "002_f160ebe9d3a69d59.txt";
const S003: &str = "003_cdfef3ca57f45fe5.txt";
const S004: &str = "004_14ceec0f4c63a17a.txt";

struct Row {
    seed: &'static str,
    line: usize,
    printed: &'static str,
    expect: &'static str,
    /// Why the cell is expected to stay unparsed; `None` for every cell the
    /// parser must understand.
    unparsed_because: Option<&'static str>,
}

const fn ok(seed: &'static str, line: usize, printed: &'static str, expect: &'static str) -> Row {
    Row { seed, line, printed, expect, unparsed_because: None }
}

const fn unread(
    seed: &'static str,
    line: usize,
    printed: &'static str,
    expect: &'static str,
    why: &'static str,
) -> Row {
    Row { seed, line, printed, expect, unparsed_because: Some(why) }
}

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // ---- 001 三島市: outcome and activity indicators, 目標/実績 × H28..R02.
    ok(S001, 29, "1件", "=1 件"),
    ok(S001, 29, "—", "dash"), // no target set for R01/R02
    ok(S001, 30, "", "blank"), // actual not yet reported: not zero
    ok(S001, 30, "0件", "=0 件"),
    ok(S001, 32, "3,800件", "=3800 件"),
    ok(S001, 33, "6154件", "=6154 件"), // the same row prints 5,696件 with a comma
    ok(S001, 35, "年間2回", "=2 回 q:年間"),
    ok(S001, 38, "30", "=30"), // bare count: the unit is in the indicator name
    ok(S001, 42, "1,285人", "=1285 人"),
    ok(S001, 43, "1319人", "=1319 人"),
    ok(S001, 45, "330団体", "=330 団体"),
    ok(S001, 76, "1回", "=1 回"),
    ok(S001, 131, "2個", "=2 個"),
    ok(S001, 174, "再構築", "milestone「再構築」"),
    ok(S001, 174, "導入", "milestone「導入」"),
    ok(S001, 174, "改善維持", "milestone「改善維持」"), // improve and keep: a state, not plain 維持
    ok(S001, 208, "20回", "=20 回"),

    // ---- 002 三鷹市 white paper: 目標指標 (H22 baseline, H26, H30, R2, R4 target).
    ok(S002, 154, "34,677件", "=34677 件"),
    ok(S002, 154, "400,000件", "=400000 件"),
    ok(S002, 155, "142人", "=142 人"),
    ok(S002, 191, "38.8%", "=38.8 %"),
    ok(S002, 191, "50.0%", "=50.0 %"),
    ok(S002, 211, "27種類", "=27 種類"),
    ok(S002, 212, "2,274,948件", "=2274948 件"),
    ok(S002, 228, "149か所", "=149 か所"),
    ok(S002, 228, "維持", "maintain"),
    ok(S002, 229, "171ha", "=171 ha"),
    ok(S002, 243, "326事業所 (平成21年)", "=326 事業所 @CY2009"), // census year, not the column's 平成22年度
    ok(S002, 243, "231事業所 (平成28年)", "=231 事業所 @CY2016"),
    ok(S002, 243, "240事業所", "=240 事業所"),
    ok(S002, 244, "146,539百万円 (平成20年)", "=146539 百万円 @CY2008"),
    ok(S002, 244, "35,000百万円", "=35000 百万円"),
    ok(S002, 245, "8施設 98事業者", "{=8 施設 ; =98 事業者}"),
    ok(S002, 261, "1,134店舗 (平成21年)", "=1134 店舗 @CY2009"),
    ok(S002, 262, "129,052百万円 (平成19年)", "=129052 百万円 @CY2007"),
    ok(S002, 277, "—", "dash"), // not measured at the baseline
    ok(S002, 292, "4,372人 (198人)", "{=4372 人 ; (=198 人)}"), // users (of whom hired)
    ok(S002, 292, "3,000人 (180人)", "{=3000 人 ; (=180 人)}"),
    ok(S002, 306, "1件 (⑤)", "=1 件 note「⑤」"), // which of the 主要5事業
    ok(S002, 306, "4件(①②③ ④)", "=4 件 note「①②③ ④」"),
    ok(S002, 307, "2件 (④※⑤)", "=2 件 note「④※⑤」"),
    ok(S002, 331, "41.9%", "=41.9 %"),
    ok(S002, 350, "4.60%", "=4.60 %"),
    ok(S002, 351, "33.46%", "=33.46 %"),
    ok(S002, 351, "32.00% (注2)", "=32.00 % #注2"),
    ok(S002, 369, "225 件", "=225 件"), // stray space before the counter
    ok(S002, 385, "2,262 人", "=2262 人"),
    ok(S002, 386, "1,767 件", "=1767 件"), // crimes: lower is better, same shape
    ok(S002, 417, "302台", "=302 台"),
    ok(S002, 417, "80台以下", "<=80 台"),
    ok(S002, 418, "1,128,795人", "=1128795 人"),
    ok(S002, 436, "24,582", "=24582"), // t-CO2 is in the indicator name
    ok(S002, 436, "12,587 (令和元年度)", "=12587 @FY2019"), // the R2 column holds FY2019 data
    ok(S002, 437, "917kW", "=917 kW"),
    ok(S002, 453, "743g", "=743 g"),
    ok(S002, 454, "0 m ³", "=0 m³"),
    ok(S002, 472, "0 km", "=0 km"),
    ok(S002, 473, "51,537 基", "=51537 基"),
    ok(S002, 492, "4住区", "=4 住区"),
    ok(S002, 492, "充実・発展", "milestone「充実・発展」"),
    ok(S002, 509, "-", "dash"),
    ok(S002, 598, "0人", "=0 人"), // waiting-list children: the target is zero, not blank
    ok(S002, 634, "0校", "=0 校"),
    ok(S002, 634, "4校", "=4 校"),
    ok(S002, 668, "674,346点", "=674346 点"),
    ok(S002, 684, "—", "dash"), // survey not held in R2
    ok(S002, 701, "84%", "=84 %"),
    ok(S002, 722, "74団体", "=74 団体"),
    ok(S002, 741, "概ね80%台を維持(特殊要因による場合にあっても90%台前半に抑制)",
        "{~[80,90) % keep ; (特殊要因による場合にあっても: <95 %)}"),
    ok(S002, 742, "概ね5%を超えないこと", "~<=5 %"),
    ok(S002, 743, "概ね20%を超えないこと", "~<=20 %"),
    // Strategy KPI tables (実績値 H26, 戦略策定時 H30, R2, 目標値 R4).
    ok(S002, 779, "11.4%", "=11.4 %"),
    ok(S002, 826, "1.16 (平成 26 年)", "=1.16 @CY2014"), // birth rate: calendar year
    ok(S002, 826, "1.11 (令和元年)", "=1.11 @CY2019"),
    ok(S002, 826, "1.43 (令和 4 年)", "=1.43 @CY2022"),
    ok(S002, 827, "209 人 (注 1)", "=209 人 #注1"),
    ok(S002, 827, "0 人", "=0 人"),
    ok(S002, 848, "147 か所", "=147 か所"),
    ok(S002, 849, "57,640 人 (平成 24 年度)", "=57640 人 @FY2012"),
    ok(S002, 849, "同左", "same_as_left"),
    ok(S002, 849, "60,000 人 (令和 3 年度)", "=60000 人 @FY2021"), // target for a year before R4
    ok(S002, 851, "—", "dash"),
    ok(S002, 851, "都市計画決定", "milestone「都市計画決定」"),
    ok(S002, 852, "18.9% (平成 26 年度)", "=18.9 % @FY2014"),
    ok(S002, 852, "20.0% (令和 4 年度)", "=20.0 % @FY2022"),

    // ---- 003 小平市 survey sheets: 現状値 / 目標値 / 下半期値.
    ok(S003, 78, "①9,855人 ②市との協働事業数:73 大学との協働事業数:25 市民活動支援公募事業応募数:10 いきいき協働事業応募数:5",
        "{①: =9855 人 ; ②: {市との協働事業数: =73 ; 大学との協働事業数: =25 ; 市民活動支援公募事業応募数: =10 ; いきいき協働事業応募数: =5}}"),
    ok(S003, 78, "①1万人以上 ②市との協働事業数:60 大学との協働事業数:25 市民活動支援公募事業応募数:5 いきいき協働公募事業応募数:2",
        "{①: >=10000 人 ; ②: {市との協働事業数: =60 ; 大学との協働事業数: =25 ; 市民活動支援公募事業応募数: =5 ; いきいき協働公募事業応募数: =2}}"),
    ok(S003, 109, "1,777人 (スポーツボランティア延べ124人) (介護予防見守りボランティア登録288人) (道路ボランティア登録620人) (地域健康づくり推進員登録20人) (図書館ボランティア延べ725人)",
        "{=1777 人 ; (スポーツボランティア: =124 人 q:延べ) ; (介護予防見守りボランティア登録: =288 人) ; (道路ボランティア登録: =620 人) ; (地域健康づくり推進員登録: =20 人) ; (図書館ボランティア: =725 人 q:延べ)}"),
    ok(S003, 121, "スポーツボランティア延べ117人", "{スポーツボランティア: =117 人 q:延べ}"),
    ok(S003, 133, "介護予防見守りボランティア登録332人", "{介護予防見守りボランティア登録: =332 人}"),
    ok(S003, 181, "1,300人", "=1300 人"),
    ok(S003, 193, "①1,750人 ② 40人", "{①: =1750 人 ; ②: =40 人}"),
    ok(S003, 205, "2地区", "=2 地区"),
    ok(S003, 205, "4地区以上", ">=4 地区"),
    ok(S003, 220, "①92回/年", "{①: =92 回 /年}"),
    ok(S003, 221, "②106回/年", "{②: =106 回 /年}"),
    ok(S003, 258, "10団体(平成31年度)", "=10 団体 @FY2019"), // the target's own year
    // A roadmap cell of the same sheet: the yearly target of 参加団体数.
    ok(S003, 259, "新規 3団体 合計 5団体", "{新規: =3 団体 ; 合計: =5 団体}"),
    ok(S003, 271, "564.9g/人日 (H27実績値) 577g/人日 (計画目標値)",
        "{=564.9 g /人日 ; =577 g /人日} @FY2015「実績値」 note「計画目標値」"),
    ok(S003, 271, "480g/人日(平成34年度)", "=480 g /人日 @FY2022"), // 平成34 = R4, printed before the era changed
    ok(S003, 271, "553.3g/人日 (H29実績値)", "=553.3 g /人日 @FY2017「実績値」"),
    ok(S003, 283, "13", "=13"),
    ok(S003, 283, "16(平成29年度末)", "=16 @FY2017「末」"),
    ok(S003, 295, "300万件", "=3000000 件"),
    ok(S003, 295, "370万件以上", ">=3700000 件"),
    ok(S003, 295, "3,414,923件", "=3414923 件"),
    ok(S003, 310, "-", "dash"),
    ok(S003, 310, "新たな市民参加の手法を活用して策定した計画 1件以上", "{新たな市民参加の手法を活用して策定した計画: >=1 件}"),
    ok(S003, 323, "延べ1,000人/年", "=1000 人 /年 q:延べ"),
    ok(S003, 336, "96.2%", "=96.2 %"),
    ok(S003, 336, "100%", "=100 %"),
    ok(S003, 348, "平成27年度の施策評価において設定された成果指標の目標のうち、達成率が100%であったもの57.9% →(107指標のうち、62本)",
        "{平成27年度の施策評価において設定された成果指標の目標のうち、達成率が100%であったもの: =57.9 % ; (107指標のうち: =62 本)}"),
    ok(S003, 348, "施策評価において設定された成果指標の目標のうち、達成率が100%であったもの95%",
        "{施策評価において設定された成果指標の目標のうち、達成率が100%であったもの: =95 %}"),
    ok(S003, 373, "—", "dash"), // no numeric indicator for this item
    ok(S003, 397, "①116 ②116", "{①: =116 ; ②: =116}"),
    ok(S003, 436, "① 5% ② -", "{①: =5 % ; ②: dash}"),
    ok(S003, 450, "①94.8% ②25.4億円 ③21.5億円", "{①: =94.8 % ; ②: =25.4 億円 ; ③: =21.5 億円}"),
    ok(S003, 450, "①80%台 ②35億円 ③25億円", "{①: [80,90) % ; ②: =35 億円 ; ③: =25 億円}"),
    ok(S003, 462, "①1,696,440千円(平成29年度予算)", "{①: =1696440 千円} @FY2017「予算」"),
    ok(S003, 462, "法定外繰入額の減", "milestone「法定外繰入額の減」"),
    ok(S003, 474, "①406,000千円 (平成28年度当 初調定額)", "{①: =406000 千円} @FY2016「当初調定額」"),
    ok(S003, 474, "① 480,000千円 (平成29年度当初予算調定見込み 額)", "{①: =480000 千円} @FY2017「当初予算調定見込み額」"),
    ok(S003, 474, "① -", "{①: dash}"),
    ok(S003, 475, "②150件(平成29年度末)", "{②: =150 件} @FY2017「末」"),
    ok(S003, 476, "③88人", "{③: =88 人}"),
    ok(S003, 488, "市税徴収率 現年分:98.8% 滞繰分:29.9% 全体:97.0% 国民健康保険 税徴収率 現年分:91.7% 滞繰分:25.2% 全体:79.6% (平成28年度予 算)",
        "{市税徴収率 現年分: =98.8 % ; 滞繰分: =29.9 % ; 全体: =97.0 % ; 国民健康保険 税徴収率 現年分: =91.7 % ; 滞繰分: =25.2 % ; 全体: =79.6 %} @FY2016「予算」"),
    ok(S003, 488, "<市税> 現年分:97.7% 滞繰分:36.6% 全体:96.4% <国民健康保険税> 現年分:91.2% 滞繰分:31.2% 全体:80.2% (平成30年3月末時点)",
        "{<市税> 現年分: =97.7 % ; 滞繰分: =36.6 % ; 全体: =96.4 % ; <国民健康保険税> 現年分: =91.2 % ; 滞繰分: =31.2 % ; 全体: =80.2 %} @FY2017「3月末時点」"),
    ok(S003, 501, "現年分:98.23% 滞繰分:15.10% 全体:96.12% (平成28年度予算)",
        "{現年分: =98.23 % ; 滞繰分: =15.10 % ; 全体: =96.12 %} @FY2016「予算」"),
    ok(S003, 501, "現年分:82.87% 滞繰分:11.77% 全体:81.28% (平成30年2月末時点) ※平成30年3月末未算出",
        "{現年分: =82.87 % ; 滞繰分: =11.77 % ; 全体: =81.28 %} @FY2017「2月末時点」 note「平成30年3月末未算出」"),
    ok(S003, 537, "月額5,500円/1人", "=5500 円 /1人 q:月額"),
    ok(S003, 537, "—", "dash"),
    ok(S003, 549, "1千万円/年", "=1 千万円 /年"),
    ok(S003, 549, "29,509,646円", "=29509646 円"),
    ok(S003, 562, "・小平市文化振興財団 6,800万円 ・小平市社会福祉協議会 2,424万円 ・シルバー人材センター 42,969万円",
        "{小平市文化振興財団: =6800 万円 ; 小平市社会福祉協議会: =2424 万円 ; シルバー人材センター: =42969 万円}"),
    ok(S003, 562, "・小平市文化振興財団(利用料収入)6,800万円 ・小平市社会福祉協議会(会費収入等)2,300万円 ・シルバー人材センター 契約金額 44,200万円",
        "{小平市文化振興財団: =6800 万円 ; 小平市社会福祉協議会: =2300 万円 ; シルバー人材センター 契約金額: =44200 万円} note「利用料収入」 note「会費収入等」"),
    ok(S003, 573, "・小平市文化振興財団 6,800万円", "{小平市文化振興財団: =6800 万円}"),
    ok(S003, 597, "・シルバー人材センター 会員数1,127人 就業率 82.8% 契約金額 429,694千円",
        "{シルバー人材センター 会員数: =1127 人 ; 就業率: =82.8 % ; 契約金額: =429694 千円}"),
    ok(S003, 597, "・シルバー人材センター 会員数 1,128人 就業率 84.0% 契約金額 437,714千円",
        "{シルバー人材センター 会員数: =1128 人 ; 就業率: =84.0 % ; 契約金額: =437714 千円}"),
    unread(S003, 597, "・シルバー人材センター 会員数・就業率・契約金額 (人) (%) (千円) H29 1,130 85.0 442,000 H30 1,140 85.0 446,000 H31 1,160 85.0 450,000 H32 1,180 85.0 454,000",
        "unparsed note「人」 note「%」 note「千円」",
        "a 3-column × 4-year table flattened into one cell: reading it as labels and values would pair the wrong numbers"),
    ok(S003, 633, "50人", "=50 人"),
    ok(S003, 658, "91.1%", "=91.1 %"),
    ok(S003, 658, "95%以上", ">=95 %"),
    ok(S003, 658, "※アンケート未実施", "remark「アンケート未実施」"),
    ok(S003, 670, "①ー ②0件", "{①: dash ; ②: =0 件}"),
    ok(S003, 670, "①ー ②2件(①リサイクルセンター設計・施工契約、②上宿小学童クラブ第二指定管理者制度導入)",
        "{①: dash ; ②: =2 件} note「①リサイクルセンター設計・施工契約、②上宿小学童クラブ第二指定管理者制度導入」"),
    ok(S003, 684, "①688,595人 (平成27年度)", "{①: =688595 人} @FY2015"),
    ok(S003, 684, "①69万人以上", "{①: >=690000 人}"),
    ok(S003, 764, "前年度以上", "milestone「前年度以上」"), // relative to last year: no number to compare
    ok(S003, 791, "10事務", "=10 事務"),
    ok(S003, 791, "1事務以上", ">=1 事務"),
    ok(S003, 804, "国分寺市との連携の取組3件(職員の人事交流、図書館の相互利用、体育館の相互利用)",
        "{国分寺市との連携の取組: =3 件} note「職員の人事交流、図書館の相互利用、体育館の相互利用」"),
    ok(S003, 804, "1件以上", ">=1 件"),

    // ---- 004 東村山市: the one numeric target among the narrative 目標 cells.
    ok(S004, 21, "参加者アンケートにおける市政運営についての理解度90.0%以上",
        "{参加者アンケートにおける市政運営についての理解度: >=90.0 %}"),
];

// ---------------------------------------------------------------- rendering

fn render(cell: &IndicatorCell) -> String {
    let mut out = render_meaning(cell.meaning());
    if let Some(period) = cell.data_period() {
        let (tag, year, note) = match period {
            DataPeriod::FiscalYear { year, note } => ("FY", year.year(), note),
            DataPeriod::CalendarYear { year, note } => ("CY", *year, note),
        };
        out += &format!(" @{tag}{year}");
        if let Some(n) = note {
            out += &format!("「{n}」");
        }
    }
    for f in cell.footnotes() {
        out += &format!(" #{f}");
    }
    for n in cell.notes() {
        out += &format!(" note「{n}」");
    }
    out
}

fn render_meaning(m: &CellMeaning) -> String {
    match m {
        CellMeaning::Blank => "blank".into(),
        CellMeaning::Placeholder(Placeholder::Dash) => "dash".into(),
        CellMeaning::Placeholder(Placeholder::SameAsLeft) => "same_as_left".into(),
        CellMeaning::Placeholder(Placeholder::Remark { text }) => format!("remark「{text}」"),
        CellMeaning::Maintain => "maintain".into(),
        CellMeaning::Milestone { text } => format!("milestone「{text}」"),
        CellMeaning::Unparsed => "unparsed".into(),
        CellMeaning::Quantity(q) => render_quantity(q),
        CellMeaning::Bound(b) => render_bound(b),
        CellMeaning::Composite { parts } => {
            let parts: Vec<String> = parts.iter().map(render_part).collect();
            format!("{{{}}}", parts.join(" ; "))
        }
    }
}

fn render_quantity(q: &Quantity) -> String {
    let mut out = format!("={}", q.value.plain());
    if !q.unit.is_empty() {
        out += &format!(" {}", q.unit);
    }
    if let Some(per) = &q.per {
        out += &format!(" /{per}");
    }
    if let Some(qual) = &q.qualifier {
        out += &format!(" q:{qual}");
    }
    out
}

fn render_bound(b: &Bound) -> String {
    let v = |l: &Limit| l.value.plain();
    let mut out = String::new();
    if b.approximate {
        out.push('~');
    }
    out += &match (&b.lower, &b.upper) {
        (Some(lo), Some(hi)) => format!(
            "{}{},{}{}",
            if lo.inclusive { '[' } else { '(' },
            v(lo),
            v(hi),
            if hi.inclusive { ']' } else { ')' }
        ),
        (Some(lo), None) => format!("{}{}", if lo.inclusive { ">=" } else { ">" }, v(lo)),
        (None, Some(hi)) => format!("{}{}", if hi.inclusive { "<=" } else { "<" }, v(hi)),
        (None, None) => "unbounded".into(),
    };
    if !b.unit.is_empty() {
        out += &format!(" {}", b.unit);
    }
    if b.maintain {
        out += " keep";
    }
    out
}

fn render_part(p: &Part) -> String {
    let inner = match &p.label {
        Some(label) => format!("{label}: {}", render_meaning(&p.meaning)),
        None => render_meaning(&p.meaning),
    };
    if p.bracketed {
        format!("({inner})")
    } else {
        inner
    }
}

// ---------------------------------------------------------------- seeds

fn seed_lines(name: &str) -> &'static [String] {
    static SEEDS: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    let seeds = SEEDS.get_or_init(|| {
        [S001, S002, S003, S004]
            .into_iter()
            .map(|n| {
                let path = format!("{}/../../demo/seeds/{n}", env!("CARGO_MANIFEST_DIR"));
                let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
                (n.to_string(), text.lines().map(str::to_string).collect())
            })
            .collect()
    });
    &seeds[name]
}

/// The tab-separated cells of a 1-based line.
fn cells_of(seed: &str, line: usize) -> Vec<&'static str> {
    let lines = seed_lines(seed);
    assert!(line >= 1 && line <= lines.len(), "{seed}:{line}: no such line");
    lines[line - 1].split('\t').collect()
}

// ---------------------------------------------------------------- tests

#[test]
fn catalogue_cells_occur_in_the_seeds() {
    for r in ROWS {
        let cells = cells_of(r.seed, r.line);
        assert!(
            cells.contains(&r.printed),
            "{}:{}: 「{}」 is not a cell of this line: {cells:?}",
            r.seed,
            r.line,
            r.printed
        );
    }
}

#[test]
fn every_catalogued_shape_parses_to_its_meaning() {
    let mut failures = Vec::new();
    for r in ROWS {
        let cell = IndicatorCell::parse(r.printed);
        assert_eq!(cell.printed(), r.printed, "printed text must be kept exactly");
        let got = render(&cell);
        if got != r.expect {
            failures
                .push(format!("{}:{}: 「{}」\n  expected {}\n  got      {got}", r.seed, r.line, r.printed, r.expect));
        }
        match r.unparsed_because {
            None => {
                if !cell.is_understood() {
                    failures.push(format!("{}:{}: 「{}」 is not understood", r.seed, r.line, r.printed));
                }
            }
            Some(why) => assert!(!cell.is_understood(), "{}:{}: expected unparsed ({why})", r.seed, r.line),
        }
    }
    assert!(failures.is_empty(), "{} of {} rows differ:\n{}", failures.len(), ROWS.len(), failures.join("\n"));
}

#[test]
fn catalogue_covers_every_kind_and_has_no_duplicates() {
    let mut seen = std::collections::HashSet::new();
    for r in ROWS {
        assert!(seen.insert((r.seed, r.line, r.printed)), "{}:{}: 「{}」 listed twice", r.seed, r.line, r.printed);
    }
    let kinds: std::collections::HashSet<&str> =
        ROWS.iter().map(|r| IndicatorCell::parse(r.printed).meaning().kind()).collect();
    for kind in [
        "blank",
        "dash",
        "same_as_left",
        "remark",
        "quantity",
        "bound",
        "maintain",
        "milestone",
        "composite",
        "unparsed",
    ] {
        assert!(kinds.contains(kind), "no row of kind {kind}");
    }
    println!("{} catalogue rows", ROWS.len());
}

/// Checks that a swept cell is understood and keeps its printed text;
/// returns a description of the failure, if any.
fn check_swept(seed: &str, line: usize, printed: &str) -> Option<String> {
    let cell = IndicatorCell::parse(printed);
    assert_eq!(cell.printed(), printed);
    (!cell.is_understood()).then(|| format!("{seed}:{line}: 「{printed}」 → {}", render(&cell)))
}

/// 001: every cell of the 目標/実績 rows under the H28..R02 columns, in the
/// outcome tables and the activity (業務計画) tables alike.
#[test]
fn sweep_001_every_target_and_actual_cell() {
    let lines = seed_lines(S001);
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut header_seen = false;
    for (i, line) in lines.iter().enumerate() {
        let cells: Vec<&str> = line.split('\t').collect();
        let Some(k) = cells.iter().position(|c| *c == "目標" || *c == "実績") else {
            header_seen |= line.contains("年度\tH28\tH29\tH30\tR01\tR02");
            continue;
        };
        assert!(header_seen, "001:{}: a 目標/実績 row before any H28..R02 header", i + 1);
        // Rows print the five year cells, possibly empty; a missing trailing
        // cell is a blank one.
        for year in 0..5 {
            let printed = cells.get(k + 1 + year).copied().unwrap_or("");
            failures.extend(check_swept("001", i + 1, printed));
            checked += 1;
        }
    }
    println!("001: {checked} target/actual cells checked");
    assert!(checked >= 200, "the sweep found only {checked} cells: the table layout changed");
    assert!(failures.is_empty(), "unparsed cells:\n{}", failures.join("\n"));
}

/// 002: every cell of the 目標指標 tables (header ending in the
/// 令和4(2022)年度 target column) and of the strategy KPI tables (header
/// ending in 目標値 (令和4年度)), from the header to the next blank line.
#[test]
fn sweep_002_every_indicator_table_cell() {
    let lines = seed_lines(S002);
    let is_header = |line: &str| {
        let squeezed: String = line.chars().filter(|c| *c != ' ').collect();
        line.contains('\t') && (squeezed.ends_with("令和4(2022)年度") || squeezed.ends_with("目標値(令和4年度)"))
    };
    let (mut tables, mut rows, mut checked) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut inside = false;
    for (i, line) in lines.iter().enumerate() {
        if is_header(line) {
            inside = true;
            tables += 1;
            continue;
        }
        if !inside {
            continue;
        }
        if line.trim().is_empty() {
            inside = false;
            continue;
        }
        rows += 1;
        // The first cell is the indicator's name; the rest are values.
        for printed in line.split('\t').skip(1) {
            failures.extend(check_swept("002", i + 1, printed));
            checked += 1;
        }
    }
    println!("002: {checked} cells checked in {rows} indicator rows of {tables} tables");
    // 34 施策 tables with 68 目標指標, and 6 KPI tables with 16 KPIs.
    assert_eq!((tables, rows), (40, 84), "the table layout changed");
    assert!(failures.is_empty(), "unparsed cells:\n{}", failures.join("\n"));
}

/// 003: the 現状値 / 目標値 / 下半期値 columns of every survey sheet. These
/// sheets are irregular, so the cells that are expected to stay unparsed are
/// the catalogue's `unread` rows.
#[test]
fn sweep_003_every_survey_sheet_indicator_cell() {
    let lines = seed_lines(S003);
    let expected_unparsed: Vec<(usize, &str)> =
        ROWS.iter().filter(|r| r.seed == S003 && r.unparsed_because.is_some()).map(|r| (r.line, r.printed)).collect();
    let (mut sheets, mut checked, mut skipped) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].starts_with("取り組み項目・内容\t指標\t現状値") {
            i += 1;
            continue;
        }
        sheets += 1;
        // Skip the header and its second line (工程表 sub-header).
        i += 2;
        while i < lines.len() && !lines[i].trim().is_empty() {
            let cells: Vec<&str> = lines[i].split('\t').collect();
            for printed in cells.iter().skip(2).take(3).copied() {
                if expected_unparsed.contains(&(i + 1, printed)) {
                    skipped += 1;
                    continue;
                }
                failures.extend(check_swept("003", i + 1, printed));
                checked += 1;
            }
            i += 1;
        }
    }
    println!("003: {checked} cells checked in {sheets} survey sheets ({skipped} expected unparsed)");
    assert!(sheets >= 50, "found only {sheets} survey sheets: the layout changed");
    assert!(failures.is_empty(), "unparsed cells:\n{}", failures.join("\n"));
}
