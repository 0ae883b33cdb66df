import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createCaseTurns } from '../../../shared/cases/case-turns.ts';
import { type ChangeRequest, changeCase } from '../../../shared/cases/change-case.ts';
import type { CaseDeps } from '../../../shared/cases/ports.ts';
import { visibleCase } from '../../../shared/cases/visible-case.ts';
import type { Actor, CaseRecord } from '../../../shared/domain/case.ts';
import { NotPossibleNowError, RuleViolationError, StaleVersionError } from '../../../shared/domain/errors.ts';
import {
  actors,
  applyAll,
  caller,
  caseIn,
  event,
  rapportDocument,
  recordOf,
} from '../../helpers/case-fixtures.ts';
import { claimsFor, httpEvent, lambdaContext, mockMembershipsOf } from '../../helpers/events.ts';
import { type MemoryCaseStore, memoryCaseDeps, memoryCaseStore } from '../../helpers/memory-case-store.ts';

/** The handlers' ports, replaced in each test by ports over a memory store. */
const deps = vi.hoisted(() => ({}) as CaseDeps);
vi.mock('../../../functions/api/case-deps.ts', () => ({ caseDeps: deps }));
const { handler: postEvent } = await import('../../../functions/api/post-event.handler.ts');

/** The memberships the middy stack reads to know the caller: one per actor of the fixtures. */
const dynamo = mockClient(DynamoDBDocumentClient);

let clock: Date;
let store: MemoryCaseStore;

beforeEach(() => {
  dynamo.reset();
  mockMembershipsOf(dynamo, Object.values(actors));
  clock = new Date('2026-03-02T10:00:00.000Z');
  store = memoryCaseStore(() => clock);
  delete deps.contention;
  Object.assign(
    deps,
    memoryCaseDeps(store, () => clock),
  );
});

const OTHER_ID = 'c-01jq7k9m2x3v4b5n6p7q8r9s0v';

async function post(as: Actor, record: CaseRecord, body: unknown, headers: Record<string, string> = {}) {
  const result = await postEvent(
    httpEvent({
      method: 'POST',
      path: `/cases/${record.id}/events`,
      pathParameters: { caseId: record.id },
      claims: claimsFor({ sub: as.sub }),
      body: JSON.stringify(body),
      headers,
    }),
    lambdaContext,
  );
  return { status: result.statusCode, problem: JSON.parse(result.body ?? '{}') };
}

/** The handler's steps, as a use-case test takes them: the case found visible, then the change. */
async function change(
  as: Actor,
  caseId: string,
  request: Omit<ChangeRequest, 'caller' | 'found' | 'request'>,
  using: CaseDeps = deps,
) {
  const who = caller(as);
  const found = await visibleCase(using, who, caseId);
  return changeCase(using, {
    caller: who,
    found,
    ...request,
    request: { route: 'postEvent', caseId, body: request.body },
  });
}

describe('POST /cases/{id}/events answers the first check a request fails', () => {
  it('in the order 404 → 400 → 403 → 409 → 412 → 422, and commits nothing', async () => {
    // ACCEPT is not possible yet in fiche_transmise (409); in saisine_concertee without a favorable avis it is refused (422).
    const submitted = recordOf(caseIn('fiche_transmise'));
    const consulted = recordOf(caseIn('saisine_concertee'), { id: OTHER_ID, version: 3 });
    store.put(submitted);
    store.put(consulted);
    const malformed = { type: 'ACCEPT' };
    const refused = { type: 'ACCEPT', prestataireId: 'cabinet-z' };
    const stale = { 'if-match': '"9"' };

    const answers = [
      await post(actors.otherGestionnaire, submitted, malformed, stale),
      await post(actors.gestionnaire, submitted, malformed, stale),
      await post(actors.gestionnaire, submitted, refused, stale),
      await post(actors.coordinateur, submitted, refused, stale),
      await post(actors.coordinateur, consulted, refused, stale),
      await post(actors.coordinateur, consulted, refused, { 'if-match': '"3"' }),
    ];

    expect(answers.map((a) => [a.status, a.problem.type])).toEqual([
      [404, '/problems/not-found'],
      [400, '/problems/validation-error'],
      [403, '/problems/forbidden'],
      [409, '/problems/conflict'],
      [412, '/problems/precondition-failed'],
      [422, '/problems/unprocessable'],
    ]);
    expect(answers[5]?.problem.errors.map((e: { path: string }) => e.path)).toEqual([
      'avis',
      'body.prestataireId',
    ]);
    expect(store.calls.commit).toBe(0);
    expect(await store.get('caf13', consulted.id)).toEqual(consulted);
  });
});

