//! The revision graph laid out for drawing: one row per revision, newest first (the order
//! `history` prints), one lane per line of development, and the edges between rows.
//!
//! Pure and linear in the size of the graph (plus a heap of free lanes), so a project with
//! thousands of revisions lays out in milliseconds and the UI only has to draw the visible rows.
//!
//! How lanes are chosen, top to bottom:
//! - a revision takes the leftmost lane that runs down to it; a head (or a revision only
//!   depended on) starts a new lane, reusing the leftmost free one;
//! - its first parent continues its lane; every other parent of a merge joins a lane already
//!   running to that parent or opens a new one;
//! - lanes that end at a revision are free again below it.
//!
//! Each edge says which lane it runs down in between its rows (`lane`): it leaves the child's
//! lane at once when `lane != from_lane` (a merge's second parent) and joins the parent's lane
//! just above the parent when `lane != to_lane` (branches meeting at a branch point).
//!
//! `depends_on` edges usually connect distant rows of different branches (history lists one
//! branch after another), so giving each its own lane would make the graph as wide as the number
//! of dependencies. They all run down one shared lane right of the branch lanes instead, leaving
//! their child and entering their target with a bend; their ends tell them apart.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use serde::Serialize;

use crate::revision::RevisionMap;

/// How many characters of an id [`TimelineRow::short_id`] keeps when that prefix is unique.
pub const SHORT_ID_LEN: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineLayout {
    /// Newest first, in `history` order.
    pub rows: Vec<TimelineRow>,
    /// How many lanes the graph needs, the shared `depends_on` lane (the last) included.
    pub lanes: usize,
    /// Ordered by `from_row`, then by parent order.
    pub edges: Vec<TimelineEdge>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineRow {
    pub revision: String,
    pub lane: usize,
    /// The first [`SHORT_ID_LEN`] characters, or the whole id where that prefix is shared.
    pub short_id: String,
    pub message: String,
    /// Labels declared on or propagated to this revision, sorted.
    pub branch_labels: Vec<String>,
    pub create_date: Option<String>,
    pub is_head: bool,
    pub is_base: bool,
    pub is_merge: bool,
    pub is_branch_point: bool,
}

/// A line from a child row (above) to a parent or dependency row (below).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimelineEdge {
    pub from_row: usize,
    pub to_row: usize,
    pub from_lane: usize,
    pub to_lane: usize,
    /// The lane the edge runs down in between `from_row` and `to_row`. For `depends_on` edges,
    /// the lane they all share (the last).
    pub lane: usize,
    pub kind: EdgeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// `down_revision`: the parent (solid line).
    Parent,
    /// `depends_on`: a dependency on another branch (drawn differently).
    DependsOn,
}

