import { apiHandler } from '../../shared/http/api-handler.ts';
import * as routes from '../../shared/http/routes.ts';

export const handler = apiHandler(routes.getMe, async ({ caller }) => ({
  body: { sub: caller.sub, email: caller.email, role: caller.role, organisationId: caller.organisationId },
}));
