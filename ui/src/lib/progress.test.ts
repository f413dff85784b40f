import { describe, expect, it } from 'vitest';
import type { PreviewStep, ProgressEvent, RunEvent } from '../api';
import { backupLine, failRun, failurePoint, formatSeconds, initialProgress, progressFraction, reduceProgress } from './progress';

const planned: PreviewStep[] = [
  { direction: 'up', revision: 'a1', message: 'create users', from: [], to: ['a1'], no_transaction: false, statements: [{ sql: 'CREATE TABLE users (id INT)', line: 7, destructive: null }] },
  { direction: 'up', revision: 'b2', message: 'create tasks', from: ['a1'], to: ['b2'], no_transaction: false, statements: [
    { sql: 'CREATE TABLE tasks (id INT)', line: 7, destructive: null },
    { sql: 'CREATE INDEX ix ON tasks (id)', line: 9, destructive: null },
  ] },
];

const fold = (events: ProgressEvent[]) => events.reduce(reduceProgress, initialProgress(planned));

const started: ProgressEvent = { event: 'run_started', total_steps: 2, dialect: 'sqlite', transactional: true, version_rows: [] };
const step = (index: number, revision: string, statement_count: number): ProgressEvent => ({
  event: 'step_started', index, total: 2, direction: 'up', revision, from: [], to: [revision], message: revision, statement_count,
});

describe('reduceProgress', () => {
  it('starts with the planned steps pending', () => {
    const s = initialProgress(planned);
    expect(s.phase).toBe('starting');
    expect(s.total).toBe(2);
    expect(s.steps.map((x) => x.status)).toEqual(['pending', 'pending']);
    expect(progressFraction(s)).toBe(0);
  });

  it('notes a wait for the lock', () => {
    const s = fold([{ event: 'waiting_for_lock', timeout_ms: 30000 }]);
    expect(s.phase).toBe('waiting_for_lock');
    expect(s.lock_timeout_ms).toBe(30000);
  });

  it('folds a successful run', () => {
    const s = fold([
      started,
      step(0, 'a1', 1),
      { event: 'statement_started', step_index: 0, statement_index: 0, statement_count: 1, line: 7, sql: 'CREATE TABLE users (id INT)' },
      { event: 'statement_finished', step_index: 0, statement_index: 0, duration_ms: 3 },
      { event: 'step_finished', index: 0, revision: 'a1', duration_ms: 4 },
      step(1, 'b2', 2),
      { event: 'statement_started', step_index: 1, statement_index: 0, statement_count: 2, line: 7, sql: 'CREATE TABLE tasks (id INT)' },
    ]);
    expect(s.phase).toBe('running');
    expect(s.done).toBe(1);
    expect(progressFraction(s)).toBe(0.5);
    expect(s.steps[0]).toMatchObject({ status: 'done', duration_ms: 4 });
    expect(s.steps[0].statements).toEqual([{ index: 0, line: 7, sql: 'CREATE TABLE users (id INT)', status: 'done', duration_ms: 3 }]);
    expect(s.steps[1].status).toBe('running');
    expect(s.steps[1].statements[0].status).toBe('running');

    const end = [
      { event: 'statement_finished', step_index: 1, statement_index: 0, duration_ms: 1 },
      { event: 'statement_started', step_index: 1, statement_index: 1, statement_count: 2, line: 9, sql: 'CREATE INDEX ix ON tasks (id)' },
      { event: 'statement_finished', step_index: 1, statement_index: 1, duration_ms: 1 },
      { event: 'step_finished', index: 1, revision: 'b2', duration_ms: 2 },
      { event: 'run_finished', duration_ms: 9, version_rows: ['b2'] },
    ] satisfies ProgressEvent[];
    const f = end.reduce(reduceProgress, s);
    expect(f.phase).toBe('finished');
    expect(f.end_rows).toEqual(['b2']);
    expect(f.duration_ms).toBe(9);
    expect(progressFraction(f)).toBe(1);
    expect(f.steps.every((x) => x.status === 'done')).toBe(true);
    expect(failurePoint(f)).toBeNull();
  });

  it('marks where a run failed and what never ran', () => {
    const s = fold([
      started,
      step(0, 'a1', 1),
      { event: 'statement_started', step_index: 0, statement_index: 0, statement_count: 1, line: 7, sql: 'CREATE TABLE users (id INT)' },
      { event: 'run_failed', kind: 'migration_failed', message: 'upgrade of a1 failed' },
    ]);
    expect(s.phase).toBe('failed');
    expect(s.failure).toEqual({ kind: 'migration_failed', message: 'upgrade of a1 failed' });
    expect(s.steps.map((x) => x.status)).toEqual(['failed', 'skipped']);
    expect(failurePoint(s)).toEqual({ revision: 'a1', direction: 'up', message: 'a1', statement: 'CREATE TABLE users (id INT)', line: 7 });
  });

  it('does not blame a statement when the run is cancelled', () => {
    const s = fold([started, step(0, 'a1', 1), { event: 'run_failed', kind: 'cancelled', message: 'Cancelled' }]);
    expect(s.steps.map((x) => x.status)).toEqual(['skipped', 'skipped']);
    expect(failurePoint(s)).toBeNull();
  });

  it('drops the preview steps when the plan changed under the lock', () => {
    const s = fold([{ ...started, total_steps: 0 } as ProgressEvent, { event: 'run_finished', duration_ms: 1, version_rows: ['b2'] }]);
    expect(s.steps).toEqual([]);
    expect(s.total).toBe(0);
    expect(s.phase).toBe('finished');
  });

  it('adds steps it did not know about, in order', () => {
    const s = [started, step(1, 'b2', 0), step(0, 'a1', 0)].reduce(reduceProgress, initialProgress());
    expect(s.steps.map((x) => x.revision)).toEqual(['a1', 'b2']);
  });

  it('failRun after a rejected promise keeps the first failure', () => {
    const s = fold([started, { event: 'run_failed', kind: 'locked', message: 'busy' }]);
    expect(failRun(s, 'internal', 'other').failure).toEqual({ kind: 'locked', message: 'busy' });
    const t = failRun(initialProgress(planned), 'database', 'no connection');
    expect(t.phase).toBe('failed');
    expect(t.steps.map((x) => x.status)).toEqual(['skipped', 'skipped']);
  });
});

