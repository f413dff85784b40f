//! Turning revision arguments into revisions (R13–R18): a port of Alembic's
//! `_resolve_revision_number`, `get_revisions`, `get_revision`, `_revision_for_ident`,
//! `filter_for_lineage`, `_walk` and the relative-identifier syntax, with its error classes.

use super::RevisionMap;
use crate::error::Error;

/// A place in the graph as Alembic's walks produce it: a revision, the `"base"` marker (below
/// every base), or nothing (Python `None`: before anything, or walked off the graph).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pos {
    Nothing,
    Base,
    Rev(usize),
}

impl Pos {
    pub(super) fn revision(self) -> Option<usize> {
        match self {
            Pos::Rev(i) => Some(i),
            Pos::Nothing | Pos::Base => None,
        }
    }
}

/// Alembic's `RevisionError` family, kept apart until a command says how to word them
/// (`ScriptDirectory._catch_revision_errors`).
#[derive(Debug)]
pub(super) enum RevErr {
    Resolution {
        message: String,
        argument: String,
    },
    MultipleHeads {
        argument: String,
    },
    RangeNotAncestor {
        lower: String,
        upper: String,
    },
    Other(String),
    /// Already worded for the user (the places where the port deliberately differs).
    Final(Error),
}

pub(super) type RevResult<T> = std::result::Result<T, RevErr>;

/// Which text a `RangeNotAncestorError` gets.
#[derive(Debug, Clone, Copy, Default)]
pub(super) enum AncestorText {
    #[default]
    Range,
    UpgradeDestination,
    DowngradeDestination,
}

/// How a command words revision errors (the arguments of `_catch_revision_errors`).
#[derive(Debug, Default)]
pub(super) struct Catch<'a> {
    pub(super) ancestor: AncestorText,
    pub(super) multiple_heads: Option<&'static str>,
    pub(super) start: Option<&'a str>,
    pub(super) end: Option<&'a str>,
}

pub(super) const STAMP_MULTIPLE_HEADS: &str =
    "Multiple heads are present; please specify a single target revision";
pub(super) const REVISION_MULTIPLE_HEADS: &str = "Multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge.";

impl RevErr {
    pub(super) fn other(message: impl Into<String>) -> RevErr {
        RevErr::Other(message.into())
    }

    pub(super) fn into_error(self, catch: &Catch<'_>) -> Error {
        match self {
            RevErr::RangeNotAncestor { lower, upper } => {
                let start = catch.start.map(str::to_string).unwrap_or(lower);
                let end = catch.end.map(str::to_string).unwrap_or(upper);
                Error::command(match catch.ancestor {
                    AncestorText::Range => format!(
                        "Requested range {start}:{end} does not refer to ancestor/descendant revisions along the same branch"
                    ),
                    AncestorText::UpgradeDestination => format!(
                        "Destination {end} is not a valid upgrade target from current head(s)"
                    ),
                    AncestorText::DowngradeDestination => format!(
                        "Destination {end} is not a valid downgrade target from current head(s)"
                    ),
                })
            }
            RevErr::MultipleHeads { argument } => {
                let message = match catch.multiple_heads {
                    Some(text) => text.to_string(),
                    None => {
                        let arg = catch.end.unwrap_or(&argument);
                        format!(
                            "Multiple head revisions are present for given argument '{arg}'; please specify a specific target revision, '<branchname>@{arg}' to narrow to a specific head, or 'heads' for all heads"
                        )
                    }
                };
                Error::MultipleHeads { message }
            }
            RevErr::Resolution { message, argument } => Error::cant_locate(&argument, message),
            RevErr::Other(message) => Error::command(message),
            RevErr::Final(error) => error,
        }
    }
}

