import { describe, expect, it } from 'vitest';
import type { BackupInfo, BackupPlan } from '../api';
import { backupTime, formatBytes, offersDump, planTone, restoreQuestion, revisionsLabel } from './backups';

const plan = (mode: BackupPlan['mode']): BackupPlan => ({ mode, message: '', tool: null, keep: 10 });

describe('backups', () => {
  it('formats sizes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3.0 TB');
  });

  it('names base when no revision was applied', () => {
    expect(revisionsLabel([])).toBe('base');
    expect(revisionsLabel(['a1', 'b2'])).toBe('a1, b2');
  });

  it('shows times locally and keeps unparsable text', () => {
    expect(backupTime('not a time')).toBe('not a time');
    expect(backupTime('2026-11-25T09:30:00.000Z')).toMatch(/^2026-11-2[45] \d\d:\d\d:00$/);
  });

  it('asks about the database and says the restore can be undone', () => {
    const backup: BackupInfo = {
      id: 'nexus.db-20261125T093000000Z-base',
      file: '/data/backups/nexus.db-20261125T093000000Z-base.sqlite',
      dialect: 'sqlite',
      database: 'sqlite:////p/nexus.db',
      key: 'sqlite:/p/nexus.db',
      name: 'nexus.db',
      created_at: '2026-11-25T09:30:00.000Z',
      revisions: [],
      reason: 'before upgrade head',
      size: 4096,
      tool: 'VACUUM INTO',
    };
    const q = restoreQuestion(backup);
    expect(q).toContain('nexus.db');
    expect(q).toContain('revision base');
    expect(q).toContain('undone');
  });

  it('offers a dump only where a tool was found', () => {
    expect(offersDump(plan('optional'))).toBe(true);
    expect(offersDump(plan('automatic'))).toBe(false);
    expect(offersDump(plan('unavailable'))).toBe(false);
    expect(offersDump(null)).toBe(false);
    expect(planTone(plan('unavailable'))).toBe('warn');
    expect(planTone(plan('not_needed'))).toBe('muted');
  });
});
