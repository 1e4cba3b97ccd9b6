//! Plans, their nodes, items and the placement of items in plans.

use std::collections::HashMap;

use hyoka_core::plan::{Placement, PlanTree};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::org::fy_from_i64;
use crate::tx::StoreTx;
use crate::{opt_i64, ItemRecord, NewItem, NodeRecord, PlanRecord, Store, StoreError};

impl StoreTx {
    /// Saves a plan and its nodes, matched by printed code: saving the same
    /// tree again changes nothing. Returns the plan's id.
    pub async fn save_plan(&mut self, municipality: &str, tree: &PlanTree) -> Result<i64, StoreError> {
        let level_names = serde_json::to_string(&tree.level_names)?;
        let plan_id: i64 = sqlx::query(
            "INSERT INTO plans (municipality_code, code, name, level_names) VALUES ($1, $2, $3, $4)
             ON CONFLICT (municipality_code, code) DO UPDATE
               SET name = excluded.name, level_names = excluded.level_names
             RETURNING id",
        )
        .bind(municipality)
        .bind(&tree.code)
        .bind(&tree.name)
        .bind(level_names)
        .fetch_one(self.conn())
        .await?
        .try_get("id")?;
        let mut ids = HashMap::new();
        for (position, (node_id, node)) in tree.nodes().enumerate() {
            let parent = node.parent.map(|p| ids[&p]);
            let id: i64 = sqlx::query(
                "INSERT INTO plan_nodes (plan_id, parent_id, level, code, title, position)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (plan_id, code) DO UPDATE
                   SET parent_id = excluded.parent_id, level = excluded.level,
                       title = excluded.title, position = excluded.position
                 RETURNING id",
            )
            .bind(plan_id)
            .bind(parent)
            .bind(node.level as i64)
            .bind(&node.code)
            .bind(&node.title)
            .bind(position as i64)
            .fetch_one(self.conn())
            .await?
            .try_get("id")?;
            ids.insert(node_id, id);
        }
        Ok(plan_id)
    }

    /// Creates or updates an item by its key. Returns its id.
    pub async fn upsert_item(&mut self, municipality: &str, item: &NewItem) -> Result<i64, StoreError> {
        let id = sqlx::query(
            "INSERT INTO items (municipality_code, item_key, kind, code, title) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (municipality_code, item_key) DO UPDATE
               SET kind = excluded.kind, code = excluded.code, title = excluded.title
             RETURNING id",
        )
        .bind(municipality)
        .bind(&item.key)
        .bind(&item.kind)
        .bind(&item.code)
        .bind(&item.title)
        .fetch_one(self.conn())
        .await?
        .try_get("id")?;
        Ok(id)
    }

    /// Places an item under a node; `relisting` marks a 再掲.
    pub async fn place_item(&mut self, item_id: i64, node_id: i64, relisting: bool) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO item_placements (item_id, node_id, relisting) VALUES ($1, $2, $3)
             ON CONFLICT (item_id, node_id) DO UPDATE SET relisting = excluded.relisting",
        )
        .bind(item_id)
        .bind(node_id)
        .bind(relisting as i64)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Replaces where an item is placed: (node id, is a 再掲).
    pub async fn replace_placements(&mut self, item_id: i64, placements: &[(i64, bool)]) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM item_placements WHERE item_id = $1").bind(item_id).execute(self.conn()).await?;
        for (node_id, relisting) in placements {
            self.place_item(item_id, *node_id, *relisting).await?;
        }
        Ok(())
    }

    /// The id of an item by its key.
    pub async fn item_id(&mut self, municipality: &str, key: &str) -> Result<i64, StoreError> {
        sqlx::query("SELECT id FROM items WHERE municipality_code = $1 AND item_key = $2")
            .bind(municipality)
            .bind(key)
            .fetch_optional(self.conn())
            .await?
            .map(|r| r.try_get("id"))
            .transpose()?
            .ok_or_else(|| StoreError::NotFound { what: "事業", key: key.to_string() })
    }

    /// The id of a node by plan and printed code.
    pub async fn node_id(&mut self, municipality: &str, plan_code: &str, node_code: &str) -> Result<i64, StoreError> {
        sqlx::query(
            "SELECT n.id FROM plan_nodes n JOIN plans p ON p.id = n.plan_id
             WHERE p.municipality_code = $1 AND p.code = $2 AND n.code = $3",
        )
        .bind(municipality)
        .bind(plan_code)
        .bind(node_code)
        .fetch_optional(self.conn())
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?
        .ok_or_else(|| StoreError::NotFound { what: "計画の項目", key: format!("{plan_code} {node_code}") })
    }
}

