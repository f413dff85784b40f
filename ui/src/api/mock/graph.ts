// Mock only: the graph facts and timeline layout the backend computes (retort-core's revision
// and timeline modules), re-done simply so the UI can run in a browser on mock data.
import type { RevisionInfo, TimelineEdge, TimelineLayout, TimelineRow } from '../types';

export interface RevisionDef {
  revision: string;
  down_revisions: string[];
  branch_labels: string[];
  depends_on: string[];
  message: string;
  create_date: string | null;
  path: string | null;
}

/** RevisionInfo for every definition, newest first (reverse topological, ties by date then id). */
export function buildRevisions(defs: readonly RevisionDef[]): RevisionInfo[] {
  const byId = new Map(defs.map((d) => [d.revision, d] as const));
  const children = new Map<string, string[]>(defs.map((d) => [d.revision, []]));
  const dependents = new Map<string, string[]>(defs.map((d) => [d.revision, []]));
  for (const d of defs) {
    for (const p of d.down_revisions) children.get(p)?.push(d.revision);
    for (const p of d.depends_on) dependents.get(p)?.push(d.revision);
  }
  // Kahn from the bases, oldest first.
  const indegree = new Map(defs.map((d) => [d.revision, d.down_revisions.filter((p) => byId.has(p)).length]));
  const key = (id: string) => `${byId.get(id)?.create_date ?? ''}\u0000${id}`;
  const ready = defs.filter((d) => indegree.get(d.revision) === 0).map((d) => d.revision);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => (key(a) < key(b) ? 1 : -1)); // pop the smallest
    const id = ready.pop()!;
    order.push(id);
    for (const c of children.get(id) ?? []) {
      const n = (indegree.get(c) ?? 0) - 1;
      indegree.set(c, n);
      if (n === 0) ready.push(c);
    }
  }
  order.reverse();
  return order.map((id) => {
    const d = byId.get(id)!;
    const kids = children.get(id) ?? [];
    const deps = dependents.get(id) ?? [];
    return {
      revision: d.revision,
      down_revisions: [...d.down_revisions],
      branch_labels: [...d.branch_labels],
      depends_on: [...d.depends_on],
      message: d.message,
      create_date: d.create_date,
      path: d.path,
      children: [...kids],
      is_head: kids.length === 0,
      is_effective_head: kids.length === 0 && deps.length > 0,
      is_base: d.down_revisions.length === 0,
      is_merge: d.down_revisions.length > 1,
      is_branch_point: kids.length > 1,
    };
  });
}

/** Lanes like `git log --graph`: a revision keeps the lane of the child that reached it first. */
export function buildLayout(revisions: readonly RevisionInfo[]): TimelineLayout {
  const rowOf = new Map(revisions.map((r, i) => [r.revision, i] as const));
  const laneOf: number[] = [];
  const lanes: (string | null)[] = [];
  let maxLanes = 0;
  const free = () => {
    const i = lanes.indexOf(null);
    if (i >= 0) return i;
    lanes.push(null);
    return lanes.length - 1;
  };
  revisions.forEach((rev, i) => {
    let lane = -1;
    for (let l = 0; l < lanes.length; l++) {
      if (lanes[l] === rev.revision) {
        if (lane < 0) lane = l;
        lanes[l] = null;
      }
    }
    if (lane < 0) lane = free();
    laneOf[i] = lane;
    const parents = rev.down_revisions.filter((p) => rowOf.has(p));
    lanes[lane] = parents[0] ?? null;
    for (const p of parents.slice(1)) {
      if (!lanes.includes(p)) lanes[free()] = p;
    }
    maxLanes = Math.max(maxLanes, lanes.length);
  });
  const rows: TimelineRow[] = revisions.map((r, i) => ({
    revision: r.revision,
    lane: laneOf[i],
    short_id: r.revision.slice(0, 12),
    message: r.message,
    branch_labels: [...r.branch_labels],
    create_date: r.create_date,
    is_head: r.is_head,
    is_base: r.is_base,
    is_merge: r.is_merge,
    is_branch_point: r.is_branch_point,
  }));
  // A merge's other parents are reached in their own lane; everything else runs down the
  // child's lane; dependencies share one lane right of the others (as retort-core does).
  const depLane = Math.max(maxLanes, 1);
  let hasDeps = false;
  const edges: TimelineEdge[] = [];
  revisions.forEach((r, i) => {
    r.down_revisions.forEach((p, k) => {
      const j = rowOf.get(p);
      if (j === undefined) return;
      const lane = k === 0 ? laneOf[i] : laneOf[j];
      edges.push({ from_row: i, to_row: j, from_lane: laneOf[i], to_lane: laneOf[j], lane, kind: 'parent' });
    });
    for (const p of r.depends_on) {
      const j = rowOf.get(p);
      if (j === undefined) continue;
      hasDeps = true;
      edges.push({ from_row: i, to_row: j, from_lane: laneOf[i], to_lane: laneOf[j], lane: depLane, kind: 'depends_on' });
    }
  });
  return { rows, lanes: depLane + (hasDeps ? 1 : 0), edges };
}
