//! Plans (施策体系) and their nodes, as the city's admin builds them: a
//! plan with its level names (基本目標 → 施策 → …), nodes with their printed
//! codes, moved under another parent or up and down among their siblings,
//! and removed while nothing hangs under them.

use hyoka_core::access::Action;
use hyoka_core::outline::{Outline, OutlineError};
use hyoka_store::{NodeRecord, PlanRecord, Store, StoreError};

use crate::input::{list, optional, required, shown};
use crate::{Command, CommandError, Cx};

const MAX_LEVELS: usize = 10;

pub(crate) async fn city_plan(store: &Store, code: &str, id: i64) -> Result<PlanRecord, CommandError> {
    match store.plan(id).await {
        Ok(p) if p.municipality_code == code => Ok(p),
        Ok(_) | Err(StoreError::NotFound { .. }) => Err(CommandError::NotFound("計画".into())),
        Err(e) => Err(e.into()),
    }
}

/// A node of the city, with its plan.
pub(crate) async fn city_node(store: &Store, code: &str, id: i64) -> Result<(NodeRecord, PlanRecord), CommandError> {
    let node = match store.node(id).await {
        Ok(n) => n,
        Err(StoreError::NotFound { .. }) => return Err(CommandError::NotFound("計画の項目".into())),
        Err(e) => return Err(e.into()),
    };
    let plan = city_plan(store, code, node.plan_id).await.map_err(|_| CommandError::NotFound("計画の項目".into()))?;
    Ok((node, plan))
}

/// `基本計画 第2-1`: a node as people name it.
pub(crate) fn node_label(plan: &PlanRecord, node: &NodeRecord) -> String {
    format!("{} {}", plan.name, node.code)
}

/// Level names typed one per entry; blanks dropped.
fn level_names(names: &[String]) -> Result<Vec<String>, CommandError> {
    let mut out = Vec::new();
    for n in names {
        if let Some(n) = optional("level_names", "階層の名前", n, 30)? {
            out.push(n);
        }
    }
    if out.is_empty() {
        return Err(CommandError::invalid(
            "level_names",
            "階層の名前を1つ以上入力してください（例: 基本目標、施策）。",
        ));
    }
    if out.len() > MAX_LEVELS {
        return Err(CommandError::invalid("level_names", format!("階層は{MAX_LEVELS}段までです。")));
    }
    Ok(out)
}

fn plan_code(text: &str) -> Result<String, CommandError> {
    let code = required("code", "計画のコード", text, 50)?;
    if code.contains(char::is_whitespace) {
        return Err(CommandError::invalid("code", "計画のコードには空白を入れないでください（例: basic-plan-5）。"));
    }
    Ok(code)
}

fn code_clash(field: &'static str) -> impl Fn(StoreError) -> CommandError {
    move |e| match e {
        StoreError::Duplicate(m) => CommandError::invalid(field, format!("{m}。別のコードにしてください。")),
        other => other.into(),
    }
}

/// Creates a plan with its level names, top first.
pub struct CreatePlan {
    pub municipality: String,
    pub code: String,
    pub name: String,
    pub level_names: Vec<String>,
}

impl Command for CreatePlan {
    const CODE: &'static str = "plan.create";
    type Output = i64;

    async fn run(self, cx: &mut Cx<'_>) -> Result<i64, CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        cx.store.municipality(city).await?;
        let code = plan_code(&self.code)?;
        let name = required("name", "計画の名前", &self.name, 100)?;
        let levels = level_names(&self.level_names)?;
        if cx.store.plans(city).await?.iter().any(|p| p.code == code) {
            return Err(CommandError::invalid(
                "code",
                format!("計画のコード「{code}」は既に使われています。別のコードにしてください。"),
            ));
        }
        let id = cx.tx().await?.insert_plan(city, &code, &name, &levels).await.map_err(code_clash("code"))?;
        cx.about(city, None, None);
        cx.summary(format!("計画「{name}」（{code}）を作成"));
        cx.change(format!("計画 {code}"), None, Some(name));
        cx.change(format!("計画の階層 {code}"), None, shown(&levels));
        Ok(id)
    }
}

/// Changes a plan's code, name and level names. Levels that hold nodes
/// cannot be dropped.
pub struct EditPlan {
    pub municipality: String,
    pub plan_id: i64,
    pub code: String,
    pub name: String,
    pub level_names: Vec<String>,
}

