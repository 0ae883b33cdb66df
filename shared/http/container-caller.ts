import { config } from '../config.ts';
import { createDocumentClient } from '../store/dynamo.ts';
import { readMembership } from '../store/membership-repository.ts';
import { type CallerResolver, createCallerResolver } from './claims.ts';

let shared: CallerResolver | undefined;

/** The caller resolver of this container: one membership cache shared by every handler module. */
export function containerCallerResolver(): CallerResolver {
  if (!shared) {
    const db = createDocumentClient();
    const { TABLE_NAME } = config();
    shared = createCallerResolver((userId) => readMembership(db, TABLE_NAME, userId));
  }
  return shared;
}
