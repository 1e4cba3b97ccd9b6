//! 事業: the city's items in the order of their printed codes (No.2 before
//! No.10), a form to register one, and each item's page: its fields, where
//! it sits in the plans (several places, a 再掲 shown but not counted), its
//! responsible sections (several), its indicators, and its removal while
//! nothing of it is in a locked year.

use std::collections::HashMap;

use crate::http::{Done, Query};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::indicators::fixed_values;
use hyoka_app::items::{
    kind_label, CreateItem, EditItem, ItemInput, PlaceItem, RemoveItem, SetItemSections, UnplaceItem, ITEM_KINDS,
};
use hyoka_app::CommandError;
use hyoka_core::text::natural_key;
use hyoka_store::ItemRecord;
use maud::{html, Markup};
use serde::Deserialize;

use super::forms::{csrf, field_id, form_id, refused, select, Refusal, Text};
use super::{admin_city, crumbs, nav, of_city};
use crate::http::{AppError, CityCode, Form, Id, Params, Staff};
use crate::ui::shell::staff_page;
use crate::AppState;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ItemForm {
    key: String,
    kind: String,
    code: String,
    title: String,
    fiscal_year: String,
    tags: String,
    node: String,
    relisting: String,
    action: String,
    confirm: String,
}

impl ItemForm {
    fn input(&self) -> ItemInput {
        ItemInput {
            kind: self.kind.clone(),
            code: self.code.clone(),
            title: self.title.clone(),
            fiscal_year: self.fiscal_year.clone(),
            tags: self.tags.clone(),
        }
    }

    fn typed(&self) -> [(&str, &str); 6] {
        [
            ("key", self.key.as_str()),
            ("kind", self.kind.as_str()),
            ("code", self.code.as_str()),
            ("title", self.title.as_str()),
            ("fiscal_year", self.fiscal_year.as_str()),
            ("tags", self.tags.as_str()),
        ]
    }
}

fn done_message(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "created" => "事業を登録しました。続けて、計画上の位置・担当課・指標を設定してください。",
        "edited" => "事業を保存しました。",
        "placed" => "計画上の位置を保存しました。",
        "unplaced" => "計画上の位置を外しました。",
        "sections" => "担当課を保存しました。",
        "removed" => "事業を削除しました。",
        "indicator" => "指標を保存しました。",
        "indicator-removed" => "指標を削除しました。",
        _ => return None,
    })
}

fn kind_options(current: Option<&str>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = ITEM_KINDS.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect();
    if let Some(c) = current.filter(|c| !ITEM_KINDS.iter().any(|(k, _)| k == c)) {
        out.push((c.to_string(), c.to_string()));
    }
    out
}

pub(super) async fn items(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Query(q): Query<Done>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    items_page(&s, &staff, &code, &city, done_message(q.done.as_deref()), &Refusal::default()).await
}

