//! Building a [`RevisionMap`]: validation (R3, R4, R7), adjacency, heads and bases (R8, R9),
//! `depends_on` normalisation (R12), cycle detection and label propagation (R11).
//!
//! Everything is linear in the number of revisions (plus one walk per shared dependency and
//! per labelled revision), with flat adjacency arrays: 10,000 revisions build in a few ms.

use std::collections::{HashMap, VecDeque};
use std::ops::Index;

use super::{Revision, RevisionMap};
use crate::error::{Error, Result};

const ILLEGAL_ID_CHARS: [char; 4] = ['+', '-', ':', '@'];

/// Adjacency lists in one flat array: `adj[i]` is the slice of revision `i`'s neighbours,
/// in file-visit order of insertion.
#[derive(Debug, Clone, Default)]
pub(super) struct Adj {
    start: Vec<usize>,
    items: Vec<usize>,
}

impl Index<usize> for Adj {
    type Output = [usize];

    fn index(&self, i: usize) -> &[usize] {
        &self.items[self.start[i]..self.start[i + 1]]
    }
}

impl Adj {
    fn new() -> Adj {
        Adj {
            start: vec![0],
            items: Vec::new(),
        }
    }

    /// Appends the list of the next revision.
    fn push_list(&mut self, list: impl IntoIterator<Item = usize>) {
        self.items.extend(list);
        self.start.push(self.items.len());
    }