/// A relative identifier `[branch@][symbol](+|-)N` (R18), matched like Alembic's regex
/// `(?:(.+?)@)?(\w+)?((?:\+|-)\d+)` at the start of the argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Relative<'a> {
    pub(super) branch: Option<&'a str>,
    pub(super) symbol: Option<&'a str>,
    /// The signed number as written (`+2`, `-1`).
    pub(super) written: &'a str,
    pub(super) steps: i64,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn relative_tail(rest: &str) -> Option<(Option<&str>, &str, i64)> {
    let word_end = rest
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(rest.len(), |(i, _)| i);
    let symbol = (word_end > 0).then(|| &rest[..word_end]);
    let after = &rest[word_end..];
    let negative = match after.as_bytes().first() {
        Some(b'+') => false,
        Some(b'-') => true,
        _ => return None,
    };
    let digits = after[1..].bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let written = &after[..1 + digits];
    let magnitude = written[1..].bytes().fold(0i64, |acc, b| {
        acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    Some((
        symbol,
        written,
        if negative { -magnitude } else { magnitude },
    ))
}

pub(super) fn parse_relative(argument: &str) -> Option<Relative<'_>> {
    // The optional group is tried first, with the shortest branch name that lets the rest match.
    for (i, c) in argument.char_indices() {
        if c == '@' && i > 0 && !argument[..i].contains('\n') {
            if let Some((symbol, written, steps)) = relative_tail(&argument[i + 1..]) {
                return Some(Relative {
                    branch: Some(&argument[..i]),
                    symbol,
                    written,
                    steps,
                });
            }
        }
    }
    relative_tail(argument).map(|(symbol, written, steps)| Relative {
        branch: None,
        symbol,
        written,
        steps,
    })
}

/// Python's `int(s)` for the values that matter here (`get_revisions` treats a negative
/// integer as "walk down from the heads").
fn python_int(s: &str) -> Option<i64> {
    let s = s.trim();
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    let magnitude = digits
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0i64, |acc, b| {
            acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
        });
    Some(if negative { -magnitude } else { magnitude })
}

impl RevisionMap {
    /// A revision id or branch label, exactly (Alembic's map lookup).
    fn lookup_key(&self, key: &str) -> Option<usize> {
        self.position(key)
            .or_else(|| self.label_owner.get(key).copied())
    }

    /// A version-table row: must be an exact revision id (rows are always written in full).
    pub(super) fn row_position(&self, row: &str) -> RevResult<usize> {
        self.position(row).ok_or_else(|| RevErr::Resolution {
            message: format!(
                "No such revision or branch '{row}' (the version table names a revision that has no script; restore the script, or reset the table with `stamp --purge <revision>`)"
            ),
            argument: row.to_string(),
        })
    }

