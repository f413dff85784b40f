//! Unit tests of the revision graph, with expected values from
//! `shared/reference/alembic-semantics.md` and `alembic-transcript.md` (real Alembic 1.20.1).

use std::path::PathBuf;

use super::*;
use crate::error::Error;

// The sample graph of the reference:
// A ── B ──┬── C ──┬── M        S1[sqlite] ── S2        P1[postgres] ── P2 (depends_on B)
//          └── D ──┘
const A: &str = "3f2a9c1d0e01";
const B: &str = "7b41e2d9c3a4";
const C: &str = "c0ffee01a1b2";
const D: &str = "c0ffee02d3e4";
const M: &str = "e9f8d7c6b5a4";
const S1: &str = "5e6f7a8b9c0d";
const S2: &str = "2d4c6b8a0f1e";
const P1: &str = "9d8c7b6a5f4e";
const P2: &str = "a1b2c3d4e5f6";

const MULTIPLE_HEAD: &str = "Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads";

fn rev(id: &str, down: &[&str]) -> Revision {
    Revision {
        id: id.to_string(),
        down_revisions: strings(down),
        branch_labels: Vec::new(),
        depends_on: Vec::new(),
        message: format!("message of {id}"),
        create_date: None,
        path: Some(PathBuf::from(format!("versions/{id}_x.py"))),
    }
}

fn labelled(mut r: Revision, labels: &[&str]) -> Revision {
    r.branch_labels = strings(labels);
    r
}

fn depending(mut r: Revision, deps: &[&str]) -> Revision {
    r.depends_on = strings(deps);
    r
}

fn strings(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

/// The sample project, in file-visit order (sorted file names).
fn sample() -> RevisionMap {
    RevisionMap::new(vec![
        rev(S2, &[S1]),
        rev(A, &[]),
        labelled(rev(S1, &[]), &["sqlite"]),
        rev(B, &[A]),
        labelled(rev(P1, &[]), &["postgres"]),
        depending(rev(P2, &[P1]), &[B]),
        rev(C, &[B]),
        rev(D, &[B]),
        rev(M, &[C, D]),
    ])
    .expect("sample graph is valid")
}

fn revs(plan: &Plan) -> Vec<&str> {
    plan.steps.iter().map(|s| s.revision.as_str()).collect()
}

fn up(map: &RevisionMap, rows: &[&str], target: &str) -> Plan {
    map.upgrade_plan(&strings(rows), target)
        .unwrap_or_else(|e| panic!("upgrade {target} from {rows:?}: {e}"))
}

fn down(map: &RevisionMap, rows: &[&str], target: &str) -> Plan {
    map.downgrade_plan(&strings(rows), target)
        .unwrap_or_else(|e| panic!("downgrade {target} from {rows:?}: {e}"))
}

fn stamp(map: &RevisionMap, rows: &[&str], targets: &[&str], purge: bool) -> Plan {
    map.stamp_plan(&strings(rows), &strings(targets), purge)
        .unwrap_or_else(|e| panic!("stamp {targets:?} from {rows:?}: {e}"))
}

fn sorted(ids: &[&str]) -> Vec<String> {
    let mut v = strings(ids);
    v.sort();
    v
}

fn insert(r: &str) -> RowChange {
    RowChange::Insert {
        revision: r.to_string(),
    }
}

fn update(from: &str, to: &str) -> RowChange {
    RowChange::Update {
        from: from.to_string(),
        to: to.to_string(),
    }
}

fn delete(r: &str) -> RowChange {
    RowChange::Delete {
        revision: r.to_string(),
    }
}

/// (kind, message, detail) of an error.
fn parts(e: &Error) -> (&'static str, String, String) {
    let detail = match e {
        Error::Resolution { detail, .. } => detail.clone(),
        _ => String::new(),
    };
    (e.kind(), e.to_string(), detail)
}

fn up_err(map: &RevisionMap, rows: &[&str], target: &str) -> Error {
    match map.upgrade_plan(&strings(rows), target) {
        Ok(plan) => panic!(
            "upgrade {target} from {rows:?} should fail, got {:?}",
            revs(&plan)
        ),
        Err(e) => e,
    }
}

fn down_err(map: &RevisionMap, rows: &[&str], target: &str) -> Error {
    match map.downgrade_plan(&strings(rows), target) {
        Ok(plan) => panic!(
            "downgrade {target} from {rows:?} should fail, got {:?}",
            revs(&plan)
        ),
        Err(e) => e,
    }
}

fn graph_err(revisions: Vec<Revision>) -> String {
    match RevisionMap::new(revisions) {
        Ok(_) => panic!("graph should be refused"),
        Err(e) => {
            assert_eq!(e.kind(), "graph", "{e}");
            e.to_string()
        }
    }
}

/// Applies a plan's row changes to `rows`, checking each one is possible, and compares the
/// result with `final_rows`.
fn check_row_changes(rows: &[&str], plan: &Plan) {
    let mut state = strings(rows);
    for step in &plan.steps {
        for change in &step.row_changes {
            match change {
                RowChange::Insert { revision } => {
                    assert!(
                        !state.contains(revision),
                        "insert of present row {revision}"
                    );
                    state.push(revision.clone());
                }
                RowChange::Update { from, to } => {
                    let slot = state.iter().position(|r| r == from);
                    let slot = slot.unwrap_or_else(|| panic!("update of absent row {from}"));
                    assert!(!state.contains(to), "update to present row {to}");
                    state[slot] = to.clone();
                }
                RowChange::Delete { revision } => {
                    let before = state.len();
                    state.retain(|r| r != revision);
                    assert_eq!(before - 1, state.len(), "delete of absent row {revision}");
                }
            }
        }
    }
    state.sort();
    assert_eq!(state, plan.final_rows);
}

// ---------------------------------------------------------------------------------------------
// R8–R12: the graph

#[test]
fn r44_history_order_matches_alembic() {
    let map = sample();
    assert_eq!(map.history_order(), vec![S2, S1, P2, P1, M, C, D, B, A]);
    assert_eq!(
        map.history(None, &[]).unwrap(),
        strings(&[S2, S1, P2, P1, M, C, D, B, A])
    );
}

#[test]
fn r8_r9_r10_heads_bases_branch_and_merge_points() {
    let map = sample();
    assert_eq!(map.len(), 9);
    assert!(!map.is_empty());
    assert_eq!(map.heads(), vec![S2, P2, M]);
    assert_eq!(map.real_heads(), vec![S2, P2, M]);
    assert_eq!(map.bases(), vec![A, S1, P1]);
    assert!(map.is_head(M) && map.is_head(S2) && !map.is_head(B));
    assert!(map.is_base(A) && map.is_base(P1) && !map.is_base(P2));
    assert!(map.is_branch_point(B) && !map.is_branch_point(A));
    assert!(map.is_merge_point(M) && !map.is_merge_point(P2));
    assert!(!map.is_effective_head(M));
    assert_eq!(map.children(B), vec![C, D]);
    assert_eq!(map.children(M), Vec::<&str>::new());
    assert_eq!(map.dependents(B), vec![P2]);
    // depends_on does not make a branch point (R10).
    assert_eq!(map.branch_points(), vec![(B.to_string(), strings(&[C, D]))]);
    assert_eq!(map.get(M).map(|r| r.down_revisions.len()), Some(2));
    assert!(map.get("nope").is_none());
    let ids: Vec<&str> = map.revisions().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, vec![S2, A, S1, B, P1, P2, C, D, M]);
}

