import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CaseEventBody } from '../../workflows/case-events.schema.ts';
import { countDynamoRoundTrips } from './dynamo-round-trips.ts';
import { formatSpread, type OperationFigures, type Sample, summarise, table } from './stats.ts';

/**
 * `npm run bench [-- --runs N]`: DynamoDB round trips and HTTP latency of each case operation,
 * measured on the local stack (the emulators behind the local gateway, handlers in this process).
 * One untimed lifecycle warms the handler modules up; then N lifecycles are timed.
 */

// Set before the stack's modules load: the handlers' logger reads its level when it is created.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs expects a positive whole number, not ${values.runs}`);
  process.exit(2);
}

const { freePort } = await import('../../infra/local/processes.ts');
const { LOCAL_TABLE, localClients, startLocalStack } = await import('../../infra/local/stack.ts');
const { SEED_TENANT } = await import('../../infra/local/seed-data.ts');
const { createCaseRepository } = await import('../../shared/store/case-repository.ts');

const GESTIONNAIRE = 'ca.tilleuls@example.org';
const COORDINATEUR = 'coordination@caf13.example.org';
const PARTENAIRE_CAF = 'avs@caf13.example.org';
const PARTENAIRE_COMMUNE = 'cohesion@marseille.example.org';
const PRESTATAIRE = 'consultant@singuliers.example.org';
const USERS = [GESTIONNAIRE, COORDINATEUR, PARTENAIRE_CAF, PARTENAIRE_COMMUNE, PRESTATAIRE];

const FICHE = {
  nature: 'preventive',
  domaines: ['gouvernance'],
  signesAlerte: 'Démission du bureau, trésorier absent depuis trois mois.',
  demandeur: { nom: 'Claire Martin', qualite: 'Présidente', email: 'presidence@tilleuls.example.org' },
};

const RESULTS_DIR = join(import.meta.dirname, 'results');

class UnexpectedStatus extends Error {
  override name = 'UnexpectedStatus';
}

const counter = countDynamoRoundTrips();
const [dynamodb, s3, ses, cognito] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
console.log('Starting the local stack (DynamoDB Local, s3rver, ses-local, cognito-local, gateway)…');
const stack = await startLocalStack({ ports: { dynamodb, s3, ses, cognito }, gatewayPort: 0 });
// Whatever ends this process, no emulator outlives it.
process.on('exit', () => stack.killNow());
const repository = createCaseRepository(localClients(stack.endpoints).db, LOCAL_TABLE);

/** Timed samples per operation label, in the order the labels first appear. */
const samples = new Map<string, Sample[]>();
/** What each operation cost in the untimed warm-up lifecycle (first use of each module). */
const warmup = new Map<string, Sample[]>();
let timing = false;
const tokens = new Map<string, string>();

async function fetchToken(email: string): Promise<string> {
  const res = await fetch(`${stack.url}/_local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new UnexpectedStatus(`POST /_local/token ${email} → ${res.status}: ${text}`);
  return (JSON.parse(text) as { token: string }).token;
}

interface Call {
  as: string;
  body?: unknown;
  headers?: Record<string, string>;
  expected?: number;
}

/** One request, its DynamoDB round trips counted and its latency measured (headers to last byte). */
// biome-ignore lint/suspicious/noExplicitAny: the answers are read for an id only
async function call(label: string, method: string, path: string, options: Call): Promise<any> {
  const { as, body, headers = {}, expected = 200 } = options;
  const init: RequestInit = {
    method,
    headers: {
      authorization: `Bearer ${tokens.get(as)}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  };
  counter.reset();
  const started = performance.now();
  const res = await fetch(`${stack.url}${path}`, init);
  const text = await res.text();
  const ms = performance.now() - started;
  const roundTrips = counter.snapshot();
  if (res.status !== expected) {
    throw new UnexpectedStatus(
      `${label}: ${method} ${path} as ${as} → HTTP ${res.status} (expected ${expected}): ${text}`,
    );
  }
  const into = timing ? samples : warmup;
  into.set(label, [...(into.get(label) ?? []), { ms, roundTrips }]);
  return text ? JSON.parse(text) : undefined;
}

