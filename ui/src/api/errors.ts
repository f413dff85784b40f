import type { ApiError } from './types';

/** True for the `{kind, message, detail}` shape every command fails with. */
export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { kind?: unknown }).kind === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/**
 * Turns whatever a rejected call produced into an ApiError: the backend's own shape passes
 * through, a bare string (Tauri's "command not found" and the like) or a JS Error becomes
 * kind `internal`.
 */
export function toApiError(value: unknown): ApiError {
  if (isApiError(value)) {
    const detail = (value as { detail?: unknown }).detail;
    return { ...value, detail: typeof detail === 'string' ? detail : null };
  }
  if (typeof value === 'string') return { kind: 'internal', message: value, detail: null };
  if (value instanceof Error) return { kind: 'internal', message: value.message, detail: null };
  return { kind: 'internal', message: 'Unexpected failure', detail: JSON.stringify(value) ?? null };
}
