// The mock's round-trip test and drift check follow the contract (what the Checks view shows).
import { describe, expect, it } from 'vitest';
import { createApi } from '../client';
import type { RoundTripProgress } from '../types';
import { createMockTransport } from './index';

const mock = (query: string) => createApi(createMockTransport(new URLSearchParams(query)));

describe('mock checks', () => {
  it('passes the round trip on the demo, with numbered progress', async () => {
    const api = mock('mock&delay=0');
    await api.selectConnection('project', null);
    const events: RoundTripProgress[] = [];
    const report = await api.runRoundtripTest('t1', (p) => events.push(p));
    expect(report.passed).toBe(true);
    expect(report.revisions).toHaveLength(7);
    expect(events).toHaveLength(15);
    expect(events.map((e) => e.step)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ phase: 'reupgrade', revision: 'heads' });
  });

  it('reports drift and a downgrade that keeps its index with ?mock=drift', async () => {
    const api = mock('mock=drift&delay=0');
    await api.selectConnection('project', null);
    const drift = await api.checkDrift();
    expect(drift.drifted).toBe(true);
    expect(drift.differences[0]).toContain('nickname');
    const report = await api.runRoundtripTest('t2', () => {});
    expect(report.passed).toBe(false);
    const failed = report.revisions.filter((r) => r.status === 'not_restored');
    expect(failed.map((r) => r.revision)).toEqual(['4c9a5d6e7f04']);
    expect(failed[0].differences[0]).toContain('ix_tasks_status_due');
  });

  it('has no drift on the plain demo', async () => {
    const api = mock('mock&delay=0');
    await api.selectConnection('project', null);
    const drift = await api.checkDrift();
    expect(drift.drifted).toBe(false);
    expect(drift.differences).toEqual([]);
  });
});