    /// The reverse relation, each list in ascending (file) order.
    fn reversed(&self, n: usize) -> Adj {
        let mut count = vec![0usize; n + 1];
        for &t in &self.items {
            count[t + 1] += 1;
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        let mut fill = count.clone();
        let mut items = vec![0usize; self.items.len()];
        for v in 0..n {
            for &t in &self[v] {
                items[fill[t]] = v;
                fill[t] += 1;
            }
        }
        Adj {
            start: count,
            items,
        }
    }
}

/// Alembic's `verify_rev_id` text, or `None` when the id is acceptable.
pub(super) fn illegal_chars_message(id: &str) -> Option<String> {
    if !id.bytes().any(|b| matches!(b, b'+' | b'-' | b':' | b'@')) {
        return None;
    }
    let found: Vec<String> = ILLEGAL_ID_CHARS
        .iter()
        .filter(|c| id.contains(**c))
        .map(|c| c.to_string())
        .collect();
    Some(format!(
        "Character(s) '{}' not allowed in revision identifier '{id}'",
        found.join(", ")
    ))
}

fn place(rev: &Revision) -> String {
    match &rev.path {
        Some(path) => format!(" ({})", path.display()),
        None => String::new(),
    }
}

fn path_or_unknown(rev: &Revision) -> String {
    match &rev.path {
        Some(path) => path.display().to_string(),
        None => "<no path>".to_string(),
    }
}

fn check_one(rev: &Revision) -> Result<()> {
    let id = &rev.id;
    let fail = |text: String| Err(Error::graph(text));
    if id.is_empty() || id.bytes().all(|b| b.is_ascii_whitespace()) {
        return fail(format!(
            "A revision has an empty revision identifier{}; set `revision` to a unique id",
            place(rev)
        ));
    }
    if rev.down_revisions.contains(id) {
        return fail(format!(
            "Self-loop is detected in revisions ({id}){}: a revision cannot name itself in down_revision",
            place(rev)
        ));
    }
    if rev.depends_on.contains(id) {
        return fail(format!(
            "Dependency self-loop is detected in revisions ({id}){}: a revision cannot depend on itself",
            place(rev)
        ));
    }
    if let Some(message) = illegal_chars_message(id) {
        return fail(format!(
            "{message}{}; revision ids may not contain @ - + or :",
            place(rev)
        ));
    }
    let empty = |list: &[String]| {
        list.iter()
            .any(|s| s.is_empty() || s.bytes().all(|b| b.is_ascii_whitespace()))
    };
    if empty(&rev.down_revisions) {
        return fail(format!(
            "Revision {id}{} has an empty down_revision ''; use None (or no parent) for a base revision",
            place(rev)
        ));
    }
    if empty(&rev.depends_on) {
        return fail(format!(
            "Revision {id}{} has an empty entry in depends_on; remove it",
            place(rev)
        ));
    }
    if empty(&rev.branch_labels) {
        return fail(format!(
            "Revision {id}{} has an empty branch label; remove it",
            place(rev)
        ));
    }
    Ok(())
}

/// Positions sorted by id; refuses duplicates (Alembic warns and lets the later file win,
/// which silently hides a migration).
fn sorted_by_id(revisions: &[Revision]) -> Result<Vec<usize>> {
    let mut by_id: Vec<usize> = (0..revisions.len()).collect();
    // Files are visited in name order and names start with the id, so this is usually sorted.
    by_id.sort_by(|&a, &b| revisions[a].id.cmp(&revisions[b].id).then(a.cmp(&b)));
    let duplicate = by_id
        .windows(2)
        .filter(|w| revisions[w[0]].id == revisions[w[1]].id)
        .min_by_key(|w| w[1]);
    if let Some(pair) = duplicate {
        let (first, second) = (&revisions[pair[0]], &revisions[pair[1]]);
        return Err(Error::graph(format!(
            "Revision {} is present more than once: {} and {}; give one of them a new revision id",
            first.id,
            path_or_unknown(first),
            path_or_unknown(second)
        )));
    }
    Ok(by_id)
}

pub(super) fn build(revisions: Vec<Revision>) -> Result<RevisionMap> {
    for rev in &revisions {
        check_one(rev)?;
    }
    let by_id = sorted_by_id(&revisions)?;
    let lookup: HashMap<&str, usize> = revisions
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let find = |id: &str| lookup.get(id).copied();

    // Labels share Alembic's map with the ids, so a label may not repeat an id either.
    let mut label_owner: HashMap<String, usize> = HashMap::new();
    let mut declared: Vec<Vec<String>> = vec![Vec::new(); revisions.len()];
    let mut label_keys: Vec<(String, usize, usize)> = Vec::new();
    for (i, rev) in revisions.iter().enumerate() {
        for label in &rev.branch_labels {
            if declared[i].contains(label) {
                continue;
            }
            if let Some(other) = find(label).or_else(|| label_owner.get(label).copied()) {
                return Err(Error::graph(format!(
                    "Branch name '{label}' in revision {} already used by revision {}; branch labels must be unique and differ from revision ids{}",
                    rev.id,
                    revisions[other].id,
                    place(rev)
                )));
            }
            label_owner.insert(label.clone(), i);
            label_keys.push((label.clone(), revisions.len() + label_keys.len(), i));
            declared[i].push(label.clone());
        }
    }
    label_keys.sort();

    let missing = |name: &str, rev: &Revision, field: &str| {
        Error::graph(format!(
            "Revision {name} referenced from {} is not present; fix the {field} of {}{} or restore the script of {name}",
            rev.id,
            rev.id,
            place(rev)
        ))
    };
    let n = revisions.len();
    let mut parents = Adj::new();
    let mut deps = Adj::new();
    let mut list: Vec<usize> = Vec::new();
    for rev in &revisions {
        list.clear();
        for name in &rev.down_revisions {
            match find(name) {
                Some(p) if !list.contains(&p) => list.push(p),
                Some(_) => {}
                // Alembic accepts the label here but then cannot walk the graph; say why.
                None if label_owner.contains_key(name) => {
                    return Err(Error::graph(format!(
                        "Revision {} names branch label '{name}' in down_revision{}; down_revision must list revision ids (depends_on may name labels)",
                        rev.id,
                        place(rev)
                    )))
                }
                None => return Err(missing(name, rev, "down_revision")),
            }
        }
        parents.push_list(list.iter().copied());
        list.clear();
        for name in &rev.depends_on {
            match find(name).or_else(|| label_owner.get(name).copied()) {
                Some(d) if !list.contains(&d) => list.push(d),
                Some(_) => {}
                None => return Err(missing(name, rev, "depends_on")),
            }
        }
        deps.push_list(list.iter().copied());
    }

    let mut all_down = Adj::new();
    for i in 0..n {
        let extra = deps[i].iter().copied().filter(|d| !parents[i].contains(d));
        all_down.push_list(parents[i].iter().copied().chain(extra));
    }
    let children = parents.reversed(n);
    let all_children = all_down.reversed(n);

    let heads: Vec<usize> = (0..n).filter(|&i| children[i].is_empty()).collect();
    let real_heads: Vec<usize> = (0..n).filter(|&i| all_children[i].is_empty()).collect();
    let bases: Vec<usize> = (0..n).filter(|&i| parents[i].is_empty()).collect();

    let topo = match topological_order(&all_down, &all_children) {
        Ok(order) => order,
        Err(core) => {
            let graph = Graph {
                revisions: &revisions,
                parents: &parents,
                children: &children,
                all_down: &all_down,
                all_children: &all_children,
            };
            return Err(graph.describe_cycle(&core));
        }
    };

    let normalized_down = normalize_depends_on(&parents, &children, &deps);
    let labels = propagate_labels(&declared, &parents, &children, &all_children);

    Ok(RevisionMap {
        revisions,
        by_id,
        label_owner,
        label_keys,
        parents,
        children,
        all_children,
        normalized_down,
        heads,
        real_heads,
        bases,
        labels,
        topo,
        reach: Default::default(),
    })
}

/// The edges needed to describe a cycle once one is known to exist.
struct Graph<'a> {
    revisions: &'a [Revision],
    parents: &'a Adj,
    children: &'a Adj,
    all_down: &'a Adj,
    all_children: &'a Adj,
}

