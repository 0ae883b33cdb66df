import type { CaseRecord } from '../domain/case.ts';
import { NotPossibleNowError } from '../domain/errors.ts';

/**
 * Writers of one case within one process take turns instead of racing. Every change of a case
 * chains on the one before (its version, its history's hash), so concurrent writers of a case
 * can only commit one after the other: racing them wastes a transaction per loser. Within a
 * process they wait in line, and each is handed the case as the writer before it left it, so
 * that it commits at its first try. Between processes (Lambda containers serve one request at
 * a time, so there the line is always empty) the version condition and the backoff of
 * contention.ts decide.
 */
export interface CaseTurns {
  /**
   * Runs `change` once the writers of this case ahead of it in this process are done, giving it
   * the case as the last of them committed it (undefined if none did). `change` says what it
   * committed, for the next in line.
   */
  take<T>(
    caseKey: string,
    waitMs: number,
    change: (latest: CaseRecord | undefined) => Promise<{ value: T; committed?: CaseRecord }>,
  ): Promise<T>;
}

export function createCaseTurns(): CaseTurns {
  const lines = new Map<string, { tail: Promise<unknown>; latest?: CaseRecord; waiting: number }>();
  return {
    async take(caseKey, waitMs, change) {
      const line = lines.get(caseKey) ?? { tail: Promise.resolve(), waiting: 0 };
      lines.set(caseKey, line);
      line.waiting += 1;
      // A writer ahead that hangs (a store that does not answer) holds the others at most waitMs:
      // they give up with a 409, and never run once their turn comes.
      let gaveUp = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tooLong = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          gaveUp = true;
          reject(new NotPossibleNowError('Too many concurrent changes; try again.'));
        }, waitMs);
      });
      const ready = line.tail.then(() => clearTimeout(timer));
      const turn = Promise.race([ready, tooLong]).then(async () => {
        const { value, committed } = await change(line.latest);
        if (committed) line.latest = committed;
        return value;
      });
      const done = ready.then(() => (gaveUp ? undefined : turn));
      // The next writer waits for this one to end (or to give up), whatever its outcome.
      line.tail = done.catch(() => undefined);
      try {
        return await turn;
      } finally {
        line.waiting -= 1;
        if (line.waiting === 0) lines.delete(caseKey);
      }
    },
  };
}

/** The line of this process (a Lambda container, or the local gateway's process). */
export const processCaseTurns = createCaseTurns();
