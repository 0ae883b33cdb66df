import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { runAlone, runsOption, saveLatest } from './cli.ts';
import { countRoundTrips, markMembershipReads } from './round-trips.ts';
import { formatSpread, type OperationFigures, type Sample, summarise, table } from './stats.ts';

/**
 * `npm run bench:overdue [-- --runs N]` (also the `listing` part of `npm run bench`):
 * `GET /cases?overdue=true&limit=20` and the plain listing `GET /cases?limit=20` for a
 * coordinateur who sees 100 cases, then one who sees 10,000, with the same 10 overdue cases in
 * each, on the local stack. The cases are written straight into the table (one tenant per size),
 * as the listing reads them: the case item and the coordination's listing entry.
 * The figure: median at 10,000 over median at 100, per listing (target ≤ 1.3).
 */

export const SIZES = [100, 10_000] as const;
const OVERDUE = 10;
export const DEFAULT_RUNS = 30;
/** Untimed rounds (each listing at each size) before the timed ones. */
const WARMUP = 5;
/** Median latency at 10,000 cases over the median at 100, per listing. */
export const TARGET_RATIO = 1.3;
export const LISTINGS = [
  ['GET /cases?overdue=true&limit=20', '/cases?overdue=true&limit=20'],
  ['GET /cases?limit=20', '/cases?limit=20'],
] as const;

export interface ListingResult extends OperationFigures {
  listing: string;
  size: number;
  items: number;
}

export interface ListingFigures {
  date: string;
  runs: number;
  overdue: number;
  results: ListingResult[];
  /** Per listing: median at the largest size over the median at the smallest. */
  ratios: { listing: string; smallMs: number; largeMs: number; ratio: number; met: boolean }[];
  targetRatio: number;
  seedSeconds: Record<string, number>;
  notes: string[];
}

