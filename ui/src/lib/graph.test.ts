import { describe, expect, it } from 'vitest';
import type { TimelineEdge } from '../api';
import { edgePath, graphWidth, laneX, rowY, type GraphMetrics } from './graph';

const M: GraphMetrics = { rowHeight: 20, laneWidth: 10, padding: 5 };
const edge = (e: Partial<TimelineEdge>): TimelineEdge => ({
  from_row: 0,
  to_row: 1,
  from_lane: 0,
  to_lane: 0,
  lane: 0,
  kind: 'parent',
  ...e,
});

describe('lane and row geometry', () => {
  it('centres lanes and rows', () => {
    expect(laneX(0, M)).toBe(10);
    expect(laneX(2, M)).toBe(30);
    expect(rowY(0, M)).toBe(10);
    expect(rowY(5, M, 3)).toBe(50);
    expect(graphWidth(3, M)).toBe(40);
    expect(graphWidth(0, M)).toBe(20);
  });
});

describe('edgePath', () => {
  it('draws a straight line within one lane', () => {
    expect(edgePath(edge({ from_row: 0, to_row: 3 }), M)).toBe('M10 10V70');
  });

  it('is relative to the slice it is drawn in', () => {
    expect(edgePath(edge({ from_row: 10, to_row: 12 }), M, 10)).toBe('M10 10V50');
  });

  it('bends into the parent lane just above the parent (branch meets branch point)', () => {
    // Child in lane 1, parent in lane 0, runs down lane 1.
    const d = edgePath(edge({ from_row: 0, to_row: 4, from_lane: 1, to_lane: 0, lane: 1 }), M);
    expect(d).toBe('M20 10V70C20 80 10 80 10 90');
  });

  it('bends out of the child lane at once (a merge reaching its other parent)', () => {
    const d = edgePath(edge({ from_row: 0, to_row: 4, from_lane: 0, to_lane: 1, lane: 1 }), M);
    expect(d).toBe('M10 10C10 20 20 20 20 30V90');
  });

  it('bends twice for a dependency in the shared lane', () => {
    const d = edgePath(edge({ from_row: 0, to_row: 5, from_lane: 0, to_lane: 1, lane: 3, kind: 'depends_on' }), M);
    expect(d).toBe('M10 10C10 20 40 20 40 30V90C40 100 20 100 20 110');
  });

  it('uses one curve between adjacent rows', () => {
    const d = edgePath(edge({ from_row: 2, to_row: 3, from_lane: 1, to_lane: 0, lane: 1 }), M, 2);
    expect(d).toBe('M20 10C20 20 10 20 10 30');
  });
});
