//! A plan's nodes as an outline: who is under whom, in printed order. The
//! admin pages add, move (re-parent) and reorder nodes; the store keeps one
//! position per node over the whole plan, parents before children, so each
//! change is computed here and written as the new order.

use std::collections::{BTreeMap, BTreeSet};

/// Why a node cannot go where it was asked to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutlineError {
    #[error("項目を自分自身の下には移動できません")]
    UnderItself,
    #[error("項目を自分の下位の項目の下には移動できません")]
    UnderDescendant,
    #[error("計画の項目が見つかりません")]
    Unknown,
}

/// One node's place after a change: its parent, its depth (0 at the top)
/// and its position in printed order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub id: i64,
    pub parent: Option<i64>,
    pub level: usize,
    pub position: usize,
}

/// Nodes by parent, siblings in printed order.
#[derive(Clone, Debug, Default)]
pub struct Outline {
    children: BTreeMap<Option<i64>, Vec<i64>>,
    parent: BTreeMap<i64, Option<i64>>,
}

impl Outline {
    /// From `(id, parent)` pairs in printed order. A node whose parent is
    /// not among them is taken as a top-level node, so that a damaged
    /// plan still shows every node.
    pub fn new(nodes: impl IntoIterator<Item = (i64, Option<i64>)>) -> Outline {
        let nodes: Vec<(i64, Option<i64>)> = nodes.into_iter().collect();
        let ids: BTreeSet<i64> = nodes.iter().map(|n| n.0).collect();
        let mut o = Outline::default();
        for (id, parent) in nodes {
            let parent = parent.filter(|p| ids.contains(p) && *p != id);
            o.parent.insert(id, parent);
            o.children.entry(parent).or_default().push(id);
        }
        // A cycle (a → b → a) would hide its nodes: cut it at the top.
        for id in o.parent.keys().copied().collect::<Vec<_>>() {
            if o.ancestors(id).contains(&id) {
                o.detach(id);
                o.parent.insert(id, None);
                o.children.entry(None).or_default().push(id);
            }
        }
        o
    }

    pub fn contains(&self, id: i64) -> bool {
        self.parent.contains_key(&id)
    }

    pub fn parent(&self, id: i64) -> Option<i64> {
        self.parent.get(&id).copied().flatten()
    }

    /// The node's children, in order.
    pub fn children(&self, parent: Option<i64>) -> &[i64] {
        self.children.get(&parent).map_or(&[], Vec::as_slice)
    }

    /// Parent, grandparent, … up to the top (bounded, in case of a cycle).
    fn ancestors(&self, id: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut at = self.parent(id);
        while let Some(p) = at {
            if out.len() > self.parent.len() {
                break;
            }
            out.push(p);
            at = self.parent(p);
        }
        out
    }

    /// Depth of a node: 0 at the top.
    pub fn level(&self, id: i64) -> usize {
        self.ancestors(id).len()
    }

    /// How many levels the node's subtree spans (1 for a leaf).
    pub fn height(&self, id: i64) -> usize {
        1 + self.children(Some(id)).iter().map(|c| self.height(*c)).max().unwrap_or(0)
    }

    /// Adds a node as the last child of `parent`.
    pub fn push(&mut self, id: i64, parent: Option<i64>) -> Result<(), OutlineError> {
        if parent.is_some_and(|p| !self.contains(p)) {
            return Err(OutlineError::Unknown);
        }
        self.parent.insert(id, parent);
        self.children.entry(parent).or_default().push(id);
        Ok(())
    }

    fn detach(&mut self, id: i64) {
        if let Some(p) = self.parent.get(&id).copied() {
            if let Some(list) = self.children.get_mut(&p) {
                list.retain(|c| *c != id);
            }
        }
    }

    /// Moves a node, with its subtree, to the end of `parent`'s children.
    pub fn move_under(&mut self, id: i64, parent: Option<i64>) -> Result<(), OutlineError> {
        if !self.contains(id) || parent.is_some_and(|p| !self.contains(p)) {
            return Err(OutlineError::Unknown);
        }
        if parent == Some(id) {
            return Err(OutlineError::UnderItself);
        }
        if let Some(p) = parent {
            if self.ancestors(p).contains(&id) {
                return Err(OutlineError::UnderDescendant);
            }
        }
        if self.parent(id) == parent {
            return Ok(());
        }
        self.detach(id);
        self.parent.insert(id, parent);
        self.children.entry(parent).or_default().push(id);
        Ok(())
    }

