import { describe, expect, it } from 'vitest';
import type { DriftReport, RoundTripReport } from '../api';
import {
  atRevision,
  driftSummary,
  failureCount,
  groupDifferences,
  pendingNote,
  progressLabel,
  progressPercent,
  roundTripSummary,
} from './safety';

const report = (over: Partial<RoundTripReport>): RoundTripReport => ({
  revisions: [
    { revision: 'a1', message: 'create items', status: 'ok', error: null, diff: null, differences: [] },
    {
      revision: 'b2',
      message: 'index items',
      status: 'not_restored',
      error: null,
      diff: null,
      differences: ['~ table items: + index ix_items_name (name)'],
    },
  ],
  reupgrade: 'ok',
  reupgrade_error: null,
  reupgrade_diff: null,
  reupgrade_differences: [],
  passed: false,
  dialect: 'sqlite',
  duration_ms: 12,
  ...over,
});

describe('round trip', () => {
  it('counts failed revisions and a failed re-upgrade', () => {
    expect(failureCount(report({}))).toBe(1);
    expect(failureCount(report({ reupgrade: 'differs' }))).toBe(2);
    expect(roundTripSummary(report({}))).toMatch(/^Failed: 1 problem/);
    const ok = report({ passed: true, revisions: [report({}).revisions[0]] });
    expect(failureCount(ok)).toBe(0);
    expect(roundTripSummary(ok)).toMatch(/^Passed: 1 revision/);
  });

  it('describes progress', () => {
    expect(progressLabel(null)).toMatch(/scratch/);
    const p = { step: 8, total: 15, phase: 'downgrade' as const, revision: '7fcd' };
    expect(progressLabel(p)).toBe('Step 8 of 15: downgrade 7fcd');
    expect(progressPercent(p)).toBe(47);
    expect(progressPercent(null)).toBe(0);
    expect(progressLabel({ ...p, phase: 'reupgrade', revision: 'heads' })).toBe('Step 8 of 15: upgrade again to heads');
  });
});

describe('drift', () => {
  const drift: DriftReport = {
    current: ['7fcd'],
    drifted: true,
    diff: {
      tables_added: [],
      tables_removed: [],
      tables_altered: [],
      views_added: [],
      views_removed: [],
      views_altered: [],
      enums_added: [],
      enums_removed: [],
      enums_altered: [],
    },
    differences: ['+ table scratchpad', '~ table users: + column nickname VARCHAR(40)', '~ table users: + index ix_nick (nickname)'],
    pending: [],
    dialect: 'sqlite',
  };

  it('groups differences by table', () => {
    expect(groupDifferences(drift.differences)).toEqual([
      { table: null, lines: ['+ table scratchpad'] },
      { table: 'users', lines: ['+ column nickname VARCHAR(40)', '+ index ix_nick (nickname)'] },
    ]);
    expect(groupDifferences([])).toEqual([]);
  });

  it('summarises', () => {
    expect(driftSummary(drift)).toBe('Drift at 7fcd: 3 difference(s) between the migrations and the database.');
    expect(driftSummary({ ...drift, drifted: false, current: [] })).toMatch(/^No drift at base/);
    expect(pendingNote(drift)).toBeNull();
    expect(pendingNote({ ...drift, pending: ['x', 'y'] })).toMatch(/^2 revision\(s\) not applied yet \(x, y\)/);
    expect(atRevision(['a', 'b'])).toBe('a, b');
  });
});