/** A case from creation to its closing rencontre, then read by the gestionnaire and the coordinateur. */
async function lifecycle(n: number): Promise<void> {
  const created = await call('POST /cases', 'POST', '/cases', {
    as: GESTIONNAIRE,
    body: { centreId: 'cs-tilleuls', fiche: FICHE },
    expected: 201,
  });
  const caseId = created.id as string;
  const casePath = `/cases/${caseId}`;
  const event = (as: string, body: CaseEventBody, suffix = '', headers?: Record<string, string>) =>
    call(`POST events ${body.type}${suffix}`, 'POST', `${casePath}/events`, {
      as,
      body,
      ...(headers && { headers }),
    });

  await call('PUT /cases/{id}/fiche', 'PUT', `${casePath}/fiche`, {
    as: GESTIONNAIRE,
    body: { ...FICHE, attentes: 'Un appui pour réorganiser la gouvernance avant l’assemblée générale.' },
  });
  await event(GESTIONNAIRE, { type: 'SUBMIT_FICHE' });
  await event(COORDINATEUR, { type: 'OPEN_SAISINE' });
  await event(PARTENAIRE_CAF, { type: 'GIVE_AVIS', avis: 'favorable' });
  // The second avis carries an Idempotency-Key, and is then sent again as a client retry would.
  const avis: CaseEventBody = {
    type: 'GIVE_AVIS',
    avis: 'reserve',
    commentaire: 'Sous réserve d’un point d’étape.',
  };
  const key = { 'idempotency-key': `bench-${n}-avis-commune` };
  await event(PARTENAIRE_COMMUNE, avis, ' + Idempotency-Key', key);
  await event(PARTENAIRE_COMMUNE, avis, ' retry, same Idempotency-Key', key);
  await event(COORDINATEUR, { type: 'ACCEPT', prestataireId: 'singuliers-co' });

  // Stands in for the upload of the rapport until the documents routes exist (not timed).
  const documentId = `d-bench-${n}`;
  await repository.putDocument(SEED_TENANT, {
    id: documentId,
    caseId,
    kind: 'rapport',
    status: 'available',
    filename: 'rapport.pdf',
    contentType: 'application/pdf',
    size: 1000,
    uploaderOrganisationId: 'singuliers-co',
    uploadedBy: 'bench',
    key: `centres/cs-tilleuls/cases/${caseId}/documents/${documentId}`,
    createdAt: new Date().toISOString(),
  });
  await event(PRESTATAIRE, { type: 'SUBMIT_RAPPORT', documentId });
  await event(GESTIONNAIRE, { type: 'REQUEST_REVISION', commentaire: 'Préciser le calendrier des actions.' });
  await event(PRESTATAIRE, { type: 'SUBMIT_RAPPORT', documentId });
  await event(GESTIONNAIRE, { type: 'VALIDATE_RAPPORT' });
  await event(PRESTATAIRE, { type: 'RECORD_RESTITUTION', date: '2026-12-01', rencontrePartenaires: true });
  await event(COORDINATEUR, { type: 'RECORD_RENCONTRE', date: '2026-12-15' });

  for (const [who, as] of [
    ['gestionnaire', GESTIONNAIRE],
    ['coordinateur', COORDINATEUR],
  ] as const) {
    await call(`GET /cases/{id} (${who})`, 'GET', casePath, { as });
    await call(`GET /cases/{id}/history (${who})`, 'GET', `${casePath}/history`, { as });
    await call(`GET /cases?limit=20 (${who})`, 'GET', '/cases?limit=20', { as });
  }
}

const roundTripsText = (f: OperationFigures) =>
  Object.entries(f.byOperation)
    .map(([op, s]) => `${op} ${formatSpread(s)}`)
    .join(', ');