impl Graph<'_> {
    /// Words a cycle as Alembic's `_detect_cycles` would (its checks never fire on an acyclic
    /// graph, so they only run now), falling back to the revisions on the cycle, which Alembic
    /// misses when the loop sits between a base and a head.
    fn describe_cycle(&self, all_edges_core: &[usize]) -> Error {
        let revisions = self.revisions;
        let n = revisions.len();
        let ids = |set: &[usize]| -> Vec<String> {
            let mut v: Vec<String> = set.iter().map(|&i| revisions[i].id.clone()).collect();
            v.sort();
            v
        };
        let every = || revisions.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        let cycle = |kind: &str, members: Vec<String>| {
            let what = if kind == "Cycle" {
                "down_revision"
            } else {
                "down_revision and depends_on"
            };
            Error::graph(format!(
                "{kind} is detected in revisions ({}); fix the {what} of these revisions so the history has no loop",
                members.join(", ")
            ))
        };
        let heads: Vec<usize> = (0..n).filter(|&i| self.children[i].is_empty()).collect();
        let bases: Vec<usize> = (0..n).filter(|&i| self.parents[i].is_empty()).collect();
        if heads.is_empty() || bases.is_empty() {
            return cycle("Cycle", every());
        }
        let outside = outside_span(n, &heads, self.parents, &bases, self.children);
        if !outside.is_empty() {
            return cycle("Cycle", ids(&outside));
        }
        let real_heads: Vec<usize> = (0..n)
            .filter(|&i| self.all_children[i].is_empty())
            .collect();
        let real_bases: Vec<usize> = (0..n)
            .filter(|&i| self.parents[i].is_empty() && revisions[i].depends_on.is_empty())
            .collect();
        if real_heads.is_empty() || real_bases.is_empty() {
            return cycle("Dependency cycle", every());
        }
        let outside = outside_span(
            n,
            &real_heads,
            self.all_down,
            &real_bases,
            self.all_children,
        );
        if !outside.is_empty() {
            return cycle("Dependency cycle", ids(&outside));
        }
        match topological_order(self.parents, self.children) {
            Err(core) => cycle("Cycle", ids(&core)),
            Ok(_) => cycle("Dependency cycle", ids(all_edges_core)),
        }
    }
}

/// Revisions that are not both an ancestor of a head and a descendant of a base: in an
/// acyclic graph there are none (Alembic's `_detect_cycles`).
fn outside_span(n: usize, heads: &[usize], down: &Adj, bases: &[usize], up: &Adj) -> Vec<usize> {
    let below_heads = reachable(n, heads, down);
    let above_bases = reachable(n, bases, up);
    (0..n)
        .filter(|&i| !(below_heads[i] && above_bases[i]))
        .collect()
}

/// `from` and everything reachable from it along `edges`.
pub(super) fn reachable(n: usize, from: &[usize], edges: &Adj) -> Vec<bool> {
    let mut seen = vec![false; n];
    let mut stack: Vec<usize> = from.to_vec();
    while let Some(v) = stack.pop() {
        if !seen[v] {
            seen[v] = true;
            stack.extend(edges[v].iter().copied().filter(|&w| !seen[w]));
        }
    }
    seen
}

