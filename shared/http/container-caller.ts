import { config } from '../config.ts';
import { createDocumentClient } from '../store/dynamo.ts';
import { createMembershipRepository } from '../store/membership-repository.ts';
import { type CallerResolver, createCallerResolver } from './claims.ts';

let shared: CallerResolver | undefined;

/** The caller resolver of this container: one membership cache shared by every handler module. */
export function containerCallerResolver(): CallerResolver {
  if (!shared) {
    const memberships = createMembershipRepository(createDocumentClient(), config().TABLE_NAME);
    shared = createCallerResolver((userId) => memberships.get(userId));
  }
  return shared;
}
