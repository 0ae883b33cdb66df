import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type CreateCaseRequest, createCase } from '../../../shared/cases/create-case.ts';
import type { CaseDeps } from '../../../shared/cases/ports.ts';
import type { Actor } from '../../../shared/domain/case.ts';
import { NotAllowedError, RuleViolationError } from '../../../shared/domain/errors.ts';
import { actors, caller, caseIn, completeFiche, recordOf } from '../../helpers/case-fixtures.ts';
import { claimsFor, httpEvent, lambdaContext, mockMembershipsOf } from '../../helpers/events.ts';
import { type MemoryCaseStore, memoryCaseDeps, memoryCaseStore } from '../../helpers/memory-case-store.ts';

/** The handlers' ports, replaced in each test by ports over a memory store. */
const deps = vi.hoisted(() => ({}) as CaseDeps);
vi.mock('../../../functions/api/case-deps.ts', () => ({ caseDeps: deps }));
const { handler: postCase } = await import('../../../functions/api/create-case.handler.ts');

const dynamo = mockClient(DynamoDBDocumentClient);
const NOW = new Date('2026-03-02T10:00:00.000Z');
let store: MemoryCaseStore;

beforeEach(() => {
  dynamo.reset();
  mockMembershipsOf(dynamo, Object.values(actors));
  store = memoryCaseStore(() => NOW);
  Object.assign(
    deps,
    memoryCaseDeps(store, () => NOW),
  );
});

const open = (as: Actor, request: Omit<CreateCaseRequest, 'caller'>) =>
  createCase(deps, { caller: caller(as), ...request });

describe('POST /cases answers the first check a request fails', () => {
  it('in the order 400 → 403 → 422 (unknown centre) → 403 (not its centre) → 422 (unknown partenaires)', async () => {
    const post = async (as: Actor, body: unknown) =>
      (
        await postCase(
          httpEvent({
            method: 'POST',
            path: '/cases',
            claims: claimsFor({ sub: as.sub }),
            body: JSON.stringify(body),
          }),
          lambdaContext,
        )
      ).statusCode;
    const strangers = { partenairesInformes: ['partenaire-inconnu'] };

    const answers = [
      await post(actors.caf13, { centreId: 'cs-tilleuls', fiche: { nature: 'inconnue' } }),
      await post(actors.caf13, { centreId: 'cs-inconnu', fiche: strangers }),
      await post(actors.gestionnaire, { centreId: 'cs-inconnu', fiche: strangers }),
      await post(actors.gestionnaire, { centreId: 'cs-oliviers', fiche: strangers }),
      await post(actors.gestionnaire, { centreId: 'cs-tilleuls', fiche: strangers }),
    ];

    expect(answers).toEqual([400, 403, 422, 403, 422]);
    expect(store.calls.commit).toBe(0);
  });
});

describe('a gestionnaire opens a case', () => {
  it('at version 1, with its CASE_CREATED event and the listing entries of its centre and federation', async () => {
    const created = await open(actors.federation, {
      body: { centreId: 'cs-mistral', fiche: completeFiche() },
    });

    expect(created).toMatchObject({ status: 'brouillon', version: 1, centreId: 'cs-mistral' });
    expect((await store.history('caf13', created.id)).map((e) => [e.seq, e.type])).toEqual([
      [1, 'CASE_CREATED'],
    ]);
    expect(store.listing('caf13', 'org#cs-mistral')).toEqual({ [created.id]: 'brouillon' });
    expect(store.listing('caf13', 'org#fed-ifac')).toEqual({ [created.id]: 'brouillon' });
    expect(store.listing('caf13', 'coordination')).toEqual({});
  });

  it('is refused to any other role (403), for a centre not its own (403), and for unknown references (422)', async () => {
    await expect(open(actors.coordinateur, { body: { centreId: 'cs-tilleuls' } })).rejects.toThrow(
      NotAllowedError,
    );
    await expect(open(actors.gestionnaire, { body: { centreId: 'cs-mistral' } })).rejects.toThrow(
      NotAllowedError,
    );
    await expect(open(actors.gestionnaire, { body: { centreId: 'cs-inconnu' } })).rejects.toThrow(
      RuleViolationError,
    );
    await expect(
      open(actors.gestionnaire, {
        body: { centreId: 'cs-tilleuls', fiche: { partenairesInformes: ['etat', 'partenaire-inconnu'] } },
      }),
    ).rejects.toMatchObject({
      violations: [
        { path: 'body.fiche.partenairesInformes.1', message: 'Unknown partenaire partenaire-inconnu' },
      ],
    });
    expect(store.calls.commit).toBe(0);
  });

  it('never opens a case over one that has its id: an unexpected error, nothing written', async () => {
    const taken = recordOf(caseIn('brouillon'), { id: `c-${'1'.padStart(26, '0')}` });
    store.put(taken);

    await expect(open(actors.gestionnaire, { body: { centreId: 'cs-tilleuls' } })).rejects.toThrow(
      `Case id ${taken.id} already taken`,
    );
    expect(await store.get('caf13', taken.id)).toEqual(taken);
  });
});

describe('a case opened with an Idempotency-Key', () => {
  const request = (centreId: string) => ({ body: { centreId }, idempotencyKey: 'nouveau-dossier-1' });

  it('is opened once: a retry with the same body gets the first answer back', async () => {
    const first = await open(actors.gestionnaire, request('cs-tilleuls'));
    const retry = await open(actors.gestionnaire, request('cs-tilleuls'));

    expect(retry).toEqual(first);
    expect(store.calls).toMatchObject({ commit: 1, committed: 1 });
    expect(Object.keys(store.listing('caf13', 'org#cs-tilleuls'))).toEqual([first.id]);
  });

  it('refuses the same key with another body (422), and opens nothing more', async () => {
    await open(actors.federation, request('cs-mistral'));

    const other = open(actors.federation, request('cs-calanques'));

    await expect(other).rejects.toThrow('This Idempotency-Key was already used for another request.');
    expect(store.calls.commit).toBe(1);
  });
});
