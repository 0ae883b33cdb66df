import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CaseEventBody } from '../../workflows/case-events.schema.ts';
import { countRoundTrips, MEMBERSHIP_READ, markMembershipReads } from './round-trips.ts';
import {
  combine,
  formatSpread,
  type OperationFigures,
  type Sample,
  type Spread,
  summarise,
  table,
} from './stats.ts';

/**
 * `npm run bench [-- --runs N]`: DynamoDB and S3 round trips and HTTP latency of each case
 * operation, measured on the local stack (the emulators behind the local gateway, handlers and
 * s3rver in this process). The rapport goes through the documents routes as a client sends it:
 * ticket, POST to storage, confirm; a partenaire then downloads the validated version.
 * One untimed lifecycle per file size warms the handler modules up; then N rounds are timed, each
 * a lifecycle with a 1 MiB rapport and one with a 100 KiB rapport.
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
const { startLocalStack } = await import('../../infra/local/stack.ts');

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

/** The rapport's sizes: a realistic one, and a small one to see what does not depend on size. */
const FILE_SIZES = [
  { name: '1 MiB', bytes: 2 ** 20 },
  { name: '100 KiB', bytes: 100 * 2 ** 10 },
] as const;
type FileSize = (typeof FILE_SIZES)[number];
const PDF_HEADER = Buffer.from('%PDF-1.7\n');
/** A PDF-like file: the header the type check looks for, then random (incompressible) bytes. */
const pdfLike = (bytes: number) => Buffer.concat([PDF_HEADER, randomBytes(bytes - PDF_HEADER.length)]);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The label of a step measured per file size. */
const sized = (label: string, size: FileSize) => `${label} [${size.name}]`;
const STEP = {
  ticket: 'POST documents (ticket)',
  storage: 'POST to storage (s3rver)',
  confirm: 'POST confirm',
  link: 'GET document (download link)',
  file: 'GET downloadUrl (s3rver)',
} as const;
const ROUND_TRIP = 'Round trip upload + confirm + download';

const RESULTS_DIR = join(import.meta.dirname, 'results');

class UnexpectedStatus extends Error {
  override name = 'UnexpectedStatus';
}
/** The file came back different from what was uploaded. */
class CorruptedFile extends Error {
  override name = 'CorruptedFile';
}

const [dynamodb, s3, ses, cognito] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
const counter = countRoundTrips({ s3Port: s3 });
console.log('Starting the local stack (DynamoDB Local, s3rver, ses-local, cognito-local, gateway)…');
const stack = await startLocalStack({ ports: { dynamodb, s3, ses, cognito }, gatewayPort: 0 });
// Whatever ends this process, no emulator outlives it.
process.on('exit', () => stack.killNow());
// The handlers run here and share one DynamoDB client: its membership reads are counted apart.
const { createDocumentClient } = await import('../../shared/store/dynamo.ts');
markMembershipReads(createDocumentClient());

/** Timed samples per operation label, in the order the labels first appear. */
const samples = new Map<string, Sample[]>();
/** What each operation cost in the untimed warm-up lifecycles (first use of each module). */
const warmup = new Map<string, Sample[]>();
/** Per timed lifecycle and file size: ticket + storage POST + confirm + link + file GET of the validated rapport. */
const documentRoundTrips = new Map<string, Sample[]>();
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

function record(into: Map<string, Sample[]>, label: string, sample: Sample): void {
  into.set(label, [...(into.get(label) ?? []), sample]);
}

/**
 * One request, its round trips counted and its latency measured (from the request to the last
 * byte of the answer). `expected` is a status, or '2xx' for any success.
 */
async function measure(
  label: string,
  what: string,
  expected: number | '2xx',
  send: () => Promise<Response>,
): Promise<{ body: Buffer; sample: Sample }> {
  counter.reset();
  const started = performance.now();
  const res = await send();
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - started;
  const { dynamodb: roundTrips, s3 } = counter.snapshot();
  if (expected === '2xx' ? !res.ok : res.status !== expected) {
    throw new UnexpectedStatus(
      `${label}: ${what} → HTTP ${res.status} (expected ${expected}): ${body.toString().slice(0, 500)}`,
    );
  }
  const sample = { ms, roundTrips, s3 };
  record(timing ? samples : warmup, label, sample);
  return { body, sample };
}