describe('a change', () => {
  it('commits the case at its next version with its history event, its outbox and its listing entries', async () => {
    const submitted = recordOf(caseIn('fiche_transmise'));
    store.put(submitted);

    const answer = await change(actors.coordinateur, submitted.id, {
      body: { type: 'OPEN_SAISINE', partenaireIds: ['caf13', 'etat'] },
    });

    expect(answer).toMatchObject({ status: 'saisine_concertee', version: submitted.version + 1 });
    expect((await store.history('caf13', submitted.id)).map((e) => [e.seq, e.type])).toEqual([
      [2, 'OPEN_SAISINE'],
    ]);
    expect(store.outbox('caf13', submitted.id, 2)).not.toEqual([]);
    expect(store.listing('caf13', 'org#etat')).toEqual({ [submitted.id]: 'saisine_concertee' });
    expect(store.listing('caf13', 'coordination')).toEqual({ [submitted.id]: 'saisine_concertee' });
  });
});

describe('a change that loses a race', () => {
  const consulted = () => recordOf(caseIn('saisine_concertee'), { version: 3 });
  /** The case as etat's avis, committed first, left it. */
  const afterEtat = (record: CaseRecord): CaseRecord => ({
    ...record,
    ...applyAll(record, [event({ type: 'GIVE_AVIS', avis: 'defavorable' }, actors.etat)]),
    version: record.version + 1,
  });

  it('is tried again on the case as the winner left it, and commits over it: no avis is lost', async () => {
    const record = consulted();
    store.put(record);
    store.beforeCommit = () => store.put(afterEtat(record));
    // Retried at once: the case the refusal returned is as fresh as a read.
    deps.contention = { baseMs: 0, capMs: 0, budgetMs: 1000 };

    const answer = await change(actors.caf13, record.id, { body: { type: 'GIVE_AVIS', avis: 'favorable' } });

    // The refusal returned the case as etat left it: the retry read nothing.
    expect(store.calls).toMatchObject({ get: 1, commit: 2, committed: 1 });
    expect(answer.version).toBe(record.version + 2);
    const stored = (await store.get('caf13', record.id)) as CaseRecord;
    expect(stored.version).toBe(record.version + 2);
    expect(stored.context.avis).toMatchObject({
      etat: { avis: 'defavorable' },
      caf13: { avis: 'favorable' },
    });
  });

  it('reads the case again before retrying when it paused longer than a commit took', async () => {
    const record = consulted();
    store.put(record);
    store.beforeCommit = () => store.put(afterEtat(record));
    deps.contention = { baseMs: 20, capMs: 20, budgetMs: 1000 };
    vi.spyOn(Math, 'random').mockReturnValue(0.5);

    const answer = await change(actors.caf13, record.id, { body: { type: 'GIVE_AVIS', avis: 'favorable' } });

    vi.restoreAllMocks();
    expect(store.calls).toMatchObject({ get: 2, commit: 2, committed: 1 });
    expect(answer.version).toBe(record.version + 2);
  });

  it('is not run at all between two writers of one process: they take turns, each committing at its first try', async () => {
    const record = consulted();
    store.put(record);

    const [caf, etat] = await Promise.all([
      change(actors.caf13, record.id, { body: { type: 'GIVE_AVIS', avis: 'favorable' } }),
      change(actors.etat, record.id, { body: { type: 'GIVE_AVIS', avis: 'defavorable' } }),
    ]);

    expect([caf.version, etat.version]).toEqual([record.version + 1, record.version + 2]);
    expect(store.calls).toMatchObject({ commit: 2, committed: 2 });
    const stored = (await store.get('caf13', record.id)) as CaseRecord;
    expect(stored.context.avis).toMatchObject({
      etat: { avis: 'defavorable' },
      caf13: { avis: 'favorable' },
    });
  });

  it('gives up with a 409 once its time budget is spent, having changed nothing', async () => {
    const record = consulted();
    store.put(record);
    // Every commit loses to another avis, however often it is tried.
    let winner = record;
    const loseEveryTime = () => {
      winner = afterEtat(winner);
      store.put(winner);
      store.beforeCommit = loseEveryTime;
    };
    store.beforeCommit = loseEveryTime;
    deps.contention = { baseMs: 1, capMs: 4, budgetMs: 40 };

    const started = Date.now();
    const refusal = change(actors.caf13, record.id, { body: { type: 'GIVE_AVIS', avis: 'favorable' } });

    await expect(refusal).rejects.toThrow(NotPossibleNowError);
    await expect(refusal).rejects.toThrow('Too many concurrent changes; try again.');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(store.calls.commit).toBeGreaterThan(3);
    expect(store.calls.committed).toBe(0);
    expect((await store.get('caf13', record.id))?.context.avis.caf13).toBeUndefined();
  });

  it('is a 412 instead when it was sent with If-Match, and changes nothing', async () => {
    const record = consulted();
    store.put(record);
    store.beforeCommit = () => store.put(afterEtat(record));

    const refusal = change(actors.caf13, record.id, {
      body: { type: 'GIVE_AVIS', avis: 'favorable' },
      ifMatch: record.version,
    });

    await expect(refusal).rejects.toThrow(StaleVersionError);
    await expect(refusal).rejects.toThrow('The case changed while this request was processed.');
    expect(store.calls).toMatchObject({ commit: 1, committed: 0 });
    expect(await store.get('caf13', record.id)).toEqual(afterEtat(record));
  });
});

