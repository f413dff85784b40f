// Folds a run's events (the backup's, then the engine's ProgressEvents) into what the progress
// view shows.
import type { BackupMode, Dialect, Direction, PreviewStep, RunEvent } from '../api';
import { formatBytes } from './backups';

export type ItemStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface StatementProgress {
  index: number;
  line: number;
  sql: string;
  status: ItemStatus;
  duration_ms: number | null;
}

export interface StepProgress {
  index: number;
  revision: string;
  message: string;
  direction: Direction;
  from: string[];
  to: string[];
  statement_count: number;
  status: ItemStatus;
  duration_ms: number | null;
  statements: StatementProgress[];
}

export type RunPhase = 'starting' | 'backing_up' | 'waiting_for_lock' | 'running' | 'finished' | 'failed';

/** The backup taken before the run (`null` in ProgressState: none announced). */
export interface BackupProgress {
  /** `failed`: the run failed while it was being taken; `skipped`: the run went on without it. */
  status: 'running' | 'done' | 'failed' | 'skipped';
  database: string;
  mode: BackupMode;
  tool: string | null;
  id: string | null;
  file: string | null;
  size_bytes: number | null;
  duration_ms: number | null;
}

export interface ProgressState {
  phase: RunPhase;
  total: number;
  done: number;
  dialect: Dialect | null;
  transactional: boolean | null;
  lock_timeout_ms: number | null;
  start_rows: string[];
  end_rows: string[] | null;
  duration_ms: number | null;
  steps: StepProgress[];
  failure: { kind: string; message: string } | null;
  backup: BackupProgress | null;
}

/** The state before any event; `planned` (the preview's steps) lists what is about to run. */
export function initialProgress(planned: readonly PreviewStep[] = []): ProgressState {
  return {
    phase: 'starting',
    total: planned.length,
    done: 0,
    dialect: null,
    transactional: null,
    lock_timeout_ms: null,
    start_rows: [],
    end_rows: null,
    duration_ms: null,
    steps: planned.map((s, index) => ({
      index,
      revision: s.revision,
      message: s.message,
      direction: s.direction,
      from: [...s.from],
      to: [...s.to],
      statement_count: s.statements.length,
      status: 'pending',
      duration_ms: null,
      statements: [],
    })),
    failure: null,
    backup: null,
  };
}

function updateStep(
  steps: StepProgress[],
  index: number,
  f: (s: StepProgress) => StepProgress,
): StepProgress[] {
  return steps.map((s) => (s.index === index ? f(s) : s));
}

function updateStatement(
  step: StepProgress,
  index: number,
  f: (s: StatementProgress) => StatementProgress,
): StepProgress {
  return { ...step, statements: step.statements.map((s) => (s.index === index ? f(s) : s)) };
}

/** A backup still marked running when the engine's events start was not finished: skipped. */
function settleBackup(state: ProgressState): ProgressState {
  return state.backup?.status === 'running' ? { ...state, backup: { ...state.backup, status: 'skipped' } } : state;
}

export function reduceProgress(state: ProgressState, ev: RunEvent): ProgressState {
  switch (ev.event) {
    case 'backup_started':
      return {
        ...state,
        phase: 'backing_up',
        backup: {
          status: 'running',
          database: ev.database,
          mode: ev.mode,
          tool: ev.tool,
          id: null,
          file: null,
          size_bytes: null,
          duration_ms: null,
        },
      };
    case 'backup_finished': {
      const base: BackupProgress = state.backup ?? {
        status: 'running',
        database: '',
        mode: 'automatic',
        tool: null,
        id: null,
        file: null,
        size_bytes: null,
        duration_ms: null,
      };
      return {
        ...state,
        // The engine connects and takes the lock next.
        phase: state.phase === 'backing_up' ? 'starting' : state.phase,
        backup: { ...base, status: 'done', id: ev.id, file: ev.file, size_bytes: ev.size_bytes, duration_ms: ev.duration_ms },
      };
    }
    default:
      return reduceRun(settleBackup(state), ev);
  }
}

