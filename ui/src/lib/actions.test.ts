import { describe, expect, it } from 'vitest';
import type { ConnectionView } from '../api';
import { actionTitle, confirmationMatches, databaseName, downgrade, needsTypedConfirmation, newRunId, stamp, upgrade } from './actions';
import { filterRows } from './filter';

const conn = (over: Partial<ConnectionView>): ConnectionView => ({
  id: 'c', name: 'prod', source: 'saved', dialect: 'postgresql', display_url: '', host: 'h', port: 5432, database: 'nexus',
  user: 'u', sqlite_path: null, production: true, password_saved: true, password_required: false, selected: true, error: null,
  ...over,
});

describe('actions', () => {
  it('builds requests', () => {
    expect(upgrade('head')).toEqual({ kind: 'upgrade', target: 'head', targets: [], purge: false });
    expect(downgrade('-1')).toEqual({ kind: 'downgrade', target: '-1', targets: [], purge: false });
    expect(stamp(['abc'], true)).toEqual({ kind: 'stamp', target: 'abc', targets: ['abc'], purge: true });
  });

  it('titles them', () => {
    expect(actionTitle(upgrade('head'))).toBe('Upgrade to head');
    expect(actionTitle(upgrade('heads'))).toBe('Upgrade all heads');
    expect(actionTitle(upgrade('+1'))).toBe('Upgrade +1');
    expect(actionTitle(downgrade('base'))).toBe('Downgrade to base');
    expect(actionTitle(upgrade('reports@head'))).toBe('Upgrade to reports@head');
    expect(actionTitle(downgrade('0123456789abcdef0123'))).toBe('Downgrade to 0123456789ab');
    expect(actionTitle(stamp(['abc'], true))).toBe('Stamp abc (purge)');
  });

  it('asks production connections for the database name', () => {
    expect(needsTypedConfirmation(conn({}))).toBe(true);
    expect(needsTypedConfirmation(conn({ production: false }))).toBe(false);
    expect(needsTypedConfirmation(null)).toBe(false);
    expect(confirmationMatches(' nexus ', conn({}))).toBe(true);
    expect(confirmationMatches('Nexus', conn({}))).toBe(false);
    expect(databaseName(conn({ database: null, sqlite_path: '/data/app.db' }))).toBe('app.db');
  });

  it('makes distinct run ids', () => {
    expect(newRunId()).not.toBe(newRunId());
  });
});

describe('filterRows', () => {
  const row = (revision: string, message: string, labels: string[] = []) => ({
    revision, message, branch_labels: labels, lane: 0, short_id: revision.slice(0, 8), create_date: '2026-11-24 09:00:00',
    is_head: false, is_base: false, is_merge: false, is_branch_point: false,
  });
  const rows = [row('aaa111', 'create users'), row('bbb222', 'add Tasks', ['work']), row('ccc333', 'index')];
  it('matches ids, messages and labels, ignoring case', () => {
    expect(filterRows(rows, '')).toBeNull();
    expect(filterRows(rows, 'TASK')).toEqual([1]);
    expect(filterRows(rows, 'ccc')).toEqual([2]);
    expect(filterRows(rows, 'work')).toEqual([1]);
    expect(filterRows(rows, '2026-11')).toEqual([0, 1, 2]);
    expect(filterRows(rows, 'zzz')).toEqual([]);
  });
});
