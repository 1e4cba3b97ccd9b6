//! What the sheet of a plan node's entry gathers: the entry is the item
//! printed with its node's code (三島市's 施策 `48` of node `IV-7-48`,
//! 東村山市's department `経営政策部`); its sheet also shows the indicators
//! that measure the node and the items placed at the node or beneath it
//! (施策の方向, 手段, a department's objectives).

use hyoka_core::plan::names_node;
use sqlx::Row;

use crate::{IndicatorRecord, ItemRecord, Store, StoreError};

/// What an item's sheet gathers besides the item itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryScope {
    /// Indicators of the entry's node(s), not of any item.
    pub node_indicators: Vec<IndicatorRecord>,
    /// Items placed at or beneath the entry's node(s), not re-listed, in
    /// plan order; for an entry with responsible sections, only items
    /// sharing one of them (another section's work under the same 施策 is
    /// that section's sheet; a department covers its sections).
    pub below: Vec<ItemRecord>,
}

impl Store {
    /// The scope of an item's sheet. Empty for an item that is no node's
    /// entry.
    pub async fn entry_scope(&self, item: &ItemRecord) -> Result<EntryScope, StoreError> {
        let rows = sqlx::query(
            "SELECT n.id, n.code, n.plan_id FROM item_placements pl JOIN plan_nodes n ON n.id = pl.node_id
             WHERE pl.item_id = $1 AND pl.relisting = 0 ORDER BY n.id",
        )
        .bind(item.id)
        .fetch_all(self.pool())
        .await?;
        let placed = rows
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("code")?, r.try_get("plan_id")?)))
            .collect::<Result<Vec<(i64, String, i64)>, StoreError>>()?;
        self.entry_scope_placed(item, &placed).await
    }

    /// [`Store::entry_scope`] of an item whose placements (not re-listings)
    /// the caller already holds, as (node id, node code, plan id), in node
    /// order: a public item page reads them with the item.
    pub async fn entry_scope_placed(
        &self,
        item: &ItemRecord,
        placed: &[(i64, String, i64)],
    ) -> Result<EntryScope, StoreError> {
        let mut scope = EntryScope::default();
        // Read only for an item that heads a node (most items head none).
        let mut sections = None;
        for (node_id, code, plan_id) in placed {
            let (node_id, plan_id) = (*node_id, *plan_id);
            if !names_node(code, &item.code) {
                continue;
            }
            if sections.is_none() {
                sections = Some(self.item_sections(item.id).await?);
            }
            let sections = sections.as_deref().unwrap_or_default();
            for ind in self.node_indicators(node_id).await? {
                if !scope.node_indicators.iter().any(|x| x.id == ind.id) {
                    scope.node_indicators.push(ind);
                }
            }
            let nodes = self.plan_nodes(plan_id).await?;
            let within: Vec<i64> = nodes
                .iter()
                .filter(|n| n.id == node_id || is_beneath(&nodes, n.parent_id, node_id))
                .map(|n| n.id)
                .collect();
            for n in within {
                for (other, relisting) in self.node_items(n).await? {
                    if relisting || other.id == item.id || scope.below.iter().any(|x| x.id == other.id) {
                        continue;
                    }
                    if !sections.is_empty() {
                        let theirs = self.item_sections(other.id).await?;
                        if !theirs.iter().any(|t| sections.iter().any(|s| covers(s, t))) {
                            continue;
                        }
                    }
                    scope.below.push(other);
                }
            }
        }
        Ok(scope)
    }
}

/// Whether the responsible (部, 課) `mine` covers `theirs`: the same
/// section, or a whole department (東村山市's 部, no 課) covering its sections.
fn covers(mine: &(String, String), theirs: &(String, String)) -> bool {
    mine == theirs || (mine.1.is_empty() && mine.0 == theirs.0)
}

/// Whether a node whose parent is `parent` lies beneath `ancestor`.
fn is_beneath(nodes: &[crate::NodeRecord], mut parent: Option<i64>, ancestor: i64) -> bool {
    while let Some(id) = parent {
        if id == ancestor {
            return true;
        }
        parent = nodes.iter().find(|n| n.id == id).and_then(|n| n.parent_id);
    }
    false
}
