import { RetentionSchedule } from './retention';

describe('RetentionSchedule', () => {
  it('prunes each rule before its own cut-off and counts what went', async () => {
    const cutoffs: Record<string, number> = {};
    const schedule = new RetentionSchedule([
      { what: 'a', keepMs: 1_000, prune: async (before) => ((cutoffs.a = before.getTime()), 3) },
      { what: 'b', keepMs: 5_000, prune: async (before) => ((cutoffs.b = before.getTime()), 0) },
    ]);
    expect(await schedule.run(10_000)).toEqual({ a: 3, b: 0 });
    expect(cutoffs).toEqual({ a: 9_000, b: 5_000 });
  });

  it('goes on with the other rules when one fails', async () => {
    const schedule = new RetentionSchedule([
      { what: 'broken', keepMs: 1, prune: () => Promise.reject(new Error('connection lost')) },
      { what: 'fine', keepMs: 1, prune: () => Promise.resolve(2) },
    ]);
    expect(await schedule.run()).toEqual({ fine: 2 });
  });
});
