// The mock backend's schema: the demo project's tables as far as the applied revisions go (plus
// `&tables=N` generated tables, to try the ER diagram at scale), a small diff of two snapshots,
// and made-up first rows.
import type {
  Column,
  Dialect,
  ForeignKey,
  Index,
  Schema,
  SchemaDiff,
  Table,
  TableDiff,
  TablePart,
  TableRows,
  Trigger,
} from '../types';

const col = (name: string, data_type: string, nullable: boolean, def: string | null = null, pk: number | null = null): Column => ({
  name,
  data_type,
  nullable,
  default: def,
  primary_key: pk,
  generated: null,
});

const fk = (name: string | null, columns: string[], table: string, on_delete = 'NO ACTION'): ForeignKey => ({
  name,
  columns,
  referenced_schema: 'main',
  referenced_table: table,
  referenced_columns: ['id'],
  on_delete,
  on_update: 'NO ACTION',
});

const index = (name: string, columns: string[], unique = false): Index => ({
  name,
  parts: columns.map((c) => ({ column: c, expression: null, descending: false })),
  unique,
  predicate: null,
});

function table(name: string, columns: Column[], extra: Partial<Table> = {}): Table {
  const pk = columns.filter((c) => c.primary_key !== null).map((c) => c.name);
  return {
    schema: 'main',
    name,
    kind: 'table',
    columns,
    primary_key: pk.length ? { name: null, columns: pk } : null,
    indexes: [],
    foreign_keys: [],
    unique_constraints: [],
    check_constraints: [],
    triggers: [],
    is_version_table: false,
    ddl: null,
    ...extra,
  };
}

/** The demo project's revisions, by id prefix. */
const USERS = '1f0c0a1b2c01';
const PROJECTS = '2a7e3b4c5d02';
const TASKS = '3b8f4c5d6e03';
const TASK_INDEX = '4c9a5d6e7f04';
const COMMENTS = '5dab6e7f8a05';
const UPDATES = '7fcd8a9bac07';

/** The demo's trigger as SQLite stores it. */
const TOUCH_TRIGGER: Trigger = {
  name: 'tasks_touch_updated_at',
  definition:
    'CREATE TRIGGER tasks_touch_updated_at\nAFTER UPDATE ON tasks\nFOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at\nBEGIN\n    UPDATE tasks SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;\nEND',
};

function ddlOf(t: Table): string {
  const lines = t.columns.map(
    (c) =>
      `    ${c.name} ${c.data_type}${c.nullable ? '' : ' NOT NULL'}${c.primary_key ? ' PRIMARY KEY' : ''}${c.default ? ` DEFAULT ${c.default}` : ''}`,
  );
  for (const u of t.unique_constraints) lines.push(`    CONSTRAINT ${u.name} UNIQUE (${u.columns.join(', ')})`);
  for (const f of t.foreign_keys) {
    lines.push(
      `    CONSTRAINT ${f.name} FOREIGN KEY (${f.columns.join(', ')}) REFERENCES ${f.referenced_table} (${f.referenced_columns.join(', ')})${f.on_delete !== 'NO ACTION' ? ` ON DELETE ${f.on_delete}` : ''}`,
    );
  }
  let ddl = `CREATE TABLE ${t.name} (\n${lines.join(',\n')}\n);`;
  for (const i of t.indexes) {
    ddl += `\nCREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${i.name} ON ${t.name} (${i.parts.map((p) => p.column).join(', ')});`;
  }
  return ddl;
}