const sameCounts = (a: Record<string, number>, b: Record<string, number>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

let exitCode = 0;
try {
  for (const email of USERS) tokens.set(email, await fetchToken(email));

  const startedAt = new Date();
  await lifecycle(0);
  timing = true;
  const wallStart = performance.now();
  for (let n = 1; n <= runs; n++) await lifecycle(n);
  const wallSeconds = (performance.now() - wallStart) / 1000;

  const figures = [...samples].map(([label, list]) => summarise(label, list));
  // Where the first (untimed) lifecycle paid more or fewer round trips than the timed ones.
  const firstUse = [...warmup].flatMap(([label, list]) => {
    const steady = samples.get(label)?.[0]?.roundTrips ?? {};
    const first = list[0]?.roundTrips ?? {};
    return sameCounts(first, steady) ? [] : [{ operation: label, roundTrips: first }];
  });
  // The project's target for an event: one read of the case (GetItem) and one TransactWriteItems.
  const target = { GetItem: 1, TransactWriteItems: 1 };
  const offTarget = figures
    .filter((f) => f.operation.startsWith('POST events'))
    .filter((f) => {
      const counts = Object.fromEntries(Object.entries(f.byOperation).map(([op, s]) => [op, s.max]));
      const constant = Object.values(f.byOperation).every((s) => s.min === s.max);
      return !constant || !sameCounts(counts, target);
    })
    .map((f) => ({ operation: f.operation, roundTrips: roundTripsText(f) }));

  if (figures.every((f) => f.roundTrips.max === 0)) {
    throw new Error('No DynamoDB round trip was counted: the counter does not see the handlers’ requests.');
  }

  const cpu = cpus();
  const machine = {
    cpu: cpu[0]?.model ?? 'unknown',
    cpus: cpu.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
  const notes = [
    'Round trips are the HTTP requests sent to DynamoDB during the request, counted on the wire by operation (X-Amz-Target), whichever SDK client sent them; SDK retries and query pages count one each.',
    'Latency is measured by the client with fetch, from the request to the last byte of the answer: local gateway (JWT check), handler in process, DynamoDB Local (Java). Compare runs with each other, not with AWS.',
    'The rapport is written as a document record directly with the case repository (one PutItem, not timed): it stands in for the upload until the documents routes exist.',
    'The second GIVE_AVIS carries an Idempotency-Key and is then sent again with the same key and body (a client retry): it gets the first answer back.',
    `One untimed lifecycle runs first: the first request of each handler module pays its import, and the referentiel is read once then cached for 5 minutes per container.`,
  ];
  const result = {
    date: startedAt.toISOString(),
    machine,
    runs,
    warmupRuns: 1,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    target: { postEvent: target },
    operations: figures,
    offTarget,
    firstUse,
    notes,
  };

  console.log(`
Renfort bench: DynamoDB round trips and latency per case operation
Date     ${result.date}
Machine  ${machine.cpu} × ${machine.cpus}, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}
Runs     ${runs} timed lifecycles (${wallSeconds.toFixed(1)} s) after 1 untimed warm-up, on the local stack
`);
  console.log(
    table(
      ['Operation', 'n', 'DynamoDB round trips', 'by operation', 'p50 ms', 'p95 ms', 'max ms'],
      figures.map((f) => [
        f.operation,
        String(f.n),
        formatSpread(f.roundTrips),
        roundTripsText(f),
        f.latencyMs.p50.toFixed(1),
        f.latencyMs.p95.toFixed(1),
        f.latencyMs.max.toFixed(1),
      ]),
      [false, true, true, false, true, true, true],
    ),
  );
  console.log(`\nTarget for a POST event: GetItem 1 + TransactWriteItems 1.`);
  if (offTarget.length === 0) console.log('  Every POST event measured meets it.');
  for (const o of offTarget) console.log(`  ${o.operation}: ${o.roundTrips}`);
  console.log('\nFirst use (the untimed warm-up lifecycle), where it differed from the timed runs:');
  if (firstUse.length === 0) console.log('  no difference');
  for (const f of firstUse) {
    const text = Object.entries(f.roundTrips)
      .map(([op, count]) => `${op} ${count}`)
      .join(', ');
    console.log(`  ${f.operation}: ${text}`);
  }
  console.log(`\nNotes:\n${notes.map((note) => `- ${note}`).join('\n')}`);

  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const dated = join(RESULTS_DIR, `${result.date.replace(/:/g, '-')}.json`);
  writeFileSync(join(RESULTS_DIR, 'latest.json'), json);
  writeFileSync(dated, json);
  console.log(`\nSaved ${join(RESULTS_DIR, 'latest.json')} and ${dated}`);
} catch (error) {
  exitCode = 1;
  if (error instanceof UnexpectedStatus) console.error(`\nUnexpected HTTP status. ${error.message}`);
  else console.error('\nThe bench failed:', error);
} finally {
  counter.close();
  await stack.stop();
}
process.exit(exitCode);
