import { describe, expect, it } from 'vitest';
import { seedReferentiel, seedUsers } from '../../infra/local/seed-data.ts';
import * as z from '../../shared/domain/zod.ts';
import { MeSchema } from '../../shared/http/route-docs.ts';
import { apiClient } from '../helpers/api.ts';

const api = apiClient();

describe('GET /me', () => {
  it.each(seedUsers)('returns $email as $role of $organisationId', async (user) => {
    const res = await api.call('GET', '/me', { as: user.email });
    expect(res.status).toBe(200);
    const me = z.strictObject(MeSchema.shape).parse(res.json);
    expect(me).toMatchObject({ email: user.email, role: user.role, organisationId: user.organisationId });
    expect(me.sub).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('POST /_local/token', () => {
  it('answers a token that no cache may keep', async () => {
    const res = await api.call('POST', '/_local/token', { body: { email: 'avs@caf13.example.org' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 404 problem+json for an email that is no local user', async () => {
    const res = await api.call('POST', '/_local/token', { body: { email: 'inconnu@example.org' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.json.detail).toContain('inconnu@example.org');
  });

  it('answers 400 naming the field for a body that is not JSON or has no email', async () => {
    for (const rawBody of ['{not json', '{"mail":"x@example.org"}', '']) {
      const res = await api.call('POST', '/_local/token', { rawBody });
      expect(res.status, rawBody).toBe(400);
      expect(res.json.errors).toEqual([expect.objectContaining({ path: 'body.email' })]);
    }
  });
});

describe('GET /referentiel', () => {
  it('returns the seeded reference data, read from DynamoDB', async () => {
    const res = await api.call('GET', '/referentiel', { as: 'avs@caf13.example.org' });
    expect(res.status).toBe(200);
    const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    for (const kind of ['centres', 'federations', 'partenaires', 'prestataires'] as const) {
      expect(byId(res.json[kind]), kind).toEqual(byId(seedReferentiel[kind]));
    }
  });
});