async fn items_page(
    s: &AppState,
    staff: &Staff,
    code: &str,
    city: &str,
    done: Option<&str>,
    r: &Refusal,
) -> Result<Markup, AppError> {
    let mut items = s.store.items(code).await?;
    items.sort_by_cached_key(|i| (natural_key(&i.code), i.id));
    // Lists in three reads, whatever the number of items.
    let sections = s.store.sections(code).await?;
    let mut item_sections: HashMap<i64, Vec<String>> = HashMap::new();
    for (item, section) in s.store.item_section_ids(code).await? {
        if let Some(x) = sections.iter().find(|x| x.id == section) {
            item_sections.entry(item).or_default().push(x.label());
        }
    }
    let mut placed: HashMap<i64, (usize, usize)> = HashMap::new();
    for (item, _, relisting) in s.store.placement_ids(code).await? {
        let e = placed.entry(item).or_default();
        if relisting {
            e.1 += 1;
        } else {
            e.0 += 1;
        }
    }
    let mut indicators: HashMap<i64, usize> = HashMap::new();
    for i in s.store.indicators(code).await? {
        if let Some(item) = i.item_id {
            *indicators.entry(item).or_default() += 1;
        }
    }
    let form = "new-item";
    Ok(staff_page(
        staff.bar(),
        "事業",
        &crumbs(code, city),
        html! {
            (nav(code, "/items"))
            @if let Some(m) = done { p class="ok" role="status" { (m) } }
            p {
                "事業（個別課題・目標を含む）を登録し、計画上の位置・担当課・指標を設定します。"
                "「評価を始める年度」に年度を開始すると、その事業の調査票が作られます。"
            }
            @if sections.is_empty() {
                p class="warn" { "担当課を設定するには、先に " a href={ "/m/" (code) "/admin/org" } { "組織（部・課）" } " で課を作成してください。" }
            }
            @if items.is_empty() {
                p class="warn" { "まだ事業がありません。下のフォームから登録してください。" }
            } @else {
                table {
                    caption { "事業の一覧（" (items.len()) "件、番号順）" }
                    thead { tr {
                        th scope="col" { "番号" } th scope="col" { "名前" } th scope="col" { "種類" }
                        th scope="col" { "評価を始める年度" } th scope="col" { "担当課" } th scope="col" { "計画上の位置" }
                        th scope="col" { "指標" }
                    } }
                    tbody {
                        @for i in &items {
                            tr {
                                td { (i.code) }
                                th scope="row" { a href={ "/m/" (code) "/admin/items/" (i.id) } { (i.title) } }
                                td { (kind_label(&i.kind)) }
                                td { (i.fiscal_year.map(|y| y.label()).unwrap_or_default()) }
                                td { (item_sections.get(&i.id).map(|l| l.join("、")).unwrap_or_default()) }
                                td {
                                    @match placed.get(&i.id) {
                                        Some((n, re)) => { (n) "件" @if *re > 0 { "（再掲 " (re) "件）" } }
                                        None => { span class="warn" { "未設定" } }
                                    }
                                }
                                td class="num" { (indicators.get(&i.id).copied().unwrap_or(0)) }
                            }
                        }
                    }
                }
            }
            h2 { "事業を登録" }
            form method="post" action={ "/m/" (code) "/admin/items" } {
                (csrf(&staff.csrf))
                (r.banner(form, &["key", "kind", "code", "title", "fiscal_year", "tags"]))
                (select(form, "kind", "種類", r, &r.value(form, "kind", "project"), &kind_options(None), None))
                (Text::new(form, "code", "番号（印刷どおり）", r.value(form, "code", "")).size(16).note("例: No.2、企-1、1-(2)").render(r))
                (Text::new(form, "title", "名前", r.value(form, "title", "")).required().size(50).render(r))
                (Text::new(form, "fiscal_year", "評価を始める年度", r.value(form, "fiscal_year", "")).size(14).note("この年度を開始すると調査票ができます（例: 2025、令和7年度）。継続中の事業は、最初に評価する年度").render(r))
                (Text::new(form, "tags", "印（任意、読点区切り）", r.value(form, "tags", "")).size(20).note("例: 新規、重点").render(r))
                (Text::new(form, "key", "キー（任意）", r.value(form, "key", "")).size(20).note("Excel の標準形式で事業を見分ける識別子。空欄なら番号を使います").render(r))
                p { button type="submit" class="primary" { "登録する" } }
            }
        },
    ))
}

pub(super) async fn create(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Form(f): Form<ItemForm>,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let cmd = CreateItem { municipality: code.0.clone(), key: f.key.clone(), input: f.input() };
    match s.app.run(&staff.actor(), cmd).await {
        Ok(id) => Ok(Redirect::to(&format!("/m/{code}/admin/items/{id}?done=created")).into_response()),
        Err(e) => {
            let r = Refusal::from_command("new-item", &f.typed(), e)?;
            Ok(refused(items_page(&s, &staff, &code, &city, None, &r).await?, &r))
        }
    }
}

/// The item of the path, if it belongs to the city.
pub(super) async fn city_item(s: &AppState, code: &str, id: i64) -> Result<ItemRecord, AppError> {
    of_city(s.store.item(id).await, |i| &i.municipality_code, code, "事業")
}

