import { describe, expect, it } from 'vitest';
import { tokenizeSql } from './sql';
import type { ApiError, Finding, Fix } from '../api';
import { afterFix, cardView, changesScripts, codeSpans, fixText, isAdminOnly, matchFailure, pickFinding, severityClass, sortFindings, summarize } from './doctor';

const fix = (id: string, sql: string[] = []): Fix => ({ id, title: id, explanation: '', sql_preview: sql, destructive: false });
const finding = (check: string, severity: Finding['severity'], fixes: Fix[] = []): Finding => ({
  check,
  severity,
  title: `${check} ${severity}`,
  explanation: '',
  details: [],
  fixes,
});
const err = (kind: string, message: string, extra: Partial<ApiError> = {}): ApiError => ({ kind, message, detail: null, ...extra });

describe('findings', () => {
  it('sorts problems first, keeping the doctor order within a severity', () => {
    const sorted = sortFindings([
      finding('a', 'ok'),
      finding('b', 'warning'),
      finding('c', 'problem'),
      finding('d', 'info'),
      finding('e', 'problem'),
    ]);
    expect(sorted.map((f) => f.check)).toEqual(['c', 'e', 'b', 'd', 'a']);
  });

  it('uses the app colours and summarises', () => {
    expect(severityClass('problem')).toBe('danger');
    expect(severityClass('warning')).toBe('warn');
    expect(severityClass('ok')).toBe('ok');
    expect(summarize([finding('a', 'problem'), finding('b', 'warning'), finding('c', 'warning')])).toBe('1 problem, 2 warnings found.');
    expect(summarize([finding('a', 'ok'), finding('b', 'info')])).toBe('No problems found.');
    expect(summarize([])).toBe('No checks applied.');
  });

  it('knows which fixes only an administrator can run and which change the scripts', () => {
    expect(isAdminOnly(fix('grants'))).toBe(true);
    expect(isAdminOnly(fix('stamp:abc'))).toBe(false);
    expect(isAdminOnly(fix('create-database'))).toBe(false);
    expect(changesScripts(fix('merge'))).toBe(true);
    expect(changesScripts('stamp:abc')).toBe(false);
  });

  it('renders statements with semicolons, commands and commented lines as they are', () => {
    expect(fixText(fix('grants', ['GRANT CREATE ON SCHEMA "public" TO "app"', 'GRANT USAGE ON SCHEMA "public" TO "app";']))).toBe(
      'GRANT CREATE ON SCHEMA "public" TO "app";\nGRANT USAGE ON SCHEMA "public" TO "app";',
    );
    expect(fixText(fix('merge', ['retort merge -m "merge heads" heads']))).toBe('retort merge -m "merge heads" heads');
    expect(fixText(fix('stamp:x', ['CREATE TABLE v (x INT)  -- unless it exists', "INSERT INTO v VALUES ('x')"]))).toBe(
      "CREATE TABLE v (x INT)  -- unless it exists\nINSERT INTO v VALUES ('x');",
    );
  });
});

describe('matching a failure to a check', () => {
  it('matches on the error kind first', () => {
    expect(matchFailure(err('multiple_heads', 'Multiple head revisions are present'))?.checks).toEqual(['multiple_heads']);
    expect(matchFailure(err('locked', 'Another migration is running'))?.checks).toEqual(['sqlite_lock']);
    expect(matchFailure(err('resolution', "Can't locate revision identified by 'ffff'"))?.checks[0]).toBe('unknown_revision');
    // A resolution error about something else is no doctor matter.
    expect(matchFailure(err('resolution', "Ambiguous revision 'a'"))).toBeNull();
  });

  it('matches the database messages of the known failures', () => {
    expect(matchFailure(err('database', 'no such table: alembic_version'))?.checks).toEqual(['version_table']);
    expect(matchFailure(err('database', 'relation "alembic_version" does not exist'))?.checks).toEqual(['version_table']);
    expect(matchFailure(err('database', 'error returned from database: database is locked'))?.checks).toEqual(['sqlite_lock']);
    expect(matchFailure(err('migration_failed', 'upgrade of a failed at x.sql:3: permission denied for schema public'))?.checks[0]).toBe(
      'postgres_privileges',
    );
    expect(matchFailure(err('database', "Access denied for user 'app'@'%' to database 'x'"))?.checks).toContain('mysql_privileges');
    expect(matchFailure(err('database', 'password authentication failed for user "deploy"'))?.checks).toEqual(['connection']);
    expect(matchFailure(err('migration_failed', 'upgrade of a failed at x.sql:3: near "WHEN": syntax error'))).toBeNull();
  });

  it('reads the message from the structured data too', () => {
    const e = err('migration_failed', 'upgrade failed', {
      data: {
        revision: 'a',
        direction: 'up',
        path: null,
        line: null,
        statement: null,
        db_message: 'database is locked',
        applied: [],
        statements_applied: [],
        rolled_back: true,
        version_rows: [],
      },
    });
    expect(matchFailure(e)?.checks).toEqual(['sqlite_lock']);
  });

  it('takes a revision with statements that took effect as half-applied', () => {
    const data = {
      revision: 'b',
      direction: 'up',
      path: null,
      line: null,
      statement: null,
      db_message: "Duplicate column name 'x'",
      applied: [],
      statements_applied: ['CREATE TABLE t (id INT)'],
      rolled_back: false,
      version_rows: ['a'],
    };
    expect(matchFailure(err('migration_failed', 'x', { data }))?.checks).toEqual(['mysql_half_applied']);
  });

  it('takes "table already exists" from base as tables without a version table', () => {
    const fromBase = err('migration_failed', 'upgrade of 1f0c failed at v.sql:1: table users already exists (the failed transaction was rolled back; nothing of it remains)');
    expect(matchFailure(fromBase, [])?.checks).toEqual(['version_table']);
    // From a revision the version table names, "already exists" is a migration bug, not a missing table.
    expect(matchFailure(fromBase, ['1f0c0a1b2c01'])).toBeNull();
    const data = {
      revision: 'b',
      direction: 'up',
      path: null,
      line: null,
      statement: null,
      db_message: 'table users already exists',
      applied: [{ direction: 'up', revision: 'a' }],
      statements_applied: [],
      rolled_back: false,
      version_rows: ['a'],
    };
    expect(matchFailure(err('migration_failed', 'x', { data }), [])).toBeNull();
  });
});

