import { describe, expect, it } from 'vitest';
import { backoffMs, pauseBeforeRetry } from '../../../shared/cases/contention.ts';

const policy = { baseMs: 8, capMs: 256, budgetMs: 1000 };

describe('the pause of a change that lost a race', () => {
  it('is drawn below a bound that doubles with each loss, from the base or the commit’s own time, up to the cap', () => {
    const bound = (attempt: number, commitMs = 0) => backoffMs(attempt, policy, commitMs, () => 0.999999);
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => Math.round(bound(a)))).toEqual([8, 16, 32, 64, 128, 256, 256]);
    // A slow store (its commits take 40 ms) spreads the retries wider from the first.
    expect(Math.round(bound(0, 40))).toBe(40);
    expect(Math.round(bound(3, 40))).toBe(256);
    expect(backoffMs(3, policy, 0, () => 0)).toBe(0);
  });

  it('is not taken when it would end past the budget: the change gives up', async () => {
    const started = Date.now() - 995;
    expect(await pauseBeforeRetry(4, started, policy, 0, () => 0.5)).toBeUndefined();
    expect(await pauseBeforeRetry(0, Date.now(), policy, 0, () => 0.5)).toBe(4);
  });
});
