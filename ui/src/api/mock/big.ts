// Mock only: a generated project of many revisions (branches, merges, labels, depends_on) for
// checking that the timeline stays smooth. `?mock=big` (5,000) or `?mock=big&n=20000`.
import type { RevisionDef } from './graph';

const VERBS = ['add', 'create', 'index', 'backfill', 'rename', 'drop', 'widen', 'split', 'track'];
const NOUNS = ['users', 'projects', 'tasks', 'comments', 'invoices', 'audit_log', 'tags', 'teams', 'sessions', 'webhooks'];

function id(i: number): string {
  const h = (Math.imul(i + 1, 2654435761) >>> 0).toString(16).padStart(8, '0');
  return `${h}${(i & 0xffff).toString(16).padStart(4, '0')}`;
}

export function bigProject(n: number): RevisionDef[] {
  let seed = 42;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const defs: RevisionDef[] = [];
  const t0 = Date.UTC(2019, 0, 1);
  let main: string | null = null;
  const branches: { head: string; label: string | null; left: number }[] = [];
  let labelNo = 0;
  const push = (down: string[], extra: Partial<RevisionDef> = {}): string => {
    const i = defs.length;
    const rev = id(i);
    const verb = VERBS[Math.floor(rand() * VERBS.length)];
    const noun = NOUNS[Math.floor(rand() * NOUNS.length)];
    const date = new Date(t0 + i * 3_600_000 * 7).toISOString().slice(0, 19).replace('T', ' ');
    defs.push({
      revision: rev,
      down_revisions: down,
      branch_labels: [],
      depends_on: [],
      message: `${verb} ${noun} ${i}`,
      create_date: date,
      path: `versions/${rev}_${verb}_${noun}_${i}.sql`,
      ...extra,
    });
    return rev;
  };
  main = push([], { branch_labels: ['main'], message: 'initial schema' });
  while (defs.length < n) {
    const r = rand();
    if (r < 0.03 && branches.length < 4) {
      // Start a feature branch off main.
      const label = rand() < 0.6 ? `feature${++labelNo}` : null;
      const head = push([main], label ? { branch_labels: [label] } : {});
      branches.push({ head, label, left: 3 + Math.floor(rand() * 25) });
    } else if (r < 0.45 && branches.length > 0) {
      const b = branches[Math.floor(rand() * branches.length)];
      const deps = rand() < 0.08 ? [main] : [];
      b.head = push([b.head], { depends_on: deps });
      b.left--;
      if (b.left <= 0 && defs.length < n - 40) {
        main = push([main, b.head], { message: `merge ${b.label ?? 'branch'} into main` });
        branches.splice(branches.indexOf(b), 1);
      }
    } else {
      main = push([main]);
    }
  }
  return defs;
}

/** Generated SQL for a generated revision. */
export function bigStatements(rev: RevisionDef, direction: 'up' | 'down'): { sql: string; line: number }[] {
  const table = `t_${rev.revision.slice(-4)}`;
  if (direction === 'up') {
    return [
      { sql: `CREATE TABLE ${table} (\n    id INTEGER NOT NULL PRIMARY KEY,\n    note VARCHAR(200)\n)`, line: 8 },
      { sql: `CREATE INDEX ix_${table}_note ON ${table} (note)`, line: 12 },
    ];
  }
  return [
    { sql: `DROP INDEX ix_${table}_note`, line: 15 },
    { sql: `DROP TABLE ${table}`, line: 16 },
  ];
}
