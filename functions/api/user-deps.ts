import { config } from '../../shared/config.ts';
import { createCognitoDirectory } from '../../shared/store/cognito-directory.ts';
import { createDocumentClient } from '../../shared/store/dynamo.ts';
import { createMembershipRepository } from '../../shared/store/membership-repository.ts';
import type { UserDeps } from '../../shared/users/ports.ts';
import { containerReferentiel } from './referentiel-deps.ts';

/** The composition root of the administration handlers: adapters created once per container. */
const db = createDocumentClient();
const { TABLE_NAME, CURSOR_SECRET } = config();

export const userDeps: UserDeps = {
  memberships: createMembershipRepository(db, TABLE_NAME),
  directory: createCognitoDirectory(),
  referentiel: containerReferentiel,
  now: () => new Date(),
  cursorSecret: CURSOR_SECRET,
};
