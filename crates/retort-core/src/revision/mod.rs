//! The revision graph: a pure port of Alembic's `alembic/script/revision.py` semantics.
//! No I/O. See `shared/reference/alembic-semantics.md` rules R7–R44 and R50.
//!
//! CONTRACT (types below are shared with `runner`, `ops`, the CLI and the app; do not change
//! their shape without updating those).
//!
//! Layout: `build` validates the scripts and builds index-based adjacency lists, `resolve`
//! turns revision arguments into revisions (Alembic's `get_revisions`, `_walk`, relative
//! identifiers), `reach` answers "is X an ancestor of Y" in O(1) and holds the topological sort
//! that fixes every order Alembic prints, and `plan` computes upgrade, downgrade and stamp plans
//! with Alembic's version-table row changes.
//!
//! Where Alembic misbehaves the port deliberately differs (each place says so): duplicate ids
//! are refused, `downgrade -N` with several current rows is refused, `branch@-N` on a branch
//! that is not applied is reported, and a multi-target `stamp` applies each target to its own
//! lineage (R39).

mod build;
mod plan;
mod reach;
mod resolve;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde::Serialize;

use crate::error::Result;
use build::Adj;
use reach::Reach;
use resolve::Catch;

/// One revision as read from its script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Revision {
    pub id: String,
    /// Parents. Empty = a base; two or more = a merge point.
    pub down_revisions: Vec<String>,
    /// Labels declared on this revision (not the propagated ones; see `RevisionMap::branch_labels`).
    pub branch_labels: Vec<String>,
    /// Exact revision ids or branch labels this revision depends on.
    pub depends_on: Vec<String>,
    /// The one-line message (Alembic's `doc`).
    pub message: String,
    pub create_date: Option<String>,
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
    /// A stamp step: changes version rows only, runs no migration.
    Stamp,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
            Direction::Stamp => "stamp",
        }
    }
}

/// One change to the version table (rule R33–R35, R37).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum RowChange {
    Insert { revision: String },
    Update { from: String, to: String },
    Delete { revision: String },
}

/// One step of a plan: run one revision's migration (up/down) or a stamp, then apply
/// `row_changes` to the version table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Step {
    pub direction: Direction,
    /// The revision whose migration runs (for a stamp step: the target, or "" for base).
    pub revision: String,
    /// As in Alembic's log line `Running upgrade <from> -> <to>`: for `up`, the parents of
    /// `revision`; for `down`, `[revision]`; for `stamp`, the rows replaced.
    pub from: Vec<String>,
    /// For `up`, `[revision]`; for `down`, its parents; for `stamp`, the new rows.
    pub to: Vec<String>,
    pub row_changes: Vec<RowChange>,
}

/// An ordered plan and the version table rows it leaves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Plan {
    pub steps: Vec<Step>,
    /// Version table rows after the plan runs (sorted for determinism).
    pub final_rows: Vec<String>,
}

/// The graph of all revisions of a project, in file-visit order.
///
/// Revisions are addressed internally by their position in `revisions` (file-visit order, the
/// tie-breaker everywhere); every adjacency list is sorted by that position.
#[derive(Debug, Clone, Default)]
pub struct RevisionMap {
    revisions: Vec<Revision>,
    /// Positions sorted by id: exact lookups and prefix searches by binary search.
    by_id: Vec<usize>,
    /// Declared branch label -> the revision that declares it.
    label_owner: HashMap<String, usize>,
    /// Labels sorted, with their position in Alembic's map order (after all ids) and owner.
    label_keys: Vec<(String, usize, usize)>,
    /// `down_revision` (Alembic's `_versioned_down_revisions`).
    parents: Adj,
    /// Revisions naming this one in `down_revision` (`nextrev`).
    children: Adj,
    /// Revisions naming this one in `down_revision` or `depends_on` (`_all_nextrev`).
    all_children: Adj,
    /// `down_revision` plus the dependencies not already implied by an ancestor
    /// (`_normalized_down_revisions`): the edges every "ancestor" below follows.
    normalized_down: Adj,
    /// No child through `down_revision` (`heads`, includes effective heads).
    heads: Vec<usize>,
    /// No child through `down_revision` or `depends_on` (`_real_heads`).
    real_heads: Vec<usize>,
    /// No `down_revision`.
    bases: Vec<usize>,
    /// Propagated branch labels (R11), sorted.
    labels: Vec<Vec<String>>,
    /// A topological order (parents and dependencies first).
    topo: Vec<usize>,
    /// Built on first use: plans and history need it, plain inspection does not.
    reach: OnceLock<Reach>,
}

