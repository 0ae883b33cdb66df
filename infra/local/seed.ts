import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Membership } from '../../shared/domain/membership.ts';
import { createMembershipRepository } from '../../shared/store/membership-repository.ts';
import { saveReferentiel } from '../../shared/store/referentiel-repository.ts';
import { ensureAccounts } from './identity.ts';
import { SEED_TENANT, seedReferentiel, seedUsers } from './seed-data.ts';

export interface SeedTargets {
  db: DynamoDBDocumentClient;
  tableName: string;
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
  now?: () => Date;
}

export interface SeedOutcome {
  /** Memberships written by this run, and those found already there (and left as they are). */
  users: { created: number; unchanged: number };
  accountsCreated: number;
}

/**
 * Writes the reference data and the ten users of DESIGN.md §6 (an account each, and its
 * membership) when missing. A membership already there is left alone, even if the coordination
 * changed it: the seed never undoes an administrator's decision. Running it again changes nothing.
 */
export async function seed({
  db,
  tableName,
  cognito,
  userPoolId,
  now = () => new Date(),
}: SeedTargets): Promise<SeedOutcome> {
  await saveReferentiel(db, tableName, SEED_TENANT, seedReferentiel);
  const accounts = await ensureAccounts(
    cognito,
    userPoolId,
    seedUsers.map((u) => u.email),
  );
  const memberships = createMembershipRepository(db, tableName);
  const users = { created: 0, unchanged: 0 };
  for (const user of seedUsers) {
    const userId = accounts.subs.get(user.email) as string;
    if (await memberships.get(userId)) {
      users.unchanged++;
      continue;
    }
    const at = now().toISOString();
    const membership: Membership = {
      userId,
      email: user.email,
      tenant: SEED_TENANT,
      role: user.role,
      organisationId: user.organisationId,
      enabled: true,
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    const { role, organisationId, enabled } = membership;
    const result = await memberships.save({
      membership,
      entry: {
        at,
        userId,
        email: user.email,
        action: 'seeded',
        by: { userId: 'seed', email: 'seed' },
        after: { role, organisationId, enabled },
      },
    });
    users[result === 'saved' ? 'created' : 'unchanged']++;
  }
  return { users, accountsCreated: accounts.created };
}
