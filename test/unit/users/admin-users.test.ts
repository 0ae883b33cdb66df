import { beforeEach, describe, expect, it } from 'vitest';
import { seedReferentiel } from '../../../infra/local/seed-data.ts';
import type { Caller } from '../../../shared/domain/caller.ts';
import {
  NotAllowedError,
  NotFoundError,
  NotPossibleNowError,
  RuleViolationError,
} from '../../../shared/domain/errors.ts';
import {
  isEnabledCoordinateur,
  type Membership,
  type MembershipChange,
} from '../../../shared/domain/membership.ts';
import {
  appointFirstCoordinateur,
  changeUser,
  findUser,
  inviteUser,
  listUsers,
  requireCoordinateur,
} from '../../../shared/users/admin-users.ts';
import type { MembershipStore, UserDeps, UserDirectory } from '../../../shared/users/ports.ts';

/** Memberships in memory, with the same rules as the table: versions, journal, coordinateur floor. */
function memoryStore(): MembershipStore & { rows: Map<string, Membership>; entries: MembershipChange[] } {
  const rows = new Map<string, Membership>();
  const entries: MembershipChange[] = [];
  return {
    rows,
    entries,
    async get(userId) {
      return rows.get(userId);
    },
    async list(tenant) {
      return [...rows.values()]
        .filter((m) => m.tenant === tenant)
        .sort((a, b) => a.email.localeCompare(b.email));
    },
    async findByEmail(tenant, email) {
      return [...rows.values()].find((m) => m.tenant === tenant && m.email === email);
    },
    async save({ membership, expectedVersion, replaces, entry }) {
      const current = rows.get(membership.userId);
      if (expectedVersion === undefined ? current : current?.version !== expectedVersion) return 'conflict';
      if (replaces && rows.get(replaces.userId)?.version !== replaces.version) return 'conflict';
      const enabled = [...rows.values()].filter(
        (m) => m.tenant === membership.tenant && isEnabledCoordinateur(m),
      );
      if (isEnabledCoordinateur(entry.before) && !isEnabledCoordinateur(entry.after) && enabled.length <= 1) {
        return 'last-coordinateur';
      }
      if (replaces) rows.delete(replaces.userId);
      rows.set(membership.userId, membership);
      entries.push(entry);
      return 'saved';
    },
    async journal() {
      return { items: [...entries].reverse() };
    },
  };
}

/** Accounts in memory, by email; `failNext` makes the next call fail as a network error would. */
function memoryDirectory(): UserDirectory & {
  accounts: Map<string, { userId: string; enabled: boolean; waiting: boolean }>;
  failNext: boolean;
  resent: string[];
} {
  const accounts = new Map<string, { userId: string; enabled: boolean; waiting: boolean }>();
  const byId = (userId: string) => [...accounts.values()].find((a) => a.userId === userId);
  let n = 0;
  const directory = {
    accounts,
    failNext: false,
    resent: [] as string[],
    async invite(email: string) {
      const existing = accounts.get(email);
      if (existing) return { userId: existing.userId, existed: true, waiting: existing.waiting };
      const userId = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
      accounts.set(email, { userId, enabled: true, waiting: true });
      return { userId, existed: false, waiting: true };
    },
    async resendInvitation(email: string) {
      directory.resent.push(email);
      return 'sent' as const;
    },
    async setEnabled(userId: string, enabled: boolean) {
      if (directory.failNext) {
        directory.failNext = false;
        throw new Error('cognito-idp unreachable');
      }
      const account = byId(userId);
      if (!account) return 'no-account' as const;
      account.enabled = enabled;
      return 'done' as const;
    },
    async canSignIn(userId: string) {
      return byId(userId)?.enabled === true;
    },
  };
  return directory;
}

const coordinateur: Caller = {
  sub: 'c0000000-0000-4000-8000-000000000001',
  email: 'coordination@caf13.example.org',
  tenant: 'caf13',
  role: 'coordinateur',
  organisationId: 'caf13-coordination',
};

