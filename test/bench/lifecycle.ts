import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeJwt } from 'jose';
import type { RouteSpec } from '../../shared/http/routes.ts';
import type { CaseEventBody } from '../../workflows/case-events.schema.ts';
import { COORDINATEUR, FICHE, GESTIONNAIRE } from './fixtures.ts';
import {
  countRoundTrips,
  MEMBERSHIP_READ,
  markMembershipReads,
  ownRoundTrips,
  type RoundTrips,
} from './round-trips.ts';
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
 * `npm run bench:round-trips [-- --runs N]` (also the `round-trips` part of `npm run bench`):
 * DynamoDB and S3 round trips and HTTP latency of each operation, measured on the local stack
 * (the emulators behind the local gateway, handlers and s3rver in this process), every route of
 * shared/http/routes.ts among them.
 *
 * Each round runs four lifecycles of a case, from creation to its close: rapport of 1 MiB and of
 * 100 KiB, each without and with an Idempotency-Key on every POST /cases and POST events (the
 * 1 MiB ones record the restitution with a rencontre des partenaires, the 100 KiB ones without);
 * two side branches, each without and with keys (a complement asked, the fiche changed, sent again,
 * the saisine opened, then REJECT; a submitted case WITHDRAWn); then the routes no lifecycle
 * calls (health, OpenAPI, me, preferences, referentiel, overdue listing, documents list, access
 * log, mails, admin users and journal). One untimed round warms the handler modules up first.
 */

const PARTENAIRE_CAF = 'avs@caf13.example.org';
const PARTENAIRE_COMMUNE = 'cohesion@marseille.example.org';
const PRESTATAIRE = 'consultant@singuliers.example.org';
const USERS = [GESTIONNAIRE, COORDINATEUR, PARTENAIRE_CAF, PARTENAIRE_COMMUNE, PRESTATAIRE];

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
export const KEYED = ' + Idempotency-Key';
export const RETRY = ' retry, same Idempotency-Key';
/** The label of GET /referentiel in the timed rounds, its cache warm (the target: 0 round trips). */
export const REFERENTIEL_WARM = 'GET /referentiel (cache warm)';
export const REFERENTIEL_COLD = 'GET /referentiel (first request of the process)';

export class UnexpectedStatus extends Error {
  override name = 'UnexpectedStatus';
}
/** The file came back different from what was uploaded. */
export class CorruptedFile extends Error {
  override name = 'CorruptedFile';
}
/** The counter saw nothing, or a route that cannot be measured: the figures would lie. */
export class BenchFailure extends Error {
  override name = 'BenchFailure';
}

/** What a row measures: its route (`POST /cases/{caseId}/events`), and the event it sends. */
export interface OperationMeta {
  route?: string;
  event?: {
    /** The event type, `UPDATE_FICHE` for PUT /cases/{caseId}/fiche. */
    type: string;
    keyed: boolean;
    retry: boolean;
    /** RECORD_RESTITUTION: `rencontre` or `no rencontre`. */
    variant?: string;
  };
}

export interface MeasuredOperation extends OperationFigures, OperationMeta {
  /** DynamoDB round trips of the request itself (membership reads apart), its reads and writes. */
  own: { roundTrips: Spread; reads: Spread; writes: Spread };
  /** Membership reads of the caller during these samples (cached 60 s per container). */
  membershipReads: number;
}

export interface RoundTripFigures {
  date: string;
  runs: number;
  lifecyclesPerRun: number;
  fileSizes: typeof FILE_SIZES;
  warmupRuns: number;
  wallSeconds: number;
  target: { event: string };
  operations: MeasuredOperation[];
  /** The first request of each label in the untimed round, where it cost other round trips. */
  firstUse: { operation: string; roundTrips: Record<string, number>; s3: Record<string, number> }[];
  documentRoundTrip: OperationFigures[];
  /** Events (POST events, PUT fiche) whose own round trips are not one read and one write. */
  offTarget: { operation: string; roundTrips: string }[];
  /** Routes of shared/http/routes.ts that no row measured (should be none). */
  routesNotMeasured: string[];
  membership: {
    readsDuringLifecycles: number;
    requestsDuringLifecycles: number;
    revocationSeconds: number;
  };
  notes: string[];
}

