import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../api';
import { activitySummary, backupNote, isBackupCommand, isBackupCreate } from './activity';

const entry = (over: Partial<ActivityEntry>): ActivityEntry => ({
  id: 'x',
  time: '2026-11-25T09:30:00Z',
  project: '/p',
  connection: 'project (sqlite:////p/nexus.db)',
  action: 'retort upgrade head',
  alembic_command: '',
  plan: [],
  outcome: 'succeeded',
  error: null,
  duration_ms: 3,
  sql: '',
  rows_before: [],
  rows_after: [],
  backup: null,
  ...over,
});
const backup = { id: 'nexus.db-20261125T093000123Z-a1', file: '/d/backups/nexus.db-20261125T093000123Z-a1.sqlite' };

describe('activity', () => {
  it('summarises the revisions a run applied', () => {
    const step = (revision: string) => ({ direction: 'up' as const, revision, from: [], to: [revision], message: '' });
    expect(activitySummary(entry({ plan: [step('1a2b3c4d5e6f'), step('99887766aabb')] }))).toBe('2 × up: 1a2b3c4d, 99887766');
  });

  it('shows how a restore or a fix moved the version rows', () => {
    const restore = entry({ action: 'retort backup restore b1', rows_before: [], rows_after: ['3b8f4c5d6e03'] });
    expect(activitySummary(restore)).toBe('base → 3b8f4c5d');
    expect(activitySummary(entry({ action: 'retort backup restore b1', rows_before: ['b2', 'a1'], rows_after: ['a1', 'b2'] }))).toBe('version unchanged');
    expect(activitySummary(entry({ action: 'retort doctor --fix lock', sql: 'DELETE FROM x;' }))).toBe('version unchanged');
    expect(activitySummary(entry({ rows_before: ['a1'], rows_after: ['a1'] }))).toBe('nothing ran');
    expect(activitySummary(entry({ action: 'retort doctor --fix stamp:a1', rows_before: ['a1'], rows_after: [] }))).toBe('a1 → base');
  });

  it('says whether "Back up now" made a backup', () => {
    const create = entry({ action: 'retort backup create' });
    expect(isBackupCreate(create)).toBe(true);
    expect(isBackupCreate(entry({ action: 'retort backup restore b1' }))).toBe(false);
    expect(isBackupCommand(entry({ action: 'retort backup restore b1' }))).toBe(true);
    expect(isBackupCommand(create)).toBe(true);
    expect(isBackupCommand(entry({ action: 'retort upgrade head' }))).toBe(false);
    expect(activitySummary({ ...create, backup })).toBe('backup made');
    expect(activitySummary(create)).toBe('nothing to back up');
    expect(activitySummary({ ...create, outcome: 'failed' })).toBe('no backup');
  });

  it('names the backup taken first, or the one made', () => {
    expect(backupNote(entry({}))).toBeNull();
    expect(backupNote(entry({ backup }))).toEqual({ label: 'Backup taken first:', ...backup });
    expect(backupNote(entry({ action: 'retort backup restore b1', backup }))?.label).toBe('Backup taken first:');
    expect(backupNote(entry({ action: 'retort backup create', backup }))?.label).toBe('Backup made:');
  });

  it('reads entries written before backups existed (no backup field)', () => {
    const old = JSON.parse('{"action":"retort upgrade head","plan":[],"rows_before":[],"rows_after":[],"outcome":"succeeded","sql":""}');
    expect(backupNote(old)).toBeNull();
    expect(activitySummary(old)).toBe('nothing ran');
  });
});