function reduceRun(state: ProgressState, ev: Exclude<RunEvent, { event: 'backup_started' | 'backup_finished' }>): ProgressState {
  switch (ev.event) {
    case 'waiting_for_lock':
      return { ...state, phase: 'waiting_for_lock', lock_timeout_ms: ev.timeout_ms };
    case 'run_started': {
      // The plan is recomputed under the lock; it can differ from the preview (another run got
      // there first), so the preview's steps are only kept when the count still matches.
      const steps = ev.total_steps === state.steps.length ? state.steps : [];
      return {
        ...state,
        phase: 'running',
        total: ev.total_steps,
        dialect: ev.dialect,
        transactional: ev.transactional,
        start_rows: [...ev.version_rows],
        steps,
      };
    }
    case 'step_started': {
      const fresh: StepProgress = {
        index: ev.index,
        revision: ev.revision,
        message: ev.message,
        direction: ev.direction,
        from: [...ev.from],
        to: [...ev.to],
        statement_count: ev.statement_count,
        status: 'running',
        duration_ms: null,
        statements: [],
      };
      const exists = state.steps.some((s) => s.index === ev.index);
      const steps = exists
        ? updateStep(state.steps, ev.index, () => fresh)
        : [...state.steps, fresh].sort((a, b) => a.index - b.index);
      return { ...state, phase: 'running', total: Math.max(state.total, ev.total), steps };
    }
    case 'statement_started':
      return {
        ...state,
        steps: updateStep(state.steps, ev.step_index, (s) => ({
          ...s,
          statement_count: ev.statement_count,
          statements: [
            ...s.statements.filter((st) => st.index !== ev.statement_index),
            { index: ev.statement_index, line: ev.line, sql: ev.sql, status: 'running', duration_ms: null },
          ],
        })),
      };
    case 'statement_finished':
      return {
        ...state,
        steps: updateStep(state.steps, ev.step_index, (s) =>
          updateStatement(s, ev.statement_index, (st) => ({
            ...st,
            status: 'done',
            duration_ms: ev.duration_ms,
          })),
        ),
      };
    case 'step_finished':
      return {
        ...state,
        done: state.done + 1,
        steps: updateStep(state.steps, ev.index, (s) => ({
          ...s,
          status: 'done',
          duration_ms: ev.duration_ms,
        })),
      };
    case 'run_finished':
      return {
        ...state,
        phase: 'finished',
        duration_ms: ev.duration_ms,
        end_rows: [...ev.version_rows],
      };
    case 'run_failed':
      return failRun(state, ev.kind, ev.message);
  }
}

/** Marks the run failed: the running step and statement fail, the steps after it never ran. */
export function failRun(state: ProgressState, kind: string, message: string): ProgressState {
  if (state.phase === 'failed' || state.phase === 'finished') {
    return state.failure ? state : { ...state, phase: 'failed', failure: { kind, message } };
  }
  const cancelled = kind === 'cancelled';
  return {
    ...state,
    phase: 'failed',
    backup: state.backup?.status === 'running' ? { ...state.backup, status: 'failed' } : state.backup,
    failure: { kind, message },
    steps: state.steps.map((s) => {
      if (s.status === 'running') {
        return {
          ...s,
          status: cancelled ? 'skipped' : 'failed',
          statements: s.statements.map((st) =>
            st.status === 'running' ? { ...st, status: cancelled ? 'skipped' : 'failed' } : st,
          ),
        };
      }
      if (s.status === 'pending') return { ...s, status: 'skipped' };
      return s;
    }),
  };
}

/** 0..1 for the progress bar. */
export function progressFraction(state: ProgressState): number {
  if (state.phase === 'finished') return 1;
  if (state.total === 0) return 0;
  return Math.min(1, state.done / state.total);
}

export interface FailurePoint {
  revision: string;
  direction: Direction;
  message: string;
  statement: string | null;
  line: number | null;
}

/** Where a failed run stopped: the revision and statement that were running. */
export function failurePoint(state: ProgressState): FailurePoint | null {
  const step = state.steps.find((s) => s.status === 'failed');
  if (!step) return null;
  const st = step.statements.find((s) => s.status === 'failed') ?? null;
  return {
    revision: step.revision,
    direction: step.direction,
    message: step.message,
    statement: st?.sql ?? null,
    line: st?.line ?? null,
  };
}

/** The run log's backup line: "Backing up nexus.db…", "Backed up (2.1 MB, 0.3 s)", ... */
export function backupLine(backup: BackupProgress): string {
  const what = backup.database || 'the database';
  const how = backup.tool && backup.mode === 'optional' ? ` with ${backup.tool}` : '';
  switch (backup.status) {
    case 'running':
      return `Backing up ${what}${how}…`;
    case 'done':
      return `Backed up (${formatBytes(backup.size_bytes ?? 0)}, ${formatSeconds(backup.duration_ms ?? 0)}) — restore from the Backups tab`;
    case 'failed':
      return `The backup of ${what} failed: nothing ran`;
    case 'skipped':
      return `No backup of ${what} was taken`;
  }
}

/** 0.3 s, 12 s, 2 min 5 s. */
export function formatSeconds(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