impl RevisionMap {
    /// Builds the map; fails on duplicate ids, missing parents or dependencies, cycles,
    /// labels used twice, or ids with forbidden characters.
    pub fn new(revisions: Vec<Revision>) -> Result<RevisionMap> {
        build::build(revisions)
    }

    pub fn len(&self) -> usize {
        self.revisions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.revisions.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Revision> {
        self.position(id).map(|i| &self.revisions[i])
    }

    /// All revisions in file-visit order.
    pub fn revisions(&self) -> std::slice::Iter<'_, Revision> {
        self.revisions.iter()
    }

    /// Every head (no revision names it in `down_revision`), effective heads included, in
    /// file-visit order (R8). This is what `alembic heads` lists.
    pub fn heads(&self) -> Vec<&str> {
        self.ids(&self.heads)
    }

    /// Heads that no revision depends on either: what the symbol `heads` means (R8, R13).
    pub fn real_heads(&self) -> Vec<&str> {
        self.ids(&self.real_heads)
    }

    /// A head that another revision depends on (`(effective head)` in `alembic heads`).
    pub fn is_effective_head(&self, id: &str) -> bool {
        self.position(id)
            .is_some_and(|i| self.children[i].is_empty() && !self.all_children[i].is_empty())
    }

    /// Revisions without a `down_revision`, in file-visit order (R9).
    pub fn bases(&self) -> Vec<&str> {
        self.ids(&self.bases)
    }

    /// Revisions naming `id` in their `down_revision`, in file-visit order.
    pub fn children(&self, id: &str) -> Vec<&str> {
        self.position(id)
            .map(|i| self.ids(&self.children[i]))
            .unwrap_or_default()
    }

    /// Revisions naming `id` (or a label it declares) in their `depends_on`.
    pub fn dependents(&self, id: &str) -> Vec<&str> {
        let Some(i) = self.position(id) else {
            return Vec::new();
        };
        let dependents: Vec<usize> = self.all_children[i]
            .iter()
            .copied()
            .filter(|c| !self.parents[*c].contains(&i))
            .collect();
        self.ids(&dependents)
    }

    pub fn is_head(&self, id: &str) -> bool {
        self.position(id)
            .is_some_and(|i| self.children[i].is_empty())
    }

    pub fn is_base(&self, id: &str) -> bool {
        self.position(id)
            .is_some_and(|i| self.parents[i].is_empty())
    }

    /// Named in the `down_revision` of two or more revisions (R10).
    pub fn is_branch_point(&self, id: &str) -> bool {
        self.position(id)
            .is_some_and(|i| self.children[i].len() > 1)
    }

    /// Has two or more `down_revision` entries (R10).
    pub fn is_merge_point(&self, id: &str) -> bool {
        self.position(id).is_some_and(|i| self.parents[i].len() > 1)
    }

    /// The labels that apply to `id`: declared ones plus those propagated from ancestors and
    /// descendants (R11), sorted.
    pub fn branch_labels(&self, id: &str) -> Vec<String> {
        self.position(id)
            .map(|i| self.labels[i].clone())
            .unwrap_or_default()
    }

    /// Branch points with their children, in `history` order (as `alembic branches` lists them).
    pub fn branch_points(&self) -> Vec<(String, Vec<String>)> {
        self.history_positions()
            .into_iter()
            .filter(|&i| self.children[i].len() > 1)
            .map(|i| {
                let children = self.children[i]
                    .iter()
                    .map(|&c| self.revisions[c].id.clone())
                    .collect();
                (self.revisions[i].id.clone(), children)
            })
            .collect()
    }

    /// All revisions, newest first, in exactly the order `alembic history` prints them (R44).
    pub fn history_order(&self) -> Vec<&str> {
        self.ids(&self.history_positions())
    }

