// The Tauri transport with @tauri-apps/api mocked: invoke gets the command and arguments, and
// the progress callback is wrapped in a Channel.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
class FakeChannel<T> {
  constructor(public onmessage: (m: T) => void) {}
}
vi.mock('@tauri-apps/api/core', () => ({ invoke, Channel: FakeChannel }));

const { tauriTransport, hasTauriRuntime } = await import('./tauri');
const { createApi } = await import('./client');

describe('tauri transport', () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it('invokes commands through @tauri-apps/api', async () => {
    invoke.mockResolvedValue({ connection_id: null });
    const api = createApi(tauriTransport);
    await expect(api.dbState()).resolves.toEqual({ connection_id: null });
    expect(invoke).toHaveBeenCalledWith('db_state', undefined);
  });

  it('sends a Channel as onEvent', async () => {
    invoke.mockImplementation(async (_cmd: string, args: { onEvent: FakeChannel<unknown> }) => {
      args.onEvent.onmessage({ event: 'run_finished', duration_ms: 1, version_rows: ['a'] });
      return { steps: [], current: ['a'], duration_ms: 1 };
    });
    const seen: unknown[] = [];
    await createApi(tauriTransport).runAction({ kind: 'upgrade', target: '+1', targets: [], purge: false }, 'r1', null, (e) => seen.push(e));
    const [command, args] = invoke.mock.calls[0];
    expect(command).toBe('run_action');
    expect(args.onEvent).toBeInstanceOf(FakeChannel);
    expect(args.runId).toBe('r1');
    expect(args.confirmDatabase).toBeNull();
    expect(seen).toEqual([{ event: 'run_finished', duration_ms: 1, version_rows: ['a'] }]);
  });

  it('detects the runtime by __TAURI_INTERNALS__', () => {
    expect(hasTauriRuntime()).toBe(false);
    vi.stubGlobal('window', { __TAURI_INTERNALS__: {} });
    expect(hasTauriRuntime()).toBe(true);
    vi.unstubAllGlobals();
  });
});