pub(crate) const PLAN_COLUMNS: &str = "p.id, p.municipality_code, p.code, p.name, p.level_names,
    (SELECT COUNT(*) FROM plan_nodes n WHERE n.plan_id = p.id) AS node_count";

pub(crate) fn plan_record(r: &AnyRow) -> Result<PlanRecord, StoreError> {
    Ok(PlanRecord {
        id: r.try_get("id")?,
        municipality_code: r.try_get("municipality_code")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        level_names: serde_json::from_str(&r.try_get::<String, _>("level_names")?)?,
        node_count: r.try_get("node_count")?,
    })
}

pub(crate) fn node_record(r: &AnyRow) -> Result<NodeRecord, StoreError> {
    Ok(NodeRecord {
        id: r.try_get("id")?,
        plan_id: r.try_get("plan_id")?,
        parent_id: opt_i64(r, "parent_id")?,
        level: r.try_get("level")?,
        code: r.try_get("code")?,
        title: r.try_get("title")?,
        tags: serde_json::from_str(&r.try_get::<String, _>("tags")?)?,
    })
}

pub(crate) fn item_record(r: &AnyRow) -> Result<ItemRecord, StoreError> {
    Ok(ItemRecord {
        id: r.try_get("id")?,
        municipality_code: r.try_get("municipality_code")?,
        key: r.try_get("item_key")?,
        kind: r.try_get("kind")?,
        code: r.try_get("code")?,
        title: r.try_get("title")?,
        fiscal_year: opt_i64(r, "fiscal_year")?.map(fy_from_i64).transpose()?,
        tags: serde_json::from_str(&r.try_get::<String, _>("tags")?)?,
        relisting_of: r.try_get("relisting_of")?,
    })
}

pub(crate) const ITEM_COLUMNS: &str =
    "i.id, i.municipality_code, i.item_key, i.kind, i.code, i.title, i.fiscal_year, i.tags, i.relisting_of";

impl Store {
    pub async fn plans(&self, municipality: &str) -> Result<Vec<PlanRecord>, StoreError> {
        let sql = format!("SELECT {PLAN_COLUMNS} FROM plans p WHERE p.municipality_code = $1 ORDER BY p.id");
        let rows = sqlx::query(&sql).bind(municipality).fetch_all(self.pool()).await?;
        rows.iter().map(plan_record).collect()
    }

    pub async fn plan(&self, id: i64) -> Result<PlanRecord, StoreError> {
        let sql = format!("SELECT {PLAN_COLUMNS} FROM plans p WHERE p.id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "計画", key: id.to_string() })?;
        plan_record(&row)
    }

    /// Every node of a plan, in printed order.
    pub async fn plan_nodes(&self, plan_id: i64) -> Result<Vec<NodeRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, plan_id, parent_id, level, code, title, tags FROM plan_nodes WHERE plan_id = $1 ORDER BY position, id",
        )
        .bind(plan_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(node_record).collect()
    }

