import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextDailyRun, parisEightOn, startMailJobs } from '../../../../infra/local/mail-jobs.ts';
import { memoryNotifyDeps } from '../../../helpers/memory-notify.ts';

describe('08:00 Europe/Paris', () => {
  it.each([
    ['in winter (+01:00)', '2026-01-15', '2026-01-15T07:00:00.000Z'],
    ['in summer (+02:00)', '2026-07-01', '2026-07-01T06:00:00.000Z'],
    ['on the day clocks go forward', '2026-03-29', '2026-03-29T06:00:00.000Z'],
    ['on the day clocks go back', '2026-10-25', '2026-10-25T07:00:00.000Z'],
  ])('%s', (_name, day, instant) => {
    expect(parisEightOn(day).toISOString()).toBe(instant);
  });

  it.each([
    ['before 08:00: the same day', '2026-11-25T06:59:59Z', '2026-11-25T07:00:00.000Z'],
    ['at 08:00: the next day', '2026-11-25T07:00:00Z', '2026-11-26T07:00:00.000Z'],
    ['after 08:00: the next day', '2026-11-25T15:00:00Z', '2026-11-26T07:00:00.000Z'],
    ['late in the evening, Paris already the next day', '2026-11-25T23:30:00Z', '2026-11-26T07:00:00.000Z'],
    ['across the change to summer time', '2026-03-28T12:00:00Z', '2026-03-29T06:00:00.000Z'],
  ])('next run %s', (_name, now, next) => {
    expect(nextDailyRun(new Date(now)).toISOString()).toBe(next);
  });
});

describe('the sweep and daily job timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sweep every 30 s, run the daily job at 08:00 Paris for that instant and each day after, and leave no timer once stopped', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-25T06:00:00Z') });
    const { deps } = memoryNotifyDeps({ now: () => new Date() });
    const sweeps = vi.spyOn(deps.mails, 'pendingOutbox');
    const days = vi.spyOn(deps.due, 'dueBetween');
    const lines: string[] = [];
    const jobs = startMailJobs({ deps, log: (line) => lines.push(line) });
    expect(jobs.nextDailyRun.toISOString()).toBe('2026-11-25T07:00:00.000Z');

    await vi.advanceTimersByTimeAsync(30_000);
    expect(sweeps).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sweeps).toHaveBeenCalledTimes(2);
    expect(days).not.toHaveBeenCalled();

    // 07:00Z is 08:00 in Paris.
    await vi.advanceTimersByTimeAsync(60 * 60_000 - 60_000);
    expect(days).toHaveBeenCalledTimes(1);
    expect(lines).toContain('Daily job for 2026-11-25: 0 mail(s) sent');
    expect(jobs.nextDailyRun.toISOString()).toBe('2026-11-26T07:00:00.000Z');

    await vi.advanceTimersByTimeAsync(24 * 60 * 60_000);
    expect(days).toHaveBeenCalledTimes(2);
    expect(lines).toContain('Daily job for 2026-11-26: 0 mail(s) sent');

    await jobs.stop();
    expect(jobs.stopped).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('say once, not every 30 s, that the sweep keeps failing', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-25T10:00:00Z') });
    const { deps } = memoryNotifyDeps({ now: () => new Date() });
    vi.spyOn(deps.mails, 'pendingOutbox').mockRejectedValue(new Error('Not an outbox item (facts)'));
    const lines: string[] = [];
    const jobs = startMailJobs({ deps, log: (line) => lines.push(line) });
    await vi.advanceTimersByTimeAsync(5 * 30_000);
    expect(lines.filter((line) => line.startsWith('Mail sweep'))).toEqual([
      'Mail sweep (caf13) failed: Not an outbox item (facts)',
    ]);
    jobs.stopNow();
    expect(vi.getTimerCount()).toBe(0);
  });
});
