// The timeline filter: revision id, message, branch label or date, case-insensitive.
import type { TimelineRow } from '../api';

export function rowMatches(row: TimelineRow, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return (
    row.revision.toLowerCase().includes(q) ||
    row.message.toLowerCase().includes(q) ||
    row.branch_labels.some((l) => l.toLowerCase().includes(q)) ||
    (row.create_date ?? '').includes(q)
  );
}

/** Indexes of the matching rows, or null when the filter is empty (every row shows). */
export function filterRows(rows: readonly TimelineRow[], query: string): number[] | null {
  if (!query.trim()) return null;
  const out: number[] = [];
  rows.forEach((r, i) => {
    if (rowMatches(r, query)) out.push(i);
  });
  return out;
}
