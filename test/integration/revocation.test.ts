import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createGateway } from '../../infra/local/gateway.ts';
import { createJwtAuthorizer } from '../../infra/local/jwt-verifier.ts';
import { MEMBERSHIP_CACHE_MS } from '../../shared/http/claims.ts';
import { routeList } from '../../shared/http/routes.ts';
import { apiClient } from '../helpers/api.ts';
import { type CaseFacts, caseIn, USERS } from '../helpers/cases.ts';

/**
 * Revocation as a Lambda container lives it: this test runs the handlers in its own process,
 * behind its own gateway on the same emulators, with a clock it moves (only `Date` is faked;
 * timers and I/O run for real). The coordinateur acts through the stack's gateway.
 */
const api = apiClient();
const identity = inject('identity');
let server: Server;
let container: string;

async function asContainer(method: string, path: string, token: string) {
  const res = await fetch(`${container}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function invite(role: string, organisationId: string) {
  const email = `revocation-${role}-${Date.now()}@example.org`;
  const res = await api.call('POST', '/admin/users', {
    as: USERS.coordination,
    body: { email, role, organisationId },
  });
  expect(res.status, res.text).toBe(201);
  return { email, userId: res.json.userId as string, token: await api.tokenFor(email) };
}

const patch = (userId: string, body: Record<string, unknown>) =>
  api.call('PATCH', `/admin/users/${userId}`, { as: USERS.coordination, body });

describe('a membership changed by the coordinateur takes effect within 60 s, whatever the token', () => {
  let partenaire: Awaited<ReturnType<typeof invite>>;
  let gestionnaire: Awaited<ReturnType<typeof invite>>;
  let tilleulsCase: CaseFacts;

  beforeAll(async () => {
    Object.assign(process.env, inject('env'));
    server = createGateway({
      routes: routeList,
      authorize: createJwtAuthorizer({
        issuer: identity.issuer,
        audience: [identity.clientId],
        jwksUrl: identity.jwksUrl,
      }),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    container = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    tilleulsCase = await caseIn(api, 'brouillon', 'cs-tilleuls');
    partenaire = await invite('partenaire', 'etat');
    gestionnaire = await invite('gestionnaire', 'cs-tilleuls');
    // Tokens are issued before the clock is frozen: they stay valid (an hour) through the test.
    vi.useFakeTimers({ toFake: ['Date'] });
  });

  afterAll(async () => {
    vi.useRealTimers();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('disables a user and moves another to a different centre; both old tokens lose their reach at 60 s', async () => {
    const t0 = Date.now();
    // The container serves both users and keeps their memberships.
    expect((await asContainer('GET', '/me', partenaire.token)).status).toBe(200);
    expect((await asContainer('GET', `/cases/${tilleulsCase.id}`, gestionnaire.token)).status).toBe(200);

    expect((await patch(partenaire.userId, { enabled: false })).status).toBe(200);
    expect((await patch(gestionnaire.userId, { organisationId: 'cs-oliviers' })).status).toBe(200);

    // Within the minute, the container may still serve what it knew.
    vi.setSystemTime(t0 + MEMBERSHIP_CACHE_MS - 1000);
    expect((await asContainer('GET', '/me', partenaire.token)).status).toBe(200);

    // At 60 s, with the same tokens, the next request reads the new membership.
    vi.setSystemTime(t0 + MEMBERSHIP_CACHE_MS);
    const revoked = await asContainer('GET', '/me', partenaire.token);
    expect(revoked.status).toBe(403);
    expect(revoked.json.type).toBe('/problems/forbidden');
    expect((await asContainer('GET', '/cases', partenaire.token)).status).toBe(403);

    expect((await asContainer('GET', `/cases/${tilleulsCase.id}`, gestionnaire.token)).status).toBe(404);
    const me = await asContainer('GET', '/me', gestionnaire.token);
    expect(me.json).toMatchObject({ role: 'gestionnaire', organisationId: 'cs-oliviers' });
  });
});
