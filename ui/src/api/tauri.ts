// The only module that talks to Tauri itself.
import { Channel, invoke } from '@tauri-apps/api/core';
import type { Transport } from './transport';

export const tauriTransport: Transport = {
  invoke: <T>(command: string, args?: Record<string, unknown>) => invoke<T>(command, args),
  channel: <T>(onMessage: (message: T) => void) => new Channel<T>(onMessage),
};

/** True inside the desktop app's webview. */
export function hasTauriRuntime(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}
