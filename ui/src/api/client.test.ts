// The API layer against a fake transport: command names, argument names (camelCase, as Tauri
// expects them), progress events through the channel, and errors as {kind, message, detail}.
import { describe, expect, it } from 'vitest';
import { createApi } from './client';
import type { Transport } from './transport';
import type { RunEvent } from './types';

function fake(answer: (command: string, args?: Record<string, unknown>) => unknown = () => null) {
  const calls: { command: string; args?: Record<string, unknown> }[] = [];
  const transport: Transport = {
    invoke: async <T>(command: string, args?: Record<string, unknown>) => {
      calls.push({ command, args });
      return (await answer(command, args)) as T;
    },
    channel: <T>(onMessage: (m: T) => void) => ({ kind: 'channel', send: onMessage }),
  };
  return { api: createApi(transport), calls };
}

const action = { kind: 'upgrade' as const, target: 'head', targets: [], purge: false };

describe('api commands', () => {
  it('calls each command by its Rust name with camelCase arguments', async () => {
    const { api, calls } = fake();
    await api.appInfo();
    await api.currentProject();
    await api.openProject('/p');
    await api.openDemoProject();
    await api.newProject('/n');
    await api.reloadProject();
    await api.recentProjects();
    await api.pickFolder();
    await api.listConnections();
    await api.duplicateConnection('c1');
    await api.deleteConnection('c1');
    await api.pickSqliteFile(true);
    await api.testConnection('c1', null);
    await api.selectConnection('c1', 'pw');
    await api.dbState();
    await api.revisionDetail('abc');
    await api.previewAction(action);
    await api.offlineSql(action);
    await api.cancelRun('run-1');
    await api.activityList();
    await api.exportActivity();
    expect(calls).toEqual([
      { command: 'app_info', args: undefined },
      { command: 'current_project', args: undefined },
      { command: 'open_project', args: { path: '/p' } },
      { command: 'open_demo_project', args: undefined },
      { command: 'new_project', args: { dir: '/n' } },
      { command: 'reload_project', args: undefined },
      { command: 'recent_projects', args: undefined },
      { command: 'pick_folder', args: undefined },
      { command: 'list_connections', args: undefined },
      { command: 'duplicate_connection', args: { id: 'c1' } },
      { command: 'delete_connection', args: { id: 'c1' } },
      { command: 'pick_sqlite_file', args: { create: true } },
      { command: 'test_connection', args: { id: 'c1', password: null } },
      { command: 'select_connection', args: { id: 'c1', password: 'pw' } },
      { command: 'db_state', args: undefined },
      { command: 'revision_detail', args: { revision: 'abc' } },
      { command: 'preview_action', args: { action } },
      { command: 'offline_sql', args: { action } },
      { command: 'cancel_run', args: { runId: 'run-1' } },
      { command: 'activity_list', args: undefined },
      { command: 'export_activity', args: undefined },
    ]);
  });

  it('passes the connection form as `input`', async () => {
    const { api, calls } = fake();
    const input = { id: null, name: 'n', dialect: 'sqlite' as const, host: null, port: null, database: null, user: null, password: null, sqlite_path: '/a.db', production: false };
    await api.saveConnection(input);
    await api.testConnectionInput(input);
    expect(calls.map((c) => c.command)).toEqual(['save_connection', 'test_connection_input']);
    expect(calls.every((c) => c.args?.input === input)).toBe(true);
  });

  it('runs an action with a channel that delivers progress events', async () => {
    const events: RunEvent[] = [
      { event: 'run_started', total_steps: 0, dialect: 'sqlite', transactional: true, version_rows: [] },
      { event: 'run_finished', duration_ms: 1, version_rows: [] },
    ];
    const { api, calls } = fake((_command, args) => {
      const ch = args?.onEvent as { send: (e: RunEvent) => void };
      for (const e of events) ch.send(e);
      return { steps: [], current: [], duration_ms: 1 };
    });
    const got: RunEvent[] = [];
    const outcome = await api.runAction(action, 'run-7', 'nexus', (e) => got.push(e));
    expect(outcome).toEqual({ steps: [], current: [], duration_ms: 1 });
    expect(got).toEqual(events);
    expect(calls[0].command).toBe('run_action');
    expect(Object.keys(calls[0].args!)).toEqual(['action', 'runId', 'confirmDatabase', 'onEvent']);
    expect(calls[0].args).toMatchObject({ action, runId: 'run-7', confirmDatabase: 'nexus' });
  });

  it('surfaces backend errors unchanged', async () => {
    const err = { kind: 'multiple_heads', message: 'Multiple head revisions', detail: null };
    const { api } = fake(() => Promise.reject(err));
    await expect(api.previewAction(action)).rejects.toEqual(err);
  });

  it('keeps the run data of a failed run', async () => {
    const data = { revision: 'r', direction: 'upgrade', path: null, line: 3, statement: 'x', db_message: 'boom', applied: [], statements_applied: [], rolled_back: true, version_rows: [] };
    const { api } = fake(() => Promise.reject({ kind: 'migration_failed', message: 'failed', detail: null, data }));
    await expect(api.runAction(action, 'r', null, () => {})).rejects.toMatchObject({ kind: 'migration_failed', data });
  });

  it('turns other failures into ApiErrors', async () => {
    await expect(fake(() => Promise.reject('command foo not found')).api.dbState()).rejects.toEqual({
      kind: 'internal',
      message: 'command foo not found',
      detail: null,
    });
    await expect(fake(() => Promise.reject(new Error('boom'))).api.dbState()).rejects.toEqual({
      kind: 'internal',
      message: 'boom',
      detail: null,
    });
  });
});
