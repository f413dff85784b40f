// How previews and statements are shown: destructive flags, summaries, light highlighting.
import type { Preview, PreviewStatement, PreviewStep } from '../api';
import { plural } from './format';

export interface StatementDisplay {
  destructive: boolean;
  /** Badge text for a destructive statement. */
  badge: string | null;
  /** The reason, as a full sentence. */
  reason: string | null;
  className: string;
}

export function statementDisplay(st: PreviewStatement): StatementDisplay {
  if (st.destructive) {
    const reason = st.destructive.charAt(0).toUpperCase() + st.destructive.slice(1);
    return {
      destructive: true,
      badge: 'destroys data',
      reason: reason.endsWith('.') ? reason : `${reason}.`,
      className: 'stmt destructive',
    };
  }
  return { destructive: false, badge: null, reason: null, className: 'stmt' };
}

export function countDestructive(steps: readonly PreviewStep[]): number {
  let n = 0;
  for (const s of steps) for (const st of s.statements) if (st.destructive) n++;
  return n;
}


/** The headline above a preview: what will happen, in one sentence. */
export function previewHeadline(p: Preview): string {
  if (p.steps.length === 0) return 'Nothing to do: the database is already there.';
  const statements = p.steps.reduce((n, s) => n + s.statements.length, 0);
  const ups = p.steps.filter((s) => s.direction === 'up').length;
  const downs = p.steps.filter((s) => s.direction === 'down').length;
  const stamps = p.steps.filter((s) => s.direction === 'stamp').length;
  const parts: string[] = [];
  if (ups) parts.push(`apply ${plural(ups, 'revision')}`);
  if (downs) parts.push(`revert ${plural(downs, 'revision')}`);
  if (stamps) parts.push(`rewrite the version table (${plural(stamps, 'stamp step')}, no SQL of the migrations runs)`);
  const sentence = parts.join(' and ');
  const tail = statements > 0 ? ` with ${plural(statements, 'statement')}` : '';
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}${tail}.`;
}

export function destructiveWarning(p: Preview): string | null {
  const n = p.destructive_statements || countDestructive(p.steps);
  if (n === 0) return null;
  return `${plural(n, 'statement')} ${n === 1 ? 'destroys' : 'destroy'} data: check ${n === 1 ? 'it' : 'them'} below before you run.`;
}

export const DIRECTION_VERB: Record<string, string> = {
  up: 'upgrade',
  down: 'downgrade',
  stamp: 'stamp',
};

export type SqlToken = { text: string; kind: 'kw' | 'str' | 'comment' | 'num' | 'plain' };

const KEYWORDS = new Set(
  (
    'ADD ALTER AND AS ASC BEGIN BY CASCADE CHECK COLUMN COMMIT CONSTRAINT CREATE DATABASE DEFAULT ' +
    'DELETE DESC DROP EACH END EXECUTE EXISTS FOR FOREIGN FROM FUNCTION IF IN INDEX INSERT INTO IS ' +
    'KEY NOT NULL ON OR PRIMARY REFERENCES RENAME RETURNS ROW SCHEMA SELECT SET TABLE TO TRIGGER ' +
    'TRUNCATE UNIQUE UPDATE VALUES VIEW WHEN WHERE WITH AFTER BEFORE RETURN LANGUAGE TYPE USING'
  ).split(' '),
);

/** Splits SQL into tokens for display: keywords, strings, comments, numbers, the rest. */
export function tokenizeSql(sql: string): SqlToken[] {
  const out: SqlToken[] = [];
  // A word starting with a digit that is not a number (a revision id like 7fcd8a9bac07) is plain.
  const re = /(--[^\n]*|\/\*[\s\S]*?\*\/)|('(?:[^']|'')*'?)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_][A-Za-z0-9_]*|[0-9][A-Za-z0-9_]*)|([^A-Za-z0-9_'-]+|-)/g;
  let m: RegExpExecArray | null;
  const push = (text: string, kind: SqlToken['kind']) => {
    const last = out[out.length - 1];
    if (last && last.kind === kind && kind === 'plain') last.text += text;
    else out.push({ text, kind });
  };
  while ((m = re.exec(sql)) !== null) {
    if (m[1]) push(m[1], 'comment');
    else if (m[2]) push(m[2], 'str');
    else if (m[3]) push(m[3], 'num');
    else if (m[4]) push(m[4], KEYWORDS.has(m[4].toUpperCase()) ? 'kw' : 'plain');
    else push(m[0], 'plain');
  }
  return out;
}
