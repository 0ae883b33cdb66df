import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { inviteUser, requireCoordinateur } from '../../shared/users/admin-users.ts';
import { userDeps } from './user-deps.ts';

export const handler = apiHandler(routes.inviteUser, async ({ caller, input }) => {
  const admin = await requireCoordinateur(userDeps, caller);
  return { body: await inviteUser(userDeps, admin, input().body) };
});
