import { describe, expect, it } from 'vitest';
import { branchLabelOf, explainHeads } from './heads';

const rev = (revision: string, down: string[], children: string[], labels: string[] = [], message = revision) => ({
  revision,
  down_revisions: down,
  children,
  branch_labels: labels,
  is_head: children.length === 0,
  message,
});

describe('explainHeads', () => {
  it('has nothing to explain with one head', () => {
    const e = explainHeads([rev('b', ['a'], []), rev('a', [], ['b'])]);
    expect(e.ambiguous).toBe(false);
    expect(e.heads).toEqual(['b']);
    expect(e.choices).toEqual([]);
  });

  it('offers heads and one target per branch', () => {
    const revisions = [
      rev('r2', ['r1'], [], [], 'add reports'),
      rev('r1', ['base'], ['r2'], ['reports']),
      rev('m2', ['base'], [], [], 'main work'),
      rev('base', [], ['r1', 'm2'], ['main']),
    ];
    const e = explainHeads(revisions);
    expect(e.ambiguous).toBe(true);
    expect(e.heads).toEqual(['r2', 'm2']);
    expect(e.text).toMatch(/2 heads/);
    expect(e.choices.map((c) => c.target)).toEqual(['heads', 'reports@head', 'm2']);
    // The label on the shared base does not name m2's branch.
    expect(e.choices[2].description).toMatch(/no label/);
  });

  it('finds a label on the head itself or below it, not past a branch point', () => {
    const byId = new Map(
      [rev('h', ['x'], [], ['feat']), rev('x', ['bp'], ['h']), rev('bp', [], ['x', 'y'], ['shared']), rev('y', ['bp'], [])].map(
        (r) => [r.revision, r] as const,
      ),
    );
    expect(branchLabelOf('h', byId)).toBe('feat');
    expect(branchLabelOf('y', byId)).toBeNull();
    expect(branchLabelOf('missing', byId)).toBeNull();
  });
});