describe('a change sent with an Idempotency-Key', () => {
  const avis = (value: 'favorable' | 'defavorable') =>
    ({ body: { type: 'GIVE_AVIS', avis: value }, idempotencyKey: 'avis-caf13-1' }) as const;

  it('answers a retry with the same body with the first answer, and commits nothing more', async () => {
    const record = recordOf(caseIn('saisine_concertee'));
    store.put(record);

    const first = await change(actors.caf13, record.id, avis('favorable'));
    const retry = await change(actors.caf13, record.id, avis('favorable'));

    expect(retry).toEqual(first);
    expect(store.calls).toMatchObject({ commit: 1, committed: 1 });
    expect((await store.get('caf13', record.id))?.version).toBe(record.version + 1);
  });

  it('refuses the same key with another body (422), and changes nothing', async () => {
    const record = recordOf(caseIn('saisine_concertee'));
    store.put(record);
    await change(actors.caf13, record.id, avis('favorable'));

    const other = change(actors.caf13, record.id, avis('defavorable'));

    await expect(other).rejects.toThrow(RuleViolationError);
    await expect(other).rejects.toThrow('This Idempotency-Key was already used for another request.');
    expect(store.calls.commit).toBe(1);
  });

  it('answers the same request sent twice at once under one key with the first answer, in one process', async () => {
    const record = recordOf(caseIn('fiche_transmise'));
    store.put(record);
    const complement = { body: { type: 'REQUEST_COMPLEMENT', message: 'La fiche est incomplète.' } } as const;
    const once = () =>
      change(actors.coordinateur, record.id, { ...complement, idempotencyKey: 'complement-1' });

    const [first, second] = await Promise.all([once(), once()]);

    expect(second).toEqual(first);
    expect(store.calls).toMatchObject({ committed: 1 });
  });

  it('answers the request that lost to another under the same key with the winner’s answer', async () => {
    const record = recordOf(caseIn('saisine_concertee'));
    store.put(record);
    let winner: unknown;
    store.beforeCommit = async () => {
      // A request in another process (its own line of writers) that commits first.
      winner = await change(actors.caf13, record.id, avis('favorable'), {
        ...deps,
        turns: createCaseTurns(),
      });
    };

    const loser = await change(actors.caf13, record.id, avis('favorable'));

    expect(loser).toEqual(winner);
    expect(store.calls).toMatchObject({ commit: 2, committed: 1 });
  });

  it('never replays an answer to its user once its role or organisation changed (422)', async () => {
    const record = recordOf(caseIn('saisine_concertee'));
    store.put(record);
    await change(actors.caf13, record.id, avis('favorable'));

    const moved = { ...actors.caf13, organisationId: 'etat' };
    const replay = change(moved, record.id, avis('favorable'));

    await expect(replay).rejects.toThrow('This Idempotency-Key was already used for another request.');
    expect(store.calls.committed).toBe(1);
  });

  it('runs again once the first answer has expired (24 hours)', async () => {
    const record = recordOf(caseIn('saisine_concertee'));
    store.put(record);
    await change(actors.caf13, record.id, avis('favorable'));

    clock = new Date(clock.getTime() + 24 * 3600 * 1000 + 1000);
    const again = await change(actors.caf13, record.id, avis('favorable'));

    expect(again.version).toBe(record.version + 2);
    expect(store.calls.committed).toBe(2);
  });
});

