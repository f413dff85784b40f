import { describe, expect, it } from 'vitest';
import type { ConnectionView } from '../types';
import { MockBackups } from './backups';

const conn = (id: string, dialect: ConnectionView['dialect']): ConnectionView => ({
  id,
  name: id,
  source: 'saved',
  dialect,
  display_url: `${dialect}://${id}`,
  host: null,
  port: null,
  database: `${id}db`,
  user: null,
  sqlite_path: null,
  production: false,
  password_saved: false,
  password_required: false,
  selected: false,
  error: null,
});

describe('mock backups', () => {
  it('backs up SQLite before a run, keeps the last N, and restores only into its own database', () => {
    const b = new MockBackups();
    const lite = conn('lite', 'sqlite');
    expect(b.before(lite, [], false, false, 'x')).toBeNull();
    const first = b.before(lite, ['a1'], true, false, 'before upgrade head');
    expect(first?.revisions).toEqual(['a1']);
    b.setKeep(2);
    b.take(lite, ['b2'], 'y');
    b.take(lite, ['c3'], 'z');
    expect(b.list(lite, false, true).backups.map((x) => x.revisions[0])).toEqual(['c3', 'b2']);
    expect(() => b.setKeep(0)).toThrow();
    const other = conn('other', 'sqlite');
    const id = b.items[0].id;
    expect(() => b.restore(id, other, [])).toThrow(/not of/);
    const outcome = b.restore(id, lite, ['zz']);
    expect(outcome.safety_backup?.revisions).toEqual(['zz']);
  });

  it('dumps PostgreSQL only when asked, and says MySQL has no tool', () => {
    const b = new MockBackups();
    const pg = conn('pg', 'postgresql');
    expect(b.plan(pg, true).mode).toBe('optional');
    expect(b.before(pg, [], true, false, 'x')).toBeNull();
    expect(b.before(pg, [], true, true, 'x')?.tool).toBe('pg_dump');
    const my = conn('my', 'mysql');
    expect(b.plan(my, true).message).toContain('No automatic undo');
    expect(() => b.before(my, [], true, true, 'x')).toThrow(/not installed/);
  });
});