pub(super) async fn item(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Query(q): Query<Done>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    item_page(&s, &staff, &code, &city, id, done_message(q.done.as_deref()), &Refusal::default()).await
}

async fn item_page(
    s: &AppState,
    staff: &Staff,
    code: &str,
    city: &str,
    id: i64,
    done: Option<&str>,
    r: &Refusal,
) -> Result<Markup, AppError> {
    let item = city_item(s, code, id).await?;
    let plans = s.store.plans(code).await?;
    let nodes = s.store.city_nodes(code).await?;
    let placements: Vec<(i64, bool)> =
        s.store.placement_ids(code).await?.into_iter().filter(|p| p.0 == item.id).map(|p| (p.1, p.2)).collect();
    let sections = s.store.sections(code).await?;
    let own = s.store.sheet_section_ids(item.id).await?;
    let indicators = s.store.item_indicators(item.id).await?;
    let mut fixed = Vec::with_capacity(indicators.len());
    for i in &indicators {
        fixed.push(fixed_values(&s.store.indicator_values(i.id).await?));
    }
    let node_name = |id: i64| {
        nodes.iter().find(|n| n.id == id).map(|n| {
            let plan = plans.iter().find(|p| p.id == n.plan_id).map(|p| p.name.clone()).unwrap_or_default();
            (plan, n)
        })
    };
    let mut crumbs = crumbs(code, city);
    crumbs.push(("事業".into(), format!("/m/{code}/admin/items")));
    let (edit, place, secs, rm) = ("item", "place", "sections", "remove");
    let base = format!("/m/{code}/admin/items/{}", item.id);
    let typed_sections: Vec<String> = if r.is(secs) {
        r.typed.get("sections").map(|v| v.split(',').map(str::to_string).collect()).unwrap_or_default()
    } else {
        own.iter().map(|i| i.to_string()).collect()
    };
    Ok(staff_page(
        staff.bar(),
        format!("{} {}", item.code, item.title).trim(),
        &crumbs,
        html! {
            (nav(code, "/items"))
            @if let Some(m) = done { p class="ok" role="status" { (m) } }
            details class="note" {
                summary { "識別子（取り込み用）" }
                p { code { (item.key) } "（Excel の標準形式で事業を見分ける識別子。変更できません）" }
            }
            h2 { "事業の内容" }
            form method="post" action=(base) {
                (csrf(&staff.csrf))
                (r.banner(edit, &["kind", "code", "title", "fiscal_year", "tags"]))
                (select(edit, "kind", "種類", r, &r.value(edit, "kind", &item.kind), &kind_options(Some(&item.kind)), None))
                (Text::new(edit, "code", "番号（印刷どおり）", r.value(edit, "code", &item.code)).size(16).render(r))
                (Text::new(edit, "title", "名前", r.value(edit, "title", &item.title)).required().size(50).render(r))
                (Text::new(edit, "fiscal_year", "評価を始める年度", r.value(edit, "fiscal_year", &item.fiscal_year.map(|y| y.year().to_string()).unwrap_or_default())).size(14).note("例: 2025、令和7年度").render(r))
                (Text::new(edit, "tags", "印（読点区切り）", r.value(edit, "tags", &item.tags.join("、"))).size(20).render(r))
                p { button type="submit" class="primary" { "保存する" } }
            }

            h2 { "計画上の位置" }
            @if placements.is_empty() {
                p { "まだ計画に位置付けていません。" }
            } @else {
                table {
                    caption class="sr-only" { "計画上の位置" }
                    thead { tr { th scope="col" { "計画" } th scope="col" { "項目" } th scope="col" { "再掲" } th scope="col" { "外す" } } }
                    tbody {
                        @for (node, relisting) in &placements {
                            @if let Some((plan, n)) = node_name(*node) {
                                tr {
                                    td { (plan) }
                                    th scope="row" { a href={ "/m/" (code) "/admin/nodes/" (n.id) } { span class="code" { (n.code) } (n.title) } }
                                    td { @if *relisting { "再掲（合計に数えない）" } }
                                    td {
                                        form method="post" action={ (base) "/placements" } class="inline" {
                                            (csrf(&staff.csrf))
                                            input type="hidden" name="node" value=(n.id);
                                            input type="hidden" name="action" value="remove";
                                            button type="submit" { "外す" span class="sr-only" { "（" (n.code) " " (n.title) "）" } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if nodes.is_empty() {
                p { "位置付けるには、先に " a href={ "/m/" (code) "/admin/plans" } { "計画（体系）" } " で計画と項目を作成してください。" }
            } @else {
                form method="post" action={ (base) "/placements" } id="place-form" {
                    (csrf(&staff.csrf))
                    input type="hidden" name="action" value="add";
                    (r.banner(place, &["node"]))
                    p {
                        label for=(field_id(place, "node")) { "計画の項目" }
                        @if let Some(m) = r.message(place, "node") { br; span id={ (field_id(place, "node")) "-error" } class="error" { (m) } }
                        br;
                        select id=(field_id(place, "node")) name="node" aria-invalid=[r.message(place, "node").map(|_| "true")]
                            aria-describedby=[r.message(place, "node").map(|_| format!("{}-error", field_id(place, "node")))] {
                            option value="" { "（選んでください）" }
                            @for p in &plans {
                                optgroup label=(p.name) {
                                    @for n in nodes.iter().filter(|n| n.plan_id == p.id) {
                                        option value=(n.id) selected[r.typed(place, "node") == Some(&n.id.to_string())] {
                                            ("　".repeat(n.level.max(0) as usize)) (n.code) " " (n.title)
                                        }
                                    }
                                }
                            }
                        }
                    }
                    p {
                        input type="checkbox" id=(field_id(place, "relisting")) name="relisting" value="yes";
                        " " label for=(field_id(place, "relisting")) { "再掲として載せる（この位置では合計に数えない）" }
                    }
                    p { button type="submit" { "位置付ける" } }
                }
            }

            h2 { "担当課" }
            @if sections.is_empty() {
                p { "課がまだありません。先に " a href={ "/m/" (code) "/admin/org" } { "組織（部・課）" } " で課を作成してください。" }
            } @else {
                form method="post" action={ (base) "/sections" } {
                    (csrf(&staff.csrf))
                    (r.banner(secs, &["sections"]))
                    fieldset aria-describedby=[r.message(secs, "sections").map(|_| "sections-error")] {
                        legend { "担当課（複数選べます）" }
                        @if let Some(m) = r.message(secs, "sections") { p id="sections-error" class="error" { (m) } }
                        @for x in &sections {
                            @let id = format!("section-{}", x.id);
                            span class="choice" {
                                input type="checkbox" id=(id) name="section" value=(x.id) checked[typed_sections.contains(&x.id.to_string())];
                                " " label for=(id) { (x.label()) @if let Some(u) = x.valid_until { "（〜" (u.label()) "）" } }
                            }
                            br;
                        }
                    }
                    p { button type="submit" { "担当課を保存する" } }
                }
            }

            h2 { "指標" }
            @if indicators.is_empty() {
                p { "まだ指標がありません。" }
            } @else {
                table {
                    caption class="sr-only" { "この事業の指標" }
                    thead { tr {
                        th scope="col" { "指標名" } th scope="col" { "種類" } th scope="col" { "単位" }
                        th scope="col" { "基準値" } th scope="col" { "最終目標" }
                    } }
                    tbody {
                        @for (i, (baseline, target)) in indicators.iter().zip(&fixed) {
                            tr {
                                th scope="row" { a href={ "/m/" (code) "/admin/indicators/" (i.id) } { (i.name) } }
                                td { (i.kind.label()) }
                                td { (i.unit.clone().unwrap_or_default()) }
                                td { @if let Some((y, c)) = baseline { (c.printed()) " （" (y.label()) "）" } }
                                td { @if let Some((y, c)) = target { (c.printed()) " （" (y.label()) "）" } }
                            }
                        }
                    }
                }
            }
            p { a href={ (base) "/indicators/new" } { "この事業に指標を追加する" } }

            h2 { "事業の削除" }
            form method="post" action={ (base) "/remove" } {
                (csrf(&staff.csrf))
                (r.banner(rm, &["confirm"]))
                p {
                    input type="checkbox" id="remove-confirm" name="confirm" value="yes" required
                        aria-invalid=[r.message(rm, "confirm").map(|_| "true")];
                    " " label for="remove-confirm" {
                        "「" (item.title) "」を、調査票・記述・指標とともに削除します（確定済みの年度の記録があると削除できません）"
                    }
                    @if let Some(m) = r.message(rm, "confirm") { br; span class="error" { (m) } }
                }
                p { button type="submit" { "削除する" } }
            }
        },
    ))
}

async fn item_refused(
    s: &AppState,
    staff: &Staff,
    code: &str,
    id: i64,
    form: &str,
    typed: &[(&str, &str)],
    e: CommandError,
) -> Result<Response, AppError> {
    let r = Refusal::from_command(form, typed, e)?;
    let city = s.store.municipality(code).await?.name;
    Ok(refused(item_page(s, staff, code, &city, id, None, &r).await?, &r))
}

pub(super) async fn edit(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<ItemForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let cmd = EditItem { municipality: code.0.clone(), item_id: id, input: f.input() };
    match s.app.run(&staff.actor(), cmd).await {
        Ok(()) => Ok(Redirect::to(&format!("/m/{code}/admin/items/{id}?done=edited")).into_response()),
        Err(e) => item_refused(&s, &staff, &code, id, "item", &f.typed(), e).await,
    }
}

/// Adds (`action=add`) or removes (`action=remove`) a placement.
pub(super) async fn placements(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<ItemForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let node_id = form_id(&f.node);
    let (result, done) = match f.action.as_str() {
        "add" => {
            let cmd = PlaceItem { municipality: code.0.clone(), item_id: id, node_id, relisting: f.relisting == "yes" };
            (s.app.run(&staff.actor(), cmd).await, "placed")
        }
        "remove" => (
            s.app.run(&staff.actor(), UnplaceItem { municipality: code.0.clone(), item_id: id, node_id }).await,
            "unplaced",
        ),
        _ => (Err(CommandError::invalid("node", "位置付けるか外すかを選んでください。")), ""),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/m/{code}/admin/items/{id}?done={done}")).into_response()),
        Err(e) => item_refused(&s, &staff, &code, id, "place", &[("node", &f.node)], e).await,
    }
}

/// The check boxes named `section`, all of them.
pub(super) async fn set_sections(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let chosen: Vec<&str> = pairs.iter().filter(|(k, _)| k == "section").map(|(_, v)| v.as_str()).collect();
    let ids: Option<Vec<i64>> = chosen.iter().map(|v| form_id(v)).collect();
    let result = match ids {
        Some(section_ids) => {
            s.app.run(&staff.actor(), SetItemSections { municipality: code.0.clone(), item_id: id, section_ids }).await
        }
        None => Err(CommandError::invalid("sections", "担当課を一覧から選んでください。")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/m/{code}/admin/items/{id}?done=sections")).into_response()),
        Err(e) => {
            let joined = chosen.join(",");
            item_refused(&s, &staff, &code, id, "sections", &[("sections", &joined)], e).await
        }
    }
}

pub(super) async fn remove(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<ItemForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let result = if f.confirm == "yes" {
        s.app.run(&staff.actor(), RemoveItem { municipality: code.0.clone(), item_id: id }).await
    } else {
        city_item(&s, &code, id).await?;
        Err(CommandError::invalid("confirm", "削除の確認欄にチェックを入れてください。"))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/m/{code}/admin/items?done=removed")).into_response()),
        Err(e) => item_refused(&s, &staff, &code, id, "remove", &[], e).await,
    }
}