describe('what an event reads', () => {
  it('reads the case and the answer under its Idempotency-Key in one read, then writes once', async () => {
    const record = recordOf(caseIn('saisine_concertee'));
    store.put(record);
    const body = { type: 'GIVE_AVIS', avis: 'favorable' };

    const first = await post(actors.caf13, record, body, { 'idempotency-key': 'avis-1' });
    const retry = await post(actors.caf13, record, body, { 'idempotency-key': 'avis-1' });

    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(retry.problem).toEqual(first.problem);
    expect(store.calls).toMatchObject({ get: 0, getWith: 2, idempotentAnswer: 0, commit: 1 });
  });

  it('reads the rapport SUBMIT_RAPPORT names with the case, not after it', async () => {
    const record = recordOf(caseIn('diagnostic_en_cours'));
    store.put(record);
    const rapport = rapportDocument('doc-rapport-7');
    store.putDocument('caf13', {
      ...rapport,
      kind: 'rapport',
      status: 'available',
      caseId: record.id,
      filename: 'rapport.pdf',
      contentType: 'application/pdf',
      size: 1000,
      key: `centres/cs-tilleuls/cases/${record.id}/documents/doc-rapport-7`,
      uploadedBy: actors.singuliers.sub,
      createdAt: clock.toISOString(),
    });

    const answer = await post(actors.singuliers, record, {
      type: 'SUBMIT_RAPPORT',
      documentId: 'doc-rapport-7',
    });

    expect(answer.status).toBe(200);
    expect(store.calls).toMatchObject({ get: 0, getWith: 1, getDocument: 0, commit: 1 });
  });

  it('reads the case alone for a body that does not parse, and answers 404 before 400 for a case not visible', async () => {
    const record = recordOf(caseIn('saisine_concertee'));
    store.put(record);

    const malformed = await post(actors.caf13, record, { type: 'GIVE_AVIS', avis: 'peut-être' });
    const hidden = await post(
      actors.caf13,
      { ...record, id: OTHER_ID },
      { type: 'GIVE_AVIS', avis: 'peut-être' },
    );

    expect([malformed.status, hidden.status]).toEqual([400, 404]);
    expect(store.calls).toMatchObject({ get: 2, getWith: 0, commit: 0 });
  });
});
