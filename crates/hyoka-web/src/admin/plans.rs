//! 計画（体系）: the city's plans, each with its level names and a tree of
//! nodes with printed codes. Nodes are added under a parent, moved up and
//! down among their siblings, moved under another parent (a select on the
//! node's page), edited, and removed while nothing hangs under them.

use std::collections::HashMap;

use crate::http::{Done, Query};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use hyoka_app::plans::{AddNode, CreatePlan, EditNode, EditPlan, MoveNode, RemoveNode, ShiftNode};
use hyoka_core::outline::Outline;
use hyoka_store::{NodeRecord, PlanRecord};
use maud::{html, Markup};
use serde::Deserialize;

use super::forms::{csrf, form_id, refused, select, textarea, Refusal, Text};
use super::{admin_city, crumbs, nav, of_city};
use crate::http::{AppError, CityCode, Form, Id, Params, Staff};
use crate::ui::shell::staff_page;
use crate::AppState;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PlanForm {
    code: String,
    name: String,
    level_names: String,
    parent: Option<String>,
    title: String,
    tags: String,
    direction: String,
    confirm: String,
}

fn done_message(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "created" => "計画を作成しました。続けて、最上位の項目から追加してください。",
        "plan" => "計画を保存しました。",
        "node" => "項目を追加しました。",
        "edited" => "項目を保存しました。",
        "moved" => "項目を移動しました。",
        "removed" => "項目を削除しました。",
        "indicator" => "指標を保存しました。",
        "indicator-removed" => "指標を削除しました。",
        _ => return None,
    })
}

