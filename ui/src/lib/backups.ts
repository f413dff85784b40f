// Backups: the small pieces of text the Backups view and the action dialog show.
import type { BackupInfo, BackupPlan } from '../api';

/** 1536 → "1.5 KB"; bytes below 1 KB as they are. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The revisions a backup was at: "base" when none. */
export function revisionsLabel(revisions: string[]): string {
  return revisions.length ? revisions.join(', ') : 'base';
}

/** An RFC 3339 time as local "YYYY-MM-DD HH:MM:SS" (the text itself when it does not parse). */
export function backupTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The question the restore confirmation asks. */
export function restoreQuestion(backup: BackupInfo): string {
  return (
    `Put ${backup.name} back as it was at ${backupTime(backup.created_at)} ` +
    `(revision ${revisionsLabel(backup.revisions)})? Everything in it now is replaced; ` +
    `its current state is backed up first, so this can be undone.`
  );
}

/** Whether the action dialog offers the "dump first" checkbox. */
export function offersDump(plan: BackupPlan | null | undefined): boolean {
  return plan?.mode === 'optional';
}

/** The callout style of a backup plan line. */
export function planTone(plan: BackupPlan): 'info' | 'warn' | 'muted' {
  switch (plan.mode) {
    case 'automatic':
    case 'optional':
      return 'info';
    case 'unavailable':
      return 'warn';
    default:
      return 'muted';
  }
}