#[test]
fn r8_effective_head() {
    // Phase 13, project `eff`.
    let (x, y) = ("eeee00000001", "eeee00000002");
    let map = RevisionMap::new(vec![
        labelled(rev(x, &[]), &["lx"]),
        depending(rev(y, &[]), &[x]),
    ])
    .unwrap();
    assert_eq!(map.heads(), vec![x, y]);
    assert_eq!(map.real_heads(), vec![y]);
    assert!(map.is_effective_head(x));
    assert!(!map.is_effective_head(y));
    assert_eq!(map.history_order(), vec![y, x]);
    assert_eq!(map.resolve("heads").unwrap(), strings(&[y]));

    let (kind, message, _) = parts(&up_err(&map, &[], "head"));
    assert_eq!((kind, message.as_str()), ("multiple_heads", MULTIPLE_HEAD));

    let plan = up(&map, &[], "heads");
    assert_eq!(revs(&plan), vec![x, y]);
    assert_eq!(plan.final_rows, strings(&[y]));
    check_row_changes(&[], &plan);
    assert_eq!(
        map.current_effective(&strings(&[y])).unwrap(),
        strings(&[x, y])
    );

    let plan = down(&map, &[y], "lx@base");
    assert_eq!(revs(&plan), vec![y, x]);
    assert!(plan.final_rows.is_empty());
    check_row_changes(&[y], &plan);
}

#[test]
fn r11_labels_propagate_to_descendants_and_ancestors() {
    let map = sample();
    assert_eq!(map.branch_labels(S1), strings(&["sqlite"]));
    assert_eq!(map.branch_labels(S2), strings(&["sqlite"]));
    assert_eq!(map.branch_labels(P1), strings(&["postgres"]));
    assert_eq!(map.branch_labels(P2), strings(&["postgres"]));
    for id in [A, B, C, D, M] {
        assert!(map.branch_labels(id).is_empty(), "{id}");
    }

    // Phase 13, project `lbl`: the label reaches the ancestor too.
    let (x1, x2, x3) = ("11110000aaaa", "22220000aaaa", "33330000aaaa");
    let map = RevisionMap::new(vec![
        rev(x1, &[]),
        labelled(rev(x2, &[x1]), &["L"]),
        rev(x3, &[x2]),
    ])
    .unwrap();
    for id in [x1, x2, x3] {
        assert_eq!(map.branch_labels(id), strings(&["L"]), "{id}");
    }

    // The walk to the ancestors stops at a branch point.
    let map = RevisionMap::new(vec![
        rev("aaaa0001", &[]),
        rev("aaaa0002", &["aaaa0001"]),
        rev("aaaa0003", &["aaaa0002"]),
        labelled(rev("aaaa0004", &["aaaa0003"]), &["L"]),
        rev("aaaa0005", &["aaaa0002"]),
    ])
    .unwrap();
    assert_eq!(map.branch_labels("aaaa0004"), strings(&["L"]));
    assert_eq!(map.branch_labels("aaaa0003"), strings(&["L"]));
    for id in ["aaaa0001", "aaaa0002", "aaaa0005"] {
        assert!(map.branch_labels(id).is_empty(), "{id}");
    }
}

#[test]
fn r11_labels_flow_through_merges() {
    // Phase 11: merging heads labelled postgres, foo and sqlite (twice).
    let map = RevisionMap::new(phase11(true)).unwrap();
    assert_eq!(
        map.branch_labels("0123456789ab"),
        strings(&["foo", "postgres", "sqlite"])
    );
    assert_eq!(map.heads(), vec!["0123456789ab"]);
}

#[test]
fn r12_depends_on_orders_without_parenting() {
    let map = sample();
    assert!(!map.children(B).contains(&P2));
    let plan = up(&map, &[], "postgres@head");
    assert_eq!(revs(&plan), vec![A, B, P1, P2]);
    // R30: depends_on targets are not listed in the step's parents.
    assert_eq!(plan.steps[3].from, strings(&[P1]));
    assert_eq!(plan.steps[3].to, strings(&[P2]));
}

#[test]
fn r12_redundant_dependencies_are_normalised() {
    // Y depends on X, and so does its child Z: Z's own dependency is implied by Y.
    let map = RevisionMap::new(vec![
        rev("1111aaaa", &[]),
        depending(rev("2222aaaa", &[]), &["1111aaaa"]),
        depending(rev("3333aaaa", &["2222aaaa"]), &["1111aaaa"]),
    ])
    .unwrap();
    assert_eq!(map.normalized_down[2].to_vec(), vec![1]);
    assert_eq!(map.normalized_down[1].to_vec(), vec![0]);
    let plan = up(&map, &[], "heads");
    assert_eq!(revs(&plan), vec!["1111aaaa", "2222aaaa", "3333aaaa"]);
    assert_eq!(plan.final_rows, strings(&["3333aaaa"]));
    check_row_changes(&[], &plan);
}

// ---------------------------------------------------------------------------------------------
// R3, R4, R7: broken projects

#[test]
fn r7_duplicate_ids_are_refused_with_both_paths() {
    let mut second = rev(A, &[]);
    second.path = Some(PathBuf::from("versions/other.py"));
    let text = graph_err(vec![rev(A, &[]), second]);
    assert!(
        text.starts_with(&format!("Revision {A} is present more than once")),
        "{text}"
    );
    assert!(text.contains(&format!("versions/{A}_x.py")), "{text}");
    assert!(text.contains("versions/other.py"), "{text}");
}