fn levels_of(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

/// The plan of the path, if it belongs to the city.
async fn city_plan(s: &AppState, code: &str, id: i64) -> Result<PlanRecord, AppError> {
    of_city(s.store.plan(id).await, |p| &p.municipality_code, code, "計画")
}

async fn city_node(s: &AppState, code: &str, id: i64) -> Result<(NodeRecord, PlanRecord), AppError> {
    let node = s.store.node(id).await?;
    let plan = city_plan(s, code, node.plan_id).await.map_err(|_| AppError::NotFound("計画の項目".into()))?;
    Ok((node, plan))
}

pub(super) async fn plans(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    plans_page(&s, &staff, &code, &city, &Refusal::default()).await
}

async fn plans_page(s: &AppState, staff: &Staff, code: &str, city: &str, r: &Refusal) -> Result<Markup, AppError> {
    let plans = s.store.plans(code).await?;
    let form = "new-plan";
    Ok(staff_page(
        staff.bar(),
        "計画（体系）",
        &crumbs(code, city),
        html! {
            (nav(code, "/plans"))
            p {
                "総合計画・実施計画・総合戦略・行革プランなど、事業を位置付ける計画ごとに、階層の名前（基本目標 → 施策 …）と"
                "項目（印刷どおりのコード付き）を登録します。1つの事業を複数の計画の項目に位置付けられます。"
            }
            @if plans.is_empty() {
                p class="warn" { "まだ計画がありません。下のフォームから作成してください。" }
            } @else {
                table {
                    caption class="sr-only" { "計画の一覧" }
                    thead { tr { th scope="col" { "計画" } th scope="col" { "階層" } th scope="col" { "項目数" } } }
                    tbody {
                        @for p in &plans {
                            tr {
                                th scope="row" { a href={ "/m/" (code) "/admin/plans/" (p.id) } { (p.name) } }
                                td { (p.level_names.join(" → ")) }
                                td class="num" { (p.node_count) }
                            }
                        }
                    }
                }
            }
            h2 { "計画を作成" }
            form method="post" action={ "/m/" (code) "/admin/plans" } {
                (csrf(&staff.csrf))
                (r.banner(form, &["code", "name", "level_names"]))
                (Text::new(form, "name", "計画の名前", r.value(form, "name", "")).required().size(40).note("例: 第5次調布市基本計画").render(r))
                (Text::new(form, "code", "計画のコード", r.value(form, "code", "")).required().size(20).note("半角英数字と - などで、市の中で重ならないもの（例: basic-plan-5）。Excel の標準形式で使います").render(r))
                (textarea(form, "level_names", "階層の名前（1行に1つ、上の階層から）", r, &r.value(form, "level_names", "基本目標\n施策"), Some("例: 基本目標、施策、施策の方向")))
                p { button type="submit" class="primary" { "計画を作成する" } }
            }
        },
    ))
}

pub(super) async fn create_plan(
    State(s): State<AppState>,
    staff: Staff,
    Params(code): Params<CityCode>,
    Form(f): Form<PlanForm>,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let cmd = CreatePlan {
        municipality: code.0.clone(),
        code: f.code.clone(),
        name: f.name.clone(),
        level_names: levels_of(&f.level_names),
    };
    match s.app.run(&staff.actor(), cmd).await {
        Ok(id) => Ok(Redirect::to(&format!("/m/{code}/admin/plans/{id}?done=created")).into_response()),
        Err(e) => {
            let typed = [("code", f.code.as_str()), ("name", f.name.as_str()), ("level_names", f.level_names.as_str())];
            let r = Refusal::from_command("new-plan", &typed, e)?;
            Ok(refused(plans_page(&s, &staff, &code, &city, &r).await?, &r))
        }
    }
}

/// `　　1-1 防災`: a node in a select, indented by its depth.
fn option_label(n: &NodeRecord, level: usize) -> String {
    format!("{}{} {}", "　".repeat(level), n.code, n.title)
}

pub(super) async fn plan(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Query(q): Query<Done>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    plan_page(&s, &staff, &code, &city, id, done_message(q.done.as_deref()), &Refusal::default()).await
}

async fn plan_page(
    s: &AppState,
    staff: &Staff,
    code: &str,
    city: &str,
    id: i64,
    done: Option<&str>,
    r: &Refusal,
) -> Result<Markup, AppError> {
    let plan = city_plan(s, code, id).await?;
    let nodes = s.store.plan_nodes(plan.id).await?;
    let outline = Outline::new(nodes.iter().map(|n| (n.id, n.parent_id)));
    let by_id: HashMap<i64, &NodeRecord> = nodes.iter().map(|n| (n.id, n)).collect();
    let mut items: HashMap<i64, usize> = HashMap::new();
    for (_, node, _) in s.store.placement_ids(code).await? {
        *items.entry(node).or_default() += 1;
    }
    let mut indicators: HashMap<i64, usize> = HashMap::new();
    for i in s.store.indicators(code).await? {
        if let Some(n) = i.node_id {
            *indicators.entry(n).or_default() += 1;
        }
    }
    let levels = plan.level_names.len();
    let parents: Vec<(String, String)> =
        std::iter::once(("top".to_string(), format!("（最上位: {}）", plan.level_names[0])))
            .chain(
                outline
                    .places()
                    .iter()
                    .filter(|p| p.level + 1 < levels)
                    .filter_map(|p| by_id.get(&p.id).map(|n| (n.id.to_string(), option_label(n, p.level)))),
            )
            .collect();
    let mut crumbs = crumbs(code, city);
    crumbs.push(("計画（体系）".into(), format!("/m/{code}/admin/plans")));
    let edit = "plan";
    let add = "add-node";
    let tree = tree(staff, code, &plan, &outline, &by_id, &items, &indicators, None);
    Ok(staff_page(
        staff.bar(),
        &format!("計画: {}", plan.name),
        &crumbs,
        html! {
            (nav(code, "/plans"))
            @if let Some(m) = done { p class="ok" role="status" { (m) } }
            h2 { "体系" }
            @if nodes.is_empty() {
                p { "まだ項目がありません。下の「項目を追加」から、最上位の" (plan.level_names[0]) "を追加してください。" }
            } @else {
                p class="note" { "「上へ」「下へ」で同じ階層の中の順番を変えます。ほかの項目の下へ移すには、項目の「編集・移動」を開いてください。" }
                (tree)
            }
            h2 id="add" { "項目を追加" }
            form method="post" action={ "/m/" (code) "/admin/plans/" (plan.id) "/nodes" } {
                (csrf(&staff.csrf))
                (r.banner(add, &["parent", "code", "title", "tags"]))
                (select(add, "parent", "親の項目", r, &r.value(add, "parent", "top"), &parents, Some("選んだ項目の最後に追加します")))
                (Text::new(add, "code", "コード（印刷どおり）", r.value(add, "code", "")).required().size(16).note("例: 1、1-2、第3-2、IV-7-48-(1)").render(r))
                (Text::new(add, "title", "見出し", r.value(add, "title", "")).required().size(50).render(r))
                (Text::new(add, "tags", "印（任意、読点区切り）", r.value(add, "tags", "")).size(20).note("例: 重点、主要").render(r))
                p { button type="submit" class="primary" { "項目を追加する" } }
            }
            h2 { "計画の名前と階層" }
            form method="post" action={ "/m/" (code) "/admin/plans/" (plan.id) } {
                (csrf(&staff.csrf))
                (r.banner(edit, &["code", "name", "level_names"]))
                (Text::new(edit, "name", "計画の名前", r.value(edit, "name", &plan.name)).required().size(40).render(r))
                (Text::new(edit, "code", "計画のコード", r.value(edit, "code", &plan.code)).required().size(20).render(r))
                (textarea(edit, "level_names", "階層の名前（1行に1つ、上の階層から）", r, &r.value(edit, "level_names", &plan.level_names.join("\n")), None))
                p { button type="submit" { "保存する" } }
            }
        },
    ))
}

/// The nodes under `parent` as a nested list, each with its reorder
/// buttons and a link to its page.
#[allow(clippy::too_many_arguments)]
fn tree(
    staff: &Staff,
    code: &str,
    plan: &PlanRecord,
    outline: &Outline,
    by_id: &HashMap<i64, &NodeRecord>,
    items: &HashMap<i64, usize>,
    indicators: &HashMap<i64, usize>,
    parent: Option<i64>,
) -> Markup {
    let children = outline.children(parent);
    html! {
        ul class="tree" {
            @for (i, id) in children.iter().enumerate() {
                @if let Some(n) = by_id.get(id) {
                    li id={ "node-" (n.id) } {
                        span class="code" { (n.code) } (n.title)
                        @if let Some(level) = plan.level_names.get(outline.level(n.id)) { span class="badge" { (level) } }
                        @for t in &n.tags { span class="badge" { (t) } }
                        @if let Some(c) = items.get(&n.id) { " " span class="note" { "事業" (c) "件" } }
                        @if let Some(c) = indicators.get(&n.id) { " " span class="note" { "指標" (c) "件" } }
                        " "
                        a href={ "/m/" (code) "/admin/nodes/" (n.id) } { "編集・移動" span class="sr-only" { "（" (n.code) "）" } }
                        @if i > 0 { " " (shift_button(staff, code, n, "up", "上へ")) }
                        @if i + 1 < children.len() { " " (shift_button(staff, code, n, "down", "下へ")) }
                        @if !outline.children(Some(n.id)).is_empty() {
                            (tree(staff, code, plan, outline, by_id, items, indicators, Some(n.id)))
                        }
                    }
                }
            }
        }
    }
}

fn shift_button(staff: &Staff, code: &str, n: &NodeRecord, direction: &str, label: &str) -> Markup {
    html! {
        form method="post" action={ "/m/" (code) "/admin/nodes/" (n.id) "/order" } class="inline" {
            (csrf(&staff.csrf))
            input type="hidden" name="direction" value=(direction);
            button type="submit" { (label) span class="sr-only" { "（" (n.code) " " (n.title) "）" } }
        }
    }
}

pub(super) async fn edit_plan(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<PlanForm>,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let cmd = EditPlan {
        municipality: code.0.clone(),
        plan_id: id,
        code: f.code.clone(),
        name: f.name.clone(),
        level_names: levels_of(&f.level_names),
    };
    match s.app.run(&staff.actor(), cmd).await {
        Ok(()) => Ok(Redirect::to(&format!("/m/{code}/admin/plans/{id}?done=plan")).into_response()),
        Err(e) => {
            let typed = [("code", f.code.as_str()), ("name", f.name.as_str()), ("level_names", f.level_names.as_str())];
            let r = Refusal::from_command("plan", &typed, e)?;
            Ok(refused(plan_page(&s, &staff, &code, &city, id, None, &r).await?, &r))
        }
    }
}

/// A parent as the select sends it: `top` for the top level, else an id.
/// A missing field is refused, so that a stray post cannot move a node.
fn parent_of(f: &PlanForm) -> Result<Option<Option<i64>>, ()> {
    match f.parent.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some("top") => Ok(Some(None)),
        Some(t) => form_id(t).map(|id| Some(Some(id))).ok_or(()),
    }
}

