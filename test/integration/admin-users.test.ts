import { AdminDeleteUserCommand, AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { seedUsers } from '../../infra/local/seed-data.ts';
import { LOCAL_TABLE } from '../../infra/local/stack.ts';
import { type Membership, UserSchema } from '../../shared/domain/membership.ts';
import * as z from '../../shared/domain/zod.ts';
import { createMembershipRepository } from '../../shared/store/membership-repository.ts';
import { apiClient } from '../helpers/api.ts';
import { USERS } from '../helpers/cases.ts';
import { emulatorAccess } from '../helpers/fixtures.ts';

const api = apiClient();
const { clients } = emulatorAccess();
const identity = inject('identity');
const COORDINATION = USERS.coordination;
let n = 0;
const freshEmail = (label: string) => `${label}-${Date.now()}-${n++}@example.org`;

async function invite(body: Record<string, unknown>, as = COORDINATION) {
  return api.call('POST', '/admin/users', { as, body });
}

async function invited(role: string, organisationId: string) {
  const res = await invite({ email: freshEmail(role), role, organisationId });
  expect(res.status, res.text).toBe(201);
  return UserSchema.parse(res.json);
}

async function journal() {
  const res = await api.call('GET', '/admin/membership-changes?limit=100', { as: COORDINATION });
  expect(res.status).toBe(200);
  return res.json.items as {
    userId: string;
    action: string;
    by: { email: string };
    before?: unknown;
    after: unknown;
  }[];
}

describe('the administration of users (coordinateur)', () => {
  it('lists the users of the tenant with their memberships, the ten seeded ones among them', async () => {
    const res = await api.call('GET', '/admin/users', { as: COORDINATION });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const items = res.json.items.map((u: unknown) => z.strictObject(UserSchema.shape).parse(u));
    for (const user of seedUsers) {
      expect(items.find((u: { email: string }) => u.email === user.email)).toMatchObject({
        role: user.role,
        organisationId: user.organisationId,
        enabled: true,
      });
    }
  });

  it('invites a user: the account exists in the user pool, the membership in the table, and the user can sign in locally', async () => {
    const email = freshEmail('Nouvelle.Partenaire').toUpperCase();
    const res = await invite({ email, role: 'partenaire', organisationId: 'region' });
    expect(res.status, res.text).toBe(201);
    const user = z.strictObject(UserSchema.shape).parse(res.json);
    expect(user).toMatchObject({
      email: email.toLowerCase(),
      role: 'partenaire',
      organisationId: 'region',
      enabled: true,
    });

    const account = await clients.cognito.send(
      new AdminGetUserCommand({ UserPoolId: identity.userPoolId, Username: user.email }),
    );
    // Invited, not seeded: a temporary password was sent, to be changed at first sign-in.
    expect(account.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    expect(account.UserAttributes?.find((a) => a.Name === 'sub')?.Value).toBe(user.userId);
    expect(account.UserAttributes?.some((a) => a.Name?.startsWith('custom:'))).toBe(false);

    const me = await api.call('GET', '/me', { as: user.email });
    expect(me.json).toEqual({
      sub: user.userId,
      email: user.email,
      role: 'partenaire',
      organisationId: 'region',
    });

    const entry = (await journal()).find((e) => e.userId === user.userId);
    expect(entry).toMatchObject({
      action: 'invited',
      by: { email: COORDINATION },
      after: { role: 'partenaire' },
    });
  });

  it('changes a role and an organisation, records who did it, and refuses an organisation that does not fit', async () => {
    const user = await invited('gestionnaire', 'cs-oliviers');
    const moved = await api.call('PATCH', `/admin/users/${user.userId}`, {
      as: COORDINATION,
      body: { role: 'prestataire', organisationId: 'cabinet-b' },
    });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json).toMatchObject({ role: 'prestataire', organisationId: 'cabinet-b', enabled: true });

    const entry = (await journal()).find((e) => e.userId === user.userId && e.action === 'changed');
    expect(entry).toMatchObject({
      by: { email: COORDINATION },
      before: { role: 'gestionnaire', organisationId: 'cs-oliviers', enabled: true },
      after: { role: 'prestataire', organisationId: 'cabinet-b', enabled: true },
    });

    for (const body of [
      { role: 'partenaire' }, // cabinet-b is no funder
      { organisationId: 'etat' }, // a prestataire of a funder
      { organisationId: 'cs-inconnu' }, // nowhere in the referentiel
      { role: 'coordinateur' }, // the coordination of caf13 is caf13-coordination
    ]) {
      const res = await api.call('PATCH', `/admin/users/${user.userId}`, { as: COORDINATION, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.json.errors).toEqual([expect.objectContaining({ path: 'body.organisationId' })]);
    }
    const list = await api.call('GET', '/admin/users', { as: COORDINATION });
    expect(list.json.items.find((u: { userId: string }) => u.userId === user.userId)).toMatchObject({
      role: 'prestataire',
      organisationId: 'cabinet-b',
    });
  });

  it('disables a user: the membership and the account both, and /_local/token refuses it; enabling restores both', async () => {
    const user = await invited('partenaire', 'departement');
    const off = await api.call('PATCH', `/admin/users/${user.userId}`, {
      as: COORDINATION,
      body: { enabled: false },
    });
    expect(off.status, off.text).toBe(200);
    expect(off.json.enabled).toBe(false);
    const account = () =>
      clients.cognito.send(
        new AdminGetUserCommand({ UserPoolId: identity.userPoolId, Username: user.email }),
      );
    expect((await account()).Enabled).toBe(false);
    const token = await api.call('POST', '/_local/token', { body: { email: user.email } });
    expect(token.status).toBe(403);
    expect(token.json.detail).toContain('disabled');

    const on = await api.call('PATCH', `/admin/users/${user.userId}`, {
      as: COORDINATION,
      body: { enabled: true },
    });
    expect(on.json.enabled).toBe(true);
    expect((await account()).Enabled).toBe(true);
    const actions = (await journal()).filter((e) => e.userId === user.userId).map((e) => e.action);
    expect(actions).toEqual(['enabled', 'disabled', 'invited']);
  });

  it('never lets the tenant lose its last enabled coordinateur', async () => {
    const second = await invited('coordinateur', 'caf13-coordination');
    const seeded = (await api.call('GET', '/admin/users', { as: COORDINATION })).json.items.find(
      (u: { email: string }) => u.email === COORDINATION,
    );
    const off = await api.call('PATCH', `/admin/users/${second.userId}`, {
      as: second.email,
      body: { enabled: false },
    });
    expect(off.status, off.text).toBe(200);
    // Now alone: the coordinateur can neither disable itself nor leave its role.
    for (const body of [{ enabled: false }, { role: 'partenaire', organisationId: 'caf13' }]) {
      const res = await api.call('PATCH', `/admin/users/${seeded.userId}`, { as: COORDINATION, body });
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(res.json.detail).toContain('last enabled coordinateur');
    }
    const me = await api.call('GET', '/me', { as: COORDINATION });
    expect(me.json.role).toBe('coordinateur');
  });

  it('keeps one coordinateur when two disable each other at the same moment (DynamoDB transactions)', async () => {
    const memberships = createMembershipRepository(clients.db, LOCAL_TABLE);
    const tenant = `race-${Date.now()}`;
    const at = new Date().toISOString();
    const coordinateurs = [
      '00000000-0000-4000-8000-00000000000a',
      '00000000-0000-4000-8000-00000000000b',
    ].map(
      (userId): Membership => ({
        userId,
        email: `${userId}@example.org`,
        tenant,
        role: 'coordinateur',
        organisationId: `${tenant}-coordination`,
        enabled: true,
        createdAt: at,
        updatedAt: at,
        version: 1,
      }),
    );
    const terms = { role: 'coordinateur' as const, organisationId: `${tenant}-coordination` };
    for (const m of coordinateurs) {
      const entry = {
        at,
        userId: m.userId,
        email: m.email,
        action: 'seeded' as const,
        by: { userId: 't', email: 't' },
      };
      expect(
        await memberships.save({ membership: m, entry: { ...entry, after: { ...terms, enabled: true } } }),
      ).toBe('saved');
    }
    const results = await Promise.all(
      coordinateurs.map((m) =>
        memberships.save({
          membership: { ...m, enabled: false, version: 2 },
          expectedVersion: 1,
          entry: {
            at,
            userId: m.userId,
            email: m.email,
            action: 'disabled',
            by: { userId: 't', email: 't' },
            before: { ...terms, enabled: true },
            after: { ...terms, enabled: false },
          },
        }),
      ),
    );
    expect(results.sort()).toEqual(['last-coordinateur', 'saved']);
    const left = (await memberships.list(tenant)).filter((m) => m.enabled);
    expect(left).toHaveLength(1);
  });

  it('refuses a coordinateur disabled a moment ago, even while its membership is cached for reading', async () => {
    const rogue = await invited('coordinateur', 'caf13-coordination');
    expect((await api.call('GET', '/me', { as: rogue.email })).status).toBe(200); // now cached
    const seeded = (await api.call('GET', '/me', { as: COORDINATION })).json.sub as string;
    expect(
      (
        await api.call('PATCH', `/admin/users/${rogue.userId}`, {
          as: COORDINATION,
          body: { enabled: false },
        })
      ).status,
    ).toBe(200);
    for (const [method, path, body] of [
      ['PATCH', `/admin/users/${rogue.userId}`, { enabled: true }],
      ['PATCH', `/admin/users/${seeded}`, { enabled: false }],
      [
        'POST',
        '/admin/users',
        { email: freshEmail('complice'), role: 'coordinateur', organisationId: 'caf13-coordination' },
      ],
      ['GET', '/admin/users', undefined],
    ] as const) {
      const res = await api.call(method, path, { as: rogue.email, ...(body && { body }) });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    const users = (await api.call('GET', '/admin/users', { as: COORDINATION })).json.items;
    expect(users.find((u: { userId: string }) => u.userId === rogue.userId).enabled).toBe(false);
    expect(users.find((u: { userId: string }) => u.userId === seeded).enabled).toBe(true);
  });

  it('copes with an account deleted from the user pool behind Renfort’s back: no 500, and a new invitation moves the membership', async () => {
    const user = await invited('gestionnaire', 'cs-oliviers');
    await clients.cognito.send(
      new AdminDeleteUserCommand({ UserPoolId: identity.userPoolId, Username: user.email }),
    );
    const moved = await api.call('PATCH', `/admin/users/${user.userId}`, {
      as: COORDINATION,
      body: { organisationId: 'cs-tilleuls' },
    });
    expect(moved.status, moved.text).toBe(200);
    const off = await api.call('PATCH', `/admin/users/${user.userId}`, {
      as: COORDINATION,
      body: { enabled: false },
    });
    expect(off.status, off.text).toBe(200);
    const on = await api.call('PATCH', `/admin/users/${user.userId}`, {
      as: COORDINATION,
      body: { enabled: true },
    });
    expect(on.status, on.text).toBe(409);
    expect(on.json.detail).toContain(`invite ${user.email} again`);

    const back = await invite({ email: user.email, role: 'gestionnaire', organisationId: 'cs-tilleuls' });
    expect(back.status, back.text).toBe(201);
    const listed = (await api.call('GET', '/admin/users', { as: COORDINATION })).json.items.filter(
      (u: { email: string }) => u.email === user.email,
    );
    expect(listed).toEqual([expect.objectContaining({ userId: back.json.userId, enabled: true })]);
    expect((await api.call('GET', '/me', { as: user.email })).json.organisationId).toBe('cs-tilleuls');
  });

  it('answers 409 to a second invitation of a user who never signed in, saying what was done', async () => {
    const email = freshEmail('attente');
    expect((await invite({ email, role: 'partenaire', organisationId: 'etat' })).status).toBe(201);
    const again = await invite({ email, role: 'partenaire', organisationId: 'etat' });
    expect(again.status, again.text).toBe(409);
    expect(again.json.detail).toContain('this identity provider sends no invitation');
  });

  it('answers 409 for an email that already has an account, and changes nothing', async () => {
    const before = await journal();
    const res = await invite({ email: USERS.tilleuls, role: 'partenaire', organisationId: 'etat' });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const me = await api.call('GET', '/me', { as: USERS.tilleuls });
    expect(me.json).toMatchObject({ role: 'gestionnaire', organisationId: 'cs-tilleuls' });
    expect((await journal()).length).toBe(before.length);
  });

  describe('bad input: a 4xx problem+json naming the field, and nothing created', () => {
    const cases: [string, unknown, number, string][] = [
      ['no body', undefined, 400, 'body'],
      [
        'an email that is not one',
        { email: 'pas-un-email', role: 'partenaire', organisationId: 'etat' },
        400,
        'body.email',
      ],
      [
        'an unknown role',
        { email: freshEmail('x'), role: 'administrateur', organisationId: 'etat' },
        400,
        'body.role',
      ],
      [
        'an unknown field',
        { email: freshEmail('x'), role: 'partenaire', organisationId: 'etat', tenant: 'caf99' },
        400,
        'body',
      ],
      [
        'a malformed organisation id',
        { email: freshEmail('x'), role: 'partenaire', organisationId: 'Etat!' },
        400,
        'body.organisationId',
      ],
      [
        'an organisation of another role',
        { email: freshEmail('x'), role: 'partenaire', organisationId: 'cs-tilleuls' },
        422,
        'body.organisationId',
      ],
      [
        'an unknown organisation',
        { email: freshEmail('x'), role: 'prestataire', organisationId: 'cabinet-z' },
        422,
        'body.organisationId',
      ],
    ];
    it.each(cases)('POST /admin/users with %s', async (_name, body, status, path) => {
      const before = (await api.call('GET', '/admin/users', { as: COORDINATION })).json.items.length;
      const res = await invite(body as Record<string, unknown>);
      expect(res.status, res.text).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect((await api.call('GET', '/admin/users', { as: COORDINATION })).json.items.length).toBe(before);
    });

    let target: { userId: string };
    beforeAll(async () => {
      target = await invited('partenaire', 'commune-miramas');
    });
    const patches: [string, unknown, number][] = [
      ['an empty patch', {}, 400],
      ['an enabled that is no boolean', { enabled: 'false' }, 400],
      ['an unknown field', { tenant: 'caf99' }, 400],
      ['an email change (not a membership term)', { email: 'autre@example.org' }, 400],
    ];
    it.each(patches)('PATCH /admin/users/{id} with %s', async (_name, body, status) => {
      const res = await api.call('PATCH', `/admin/users/${target.userId}`, { as: COORDINATION, body });
      expect(res.status, res.text).toBe(status);
      const me = await api.call('GET', '/admin/users', { as: COORDINATION });
      expect(me.json.items.find((u: { userId: string }) => u.userId === target.userId)).toMatchObject({
        role: 'partenaire',
        organisationId: 'commune-miramas',
        enabled: true,
      });
    });

    it('PATCH of a user id that is malformed or unknown is a 404', async () => {
      for (const id of ['not-a-user', '00000000-0000-4000-8000-000000000000']) {
        const res = await api.call('PATCH', `/admin/users/${id}`, {
          as: COORDINATION,
          body: { enabled: false },
        });
        expect(res.status, id).toBe(404);
      }
    });

    it('a tampered journal cursor is a 400 naming query.cursor', async () => {
      const res = await api.call('GET', '/admin/membership-changes?cursor=abc.def', { as: COORDINATION });
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual([expect.objectContaining({ path: 'query.cursor' })]);
    });
  });

  it('pages the journal newest first with a cursor', async () => {
    const first = await api.call('GET', '/admin/membership-changes?limit=3', { as: COORDINATION });
    expect(first.json.items).toHaveLength(3);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await api.call(
      'GET',
      `/admin/membership-changes?limit=3&cursor=${first.json.nextCursor}`,
      {
        as: COORDINATION,
      },
    );
    const all = [...first.json.items, ...second.json.items].map((e: { at: string }) => e.at);
    expect(all).toEqual([...all].sort().reverse());
    const whole = await journal();
    expect(second.json.items).toEqual(whole.slice(3, 6));
  });
});
