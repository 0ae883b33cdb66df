import { ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { seed } from '../../infra/local/seed.ts';
import { seedUsers } from '../../infra/local/seed-data.ts';
import { LOCAL_TABLE, localClients } from '../../infra/local/stack.ts';
import { createMembershipRepository } from '../../shared/store/membership-repository.ts';

const endpoints = inject('endpoints');
const identity = inject('identity');
const clients = localClients(endpoints);

/** Everything the seed writes: every table item, and every user with its attributes. */
async function snapshot() {
  const items: Record<string, unknown>[] = [];
  // A test may scan: it reads the whole emulator table to prove nothing else changed.
  for await (const page of paginateScan({ client: clients.db }, { TableName: LOCAL_TABLE }))
    items.push(...(page.Items ?? []));
  const { Users = [] } = await clients.cognito.send(
    new ListUsersCommand({ UserPoolId: identity.userPoolId }),
  );
  const users = Users.map((u) => ({
    username: u.Username,
    attributes: Object.fromEntries((u.Attributes ?? []).map((a) => [a.Name, a.Value])),
    enabled: u.Enabled,
    modified: u.UserLastModifiedDate?.toISOString(),
  }));
  const order = (a: { pk?: unknown; sk?: unknown }, b: { pk?: unknown; sk?: unknown }) =>
    `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`);
  return {
    items: items.sort(order),
    users: users.sort((a, b) => String(a.username).localeCompare(String(b.username))),
  };
}

describe('the seed', () => {
  it('running it again on a seeded stack changes nothing', async () => {
    const before = await snapshot();
    expect(before.items.length).toBeGreaterThanOrEqual(4 + 5 + 13 + 2 + seedUsers.length);

    const outcome = await seed({
      db: clients.db,
      tableName: LOCAL_TABLE,
      cognito: clients.cognito,
      userPoolId: identity.userPoolId,
    });

    expect(outcome).toEqual({ users: { created: 0, unchanged: seedUsers.length }, accountsCreated: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('gives each of the ten users of the contract its membership, in the table and nowhere else', async () => {
    const memberships = createMembershipRepository(clients.db, LOCAL_TABLE);
    const stored = await memberships.list('caf13');
    for (const user of seedUsers) {
      expect(
        stored.find((m) => m.email === user.email),
        user.email,
      ).toMatchObject({
        role: user.role,
        organisationId: user.organisationId,
        tenant: 'caf13',
      });
    }
    // The accounts carry identity only: no custom attribute, no group that could say otherwise.
    const { users } = await snapshot();
    const names = users.flatMap((u) => Object.keys(u.attributes));
    expect(names.filter((name) => name.startsWith('custom:'))).toEqual([]);
  });
});
