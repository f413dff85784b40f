// The mock of `autogenerate_revision`: the contract's shape, a TODO case, and the new revision
// on the timeline after a reload.
import { describe, expect, it } from 'vitest';
import { createApi } from '../client';
import { createMockTransport } from './index';

const mock = () => createApi(createMockTransport(new URLSearchParams('mock&delay=0')));
const upgrade = { kind: 'upgrade' as const, target: 'heads', targets: [], purge: false };

describe('mock autogenerate', () => {
  it('writes a revision after the head and shows it on the timeline', async () => {
    const api = mock();
    await api.selectConnection('project', null);
    await expect(api.autogenerateRevision('too early')).rejects.toMatchObject({ kind: 'command' });
    await api.runAction(upgrade, 'r-autogen', null, () => {});
    const result = await api.autogenerateRevision('add nickname to users');
    expect(result.down_revisions).toEqual(['7fcd8a9bac07']);
    expect(result.up_sql).toContain('ADD COLUMN nickname');
    expect(result.down_sql).toContain('DROP COLUMN nickname');
    expect(result.warnings).toEqual([]);
    expect(result.path).toMatch(/_add_nickname_to_users\.sql$/);
    const project = await api.reloadProject();
    expect(project.timeline.rows.some((r) => r.revision === result.revision)).toBe(true);
  });

  it('flags a possible rename as a TODO, not SQL', async () => {
    const api = mock();
    await api.selectConnection('project', null);
    await api.runAction(upgrade, 'r-autogen', null, () => {});
    const result = await api.autogenerateRevision('rename display name');
    expect(result.warnings).toHaveLength(1);
    for (const line of result.up_sql.trim().split('\n')) expect(line.startsWith('--')).toBe(true);
  });

  it('refuses an empty message', async () => {
    const api = mock();
    await api.selectConnection('project', null);
    await expect(api.autogenerateRevision('  ')).rejects.toMatchObject({ kind: 'invalid_input' });
  });
});
