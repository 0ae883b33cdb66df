import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SEEDED_PARTENAIRE_IDS } from '../helpers/case-fixtures.ts';
import { COORDINATEUR, FICHE, GESTIONNAIRE } from './fixtures.ts';
import { localToken, startBenchStack } from './local-stack.ts';
import { countRoundTrips } from './round-trips.ts';
import { percentile, table } from './stats.ts';

/**
 * `tsx test/bench/contention.ts [--requests N] [--json]`: 13 funders giving avis on one case at
 * once, on the local stack (the emulators behind the local gateway, the handlers in this process).
 * Setup through the API: the gestionnaire of cs-tilleuls creates a case with a complete fiche and
 * submits it; the coordinateur opens the saisine with all 13 partners (the seed has users for four
 * of them: the coordinateur invites one user per other partner). Then, for each concurrency c,
 * a fresh case in saisine receives N GIVE_AVIS (funder i mod 13, a random avis) from a pool of c
 * workers, so that exactly c requests are in flight until the last ones.
 */

// Set before the stack's modules load (they are imported lazily by startBenchStack).
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** The 13 funders of DESIGN.md §6. */
export const PARTENAIRES = SEEDED_PARTENAIRE_IDS;
const AVIS = ['favorable', 'reserve', 'defavorable'] as const;
export const DEFAULT_LEVELS = [1, 8, 32];
export const DEFAULT_REQUESTS = PARTENAIRES.length * 10;
/** Printed beside the figures, for the highest concurrency. */
export const TARGET = { concurrency: 32, errors: 0, p99Ms: 1000 };

export interface LevelFigures {
  concurrency: number;
  caseId: string;
  requests: number;
  wallMs: number;
  requestsPerSecond: number;
  /** Latency of every request, successful or not, from the request to the last byte of the answer. */
  latencyMs: { p50: number; p99: number; max: number };
  /** Requests whose answer was not 200, by status (0: no HTTP answer at all). */
  errorsByStatus: Record<string, number>;
  errors: number;
  /** The detail of the first answer of each error status, to tell a 409 of a lost race from another. */
  errorDetails: Record<string, string>;
  /** `avisReceived` of the case read by the coordinateur once every request has been answered. */
  avisReceived: number | undefined;
  /**
   * DynamoDB requests this process sent during the level, by operation: the handlers' (each
   * TransactWriteItems is one attempt to commit an avis) and the mail dispatcher's.
   */
  dynamodb: Record<string, number>;
  /** Attempts to commit per request: TransactWriteItems / requests (1: no lost race). */
  attemptsPerRequest: number;
  /** Every request, in the order the answers came: latency (ms) and status (0: no HTTP answer). */
  samples: { ms: number; status: number }[];
}

export interface ContentionFigures {
  date: string;
  requestsPerLevel: number;
  funders: number;
  levels: LevelFigures[];
  target: typeof TARGET & { met: boolean };
  notes: string[];
}

/** Something the bench did not expect: a setup step that failed, a wrong count, an unexpected status. */
export class BenchFailure extends Error {
  override name = 'BenchFailure';
  constructor(
    message: string,
    /** The figures measured before the failure was found, if any. */
    readonly figures?: ContentionFigures,
  ) {
    super(message);
  }
}

/** Statuses a GIVE_AVIS may get under contention today: 200, and 409 once the retries run out. */
const EXPECTED_STATUSES = new Set([200, 409]);

const round = (ms: number) => Math.round(ms * 10) / 10;

// biome-ignore lint/suspicious/noExplicitAny: the answers are read for a few fields only
type Answer = any;

interface Api {
  call(
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; json: Answer }>;
  /** The same, the given status required: anything else is a BenchFailure naming the step. */
  expect(
    step: string,
    status: number,
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<Answer>;
}

function apiOf(baseUrl: string): Api {
  const call: Api['call'] = async (method, path, token, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, json };
  };
  return {
    call,
    async expect(step, status, method, path, token, body) {
      const answer = await call(method, path, token, body);
      if (answer.status !== status) {
        throw new BenchFailure(
          `${step}: ${method} ${path} → HTTP ${answer.status} (expected ${status}): ${JSON.stringify(answer.json).slice(0, 500)}`,
        );
      }
      return answer.json;
    },
  };
}

