import { ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { roleGroupsByEmail } from '../../infra/local/identity.ts';
import { seed } from '../../infra/local/seed.ts';
import { seedUsers } from '../../infra/local/seed-data.ts';
import { LOCAL_TABLE, localClients } from '../../infra/local/stack.ts';

const endpoints = inject('endpoints');
const identity = inject('identity');
const clients = localClients(endpoints);

/** Everything the seed writes: every table item, and every user with its attributes and groups. */
async function snapshot() {
  const items: Record<string, unknown>[] = [];
  // A test may scan: it reads the whole emulator table to prove nothing else changed.
  for await (const page of paginateScan({ client: clients.db }, { TableName: LOCAL_TABLE }))
    items.push(...(page.Items ?? []));
  const { Users = [] } = await clients.cognito.send(
    new ListUsersCommand({ UserPoolId: identity.userPoolId }),
  );
  const groups = await roleGroupsByEmail(clients.cognito, identity.userPoolId);
  const users = Users.map((u) => {
    const attributes = Object.fromEntries((u.Attributes ?? []).map((a) => [a.Name, a.Value]));
    return {
      username: u.Username,
      attributes,
      groups: groups.get(attributes.email ?? '') ?? [],
      modified: u.UserLastModifiedDate?.toISOString(),
    };
  });
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
    expect(before.items.length).toBeGreaterThanOrEqual(4 + 5 + 13 + 2);
    const seeded = before.users.filter((u) => seedUsers.some((s) => s.email === u.attributes.email));
    expect(seeded.map((u) => u.groups)).toEqual(seedUsers.map(() => [expect.any(String)]));

    const outcome = await seed({
      db: clients.db,
      tableName: LOCAL_TABLE,
      cognito: clients.cognito,
      userPoolId: identity.userPoolId,
    });

    expect(outcome.users).toEqual({ created: 0, updated: 0, unchanged: seedUsers.length });
    expect(await snapshot()).toEqual(before);
  });
});
