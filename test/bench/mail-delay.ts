import { runAlone, runsOption, saveLatest } from './cli.ts';
import { percentile } from './stats.ts';

/**
 * `npm run bench:mail [-- --runs N]` (also the `mail` part of `npm run bench`): the delay from a
 * change's commit (its 200 answer) to its mail in the SES emulator's store, on the local stack
 * (the dispatcher on DynamoDB Local's stream). Each run submits a fiche and waits for the
 * coordinateur's action mail; runs one after the other. The contract: within 2 s.
 */

export const DEFAULT_RUNS = 30;
export const TARGET_MS = 2000;
/** Polling the SES emulator's store every this many ms: the delays are up to that late. */
const POLL_MS = 10;
const GIVE_UP_MS = 10_000;

export interface MailDelayFigures {
  at: string;
  runs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  targetMs: number;
  samplesMs: number[];
  notes: string[];
}

export async function measureMailDelay({
  runs = DEFAULT_RUNS,
}: {
  runs?: number;
} = {}): Promise<MailDelayFigures> {
  const { storedMailsOf } = await import('../helpers/ses-store.ts');
  const { COMPLETE_FICHE } = await import('../helpers/fixtures.ts');
  const { localToken, startBenchStack } = await import('./local-stack.ts');
  const stack = await startBenchStack();
  try {
    const call = async (method: string, path: string, bearer: string, body?: unknown) => {
      const res = await fetch(`${stack.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const mailArrived = async (caseId: string, to: string) =>
      (await storedMailsOf(stack.endpoints.ses, caseId)).some((m) => m.destination.to[0] === to);

    const gestionnaire = await localToken(stack.url, 'ca.tilleuls@example.org');
    const delays: number[] = [];
    for (let i = 0; i < runs; i++) {
      const created = await call('POST', '/cases', gestionnaire, {
        centreId: 'cs-tilleuls',
        fiche: COMPLETE_FICHE,
      });
      if (created.status !== 201) throw new Error(`POST /cases: HTTP ${created.status}`);
      const id = created.json.id as string;
      const submitted = await call('POST', `/cases/${id}/events`, gestionnaire, { type: 'SUBMIT_FICHE' });
      if (submitted.status !== 200) throw new Error(`SUBMIT_FICHE: HTTP ${submitted.status}`);
      const committed = performance.now();
      while (!(await mailArrived(id, 'coordination@caf13.example.org'))) {
        if (performance.now() - committed > GIVE_UP_MS)
          throw new Error(`No mail for ${id} after ${GIVE_UP_MS} ms`);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      delays.push(performance.now() - committed);
    }
    const sorted = delays.toSorted((a, b) => a - b);
    return {
      at: new Date().toISOString(),
      runs,
      p50Ms: Math.round(percentile(sorted, 50)),
      p95Ms: Math.round(percentile(sorted, 95)),
      maxMs: Math.round(sorted.at(-1) ?? Number.NaN),
      targetMs: TARGET_MS,
      samplesMs: delays.map((d) => Math.round(d)),
      notes: [
        `Each run: POST /cases then SUBMIT_FICHE as the gestionnaire; from the 200 of SUBMIT_FICHE, the SES emulator's store is polled every ${POLL_MS} ms until the coordinateur's action mail of that case is in it. Runs one after the other; the dispatcher polls DynamoDB Local's stream in the bench's process.`,
        `Target: every mail within ${TARGET_MS} ms of its commit (the maximum is compared).`,
      ],
    };
  } finally {
    await stack.stop();
  }
}

export function printMailDelay(figures: MailDelayFigures): void {
  console.log(
    `Commit → mail in the SES emulator (${figures.runs} runs): p50 ${figures.p50Ms} ms, p95 ${figures.p95Ms} ms, max ${figures.maxMs} ms (target: within ${figures.targetMs} ms)`,
  );
}

if (runAlone(import.meta.filename)) {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const figures = await measureMailDelay({ runs: runsOption(DEFAULT_RUNS) });
  printMailDelay(figures);
  saveLatest('mail-delay', figures);
  process.exit(0);
}
