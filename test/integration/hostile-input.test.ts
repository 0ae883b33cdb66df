import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../shared/domain/history-chain.ts';
import { apiClient } from '../helpers/api.ts';
import { type CaseFacts, caseIn, USERS } from '../helpers/cases.ts';
import { COMPLETE_FICHE, emulatorAccess } from '../helpers/fixtures.ts';

const api = apiClient();
const { repository } = emulatorAccess();

/** What a rejected request must leave untouched: the stored case and its history. */
async function stored(caseId: string) {
  const [record, history] = await Promise.all([
    repository.get('caf13', caseId),
    repository.history('caf13', caseId),
  ]);
  return { record, history: history.length };
}

describe('bad input: each named case gets its 4xx problem+json naming the field, and changes nothing', () => {
  const cases: Record<string, CaseFacts> = {};
  beforeAll(async () => {
    for (const s of ['brouillon', 'fiche_transmise', 'saisine_concertee', 'restitution_a_faire'] as const) {
      cases[s] = await caseIn(api, s);
    }
  }, 60_000);

  const long = 'x'.repeat(5001);
  type Bad = [
    string,
    string,
    string,
    string,
    { body?: unknown; rawBody?: string; headers?: Record<string, string> },
    number,
    string?,
  ];
  const bad: Bad[] = [
    ['malformed JSON', 'brouillon', 'POST', 'events', { rawBody: '{"type": "SUBMIT_FICHE",' }, 400],
    [
      'an unknown event type',
      'brouillon',
      'POST',
      'events',
      { body: { type: 'DELETE_CASE' } },
      400,
      'body.type',
    ],
    [
      'an unknown field',
      'brouillon',
      'POST',
      'events',
      { body: { type: 'SUBMIT_FICHE', force: true } },
      400,
      'body',
    ],
    [
      'a wrong enum value',
      'saisine_concertee',
      'POST',
      'events',
      { body: { type: 'GIVE_AVIS', avis: 'mitigé' } },
      400,
      'body.avis',
    ],
    [
      'an empty required text',
      'fiche_transmise',
      'POST',
      'events',
      { body: { type: 'REQUEST_COMPLEMENT', message: '   ' } },
      400,
      'body.message',
    ],
    [
      'a text over 5,000 characters',
      'fiche_transmise',
      'POST',
      'events',
      { body: { type: 'REQUEST_COMPLEMENT', message: long } },
      400,
      'body.message',
    ],
    [
      'an invalid date',
      'restitution_a_faire',
      'POST',
      'events',
      { body: { type: 'RECORD_RESTITUTION', date: '2026-02-30', rencontrePartenaires: false } },
      400,
      'body.date',
    ],
    [
      'a date that is no ISO date',
      'restitution_a_faire',
      'POST',
      'events',
      { body: { type: 'RECORD_RESTITUTION', date: '01/12/2026', rencontrePartenaires: false } },
      400,
      'body.date',
    ],
    [
      'an unknown partner id',
      'fiche_transmise',
      'POST',
      'events',
      { body: { type: 'OPEN_SAISINE', partenaireIds: ['etat', 'commune-paris'] } },
      422,
      'body.partenaireIds.1',
    ],
    [
      'an unknown prestataire id',
      'saisine_concertee',
      'POST',
      'events',
      { body: { type: 'ACCEPT', prestataireId: 'cabinet-z' } },
      422,
      'body.prestataireId',
    ],
    [
      'an If-Match that is not a number',
      'brouillon',
      'POST',
      'events',
      { body: { type: 'SUBMIT_FICHE' }, headers: { 'if-match': '"abc"' } },
      400,
      'headers.if-match',
    ],
    [
      'a stale If-Match',
      'brouillon',
      'POST',
      'events',
      { body: { type: 'SUBMIT_FICHE' }, headers: { 'if-match': '"0"' } },
      412,
    ],
    [
      'a fiche field of the wrong type',
      'brouillon',
      'PUT',
      'fiche',
      { body: { ...COMPLETE_FICHE, domaines: 'gouvernance' } },
      400,
      'body.domaines',
    ],
    [
      'a fiche with an unknown field',
      'brouillon',
      'PUT',
      'fiche',
      { body: { ...COMPLETE_FICHE, budget: 12 } },
      400,
      'body',
    ],
    [
      'a fiche naming an unknown partner',
      'brouillon',
      'PUT',
      'fiche',
      { body: { partenairesInformes: ['etat', 'mairie-x'] } },
      422,
      'body.partenairesInformes.1',
    ],
    [
      'a fiche with a malformed email',
      'brouillon',
      'PUT',
      'fiche',
      { body: { demandeur: { email: 'pas-un-email' } } },
      400,
      'body.demandeur.email',
    ],
  ];

  it.each(bad)('%s (%s, %s %s) → %i', async (_name, scenario, method, route, request, status, path) => {
    const c = cases[scenario] as CaseFacts;
    const as =
      route === 'fiche' || scenario === 'brouillon'
        ? USERS.tilleuls
        : scenario === 'restitution_a_faire'
          ? USERS.singuliers
          : scenario === 'saisine_concertee' && (request.body as { type?: string })?.type === 'GIVE_AVIS'
            ? USERS.caf
            : USERS.coordination;
    const before = await stored(c.id);
    const res = await api.call(method, `/cases/${c.id}/${route}`, { as, ...request });
    expect(res.status, res.text).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    if (path) expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await stored(c.id)).toEqual(before);
  });

  it('answers 404, not 400, to a malformed request on a case the caller may not see', async () => {
    const c = cases.brouillon as CaseFacts;
    const res = await api.call('POST', `/cases/${c.id}/events`, { as: USERS.oliviers, rawBody: '{oops' });
    expect(res.status).toBe(404);
    const unknown = await api.call('GET', '/cases/c-00000000000000000000000000', { as: USERS.coordination });
    expect(unknown.status).toBe(404);
    const malformedId = await api.call('GET', '/cases/..%2F..%2Fetc', { as: USERS.coordination });
    expect(malformedId.status).toBe(404);
  });

  it('refuses an unknown centre (422), a wrong enum in the fiche (400) and a foreign centre (403) at creation', async () => {
    const unknown = await api.call('POST', '/cases', {
      as: USERS.tilleuls,
      body: { centreId: 'cs-inconnu' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.json.errors).toEqual([{ path: 'body.centreId', message: expect.any(String) }]);
    const wrongEnum = await api.call('POST', '/cases', {
      as: USERS.tilleuls,
      body: { centreId: 'cs-tilleuls', fiche: { nature: 'urgente' } },
    });
    expect(wrongEnum.status).toBe(400);
    expect(wrongEnum.json.errors[0].path).toBe('body.fiche.nature');
    const foreign = await api.call('POST', '/cases', {
      as: USERS.tilleuls,
      body: { centreId: 'cs-mistral' },
    });
    expect(foreign.status).toBe(403);
  });

  it('refuses a cursor that was tampered with, or that belongs to another listing, naming query.cursor', async () => {
    const page = await api.call('GET', '/cases?limit=1', { as: USERS.tilleuls });
    const cursor = page.json.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const flipped = cursor.slice(0, 5) + (cursor[5] === 'A' ? 'B' : 'A') + cursor.slice(6);
    for (const [as, value] of [
      [USERS.tilleuls, flipped],
      [USERS.tilleuls, 'bm90LWEtY3Vyc29y'],
      [USERS.ifac, cursor],
    ] as const) {
      const res = await api.call('GET', `/cases?limit=1&cursor=${encodeURIComponent(value)}`, { as });
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual([{ path: 'query.cursor', message: expect.any(String) }]);
    }
    for (const query of ['status=ouverte', 'limit=0', 'limit=101', 'limit=abc']) {
      const res = await api.call('GET', `/cases?${query}`, { as: USERS.tilleuls });
      expect(res.status, query).toBe(400);
      expect(res.json.errors[0].path).toMatch(/^query\./);
    }
  });
});

describe('property: hostile bodies and random event sequences', () => {
  const documentLike = fc.record(
    {
      kind: fc.constantFrom('piece_jointe', 'rapport', 'compte_rendu', 'contrat'),
      filename: fc.string({ unit: 'binary', maxLength: 300 }),
      contentType: fc.constantFrom('application/pdf', 'text/csv', 'application/x-msdownload', ''),
      size: fc.oneof(fc.integer(), fc.double(), fc.constant(20 * 1024 * 1024 + 1)),
    },
    { requiredKeys: [] },
  );
  const anyBody = fc.oneof(
    fc.jsonValue(),
    documentLike,
    fc
      .record(
        {
          type: fc.constantFrom(
            'SUBMIT_FICHE',
            'GIVE_AVIS',
            'ACCEPT',
            'OPEN_SAISINE',
            'RECORD_RESTITUTION',
            'WITHDRAW',
            'X',
          ),
        },
        { requiredKeys: [] },
      )
      .chain((base) =>
        fc
          .dictionary(
            fc.constantFrom(
              'avis',
              'prestataireId',
              'partenaireIds',
              'date',
              'motif',
              'message',
              'documentId',
              'rencontrePartenaires',
              '__proto__',
              'constructor',
            ),
            fc.jsonValue(),
          )
          .map((extra) => ({ ...base, ...extra })),
      ),
  );
  const users = Object.values(USERS);

  it('never answers 5xx to any body on the four writing routes, and a rejected one changes nothing', async () => {
    const c = await caseIn(api, 'saisine_concertee');
    await fc.assert(
      fc.asyncProperty(
        anyBody,
        fc.constantFrom(...users),
        fc.constantFrom('events', 'fiche', 'create', 'documents'),
        async (body, as, route) => {
          const before = await stored(c.id);
          const res =
            route === 'create'
              ? await api.call('POST', '/cases', { as, rawBody: JSON.stringify(body) })
              : await api.call(route === 'fiche' ? 'PUT' : 'POST', `/cases/${c.id}/${route}`, {
                  as,
                  rawBody: JSON.stringify(body),
                });
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.headers.get('content-type')).toBe('application/problem+json');
            expect(await stored(c.id)).toEqual(before);
          }
        },
      ),
      { numRuns: 120 },
    );
  }, 120_000);

  /**
   * Something big, described in a few words (so that a counterexample stays readable) and built
   * in the test: a list of one item repeated to fill about `bytes` (130,000 numbers are 260 KB),
   * or as many unknown keys, their names full of characters JSON must escape.
   */
  const bigThing = fc.oneof(
    fc.record({
      list: fc.constantFrom<unknown>(
        1,
        'x',
        'gouvernance',
        'La Caf',
        null,
        {},
        [],
        true,
        '\u0001',
        'A'.repeat(200),
      ),
      bytes: fc.oneof(
        fc.constant(1024 * 1024 - 512),
        fc.integer({ min: 64 * 1024, max: 1024 * 1024 + 4096 }),
      ),
    }),
    fc.record({
      keys: fc.constantFrom('k', '\u0001', 'é', '__proto__'),
      bytes: fc.integer({ min: 64 * 1024, max: 1024 * 1024 }),
    }),
  );
  function build(thing: { list?: unknown; keys?: string; bytes: number }): unknown {
    if (thing.keys === undefined) {
      return Array(Math.max(1, Math.floor(thing.bytes / (JSON.stringify(thing.list).length + 1)))).fill(
        thing.list,
      );
    }
    const keys: Record<string, number> = {};
    for (let i = 0, size = 2; size < thing.bytes; i++) {
      const key = `${thing.keys}${i}`;
      keys[key] = 0;
      size += JSON.stringify(key).length + 3;
    }
    return keys;
  }
  /** Where a route's body can hold something big. */
  const placements: Record<string, ((big: unknown) => unknown)[]> = {
    fiche: [
      (big) => big,
      (big) => ({ domaines: big }),
      (big) => ({ partenairesInformes: big }),
      (big) => ({ demandeur: big }),
      (big) => ({ nature: 'preventive', domaines: ['autre'], domaineAutre: big }),
    ],
    create: [
      (big) => big,
      (big) => ({ centreId: big }),
      (big) => ({ centreId: 'cs-tilleuls', fiche: big }),
      (big) => ({ centreId: 'cs-tilleuls', fiche: { domaines: big } }),
    ],
    events: [
      (big) => big,
      (big) => ({ type: big }),
      (big) => ({ type: 'OPEN_SAISINE', partenaireIds: big }),
      (big) => ({ type: 'SUBMIT_FICHE', ...(big as object) }),
    ],
    documents: [
      (big) => big,
      (big) => ({ kind: big, filename: 'a.pdf', contentType: 'application/pdf', size: 10 }),
      (big) => ({ kind: 'piece_jointe', filename: big, contentType: 'application/pdf', size: 10 }),
      (big) => ({ kind: 'piece_jointe', ...(big as object) }),
    ],
  };

  it('answers large arrays and many keys, up to 1 MiB, with a 4xx of at most 64 KiB that changes nothing', async () => {
    const c = await caseIn(api, 'brouillon');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('fiche', 'create', 'events', 'documents'),
        fc.nat(),
        bigThing,
        fc.constantFrom(USERS.tilleuls, USERS.tilleuls, USERS.coordination),
        async (route, which, thing, as) => {
          const options = placements[route] as ((big: unknown) => unknown)[];
          const place = options[which % options.length] as (big: unknown) => unknown;
          const rawBody = JSON.stringify(place(build(thing)));
          const before = await stored(c.id);
          const res =
            route === 'create'
              ? await api.call('POST', '/cases', { as, rawBody })
              : await api.call(route === 'fiche' ? 'PUT' : 'POST', `/cases/${c.id}/${route}`, {
                  as,
                  rawBody,
                });
          expect(res.status, res.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
          expect(res.status, res.text.slice(0, 300)).toBeLessThan(500);
          expect(res.headers.get('content-type')).toBe('application/problem+json');
          expect(Buffer.byteLength(res.text)).toBeLessThanOrEqual(64 * 1024);
          expect(await stored(c.id)).toEqual(before);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  const plausible = fc.constantFrom(
    { type: 'SUBMIT_FICHE' },
    { type: 'REQUEST_COMPLEMENT', message: 'Compléments' },
    { type: 'OPEN_SAISINE' },
    { type: 'GIVE_AVIS', avis: 'favorable' },
    { type: 'GIVE_AVIS', avis: 'defavorable', commentaire: 'Non' },
    { type: 'ACCEPT', prestataireId: 'singuliers-co' },
    { type: 'ACCEPT', prestataireId: 'cabinet-b' },
    { type: 'REJECT', motif: 'Non' },
    { type: 'SUBMIT_RAPPORT', documentId: 'd-absent' },
    { type: 'REQUEST_REVISION', commentaire: 'Revoir' },
    { type: 'VALIDATE_RAPPORT' },
    { type: 'RECORD_RESTITUTION', date: '2026-12-01', rencontrePartenaires: true },
    { type: 'RECORD_RENCONTRE', date: '2026-12-15' },
    { type: 'WITHDRAW' },
  );

  it('keeps a verifiable history through random sequences of events by random users', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...users), plausible), { minLength: 1, maxLength: 14 }),
        async (steps) => {
          const created = await api.call('POST', '/cases', {
            as: USERS.tilleuls,
            body: { centreId: 'cs-tilleuls', fiche: COMPLETE_FICHE },
          });
          const id = created.json.id as string;
          let version = 1;
          for (const [as, body] of steps) {
            const before = await stored(id);
            const res = await api.call('POST', `/cases/${id}/events`, { as, body });
            expect(res.status).toBeLessThan(500);
            if (res.status === 200) {
              version += 1;
              expect(res.json.version).toBe(version);
            } else {
              expect([403, 404, 409, 422]).toContain(res.status);
              expect(await stored(id)).toEqual(before);
            }
          }
          const history = await repository.history('caf13', id);
          expect(history).toHaveLength(version);
          expect(verifyChain(history, (await repository.get('caf13', id))?.headHash)).toEqual({
            valid: true,
          });
        },
      ),
      { numRuns: 25 },
    );
  }, 180_000);
});
