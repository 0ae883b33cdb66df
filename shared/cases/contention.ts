/**
 * How a change that lost a race on its case waits before trying again. Every change of a case
 * chains on the one before (the history's hash), so concurrent writers of one case take turns:
 * a loser pauses a random time in [0, min(cap, base × 2^attempt)) ("full jitter"), which spreads
 * the retries over the turns instead of bunching them, and gives up with a 409 once the budget
 * is spent (well within the function's timeout).
 */
export interface Contention {
  baseMs: number;
  capMs: number;
  budgetMs: number;
}

export const DEFAULT_CONTENTION: Contention = { baseMs: 8, capMs: 256, budgetMs: 5000 };

/** The pause before retry number `attempt + 1`, drawn with full jitter. */
export function backoffMs(
  attempt: number,
  { baseMs, capMs }: Contention,
  commitMs = 0,
  random = Math.random,
): number {
  return random() * Math.min(capMs, Math.max(baseMs, commitMs) * 2 ** attempt);
}

/**
 * Waits before the next try and says how long (ms), or says undefined at once when that pause
 * would end past the budget counted from `startedAt` (`Date.now()` milliseconds).
 */
export async function pauseBeforeRetry(
  attempt: number,
  startedAt: number,
  contention: Contention,
  commitMs = 0,
  random = Math.random,
): Promise<number | undefined> {
  const pause = backoffMs(attempt, contention, commitMs, random);
  if (Date.now() + pause - startedAt > contention.budgetMs) return undefined;
  await new Promise((resolve) => setTimeout(resolve, pause));
  return pause;
}