pub(super) async fn add_node(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<PlanForm>,
) -> Result<Response, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    let parent = f.parent.clone().unwrap_or_default();
    let typed = [
        ("parent", parent.as_str()),
        ("code", f.code.as_str()),
        ("title", f.title.as_str()),
        ("tags", f.tags.as_str()),
    ];
    let result = match parent_of(&f) {
        Ok(Some(parent_id)) => {
            let cmd = AddNode {
                municipality: code.0.clone(),
                plan_id: id,
                parent_id,
                code: f.code.clone(),
                title: f.title.clone(),
                tags: f.tags.clone(),
            };
            s.app.run(&staff.actor(), cmd).await
        }
        _ => Err(hyoka_app::CommandError::invalid("parent", "親の項目を選んでください。")),
    };
    match result {
        Ok(node) => Ok(Redirect::to(&format!("/m/{code}/admin/plans/{id}?done=node#node-{node}")).into_response()),
        Err(e) => {
            let r = Refusal::from_command("add-node", &typed, e)?;
            Ok(refused(plan_page(&s, &staff, &code, &city, id, None, &r).await?, &r))
        }
    }
}

pub(super) async fn node(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Query(q): Query<Done>,
) -> Result<Markup, AppError> {
    let city = admin_city(&s, &staff, &code).await?;
    node_page(&s, &staff, &code, &city, id, done_message(q.done.as_deref()), &Refusal::default()).await
}

