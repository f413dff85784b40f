//! Plans: which revisions an upgrade, downgrade or stamp touches, in which order, and how the
//! version table changes at each step (R19–R29, R33–R39), plus `history` ranges (R43) and the
//! effective current revisions (R41). Ports of Alembic's `_collect_upgrade_revisions`,
//! `_collect_downgrade_revisions`, `_parse_upgrade_target`, `_parse_downgrade_target`,
//! `HeadMaintainer.update_to_step` and `ScriptDirectory._stamp_revs`.

use super::build::Adj;
use super::resolve::{
    parse_relative, AncestorText, Catch, Pos, RevErr, RevResult, REVISION_MULTIPLE_HEADS,
    STAMP_MULTIPLE_HEADS,
};
use super::{Direction, Plan, RevisionMap, RowChange, Step};
use crate::error::{Error, Result};

/// One end of a range: an argument as typed, or the version table's rows.
#[derive(Debug, Clone, Copy)]
enum Bound<'a> {
    Arg(&'a str),
    Rows(&'a [String]),
}

impl Bound<'_> {
    fn text(&self) -> String {
        match self {
            Bound::Arg(s) => s.to_string(),
            Bound::Rows(rows) => rows.join(", "),
        }
    }
}

fn didnt_produce(written: &str, steps: i64) -> RevErr {
    RevErr::other(format!(
        "Relative revision {written} didn't produce {} migrations",
        steps.unsigned_abs()
    ))
}

fn positions(flags: &[bool]) -> Vec<usize> {
    flags
        .iter()
        .enumerate()
        .filter_map(|(i, &f)| f.then_some(i))
        .collect()
}

impl RevisionMap {
    fn bound_revisions(&self, bound: Bound<'_>) -> RevResult<Vec<Pos>> {
        match bound {
            Bound::Arg(s) => self.get_revisions(s),
            Bound::Rows(rows) => Ok(self
                .row_positions(rows)?
                .into_iter()
                .map(Pos::Rev)
                .collect()),
        }
    }

    fn sorted_ids(&self, rows: &[usize]) -> Vec<String> {
        let mut ids: Vec<String> = rows.iter().map(|&r| self.id(r).to_string()).collect();
        ids.sort();
        ids
    }