async function tokenOf(baseUrl: string, email: string): Promise<string> {
  const token = await localToken(baseUrl, email).catch(() => undefined);
  if (typeof token !== 'string') throw new BenchFailure(`POST /_local/token for ${email} gave no token`);
  return token;
}

/** One funder per partner: the seeded user where there is one, else a user the coordinateur invites. */
async function funderTokens(api: Api, baseUrl: string, coordinateur: string): Promise<string[]> {
  const { seedUsers } = await import('../../infra/local/seed-data.ts');
  const referentiel = await api.expect('GET /referentiel', 200, 'GET', '/referentiel', coordinateur);
  const known = new Set((referentiel.partenaires as { id: string }[]).map((p) => p.id));
  const missing = PARTENAIRES.filter((id) => !known.has(id));
  if (missing.length > 0 || known.size !== PARTENAIRES.length) {
    throw new BenchFailure(
      `The referentiel's partenaires are not the 13 of DESIGN.md §6: ${[...known].join(', ')}`,
    );
  }
  return Promise.all(
    PARTENAIRES.map(async (organisationId) => {
      const seeded = seedUsers.find((u) => u.role === 'partenaire' && u.organisationId === organisationId);
      const email = seeded?.email ?? `bench-contention@${organisationId}.example.org`;
      if (!seeded) {
        const invited = await api.call('POST', '/admin/users', coordinateur, {
          email,
          role: 'partenaire',
          organisationId,
        });
        // 409: invited by an earlier run on the same stack.
        if (invited.status !== 201 && invited.status !== 409) {
          throw new BenchFailure(
            `POST /admin/users ${email} → HTTP ${invited.status}: ${JSON.stringify(invited.json)}`,
          );
        }
      }
      return tokenOf(baseUrl, email);
    }),
  );
}

/** A case of cs-tilleuls with a complete fiche, submitted, its saisine opened with all 13 partners. */
async function caseInSaisine(api: Api, gestionnaire: string, coordinateur: string): Promise<string> {
  const created = await api.expect('Create the case', 201, 'POST', '/cases', gestionnaire, {
    centreId: 'cs-tilleuls',
    fiche: FICHE,
  });
  const id = created.id as string;
  await api.expect('Submit the fiche', 200, 'POST', `/cases/${id}/events`, gestionnaire, {
    type: 'SUBMIT_FICHE',
  });
  const opened = await api.expect('Open the saisine', 200, 'POST', `/cases/${id}/events`, coordinateur, {
    type: 'OPEN_SAISINE',
    partenaireIds: [...PARTENAIRES],
  });
  const consulted = (opened.consultedPartenaireIds ?? []) as string[];
  if (opened.status !== 'saisine_concertee' || consulted.length !== PARTENAIRES.length) {
    throw new BenchFailure(
      `OPEN_SAISINE left ${id} in ${opened.status} with ${consulted.length} partners consulted, not 13`,
    );
  }
  return id;
}

interface Outcome {
  ms: number;
  status: number;
  detail?: string;
}

