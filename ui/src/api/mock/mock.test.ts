// The mock backend that serves screenshots and browser work: it must follow the contract.
import { describe, expect, it } from 'vitest';
import { createApi } from '../client';
import type { ProgressEvent } from '../types';
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
      ['tasks', ['added updated_at']],
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
      ['tasks', ['added updated_at']],
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
    const events: ProgressEvent[] = [];
    const outcome = await api.runAction(upgrade('head'), 'r1', null, (e) => events.push(e));
    expect(outcome.current).toEqual(['7fcd8a9bac07']);
    expect(events[0].event).toBe('run_started');
    expect(events.at(-1)!.event).toBe('run_finished');
    expect(events.filter((e) => e.event === 'step_finished')).toHaveLength(3);
    expect((await api.dbState()).current).toEqual(['7fcd8a9bac07']);
    const down = await api.previewAction({ kind: 'downgrade', target: 'base', targets: [], purge: false });
    expect(down.steps).toHaveLength(7);
    expect(down.destructive_statements).toBeGreaterThan(0);
    expect((await api.activityList())[0].outcome).toBe('succeeded');
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
});