    /// Swaps a node with its previous (`up`) or next sibling. Returns
    /// whether it moved (the first cannot go up, the last not down).
    pub fn shift(&mut self, id: i64, up: bool) -> bool {
        let Some(parent) = self.parent.get(&id).copied() else { return false };
        let Some(list) = self.children.get_mut(&parent) else { return false };
        let Some(i) = list.iter().position(|c| *c == id) else { return false };
        let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < list.len()) };
        match j {
            Some(j) => {
                list.swap(i, j);
                true
            }
            None => false,
        }
    }

    /// Removes a leaf node.
    pub fn remove(&mut self, id: i64) {
        self.detach(id);
        self.parent.remove(&id);
        self.children.remove(&Some(id));
    }

    /// Every node in printed order: each parent before its children,
    /// siblings in their order.
    pub fn places(&self) -> Vec<Place> {
        let mut out = Vec::with_capacity(self.parent.len());
        let mut stack: Vec<(i64, usize)> = self.children(None).iter().rev().map(|c| (*c, 0)).collect();
        while let Some((id, level)) = stack.pop() {
            out.push(Place { id, parent: self.parent(id), level, position: out.len() });
            stack.extend(self.children(Some(id)).iter().rev().map(|c| (*c, level + 1)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1 ─ 2 ─ 3
    ///   └ 4
    /// 5
    fn sample() -> Outline {
        Outline::new([(1, None), (2, Some(1)), (3, Some(2)), (4, Some(1)), (5, None)])
    }

    fn order(o: &Outline) -> Vec<(i64, usize)> {
        o.places().iter().map(|p| (p.id, p.level)).collect()
    }

    #[test]
    fn printed_order_is_parents_before_children() {
        assert_eq!(order(&sample()), vec![(1, 0), (2, 1), (3, 2), (4, 1), (5, 0)]);
        let positions: Vec<usize> = sample().places().iter().map(|p| p.position).collect();
        assert_eq!(positions, vec![0, 1, 2, 3, 4]);
        assert_eq!(sample().height(1), 3);
        assert_eq!(sample().level(3), 2);
    }

    #[test]
    fn moving_takes_the_subtree_along() {
        let mut o = sample();
        o.move_under(2, Some(5)).unwrap();
        assert_eq!(order(&o), vec![(1, 0), (4, 1), (5, 0), (2, 1), (3, 2)]);
        o.move_under(2, None).unwrap();
        assert_eq!(order(&o), vec![(1, 0), (4, 1), (5, 0), (2, 0), (3, 1)]);
    }

    #[test]
    fn a_node_cannot_go_under_itself_or_its_descendants() {
        let mut o = sample();
        assert_eq!(o.move_under(1, Some(1)), Err(OutlineError::UnderItself));
        assert_eq!(o.move_under(1, Some(3)), Err(OutlineError::UnderDescendant));
        assert_eq!(o.move_under(1, Some(99)), Err(OutlineError::Unknown));
        assert_eq!(order(&o), order(&sample()), "a refused move changes nothing");
    }

    #[test]
    fn shifting_swaps_siblings_and_stops_at_the_ends() {
        let mut o = sample();
        assert!(o.shift(4, true));
        assert_eq!(order(&o), vec![(1, 0), (4, 1), (2, 1), (3, 2), (5, 0)]);
        assert!(!o.shift(4, true), "the first sibling cannot go up");
        assert!(!o.shift(5, false), "the last sibling cannot go down");
        assert!(o.shift(1, false));
        assert_eq!(order(&o)[0], (5, 0));
    }

    #[test]
    fn orphans_and_cycles_surface_at_the_top() {
        let o = Outline::new([(1, Some(9)), (2, Some(3)), (3, Some(2))]);
        let ids: Vec<i64> = o.places().iter().map(|p| p.id).collect();
        assert_eq!(ids.len(), 3, "every node is listed: {ids:?}");
    }

    #[test]
    fn push_and_remove() {
        let mut o = sample();
        o.push(6, Some(4)).unwrap();
        assert_eq!(o.level(6), 2);
        assert_eq!(o.push(7, Some(99)), Err(OutlineError::Unknown));
        o.remove(6);
        assert_eq!(order(&o), order(&sample()));
    }
}
