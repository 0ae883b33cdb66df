import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { membershipJournal, requireCoordinateur } from '../../shared/users/admin-users.ts';
import { userDeps } from './user-deps.ts';

export const handler = apiHandler(routes.listMembershipChanges, async ({ caller, query }) => {
  const admin = await requireCoordinateur(userDeps, caller);
  return { body: await membershipJournal(userDeps, admin, query) };
});