/// Lays out every revision of `map`.
pub fn layout(map: &RevisionMap) -> TimelineLayout {
    let order = map.history_order();
    let row_of: HashMap<&str, usize> = order.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let short_ids = short_ids(&order);

    let mut lanes = Lanes::default();
    let mut edges: Vec<TimelineEdge> = Vec::new();
    // Parent edges still running down to each row: (edge index, lane it runs in).
    let mut arriving: Vec<Vec<(usize, usize)>> = vec![Vec::new(); order.len()];
    // Dependency edges still running down to each row; their lane is fixed at the end.
    let mut arriving_dependencies: Vec<Vec<usize>> = vec![Vec::new(); order.len()];
    let mut row_lanes: Vec<usize> = vec![0; order.len()];
    let mut rows = Vec::with_capacity(order.len());

    for (row, id) in order.iter().enumerate() {
        let Some(revision) = map.get(id) else {
            continue;
        };
        let incoming = std::mem::take(&mut arriving[row]);
        let lane = incoming
            .iter()
            .map(|(_, lane)| *lane)
            .min()
            .unwrap_or_else(|| lanes.take_free());
        for &(edge, via) in &incoming {
            edges[edge].to_row = row;
            edges[edge].to_lane = lane;
            lanes.release(via, row);
        }
        for edge in std::mem::take(&mut arriving_dependencies[row]) {
            edges[edge].to_row = row;
            edges[edge].to_lane = lane;
        }
        row_lanes[row] = lane;

        for (index, parent) in revision.down_revisions.iter().enumerate() {
            let Some(&target_row) = row_of.get(parent.as_str()) else {
                continue;
            };
            let edge = edges.len();
            if target_row <= row {
                // Not expected in history order; drawn straight, reserving nothing.
                edges.push(TimelineEdge {
                    from_row: row,
                    to_row: target_row,
                    from_lane: lane,
                    to_lane: row_lanes[target_row],
                    lane,
                    kind: EdgeKind::Parent,
                });
                continue;
            }
            let via = if index == 0 {
                // The first parent continues this revision's lane.
                lanes.reserve(lane, target_row);
                lane
            } else if let Some(&(_, shared)) = arriving[target_row].first() {
                shared
            } else {
                let free = lanes.take_free();
                lanes.reserve(free, target_row);
                free
            };
            edges.push(TimelineEdge {
                from_row: row,
                to_row: target_row,
                from_lane: lane,
                to_lane: via,
                lane: via,
                kind: EdgeKind::Parent,
            });
            arriving[target_row].push((edge, via));
        }

        for target in dependency_targets(map, &revision.depends_on, &revision.down_revisions) {
            let Some(&target_row) = row_of.get(target.as_str()) else {
                continue;
            };
            let placed = target_row <= row;
            if !placed {
                arriving_dependencies[target_row].push(edges.len());
            }
            edges.push(TimelineEdge {
                from_row: row,
                to_row: target_row,
                from_lane: lane,
                to_lane: if placed { row_lanes[target_row] } else { lane },
                // Set below, once the branch lanes are known.
                lane: 0,
                kind: EdgeKind::DependsOn,
            });
        }

        rows.push(TimelineRow {
            revision: revision.id.clone(),
            lane,
            short_id: short_ids[row].to_string(),
            message: revision.message.clone(),
            branch_labels: map.branch_labels(id),
            create_date: revision.create_date.clone(),
            is_head: map.is_head(id),
            is_base: map.is_base(id),
            is_merge: map.is_merge_point(id),
            is_branch_point: map.is_branch_point(id),
        });
    }

    let branch_lanes = lanes.width();
    let mut dependency_lane = None;
    for edge in edges.iter_mut().filter(|e| e.kind == EdgeKind::DependsOn) {
        edge.lane = branch_lanes;
        dependency_lane = Some(branch_lanes);
    }

    TimelineLayout {
        rows,
        lanes: dependency_lane.map_or(branch_lanes, |lane| lane + 1),
        edges,
    }
}

/// The revisions `depends_on` names (ids or branch labels), minus the parents already drawn.
fn dependency_targets(map: &RevisionMap, depends_on: &[String], parents: &[String]) -> Vec<String> {
    let mut targets: Vec<String> = Vec::new();
    for dependency in depends_on {
        let resolved = if map.get(dependency).is_some() {
            vec![dependency.clone()]
        } else {
            map.resolve(dependency).unwrap_or_default()
        };
        for target in resolved {
            if !parents.contains(&target) && !targets.contains(&target) {
                targets.push(target);
            }
        }
    }
    targets
}

/// Prefixes of [`SHORT_ID_LEN`] characters, or the whole id where two ids share the prefix.
fn short_ids<'a>(ids: &[&'a str]) -> Vec<&'a str> {
    let prefix = |id: &'a str| -> &'a str {
        match id.char_indices().nth(SHORT_ID_LEN) {
            Some((end, _)) => &id[..end],
            None => id,
        }
    };
    let mut counts: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
    for id in ids {
        *counts.entry(prefix(id)).or_default() += 1;
    }
    ids.iter()
        .map(|id| {
            let short = prefix(id);
            if counts[short] > 1 {
                id
            } else {
                short
            }
        })
        .collect()
}

/// Which lanes are reserved, and for which row.
#[derive(Default)]
struct Lanes {
    /// The row each lane runs down to; `None` when free.
    reserved_for: Vec<Option<usize>>,
    /// Free lanes, leftmost first. May hold lanes taken since (checked when popped).
    free: BinaryHeap<Reverse<usize>>,
}