async fn node_page(
    s: &AppState,
    staff: &Staff,
    code: &str,
    city: &str,
    id: i64,
    done: Option<&str>,
    r: &Refusal,
) -> Result<Markup, AppError> {
    let (node, plan) = city_node(s, code, id).await?;
    let nodes = s.store.plan_nodes(plan.id).await?;
    let outline = Outline::new(nodes.iter().map(|n| (n.id, n.parent_id)));
    let by_id: HashMap<i64, &NodeRecord> = nodes.iter().map(|n| (n.id, n)).collect();
    let levels = plan.level_names.len();
    let height = outline.height(node.id);
    // Where the node (with its subtree) fits: not under itself or its
    // descendants, and not deeper than the plan's levels.
    let under_self = |mut at: Option<i64>| {
        while let Some(a) = at {
            if a == node.id {
                return true;
            }
            at = outline.parent(a);
        }
        false
    };
    let mut parents: Vec<(String, String)> = Vec::new();
    if height <= levels {
        parents.push(("top".into(), format!("（最上位: {}）", plan.level_names[0])));
    }
    for p in outline.places() {
        if under_self(Some(p.id)) || p.level + 1 + height > levels {
            continue;
        }
        if let Some(n) = by_id.get(&p.id) {
            parents.push((n.id.to_string(), option_label(n, p.level)));
        }
    }
    let current_parent = node.parent_id.map_or("top".to_string(), |p| p.to_string());
    let items = s.store.node_items(node.id).await?;
    let indicators = s.store.node_indicators(node.id).await?;
    let level_name = plan.level_names.get(outline.level(node.id)).cloned().unwrap_or_default();
    let mut crumbs = crumbs(code, city);
    crumbs.push(("計画（体系）".into(), format!("/m/{code}/admin/plans")));
    crumbs.push((plan.name.clone(), format!("/m/{code}/admin/plans/{}", plan.id)));
    let (edit, mv, rm) = ("node", "move", "remove");
    let base = format!("/m/{code}/admin/nodes/{}", node.id);
    Ok(staff_page(
        staff.bar(),
        &format!("{} {} {}", level_name, node.code, node.title),
        &crumbs,
        html! {
            (nav(code, "/plans"))
            @if let Some(m) = done { p class="ok" role="status" { (m) } }
            p { a href={ "/m/" (code) "/admin/plans/" (plan.id) "#node-" (node.id) } { "計画「" (plan.name) "」の体系へ戻る" } }
            h2 { "項目の内容" }
            form method="post" action=(base) {
                (csrf(&staff.csrf))
                (r.banner(edit, &["code", "title", "tags"]))
                (Text::new(edit, "code", "コード（印刷どおり）", r.value(edit, "code", &node.code)).required().size(16).render(r))
                (Text::new(edit, "title", "見出し", r.value(edit, "title", &node.title)).required().size(50).render(r))
                (Text::new(edit, "tags", "印（読点区切り）", r.value(edit, "tags", &node.tags.join("、"))).size(20).render(r))
                p { button type="submit" class="primary" { "保存する" } }
            }
            h2 { "ほかの項目の下へ移動" }
            form method="post" action={ (base) "/move" } {
                (csrf(&staff.csrf))
                (r.banner(mv, &["parent"]))
                (select(mv, "parent", "移動先の親", r, &r.value(mv, "parent", &current_parent), &parents, Some("下位の項目も一緒に移り、移動先の最後に並びます")))
                p { button type="submit" { "移動する" } }
            }
            h2 { "この項目に位置付けた事業" }
            @if items.is_empty() { p { "ありません。事業のページで位置付けます。" } }
            @else {
                ul {
                    @for (i, relisting) in &items {
                        li {
                            a href={ "/m/" (code) "/admin/items/" (i.id) } { span class="code" { (i.code) } (i.title) }
                            @if *relisting { span class="badge" { "再掲" } }
                        }
                    }
                }
            }
            h2 { "この項目の指標" }
            @if indicators.is_empty() { p { "ありません。" } }
            @else {
                ul {
                    @for i in &indicators {
                        li { a href={ "/m/" (code) "/admin/indicators/" (i.id) } { (i.name) } span class="badge" { (i.kind.label()) } }
                    }
                }
            }
            p { a href={ (base) "/indicators/new" } { "この項目に指標を追加する" } }
            h2 { "項目の削除" }
            form method="post" action={ (base) "/remove" } {
                (csrf(&staff.csrf))
                (r.banner(rm, &["confirm"]))
                p {
                    input type="checkbox" id="remove-confirm" name="confirm" value="yes" required
                        aria-invalid=[r.message(rm, "confirm").map(|_| "true")];
                    " " label for="remove-confirm" { "「" (node.code) " " (node.title) "」を削除します（下位の項目・事業・指標があると削除できません）" }
                    @if let Some(m) = r.message(rm, "confirm") { br; span class="error" { (m) } }
                }
                p { button type="submit" { "削除する" } }
            }
        },
    ))
}

