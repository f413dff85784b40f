// Geometry of the timeline graph: where lanes and rows are, and the SVG path of each edge.
import type { TimelineEdge } from '../api';

export interface GraphMetrics {
  rowHeight: number;
  laneWidth: number;
  /** Space left of lane 0. */
  padding: number;
}

export const DEFAULT_METRICS: GraphMetrics = { rowHeight: 30, laneWidth: 16, padding: 10 };

export function laneX(lane: number, m: GraphMetrics): number {
  return m.padding + lane * m.laneWidth + m.laneWidth / 2;
}

/** Vertical centre of a row, relative to the top of the slice that starts at row `sliceStart`. */
export function rowY(row: number, m: GraphMetrics, sliceStart = 0): number {
  return (row - sliceStart) * m.rowHeight + m.rowHeight / 2;
}

/** Width of the graph column for `lanes` lanes. */
export function graphWidth(lanes: number, m: GraphMetrics): number {
  return m.padding * 2 + Math.max(lanes, 1) * m.laneWidth;
}

const r = (n: number) => Math.round(n * 10) / 10;

/**
 * The SVG path of an edge from the child row (newer, above) to the parent row (older, below),
 * in the coordinates of the slice starting at `sliceStart`. The edge runs down `edge.lane`: it
 * bends out of the child's lane within the child's row when `lane != from_lane` (a merge's other
 * parent, a dependency), and into the parent's lane within the parent's row when
 * `lane != to_lane` (a branch meeting its branch point, a dependency).
 */
export function edgePath(edge: TimelineEdge, m: GraphMetrics, sliceStart = 0): string {
  const x1 = laneX(edge.from_lane, m);
  const y1 = rowY(edge.from_row, m, sliceStart);
  const xm = laneX(edge.lane, m);
  const x2 = laneX(edge.to_lane, m);
  const y2 = rowY(edge.to_row, m, sliceStart);
  const bendOut = xm !== x1;
  const bendIn = xm !== x2;
  const span = y2 - y1;
  const curve = (xa: number, ya: number, xb: number, yb: number) => {
    const mid = (ya + yb) / 2;
    return `C${r(xa)} ${r(mid)} ${r(xb)} ${r(mid)} ${r(xb)} ${r(yb)}`;
  };
  if (!bendOut && !bendIn) return `M${r(x1)} ${r(y1)}V${r(y2)}`;
  // Rows too close for two bends and a straight part: one curve.
  const h = m.rowHeight;
  if ((bendOut && bendIn && span <= 2 * h) || span <= h) {
    return `M${r(x1)} ${r(y1)}${curve(x1, y1, x2, y2)}`;
  }
  let d = `M${r(x1)} ${r(y1)}`;
  let y = y1;
  if (bendOut) {
    d += curve(x1, y1, xm, y1 + h);
    y = y1 + h;
  }
  const yEnd = bendIn ? y2 - h : y2;
  if (yEnd > y) d += `V${r(yEnd)}`;
  if (bendIn) d += curve(xm, yEnd, x2, y2);
  return d;
}