describe('picking the finding that answers a failure', () => {
  const findings = [finding('sqlite_lock', 'ok'), finding('multiple_heads', 'warning', [fix('merge')]), finding('version_table', 'problem', [fix('stamp:x')])];

  it('takes the first matched check that found something', () => {
    expect(pickFinding(findings, { checks: ['version_table'], reason: '' })?.check).toBe('version_table');
    expect(pickFinding(findings, { checks: ['unknown_revision', 'multiple_heads'], reason: '' })?.check).toBe('multiple_heads');
  });

  it('ignores checks that found nothing wrong', () => {
    expect(pickFinding(findings, { checks: ['sqlite_lock'], reason: '' })).toBeNull();
    expect(pickFinding([], { checks: ['version_table'], reason: '' })).toBeNull();
  });
});

describe('codeSpans', () => {
  it('splits backticked commands out of the prose', () => {
    expect(codeSpans('run `upgrade heads` now')).toEqual([
      { text: 'run ', code: false },
      { text: 'upgrade heads', code: true },
      { text: ' now', code: false },
    ]);
    expect(codeSpans('an odd ` backtick')).toEqual([{ text: 'an odd ` backtick', code: false }]);
  });
});

describe('fix previews', () => {
  it('keep revision ids that start with a digit when highlighted', () => {
    const text = tokenizeSql(fixText(fix('stamp:7fcd8a9bac07', ['retort stamp 7fcd8a9bac07'])))
      .map((t) => t.text)
      .join('');
    expect(text).toBe('retort stamp 7fcd8a9bac07');
    expect(tokenizeSql('LIMIT 10').find((t) => t.text === '10')?.kind).toBe('num');
  });
});

describe('a finding after its fix was applied', () => {
  const problem = finding('version_table', 'problem', [fix('stamp:abc')]);

  it('is fixed when the checks run again find no problem or warning of that check', () => {
    expect(afterFix(problem, [finding('version_table', 'ok'), finding('connection', 'ok')])).toEqual({ state: 'fixed' });
    expect(afterFix(problem, [finding('multiple_heads', 'problem')])).toEqual({ state: 'fixed' });
    expect(afterFix(problem, [finding('version_table', 'info')])).toEqual({ state: 'fixed' });
  });

  it('remains when the check still reports a problem or warning, with the fresh finding', () => {
    const fresh = finding('version_table', 'warning');
    expect(afterFix(problem, [finding('version_table', 'ok'), fresh])).toEqual({ state: 'remaining', finding: fresh });
  });

  it('is unknown when the checks could not run again', () => {
    expect(afterFix(problem, null)).toEqual({ state: 'unknown' });
  });

  it('shows the card as fixed instead of "Problem"', () => {
    expect(cardView(problem, null, null)).toMatchObject({ badge: 'Problem', tone: 'danger', state: 'open' });
    const v = cardView(problem, problem, afterFix(problem, [finding('version_table', 'ok')]));
    expect(v).toMatchObject({ badge: 'Fixed', tone: 'ok', state: 'fixed' });
    expect(v.finding).toBe(problem);
  });

  it('shows the fresh finding while the check still reports something', () => {
    const fresh = finding('version_table', 'warning');
    const v = cardView(problem, problem, afterFix(problem, [fresh]));
    expect(v).toMatchObject({ badge: 'Warning', tone: 'warn', state: 'remaining' });
    expect(v.finding).toBe(fresh);
  });

  it('follows a newer check run that swapped the finding in (Troubleshoot view)', () => {
    const verdict = afterFix(problem, [finding('version_table', 'ok')]);
    // The view now passes the fresh, fine finding: still fixed.
    expect(cardView(finding('version_table', 'ok'), problem, verdict).state).toBe('fixed');
    // A later run finds the problem again: shown as it is, not as fixed.
    expect(cardView(finding('version_table', 'problem'), problem, verdict)).toMatchObject({ badge: 'Problem', state: 'open' });
  });

  it('keeps the problem look when the checks could not confirm', () => {
    expect(cardView(problem, problem, { state: 'unknown' })).toMatchObject({ badge: 'Problem', state: 'unknown' });
  });
});
