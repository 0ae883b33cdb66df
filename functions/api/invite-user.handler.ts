import { apiHandler } from '../../shared/http/api-handler.ts';
import { routes } from '../../shared/http/routes.ts';
import { inviteUser } from '../../shared/users/admin-users.ts';
import { userDeps } from './user-deps.ts';

export const handler = apiHandler(routes.inviteUser, async ({ caller, input }) => ({
  body: await inviteUser(userDeps, caller, () => input().body),
}));
