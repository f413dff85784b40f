// The mock backend that serves screenshots and browser work: it must follow the contract.
import { describe, expect, it } from 'vitest';
import { createApi } from '../client';
import type { RunEvent } from '../types';
import { createMockTransport } from './index';
import { bigProject } from './big';
import { buildLayout, buildRevisions } from './graph';

const mock = (query = 'mock&delay=0') => createApi(createMockTransport(new URLSearchParams(query)));
const upgrade = (target: string) => ({ kind: 'upgrade' as const, target, targets: [], purge: false });

describe('mock backend', () => {
  it('serves the schema, first rows, and what a run changed', async () => {
    const api = mock();
    await api.selectConnection('project', null);
    const before = await api.schemaSnapshot();
    expect(before.tables.map((t) => t.name)).toEqual(['alembic_version', 'projects', 'tasks', 'users']);
    expect(before.tables[0].is_version_table).toBe(true);
    const rows = await api.tableRows('main', 'users', 2);
    expect(rows.total_count).toBe(3);
    expect(rows.rows).toHaveLength(2);
    await expect(api.tableRows('main', 'nope', 2)).rejects.toMatchObject({ kind: 'invalid_input' });
    await api.runAction(upgrade('head'), 'r-schema', null, () => {});
    const diff = await api.runSchemaDiff('r-schema');
    expect(diff!.tables_added).toEqual(['main.comments']);
    expect(diff!.tables_altered.map((t) => [t.name, t.changes.map((c) => `${c.action} ${c.name}`)])).toEqual([
      ['tasks', ['added updated_at', 'added tasks_touch_updated_at']],
    ]);
    expect(await api.runSchemaDiff('other')).toBeNull();
  });

  it('serves the schema change a revision makes', async () => {
    const api = mock();
    const { current } = await api.selectConnection('project', null);
    const comments = await api.revisionSchemaDiff('5dab6e7f8a05');
    expect(comments.tables_added).toEqual(['main.comments']);
    expect(comments.tables_altered).toEqual([]);
    const updated = await api.revisionSchemaDiff('7fcd8a9bac07');
    expect(updated.tables_added).toEqual([]);
    expect(updated.tables_altered.map((t) => [t.name, t.changes.map((c) => `${c.action} ${c.name}`)])).toEqual([
      ['tasks', ['added updated_at', 'added tasks_touch_updated_at']],
    ]);
    expect((await api.dbState()).current).toEqual(current);
    await expect(api.revisionSchemaDiff('nope')).rejects.toMatchObject({ kind: 'resolution' });
  });

  it('serves the demo project from its real scripts', async () => {
    const api = mock();
    const p = await api.currentProject();
    expect(p!.revisions).toHaveLength(7);
    expect(p!.revisions[0].message).toBe('track when tasks change');
    expect(p!.revisions.at(-1)!.is_base).toBe(true);
    expect(p!.timeline.rows.map((r) => r.revision)).toEqual(p!.revisions.map((r) => r.revision));
    const d = await api.revisionDetail('1f0c0a1b2c01');
    expect(d.up_sql).toMatch(/^CREATE TABLE users/);
    expect(d.down_sql).toBe('DROP TABLE users;');
  });

  it('previews, runs with ordered events, and logs', async () => {
    const api = mock();
    await api.selectConnection('project', null);
    const preview = await api.previewAction(upgrade('head'));
    expect(preview.steps.map((s) => s.revision)).toEqual(['5dab6e7f8a05', '6ebc7f8a9b06', '7fcd8a9bac07']);
    expect(preview.retort_command).toBe('retort upgrade head');
    const events: RunEvent[] = [];
    const outcome = await api.runAction(upgrade('head'), 'r1', null, (e) => events.push(e));
    expect(outcome.current).toEqual(['7fcd8a9bac07']);
    // The SQLite file exists: its backup is announced before the engine's events.
    expect(events.slice(0, 3).map((e) => e.event)).toEqual(['backup_started', 'backup_finished', 'run_started']);
    const finished = events[1];
    const taken = (await api.listBackups(false)).backups[0];
    expect(finished).toMatchObject({ event: 'backup_finished', id: taken.id, file: taken.file, size_bytes: taken.size });
    expect(events.at(-1)!.event).toBe('run_finished');
    expect(events.filter((e) => e.event === 'step_finished')).toHaveLength(3);
    expect((await api.dbState()).current).toEqual(['7fcd8a9bac07']);
    const down = await api.previewAction({ kind: 'downgrade', target: 'base', targets: [], purge: false });
    expect(down.steps).toHaveLength(7);
    expect(down.destructive_statements).toBeGreaterThan(0);
    expect((await api.activityList())[0].outcome).toBe('succeeded');
  });

  it('announces no backup when there is nothing to back up yet', async () => {
    const api = mock('mock=noversion&delay=0');
    await api.selectConnection('project', null);
    const events: RunEvent[] = [];
    await api.runAction(upgrade('head'), 'r-nofile', null, (e) => events.push(e)).catch(() => null);
    expect(events[0].event).toBe('run_started');
    expect(events.some((e) => e.event.startsWith('backup_'))).toBe(false);
  });

  it('fails like the engine', async () => {
    const api = mock('mock=fail&delay=0');
    await api.selectConnection('project', null);
    const err = await api.runAction(upgrade('head'), 'r2', null, () => {}).catch((e) => e);
    expect(err).toMatchObject({ kind: 'migration_failed', data: { revision: '7fcd8a9bac07', rolled_back: true } });
    expect((await api.dbState()).current).toEqual(['4c9a5d6e7f04']);
  });

  it('requires the database name on production connections', async () => {
    const api = mock();
    await api.selectConnection('saved-1', null);
    const err = await api.runAction({ kind: 'downgrade', target: '-1', targets: [], purge: false }, 'r3', null, () => {}).catch((e) => e);
    expect(err.kind).toBe('confirmation_required');
  });

  it('reports several heads', async () => {
    const api = mock('mock=heads');
    await api.selectConnection('project', null);
    await expect(api.previewAction(upgrade('head'))).rejects.toMatchObject({ kind: 'multiple_heads' });
    const p = await api.previewAction(upgrade('reports@head'));
    expect(p.steps.map((s) => s.revision)).toEqual(['8a1b2c3d4e08']);
  });

  it('lays out 5,000 generated revisions quickly, with lanes for the branches', () => {
    const t0 = performance.now();
    const revisions = buildRevisions(bigProject(5000));
    const layout = buildLayout(revisions);
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(layout.rows).toHaveLength(5000);
    expect(layout.lanes).toBeGreaterThan(1);
    expect(layout.edges.some((e) => e.kind === 'depends_on')).toBe(true);
    for (const e of layout.edges) expect(e.to_row).toBeGreaterThan(e.from_row);
  });

  it('logs the backup a run takes first, a restore with its safety backup, and "Back up now"', async () => {
    const api = mock();
    await api.selectConnection('project', null);
    await api.runAction({ ...upgrade('head') }, 'r-backup', null, () => {});
    const run = (await api.activityList())[0];
    const taken = (await api.listBackups(false)).backups[0];
    expect(taken.reason).toBe('before upgrade head');
    expect(run.backup).toEqual({ id: taken.id, file: taken.file });

    const older = (await api.listBackups(false)).backups.at(-1)!;
    const outcome = await api.restoreBackup(older.id, null);
    const restore = (await api.activityList())[0];
    expect(restore.action).toBe(`retort backup restore ${older.id}`);
    expect(restore.outcome).toBe('succeeded');
    expect(restore.rows_before).toEqual(run.rows_after);
    expect(restore.rows_after).toEqual(older.revisions);
    expect(restore.backup?.id).toBe(outcome.safety_backup!.id);

    await expect(api.restoreBackup('nope', null)).rejects.toMatchObject({ kind: 'command' });
    const failed = (await api.activityList())[0];
    expect(failed.outcome).toBe('failed');
    expect(failed.error?.message).toMatch(/nope/);
    expect(failed.backup).toBeNull();

    const made = await api.createBackup();
    const create = (await api.activityList())[0];
    expect(create.action).toBe('retort backup create');
    expect(create.backup?.id).toBe(made!.id);
  });
});
