//! Items (事業, 個別課題, 目標 …) as the city's admin registers them: the
//! printed code, title, kind, the fiscal year their evaluation starts and
//! their tags; where they sit in the plans (under one node or several, a
//! 再掲 shown but not counted); which sections are responsible. An item is
//! removed only while nothing of it is in a locked (確定) year.

use hyoka_core::access::Action;
use hyoka_store::{ItemFields, ItemRecord, Store, StoreError};

use crate::input::{list, optional, required, shown, year};
use crate::plans::{city_node, node_label};
use crate::{Command, CommandError, Cx};

pub use hyoka_core::layout::ITEM_KINDS;

/// The name of a kind; a kind hyoka does not know shows as its code.
pub fn kind_label(code: &str) -> &str {
    hyoka_core::layout::item_kind_label(code).unwrap_or(code)
}

pub(crate) async fn city_item(store: &Store, code: &str, id: i64) -> Result<ItemRecord, CommandError> {
    match store.item(id).await {
        Ok(i) if i.municipality_code == code => Ok(i),
        Ok(_) | Err(StoreError::NotFound { .. }) => Err(CommandError::NotFound("事業".into())),
        Err(e) => Err(e.into()),
    }
}

/// `企-1 電子申請の推進`: an item as people name it.
pub(crate) fn item_label(i: &ItemRecord) -> String {
    format!("{} {}", i.code, i.title).trim().to_string()
}

/// What the item form holds, as typed.
#[derive(Clone, Debug, Default)]
pub struct ItemInput {
    pub kind: String,
    pub code: String,
    pub title: String,
    /// The fiscal year whose sheet is the item's first (`2025`, `令和7年度`).
    pub fiscal_year: String,
    /// Tags as typed, separated by 、 or commas: `新規、重点`.
    pub tags: String,
}

impl ItemInput {
    /// `keep_kind`: an item's current kind stays acceptable even when it is
    /// not one of [`ITEM_KINDS`] (an imported one).
    fn parse(&self, keep_kind: Option<&str>) -> Result<ItemFields, CommandError> {
        let kind = self.kind.trim();
        if !(ITEM_KINDS.iter().any(|(c, _)| *c == kind) || keep_kind == Some(kind)) {
            return Err(CommandError::invalid("kind", "種類を一覧から選んでください。"));
        }
        Ok(ItemFields {
            kind: kind.to_string(),
            code: optional("code", "番号", &self.code, 50)?.unwrap_or_default(),
            title: required("title", "名前", &self.title, 200)?,
            fiscal_year: year("fiscal_year", "評価を始める年度", &self.fiscal_year)?,
            tags: list("tags", "印", &self.tags, 20)?,
        })
    }
}

/// Records what changed between two sets of item fields.
fn field_changes(cx: &mut Cx<'_>, before: &ItemFields, after: &ItemFields) {
    if before.kind != after.kind {
        cx.change("種類", Some(kind_label(&before.kind).into()), Some(kind_label(&after.kind).into()));
    }
    if before.code != after.code {
        cx.change(
            "番号",
            Some(before.code.clone()).filter(|c| !c.is_empty()),
            Some(after.code.clone()).filter(|c| !c.is_empty()),
        );
    }
    if before.title != after.title {
        cx.change("名前", Some(before.title.clone()), Some(after.title.clone()));
    }
    if before.fiscal_year != after.fiscal_year {
        cx.change("評価を始める年度", before.fiscal_year.map(|y| y.label()), after.fiscal_year.map(|y| y.label()));
    }
    if before.tags != after.tags {
        cx.change("印", shown(&before.tags), shown(&after.tags));
    }
}

/// A key for a new item: the one typed, else the printed code, else the
/// title.
fn item_key(typed: &str, fields: &ItemFields) -> Result<String, CommandError> {
    let key = optional("key", "キー", typed, 100)?;
    let key =
        key.or_else(|| Some(fields.code.clone()).filter(|c| !c.is_empty())).unwrap_or_else(|| fields.title.clone());
    if key.contains(char::is_control) {
        return Err(CommandError::invalid("key", "キーに制御文字は使えません。"));
    }
    Ok(key)
}

