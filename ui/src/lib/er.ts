// ER diagram geometry, pure: a layered layout (tables that reference nothing on the left, each
// table one layer right of the tables it references; tall layers wrap into several columns),
// edges for foreign keys (routed around the boxes of the columns they pass), the boxes inside a viewport (only those are rendered), and pan/zoom.
// Linear-ish in tables + foreign keys, so a few hundred tables lay out in a few milliseconds.
import type { Schema, Table } from '../api/types';
import { keyColumns, tableKey } from './schema';

export const BOX_WIDTH = 210;
export const HEADER = 26;
export const ROW = 17;
/** Key columns shown in a box; more become "+N more". */
export const MAX_ROWS = 6;
const GAP_X = 90;
const GAP_Y = 28;

export interface BoxRow {
  name: string;
  type: string;
  pk: boolean;
  fk: boolean;
}

export interface ErBox {
  key: string;
  table: Table;
  x: number;
  y: number;
  w: number;
  h: number;
  layer: number;
  rows: BoxRow[];
  /** Columns left out of `rows`. */
  more: number;
}

export interface ErEdge {
  from: string;
  to: string;
  /** SVG path from the referencing box to the referenced one. */
  path: string;
  self: boolean;
}

export interface ErLayout {
  boxes: ErBox[];
  edges: ErEdge[];
  byKey: Map<string, ErBox>;
  width: number;
  height: number;
}

/** Each table's layer: 0 when it references no other table, else 1 + the deepest layer it
 * references. Cycles are cut where they close (a table on the current path counts as 0). */
export function layers(tables: Table[]): Map<string, number> {
  const byKey = new Map(tables.map((t) => [tableKey(t), t] as const));
  const layer = new Map<string, number>();
  const onPath = new Set<string>();
  // Iterative DFS: deep FK chains must not overflow the stack.
  for (const start of tables) {
    const startKey = tableKey(start);
    if (layer.has(startKey)) continue;
    const stack: { key: string; targets: string[]; i: number; best: number }[] = [];
    const push = (key: string) => {
      const t = byKey.get(key)!;
      const targets = t.foreign_keys
        .map((fk) => `${fk.referenced_schema}.${fk.referenced_table}`)
        .filter((k) => k !== key && byKey.has(k));
      onPath.add(key);
      stack.push({ key, targets, i: 0, best: 0 });
    };
    push(startKey);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.i < top.targets.length) {
        const next = top.targets[top.i++];
        const known = layer.get(next);
        if (known !== undefined) top.best = Math.max(top.best, known + 1);
        else if (!onPath.has(next)) push(next);
        continue;
      }
      stack.pop();
      onPath.delete(top.key);
      layer.set(top.key, top.best);
      const parent = stack[stack.length - 1];
      if (parent) parent.best = Math.max(parent.best, top.best + 1);
    }
  }
  return layer;
}

function boxRows(t: Table): { rows: BoxRow[]; more: number } {
  const fkColumns = new Set(t.foreign_keys.flatMap((fk) => fk.columns));
  const keys = keyColumns(t);
  const shown = (keys.length ? keys : t.columns).slice(0, MAX_ROWS);
  return {
    rows: shown.map((c) => ({ name: c.name, type: c.data_type, pk: c.primary_key !== null, fk: fkColumns.has(c.name) })),
    more: t.columns.length - shown.length,
  };
}

export function boxHeight(rows: number, more: number): number {
  return HEADER + Math.max(rows, 1) * ROW + (more > 0 ? ROW : 0) + 6;
}

