// The UI's door to the backend. Components import `api` and the types from here, never
// `@tauri-apps/*` (only ./tauri.ts does).
import { createApi } from './client';
import { hasTauriRuntime, tauriTransport } from './tauri';
import type { Transport } from './transport';

export * from './types';
export { isApiError, toApiError } from './errors';
export { createApi, type Api } from './client';
export type { Transport } from './transport';

/** `tauri` in the app; `mock` in a plain browser with `?mock` (or `vite dev`); `none` otherwise. */
export type RuntimeMode = 'tauri' | 'mock' | 'none';

function detectMode(): RuntimeMode {
  if (hasTauriRuntime()) return 'tauri';
  if (typeof window === 'undefined') return 'none';
  const params = new URLSearchParams(window.location.search);
  if (params.has('mock') || import.meta.env.DEV) return 'mock';
  return 'none';
}

/** Fails every call with a message that says how to get a backend. */
const noRuntime: Transport = {
  invoke: () =>
    Promise.reject({
      kind: 'no_runtime',
      message: 'This is the Retort desktop app’s interface, opened outside the app.',
      detail:
        'Start the app with “npx tauri dev” in ui/ (or the README’s run command), or add ?mock to this page’s address to browse the demo project with mock data.',
    }),
  channel: () => null,
};

export const runtimeMode: RuntimeMode = detectMode();

function transport(): Transport | Promise<Transport> {
  switch (runtimeMode) {
    case 'tauri':
      return tauriTransport;
    case 'mock':
      // Loaded only without a Tauri runtime: the app's bundle never runs it.
      return import('./mock').then((m) =>
        m.createMockTransport(new URLSearchParams(window.location.search)),
      );
    case 'none':
      return noRuntime;
  }
}

export const api = createApi(transport());