/** A request to the API, measured. */
async function call(
  label: string,
  method: string,
  path: string,
  options: Call,
  // biome-ignore lint/suspicious/noExplicitAny: the answers are read for ids and links only
): Promise<{ json: any; sample: Sample }> {
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
  const answer = await measure(label, `${method} ${path} as ${as}`, expected, () =>
    fetch(`${stack.url}${path}`, init),
  );
  const text = answer.body.toString();
  return { json: text ? JSON.parse(text) : undefined, sample: answer.sample };
}

/**
 * The rapport uploaded as a client does it, each step measured: the ticket, the file POSTed to
 * storage with the presigned form (all its fields, then the file), the confirmation.
 */
async function uploadRapport(caseId: string, size: FileSize, bytes: Buffer) {
  const casePath = `/cases/${caseId}`;
  const filename = 'rapport-diagnostic.pdf';
  const contentType = 'application/pdf';
  const ticket = await call(sized(STEP.ticket, size), 'POST', `${casePath}/documents`, {
    as: PRESTATAIRE,
    body: { kind: 'rapport', filename, contentType, size: bytes.length },
    expected: 201,
  });
  const documentId = ticket.json.document.id as string;
  const { url, fields } = ticket.json.upload as { url: string; fields: Record<string, string> };
  const storage = await measure(sized(STEP.storage, size), `POST ${url}`, '2xx', () => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), filename);
    return fetch(url, { method: 'POST', body: form });
  });
  const confirm = await call(
    sized(STEP.confirm, size),
    'POST',
    `${casePath}/documents/${documentId}/confirm`,
    { as: PRESTATAIRE },
  );
  const confirmed = confirm.json.document as { status: string; sha256?: string };
  if (confirmed.status !== 'available' || confirmed.sha256 !== sha256(bytes)) {
    throw new CorruptedFile(
      `${documentId} confirmed as ${confirmed.status} with SHA-256 ${confirmed.sha256}, not the uploaded ${sha256(bytes)}`,
    );
  }
  return { documentId, steps: [ticket.sample, storage.sample, confirm.sample] };
}

/**
 * A case from creation to its closing rencontre, its rapport (of the given size) uploaded twice
 * and the validated version downloaded by a partenaire, then read by the gestionnaire and the
 * coordinateur.
 */