impl Lanes {
    /// The leftmost free lane, or a new one on the right. Not yet reserved.
    fn take_free(&mut self) -> usize {
        while let Some(Reverse(lane)) = self.free.pop() {
            if self.reserved_for[lane].is_none() {
                // Keep it listed until it is reserved: a revision without parents leaves it free.
                self.free.push(Reverse(lane));
                return lane;
            }
        }
        self.reserved_for.push(None);
        let lane = self.reserved_for.len() - 1;
        self.free.push(Reverse(lane));
        lane
    }

    fn reserve(&mut self, lane: usize, row: usize) {
        self.reserved_for[lane] = Some(row);
    }

    /// Frees `lane` if it ran down to `row` (several edges may share one lane).
    fn release(&mut self, lane: usize, row: usize) {
        if self.reserved_for[lane] == Some(row) {
            self.reserved_for[lane] = None;
            self.free.push(Reverse(lane));
        }
    }

    fn width(&self) -> usize {
        self.reserved_for.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revision::Revision;

    fn rev(id: &str, parents: &[&str], depends_on: &[&str]) -> Revision {
        Revision {
            id: id.to_string(),
            down_revisions: parents.iter().map(|p| p.to_string()).collect(),
            branch_labels: Vec::new(),
            depends_on: depends_on.iter().map(|d| d.to_string()).collect(),
            message: format!("revision {id}"),
            create_date: Some("2026-11-24 09:00:00".to_string()),
            path: None,
        }
    }

    fn map(revisions: Vec<Revision>) -> RevisionMap {
        RevisionMap::new(revisions).expect("valid graph")
    }

    fn row<'l>(layout: &'l TimelineLayout, id: &str) -> (usize, &'l TimelineRow) {
        layout
            .rows
            .iter()
            .enumerate()
            .find(|(_, r)| r.revision == id)
            .unwrap_or_else(|| panic!("no row for {id}"))
    }

