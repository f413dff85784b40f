// Pure view logic of the schema view: names, the table list filter and counts, references
// into a table, key columns, and the lines that say what a run changed (from a SchemaDiff).
import type { Change, Column, Schema, SchemaDiff, Table, TablePart } from '../api/types';

/** `schema.name`, the key tables are known by in the view (and the diff's qualified names). */
export const tableKey = (t: { schema: string; name: string }) => `${t.schema}.${t.name}`;

/** The name as shown: unqualified in the default schema. */
export function displayName(t: Table, defaultSchema: string | null): string {
  return defaultSchema === t.schema ? t.name : `${t.schema}.${t.name}`;
}

/** Tables then views whose name (or a column's name) contains every word of `query`. */
export function filterTables(schema: Schema, query: string): Table[] {
  const all = [...schema.tables, ...schema.views];
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return all;
  return all.filter((t) => {
    const name = `${t.schema}.${t.name}`.toLowerCase();
    const columns = t.columns.map((c) => c.name.toLowerCase());
    return words.every((w) => name.includes(w) || columns.some((c) => c.includes(w)));
  });
}

export interface SchemaCounts {
  tables: number;
  views: number;
  columns: number;
  foreignKeys: number;
}

export function countSchema(schema: Schema): SchemaCounts {
  let columns = 0;
  let foreignKeys = 0;
  for (const t of schema.tables) {
    columns += t.columns.length;
    foreignKeys += t.foreign_keys.length;
  }
  return { tables: schema.tables.length, views: schema.views.length, columns, foreignKeys };
}

export function findTable(schema: Schema, key: string): Table | null {
  return [...schema.tables, ...schema.views].find((t) => tableKey(t) === key) ?? null;
}

export interface IncomingRef {
  /** The referencing table. */
  from: Table;
  columns: string[];
  referencedColumns: string[];
  name: string | null;
  onDelete: string;
  onUpdate: string;
}

/** Foreign keys of every table that point at `target` ("references in"), self-references included. */
export function incomingReferences(schema: Schema, target: Table): IncomingRef[] {
  const refs: IncomingRef[] = [];
  for (const from of schema.tables) {
    for (const fk of from.foreign_keys) {
      if (fk.referenced_table === target.name && fk.referenced_schema === target.schema) {
        refs.push({
          from,
          columns: fk.columns,
          referencedColumns: fk.referenced_columns,
          name: fk.name,
          onDelete: fk.on_delete,
          onUpdate: fk.on_update,
        });
      }
    }
  }
  return refs;
}

/** Columns that are part of the primary key or of a foreign key, in table order. */
export function keyColumns(t: Table): Column[] {
  const fkColumns = new Set(t.foreign_keys.flatMap((fk) => fk.columns));
  return t.columns.filter((c) => c.primary_key !== null || fkColumns.has(c.name));
}

/** How a column's value is generated, in words (empty when it is not). */
export function generatedLabel(c: Column): string {
  const g = c.generated;
  if (!g) return '';
  switch (g.kind) {
    case 'identity':
      return g.always ? 'identity (always)' : 'identity (by default)';
    case 'auto_increment':
      return 'auto increment';
    case 'computed':
      return `${g.stored ? 'stored' : 'virtual'}: ${g.expression}`;
  }
}

/** Who owns the version table, for its badge. */
export function versionTableOwner(isAlembic: boolean): string {
  return isAlembic ? 'Alembic’s version table' : 'Retort’s version table';
}

// ---- What a run changed -----------------------------------------------------------------------

export type DiffSign = '+' | '-' | '~';

export interface DiffLine {
  sign: DiffSign;
  /** `table`, `view`, `enum`, `column`, `index`, ... */
  what: string;
  name: string;
  detail: string;
}

export interface DiffGroup {
  /** The table's qualified name, or '' for schema-level lines (tables, views, enums). */
  table: string;
  lines: DiffLine[];
}

