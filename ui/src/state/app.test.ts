// The app state with the API mocked: start-up, connection selection, guards and dialogs.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionView, DbState, ProjectView, RevisionInfo } from '../api';

const rev = (revision: string, down: string[], children: string[]): RevisionInfo => ({
  revision, down_revisions: down, branch_labels: [], depends_on: [], message: `msg ${revision}`, create_date: null,
  path: null, children, is_head: children.length === 0, is_effective_head: false, is_base: down.length === 0,
  is_merge: down.length > 1, is_branch_point: children.length > 1,
});
const revisions = [rev('c', ['b'], []), rev('b', ['a'], ['c']), rev('a', [], ['b'])];
const project: ProjectView = {
  path: '/p', name: 'p', config_path: '/p/retort.toml', versions_dir: '/p/versions', version_table: 'alembic_version',
  revisions, is_demo: true,
  timeline: {
    lanes: 1,
    rows: revisions.map((r) => ({ revision: r.revision, lane: 0, short_id: r.revision, message: r.message, branch_labels: [], create_date: null, is_head: r.is_head, is_base: r.is_base, is_merge: false, is_branch_point: false })),
    edges: [
      { from_row: 0, to_row: 1, from_lane: 0, to_lane: 0, lane: 0, kind: 'parent' },
      { from_row: 1, to_row: 2, from_lane: 0, to_lane: 0, lane: 0, kind: 'parent' },
    ],
  },
};
const conn = (over: Partial<ConnectionView>): ConnectionView => ({
  id: 'project', name: 'nexus.db', source: 'project', dialect: 'sqlite', display_url: 'sqlite:///nexus.db', host: null, port: null,
  database: 'nexus.db', user: null, sqlite_path: '/p/nexus.db', production: false, password_saved: false, password_required: false,
  selected: false, error: null, ...over,
});
const state = (current: string[], id: string | null = 'project'): DbState => ({
  connection_id: id, dialect: id ? 'sqlite' : null, current, effective: current, version_table_exists: id !== null,
  display_url: null, database: null, production: false,
});

const api = {
  appInfo: vi.fn(async () => ({ version: '0', data_dir: '/d', log_dir: '/l', keychain_available: true, demo_project: '/demo' })),
  recentProjects: vi.fn(async () => []),
  currentProject: vi.fn(async () => project as ProjectView | null),
  openDemoProject: vi.fn(async () => project),
  openProject: vi.fn(async () => project),
  listConnections: vi.fn(async () => [conn({}), conn({ id: 'pg', name: 'pg', source: 'saved', dialect: 'postgresql', password_required: true })]),
  dbState: vi.fn(async () => state([], null)),
  selectConnection: vi.fn(async (id: string) => state(['b'], id)),
};
vi.mock('../api', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api')>()), api }));

const { app } = await import('./app.svelte');

describe('app state', () => {
  beforeEach(() => {
    app.dialog = null;
    app.dialogLocked = false;
    app.popover = null;
  });

  it('starts on the backend’s project, connects and selects the database position', async () => {
    await app.start();
    expect(app.project?.name).toBe('p');
    expect(api.selectConnection).toHaveBeenCalledWith('project', null);
    expect(app.connection?.id).toBe('project');
    expect(app.selected).toBe('b');
    expect(app.states.get('a')).toBe('applied');
    expect(app.states.get('b')).toBe('current');
    expect(app.states.get('c')).toBe('pending');
    expect(app.counts).toEqual({ applied: 2, pending: 1 });
    expect(app.heads.ambiguous).toBe(false);
    expect(app.starting).toBe(false);
  });

  it('opens the demo project when the backend has none', async () => {
    api.currentProject.mockResolvedValueOnce(null);
    await app.start();
    expect(api.openDemoProject).toHaveBeenCalled();
    expect(app.project?.is_demo).toBe(true);
  });

  it('asks for a password the keychain does not have', async () => {
    const pg = app.connections.find((c) => c.id === 'pg')!;
    expect(await app.selectConnection(pg)).toBe(false);
    expect(app.dialog).toMatchObject({ type: 'password', connection: { id: 'pg' } });
  });

  it('keeps the current connection when another fails, and says why', async () => {
    api.selectConnection.mockRejectedValueOnce({ kind: 'database', message: 'refused', detail: null });
    const pg = app.connections.find((c) => c.id === 'pg')!;
    expect(await app.selectConnection(pg, 'secret')).toBe(false);
    expect(app.connection?.id).toBe('project');
    expect(app.connectError).toMatchObject({ id: 'pg', error: { message: 'refused' } });
    expect(app.popover).toBe('connection');
  });

  it('moves the selection and filters', () => {
    app.select('c');
    app.moveSelection(1, app.order);
    expect(app.selected).toBe('b');
    app.moveSelection(5, app.order);
    expect(app.selected).toBe('a');
    app.filter = 'msg c';
    expect(app.order).toEqual(['c']);
    app.filter = '';
    expect(app.order).toEqual(['c', 'b', 'a']);
  });

  it('closes the top-most thing first, but never a running action', () => {
    app.filter = 'x';
    app.popover = 'project';
    app.dialog = { type: 'help' };
    app.dialogLocked = true;
    expect(app.closeTop()).toBe(true);
    expect(app.dialog).not.toBeNull();
    app.dialogLocked = false;
    app.closeTop();
    expect(app.dialog).toBeNull();
    app.closeTop();
    expect(app.popover).toBeNull();
    app.closeTop();
    expect(app.filter).toBe('');
    expect(app.closeTop()).toBe(false);
  });

  it('opens actions only with a connection', async () => {
    app.startAction({ kind: 'upgrade', target: 'head', targets: [], purge: false });
    expect(app.dialog).toMatchObject({ type: 'action' });
    app.dialog = null;
    api.dbState.mockResolvedValueOnce(state([], null));
    await app.refreshDb();
    app.startAction({ kind: 'upgrade', target: 'head', targets: [], purge: false });
    expect(app.dialog).toBeNull();
    expect(app.popover).toBe('connection');
  });
});
