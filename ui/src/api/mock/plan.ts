// Mock only: a simplified version of retort-core's revision resolution and plans, enough to
// preview and "run" actions on mock data. The real rules live in the engine.
import type { ActionRequest, ApiError, RevisionInfo, StepSummary } from '../types';

export interface MockPlan {
  steps: StepSummary[];
  final_rows: string[];
}

export class MockGraph {
  readonly byId: Map<string, RevisionInfo>;
  /** Oldest first. */
  readonly topo: string[];
  readonly rank: Map<string, number>;

  constructor(readonly revisions: readonly RevisionInfo[]) {
    this.byId = new Map(revisions.map((r) => [r.revision, r] as const));
    this.topo = revisions.map((r) => r.revision).reverse();
    this.rank = new Map(this.topo.map((id, i) => [id, i] as const));
  }

  ancestors(ids: readonly string[]): Set<string> {
    const out = new Set<string>();
    const stack = [...ids];
    while (stack.length) {
      const id = stack.pop()!;
      if (out.has(id)) continue;
      const r = this.byId.get(id);
      if (!r) continue;
      out.add(id);
      stack.push(...r.down_revisions, ...r.depends_on);
    }
    return out;
  }

  /** The version table rows for a set of applied revisions: its tips. */
  tips(applied: ReadonlySet<string>): string[] {
    const covered = new Set<string>();
    for (const id of applied) {
      const r = this.byId.get(id);
      if (r) for (const p of [...r.down_revisions, ...r.depends_on]) covered.add(p);
    }
    return [...applied].filter((id) => !covered.has(id)).sort();
  }

  heads(): string[] {
    return this.revisions.filter((r) => r.is_head).map((r) => r.revision);
  }

  labelHead(label: string): string {
    const owner = this.revisions.find((r) => r.branch_labels.includes(label));
    if (!owner) throw fail('resolution', `Can't locate revision identified by '${label}@head'`);
    // Walk up first children until a head.
    let id = owner.revision;
    for (;;) {
      const kids = this.byId.get(id)!.children;
      if (kids.length === 0) return id;
      id = kids[kids.length - 1];
    }
  }

  resolve(arg: string): string {
    if (this.byId.has(arg)) return arg;
    const matches = this.revisions.filter((r) => r.revision.startsWith(arg));
    if (matches.length === 1) return matches[0].revision;
    if (matches.length > 1) throw fail('resolution', `Multiple revisions start with '${arg}'`);
    throw fail('resolution', `Can't locate revision identified by '${arg}'`);
  }
}

export function fail(kind: string, message: string, detail: string | null = null): ApiError {
  return { kind, message, detail };
}

function upTargets(g: MockGraph, target: string, rows: readonly string[]): string[] {
  if (target === 'heads') return g.heads();
  if (target === 'head') {
    const heads = g.heads();
    if (heads.length > 1) {
      throw fail(
        'multiple_heads',
        "Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads",
      );
    }
    return heads;
  }
  const rel = /^\+(\d+)$/.exec(target);
  if (rel) {
    const applied = g.ancestors(rows);
    let n = Number(rel[1]);
    const added: string[] = [];
    for (const id of g.topo) {
      if (n === 0) break;
      if (applied.has(id)) continue;
      const r = g.byId.get(id)!;
      if ([...r.down_revisions, ...r.depends_on].every((p) => applied.has(p))) {
        applied.add(id);
        added.push(id);
        n--;
      }
    }
    if (n > 0) throw fail('command', `Relative revision ${target} didn't produce ${rel[1]} migrations`);
    return [...rows, ...added];
  }
  const label = /^(.+)@head$/.exec(target);
  if (label) return [g.labelHead(label[1])];
  return [g.resolve(target)];
}

export function plan(g: MockGraph, action: ActionRequest, rows: readonly string[]): MockPlan {
  const applied = g.ancestors(rows);
  if (action.kind === 'stamp') {
    const targets = (action.targets.length ? action.targets : [action.target]).map((t) =>
      t === 'head' || t === 'heads' ? g.heads() : t === 'base' ? [] : [g.resolve(t)],
    );
    const final = targets.flat();
    return {
      steps: final.map((id) => ({
        direction: 'stamp',
        revision: id,
        from: action.purge ? [] : [...rows],
        to: [id],
        message: g.byId.get(id)?.message ?? '',
      })),
      final_rows: final.sort(),
    };
  }
  if (action.kind === 'upgrade') {
    const want = g.ancestors(upTargets(g, action.target, rows));
    const todo = g.topo.filter((id) => want.has(id) && !applied.has(id));
    const after = new Set([...applied, ...want]);
    return {
      steps: todo.map((id) => {
        const r = g.byId.get(id)!;
        return { direction: 'up', revision: id, from: [...r.down_revisions], to: [id], message: r.message };
      }),
      final_rows: g.tips(after),
    };
  }
  // downgrade
  let keep: Set<string>;
  const rel = /^-(\d+)$/.exec(action.target);
  if (action.target === 'base') keep = new Set();
  else if (rel) {
    const order = g.topo.filter((id) => applied.has(id));
    const n = Number(rel[1]);
    if (n > order.length) throw fail('command', `Relative revision ${action.target} didn't produce ${n} migrations`);
    keep = new Set(order.slice(0, order.length - n));
  } else {
    const t = g.resolve(action.target);
    if (!applied.has(t)) {
      throw fail('command', `Destination ${t} is not a valid downgrade target from current head(s)`);
    }
    keep = g.ancestors([t]);
  }
  const todo = g.topo.filter((id) => applied.has(id) && !keep.has(id)).reverse();
  return {
    steps: todo.map((id) => {
      const r = g.byId.get(id)!;
      return { direction: 'down', revision: id, from: [id], to: [...r.down_revisions], message: r.message };
    }),
    final_rows: g.tips(keep),
  };
}
