import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_PASSWORD } from '../../infra/local/identity.ts';
import { apiClient } from '../helpers/api.ts';
import { decodePayload, signWithForeignKey, signWithLocalKey, tamper } from '../helpers/tokens.ts';

const api = apiClient();
const GESTIONNAIRE = 'ca.tilleuls@example.org';
const now = () => Math.floor(Date.now() / 1000);

describe('the local gateway checks bearer tokens as the JWT authorizer does', () => {
  let good: string;
  beforeAll(async () => {
    good = await api.tokenFor(GESTIONNAIRE);
  });

  it('accepts a token from the local identity provider', async () => {
    const res = await api.call('GET', '/me', { token: good });
    expect(res.status).toBe(200);
    expect(res.json.email).toBe(GESTIONNAIRE);
  });

  const refusals: [string, () => Promise<string | undefined>, RegExp][] = [
    ['no token at all', async () => undefined, /Bearer/],
    ['a token that is not a JWT', async () => 'not-a-jwt', /could not be verified/],
    [
      'an expired token',
      async () => signWithLocalKey({ ...decodePayload(good), iat: now() - 7200, exp: now() - 3600 }),
      /expired/,
    ],
    [
      'a token without exp',
      async () => {
        const { exp: _exp, ...claims } = decodePayload(good);
        return signWithLocalKey(claims);
      },
      /no expiry/,
    ],
    [
      'a token issued in the future',
      async () => signWithLocalKey({ ...decodePayload(good), iat: now() + 600, exp: now() + 3600 }),
      /issued in the future/,
    ],
    [
      'a tampered token (role claim changed, signature kept)',
      async () => tamper(good, { 'cognito:groups': ['coordinateur'] }),
      /could not be verified/,
    ],
    [
      'a token signed by another key',
      async () => signWithForeignKey(decodePayload(good)),
      /could not be verified/,
    ],
    [
      'a token from another issuer, signed with the right key',
      async () => signWithLocalKey({ ...decodePayload(good), iss: 'http://127.0.0.1:1/local_other' }),
      /another issuer/,
    ],
    [
      'a token issued for another app client',
      async () => signWithLocalKey({ ...decodePayload(good), aud: 'another-client' }),
      /another client/,
    ],
  ];

  it.each(refusals)('refuses %s with 401 problem+json', async (_name, makeToken, detail) => {
    const token = await makeToken();
    const res = await api.call('GET', '/me', token ? { token } : {});
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.json).toMatchObject({ status: 401, type: '/problems/unauthorized' });
    expect(res.json.detail).toMatch(detail);
  });

  it('accepts a token re-signed with the local key unchanged, so each refusal above comes from the one thing changed', async () => {
    const forged = await signWithLocalKey(decodePayload(good));
    expect((await api.call('GET', '/me', { token: forged })).status).toBe(200);
  });

  it('answers 403 on every authenticated route to a valid user with no membership, and lets public routes through', async () => {
    const email = `sans-adhesion-${Date.now()}@example.org`;
    const { endpoints, identity } = { endpoints: inject('endpoints'), identity: inject('identity') };
    const cognito = new CognitoIdentityProviderClient({
      endpoint: endpoints.cognito,
      region: 'eu-west-3',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: identity.userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: identity.userPoolId,
        Username: email,
        Password: LOCAL_PASSWORD,
        Permanent: true,
      }),
    );
    const token = await api.tokenFor(email);
    for (const path of ['/me', '/referentiel']) {
      const res = await api.call('GET', path, { token });
      expect(res.status, path).toBe(403);
      expect(res.json.type).toBe('/problems/forbidden');
    }
    for (const path of ['/health', '/openapi.json']) {
      expect((await api.call('GET', path, { token })).status, path).toBe(200);
    }
  });
});