/** Generated tables `t0001…`, each referencing up to two earlier ones. */
function generated(n: number): Table[] {
  const tables: Table[] = [];
  for (let i = 1; i <= n; i++) {
    const name = `t${String(i).padStart(4, '0')}`;
    const columns = [col('id', 'INTEGER', false, null, 1)];
    const fks: ForeignKey[] = [];
    for (const target of [Math.floor(i / 2), Math.floor(i / 7)]) {
      if (target >= 1 && target !== i && !fks.some((f) => f.referenced_table === `t${String(target).padStart(4, '0')}`)) {
        const ref = `t${String(target).padStart(4, '0')}`;
        columns.push(col(`${ref}_id`, 'INTEGER', true));
        fks.push(fk(`fk_${name}_${ref}`, [`${ref}_id`], ref));
      }
    }
    for (let c = 0; c < 6; c++) columns.push(col(`field_${c}`, c % 2 ? 'TEXT' : 'INTEGER', true));
    tables.push(table(name, columns, { foreign_keys: fks }));
  }
  return tables;
}

/** What the mock database holds with these revisions applied. */
export function mockSchema(applied: ReadonlySet<string>, versionTable: boolean, dialect: Dialect, extraTables = 0): Schema {
  const has = (id: string) => applied.has(id);
  const tables: Table[] = [];
  if (versionTable) {
    tables.push(table('alembic_version', [col('version_num', 'VARCHAR(32)', false, null, 1)], { is_version_table: true, primary_key: { name: 'alembic_version_pkc', columns: ['version_num'] } }));
  }
  if (has(USERS)) {
    tables.push(
      table('users', [col('id', 'INTEGER', false, null, 1), col('email', 'VARCHAR(255)', false), col('display_name', 'VARCHAR(100)', true), col('created_at', 'TIMESTAMP', false, 'CURRENT_TIMESTAMP')], {
        unique_constraints: [{ name: 'uq_users_email', columns: ['email'] }],
      }),
    );
  }
  if (has(PROJECTS)) {
    tables.push(
      table('projects', [col('id', 'INTEGER', false, null, 1), col('owner_id', 'INTEGER', false), col('name', 'VARCHAR(200)', false), col('created_at', 'TIMESTAMP', false, 'CURRENT_TIMESTAMP')], {
        foreign_keys: [fk('fk_projects_owner', ['owner_id'], 'users')],
      }),
    );
  }
  if (has(TASKS)) {
    const columns = [
      col('id', 'INTEGER', false, null, 1),
      col('project_id', 'INTEGER', false),
      col('assignee_id', 'INTEGER', true),
      col('title', 'VARCHAR(200)', false),
      col('status', 'VARCHAR(20)', false, "'todo'"),
      col('due_date', 'DATE', true),
    ];
    if (has(UPDATES)) columns.push(col('updated_at', 'TIMESTAMP', true));
    tables.push(
      table('tasks', columns, {
        foreign_keys: [fk('fk_tasks_project', ['project_id'], 'projects', 'CASCADE'), fk('fk_tasks_assignee', ['assignee_id'], 'users')],
        indexes: has(TASK_INDEX) ? [index('ix_tasks_status_due', ['status', 'due_date'])] : [],
        triggers: has(UPDATES) ? [TOUCH_TRIGGER] : [],
      }),
    );
  }
  if (has(COMMENTS)) {
    tables.push(
      table('comments', [col('id', 'INTEGER', false, null, 1), col('task_id', 'INTEGER', false), col('author_id', 'INTEGER', false), col('body', 'TEXT', false), col('created_at', 'TIMESTAMP', false, 'CURRENT_TIMESTAMP')], {
        foreign_keys: [fk('fk_comments_task', ['task_id'], 'tasks', 'CASCADE'), fk('fk_comments_author', ['author_id'], 'users')],
        indexes: [index('ix_comments_task_id', ['task_id'])],
      }),
    );
  }
  tables.push(...generated(extraTables));
  for (const t of tables) t.ddl = ddlOf(t);
  tables.sort((a, b) => a.name.localeCompare(b.name));
  const views: Table[] = [];
  if (has(TASKS)) {
    const view = table('open_tasks', [col('id', 'INTEGER', true), col('title', 'VARCHAR(200)', true)], { kind: 'view' });
    view.ddl = "CREATE VIEW open_tasks AS\nSELECT id, title FROM tasks WHERE status <> 'done';";
    views.push(view);
  }
  return { dialect, schemas: ['main'], default_schema: 'main', tables, views, enums: [] };
}