impl Command for EditPlan {
    const CODE: &'static str = "plan.edit";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        let plan = city_plan(cx.store, city, self.plan_id).await?;
        let code = plan_code(&self.code)?;
        let name = required("name", "計画の名前", &self.name, 100)?;
        let levels = level_names(&self.level_names)?;
        let nodes = cx.store.plan_nodes(plan.id).await?;
        let depth = Outline::new(nodes.iter().map(|n| (n.id, n.parent_id)))
            .places()
            .iter()
            .map(|p| p.level + 1)
            .max()
            .unwrap_or(0);
        if levels.len() < depth {
            return Err(CommandError::invalid(
                "level_names",
                format!("この計画には第{depth}階層まで項目があるため、階層の名前は{depth}つ以上必要です。"),
            ));
        }
        if code != plan.code && cx.store.plans(city).await?.iter().any(|p| p.code == code) {
            return Err(CommandError::invalid(
                "code",
                format!("計画のコード「{code}」は既に使われています。別のコードにしてください。"),
            ));
        }
        if (code.as_str(), name.as_str(), &levels) == (plan.code.as_str(), plan.name.as_str(), &plan.level_names) {
            cx.unchanged();
            return Ok(());
        }
        cx.tx().await?.update_plan(plan.id, &code, &name, &levels).await.map_err(code_clash("code"))?;
        cx.about(city, None, None);
        cx.summary(format!("計画「{name}」を変更"));
        if code != plan.code {
            cx.change(format!("計画のコード {}", plan.name), Some(plan.code.clone()), Some(code.clone()));
        }
        if name != plan.name {
            cx.change("計画の名前".to_string(), Some(plan.name.clone()), Some(name.clone()));
        }
        if levels != plan.level_names {
            cx.change(format!("計画の階層 {name}"), shown(&plan.level_names), shown(&levels));
        }
        Ok(())
    }
}

/// Stored positions of a plan's nodes, by node id.
type Positions = std::collections::HashMap<i64, i64>;

async fn positions(store: &Store, plan_id: i64) -> Result<Positions, CommandError> {
    Ok(store.node_positions(plan_id).await?.into_iter().collect())
}

/// Writes the places an outline gives, for the nodes whose parent, level
/// or position changed.
/// `stored` is read before the command's first write: once the
/// transaction has begun, reads go through it, not the pool.
async fn write_places(
    cx: &mut Cx<'_>,
    stored: &Positions,
    nodes: &[NodeRecord],
    outline: &Outline,
) -> Result<(), CommandError> {
    let tx = cx.tx().await?;
    for place in outline.places() {
        let same = nodes.iter().find(|n| n.id == place.id).is_some_and(|n| {
            n.parent_id == place.parent
                && n.level == place.level as i64
                && stored.get(&n.id) == Some(&(place.position as i64))
        });
        if !same {
            tx.place_node(place.id, place.parent, place.level, place.position).await?;
        }
    }
    Ok(())
}

/// The deepest level a node's subtree would reach under `parent`, checked
/// against the plan's level names.
fn check_depth(plan: &PlanRecord, outline: &Outline, parent: Option<i64>, height: usize) -> Result<(), CommandError> {
    let level = parent.map_or(0, |p| outline.level(p) + 1);
    let deepest = level + height;
    if deepest > plan.level_names.len() {
        return Err(CommandError::invalid(
            "parent",
            format!(
                "この計画の階層は{}段（{}）です。もっと下の階層に置くには、先に計画の「階層の名前」を増やしてください。",
                plan.level_names.len(),
                plan.level_names.join(" → ")
            ),
        ));
    }
    Ok(())
}

/// Node fields as typed.
fn node_fields(code: &str, title: &str, tags: &str) -> Result<(String, String, Vec<String>), CommandError> {
    let code = required("code", "項目のコード", code, 50)?;
    let title = required("title", "見出し", title, 200)?;
    let tags = list("tags", "印", tags, 20)?;
    Ok((code, title, tags))
}

/// Adds a node as the last child of `parent_id` (the top level when `None`).
pub struct AddNode {
    pub municipality: String,
    pub plan_id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub title: String,
    pub tags: String,
}

impl Command for AddNode {
    const CODE: &'static str = "plan.node.add";
    type Output = i64;