    /// Every node of every plan of a city, by plan (in stored order) then
    /// printed order: one statement instead of one per plan.
    pub async fn city_plan_nodes(&self, municipality: &str) -> Result<Vec<NodeRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT n.id, n.plan_id, n.parent_id, n.level, n.code, n.title, n.tags
             FROM plan_nodes n JOIN plans p ON p.id = n.plan_id
             WHERE p.municipality_code = $1 ORDER BY p.id, n.position, n.id",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(node_record).collect()
    }

    pub async fn node(&self, id: i64) -> Result<NodeRecord, StoreError> {
        let row = sqlx::query("SELECT id, plan_id, parent_id, level, code, title, tags FROM plan_nodes WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "計画の項目", key: id.to_string() })?;
        node_record(&row)
    }

    /// Rebuilds the domain tree of a stored plan.
    pub async fn load_plan_tree(&self, plan_id: i64) -> Result<PlanTree, StoreError> {
        let plan = self.plan(plan_id).await?;
        let names: Vec<&str> = plan.level_names.iter().map(String::as_str).collect();
        let mut tree = PlanTree::new(&plan.code, &plan.name, &names);
        let mut ids = HashMap::new();
        for n in self.plan_nodes(plan_id).await? {
            let parent = n.parent_id.and_then(|p| ids.get(&p).copied());
            let added = match parent {
                Some(p) => tree.add_child(p, &n.code, &n.title),
                None => tree.add_root(&n.code, &n.title),
            }
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
            ids.insert(n.id, added);
        }
        Ok(tree)
    }

    pub async fn items(&self, municipality: &str) -> Result<Vec<ItemRecord>, StoreError> {
        let sql = format!("SELECT {ITEM_COLUMNS} FROM items i WHERE i.municipality_code = $1 ORDER BY i.id");
        let rows = sqlx::query(&sql).bind(municipality).fetch_all(self.pool()).await?;
        rows.iter().map(item_record).collect()
    }

    pub async fn item(&self, id: i64) -> Result<ItemRecord, StoreError> {
        let sql = format!("SELECT {ITEM_COLUMNS} FROM items i WHERE i.id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "事業", key: id.to_string() })?;
        item_record(&row)
    }

    /// Items placed directly under a node, with their 再掲 flag.
    pub async fn node_items(&self, node_id: i64) -> Result<Vec<(ItemRecord, bool)>, StoreError> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS}, pl.relisting FROM item_placements pl JOIN items i ON i.id = pl.item_id
             WHERE pl.node_id = $1 ORDER BY i.id"
        );
        let rows = sqlx::query(&sql).bind(node_id).fetch_all(self.pool()).await?;
        rows.iter().map(|r| Ok((item_record(r)?, r.try_get::<i64, _>("relisting")? != 0))).collect()
    }

    /// Where one item is placed: (plan code, node code, is a 再掲).
    pub async fn item_placements(&self, item_id: i64) -> Result<Vec<(String, String, bool)>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.code AS plan_code, n.code AS node_code, pl.relisting
             FROM item_placements pl JOIN plan_nodes n ON n.id = pl.node_id JOIN plans p ON p.id = n.plan_id
             WHERE pl.item_id = $1 ORDER BY p.code, n.code",
        )
        .bind(item_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("plan_code")?, r.try_get("node_code")?, r.try_get::<i64, _>("relisting")? != 0)))
            .collect()
    }

    /// Every placement of a city's items, for counting with
    /// [`hyoka_core::plan::tally`].
    pub async fn placements(&self, municipality: &str) -> Result<Vec<Placement>, StoreError> {
        let rows = sqlx::query(
            "SELECT i.item_key, p.code AS plan_code, n.code AS node_code, pl.relisting
             FROM item_placements pl
             JOIN items i ON i.id = pl.item_id
             JOIN plan_nodes n ON n.id = pl.node_id
             JOIN plans p ON p.id = n.plan_id
             WHERE i.municipality_code = $1 ORDER BY pl.item_id, pl.node_id",
        )
        .bind(municipality)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Placement {
                    item: r.try_get("item_key")?,
                    plan: r.try_get("plan_code")?,
                    node: r.try_get("node_code")?,
                    relisting: r.try_get::<i64, _>("relisting")? != 0,
                })
            })
            .collect()
    }
}
