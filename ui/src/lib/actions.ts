// The actions the UI offers, as ActionRequests, and what confirming them takes.
import type { ActionRequest, ConnectionView } from '../api';
import { basename } from './format';

export function upgrade(target: string): ActionRequest {
  return { kind: 'upgrade', target, targets: [], purge: false };
}

export function downgrade(target: string): ActionRequest {
  return { kind: 'downgrade', target, targets: [], purge: false };
}

export function stamp(targets: string[], purge = false): ActionRequest {
  return { kind: 'stamp', target: targets[0] ?? 'base', targets, purge };
}

const short = (t: string) => (/^[0-9a-f]{13,}$/.test(t) ? t.slice(0, 12) : t);

/** Dialog title of an action. */
export function actionTitle(a: ActionRequest): string {
  if (a.kind === 'stamp') {
    const t = (a.targets.length ? a.targets : [a.target]).map(short).join(', ');
    return `Stamp ${t}${a.purge ? ' (purge)' : ''}`;
  }
  const verb = a.kind === 'upgrade' ? 'Upgrade' : 'Downgrade';
  switch (a.target) {
    case 'head':
      return `${verb} to head`;
    case 'heads':
      return `${verb} all heads`;
    case 'base':
      return `${verb} to base`;
    default:
      if (/^[+-]\d+$/.test(a.target)) return `${verb} ${a.target}`;
      return `${verb} to ${short(a.target)}`;
  }
}

/** The name a production connection's user must type to confirm a write. */
export function databaseName(c: ConnectionView): string {
  if (c.database) return c.database;
  if (c.sqlite_path) return basename(c.sqlite_path);
  return c.name;
}

/** Every action writes (stamp too: it rewrites the version table). */
export function needsTypedConfirmation(c: ConnectionView | null): boolean {
  return c?.production === true;
}

export function confirmationMatches(typed: string, c: ConnectionView): boolean {
  return typed.trim() === databaseName(c);
}

/** A fresh run id for run_action / cancel_run. */
export function newRunId(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