    fn join_ids(&self, revs: &[usize]) -> String {
        revs.iter()
            .map(|&r| self.id(r))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `_iterate_related_revisions`: `targets` and everything reachable along `edges`. With
    /// `check`, a target reached from another target is an error (R27).
    fn related(&self, targets: &[usize], edges: &Adj, check: bool) -> RevResult<Vec<bool>> {
        let n = self.len();
        let mut seen = vec![false; n];
        let mut is_target = vec![false; n];
        for &t in targets {
            is_target[t] = true;
        }
        let mut stack = Vec::new();
        for &target in targets {
            let mut overlaps: Vec<usize> = Vec::new();
            stack.push(target);
            while let Some(v) = stack.pop() {
                if check && is_target[v] && v != target && !overlaps.contains(&v) {
                    overlaps.push(v);
                }
                if seen[v] {
                    continue;
                }
                seen[v] = true;
                stack.extend(edges[v].iter().copied());
            }
            if !overlaps.is_empty() {
                overlaps.sort_unstable();
                return Err(RevErr::other(format!(
                    "Requested revision {} overlaps with other requested revisions {}",
                    self.id(target),
                    self.join_ids(&overlaps)
                )));
            }
        }
        Ok(seen)
    }

    /// `_get_all_current`: the rows plus everything they imply, reduced to the revisions with
    /// no applied descendant through `down_revision` (R41).
    fn all_current(&self, rows: &[usize]) -> RevResult<Vec<usize>> {
        let applied = self.related(rows, &self.normalized_down, false)?;
        Ok((0..self.len())
            .filter(|&v| applied[v] && !self.children[v].iter().any(|&c| applied[c]))
            .collect())
    }

    pub(super) fn effective_current(&self, rows: &[String]) -> Result<Vec<String>> {
        let run = || -> RevResult<Vec<String>> {
            let rows = self.row_positions(rows)?;
            let current = self.all_current(&rows)?;
            Ok(current.iter().map(|&i| self.id(i).to_string()).collect())
        };
        run().map_err(|e| e.into_error(&Catch::default()))
    }

    /// `_parse_upgrade_target`: the revisions an upgrade `target` names, relative forms
    /// resolved against `current`.
    fn parse_upgrade_target(
        &self,
        current: Bound<'_>,
        target: Bound<'_>,
        assert_length: bool,
    ) -> RevResult<Vec<Pos>> {
        let Bound::Arg(argument) = target else {
            return self.bound_revisions(target);
        };
        let Some(rel) = parse_relative(argument) else {
            return self.get_revisions(argument);
        };
        if rel.steps <= 0 {
            let Some(symbol) = rel.symbol else {
                // `upgrade -1`: Alembic prints the integer here (`-1`, not the text).
                return Err(RevErr::other(format!(
                    "Relative revision {} didn't produce {} migrations",
                    rel.steps,
                    rel.steps.unsigned_abs()
                )));
            };
            let start = match rel.branch {
                Some(b) => self.start_of(&format!("{b}@{symbol}"))?,
                None => self.start_of(symbol)?,
            };
            return Ok(vec![self.walk(start, rel.steps, None, assert_length)?]);
        }
        if let Some(symbol) = rel.symbol {
            // `X+N` is computed in the graph, not from the database (R21).
            let start = self.start_of(symbol)?;
            return Ok(vec![self.walk(
                start,
                rel.steps,
                rel.branch,
                assert_length,
            )?]);
        }
        // `[branch@]+N` from the current revision (R19, R20).
        let current_positions = self.bound_revisions(current)?;
        let current_revs: Vec<usize> = current_positions
            .iter()
            .filter_map(|p| p.revision())
            .collect();
        let mut start: Vec<Pos> = match rel.branch {
            None => current_positions,
            Some(b) => {
                let on_branch = self.filter_for_lineage(&current_revs, b, false)?;
                if on_branch.is_empty() {
                    // The branch has no row: start from its tip below the rows, or a base.
                    let applied =
                        positions(&self.related(&current_revs, &self.normalized_down, false)?);
                    let active = self.filter_for_lineage(&applied, b, false)?;
                    let below: Vec<usize> = active
                        .iter()
                        .flat_map(|&r| self.normalized_down[r].iter().copied())
                        .collect();
                    active
                        .into_iter()
                        .filter(|r| !below.contains(r))
                        .map(Pos::Rev)
                        .collect()
                } else {
                    on_branch.into_iter().map(Pos::Rev).collect()
                }
            }
        };
        if start.is_empty() {
            start.push(Pos::Nothing);
        }
        if start.len() > 1 {
            return Err(RevErr::other(
                "Ambiguous upgrade from multiple current revisions",
            ));
        }
        let reached = self.walk(start[0], rel.steps, rel.branch, assert_length)?;
        if reached == Pos::Nothing {
            return Err(didnt_produce(rel.written, rel.steps));
        }
        Ok(vec![reached])
    }

    /// `_parse_downgrade_target`: the branch (if any) and the revision a downgrade goes to.
    fn parse_downgrade_target(
        &self,
        current: Bound<'_>,
        target: &str,
        assert_length: bool,
    ) -> RevResult<(Option<String>, Pos)> {
        let Some(rel) = parse_relative(target) else {
            let (branch, symbol) = match target.rsplit_once('@') {
                Some((branch, symbol)) => (Some(branch).filter(|b| !b.is_empty()), symbol),
                None => (None, target),
            };
            return Ok((branch.map(str::to_string), self.start_of(symbol)?));
        };
        if rel.steps >= 0 {
            let Some(symbol) = rel.symbol else {
                return Err(didnt_produce(rel.written, rel.steps));
            };
            let start = self.start_of(symbol)?;
            let reached = self.walk(start, rel.steps, rel.branch, assert_length)?;
            if reached == Pos::Nothing {
                return Err(RevErr::other("Walked too far"));
            }
            return Ok((rel.branch.map(str::to_string), reached));
        }
        let from_current = rel.symbol.is_none();
        let (branch, symbol) = match (rel.symbol, rel.branch) {
            (Some(symbol), branch) => (branch.map(str::to_string), symbol.to_string()),
            (None, Some(branch)) => {
                let current: Vec<usize> = self
                    .bound_revisions(current)?
                    .iter()
                    .filter_map(|p| p.revision())
                    .collect();
                let mut on_branch = self.filter_for_lineage(&current, branch, false)?;
                if on_branch.is_empty() {
                    // The branch may be applied only implicitly, under another branch's row.
                    let all = self.all_current(&current)?;
                    on_branch = self.filter_for_lineage(&all, branch, false)?;
                }
                match on_branch.as_slice() {
                    [one] => (Some(branch.to_string()), self.id(*one).to_string()),
                    // Alembic fails a bare assertion in both cases (R23).
                    [] => {
                        return Err(RevErr::Final(Error::command(format!(
                            "Branch '{branch}' is not applied: no current revision is on it, so '{target}' has nothing to step down from. Name a target revision instead."
                        ))))
                    }
                    several => {
                        return Err(RevErr::Final(Error::command(format!(
                            "Several current revisions are on branch '{branch}' ({}); name the one to step down from, e.g. '<revision>@{}'",
                            self.join_ids(several),
                            rel.written
                        ))))
                    }
                }
            }
            (None, None) => {
                let current: Vec<usize> = self
                    .bound_revisions(current)?
                    .iter()
                    .filter_map(|p| p.revision())
                    .collect();
                match current.as_slice() {
                    [] => return Err(didnt_produce(rel.written, rel.steps)),
                    // Alembic's own branch is the row itself.
                    [one] => (Some(self.id(*one).to_string()), self.id(*one).to_string()),
                    // Alembic warns and uses whichever row the database returns first (R22).
                    several => {
                        return Err(RevErr::Final(Error::command(format!(
                            "Relative downgrade '{target}' is ambiguous: the version table holds several revisions ({}). Say which line to step down, e.g. '<branch label>@{}' or '<revision>@{}', or give a target revision.",
                            self.join_ids(several),
                            rel.written,
                            rel.written
                        ))))
                    }
                }
            }
        };
        let start = match &branch {
            Some(b) => self.start_of(&format!("{b}@{symbol}"))?,
            None => self.start_of(&symbol)?,
        };
        let reached = self.walk(start, rel.steps, None, assert_length)?;
        if reached == Pos::Nothing {
            return Err(if from_current {
                didnt_produce(rel.written, rel.steps)
            } else {
                RevErr::other("Walked too far")
            });
        }
        Ok((branch, reached))
    }

    /// `_collect_upgrade_revisions`: what must be applied to reach `upper` from `lower`, and
    /// the targets (the heads for the topological sort).
    fn collect_upgrade(
        &self,
        upper: Bound<'_>,
        lower: Bound<'_>,
        inclusive: bool,
        implicit_base: bool,
        assert_length: bool,
    ) -> RevResult<(Vec<usize>, Vec<usize>)> {
        let mut targets = Vec::new();
        for pos in self.parse_upgrade_target(lower, upper, assert_length)? {
            match pos {
                Pos::Rev(i) => targets.push(i),
                // A walk down to below the first revision: nothing to apply.
                Pos::Base => {}
                Pos::Nothing => return Err(RevErr::other("Walked too far")),
            }
        }

        // `branch@...` as the lower end keeps only the targets on that branch.
        if let Bound::Arg(lower_arg) = lower {
            if let Some((branch, _)) = lower_arg.split_once('@').filter(|(b, _)| !b.is_empty()) {
                let mut label = branch.to_string();
                let mut lineage = None;
                if let Some(r) = self.get_revision(branch)? {
                    if self.id(r) == branch {
                        // A revision id used as the branch: use its label, or (where Alembic
                        // would fail an assertion) its lineage.
                        match self.labels[r].as_slice() {
                            [one] => label = one.clone(),
                            _ => lineage = Some(self.lineage_of(&[r], false)),
                        }
                    }
                }
                targets.retain(|&t| match &lineage {
                    Some(lineage) => lineage[t],
                    None => self.labels[t].contains(&label),
                });
            }
        }

        let required = self.related(&targets, &self.normalized_down, true)?;
        let mut current = self.bound_revisions(lower)?;
        if !implicit_base
            && current
                .iter()
                .any(|p| p.revision().is_some_and(|i| !required[i]))
        {
            return Err(RevErr::RangeNotAncestor {
                lower: lower.text(),
                upper: upper.text(),
            });
        }
        if current.first() == Some(&Pos::Nothing) {
            // A relative lower end that walked off the graph (e.g. `-5`): resolve it as a
            // downgrade target from the upper end instead.
            if let Bound::Arg(lower_arg) = lower {
                let (_, reached) = self.parse_downgrade_target(upper, lower_arg, assert_length)?;
                current = match reached {
                    Pos::Rev(r) => vec![Pos::Rev(r)],
                    Pos::Base | Pos::Nothing => Vec::new(),
                };
            }
        }
        let current: Vec<usize> = current.iter().filter_map(|p| p.revision()).collect();
        let below_current = self.related(&current, &self.normalized_down, true)?;
        let mut needs: Vec<bool> = required
            .iter()
            .zip(&below_current)
            .map(|(&r, &c)| r && !c)
            .collect();
        if inclusive {
            for &c in &current {
                needs[c] = true;
            }
        }
        if !current.is_empty() && !implicit_base {
            let above_current = self.related(&current, &self.children, true)?;
            for (need, above) in needs.iter_mut().zip(above_current) {
                *need &= above;
            }
        }
        Ok((positions(&needs), targets))
    }

    /// `_collect_downgrade_revisions`: the applied revisions to revert to reach `target`.
    fn collect_downgrade(
        &self,
        rows: &[String],
        target: &str,
    ) -> RevResult<(Vec<usize>, Vec<usize>)> {
        let (branch, reached) = self.parse_downgrade_target(Bound::Rows(rows), target, true)?;
        let target_rev = reached.revision();
        let mut roots = match target_rev {
            None => self.bases.clone(),
            Some(t) => self.children[t].to_vec(),
        };
        if let Some(branch) = &branch {
            // Alembic only looks the branch up when it has to choose; an unknown label would
            // then silently mean "everything" in a single-base project.
            let anchor = self.resolve_branch(branch)?;
            if roots.len() > 1 {
                let on_line = self.related(&[anchor], &self.parents, false)?;
                roots.retain(|&r| on_line[r]);
                if roots.is_empty() {
                    return Err(RevErr::other(
                        "Not a valid downgrade target from current heads",
                    ));
                }
            }
        }
        let heads = self.row_positions(rows)?;
        let mut drop = self.related(&roots, &self.all_children, false)?;
        let applied = self.related(&heads, &self.normalized_down, false)?;
        for (d, a) in drop.iter_mut().zip(applied) {
            *d &= a;
        }
        let drop = positions(&drop);
        if let Some(t) = target_rev {
            if drop.is_empty() && !heads.contains(&t) {
                return Err(RevErr::RangeNotAncestor {
                    lower: "Nothing to drop".to_string(),
                    upper: rows.join(", "),
                });
            }
        }
        Ok((drop, heads))
    }

    /// Row changes for applying `r` (`HeadMaintainer.update_to_step`, upgrade side, R33).
    fn upgrade_rows(&self, rows: &mut Vec<usize>, r: usize) -> RevResult<Vec<RowChange>> {
        let down = &self.normalized_down[r];
        let present: Vec<usize> = down.iter().copied().filter(|d| rows.contains(d)).collect();
        let insert = |rows: &mut Vec<usize>| {
            rows.push(r);
            vec![RowChange::Insert {
                revision: self.id(r).to_string(),
            }]
        };
        match present.len() {
            0 => Ok(insert(rows)),
            1 => Ok(vec![self.replace_row(rows, present[0], r)]),
            _ => {
                // Merge: keep the parents not implied by other rows; delete all but the last
                // and move the last one up to `r`.
                let others: Vec<usize> =
                    rows.iter().copied().filter(|h| !down.contains(h)).collect();
                let mut from: Vec<usize> = present;
                if !others.is_empty() {
                    from.retain(|&d| !others.iter().any(|&o| self.is_ancestor(d, o)));
                }
                let Some((&last, rest)) = from.split_last() else {
                    return Ok(insert(rows));
                };
                let mut changes: Vec<RowChange> =
                    rest.iter().map(|&d| self.delete_row(rows, d)).collect();
                changes.push(self.replace_row(rows, last, r));
                Ok(changes)
            }
        }
    }

    /// Row changes for reverting `r` (`HeadMaintainer.update_to_step`, downgrade side, R34).
    fn downgrade_rows(&self, rows: &mut Vec<usize>, r: usize) -> RevResult<Vec<RowChange>> {
        if !rows.contains(&r) {
            // Cannot happen from a consistent table; Alembic would fail on a missing row.
            return Err(RevErr::other(format!(
                "Cannot revert {}: the version table ({}) does not record it as applied",
                self.id(r),
                self.join_ids(rows)
            )));
        }
        let down = &self.normalized_down[r];
        let others: Vec<usize> = rows.iter().copied().filter(|&h| h != r).collect();
        // The parents that become rows: those not implied by another row (or, with no other
        // row, by another parent).
        let to: Vec<usize> = if others.is_empty() {
            down.iter()
                .copied()
                .filter(|&d| !down.iter().any(|&e| e != d && self.is_ancestor(d, e)))
                .collect()
        } else {
            down.iter()
                .copied()
                .filter(|&d| !others.iter().any(|&o| self.is_ancestor(d, o)))
                .collect()
        };
        let Some((&last, rest)) = to.split_last() else {
            return Ok(vec![self.delete_row(rows, r)]);
        };
        let mut changes = Vec::new();
        if down.len() > 1 {
            for &p in rest {
                if !rows.contains(&p) {
                    rows.push(p);
                    changes.push(RowChange::Insert {
                        revision: self.id(p).to_string(),
                    });
                }
            }
            changes.push(self.replace_row(rows, r, last));
        } else {
            changes.push(self.replace_row(rows, r, down[0]));
        }
        Ok(changes)
    }

    fn replace_row(&self, rows: &mut [usize], from: usize, to: usize) -> RowChange {
        if let Some(slot) = rows.iter_mut().find(|v| **v == from) {
            *slot = to;
        }
        RowChange::Update {
            from: self.id(from).to_string(),
            to: self.id(to).to_string(),
        }
    }

    fn delete_row(&self, rows: &mut Vec<usize>, row: usize) -> RowChange {
        rows.retain(|&v| v != row);
        RowChange::Delete {
            revision: self.id(row).to_string(),
        }
    }

    fn ids_of(&self, revs: &[usize]) -> Vec<String> {
        revs.iter().map(|&r| self.id(r).to_string()).collect()
    }

    pub(super) fn plan_upgrade(&self, rows: &[String], target: &str) -> Result<Plan> {
        let catch = Catch {
            ancestor: AncestorText::UpgradeDestination,
            end: Some(target),
            ..Catch::default()
        };
        let run = || -> RevResult<Plan> {
            let (needs, targets) =
                self.collect_upgrade(Bound::Arg(target), Bound::Rows(rows), false, true, true)?;
            let mut order = self.topological_sort(&needs, &targets);
            order.reverse();
            let mut state = self.row_positions(rows)?;
            let mut steps = Vec::with_capacity(order.len());
            for r in order {
                let row_changes = self.upgrade_rows(&mut state, r)?;
                steps.push(Step {
                    direction: Direction::Up,
                    revision: self.id(r).to_string(),
                    from: self.ids_of(&self.parents[r]),
                    to: vec![self.id(r).to_string()],
                    row_changes,
                });
            }
            Ok(Plan {
                steps,
                final_rows: self.sorted_ids(&state),
            })
        };
        run().map_err(|e| e.into_error(&catch))
    }

    pub(super) fn plan_downgrade(&self, rows: &[String], target: &str) -> Result<Plan> {
        let catch = Catch {
            ancestor: AncestorText::DowngradeDestination,
            end: Some(target),
            ..Catch::default()
        };
        let run = || -> RevResult<Plan> {
            let (drop, heads) = self.collect_downgrade(rows, target)?;
            let order = self.topological_sort(&drop, &heads);
            let mut state = heads;
            let mut steps = Vec::with_capacity(order.len());
            for r in order {
                let row_changes = self.downgrade_rows(&mut state, r)?;
                steps.push(Step {
                    direction: Direction::Down,
                    revision: self.id(r).to_string(),
                    from: vec![self.id(r).to_string()],
                    to: self.ids_of(&self.parents[r]),
                    row_changes,
                });
            }
            Ok(Plan {
                steps,
                final_rows: self.sorted_ids(&state),
            })
        };
        run().map_err(|e| e.into_error(&catch))
    }

    /// `stamp` (R37–R39). Unlike Alembic, each target only replaces the rows of its own
    /// lineage, so `stamp heads` from partially applied branches keeps every branch.
    pub(super) fn plan_stamp(
        &self,
        rows: &[String],
        targets: &[String],
        purge: bool,
    ) -> Result<Plan> {
        let catch = Catch {
            multiple_heads: Some(STAMP_MULTIPLE_HEADS),
            ..Catch::default()
        };
        let run = || -> RevResult<Plan> {
            let mut steps = Vec::new();
            let mut state: Vec<usize> = if purge {
                let mut purged: Vec<String> = Vec::new();
                for row in rows {
                    if !purged.contains(row) {
                        purged.push(row.clone());
                    }
                }
                if !purged.is_empty() {
                    steps.push(Step {
                        direction: Direction::Stamp,
                        revision: String::new(),
                        row_changes: purged
                            .iter()
                            .map(|r| RowChange::Delete {
                                revision: r.clone(),
                            })
                            .collect(),
                        from: purged,
                        to: Vec::new(),
                    });
                }
                Vec::new()
            } else {
                self.row_positions(rows)?
            };
            let base = ["base".to_string()];
            let targets = if targets.is_empty() {
                &base[..]
            } else {
                targets
            };
            for argument in targets {
                let dests: Vec<usize> = self
                    .get_revisions(argument)?
                    .iter()
                    .filter_map(|p| p.revision())
                    .collect();
                if dests.is_empty() {
                    // `base` / `label@base`: delete the rows of that lineage, one step each.
                    for row in self.filter_for_lineage(&state, argument, true)? {
                        let change = self.delete_row(&mut state, row);
                        steps.push(Step {
                            direction: Direction::Stamp,
                            revision: String::new(),
                            from: vec![self.id(row).to_string()],
                            to: Vec::new(),
                            row_changes: vec![change],
                        });
                    }
                    continue;
                }
                for dest in dests {
                    if state.contains(&dest) {
                        continue;
                    }
                    let related: Vec<usize> = state
                        .iter()
                        .copied()
                        .filter(|&row| self.is_ancestor(row, dest) || self.is_ancestor(dest, row))
                        .collect();
                    let row_changes = match related.split_last() {
                        None => {
                            state.push(dest);
                            vec![RowChange::Insert {
                                revision: self.id(dest).to_string(),
                            }]
                        }
                        Some((&last, rest)) => {
                            let mut changes: Vec<RowChange> = rest
                                .iter()
                                .map(|&r| self.delete_row(&mut state, r))
                                .collect();
                            changes.push(self.replace_row(&mut state, last, dest));
                            changes
                        }
                    };
                    steps.push(Step {
                        direction: Direction::Stamp,
                        revision: self.id(dest).to_string(),
                        from: self.ids_of(&related),
                        to: vec![self.id(dest).to_string()],
                        row_changes,
                    });
                }
            }
            Ok(Plan {
                steps,
                final_rows: self.sorted_ids(&state),
            })
        };
        run().map_err(|e| e.into_error(&catch))
    }

    /// `history -r RANGE` (R25, R43): `walk_revisions(base, head)`, newest first.
    pub(super) fn history_range(&self, range: Option<&str>, rows: &[String]) -> Result<Vec<usize>> {
        let Some(range) = range else {
            return Ok(self.history_positions());
        };
        let parts: Vec<&str> = range.trim().split(':').collect();
        let [base, head] = parts.as_slice() else {
            return Err(Error::command(
                "History range requires [start]:[end], [start]:, or :[end]",
            ));
        };
        let base: &str = if base.is_empty() { "base" } else { base };
        let head: &str = if head.is_empty() { "heads" } else { head };
        // `current` means the rows; with no rows Alembic falls back to the defaults.
        let upper = match head {
            "current" if rows.is_empty() => Bound::Arg("heads"),
            "current" => Bound::Rows(rows),
            other => Bound::Arg(other),
        };
        let lower = match base {
            "current" if head != "current" && rows.is_empty() => Bound::Arg("base"),
            "current" if head != "current" => Bound::Rows(rows),
            other => Bound::Arg(other),
        };
        let catch = Catch {
            start: Some(base),
            end: Some(head),
            ..Catch::default()
        };
        let run = || -> RevResult<Vec<usize>> {
            let (needs, targets) = self.collect_upgrade(upper, lower, true, false, false)?;
            Ok(self.topological_sort(&needs, &targets))
        };
        run().map_err(|e| e.into_error(&catch))
    }

    /// Parents for `revision --head` / `merge` (`generate_revision`, R16, R50).
    pub(super) fn parents_for_new(&self, heads: &[&str], splice: bool) -> Result<Vec<String>> {
        let catch = Catch {
            multiple_heads: Some(REVISION_MULTIPLE_HEADS),
            ..Catch::default()
        };
        let mut parents: Vec<usize> = Vec::new();
        for head in heads {
            let found = self.get_revisions(head).map_err(|e| e.into_error(&catch))?;
            parents.extend(found.iter().filter_map(|p| p.revision()));
        }
        let mut unique = parents.clone();
        unique.sort_unstable();
        unique.dedup();
        if unique.len() != parents.len() {
            return Err(Error::command("Duplicate head revisions specified"));
        }
        if !splice {
            if let Some(&not_head) = parents.iter().find(|&&p| !self.children[p].is_empty()) {
                return Err(Error::command(format!(
                    "Revision {} is not a head revision; please specify --splice to create a new branch from this revision",
                    self.id(not_head)
                )));
            }
        }
        Ok(self.ids_of(&parents))
    }

    /// `revision --depends-on`: partial ids become full ids, labels stay labels.
    pub(super) fn depends_on_for_new(&self, args: &[String]) -> Result<Vec<String>> {
        let catch = Catch::default();
        let mut out = Vec::with_capacity(args.len());
        for dep in args {
            let found = self.get_revision(dep).map_err(|e| e.into_error(&catch))?;
            let Some(rev) = found else {
                return Err(Error::cant_locate(
                    dep,
                    format!("'{dep}' names no revision; depends_on needs a revision id or a branch label"),
                ));
            };
            if self.labels[rev].contains(dep) {
                out.push(dep.clone());
            } else {
                out.push(self.id(rev).to_string());
            }
        }
        Ok(out)
    }
}
