import { describe, expect, it } from 'vitest';
import type { Preview } from '../api';
import { countDestructive, destructiveWarning, previewHeadline, statementDisplay, tokenizeSql } from './sql';

const preview = (over: Partial<Preview> = {}): Preview => ({
  dialect: 'sqlite',
  steps: [
    { direction: 'down', revision: 'b2', message: 'tasks', from: ['b2'], to: ['a1'], no_transaction: false, statements: [
      { sql: 'DROP INDEX ix', line: 10, destructive: null },
      { sql: 'DROP TABLE tasks', line: 11, destructive: 'drops a table and all its rows' },
    ] },
    { direction: 'down', revision: 'a1', message: 'users', from: ['a1'], to: [], no_transaction: false, statements: [
      { sql: 'DROP TABLE users', line: 9, destructive: 'drops a table and all its rows' },
    ] },
  ],
  final_rows: [],
  atomic: true,
  transaction_note: 'one transaction',
  retort_command: 'retort downgrade base',
  alembic_command: 'alembic downgrade base',
  destructive_statements: 2,
  ...over,
});

describe('statementDisplay', () => {
  it('flags destructive statements with their reason as a sentence', () => {
    expect(statementDisplay({ sql: 'DROP TABLE t', line: 1, destructive: 'drops a table and all its rows' })).toEqual({
      destructive: true,
      badge: 'destroys data',
      reason: 'Drops a table and all its rows.',
      className: 'stmt destructive',
    });
  });
  it('leaves the others plain', () => {
    expect(statementDisplay({ sql: 'CREATE TABLE t (id INT)', line: 1, destructive: null })).toEqual({
      destructive: false,
      badge: null,
      reason: null,
      className: 'stmt',
    });
  });
});

describe('preview summaries', () => {
  it('says what will happen', () => {
    expect(previewHeadline(preview())).toBe('Revert 2 revisions with 3 statements.');
    expect(previewHeadline(preview({ steps: [] }))).toMatch(/^Nothing to do/);
    const stamp = preview({ steps: [{ direction: 'stamp', revision: 'a1', message: '', from: [], to: ['a1'], no_transaction: false, statements: [] }] });
    expect(previewHeadline(stamp)).toMatch(/^Rewrite the version table \(1 stamp step/);
  });
  it('warns about destructive statements', () => {
    expect(countDestructive(preview().steps)).toBe(2);
    expect(destructiveWarning(preview())).toBe('2 statements destroy data: check them below before you run.');
    expect(destructiveWarning(preview({ destructive_statements: 1 }))).toMatch(/^1 statement destroys data: check it/);
    expect(destructiveWarning(preview({ steps: [], destructive_statements: 0 }))).toBeNull();
  });
});

describe('tokenizeSql', () => {
  it('finds keywords, strings, comments and numbers and keeps all text', () => {
    const sql = "-- note\nCREATE TABLE t (s VARCHAR(20) DEFAULT 'it''s', n INT);";
    const tokens = tokenizeSql(sql);
    expect(tokens.map((t) => t.text).join('')).toBe(sql);
    expect(tokens.filter((t) => t.kind === 'kw').map((t) => t.text)).toEqual(['CREATE', 'TABLE', 'DEFAULT']);
    expect(tokens.find((t) => t.kind === 'str')?.text).toBe("'it''s'");
    expect(tokens.find((t) => t.kind === 'comment')?.text).toBe('-- note');
    expect(tokens.find((t) => t.kind === 'num')?.text).toBe('20');
  });
  it('keeps odd input whole', () => {
    for (const sql of ["'unterminated", 'a - b', '/* x */ SELECT 1', '$$ BEGIN $$', '']) {
      expect(tokenizeSql(sql).map((t) => t.text).join('')).toBe(sql);
    }
  });
});
