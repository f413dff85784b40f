//! Building a [`RevisionMap`]: validation (R3, R4, R7), adjacency, heads and bases (R8, R9),
//! `depends_on` normalisation (R12), cycle detection and label propagation (R11).

use std::collections::{HashMap, VecDeque};

use super::{Revision, RevisionMap};
use crate::error::{Error, Result};

const ILLEGAL_ID_CHARS: [char; 4] = ['+', '-', ':', '@'];

/// Alembic's `verify_rev_id` text, or `None` when the id is acceptable.
pub(super) fn illegal_chars_message(id: &str) -> Option<String> {
    let found: Vec<String> = ILLEGAL_ID_CHARS
        .iter()
        .filter(|c| id.contains(**c))
        .map(|c| c.to_string())
        .collect();
    if found.is_empty() {
        None
    } else {
        Some(format!(
            "Character(s) '{}' not allowed in revision identifier '{id}'",
            found.join(", ")
        ))
    }
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

fn dedup_keep_first(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    out
}

fn check_one(rev: &Revision) -> Result<()> {
    let id = &rev.id;
    let at = place(rev);
    if id.trim().is_empty() {
        return Err(Error::graph(format!(
            "A revision has an empty revision identifier{at}; set `revision` to a unique id"
        )));
    }
    if rev.down_revisions.contains(id) {
        return Err(Error::graph(format!(
            "Self-loop is detected in revisions ({id}){at}: a revision cannot name itself in down_revision"
        )));
    }
    if rev.depends_on.contains(id) {
        return Err(Error::graph(format!(
            "Dependency self-loop is detected in revisions ({id}){at}: a revision cannot depend on itself"
        )));
    }
    if let Some(message) = illegal_chars_message(id) {
        return Err(Error::graph(format!(
            "{message}{at}; revision ids may not contain @ - + or :"
        )));
    }
    let empty = |list: &[String]| list.iter().any(|s| s.trim().is_empty());
    if empty(&rev.down_revisions) {
        return Err(Error::graph(format!(
            "Revision {id}{at} has an empty down_revision ''; use None (or no parent) for a base revision"
        )));
    }
    if empty(&rev.depends_on) {
        return Err(Error::graph(format!(
            "Revision {id}{at} has an empty entry in depends_on; remove it"
        )));
    }
    if empty(&rev.branch_labels) {
        return Err(Error::graph(format!(
            "Revision {id}{at} has an empty branch label; remove it"
        )));
    }
    Ok(())
}

pub(super) fn build(revisions: Vec<Revision>) -> Result<RevisionMap> {
    for rev in &revisions {
        check_one(rev)?;
    }

    // Alembic warns and lets the later file win; that silently hides a migration, so refuse.
    let mut index: HashMap<String, usize> = HashMap::with_capacity(revisions.len());
    for (i, rev) in revisions.iter().enumerate() {
        if let Some(&first) = index.get(&rev.id) {
            return Err(Error::graph(format!(
                "Revision {} is present more than once: {} and {}; give one of them a new revision id",
                rev.id,
                path_or_unknown(&revisions[first]),
                path_or_unknown(rev)
            )));
        }
        index.insert(rev.id.clone(), i);
    }

    // Labels share Alembic's map with the ids, so a label may not repeat an id either.
    let mut label_owner: HashMap<String, usize> = HashMap::new();
    let mut declared: Vec<Vec<String>> = Vec::with_capacity(revisions.len());
    for (i, rev) in revisions.iter().enumerate() {
        let labels = dedup_keep_first(&rev.branch_labels);
        for label in &labels {
            let taken = index.get(label).or_else(|| label_owner.get(label));
            if let Some(&other) = taken {
                return Err(Error::graph(format!(
                    "Branch name '{label}' in revision {} already used by revision {}; branch labels must be unique and differ from revision ids{}",
                    rev.id,
                    revisions[other].id,
                    place(rev)
                )));
            }
            label_owner.insert(label.clone(), i);
        }
        declared.push(labels);
    }

    let missing = |name: &str, rev: &Revision, field: &str| {
        Error::graph(format!(
            "Revision {name} referenced from {} is not present; fix the {field} of {}{} or restore the script of {name}",
            rev.id,
            rev.id,
            place(rev)
        ))
    };
    let n = revisions.len();
    let mut parents: Vec<Vec<usize>> = Vec::with_capacity(n);
    let mut deps: Vec<Vec<usize>> = Vec::with_capacity(n);
    for rev in &revisions {
        let mut ps = Vec::new();
        for name in dedup_keep_first(&rev.down_revisions) {
            match index.get(&name) {
                Some(&p) => ps.push(p),
                // Alembic accepts the label here but then cannot walk the graph; say why.
                None if label_owner.contains_key(&name) => {
                    return Err(Error::graph(format!(
                        "Revision {} names branch label '{name}' in down_revision{}; down_revision must list revision ids (depends_on may name labels)",
                        rev.id,
                        place(rev)
                    )))
                }
                None => return Err(missing(&name, rev, "down_revision")),
            }
        }
        let mut ds = Vec::new();
        for name in dedup_keep_first(&rev.depends_on) {
            match index.get(&name).or_else(|| label_owner.get(&name)) {
                Some(&d) if !ds.contains(&d) => ds.push(d),
                Some(_) => {}
                None => return Err(missing(&name, rev, "depends_on")),
            }
        }
        parents.push(ps);
        deps.push(ds);
    }

    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut all_down: Vec<Vec<usize>> = Vec::with_capacity(n);
    let mut all_children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        for &p in &parents[i] {
            children[p].push(i);
        }
        let mut all = parents[i].clone();
        for &d in &deps[i] {
            if !all.contains(&d) {
                all.push(d);
            }
        }
        for &p in &all {
            all_children[p].push(i);
        }
        all_down.push(all);
    }

    let heads: Vec<usize> = (0..n).filter(|&i| children[i].is_empty()).collect();
    let real_heads: Vec<usize> = (0..n).filter(|&i| all_children[i].is_empty()).collect();
    let bases: Vec<usize> = (0..n).filter(|&i| parents[i].is_empty()).collect();
    let real_bases: Vec<usize> = (0..n)
        .filter(|&i| parents[i].is_empty() && revisions[i].depends_on.is_empty())
        .collect();

    let ids = |set: &[usize]| -> Vec<String> {
        let mut v: Vec<String> = set.iter().map(|&i| revisions[i].id.clone()).collect();
        v.sort();
        v
    };
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
    if n > 0 {
        // Alembic's own check first, for identical messages...
        if heads.is_empty() || bases.is_empty() {
            return Err(cycle(
                "Cycle",
                revisions.iter().map(|r| r.id.clone()).collect(),
            ));
        }
        let outside = outside_span(n, &heads, &parents, &bases, &children);
        if !outside.is_empty() {
            return Err(cycle("Cycle", ids(&outside)));
        }
        if real_heads.is_empty() || real_bases.is_empty() {
            return Err(cycle(
                "Dependency cycle",
                revisions.iter().map(|r| r.id.clone()).collect(),
            ));
        }
        let outside = outside_span(n, &real_heads, &all_down, &real_bases, &all_children);
        if !outside.is_empty() {
            return Err(cycle("Dependency cycle", ids(&outside)));
        }
        // ...then a complete one: Alembic misses loops that sit between a base and a head.
        if let Err(core) = topological_order(&parents, &children) {
            return Err(cycle("Cycle", ids(&core)));
        }
    }
    let topo = topological_order(&all_down, &all_children)
        .map_err(|core| cycle("Dependency cycle", ids(&core)))?;

    let normalized_down = normalize_depends_on(&parents, &children, &deps);
    let labels = propagate_labels(&declared, &parents, &children, &all_children);

    let mut prefix_keys: Vec<(String, usize, usize)> = revisions
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i, i))
        .collect();
    let mut order = n;
    for (i, labels) in declared.iter().enumerate() {
        for label in labels {
            prefix_keys.push((label.clone(), order, i));
            order += 1;
        }
    }
    prefix_keys.sort();

    Ok(RevisionMap {
        revisions,
        index,
        label_owner,
        prefix_keys,
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

/// Revisions that are not both an ancestor of a head and a descendant of a base: in an
/// acyclic graph there are none (Alembic's `_detect_cycles`).
fn outside_span(
    n: usize,
    heads: &[usize],
    down: &[Vec<usize>],
    bases: &[usize],
    up: &[Vec<usize>],
) -> Vec<usize> {
    let below_heads = reachable(n, heads, down);
    let above_bases = reachable(n, bases, up);
    (0..n)
        .filter(|&i| !(below_heads[i] && above_bases[i]))
        .collect()
}

pub(super) fn reachable(n: usize, from: &[usize], edges: &[Vec<usize>]) -> Vec<bool> {
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
fn topological_order(
    down: &[Vec<usize>],
    up: &[Vec<usize>],
) -> std::result::Result<Vec<usize>, Vec<usize>> {
    let n = down.len();
    let mut pending: Vec<usize> = down.iter().map(Vec::len).collect();
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
fn normalize_depends_on(
    parents: &[Vec<usize>],
    children: &[Vec<usize>],
    deps: &[Vec<usize>],
) -> Vec<Vec<usize>> {
    let n = parents.len();
    let mut dependents: HashMap<usize, Vec<usize>> = HashMap::new();
    for (r, ds) in deps.iter().enumerate() {
        for &d in ds {
            dependents.entry(d).or_default().push(r);
        }
    }
    let mut kept: Vec<Vec<usize>> = deps.to_vec();
    let mut mark = vec![usize::MAX; n];
    let mut shared: Vec<(&usize, &Vec<usize>)> =
        dependents.iter().filter(|(_, rs)| rs.len() > 1).collect();
    shared.sort_unstable();
    for (&d, rs) in shared {
        // Mark strict descendants (through down_revision) of every dependent of `d`.
        let mut stack: Vec<usize> = rs.iter().flat_map(|&r| children[r].clone()).collect();
        while let Some(v) = stack.pop() {
            if mark[v] != d {
                mark[v] = d;
                stack.extend(children[v].iter().copied().filter(|&c| mark[c] != d));
            }
        }
        for &r in rs {
            if mark[r] == d {
                kept[r].retain(|&x| x != d);
            }
        }
    }
    (0..n)
        .map(|r| {
            let mut down = parents[r].clone();
            for &d in &kept[r] {
                if !down.contains(&d) {
                    down.push(d);
                }
            }
            down
        })
        .collect()
}

/// R11, Alembic's `_add_branches` made deterministic: a label applies to its revision and
/// every descendant through `down_revision`; it also walks down to the ancestors, stopping at
/// the first branch point (counting dependents) or merge point. Alembic starts that walk at the
/// last descendant it visited, so it only reaches the ancestors when the descendants form a
/// single line without branch or merge points; the same condition is used here. Labelled
/// revisions are processed in file order, each passing on the labels it holds at that time.
fn propagate_labels(
    declared: &[Vec<String>],
    parents: &[Vec<usize>],
    children: &[Vec<usize>],
    all_children: &[Vec<usize>],
) -> Vec<Vec<String>> {
    let n = declared.len();
    let mut labels: Vec<Vec<String>> = declared.to_vec();
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