    pub(super) fn row_positions(&self, rows: &[String]) -> RevResult<Vec<usize>> {
        let mut out: Vec<usize> = Vec::with_capacity(rows.len());
        for row in rows {
            let i = self.row_position(row)?;
            if !out.contains(&i) {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// `_resolve_revision_number`: splits `branch@`, expands `heads`, `head` and `base`.
    pub(super) fn resolve_revision_number<'a>(
        &self,
        argument: &'a str,
    ) -> RevResult<(Vec<String>, Option<&'a str>)> {
        let (branch, id) = match argument.split_once('@') {
            Some((branch, id)) => (Some(branch).filter(|b| !b.is_empty()), id),
            None => (None, argument),
        };
        let ids = match id {
            "heads" => {
                let heads = match branch {
                    Some(b) => self.filter_for_lineage(&self.heads, b, false)?,
                    None => self.real_heads.clone(),
                };
                heads.iter().map(|&h| self.id(h).to_string()).collect()
            }
            "head" => self
                .current_head(branch)?
                .map(|h| vec![self.id(h).to_string()])
                .unwrap_or_default(),
            "base" => Vec::new(),
            other => vec![other.to_string()],
        };
        Ok((ids, branch))
    }

    /// `get_current_head`: the single head (of a branch); several is an error (R16).
    fn current_head(&self, branch: Option<&str>) -> RevResult<Option<usize>> {
        let heads = match branch {
            Some(b) => self.filter_for_lineage(&self.heads, b, false)?,
            None => self.heads.clone(),
        };
        if heads.len() > 1 {
            return Err(RevErr::MultipleHeads {
                argument: match branch {
                    Some(b) => format!("{b}@head"),
                    None => "head".to_string(),
                },
            });
        }
        Ok(heads.first().copied())
    }

    /// `get_revisions`: every revision an argument names (`heads` gives several).
    pub(super) fn get_revisions(&self, argument: &str) -> RevResult<Vec<Pos>> {
        let (resolved, branch) = self.resolve_revision_number(argument)?;
        if let [only] = resolved.as_slice() {
            if let Some(steps) = python_int(only).filter(|&s| s < 0) {
                // `[branch@]-N`: walk down from each real head (of that branch).
                let heads: Vec<usize> = self
                    .real_heads
                    .iter()
                    .copied()
                    .filter(|&h| match branch {
                        Some(b) => self.labels[h].iter().any(|l| l == b),
                        None => true,
                    })
                    .collect();
                return heads
                    .into_iter()
                    .map(|h| self.walk(Pos::Rev(h), steps, None, true))
                    .collect();
            }
        }
        resolved
            .iter()
            .map(|id| {
                Ok(match self.revision_for_ident(Some(id), branch)? {
                    Some(i) => Pos::Rev(i),
                    None => Pos::Nothing,
                })
            })
            .collect()
    }

    /// `get_revision`: at most one revision; several is a `MultipleHeads` error.
    pub(super) fn get_revision(&self, argument: &str) -> RevResult<Option<usize>> {
        let (resolved, branch) = self.resolve_revision_number(argument)?;
        if resolved.len() > 1 {
            return Err(RevErr::MultipleHeads {
                argument: argument.to_string(),
            });
        }
        self.revision_for_ident(resolved.first().map(String::as_str), branch)
    }

    /// `_resolve_branch`: a label or revision named before `@`.
    pub(super) fn resolve_branch(&self, branch: &str) -> RevResult<usize> {
        if let Some(i) = self.lookup_key(branch) {
            return Ok(i);
        }
        match self.revision_for_ident(Some(branch), None) {
            Ok(Some(i)) => Ok(i),
            Ok(None) | Err(RevErr::Resolution { .. }) => Err(RevErr::Resolution {
                message: format!("No such branch: '{branch}'"),
                argument: branch.to_string(),
            }),
            Err(other) => Err(other),
        }
    }

    /// `_revision_for_ident`: exact id or label, else a unique prefix of a key longer than
    /// three characters (R14); with `branch`, the revision must share its lineage.
    fn revision_for_ident(
        &self,
        ident: Option<&str>,
        branch: Option<&str>,
    ) -> RevResult<Option<usize>> {
        let branch_rev = match branch {
            Some(b) => Some(self.resolve_branch(b)?),
            None => None,
        };
        let Some(ident) = ident else {
            return Ok(None);
        };
        let found = match self.lookup_key(ident) {
            Some(i) => i,
            None => {
                let mut matches = self.prefix_matches(ident);
                if let Some(b) = branch {
                    let revs: Vec<usize> = matches.iter().map(|m| m.1).collect();
                    let keep = self.filter_for_lineage(&revs, b, false)?;
                    matches.retain(|m| keep.contains(&m.1));
                }
                match matches.as_slice() {
                    [] => {
                        let hint = if ident.chars().count() < 4 {
                            "; please ensure at least four characters are present for partial revision identifier matches"
                        } else {
                            ""
                        };
                        return Err(RevErr::Resolution {
                            message: format!("No such revision or branch '{ident}'{hint}"),
                            argument: ident.to_string(),
                        });
                    }
                    [(_, i)] => *i,
                    several => {
                        let listed: Vec<String> = several
                            .iter()
                            .take(3)
                            .map(|(k, _)| format!("'{k}'"))
                            .collect();
                        return Err(RevErr::Resolution {
                            message: format!(
                                "Multiple revisions start with '{ident}': {}...",
                                listed.join(", ")
                            ),
                            argument: ident.to_string(),
                        });
                    }
                }
            }
        };
        if let (Some(b), Some(br)) = (branch, branch_rev) {
            if !self.lineage_of(&[br], false)[found] {
                return Err(RevErr::Resolution {
                    message: format!(
                        "Revision {} is not a member of branch '{b}'",
                        self.id(found)
                    ),
                    argument: ident.to_string(),
                });
            }
        }
        Ok(Some(found))
    }

    /// Keys (ids, then labels) longer than three characters that start with `prefix`, in
    /// Alembic's map order.
    fn prefix_matches(&self, prefix: &str) -> Vec<(&str, usize)> {
        let long_enough = |key: &str| key.chars().count() > 3;
        let start = self.by_id.partition_point(|&i| self.id(i) < prefix);
        let mut found: Vec<(usize, &str, usize)> = self.by_id[start..]
            .iter()
            .map(|&i| (i, self.id(i), i))
            .take_while(|(_, key, _)| key.starts_with(prefix))
            .filter(|(_, key, _)| long_enough(key))
            .collect();
        let start = self
            .label_keys
            .partition_point(|(key, _, _)| key.as_str() < prefix);
        found.extend(
            self.label_keys[start..]
                .iter()
                .take_while(|(key, _, _)| key.starts_with(prefix))
                .filter(|(key, _, _)| long_enough(key))
                .map(|(key, order, rev)| (*order, key.as_str(), *rev)),
        );
        found.sort_unstable();
        found.into_iter().map(|(_, key, rev)| (key, rev)).collect()
    }

    /// Everything sharing a line with `of`: the revisions themselves, their ancestors and
    /// their descendants (through `down_revision`, plus `depends_on` when `with_deps`).
    pub(super) fn lineage_of(&self, of: &[usize], with_deps: bool) -> Vec<bool> {
        let (down, up) = if with_deps {
            (&self.normalized_down, &self.all_children)
        } else {
            (&self.parents, &self.children)
        };
        let mut below = super::build::reachable(self.len(), of, down);
        let above = super::build::reachable(self.len(), of, up);
        for (b, a) in below.iter_mut().zip(above) {
            *b |= a;
        }
        below
    }

    /// `filter_for_lineage`: the `targets` that share a line with what `check_against` names.
    pub(super) fn filter_for_lineage(
        &self,
        targets: &[usize],
        check_against: &str,
        with_deps: bool,
    ) -> RevResult<Vec<usize>> {
        let (ids, branch) = self.resolve_revision_number(check_against)?;
        let shares: Vec<&str> = branch
            .into_iter()
            .chain(ids.iter().map(String::as_str))
            .collect();
        if shares.is_empty() || targets.is_empty() {
            return Ok(targets.to_vec());
        }
        let mut against = Vec::with_capacity(shares.len());
        for name in shares {
            if let Some(i) = self.revision_for_ident(Some(name), None)? {
                against.push(i);
            }
        }
        let lineage = self.lineage_of(&against, with_deps);
        Ok(targets.iter().copied().filter(|&t| lineage[t]).collect())
    }

    /// `_walk`: `steps` up (children through `down_revision`, optionally only those on
    /// `branch`) or down (parents). An overwalk gives `Nothing` with `no_overwalk`, else stops.
    pub(super) fn walk(
        &self,
        start: Pos,
        steps: i64,
        branch: Option<&str>,
        no_overwalk: bool,
    ) -> RevResult<Pos> {
        let mut at = start;
        for _ in 0..steps.unsigned_abs() {
            let next: Vec<Pos> = if steps > 0 {
                let up: Vec<usize> = match at {
                    Pos::Rev(i) => self.children[i].to_vec(),
                    Pos::Nothing | Pos::Base => self.bases.clone(),
                };
                let up = match branch {
                    Some(b) => self.filter_for_lineage(&up, b, false)?,
                    None => up,
                };
                up.into_iter().map(Pos::Rev).collect()
            } else {
                match at {
                    Pos::Base => Vec::new(),
                    Pos::Nothing => self.heads.iter().map(|&h| Pos::Rev(h)).collect(),
                    Pos::Rev(i) if self.parents[i].is_empty() => vec![Pos::Base],
                    Pos::Rev(i) => self.parents[i].iter().map(|&p| Pos::Rev(p)).collect(),
                }
            };
            match next.as_slice() {
                [] => return Ok(if no_overwalk { Pos::Nothing } else { at }),
                [one] => at = *one,
                _ => return Err(RevErr::other("Ambiguous walk")),
            }
        }
        Ok(at)
    }

    /// `get_revision` as a walk start.
    pub(super) fn start_of(&self, argument: &str) -> RevResult<Pos> {
        Ok(self.get_revision(argument)?.map_or(Pos::Nothing, Pos::Rev))
    }
}