/** Lays out the schema's tables (views have no foreign keys and are left out). */
export function layoutEr(schema: Schema): ErLayout {
  const tables = schema.tables;
  const layerOf = layers(tables);
  const byLayer: Table[][] = [];
  for (const t of tables) {
    const l = layerOf.get(tableKey(t)) ?? 0;
    (byLayer[l] ??= []).push(t);
  }
  const prepared = tables.map((t) => ({ t, ...boxRows(t) }));
  const info = new Map(prepared.map((p) => [tableKey(p.t), p] as const));
  // Wrap tall layers so the whole diagram stays roughly 16:10.
  const totalArea = prepared.reduce((a, p) => a + (BOX_WIDTH + GAP_X) * (boxHeight(p.rows.length, p.more) + GAP_Y), 0);
  const maxColumn = Math.max(600, Math.sqrt(totalArea / 1.6));

  const boxes: ErBox[] = [];
  let x = 0;
  byLayer.forEach((layerTables, layer) => {
    if (!layerTables?.length) return;
    let y = 0;
    for (const t of layerTables) {
      const p = info.get(tableKey(t))!;
      const h = boxHeight(p.rows.length, p.more);
      if (y > 0 && y + h > maxColumn) {
        x += BOX_WIDTH + GAP_X;
        y = 0;
      }
      boxes.push({ key: tableKey(t), table: t, x, y, w: BOX_WIDTH, h, layer, rows: p.rows, more: p.more });
      y += h + GAP_Y;
    }
    x += BOX_WIDTH + GAP_X;
  });
  const byKey = new Map(boxes.map((b) => [b.key, b] as const));
  const width = boxes.reduce((m, b) => Math.max(m, b.x + b.w), 0);
  const height = boxes.reduce((m, b) => Math.max(m, b.y + b.h), 0);
  const columns = new Map<number, ErBox[]>();
  for (const b of boxes) {
    const column = columns.get(b.x);
    if (column) column.push(b);
    else columns.set(b.x, [b]);
  }
  const lanes: Lanes = { columns, top: -GAP_Y / 2, bottom: height + GAP_Y / 2 };
  const edges: ErEdge[] = [];
  for (const b of boxes) {
    for (const fk of b.table.foreign_keys) {
      const target = byKey.get(`${fk.referenced_schema}.${fk.referenced_table}`);
      if (!target) continue;
      edges.push(edgeBetween(b, target, fk.columns[0] ?? '', lanes));
    }
  }
  return { boxes, edges, byKey, width, height };
}

/** The y of a column's row in a box (its header when the column is not shown). */
function rowY(box: ErBox, column: string): number {
  const i = box.rows.findIndex((r) => r.name === column);
  return i < 0 ? box.y + HEADER / 2 : box.y + HEADER + i * ROW + ROW / 2 + 2;
}

function edgeBetween(from: ErBox, to: ErBox, column: string, lanes: Lanes): ErEdge {
  const y1 = rowY(from, column);
  if (from === to) {
    const x = from.x + from.w;
    const y2 = from.y + HEADER / 2;
    return { from: from.key, to: to.key, self: true, path: `M${x},${y1} C${x + 40},${y1} ${x + 40},${y2} ${x},${y2}` };
  }
  const y2 = to.y + HEADER / 2;
  // Leave from the side facing the target.
  const rightward = to.x > from.x;
  const x1 = rightward ? from.x + from.w : from.x;
  const x2 = rightward ? to.x : to.x + to.w;
  if (from.x === to.x) {
    // Same column (a wrapped layer): loop out on the right.
    const xr = from.x + from.w;
    return { from: from.key, to: to.key, self: false, path: `M${xr},${y1} C${xr + 50},${y1} ${xr + 50},${y2} ${xr},${y2}` };
  }
  const between = columnsBetween(lanes, from.x, to.x);
  const lane = between.length ? freeLane(between, lanes, y1, y2) : null;
  if (lane === null) {
    const bend = Math.max(30, Math.abs(x2 - x1) / 2);
    const c1 = rightward ? x1 + bend : x1 - bend;
    const c2 = rightward ? x2 - bend : x2 + bend;
    return { from: from.key, to: to.key, self: false, path: `M${x1},${y1} C${c1},${y1} ${c2},${y2} ${x2},${y2}` };
  }
  // Boxes stand between the two columns: bend into the gap next to the source, run along a
  // lane no box crosses, and bend out of the gap next to the target.
  const dir = rightward ? 1 : -1;
  const gap1 = x1 + (dir * GAP_X) / 2;
  const gap2 = x2 - (dir * GAP_X) / 2;
  const run = (dir * GAP_X) / 4;
  const path =
    `M${x1},${y1} C${gap1},${y1} ${gap1},${lane} ${gap1 + run},${lane} ` +
    `L${gap2 - run},${lane} C${gap2},${lane} ${gap2},${y2} ${x2},${y2}`;
  return { from: from.key, to: to.key, self: false, path };
}

