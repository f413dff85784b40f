// What the result view says about a failed run: where it stopped, the database's message, and
// the state the database is in now. Sources, best first: structured fields on the ApiError (or
// JSON in its `detail`), the progress events (the revision and statement that were running),
// the text of the message, and the position read back after the run.
import type { ApiError } from '../api';
import { failurePoint, type ProgressState } from './progress';
import { formatRows, plural } from './format';

export interface FailureReport {
  kind: string;
  title: string;
  revision: string | null;
  direction: string | null;
  path: string | null;
  line: number | null;
  statement: string | null;
  /** The database's own message, when known; otherwise the whole error message. */
  dbMessage: string;
  /** Sentences on what the database holds now. */
  stateNow: string[];
  /** Revisions of this run still in effect after the failure, when the error says so. */
  stillApplied: string[] | null;
  detail: string | null;
}

interface Fields {
  revision?: string;
  direction?: string;
  path?: string;
  line?: number;
  statement?: string;
  db_message?: string;
  applied?: { direction: string; revision: string }[];
  statements_applied?: string[];
  rolled_back?: boolean;
  version_rows?: string[];
  waited_secs?: number;
}

function objectOr(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** Structured fields carried by the error, wherever the shell put them. */
export function errorFields(err: ApiError): Fields {
  const e = err as unknown as Record<string, unknown>;
  const nested = objectOr(e.fields) ?? objectOr(e.data);
  let fromDetail: Record<string, unknown> | null = null;
  if (typeof err.detail === 'string' && err.detail.trimStart().startsWith('{')) {
    try {
      fromDetail = objectOr(JSON.parse(err.detail));
    } catch {
      fromDetail = null;
    }
  }
  const top: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (!['kind', 'message', 'detail'].includes(k)) top[k] = v;
  return { ...top, ...(fromDetail ?? {}), ...(nested ?? {}) } as Fields;
}

const MESSAGE_RE =
  /^(\w+) of (\S+) failed at (.+?):(\d+): ([\s\S]*?)(?: \(((?:the failed transaction|no statement|\d+ statement)[^)]*)\))?$/;

/** Parses retort-core's MigrationFailed message: "{direction} of {revision} failed at {path}:{line}: {db message} ({note})". */
export function parseFailureMessage(message: string) {
  const m = MESSAGE_RE.exec(message.trim());
  if (!m) return null;
  return {
    direction: m[1],
    revision: m[2],
    path: m[3],
    line: Number(m[4]),
    dbMessage: m[5],
    note: m[6] ?? null,
  };
}

export function failureReport(
  err: ApiError,
  progress: ProgressState | null,
  rowsNow: readonly string[] | null,
): FailureReport {
  const f = errorFields(err);
  const point = progress ? failurePoint(progress) : null;
  const parsed = parseFailureMessage(err.message);
  const revision = f.revision ?? point?.revision ?? parsed?.revision ?? null;
  const direction = f.direction ?? point?.direction ?? parsed?.direction ?? null;
  const line = f.line ?? point?.line ?? parsed?.line ?? null;
  const statement = f.statement ?? point?.statement ?? null;
  const path = f.path ?? parsed?.path ?? null;
  const dbMessage = f.db_message ?? parsed?.dbMessage ?? err.message;
  const rows = f.version_rows ?? (rowsNow ? [...rowsNow] : null);

  const stateNow: string[] = [];
  switch (err.kind) {
    case 'migration_failed': {
      if (f.rolled_back === true || parsed?.note?.startsWith('the failed transaction')) {
        stateNow.push('The failed transaction was rolled back: nothing of it remains.');
      } else if (f.statements_applied && f.statements_applied.length > 0) {
        stateNow.push(
          `${plural(f.statements_applied.length, 'statement')} of ${revision ?? 'the failed revision'} took effect and could not be rolled back (this database commits DDL at once); fix them by hand or write a revision that completes the change.`,
        );
      } else if (parsed?.note) {
        stateNow.push(`${parsed.note.charAt(0).toUpperCase()}${parsed.note.slice(1)}.`);
      }
      if (f.applied && f.applied.length > 0) {
        stateNow.push(
          `${plural(f.applied.length, 'revision')} completed before the failure and ${f.applied.length === 1 ? 'stays' : 'stay'} applied: ${f.applied.map((a) => a.revision.slice(0, 12)).join(', ')}.`,
        );
      }
      break;
    }
    case 'cancelled':
      stateNow.push('The run was cancelled between revisions; the revisions before that stay applied.');
      break;
    case 'locked':
      stateNow.push('Nothing ran: another migration holds the lock. Wait for it to finish, then try again.');
      break;
    default:
      if (progress && progress.done === 0 && !point) stateNow.push('Nothing ran.');
  }
  if (rows) stateNow.push(`The version table now names: ${formatRows(rows)}.`);

  const verb = direction === 'down' || direction === 'downgrade' ? 'Downgrade' : direction === 'stamp' ? 'Stamp' : 'Upgrade';
  const title =
    err.kind === 'migration_failed' && revision
      ? `${verb} of ${revision.slice(0, 12)} failed${line ? ` at line ${line}` : ''}`
      : err.kind === 'cancelled'
        ? 'Cancelled'
        : 'The run failed';
  return {
    kind: err.kind,
    title,
    revision,
    direction,
    path,
    line,
    statement,
    dbMessage,
    stateNow,
    stillApplied: Array.isArray(f.applied) ? f.applied.map((a) => a.revision) : null,
    detail:
      err.detail && !err.detail.trimStart().startsWith('{') && err.detail.trim() !== statement?.trim()
        ? err.detail
        : null,
  };
}