const spreadOf = (values: number[]): Spread => ({
  min: Math.min(...values),
  max: Math.max(...values),
  mean: values.reduce((a, b) => a + b, 0) / values.length,
});

/** `POST /cases/{caseId}/events` for `POST /cases/01J…/events?x=1`; undefined off the route table. */
export function routeOf(routes: RouteSpec[], method: string, path: string): string | undefined {
  const pathname = path.split('?')[0] as string;
  const found = routes.find(
    (r) => r.method === method && new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname),
  );
  return found && `${found.method} ${found.path}`;
}

export interface RoundTripOptions {
  /** Timed rounds (default 20). */
  runs?: number;
  /** Users invited to measure the membership's first read (default min(runs, 10)). */
  membershipUsers?: number;
}

export async function measureRoundTrips({
  runs = 20,
  membershipUsers = Math.min(runs, 10),
}: RoundTripOptions = {}): Promise<RoundTripFigures> {
  const { routeList } = await import('../../shared/http/routes.ts');
  // The wire counter needs s3rver's port before the stack starts: the stack gets it from here.
  const { freePort } = await import('../../infra/local/processes.ts');
  const { startLocalStack } = await import('../../infra/local/stack.ts');
  const [dynamodb, s3, ses, cognito] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const counter = countRoundTrips({ s3Port: s3 });
  console.log('Starting the local stack (DynamoDB Local, s3rver, ses-local, cognito-local, gateway)…');
  const stack = await startLocalStack({ ports: { dynamodb, s3, ses, cognito }, gatewayPort: 0 });
  // Whatever ends this process, no emulator outlives it.
  process.on('exit', () => stack.killNow());
  // On AWS the mail functions are other Lambdas: here their DynamoDB requests would be counted
  // into whichever request they overlap, and they would share the CPU. Stopped for the bench.
  await Promise.all([stack.mail.poller.stop(), stack.mail.jobs.stop()]);

  /** The sub of the caller of the request under way: its membership reads are counted apart. */
  let callerSub: string | undefined;
  // The handlers run here and share one DynamoDB client.
  const { createDocumentClient } = await import('../../shared/store/dynamo.ts');
  markMembershipReads(createDocumentClient(), () => callerSub);

  /** Timed samples per operation label, in the order the labels first appear. */
  const samples = new Map<string, Sample[]>();
  /** What each operation cost in the untimed warm-up round (first use of each module). */
  const warmup = new Map<string, Sample[]>();
  const meta = new Map<string, OperationMeta>();
  /** Per timed lifecycle and file size: ticket + storage POST + confirm + link + file GET of the validated rapport. */
  const documentRoundTrips = new Map<string, Sample[]>();
  let timing = false;
  const tokens = new Map<string, string>();
  const subs = new Map<string, string>();
  const runId = Date.now().toString(36);

  async function fetchToken(email: string): Promise<void> {
    const res = await fetch(`${stack.url}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    const text = await res.text();
    if (res.status !== 200)
      throw new UnexpectedStatus(`POST /_local/token ${email} → ${res.status}: ${text}`);
    const token = (JSON.parse(text) as { token: string }).token;
    tokens.set(email, token);
    subs.set(email, String(decodeJwt(token).sub));
  }

  interface Call {
    /** The caller; none for the public routes. */
    as?: string;
    body?: unknown;
    headers?: Record<string, string>;
    expected?: number;
    event?: OperationMeta['event'];
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
    const { dynamodb: roundTrips, s3: s3Trips }: RoundTrips = counter.snapshot();
    if (expected === '2xx' ? !res.ok : res.status !== expected) {
      throw new UnexpectedStatus(
        `${label}: ${what} → HTTP ${res.status} (expected ${expected}): ${body.toString().slice(0, 500)}`,
      );
    }
    const sample = { ms, roundTrips, s3: s3Trips };
    record(timing ? samples : warmup, label, sample);
    if (!meta.has(label)) meta.set(label, {});
    return { body, sample };
  }

  /** A request to the API, measured. */
  async function call(
    label: string,
    method: string,
    path: string,
    options: Call = {},
    // biome-ignore lint/suspicious/noExplicitAny: the answers are read for ids and links only
  ): Promise<{ json: any; sample: Sample }> {
    const { as, body, headers = {}, expected = 200, event } = options;
    const route = routeOf(routeList, method, path);
    if (!route) throw new BenchFailure(`${label}: ${method} ${path} is no route of shared/http/routes.ts`);
    if (!meta.has(label)) meta.set(label, { route, ...(event && { event }) });
    const init: RequestInit = {
      method,
      headers: {
        ...(as && { authorization: `Bearer ${tokens.get(as)}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    };
    callerSub = as && subs.get(as);
    const answer = await measure(label, `${method} ${path}${as ? ` as ${as}` : ''}`, expected, () =>
      fetch(`${stack.url}${path}`, init),
    );
    callerSub = undefined;
    const text = answer.body.toString();
    return { json: text ? JSON.parse(text) : undefined, sample: answer.sample };
  }

  /** A case's events, each label telling whether it carries an Idempotency-Key. */
  function eventsOf(caseId: string, keyed: boolean, tag: string) {
    let n = 0;
    const keyOf = () => `bench-${runId}-${tag}-${caseId}-${++n}`;
    const send = async (
      as: string,
      body: CaseEventBody,
      {
        key = keyed ? keyOf() : undefined,
        retry = false,
        variant,
      }: { key?: string; retry?: boolean; variant?: string } = {},
    ) => {
      const label = `POST events ${body.type}${variant ? ` (${variant})` : ''}${retry ? RETRY : key ? KEYED : ''}`;
      return call(label, 'POST', `/cases/${caseId}/events`, {
        as,
        body,
        ...(key && { headers: { 'idempotency-key': key } }),
        event: { type: body.type, keyed: key !== undefined, retry, ...(variant && { variant }) },
      });
    };
    return { send, keyOf };
  }

  /** POST /cases, with a key when asked; with a key, sent again as a client retry would. */
  async function createCase(keyed: boolean, tag: string): Promise<string> {
    const body = { centreId: 'cs-tilleuls', fiche: FICHE };
    const key = keyed ? `bench-${runId}-${tag}-create` : undefined;
    const created = await call(`POST /cases${key ? KEYED : ''}`, 'POST', '/cases', {
      as: GESTIONNAIRE,
      body,
      expected: 201,
      ...(key && { headers: { 'idempotency-key': key } }),
    });
    const caseId = created.json.id as string;
    if (key) {
      const again = await call(`POST /cases${RETRY}`, 'POST', '/cases', {
        as: GESTIONNAIRE,
        body,
        expected: 201,
        headers: { 'idempotency-key': key },
      });
      if (again.json.id !== caseId) {
        throw new BenchFailure(`POST /cases retried with its key gave case ${again.json.id}, not ${caseId}`);
      }
    }
    return caseId;
  }

  const putFiche = (caseId: string, attentes: string) =>
    call('PUT /cases/{id}/fiche', 'PUT', `/cases/${caseId}/fiche`, {
      as: GESTIONNAIRE,
      body: { ...FICHE, attentes },
      event: { type: 'UPDATE_FICHE', keyed: false, retry: false },
    });

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
   * A case from creation to its close, its rapport (of the given size) uploaded twice and the
   * validated version downloaded by a partenaire, then read by the gestionnaire and the
   * coordinateur. Keyed: every POST /cases and POST events carries an Idempotency-Key, and the
   * creation and the second avis are sent again with theirs.
   */
  async function lifecycle(n: number, size: FileSize, keyed: boolean, rencontre: boolean): Promise<string> {
    const tag = `${n}-${size.bytes}-${keyed ? 'k' : 'n'}`;
    const caseId = await createCase(keyed, tag);
    const casePath = `/cases/${caseId}`;
    const { send: event } = eventsOf(caseId, keyed, tag);

    await putFiche(caseId, 'Un appui pour réorganiser la gouvernance avant l’assemblée générale.');
    await event(GESTIONNAIRE, { type: 'SUBMIT_FICHE' });
    await event(COORDINATEUR, { type: 'OPEN_SAISINE' });
    await event(PARTENAIRE_CAF, { type: 'GIVE_AVIS', avis: 'favorable' });
    const avis: CaseEventBody = {
      type: 'GIVE_AVIS',
      avis: 'reserve',
      commentaire: 'Sous réserve d’un point d’étape.',
    };
    if (keyed) {
      // The second avis is sent again with the same key and body, as a client retry would.
      const key = `bench-${runId}-${tag}-avis-commune`;
      await event(PARTENAIRE_COMMUNE, avis, { key });
      await event(PARTENAIRE_COMMUNE, avis, { key, retry: true });
    } else await event(PARTENAIRE_COMMUNE, avis);
    await event(COORDINATEUR, { type: 'ACCEPT', prestataireId: 'singuliers-co' });

    // Files are generated before the requests, out of the timings.
    const first = await uploadRapport(caseId, size, pdfLike(size.bytes));
    await event(PRESTATAIRE, { type: 'SUBMIT_RAPPORT', documentId: first.documentId });
    await event(GESTIONNAIRE, {
      type: 'REQUEST_REVISION',
      commentaire: 'Préciser le calendrier des actions.',
    });
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

    if (rencontre) {
      await event(
        PRESTATAIRE,
        { type: 'RECORD_RESTITUTION', date: '2026-12-01', rencontrePartenaires: true },
        { variant: 'rencontre' },
      );
      await event(COORDINATEUR, { type: 'RECORD_RENCONTRE', date: '2026-12-15' });
    } else {
      await event(
        PRESTATAIRE,
        { type: 'RECORD_RESTITUTION', date: '2026-12-01', rencontrePartenaires: false },
        { variant: 'no rencontre' },
      );
    }

    for (const [who, as] of [
      ['gestionnaire', GESTIONNAIRE],
      ['coordinateur', COORDINATEUR],
    ] as const) {
      await call(`GET /cases/{id} (${who})`, 'GET', casePath, { as });
      await call(`GET /cases/{id}/history (${who})`, 'GET', `${casePath}/history`, { as });
      await call(`GET /cases?limit=20 (${who})`, 'GET', '/cases?limit=20', { as });
    }
    return caseId;
  }

  /** A complement asked, the fiche changed and sent again, the saisine opened, the case refused. */
  async function refusal(n: number, keyed: boolean): Promise<void> {
    const tag = `${n}-refusal-${keyed ? 'k' : 'n'}`;
    const caseId = await createCase(keyed, tag);
    const { send: event } = eventsOf(caseId, keyed, tag);
    await event(GESTIONNAIRE, { type: 'SUBMIT_FICHE' });
    await event(COORDINATEUR, { type: 'REQUEST_COMPLEMENT', message: 'Joindre le dernier bilan financier.' });
    await putFiche(caseId, 'Le bilan 2025 est joint à la demande.');
    await event(GESTIONNAIRE, { type: 'SUBMIT_FICHE' });
    await event(COORDINATEUR, { type: 'OPEN_SAISINE' });
    await event(COORDINATEUR, { type: 'REJECT', motif: 'Hors du périmètre du dispositif.' });
  }

  /** A submitted case withdrawn by its gestionnaire. */
  async function withdrawal(n: number, keyed: boolean): Promise<void> {
    const tag = `${n}-withdrawal-${keyed ? 'k' : 'n'}`;
    const caseId = await createCase(keyed, tag);
    const { send: event } = eventsOf(caseId, keyed, tag);
    await event(GESTIONNAIRE, { type: 'SUBMIT_FICHE' });
    await event(GESTIONNAIRE, { type: 'WITHDRAW', motif: 'Le bureau a été renouvelé.' });
  }

  /** The routes no lifecycle calls, on a case that went through one (documents, access log, mails). */
  async function otherRoutes(n: number, caseId: string): Promise<void> {
    const casePath = `/cases/${caseId}`;
    await call('GET /health', 'GET', '/health');
    await call('GET /openapi.json', 'GET', '/openapi.json');
    await call('GET /me (membership cached)', 'GET', '/me', { as: GESTIONNAIRE });
    await call('GET /me/preferences', 'GET', '/me/preferences', { as: PARTENAIRE_CAF });
    await call('PUT /me/preferences', 'PUT', '/me/preferences', {
      as: PARTENAIRE_CAF,
      body: { information: n % 2 === 0 ? 'immediate' : 'daily_digest' },
    });
    await call(timing ? REFERENTIEL_WARM : 'GET /referentiel (warm-up)', 'GET', '/referentiel', {
      as: COORDINATEUR,
    });
    await call('GET /cases?overdue=true&limit=20 (coordinateur)', 'GET', '/cases?overdue=true&limit=20', {
      as: COORDINATEUR,
    });
    await call('GET /cases/{id}/documents', 'GET', `${casePath}/documents`, { as: GESTIONNAIRE });
    await call('GET /cases/{id}/access-log', 'GET', `${casePath}/access-log`, { as: GESTIONNAIRE });
    await call('GET /cases/{id}/mails', 'GET', `${casePath}/mails`, { as: COORDINATEUR });
    await call('GET /admin/users', 'GET', '/admin/users', { as: COORDINATEUR });
    await call('GET /admin/membership-changes', 'GET', '/admin/membership-changes', { as: COORDINATEUR });
    const email = `bench-${runId}-route-${n}@example.org`;
    const invited = await call('POST /admin/users (invite)', 'POST', '/admin/users', {
      as: COORDINATEUR,
      body: { email, role: 'partenaire', organisationId: 'region' },
      expected: 201,
    });
    await call('PATCH /admin/users/{id} (organisation)', 'PATCH', `/admin/users/${invited.json.userId}`, {
      as: COORDINATEUR,
      body: { organisationId: 'departement' },
    });
  }

  /** One round: four lifecycles, the two branches with and without keys, the other routes. */
  async function round(n: number): Promise<void> {
    let caseWithDocuments = '';
    for (const keyed of [false, true]) {
      for (const size of FILE_SIZES) {
        const caseId = await lifecycle(n, size, keyed, size === FILE_SIZES[0]);
        if (!keyed && size === FILE_SIZES[0]) caseWithDocuments = caseId;
      }
      await refusal(n, keyed);
      await withdrawal(n, keyed);
    }
    await otherRoutes(n, caseWithDocuments);
  }

  /**
   * What knowing the caller costs: a user's first request to a container reads its membership
   * (one GetItem), the next ones within the minute read nothing. Measured on `GET /me`, which makes
   * no other round trip, for users invited just before (so no container has seen them).
   */
  async function membershipCost(users: number): Promise<void> {
    for (let i = 0; i < users; i++) {
      const email = `bench-${runId}-${i}@example.org`;
      await call('POST /admin/users (invite)', 'POST', '/admin/users', {
        as: COORDINATEUR,
        body: { email, role: 'partenaire', organisationId: 'region' },
        expected: 201,
      });
      await fetchToken(email);
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
    const email = `bench-revocation-${runId}@example.org`;
    const invited = await call('POST /admin/users (invite)', 'POST', '/admin/users', {
      as: COORDINATEUR,
      body: { email, role: 'partenaire', organisationId: 'region' },
      expected: 201,
    });
    await fetchToken(email);
    await call('GET /me (membership not yet cached)', 'GET', '/me', { as: email });
    await call('PATCH /admin/users/{id} (disable)', 'PATCH', `/admin/users/${invited.json.userId}`, {
      as: COORDINATEUR,
      body: { enabled: false },
    });
    const disabledAt = performance.now();
    for (;;) {
      const res = await fetch(`${stack.url}/me`, {
        headers: { authorization: `Bearer ${tokens.get(email)}` },
      });
      await res.arrayBuffer();
      if (res.status === 403) return (performance.now() - disabledAt) / 1000;
      if (res.status !== 200) throw new UnexpectedStatus(`GET /me during revocation → ${res.status}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const sameCounts = (a: Record<string, number>, b: Record<string, number>) =>
    JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

  try {
    for (const email of USERS) await fetchToken(email);
    const startedAt = new Date();
    // The very first request of the process to the referentiel: its cache is cold.
    timing = true;
    await call(REFERENTIEL_COLD, 'GET', '/referentiel', { as: COORDINATEUR });
    timing = false;
    await round(0);
    // The table lists the operations in the order of the warm-up round, each sized step once per size.
    const ordered = new Map<string, Sample[]>([[REFERENTIEL_COLD, samples.get(REFERENTIEL_COLD) ?? []]]);
    for (const label of warmup.keys()) {
      for (const size of FILE_SIZES) {
        const base = FILE_SIZES.reduce((l, s) => l.replace(` [${s.name}]`, ''), label);
        const name = base === label ? label : sized(base, size);
        if (name !== 'GET /referentiel (warm-up)') ordered.set(name, []);
        if (base !== label && !meta.has(name)) meta.set(name, meta.get(label) ?? {});
      }
      if (label === 'GET /referentiel (warm-up)') {
        ordered.set(REFERENTIEL_WARM, []);
        meta.set(REFERENTIEL_WARM, meta.get(label) ?? {});
      }
    }
    samples.clear();
    for (const [label, list] of ordered) samples.set(label, list);
    timing = true;
    const wallStart = performance.now();
    for (let n = 1; n <= runs; n++) {
      await round(n);
      if (runs >= 5 && n % Math.ceil(runs / 5) === 0) console.log(`  round ${n}/${runs}`);
    }
    const wallSeconds = (performance.now() - wallStart) / 1000;
    // Membership reads during the rounds: one per user and container each minute at most.
    const roundSamples = [...samples].filter(([label]) => label !== REFERENTIEL_COLD).flatMap(([, l]) => l);
    const membershipReads = roundSamples.reduce((n, s) => n + (s.roundTrips[MEMBERSHIP_READ] ?? 0), 0);
    const roundRequests = roundSamples.filter((s) => Object.keys(s.roundTrips).length > 0).length;
    await membershipCost(membershipUsers);
    console.log('Measuring the revocation delay with the real clock (up to a minute)…');
    const revocationSeconds = await revocationDelay();

    const operations: MeasuredOperation[] = [...samples]
      .filter(([, list]) => list.length > 0)
      .map(([label, list]) => {
        const own = list.map((s) => ownRoundTrips(s.roundTrips));
        return {
          ...summarise(label, list),
          ...meta.get(label),
          own: {
            roundTrips: spreadOf(own.map((o) => o.total)),
            reads: spreadOf(own.map((o) => o.reads)),
            writes: spreadOf(own.map((o) => o.writes)),
          },
          membershipReads: list.reduce((n, s) => n + (s.roundTrips[MEMBERSHIP_READ] ?? 0), 0),
        };
      });
    const documentRoundTrip = FILE_SIZES.map((size) =>
      summarise(sized(ROUND_TRIP, size), documentRoundTrips.get(size.name) ?? []),
    );
    // Where the first (untimed) round paid more or fewer round trips than the timed ones.
    const firstUse = [...warmup].flatMap(([label, list]) => {
      const steady = samples.get(label)?.[0] ?? { roundTrips: {}, s3: {} };
      const first = list[0] ?? { roundTrips: {}, s3: {} };
      return sameCounts(first.roundTrips, steady.roundTrips) && sameCounts(first.s3, steady.s3)
        ? []
        : [{ operation: label, roundTrips: first.roundTrips, s3: first.s3 }];
    });
    // The project's target for an event: one read of the case and one write, every time.
    const byOperationText = (byOperation: Record<string, Spread>) =>
      Object.entries(byOperation)
        .map(([op, s]) => `${op} ${formatSpread(s)}`)
        .join(', ');
    const offTarget = operations
      .filter((o) => o.event && !o.event.retry)
      .filter(
        (o) =>
          o.own.roundTrips.min !== 2 ||
          o.own.roundTrips.max !== 2 ||
          o.own.reads.max !== 1 ||
          o.own.reads.min !== 1 ||
          o.own.writes.max !== 1 ||
          o.own.writes.min !== 1,
      )
      .map((o) => ({ operation: o.operation, roundTrips: byOperationText(o.byOperation) }));
    const measuredRoutes = new Set(operations.map((o) => o.route));
    const routesNotMeasured = routeList
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => !measuredRoutes.has(r));

    if (operations.every((f) => f.roundTrips.max === 0)) {
      throw new BenchFailure(
        'No DynamoDB round trip was counted: the counter does not see the handlers’ requests.',
      );
    }
    const confirms = operations.filter((f) => f.operation.startsWith(STEP.confirm));
    if (confirms.some((f) => f.s3RoundTrips.min === 0)) {
      throw new BenchFailure(
        'A confirm made no S3 round trip: the counter does not see the handlers’ S3 requests.',
      );
    }
    const notes = [
      'Round trips are the HTTP requests the handlers send to DynamoDB and to S3 during the request, counted on the wire by operation (X-Amz-Target for DynamoDB; for S3 the x-id parameter, else the method on the object or the bucket), whichever SDK client sent them; SDK retries and query pages count one each.',
      `The caller's membership read (${MEMBERSHIP_READ}: a GetItem of USER#<the caller's sub>/MEMBERSHIP, cached 60 s per container) is counted apart: "own" round trips leave it out. Another user's membership (PATCH /admin/users) and preferences are the route's own reads.`,
      'Target for an event (every POST /cases/{caseId}/events type, with and without Idempotency-Key, and PUT /cases/{caseId}/fiche, which the machine runs as UPDATE_FICHE): 2 own round trips, one read and one write, in every sample. A retry with the same key is listed without target; the other routes are listed without target, but GET /referentiel with its cache warm: 0.',
      'The mail dispatcher (on the stream) and the mail jobs are stopped when the stack is up: on AWS they are other functions, whose requests never count in an API request; here they would be counted into whichever request they overlap. Outbox items stay unsent: GET /cases/{caseId}/mails lists them as pending.',
      'The client’s own requests to s3rver (the POST of the form, the GET of the download link) are rows of their own, with no round trip of the handlers: they are not counted as S3 round trips.',
      'Latency is measured by the client with fetch, from the request to the last byte of the answer: local gateway (JWT check), handler in process, DynamoDB Local (Java), s3rver (in this process, on disk). Compare runs with each other, not with AWS.',
      `Each round: four lifecycles (rapport of ${FILE_SIZES.map((s) => s.name).join(' and of ')}, each without then with an Idempotency-Key on every POST /cases and POST events; the ${FILE_SIZES[0].name} ones record the restitution with a rencontre des partenaires then RECORD_RENCONTRE, the ${FILE_SIZES[1].name} ones without), the refusal branch (SUBMIT_FICHE, REQUEST_COMPLEMENT, PUT fiche, SUBMIT_FICHE, OPEN_SAISINE, REJECT) and the withdrawal branch (SUBMIT_FICHE, WITHDRAW), each without then with keys, then one call of each other route. Keyed lifecycles send POST /cases and the second GIVE_AVIS again with the same key and body (a client retry).`,
      `${ROUND_TRIP}: per lifecycle, the upload of the validated rapport (ticket + storage POST + confirm) + the partenaire’s link + the file GET, their latencies and round trips added; the downloaded bytes are checked equal to the uploaded ones, and the confirmed SHA-256 to theirs.`,
      `One untimed round runs first: the first request of each handler module pays its import. ${REFERENTIEL_COLD} is the first request of the process (cache cold); the referentiel is then cached 5 minutes per container.`,
      'The GET /me rows measure the membership apart: users invited just before, first request then second.',
    ];
    return {
      date: startedAt.toISOString(),
      runs,
      lifecyclesPerRun: FILE_SIZES.length * 2,
      fileSizes: FILE_SIZES,
      warmupRuns: 1,
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      target: { event: '2 own DynamoDB round trips: 1 read + 1 write' },
      operations,
      firstUse,
      documentRoundTrip,
      offTarget,
      routesNotMeasured,
      membership: {
        readsDuringLifecycles: membershipReads,
        requestsDuringLifecycles: roundRequests,
        revocationSeconds: Math.round(revocationSeconds * 10) / 10,
      },
      notes,
    };
  } finally {
    counter.close();
    await stack.stop();
  }
}

const byOperationText = (byOperation: Record<string, Spread>) =>
  Object.entries(byOperation)
    .map(([op, s]) => `${op} ${formatSpread(s)}`)
    .join(', ');

/** The detailed tables: every operation, the document round trip, membership, targets, first use. */
export function printRoundTrips(result: RoundTripFigures): void {
  console.log(`
DynamoDB and S3 round trips and latency per operation (${result.date})
Runs  ${result.runs} timed rounds of ${result.lifecyclesPerRun} lifecycles + branches + other routes (${result.wallSeconds.toFixed(1)} s), after 1 untimed round, on the local stack
`);
  const row = (f: OperationFigures) => {
    const own = (f as Partial<MeasuredOperation>).own;
    return [
      f.operation,
      String(f.n),
      own ? formatSpread(own.roundTrips) : '',
      byOperationText(f.byOperation),
      formatSpread(f.s3RoundTrips),
      byOperationText(f.s3ByOperation),
      f.latencyMs.p50.toFixed(1),
      f.latencyMs.p95.toFixed(1),
      f.latencyMs.max.toFixed(1),
    ];
  };
  console.log(
    table(
      ['Operation', 'n', 'DynamoDB own', 'by operation', 'S3', 'by operation', 'p50 ms', 'p95 ms', 'max ms'],
      [...result.operations.map(row), ...result.documentRoundTrip.map(row)],
      [false, true, true, false, true, false, true, true, true],
    ),
  );
  console.log(`\n${ROUND_TRIP} (ticket + storage POST + confirm + link + file GET), per lifecycle:`);
  for (const f of result.documentRoundTrip) {
    console.log(
      `  ${f.operation}: p50 ${f.latencyMs.p50.toFixed(1)} ms, p95 ${f.latencyMs.p95.toFixed(1)} ms (n ${f.n}); DynamoDB ${formatSpread(f.roundTrips)}, S3 ${formatSpread(f.s3RoundTrips)}`,
    );
  }
  const m = result.membership;
  console.log(
    `\nKnowing the caller: ${m.readsDuringLifecycles} membership reads (${MEMBERSHIP_READ}) over ${m.requestsDuringLifecycles} timed requests that reached DynamoDB: each user's membership is read once per container and minute, then served from the cache.`,
  );
  console.log(
    `Revocation: a disabled user's old token was refused ${m.revocationSeconds.toFixed(1)} s after the change (cache: 60 s).`,
  );
  console.log(`\nTarget for an event: ${result.target.event} (membership reads apart).`);
  if (result.offTarget.length === 0) console.log('  Every event measured meets it.');
  for (const o of result.offTarget) console.log(`  ${o.operation}: ${o.roundTrips}`);
  if (result.routesNotMeasured.length > 0) {
    console.log(`Routes of shared/http/routes.ts not measured: ${result.routesNotMeasured.join(', ')}`);
  }
  console.log('\nFirst use (the untimed round), where it differed from the timed runs:');
  if (result.firstUse.length === 0) console.log('  no difference');
  for (const f of result.firstUse) {
    const text = Object.entries({ ...f.roundTrips, ...f.s3 })
      .map(([op, count]) => `${op} ${count}`)
      .join(', ');
    console.log(`  ${f.operation}: ${text}`);
  }
  console.log(`\nNotes:\n${result.notes.map((note) => `- ${note}`).join('\n')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  // Set before the stack's modules load: the handlers' logger reads its level when it is created.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs expects a positive whole number, not ${values.runs}`);
    process.exit(2);
  }
  let exitCode = 0;
  try {
    const result = await measureRoundTrips({ runs });
    printRoundTrips(result);
    const dir = join(import.meta.dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'round-trips-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nSaved ${join(dir, 'round-trips-latest.json')}`);
  } catch (error) {
    exitCode = 1;
    if (error instanceof UnexpectedStatus) console.error(`\nUnexpected HTTP status. ${error.message}`);
    else if (error instanceof CorruptedFile)
      console.error(`\nThe file did not survive the round trip. ${error.message}`);
    else console.error('\nThe round-trip bench failed:', error);
  }
  process.exit(exitCode);
}