async fn node_refused(
    s: &AppState,
    staff: &Staff,
    code: &str,
    id: i64,
    form: &str,
    typed: &[(&str, &str)],
    e: hyoka_app::CommandError,
) -> Result<Response, AppError> {
    let r = Refusal::from_command(form, typed, e)?;
    let city = s.store.municipality(code).await?.name;
    Ok(refused(node_page(s, staff, code, &city, id, None, &r).await?, &r))
}

pub(super) async fn edit_node(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<PlanForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let cmd = EditNode {
        municipality: code.0.clone(),
        node_id: id,
        code: f.code.clone(),
        title: f.title.clone(),
        tags: f.tags.clone(),
    };
    match s.app.run(&staff.actor(), cmd).await {
        Ok(()) => Ok(Redirect::to(&format!("/m/{code}/admin/nodes/{id}?done=edited")).into_response()),
        Err(e) => {
            let typed = [("code", f.code.as_str()), ("title", f.title.as_str()), ("tags", f.tags.as_str())];
            node_refused(&s, &staff, &code, id, "node", &typed, e).await
        }
    }
}

pub(super) async fn move_node(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<PlanForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let parent = f.parent.clone().unwrap_or_default();
    let result = match parent_of(&f) {
        Ok(Some(parent_id)) => {
            s.app.run(&staff.actor(), MoveNode { municipality: code.0.clone(), node_id: id, parent_id }).await
        }
        _ => Err(hyoka_app::CommandError::invalid("parent", "移動先の親を選んでください。")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/m/{code}/admin/nodes/{id}?done=moved")).into_response()),
        Err(e) => node_refused(&s, &staff, &code, id, "move", &[("parent", &parent)], e).await,
    }
}

/// Up or down among the siblings, then back to the tree at the node.
pub(super) async fn order_node(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<PlanForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let (_, plan) = city_node(&s, &code, id).await?;
    let up = match f.direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::Invalid("移動の向き（上へ・下へ）を選んでください。".into())),
    };
    s.app.run(&staff.actor(), ShiftNode { municipality: code.0.clone(), node_id: id, up }).await?;
    Ok(Redirect::to(&format!("/m/{code}/admin/plans/{}?done=moved#node-{id}", plan.id)).into_response())
}

pub(super) async fn remove_node(
    State(s): State<AppState>,
    staff: Staff,
    Params((code, Id(id))): Params<(CityCode, Id)>,
    Form(f): Form<PlanForm>,
) -> Result<Response, AppError> {
    admin_city(&s, &staff, &code).await?;
    let (_, plan) = city_node(&s, &code, id).await?;
    let result = if f.confirm == "yes" {
        s.app.run(&staff.actor(), RemoveNode { municipality: code.0.clone(), node_id: id }).await
    } else {
        Err(hyoka_app::CommandError::invalid("confirm", "削除の確認欄にチェックを入れてください。"))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/m/{code}/admin/plans/{}?done=removed", plan.id)).into_response()),
        Err(e) => node_refused(&s, &staff, &code, id, "remove", &[], e).await,
    }
}
