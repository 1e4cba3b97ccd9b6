//! Plans (施策体系) as trees of any depth with printed codes, and the
//! placement of items (projects, issues, objectives) in them.
//!
//! Depth and level names differ per plan: 基本目標 → 基本方針 → 施策 →
//! 施策の方向 in 三島市, 部 → 施策 in the 三鷹市 white paper, group → item in
//! 小平市. Printed codes (`IV-7-48-(1)`, `第3-2`, `No.2-1`) are kept as
//! printed and are unique within a plan.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::text::normalise;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NodeId(usize);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanNode {
    pub code: String,
    pub title: String,
    pub parent: Option<NodeId>,
    /// 0 for the top level.
    pub level: usize,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct PlanTree {
    pub code: String,
    pub name: String,
    /// The name of each level, top first: `["基本目標", "基本方針", "施策"]`.
    pub level_names: Vec<String>,
    nodes: Vec<PlanNode>,
    /// Node by code, so that building a tree of many nodes stays linear;
    /// rebuilt when it misses nodes (a deserialised tree).
    #[serde(skip)]
    by_code: HashMap<String, usize>,
}

/// The index is a cache, not part of the value (and a hash map would print
/// in a different order each run).
impl std::fmt::Debug for PlanTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlanTree")
            .field("code", &self.code)
            .field("name", &self.name)
            .field("level_names", &self.level_names)
            .field("nodes", &self.nodes)
            .finish_non_exhaustive()
    }
}

/// Two trees are equal when their codes, names and nodes are.
impl PartialEq for PlanTree {
    fn eq(&self, other: &Self) -> bool {
        (&self.code, &self.name, &self.level_names, &self.nodes)
            == (&other.code, &other.name, &other.level_names, &other.nodes)
    }
}

impl Eq for PlanTree {}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("コード「{0}」はこの計画で既に使われています")]
    DuplicateCode(String),
    #[error("コードが空です")]
    EmptyCode,
    #[error("見出しが空です（コード「{0}」）")]
    EmptyTitle(String),
}

impl PlanTree {
    pub fn new(code: &str, name: &str, level_names: &[&str]) -> Self {
        PlanTree {
            code: code.into(),
            name: name.into(),
            level_names: level_names.iter().map(|s| (*s).into()).collect(),
            nodes: Vec::new(),
            by_code: HashMap::new(),
        }
    }

    pub fn add_root(&mut self, code: &str, title: &str) -> Result<NodeId, PlanError> {
        self.insert(None, code, title)
    }

    pub fn add_child(&mut self, parent: NodeId, code: &str, title: &str) -> Result<NodeId, PlanError> {
        self.insert(Some(parent), code, title)
    }

    fn insert(&mut self, parent: Option<NodeId>, code: &str, title: &str) -> Result<NodeId, PlanError> {
        let code = normalise(code);
        if code.is_empty() {
            return Err(PlanError::EmptyCode);
        }
        if title.trim().is_empty() {
            return Err(PlanError::EmptyTitle(code));
        }
        crate::work::examine(1);
        if self.by_code.len() != self.nodes.len() {
            crate::work::examine(self.nodes.len());
            self.by_code = self.nodes.iter().enumerate().map(|(i, n)| (n.code.clone(), i)).collect();
        }
        if self.by_code.contains_key(&code) {
            return Err(PlanError::DuplicateCode(code));
        }
        let level = parent.map_or(0, |p| self.nodes[p.0].level + 1);
        self.by_code.insert(code.clone(), self.nodes.len());
        self.nodes.push(PlanNode { code, title: title.trim().into(), parent, level });
        Ok(NodeId(self.nodes.len() - 1))
    }

    pub fn find(&self, code: &str) -> Option<NodeId> {
        let code = normalise(code);
        if self.by_code.len() == self.nodes.len() {
            crate::work::examine(1);
            return self.by_code.get(&code).copied().map(NodeId);
        }
        let found = self.nodes.iter().position(|n| n.code == code);
        crate::work::examine(found.map_or(self.nodes.len(), |i| i + 1));
        found.map(NodeId)
    }

    pub fn node(&self, id: NodeId) -> &PlanNode {
        &self.nodes[id.0]
    }

    pub fn nodes(&self) -> impl Iterator<Item = (NodeId, &PlanNode)> {
        self.nodes.iter().enumerate().map(|(i, n)| (NodeId(i), n))
    }

    pub fn roots(&self) -> impl Iterator<Item = NodeId> + '_ {
        crate::work::examine(self.nodes.len());
        self.nodes().filter(|(_, n)| n.parent.is_none()).map(|(id, _)| id)
    }

    pub fn children(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        crate::work::examine(self.nodes.len());
        self.nodes().filter(move |(_, n)| n.parent == Some(id)).map(|(i, _)| i)
    }

    /// From the root down to `id`.
    pub fn path(&self, id: NodeId) -> Vec<&PlanNode> {
        let mut path = vec![self.node(id)];
        while let Some(p) = path.last().and_then(|n| n.parent) {
            path.push(self.node(p));
        }
        path.reverse();
        path
    }

    pub fn depth(&self) -> usize {
        self.nodes.iter().map(|n| n.level + 1).max().unwrap_or(0)
    }

    /// The name of a level, or `第N階層` when the plan did not name it.
    pub fn level_name(&self, level: usize) -> String {
        self.level_names.get(level).cloned().unwrap_or_else(|| format!("第{}階層", level + 1))
    }
}

