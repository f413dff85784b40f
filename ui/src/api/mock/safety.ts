// Mock of `run_roundtrip_test` and `check_drift`. ?mock=drift: the project database has a
// hand-made column and index (drift), and the demo's index revision "forgets" to drop its index
// on downgrade (the round trip reports it). ?mock=fail: the last revision's upgrade fails.
import type { Dialect, DriftReport, RevisionResult, RoundTripProgress, RoundTripReport, SchemaDiff } from '../types';

export interface MockRev {
  revision: string;
  message: string;
}

const EMPTY_DIFF: SchemaDiff = {
  tables_added: [],
  tables_removed: [],
  tables_altered: [],
  views_added: [],
  views_removed: [],
  views_altered: [],
  enums_added: [],
  enums_removed: [],
  enums_altered: [],
};

function indexDiff(table: string, name: string, column: string): SchemaDiff {
  return {
    ...EMPTY_DIFF,
    tables_altered: [
      {
        schema: '',
        name: table,
        changes: [
          {
            action: 'added',
            name,
            before: null,
            after: {
              object: 'index',
              definition: { name, unique: false, parts: [{ column, expression: null, descending: false }], predicate: null },
            },
          },
        ],
      },
    ],
  };
}

/** The progress events in order, and the final report. */
export function mockRoundTrip(topo: MockRev[], mode: string, dialect: Dialect): { events: RoundTripProgress[]; report: RoundTripReport } {
  const total = topo.length * 2 + 1;
  const events: RoundTripProgress[] = [];
  const results: RevisionResult[] = topo.map((r) => ({
    revision: r.revision,
    message: r.message,
    status: 'not_run',
    error: null,
    diff: null,
    differences: [],
  }));
  const report: RoundTripReport = {
    revisions: results,
    reupgrade: 'not_run',
    reupgrade_error: null,
    reupgrade_diff: null,
    reupgrade_differences: [],
    passed: false,
    dialect,
    duration_ms: 0,
  };
  let step = 0;
  for (const [i, r] of topo.entries()) {
    events.push({ step: ++step, total, phase: 'upgrade', revision: r.revision });
    if (mode === 'fail' && i === topo.length - 1) {
      results[i].status = 'upgrade_failed';
      results[i].error = `upgrade of ${r.revision} failed at line 9: near "WHEN": syntax error`;
      return { events, report };
    }
  }
  for (let i = topo.length - 1; i >= 0; i--) {
    const r = topo[i];
    events.push({ step: ++step, total, phase: 'downgrade', revision: r.revision });
    if (mode === 'drift' && /index/i.test(r.message)) {
      results[i].status = 'not_restored';
      results[i].diff = indexDiff('tasks', 'ix_tasks_status_due', 'status');
      results[i].differences = ['~ table tasks: + index ix_tasks_status_due (status, due_date)'];
    } else {
      results[i].status = 'ok';
    }
  }
  events.push({ step: ++step, total, phase: 'reupgrade', revision: 'heads' });
  // The index left behind went with its table (dropped by an older revision's downgrade).
  report.reupgrade = 'ok';
  report.passed = results.every((r) => r.status === 'ok') && report.reupgrade === 'ok';
  return { events, report };
}

export function mockDrift(rows: string[], pending: string[], mode: string, dialect: Dialect): DriftReport {
  const current = [...rows].sort();
  if (mode !== 'drift' || current.length === 0) {
    return { current, drifted: false, diff: EMPTY_DIFF, differences: [], pending, dialect };
  }
  const diff: SchemaDiff = {
    ...EMPTY_DIFF,
    tables_altered: [
      {
        schema: '',
        name: 'users',
        changes: [
          {
            action: 'added',
            name: 'nickname',
            before: null,
            after: {
              object: 'column',
              definition: { name: 'nickname', data_type: 'VARCHAR(40)', nullable: true, default: null, primary_key: null, generated: null },
            },
          },
          ...indexDiff('users', 'ix_users_nickname', 'nickname').tables_altered[0].changes,
        ],
      },
    ],
  };
  return {
    current,
    drifted: true,
    diff,
    differences: ['~ table users: + column nickname VARCHAR(40)', '~ table users: + index ix_users_nickname (nickname)'],
    pending,
    dialect,
  };
}