/// Registers an item. Its key (the identity the canonical workbook uses)
/// is the one typed, else its printed code.
pub struct CreateItem {
    pub municipality: String,
    pub key: String,
    pub input: ItemInput,
}

impl Command for CreateItem {
    const CODE: &'static str = "item.create";
    type Output = i64;

    async fn run(self, cx: &mut Cx<'_>) -> Result<i64, CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        cx.store.municipality(city).await?;
        let fields = self.input.parse(None)?;
        let key = item_key(&self.key, &fields)?;
        if cx.store.item_key_taken(city, &key).await? {
            let field = if self.key.trim().is_empty() { "code" } else { "key" };
            return Err(CommandError::invalid(
                field,
                format!("キー「{key}」の事業が既にあります。番号を変えるか、別のキーを入力してください。"),
            ));
        }
        let id = cx.tx().await?.insert_item(city, &key, &fields).await.map_err(|e| match e {
            StoreError::Duplicate(m) => CommandError::invalid("key", format!("{m}。")),
            other => other.into(),
        })?;
        cx.tx().await?.reindex_item(id).await?;
        cx.about(city, Some(id), None);
        let named = format!("{} {}", fields.code, fields.title);
        cx.summary(format!("{}「{}」を登録", kind_label(&fields.kind), named.trim()));
        let empty = ItemFields {
            kind: String::new(),
            code: String::new(),
            title: String::new(),
            fiscal_year: None,
            tags: vec![],
        };
        cx.change("登録", None, Some(format!("キー {key}")));
        field_changes(cx, &empty, &fields);
        Ok(id)
    }
}

/// Changes an item's kind, code, title, first year and tags. Its key stays.
pub struct EditItem {
    pub municipality: String,
    pub item_id: i64,
    pub input: ItemInput,
}

impl Command for EditItem {
    const CODE: &'static str = "item.edit";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        let item = city_item(cx.store, city, self.item_id).await?;
        let after = self.input.parse(Some(&item.kind))?;
        let before = ItemFields {
            kind: item.kind.clone(),
            code: item.code.clone(),
            title: item.title.clone(),
            fiscal_year: item.fiscal_year,
            tags: item.tags.clone(),
        };
        if before == after {
            cx.unchanged();
            return Ok(());
        }
        cx.tx().await?.update_item(item.id, &after).await?;
        cx.about(city, Some(item.id), None);
        cx.summary(format!("「{}」を変更", item_label(&item)));
        field_changes(cx, &before, &after);
        Ok(())
    }
}

/// Places an item under a plan node, or changes whether that placement is
/// a 再掲 (shown there, counted where it is placed without one).
pub struct PlaceItem {
    pub municipality: String,
    pub item_id: i64,
    pub node_id: Option<i64>,
    pub relisting: bool,
}

impl Command for PlaceItem {
    const CODE: &'static str = "item.place";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        let item = city_item(cx.store, city, self.item_id).await?;
        let node_id = self.node_id.ok_or_else(|| CommandError::invalid("node", "計画の項目を選んでください。"))?;
        let (node, plan) = city_node(cx.store, city, node_id)
            .await
            .map_err(|_| CommandError::invalid("node", "計画の項目を一覧から選んでください。"))?;
        let placed = cx.store.node_items(node.id).await?.into_iter().find(|(i, _)| i.id == item.id).map(|(_, r)| r);
        if placed == Some(self.relisting) {
            cx.unchanged();
            return Ok(());
        }
        cx.tx().await?.place_item(item.id, node.id, self.relisting).await?;
        let how = |r: bool| if r { "再掲" } else { "掲載" };
        cx.about(city, Some(item.id), None);
        cx.summary(format!("「{}」を{}に{}", item_label(&item), node_label(&plan, &node), how(self.relisting)));
        cx.change(
            format!("計画上の位置 {}", node_label(&plan, &node)),
            placed.map(|r| how(r).to_string()),
            Some(how(self.relisting).into()),
        );
        Ok(())
    }
}

/// Takes an item out from under a plan node.
pub struct UnplaceItem {
    pub municipality: String,
    pub item_id: i64,
    pub node_id: Option<i64>,
}

