// What the Activity view shows of an entry beyond its raw fields: a one-line summary for the
// table's "Plan" column and the sentence naming the backup an entry carries.
import type { ActivityEntry } from '../api/types';

type Entry = Pick<ActivityEntry, 'action' | 'plan' | 'rows_before' | 'rows_after' | 'backup' | 'outcome' | 'sql'>;

/** `retort backup create` / `restore`: they copy files or load a dump; no migration SQL is logged. */
export function isBackupCommand(e: Pick<ActivityEntry, 'action'>): boolean {
  return e.action.startsWith('retort backup ');
}

/** `retort backup create` ("Back up now"): the backup is the entry's result, not taken first. */
export function isBackupCreate(e: Pick<ActivityEntry, 'action'>): boolean {
  return e.action.startsWith('retort backup create');
}

const rowsLabel = (rows: readonly string[]) => [...rows].sort().map((r) => r.slice(0, 8)).join(', ') || 'base';

/** The Plan column: the revisions that ran; else how the version rows moved (a fix, a restore). */
export function activitySummary(e: Entry): string {
  if (e.plan.length) {
    return `${e.plan.length} × ${e.plan[0].direction}: ${e.plan.map((p) => p.revision.slice(0, 8)).join(', ')}`;
  }
  if (isBackupCreate(e)) return e.backup ? 'backup made' : e.outcome === 'succeeded' ? 'nothing to back up' : 'no backup';
  const before = rowsLabel(e.rows_before);
  const after = rowsLabel(e.rows_after);
  if (before !== after) return `${before} → ${after}`;
  // A restore puts data back even when the revision is the same; a fix may run SQL.
  return e.sql || e.action.startsWith('retort backup restore') ? 'version unchanged' : 'nothing ran';
}

/** The sentence under an entry's details naming its backup; null when it carries none. */
export function backupNote(e: Pick<ActivityEntry, 'action' | 'backup'>): { label: string; id: string; file: string } | null {
  if (!e.backup) return null;
  return {
    label: isBackupCreate(e) ? 'Backup made:' : 'Backup taken first:',
    id: e.backup.id,
    file: e.backup.file,
  };
}