/** Tables and views added/removed, and per table its columns, indexes and triggers added, removed or altered. */
export function mockDiff(before: Schema, after: Schema): SchemaDiff {
  const names = (ts: Table[]) => new Map(ts.map((t) => [`${t.schema}.${t.name}`, t] as const));
  const b = names(before.tables);
  const a = names(after.tables);
  const altered: TableDiff[] = [];
  for (const [key, t] of a) {
    const old = b.get(key);
    if (!old) continue;
    const changes: TableDiff['changes'] = [];
    const parts = <T extends { name: string | null }>(xs: T[], wrap: (x: T) => TablePart) => new Map(xs.map((x) => [x.name ?? '?', wrap(x)] as const));
    const pairs: [Map<string, TablePart>, Map<string, TablePart>][] = [
      [parts(old.columns, (c) => ({ object: 'column', definition: c })), parts(t.columns, (c) => ({ object: 'column', definition: c }))],
      [parts(old.indexes, (i) => ({ object: 'index', definition: i })), parts(t.indexes, (i) => ({ object: 'index', definition: i }))],
      [parts(old.triggers, (g) => ({ object: 'trigger', definition: g })), parts(t.triggers, (g) => ({ object: 'trigger', definition: g }))],
    ];
    for (const [was, is] of pairs) {
      for (const [name, part] of is) {
        const prev = was.get(name);
        if (!prev) changes.push({ action: 'added', name, before: null, after: part });
        else if (JSON.stringify(prev) !== JSON.stringify(part)) changes.push({ action: 'altered', name, before: prev, after: part });
      }
      for (const [name, part] of was) if (!is.has(name)) changes.push({ action: 'removed', name, before: part, after: null });
    }
    if (changes.length) altered.push({ schema: t.schema, name: t.name, changes });
  }
  const vb = new Set(before.views.map((v) => `${v.schema}.${v.name}`));
  const va = new Set(after.views.map((v) => `${v.schema}.${v.name}`));
  return {
    tables_added: [...a.keys()].filter((k) => !b.has(k)),
    tables_removed: [...b.keys()].filter((k) => !a.has(k)),
    tables_altered: altered,
    views_added: [...va].filter((k) => !vb.has(k)),
    views_removed: [...vb].filter((k) => !va.has(k)),
    views_altered: [],
    enums_added: [],
    enums_removed: [],
    enums_altered: [],
  };
}

/** A few plausible rows for any table; `alembic_version` holds the version rows. */
export function mockRows(t: Table, limit: number, versionRows: string[]): TableRows {
  const columns = t.columns.map((c) => c.name);
  if (t.is_version_table) {
    return { columns, rows: versionRows.slice(0, limit).map((r) => [r]), total_count: versionRows.length };
  }
  const total = t.name === 'users' ? 3 : t.name.startsWith('t0') ? 0 : 12;
  const value = (c: Column, i: number): string | null => {
    if (c.primary_key !== null || c.name.endsWith('_id')) return String(i + 1);
    if (c.nullable && i % 3 === 2) return null;
    if (c.data_type.startsWith('TIMESTAMP')) return `2026-11-2${i % 10} 10:0${i % 10}:00`;
    if (c.data_type === 'DATE') return `2026-12-${String((i % 28) + 1).padStart(2, '0')}`;
    if (c.name === 'email') return `user${i + 1}@example.com`;
    if (c.name === 'status') return ['todo', 'doing', 'done'][i % 3];
    return `${c.name} ${i + 1}`;
  };
  const rows = Array.from({ length: Math.min(limit, total) }, (_, i) => t.columns.map((c) => value(c, i)));
  return { columns, rows, total_count: total };
}