impl Command for UnplaceItem {
    const CODE: &'static str = "item.unplace";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        let item = city_item(cx.store, city, self.item_id).await?;
        let node_id = self.node_id.ok_or_else(|| CommandError::invalid("node", "外す計画の項目を選んでください。"))?;
        let (node, plan) = city_node(cx.store, city, node_id)
            .await
            .map_err(|_| CommandError::invalid("node", "計画の項目を一覧から選んでください。"))?;
        let Some(relisting) =
            cx.store.node_items(node.id).await?.into_iter().find(|(i, _)| i.id == item.id).map(|(_, r)| r)
        else {
            cx.unchanged();
            return Ok(());
        };
        cx.tx().await?.unplace_item(item.id, node.id).await?;
        cx.about(city, Some(item.id), None);
        cx.summary(format!("「{}」を{}から外す", item_label(&item), node_label(&plan, &node)));
        cx.change(
            format!("計画上の位置 {}", node_label(&plan, &node)),
            Some(if relisting { "再掲" } else { "掲載" }.into()),
            None,
        );
        Ok(())
    }
}

/// Sets the sections responsible for an item (one or more).
pub struct SetItemSections {
    pub municipality: String,
    pub item_id: i64,
    pub section_ids: Vec<i64>,
}

impl Command for SetItemSections {
    const CODE: &'static str = "item.sections";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        let item = city_item(cx.store, city, self.item_id).await?;
        let sections = cx.store.sections(city).await?;
        let mut wanted: Vec<i64> = Vec::new();
        for id in &self.section_ids {
            if !sections.iter().any(|s| s.id == *id) {
                return Err(CommandError::invalid("sections", "担当課を一覧から選んでください。"));
            }
            if !wanted.contains(id) {
                wanted.push(*id);
            }
        }
        if wanted.is_empty() {
            return Err(CommandError::invalid("sections", "担当課を1つ以上選んでください。"));
        }
        wanted.sort_unstable();
        let current = cx.store.sheet_section_ids(item.id).await?;
        if current == wanted {
            cx.unchanged();
            return Ok(());
        }
        let label = |ids: &[i64]| -> Option<String> {
            let names: Vec<String> =
                ids.iter().filter_map(|id| sections.iter().find(|s| s.id == *id)).map(|s| s.label()).collect();
            shown(&names)
        };
        cx.tx().await?.replace_item_sections(item.id, &wanted).await?;
        cx.about(city, Some(item.id), None);
        cx.summary(format!("「{}」の担当課を{}に設定", item_label(&item), label(&wanted).unwrap_or_default()));
        cx.change("担当課", label(&current), label(&wanted));
        Ok(())
    }
}

/// Removes an item with its sheets, narratives and indicators, unless any
/// of it belongs to a locked (確定) year: then the years are named.
pub struct RemoveItem {
    pub municipality: String,
    pub item_id: i64,
}

impl Command for RemoveItem {
    const CODE: &'static str = "item.remove";
    type Output = ();

    async fn run(self, cx: &mut Cx<'_>) -> Result<(), CommandError> {
        let city = self.municipality.as_str();
        cx.actor.require(Action::Administer, city, &[])?;
        let item = city_item(cx.store, city, self.item_id).await?;
        let locked = cx.store.item_locked_years(item.id).await?;
        if !locked.is_empty() {
            let years: Vec<String> = locked.iter().map(|y| y.label()).collect();
            return Err(CommandError::Conflict(format!(
                "「{}」には確定済みの年度（{}）の記録があるため削除できません。確定した記録は変更できません。",
                item_label(&item),
                years.join("、")
            )));
        }
        let indicators = cx.store.item_indicators(item.id).await?;
        cx.tx().await?.delete_item(item.id).await?;
        // The item's own history goes with it; the audit record keeps what
        // was removed.
        cx.about(city, None, None);
        cx.summary(format!("{}「{}」（キー {}）を削除", kind_label(&item.kind), item_label(&item), item.key));
        cx.change(format!("事業 {}", item_label(&item)), Some(format!("キー {}", item.key)), None);
        for ind in &indicators {
            cx.change(format!("指標 {}", ind.name), Some(format!("キー {}", ind.key)), None);
        }
        Ok(())
    }
}
