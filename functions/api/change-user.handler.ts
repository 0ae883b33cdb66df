import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { changeUser, findUser, requireCoordinateur } from '../../shared/users/admin-users.ts';
import { userDeps } from './user-deps.ts';

export const handler = apiHandler(routes.changeUser, async ({ caller, params, input }) => {
  const admin = await requireCoordinateur(userDeps, caller);
  const user = await findUser(userDeps, admin, params.userId);
  return { body: await changeUser(userDeps, admin, user, input().body) };
});
