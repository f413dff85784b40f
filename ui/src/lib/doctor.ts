// The Troubleshoot view's logic: ordering findings, how each looks, which fixes only an
// administrator can run, and which doctor checks can explain an error an action (or reading the
// database's position) failed with, so the failure can offer "Troubleshoot this".
import type { ApiError, Finding, Fix, Severity } from '../api';
import { errorFields } from './failure';

const RANK: Record<Severity, number> = { problem: 0, warning: 1, info: 2, ok: 3 };

/** Problems first, then warnings, notes and what is fine; the doctor's order within each. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => [f, i] as const)
    .sort(([a, i], [b, j]) => RANK[a.severity] - RANK[b.severity] || i - j)
    .map(([f]) => f);
}

/** The callout / badge class of a severity (the app's colours). */
export function severityClass(severity: Severity): 'danger' | 'warn' | 'info' | 'ok' {
  switch (severity) {
    case 'problem':
      return 'danger';
    case 'warning':
      return 'warn';
    case 'info':
      return 'info';
    case 'ok':
      return 'ok';
  }
}

export const SEVERITY_LABEL: Record<Severity, string> = {
  problem: 'Problem',
  warning: 'Warning',
  info: 'Note',
  ok: 'OK',
};

/** How many findings of each severity, for the summary line. */
export function summarize(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No checks applied.';
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const parts: string[] = [];
  const problems = count('problem');
  const warnings = count('warning');
  if (problems) parts.push(`${problems} problem${problems === 1 ? '' : 's'}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  if (parts.length === 0) return 'No problems found.';
  return `${parts.join(', ')} found.`;
}

/** Fixes the app cannot run: statements for an administrator (PostgreSQL GRANTs), to copy. */
export function isAdminOnly(fix: Fix): boolean {
  return fix.id === 'grants' || fix.id.endsWith('-grants') || fix.id.startsWith('grants:');
}

/** The statements of a fix as one text, each ending with `;` (for copying). */
export function fixText(fix: Fix): string {
  return fix.sql_preview
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (s.startsWith('retort ') || s.endsWith(';') || s.includes('--') ? s : `${s};`))
    .join('\n');
}

/** Whether applying `fix` changes the project's scripts (the app reloads them afterwards). */
export function changesScripts(fix: Fix | string): boolean {
  const id = typeof fix === 'string' ? fix : fix.id;
  return id === 'merge';
}

/** What a failure can be explained by: the doctor checks to look at, and why. */
export interface TroubleshootMatch {
  checks: string[];
  /** A few words naming the suspected cause. */
  reason: string;
}

const VERSION_TABLE_MISSING = [
  /no such table:\s*"?alembic_version/i,
  /no such table:\s*"?\w*version/i,
  /relation "[^"]*version[^"]*" does not exist/i,
  /table '[^']*version[^']*' doesn't exist/i,
];

/**
 * The doctor checks that can explain `err`, or null when none applies. The error's kind decides
 * first, its message (and the database's own message) second. `versionRows` is what the version
 * table named when the failure happened, when known: a "table already exists" failure from base
 * points at a database built without a version table.
 */
export function matchFailure(err: ApiError, versionRows: readonly string[] | null = null): TroubleshootMatch | null {
  const f = errorFields(err);
  const text = [err.message, err.detail ?? '', f.db_message ?? ''].join('\n');
  const has = (re: RegExp) => re.test(text);

  switch (err.kind) {
    case 'multiple_heads':
      return { checks: ['multiple_heads'], reason: 'several heads' };
    case 'locked':
      return { checks: ['sqlite_lock'], reason: 'the database is locked' };
    case 'resolution':
      if (has(/can't locate revision/i)) {
        return { checks: ['unknown_revision', 'multiple_heads'], reason: 'a revision the scripts do not have' };
      }
      break;
  }
  // A MySQL revision that failed halfway: some of its statements took effect.
  if (err.kind === 'migration_failed' && (f.statements_applied?.length ?? 0) > 0) {
    return { checks: ['mysql_half_applied'], reason: 'a revision applied halfway' };
  }
  if (has(/multiple head|several heads|multiple heads/i)) {
    return { checks: ['multiple_heads'], reason: 'several heads' };
  }
  if (VERSION_TABLE_MISSING.some((re) => re.test(text))) {
    return { checks: ['version_table'], reason: 'no version table' };
  }
  if (has(/can't locate revision/i)) {
    return { checks: ['unknown_revision'], reason: 'a revision the scripts do not have' };
  }
  if (has(/database is locked|database table is locked|SQLITE_BUSY/i)) {
    return { checks: ['sqlite_lock'], reason: 'the database is locked' };
  }
  if (has(/permission denied|must be owner of/i)) {
    return { checks: ['postgres_privileges', 'connection'], reason: 'missing privileges' };
  }
  if (has(/access denied|command denied/i)) {
    return { checks: ['mysql_privileges', 'mysql_grants', 'connection'], reason: 'missing privileges' };
  }
  if (err.kind === 'migration_failed' && has(/already exists|duplicate column|duplicate key name/i)) {
    const rows = f.version_rows ?? versionRows;
    const fromBase = (f.applied?.length ?? 0) === 0 && (rows === null || rows.length === 0);
    if (fromBase) return { checks: ['version_table'], reason: 'tables without a version table' };
  }
  if (
    err.kind === 'database' &&
    has(/password authentication failed|connection refused|could not connect|unknown database|does not exist|timed out|name or service not known/i)
  ) {
    return { checks: ['connection'], reason: 'the connection failed' };
  }
  return null;
}

/** The finding that answers a match: the first non-ok finding of a matched check (problems first). */
export function pickFinding(findings: readonly Finding[], match: TroubleshootMatch): Finding | null {
  const relevant = sortFindings(findings).filter((f) => f.severity !== 'ok');
  for (const check of match.checks) {
    const found = relevant.find((f) => f.check === check);
    if (found) return found;
  }
  return null;
}

/** Splits text on `backticks`: odd parts are code (the doctor writes commands that way). */
export function codeSpans(text: string): { text: string; code: boolean }[] {
  const parts = text.split('`');
  // An unmatched backtick: keep the text as it is.
  if (parts.length % 2 === 0) return [{ text, code: false }];
  return parts.map((t, i) => ({ text: t, code: i % 2 === 1 })).filter((p) => p.text.length > 0);
}

/** A stable DOM id for a finding (the view scrolls to and highlights it). */
export function findingKey(f: Finding): string {
  return `finding-${f.check}`;
}

/** What the checks, run again after a fix, say about the finding the fix was applied to. */
export type FixVerdict =
  /** The check finds no problem or warning any more. */
  | { state: 'fixed' }
  /** The check still reports a problem or warning: the fresh finding. */
  | { state: 'remaining'; finding: Finding }
  /** The checks could not run again. */
  | { state: 'unknown' };

/** The verdict on `finding` from the checks' fresh results (`null`: they could not run). */
export function afterFix(finding: Finding, fresh: readonly Finding[] | null): FixVerdict {
  if (fresh === null) return { state: 'unknown' };
  const still = sortFindings(fresh).find((f) => f.check === finding.check && RANK[f.severity] <= RANK.warning);
  return still ? { state: 'remaining', finding: still } : { state: 'fixed' };
}

/** How a finding card looks once a fix was applied on it. */
export interface CardView {
  /** The finding shown: the fresh one while the check still reports something. */
  finding: Finding;
  /** The badge and its colour. */
  badge: string;
  tone: 'danger' | 'warn' | 'info' | 'ok';
  state: 'open' | 'fixed' | 'remaining' | 'unknown';
}

/**
 * The card of `finding` (its prop now) after a fix was applied to `appliedTo` with `verdict`. The
 * verdict holds while the card still shows that finding, or a fresh one that is no problem (the
 * Troubleshoot view swaps in the fresh findings itself); a later problem from a new check run
 * shows as it is.
 */
export function cardView(finding: Finding, appliedTo: Finding | null, verdict: FixVerdict | null): CardView {
  const open = (f: Finding): CardView => ({ finding: f, badge: SEVERITY_LABEL[f.severity], tone: severityClass(f.severity), state: 'open' });
  if (!verdict || !appliedTo) return open(finding);
  const same = finding === appliedTo;
  switch (verdict.state) {
    case 'fixed':
      if (!same && RANK[finding.severity] <= RANK.warning) return open(finding);
      return { finding, badge: 'Fixed', tone: 'ok', state: 'fixed' };
    case 'remaining': {
      const shown = same ? verdict.finding : finding;
      if (RANK[shown.severity] > RANK.warning) return { finding: shown, badge: 'Fixed', tone: 'ok', state: 'fixed' };
      return { ...open(shown), state: 'remaining' };
    }
    case 'unknown':
      return same ? { ...open(finding), state: 'unknown' } : open(finding);
  }
}
