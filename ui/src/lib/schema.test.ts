import { describe, expect, it } from 'vitest';
import type { SchemaDiff } from '../api';
import { mockSchema } from '../api/mock/schema';
import {
  changeLine,
  countSchema,
  diffGroups,
  diffIsEmpty,
  diffSummary,
  filterTables,
  findTable,
  generatedLabel,
  incomingReferences,
  keyColumns,
} from './schema';

const ALL = new Set(['1f0c0a1b2c01', '2a7e3b4c5d02', '3b8f4c5d6e03', '4c9a5d6e7f04', '5dab6e7f8a05', '7fcd8a9bac07']);
const demo = mockSchema(ALL, true, 'sqlite');

const emptyDiff = (): SchemaDiff => ({
  tables_added: [],
  tables_removed: [],
  tables_altered: [],
  views_added: [],
  views_removed: [],
  views_altered: [],
  enums_added: [],
  enums_removed: [],
  enums_altered: [],
});

describe('table list', () => {
  it('counts tables and views', () => {
    expect(countSchema(demo)).toMatchObject({ tables: 5, views: 1, foreignKeys: 5 });
  });

  it('filters by table or column name, every word', () => {
    expect(filterTables(demo, '').length).toBe(6);
    expect(filterTables(demo, 'task').map((t) => t.name)).toEqual(['comments', 'tasks', 'open_tasks']);
    expect(filterTables(demo, 'TASKS due').map((t) => t.name)).toEqual(['tasks']);
    expect(filterTables(demo, 'nothing-like-this')).toEqual([]);
  });
});

describe('references', () => {
  it('finds the foreign keys pointing at a table', () => {
    const users = findTable(demo, 'main.users')!;
    const refs = incomingReferences(demo, users);
    expect(refs.map((r) => `${r.from.name}(${r.columns.join()})`).sort()).toEqual([
      'comments(author_id)',
      'projects(owner_id)',
      'tasks(assignee_id)',
    ]);
    expect(incomingReferences(demo, findTable(demo, 'main.comments')!)).toEqual([]);
  });

  it('counts a self-reference as incoming', () => {
    const s = mockSchema(new Set(), false, 'sqlite', 0);
    const t = {
      ...demo.tables.find((x) => x.name === 'users')!,
      foreign_keys: [{ name: null, columns: ['manager_id'], referenced_schema: 'main', referenced_table: 'users', referenced_columns: ['id'], on_delete: 'SET NULL', on_update: 'NO ACTION' }],
    };
    s.tables = [t];
    expect(incomingReferences(s, t)).toHaveLength(1);
  });

  it('key columns are the primary and foreign key columns', () => {
    expect(keyColumns(findTable(demo, 'main.tasks')!).map((c) => c.name)).toEqual(['id', 'project_id', 'assignee_id']);
  });

  it('describes generated columns', () => {
    const c = demo.tables[0].columns[0];
    expect(generatedLabel(c)).toBe('');
    expect(generatedLabel({ ...c, generated: { kind: 'identity', always: true } })).toBe('identity (always)');
    expect(generatedLabel({ ...c, generated: { kind: 'computed', expression: 'a + b', stored: true } })).toBe('stored: a + b');
  });
});

describe('diff summary', () => {
  it('says when nothing changed', () => {
    expect(diffSummary(emptyDiff())).toBe('No schema changes.');
    expect(diffIsEmpty(emptyDiff())).toBe(true);
    expect(diffGroups(emptyDiff())).toEqual([]);
  });

  it('lists tables added and removed, then per table its changes', () => {
    const column = demo.tables.find((t) => t.name === 'tasks')!.columns[0];
    const diff: SchemaDiff = {
      ...emptyDiff(),
      tables_added: ['main.users', 'main.projects'],
      tables_removed: ['main.old'],
      tables_altered: [
        {
          schema: 'main',
          name: 'tasks',
          changes: [
            { action: 'added', name: 'updated_at', before: null, after: { object: 'column', definition: { ...column, name: 'updated_at', data_type: 'TIMESTAMP', nullable: true, primary_key: null } } },
            { action: 'altered', name: 'id', before: { object: 'column', definition: column }, after: { object: 'column', definition: { ...column, data_type: 'BIGINT' } } },
            { action: 'removed', name: 'ix_a', before: { object: 'index', definition: { name: 'ix_a', unique: true, predicate: 'a > 0', parts: [{ column: 'a', expression: null, descending: false }, { column: null, expression: 'lower(b)', descending: true }] } }, after: null },
          ],
        },
      ],
    };
    expect(diffSummary(diff)).toBe('2 tables added, 1 table removed, 1 table altered.');
    const groups = diffGroups(diff);
    expect(groups[0]).toEqual({
      table: '',
      lines: [
        { sign: '+', what: 'table', name: 'main.users', detail: '' },
        { sign: '+', what: 'table', name: 'main.projects', detail: '' },
        { sign: '-', what: 'table', name: 'main.old', detail: '' },
      ],
    });
    expect(groups[1].table).toBe('main.tasks');
    expect(groups[1].lines).toEqual([
      { sign: '+', what: 'column', name: 'updated_at', detail: 'TIMESTAMP' },
      { sign: '~', what: 'column', name: 'id', detail: 'INTEGER NOT NULL → BIGINT NOT NULL' },
      { sign: '-', what: 'index', name: 'ix_a', detail: 'UNIQUE (a, (lower(b)) DESC) WHERE a > 0' },
    ]);
  });

  it('renders a foreign key change', () => {
    const fk = demo.tables.find((t) => t.name === 'tasks')!.foreign_keys[0];
    expect(changeLine({ action: 'added', name: 'fk_tasks_project', before: null, after: { object: 'foreign_key', definition: fk } })).toEqual({
      sign: '+',
      what: 'foreign key',
      name: 'fk_tasks_project',
      detail: '(project_id) → projects (id)',
    });
  });

  it('renders trigger changes without the whole definition', () => {
    const trigger = demo.tables.find((t) => t.name === 'tasks')!.triggers[0];
    expect(trigger.name).toBe('tasks_touch_updated_at');
    const part = { object: 'trigger' as const, definition: trigger };
    expect(changeLine({ action: 'removed', name: trigger.name, before: part, after: null })).toEqual({
      sign: '-',
      what: 'trigger',
      name: 'tasks_touch_updated_at',
      detail: '',
    });
    const changed = { object: 'trigger' as const, definition: { ...trigger, definition: `${trigger.definition} -- edited` } };
    expect(changeLine({ action: 'altered', name: trigger.name, before: part, after: changed }).detail).toBe('changed');
  });
});
