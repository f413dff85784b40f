/** How the API reaches the backend: Tauri's invoke/Channel in the app, a mock in a browser. */
export interface Transport {
  invoke<T>(command: string, args?: Record<string, unknown>): Promise<T>;
  /** An object that, passed as a command argument, delivers the backend's messages to `onMessage`. */
  channel<T>(onMessage: (message: T) => void): unknown;
}
