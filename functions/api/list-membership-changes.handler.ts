import { apiHandler } from '../../shared/http/api-handler.ts';
import { routes } from '../../shared/http/routes.ts';
import { membershipJournal } from '../../shared/users/admin-users.ts';
import { userDeps } from './user-deps.ts';

export const handler = apiHandler(routes.listMembershipChanges, async ({ caller, query }) => ({
  body: await membershipJournal(userDeps, caller, query),
}));