    async fn run(self, cx: &mut Cx<'_>) -> Result<i64, CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        let plan = city_plan(cx.store, city, self.plan_id).await?;
        let (code, title, tags) = node_fields(&self.code, &self.title, &self.tags)?;
        let nodes = cx.store.plan_nodes(plan.id).await?;
        let stored = positions(cx.store, plan.id).await?;
        let mut outline = Outline::new(nodes.iter().map(|n| (n.id, n.parent_id)));
        if self.parent_id.is_some_and(|p| !outline.contains(p)) {
            return Err(CommandError::invalid("parent", "親の項目をこの計画の一覧から選んでください。"));
        }
        check_depth(&plan, &outline, self.parent_id, 1)?;
        if nodes.iter().any(|n| n.code == code) {
            return Err(CommandError::invalid(
                "code",
                format!("コード「{code}」はこの計画で既に使われています。別のコードにしてください。"),
            ));
        }
        let id = cx
            .tx()
            .await?
            .insert_node(plan.id, self.parent_id, &code, &title, &tags)
            .await
            .map_err(code_clash("code"))?;
        outline.push(id, self.parent_id).map_err(|e| CommandError::invalid("parent", e.to_string()))?;
        write_places(cx, &stored, &nodes, &outline).await?;
        let parent = self.parent_id.and_then(|p| nodes.iter().find(|n| n.id == p)).map(|n| n.code.clone());
        let level = plan.level_names.get(outline.level(id)).cloned().unwrap_or_default();
        cx.about(city, None, None);
        cx.summary(format!("計画「{}」に{level}「{code} {title}」を追加", plan.name));
        cx.change(
            format!("計画の項目 {} {code}", plan.name),
            None,
            Some(match parent {
                Some(p) => format!("{title}（{p}の下）"),
                None => title.clone(),
            }),
        );
        if !tags.is_empty() {
            cx.change(format!("計画の項目の印 {} {code}", plan.name), None, shown(&tags));
        }
        Ok(id)
    }
}

/// Changes a node's printed code, title and tags.
pub struct EditNode {
    pub municipality: String,
    pub node_id: i64,
    pub code: String,
    pub title: String,
    pub tags: String,
}

impl Command for EditNode {
    const CODE: &'static str = "plan.node.edit";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        let (node, plan) = city_node(cx.store, city, self.node_id).await?;
        let (code, title, tags) = node_fields(&self.code, &self.title, &self.tags)?;
        if (&code, &title, &tags) == (&node.code, &node.title, &node.tags) {
            cx.unchanged();
            return Ok(());
        }
        if code != node.code && cx.store.plan_nodes(plan.id).await?.iter().any(|n| n.code == code) {
            return Err(CommandError::invalid(
                "code",
                format!("コード「{code}」はこの計画で既に使われています。別のコードにしてください。"),
            ));
        }
        cx.tx().await?.update_node(node.id, &code, &title, &tags).await.map_err(code_clash("code"))?;
        cx.about(city, None, None);
        cx.summary(format!("計画「{}」の項目「{}」を変更", plan.name, node.code));
        if code != node.code {
            cx.change(
                format!("計画の項目のコード {}", node_label(&plan, &node)),
                Some(node.code.clone()),
                Some(code.clone()),
            );
        }
        if title != node.title {
            cx.change(format!("計画の項目の見出し {} {code}", plan.name), Some(node.title.clone()), Some(title));
        }
        if tags != node.tags {
            cx.change(format!("計画の項目の印 {} {code}", plan.name), shown(&node.tags), shown(&tags));
        }
        Ok(())
    }
}

/// Moves a node, with everything under it, to the end of another parent's
/// children (the top level when `None`).
pub struct MoveNode {
    pub municipality: String,
    pub node_id: i64,
    pub parent_id: Option<i64>,
}

