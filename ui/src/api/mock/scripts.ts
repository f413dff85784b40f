// Mock only: a small reader of Retort's native .sql script format, enough to show the demo
// project's real scripts in a browser without the backend.
import type { Dialect, Direction } from '../types';

export interface MockStatement {
  sql: string;
  line: number;
}

interface Section {
  lines: string[];
  /** 1-based line number of the section's first body line. */
  start: number;
}

export interface MockScript {
  revision: string;
  down_revisions: string[];
  branch_labels: string[];
  depends_on: string[];
  create_date: string | null;
  message: string;
  path: string;
  no_transaction: boolean;
  sections: Map<string, Section>;
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export function parseScript(path: string, text: string): MockScript {
  const headers: Record<string, string> = {};
  const sections = new Map<string, Section>();
  let current: Section | null = null;
  let noTransaction = false;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const directive = /^\s*--\s*migrate:(\S+)\s*(\S+)?\s*$/i.exec(line);
    if (directive) {
      const which = directive[1].toLowerCase();
      if (which === 'no-transaction') {
        noTransaction = true;
        return;
      }
      current = { lines: [], start: i + 2 };
      sections.set(`${which}:${(directive[2] ?? '').toLowerCase()}`, current);
      return;
    }
    if (!current) {
      const h = /^--\s*([A-Za-z ]+?):\s*(.*)$/.exec(line);
      if (h) headers[h[1].toLowerCase()] = h[2].trim();
      return;
    }
    (current as Section).lines.push(line);
  });
  return {
    revision: headers['revision id'] ?? path,
    down_revisions: list(headers['revises']),
    branch_labels: list(headers['branch labels']),
    depends_on: list(headers['depends on']),
    create_date: headers['create date'] || null,
    message: headers['message'] ?? '',
    path,
    no_transaction: noTransaction,
    sections,
  };
}

function section(script: MockScript, direction: Direction, dialect: Dialect): Section | null {
  return script.sections.get(`${direction}:${dialect}`) ?? script.sections.get(`${direction}:`) ?? null;
}

/** The section's text for a dialect, as the revision panel shows it. */
export function sectionSql(script: MockScript, direction: Direction, dialect: Dialect): string {
  const s = section(script, direction, dialect);
  if (!s) return '';
  return s.lines.join('\n').trim();
}

/** Splits at `;` ending a line, keeping BEGIN…END and $$…$$ bodies whole; comments are dropped. */
export function statements(script: MockScript, direction: Direction, dialect: Dialect): MockStatement[] {
  const s = section(script, direction, dialect);
  if (!s) return [];
  const out: MockStatement[] = [];
  let buf: string[] = [];
  let startLine = 0;
  let depth = 0;
  let dollar = false;
  s.lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (buf.length === 0 && (trimmed === '' || trimmed.startsWith('--'))) return;
    if (buf.length === 0) startLine = s.start + i;
    buf.push(line);
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) dollar = !dollar;
    if (/^\s*BEGIN\s*$/i.test(line) || /\bBEGIN$/i.test(trimmed)) depth++;
    if (/^\s*END\s*;?\s*$/i.test(line) && depth > 0) depth--;
    if (!dollar && depth === 0 && trimmed.endsWith(';')) {
      out.push({ sql: buf.join('\n').trim().replace(/;$/, ''), line: startLine });
      buf = [];
    }
  });
  if (buf.join('').trim()) out.push({ sql: buf.join('\n').trim().replace(/;$/, ''), line: startLine });
  return out;
}

/** Mirrors retort_core::preview::destructive_reason closely enough for mock data. */
export function destructiveReason(sql: string): string | null {
  const s = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
  if (/^DROP TABLE\b/.test(s)) return 'drops a table and all its rows';
  if (/^DROP (SCHEMA|DATABASE)\b/.test(s)) return 'drops a schema and everything in it';
  if (/^TRUNCATE\b/.test(s)) return 'deletes every row of a table';
  if (/^DELETE\b/.test(s) && !/\bWHERE\b/.test(s)) return 'DELETE without WHERE removes every row';
  if (/^ALTER TABLE\b/.test(s) && /\bDROP (?!CONSTRAINT|INDEX|KEY|DEFAULT|NOT|FOREIGN|PRIMARY|CHECK|TRIGGER)\w+/.test(s)) {
    return 'drops a column and its data';
  }
  return null;
}
