import { describe, expect, it } from 'vitest';
import type { ApiError, ProgressEvent } from '../api';
import { errorFields, failureReport, parseFailureMessage } from './failure';
import { initialProgress, reduceProgress } from './progress';

const message =
  'upgrade of 7fcd8a9bac07 failed at /p/versions/7fcd_track.sql:9: near "WHEN": syntax error (the failed transaction was rolled back; nothing of it remains)';

describe('parseFailureMessage', () => {
  it('reads the engine message', () => {
    expect(parseFailureMessage(message)).toEqual({
      direction: 'upgrade',
      revision: '7fcd8a9bac07',
      path: '/p/versions/7fcd_track.sql',
      line: 9,
      dbMessage: 'near "WHEN": syntax error',
      note: 'the failed transaction was rolled back; nothing of it remains',
    });
    expect(parseFailureMessage('Another migration is running')).toBeNull();
  });
});

describe('failureReport', () => {
  it('uses the structured data of a failed run', () => {
    const err: ApiError = {
      kind: 'migration_failed',
      message,
      detail: 'CREATE TRIGGER t …',
      data: {
        revision: '7fcd8a9bac07',
        direction: 'upgrade',
        path: '/p/versions/7fcd_track.sql',
        line: 9,
        statement: 'CREATE TRIGGER t …',
        db_message: 'near "WHEN": syntax error',
        applied: [{ direction: 'up', revision: '6ebc7f8a9b06' }],
        statements_applied: [],
        rolled_back: true,
        version_rows: ['6ebc7f8a9b06'],
      },
    };
    const r = failureReport(err, null, null);
    expect(r.title).toBe('Upgrade of 7fcd8a9bac07 failed at line 9');
    expect(r.statement).toBe('CREATE TRIGGER t …');
    expect(r.dbMessage).toBe('near "WHEN": syntax error');
    expect(r.stateNow).toEqual([
      'The failed transaction was rolled back: nothing of it remains.',
      '1 revision completed before the failure and stays applied: 6ebc7f8a9b06.',
      'The version table now names: 6ebc7f8a9b06.',
    ]);
    expect(r.stillApplied).toEqual(['6ebc7f8a9b06']);
    expect(r.detail).toBeNull(); // the same as the statement
  });

  it('says what a non-transactional failure left behind', () => {
    const err: ApiError = {
      kind: 'migration_failed',
      message: 'downgrade of abc failed at x.sql:3: boom (1 statement(s) of this revision took effect and could not be rolled back)',
      detail: null,
      data: {
        revision: 'abc', direction: 'downgrade', path: 'x.sql', line: 3, statement: 'DROP TABLE t', db_message: 'boom',
        applied: [], statements_applied: ['ALTER TABLE t ADD c INT'], rolled_back: false, version_rows: ['abc'],
      },
    };
    const r = failureReport(err, null, null);
    expect(r.title).toBe('Downgrade of abc failed at line 3');
    expect(r.stateNow[0]).toMatch(/^1 statement of abc took effect and could not be rolled back/);
  });

  it('falls back on the progress events and the message', () => {
    const progress: ProgressEvent[] = [
      { event: 'run_started', total_steps: 1, dialect: 'sqlite', transactional: true, version_rows: [] },
      { event: 'step_started', index: 0, total: 1, direction: 'up', revision: '7fcd8a9bac07', from: [], to: [], message: 'm', statement_count: 2 },
      { event: 'statement_started', step_index: 0, statement_index: 1, statement_count: 2, line: 9, sql: 'CREATE TRIGGER t' },
      { event: 'run_failed', kind: 'migration_failed', message },
    ];
    const state = progress.reduce(reduceProgress, initialProgress());
    const r = failureReport({ kind: 'migration_failed', message, detail: null }, state, ['6ebc7f8a9b06']);
    expect(r.statement).toBe('CREATE TRIGGER t');
    expect(r.line).toBe(9);
    expect(r.path).toBe('/p/versions/7fcd_track.sql');
    expect(r.dbMessage).toBe('near "WHEN": syntax error');
    expect(r.stateNow).toContain('The version table now names: 6ebc7f8a9b06.');
  });

  it('explains cancel and lock', () => {
    expect(failureReport({ kind: 'cancelled', message: 'Cancelled after 1 revision(s)', detail: null }, null, []).stateNow[0]).toMatch(/cancelled between revisions/);
    const locked = failureReport({ kind: 'locked', message: 'Another migration is running', detail: null }, null, null);
    expect(locked.title).toBe('The run failed');
    expect(locked.stateNow[0]).toMatch(/^Nothing ran/);
    expect(locked.dbMessage).toBe('Another migration is running');
  });

  it('reads fields from JSON in detail too', () => {
    const f = errorFields({ kind: 'migration_failed', message: 'x', detail: '{"line": 4, "revision": "r"}' });
    expect(f.line).toBe(4);
    expect(f.revision).toBe('r');
  });
});