    fn edge<'l>(layout: &'l TimelineLayout, from: &str, to: &str) -> &'l TimelineEdge {
        let (from_row, _) = row(layout, from);
        let (to_row, _) = row(layout, to);
        layout
            .edges
            .iter()
            .find(|e| e.from_row == from_row && e.to_row == to_row)
            .unwrap_or_else(|| panic!("no edge {from} -> {to}"))
    }

    /// Every edge runs downwards, ends where its rows are, and no two edges bound for different
    /// rows share a lane over the same rows.
    fn check_invariants(layout: &TimelineLayout, map: &RevisionMap) {
        assert_eq!(layout.rows.len(), map.len());
        let mut expected_edges = 0;
        for r in map.revisions() {
            expected_edges += r.down_revisions.len();
        }
        let parent_edges = layout
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Parent)
            .count();
        assert_eq!(parent_edges, expected_edges, "one edge per parent");
        let mut by_lane: HashMap<usize, Vec<&TimelineEdge>> = HashMap::new();
        for e in &layout.edges {
            assert!(e.from_row < e.to_row, "edge runs downwards: {e:?}");
            assert_eq!(layout.rows[e.from_row].lane, e.from_lane, "{e:?}");
            assert_eq!(layout.rows[e.to_row].lane, e.to_lane, "{e:?}");
            assert!(e.lane < layout.lanes && e.from_lane < layout.lanes);
            if e.kind == EdgeKind::Parent {
                by_lane.entry(e.lane).or_default().push(e);
            }
        }
        for edges in by_lane.values() {
            for a in edges {
                for b in edges {
                    let overlap = a.from_row < b.to_row && b.from_row < a.to_row;
                    // Edges bound for the same row may share a lane; others may not overlap
                    // (touching at a row is fine: one ends where the next starts).
                    if overlap && a.to_row != b.to_row {
                        let a_runs = (a.from_row + 1)..a.to_row;
                        let b_runs = (b.from_row + 1)..b.to_row;
                        let shared = a_runs.start.max(b_runs.start) < a_runs.end.min(b_runs.end);
                        assert!(!shared, "lane {} shared by {a:?} and {b:?}", a.lane);
                    }
                }
            }
        }
        // A revision's row is not crossed by another edge running in its lane.
        for e in &layout.edges {
            for (i, r) in layout.rows.iter().enumerate() {
                if i > e.from_row && i < e.to_row {
                    assert!(
                        r.lane != e.lane,
                        "edge {e:?} runs through row {i} ({})",
                        r.revision
                    );
                }
            }
        }
    }

    /// The demo project's shape: a feature branch off 3 (4 and 5) merged by 6.
    fn demo() -> RevisionMap {
        map(vec![
            rev("1f0c0a1b2c01", &[], &[]),
            rev("2a7e3b4c5d02", &["1f0c0a1b2c01"], &[]),
            rev("3b8f4c5d6e03", &["2a7e3b4c5d02"], &[]),
            rev("4c9a5d6e7f04", &["3b8f4c5d6e03"], &[]),
            rev("5dab6e7f8a05", &["3b8f4c5d6e03"], &[]),
            rev("6ebc7f8a9b06", &["4c9a5d6e7f04", "5dab6e7f8a05"], &[]),
            rev("7fcd8a9bac07", &["6ebc7f8a9b06"], &[]),
        ])
    }

    #[test]
    fn demo_graph_has_a_branch_and_a_merge() {
        let map = demo();
        let layout = layout(&map);
        check_invariants(&layout, &map);
        let ids: Vec<&str> = layout.rows.iter().map(|r| r.revision.as_str()).collect();
        assert_eq!(ids, map.history_order(), "rows are in history order");
        assert_eq!(layout.lanes, 2);
        assert_eq!(ids[0], "7fcd8a9bac07");
        assert_eq!(ids[6], "1f0c0a1b2c01");

        let (_, head) = row(&layout, "7fcd8a9bac07");
        assert!(head.is_head && !head.is_base && head.lane == 0);
        assert_eq!(head.short_id, "7fcd8a9b");
        let (_, merge) = row(&layout, "6ebc7f8a9b06");
        assert!(merge.is_merge && merge.lane == 0);
        let (_, index) = row(&layout, "4c9a5d6e7f04");
        let (_, comments) = row(&layout, "5dab6e7f8a05");
        assert_eq!(
            (index.lane, comments.lane),
            (0, 1),
            "the feature branch gets lane 1"
        );
        let (_, branch_point) = row(&layout, "3b8f4c5d6e03");
        assert!(branch_point.is_branch_point && branch_point.lane == 0);
        assert!(row(&layout, "1f0c0a1b2c01").1.is_base);

        // The merge's second parent leaves the merge at once and runs down lane 1 ...
        let to_branch = edge(&layout, "6ebc7f8a9b06", "5dab6e7f8a05");
        assert_eq!(
            (to_branch.from_lane, to_branch.lane, to_branch.to_lane),
            (0, 1, 1)
        );
        // ... and the branch joins lane 0 just above the branch point.
        let back = edge(&layout, "5dab6e7f8a05", "3b8f4c5d6e03");
        assert_eq!((back.from_lane, back.lane, back.to_lane), (1, 1, 0));
        assert_eq!(layout.edges.len(), 7);
        assert!(layout.edges.iter().all(|e| e.kind == EdgeKind::Parent));
        assert!(
            layout
                .edges
                .windows(2)
                .all(|w| w[0].from_row <= w[1].from_row),
            "edges ordered by their first row"
        );
    }

    #[test]
    fn dependencies_share_one_lane_right_of_the_branches() {
        // Two independent branches; b2 depends on a1 (by id) and c1 on label `alpha`.
        let mut a1 = rev("a1", &[], &[]);
        a1.branch_labels = vec!["alpha".to_string()];
        let map = map(vec![
            a1,
            rev("a2", &["a1"], &[]),
            rev("b1", &[], &[]),
            rev("b2", &["b1"], &["a1"]),
            rev("c1", &[], &["alpha"]),
        ]);
        let layout = layout(&map);
        check_invariants(&layout, &map);
        let dependencies: Vec<&TimelineEdge> = layout
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::DependsOn)
            .collect();
        assert_eq!(dependencies.len(), 2);
        let shared = layout.lanes - 1;
        assert!(dependencies.iter().all(|e| e.lane == shared));
        assert!(
            layout.rows.iter().all(|r| r.lane < shared),
            "no revision in the shared lane"
        );
        let from_b2 = edge(&layout, "b2", "a1");
        assert_eq!(from_b2.kind, EdgeKind::DependsOn);
        let (_, c1) = row(&layout, "c1");
        let to_label = layout
            .edges
            .iter()
            .find(|e| {
                e.kind == EdgeKind::DependsOn && layout.rows[e.from_row].revision == c1.revision
            })
            .expect("c1's dependency");
        assert!(layout.rows[to_label.to_row].revision.starts_with('a'));
        assert_eq!(
            row(&layout, "a2").1.branch_labels,
            vec!["alpha".to_string()]
        );
    }

    #[test]
    fn a_dependency_that_is_also_the_parent_is_drawn_once() {
        let map = map(vec![rev("a", &[], &[]), rev("b", &["a"], &["a"])]);
        let layout = layout(&map);
        assert_eq!(layout.edges.len(), 1);
        assert_eq!(layout.lanes, 1);
    }

    #[test]
    fn shared_prefixes_fall_back_to_the_whole_id() {
        let map = map(vec![
            rev("abcdef0123", &[], &[]),
            rev("abcdef0199", &["abcdef0123"], &[]),
            rev("short", &["abcdef0199"], &[]),
        ]);
        let layout = layout(&map);
        let shorts: Vec<&str> = layout.rows.iter().map(|r| r.short_id.as_str()).collect();
        assert_eq!(shorts, vec!["short", "abcdef0199", "abcdef0123"]);
    }

    #[test]
    fn an_empty_project_has_no_rows() {
        let layout = layout(&RevisionMap::default());
        assert_eq!(layout.rows.len(), 0);
        assert_eq!(layout.lanes, 0);
    }

    /// 5,000 revisions: a main line with a feature branch every 10 revisions, merged back 6
    /// revisions later, a few long-lived branches and dependencies between them.
    fn big_graph(n: usize) -> Vec<Revision> {
        let id = |i: usize| format!("{i:012x}");
        let mut revisions = vec![rev(&id(0), &[], &[])];
        let mut main = 0;
        let mut feature: Option<usize> = None;
        let mut side = None;
        for i in 1..n {
            let this = id(i);
            let r = match i % 10 {
                3 => {
                    // A feature branch starts off the main line.
                    feature = Some(i);
                    rev(&this, &[&id(main)], &[])
                }
                4..=6 if feature.is_some() => {
                    let parent = feature.replace(i).expect("feature");
                    rev(&this, &[&id(parent)], &[])
                }
                9 if feature.is_some() => {
                    let f = feature.take().expect("feature");
                    let merged = rev(&this, &[&id(main), &id(f)], &[]);
                    main = i;
                    merged
                }
                7 if i % 100 == 7 => {
                    // A side branch, with its own base, depending on the main line.
                    let parent = side.map(id);
                    let parents: Vec<&str> = parent.iter().map(String::as_str).collect();
                    side = Some(i);
                    rev(&this, &parents, &[&id(main)])
                }
                _ => {
                    let r = rev(&this, &[&id(main)], &[]);
                    main = i;
                    r
                }
            };
            revisions.push(r);
        }
        revisions
    }

    #[test]
    fn five_thousand_revisions_lay_out_quickly_and_narrowly() {
        let map = map(big_graph(5_000));
        let started = std::time::Instant::now();
        let layout = layout(&map);
        let elapsed = started.elapsed();
        println!(
            "timeline of 5,000 revisions: {elapsed:?}, {} lanes",
            layout.lanes
        );
        assert_eq!(layout.rows.len(), 5_000);
        assert!(layout.lanes <= 6, "{} lanes", layout.lanes);
        assert!(
            elapsed < std::time::Duration::from_secs(2),
            "layout took {elapsed:?}"
        );
        // The quadratic row check of `check_invariants` is too slow here; check the edges.
        for e in &layout.edges {
            assert!(e.from_row < e.to_row);
            assert_eq!(layout.rows[e.from_row].lane, e.from_lane);
            assert_eq!(layout.rows[e.to_row].lane, e.to_lane);
        }
    }

    #[test]
    fn invariants_hold_on_a_mid_sized_graph() {
        let map = map(big_graph(400));
        check_invariants(&layout(&map), &map);
    }
}
