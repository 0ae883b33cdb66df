import { apiHandler } from '../../shared/http/api-handler.ts';
import { routes } from '../../shared/http/routes.ts';
import { changeUser } from '../../shared/users/admin-users.ts';
import { userDeps } from './user-deps.ts';

export const handler = apiHandler(routes.changeUser, async ({ caller, params, input }) => ({
  body: await changeUser(userDeps, caller, params.userId, () => input().body),
}));