/** `requests` GIVE_AVIS on one case from a pool of `concurrency` workers. */
async function giveAvis(
  baseUrl: string,
  caseId: string,
  funders: string[],
  requests: number,
  concurrency: number,
): Promise<{ outcomes: Outcome[]; wallMs: number }> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      const i = next++;
      const token = funders[i % funders.length] as string;
      const avis = AVIS[Math.floor(Math.random() * AVIS.length)];
      const started = performance.now();
      try {
        const res = await fetch(`${baseUrl}/cases/${caseId}/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'GIVE_AVIS', avis }),
        });
        const text = await res.text();
        const ms = performance.now() - started;
        let detail: string | undefined;
        if (res.status !== 200) {
          try {
            detail = (JSON.parse(text) as { detail?: string }).detail ?? text.slice(0, 200);
          } catch {
            detail = text.slice(0, 200);
          }
        }
        outcomes.push({ ms, status: res.status, ...(detail !== undefined && { detail }) });
      } catch (error) {
        outcomes.push({ ms: performance.now() - started, status: 0, detail: (error as Error).message });
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
  return { outcomes, wallMs: performance.now() - started };
}

export interface ContentionOptions {
  /** GIVE_AVIS per concurrency level (DEFAULT_REQUESTS: 13 × 10). */
  requests?: number;
  levels?: number[];
  /** A stack already running (its gateway's URL); else one is started with startBenchStack and stopped. */
  stack?: { url: string };
}

/**
 * The measure: per concurrency level, requests, wall time, throughput, latency and errors by
 * status, and the case's avis count at the end. Throws a BenchFailure (with the figures) when a
 * setup step fails, a GIVE_AVIS gets a status other than 200 or 409, or a case ends with other
 * than 13 avis.
 */
export async function measureContention({
  requests = DEFAULT_REQUESTS,
  levels = DEFAULT_LEVELS,
  stack: given,
}: ContentionOptions = {}): Promise<ContentionFigures> {
  const started = given ? undefined : await startBenchStack();
  const baseUrl = (given ?? started)?.url as string;
  try {
    const api = apiOf(baseUrl);
    const [gestionnaire, coordinateur] = await Promise.all([
      tokenOf(baseUrl, GESTIONNAIRE),
      tokenOf(baseUrl, COORDINATEUR),
    ]);
    const funders = await funderTokens(api, baseUrl, coordinateur);
    // Untimed: one avis per funder on a case of its own, so that every funder's membership is
    // cached and DynamoDB Local has seen this kind of transaction before the first level.
    const warmup = await caseInSaisine(api, gestionnaire, coordinateur);
    for (const token of funders) {
      await api.expect('Warm-up GIVE_AVIS', 200, 'POST', `/cases/${warmup}/events`, token, {
        type: 'GIVE_AVIS',
        avis: 'favorable',
      });
    }

    const results: LevelFigures[] = [];
    const problems: string[] = [];
    for (const concurrency of levels) {
      const caseId = await caseInSaisine(api, gestionnaire, coordinateur);
      const counter = countRoundTrips({ s3Port: -1 });
      const { outcomes, wallMs } = await giveAvis(baseUrl, caseId, funders, requests, concurrency);
      const { dynamodb } = counter.snapshot();
      counter.close();
      const read = await api.expect('Read the case', 200, 'GET', `/cases/${caseId}`, coordinateur);
      const latencies = outcomes.map((o) => o.ms).sort((a, b) => a - b);
      const errorsByStatus: Record<string, number> = {};
      const errorDetails: Record<string, string> = {};
      for (const o of outcomes.filter((o) => o.status !== 200)) {
        const key = String(o.status);
        errorsByStatus[key] = (errorsByStatus[key] ?? 0) + 1;
        errorDetails[key] ??= o.detail ?? '';
      }
      const avisReceived = read.avisReceived as number | undefined;
      results.push({
        concurrency,
        caseId,
        requests: outcomes.length,
        wallMs: Math.round(wallMs),
        requestsPerSecond: round(outcomes.length / (wallMs / 1000)),
        latencyMs: {
          p50: round(percentile(latencies, 50)),
          p99: round(percentile(latencies, 99)),
          max: round(latencies.at(-1) ?? Number.NaN),
        },
        errorsByStatus,
        errors: outcomes.length - outcomes.filter((o) => o.status === 200).length,
        errorDetails,
        avisReceived,
        dynamodb,
        attemptsPerRequest: round((dynamodb.TransactWriteItems ?? 0) / outcomes.length),
        samples: outcomes.map((o) => ({ ms: round(o.ms), status: o.status })),
      });
      for (const [status, count] of Object.entries(errorsByStatus)) {
        if (!EXPECTED_STATUSES.has(Number(status))) {
          problems.push(
            `c = ${concurrency}: ${count} GIVE_AVIS answered ${status === '0' ? 'no HTTP answer' : `HTTP ${status}`} (${errorDetails[status]})`,
          );
        }
      }
      if (avisReceived !== PARTENAIRES.length) {
        problems.push(
          `c = ${concurrency}: case ${caseId} has avisReceived ${avisReceived}, not ${PARTENAIRES.length}`,
        );
      }
    }

    const atTarget = results.find((r) => r.concurrency === TARGET.concurrency);
    const figures: ContentionFigures = {
      date: new Date().toISOString(),
      requestsPerLevel: requests,
      funders: funders.length,
      levels: results,
      target: {
        ...TARGET,
        met:
          atTarget !== undefined &&
          atTarget.errors <= TARGET.errors &&
          atTarget.latencyMs.p99 <= TARGET.p99Ms,
      },
      notes: [
        `Before the levels, untimed: one GIVE_AVIS per funder, one after the other, on a case of its own (each funder's membership is then cached by the handlers).`,
        `Each level is a fresh case of cs-tilleuls in saisine_concertee with all ${PARTENAIRES.length} partners consulted (created, submitted and opened through the API, untimed); the ${PARTENAIRES.length - 4} partners without a seeded user get one invited by the coordinateur.`,
        `Per level, ${requests} POST /cases/{id}/events GIVE_AVIS, request i sent by funder i mod ${PARTENAIRES.length} with an avis drawn among favorable, reserve and defavorable, by a pool of c workers: c requests in flight until fewer than c remain. No Idempotency-Key, no If-Match.`,
        'Latency: from the request to the last byte of the answer, by the client (fetch), through the local gateway (JWT check) to the handler in this process and DynamoDB Local (Java). Wall time: first request sent to last answer; req/s = requests / wall time.',
        'An error is any answer but 200; 409 "Too many concurrent changes" is what a change gets when its retries against fresh reads of the case run out. Any status but 200 and 409 fails the bench, as does a final avisReceived (GET /cases/{id} as the coordinateur) other than 13.',
        `Target at c = ${TARGET.concurrency}: ${TARGET.errors} errors and p99 ≤ ${TARGET.p99Ms} ms. On 2 cores the client, the gateway, the handlers and DynamoDB Local share the CPU: compare runs on the same machine.`,
      ],
    };
    if (problems.length > 0) throw new BenchFailure(problems.join('\n'), figures);
    return figures;
  } finally {
    await started?.stop();
  }
}

