import { describe, expect, it } from 'vitest';
import { createCaseTurns } from '../../../shared/cases/case-turns.ts';
import type { CaseRecord } from '../../../shared/domain/case.ts';
import { NotPossibleNowError } from '../../../shared/domain/errors.ts';

const recordAt = (version: number) => ({ id: 'c-1', version }) as CaseRecord;
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('the writers of one case in one process', () => {
  it('take turns in arrival order, each handed the case as the one before committed it', async () => {
    const turns = createCaseTurns();
    const seen: (number | undefined)[] = [];
    let running = 0;
    let most = 0;
    const writer = (version: number) =>
      turns.take('caf13#c-1', 1000, async (latest) => {
        running += 1;
        most = Math.max(most, running);
        seen.push(latest?.version);
        await tick();
        running -= 1;
        return { value: version, committed: recordAt(version) };
      });

    const values = await Promise.all([writer(2), writer(3), writer(4)]);

    expect(values).toEqual([2, 3, 4]);
    expect(seen).toEqual([undefined, 2, 3]);
    expect(most).toBe(1);
  });

  it('go on after a writer that failed, and forget the case once the line is empty', async () => {
    const turns = createCaseTurns();
    const failing = turns.take('caf13#c-1', 1000, async () => {
      throw new Error('the store is down');
    });
    const next = turns.take('caf13#c-1', 1000, async (latest) => ({ value: latest?.version ?? 'none' }));

    await expect(failing).rejects.toThrow('the store is down');
    expect(await next).toBe('none');
    expect(await turns.take('caf13#c-1', 1000, async (latest) => ({ value: latest }))).toBeUndefined();
  });

  it('give up with a 409 behind a writer that hangs, and never run once it ends', async () => {
    const turns = createCaseTurns();
    let release: () => void = () => {};
    const hung = turns.take(
      'caf13#c-1',
      1000,
      () =>
        new Promise<{ value: string }>((resolve) => {
          release = () => resolve({ value: 'late' });
        }),
    );
    let ran = false;

    const behind = turns.take('caf13#c-1', 20, async () => {
      ran = true;
      return { value: 'behind' };
    });

    await expect(behind).rejects.toThrow(NotPossibleNowError);
    release();
    expect(await hung).toBe('late');
    await tick();
    expect(ran).toBe(false);
    expect(await turns.take('caf13#c-1', 20, async () => ({ value: 'next' }))).toBe('next');
  });

  it('do not wait for the writers of another case', async () => {
    const turns = createCaseTurns();
    let release: () => void = () => {};
    const held = turns.take(
      'caf13#c-1',
      1000,
      () =>
        new Promise<{ value: string }>((resolve) => {
          release = () => resolve({ value: 'first' });
        }),
    );

    const other = await turns.take('caf13#c-2', 1000, async () => ({ value: 'other' }));

    expect(other).toBe('other');
    release();
    expect(await held).toBe('first');
  });
});
