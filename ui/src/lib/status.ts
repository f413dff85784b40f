// Which revisions the database has applied, from the version table's rows and the graph.

export type RevisionState = 'current' | 'applied' | 'pending';

interface GraphNode {
  revision: string;
  down_revisions: readonly string[];
  depends_on: readonly string[];
}

/**
 * Every revision in effect: the rows named by the version table and everything they reach
 * through down_revisions and depends_on (what Alembic considers applied).
 */
export function appliedSet(nodes: readonly GraphNode[], current: readonly string[]): Set<string> {
  const byId = new Map<string, GraphNode>();
  for (const n of nodes) byId.set(n.revision, n);
  const applied = new Set<string>();
  const stack = current.filter((id) => byId.has(id));
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (applied.has(id)) continue;
    applied.add(id);
    const n = byId.get(id);
    if (!n) continue;
    for (const p of n.down_revisions) if (!applied.has(p) && byId.has(p)) stack.push(p);
    for (const d of n.depends_on) if (!applied.has(d) && byId.has(d)) stack.push(d);
  }
  return applied;
}

/** State of every revision: `current` (named by the version table), `applied` or `pending`. */
export function revisionStates(
  nodes: readonly GraphNode[],
  current: readonly string[],
): Map<string, RevisionState> {
  const applied = appliedSet(nodes, current);
  const rows = new Set(current);
  const out = new Map<string, RevisionState>();
  for (const n of nodes) {
    out.set(n.revision, rows.has(n.revision) ? 'current' : applied.has(n.revision) ? 'applied' : 'pending');
  }
  return out;
}

export interface StateCounts {
  applied: number;
  pending: number;
}

export function countStates(states: ReadonlyMap<string, RevisionState>): StateCounts {
  let applied = 0;
  let pending = 0;
  for (const s of states.values()) {
    if (s === 'pending') pending++;
    else applied++;
  }
  return { applied, pending };
}

/** Rows of the version table that name no revision of this project (a different branch, a deleted file). */
export function unknownRows(nodes: readonly GraphNode[], current: readonly string[]): string[] {
  const ids = new Set(nodes.map((n) => n.revision));
  return current.filter((c) => !ids.has(c));
}

export function shortId(id: string): string {
  return id.length > 12 ? id.slice(0, 12) : id;
}

/** One line for the status bar: where the database is. */
export function describePosition(
  current: readonly string[],
  versionTableExists: boolean,
  pending: number,
): string {
  if (!versionTableExists) return 'no version table yet (nothing applied)';
  if (current.length === 0) return 'base (nothing applied)';
  const at = current.map(shortId).join(', ');
  if (pending === 0) return `${at} · up to date`;
  return `${at} · ${pending} pending`;
}
