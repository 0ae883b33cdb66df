import { config } from '../../shared/config.ts';
import { cached } from '../../shared/store/cached.ts';
import { createCognitoDirectory } from '../../shared/store/cognito-directory.ts';
import { createDocumentClient } from '../../shared/store/dynamo.ts';
import { createMembershipRepository } from '../../shared/store/membership-repository.ts';
import { createReferentielRepository } from '../../shared/store/referentiel-repository.ts';
import type { UserDeps } from '../../shared/users/ports.ts';

/** The composition root of the administration handlers: adapters created once per container. */
const db = createDocumentClient();
const { TABLE_NAME, CURSOR_SECRET } = config();
const referentiel = createReferentielRepository(db, TABLE_NAME);

export const userDeps: UserDeps = {
  memberships: createMembershipRepository(db, TABLE_NAME),
  directory: createCognitoDirectory(),
  referentiel: cached((tenant) => referentiel.load(tenant), 5 * 60_000),
  now: () => new Date(),
  cursorSecret: CURSOR_SECRET,
};