export function contentionTable(figures: ContentionFigures): string {
  const text = (errors: Record<string, number>) =>
    Object.entries(errors)
      .map(([status, n]) => `${status === '0' ? 'no answer' : status} × ${n}`)
      .join(', ') || 'none';
  return table(
    [
      'c',
      'requests',
      'wall s',
      'req/s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'errors',
      'by status',
      'avis',
      'tries/req',
      'DynamoDB/req',
    ],
    figures.levels.map((l) => [
      String(l.concurrency),
      String(l.requests),
      (l.wallMs / 1000).toFixed(1),
      l.requestsPerSecond.toFixed(1),
      l.latencyMs.p50.toFixed(1),
      l.latencyMs.p99.toFixed(1),
      l.latencyMs.max.toFixed(1),
      `${l.errors} (${((100 * l.errors) / l.requests).toFixed(1)} %)`,
      text(l.errorsByStatus),
      String(l.avisReceived),
      l.attemptsPerRequest.toFixed(2),
      (Object.values(l.dynamodb).reduce((a, b) => a + b, 0) / l.requests).toFixed(1),
    ]),
    [true, true, true, true, true, true, true, true, false, true, true, true],
  );
}

function print(figures: ContentionFigures): void {
  const at = figures.levels.find((l) => l.concurrency === TARGET.concurrency);
  console.log(
    `\nContention: ${figures.funders} funders giving avis on one case, ${figures.requestsPerLevel} GIVE_AVIS per level (${figures.date})\n`,
  );
  console.log(contentionTable(figures));
  for (const l of figures.levels) {
    for (const [status, detail] of Object.entries(l.errorDetails)) {
      console.log(`  c = ${l.concurrency}, ${status}: ${detail}`);
    }
  }
  console.log(
    `\nTarget at c = ${TARGET.concurrency}: ${TARGET.errors} errors and p99 ≤ ${TARGET.p99Ms} ms; measured ${at ? `${at.errors} errors, p99 ${at.latencyMs.p99.toFixed(0)} ms` : 'not run'}: ${figures.target.met ? 'met' : 'not met'}.`,
  );
  console.log(`\nNotes:\n${figures.notes.map((n) => `- ${n}`).join('\n')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: String(DEFAULT_REQUESTS) },
      json: { type: 'boolean', default: false },
    },
  });
  const requests = Number(values.requests);
  if (!Number.isInteger(requests) || requests < 1) {
    console.error(`--requests expects a positive whole number, not ${values.requests}`);
    process.exit(2);
  }
  let exitCode = 0;
  try {
    const figures = await measureContention({ requests });
    print(figures);
    if (values.json) console.log(JSON.stringify(figures, null, 2));
  } catch (error) {
    exitCode = 1;
    if (error instanceof BenchFailure) {
      if (error.figures) print(error.figures);
      console.error(`\nThe contention bench failed:\n${error.message}`);
    } else console.error('\nThe contention bench failed:', error);
  }
  process.exit(exitCode);
}