async function lifecycle(n: number, size: FileSize): Promise<void> {
  const created = await call('POST /cases', 'POST', '/cases', {
    as: GESTIONNAIRE,
    body: { centreId: 'cs-tilleuls', fiche: FICHE },
    expected: 201,
  });
  const caseId = created.json.id as string;
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
  const key = { 'idempotency-key': `bench-${n}-${size.bytes}-avis-commune` };
  await event(PARTENAIRE_COMMUNE, avis, ' + Idempotency-Key', key);
  await event(PARTENAIRE_COMMUNE, avis, ' retry, same Idempotency-Key', key);
  await event(COORDINATEUR, { type: 'ACCEPT', prestataireId: 'singuliers-co' });

  // Files are generated before the requests, out of the timings.
  const first = await uploadRapport(caseId, size, pdfLike(size.bytes));
  await event(PRESTATAIRE, { type: 'SUBMIT_RAPPORT', documentId: first.documentId });
  await event(GESTIONNAIRE, { type: 'REQUEST_REVISION', commentaire: 'Préciser le calendrier des actions.' });
  const bytes = pdfLike(size.bytes);
  const second = await uploadRapport(caseId, size, bytes);
  await event(PRESTATAIRE, { type: 'SUBMIT_RAPPORT', documentId: second.documentId });
  await event(GESTIONNAIRE, { type: 'VALIDATE_RAPPORT' });

  // The validated rapport reaches a funder: a link (written to the access log first), then the file.
  const link = await call(sized(STEP.link, size), 'GET', `${casePath}/documents/${second.documentId}`, {
    as: PARTENAIRE_CAF,
  });
  const downloadUrl = link.json.downloadUrl as string;
  const file = await measure(sized(STEP.file, size), `GET ${downloadUrl}`, 200, () => fetch(downloadUrl));
  if (!file.body.equals(bytes)) {
    throw new CorruptedFile(
      `${second.documentId} came back with ${file.body.length} bytes (SHA-256 ${sha256(file.body)}), ${bytes.length} were uploaded (SHA-256 ${sha256(bytes)})`,
    );
  }
  if (timing) record(documentRoundTrips, size.name, combine([...second.steps, link.sample, file.sample]));

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

/**
 * What knowing the caller costs: a user's first request to a container reads its membership
 * (one GetItem), the next ones within the minute read nothing. Measured on `GET /me`, which makes
 * no other round trip, for users invited just before (so no container has seen them).
 */
async function membershipCost(users: number): Promise<void> {
  for (let i = 0; i < users; i++) {
    const email = `bench-${Date.now()}-${i}@example.org`;
    await call('POST /admin/users (invite)', 'POST', '/admin/users', {
      as: COORDINATEUR,
      body: { email, role: 'partenaire', organisationId: 'region' },
      expected: 201,
    });
    tokens.set(email, await fetchToken(email));
    await call('GET /me (membership not yet cached)', 'GET', '/me', { as: email });
    await call('GET /me (membership cached)', 'GET', '/me', { as: email });
  }
}

/**
 * How long a revoked user keeps its reach, measured with the real clock: the user's membership
 * is cached by a request, the coordinateur disables it, and the user's old token asks `GET /me`
 * every 250 ms until it is refused. At most the cache's 60 s by construction; this measures it.
 */
async function revocationDelay(): Promise<number> {
  const email = `bench-revocation-${Date.now()}@example.org`;
  const invited = await call('POST /admin/users (invite)', 'POST', '/admin/users', {
    as: COORDINATEUR,
    body: { email, role: 'partenaire', organisationId: 'region' },
    expected: 201,
  });
  tokens.set(email, await fetchToken(email));
  await call('GET /me (membership not yet cached)', 'GET', '/me', { as: email });
  await call('PATCH /admin/users/{id} (disable)', 'PATCH', `/admin/users/${invited.json.userId}`, {
    as: COORDINATEUR,
    body: { enabled: false },
  });
  const disabledAt = performance.now();
  for (;;) {
    const res = await fetch(`${stack.url}/me`, { headers: { authorization: `Bearer ${tokens.get(email)}` } });
    if (res.status === 403) return (performance.now() - disabledAt) / 1000;
    if (res.status !== 200) throw new UnexpectedStatus(`GET /me during revocation → ${res.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const byOperationText = (byOperation: Record<string, Spread>) =>
  Object.entries(byOperation)
    .map(([op, s]) => `${op} ${formatSpread(s)}`)
    .join(', ');
const roundTripsText = (f: OperationFigures) => byOperationText(f.byOperation);
const sameCounts = (a: Record<string, number>, b: Record<string, number>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

let exitCode = 0;
try {
  for (const email of USERS) tokens.set(email, await fetchToken(email));

  const startedAt = new Date();
  for (const size of FILE_SIZES) await lifecycle(0, size);
  // The table lists the operations in the order of the lifecycle, each sized step once per size.
  for (const label of warmup.keys()) {
    for (const size of FILE_SIZES) {
      const base = FILE_SIZES.reduce((l, s) => l.replace(` [${s.name}]`, ''), label);
      samples.set(base === label ? label : sized(base, size), []);
    }
  }
  timing = true;
  const wallStart = performance.now();
  for (let n = 1; n <= runs; n++) for (const size of FILE_SIZES) await lifecycle(n, size);
  const wallSeconds = (performance.now() - wallStart) / 1000;
  // Membership reads during the lifecycles: one per user and container each minute at most.
  const lifecycleSamples = [...samples.values()].flat();
  const membershipReads = lifecycleSamples.reduce((n, s) => n + (s.roundTrips[MEMBERSHIP_READ] ?? 0), 0);
  const lifecycleRequests = lifecycleSamples.filter((s) => Object.keys(s.roundTrips).length > 0).length;
  await membershipCost(Math.min(runs, 10));
  console.log('Measuring the revocation delay with the real clock (up to a minute)…');
  const revocationSeconds = await revocationDelay();

  const figures = [...samples]
    .filter(([, list]) => list.length > 0)
    .map(([label, list]) => summarise(label, list));
  const roundTripFigures = FILE_SIZES.map((size) =>
    summarise(sized(ROUND_TRIP, size), documentRoundTrips.get(size.name) ?? []),
  );
  // Where the first (untimed) lifecycle paid more or fewer round trips than the timed ones.
  const firstUse = [...warmup].flatMap(([label, list]) => {
    const steady = samples.get(label)?.[0] ?? { roundTrips: {}, s3: {} };
    const first = list[0] ?? { roundTrips: {}, s3: {} };
    return sameCounts(first.roundTrips, steady.roundTrips) && sameCounts(first.s3, steady.s3)
      ? []
      : [{ operation: label, roundTrips: first.roundTrips, s3: first.s3 }];
  });
  // The project's target for an event: one read of the case (GetItem) and one TransactWriteItems.
  const target = { GetItem: 1, TransactWriteItems: 1 };
  const offTarget = figures
    .filter((f) => f.operation.startsWith('POST events'))
    .filter((f) => {
      // Knowing the caller is measured apart (below): a membership read is not the event's own.
      const own = Object.entries(f.byOperation).filter(([op]) => op !== MEMBERSHIP_READ);
      const counts = Object.fromEntries(own.map(([op, s]) => [op, s.max]));
      const constant = own.every(([, s]) => s.min === s.max);
      return !constant || !sameCounts(counts, target);
    })
    .map((f) => ({ operation: f.operation, roundTrips: roundTripsText(f) }));

  if (figures.every((f) => f.roundTrips.max === 0)) {
    throw new Error('No DynamoDB round trip was counted: the counter does not see the handlers’ requests.');
  }
  const confirms = figures.filter((f) => f.operation.startsWith(STEP.confirm));
  if (confirms.some((f) => f.s3RoundTrips.min === 0)) {
    throw new Error('A confirm made no S3 round trip: the counter does not see the handlers’ S3 requests.');
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
    'Round trips are the HTTP requests the handlers send to DynamoDB and to S3 during the request, counted on the wire by operation (X-Amz-Target for DynamoDB; for S3 the x-id parameter, else the method on the object or the bucket), whichever SDK client sent them; SDK retries and query pages count one each.',
    'The client’s own requests to s3rver (the POST of the form, the GET of the download link) are rows of their own, with no round trip of the handlers: they are not counted as S3 round trips.',
    'Latency is measured by the client with fetch, from the request to the last byte of the answer: local gateway (JWT check), handler in process, DynamoDB Local (Java), s3rver (in this process, on disk). Compare runs with each other, not with AWS.',
    `The rapport goes through the documents routes: ticket, POST of the presigned form to s3rver (building the form is timed), confirm (CopyObject of the staged upload to its key, HeadObject and one read of that copy for its SHA-256 and type, DeleteObject of the staged upload). A PDF-like file (%PDF-1.7 then random bytes) of ${FILE_SIZES.map((s) => s.name).join(' and of ')}; each round runs one lifecycle per size, so the rows not tied to a size have ${FILE_SIZES.length} samples per round, and the uploads two per lifecycle (the rapport, then its revision).`,
    `${ROUND_TRIP}: per lifecycle, the upload of the validated rapport (ticket + storage POST + confirm) + the partenaire’s link + the file GET, their latencies and round trips added; the downloaded bytes are checked equal to the uploaded ones, and the confirmed SHA-256 to theirs.`,
    'The second GIVE_AVIS carries an Idempotency-Key and is then sent again with the same key and body (a client retry): it gets the first answer back.',
    `One untimed lifecycle per file size runs first: the first request of each handler module pays its import, and the referentiel is read once then cached for 5 minutes per container.`,
    `Each request's caller is its membership, read by the caller's sub (${MEMBERSHIP_READ}) and cached 60 s per container: a warm request reads nothing for it. The GET /me rows measure it apart: users invited just before, first request then second.`,
  ];
  const result = {
    date: startedAt.toISOString(),
    machine,
    runs,
    lifecyclesPerRun: FILE_SIZES.length,
    fileSizes: FILE_SIZES,
    warmupRuns: 1,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    target: { postEvent: target },
    operations: figures,
    documentRoundTrip: roundTripFigures,
    offTarget,
    firstUse,
    membership: {
      readsDuringLifecycles: membershipReads,
      requestsDuringLifecycles: lifecycleRequests,
      revocationSeconds: Math.round(revocationSeconds * 10) / 10,
    },
    notes,
  };

  console.log(`
Renfort bench: DynamoDB and S3 round trips and latency per case operation
Date     ${result.date}
Machine  ${machine.cpu} × ${machine.cpus}, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}
Runs     ${runs} timed rounds of ${FILE_SIZES.length} lifecycles, rapport of ${FILE_SIZES.map((s) => s.name).join(' / ')} (${wallSeconds.toFixed(1)} s), after 1 untimed warm-up per size, on the local stack
`);
  const row = (f: OperationFigures) => [
    f.operation,
    String(f.n),
    formatSpread(f.roundTrips),
    roundTripsText(f),
    formatSpread(f.s3RoundTrips),
    byOperationText(f.s3ByOperation),
    f.latencyMs.p50.toFixed(1),
    f.latencyMs.p95.toFixed(1),
    f.latencyMs.max.toFixed(1),
  ];
  console.log(
    table(
      ['Operation', 'n', 'DynamoDB', 'by operation', 'S3', 'by operation', 'p50 ms', 'p95 ms', 'max ms'],
      [...figures.map(row), ...roundTripFigures.map(row)],
      [false, true, true, false, true, false, true, true, true],
    ),
  );
  console.log(`\n${ROUND_TRIP} (ticket + storage POST + confirm + link + file GET), per lifecycle:`);
  FILE_SIZES.forEach((size, i) => {
    const f = roundTripFigures[i] as OperationFigures;
    const confirm = figures.find((c) => c.operation === sized(STEP.confirm, size));
    console.log(
      `  ${size.name.padEnd(8)} p50 ${f.latencyMs.p50.toFixed(1)} ms, p95 ${f.latencyMs.p95.toFixed(1)} ms (n ${f.n});` +
        ` DynamoDB ${formatSpread(f.roundTrips)}, S3 ${formatSpread(f.s3RoundTrips)};` +
        ` confirm's S3 calls: ${confirm ? byOperationText(confirm.s3ByOperation) : 'none measured'}`,
    );
  });
  console.log(
    `\nKnowing the caller: ${membershipReads} membership reads (${MEMBERSHIP_READ}) over ${lifecycleRequests} timed lifecycle requests` +
      ` (${wallSeconds.toFixed(0)} s, 5 users): each user's membership is read once per container and minute, then served from the cache.`,
  );
  console.log(
    `Revocation: a disabled user's old token was refused ${revocationSeconds.toFixed(1)} s after the change (cache: 60 s).`,
  );
  console.log(`\nTarget for a POST event: GetItem 1 + TransactWriteItems 1 (membership reads apart).`);
  if (offTarget.length === 0) console.log('  Every POST event measured meets it.');
  for (const o of offTarget) console.log(`  ${o.operation}: ${o.roundTrips}`);
  console.log('\nFirst use (the untimed warm-up lifecycle), where it differed from the timed runs:');
  if (firstUse.length === 0) console.log('  no difference');
  for (const f of firstUse) {
    const text = Object.entries({ ...f.roundTrips, ...f.s3 })
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
  else if (error instanceof CorruptedFile)
    console.error(`\nThe file did not survive the round trip. ${error.message}`);
  else console.error('\nThe bench failed:', error);
} finally {
  counter.close();
  await stack.stop();
}
process.exit(exitCode);
