import { describe, expect, it } from 'vitest';
import { edgesInWindow, scrollToCenter, scrollToReveal, virtualWindow } from './virtual';

describe('virtualWindow', () => {
  it('renders the visible rows plus overscan', () => {
    const w = virtualWindow(0, 300, 30, 5000, 5);
    expect(w).toEqual({ start: 0, end: 15, offset: 0, totalHeight: 150_000 });
  });

  it('follows the scroll position', () => {
    const w = virtualWindow(30 * 1000 + 10, 300, 30, 5000, 5);
    expect(w.start).toBe(995);
    expect(w.end).toBe(1016);
    expect(w.offset).toBe(995 * 30);
  });

  it('clamps at the end of the list', () => {
    const w = virtualWindow(10_000_000, 300, 30, 5000, 5);
    expect(w.end).toBe(5000);
    expect(w.start).toBe(5000 - 10 - 5);
  });

  it('handles an empty list and a zero-height viewport', () => {
    expect(virtualWindow(0, 300, 30, 0)).toEqual({ start: 0, end: 0, offset: 0, totalHeight: 0 });
    const w = virtualWindow(0, 0, 30, 10, 2);
    expect(w.start).toBe(0);
    expect(w.end).toBe(3);
  });

  it('never renders more than the viewport needs, however long the list', () => {
    for (const n of [100, 5000, 100_000]) {
      const w = virtualWindow(n * 15, 900, 28, n, 12);
      expect(w.end - w.start).toBeLessThanOrEqual(Math.ceil(900 / 28) + 1 + 24);
    }
  });
});

describe('scrollToReveal', () => {
  it('returns null when the row is visible', () => {
    expect(scrollToReveal(5, 0, 300, 30)).toBeNull();
  });
  it('scrolls up to a row above', () => {
    expect(scrollToReveal(2, 300, 300, 30)).toBe(60);
  });
  it('scrolls down just enough for a row below', () => {
    expect(scrollToReveal(20, 0, 300, 30)).toBe(21 * 30 - 300);
  });
  it('keeps a margin', () => {
    expect(scrollToReveal(20, 0, 300, 30, 30)).toBe(22 * 30 - 300);
  });
  it('centres', () => {
    expect(scrollToCenter(100, 300, 30)).toBe(100 * 30 + 15 - 150);
    expect(scrollToCenter(0, 300, 30)).toBe(0);
  });
});

describe('edgesInWindow', () => {
  const edges = [
    { from_row: 0, to_row: 1 },
    { from_row: 2, to_row: 40 }, // a long edge passing through the window
    { from_row: 50, to_row: 51 },
    { from_row: 9, to_row: 10 },
  ];
  it('keeps edges that touch or cross the window', () => {
    expect(edgesInWindow(edges, 10, 20)).toEqual([edges[1], edges[3]]);
  });
  it('drops edges entirely outside', () => {
    expect(edgesInWindow(edges, 41, 50)).toEqual([]);
  });
});
