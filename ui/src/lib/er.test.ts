import { describe, expect, it } from 'vitest';
import { mockSchema } from '../api/mock/schema';
import { BOX_WIDTH, detailLevel, fitView, layers, layoutEr, MAX_ROWS, visible, zoomAt } from './er';

const ALL = new Set(['1f0c0a1b2c01', '2a7e3b4c5d02', '3b8f4c5d6e03', '4c9a5d6e7f04', '5dab6e7f8a05', '7fcd8a9bac07']);

describe('ER layout', () => {
  it('puts each table right of the tables it references', () => {
    const schema = mockSchema(ALL, true, 'sqlite');
    const l = layers(schema.tables);
    expect(l.get('main.users')).toBe(0);
    expect(l.get('main.alembic_version')).toBe(0);
    expect(l.get('main.projects')).toBe(1);
    expect(l.get('main.tasks')).toBe(2);
    expect(l.get('main.comments')).toBe(3);
    const layout = layoutEr(schema);
    const x = (name: string) => layout.byKey.get(`main.${name}`)!.x;
    expect(x('users')).toBeLessThan(x('projects'));
    expect(x('projects')).toBeLessThan(x('tasks'));
    expect(layout.edges).toHaveLength(5);
    expect(layout.edges.every((e) => e.path.startsWith('M'))).toBe(true);
  });

  it('routes an edge that skips a column around the boxes in between', () => {
    const schema = mockSchema(ALL, true, 'sqlite');
    const layout = layoutEr(schema);
    // tasks.assignee_id -> users passes the projects column.
    const tasks = layout.byKey.get('main.tasks')!;
    const users = layout.byKey.get('main.users')!;
    const between = layout.boxes.filter((b) => b.x > users.x && b.x < tasks.x);
    expect(between.length).toBeGreaterThan(0);
    const edge = layout.edges.find((e) => e.from === 'main.tasks' && e.to === 'main.users')!;
    expect(edge.path).toContain('L');
    // The straight part of the route runs at one y, outside every box it passes.
    const lane = Number(/L[-\d.]+,([-\d.]+)/.exec(edge.path)![1]);
    for (const b of between) expect(lane < b.y || lane > b.y + b.h).toBe(true);
    // Neighbouring columns keep the plain curve.
    const toProjects = layout.edges.find((e) => e.from === 'main.tasks' && e.to === 'main.projects')!;
    expect(toProjects.path).not.toContain('L');
  });

  it('survives foreign key cycles and self-references', () => {
    const schema = mockSchema(ALL, false, 'sqlite');
    const users = schema.tables.find((t) => t.name === 'users')!;
    const projects = schema.tables.find((t) => t.name === 'projects')!;
    users.foreign_keys = [
      { ...projects.foreign_keys[0], columns: ['id'], referenced_table: 'projects' },
      { ...projects.foreign_keys[0], columns: ['id'], referenced_table: 'users' },
    ];
    const layout = layoutEr(schema);
    expect(layout.boxes).toHaveLength(schema.tables.length);
    expect(layout.edges.filter((e) => e.self)).toHaveLength(1);
  });

  it('lays out hundreds of tables without overlaps, in a reasonable shape', () => {
    const schema = mockSchema(new Set(), true, 'sqlite', 400);
    const started = performance.now();
    const layout = layoutEr(schema);
    expect(performance.now() - started).toBeLessThan(500);
    expect(layout.boxes).toHaveLength(401);
    const boxes = layout.boxes;
    const overlaps: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push(`${a.key}/${b.key}`);
      }
    }
    expect(overlaps).toEqual([]);
    expect(layout.width / layout.height).toBeGreaterThan(0.5);
    expect(layout.width / layout.height).toBeLessThan(4);
    expect(boxes.every((b) => b.rows.length <= MAX_ROWS)).toBe(true);
  });
});

describe('viewport', () => {
  const layout = layoutEr(mockSchema(new Set(), false, 'sqlite', 300));

  it('renders only what is on screen', () => {
    const view = { scale: 1, tx: 0, ty: 0 };
    const { boxes, edges } = visible(layout, view, 800, 600);
    expect(boxes.length).toBeGreaterThan(0);
    expect(boxes.length).toBeLessThan(layout.boxes.length / 4);
    expect(edges.length).toBeLessThan(layout.edges.length);
    expect(boxes.every((b) => b.x <= 900 && b.y <= 700)).toBe(true);
  });

  it('zooms around the pointer and clamps the scale', () => {
    const v = zoomAt({ scale: 1, tx: 10, ty: 20 }, 2, 110, 120);
    expect(v.scale).toBe(2);
    // The world point under the pointer (100, 100) stays under it.
    expect((110 - v.tx) / v.scale).toBeCloseTo(100);
    expect((120 - v.ty) / v.scale).toBeCloseTo(100);
    expect(zoomAt(v, 100, 0, 0).scale).toBe(3);
    expect(zoomAt(v, 0.0001, 0, 0).scale).toBe(0.05);
  });

  it('fits the whole diagram and never zooms in past 100%', () => {
    const fit = fitView(layout, 1000, 700);
    expect(layout.width * fit.scale).toBeLessThanOrEqual(1000);
    expect(layout.height * fit.scale).toBeLessThanOrEqual(700);
    expect(fitView({ width: BOX_WIDTH, height: 100 }, 1000, 700).scale).toBe(1);
  });

  it('drops detail when zoomed out', () => {
    expect(detailLevel(1)).toBe('full');
    expect(detailLevel(0.3)).toBe('names');
    expect(detailLevel(0.1)).toBe('shapes');
  });
});
