// Virtualised list arithmetic: which rows of a fixed-row-height list are rendered.

export interface VirtualWindow {
  /** First rendered row (inclusive). */
  start: number;
  /** Last rendered row (exclusive). */
  end: number;
  /** Pixel offset of `start` from the top of the list. */
  offset: number;
  /** Height of the whole list in pixels. */
  totalHeight: number;
}

export function virtualWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 8,
): VirtualWindow {
  const totalHeight = count * rowHeight;
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, totalHeight };
  const top = Math.max(0, Math.min(scrollTop, Math.max(0, totalHeight - viewportHeight)));
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(viewportHeight, 0)) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, Math.max(last, first + 1) + overscan);
  return { start, end, offset: start * rowHeight, totalHeight };
}

/**
 * The scrollTop that brings row `index` fully into view with the least movement, or null when
 * it is already visible.
 */
export function scrollToReveal(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  margin = 0,
): number | null {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top - margin < scrollTop) return Math.max(0, top - margin);
  if (bottom + margin > scrollTop + viewportHeight) return bottom + margin - viewportHeight;
  return null;
}

/** The scrollTop that puts row `index` in the middle of the viewport. */
export function scrollToCenter(index: number, viewportHeight: number, rowHeight: number): number {
  return Math.max(0, index * rowHeight + rowHeight / 2 - viewportHeight / 2);
}

interface RowSpan {
  from_row: number;
  to_row: number;
}

/** Edges with any part inside rows [start, end): the ones a slice of the graph must draw. */
export function edgesInWindow<E extends RowSpan>(edges: readonly E[], start: number, end: number): E[] {
  const out: E[] = [];
  for (const e of edges) {
    const lo = Math.min(e.from_row, e.to_row);
    const hi = Math.max(e.from_row, e.to_row);
    if (lo < end && hi >= start) out.push(e);
  }
  return out;
}