describe('the administration of users', () => {
  let store: ReturnType<typeof memoryStore>;
  let directory: ReturnType<typeof memoryDirectory>;
  let deps: UserDeps;

  beforeEach(async () => {
    store = memoryStore();
    directory = memoryDirectory();
    deps = {
      memberships: store,
      directory,
      referentiel: async () => seedReferentiel,
      now: () => new Date('2026-11-25T09:00:00.000Z'),
      cursorSecret: 'unit-test-cursor-secret',
    };
    // The tenant's one coordinateur.
    await store.save({
      membership: {
        userId: coordinateur.sub,
        email: coordinateur.email,
        tenant: 'caf13',
        role: 'coordinateur',
        organisationId: 'caf13-coordination',
        enabled: true,
        createdAt: '2026-11-01T00:00:00.000Z',
        updatedAt: '2026-11-01T00:00:00.000Z',
        version: 1,
      },
      entry: {
        at: '2026-11-01T00:00:00.000Z',
        userId: coordinateur.sub,
        email: coordinateur.email,
        action: 'seeded',
        by: { userId: 'seed', email: 'seed' },
        after: { role: 'coordinateur', organisationId: 'caf13-coordination', enabled: true },
      },
    });
  });

  /** The steps of the administration handlers, in their order: the coordinateur (403), the user (404), the change. */
  const admin = (as: Caller) => requireCoordinateur(deps, as);
  const list = async (as: Caller) => listUsers(deps, await admin(as));
  const invite = async (as: Caller, invitation: Parameters<typeof inviteUser>[2]) =>
    inviteUser(deps, await admin(as), invitation);
  const change = async (as: Caller, userId: string, patch: Parameters<typeof changeUser>[3]) => {
    const checked = await admin(as);
    return changeUser(deps, checked, await findUser(deps, checked, userId), patch);
  };

  it('refuses any other role (403)', async () => {
    const gestionnaire: Caller = { ...coordinateur, role: 'gestionnaire', organisationId: 'cs-tilleuls' };
    await expect(requireCoordinateur(deps, gestionnaire)).rejects.toThrow(NotAllowedError);
  });

  it('finds a user only in the caller’s tenant (404)', async () => {
    await expect(findUser(deps, await admin(coordinateur), 'unknown')).rejects.toThrow(NotFoundError);
    const other = await invite(coordinateur, {
      email: 'ailleurs@example.org',
      role: 'partenaire',
      organisationId: 'etat',
    });
    const elsewhere: Caller = {
      ...coordinateur,
      sub: 'c0000000-0000-4000-8000-000000000084',
      tenant: 'caf84',
      organisationId: 'caf84-coordination',
    };
    store.rows.set(elsewhere.sub, {
      ...(store.rows.get(coordinateur.sub) as Membership),
      userId: elsewhere.sub,
      tenant: 'caf84',
      organisationId: 'caf84-coordination',
    });
    await expect(findUser(deps, await admin(elsewhere), other.userId)).rejects.toThrow(NotFoundError);
  });

  it('gives a membership to an account left without one by a crash, instead of a 409 that would strand it', async () => {
    // A first attempt created the account, then failed before the membership was written.
    await directory.invite('orpheline@example.org');
    (directory.accounts.get('orpheline@example.org') as { enabled: boolean }).enabled = false;
    const user = await invite(coordinateur, {
      email: 'orpheline@example.org',
      role: 'prestataire',
      organisationId: 'cabinet-b',
    });
    expect(store.rows.get(user.userId)).toMatchObject({ role: 'prestataire', enabled: true });
    expect(directory.accounts.get('orpheline@example.org')?.enabled).toBe(true);
    // The retry of an invitation that did complete is a 409.
    await expect(
      invite(coordinateur, {
        email: 'orpheline@example.org',
        role: 'prestataire',
        organisationId: 'cabinet-b',
      }),
    ).rejects.toThrow(NotPossibleNowError);
  });

  it('disables the membership first: if the identity provider then fails, the user is already revoked, and a retry finishes', async () => {
    const user = await invite(coordinateur, {
      email: 'a-revoquer@example.org',
      role: 'partenaire',
      organisationId: 'etat',
    });
    directory.failNext = true;
    await expect(change(coordinateur, user.userId, { enabled: false })).rejects.toThrow(
      'cognito-idp unreachable',
    );
    expect(store.rows.get(user.userId)?.enabled).toBe(false);
    expect(directory.accounts.get('a-revoquer@example.org')?.enabled).toBe(true);

    const entriesBefore = store.entries.length;
    await change(coordinateur, user.userId, { enabled: false });
    expect(directory.accounts.get('a-revoquer@example.org')?.enabled).toBe(false);
    // Nothing changed in the membership the second time: no second journal entry.
    expect(store.entries.length).toBe(entriesBefore);
  });

  it('checks the organisation against the new role, and records before and after', async () => {
    const user = await invite(coordinateur, {
      email: 'federation@example.org',
      role: 'gestionnaire',
      organisationId: 'fed-ifac',
    });
    await expect(change(coordinateur, user.userId, { role: 'partenaire' })).rejects.toThrow(
      RuleViolationError,
    );
    const moved = await change(coordinateur, user.userId, { organisationId: 'cs-mistral' });
    expect(moved.organisationId).toBe('cs-mistral');
    expect(store.entries.at(-1)).toMatchObject({
      action: 'changed',
      by: { userId: coordinateur.sub, email: coordinateur.email },
      before: { organisationId: 'fed-ifac' },
      after: { organisationId: 'cs-mistral' },
    });
  });

  it('keeps the last enabled coordinateur (409), and lets one go once another is there', async () => {
    await expect(change(coordinateur, coordinateur.sub, { enabled: false })).rejects.toThrow(
      NotPossibleNowError,
    );
    await expect(
      change(coordinateur, coordinateur.sub, {
        role: 'partenaire',
        organisationId: 'caf13',
      }),
    ).rejects.toThrow(NotPossibleNowError);
    await invite(coordinateur, {
      email: 'relais@caf13.example.org',
      role: 'coordinateur',
      organisationId: 'caf13-coordination',
    });
    const left = await change(coordinateur, coordinateur.sub, { enabled: false });
    expect(left.enabled).toBe(false);
  });

  it('refuses a coordinateur whose membership was disabled a moment ago, whatever its cached caller says', async () => {
    await invite(coordinateur, {
      email: 'relais@caf13.example.org',
      role: 'coordinateur',
      organisationId: 'caf13-coordination',
    });
    const rogue = store.rows.get(
      [...store.rows.values()].find((m) => m.email === 'relais@caf13.example.org')?.userId as string,
    ) as Membership;
    const cachedRogue: Caller = { ...coordinateur, sub: rogue.userId, email: rogue.email };
    await change(coordinateur, rogue.userId, { enabled: false });
    // Within the cache's minute, its requests still carry the coordinateur role: refused all the same.
    await expect(requireCoordinateur(deps, cachedRogue)).rejects.toThrow(NotAllowedError);
    expect(store.rows.get(coordinateur.sub)?.enabled).toBe(true);
  });

  it('tells what to send when a role alone does not fit the organisation', async () => {
    const user = await invite(coordinateur, {
      email: 'bureau@example.org',
      role: 'gestionnaire',
      organisationId: 'cs-tilleuls',
    });
    const refusal = change(coordinateur, user.userId, { role: 'partenaire' });
    await expect(refusal).rejects.toThrow(RuleViolationError);
    await expect(refusal).rejects.toThrow('send the organisationId of a partenaire with the role');
  });

  it('answers an email that already has a membership with what to do instead', async () => {
    const user = await invite(coordinateur, {
      email: 'deja@example.org',
      role: 'partenaire',
      organisationId: 'etat',
    });
    await change(coordinateur, user.userId, { enabled: false });
    const again = invite(coordinateur, {
      email: 'deja@example.org',
      role: 'partenaire',
      organisationId: 'etat',
    });
    await expect(again).rejects.toThrow(NotPossibleNowError);
    await expect(again).rejects.toThrow(`PATCH /admin/users/${user.userId}`);
  });

  it('handles an account deleted from the identity provider: disabling works, enabling says to invite again, and the invitation moves the membership', async () => {
    const user = await invite(coordinateur, {
      email: 'supprime@example.org',
      role: 'gestionnaire',
      organisationId: 'cs-oliviers',
    });
    directory.accounts.delete('supprime@example.org');
    const off = await change(coordinateur, user.userId, { enabled: false });
    expect(off.enabled).toBe(false);
    const on = change(coordinateur, user.userId, { enabled: true });
    await expect(on).rejects.toThrow(NotPossibleNowError);
    await expect(on).rejects.toThrow('invite supprime@example.org again');
    expect(store.rows.get(user.userId)?.enabled).toBe(false);

    const back = await invite(coordinateur, {
      email: 'supprime@example.org',
      role: 'gestionnaire',
      organisationId: 'cs-oliviers',
    });
    expect(back.userId).not.toBe(user.userId);
    expect(store.rows.has(user.userId)).toBe(false);
    expect((await list(coordinateur)).filter((u) => u.email === 'supprime@example.org')).toEqual([back]);
    expect(store.entries.at(-1)).toMatchObject({
      action: 'invited',
      before: { enabled: false },
      after: { enabled: true },
    });
  });

  it('acts on the account of the membership, never on whoever holds its email now (another tenant, say)', async () => {
    const stale = await invite(coordinateur, {
      email: 'partagee@example.org',
      role: 'partenaire',
      organisationId: 'etat',
    });
    // The account is deleted from the pool, and the email is given a new account elsewhere.
    directory.accounts.set('partagee@example.org', {
      userId: '00000000-0000-4000-8000-0000000000ff',
      enabled: true,
      waiting: false,
    });
    await change(coordinateur, stale.userId, { enabled: false });
    expect(directory.accounts.get('partagee@example.org')?.enabled).toBe(true);
    await expect(change(coordinateur, stale.userId, { enabled: true })).rejects.toThrow(
      'invite partagee@example.org again',
    );
    expect(directory.accounts.get('partagee@example.org')?.enabled).toBe(true);
  });

  it('sends the invitation again to a user invited again who has not signed in yet, still a 409', async () => {
    const user = await invite(coordinateur, {
      email: 'en-attente@example.org',
      role: 'partenaire',
      organisationId: 'region',
    });
    const again = invite(coordinateur, {
      email: 'en-attente@example.org',
      role: 'partenaire',
      organisationId: 'region',
    });
    await expect(again).rejects.toThrow(NotPossibleNowError);
    await expect(again).rejects.toThrow('the invitation was sent again');
    expect(directory.resent).toEqual(['en-attente@example.org']);
    expect(store.rows.get(user.userId)?.version).toBe(1);
  });

  describe('the bootstrap of a tenant', () => {
    const bootstrapDeps = () => ({ memberships: store, directory, now: deps.now });

    it('is refused while an enabled coordinateur can sign in', async () => {
      directory.accounts.set(coordinateur.email, { userId: coordinateur.sub, enabled: true, waiting: false });
      await expect(
        appointFirstCoordinateur(bootstrapDeps(), { email: 'nouvelle@caf13.example.org', tenant: 'caf13' }),
      ).rejects.toThrow(`coordinateur who can sign in (${coordinateur.email})`);
    });

    it('recovers a tenant whose only coordinateur can no longer sign in, and disables that one', async () => {
      // The seeded coordinateur of this test has no account in the directory: deleted.
      const appointed = await appointFirstCoordinateur(bootstrapDeps(), {
        email: 'relève@caf13.example.org',
        tenant: 'caf13',
      });
      expect(appointed).toMatchObject({
        role: 'coordinateur',
        organisationId: 'caf13-coordination',
        enabled: true,
      });
      expect(store.rows.get(coordinateur.sub)?.enabled).toBe(false);
      expect(store.entries.slice(-2).map((e) => [e.action, e.by.email])).toEqual([
        ['invited', 'bootstrap'],
        ['disabled', 'bootstrap'],
      ]);
      await expect(
        appointFirstCoordinateur(bootstrapDeps(), { email: 'autre@caf13.example.org', tenant: 'caf13' }),
      ).rejects.toThrow(NotPossibleNowError);
    });
  });
});