describe('the backup before the run', () => {
  const backupStarted: RunEvent = { event: 'backup_started', database: 'nexus.db', mode: 'automatic', tool: 'VACUUM INTO' };
  const backupFinished: RunEvent = {
    event: 'backup_finished', id: 'nexus-20261125-a1', file: '/data/backups/nexus-20261125-a1.sqlite', size_bytes: 2_202_010, duration_ms: 312,
  };
  const foldRun = (events: RunEvent[]) => events.reduce(reduceProgress, initialProgress(planned));

  it('shows the backup running before any migration event', () => {
    const s = foldRun([backupStarted]);
    expect(s.phase).toBe('backing_up');
    expect(s.backup?.status).toBe('running');
    expect(s.steps.map((x) => x.status)).toEqual(['pending', 'pending']);
    expect(backupLine(s.backup!)).toBe('Backing up nexus.db…');
  });

  it('keeps the finished backup as the first line while the run goes on', () => {
    const s = foldRun([backupStarted, backupFinished]);
    expect(s.phase).toBe('starting');
    expect(s.backup).toMatchObject({ status: 'done', id: 'nexus-20261125-a1', size_bytes: 2_202_010, duration_ms: 312 });
    expect(backupLine(s.backup!)).toBe('Backed up (2.1 MB, 0.3 s) — restore from the Backups tab');

    const later = foldRun([backupStarted, backupFinished, started, step(0, 'a1', 1)]);
    expect(later.phase).toBe('running');
    expect(later.backup?.status).toBe('done');
    expect(later.steps[0].status).toBe('running');
  });

  it('names the dump tool for a server dump', () => {
    const s = foldRun([{ event: 'backup_started', database: 'shop', mode: 'optional', tool: 'pg_dump' }]);
    expect(backupLine(s.backup!)).toBe('Backing up shop with pg_dump…');
  });

  it('has no backup when none was announced', () => {
    const s = foldRun([started]);
    expect(s.backup).toBeNull();
  });

  it('fails the backup when the run fails while it is taken', () => {
    const s = failRun(foldRun([backupStarted]), 'backup_failed', 'VACUUM INTO failed: disk full');
    expect(s.phase).toBe('failed');
    expect(s.backup?.status).toBe('failed');
    expect(backupLine(s.backup!)).toBe('The backup of nexus.db failed: nothing ran');
    expect(s.steps.map((x) => x.status)).toEqual(['skipped', 'skipped']);
  });

  it('marks a backup that never finished as skipped once the engine starts', () => {
    const s = foldRun([backupStarted, started]);
    expect(s.backup?.status).toBe('skipped');
    expect(s.phase).toBe('running');
  });

  it('formats backup durations in seconds', () => {
    expect(formatSeconds(312)).toBe('0.3 s');
    expect(formatSeconds(12_400)).toBe('12 s');
    expect(formatSeconds(125_000)).toBe('2 min 5 s');
  });
});
