import { describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api.ts';
import { USERS } from '../helpers/cases.ts';

const api = apiClient();

describe('/me/preferences (DESIGN.md §4, §7)', () => {
  it('starts with information mails sent at once, and keeps what each user chooses for itself only', async () => {
    const email = `preferences-${Date.now()}@example.org`;
    const invited = await api.call('POST', '/admin/users', {
      as: USERS.coordination,
      body: { email, role: 'partenaire', organisationId: 'region' },
    });
    expect(invited.status).toBe(201);
    const before = await api.call('GET', '/me/preferences', { as: email });
    expect(before.status).toBe(200);
    expect(before.json).toEqual({ information: 'immediate' });
    expect(before.headers.get('cache-control')).toBe('no-store');

    const set = await api.call('PUT', '/me/preferences', {
      as: email,
      body: { information: 'daily_digest' },
    });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({ information: 'daily_digest' });
    expect((await api.call('GET', '/me/preferences', { as: email })).json).toEqual({
      information: 'daily_digest',
    });
    expect((await api.call('GET', '/me/preferences', { as: USERS.etat })).json).toEqual({
      information: 'immediate',
    });
  });

  it.each([
    ['an unknown delivery', { information: 'weekly' }, 'body.information'],
    ['no body field', {}, 'body.information'],
    ['an unknown field', { information: 'immediate', tenant: 'caf99' }, 'body'],
  ])('refuses %s with a 400 naming the field, and changes nothing', async (_name, body, path) => {
    const res = await api.call('PUT', '/me/preferences', { as: USERS.vitrolles, body });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await api.call('GET', '/me/preferences', { as: USERS.vitrolles })).json).toEqual({
      information: 'immediate',
    });
  });

  it('says that action mails cannot be turned off', async () => {
    const res = await api.call('PUT', '/me/preferences', {
      as: USERS.vitrolles,
      body: { information: 'daily_digest', action: 'off' },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([
      expect.objectContaining({
        path: 'body.action',
        message: expect.stringContaining('cannot be turned off'),
      }),
    ]);
  });
});