#[test]
fn r7_missing_parent_or_dependency() {
    let text = graph_err(vec![rev("bbbb00000001", &["ffff00000000"])]);
    assert!(
        text.starts_with(
            "Revision ffff00000000 referenced from bbbb00000001 is not present; fix the down_revision of bbbb00000001"
        ),
        "{text}"
    );
    let text = graph_err(vec![depending(rev("bbbb00000001", &[]), &["nolabel"])]);
    assert!(
        text.starts_with(
            "Revision nolabel referenced from bbbb00000001 is not present; fix the depends_on"
        ),
        "{text}"
    );
}

#[test]
fn r7_cycles() {
    let text = graph_err(vec![
        rev("aaaa00000001", &[]),
        rev("cccc00000001", &["cccc00000002"]),
        rev("cccc00000002", &["cccc00000001"]),
    ]);
    assert!(
        text.starts_with("Cycle is detected in revisions (cccc00000001, cccc00000002)"),
        "{text}"
    );
    // A loop between a base and a head, which Alembic's own check misses.
    let text = graph_err(vec![
        rev("aaaa0001", &[]),
        rev("bbbb0001", &["aaaa0001"]),
        rev("cccc0001", &["bbbb0001", "dddd0001"]),
        rev("dddd0001", &["cccc0001"]),
        rev("eeee0001", &["cccc0001"]),
    ]);
    assert!(
        text.starts_with("Cycle is detected in revisions (cccc0001, dddd0001)"),
        "{text}"
    );
    let text = graph_err(vec![rev("aaaa0001", &["aaaa0001"])]);
    assert!(
        text.starts_with("Self-loop is detected in revisions (aaaa0001)"),
        "{text}"
    );
    let text = graph_err(vec![
        depending(rev("aaaa0001", &[]), &["bbbb0001"]),
        depending(rev("bbbb0001", &[]), &["aaaa0001"]),
    ]);
    assert!(
        text.starts_with("Dependency cycle is detected in revisions (aaaa0001, bbbb0001)"),
        "{text}"
    );
}

#[test]
fn r7_label_used_twice() {
    let text = graph_err(vec![
        labelled(rev("aaaa11110000", &[]), &["sqlite"]),
        labelled(rev("abcd00000000", &[]), &["sqlite"]),
    ]);
    assert!(
        text.starts_with(
            "Branch name 'sqlite' in revision abcd00000000 already used by revision aaaa11110000"
        ),
        "{text}"
    );
    // A label may not repeat a revision id either (they share Alembic's map).
    let text = graph_err(vec![
        rev("aaaa11110000", &[]),
        labelled(rev("bbbb", &[]), &["aaaa11110000"]),
    ]);
    assert!(
        text.starts_with(
            "Branch name 'aaaa11110000' in revision bbbb already used by revision aaaa11110000"
        ),
        "{text}"
    );
}

