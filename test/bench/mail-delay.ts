import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { storedMailsOf } from '../helpers/ses-store.ts';
import { localToken, startBenchStack } from './local-stack.ts';
import { percentile } from './stats.ts';

/**
 * `npm run bench:mail [-- --runs N]`: the delay from a change's commit (its 200 answer) to its mail
 * in the SES emulator's store, on the local stack (the dispatcher on DynamoDB Local's stream). Each
 * run submits a fiche and waits for the coordinateur's action mail; runs one after the other.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const runs = Number(values.runs);

const { COMPLETE_FICHE } = await import('../helpers/fixtures.ts');

const stack = await startBenchStack();

const token = (email: string) => localToken(stack.url, email);

async function call(method: string, path: string, bearer: string, body?: unknown) {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function mailArrived(caseId: string, to: string): Promise<boolean> {
  return (await storedMailsOf(stack.endpoints.ses, caseId)).some((m) => m.destination.to[0] === to);
}

const gestionnaire = await token('ca.tilleuls@example.org');
const delays: number[] = [];
for (let i = 0; i < runs; i++) {
  const created = await call('POST', '/cases', gestionnaire, {
    centreId: 'cs-tilleuls',
    fiche: COMPLETE_FICHE,
  });
  const id = created.json.id as string;
  const submitted = await call('POST', `/cases/${id}/events`, gestionnaire, { type: 'SUBMIT_FICHE' });
  if (submitted.status !== 200) throw new Error(`SUBMIT_FICHE: ${submitted.status}`);
  const committed = performance.now();
  while (!(await mailArrived(id, 'coordination@caf13.example.org'))) {
    if (performance.now() - committed > 10_000) throw new Error(`No mail for ${id} after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  delays.push(performance.now() - committed);
}
const sorted = delays.toSorted((a, b) => a - b);
const figures = {
  runs,
  p50Ms: Math.round(percentile(sorted, 50)),
  p95Ms: Math.round(percentile(sorted, 95)),
  maxMs: Math.round(sorted.at(-1) ?? Number.NaN),
  targetMs: 2000,
};
console.log(
  `Commit → mail in the SES emulator (${runs} runs): p50 ${figures.p50Ms} ms, p95 ${figures.p95Ms} ms, max ${figures.maxMs} ms (target: within ${figures.targetMs} ms)`,
);
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, 'mail-delay-latest.json'),
  `${JSON.stringify({ at: new Date().toISOString(), machine: { cpus: cpus().length, node: process.version }, ...figures }, null, 2)}\n`,
);
await stack.stop();
process.exit(0);
