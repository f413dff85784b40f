//! "Is X an ancestor of Y" in O(1), and Alembic's `_topological_sort`, which fixes the order
//! of `history` (R44), of upgrades (R26, reversed) and of downgrades (R28).
//!
//! Ancestry follows `normalized_down` (down_revision + normalised depends_on), as Alembic's
//! `_get_ancestor_nodes` does by default. The graph is cut into segments: maximal lines where
//! each revision has exactly one parent and that parent exactly one child. A segment is entered
//! only at its bottom, so X is an ancestor of Y when both share a segment and X is not above Y,
//! or when X's segment is an ancestor segment of Y's. Segment ancestry is a bit set per
//! segment; a mostly linear history of 10,000 revisions has a handful of segments.

use super::RevisionMap;

/// Above this many segments the bit sets would take more than ~32 MB; fall back to searching.
const MAX_SEGMENTS_FOR_BITSETS: usize = 16_384;

#[derive(Debug, Clone, Default)]
pub(super) struct Reach {
    segment: Vec<u32>,
    /// Height inside the segment (0 = bottom).
    height: Vec<u32>,
    /// Position in the map's topological order (for the fallback search).
    rank: Vec<u32>,
    words: usize,
    /// Row `s` has bit `t` set when segment `t` is segment `s` or one of its ancestors.
    /// Empty when there are too many segments.
    ancestor_segments: Vec<u64>,
}

impl Reach {
    pub(super) fn build(map: &RevisionMap) -> Reach {
        let n = map.len();
        let down = &map.normalized_down;
        let mut child_count = vec![0u32; n];
        for v in 0..n {
            for &p in &down[v] {
                child_count[p] += 1;
            }
        }
        let mut rank = vec![0u32; n];
        for (r, &v) in map.topo.iter().enumerate() {
            rank[v] = r as u32;
        }
        let mut segment = vec![0u32; n];
        let mut height = vec![0u32; n];
        let mut bottoms: Vec<usize> = Vec::new();
        for &v in &map.topo {
            match &down[v] {
                [p] if child_count[*p] == 1 => {
                    segment[v] = segment[*p];
                    height[v] = height[*p] + 1;
                }
                _ => {
                    segment[v] = bottoms.len() as u32;
                    bottoms.push(v);
                }
            }
        }
        let count = bottoms.len();
        let words = count.div_ceil(64);
        let mut ancestor_segments = Vec::new();
        if count <= MAX_SEGMENTS_FOR_BITSETS {
            ancestor_segments = vec![0u64; count * words];
            // Segments are numbered in topological order, so parents' rows are final.
            for (s, &bottom) in bottoms.iter().enumerate() {
                let (done, rest) = ancestor_segments.split_at_mut(s * words);
                let row = &mut rest[..words];
                row[s / 64] |= 1u64 << (s % 64);
                for &p in &down[bottom] {
                    let t = segment[p] as usize;
                    let parent_row = &done[t * words..(t + 1) * words];
                    for (w, bits) in row.iter_mut().zip(parent_row) {
                        *w |= bits;
                    }
                }
            }
        }
        Reach {
            segment,
            height,
            rank,
            words,
            ancestor_segments,
        }
    }

    /// `a` is `b` or an ancestor of `b`.
    pub(super) fn is_ancestor(&self, map: &RevisionMap, a: usize, b: usize) -> bool {
        let (sa, sb) = (self.segment[a], self.segment[b]);
        if sa == sb {
            return self.height[a] <= self.height[b];
        }
        if !self.ancestor_segments.is_empty() {
            let (sa, sb) = (sa as usize, sb as usize);
            return self.ancestor_segments[sb * self.words + sa / 64] & (1u64 << (sa % 64)) != 0;
        }
        self.search(map, a, b)
    }

    /// Depth-first search down from `b`, never below `a` in topological order.
    fn search(&self, map: &RevisionMap, a: usize, b: usize) -> bool {
        if self.rank[a] > self.rank[b] {
            return false;
        }
        let mut seen = vec![false; map.len()];
        let mut stack = vec![b];
        while let Some(v) = stack.pop() {
            if v == a {
                return true;
            }
            if seen[v] {
                continue;
            }
            seen[v] = true;
            for &p in &map.normalized_down[v] {
                if !seen[p] && self.rank[p] >= self.rank[a] {
                    stack.push(p);
                }
            }
        }
        false
    }
}

impl RevisionMap {
    /// Port of Alembic's `RevisionMap._topological_sort(revisions, heads)`: the revisions of
    /// `todo`, newest first. Start from the heads (file order); keep walking down the current
    /// head's line, but switch to another pending head whenever the candidate is one of its
    /// ancestors, so a revision is emitted only after everything above it.
    pub(super) fn topological_sort(&self, todo: &[usize], heads: &[usize]) -> Vec<usize> {
        let n = self.len();
        let mut pending = vec![false; n];
        let mut remaining = 0usize;
        for &v in todo {
            if !pending[v] {
                pending[v] = true;
                remaining += 1;
            }
        }
        let mut start: Vec<usize> = heads.iter().copied().filter(|&h| pending[h]).collect();
        start.sort_unstable();
        start.dedup();

        let reach = self.reach();
        let mut output = Vec::with_capacity(remaining);
        let mut in_current = vec![false; n];
        let mut current: Vec<usize> = Vec::new();
        loop {
            for &h in &start {
                in_current[h] = true;
                current.push(h);
            }
            let mut idx = 0usize;
            while let Some(&candidate) = current.get(idx) {
                let above = current
                    .iter()
                    .enumerate()
                    .position(|(j, &h)| j != idx && reach.is_ancestor(self, candidate, h));
                if let Some(j) = above {
                    idx = j;
                    continue;
                }
                if pending[candidate] {
                    pending[candidate] = false;
                    remaining -= 1;
                    output.push(candidate);
                }
                let next: Vec<usize> = self.normalized_down[candidate]
                    .iter()
                    .copied()
                    .filter(|&r| pending[r] && !in_current[r])
                    .collect();
                in_current[candidate] = false;
                match next.split_first() {
                    None => {
                        current.remove(idx);
                        idx = idx.saturating_sub(1);
                    }
                    Some((&first, rest)) => {
                        current[idx] = first;
                        in_current[first] = true;
                        for &r in rest {
                            in_current[r] = true;
                            current.push(r);
                        }
                    }
                }
            }
            if remaining == 0 {
                break;
            }
            // Alembic asserts here (some revision was not reachable from the heads through
            // pending revisions); carry on from the tips of what is left instead.
            let mut has_pending_child = vec![false; n];
            for v in (0..n).filter(|&v| pending[v]) {
                for &p in &self.normalized_down[v] {
                    has_pending_child[p] = true;
                }
            }
            start = (0..n)
                .filter(|&v| pending[v] && !has_pending_child[v])
                .collect();
            if start.is_empty() {
                output.extend((0..n).rev().filter(|&v| pending[v]));
                break;
            }
        }
        output
    }

    /// The full `history` order: every revision, starting from the real heads (R44).
    pub(super) fn history_positions(&self) -> Vec<usize> {
        let all: Vec<usize> = (0..self.len()).collect();
        self.topological_sort(&all, &self.real_heads)
    }
}