/** Every column's boxes (sorted by y, as laid out), and the free lanes above and below all. */
interface Lanes {
  columns: Map<number, ErBox[]>;
  top: number;
  bottom: number;
}

/** The columns strictly between x positions `a` and `b`. */
function columnsBetween(lanes: Lanes, a: number, b: number): ErBox[][] {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  const found: ErBox[][] = [];
  for (const [x, column] of lanes.columns) if (x > lo && x < hi) found.push(column);
  return found;
}

const LANE_MARGIN = 6;

function crosses(column: ErBox[], y: number): boolean {
  return column.some((b) => y > b.y - LANE_MARGIN && y < b.y + b.h + LANE_MARGIN);
}

/** The y of a horizontal lane through `between` that no box crosses, as close to `y1` and `y2`
 * as possible; `null` when the direct curve between them crosses no box anyway. */
function freeLane(between: ErBox[][], lanes: Lanes, y1: number, y2: number): number | null {
  const [lo, hi] = y1 < y2 ? [y1, y2] : [y2, y1];
  const blocked = between.some((column) =>
    column.some((b) => b.y - LANE_MARGIN < hi && b.y + b.h + LANE_MARGIN > lo),
  );
  if (!blocked) return null;
  // Candidates: the gaps above and below each box in the way, and the lanes around everything.
  const candidates = [y1, y2, lanes.top, lanes.bottom];
  for (const column of between) for (const b of column) candidates.push(b.y - GAP_Y / 2, b.y + b.h + GAP_Y / 2);
  const cost = (y: number) => Math.abs(y - y1) + Math.abs(y - y2);
  candidates.sort((a, b) => cost(a) - cost(b));
  return candidates.find((y) => !between.some((column) => crosses(column, y))) ?? lanes.bottom;
}

// ---- Viewport --------------------------------------------------------------------------------

/** Screen = world * scale + (tx, ty). */
export interface View {
  scale: number;
  tx: number;
  ty: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 3;

const clampScale = (s: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));

/** Zooms by `factor` keeping the screen point (px, py) where it is. */
export function zoomAt(view: View, factor: number, px: number, py: number): View {
  const scale = clampScale(view.scale * factor);
  const k = scale / view.scale;
  return { scale, tx: px - (px - view.tx) * k, ty: py - (py - view.ty) * k };
}

/** The whole diagram in a `width` × `height` viewport, never zoomed in past 1. */
export function fitView(layout: { width: number; height: number }, width: number, height: number, margin = 20): View {
  if (layout.width <= 0 || layout.height <= 0) return { scale: 1, tx: margin, ty: margin };
  const scale = clampScale(Math.min(1, (width - 2 * margin) / layout.width, (height - 2 * margin) / layout.height));
  return {
    scale,
    tx: (width - layout.width * scale) / 2,
    ty: Math.max(margin, (height - layout.height * scale) / 2),
  };
}

/** Centers box `b` in the viewport at the current scale. */
export function centerOn(view: View, b: ErBox, width: number, height: number): View {
  return { scale: view.scale, tx: width / 2 - (b.x + b.w / 2) * view.scale, ty: height / 2 - (b.y + b.h / 2) * view.scale };
}

/** Boxes that intersect the viewport (with a margin), and the edges touching them. */
export function visible(layout: ErLayout, view: View, width: number, height: number, margin = 100) {
  const x0 = (-view.tx - margin) / view.scale;
  const y0 = (-view.ty - margin) / view.scale;
  const x1 = (width - view.tx + margin) / view.scale;
  const y1 = (height - view.ty + margin) / view.scale;
  const boxes = layout.boxes.filter((b) => b.x + b.w >= x0 && b.x <= x1 && b.y + b.h >= y0 && b.y <= y1);
  const shown = new Set(boxes.map((b) => b.key));
  const edges = layout.edges.filter((e) => shown.has(e.from) || shown.has(e.to));
  return { boxes, edges };
}

/** What to draw at a scale: column rows only when legible, names only when readable. */
export function detailLevel(scale: number): 'full' | 'names' | 'shapes' {
  if (scale >= 0.55) return 'full';
  if (scale >= 0.22) return 'names';
  return 'shapes';
}
