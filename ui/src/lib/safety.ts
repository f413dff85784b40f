// The Checks view's logic: round-trip test progress and results, drift differences grouped by
// table. Pure functions over the IPC types (tested in safety.test.ts).
import type { DriftReport, RevisionStatus, RoundTripProgress, RoundTripReport } from '../api';

export const TEST_COMMAND = 'retort test';
export const CHECK_COMMAND = 'retort check';

/** `base` for no rows, else the rows joined. */
export function atRevision(current: string[]): string {
  return current.length ? current.join(', ') : 'base';
}

const STATUS_LABEL: Record<RevisionStatus, string> = {
  ok: 'OK',
  upgrade_failed: 'Upgrade failed',
  downgrade_failed: 'Downgrade failed',
  not_restored: 'Downgrade did not restore the schema',
  downgrade_skipped: 'Downgrade not tested',
  not_run: 'Not reached',
};

export function statusLabel(status: RevisionStatus): string {
  return STATUS_LABEL[status];
}

export function isFailure(status: RevisionStatus): boolean {
  return status === 'upgrade_failed' || status === 'downgrade_failed' || status === 'not_restored';
}

/** How many things failed: revisions plus a failed or different re-upgrade. */
export function failureCount(report: RoundTripReport): number {
  const reup = report.reupgrade === 'failed' || report.reupgrade === 'differs' ? 1 : 0;
  return report.revisions.filter((r) => isFailure(r.status)).length + reup;
}

export function roundTripSummary(report: RoundTripReport): string {
  if (report.passed) {
    return `Passed: ${report.revisions.length} revision(s) upgraded, downgraded and upgraded again in a scratch database.`;
  }
  const n = failureCount(report);
  return n === 0
    ? 'Not every revision could be tested; see the table.'
    : `Failed: ${n} problem(s). The scratch database was discarded; your database was not touched.`;
}

export function reupgradeLabel(report: RoundTripReport): string {
  switch (report.reupgrade) {
    case 'ok':
      return 'Upgrade to head again: the same schema as the first time.';
    case 'failed':
      return `Upgrade to head again failed: ${report.reupgrade_error ?? ''}`;
    case 'differs':
      return 'Upgrade to head again: the schema differs from the first time.';
    case 'not_run':
      return 'Upgrade to head again: not reached.';
  }
}

/** 0..100 for the progress bar; the step is counted once it starts. */
export function progressPercent(p: RoundTripProgress | null): number {
  if (!p || p.total === 0) return 0;
  return Math.round(((p.step - 1) / p.total) * 100);
}

export function progressLabel(p: RoundTripProgress | null): string {
  if (!p) return 'Creating a scratch database…';
  const what = p.phase === 'upgrade' ? 'upgrade' : p.phase === 'downgrade' ? 'downgrade' : 'upgrade again to';
  return `Step ${p.step} of ${p.total}: ${what} ${p.revision}`;
}

export interface LineGroup {
  /** The table the lines are about, or null for whole tables/views added or removed. */
  table: string | null;
  lines: string[];
}

/** `~ table t: + column x` lines grouped under `t`; `+ table t` lines in a group of their own. */
export function groupDifferences(lines: string[]): LineGroup[] {
  const groups: LineGroup[] = [];
  for (const line of lines) {
    const m = /^~ table (.+?): (.*)$/.exec(line);
    const table = m ? m[1] : null;
    const text = m ? m[2] : line;
    let group = groups.find((g) => g.table === table);
    if (!group) {
      group = { table, lines: [] };
      groups.push(group);
    }
    group.lines.push(text);
  }
  return groups;
}

export function driftSummary(report: DriftReport): string {
  const at = atRevision(report.current);
  if (!report.drifted) return `No drift at ${at}: the database matches its migrations.`;
  return `Drift at ${at}: ${report.differences.length} difference(s) between the migrations and the database.`;
}

export function pendingNote(report: DriftReport): string | null {
  if (!report.pending.length) return null;
  return `${report.pending.length} revision(s) not applied yet (${report.pending.join(', ')}): that is not drift; upgrading applies them.`;
}
