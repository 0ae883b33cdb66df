import {
  AdminInitiateAuthCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_PASSWORD } from '../../infra/local/identity.ts';
import { apiClient } from '../helpers/api.ts';
import { type CaseFacts, caseIn, USERS } from '../helpers/cases.ts';
import { COMPLETE_FICHE, emulatorAccess } from '../helpers/fixtures.ts';
import { decodePayload, signWithLocalKey } from '../helpers/tokens.ts';

const api = apiClient();
const { clients } = emulatorAccess();
const identity = inject('identity');
/** The attacker of the report: a centre's board that wants another centre's file. */
const ATTACKER = USERS.oliviers;

/** Everything the attacker's membership decides, as the API shows it to a token. */
async function reach(token: string, target: CaseFacts) {
  const me = await api.call('GET', '/me', { token });
  const listed = await api.call('GET', '/cases?limit=100', { token });
  const read = await api.call('GET', `/cases/${target.id}`, { token });
  const write = await api.call('PUT', `/cases/${target.id}/fiche`, {
    token,
    body: { ...COMPLETE_FICHE, signesAlerte: 'réécrit' },
  });
  return {
    me: me.json,
    listed: (listed.json.items as { id: string }[]).map((c) => c.id).sort(),
    read: read.status,
    write: write.status,
  };
}

describe('a user cannot change its own membership, by any means it has', () => {
  let target: CaseFacts;
  let honest: Awaited<ReturnType<typeof reach>>;
  let ownToken: string;

  beforeAll(async () => {
    target = await caseIn(api, 'brouillon', 'cs-tilleuls');
    ownToken = await api.tokenFor(ATTACKER);
    honest = await reach(ownToken, target);
    expect(honest.me).toMatchObject({ role: 'gestionnaire', organisationId: 'cs-oliviers' });
    expect(honest.read).toBe(404);
    expect(honest.write).toBe(404);
  });

  it('writing attributes in Cognito with its own access token changes nothing it can reach', async () => {
    const auth = await clients.cognito.send(
      new AdminInitiateAuthCommand({
        UserPoolId: identity.userPoolId,
        ClientId: identity.clientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: ATTACKER, PASSWORD: LOCAL_PASSWORD },
      }),
    );
    const accessToken = auth.AuthenticationResult?.AccessToken as string;
    // The pool has no membership attribute to write: Cognito refuses it.
    for (const Name of ['custom:organisationId', 'custom:tenant']) {
      await expect(
        clients.cognito.send(
          new UpdateUserAttributesCommand({
            AccessToken: accessToken,
            UserAttributes: [{ Name, Value: Name === 'custom:tenant' ? 'caf99' : 'cs-tilleuls' }],
          }),
        ),
      ).rejects.toThrow(/does not exist in the schema/);
    }
    // What a user may write (its name; cognito-local enforces no WriteAttributes, AWS does: see
    // the infra test) reaches nothing either.
    await clients.cognito.send(
      new UpdateUserAttributesCommand({
        AccessToken: accessToken,
        UserAttributes: [{ Name: 'name', Value: 'coordinateur' }],
      }),
    );
    const fresh = (await api.call('POST', '/_local/token', { body: { email: ATTACKER } })).json.token;
    expect(await reach(fresh, target)).toEqual(honest);
  });

  it('claims forged into a validly signed token (groups, tenant, organisation, email) change nothing', async () => {
    const forged = await signWithLocalKey({
      ...decodePayload(ownToken),
      'cognito:groups': ['coordinateur'],
      'custom:tenant': 'caf13',
      'custom:organisationId': 'cs-tilleuls',
      email: USERS.coordination,
    });
    expect(await reach(forged, target)).toEqual(honest);
  });

  it('the administration routes refuse it (403), and its membership stays as it was', async () => {
    const me = honest.me as { sub: string };
    const attempts = [
      api.call('PATCH', `/admin/users/${me.sub}`, {
        token: ownToken,
        body: { role: 'coordinateur', organisationId: 'caf13-coordination' },
      }),
      api.call('PATCH', `/admin/users/${me.sub}`, {
        token: ownToken,
        body: { organisationId: 'cs-tilleuls' },
      }),
      api.call('POST', '/admin/users', {
        token: ownToken,
        body: { email: 'complice@example.org', role: 'gestionnaire', organisationId: 'cs-tilleuls' },
      }),
      api.call('GET', '/admin/users', { token: ownToken }),
      api.call('GET', '/admin/membership-changes', { token: ownToken }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status, res.text).toBe(403);
      expect(res.json.type).toBe('/problems/forbidden');
    }
    expect(await reach(ownToken, target)).toEqual(honest);
    const users = await api.call('GET', '/admin/users', { as: USERS.coordination });
    expect(users.json.items.some((u: { email: string }) => u.email === 'complice@example.org')).toBe(false);
  });
});
