// The mock doctor follows the real one's contract: ?mock=noversion fails `upgrade head` the way a
// database without version table does, the finding offers the stamp, and applying it repairs it.
import { describe, expect, it } from 'vitest';
import { createApi } from '../client';
import { createMockTransport } from './index';
import { matchFailure, pickFinding } from '../../lib/doctor';
import { upgrade } from '../../lib/actions';

const mock = (query: string) => createApi(createMockTransport(new URLSearchParams(query)));

describe('mock doctor', () => {
  it('finds tables without a version table and stamps them', async () => {
    const api = mock('mock=noversion&delay=0');
    const before = await api.dbState();
    expect(before.version_table_exists).toBe(false);
    const error = await api.runAction(upgrade('head'), 'r1', null, () => {}).catch((e) => e);
    expect(error.kind).toBe('migration_failed');
    expect(error.message).toContain('already exists');
    const match = matchFailure(error, []);
    expect(match?.checks).toEqual(['version_table']);

    const findings = await api.diagnose();
    const found = pickFinding(findings, match!);
    expect(found?.severity).toBe('problem');
    const stamp = found!.fixes[0];
    expect(stamp.id).toMatch(/^stamp:/);
    const outcome = await api.applyFix(stamp.id, null);
    expect(outcome.fix).toBe(stamp.id);
    const after = await api.dbState();
    expect(after.version_table_exists).toBe(true);
    expect(after.current).toEqual([stamp.id.slice('stamp:'.length)]);
    expect((await api.diagnose()).some((f) => f.check === 'version_table')).toBe(false);
    const logged = (await api.activityList())[0];
    expect(logged.action).toBe(`retort doctor --fix ${stamp.id}`);
    expect(logged.outcome).toBe('succeeded');
    expect(logged.rows_after).toEqual(after.current);
  });

  it('offers a merge for two heads and GRANTs only to copy', async () => {
    const heads = mock('mock=heads&delay=0');
    const merge = (await heads.diagnose()).find((f) => f.check === 'multiple_heads')!;
    expect(merge.fixes.map((f) => f.id)).toEqual(['merge']);
    await heads.applyFix('merge', null);
    const merged = (await heads.activityList())[0];
    expect(merged.action).toBe('retort doctor --fix merge');
    expect(merged.backup).toBeNull(); // a new script file: no database backup
    expect((await heads.diagnose()).some((f) => f.check === 'multiple_heads')).toBe(false);
    expect((await heads.currentProject())!.revisions.filter((r) => r.is_head)).toHaveLength(1);

    const pg = mock('mock&connection=saved-1&delay=0');
    const grants = (await pg.diagnose()).find((f) => f.check === 'postgres_privileges')!;
    expect(grants.fixes[0].id).toBe('grants');
    await expect(pg.applyFix('grants', 'nexus_staging')).rejects.toMatchObject({ kind: 'command' });
    expect((await pg.activityList())[0]).toMatchObject({ action: 'retort doctor --fix grants', outcome: 'failed' });
    expect(await pg.exportDiagnostics()).toMatch(/diagnostics/);
  });
});