const PART_LABEL: Record<TablePart['object'], string> = {
  column: 'column',
  primary_key: 'primary key',
  index: 'index',
  foreign_key: 'foreign key',
  unique_constraint: 'unique constraint',
  check_constraint: 'check constraint',
  trigger: 'trigger',
};

function partDetail(part: TablePart | null): string {
  if (!part) return '';
  switch (part.object) {
    case 'column': {
      const c = part.definition;
      return `${c.data_type}${c.nullable ? '' : ' NOT NULL'}${c.default !== null ? ` DEFAULT ${c.default}` : ''}`;
    }
    case 'primary_key':
    case 'unique_constraint':
      return `(${part.definition.columns.join(', ')})`;
    case 'index': {
      const i = part.definition;
      const parts = i.parts.map((p) => (p.column ?? `(${p.expression ?? '?'})`) + (p.descending ? ' DESC' : ''));
      return `${i.unique ? 'UNIQUE ' : ''}(${parts.join(', ')})${i.predicate ? ` WHERE ${i.predicate}` : ''}`;
    }
    case 'foreign_key': {
      const fk = part.definition;
      return `(${fk.columns.join(', ')}) → ${fk.referenced_table} (${fk.referenced_columns.join(', ')})`;
    }
    case 'check_constraint':
      return part.definition.expression;
    case 'trigger':
      // A whole CREATE TRIGGER statement: too long for one line; the table page shows it.
      return '';
  }
}

export function changeLine(change: Change): DiffLine {
  const part = change.after ?? change.before;
  const what = part ? PART_LABEL[part.object] : 'part';
  const sign: DiffSign = change.action === 'added' ? '+' : change.action === 'removed' ? '-' : '~';
  let detail: string;
  if (change.action === 'altered') {
    const before = partDetail(change.before);
    const after = partDetail(change.after);
    detail = before === after ? 'changed' : `${before} → ${after}`;
  } else {
    detail = partDetail(change.action === 'added' ? change.after : change.before);
  }
  return { sign, what, name: change.name, detail };
}

/** The diff as groups of lines: schema-level first, then one group per altered table. */
export function diffGroups(diff: SchemaDiff): DiffGroup[] {
  const top: DiffLine[] = [];
  const add = (sign: DiffSign, what: string, names: string[]) => {
    for (const name of names) top.push({ sign, what, name, detail: '' });
  };
  add('+', 'table', diff.tables_added);
  add('-', 'table', diff.tables_removed);
  add('+', 'view', diff.views_added);
  add('-', 'view', diff.views_removed);
  add('~', 'view', diff.views_altered);
  add('+', 'enum', diff.enums_added);
  add('-', 'enum', diff.enums_removed);
  add('~', 'enum', diff.enums_altered);
  const groups: DiffGroup[] = top.length ? [{ table: '', lines: top }] : [];
  for (const t of diff.tables_altered) {
    groups.push({ table: `${t.schema}.${t.name}`, lines: t.changes.map(changeLine) });
  }
  return groups;
}

export function diffIsEmpty(diff: SchemaDiff): boolean {
  return diffGroups(diff).length === 0;
}

/** One sentence: `2 tables added, 1 table altered (3 changes).` */
export function diffSummary(diff: SchemaDiff): string {
  const parts: string[] = [];
  const n = (count: number, one: string, verb: string) => {
    if (count) parts.push(`${count} ${one}${count === 1 ? '' : 's'} ${verb}`);
  };
  n(diff.tables_added.length, 'table', 'added');
  n(diff.tables_removed.length, 'table', 'removed');
  n(diff.tables_altered.length, 'table', 'altered');
  n(diff.views_added.length, 'view', 'added');
  n(diff.views_removed.length, 'view', 'removed');
  n(diff.views_altered.length, 'view', 'altered');
  const enums = diff.enums_added.length + diff.enums_removed.length + diff.enums_altered.length;
  n(enums, 'enum type', 'changed');
  return parts.length ? `${parts.join(', ')}.` : 'No schema changes.';
}