impl Command for MoveNode {
    const CODE: &'static str = "plan.node.move";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        let (node, plan) = city_node(cx.store, city, self.node_id).await?;
        let nodes = cx.store.plan_nodes(plan.id).await?;
        let stored = positions(cx.store, plan.id).await?;
        let mut outline = Outline::new(nodes.iter().map(|n| (n.id, n.parent_id)));
        if outline.parent(node.id) == self.parent_id {
            cx.unchanged();
            return Ok(());
        }
        let height = outline.height(node.id);
        outline.move_under(node.id, self.parent_id).map_err(|e| {
            CommandError::invalid(
                "parent",
                match e {
                    OutlineError::Unknown => "移動先をこの計画の一覧から選んでください。".to_string(),
                    other => format!("{other}。"),
                },
            )
        })?;
        check_depth(&plan, &outline, self.parent_id, height)?;
        write_places(cx, &stored, &nodes, &outline).await?;
        let code_of = |id: Option<i64>| match id.and_then(|p| nodes.iter().find(|n| n.id == p)) {
            Some(n) => format!("{} {}", n.code, n.title),
            None => "最上位".to_string(),
        };
        cx.about(city, None, None);
        cx.summary(format!("計画「{}」の項目「{}」を{}の下へ移動", plan.name, node.code, code_of(self.parent_id)));
        cx.change(
            format!("計画の項目の親 {}", node_label(&plan, &node)),
            Some(code_of(node.parent_id)),
            Some(code_of(self.parent_id)),
        );
        Ok(())
    }
}

/// Moves a node one place up or down among its siblings.
pub struct ShiftNode {
    pub municipality: String,
    pub node_id: i64,
    pub up: bool,
}

impl Command for ShiftNode {
    const CODE: &'static str = "plan.node.shift";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        let (node, plan) = city_node(cx.store, city, self.node_id).await?;
        let nodes = cx.store.plan_nodes(plan.id).await?;
        let stored = positions(cx.store, plan.id).await?;
        let mut outline = Outline::new(nodes.iter().map(|n| (n.id, n.parent_id)));
        let siblings = outline.children(outline.parent(node.id)).to_vec();
        let before = siblings.iter().position(|s| *s == node.id).unwrap_or(0) + 1;
        if !outline.shift(node.id, self.up) {
            cx.unchanged();
            return Ok(());
        }
        write_places(cx, &stored, &nodes, &outline).await?;
        let after = if self.up { before - 1 } else { before + 1 };
        cx.about(city, None, None);
        cx.summary(format!(
            "計画「{}」の項目「{}」を{}へ移動",
            plan.name,
            node.code,
            if self.up { "上" } else { "下" }
        ));
        cx.change(
            format!("計画の項目の順番 {}", node_label(&plan, &node)),
            Some(format!("{before}番目")),
            Some(format!("{after}番目")),
        );
        Ok(())
    }
}

/// Removes a node that has no child nodes, items or indicators; otherwise
/// says what is in the way.
pub struct RemoveNode {
    pub municipality: String,
    pub node_id: i64,
}

impl Command for RemoveNode {
    const CODE: &'static str = "plan.node.remove";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        let (node, plan) = city_node(cx.store, city, self.node_id).await?;
        let used = cx.store.node_use(node.id).await?;
        if !used.is_empty() {
            let mut why = Vec::new();
            if !used.children.is_empty() {
                why.push(format!("下位の項目（{}）", used.children.join("、")));
            }
            if !used.items.is_empty() {
                let items: Vec<String> =
                    used.items.iter().map(|(c, t)| format!("{c} {t}").trim().to_string()).collect();
                why.push(format!("事業（{}）", items.join("、")));
            }
            if !used.indicators.is_empty() {
                why.push(format!("指標（{}）", used.indicators.join("、")));
            }
            return Err(CommandError::Conflict(format!(
                "「{} {}」には{}があるため削除できません。先に移動するか削除してください。",
                node.code,
                node.title,
                why.join("、")
            )));
        }
        let nodes = cx.store.plan_nodes(plan.id).await?;
        let stored = positions(cx.store, plan.id).await?;
        let mut outline = Outline::new(nodes.iter().map(|n| (n.id, n.parent_id)));
        outline.remove(node.id);
        cx.tx().await?.delete_node(node.id).await?;
        let rest: Vec<NodeRecord> = nodes.into_iter().filter(|n| n.id != node.id).collect();
        write_places(cx, &stored, &rest, &outline).await?;
        cx.about(city, None, None);
        cx.summary(format!("計画「{}」の項目「{} {}」を削除", plan.name, node.code, node.title));
        cx.change(format!("計画の項目 {}", node_label(&plan, &node)), Some(node.title.clone()), None);
        Ok(())
    }
}