export async function measureListing({
  runs = DEFAULT_RUNS,
}: {
  runs?: number;
} = {}): Promise<ListingFigures> {
  const { freePort } = await import('../../infra/local/processes.ts');
  const { startLocalStack, LOCAL_TABLE, localClients } = await import('../../infra/local/stack.ts');
  const { ensureAccounts } = await import('../../infra/local/identity.ts');
  const { createMembershipRepository } = await import('../../shared/store/membership-repository.ts');
  const { createDocumentClient } = await import('../../shared/store/dynamo.ts');
  const { startCase } = await import('../../workflows/case-workflow.ts');
  const keys = await import('../../shared/store/keys.ts');

  const [dynamodb, s3, ses, cognito] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const counter = countRoundTrips({ s3Port: s3 });
  console.log('Starting the local stack…');
  const stack = await startLocalStack({ ports: { dynamodb, s3, ses, cognito }, gatewayPort: 0 });
  process.on('exit', () => stack.killNow());
  // Nothing here sends mail; the dispatcher would read the stream of every item written below.
  await Promise.all([stack.mail.poller.stop(), stack.mail.jobs.stop()]);
  markMembershipReads(createDocumentClient());
  const { db, cognito: cognitoClient } = localClients(stack.endpoints);

  /** The coordinateur of a bench tenant, with its membership, and a token. */
  async function coordinateurOf(tenant: string): Promise<string> {
    const email = `coordination@${tenant}.example.org`;
    const { subs } = await ensureAccounts(cognitoClient, stack.identity.userPoolId, [email]);
    const userId = subs.get(email) as string;
    const at = new Date().toISOString();
    const terms = { role: 'coordinateur' as const, organisationId: `${tenant}-coordination`, enabled: true };
    await createMembershipRepository(db, LOCAL_TABLE).save({
      membership: { userId, email, tenant, ...terms, createdAt: at, updatedAt: at, version: 1 },
      entry: { at, userId, email, action: 'seeded', by: { userId: 'bench', email: 'bench' }, after: terms },
    });
    const res = await fetch(`${stack.url}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    return ((await res.json()) as { token: string }).token;
  }

  /** `size` submitted cases of one tenant, the first OVERDUE of them due long ago, the others in 2099. */
  async function writeCases(tenant: string, size: number): Promise<void> {
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < size; i++) {
      const id = `c-${String(i).padStart(26, '0')}`;
      const createdAt = new Date(base + i * 60_000).toISOString();
      const started = startCase({ centreId: 'cs-tilleuls', fiche: { nature: 'preventive' } });
      const dueAt = i < OVERDUE ? '2026-01-05' : '2099-12-31';
      const record = {
        ...started,
        status: 'fiche_transmise',
        context: { ...started.context, submittedOnce: true },
        id,
        tenant,
        centreId: 'cs-tilleuls',
        version: 2,
        createdAt,
        updatedAt: createdAt,
        headHash: '0'.repeat(64),
        deadline: { step: 'fiche_transmise', dueAt },
      };
      const pk = keys.casePk(tenant, id);
      items.push({ pk, sk: keys.caseSk, kind: 'case', ...record });
      items.push({
        pk,
        sk: keys.viewSk('coordination'),
        kind: 'view',
        caseId: id,
        status: 'fiche_transmise',
        createdAt,
        gsi1pk: keys.viewerPk(tenant, 'coordination'),
        gsi1sk: keys.viewerSk(createdAt, id),
        gsi2pk: keys.viewerStatusPk(tenant, 'coordination', 'fiche_transmise'),
        gsi2sk: keys.viewerSk(createdAt, id),
        dueAt,
        gsi3pk: keys.viewerDuePk(tenant, 'coordination'),
        gsi3sk: keys.viewerDueSk(dueAt, createdAt, id),
      });
    }
    for (let i = 0; i < items.length; i += 25) {
      let pending: Record<string, unknown[]> | undefined = {
        [LOCAL_TABLE]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
      };
      while (pending && Object.keys(pending).length > 0) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: pending as never }));
        pending = result.UnprocessedItems as Record<string, unknown[]> | undefined;
      }
    }
  }

  async function measure(token: string, path: string): Promise<Sample & { items: number }> {
    counter.reset();
    const started = performance.now();
    const res = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`${path} → HTTP ${res.status}: ${text.slice(0, 300)}`);
    const body = JSON.parse(text) as { items: unknown[] };
    const { dynamodb: roundTrips, s3: s3Trips } = counter.snapshot();
    return { ms, roundTrips, s3: s3Trips, items: body.items.length };
  }

  const results: ListingResult[] = [];
  const seedSeconds: Record<string, number> = {};
  try {
    const tokens = new Map<number, string>();
    for (const size of SIZES) {
      const tenant = `bench${size}`;
      const seedStart = performance.now();
      await writeCases(tenant, size);
      seedSeconds[String(size)] = Math.round((performance.now() - seedStart) / 100) / 10;
      console.log(`${size} cases written in ${seedSeconds[String(size)]} s`);
      tokens.set(size, await coordinateurOf(tenant));
    }
    // Untimed, both sizes in turn: the membership, the handler module, the JIT and DynamoDB Local
    // warm before either size is timed (timing one size after the other favoured the second).
    for (let n = 0; n < WARMUP; n++) {
      for (const [, path] of LISTINGS)
        for (const size of SIZES) await measure(tokens.get(size) as string, path);
    }
    // Timed, interleaved: listing × size in turn, so that both sizes share the machine's moments.
    const samples = new Map<string, (Sample & { items: number })[]>();
    for (let n = 0; n < runs; n++) {
      for (const [label, path] of LISTINGS) {
        for (const size of SIZES) {
          const key = `${label} [${size} cases]`;
          samples.set(key, [...(samples.get(key) ?? []), await measure(tokens.get(size) as string, path)]);
        }
      }
    }
    for (const [label] of LISTINGS) {
      for (const size of SIZES) {
        const list = samples.get(`${label} [${size} cases]`) ?? [];
        const figures = summarise(`${label} [${size} cases]`, list);
        results.push({ ...figures, listing: label, size, items: list[0]?.items ?? 0 });
      }
    }
  } finally {
    counter.close();
    await stack.stop();
  }
  const [small, large] = [SIZES[0], SIZES[1]];
  const ratios = LISTINGS.map(([listing]) => {
    const at = (size: number) =>
      results.find((r) => r.listing === listing && r.size === size)?.latencyMs.p50 ?? Number.NaN;
    const ratio = Math.round((at(large) / at(small)) * 100) / 100;
    return { listing, smallMs: at(small), largeMs: at(large), ratio, met: ratio <= TARGET_RATIO };
  });
  return {
    date: new Date().toISOString(),
    runs,
    overdue: OVERDUE,
    results,
    ratios,
    targetRatio: TARGET_RATIO,
    seedSeconds,
    notes: [
      `Two tenants, one of ${small} and one of ${large} submitted cases seen by their coordination, the same ${OVERDUE} overdue in each; written straight into the table (case item and listing entry), then ${WARMUP} untimed rounds and ${runs} timed rounds, each round calling each listing at each size in turn (interleaved: the size timed second no longer gets a warmer machine), by each tenant's coordinateur.`,
      `Ratio: median (p50, nearest rank) at ${large} cases over the median at ${small}; target ≤ ${TARGET_RATIO}. The mail dispatcher and jobs are stopped (nothing here sends mail).`,
    ],
  };
}

export function printListing(figures: ListingFigures): void {
  console.log(
    `\nListings, ${figures.overdue} overdue cases among ${SIZES.join(' and among ')} (${figures.runs} runs each)\n`,
  );
  console.log(
    table(
      ['Operation', 'items', 'DynamoDB', 'by operation', 'p50 ms', 'p95 ms'],
      figures.results.map((f) => [
        f.operation,
        String(f.items),
        formatSpread(f.roundTrips),
        Object.entries(f.byOperation)
          .map(([op, s]) => `${op} ${formatSpread(s)}`)
          .join(', '),
        f.latencyMs.p50.toFixed(1),
        f.latencyMs.p95.toFixed(1),
      ]),
      [false, true, true, false, true, true],
    ),
  );
  for (const r of figures.ratios) {
    console.log(
      `  ${r.listing}: p50 ${r.largeMs.toFixed(1)} ms at ${SIZES[1]} / ${r.smallMs.toFixed(1)} ms at ${SIZES[0]} = ${r.ratio.toFixed(2)} (target ≤ ${figures.targetRatio}: ${r.met ? 'met' : 'not met'})`,
    );
  }
}

if (runAlone(import.meta.filename)) {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const figures = await measureListing({ runs: runsOption(DEFAULT_RUNS) });
  printListing(figures);
  saveLatest('overdue', figures);
  process.exit(0);
}
