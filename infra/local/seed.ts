import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createReferentielRepository } from '../../shared/store/referentiel-repository.ts';
import { ensureUsers, type UsersOutcome } from './identity.ts';
import { SEED_TENANT, seedReferentiel, seedUsers } from './seed-data.ts';

export interface SeedTargets {
  db: DynamoDBDocumentClient;
  tableName: string;
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
}

/** Writes the reference data and the users of DESIGN.md §6; running it again changes nothing. */
export async function seed({
  db,
  tableName,
  cognito,
  userPoolId,
}: SeedTargets): Promise<{ users: UsersOutcome }> {
  await createReferentielRepository(db, tableName).save(SEED_TENANT, seedReferentiel);
  const users = await ensureUsers(
    cognito,
    userPoolId,
    seedUsers.map((u) => ({ ...u, tenant: SEED_TENANT })),
  );
  return { users };
}