/// Kahn's algorithm over `down` (parents first, file order among equals). On a cycle, returns
/// the revisions on or between cycles (not those that merely descend from one).
fn topological_order(down: &Adj, up: &Adj) -> std::result::Result<Vec<usize>, Vec<usize>> {
    let n = down.start.len() - 1;
    let mut pending: Vec<usize> = (0..n).map(|i| down[i].len()).collect();
    let mut queue: VecDeque<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(v) = queue.pop_front() {
        order.push(v);
        for &c in &up[v] {
            pending[c] -= 1;
            if pending[c] == 0 {
                queue.push_back(c);
            }
        }
    }
    if order.len() == n {
        return Ok(order);
    }
    // Peel off the leftovers that have no leftover child: what remains sits on a cycle.
    let mut left: Vec<bool> = pending.iter().map(|&p| p > 0).collect();
    let mut open_children: Vec<usize> = (0..n)
        .map(|v| up[v].iter().filter(|&&c| left[c]).count())
        .collect();
    let mut peel: Vec<usize> = (0..n)
        .filter(|&v| left[v] && open_children[v] == 0)
        .collect();
    while let Some(v) = peel.pop() {
        left[v] = false;
        for &p in &down[v] {
            if left[p] {
                open_children[p] -= 1;
                if open_children[p] == 0 {
                    peel.push(p);
                }
            }
        }
    }
    Err((0..n).filter(|&v| left[v]).collect())
}

/// Drops the dependencies that an ancestor (through `down_revision`) already has, as Alembic's
/// `_normalize_depends_on` does, and returns `down_revision` + the remaining dependencies.
///
/// A dependency `d` of `r` is dropped when another revision depending on `d` is an ancestor of
/// `r`: one walk up from the dependents of each shared dependency answers that for all of them.
fn normalize_depends_on(parents: &Adj, children: &Adj, deps: &Adj) -> Adj {
    let n = parents.start.len() - 1;
    let mut dependents: HashMap<usize, Vec<usize>> = HashMap::new();
    for r in 0..n {
        for &d in &deps[r] {
            dependents.entry(d).or_default().push(r);
        }
    }
    let mut dropped: Vec<(usize, usize)> = Vec::new();
    let mut mark = vec![usize::MAX; n];
    for (&d, rs) in dependents.iter().filter(|(_, rs)| rs.len() > 1) {
        // Mark strict descendants (through down_revision) of every dependent of `d`.
        let mut stack: Vec<usize> = rs
            .iter()
            .flat_map(|&r| children[r].iter().copied())
            .collect();
        while let Some(v) = stack.pop() {
            if mark[v] != d {
                mark[v] = d;
                stack.extend(children[v].iter().copied().filter(|&c| mark[c] != d));
            }
        }
        dropped.extend(rs.iter().filter(|&&r| mark[r] == d).map(|&r| (r, d)));
    }
    dropped.sort_unstable();
    let mut normalized = Adj::new();
    for r in 0..n {
        let kept = deps[r]
            .iter()
            .copied()
            .filter(|&d| !parents[r].contains(&d) && dropped.binary_search(&(r, d)).is_err());
        normalized.push_list(parents[r].iter().copied().chain(kept));
    }
    normalized
}

/// R11, Alembic's `_add_branches` made deterministic: a label applies to its revision and
/// every descendant through `down_revision`; it also walks down to the ancestors, stopping at
/// the first branch point (counting dependents) or merge point. Alembic starts that walk at the
/// last descendant it visited, so it only reaches the ancestors when the descendants form a
/// single line without branch or merge points; the same condition is used here. Labelled
/// revisions are processed in file order, each passing on the labels it holds at that time.
fn propagate_labels(
    declared: &[Vec<String>],
    parents: &Adj,
    children: &Adj,
    all_children: &Adj,
) -> Vec<Vec<String>> {
    let n = declared.len();
    let mut labels: Vec<Vec<String>> = declared.to_vec();
    if declared.iter().all(Vec::is_empty) {
        return labels;
    }
    let stops = |v: usize| all_children[v].len() > 1 || parents[v].len() > 1;
    let mut seen = vec![usize::MAX; n];
    for r in 0..n {
        if declared[r].is_empty() {
            continue;
        }
        let own = labels[r].clone();
        let add = |labels: &mut Vec<Vec<String>>, v: usize| {
            for label in &own {
                if !labels[v].contains(label) {
                    labels[v].push(label.clone());
                }
            }
        };
        let mut single_line = true;
        let mut stack = vec![r];
        while let Some(v) = stack.pop() {
            if seen[v] == r {
                continue;
            }
            seen[v] = r;
            add(&mut labels, v);
            single_line &= !stops(v);
            stack.extend(children[v].iter().copied());
        }
        if single_line {
            let mut below = parents[r].first().copied();
            while let Some(p) = below {
                if stops(p) {
                    break;
                }
                add(&mut labels, p);
                below = parents[p].first().copied();
            }
        }
    }
    for set in &mut labels {
        set.sort();
    }
    labels
}
