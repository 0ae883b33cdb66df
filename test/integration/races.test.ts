import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedReferentiel } from '../../infra/local/seed-data.ts';
import { LOCAL_TABLE } from '../../infra/local/stack.ts';
import { verifyChain } from '../../shared/domain/history-chain.ts';
import { apiClient } from '../helpers/api.ts';
import { caseIn, send, USERS } from '../helpers/cases.ts';
import { COMPLETE_FICHE, emulatorAccess, ensureTestUser } from '../helpers/fixtures.ts';

const api = apiClient();
const { repository } = emulatorAccess();
const PARTENAIRES = seedReferentiel.partenaires.map((p) => p.id);
/** One user per funder: the four seeded ones, and test fixtures for the nine others. */
const SEEDED_PARTENAIRE_USERS: Record<string, string> = {
  caf13: USERS.caf,
  etat: USERS.etat,
  'commune-marseille': USERS.marseille,
  'commune-vitrolles': USERS.vitrolles,
};
const userOf = (partenaireId: string) =>
  SEEDED_PARTENAIRE_USERS[partenaireId] ?? `avis@${partenaireId}.example.org`;

describe('concurrent changes', () => {
  beforeAll(async () => {
    await Promise.all(
      PARTENAIRES.filter((id) => !SEEDED_PARTENAIRE_USERS[id]).map((id) =>
        ensureTestUser(userOf(id), 'partenaire', id),
      ),
    );
  });

  it('records all 13 avis given at once by the 13 funders of a saisine opened to all', async () => {
    expect(PARTENAIRES).toHaveLength(13);
    const created = await api.call('POST', '/cases', {
      as: USERS.tilleuls,
      body: { centreId: 'cs-tilleuls', fiche: COMPLETE_FICHE },
    });
    const id = created.json.id as string;
    await send(api, USERS.tilleuls, id, { type: 'SUBMIT_FICHE' });
    await send(api, USERS.coordination, id, { type: 'OPEN_SAISINE', partenaireIds: PARTENAIRES });
    const tokens = await Promise.all(PARTENAIRES.map((p) => api.tokenFor(userOf(p))));

    const answers = await Promise.all(
      PARTENAIRES.map((p, i) =>
        api.call('POST', `/cases/${id}/events`, {
          token: tokens[i] as string,
          body: {
            type: 'GIVE_AVIS',
            avis: i % 3 === 0 ? 'favorable' : 'reserve',
            commentaire: `Avis de ${p}`,
          },
        }),
      ),
    );

    expect(answers.map((a) => a.status)).toEqual(PARTENAIRES.map(() => 200));
    const final = await api.call('GET', `/cases/${id}`, { as: USERS.coordination });
    expect(final.json.avis.map((a: { partenaireId: string }) => a.partenaireId).sort()).toEqual(
      [...PARTENAIRES].sort(),
    );
    expect(final.json.version).toBe(3 + 13); // created, submitted, saisine, then one change per avis
    const history = await repository.history('caf13', id);
    expect(history.filter((e) => e.type === 'GIVE_AVIS')).toHaveLength(13);
    expect(verifyChain(history, (await repository.get('caf13', id))?.headHash)).toEqual({ valid: true });
  });

  it('gives the loser of a race the case as the winner left it, with the refusal (its retry reads nothing)', async () => {
    const created = await api.call('POST', '/cases', {
      as: USERS.tilleuls,
      body: { centreId: 'cs-tilleuls', fiche: COMPLETE_FICHE },
    });
    const id = created.json.id as string;
    await send(api, USERS.tilleuls, id, { type: 'SUBMIT_FICHE' });
    const stored = await repository.get('caf13', id);
    if (!stored) throw new Error(`case ${id} not found in the table`);
    const at = new Date().toISOString();

    // A change computed from the version before: it lost the race to SUBMIT_FICHE.
    const result = await repository.commit({
      record: { ...stored, updatedAt: at },
      expectedVersion: stored.version - 1,
      previousStatus: 'brouillon',
      event: {
        seq: stored.version,
        type: 'SUBMIT_FICHE',
        at,
        actor: { sub: 'x', role: 'gestionnaire', organisationId: 'cs-tilleuls' },
        payload: {},
        salt: '00',
        prevHash: 'a',
        hash: 'b',
      },
      notifications: [],
      viewersBefore: [],
      viewersAfter: [],
    });

    expect(result).toEqual({ outcome: 'version-conflict', current: stored });
    expect(await repository.get('caf13', id)).toEqual(stored);
  });

  it('lets exactly one of 20 simultaneous VALIDATE_RAPPORT commit; the 19 others get 409', async () => {
    const c = await caseIn(api, 'rapport_a_valider');
    const before = (await api.call('GET', `/cases/${c.id}`, { as: USERS.tilleuls })).json.version;
    const token = await api.tokenFor(USERS.tilleuls);

    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.call('POST', `/cases/${c.id}/events`, { token, body: { type: 'VALIDATE_RAPPORT' } }),
      ),
    );

    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, ...Array.from({ length: 19 }, () => 409)]);
    const after = await api.call('GET', `/cases/${c.id}`, { as: USERS.tilleuls });
    expect(after.json).toMatchObject({ status: 'restitution_a_faire', version: before + 1 });
    const history = await repository.history('caf13', c.id);
    expect(history.filter((e) => e.type === 'VALIDATE_RAPPORT')).toHaveLength(1);
    expect(history).toHaveLength(after.json.version);
  });

  it('answers 412 to the loser of a race that sent If-Match, and never applies its change', async () => {
    // Two avis stay possible whoever wins, so the loser is refused for its If-Match alone.
    const c = await caseIn(api, 'saisine_concertee');
    const version = (await api.call('GET', `/cases/${c.id}`, { as: USERS.coordination })).json.version;
    const answers = await Promise.all(
      [USERS.caf, USERS.etat].map(async (as) =>
        api.call('POST', `/cases/${c.id}/events`, {
          token: await api.tokenFor(as),
          body: { type: 'GIVE_AVIS', avis: 'favorable' },
          headers: { 'if-match': `"${version}"` },
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
    const after = await api.call('GET', `/cases/${c.id}`, { as: USERS.coordination });
    expect(after.json.version).toBe(version + 1);
    expect(after.json.avis).toHaveLength(1);
  });

  it('replays the first answer to a retry with the same Idempotency-Key, even when both arrive at once', async () => {
    const token = await api.tokenFor(USERS.oliviers);
    const key = `idem-${Date.now()}`;
    const body = { centreId: 'cs-oliviers', fiche: { nature: 'preventive' } };
    const [a, b] = await Promise.all(
      [1, 2].map(() => api.call('POST', '/cases', { token, body, headers: { 'idempotency-key': key } })),
    );
    const c = await api.call('POST', '/cases', { token, body, headers: { 'idempotency-key': key } });
    expect([a?.status, b?.status, c.status]).toEqual([201, 201, 201]);
    expect(b?.json).toEqual(a?.json);
    expect(c.json).toEqual(a?.json);
    const other = await api.call('POST', '/cases', {
      token,
      body: { ...body, fiche: { nature: 'crise_averee' } },
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(422);

    const event = { token, body: { type: 'WITHDRAW' }, headers: { 'idempotency-key': `${key}-e` } };
    const created2 = await api.call('POST', '/cases', { token, body: { centreId: 'cs-oliviers' } });
    const id2 = created2.json.id as string;
    const first = await api.call('POST', `/cases/${id2}/events`, event);
    const retry = await api.call('POST', `/cases/${id2}/events`, event);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.json).toEqual(first.json);
    expect(await repository.history('caf13', id2)).toHaveLength(2);
  });
});

describe('an expired idempotency record', () => {
  it('no longer blocks its key, even before the TTL sweep removes it', async () => {
    const token = await api.tokenFor(USERS.oliviers);
    const sub = (await api.call('GET', '/me', { token })).json.sub as string;
    const key = `expired-${Date.now()}`;
    await emulatorAccess().clients.db.send(
      new PutCommand({
        TableName: LOCAL_TABLE,
        Item: {
          pk: `T#caf13#IDEM#${sub}#${key}`,
          sk: 'IDEM',
          kind: 'idempotency',
          requestHash: 'of another request',
          body: {},
          expiresAt: Math.floor(Date.now() / 1000) - 60,
        },
      }),
    );
    const res = await api.call('POST', '/cases', {
      token,
      body: { centreId: 'cs-oliviers' },
      headers: { 'idempotency-key': key },
    });
    expect(res.status, res.text).toBe(201);
  });
});
