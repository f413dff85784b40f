import { describe, expect, it } from 'vitest';
import { appliedSet, countStates, describePosition, revisionStates, unknownRows } from './status';

// base <- a <- b (branch point) <- c ; b <- d (branch) ; m merges c and d ; x depends on d.
const node = (revision: string, down: string[] = [], deps: string[] = []) => ({
  revision,
  down_revisions: down,
  depends_on: deps,
});
const graph = [
  node('m', ['c', 'd']),
  node('x', ['c'], ['d']),
  node('d', ['b']),
  node('c', ['b']),
  node('b', ['a']),
  node('a'),
];

describe('appliedSet', () => {
  it('is empty at base', () => {
    expect(appliedSet(graph, []).size).toBe(0);
  });
  it('follows down_revisions', () => {
    expect([...appliedSet(graph, ['c'])].sort()).toEqual(['a', 'b', 'c']);
  });
  it('follows every parent of a merge', () => {
    expect([...appliedSet(graph, ['m'])].sort()).toEqual(['a', 'b', 'c', 'd', 'm']);
  });
  it('follows depends_on', () => {
    expect([...appliedSet(graph, ['x'])].sort()).toEqual(['a', 'b', 'c', 'd', 'x']);
  });
  it('unions several rows (two branches applied separately)', () => {
    expect([...appliedSet(graph, ['c', 'd'])].sort()).toEqual(['a', 'b', 'c', 'd']);
  });
  it('ignores rows naming unknown revisions', () => {
    expect([...appliedSet(graph, ['zzz'])]).toEqual([]);
    expect(unknownRows(graph, ['zzz', 'a'])).toEqual(['zzz']);
  });
});

describe('revisionStates', () => {
  it('marks rows current, ancestors applied, the rest pending', () => {
    const s = revisionStates(graph, ['c']);
    expect(s.get('c')).toBe('current');
    expect(s.get('a')).toBe('applied');
    expect(s.get('d')).toBe('pending');
    expect(s.get('m')).toBe('pending');
    expect(countStates(s)).toEqual({ applied: 3, pending: 3 });
  });

  it('handles 5,000 revisions quickly', () => {
    const big = Array.from({ length: 5000 }, (_, i) => node(`r${i}`, i ? [`r${i - 1}`] : []));
    const t0 = performance.now();
    const s = revisionStates(big, ['r4000']);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(countStates(s)).toEqual({ applied: 4001, pending: 999 });
  });
});

describe('describePosition', () => {
  it('says what is applied', () => {
    expect(describePosition([], false, 3)).toMatch(/no version table/);
    expect(describePosition([], true, 3)).toMatch(/^base/);
    expect(describePosition(['0123456789abcdef'], true, 0)).toBe('0123456789ab · up to date');
    expect(describePosition(['a', 'b'], true, 2)).toBe('a, b · 2 pending');
  });
});
