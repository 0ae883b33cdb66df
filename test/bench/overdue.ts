import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { countRoundTrips, markMembershipReads } from './round-trips.ts';
import { formatSpread, type Sample, summarise, table } from './stats.ts';

/**
 * `npm run bench:overdue [-- --runs N]`: `GET /cases?overdue=true` and the plain listing for a
 * coordinateur who sees 100 cases, then one who sees 10,000, with the same 10 overdue cases in
 * each, on the local stack. The cases are written straight into the table (one tenant per size),
 * as the listing reads them: the case item and the coordination's listing entry.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const runs = Number(values.runs);

const { freePort } = await import('../../infra/local/processes.ts');
const { startLocalStack, LOCAL_TABLE, localClients } = await import('../../infra/local/stack.ts');
const { ensureAccounts } = await import('../../infra/local/identity.ts');
const { createMembershipRepository } = await import('../../shared/store/membership-repository.ts');
const { createDocumentClient } = await import('../../shared/store/dynamo.ts');
const { startCase } = await import('../../workflows/case-workflow.ts');
const { keys } = await import('../../shared/store/keys.ts');

const SIZES = [100, 10_000];
const OVERDUE = 10;

const [dynamodb, s3, ses, cognito] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
const counter = countRoundTrips({ s3Port: s3 });
console.log('Starting the local stack…');
const stack = await startLocalStack({ ports: { dynamodb, s3, ses, cognito }, gatewayPort: 0 });
process.on('exit', () => stack.killNow());
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
  const body = (await res.json()) as { items: unknown[] };
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${path} → ${res.status}`);
  const { dynamodb: roundTrips, s3: s3Trips } = counter.snapshot();
  return { ms, roundTrips, s3: s3Trips, items: body.items.length };
}

const rows: string[][] = [];
const results: Record<string, unknown>[] = [];
try {
  for (const size of SIZES) {
    const tenant = `bench${size}`;
    const seedStart = performance.now();
    await writeCases(tenant, size);
    console.log(`${size} cases written in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    const token = await coordinateurOf(tenant);
    for (const [label, path] of [
      ['GET /cases?overdue=true&limit=20', '/cases?overdue=true&limit=20'],
      ['GET /cases?limit=20', '/cases?limit=20'],
    ] as const) {
      await measure(token, path); // warm: the membership and the handler module
      const samples = [];
      for (let n = 0; n < runs; n++) samples.push(await measure(token, path));
      const figures = summarise(`${label} [${size} cases]`, samples);
      const items = samples[0]?.items ?? 0;
      rows.push([
        figures.operation,
        String(items),
        formatSpread(figures.roundTrips),
        Object.entries(figures.byOperation)
          .map(([op, s]) => `${op} ${formatSpread(s)}`)
          .join(', '),
        figures.latencyMs.p50.toFixed(1),
        figures.latencyMs.p95.toFixed(1),
      ]);
      results.push({ size, ...figures, items });
    }
  }
  console.log(`\nOverdue listing, ${OVERDUE} overdue cases among 100 and among 10,000 (${runs} runs each)\n`);
  console.log(
    table(['Operation', 'items', 'DynamoDB', 'by operation', 'p50 ms', 'p95 ms'], rows, [
      false,
      true,
      true,
      false,
      true,
      true,
    ]),
  );
  const date = new Date().toISOString();
  const result = {
    date,
    machine: { cpu: cpus()[0]?.model, cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30) },
    node: process.version,
    runs,
    overdue: OVERDUE,
    results,
  };
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'overdue-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nSaved ${join(dir, 'overdue-latest.json')}`);
} finally {
  counter.close();
  await stack.stop();
}
process.exit(0);