    /// Resolves a non-relative revision argument (R13–R17): a full id, a unique prefix, a
    /// branch label, `head`, `heads`, `base`, `label@head`, `label@heads`, `label@base`,
    /// `label@<rev>` or `<rev>@head`. `base` gives an empty list.
    pub fn resolve(&self, argument: &str) -> Result<Vec<String>> {
        let positions = self
            .get_revisions(argument)
            .map_err(|e| e.into_error(&Catch::default()))?;
        Ok(positions
            .into_iter()
            .filter_map(|p| p.revision())
            .map(|i| self.revisions[i].id.clone())
            .collect())
    }

    /// `history [-r RANGE]` (R25, R43): ids newest first. `current_rows` is only used when the
    /// range names `current`.
    pub fn history(&self, range: Option<&str>, current_rows: &[String]) -> Result<Vec<String>> {
        let positions = self.history_range(range, current_rows)?;
        Ok(positions
            .into_iter()
            .map(|i| self.revisions[i].id.clone())
            .collect())
    }

    /// What `alembic current` prints (R41): the rows plus every revision they imply through
    /// `depends_on`, reduced to those with no applied descendant. File-visit order.
    pub fn current_effective(&self, rows: &[String]) -> Result<Vec<String>> {
        self.effective_current(rows)
    }

    /// The plan `upgrade <target>` runs from `current_rows` (R18–R21, R24, R26, R27, R33, R36).
    pub fn upgrade_plan(&self, current_rows: &[String], target: &str) -> Result<Plan> {
        self.plan_upgrade(current_rows, target)
    }

    /// The plan `downgrade <target>` runs from `current_rows` (R22–R24, R28, R29, R34).
    pub fn downgrade_plan(&self, current_rows: &[String], target: &str) -> Result<Plan> {
        self.plan_downgrade(current_rows, target)
    }

    /// The plan `stamp <targets>… [--purge]` runs (R37–R39). With several targets each one
    /// replaces only the rows of its own lineage. With `purge`, the first step deletes every
    /// row (known or not) and the targets are stamped onto an empty table.
    pub fn stamp_plan(
        &self,
        current_rows: &[String],
        targets: &[String],
        purge: bool,
    ) -> Result<Plan> {
        self.plan_stamp(current_rows, targets, purge)
    }

    /// The parents of a new revision for `revision [--head H] [--splice]` (R16, R50):
    /// `None` means `head`; `base` gives no parent.
    pub fn new_revision_parents(&self, head: Option<&str>, splice: bool) -> Result<Vec<String>> {
        self.parents_for_new(&[head.unwrap_or("head")], splice)
    }

    /// `revision --depends-on`: partial ids become full ids, labels stay labels (R5).
    pub fn resolve_depends_on(&self, args: &[String]) -> Result<Vec<String>> {
        self.depends_on_for_new(args)
    }

    /// The parents of a `merge` revision; `heads` is allowed. Every one must be a head.
    pub fn resolve_merge_parents(&self, args: &[String]) -> Result<Vec<String>> {
        self.resolve_merge_parents_with(args, false)
    }

    /// As [`RevisionMap::resolve_merge_parents`]; with `splice`, non-heads are allowed too.
    pub fn resolve_merge_parents_with(&self, args: &[String], splice: bool) -> Result<Vec<String>> {
        if args.is_empty() {
            return Err(crate::error::Error::command(
                "merge needs the revisions to merge, e.g. `heads`",
            ));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.parents_for_new(&args, splice)
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.by_id
            .binary_search_by(|&i| self.revisions[i].id.as_str().cmp(id))
            .ok()
            .map(|k| self.by_id[k])
    }

    fn ids(&self, positions: &[usize]) -> Vec<&str> {
        positions
            .iter()
            .map(|&i| self.revisions[i].id.as_str())
            .collect()
    }

    fn id(&self, position: usize) -> &str {
        &self.revisions[position].id
    }

    fn reach(&self) -> &Reach {
        self.reach.get_or_init(|| Reach::build(self))
    }

    /// `a` is `b` or one of its ancestors through `down_revision` and `depends_on`.
    fn is_ancestor(&self, a: usize, b: usize) -> bool {
        self.reach().is_ancestor(self, a, b)
    }
}

/// Checks a revision id the way Alembic's `Revision.verify_rev_id` does (R3).
pub fn check_revision_id(id: &str) -> Result<()> {
    match build::illegal_chars_message(id) {
        Some(message) => Err(crate::error::Error::command(message)),
        None => Ok(()),
    }
}