/// A plan node by its codes, as files and readers name it: plan
/// `mishima-basic`, node `IV-7-48`. Codes are unique within a city's plans.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NodeRef {
    pub plan: String,
    pub node: String,
}

/// An item placed under a plan node. An item may sit under several plans,
/// or twice in one plan as a re-listing (再掲) of its main placement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// The item's stable key within its city.
    pub item: String,
    pub plan: String,
    pub node: String,
    /// A re-listing (再掲): shown again, never counted again.
    pub relisting: bool,
}

/// Counts items per group, each item once per group: re-listings never add
/// to a total, and an item placed twice under one group counts once.
pub fn tally<K: Ord>(placements: &[Placement], group: impl Fn(&Placement) -> K) -> BTreeMap<K, usize> {
    let mut seen: BTreeMap<K, BTreeSet<&str>> = BTreeMap::new();
    for p in placements.iter().filter(|p| !p.relisting) {
        seen.entry(group(p)).or_default().insert(p.item.as_str());
    }
    seen.into_iter().map(|(k, items)| (k, items.len())).collect()
}

/// The number of distinct items, re-listings excluded.
pub fn distinct_items(placements: &[Placement]) -> usize {
    placements.iter().filter(|p| !p.relisting).map(|p| p.item.as_str()).collect::<BTreeSet<_>>().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mishima() -> PlanTree {
        let mut t =
            PlanTree::new("mishima-basic", "第4次三島市総合計画", &["基本目標", "基本方針", "施策", "施策の方向"]);
        let goal = t.add_root("IV", "協働で進める自立したまち").unwrap();
        let policy = t.add_child(goal, "7", "自治システムの充実したまちづくり").unwrap();
        let measure = t.add_child(policy, "48", "便利な電子市役所の構築").unwrap();
        for (code, title) in [
            ("IV-7-48-(1)", "総合的な情報化施策の推進"),
            ("IV-7-48-(2)", "インターネットによる市民サービスの向上"),
            ("IV-7-48-(4)", "セキュリティ対策"),
            ("IV-7-48-(5)", "職員の知識・能力の向上"),
        ] {
            t.add_child(measure, code, title).unwrap();
        }
        t
    }

    #[test]
    fn trees_keep_printed_codes_and_depth() {
        let t = mishima();
        assert_eq!(t.depth(), 4);
        let id = t.find("IV-7-48-(4)").unwrap();
        let path: Vec<&str> = t.path(id).iter().map(|n| n.code.as_str()).collect();
        assert_eq!(path, ["IV", "7", "48", "IV-7-48-(4)"]);
        // Direction (3) does not exist in the document and is not invented.
        assert!(t.find("IV-7-48-(3)").is_none());
        assert_eq!(t.level_name(3), "施策の方向");
        assert_eq!(t.level_name(5), "第6階層");
        assert_eq!(t.children(t.find("48").unwrap()).count(), 4);
    }

    #[test]
    fn codes_are_unique_within_a_plan() {
        let mut t = mishima();
        assert_eq!(t.add_root("IV", "x"), Err(PlanError::DuplicateCode("IV".into())));
        assert_eq!(t.add_root(" ", "x"), Err(PlanError::EmptyCode));
    }

    #[test]
    fn relistings_are_counted_once() {
        let p = |item: &str, node: &str, relisting| Placement {
            item: item.into(),
            plan: "p".into(),
            node: node.into(),
            relisting,
        };
        let placements = vec![
            p("security", "IV-7-48-(4)", false),
            p("security", "IV-7-48-(5)", true), // 再掲
            p("it", "IV-7-48-(1)", false),
            p("it", "IV-7-48-(4)", true),
        ];
        assert_eq!(distinct_items(&placements), 2);
        let by_node = tally(&placements, |p| p.node.clone());
        assert_eq!(by_node.get("IV-7-48-(5)"), None);
        assert_eq!(by_node.values().sum::<usize>(), 2);
    }
}

/// Whether an item is the entry of a plan node, printed with the node's
/// code in full (`IV-7-48-(1)`) or with its last part (施策 `48` of node
/// `IV-7-48`, as 三島市 prints it).
pub fn names_node(node_code: &str, item_code: &str) -> bool {
    use crate::text::squeeze;
    let (node, item) = (squeeze(node_code), squeeze(item_code));
    !item.is_empty() && (node == item || node.rsplit_once('-').is_some_and(|(_, last)| last == item))
}

#[cfg(test)]
mod entry_tests {
    use super::names_node;

    #[test]
    fn items_name_their_nodes_in_full_or_by_the_last_part() {
        assert!(names_node("IV-7-48", "48"));
        assert!(names_node("IV-7-48-(1)", "IV-7-48-(1)"));
        assert!(names_node("経営政策部", "経営政策部"));
        assert!(!names_node("IV-7-48", "4"));
        assert!(!names_node("IV-7-48", ""));
    }
}
