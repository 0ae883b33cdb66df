import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';
import { listUsers, requireCoordinateur } from '../../shared/users/admin-users.ts';
import { userDeps } from './user-deps.ts';

export const handler = apiHandler(routes.listUsers, async ({ caller }) => {
  const admin = await requireCoordinateur(userDeps, caller);
  return { body: { items: await listUsers(userDeps, admin) } };
});