#[test]
fn r3_r4_bad_ids_and_empty_down_revision() {
    let text = graph_err(vec![rev("ab-cd", &[])]);
    assert!(
        text.starts_with("Character(s) '-' not allowed in revision identifier 'ab-cd'"),
        "{text}"
    );
    let text = graph_err(vec![rev("a+b:c", &[])]);
    assert!(
        text.starts_with("Character(s) '+, :' not allowed in revision identifier 'a+b:c'"),
        "{text}"
    );
    let text = graph_err(vec![rev("44440000aaaa", &[""])]);
    assert!(text.contains("empty down_revision"), "{text}");
    let text = graph_err(vec![
        labelled(rev("aaaa0001", &[]), &["L"]),
        rev("bbbb0001", &["L"]),
    ]);
    assert!(
        text.contains("names branch label 'L' in down_revision"),
        "{text}"
    );

    assert!(check_revision_id("ab@cd")
        .unwrap_err()
        .to_string()
        .starts_with("Character(s) '@' not allowed in revision identifier 'ab@cd'"));
    assert!(check_revision_id("3f2a9c1d0e01").is_ok());

    // `down_revision = []` is a base (R4).
    let map = RevisionMap::new(vec![rev("44440000aaaa", &[])]).unwrap();
    assert_eq!(map.bases(), vec!["44440000aaaa"]);
    assert!(RevisionMap::new(Vec::new()).unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// R13–R17: resolving arguments

#[test]
fn r13_r14_r17_resolution() {
    let map = sample();
    let r = |arg: &str| map.resolve(arg).unwrap_or_else(|e| panic!("{arg}: {e}"));
    assert_eq!(r("heads"), strings(&[S2, P2, M]));
    assert!(r("base").is_empty());
    assert_eq!(r(M), strings(&[M]));
    // A bare label is the revision declaring it (R14).
    assert_eq!(r("sqlite"), strings(&[S1]));
    // Any prefix length works if unique; keys include labels.
    assert_eq!(r("3"), strings(&[A]));
    assert_eq!(r("a1b2"), strings(&[P2]));
    assert_eq!(r("sqli"), strings(&[S1]));
    assert_eq!(r("sqlite@head"), strings(&[S2]));
    assert_eq!(r("postgres@head"), strings(&[P2]));
    assert_eq!(r("sqlite@heads"), strings(&[S2]));
    assert!(r("sqlite@base").is_empty());
    assert_eq!(r("sqlite@5e6f"), strings(&[S1]));
    assert_eq!(r(&format!("{B}@head")), strings(&[M]));
    assert_eq!(r("c0ffee01a1b2@heads"), strings(&[M]));
}

#[test]
fn r15_resolution_errors() {
    let map = sample();
    let cases = [
        ("deadbeef0000", "deadbeef0000", "No such revision or branch 'deadbeef0000'"),
        (
            "zz",
            "zz",
            "No such revision or branch 'zz'; please ensure at least four characters are present for partial revision identifier matches",
        ),
        (
            "c0ffee0",
            "c0ffee0",
            "Multiple revisions start with 'c0ffee0': 'c0ffee01a1b2', 'c0ffee02d3e4'...",
        ),
        (
            "c0f",
            "c0f",
            "Multiple revisions start with 'c0f': 'c0ffee01a1b2', 'c0ffee02d3e4'...",
        ),
        (
            "sqlite@c0ffee01a1b2",
            "c0ffee01a1b2",
            "Revision c0ffee01a1b2 is not a member of branch 'sqlite'",
        ),
        ("nosuchbranch@head", "nosuchbranch", "No such revision or branch 'nosuchbranch'"),
        ("nosuch@abcd", "nosuch", "No such branch: 'nosuch'"),
    ];
    for (arg, named, detail) in cases {
        for e in [map.resolve(arg).unwrap_err(), up_err(&map, &[], arg)] {
            let (kind, message, got_detail) = parts(&e);
            assert_eq!(kind, "resolution", "{arg}");
            assert_eq!(
                message,
                format!("Can't locate revision identified by '{named}'"),
                "{arg}"
            );
            assert_eq!(got_detail, detail, "{arg}");
        }
    }
}

#[test]
fn r15_unknown_rows_block_every_plan() {
    let map = sample();
    let rows = [A, S1, "ffffffffffff"];
    let expected = "Can't locate revision identified by 'ffffffffffff'";
    let errors = [
        up_err(&map, &rows, "heads"),
        down_err(&map, &rows, "base"),
        map.stamp_plan(&strings(&rows), &strings(&["heads"]), false)
            .unwrap_err(),
        map.current_effective(&strings(&rows)).unwrap_err(),
        map.history(Some("current:"), &strings(&rows)).unwrap_err(),
    ];
    for e in errors {
        assert_eq!(e.kind(), "resolution");
        assert_eq!(e.to_string(), expected);
    }
    // `history` without `current` ignores the rows.
    assert_eq!(map.history(None, &strings(&rows)).unwrap().len(), 9);
}

#[test]
fn r16_several_heads_texts() {
    let map = sample();
    let (kind, message, _) = parts(&up_err(&map, &[], "head"));
    assert_eq!((kind, message.as_str()), ("multiple_heads", MULTIPLE_HEAD));
    let (_, message, _) = parts(&down_err(&map, &[M], "head"));
    assert_eq!(message, MULTIPLE_HEAD);
    let (kind, message, _) = parts(&map.resolve("head").unwrap_err());
    assert_eq!((kind, message.as_str()), ("multiple_heads", MULTIPLE_HEAD));
    let (_, message, _) = parts(&map.history(Some("base:head"), &[]).unwrap_err());
    assert_eq!(message, MULTIPLE_HEAD);

    let (_, message, _) = parts(&down_err(&map, &[S2, P2, M], "heads"));
    assert_eq!(message, "Multiple head revisions are present for given argument 'heads'; please specify a specific target revision, '<branchname>@heads' to narrow to a specific head, or 'heads' for all heads");
    let (_, message, _) = parts(&up_err(&map, &[], "heads-1"));
    assert_eq!(message, "Multiple head revisions are present for given argument 'heads-1'; please specify a specific target revision, '<branchname>@heads-1' to narrow to a specific head, or 'heads' for all heads");

    let e = map.stamp_plan(&[], &strings(&["head"]), false).unwrap_err();
    assert_eq!(
        parts(&e).1,
        "Multiple heads are present; please specify a single target revision"
    );
    let e = map.new_revision_parents(None, false).unwrap_err();
    assert_eq!(e.kind(), "multiple_heads");
    assert_eq!(
        e.to_string(),
        "Multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge."
    );
}

// ---------------------------------------------------------------------------------------------
// R18–R24: relative identifiers

#[test]
fn r18_relative_syntax() {
    use super::resolve::parse_relative;
    let p = |s| parse_relative(s).map(|r| (r.branch, r.symbol, r.written, r.steps));
    assert_eq!(p("+2"), Some((None, None, "+2", 2)));
    assert_eq!(p("-1"), Some((None, None, "-1", -1)));
    assert_eq!(p("sqlite@+1"), Some((Some("sqlite"), None, "+1", 1)));
    assert_eq!(p("3f2a+1"), Some((None, Some("3f2a"), "+1", 1)));
    assert_eq!(
        p("c0ffee01a1b2-1"),
        Some((None, Some("c0ffee01a1b2"), "-1", -1))
    );
    assert_eq!(
        p("sqlite@head-1"),
        Some((Some("sqlite"), Some("head"), "-1", -1))
    );
    assert_eq!(p("heads@+1"), Some((Some("heads"), None, "+1", 1)));
    assert_eq!(p("a@b@+1"), Some((Some("a@b"), None, "+1", 1)));
    assert_eq!(p("ab-cd"), None);
    assert_eq!(p(M), None);
    assert_eq!(p("sqlite@head"), None);
}

#[test]
fn r19_upgrade_plus_n() {
    let map = sample();
    // From C, `+1` targets M and applies D first.
    let plan = up(&map, &[C], "+1");
    assert_eq!(revs(&plan), vec![D, M]);
    assert_eq!(plan.final_rows, strings(&[M]));
    check_row_changes(&[C], &plan);

    let text = |e: Error| e.to_string();
    assert_eq!(text(up_err(&map, &[], "+1")), "Ambiguous walk");
    assert_eq!(
        text(up_err(&map, &[S1, B, P1], "+1")),
        "Ambiguous upgrade from multiple current revisions"
    );
    assert_eq!(
        text(up_err(&map, &[S1, B, P1], "heads@+1")),
        "Ambiguous upgrade from multiple current revisions"
    );
    assert_eq!(
        text(up_err(&map, &[S1], "+2")),
        "Relative revision +2 didn't produce 2 migrations"
    );
    assert_eq!(up_err(&map, &[S1], "+2").kind(), "command");
}

#[test]
fn r20_upgrade_branch_plus_n() {
    let map = sample();
    let plan = up(&map, &[A], "sqlite@+1");
    assert_eq!(revs(&plan), vec![S1]);
    assert_eq!(plan.final_rows, sorted(&[A, S1]));

    let plan = up(&map, &[], "sqlite@+2");
    assert_eq!(revs(&plan), vec![S1, S2]);
    assert_eq!(plan.final_rows, strings(&[S2]));

    let plan = up(&map, &[S1], "postgres@+1");
    assert_eq!(revs(&plan), vec![P1]);
    assert_eq!(plan.final_rows, sorted(&[S1, P1]));

    let plan = up(&map, &[S1, B, P1], "sqlite@+1");
    assert_eq!(revs(&plan), vec![S2]);
    assert_eq!(plan.final_rows, sorted(&[S2, B, P1]));
    check_row_changes(&[S1, B, P1], &plan);
}

#[test]
fn r21_relative_to_a_symbol() {
    let map = sample();
    let plan = up(&map, &[S1, P1], "3f2a+1");
    assert_eq!(revs(&plan), vec![A, B]);
    assert_eq!(plan.final_rows, sorted(&[S1, B, P1]));
    assert_eq!(
        up_err(&map, &[S1, P1], "3f2a+2").to_string(),
        "Ambiguous walk"
    );
    // Already satisfied: nothing runs.
    for target in ["c0ffee01a1b2-1", "sqlite@head-1", "sqlite"] {
        let plan = up(&map, &[S1, B, P1], target);
        assert!(plan.steps.is_empty(), "{target}");
        assert_eq!(plan.final_rows, sorted(&[S1, B, P1]));
    }
    // The targets themselves.
    assert_eq!(revs(&up(&map, &[], "c0ffee01a1b2-1")), vec![A, B]);
    assert_eq!(revs(&up(&map, &[], "sqlite@head-1")), vec![S1]);
    // Walking below the first revision leaves nothing to do.
    assert!(up(&map, &[], "3f2a-1").steps.is_empty());
}

#[test]
fn r22_downgrade_minus_n() {
    let map = sample();
    // Several rows: refused (Alembic picks whichever row the database returns first).
    let e = down_err(&map, &[S2, P2, M], "-1");
    assert_eq!(e.kind(), "command");
    assert!(e.to_string().contains("ambiguous"), "{e}");
    assert!(
        e.to_string().contains(S2) && e.to_string().contains(M),
        "{e}"
    );

    let plan = down(&map, &[B], "-1");
    assert_eq!(revs(&plan), vec![B]);
    assert_eq!(plan.final_rows, strings(&[A]));
    assert_eq!(plan.steps[0].from, strings(&[B]));
    assert_eq!(plan.steps[0].to, strings(&[A]));

    assert_eq!(down_err(&map, &[M], "-1").to_string(), "Ambiguous walk");
    assert_eq!(
        down_err(&map, &[A], "-2").to_string(),
        "Relative revision -2 didn't produce 2 migrations"
    );
    assert_eq!(
        down_err(&map, &[], "-1").to_string(),
        "Relative revision -1 didn't produce 1 migrations"
    );
    let plan = down(&map, &[A], "-1");
    assert_eq!(revs(&plan), vec![A]);
    assert!(plan.final_rows.is_empty());
}

#[test]
fn r23_downgrade_branch_minus_n() {
    let map = sample();
    let plan = down(&map, &[S2, M, P2], "sqlite@-1");
    assert_eq!(revs(&plan), vec![S2]);
    assert_eq!(plan.steps[0].row_changes, vec![update(S2, S1)]);
    assert_eq!(plan.final_rows, sorted(&[S1, M, P2]));

    let plan = down(&map, &[S1, B, P1], "postgres@-1");
    assert_eq!(revs(&plan), vec![P1]);
    assert_eq!(plan.steps[0].row_changes, vec![delete(P1)]);
    assert_eq!(plan.final_rows, sorted(&[S1, B]));

    let e = down_err(&map, &[M], "sqlite@-1");
    assert_eq!(e.kind(), "command");
    assert!(
        e.to_string().starts_with("Branch 'sqlite' is not applied"),
        "{e}"
    );
}

#[test]
fn r24_meaningless_directions() {
    let map = sample();
    assert_eq!(
        down_err(&map, &[M], "+1").to_string(),
        "Relative revision +1 didn't produce 1 migrations"
    );
    assert_eq!(
        up_err(&map, &[M], "-1").to_string(),
        "Relative revision -1 didn't produce 1 migrations"
    );
    assert_eq!(
        down_err(&map, &[S2, P2, M], "e9f8d7c6b5a4+1").to_string(),
        "Walked too far"
    );
    assert_eq!(
        down_err(&map, &[S2, B, P1], "e9f8-1").to_string(),
        "Ambiguous walk"
    );
}

// ---------------------------------------------------------------------------------------------
// R25, R43: history ranges

#[test]
fn r25_r43_history_ranges() {
    let map = sample();
    let h = |range: &str, rows: &[&str]| {
        map.history(Some(range), &strings(rows))
            .unwrap_or_else(|e| panic!("{range}: {e}"))
    };
    assert_eq!(
        h("base:heads", &[]),
        strings(&[S2, S1, P2, P1, M, C, D, B, A])
    );
    assert_eq!(h(&format!("{B}:"), &[]), strings(&[M, C, D, B]));
    assert_eq!(h(&format!(":{D}"), &[]), strings(&[D, B, A]));
    assert_eq!(h("sqlite@base:sqlite@head", &[]), strings(&[S2, S1]));
    assert_eq!(h("current:", &[C]), strings(&[M, C]));
    assert_eq!(h(":current", &[C]), strings(&[C, B, A]));
    assert_eq!(h("current:", &[]).len(), 9);
    assert_eq!(h(&format!("{A}:{B}"), &[]), strings(&[B, A]));

    for bad in [B, "a:b:c"] {
        let e = map.history(Some(bad), &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "History range requires [start]:[end], [start]:, or :[end]"
        );
    }
    let e = map.history(Some(&format!("{S1}:{M}")), &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("Requested range {S1}:{M} does not refer to ancestor/descendant revisions along the same branch")
    );
}

// ---------------------------------------------------------------------------------------------
// R26–R29, R33–R36: plans and version rows

#[test]
fn r26_r33_upgrade_heads_from_empty() {
    let map = sample();
    let plan = up(&map, &[], "heads");
    assert_eq!(revs(&plan), vec![A, B, D, C, M, P1, P2, S1, S2]);
    let changes: Vec<Vec<RowChange>> = plan.steps.iter().map(|s| s.row_changes.clone()).collect();
    // As in the transcript's `upgrade heads --sql`.
    assert_eq!(
        changes,
        vec![
            vec![insert(A)],
            vec![update(A, B)],
            vec![update(B, D)],
            vec![insert(C)],
            vec![delete(C), update(D, M)],
            vec![insert(P1)],
            vec![update(P1, P2)],
            vec![insert(S1)],
            vec![update(S1, S2)],
        ]
    );
    assert_eq!(plan.final_rows, sorted(&[S2, P2, M]));
    let merge = &plan.steps[4];
    assert_eq!(merge.direction, Direction::Up);
    assert_eq!(merge.from, strings(&[C, D]));
    assert_eq!(merge.to, strings(&[M]));
    assert_eq!(plan.steps[0].from, Vec::<String>::new());
    check_row_changes(&[], &plan);
}

#[test]
fn r26_upgrade_orders_from_the_transcript() {
    let map = sample();
    let plan = up(&map, &[S2, A], "e9f8");
    assert_eq!(revs(&plan), vec![B, D, C, M]);
    assert_eq!(plan.final_rows, sorted(&[S2, M]));
    check_row_changes(&[S2, A], &plan);

    let plan = up(&map, &[M], "sqlite@head");
    assert_eq!(revs(&plan), vec![S1, S2]);
    assert_eq!(plan.final_rows, sorted(&[S2, M]));

    let plan = up(&map, &[S2, M], "heads");
    assert_eq!(revs(&plan), vec![P1, P2]);
    assert_eq!(plan.final_rows, sorted(&[S2, P2, M]));
    check_row_changes(&[S2, M], &plan);

    // `upgrade sqlite` runs only S1 (R14).
    assert_eq!(revs(&up(&map, &[], "sqlite")), vec![S1]);
    // Already satisfied.
    let plan = up(&map, &[M], C);
    assert!(plan.steps.is_empty());
    assert_eq!(plan.final_rows, strings(&[M]));
}

#[test]
fn r27_overlapping_rows() {
    let map = sample();
    for rows in [[A, B], [B, A]] {
        let e = up_err(&map, &rows, "heads");
        assert_eq!(
            e.to_string(),
            format!("Requested revision {B} overlaps with other requested revisions {A}")
        );
    }
}

#[test]
fn r28_downgrade_plans() {
    let map = sample();
    let plan = down(&map, &[S2, P2], A);
    assert_eq!(revs(&plan), vec![P2, B]);
    assert_eq!(plan.steps[0].row_changes, vec![insert(P1), update(P2, B)]);
    assert_eq!(plan.steps[1].row_changes, vec![update(B, A)]);
    assert_eq!(plan.final_rows, sorted(&[S2, A, P1]));
    check_row_changes(&[S2, P2], &plan);

    let plan = down(&map, &[S1, P2, M], "base");
    assert_eq!(revs(&plan), vec![S1, P2, P1, M, C, D, B, A]);
    assert!(plan.final_rows.is_empty());
    check_row_changes(&[S1, P2, M], &plan);

    let plan = down(&map, &[S2, C, D], "base");
    assert_eq!(revs(&plan), vec![S2, S1, C, D, B, A]);
    check_row_changes(&[S2, C, D], &plan);

    let plan = down(&map, &[S2, A, P1], "postgres@base");
    assert_eq!(revs(&plan), vec![P1]);
    assert_eq!(plan.final_rows, sorted(&[S2, A]));

    let plan = down(&map, &[S2, C, D], D);
    assert!(plan.steps.is_empty());
    assert_eq!(plan.final_rows, sorted(&[S2, C, D]));

    let plan = down(&map, &[S2, B], "sqlite@base");
    assert_eq!(revs(&plan), vec![S2, S1]);
    assert_eq!(plan.final_rows, strings(&[B]));

    let e = down_err(&map, &[S2, P2], B);
    assert_eq!(e.kind(), "command");
    assert_eq!(
        e.to_string(),
        format!("Destination {B} is not a valid downgrade target from current head(s)")
    );
    let target = format!("sqlite@{S1}");
    let e = down_err(&map, &[M], &target);
    assert_eq!(
        e.to_string(),
        format!("Destination {target} is not a valid downgrade target from current head(s)")
    );
}

#[test]
fn r29_merge_up_and_down() {
    let map = sample();
    let plan = down(&map, &[S2, M], C);
    assert_eq!(revs(&plan), vec![M]);
    let step = &plan.steps[0];
    assert_eq!(step.direction, Direction::Down);
    assert_eq!(step.from, strings(&[M]));
    assert_eq!(step.to, strings(&[C, D]));
    assert_eq!(step.row_changes, vec![insert(C), update(M, D)]);
    assert_eq!(plan.final_rows, sorted(&[S2, C, D]));

    let plan = up(&map, &[C, D, S2], M);
    assert_eq!(revs(&plan), vec![M]);
    assert_eq!(plan.steps[0].row_changes, vec![delete(C), update(D, M)]);

    let plan = down(&map, &[M], A);
    assert_eq!(revs(&plan), vec![M, C, D, B]);
    check_row_changes(&[M], &plan);
}

#[test]
fn r34_reverting_a_revision_implied_by_another_row() {
    let map = sample();
    // Rows {C, D}: reverting C leaves only D, since B is an ancestor of D.
    let plan = down(&map, &[C, D], &format!("{C}@-1"));
    assert_eq!(revs(&plan), vec![C]);
    assert_eq!(plan.steps[0].row_changes, vec![delete(C)]);
    assert_eq!(plan.final_rows, strings(&[D]));
}

#[test]
fn r36_depends_on_collapses_rows() {
    let map = sample();
    let plan = up(&map, &[], "postgres@head");
    assert_eq!(plan.final_rows, strings(&[P2]));
    assert_eq!(plan.steps[3].row_changes, vec![delete(P1), update(B, P2)]);
    check_row_changes(&[], &plan);
    assert_eq!(
        map.current_effective(&strings(&[P2])).unwrap(),
        strings(&[B, P2])
    );
}

#[test]
fn r33_merge_step_with_a_dependency_already_below_a_parent() {
    // d7fa depends on lab0 (03ac), an ancestor of its own parent f9ec: that parent-like entry
    // is never a row. Alembic tries to UPDATE it and fails with KeyError('03ac85d659e2').
    let map = RevisionMap::new(vec![
        labelled(rev("03ac85d659e2", &[]), &["lab0"]),
        depending(
            rev("d7fa588c0fd5", &["f9ec6943fa2a"]),
            &["d9a400dd0954", "lab0"],
        ),
        rev("d9a400dd0954", &[]),
        rev("f9ec6943fa2a", &["03ac85d659e2"]),
    ])
    .unwrap();
    let plan = up(&map, &[], "heads");
    assert_eq!(
        revs(&plan),
        vec![
            "03ac85d659e2",
            "d9a400dd0954",
            "f9ec6943fa2a",
            "d7fa588c0fd5"
        ]
    );
    assert_eq!(
        plan.steps[3].row_changes,
        vec![
            delete("f9ec6943fa2a"),
            update("d9a400dd0954", "d7fa588c0fd5")
        ]
    );
    assert_eq!(plan.final_rows, strings(&["d7fa588c0fd5"]));
    check_row_changes(&[], &plan);
}

// ---------------------------------------------------------------------------------------------
// R37–R39: stamp

#[test]
fn r37_stamp_sequence_from_the_transcript() {
    let map = sample();
    let plan = stamp(&map, &[], &["heads"], false);
    assert_eq!(revs(&plan), vec![S2, P2, M]);
    assert!(plan
        .steps
        .iter()
        .all(|s| s.direction == Direction::Stamp && s.from.is_empty()));
    assert_eq!(plan.final_rows, sorted(&[S2, P2, M]));

    let plan = stamp(&map, &[S2, P2, M], &[B], false);
    assert_eq!(plan.steps.len(), 1);
    assert_eq!(plan.steps[0].from, strings(&[P2, M]));
    assert_eq!(plan.steps[0].to, strings(&[B]));
    assert_eq!(plan.steps[0].row_changes, vec![delete(P2), update(M, B)]);
    assert_eq!(plan.final_rows, sorted(&[S2, B]));

    let plan = stamp(&map, &[S2, B], &["sqlite@base"], false);
    assert_eq!(plan.steps.len(), 1);
    assert_eq!(plan.steps[0].revision, "");
    assert_eq!(plan.steps[0].from, strings(&[S2]));
    assert!(plan.steps[0].to.is_empty());
    assert_eq!(plan.final_rows, strings(&[B]));

    let plan = stamp(&map, &[B], &[C, D], false);
    assert_eq!(plan.steps[0].row_changes, vec![update(B, C)]);
    assert_eq!(plan.steps[1].row_changes, vec![insert(D)]);
    assert_eq!(plan.final_rows, sorted(&[C, D]));

    let plan = stamp(&map, &[C, D], &[M], false);
    assert_eq!(plan.steps[0].from, strings(&[C, D]));
    assert_eq!(plan.steps[0].row_changes, vec![delete(C), update(D, M)]);
    assert_eq!(plan.final_rows, strings(&[M]));

    let plan = stamp(&map, &[M], &[S1], false);
    assert_eq!(plan.steps[0].row_changes, vec![insert(S1)]);
    assert_eq!(plan.final_rows, sorted(&[M, S1]));

    let plan = stamp(&map, &[M, S1], &["base"], false);
    assert_eq!(plan.steps.len(), 2);
    assert_eq!(plan.steps[0].row_changes, vec![delete(M)]);
    assert_eq!(plan.steps[1].row_changes, vec![delete(S1)]);
    assert!(plan.final_rows.is_empty());

    // Already a row: nothing.
    assert!(stamp(&map, &[M], &[M], false).steps.is_empty());
    // A revision implied by the rows collapses them (R37).
    let plan = stamp(&map, &[S2, P2, M], &["7b41"], false);
    assert_eq!(plan.final_rows, sorted(&[S2, B]));
}

#[test]
fn r38_stamp_purge() {
    let map = sample();
    let e = map
        .stamp_plan(
            &strings(&[A, S1, "ffffffffffff"]),
            &strings(&["heads"]),
            false,
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Can't locate revision identified by 'ffffffffffff'"
    );

    let rows = [A, S1, "ffffffffffff"];
    let plan = stamp(&map, &rows, &["heads"], true);
    assert_eq!(plan.steps.len(), 4);
    assert_eq!(plan.steps[0].revision, "");
    assert_eq!(plan.steps[0].from, strings(&rows));
    assert_eq!(
        plan.steps[0].row_changes,
        vec![delete(A), delete(S1), delete("ffffffffffff")]
    );
    assert_eq!(revs(&plan)[1..], [S2, P2, M]);
    assert_eq!(plan.final_rows, sorted(&[S2, P2, M]));
    check_row_changes(&rows, &plan);

    let plan = stamp(&map, &[S2, P2, M], &["base"], true);
    assert_eq!(plan.steps.len(), 1);
    assert!(plan.final_rows.is_empty());
    assert!(stamp(&map, &[], &["base"], true).steps.is_empty());
}

#[test]
fn r39_multi_target_stamp_keeps_each_lineage() {
    let map = sample();
    // Alembic loses P2's row here ([ALEMBIC BUG]); each target only touches its own line.
    let plan = stamp(&map, &[S1, P2], &["heads"], false);
    assert_eq!(plan.final_rows, sorted(&[S2, P2, M]));
    assert_eq!(plan.steps[0].row_changes, vec![update(S1, S2)]);
    check_row_changes(&[S1, P2], &plan);

    let plan = stamp(&map, &[S2, A, P1], &["heads"], false);
    assert_eq!(plan.final_rows, sorted(&[S2, P2, M]));
    check_row_changes(&[S2, A, P1], &plan);

    // Alembic crashes on these two with a KeyError after committing the first change.
    let plan = stamp(&map, &[M], &[C, D], false);
    assert_eq!(plan.final_rows, sorted(&[C, D]));
    check_row_changes(&[M], &plan);
    let plan = stamp(&map, &[S2, P2, M], &[A, S1], false);
    assert_eq!(plan.final_rows, sorted(&[A, S1]));
    check_row_changes(&[S2, P2, M], &plan);
}

// ---------------------------------------------------------------------------------------------
// R41: current

#[test]
fn r41_effective_current() {
    let map = sample();
    let current = |rows: &[&str]| map.current_effective(&strings(rows)).unwrap();
    assert_eq!(current(&[P2]), strings(&[B, P2]));
    assert_eq!(current(&[C]), strings(&[C]));
    assert_eq!(current(&[S2, P2, M]), strings(&[S2, P2, M]));
    assert!(current(&[]).is_empty());
}

// ---------------------------------------------------------------------------------------------
// R50: `revision` and `merge`

/// Phase 11 of the transcript (file order = sorted file names).
fn phase11(with_merge: bool) -> Vec<Revision> {
    let mut revisions = vec![
        depending(
            rev("99990000aaaa", &["bbbb22220000"]),
            &["sqlite", "aaaa11110000"],
        ),
        labelled(rev("aaaa11110000", &[]), &["sqlite"]),
        labelled(rev("bbbb22220000", &[]), &["postgres"]),
        labelled(rev("cccc33330000", &[]), &["foo"]),
        rev("dddd44440000", &["aaaa11110000"]),
        rev("eeee55550001", &["aaaa11110000"]),
    ];
    if with_merge {
        revisions.insert(
            0,
            rev(
                "0123456789ab",
                &[
                    "99990000aaaa",
                    "cccc33330000",
                    "dddd44440000",
                    "eeee55550001",
                ],
            ),
        );
    }
    revisions
}

#[test]
fn r50_new_revision_parents() {
    let map = RevisionMap::new(phase11(false)).unwrap();
    let e = map.new_revision_parents(None, false).unwrap_err();
    assert_eq!(e.kind(), "multiple_heads");
    let e = map
        .new_revision_parents(Some("aaaa11110000"), false)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Revision aaaa11110000 is not a head revision; please specify --splice to create a new branch from this revision"
    );
    assert_eq!(
        map.new_revision_parents(Some("aaaa11110000"), true)
            .unwrap(),
        strings(&["aaaa11110000"])
    );
    assert!(map
        .new_revision_parents(Some("base"), false)
        .unwrap()
        .is_empty());
    assert_eq!(
        map.new_revision_parents(Some("postgres@head"), false)
            .unwrap(),
        strings(&["99990000aaaa"])
    );
    assert_eq!(
        map.new_revision_parents(Some("cccc"), false).unwrap(),
        strings(&["cccc33330000"])
    );
    assert_eq!(
        map.resolve_merge_parents(&strings(&["heads"])).unwrap(),
        strings(&[
            "99990000aaaa",
            "cccc33330000",
            "dddd44440000",
            "eeee55550001"
        ])
    );
    let e = map
        .resolve_merge_parents(&strings(&["dddd", "dddd44440000"]))
        .unwrap_err();
    assert_eq!(e.to_string(), "Duplicate head revisions specified");
    assert_eq!(
        map.resolve_depends_on(&strings(&["sqlite", "aaaa"]))
            .unwrap(),
        strings(&["sqlite", "aaaa11110000"])
    );
    assert_eq!(
        map.resolve_depends_on(&strings(&["bbbb"])).unwrap(),
        strings(&["bbbb22220000"])
    );
    // An empty project: the first revision is a base.
    let empty = RevisionMap::new(Vec::new()).unwrap();
    assert!(empty.new_revision_parents(None, false).unwrap().is_empty());
    // `merge heads` with a single head still names it.
    let merged = RevisionMap::new(phase11(true)).unwrap();
    assert_eq!(
        merged.resolve_merge_parents(&strings(&["heads"])).unwrap(),
        strings(&["0123456789ab"])
    );
}

// ---------------------------------------------------------------------------------------------
// Size

fn hex_id(i: usize) -> String {
    format!("{i:012x}")
}

#[test]
fn ten_thousand_revision_chain() {
    let n = 10_000;
    let revisions: Vec<Revision> = (0..n)
        .map(|i| {
            let parents: Vec<String> = if i == 0 { vec![] } else { vec![hex_id(i - 1)] };
            let mut r = rev(&hex_id(i), &[]);
            r.down_revisions = parents;
            r
        })
        .collect();
    let map = RevisionMap::new(revisions).unwrap();
    let last = hex_id(n - 1);
    assert_eq!(map.heads(), vec![last.as_str()]);
    let history = map.history_order();
    assert_eq!(history.len(), n);
    assert!(history
        .iter()
        .enumerate()
        .all(|(k, id)| *id == hex_id(n - 1 - k)));

    let plan = up(&map, &[], "head");
    assert_eq!(plan.steps.len(), n);
    assert!(plan
        .steps
        .iter()
        .enumerate()
        .all(|(k, s)| s.revision == hex_id(k)));
    assert_eq!(plan.final_rows, vec![last.clone()]);
    check_row_changes(&[], &plan);

    let plan = down(&map, &[last.as_str()], "base");
    assert_eq!(plan.steps.len(), n);
    assert!(plan.final_rows.is_empty());
    let plan = down(&map, &[last.as_str()], "-3");
    assert_eq!(plan.final_rows, vec![hex_id(n - 4)]);
    assert_eq!(map.resolve(&hex_id(4321)).unwrap(), vec![hex_id(4321)]);
    assert_eq!(map.resolve("head").unwrap(), vec![last]);
}

/// A main line with a side branch every 50 revisions that merges back 20 revisions later,
/// two extra lines from their own bases (one labelled, one depending on the main line).
#[test]
fn ten_thousand_revision_branchy_graph() {
    let mut revisions: Vec<Revision> = Vec::new();
    let mut main_tip: Option<String> = None;
    let mut open_side: Option<(String, usize)> = None;
    let mut next = 0usize;
    let mut fresh = || {
        next += 1;
        hex_id(next)
    };
    while revisions.len() < 9_000 {
        let id = fresh();
        let mut parents: Vec<String> = main_tip.iter().cloned().collect();
        let position = revisions.len();
        if let Some((side, since)) = open_side.clone() {
            if position - since >= 20 {
                parents.push(side);
                open_side = None;
            }
        }
        revisions.push(rev(&id, &[]));
        revisions.last_mut().unwrap().down_revisions = parents;
        if position % 50 == 10 {
            // Side line: three revisions from the current tip.
            let mut below = id.clone();
            for _ in 0..3 {
                let side = fresh();
                revisions.push(rev(&side, &[below.as_str()]));
                below = side;
            }
            open_side = Some((below, position));
        }
        main_tip = Some(id);
    }
    let main_tip = main_tip.unwrap();
    let mut below: Option<String> = None;
    for k in 0..600 {
        let id = fresh();
        let mut r = rev(&id, &[]);
        r.down_revisions = below.iter().cloned().collect();
        if k == 0 {
            r.branch_labels = vec!["side".to_string()];
        }
        revisions.push(r);
        below = Some(id);
    }
    let side_tip = below.unwrap();
    let mut below: Option<String> = None;
    for k in 0..400 {
        let id = fresh();
        let mut r = rev(&id, &[]);
        r.down_revisions = below.iter().cloned().collect();
        if k == 399 {
            r.depends_on = vec![hex_id(5000)];
        }
        revisions.push(r);
        below = Some(id);
    }
    let dep_tip = below.unwrap();
    let count = revisions.len();
    let map = RevisionMap::new(revisions).unwrap();
    assert_eq!(map.len(), count);

    let mut heads = map.heads();
    heads.sort();
    let mut expected = vec![main_tip.as_str(), side_tip.as_str(), dep_tip.as_str()];
    expected.sort();
    assert_eq!(heads, expected);
    assert_eq!(map.branch_labels(&side_tip), strings(&["side"]));
    assert!(map.branch_labels(&main_tip).is_empty());

    // History: every revision once, each after all of its descendants.
    let history = map.history_order();
    assert_eq!(history.len(), count);
    let mut seen_at = std::collections::HashMap::new();
    for (k, id) in history.iter().enumerate() {
        assert!(seen_at.insert(*id, k).is_none(), "{id} twice");
    }
    for r in map.revisions() {
        for parent in r.down_revisions.iter().chain(&r.depends_on) {
            assert!(
                seen_at[r.id.as_str()] < seen_at[parent.as_str()],
                "{} before {parent}",
                r.id
            );
        }
    }

    // Upgrading everything is the history reversed, and leaves the real heads.
    let plan = up(&map, &[], "heads");
    let mut order: Vec<&str> = revs(&plan);
    order.reverse();
    assert_eq!(order, history);
    let mut real = strings(&map.real_heads());
    real.sort();
    assert_eq!(plan.final_rows, real);
    check_row_changes(&[], &plan);

    let tips: Vec<&str> = plan.final_rows.iter().map(String::as_str).collect();
    let plan = down(&map, &tips, "base");
    assert_eq!(plan.steps.len(), count);
    assert!(plan.final_rows.is_empty());
    check_row_changes(&tips, &plan);

    // Stepping the side branch and a midway target.
    let plan = up(&map, &[], "side@+2");
    assert_eq!(plan.steps.len(), 2);
    let plan = up(&map, &[], &hex_id(5000));
    assert_eq!(plan.final_rows, vec![hex_id(5000)]);
    check_row_changes(&[], &plan);
}
